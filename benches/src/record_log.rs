//! flatbox-store's [`RecordLog`] against redb, the embedded store a user
//! would pick instead: 1M records of 100 bytes appended in one batch (one
//! sync) and inserted in one redb transaction; random reads; a full scan
//! with CRC checks; the recovery scan after a crash; and a clean reopen of
//! a 1 MiB and a 1 GiB log.
//!
//! Slow operations run once per sample, so these experiments size
//! themselves by the run's mode: `--quick` (a sample time under 10 ms)
//! uses 100k records and a 64 MiB "large" log instead of 1M and 1 GiB,
//! and says so in its row names.
#![allow(clippy::cast_possible_truncation, reason = "record ids here are below 2^20")]

use std::path::{Path, PathBuf};
use std::time::Duration;

use flatbox::profile::{FormatReport, ProfileConfig, measure};
use flatbox::{Error, Result};
use flatbox_store::{RecordId, RecordLog};
use rand::Rng;
use redb::{ReadableDatabase, TableDefinition};

use crate::datasets::rng;
use crate::suite::Experiment;

/// redb's row: one write transaction; random reads in one read transaction.
pub const REDB: &str = "redb";
/// The log's row: `append_batch` + `sync`; random `get`s.
pub const LOG: &str = "RecordLog";
/// Recovery scan after a crash (encode column) and a full scan with CRC
/// checks (decode column).
pub const LOG_SCAN: &str = "RecordLog recovery scan / full scan";
/// Clean reopen of a small log (encode: open; decode: open + one get).
pub const REOPEN_SMALL: &str = "clean reopen, 1 MiB log";
/// The same for a large one.
pub const REOPEN_LARGE: &str = "clean reopen, large log";

/// redb's table: record id to bytes.
pub const TABLE: TableDefinition<'static, u64, &[u8]> = TableDefinition::new("records");

/// Random reads per decode sample.
const READS: usize = 100_000;

fn is_quick(config: &ProfileConfig) -> bool {
    config.sample_time < Duration::from_millis(10)
}

/// `n` records of `len` random bytes, each starting with its id.
pub fn records(n: usize, len: usize) -> Vec<Vec<u8>> {
    let mut rng = rng(0x106);
    (0..n)
        .map(|i| {
            let mut r = vec![0_u8; len];
            rng.fill(&mut r[..]);
            r[..8].copy_from_slice(&(i as u64).to_le_bytes());
            r
        })
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("flatbox-bench-{name}-{}", std::process::id()))
}

fn remove(path: &Path) {
    let _ = std::fs::remove_dir_all(path);
    let _ = std::fs::remove_file(path);
}

fn store_err(format: &str) -> impl Fn(flatbox_store::Error) -> Error + '_ {
    move |e| Error::encode(format, e)
}

fn redb_err<E: std::error::Error + Send + Sync + 'static>(e: E) -> Error {
    Error::encode(REDB, e)
}

/// Writes `records` into a fresh log at `dir` (one batch, one sync) and
/// closes it cleanly.
///
/// # Errors
///
/// The log's errors.
pub fn write_log(dir: &Path, records: &[Vec<u8>]) -> Result<()> {
    remove(dir);
    let (mut log, _) = RecordLog::open(dir).map_err(store_err(LOG))?;
    log.append_batch(records).map_err(store_err(LOG))?;
    log.sync().map_err(store_err(LOG))?;
    log.close().map_err(store_err(LOG))
}

/// Writes `records` into a fresh redb database at `path` in one write
/// transaction, keyed by their index.
///
/// # Errors
///
/// redb's errors.
pub fn write_redb(path: &Path, records: &[Vec<u8>]) -> Result<redb::Database> {
    remove(path);
    let db = redb::Database::create(path).map_err(redb_err)?;
    let txn = db.begin_write().map_err(redb_err)?;
    {
        let mut table = txn.open_table(TABLE).map_err(redb_err)?;
        for (i, r) in records.iter().enumerate() {
            table.insert(i as u64, r.as_slice()).map_err(redb_err)?;
        }
    }
    txn.commit().map_err(redb_err)?;
    Ok(db)
}

/// The log-vs-redb experiment (`log-1m-100b`).
pub struct LogVsRedb {
    dir: PathBuf,
    db_path: PathBuf,
}

impl LogVsRedb {
    /// Nothing is generated until a format is measured (the scale depends
    /// on the run's mode).
    pub fn load() -> Self {
        LogVsRedb { dir: scratch("log"), db_path: scratch("redb") }
    }
}

impl Drop for LogVsRedb {
    fn drop(&mut self) {
        remove(&self.dir);
        remove(&self.db_path);
    }
}

/// The ids read, in a random order.
pub fn read_order(n: usize) -> Vec<u64> {
    let mut rng = rng(0x107);
    (0..READS).map(|_| rng.random_range(0..n as u64)).collect()
}

impl Experiment for LogVsRedb {
    fn profile(&self, format: &str, config: &ProfileConfig) -> Option<Result<FormatReport>> {
        if ![REDB, LOG, LOG_SCAN].contains(&format) {
            return None;
        }
        let n = if is_quick(config) { 100_000 } else { 1_000_000 };
        let records = records(n, 100);
        let order = read_order(n);
        let read_bytes = READS * 100;
        let result = (|| match format {
            REDB => {
                let db = write_redb(&self.db_path, &records)?;
                let size = usize::try_from(std::fs::metadata(&self.db_path).map_err(redb_err)?.len()).unwrap_or(0);
                drop(db);
                let encode = measure(config, size, || write_redb(&self.db_path, &records))?;
                let db = write_redb(&self.db_path, &records)?;
                let read = || -> Result<usize> {
                    let txn = db.begin_read().map_err(redb_err)?;
                    let table = txn.open_table(TABLE).map_err(redb_err)?;
                    let mut total = 0;
                    for &id in &order {
                        let value = table.get(id).map_err(redb_err)?.ok_or_else(|| Error::decode(REDB, "missing"))?;
                        total += value.value().len();
                    }
                    Ok(total)
                };
                if read()? != read_bytes {
                    return Err(Error::RoundTrip { format: REDB.to_owned(), size });
                }
                let decode = measure(config, read_bytes, read)?;
                Ok(FormatReport { format: REDB.to_owned(), size, encode, decode })
            }
            LOG => {
                let encode = measure(config, n * 100, || write_log(&self.dir, &records))?;
                let (log, _) = RecordLog::open(&self.dir).map_err(store_err(LOG))?;
                let size = usize::try_from(log.written_bytes()).unwrap_or(0);
                let read = || -> Result<usize> {
                    let mut total = 0;
                    for &id in &order {
                        let r = log.get(RecordId(id)).map_err(store_err(LOG))?;
                        total += r.ok_or_else(|| Error::decode(LOG, "missing"))?.len();
                    }
                    Ok(total)
                };
                let check = order.iter().all(|&id| log.get(RecordId(id)).ok().flatten() == Some(&records[id as usize]));
                if !check || read()? != read_bytes {
                    return Err(Error::RoundTrip { format: LOG.to_owned(), size });
                }
                let decode = measure(config, read_bytes, read)?;
                Ok(FormatReport { format: LOG.to_owned(), size, encode, decode })
            }
            _ => {
                write_log(&self.dir, &records)?;
                let (log, _) = RecordLog::open(&self.dir).map_err(store_err(LOG_SCAN))?;
                let size = usize::try_from(log.written_bytes()).unwrap_or(0);
                drop(log);
                // A crash: no clean-shutdown marker, so open scans it all.
                let recover = || -> Result<u64> {
                    std::fs::remove_file(self.dir.join("CLEAN")).map_err(|e| Error::encode(LOG_SCAN, e))?;
                    let (log, report) = RecordLog::open(&self.dir).map_err(store_err(LOG_SCAN))?;
                    if report.clean || report.records != n as u64 {
                        return Err(Error::encode(LOG_SCAN, "the recovery scan did not run or lost records"));
                    }
                    log.close().map_err(store_err(LOG_SCAN))?;
                    Ok(report.bytes_scanned)
                };
                let encode = measure(config, size, recover)?;
                let (log, _) = RecordLog::open(&self.dir).map_err(store_err(LOG_SCAN))?;
                let scan = || -> Result<u64> {
                    let report = log.verify().map_err(store_err(LOG_SCAN))?;
                    Ok(report.frame_bytes)
                };
                if scan()? != size as u64 || log.iter().any(|r| r.map_or(true, |(id, p)| p != records[id.0 as usize])) {
                    return Err(Error::RoundTrip { format: LOG_SCAN.to_owned(), size });
                }
                let decode = measure(config, size, scan)?;
                Ok(FormatReport { format: LOG_SCAN.to_owned(), size, encode, decode })
            }
        })();
        Some(result)
    }
}

/// The clean-reopen experiment (`log-reopen`): a 1 MiB log against a
/// 1 GiB one (64 MiB in `--quick` runs), 1 KiB records.
pub struct Reopen {
    dir: PathBuf,
}

impl Reopen {
    /// Nothing is written until a format is measured.
    pub fn load() -> Self {
        Reopen { dir: scratch("reopen") }
    }
}

impl Drop for Reopen {
    fn drop(&mut self) {
        remove(&self.dir);
    }
}

impl Experiment for Reopen {
    fn profile(&self, format: &str, config: &ProfileConfig) -> Option<Result<FormatReport>> {
        let bytes: usize = match format {
            REOPEN_SMALL => 1 << 20,
            REOPEN_LARGE if is_quick(config) => 64 << 20,
            REOPEN_LARGE => 1 << 30,
            _ => return None,
        };
        let result = (|| {
            // Written in chunks so the records never all sit in memory.
            remove(&self.dir);
            let chunk = records(1024, 1024);
            let (mut log, _) = RecordLog::open(&self.dir).map_err(store_err(format))?;
            while log.written_bytes() < bytes as u64 {
                log.append_batch(&chunk).map_err(store_err(format))?;
            }
            let last = RecordId(log.len() - 1);
            log.close().map_err(store_err(format))?;
            let size = bytes;
            let open = || -> Result<RecordLog> {
                let (log, report) = RecordLog::open(&self.dir).map_err(store_err(format))?;
                if !report.clean {
                    return Err(Error::decode(format, "the reopen was not clean"));
                }
                Ok(log)
            };
            let encode = measure(config, size, open)?;
            let read_last = || -> Result<usize> {
                let log = open()?;
                let len = log.get(last).map_err(store_err(format))?.map_or(0, <[u8]>::len);
                Ok(len)
            };
            if read_last()? != 1024 {
                return Err(Error::RoundTrip { format: format.to_owned(), size });
            }
            let decode = measure(config, size, read_last)?;
            remove(&self.dir);
            Ok(FormatReport { format: format.to_owned(), size, encode, decode })
        })();
        Some(result)
    }
}
