//! Parquet files, written from and read into [`RecordBatch`]es (the
//! `parquet` crate's Arrow integration).

use std::fs::File;
use std::io::Write;
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::ChunkReader;

use crate::{Error, Result};

/// The compression of a Parquet file's column chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ParquetCompression {
    /// None: encodings (dictionary, RLE, bit packing) only.
    None,
    /// Snappy, the usual default of Parquet writers.
    #[default]
    Snappy,
    /// LZ4 (the `LZ4_RAW` codec).
    Lz4Raw,
    /// Zstandard at the given level (1 to 22).
    Zstd(i32),
}

impl ParquetCompression {
    fn properties(self) -> Result<WriterProperties> {
        let codec = match self {
            ParquetCompression::None => Compression::UNCOMPRESSED,
            ParquetCompression::Snappy => Compression::SNAPPY,
            ParquetCompression::Lz4Raw => Compression::LZ4_RAW,
            ParquetCompression::Zstd(level) => Compression::ZSTD(
                ZstdLevel::try_new(level).map_err(|e| Error::parquet(format!("zstd level {level}"), e))?,
            ),
        };
        Ok(WriterProperties::builder().set_compression(codec).build())
    }
}

/// Writes `batches` (all of `schema`) as a Parquet file to `out` and
/// returns `out`.
///
/// # Errors
///
/// [`Error::Parquet`] when a batch does not match the schema or writing
/// fails.
///
/// # Examples
///
/// ```
/// use flatbox_arrow::ParquetCompression;
///
/// #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// struct Row { id: u64, value: f64 }
///
/// let rows: Vec<Row> = (0..100).map(|i| Row { id: i, value: i as f64 / 2.0 }).collect();
/// let batch = flatbox_arrow::to_batch(&rows)?;
/// let bytes = flatbox_arrow::write_parquet(Vec::new(), &batch.schema(), &[batch], ParquetCompression::Zstd(3))?;
/// let (_, batches) = flatbox_arrow::read_parquet(bytes.into())?;
/// assert_eq!(flatbox_arrow::from_batches::<Row>(&batches)?, rows);
/// # Ok::<(), flatbox_arrow::Error>(())
/// ```
pub fn write_parquet<W: Write + Send>(
    out: W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    compression: ParquetCompression,
) -> Result<W> {
    // parquet-rs has no union type and panics on one (ARROW-8817): refuse
    // it here, as an error.
    if let Some(field) = schema.fields().iter().find(|f| has_union(f.data_type())) {
        return Err(Error::parquet(
            "writing parquet",
            parquet::errors::ParquetError::NYI(format!(
                "column {:?} is an Arrow union (a Rust enum), which Parquet cannot store",
                field.name()
            )),
        ));
    }
    let mut writer = ArrowWriter::try_new(out, schema.clone(), Some(compression.properties()?))
        .map_err(|e| Error::parquet("writing parquet", e))?;
    for (i, batch) in batches.iter().enumerate() {
        writer.write(batch).map_err(|e| Error::parquet(format!("writing parquet: batch {i}"), e))?;
    }
    writer.into_inner().map_err(|e| Error::parquet("writing parquet: footer", e))
}

/// Whether `data_type` is or contains an Arrow union.
fn has_union(data_type: &arrow_schema::DataType) -> bool {
    use arrow_schema::DataType;
    match data_type {
        DataType::Union(..) => true,
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) | DataType::Map(f, _) => {
            has_union(f.data_type())
        }
        DataType::Struct(fields) => fields.iter().any(|f| has_union(f.data_type())),
        DataType::Dictionary(_, value) => has_union(value),
        _ => false,
    }
}

/// [`write_parquet`] to a new (or truncated) file at `path`.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be created; otherwise as for
/// [`write_parquet`].
pub fn write_parquet_to_path(
    path: impl AsRef<Path>,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    compression: ParquetCompression,
) -> Result<()> {
    let path = path.as_ref();
    let file = File::create(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    let file = write_parquet(file, schema, batches, compression)?;
    file.sync_all().map_err(|source| Error::Io { path: path.to_owned(), source })
}

fn read<R: ChunkReader + 'static>(input: &str, data: R) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(data).map_err(|e| Error::parquet(format!("{input}: footer"), e))?;
    let schema = builder.schema().clone();
    let reader = builder.build().map_err(|e| Error::parquet(format!("{input}: reader"), e))?;
    let batches = reader
        .enumerate()
        .map(|(i, batch)| batch.map_err(|e| Error::arrow(format!("{input}: batch {i}"), e)))
        .collect::<Result<_>>()?;
    Ok((schema, batches))
}

/// Reads a whole Parquet file held in memory: its Arrow schema and batches.
///
/// # Errors
///
/// [`Error::Parquet`] when the file is not Parquet or is damaged;
/// [`Error::Arrow`] when a batch cannot be decoded.
pub fn read_parquet(bytes: bytes::Bytes) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    read("<memory>", bytes)
}

/// Reads a whole Parquet file from `path`.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be opened; otherwise as for
/// [`read_parquet`].
pub fn read_parquet_file(path: impl AsRef<Path>) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    read(&path.display().to_string(), file)
}
