//! [`RecordLog`]: an append-only log of variable-length records in segment
//! files, read in place through memory maps.
//!
//! Its functions panic only when an internal invariant is broken, never on
//! account of the files' contents.
#![allow(clippy::missing_panics_doc, reason = "see the module documentation")]

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use memmap2::Mmap;

use crate::error::{Error, Result};
use crate::frame::{self, Damage};
use crate::mmap;

/// The most segments one log may have.
const MAX_SEGMENTS: usize = 1 << 16;

/// The largest segment: index entries hold `offset / 8 + 1` in a `u32`.
pub const MAX_SEGMENT_SIZE: u64 = 16 << 30;

/// The smallest segment (one page).
pub const MIN_SEGMENT_SIZE: u64 = 4096;

/// Bytes per index entry.
const ENTRY: usize = 4;

const MARKER: &str = "CLEAN";
const MARKER_TMP: &str = "CLEAN.tmp";
const MARKER_MAGIC: [u8; 8] = *b"FBLOGCLN";
const MARKER_VERSION: u32 = 1;
const MARKER_LEN: usize = 48;

/// A record's position in the log: 0 for the first record appended, then
/// 1, 2, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(pub u64);

impl From<u64> for RecordId {
    fn from(id: u64) -> Self {
        RecordId(id)
    }
}

/// When appended records reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Only on [`RecordLog::sync`] and when the log is closed (and when the
    /// operating system writes its cache back).
    Manual,
    /// After every `append` and `append_batch`.
    EveryBatch,
    /// At the first append after this much time since the last sync.
    Interval(Duration),
}

/// How a log is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogOptions {
    /// The size of each new segment file (preallocated, sparse), rounded
    /// up to a multiple of 4096 and kept within [`MIN_SEGMENT_SIZE`] and
    /// [`MAX_SEGMENT_SIZE`]; a record must fit in one. Default 64 MiB.
    pub segment_size: u64,
    /// When records reach the disk. Default [`Durability::Manual`].
    pub durability: Durability,
    /// Scan every segment on open even after a clean shutdown, and cut the
    /// log at the first damaged record (losing the records after it)
    /// instead of refusing to open.
    pub repair: bool,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions { segment_size: 64 << 20, durability: Durability::Manual, repair: false }
    }
}

/// What `open` found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenReport {
    /// Records in the log after opening.
    pub records: u64,
    /// Segment files.
    pub segments: usize,
    /// Whether the log was opened from its clean-shutdown marker, without
    /// scanning.
    pub clean: bool,
    /// Bytes of records read and CRC-checked by a recovery scan (0 for a
    /// clean open).
    pub bytes_scanned: u64,
    /// Bytes of a torn last record (or, with `repair`, of everything from
    /// the first damaged record on) that were cut off.
    pub bytes_cut: u64,
    /// Whether `repair` had to cut at corruption.
    pub repaired: bool,
}

/// What [`RecordLog::verify`] checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyReport {
    /// Records whose CRC holds (all of them, since any failure is an error).
    pub records: u64,
    /// Their payload bytes.
    pub payload_bytes: u64,
    /// Their bytes on disk, headers and padding included.
    pub frame_bytes: u64,
}

struct Segment {
    first_id: u64,
    path: PathBuf,
    file: File,
    map: Mmap,
    index_path: PathBuf,
    index_file: File,
    index: Mmap,
}

impl Segment {
    /// The frame offset of the segment's `k`-th record, from its index.
    fn entry(&self, k: u64) -> Option<usize> {
        let at = usize::try_from(k).ok()?.checked_mul(ENTRY)?;
        let bytes = self.index.get(at..at + ENTRY)?;
        let raw = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        (raw as usize).checked_sub(1).map(|e| e * frame::ALIGN)
    }

    fn corrupt_index(&self, k: u64) -> Error {
        Error::Corrupt { path: self.index_path.clone(), offset: k * ENTRY as u64 }
    }

    /// The `k`-th record, of `count` in the segment, checked against its
    /// CRC and against its neighbours' index entries: it must end where
    /// the next record starts or, for the segment's last record, start
    /// where the previous one ends. A single damaged index entry therefore
    /// never serves another record's payload.
    fn record(&self, k: u64, count: u64) -> Result<&[u8]> {
        let start = self.entry(k).ok_or_else(|| self.corrupt_index(k))?;
        let bytes = self.map.get(start..).ok_or_else(|| self.corrupt_index(k))?;
        let corrupt = || Error::Corrupt { path: self.path.clone(), offset: start as u64 };
        let (at, len) = frame::check(bytes).ok_or_else(corrupt)?;
        let tiles = if k + 1 < count {
            self.entry(k + 1) == Some(start + frame::frame_len(len))
        } else if k == 0 {
            start == 0
        } else {
            self.entry(k - 1).and_then(|prev| self.frame_end(prev)) == Some(start)
        };
        if !tiles {
            return Err(self.corrupt_index(k));
        }
        Ok(&bytes[at..at + len])
    }

    /// Where the frame at `start` ends, from its header's length alone.
    fn frame_end(&self, start: usize) -> Option<usize> {
        let len = self.map.get(start + 4..start + 8)?;
        Some(start + frame::frame_len(u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize))
    }
}

/// What the writer and every reader share.
struct Shared {
    dir: PathBuf,
    segment_size: u64,
    segments: Box<[OnceLock<Box<Segment>>]>,
    /// Segments that exist: `segments[..segment_count]` are all set.
    segment_count: AtomicUsize,
    /// Records that are completely written: readers see only these.
    committed: AtomicU64,
}

impl Shared {
    fn segment(&self, i: usize) -> &Segment {
        self.segments[i].get().expect("segments below the count exist")
    }

    /// The segment holding record `id` (which must be committed), and the
    /// id after its last record.
    fn locate(&self, id: u64, committed: u64) -> (&Segment, u64) {
        let n = self.segment_count.load(Ordering::Acquire);
        // The last segment whose first id is at most `id`.
        let (mut lo, mut hi) = (0, n);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.segment(mid).first_id <= id {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let end = if lo + 1 < n { self.segment(lo + 1).first_id.min(committed) } else { committed };
        (self.segment(lo), end)
    }

    /// Record `id`'s payload, checked against its CRC.
    fn get(&self, id: RecordId) -> Result<Option<&[u8]>> {
        let committed = self.committed.load(Ordering::Acquire);
        if id.0 >= committed {
            return Ok(None);
        }
        let (segment, end) = self.locate(id.0, committed);
        segment.record(id.0 - segment.first_id, end - segment.first_id).map(Some)
    }

    fn len(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }

    /// The records from `from` on, as they were when called.
    fn iter_from(&self, from: RecordId) -> impl Iterator<Item = Result<(RecordId, &[u8])>> + '_ {
        let committed = self.len();
        let mut current: Option<(&Segment, u64)> = None;
        (from.0..committed).map(move |id| {
            let (segment, end) = match current {
                Some((segment, end)) if id < end => (segment, end),
                _ => *current.insert(self.locate(id, committed)),
            };
            segment.record(id - segment.first_id, end - segment.first_id).map(|r| (RecordId(id), r))
        })
    }
}

/// A cheap, clonable handle that reads the log from any thread while its
/// writer appends; it sees only completely written records.
#[derive(Clone)]
pub struct LogReader {
    shared: Arc<Shared>,
}

impl LogReader {
    /// Record `id`, served from the memory map and checked against its CRC.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] when the stored record or its index entry is
    /// damaged.
    pub fn get(&self, id: RecordId) -> Result<Option<&[u8]>> {
        self.shared.get(id)
    }

    /// How many records are readable.
    pub fn len(&self) -> u64 {
        self.shared.len()
    }

    /// Whether no record is readable.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The records from `from` on, as they were when called.
    pub fn iter_from(&self, from: RecordId) -> impl Iterator<Item = Result<(RecordId, &[u8])>> + '_ {
        self.shared.iter_from(from)
    }
}

/// An append-only log of variable-length records in a directory: segment
/// files of framed records (see [`frame`](crate::frame)) with a persisted
/// offset index, one writer (enforced with a file lock), any number of
/// [`LogReader`]s, an O(1) open after a clean shutdown and recovery of a
/// torn tail after a crash.
///
/// # On disk
///
/// A log is a directory:
///
/// - `{first_id:020}.seg`: a segment, preallocated (sparse) to the segment
///   size, holding [frame](crate::frame)s back to back from offset 0; the name is the
///   id of its first record.
/// - `{first_id:020}.idx`: the segment's offset index (as Kafka keeps one
///   per segment): entry `k` is a little-endian `u32` holding
///   `frame_offset / 8 + 1` of the segment's `k`-th record, `0` for none
///   yet. It is derived data: rebuilt from the segment after a crash.
/// - `CLEAN`: the clean-shutdown marker, written (after everything is
///   synced) when the writer closes and removed before its next write. It
///   holds the record count and where the last segment's data ends.
/// - `LOCK`: held with a file lock by the one writer.
///
/// # Open and recovery
///
/// With a valid `CLEAN` marker, open maps the files and checks, in O(1) of
/// the log's size, that the marker, the last segment's index and its data
/// agree: the last indexed frame passes its CRC and ends where the marker
/// says, nothing is written after it, and every segment's index holds as
/// many entries as its successor's name implies. Without a marker (a crash),
/// or when any check fails, or with [`LogOptions::repair`], open scans every
/// segment (checking every CRC), cuts a torn last record, refuses
/// corruption before the tail (or, repairing, cuts there) and rebuilds the
/// indexes.
///
/// # Reads
///
/// `get` finds the segment by binary search over the segments' first ids,
/// reads the index entry, checks the frame's CRC and that the frame tiles
/// with its neighbour (it ends where the next record starts or, for a
/// segment's last record, starts where the previous one ends), so a
/// damaged index entry is reported as corruption rather than serving
/// another record. Each segment is mapped once for its whole size, so the
/// slices readers get stay valid while the writer appends.
///
/// Dropping the log syncs it and writes the clean-shutdown marker, ignoring
/// errors; call [`RecordLog::close`] to see them.
///
/// # Examples
///
/// ```
/// use flatbox_store::{RecordId, RecordLog};
///
/// let dir = std::env::temp_dir().join(format!("flatbox-log-doc-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let (mut log, report) = RecordLog::open(&dir)?;
/// assert_eq!(report.records, 0);
/// let first = log.append(b"hello")?;
/// log.append_batch(&[b"a".as_slice(), b"bc"])?;
/// log.sync()?;
/// assert_eq!(log.get(first)?, Some(&b"hello"[..]));
///
/// let reader = log.reader();
/// std::thread::spawn(move || assert_eq!(reader.get(RecordId(2)).unwrap(), Some(&b"bc"[..]))).join().unwrap();
/// log.close()?;
///
/// // A clean close makes the next open O(1): nothing is scanned.
/// let (log, report) = RecordLog::open(&dir)?;
/// assert_eq!((report.records, report.clean, log.len()), (3, true, 3));
/// # drop(log);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RecordLog {
    shared: Arc<Shared>,
    options: LogOptions,
    /// The lock file, held while the log is open.
    _lock: File,
    /// Where the next frame goes in the last segment.
    next_offset: u64,
    /// Whether the `CLEAN` marker is on disk (it is removed before the
    /// first write).
    marker: bool,
    /// The first segment written since the marker was last written (its
    /// index and the ones after it need syncing on close).
    dirty_from: Option<usize>,
    last_sync: Instant,
    scratch: Vec<u8>,
    index_scratch: Vec<u8>,
}

fn segment_name(first_id: u64) -> String {
    format!("{first_id:020}.seg")
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// The clean-shutdown marker's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Marker {
    segments: u64,
    records: u64,
    /// Where the last segment's frames end.
    end: u64,
}

impl Marker {
    fn encode(self) -> [u8; MARKER_LEN] {
        let mut out = [0; MARKER_LEN];
        out[..8].copy_from_slice(&MARKER_MAGIC);
        out[8..12].copy_from_slice(&MARKER_VERSION.to_le_bytes());
        out[16..24].copy_from_slice(&self.segments.to_le_bytes());
        out[24..32].copy_from_slice(&self.records.to_le_bytes());
        out[32..40].copy_from_slice(&self.end.to_le_bytes());
        let crc = crc32c::crc32c(&out[16..]);
        out[12..16].copy_from_slice(&crc.to_le_bytes());
        out
    }

    /// The marker in `bytes`, if they hold a valid one.
    fn decode(bytes: &[u8]) -> Option<Marker> {
        let bytes: &[u8; MARKER_LEN] = bytes.try_into().ok()?;
        let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
        let u64_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        let valid =
            bytes[..8] == MARKER_MAGIC && u32_at(8) == MARKER_VERSION && u32_at(12) == crc32c::crc32c(&bytes[16..]);
        valid.then(|| Marker { segments: u64_at(16), records: u64_at(24), end: u64_at(32) })
    }
}

/// A segment file found on open, with its index file opened beside it.
struct Found {
    first_id: u64,
    path: PathBuf,
    file: File,
    index_path: PathBuf,
    index_file: File,
    /// The segment's length on disk.
    len: u64,
}

impl Found {
    fn index_len(&self) -> u64 {
        self.len / frame::ALIGN as u64 * ENTRY as u64
    }

    /// Maps the segment and its index.
    fn map(self) -> Result<Segment> {
        let map = mmap::map(&self.file).map_err(io_error(&self.path))?;
        let index = mmap::map(&self.index_file).map_err(io_error(&self.index_path))?;
        Ok(Segment {
            first_id: self.first_id,
            path: self.path,
            file: self.file,
            map,
            index_path: self.index_path,
            index_file: self.index_file,
            index,
        })
    }
}

/// What opening decided: the segments, mapped, and the log's state.
struct Opened {
    segments: Vec<Segment>,
    records: u64,
    next_offset: u64,
}

impl RecordLog {
    /// Opens the log in `dir` with the default [`LogOptions`], creating it
    /// when `dir` is absent or empty.
    ///
    /// # Errors
    ///
    /// As [`RecordLog::open_with`].
    pub fn open(dir: impl AsRef<Path>) -> Result<(Self, OpenReport)> {
        RecordLog::open_with(dir, LogOptions::default())
    }

    /// Opens the log in `dir`, creating it when `dir` is absent or empty.
    ///
    /// # Errors
    ///
    /// [`Error::Locked`] when another writer has it open;
    /// [`Error::NotALog`] for a directory holding other files;
    /// [`Error::Corrupt`] (segment and offset) for damage before the tail
    /// found by a recovery scan, unless `options.repair`; [`Error::Io`].
    pub fn open_with(dir: impl AsRef<Path>, options: LogOptions) -> Result<(Self, OpenReport)> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        let (mut names, others) = list(dir)?;
        if names.is_empty() && !others.is_empty() {
            return Err(Error::NotALog { path: dir.to_path_buf(), found: others.join(", ") });
        }
        names.sort_unstable();
        let lock = lock(dir)?;

        let segment_size = options.segment_size.clamp(MIN_SEGMENT_SIZE, MAX_SEGMENT_SIZE).next_multiple_of(4096);
        let mut found = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            found.push(find(dir, name, i + 1 == names.len(), segment_size)?);
        }
        let marker_path = dir.join(MARKER);
        let marker = match std::fs::read(&marker_path) {
            Ok(bytes) => Marker::decode(&bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_error(&marker_path)(e)),
        };
        let mut report =
            OpenReport { records: 0, segments: 0, clean: false, bytes_scanned: 0, bytes_cut: 0, repaired: false };
        let first_ids: Vec<u64> = found.iter().map(|f| f.first_id).collect();
        let clean = match marker {
            Some(marker) if !options.repair => {
                open_clean(&first_ids, marker, || std::mem::take(&mut found).into_iter().map(Found::map).collect())?
            }
            _ => None,
        };
        report.clean = clean.is_some();
        let opened = if let Some(opened) = clean {
            opened
        } else {
            if marker.is_some() || marker_path.exists() {
                std::fs::remove_file(&marker_path).map_err(io_error(&marker_path))?;
                sync_dir(dir)?;
            }
            if found.is_empty() && !names.is_empty() {
                // The clean path mapped them before a check failed: find
                // them again.
                for (i, name) in names.iter().enumerate() {
                    found.push(find(dir, name, i + 1 == names.len(), segment_size)?);
                }
            }
            recover(dir, found, options.repair, &mut report)?
        };
        report.records = opened.records;
        report.segments = opened.segments.len();
        let marker_on_disk = report.clean;
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            segment_size,
            segment_count: AtomicUsize::new(opened.segments.len()),
            segments: {
                let mut slots: Vec<OnceLock<Box<Segment>>> = Vec::with_capacity(MAX_SEGMENTS);
                slots.extend(opened.segments.into_iter().map(|s| OnceLock::from(Box::new(s))));
                slots.resize_with(MAX_SEGMENTS, OnceLock::new);
                slots.into_boxed_slice()
            },
            committed: AtomicU64::new(opened.records),
        });
        let mut log = RecordLog {
            shared,
            options,
            _lock: lock,
            next_offset: opened.next_offset,
            marker: marker_on_disk,
            dirty_from: None,
            last_sync: Instant::now(),
            scratch: Vec::new(),
            index_scratch: Vec::new(),
        };
        if report.segments == 0 {
            log.add_segment(0)?;
        }
        Ok((log, report))
    }

    fn segment_count(&self) -> usize {
        self.shared.segment_count.load(Ordering::Acquire)
    }

    /// Removes the clean-shutdown marker before the first write, durably,
    /// so a crash after it is never mistaken for a clean shutdown.
    fn remove_marker(&mut self) -> Result<()> {
        if self.marker {
            let path = self.shared.dir.join(MARKER);
            std::fs::remove_file(&path).map_err(io_error(&path))?;
            sync_dir(&self.shared.dir)?;
            self.marker = false;
        }
        if self.dirty_from.is_none() {
            self.dirty_from = Some(self.segment_count().saturating_sub(1));
        }
        Ok(())
    }

    fn add_segment(&mut self, first_id: u64) -> Result<()> {
        self.remove_marker()?;
        let i = self.segment_count();
        if i == MAX_SEGMENTS {
            return Err(Error::Io {
                path: self.shared.dir.clone(),
                source: std::io::Error::other(format!("more than {MAX_SEGMENTS} segments")),
            });
        }
        let path = self.shared.dir.join(segment_name(first_id));
        let file = OpenOptions::new().read(true).write(true).create_new(true).open(&path).map_err(io_error(&path))?;
        file.set_len(self.shared.segment_size).map_err(io_error(&path))?;
        let index_path = path.with_extension("idx");
        let index_file = create_index(&index_path, self.shared.segment_size)?;
        let segment = Found { first_id, path, file, index_path, index_file, len: self.shared.segment_size }.map()?;
        let _ = self.shared.segments[i].set(Box::new(segment));
        self.shared.segment_count.store(i + 1, Ordering::Release);
        self.next_offset = 0;
        Ok(())
    }

    fn last_segment(&self) -> &Segment {
        self.shared.segment(self.segment_count() - 1)
    }

    /// Appends one record.
    ///
    /// # Errors
    ///
    /// [`Error::RecordTooLarge`] when it cannot fit a segment; [`Error::Io`].
    pub fn append(&mut self, record: &[u8]) -> Result<RecordId> {
        self.append_batch(&[record])
    }

    /// Appends records with one write per segment they land in (and one to
    /// its index), and (with [`Durability::EveryBatch`]) one sync. Returns
    /// the first one's id.
    ///
    /// # Errors
    ///
    /// As [`RecordLog::append`]. A record too large for a segment fails
    /// the batch before anything is written; after an I/O error, the
    /// records that filled earlier segments may be visible, the rest are
    /// not.
    pub fn append_batch<R: AsRef<[u8]>>(&mut self, records: &[R]) -> Result<RecordId> {
        let first = RecordId(self.shared.len());
        let max = usize::try_from(self.shared.segment_size).unwrap_or(usize::MAX);
        if let Some(big) = records.iter().map(AsRef::as_ref).find(|r| frame::frame_len(r.len()) > max) {
            return Err(Error::RecordTooLarge { len: big.len(), segment_size: self.shared.segment_size });
        }
        self.remove_marker()?;
        self.scratch.clear();
        self.index_scratch.clear();
        let mut write_at = self.next_offset;
        let mut published = first.0;
        let mut pending = 0_u64;
        for record in records {
            let record = record.as_ref();
            let frame_len = frame::frame_len(record.len());
            let room = self.last_segment().map.len();
            if usize::try_from(write_at).unwrap_or(usize::MAX).saturating_add(self.scratch.len() + frame_len) > room {
                // This segment is full: write what it gets, sync it (its
                // records are then complete), publish them, and start the
                // next segment, named after the first id it holds.
                self.flush_scratch(write_at, published - self.last_segment().first_id)?;
                let segment = self.last_segment();
                segment.file.sync_data().map_err(io_error(&segment.path))?;
                published += pending;
                pending = 0;
                self.shared.committed.store(published, Ordering::Release);
                self.add_segment(published)?;
                write_at = 0;
            }
            let frame_at = write_at + self.scratch.len() as u64;
            let entry = u32::try_from(frame_at / frame::ALIGN as u64 + 1).expect("segments are at most 16 GiB");
            self.index_scratch.extend_from_slice(&entry.to_le_bytes());
            frame::encode(record, &mut self.scratch);
            pending += 1;
        }
        self.flush_scratch(write_at, published - self.last_segment().first_id)?;
        // Index entries and frames are written: make them visible.
        self.shared.committed.store(published + pending, Ordering::Release);
        match self.options.durability {
            Durability::EveryBatch => self.sync()?,
            Durability::Interval(every) if self.last_sync.elapsed() >= every => self.sync()?,
            _ => {}
        }
        Ok(first)
    }

    /// Writes the scratch frames at `write_at` in the last segment and
    /// their index entries from entry `k`.
    fn flush_scratch(&mut self, write_at: u64, k: u64) -> Result<()> {
        let segment = self.last_segment();
        segment.file.write_all_at(&self.scratch, write_at).map_err(io_error(&segment.path))?;
        segment
            .index_file
            .write_all_at(&self.index_scratch, k * ENTRY as u64)
            .map_err(io_error(&segment.index_path))?;
        self.next_offset = write_at + self.scratch.len() as u64;
        self.scratch.clear();
        self.index_scratch.clear();
        Ok(())
    }

    /// Writes everything appended to disk (`fdatasync` of the last segment;
    /// earlier ones were synced when they filled). Indexes are synced on
    /// close: after a crash they are rebuilt from the segments.
    ///
    /// # Errors
    ///
    /// [`Error::Io`].
    pub fn sync(&mut self) -> Result<()> {
        let segment = self.last_segment();
        segment.file.sync_data().map_err(io_error(&segment.path))?;
        self.last_sync = Instant::now();
        Ok(())
    }

    /// Syncs everything and writes the clean-shutdown marker, so the next
    /// open is O(1). Dropping the log does the same, ignoring errors.
    ///
    /// # Errors
    ///
    /// [`Error::Io`]; the log is then left as after a crash (the next open
    /// scans it).
    pub fn close(mut self) -> Result<()> {
        self.write_marker()
    }

    fn write_marker(&mut self) -> Result<()> {
        if self.marker {
            return Ok(());
        }
        let n = self.segment_count();
        self.sync()?;
        for i in self.dirty_from.unwrap_or(0)..n {
            let segment = self.shared.segment(i);
            segment.index_file.sync_data().map_err(io_error(&segment.index_path))?;
        }
        let marker = Marker { segments: n as u64, records: self.shared.len(), end: self.next_offset };
        let tmp = self.shared.dir.join(MARKER_TMP);
        let file = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp).map_err(io_error(&tmp))?;
        file.write_all_at(&marker.encode(), 0).map_err(io_error(&tmp))?;
        file.sync_data().map_err(io_error(&tmp))?;
        let path = self.shared.dir.join(MARKER);
        std::fs::rename(&tmp, &path).map_err(io_error(&path))?;
        sync_dir(&self.shared.dir)?;
        self.marker = true;
        self.dirty_from = None;
        Ok(())
    }

    /// Record `id`, served from the memory map and checked against its CRC.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] when the stored record or its index entry is
    /// damaged.
    pub fn get(&self, id: RecordId) -> Result<Option<&[u8]>> {
        self.shared.get(id)
    }

    /// How many records the log holds.
    pub fn len(&self) -> u64 {
        self.shared.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many segment files it has.
    pub fn segments(&self) -> usize {
        self.segment_count()
    }

    /// Bytes of frames written (headers and padding included), over all
    /// segments; the files themselves are preallocated to the segment size.
    pub fn written_bytes(&self) -> u64 {
        let n = self.segment_count();
        let sealed: u64 = (0..n.saturating_sub(1))
            .map(|i| {
                let (segment, next) = (self.shared.segment(i), self.shared.segment(i + 1));
                let count = next.first_id - segment.first_id;
                match count.checked_sub(1).and_then(|k| Some((segment.entry(k)?, segment.record(k, count).ok()?))) {
                    Some((start, payload)) => (start + frame::frame_len(payload.len())) as u64,
                    None => 0,
                }
            })
            .sum();
        sealed + self.next_offset
    }

    /// Reads every record and checks its CRC (and the index around it):
    /// what `open` does after a crash, on demand.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] at the first damaged record or index entry.
    pub fn verify(&self) -> Result<VerifyReport> {
        let mut report = VerifyReport { records: 0, payload_bytes: 0, frame_bytes: 0 };
        for record in self.iter() {
            let (_, payload) = record?;
            report.records += 1;
            report.payload_bytes += payload.len() as u64;
            report.frame_bytes += frame::frame_len(payload.len()) as u64;
        }
        Ok(report)
    }

    /// A reader for other threads.
    pub fn reader(&self) -> LogReader {
        LogReader { shared: Arc::clone(&self.shared) }
    }

    /// Every record, in order.
    pub fn iter(&self) -> impl Iterator<Item = Result<(RecordId, &[u8])>> + '_ {
        self.iter_from(RecordId(0))
    }

    /// The records from `from` on.
    pub fn iter_from(&self, from: RecordId) -> impl Iterator<Item = Result<(RecordId, &[u8])>> + '_ {
        self.shared.iter_from(from)
    }
}

impl Drop for RecordLog {
    fn drop(&mut self) {
        let _ = self.write_marker();
    }
}

/// The segment file names in `dir`, and the names of other files (not the
/// log's own).
fn list(dir: &Path) -> Result<(Vec<String>, Vec<String>)> {
    let mut names = Vec::new();
    let mut others = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error(dir))? {
        let name = entry.map_err(io_error(dir))?.file_name().to_string_lossy().into_owned();
        match Path::new(&name).extension().and_then(|e| e.to_str()) {
            Some("seg") => names.push(name),
            Some("idx") => {}
            _ if [MARKER, MARKER_TMP, "LOCK"].contains(&name.as_str()) => {}
            _ => others.push(name),
        }
    }
    Ok((names, others))
}

/// Takes the writer's lock on `dir`.
fn lock(dir: &Path) -> Result<File> {
    let lock_path = dir.join("LOCK");
    let lock =
        OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(io_error(&lock_path))?;
    // A lock can be held for a moment by a child this process is spawning
    // (between fork and exec it shares every open file): wait a little
    // before calling the log taken.
    let deadline = Instant::now() + Duration::from_millis(200);
    while lock.try_lock().is_err() {
        if Instant::now() >= deadline {
            return Err(Error::Locked { path: dir.to_path_buf() });
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(lock)
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_error(dir))
}

/// Creates (or empties) an index file sized for a segment of `len` bytes.
/// Only ever called on an index that is not mapped.
fn create_index(path: &Path, segment_len: u64) -> Result<File> {
    let file =
        OpenOptions::new().read(true).write(true).create(true).truncate(true).open(path).map_err(io_error(path))?;
    file.set_len(segment_len / frame::ALIGN as u64 * ENTRY as u64).map_err(io_error(path))?;
    Ok(file)
}

/// Opens segment `name` and its index (creating a missing one); a last
/// segment cut short is grown back to `segment_size` (growing never
/// invalidates data) so appends have room.
fn find(dir: &Path, name: &str, last: bool, segment_size: u64) -> Result<Found> {
    let path = dir.join(name);
    let first_id: u64 = name
        .trim_end_matches(".seg")
        .parse()
        .map_err(|_| Error::NotALog { path: dir.to_path_buf(), found: name.to_owned() })?;
    let file = OpenOptions::new().read(true).write(true).open(&path).map_err(io_error(&path))?;
    let mut len = file.metadata().map_err(io_error(&path))?.len();
    if len > MAX_SEGMENT_SIZE {
        return Err(Error::Corrupt { path, offset: MAX_SEGMENT_SIZE });
    }
    if last && len < segment_size {
        file.set_len(segment_size).map_err(io_error(&path))?;
        len = segment_size;
    }
    let index_path = path.with_extension("idx");
    let index_file = match OpenOptions::new().read(true).write(true).open(&index_path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_index(&index_path, len)?,
        Err(e) => return Err(io_error(&index_path)(e)),
    };
    let found = Found { first_id, path, file, index_path, index_file, len };
    // An index too short for its segment is grown (missing entries read as
    // zero, which the checks then catch).
    let index_len = found.index_file.metadata().map_err(io_error(&found.index_path))?.len();
    if index_len < found.index_len() {
        found.index_file.set_len(found.index_len()).map_err(io_error(&found.index_path))?;
    }
    Ok(found)
}

/// The O(1) open: trusts the marker once the files agree with it. `None`
/// when they do not (the caller then recovers by scanning).
fn open_clean(first_ids: &[u64], marker: Marker, map: impl FnOnce() -> Result<Vec<Segment>>) -> Result<Option<Opened>> {
    let names_agree = first_ids.len() as u64 == marker.segments
        && first_ids.first() == Some(&0)
        && first_ids.windows(2).all(|w| w[0] < w[1])
        && first_ids.last().is_some_and(|&last| last <= marker.records);
    if !names_agree {
        return Ok(None);
    }
    let segments = map()?;
    let counts = segments.iter().enumerate().map(|(i, s)| {
        let next = segments.get(i + 1).map_or(marker.records, |n| n.first_id);
        (s, next - s.first_id)
    });
    for (i, (segment, count)) in counts.enumerate() {
        // Each index holds exactly its segment's records.
        if segment.entry(count).is_some() || count.checked_sub(1).is_some_and(|k| segment.entry(k).is_none()) {
            return Ok(None);
        }
        if i + 1 < segments.len() {
            continue;
        }
        // The last segment: its last record is whole and ends where the
        // marker says, and nothing is written after that.
        let end = match count.checked_sub(1) {
            None => 0,
            Some(k) => match (segment.entry(k), segment.record(k, count)) {
                (Some(start), Ok(payload)) => start + frame::frame_len(payload.len()),
                _ => return Ok(None),
            },
        };
        let room = segment.map.get(end..end.saturating_add(frame::HEADER).min(segment.map.len()));
        if end as u64 != marker.end || room.is_none_or(|r| r.iter().any(|&b| b != 0)) {
            return Ok(None);
        }
    }
    Ok(Some(Opened { segments, records: marker.records, next_offset: marker.end }))
}

/// The recovery scan: checks every frame of every segment, cuts a torn
/// tail (and, repairing, corruption), and rebuilds every index.
fn recover(dir: &Path, found: Vec<Found>, repair: bool, report: &mut OpenReport) -> Result<Opened> {
    let mut segments = Vec::with_capacity(found.len());
    let mut records = 0_u64;
    let mut next_offset = 0;
    let mut cut_rest = false;
    let count = found.len();
    for (i, found) in found.into_iter().enumerate() {
        if cut_rest {
            // After a repair cut, later segments hold nothing kept.
            report.bytes_cut += found.len;
            std::fs::remove_file(&found.path).map_err(io_error(&found.path))?;
            std::fs::remove_file(&found.index_path).map_err(io_error(&found.index_path))?;
            continue;
        }
        if found.first_id != records {
            return Err(Error::Corrupt { path: found.path, offset: 0 });
        }
        let map = mmap::map(&found.file).map_err(io_error(&found.path))?;
        let scan = frame::scan(&map, 0);
        let last = i + 1 == count;
        let cut = match scan.damage {
            None => None,
            Some(Damage::TornTail { offset, bytes }) if last => Some((offset, bytes)),
            Some(Damage::TornTail { offset, .. } | Damage::Corrupt { offset }) => {
                if !repair {
                    return Err(Error::Corrupt { path: found.path, offset: offset as u64 });
                }
                report.repaired = true;
                cut_rest = true;
                Some((offset, map[offset..].iter().rposition(|&b| b != 0).map_or(0, |p| p + 1)))
            }
        };
        if let Some((offset, bytes)) = cut {
            // Zero the written bytes from the damage on: the file keeps its
            // size (it is mapped), and zeros read as unwritten room.
            report.bytes_cut += bytes as u64;
            found.file.write_all_at(&vec![0_u8; bytes], offset as u64).map_err(io_error(&found.path))?;
        }
        report.bytes_scanned += scan.end as u64;
        // Rebuild the index (the index file is not mapped yet).
        let index_file = create_index(&found.index_path, found.len)?;
        let entries: Vec<u8> = scan
            .records
            .iter()
            .flat_map(|&(at, _)| {
                u32::try_from((at - frame::HEADER) / frame::ALIGN + 1).expect("segments are bounded").to_le_bytes()
            })
            .collect();
        index_file.write_all_at(&entries, 0).map_err(io_error(&found.index_path))?;
        drop(map);
        records += scan.records.len() as u64;
        next_offset = scan.end.min(usize::try_from(found.len).unwrap_or(usize::MAX)) as u64;
        segments.push(Found { index_file, ..found }.map()?);
    }
    if count > 0 {
        sync_dir(dir)?;
    }
    Ok(Opened { segments, records, next_offset })
}
