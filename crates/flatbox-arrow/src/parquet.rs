//! Parquet files, written from and read into [`RecordBatch`]es (the
//! `parquet` crate's Arrow integration).

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::ChunkReader;

use crate::contain::contain;
use crate::{Error, Result};

/// The compression of a Parquet file's column chunks: every codec arrow-rs
/// writes. (Reading also accepts the legacy Hadoop-framed `LZ4` codec of
/// older parquet-mr and parquet-cpp files.)
///
/// Parses from and prints as `none`, `snappy`, `gzip:6`, `brotli:5`,
/// `lz4`, `zstd:3` (a level is optional when parsing: `gzip` is `gzip:6`,
/// `brotli` is `brotli:1`, `zstd` is `zstd:3`).
///
/// # Examples
///
/// ```
/// use flatbox_arrow::ParquetCompression;
///
/// let c: ParquetCompression = "brotli:5".parse()?;
/// assert_eq!(c, ParquetCompression::Brotli(5));
/// assert_eq!(c.to_string(), "brotli:5");
/// assert_eq!("gzip".parse::<ParquetCompression>()?, ParquetCompression::Gzip(6));
/// assert!("gzip:10".parse::<ParquetCompression>().is_err());
/// # Ok::<(), flatbox_arrow::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ParquetCompression {
    /// None: encodings (dictionary, RLE, bit packing) only.
    None,
    /// Snappy, the usual default of Parquet writers.
    #[default]
    Snappy,
    /// Gzip (deflate) at the given level (0 to 9).
    Gzip(u32),
    /// Brotli at the given level (0 to 11).
    Brotli(u32),
    /// LZ4 (the `LZ4_RAW` codec).
    Lz4Raw,
    /// Zstandard at the given level (1 to 22).
    Zstd(i32),
}

impl ParquetCompression {
    fn codec(self) -> Result<Compression> {
        let level_error = |e| Error::parquet(format!("{self}: level out of range"), e);
        Ok(match self {
            ParquetCompression::None => Compression::UNCOMPRESSED,
            ParquetCompression::Snappy => Compression::SNAPPY,
            ParquetCompression::Gzip(level) => Compression::GZIP(GzipLevel::try_new(level).map_err(level_error)?),
            ParquetCompression::Brotli(level) => Compression::BROTLI(BrotliLevel::try_new(level).map_err(level_error)?),
            ParquetCompression::Lz4Raw => Compression::LZ4_RAW,
            ParquetCompression::Zstd(level) => Compression::ZSTD(ZstdLevel::try_new(level).map_err(level_error)?),
        })
    }

    pub(crate) fn properties(self) -> Result<WriterProperties> {
        Ok(WriterProperties::builder().set_compression(self.codec()?).build())
    }
}

impl fmt::Display for ParquetCompression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParquetCompression::None => f.write_str("none"),
            ParquetCompression::Snappy => f.write_str("snappy"),
            ParquetCompression::Gzip(level) => write!(f, "gzip:{level}"),
            ParquetCompression::Brotli(level) => write!(f, "brotli:{level}"),
            ParquetCompression::Lz4Raw => f.write_str("lz4"),
            ParquetCompression::Zstd(level) => write!(f, "zstd:{level}"),
        }
    }
}

impl FromStr for ParquetCompression {
    type Err = Error;

    /// # Errors
    ///
    /// [`Error::Compression`] for an unknown codec, a level that is not a
    /// number, a level out of the codec's range, or a level given to a
    /// codec that has none.
    fn from_str(s: &str) -> Result<Self> {
        let (name, level) = match s.split_once(':') {
            Some((name, level)) => (name, Some(level)),
            None => (s, None),
        };
        let bad = |reason: String| Error::Compression { given: s.to_owned(), reason };
        let number = |default: i64| -> Result<i64> {
            level.map_or(Ok(default), |l| {
                l.trim().parse::<i64>().map_err(|_| bad(format!("level {l:?} is not a number")))
            })
        };
        let compression = match name.trim().to_ascii_lowercase().as_str() {
            "none" | "uncompressed" => ParquetCompression::None,
            "snappy" => ParquetCompression::Snappy,
            "gzip" => ParquetCompression::Gzip(u32::try_from(number(6)?).map_err(|_| bad("negative level".into()))?),
            "brotli" => {
                ParquetCompression::Brotli(u32::try_from(number(1)?).map_err(|_| bad("negative level".into()))?)
            }
            "lz4" | "lz4_raw" | "lz4-raw" => ParquetCompression::Lz4Raw,
            "zstd" => {
                ParquetCompression::Zstd(i32::try_from(number(3)?).map_err(|_| bad("level out of range".into()))?)
            }
            other => {
                return Err(bad(format!(
                    "unknown codec {other:?}, expected none, snappy, gzip[:0-9], brotli[:0-11], lz4 or zstd[:1-22]"
                )));
            }
        };
        if level.is_some()
            && matches!(compression, ParquetCompression::None | ParquetCompression::Snappy | ParquetCompression::Lz4Raw)
        {
            return Err(bad(format!("{compression} has no levels")));
        }
        compression.codec().map_err(|_| {
            bad(match compression {
                ParquetCompression::Gzip(_) => "gzip levels are 0 to 9".into(),
                ParquetCompression::Brotli(_) => "brotli levels are 0 to 11".into(),
                _ => "zstd level out of range (at most 22)".into(),
            })
        })?;
        Ok(compression)
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

/// The library [`contain`] names.
const PARQUET: &str = "parquet";

/// A Parquet file read one record batch at a time, every call into the
/// parquet crate guarded (see the crate documentation on untrusted input
/// and contained upstream panics). The iterator ends after the first error.
///
/// # Examples
///
/// ```
/// use flatbox_arrow::{ParquetCompression, ParquetReader};
///
/// #[derive(serde::Serialize)]
/// struct Row { id: u64 }
///
/// let batch = flatbox_arrow::to_batch(&(0..10).map(|id| Row { id }).collect::<Vec<_>>())?;
/// let bytes = flatbox_arrow::write_parquet(Vec::new(), &batch.schema(), &[batch], ParquetCompression::None)?;
/// let reader = ParquetReader::from_bytes(bytes.into(), 4)?;
/// assert_eq!(reader.metadata().file_metadata().num_rows(), 10);
/// let lengths: Vec<usize> = reader.map(|b| b.map(|b| b.num_rows())).collect::<Result<_, _>>()?;
/// assert_eq!(lengths, [4, 4, 2]);
/// # Ok::<(), flatbox_arrow::Error>(())
/// ```
pub struct ParquetReader {
    input: String,
    schema: SchemaRef,
    metadata: Arc<ParquetMetaData>,
    batches: Option<ParquetRecordBatchReader>,
    index: usize,
}

impl fmt::Debug for ParquetReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParquetReader")
            .field("input", &self.input)
            .field("schema", &self.schema)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl ParquetReader {
    /// Reads the footer of the Parquet file in `bytes`, to read batches of
    /// up to `batch_rows` rows.
    ///
    /// # Errors
    ///
    /// [`Error::Parquet`] when it is not Parquet or its footer is damaged;
    /// [`Error::MalformedParquet`] when the footer's Thrift structure is
    /// damaged (a container longer than the bytes left, say) or a column
    /// chunk's byte range lies outside the file; [`Error::Panicked`] when the parquet crate panics on it.
    pub fn from_bytes(bytes: bytes::Bytes, batch_rows: usize) -> Result<Self> {
        Self::start("<memory>".to_owned(), bytes, batch_rows)
    }

    /// [`from_bytes`](ParquetReader::from_bytes) on the file at `path`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be opened; otherwise as for
    /// [`from_bytes`](ParquetReader::from_bytes).
    pub fn open(path: impl AsRef<Path>, batch_rows: usize) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        Self::start(path.display().to_string(), file, batch_rows)
    }

    fn start<R: ChunkReader + 'static>(input: String, data: R, batch_rows: usize) -> Result<Self> {
        let file_len = data.len();
        let footer = || format!("{input}: footer");
        check_footer(&input, &data, file_len)?;
        let builder = contain(footer, PARQUET, || ParquetRecordBatchReaderBuilder::try_new(data))?
            .map_err(|e| Error::parquet(footer(), e))?;
        check_chunks(&input, builder.metadata(), file_len)?;
        let schema = builder.schema().clone();
        let metadata = builder.metadata().clone();
        let context = || format!("{input}: reader");
        let batches = contain(context, PARQUET, || builder.with_batch_size(batch_rows.max(1)).build())?
            .map_err(|e| Error::parquet(context(), e))?;
        Ok(ParquetReader { input, schema, metadata, batches: Some(batches), index: 0 })
    }

    /// The file's schema, as Arrow sees it.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// The file's metadata: row groups, column chunks, statistics.
    pub fn metadata(&self) -> &Arc<ParquetMetaData> {
        &self.metadata
    }
}

impl Iterator for ParquetReader {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        let batches = self.batches.as_mut()?;
        let (input, index) = (&self.input, self.index);
        let context = || format!("{input}: batch {index}");
        let item = match contain(context, PARQUET, || batches.next()) {
            Ok(None) => None,
            Ok(Some(Ok(batch))) => Some(Ok(batch)),
            Ok(Some(Err(e))) => Some(Err(Error::arrow(context(), e))),
            Err(e) => Some(Err(e)),
        };
        self.index += 1;
        if !matches!(item, Some(Ok(_))) {
            // After an error or a contained panic the reader's state is
            // not to be trusted: end here.
            self.batches = None;
        }
        item
    }
}

/// The footer's Thrift bytes are structurally sound ([`crate::thrift`]),
/// so the parquet crate's skipping of unknown fields is bounded. Files too
/// short for a footer, or without the plain `PAR1` footer, are left to the
/// parquet crate's own errors.
fn check_footer<R: ChunkReader>(input: &str, data: &R, file_len: u64) -> Result<()> {
    let Some(tail_start) = file_len.checked_sub(8) else { return Ok(()) };
    let read =
        |start: u64, len: usize| data.get_bytes(start, len).map_err(|e| Error::parquet(format!("{input}: footer"), e));
    let tail = read(tail_start, 8)?;
    if tail.len() != 8 || &tail[4..] != b"PAR1" {
        return Ok(());
    }
    let len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    let Some(start) = tail_start.checked_sub(len) else { return Ok(()) };
    let footer = read(start, usize::try_from(len).unwrap_or(usize::MAX))?;
    crate::thrift::check_footer(input, &footer, start)
}

/// Every column chunk's byte range is non-negative and inside the file
/// (parquet's `byte_range` asserts the first, and reads past the end
/// otherwise).
fn check_chunks(input: &str, metadata: &ParquetMetaData, file_len: u64) -> Result<()> {
    for (g, group) in metadata.row_groups().iter().enumerate() {
        for (c, column) in group.columns().iter().enumerate() {
            let start = column.dictionary_page_offset().unwrap_or_else(|| column.data_page_offset());
            let len = column.compressed_size();
            let inside = u64::try_from(start)
                .ok()
                .zip(u64::try_from(len).ok())
                .and_then(|(start, len)| start.checked_add(len))
                .is_some_and(|end| end <= file_len);
            if !inside {
                return Err(Error::MalformedParquet {
                    input: input.to_owned(),
                    offset: u64::try_from(start).unwrap_or(0),
                    expected: format!(
                        "row group {g}, column {c}: a column chunk inside the {file_len}-byte file, got {len} bytes at {start}"
                    ),
                });
            }
        }
    }
    Ok(())
}

fn read<R: ChunkReader + 'static>(input: &str, data: R) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let reader = ParquetReader::start(input.to_owned(), data, DEFAULT_BATCH_ROWS)?;
    let schema = reader.schema();
    Ok((schema, reader.collect::<Result<_>>()?))
}

/// The parquet crate's default batch size.
const DEFAULT_BATCH_ROWS: usize = 1024;

/// Reads a whole Parquet file held in memory: its Arrow schema and batches.
///
/// # Errors
///
/// [`Error::Parquet`] when the file is not Parquet or is damaged;
/// [`Error::MalformedParquet`] when a column chunk lies outside the file;
/// [`Error::Arrow`] when a batch cannot be decoded; [`Error::Panicked`]
/// when the parquet crate panics on it.
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
