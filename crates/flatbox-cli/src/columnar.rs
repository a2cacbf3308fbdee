//! Arrow IPC and Parquet for the command line: batches read from a file or
//! a stream, written through [`flatbox_arrow::BatchWriter`], rows for the
//! formats that are not columnar, and the layout `inspect` shows.
//!
//! - **Reading** ([`ipc_batches`], [`parquet_batches`]) yields one batch at
//!   a time: an IPC file is mapped ([`flatbox_arrow::IpcFile`]) and decoded
//!   one batch at a time, an IPC stream is read message by message, a
//!   Parquet file is read with the parquet crate's record batch reader.
//!   Standard input and compressed inputs are read into memory first (an
//!   IPC file or Parquet footer is at the end).
//! - **Writing rows** ([`ColumnarSink`]): records of a row format (JSON,
//!   MessagePack, wire, CSV, protobuf) become batches of [`BATCH_ROWS`]
//!   rows through the record model: the schema is inferred from the first
//!   batch ([`flatbox_arrow::records::infer_schema`]) and every batch built
//!   with [`flatbox_arrow::records::from_records`], which casts nothing;
//!   a later row that does not fit is an error naming its row and column.
//!   Batches from a columnar input or NDJSON do not pass through here: they
//!   go straight to the writer (see `cmd::convert`).
//! - **Compression** is the formats' own: IPC body compression
//!   (`LZ4_FRAME`, `ZSTD`), Parquet column-chunk compression (every codec
//!   arrow-rs writes: `SNAPPY`, `GZIP(level)`, `BROTLI(level)`, `LZ4_RAW`,
//!   `ZSTD(level)`); an outer `.zst` / `.lz4` / `.gz` frame is refused.

use std::fmt::Write as _;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, anyhow};
use arrow_array::RecordBatch;
use arrow_schema::{FieldRef, Schema, SchemaRef};
use flatbox::codec::Codec;
use flatbox::formats::{FormatKind, IPC_CONTINUATION};
use flatbox::wire::Value;
use flatbox_arrow::records::{from_records, infer_schema, to_records};
use flatbox_arrow::{
    BatchFormat, BatchWriter, IpcCompression, IpcFile, IpcStreamReader, ParquetCompression, ParquetReader,
};
use parquet::basic::Compression;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::statistics::Statistics;

use crate::error::{usage, usage_error};
use crate::formats::{Output, Records, Sink};
use crate::text::bytes as human;

/// Rows per batch written from rows, and per batch read from Parquet.
pub(crate) const BATCH_ROWS: usize = 64 * 1024;

/// The compression inside an Arrow IPC or Parquet file, from `--codec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inner {
    None,
    /// Parquet: every codec arrow-rs writes (snappy, gzip, brotli, `LZ4_RAW`,
    /// zstd), with its level.
    Parquet(ParquetCompression),
    /// IPC: `LZ4_FRAME` body compression.
    Lz4,
    /// IPC: `ZSTD` body compression.
    Zstd,
}

/// Maps `--codec` (and a compression suffix on the output's name) to the
/// format's own compression.
///
/// # Errors
///
/// Usage errors for a compression suffix, and for a codec the format does
/// not offer here.
pub(crate) fn inner_compression(
    format: FormatKind,
    output: &str,
    codec: Option<&str>,
    suffix: Option<Codec>,
) -> anyhow::Result<Inner> {
    if let Some(suffix) = suffix {
        usage!(
            "{output}: {} compresses inside the file, not in an outer {suffix} frame: drop the suffix and pass --codec zstd or --codec lz4",
            format.name()
        );
    }
    let Some(codec) = codec else { return Ok(Inner::None) };
    if format == FormatKind::Parquet {
        let compression: ParquetCompression = codec.parse().map_err(|e| usage_error(format!("--codec: {e}")))?;
        return Ok(Inner::Parquet(compression));
    }
    match codec.parse::<Codec>().map_err(|e| {
        usage_error(format!("--codec {codec}: {} compresses with lz4 or zstd only ({e})", format.name()))
    })? {
        Codec::None => Ok(Inner::None),
        Codec::Lz4 => Ok(Inner::Lz4),
        Codec::Zstd { .. } => Ok(Inner::Zstd),
        other @ Codec::Gzip { .. } => usage!("--codec {other}: {} compresses with lz4 or zstd only", format.name()),
    }
}

/// The batch writer for `format` (Arrow: a stream when `output` ends in
/// `.arrows`) with `compression`.
pub(crate) fn batch_format(format: FormatKind, output: &str, compression: Inner) -> BatchFormat {
    if format == FormatKind::Parquet {
        return BatchFormat::parquet(match compression {
            Inner::Parquet(c) => c,
            Inner::None => ParquetCompression::None,
            Inner::Lz4 => ParquetCompression::Lz4Raw,
            Inner::Zstd => ParquetCompression::Zstd(3),
        });
    }
    let ipc = match compression {
        Inner::None | Inner::Parquet(_) => IpcCompression::None,
        Inner::Lz4 => IpcCompression::Lz4Frame,
        Inner::Zstd => IpcCompression::Zstd,
    };
    if Path::new(output).extension().is_some_and(|e| e.eq_ignore_ascii_case("arrows")) {
        BatchFormat::IpcStream(ipc)
    } else {
        BatchFormat::IpcFile(ipc)
    }
}

/// Batches read one at a time, and what the input says about itself.
pub(crate) struct BatchSource {
    pub(crate) schema: SchemaRef,
    pub(crate) batches: Box<dyn Iterator<Item = anyhow::Result<RecordBatch>> + Send>,
    /// The rows the input declares (a Parquet footer's row count).
    pub(crate) declared_rows: Option<u64>,
}

/// An Arrow IPC file or stream, batch by batch.
///
/// # Errors
///
/// Data errors naming the file when it is not Arrow IPC or is damaged.
pub(crate) fn ipc_batches(
    name: &str,
    path: Option<PathBuf>,
    mut reader: Box<dyn BufRead + Send>,
) -> anyhow::Result<BatchSource> {
    let head = reader.fill_buf().with_context(|| format!("{name}: reading"))?;
    let context = name.to_owned();
    if head.starts_with(&IPC_CONTINUATION) {
        let stream = IpcStreamReader::new(reader)
            .with_context(|| format!("{name}: expected an Arrow IPC stream (a schema message first)"))?;
        let schema = stream.schema();
        let batches = stream
            .enumerate()
            .map(move |(i, batch)| batch.with_context(|| format!("{context}: arrow ipc stream batch {i}")));
        return Ok(BatchSource { schema, batches: Box::new(batches), declared_rows: None });
    }
    let file = if let Some(path) = path {
        IpcFile::open(&path)
    } else {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).with_context(|| format!("{name}: reading"))?;
        IpcFile::from_bytes(bytes.into())
    }
    .with_context(|| format!("{name}: expected an Arrow IPC file (ARROW1 magic, batches, footer)"))?;
    let schema = file.schema();
    let batches = (0..file.num_batches())
        .map(move |i| file.batch(i).with_context(|| format!("{context}: arrow ipc file batch {i}")));
    Ok(BatchSource { schema, batches: Box::new(batches), declared_rows: None })
}

/// A Parquet file, record batch by record batch.
///
/// # Errors
///
/// Data errors naming the file when it is not Parquet or is damaged.
pub(crate) fn parquet_batches(
    name: &str,
    path: Option<PathBuf>,
    mut reader: Box<dyn BufRead + Send>,
) -> anyhow::Result<BatchSource> {
    let expected = || format!("{name}: expected a Parquet file (PAR1 magic at both ends, footer)");
    let batches = if let Some(path) = path {
        ParquetReader::open(&path, BATCH_ROWS).with_context(expected)?
    } else {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).with_context(|| format!("{name}: reading"))?;
        ParquetReader::from_bytes(bytes.into(), BATCH_ROWS).with_context(expected)?
    };
    let schema = batches.schema();
    let declared = batches.metadata().file_metadata().num_rows();
    let context = name.to_owned();
    let batches = batches
        .enumerate()
        .map(move |(i, batch)| batch.with_context(|| format!("{context}: parquet record batch {i}")));
    Ok(BatchSource { schema, batches: Box::new(batches), declared_rows: u64::try_from(declared).ok() })
}

/// The rows of an Arrow IPC file or stream, as records.
///
/// # Errors
///
/// As for [`ipc_batches`].
pub(crate) fn ipc_records(
    name: String,
    path: Option<PathBuf>,
    reader: Box<dyn BufRead + Send>,
) -> anyhow::Result<Records> {
    let source = ipc_batches(&name, path, reader)?;
    Ok(Records::stream(Box::new(BatchRows::new(name, source.batches))))
}

/// The rows of a Parquet file, as records.
///
/// # Errors
///
/// As for [`parquet_batches`].
pub(crate) fn parquet_records(
    name: String,
    path: Option<PathBuf>,
    reader: Box<dyn BufRead + Send>,
) -> anyhow::Result<Records> {
    let source = parquet_batches(&name, path, reader)?;
    Ok(Records::stream(Box::new(BatchRows::new(name, source.batches))))
}

/// The rows of a sequence of batches, one batch in memory at a time.
struct BatchRows<I> {
    name: String,
    batches: I,
    index: usize,
    first_row: u64,
    current: std::vec::IntoIter<Value>,
    done: bool,
}

impl<I> BatchRows<I> {
    fn new(name: String, batches: I) -> Self {
        BatchRows { name, batches, index: 0, first_row: 0, current: Vec::new().into_iter(), done: false }
    }
}

impl<I: Iterator<Item = anyhow::Result<RecordBatch>>> Iterator for BatchRows<I> {
    type Item = anyhow::Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(row) = self.current.next() {
                return Some(Ok(row));
            }
            if self.done {
                return None;
            }
            let batch = match self.batches.next()? {
                Ok(batch) => batch,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            match to_records(&batch) {
                Ok(rows) => self.current = rows.into_iter(),
                Err(e) => {
                    self.done = true;
                    return Some(Err(anyhow!(e).context(format!(
                        "{}: batch {} (rows from {})",
                        self.name,
                        self.index,
                        self.first_row + 1
                    ))));
                }
            }
            self.index += 1;
            self.first_row += batch.num_rows() as u64;
        }
    }
}

/// Writes rows as an Arrow IPC file or stream or a Parquet file,
/// [`BATCH_ROWS`] at a time (see the module documentation).
pub(crate) struct ColumnarSink {
    name: String,
    format: BatchFormat,
    /// Whether the records are a stream (else one document: an array of
    /// rows, or one row).
    stream: bool,
    output: Option<Output>,
    writer: Option<BatchWriter<Output>>,
    schema: Option<SchemaRef>,
    pending: Vec<Value>,
    /// Rows written before `pending`.
    written: u64,
}

impl ColumnarSink {
    pub(crate) fn new(output: Output, name: String, format: FormatKind, compression: Inner, stream: bool) -> Self {
        let format = batch_format(format, &name, compression);
        ColumnarSink {
            name,
            format,
            stream,
            output: Some(output),
            writer: None,
            schema: None,
            pending: Vec::new(),
            written: 0,
        }
    }

    fn push(&mut self, row: &Value) -> anyhow::Result<()> {
        if !matches!(row, Value::Map(_)) {
            anyhow::bail!(
                "{}: row {}: expected a map (one row of named columns), got {}",
                self.name,
                self.written + self.pending.len() as u64 + 1,
                row.type_name()
            );
        }
        self.pending.push(row.clone());
        if self.pending.len() >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn start(&mut self, schema: &SchemaRef) -> anyhow::Result<()> {
        let output = self.output.take().ok_or_else(|| anyhow!("{}: the writer was already started", self.name))?;
        let writer = BatchWriter::new(output, schema, self.format)
            .with_context(|| format!("{}: starting the file", self.name))?;
        self.writer = Some(writer);
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let (first, last) = (self.written + 1, self.written + self.pending.len() as u64);
        let name = self.name.clone();
        let schema = if let Some(schema) = &self.schema {
            schema.clone()
        } else {
            let schema = Arc::new(
                infer_schema(&self.pending)
                    .map_err(|e| row_error(e, self.written))
                    .with_context(|| format!("{name}: inferring the columns from rows {first} to {last}"))?,
            );
            self.schema = Some(schema.clone());
            self.start(&schema)?;
            schema
        };
        let batch =
            from_records(&schema, &self.pending).map_err(|e| row_error(e, self.written)).with_context(|| {
                format!(
                    "{name}: expected rows that fit the schema inferred from the first {BATCH_ROWS} rows ({})",
                    describe_fields(schema.fields())
                )
            })?;
        if let Some(writer) = &mut self.writer {
            writer.write(&batch).with_context(|| format!("{}: writing rows {first} to {last}", self.name))?;
        }
        self.written = last;
        self.pending.clear();
        Ok(())
    }
}

/// A record error with its row counted from 1 over the whole input
/// (`before` rows came before the batch).
fn row_error(e: flatbox_arrow::Error, before: u64) -> anyhow::Error {
    match e {
        flatbox_arrow::Error::Record { column, row, reason } => {
            let row = before + row as u64 + 1;
            if column.is_empty() {
                anyhow!("row {row}: {reason}")
            } else {
                anyhow!("row {row}, column {column}: {reason}")
            }
        }
        e => anyhow!(e),
    }
}

fn describe_fields(fields: &[FieldRef]) -> String {
    fields.iter().map(|f| format!("{}: {}", f.name(), f.data_type())).collect::<Vec<_>>().join(", ")
}

impl Sink for ColumnarSink {
    fn write(&mut self, record: &Value) -> anyhow::Result<()> {
        match record {
            Value::Array(rows) if !self.stream => rows.iter().try_for_each(|row| self.push(row)),
            row => self.push(row),
        }
    }

    fn finish(mut self: Box<Self>) -> anyhow::Result<()> {
        self.flush()?;
        if self.writer.is_none() {
            // No rows: a file with an empty schema and no batches.
            self.start(&Arc::new(Schema::empty()))?;
        }
        let name = self.name.clone();
        let writer = self.writer.take().ok_or_else(|| anyhow!("{name}: no writer"))?;
        let output = writer.finish().with_context(|| format!("{name}: writing the end of the file"))?;
        output.finish()
    }
}

/// `inspect` of an Arrow IPC file or stream held in `data`.
///
/// # Errors
///
/// Data errors naming the file and what was expected.
pub(crate) fn inspect_ipc(name: &str, data: Vec<u8>, max_lines: usize) -> anyhow::Result<String> {
    let summary = flatbox_arrow::inspect::inspect_ipc(data.into())
        .with_context(|| format!("{name}: expected an Arrow IPC file or stream"))?;
    let mut out = String::new();
    let (count, rows) = (summary.batches.len(), summary.rows());
    let _ = writeln!(
        out,
        "Arrow IPC {}: {count} batch{}, {rows} row{}; body compression: {}",
        if summary.stream { "stream" } else { "file" },
        if count == 1 { "" } else { "es" },
        if rows == 1 { "" } else { "s" },
        summary.compression.as_deref().unwrap_or("none")
    );
    write_schema(&mut out, &summary.schema);
    let mut lines = Vec::new();
    for (i, batch) in summary.batches.iter().enumerate() {
        lines.push(format!("batch {i}: {} rows", batch.rows));
        for column in &batch.columns {
            let mut line = format!("  {}: nulls {}", column.name, column.nulls);
            if let (Some(min), Some(max)) = (&column.min, &column.max) {
                let _ = write!(line, ", min {min}, max {max}");
            }
            lines.push(line);
        }
    }
    out.push_str(&crate::text::limit_lines(&lines.join("\n"), max_lines));
    out.push('\n');
    Ok(out)
}

fn write_schema(out: &mut String, schema: &Schema) {
    let _ = writeln!(
        out,
        "schema ({} column{}):",
        schema.fields().len(),
        if schema.fields().len() == 1 { "" } else { "s" }
    );
    for field in schema.fields() {
        let _ = writeln!(
            out,
            "  {}: {}{}",
            field.name(),
            field.data_type(),
            if field.is_nullable() { " (nullable)" } else { "" }
        );
    }
}

/// A string value for display: quoted, cut at 40 characters.
fn quote(s: &str) -> String {
    let mut cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// `inspect` of a Parquet file held in `data`: schema, row groups, column
/// chunks with their compression and statistics.
///
/// # Errors
///
/// Data errors naming the file and what was expected.
pub(crate) fn inspect_parquet(name: &str, data: Vec<u8>, max_lines: usize) -> anyhow::Result<String> {
    let reader = ParquetReader::from_bytes(data.into(), BATCH_ROWS)
        .with_context(|| format!("{name}: expected a Parquet file (PAR1 magic at both ends, footer)"))?;
    let schema = reader.schema();
    let metadata: Arc<ParquetMetaData> = reader.metadata().clone();
    let file = metadata.file_metadata();
    let groups = metadata.row_groups();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Parquet file: {} row group{}, {} rows; version {}{}",
        groups.len(),
        if groups.len() == 1 { "" } else { "s" },
        file.num_rows(),
        file.version(),
        file.created_by().map(|c| format!(", created by {c}")).unwrap_or_default()
    );
    write_schema(&mut out, &schema);
    let mut lines = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        lines.push(format!(
            "row group {i}: {} rows, {} compressed ({} uncompressed)",
            group.num_rows(),
            human(usize::try_from(group.compressed_size()).unwrap_or(0)),
            human(usize::try_from(group.total_byte_size()).unwrap_or(0))
        ));
        for column in group.columns() {
            let mut line = format!(
                "  {}: {} {}",
                column.column_path().string(),
                column.column_type(),
                codec_name(column.compression())
            );
            match column.statistics() {
                Some(stats) => {
                    if let Some(nulls) = stats.null_count_opt() {
                        let _ = write!(line, ", nulls {nulls}");
                    }
                    if let Some((min, max)) = parquet_min_max(stats) {
                        let _ = write!(line, ", min {min}, max {max}");
                    }
                }
                None => line.push_str(", no statistics"),
            }
            lines.push(line);
        }
    }
    out.push_str(&crate::text::limit_lines(&lines.join("\n"), max_lines));
    out.push('\n');
    Ok(out)
}

/// A column chunk's codec without the level, which the file does not
/// record (the reader reports a default).
fn codec_name(compression: Compression) -> String {
    match compression {
        Compression::ZSTD(_) => "ZSTD".to_owned(),
        Compression::GZIP(_) => "GZIP".to_owned(),
        Compression::BROTLI(_) => "BROTLI".to_owned(),
        other => other.to_string(),
    }
}

fn parquet_min_max(stats: &Statistics) -> Option<(String, String)> {
    fn pair<T: std::fmt::Display>(min: Option<&T>, max: Option<&T>) -> Option<(String, String)> {
        Some((min?.to_string(), max?.to_string()))
    }
    match stats {
        Statistics::Boolean(s) => pair(s.min_opt(), s.max_opt()),
        Statistics::Int32(s) => pair(s.min_opt(), s.max_opt()),
        Statistics::Int64(s) => pair(s.min_opt(), s.max_opt()),
        Statistics::Float(s) => pair(s.min_opt(), s.max_opt()),
        Statistics::Double(s) => pair(s.min_opt(), s.max_opt()),
        Statistics::ByteArray(_) | Statistics::FixedLenByteArray(_) => {
            let text = |b: &[u8]| quote(&String::from_utf8_lossy(b));
            Some((text(stats.min_bytes_opt()?), text(stats.max_bytes_opt()?)))
        }
        Statistics::Int96(_) => None,
    }
}
