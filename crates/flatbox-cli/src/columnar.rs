//! Arrow IPC and Parquet for the command line: rows (JSON objects) read
//! batch by batch, written batch by batch, and the files' layout shown by
//! `inspect`.
//!
//! - **Reading** yields one batch's rows at a time: an IPC file is mapped
//!   ([`flatbox_arrow::IpcFile`]) and decoded one batch at a time, an IPC
//!   stream is read message by message ([`flatbox_arrow::IpcStreamReader`]),
//!   a Parquet file is read with the parquet crate's record batch reader
//!   (one row group's column chunks at a time, [`BATCH_ROWS`] rows per
//!   batch). Standard input and compressed inputs are read into memory
//!   first (an IPC file or Parquet footer is at the end).
//! - **Writing** ([`ColumnarSink`]) writes an Arrow IPC file, or a stream
//!   when the output is named `.arrows`, or a Parquet file. It buffers [`BATCH_ROWS`] rows, infers the
//!   schema from the first batch ([`flatbox_arrow::fields_from_samples`]),
//!   writes each batch as it fills (one IPC record batch or one Parquet row
//!   group) and the footer at the end. Later rows must fit that schema.
//! - **Compression** is the formats' own: IPC body compression
//!   (`LZ4_FRAME`, `ZSTD`), Parquet column-chunk compression (`LZ4_RAW`,
//!   `ZSTD(level)`); an outer `.zst` / `.lz4` / `.gz` frame is refused.

use std::fmt::Write as _;
use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, anyhow};
use arrow_array::cast::AsArray as _;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_ipc::CompressionType;
use arrow_ipc::writer::{FileWriter, IpcWriteOptions, StreamWriter};
use arrow_schema::{DataType, FieldRef, Schema, SchemaRef};
use flatbox::codec::Codec;
use flatbox_arrow::{IpcFile, IpcStreamReader, ParquetReader};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::properties::WriterProperties;
use parquet::file::statistics::Statistics;
use serde_json::Value;

use crate::error::{usage, usage_error};
use crate::formats::{FormatKind, Output, Records, Sink};
use crate::profile::bytes as human;

/// Rows per written batch (an IPC record batch, a Parquet row group) and
/// per batch read from Parquet.
pub(crate) const BATCH_ROWS: usize = 64 * 1024;

/// The IPC stream continuation marker: an IPC stream starts with it.
pub(crate) const IPC_CONTINUATION: [u8; 4] = [0xff; 4];

/// The compression inside an Arrow IPC or Parquet file, from `--codec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inner {
    None,
    Lz4,
    Zstd(i32),
}

/// Maps `--codec` (and a compression suffix on the output's name) to the
/// format's own compression.
///
/// # Errors
///
/// Usage errors for a compression suffix, and for gzip (neither format
/// offers it here).
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
    match codec.parse::<Codec>().map_err(|e| usage_error(format!("--codec: {e}")))? {
        Codec::None => Ok(Inner::None),
        Codec::Lz4 => Ok(Inner::Lz4),
        Codec::Zstd { level } => Ok(Inner::Zstd(level)),
        other @ Codec::Gzip { .. } => usage!("--codec {other}: {} compresses with lz4 or zstd only", format.name()),
    }
}

/// Rows of `name` read as an Arrow IPC file or stream: batch by batch.
///
/// # Errors
///
/// Data errors naming the file when it is not Arrow IPC or is damaged.
pub(crate) fn ipc_records(
    name: String,
    path: Option<PathBuf>,
    mut reader: Box<dyn BufRead + Send>,
) -> anyhow::Result<Records> {
    let head = reader.fill_buf().with_context(|| format!("{name}: reading"))?;
    if head.starts_with(&IPC_CONTINUATION) {
        let stream = IpcStreamReader::new(reader)
            .with_context(|| format!("{name}: expected an Arrow IPC stream (a schema message first)"))?;
        let context = name.clone();
        let batches = stream
            .enumerate()
            .map(move |(i, batch)| batch.with_context(|| format!("{context}: arrow ipc stream batch {i}")));
        return Ok(Records::stream(Box::new(BatchRows::new(name, batches))));
    }
    let file = if let Some(path) = path {
        IpcFile::open(&path)
    } else {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).with_context(|| format!("{name}: reading"))?;
        IpcFile::from_bytes(bytes.into())
    }
    .with_context(|| format!("{name}: expected an Arrow IPC file (ARROW1 magic, batches, footer)"))?;
    let context = name.clone();
    let batches = (0..file.num_batches())
        .map(move |i| file.batch(i).with_context(|| format!("{context}: arrow ipc file batch {i}")));
    Ok(Records::stream(Box::new(BatchRows::new(name, batches))))
}

/// Rows of `name` read as a Parquet file: record batch by record batch.
///
/// # Errors
///
/// Data errors naming the file when it is not Parquet or is damaged.
pub(crate) fn parquet_records(
    name: String,
    path: Option<PathBuf>,
    mut reader: Box<dyn BufRead + Send>,
) -> anyhow::Result<Records> {
    let expected = || format!("{name}: expected a Parquet file (PAR1 magic at both ends, footer)");
    let batches = if let Some(path) = path {
        ParquetReader::open(&path, BATCH_ROWS).with_context(expected)?
    } else {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).with_context(|| format!("{name}: reading"))?;
        ParquetReader::from_bytes(bytes.into(), BATCH_ROWS).with_context(expected)?
    };
    let context = name.clone();
    let batches = batches
        .enumerate()
        .map(move |(i, batch)| batch.with_context(|| format!("{context}: parquet record batch {i}")));
    Ok(Records::stream(Box::new(BatchRows::new(name, batches))))
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
            match flatbox_arrow::from_batch::<Value>(&batch) {
                Ok(rows) => self.current = rows.into_iter(),
                Err(e) => {
                    self.done = true;
                    return Some(Err(anyhow!(e).context(format!(
                        "{}: batch {} (rows from {}): expected columns with a JSON form",
                        self.name, self.index, self.first_row
                    ))));
                }
            }
            self.index += 1;
            self.first_row += batch.num_rows() as u64;
        }
    }
}

enum Writer {
    Ipc(FileWriter<Output>),
    IpcStream(StreamWriter<Output>),
    Parquet(Box<ArrowWriter<Output>>),
}

/// Writes rows as an Arrow IPC file or a Parquet file, [`BATCH_ROWS`] at a
/// time (see the module documentation).
pub(crate) struct ColumnarSink {
    name: String,
    format: FormatKind,
    compression: Inner,
    /// Arrow IPC only: write a stream (`.arrows`) rather than a file.
    ipc_stream: bool,
    /// Whether the records are a stream (else one document: an array of
    /// rows, or one row).
    stream: bool,
    output: Option<Output>,
    writer: Option<Writer>,
    fields: Vec<FieldRef>,
    pending: Vec<Value>,
    /// Rows written before `pending`.
    written: u64,
    records: u64,
}

impl ColumnarSink {
    pub(crate) fn new(output: Output, name: String, format: FormatKind, compression: Inner, stream: bool) -> Self {
        let ipc_stream = format == FormatKind::Arrow
            && std::path::Path::new(&name).extension().is_some_and(|e| e.eq_ignore_ascii_case("arrows"));
        ColumnarSink {
            name,
            format,
            compression,
            ipc_stream,
            stream,
            output: Some(output),
            writer: None,
            fields: Vec::new(),
            pending: Vec::new(),
            written: 0,
            records: 0,
        }
    }

    fn push(&mut self, row: &Value) -> anyhow::Result<()> {
        if !row.is_object() {
            anyhow::bail!(
                "{}: row {}: expected a JSON object (one row of named columns), got {}",
                self.name,
                self.written + self.pending.len() as u64 + 1,
                crate::inspect::json_type(row)
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
        let name = &self.name;
        self.writer = Some(if self.format == FormatKind::Parquet {
            let codec = match self.compression {
                Inner::None => Compression::UNCOMPRESSED,
                Inner::Lz4 => Compression::LZ4_RAW,
                Inner::Zstd(level) => Compression::ZSTD(
                    ZstdLevel::try_new(level).map_err(|e| usage_error(format!("--codec zstd:{level}: {e}")))?,
                ),
            };
            let properties = WriterProperties::builder().set_compression(codec).build();
            let writer = ArrowWriter::try_new(output, schema.clone(), Some(properties))
                .with_context(|| format!("{name}: starting the parquet file"))?;
            Writer::Parquet(Box::new(writer))
        } else {
            let codec = match self.compression {
                Inner::None => None,
                Inner::Lz4 => Some(CompressionType::LZ4_FRAME),
                Inner::Zstd(_) => Some(CompressionType::ZSTD),
            };
            let options = IpcWriteOptions::default()
                .try_with_compression(codec)
                .with_context(|| format!("{name}: ipc write options"))?;
            if self.ipc_stream {
                let writer = StreamWriter::try_new_with_options(output, schema, options)
                    .with_context(|| format!("{name}: starting the arrow ipc stream"))?;
                Writer::IpcStream(writer)
            } else {
                let writer = FileWriter::try_new_with_options(output, schema, options)
                    .with_context(|| format!("{name}: starting the arrow ipc file"))?;
                Writer::Ipc(writer)
            }
        });
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let (first, last) = (self.written + 1, self.written + self.pending.len() as u64);
        if self.writer.is_none() {
            let mut fields = flatbox_arrow::fields_from_samples(&self.pending).with_context(|| {
                format!("{}: rows {first} to {last}: expected rows whose columns keep one type", self.name)
            })?;
            // Columns in the order of the first row's keys (the inference
            // sorts them by name); keys only later rows have go last.
            if let Some(Value::Object(first_row)) = self.pending.first() {
                fields.sort_by_key(|f| first_row.keys().position(|k| k == f.name()).unwrap_or(usize::MAX));
            }
            self.fields = fields;
            let schema = Arc::new(Schema::new(self.fields.clone()));
            self.start(&schema)?;
        }
        let batch = flatbox_arrow::to_batch_with_fields(&self.fields, &self.pending).with_context(|| {
            format!(
                "{}: rows {first} to {last}: expected rows that fit the schema inferred from the first {} rows ({})",
                self.name,
                BATCH_ROWS,
                describe_fields(&self.fields)
            )
        })?;
        let name = &self.name;
        match &mut self.writer {
            Some(Writer::Ipc(w)) => {
                w.write(&batch).with_context(|| format!("{name}: writing rows {first} to {last}"))?;
            }
            Some(Writer::IpcStream(w)) => {
                w.write(&batch).with_context(|| format!("{name}: writing rows {first} to {last}"))?;
            }
            Some(Writer::Parquet(w)) => {
                w.write(&batch).with_context(|| format!("{name}: writing rows {first} to {last}"))?;
                // One row group per batch: memory stays at one batch.
                w.flush().with_context(|| format!("{name}: writing rows {first} to {last}"))?;
            }
            None => {}
        }
        self.written = last;
        self.pending.clear();
        Ok(())
    }
}

fn describe_fields(fields: &[FieldRef]) -> String {
    fields.iter().map(|f| format!("{}: {}", f.name(), f.data_type())).collect::<Vec<_>>().join(", ")
}

impl Sink for ColumnarSink {
    fn write(&mut self, record: &Value) -> anyhow::Result<()> {
        self.records += 1;
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
        let output = match self.writer.take() {
            Some(Writer::Ipc(mut w)) => {
                w.finish().with_context(|| format!("{name}: writing the footer"))?;
                w.into_inner().with_context(|| format!("{name}: writing the footer"))?
            }
            Some(Writer::IpcStream(mut w)) => {
                w.finish().with_context(|| format!("{name}: writing the end of the stream"))?;
                w.into_inner().with_context(|| format!("{name}: writing the end of the stream"))?
            }
            Some(Writer::Parquet(w)) => w.into_inner().with_context(|| format!("{name}: writing the footer"))?,
            None => anyhow::bail!("{name}: no writer"),
        };
        output.finish()
    }
}

/// `inspect` of an Arrow IPC file or stream held in `data`.
///
/// # Errors
///
/// Data errors naming the file and what was expected.
pub(crate) fn inspect_ipc(name: &str, data: Vec<u8>, max_lines: usize) -> anyhow::Result<String> {
    let mut out = String::new();
    let stream = data.starts_with(&IPC_CONTINUATION);
    let compression = body_compression(&data, stream);
    // One batch in memory at a time: its statistics, then the next.
    let (schema, batches): (SchemaRef, Box<dyn Iterator<Item = anyhow::Result<RecordBatch>>>) = if stream {
        let reader = IpcStreamReader::new(std::io::Cursor::new(data))
            .with_context(|| format!("{name}: expected an Arrow IPC stream (a schema message first)"))?;
        let schema = reader.schema();
        let batches =
            reader.enumerate().map(move |(i, b)| b.with_context(|| format!("{name}: arrow ipc stream batch {i}")));
        (schema, Box::new(batches))
    } else {
        let file = IpcFile::from_bytes(data.into())
            .with_context(|| format!("{name}: expected an Arrow IPC file (ARROW1 magic, batches, footer)"))?;
        let schema = file.schema();
        let batches = (0..file.num_batches())
            .map(move |i| file.batch(i).with_context(|| format!("{name}: arrow ipc file batch {i}")));
        (schema, Box::new(batches))
    };
    let (mut count, mut rows) = (0_usize, 0_usize);
    let mut lines = Vec::new();
    for (i, batch) in batches.enumerate() {
        let batch = batch?;
        count += 1;
        rows += batch.num_rows();
        lines.push(format!("batch {i}: {} rows", batch.num_rows()));
        for (field, column) in schema.fields().iter().zip(batch.columns()) {
            let mut line = format!("  {}: nulls {}", field.name(), column.null_count());
            if let Some((min, max)) = min_max(column.as_ref()) {
                let _ = write!(line, ", min {min}, max {max}");
            }
            lines.push(line);
        }
    }
    let _ = writeln!(
        out,
        "Arrow IPC {}: {count} batch{}, {rows} row{}; body compression: {}",
        if stream { "stream" } else { "file" },
        if count == 1 { "" } else { "es" },
        if rows == 1 { "" } else { "s" },
        compression.as_deref().unwrap_or("none")
    );
    write_schema(&mut out, &schema);
    out.push_str(&crate::inspect::limit_lines(&lines.join("\n"), max_lines));
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

/// The smallest and largest non-null values of a numeric, string or
/// boolean column, as text.
fn min_max(array: &dyn Array) -> Option<(String, String)> {
    fn ord<T: PartialOrd + Copy + std::fmt::Display>(
        values: impl Iterator<Item = Option<T>>,
    ) -> Option<(String, String)> {
        let mut range: Option<(T, T)> = None;
        for v in values.flatten() {
            range = Some(match range {
                None => (v, v),
                Some((lo, hi)) => (if v < lo { v } else { lo }, if v > hi { v } else { hi }),
            });
        }
        range.map(|(lo, hi)| (lo.to_string(), hi.to_string()))
    }
    match array.data_type() {
        DataType::Int8 => ord(array.as_primitive_opt::<Int8Type>()?.iter()),
        DataType::Int16 => ord(array.as_primitive_opt::<Int16Type>()?.iter()),
        DataType::Int32 => ord(array.as_primitive_opt::<Int32Type>()?.iter()),
        DataType::Int64 => ord(array.as_primitive_opt::<Int64Type>()?.iter()),
        DataType::UInt8 => ord(array.as_primitive_opt::<UInt8Type>()?.iter()),
        DataType::UInt16 => ord(array.as_primitive_opt::<UInt16Type>()?.iter()),
        DataType::UInt32 => ord(array.as_primitive_opt::<UInt32Type>()?.iter()),
        DataType::UInt64 => ord(array.as_primitive_opt::<UInt64Type>()?.iter()),
        DataType::Float32 => ord(array.as_primitive_opt::<Float32Type>()?.iter().map(|v| v.filter(|x| !x.is_nan()))),
        DataType::Float64 => ord(array.as_primitive_opt::<Float64Type>()?.iter().map(|v| v.filter(|x| !x.is_nan()))),
        DataType::Boolean => ord(array.as_boolean_opt()?.iter()),
        DataType::Utf8 => ord(array.as_string_opt::<i32>()?.iter()).map(|(a, b)| (quote(&a), quote(&b))),
        DataType::LargeUtf8 => ord(array.as_string_opt::<i64>()?.iter()).map(|(a, b)| (quote(&a), quote(&b))),
        _ => None,
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

/// The body compression of the first record batch, read from the IPC
/// framing (the footer's first block for a file, the messages in order for
/// a stream). `None` when there is no batch or the framing does not parse
/// (the readers report that).
fn body_compression(data: &[u8], stream: bool) -> Option<String> {
    let u32_at = |at: usize| -> Option<usize> {
        let b = data.get(at..at.checked_add(4)?)?;
        usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
    };
    // A message at `at`: its flatbuffer metadata and where the next starts.
    let message_at = |at: usize| -> Option<(arrow_ipc::Message<'_>, usize)> {
        let (len_at, meta_at) = if data.get(at..at.checked_add(4)?)? == IPC_CONTINUATION {
            (at.checked_add(4)?, at.checked_add(8)?)
        } else {
            (at, at.checked_add(4)?)
        };
        let len = u32_at(len_at)?;
        let meta = data.get(meta_at..meta_at.checked_add(len)?)?;
        let message = arrow_ipc::root_as_message(meta).ok()?;
        let body = usize::try_from(message.bodyLength()).ok()?;
        Some((message, meta_at.checked_add(len)?.checked_add(body)?))
    };
    let codec = |message: arrow_ipc::Message<'_>| -> Option<String> {
        let batch = message.header_as_record_batch()?;
        Some(batch.compression().and_then(|c| c.codec().variant_name()).unwrap_or("none").to_owned())
    };
    if stream {
        let mut at = 0;
        for _ in 0..1024 {
            let (message, next) = message_at(at)?;
            if message.header_as_record_batch().is_some() {
                return codec(message);
            }
            at = next;
        }
        return None;
    }
    let end = data.len().checked_sub(10)?;
    let footer_len = u32_at(end)?;
    let footer = data.get(end.checked_sub(footer_len)?..end)?;
    let block = arrow_ipc::root_as_footer(footer).ok()?.recordBatches()?.iter().next()?;
    let (message, _) = message_at(usize::try_from(block.offset()).ok()?)?;
    codec(message)
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
    out.push_str(&crate::inspect::limit_lines(&lines.join("\n"), max_lines));
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
