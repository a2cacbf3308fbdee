//! The error type of flatbox-arrow.

use std::path::PathBuf;

use arrow_schema::ArrowError;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong writing or reading Arrow IPC and Parquet,
/// or turning rows into columns and back.
///
/// Messages are lowercase and name the input (a file path, or `<memory>` /
/// `<stream>`), and where it helps the batch index and byte offset.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O error on a file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// An I/O error on a reader or writer that has no path.
    #[error("{input}: i/o error at byte {offset}: {source}")]
    Stream {
        /// What was being read or written (`<stream>`, `<writer>`).
        input: String,
        /// How many bytes had been read or written before the error.
        offset: u64,
        /// What the reader or writer reported.
        #[source]
        source: std::io::Error,
    },
    /// The input is not an Arrow IPC file or stream, or its framing is
    /// damaged: a bad magic, a footer or message that does not fit in the
    /// input, a block outside the file. Found by flatbox-arrow's own checks
    /// before anything is handed to arrow-rs.
    #[error("{input}: malformed arrow ipc at byte {offset}: expected {expected}")]
    Malformed {
        /// The file path, `<memory>` or `<stream>`.
        input: String,
        /// Where the damaged structure starts.
        offset: u64,
        /// What was expected there.
        expected: String,
    },
    /// A Parquet file's metadata is damaged in a way the parquet crate
    /// would panic on, hang on or read past the file for (a footer whose
    /// Thrift structure declares a container longer than the bytes left, a
    /// column chunk's byte range negative or outside the file). Found by
    /// flatbox-arrow's own checks before the parquet crate reads them.
    #[error("{input}: malformed parquet at byte {offset}: expected {expected}")]
    MalformedParquet {
        /// The file path or `<memory>`.
        input: String,
        /// Where the damaged structure starts (a column chunk's offset).
        offset: u64,
        /// What was expected there.
        expected: String,
    },
    /// A size declared in the input is larger than the [`ReadLimits`]
    /// allow (a metadata length, a body length, a decompressed length).
    ///
    /// [`ReadLimits`]: crate::ReadLimits
    #[error("{input}: {what} at byte {offset} declares {declared} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The file path, `<memory>` or `<stream>`.
        input: String,
        /// What declared the size.
        what: &'static str,
        /// Where the declaration is.
        offset: u64,
        /// The declared size.
        declared: u64,
        /// The limit in force.
        limit: u64,
    },
    /// A batch index past the end of the file.
    #[error("{input}: expected a batch index below {count}, got {index}")]
    NoSuchBatch {
        /// The file path or `<memory>`.
        input: String,
        /// The index asked for.
        index: usize,
        /// How many batches the file holds.
        count: usize,
    },
    /// arrow-rs rejected the data (invalid arrays, an unsupported type,
    /// failed decompression, a schema mismatch...).
    #[error("{context}: {source}")]
    Arrow {
        /// Where: the input, and the batch index or byte offset.
        context: String,
        /// What arrow-rs reported.
        #[source]
        source: ArrowError,
    },
    /// Rows could not be turned into columns or back (`serde_arrow`): a type
    /// the schema cannot hold, a missing field, a schema that cannot be
    /// inferred.
    #[error("{context}: {source}")]
    Rows {
        /// What was being converted.
        context: String,
        /// What `serde_arrow` reported.
        #[source]
        source: serde_arrow::Error,
    },
    /// A line of NDJSON that is not JSON, or that does not fit the schema
    /// (a key it lacks, a value of another type, a fraction in an integer
    /// column).
    #[error(
        "{input}: {}{message}{}",
        line.map(|l| format!("line {l}: ")).unwrap_or_default(),
        if *widen { "; a schema inferred from more lines may hold it" } else { "" }
    )]
    NdjsonLine {
        /// The input's name.
        input: String,
        /// The line (from 1), when one line is to blame.
        line: Option<u64>,
        /// What is wrong with it.
        message: String,
        /// Whether inferring the schema from more lines could help.
        widen: bool,
    },
    /// A value of the record model does not fit its column's type (rows of
    /// [`flatbox_wire::Value`] to a batch), or a row has a field the schema
    /// has no column for.
    #[error("column {column}, row {row}: {reason}")]
    Record {
        /// The column, with the path to a nested field (`address.city`,
        /// `tags[]`, `prices{value}`).
        column: String,
        /// The row, counted from 0 in the rows given.
        row: usize,
        /// What the column expected and what the row holds.
        reason: String,
    },
    /// A compression name that does not parse ([`ParquetCompression`]'s
    /// `FromStr`).
    ///
    /// [`ParquetCompression`]: crate::ParquetCompression
    #[error("compression {given:?}: {reason}")]
    Compression {
        /// What was given.
        given: String,
        /// Why it is refused.
        reason: String,
    },
    /// The Parquet library rejected the data or the file.
    #[error("{context}: {source}")]
    Parquet {
        /// Where: the input or output.
        context: String,
        /// What the parquet crate reported.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// A decoder inside arrow-rs or parquet panicked on the input: it is
    /// malformed in a way flatbox-arrow's own checks do not catch first, and
    /// the panic was contained at flatbox-arrow's boundary (see the crate
    /// documentation's section on upstream panics for the known cases).
    #[error("{context}: malformed input: {library} failed an internal check ({message})")]
    Panicked {
        /// Where: the input, and the batch, dictionary or row group.
        context: String,
        /// The library that panicked (`arrow-rs` or `parquet`).
        library: &'static str,
        /// The panic's message.
        message: String,
    },
}

impl Error {
    pub(crate) fn malformed(input: &str, offset: u64, expected: impl Into<String>) -> Self {
        Error::Malformed { input: input.to_owned(), offset, expected: expected.into() }
    }

    pub(crate) fn arrow(context: impl Into<String>, source: ArrowError) -> Self {
        Error::Arrow { context: context.into(), source }
    }

    pub(crate) fn rows(context: impl Into<String>, source: serde_arrow::Error) -> Self {
        Error::Rows { context: context.into(), source }
    }

    /// Puts the error inside column `name`: a nested column's path grows
    /// from the inside out.
    pub(crate) fn in_column(self, name: &str) -> Self {
        match self {
            Error::Record { column, row, reason } => Error::Record {
                column: if column.is_empty() {
                    name.to_owned()
                } else if column.starts_with('[') || column.starts_with('{') {
                    format!("{name}{column}")
                } else {
                    format!("{name}.{column}")
                },
                row,
                reason,
            },
            Error::Arrow { context, source } => Error::Arrow { context: format!("column {name}: {context}"), source },
            other => other,
        }
    }

    pub(crate) fn parquet(context: impl Into<String>, source: parquet::errors::ParquetError) -> Self {
        Error::Parquet { context: context.into(), source }
    }
}
