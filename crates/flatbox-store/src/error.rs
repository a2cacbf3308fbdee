//! The error type of the store.

use std::path::PathBuf;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong opening or using a store file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O error, with the file it happened on.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a flatbox table (wrong magic, or too short to hold a
    /// header).
    #[error("{path}: not a flatbox table ({reason})")]
    NotATable {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The table holds records of another type, size or byte order.
    #[error("{path}: table holds {found}, but {expected} was asked for")]
    WrongRecordType {
        /// The file.
        path: PathBuf,
        /// What the header says.
        found: String,
        /// What the caller's type is.
        expected: String,
    },
    /// A log segment is damaged before its tail (a record fails its CRC and
    /// written data follows it). Open with `LogOptions::repair` to cut the
    /// log there, losing the records after it.
    #[error("{path}: corrupt record at byte {offset}")]
    Corrupt {
        /// The segment file.
        path: PathBuf,
        /// Where the damaged record starts.
        offset: u64,
    },
    /// Another writer holds the log open.
    #[error("{path}: the log is open for writing elsewhere (its LOCK file is held)")]
    Locked {
        /// The log directory.
        path: PathBuf,
    },
    /// The directory holds files that are not a log's.
    #[error("{path}: not a record log (it holds {found})")]
    NotALog {
        /// The directory.
        path: PathBuf,
        /// What it holds instead.
        found: String,
    },
    /// A record does not fit in a segment.
    #[error("a record of {len} bytes does not fit in a {segment_size}-byte segment")]
    RecordTooLarge {
        /// The record's length.
        len: usize,
        /// The segment size.
        segment_size: u64,
    },
    /// The header counts more records than the file holds (a torn write or a
    /// truncated copy).
    #[error("{path}: header counts {count} records but the file holds only {fits}")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// The count in the header.
        count: u64,
        /// How many whole records the file holds.
        fits: u64,
    },
}
