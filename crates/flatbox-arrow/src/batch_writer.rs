//! Incremental writers: batches go out one at a time, to an Arrow IPC file,
//! an Arrow IPC stream or a Parquet file, and the end (footer, end of
//! stream) is written by [`BatchWriter::finish`]. Memory holds one batch,
//! plus for Parquet the row group being built.

use std::io::Write;

use arrow_array::RecordBatch;
use arrow_ipc::writer::{FileWriter, StreamWriter};
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_writer::ArrowRowGroupWriterFactory;
use parquet::file::writer::SerializedFileWriter;

use crate::{Error, IpcCompression, ParquetCompression, Result};

/// Rows per Parquet row group unless told otherwise.
pub const DEFAULT_ROW_GROUP_ROWS: usize = 128 * 1024;

/// What a [`BatchWriter`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchFormat {
    /// An Arrow IPC file (footer at the end: random access).
    IpcFile(IpcCompression),
    /// An Arrow IPC stream (schema, batches, end-of-stream marker).
    IpcStream(IpcCompression),
    /// A Parquet file, with row groups of at most this many rows.
    Parquet {
        /// The column chunks' compression.
        compression: ParquetCompression,
        /// Rows per row group.
        row_group_rows: usize,
    },
}

impl BatchFormat {
    /// A Parquet file with the default row group size.
    #[must_use]
    pub fn parquet(compression: ParquetCompression) -> Self {
        BatchFormat::Parquet { compression, row_group_rows: DEFAULT_ROW_GROUP_ROWS }
    }
}

enum Inner<W: Write + Send> {
    IpcFile(FileWriter<W>),
    IpcStream(StreamWriter<W>),
    Parquet(Box<ArrowWriter<W>>),
}

/// Writes record batches of one schema, one at a time.
///
/// The schema is kept as given: field types, nullability and metadata (a
/// Parquet file stores it, so readers get the Arrow types back).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use flatbox_arrow::arrow_array::{Int64Array, RecordBatch};
/// use flatbox_arrow::{BatchFormat, BatchWriter, ParquetCompression};
///
/// let batch = RecordBatch::try_from_iter([("id", Arc::new(Int64Array::from(vec![1, 2])) as _)])?;
/// let mut writer = BatchWriter::new(Vec::new(), &batch.schema(), BatchFormat::parquet(ParquetCompression::Zstd(3)))?;
/// writer.write(&batch)?;
/// writer.write(&batch)?;
/// assert_eq!(writer.rows(), 4);
/// let bytes = writer.finish()?;
/// let (_, batches) = flatbox_arrow::read_parquet(bytes.into())?;
/// assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct BatchWriter<W: Write + Send> {
    inner: Inner<W>,
    schema: SchemaRef,
    format: BatchFormat,
    batches: usize,
    rows: u64,
}

impl<W: Write + Send> BatchWriter<W> {
    /// Starts writing `format` with `schema` to `out` (an IPC output gets its
    /// schema message now).
    ///
    /// # Errors
    ///
    /// [`Error::Arrow`] / [`Error::Parquet`] when the schema cannot be
    /// written in the format, or writing fails.
    pub fn new(out: W, schema: &SchemaRef, format: BatchFormat) -> Result<Self> {
        let inner = match format {
            BatchFormat::IpcFile(c) => Inner::IpcFile(
                FileWriter::try_new_with_options(out, schema, c.options()?)
                    .map_err(|e| Error::arrow("writing ipc file: the schema", e))?,
            ),
            BatchFormat::IpcStream(c) => Inner::IpcStream(
                StreamWriter::try_new_with_options(out, schema, c.options()?)
                    .map_err(|e| Error::arrow("writing ipc stream: the schema", e))?,
            ),
            BatchFormat::Parquet { compression, row_group_rows } => {
                // The parquet crate panics on a union ("see ARROW-8817"):
                // refuse it first, naming the column.
                if let Some(path) = find_union(schema.fields(), "") {
                    return Err(Error::arrow(
                        "writing parquet: the schema",
                        arrow_schema::ArrowError::NotYetImplemented(format!(
                            "column {path} is a union, which parquet cannot hold"
                        )),
                    ));
                }
                let properties = compression
                    .properties()?
                    .into_builder()
                    .set_max_row_group_row_count(Some(row_group_rows.max(1)))
                    .build();
                Inner::Parquet(Box::new(
                    ArrowWriter::try_new(out, schema.clone(), Some(properties))
                        .map_err(|e| Error::parquet("writing parquet: the schema", e))?,
                ))
            }
        };
        Ok(BatchWriter { inner, schema: schema.clone(), format, batches: 0, rows: 0 })
    }

    /// What is being written.
    #[must_use]
    pub fn format(&self) -> BatchFormat {
        self.format
    }

    /// Writes one batch (of the writer's schema).
    ///
    /// # Errors
    ///
    /// [`Error::Arrow`] / [`Error::Parquet`] naming the batch, when it does
    /// not match the schema or writing fails.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let i = self.batches;
        let rows = self.rows;
        if batch.schema().fields() != self.schema.fields() {
            return Err(Error::arrow(
                format!("writing batch {i} (rows from {rows})"),
                arrow_schema::ArrowError::SchemaError(format!(
                    "expected a batch of the writer's schema ({}), got ({})",
                    self.schema
                        .fields()
                        .iter()
                        .map(|f| format!("{}: {}", f.name(), f.data_type()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    batch
                        .schema()
                        .fields()
                        .iter()
                        .map(|f| format!("{}: {}", f.name(), f.data_type()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ));
        }
        match &mut self.inner {
            Inner::IpcFile(w) => {
                w.write(batch).map_err(|e| Error::arrow(format!("writing ipc file: batch {i} (rows from {rows})"), e))
            }
            Inner::IpcStream(w) => {
                w.write(batch).map_err(|e| Error::arrow(format!("writing ipc stream: batch {i} (rows from {rows})"), e))
            }
            Inner::Parquet(w) => {
                w.write(batch).map_err(|e| Error::parquet(format!("writing parquet: batch {i} (rows from {rows})"), e))
            }
        }?;
        self.batches += 1;
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    /// Batches written so far.
    #[must_use]
    pub fn batches(&self) -> usize {
        self.batches
    }

    /// Rows written so far.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The Parquet writer taken apart, for row groups encoded elsewhere
    /// (on other threads) and appended in order.
    ///
    /// # Errors
    ///
    /// [`Error::Parquet`] when this writes no Parquet, or writing fails.
    pub(crate) fn into_parquet_parts(self) -> Result<(SerializedFileWriter<W>, ArrowRowGroupWriterFactory)> {
        match self.inner {
            Inner::Parquet(w) => w.into_serialized_writer().map_err(|e| Error::parquet("writing parquet", e)),
            _ => Err(Error::parquet(
                "writing parquet",
                parquet::errors::ParquetError::General(format!("the writer writes {:?}, not parquet", self.format)),
            )),
        }
    }

    /// Writes the end (footer, end-of-stream marker) and returns the output.
    ///
    /// # Errors
    ///
    /// [`Error::Arrow`] / [`Error::Parquet`] when writing fails.
    pub fn finish(self) -> Result<W> {
        match self.inner {
            Inner::IpcFile(mut w) => {
                w.finish().map_err(|e| Error::arrow("writing ipc file: the footer", e))?;
                w.into_inner().map_err(|e| Error::arrow("writing ipc file: the footer", e))
            }
            Inner::IpcStream(mut w) => {
                w.finish().map_err(|e| Error::arrow("writing ipc stream: the end", e))?;
                w.into_inner().map_err(|e| Error::arrow("writing ipc stream: the end", e))
            }
            Inner::Parquet(w) => w.into_inner().map_err(|e| Error::parquet("writing parquet: the footer", e)),
        }
    }
}

/// The path of the first union field in `fields` (nested ones included).
fn find_union(fields: &arrow_schema::Fields, prefix: &str) -> Option<String> {
    use arrow_schema::DataType;
    for field in fields {
        let path = if prefix.is_empty() { field.name().clone() } else { format!("{prefix}.{}", field.name()) };
        let mut data_type = field.data_type();
        loop {
            match data_type {
                DataType::Union(..) => return Some(path),
                DataType::Dictionary(_, value) => data_type = value,
                DataType::List(item)
                | DataType::LargeList(item)
                | DataType::ListView(item)
                | DataType::LargeListView(item)
                | DataType::FixedSizeList(item, _)
                | DataType::Map(item, _) => {
                    return find_union(&arrow_schema::Fields::from(vec![item.clone()]), &path)
                        .or_else(|| find_union(&fields_after(fields, field), prefix));
                }
                DataType::Struct(children) => {
                    if let Some(found) = find_union(children, &path) {
                        return Some(found);
                    }
                    break;
                }
                DataType::RunEndEncoded(_, values) => data_type = values.data_type(),
                _ => break,
            }
        }
    }
    None
}

/// The fields of `fields` after `field`.
fn fields_after(fields: &arrow_schema::Fields, field: &arrow_schema::FieldRef) -> arrow_schema::Fields {
    let at = fields.iter().position(|f| std::sync::Arc::ptr_eq(f, field)).map_or(fields.len(), |i| i + 1);
    fields.iter().skip(at).cloned().collect()
}
