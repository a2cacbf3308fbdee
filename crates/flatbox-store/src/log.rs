//! [`RecordLog`]: an append-only log of variable-length records in segment
//! files, read in place through memory maps.
//!
//! Its functions panic only when a lock is poisoned (another thread
//! panicked while holding the index) or an internal invariant is broken,
//! never on account of the files' contents.
#![allow(clippy::missing_panics_doc, reason = "see the module documentation")]

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use memmap2::Mmap;

use crate::error::{Error, Result};
use crate::frame::{self, Damage};
use crate::mmap;

/// The most segments one log may have.
const MAX_SEGMENTS: usize = 1 << 16;

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
    /// Only on [`RecordLog::sync`] (and when the operating system writes
    /// its cache back).
    Manual,
    /// After every `append` and `append_batch`.
    EveryBatch,
    /// At the first append after this much time since the last sync.
    Interval(Duration),
}

/// How a log is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogOptions {
    /// The size of each segment file (preallocated, sparse); a record must
    /// fit in one. Default 64 MiB.
    pub segment_size: u64,
    /// When records reach the disk. Default [`Durability::Manual`].
    pub durability: Durability,
    /// Whether `open` may cut a log at corruption before its tail (losing
    /// the records after it) instead of refusing to open.
    pub repair: bool,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions { segment_size: 64 << 20, durability: Durability::Manual, repair: false }
    }
}

/// What `open` found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport {
    /// Records in the log after opening.
    pub records: u64,
    /// Segment files.
    pub segments: usize,
    /// Bytes of a torn last record (or, with `repair`, of everything from
    /// the first damaged record on) that were cut off.
    pub bytes_cut: u64,
    /// Whether `repair` had to cut at corruption.
    pub repaired: bool,
}

struct Segment {
    path: PathBuf,
    file: File,
    map: Mmap,
}

/// What the writer and every reader share.
struct Shared {
    dir: PathBuf,
    segment_size: u64,
    segments: Box<[OnceLock<Segment>]>,
    /// (segment, payload offset, payload length) of every record.
    index: RwLock<Vec<(u32, u64, u32)>>,
    /// Records that are completely written: readers see only these.
    committed: AtomicU64,
}

impl Shared {
    /// Record `id`'s payload, checked against its CRC.
    fn get(&self, id: RecordId) -> Result<Option<&[u8]>> {
        if id.0 >= self.committed.load(Ordering::Acquire) {
            return Ok(None);
        }
        let Ok(i) = usize::try_from(id.0) else { return Ok(None) };
        let (segment, offset, len) = self.index.read().expect("index lock")[i];
        let segment = self.segments[segment as usize].get().expect("indexed segments exist");
        let start = usize::try_from(offset).expect("offsets fit memory");
        let frame_start = start - frame::HEADER;
        let bytes = &segment.map[frame_start..start + len as usize];
        // The frame checks its own CRC on the way back.
        match frame::check(bytes) {
            Some((at, n)) => Ok(Some(&segment.map[frame_start + at..frame_start + at + n])),
            None => Err(Error::Corrupt { path: segment.path.clone(), offset: frame_start as u64 }),
        }
    }

    fn len(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }

    /// The records from `from` on, as they were when called.
    fn iter_from(&self, from: RecordId) -> impl Iterator<Item = Result<(RecordId, &[u8])>> + '_ {
        let end = self.len();
        (from.0..end).map(move |id| self.get(RecordId(id)).map(|r| (RecordId(id), r.expect("committed records exist"))))
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
    /// [`Error::Corrupt`] when the stored record fails its CRC.
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
/// files of framed records (see [`frame`](crate::frame)), one writer
/// (enforced with a file lock), any number of [`LogReader`]s, recovery of a
/// torn tail on open.
///
/// Segments are preallocated sparse files of [`LogOptions::segment_size`]
/// bytes, each mapped once for its whole size, so the slices readers get
/// stay valid while the writer appends.
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
/// drop(log);
///
/// let (log, report) = RecordLog::open(&dir)?;
/// assert_eq!((report.records, log.len()), (3, 3));
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
    last_sync: Instant,
    scratch: Vec<u8>,
}

fn segment_name(first_id: u64) -> String {
    format!("{first_id:020}.seg")
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

    /// Opens the log in `dir`.
    ///
    /// # Errors
    ///
    /// [`Error::Locked`] when another writer has it open;
    /// [`Error::NotALog`] for a directory holding other files;
    /// [`Error::Corrupt`] (segment and offset) for damage before the tail,
    /// unless `options.repair`; [`Error::Io`].
    #[allow(clippy::too_many_lines, reason = "one pass over the segments reads best in one place")]
    pub fn open_with(dir: impl AsRef<Path>, options: LogOptions) -> Result<(Self, OpenReport)> {
        let dir = dir.as_ref();
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path: path.clone(), source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let mut names: Vec<String> = Vec::new();
        let mut others = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io(dir))? {
            let name = entry.map_err(io(dir))?.file_name().to_string_lossy().into_owned();
            if Path::new(&name).extension().is_some_and(|e| e == "seg") {
                names.push(name);
            } else if name != "LOCK" {
                others.push(name);
            }
        }
        if names.is_empty() && !others.is_empty() {
            return Err(Error::NotALog { path: dir.to_path_buf(), found: others.join(", ") });
        }
        names.sort();
        let lock_path = dir.join("LOCK");
        let lock =
            OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(io(&lock_path))?;
        // A lock can be held for a moment by a child this process is
        // spawning (between fork and exec it shares every open file): wait
        // a little before calling the log taken.
        let deadline = Instant::now() + Duration::from_millis(200);
        while lock.try_lock().is_err() {
            if Instant::now() >= deadline {
                return Err(Error::Locked { path: dir.to_path_buf() });
            }
            std::thread::sleep(Duration::from_millis(5));
        }

        let segment_size = options.segment_size.max(4096).next_multiple_of(4096);
        let segments: Box<[OnceLock<Segment>]> = (0..MAX_SEGMENTS).map(|_| OnceLock::new()).collect();
        let mut index = Vec::new();
        let mut report = OpenReport { records: 0, segments: 0, bytes_cut: 0, repaired: false };
        let mut next_offset = 0;
        let mut expected_first = 0_u64;
        let mut cut_rest = false;
        for (i, name) in names.iter().enumerate() {
            let path = dir.join(name);
            if cut_rest {
                // After a repair cut, later segments hold nothing kept.
                let len = std::fs::metadata(&path).map_err(io(&path))?.len();
                std::fs::remove_file(&path).map_err(io(&path))?;
                report.bytes_cut += len;
                continue;
            }
            let first_id: u64 = name
                .trim_end_matches(".seg")
                .parse()
                .map_err(|_| Error::NotALog { path: dir.to_path_buf(), found: name.clone() })?;
            if first_id != expected_first {
                return Err(Error::Corrupt { path, offset: 0 });
            }
            let file = OpenOptions::new().read(true).write(true).open(&path).map_err(io(&path))?;
            // Existing segments keep their size (the option sizes new ones),
            // but a last segment cut short by a crash or a copy is grown
            // back (growing never invalidates data) so appends have room.
            let len = file.metadata().map_err(io(&path))?.len();
            if i + 1 == names.len() && len < segment_size {
                file.set_len(segment_size).map_err(io(&path))?;
            }
            let map = mmap::map(&file).map_err(io(&path))?;
            let scan = frame::scan(&map, 0);
            let last = i + 1 == names.len();
            let cut = match scan.damage {
                None => None,
                Some(Damage::TornTail { offset, bytes }) if last => Some((offset, bytes)),
                Some(Damage::TornTail { offset, .. } | Damage::Corrupt { offset }) => {
                    if !options.repair {
                        return Err(Error::Corrupt { path, offset: offset as u64 });
                    }
                    report.repaired = true;
                    cut_rest = true;
                    Some((offset, map[offset..].iter().rposition(|&b| b != 0).map_or(0, |p| p + 1)))
                }
            };
            if let Some((offset, bytes)) = cut {
                // Zero the written bytes from the damage on: the file keeps
                // its size (it is mapped), and zeros read as unwritten room.
                report.bytes_cut += bytes as u64;
                file.write_all_at(&vec![0_u8; bytes], offset as u64).map_err(io(&path))?;
            }
            let seg = u32::try_from(i).expect("segment count is bounded");
            index.extend(
                scan.records
                    .iter()
                    .map(|&(at, len)| (seg, at as u64, u32::try_from(len).expect("frames hold u32 lengths"))),
            );
            expected_first = first_id + scan.records.len() as u64;
            next_offset = scan.end.min(map.len()) as u64;
            let _ = segments[i].set(Segment { path, file, map });
            report.segments += 1;
        }
        report.records = index.len() as u64;
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            segment_size,
            segments,
            committed: AtomicU64::new(index.len() as u64),
            index: RwLock::new(index),
        });
        let mut log =
            RecordLog { shared, options, _lock: lock, next_offset, last_sync: Instant::now(), scratch: Vec::new() };
        if report.segments == 0 {
            log.add_segment(0)?;
        }
        Ok((log, report))
    }

    fn segment_count(&self) -> usize {
        self.shared.segments.iter().take_while(|s| s.get().is_some()).count()
    }

    fn add_segment(&mut self, first_id: u64) -> Result<()> {
        let i = self.segment_count();
        if i == MAX_SEGMENTS {
            return Err(Error::Io {
                path: self.shared.dir.clone(),
                source: std::io::Error::other(format!("more than {MAX_SEGMENTS} segments")),
            });
        }
        let path = self.shared.dir.join(segment_name(first_id));
        let io = |source| Error::Io { path: path.clone(), source };
        let file = OpenOptions::new().read(true).write(true).create_new(true).open(&path).map_err(io)?;
        file.set_len(self.shared.segment_size).map_err(io)?;
        let map = mmap::map(&file).map_err(io)?;
        let _ = self.shared.segments[i].set(Segment { path, file, map });
        self.next_offset = 0;
        Ok(())
    }

    fn last_segment(&self) -> (usize, &Segment) {
        let i = self.segment_count() - 1;
        (i, self.shared.segments[i].get().expect("counted"))
    }

    /// Appends one record.
    ///
    /// # Errors
    ///
    /// [`Error::RecordTooLarge`] when it cannot fit a segment; [`Error::Io`].
    pub fn append(&mut self, record: &[u8]) -> Result<RecordId> {
        self.append_batch(&[record])
    }

    /// Appends records with one write per segment they land in, and (with
    /// [`Durability::EveryBatch`]) one sync. Returns the first one's id.
    ///
    /// # Errors
    ///
    /// As [`RecordLog::append`]; nothing of a failed batch is visible.
    pub fn append_batch<R: AsRef<[u8]>>(&mut self, records: &[R]) -> Result<RecordId> {
        let first = RecordId(self.shared.len());
        let max = usize::try_from(self.shared.segment_size).unwrap_or(usize::MAX);
        let mut pending: Vec<(u32, u64, u32)> = Vec::with_capacity(records.len());
        self.scratch.clear();
        let mut write_at = self.next_offset;
        for record in records {
            let record = record.as_ref();
            let frame_len = frame::frame_len(record.len());
            if frame_len > max {
                return Err(Error::RecordTooLarge { len: record.len(), segment_size: self.shared.segment_size });
            }
            let room = self.last_segment().1.map.len();
            if usize::try_from(write_at).unwrap_or(usize::MAX).saturating_add(self.scratch.len() + frame_len) > room {
                // This segment is full: write what it gets, start the next.
                self.flush_scratch(write_at)?;
                let (_, segment) = self.last_segment();
                segment.file.sync_data().map_err(|source| Error::Io { path: segment.path.clone(), source })?;
                // Records in the full segment are complete: publish them,
                // and name the next segment after the first id it holds.
                self.publish(&mut pending);
                self.add_segment(self.shared.len())?;
                write_at = 0;
            }
            let (seg, _) = self.last_segment();
            let payload_at = write_at + self.scratch.len() as u64 + frame::HEADER as u64;
            pending.push((
                u32::try_from(seg).expect("bounded"),
                payload_at,
                u32::try_from(record.len()).expect("checked"),
            ));
            frame::encode(record, &mut self.scratch);
        }
        self.flush_scratch(write_at)?;
        self.publish(&mut pending);
        match self.options.durability {
            Durability::EveryBatch => self.sync()?,
            Durability::Interval(every) if self.last_sync.elapsed() >= every => self.sync()?,
            _ => {}
        }
        Ok(first)
    }

    fn flush_scratch(&mut self, write_at: u64) -> Result<()> {
        let (_, segment) = self.last_segment();
        segment
            .file
            .write_all_at(&self.scratch, write_at)
            .map_err(|source| Error::Io { path: segment.path.clone(), source })?;
        self.next_offset = write_at + self.scratch.len() as u64;
        self.scratch.clear();
        Ok(())
    }

    /// Makes written records visible to readers: index first, then count.
    fn publish(&self, pending: &mut Vec<(u32, u64, u32)>) {
        let mut index = self.shared.index.write().expect("index lock");
        index.extend(pending.drain(..));
        let len = index.len() as u64;
        drop(index);
        self.shared.committed.store(len, Ordering::Release);
    }

    /// Writes everything appended to disk (`fdatasync` of the last segment;
    /// earlier ones were synced when they filled).
    ///
    /// # Errors
    ///
    /// [`Error::Io`].
    pub fn sync(&mut self) -> Result<()> {
        let (_, segment) = self.last_segment();
        segment.file.sync_data().map_err(|source| Error::Io { path: segment.path.clone(), source })?;
        self.last_sync = Instant::now();
        Ok(())
    }

    /// Record `id`, served from the memory map and checked against its CRC.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] when the stored record fails its CRC.
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
