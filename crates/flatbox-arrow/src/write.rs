//! Writing Arrow IPC files and streams.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_ipc::CompressionType;
use arrow_ipc::writer::{FileWriter, IpcWriteOptions, StreamWriter};
use arrow_schema::Schema;

use crate::{Error, Result};

/// The body compression of an IPC file or stream: none, or one of the two
/// codecs the Arrow format defines (every buffer compressed on its own,
/// readable by Arrow C++, pyarrow, DuckDB, Polars and arrow-rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum IpcCompression {
    /// Buffers stored as they are: reads are zero-copy.
    #[default]
    None,
    /// `LZ4_FRAME`: fast; reads decompress each buffer.
    Lz4Frame,
    /// `ZSTD` (level 1): smaller; reads decompress each buffer.
    Zstd,
}

impl IpcCompression {
    fn options(self) -> Result<IpcWriteOptions> {
        let codec = match self {
            IpcCompression::None => None,
            IpcCompression::Lz4Frame => Some(CompressionType::LZ4_FRAME),
            IpcCompression::Zstd => Some(CompressionType::ZSTD),
        };
        IpcWriteOptions::default().try_with_compression(codec).map_err(|e| Error::arrow("ipc write options", e))
    }
}

/// Writes `batches` (all of `schema`) as an Arrow IPC **file** (random
/// access through its footer; what [`IpcFile`](crate::IpcFile) maps) to
/// `out`, and returns `out`.
///
/// # Errors
///
/// [`Error::Arrow`] when a batch does not match `schema` or writing fails
/// (an I/O error from `out` included).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use flatbox_arrow::arrow_array::{Int64Array, RecordBatch};
/// use flatbox_arrow::IpcCompression;
///
/// let batch = RecordBatch::try_from_iter([("id", Arc::new(Int64Array::from(vec![1, 2])) as _)])?;
/// let bytes = flatbox_arrow::write_file(Vec::new(), &batch.schema(), &[batch], IpcCompression::None)?;
/// assert!(bytes.starts_with(b"ARROW1") && bytes.ends_with(b"ARROW1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_file<W: Write>(
    out: W,
    schema: &Schema,
    batches: &[RecordBatch],
    compression: IpcCompression,
) -> Result<W> {
    let context = |i: Option<usize>| match i {
        Some(i) => format!("writing ipc file: batch {i}"),
        None => "writing ipc file".to_owned(),
    };
    let mut writer = FileWriter::try_new_with_options(out, schema, compression.options()?)
        .map_err(|e| Error::arrow(context(None), e))?;
    for (i, batch) in batches.iter().enumerate() {
        writer.write(batch).map_err(|e| Error::arrow(context(Some(i)), e))?;
    }
    writer.finish().map_err(|e| Error::arrow(context(None), e))?;
    writer.into_inner().map_err(|e| Error::arrow(context(None), e))
}

/// [`write_file`] to a new (or truncated) file at `path`.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be created or written; otherwise as
/// for [`write_file`].
pub fn write_file_to_path(
    path: impl AsRef<Path>,
    schema: &Schema,
    batches: &[RecordBatch],
    compression: IpcCompression,
) -> Result<()> {
    let path = path.as_ref();
    let io = |source| Error::Io { path: path.to_owned(), source };
    let file = File::create(path).map_err(io)?;
    let mut out = write_file(BufWriter::new(file), schema, batches, compression)?;
    out.flush().map_err(io)
}

/// Writes `batches` (all of `schema`) as an Arrow IPC **stream** (schema,
/// then batches, then an end-of-stream marker) to `out`, and returns `out`.
///
/// # Errors
///
/// As for [`write_file`].
pub fn write_stream<W: Write>(
    out: W,
    schema: &Schema,
    batches: &[RecordBatch],
    compression: IpcCompression,
) -> Result<W> {
    let context = |i: Option<usize>| match i {
        Some(i) => format!("writing ipc stream: batch {i}"),
        None => "writing ipc stream".to_owned(),
    };
    let mut writer = StreamWriter::try_new_with_options(out, schema, compression.options()?)
        .map_err(|e| Error::arrow(context(None), e))?;
    for (i, batch) in batches.iter().enumerate() {
        writer.write(batch).map_err(|e| Error::arrow(context(Some(i)), e))?;
    }
    writer.finish().map_err(|e| Error::arrow(context(None), e))?;
    writer.into_inner().map_err(|e| Error::arrow(context(None), e))
}
