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
    pub(crate) fn options(self) -> Result<IpcWriteOptions> {
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
    let writer = FileWriter::try_new_with_options(out, schema, compression.options()?)
        .map_err(|e| Error::arrow("writing ipc file", e))?;
    write_batches(writer, "ipc file", batches)
}

/// arrow-ipc's two writers, which share no trait.
trait IpcWriter<W> {
    fn write(&mut self, batch: &RecordBatch) -> std::result::Result<(), arrow_schema::ArrowError>;
    fn finish(&mut self) -> std::result::Result<(), arrow_schema::ArrowError>;
    fn into_inner(self) -> std::result::Result<W, arrow_schema::ArrowError>;
}

impl<W: Write> IpcWriter<W> for FileWriter<W> {
    fn write(&mut self, batch: &RecordBatch) -> std::result::Result<(), arrow_schema::ArrowError> {
        FileWriter::write(self, batch)
    }
    fn finish(&mut self) -> std::result::Result<(), arrow_schema::ArrowError> {
        FileWriter::finish(self)
    }
    fn into_inner(self) -> std::result::Result<W, arrow_schema::ArrowError> {
        FileWriter::into_inner(self)
    }
}

impl<W: Write> IpcWriter<W> for StreamWriter<W> {
    fn write(&mut self, batch: &RecordBatch) -> std::result::Result<(), arrow_schema::ArrowError> {
        StreamWriter::write(self, batch)
    }
    fn finish(&mut self) -> std::result::Result<(), arrow_schema::ArrowError> {
        StreamWriter::finish(self)
    }
    fn into_inner(self) -> std::result::Result<W, arrow_schema::ArrowError> {
        StreamWriter::into_inner(self)
    }
}

/// Writes every batch, then the end (footer or end-of-stream marker); the
/// errors name the `kind` of output and the batch.
fn write_batches<W>(mut writer: impl IpcWriter<W>, kind: &str, batches: &[RecordBatch]) -> Result<W> {
    for (i, batch) in batches.iter().enumerate() {
        writer.write(batch).map_err(|e| Error::arrow(format!("writing {kind}: batch {i}"), e))?;
    }
    writer.finish().map_err(|e| Error::arrow(format!("writing {kind}"), e))?;
    writer.into_inner().map_err(|e| Error::arrow(format!("writing {kind}"), e))
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
    let writer = StreamWriter::try_new_with_options(out, schema, compression.options()?)
        .map_err(|e| Error::arrow("writing ipc stream", e))?;
    write_batches(writer, "ipc stream", batches)
}
