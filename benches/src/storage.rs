//! The tutorial's memory-mapped files experiment: 1M fixed-size records in
//! a file; read the whole file and decode the first 1000, against opening a
//! memory map and reading 1000 in place (flatbox-store's `FixedTable`).

use std::path::PathBuf;

use bytemuck::{Pod, Zeroable};
use flatbox::profile::{FormatReport, ProfileConfig, measure};
use flatbox::{Error, Result};
use flatbox_store::{FixedTable, TableRecord};

use crate::suite::Experiment;

/// The tutorial's 16-byte record: id, timestamp, value (the tutorial's
/// `IfI` packs a 4-byte float into 12 bytes; `record_size = 16` and the
/// comment ask for 8 bytes of value).
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
#[repr(C)]
pub struct FileRecord {
    /// `i`.
    pub id: u32,
    /// `1640995200 + i`.
    pub timestamp: u32,
    /// `i * 1.5`.
    pub value: f64,
}

impl TableRecord for FileRecord {
    const LAYOUT: &'static str = "flatbox.bench.FileRecord/v1";
}

/// The read-everything row.
pub const READ_ALL: &str = "read whole file, decode 1000";
/// The memory-map row.
pub const MMAP: &str = "mmap (FixedTable), read 1000";

/// How many records the file holds, and how many are read.
const RECORDS: u32 = 1_000_000;
const READ: usize = 1000;

/// The file, written once; removed when the experiment ends.
pub(crate) struct RecordFile {
    path: PathBuf,
    records: Vec<FileRecord>,
}

impl RecordFile {
    pub(crate) fn load() -> Self {
        let path = std::env::temp_dir().join(format!("flatbox-bench-records-{}.fbt", std::process::id()));
        let records: Vec<FileRecord> = (0..RECORDS)
            .map(|i| FileRecord { id: i, timestamp: 1_640_995_200 + i, value: f64::from(i) * 1.5 })
            .collect();
        RecordFile { path, records }
    }

    fn write(&self) -> Result<()> {
        let mut table = FixedTable::<FileRecord>::create(&self.path).map_err(|e| Error::encode(MMAP, e))?;
        table.extend_from_slice(&self.records).map_err(|e| Error::encode(MMAP, e))?;
        table.sync().map_err(|e| Error::encode(MMAP, e))
    }

    /// The tutorial's method 1: read the file, then unpack the first 1000.
    fn read_all(&self) -> Result<Vec<FileRecord>> {
        let data = std::fs::read(&self.path).map_err(|e| Error::decode(READ_ALL, e))?;
        let body = data.get(64..).ok_or_else(|| Error::decode(READ_ALL, "short file"))?;
        Ok(body.chunks_exact(16).take(READ).map(bytemuck::pod_read_unaligned::<FileRecord>).collect())
    }

    /// Method 2: map the file and read the first 1000 in place.
    fn read_mapped(&self) -> Result<Vec<FileRecord>> {
        let table = FixedTable::<FileRecord>::open(&self.path).map_err(|e| Error::decode(MMAP, e))?;
        Ok(table.as_slice()[..READ].to_vec())
    }
}

impl Drop for RecordFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Experiment for RecordFile {
    fn profile(&self, format: &str, config: &ProfileConfig) -> Option<Result<FormatReport>> {
        let read = match format {
            READ_ALL => Self::read_all,
            MMAP => Self::read_mapped,
            _ => return None,
        };
        let result = (|| {
            self.write()?;
            if read(self)? != self.records[..READ] {
                return Err(Error::RoundTrip { format: format.to_owned(), size: 0 });
            }
            let size = usize::try_from(std::fs::metadata(&self.path).map_err(|e| Error::decode(format, e))?.len())
                .unwrap_or(usize::MAX);
            let encode = measure(config, size, || self.write())?;
            let decode = measure(config, READ * 16, || read(self))?;
            Ok(FormatReport { format: format.to_owned(), size, encode, decode })
        })();
        Some(result)
    }
}
