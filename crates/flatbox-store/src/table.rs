//! [`FixedTable`]: a file of fixed-size records, read in place through a
//! memory map.

use std::fs::{File, OpenOptions};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use memmap2::MmapMut;

use crate::error::{Error, Result};
use crate::mmap;

/// A record type a [`FixedTable`] can hold: plain old data (every bit
/// pattern valid, no padding, no pointers) with a name for its layout.
///
/// The table stores records in the host's byte order and records the byte
/// order in its header, so a file moved to a host of the other byte order
/// is refused rather than misread.
///
/// # Examples
///
/// ```
/// use bytemuck::{Pod, Zeroable};
/// use flatbox_store::TableRecord;
///
/// /// The tutorial's record: id, value, timestamp (16 bytes; the tutorial's
/// /// own `struct.pack('IfI')` writes 12, with a 4-byte float).
/// #[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
/// #[repr(C)]
/// struct Reading {
///     id: u32,
///     timestamp: u32,
///     value: f64,
/// }
///
/// impl TableRecord for Reading {
///     const LAYOUT: &'static str = "example.Reading/v1";
/// }
/// assert_eq!(std::mem::size_of::<Reading>(), 16);
/// ```
pub trait TableRecord: bytemuck::Pod {
    /// A name for this layout, stored (as a fingerprint) in the file: change
    /// it whenever the fields change, and old files are refused instead of
    /// misread.
    const LAYOUT: &'static str;
}

const MAGIC: [u8; 8] = *b"FBXTABLE";
const VERSION: u32 = 1;
/// Bytes before the first record; a multiple of every alignment a record
/// may have, so records in the (page-aligned) map are aligned.
const HEADER: usize = 64;
const BYTE_ORDER: u32 = 0x0102_0304;
/// Where the header fields are.
const COUNT_AT: usize = 24;

fn fingerprint<T: TableRecord>() -> u64 {
    // FNV-1a over the layout name, mixed with size and alignment.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in T::LAYOUT.as_bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ ((size_of::<T>() as u64) << 32) ^ (align_of::<T>() as u64)
}

/// A file of fixed-size records: `push` and `extend_from_slice` append,
/// `get` and `as_slice` read in place through a memory map (no copy, no
/// parsing), for the tutorial's "1M records of 16 bytes" experiment.
///
/// Layout: a 64-byte header (magic `FBXTABLE`, version, record size, a
/// fingerprint of the record type's layout, the record count, the byte
/// order), then the records back to back. The file grows in steps and keeps
/// spare room after the records; the header's count says how many there
/// are. A record becomes visible to a later `open` when the count is
/// written, after the record itself; [`FixedTable::sync`] makes both
/// durable.
///
/// Another process modifying the file while it is open is undefined
/// behaviour (see the crate documentation).
///
/// # Examples
///
/// ```
/// # use bytemuck::{Pod, Zeroable};
/// # use flatbox_store::{FixedTable, TableRecord};
/// # #[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
/// # #[repr(C)]
/// # struct Reading { id: u32, timestamp: u32, value: f64 }
/// # impl TableRecord for Reading { const LAYOUT: &'static str = "example.Reading/v1"; }
/// let dir = std::env::temp_dir().join(format!("flatbox-table-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("readings.fbt");
///
/// let mut table = FixedTable::<Reading>::create(&path)?;
/// let readings: Vec<Reading> =
///     (0..1000).map(|i| Reading { id: i, timestamp: 1_640_995_200 + i, value: f64::from(i) * 1.5 }).collect();
/// table.extend_from_slice(&readings)?;
/// table.sync()?;
/// drop(table);
///
/// let table = FixedTable::<Reading>::open(&path)?;
/// assert_eq!(table.len(), 1000);
/// assert_eq!(table.get(999).map(|r| r.value), Some(1498.5));
/// assert_eq!(table.as_slice(), &readings[..]); // straight from the map
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct FixedTable<T> {
    path: PathBuf,
    file: File,
    map: MmapMut,
    count: usize,
    capacity: usize,
    _records: PhantomData<T>,
}

impl<T: TableRecord> FixedTable<T> {
    fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
        move |source| Error::Io { path: path.to_path_buf(), source }
    }

    fn check_type(path: &Path) -> Result<()> {
        if size_of::<T>() == 0 || align_of::<T>() > HEADER {
            return Err(Error::WrongRecordType {
                path: path.to_path_buf(),
                found: "nothing yet".into(),
                expected: format!(
                    "a record of {} bytes aligned to {} (sizes must be non-zero, alignment at most {HEADER})",
                    size_of::<T>(),
                    align_of::<T>()
                ),
            });
        }
        Ok(())
    }

    /// Creates an empty table at `path`, replacing any file there.
    ///
    /// # Errors
    ///
    /// [`Error::Io`]; [`Error::WrongRecordType`] for a zero-sized record or
    /// one aligned to more than 64 bytes.
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        Self::check_type(path)?;
        let io = Self::io(path);
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(path).map_err(&io)?;
        file.set_len(HEADER as u64).map_err(&io)?;
        let mut map = mmap::map_mut(&file).map_err(&io)?;
        map[..8].copy_from_slice(&MAGIC);
        map[8..12].copy_from_slice(&VERSION.to_le_bytes());
        map[12..16].copy_from_slice(&u32::try_from(size_of::<T>()).unwrap_or(u32::MAX).to_le_bytes());
        map[16..24].copy_from_slice(&fingerprint::<T>().to_le_bytes());
        map[COUNT_AT..COUNT_AT + 8].copy_from_slice(&0_u64.to_le_bytes());
        map[32..36].copy_from_slice(&BYTE_ORDER.to_ne_bytes());
        Ok(FixedTable { path: path.to_path_buf(), file, map, count: 0, capacity: 0, _records: PhantomData })
    }

    /// Opens an existing table, checking that it holds `T`s.
    ///
    /// # Errors
    ///
    /// [`Error::Io`]; [`Error::NotATable`] for an empty file or another
    /// kind of file; [`Error::WrongRecordType`] for records of another
    /// layout, size or byte order; [`Error::Truncated`] when the header
    /// counts more records than the file holds.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        Self::check_type(path)?;
        let io = Self::io(path);
        let not_a_table = |reason: &str| Error::NotATable { path: path.to_path_buf(), reason: reason.to_owned() };
        let file = OpenOptions::new().read(true).write(true).open(path).map_err(&io)?;
        let len = file.metadata().map_err(&io)?.len();
        if len == 0 {
            return Err(not_a_table("the file is empty"));
        }
        if len < HEADER as u64 {
            return Err(not_a_table("the file is shorter than a table header"));
        }
        let map = mmap::map_mut(&file).map_err(&io)?;
        if map[..8] != MAGIC {
            return Err(not_a_table("no FBXTABLE magic at its start"));
        }
        let u32_at = |at: usize| {
            let mut b = [0; 4];
            b.copy_from_slice(&map[at..at + 4]);
            u32::from_le_bytes(b)
        };
        let u64_at = |at: usize| {
            let mut b = [0; 8];
            b.copy_from_slice(&map[at..at + 8]);
            u64::from_le_bytes(b)
        };
        if u32_at(8) != VERSION {
            return Err(not_a_table(&format!("version {} is not supported (this build reads {VERSION})", u32_at(8))));
        }
        let wrong = |found: String| Error::WrongRecordType {
            path: path.to_path_buf(),
            found,
            expected: format!("{} ({} bytes)", T::LAYOUT, size_of::<T>()),
        };
        if u32_at(32).to_le_bytes() != BYTE_ORDER.to_ne_bytes() {
            return Err(wrong("records in the other byte order".into()));
        }
        let size = u32_at(12);
        if u64::from(size) != size_of::<T>() as u64 || u64_at(16) != fingerprint::<T>() {
            return Err(wrong(format!("records of {size} bytes with layout fingerprint {:#018x}", u64_at(16))));
        }
        let fits = (len - HEADER as u64) / size_of::<T>() as u64;
        let count = u64_at(COUNT_AT);
        if count > fits {
            return Err(Error::Truncated { path: path.to_path_buf(), count, fits });
        }
        let (count, capacity) =
            (usize::try_from(count).unwrap_or(usize::MAX), usize::try_from(fits).unwrap_or(usize::MAX));
        Ok(FixedTable { path: path.to_path_buf(), file, map, count, capacity, _records: PhantomData })
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Record `i`, read in place.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.as_slice().get(i)
    }

    /// All the records, in place in the memory map.
    pub fn as_slice(&self) -> &[T] {
        let bytes = &self.map[HEADER..HEADER + self.count * size_of::<T>()];
        // The map is page-aligned and records start at a multiple of every
        // alignment a record may have (checked at create/open): no failure.
        bytemuck::cast_slice(bytes)
    }

    /// Appends one record.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot grow.
    pub fn push(&mut self, record: &T) -> Result<()> {
        self.extend_from_slice(std::slice::from_ref(record))
    }

    /// Appends records.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot grow.
    pub fn extend_from_slice(&mut self, records: &[T]) -> Result<()> {
        let needed = self.count + records.len();
        if needed > self.capacity {
            self.grow(needed)?;
        }
        let start = HEADER + self.count * size_of::<T>();
        let bytes: &[u8] = bytemuck::cast_slice(records);
        self.map[start..start + bytes.len()].copy_from_slice(bytes);
        // The count last: a reader of the file never counts a record whose
        // bytes are not there yet.
        self.count = needed;
        self.map[COUNT_AT..COUNT_AT + 8].copy_from_slice(&(needed as u64).to_le_bytes());
        Ok(())
    }

    fn grow(&mut self, needed: usize) -> Result<()> {
        let capacity = needed.max(self.capacity.saturating_mul(2)).max(4096 / size_of::<T>().max(1));
        let io = Self::io(&self.path);
        // Growing a mapped file is safe (shrinking would not be); the new
        // map covers the new length.
        self.map.flush_async().map_err(&io)?;
        self.file.set_len((HEADER + capacity * size_of::<T>()) as u64).map_err(&io)?;
        self.map = mmap::map_mut(&self.file).map_err(&io)?;
        self.capacity = capacity;
        Ok(())
    }

    /// Writes everything appended so far to disk (`msync`).
    ///
    /// # Errors
    ///
    /// [`Error::Io`].
    pub fn sync(&self) -> Result<()> {
        self.map.flush().map_err(Self::io(&self.path))
    }

    /// The file it lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
