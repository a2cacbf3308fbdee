//! `flatbox profile`: every applicable format x codec measured on the
//! user's data with the facade's harness ([`flatbox::profile`]), the rows
//! timed in turn (one sample of each per round, so the machine's noise
//! spreads over all of them), a table, and a recommendation from the
//! tutorial's decision tree.
//!
//! Tabular data (records of flat fields, the same keys in each) is also
//! measured as Arrow IPC and Parquet, plain and zstd-compressed inside the
//! file ([`Columnar`]); the decision tree then gets a measured columnar
//! branch (the tutorial's "Arrow/Parquet for analytical workloads").

use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::Context as _;
use comfy_table::{Cell, CellAlignment, Table as TextTable, presets};
use flatbox::codec::Codec;
use flatbox::profile::{FormatReport, Prepared, ProfileConfig, measure_in_turn};
use flatbox::recommend::{self, Figures, Needs, Recommendation};
use flatbox::sample::{Reservoir, SampleStats};
use flatbox::{Format, Json, MsgPack, Pipeline, Wire};
use flatbox_arrow::{IpcCompression, ParquetCompression};
use prost::Message as _;
use prost_reflect::{DynamicMessage, MessageDescriptor};
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::cli::{Optimize, ProfileArgs};
use crate::formats::{FormatIo as _, Input, ProtoSchema};
use crate::progress::Progress;
pub(crate) use crate::text::bytes;
use flatbox::formats::FormatKind;

/// One format x codec, measured.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    /// The format without its codec (`wire+strings`, `msgpack-compact`).
    pub(crate) format: String,
    /// The codec (`none`, `zstd:3`, ...).
    pub(crate) codec: String,
    /// The format's own size, uncompressed, in bytes.
    pub(crate) plain_size: usize,
    /// The size after the codec, in bytes.
    pub(crate) size: usize,
    /// `size` over JSON's uncompressed size.
    pub(crate) ratio_to_json: f64,
    /// JSON-equivalent megabytes encoded per second (JSON size / median).
    pub(crate) encode_mb_s: f64,
    /// JSON-equivalent megabytes decoded per second.
    pub(crate) decode_mb_s: f64,
    /// The encode timing's spread: interquartile range over the median.
    pub(crate) encode_spread: f64,
    /// The decode timing's spread.
    pub(crate) decode_spread: f64,
    /// The harness's full report.
    pub(crate) report: FormatReport,
}

impl Row {
    /// What the decision tree weighs.
    fn figures(&self) -> Figures {
        Figures {
            format: self.format.clone(),
            codec: self.codec.clone(),
            size: self.size,
            ratio_to_json: self.ratio_to_json,
            encode_mb_s: self.encode_mb_s,
            decode_mb_s: self.decode_mb_s,
            encode_ns: self.report.encode.median_ns,
            decode_ns: self.report.decode.median_ns,
            encode_quartiles_ns: (self.report.encode.q1_ns, self.report.encode.q3_ns),
            decode_quartiles_ns: (self.report.decode.q1_ns, self.report.decode.q3_ns),
        }
    }
}

/// What the input was.
#[derive(Debug, Serialize)]
struct InputSummary {
    file: String,
    format: FormatKind,
    compressed: Option<String>,
    records: usize,
    tabular: bool,
    columns: Vec<String>,
    json_bytes: usize,
    /// What was measured of the input.
    sample: SampleStats,
    /// The sample in words: "measured on 8.0 MiB of 1.00 GB; sizes scaled".
    sample_note: String,
}

#[derive(Debug, Serialize)]
struct ProfileOutput {
    input: InputSummary,
    needs: Needs,
    mode: &'static str,
    rows: Vec<Row>,
    skipped: Vec<String>,
    recommendation: Recommendation,
}

/// `flatbox profile`.
///
/// # Errors
///
/// Usage and data errors as for `convert`.
pub(crate) fn run(args: &ProfileArgs, quiet: bool) -> anyhow::Result<()> {
    let schema = ProtoSchema::from_args(&args.proto)?;
    let mut input = Input::open(&args.file)?;
    let format = input.detect(args.input, &args.file)?;
    let compressed = input.codec.map(|c| c.to_string());
    let name = args.file.display().to_string();
    let (value, stream, sample) = read_sample(format, input, schema.as_ref(), args.sample)?;
    let count = usize::try_from(sample.input_records).unwrap_or(usize::MAX);

    let (mode, config, timing_budget) = if args.smoke {
        ("smoke", ProfileConfig::smoke(), SMOKE_TIMING_BYTES)
    } else if args.thorough {
        ("thorough", ProfileConfig::thorough(), u64::MAX)
    } else {
        ("quick", ProfileConfig::quick(), TIMING_BYTES)
    };
    let timing = timing_part(&value, timing_budget);

    let json_bytes = json_len(&value).max(1);
    let timing_json_bytes = timing.as_ref().map_or(json_bytes, |t| json_len(t).max(1));
    let scale = Scale { sample: sample.clone(), json_bytes, timing_json_bytes };
    let table = as_table(&value);
    let timing_table = timing.as_ref().and_then(as_table);
    let codecs = Codec::standard_set();
    let with_proto = usize::from(schema.is_some());
    let columnar_steps = if table.is_some() { COLUMNAR.len() } else { 0 };
    let proto = match &schema {
        Some(schema) => {
            let descriptor = schema.schema.message(&schema.message)?;
            let to = |v: &Value| {
                to_messages(&descriptor, v, stream)
                    .with_context(|| format!("{name}: the data as protobuf {}", schema.message))
            };
            let messages = to(&value)?;
            let timing_messages = timing.as_ref().map(to).transpose()?;
            Some((
                DynProto { descriptor: descriptor.clone(), delimited: messages.delimited },
                messages,
                timing_messages,
            ))
        }
        None => None,
    };
    let checks = (5 + with_proto) * codecs.len() + columnar_steps;
    let progress = Progress::bar(quiet || args.json, (checks + config.samples) as u64);
    let mut pending = Vec::new();
    let mut skipped = Vec::new();
    if let Some(t) = &table {
        let data = Data { sample: t, timing: timing_table.as_ref().unwrap_or(t) };
        prepare_serde(data, &progress, &mut pending, &mut skipped);
        prepare_columnar(data, &scale, &progress, &mut pending, &mut skipped);
    } else {
        let data = Data { sample: &value, timing: timing.as_ref().unwrap_or(&value) };
        prepare_serde(data, &progress, &mut pending, &mut skipped);
    }
    if let Some((proto, messages, timing_messages)) = &proto {
        let data = Data { sample: messages, timing: timing_messages.as_ref().unwrap_or(messages) };
        prepare_one(proto, "protobuf", data, &progress, &mut pending, &mut skipped);
    }
    let rows = measure_pending(pending, &config, &scale, &progress)?;
    progress.finish();
    if rows.is_empty() {
        anyhow::bail!("{name}: no format could round-trip the data: {}", skipped.join("; "));
    }

    let needs = Needs {
        cross_language: args.cross_language,
        human_readable: args.human_readable,
        schema_evolution: args.schema_evolution,
        optimize: match args.optimize {
            Optimize::Size => recommend::Optimize::Size,
            Optimize::Speed => recommend::Optimize::Speed,
            Optimize::Balanced => recommend::Optimize::Balanced,
        },
    };
    let shape = table.as_ref().map(|t| (count, t.columns.len()));
    let figures: Vec<Figures> = rows.iter().map(Row::figures).collect();
    let recommendation = recommend::recommend(&figures, &needs, schema.is_some(), shape);
    let output = ProfileOutput {
        input: InputSummary {
            file: name,
            format,
            compressed,
            records: count,
            tabular: table.is_some(),
            columns: table.as_ref().map(|t| t.columns.iter().map(|c| (*c).to_owned()).collect()).unwrap_or_default(),
            json_bytes: usize::try_from(sample.extrapolate(json_bytes)).unwrap_or(usize::MAX),
            sample_note: sample.note(),
            sample,
        },
        needs,
        mode,
        rows,
        skipped,
        recommendation,
    };
    if let Some(path) = &args.html {
        std::fs::write(path, html_page(&output))
            .map_err(|e| crate::error::usage_error(format!("{}: cannot write: {e}", path.display())))?;
    }
    let text = if args.json { serde_json::to_string_pretty(&output)? + "\n" } else { render(&output) };
    std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?;
    Ok(())
}

/// Feeds the elements of a JSON array to a reservoir, one at a time.
struct SampleElements<'a>(&'a mut Reservoir<Value>);

impl<'de> Visitor<'de> for SampleElements<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(element) = seq.next_element::<Value>()? {
            let bytes = json_len(&element) as u64;
            self.0.push(element, bytes);
        }
        Ok(())
    }
}

/// Bytes of the sample timed in the default (quick) mode: speeds are per
/// byte, so a part of the sample gives them; sizes use all of it.
const TIMING_BYTES: u64 = 1 << 20;
/// Bytes timed with `--smoke`.
const SMOKE_TIMING_BYTES: u64 = 64 << 10;

/// Reads a sample of about `budget` bytes of the input, once, as a stream
/// (`flatbox::sample`): NDJSON lines are sampled before they are parsed (a
/// file at evenly spaced offsets); other record streams, and the elements
/// of a JSON document that is one array, record by record; any other single
/// document is read whole.
/// Returns the sample as one value (an array for a stream), whether the
/// input was a stream, and how the sample relates to the input.
fn read_sample(
    format: FormatKind,
    input: Input,
    schema: Option<&ProtoSchema>,
    budget: u64,
) -> anyhow::Result<(Value, bool, SampleStats)> {
    if format == FormatKind::Ndjson {
        let name = input.name.clone();
        // A plain file is sampled at evenly spaced offsets, without reading
        // all of it; a pipe or a compressed input is read once, as a stream.
        let sample = match &input.path {
            Some(path) => {
                let file = std::fs::File::open(path).with_context(|| format!("{name}: opening"))?;
                flatbox::sample::sample_file_lines(std::io::BufReader::with_capacity(1 << 20, file), budget)
            }
            None => flatbox::sample::sample_lines(input.reader, budget),
        }
        .with_context(|| format!("{name}: reading"))?;
        let records = sample
            .records
            .iter()
            .map(|line| {
                serde_json::from_slice(&line.bytes).map_err(|e| {
                    let e = e.to_string().replace(" at line 1 column ", " at column ");
                    let at = if line.number > 0 {
                        format!("line {}", line.number)
                    } else {
                        format!("the line at byte {}", line.offset)
                    };
                    anyhow::anyhow!("{name}: {at}: expected one JSON value per line: {e}")
                })
            })
            .collect::<anyhow::Result<Vec<Value>>>()?;
        return Ok((Value::Array(records), true, sample.stats));
    }
    let mut input = input;
    if format == FormatKind::Json && input.peek()?.0.trim_ascii_start().first() == Some(&b'[') {
        // A document that is one array: its elements are sampled as they
        // are parsed, so memory stays bounded whatever its size.
        let name = input.name.clone();
        let mut reservoir = Reservoir::new(budget);
        let mut de = serde_json::Deserializer::from_reader(input.reader);
        Deserializer::deserialize_seq(&mut de, SampleElements(&mut reservoir))
            .and_then(|()| de.end())
            .with_context(|| format!("{name}: expected one JSON document"))?;
        let sample = reservoir.finish();
        return Ok((Value::Array(sample.records), false, sample.stats));
    }
    let records = format.reader(input, schema)?;
    if !records.stream {
        let (value, count) = records.collect()?;
        let value = crate::formats::json_value(&value)?;
        let bytes = json_len(&value) as u64;
        let count = count as u64;
        let stats = SampleStats {
            input_records: count,
            input_records_exact: true,
            input_bytes: bytes,
            sample_records: count,
            sample_bytes: bytes,
        };
        return Ok((value, false, stats));
    }
    let mut reservoir = Reservoir::new(budget);
    for record in records.iter {
        let record = crate::formats::json_value(&record?)?;
        let bytes = json_len(&record) as u64;
        reservoir.push(record, bytes);
    }
    let sample = reservoir.finish();
    Ok((Value::Array(sample.records), true, sample.stats))
}

/// The length of `value` as compact JSON, counted without building it.
fn json_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).map_or(0, |()| count.0)
}

/// The part of a sampled array that is timed: records spread evenly over
/// it, about `budget` bytes of JSON. `None` when the whole sample is timed.
fn timing_part(value: &Value, budget: u64) -> Option<Value> {
    let records = value.as_array()?;
    let bytes = json_len(value) as u64;
    if bytes <= budget || records.len() < 2 {
        return None;
    }
    let stride = usize::try_from(bytes.div_ceil(budget)).unwrap_or(usize::MAX).max(1);
    Some(Value::Array(records.iter().step_by(stride).cloned().collect()))
}

/// The whole sample (for sizes and the round-trip check) and the part of it
/// that is timed.
struct Data<'a, T> {
    sample: &'a T,
    timing: &'a T,
}

impl<T> Clone for Data<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Data<'_, T> {}

/// How figures measured on the sample scale to the input.
struct Scale {
    sample: SampleStats,
    /// The sample's size as JSON.
    json_bytes: usize,
    /// The timed part's size as JSON.
    timing_json_bytes: usize,
}

/// A row checked and ready to be timed, with what makes its [`Row`].
struct Pending<'a> {
    format: &'static str,
    codec: String,
    /// The size of the same format without a codec.
    plain_size: usize,
    /// A columnar row's (size, plain size), extrapolated with the file's
    /// fixed costs counted once; other rows scale linearly.
    marginal: Option<(usize, usize)>,
    prepared: Prepared<'a>,
}

/// Times every pending row in turn, one sample of each per round
/// ([`measure_in_turn`]), so a slow spell of the machine does not land on
/// one format's figures.
fn measure_pending(
    pending: Vec<Pending<'_>>,
    config: &ProfileConfig,
    scale: &Scale,
    progress: &Progress,
) -> anyhow::Result<Vec<Row>> {
    let (rows, mut prepared): (Vec<_>, Vec<_>) =
        pending.into_iter().map(|p| ((p.format, p.codec, p.plain_size, p.marginal), p.prepared)).unzip();
    let message = format!("timing {} formats in turn", prepared.len());
    let reports = measure_in_turn(config, &mut prepared, |done| {
        if done > 0 {
            progress.step(&message);
        }
    })?;
    Ok(rows
        .into_iter()
        .zip(reports)
        .map(|((format, codec, plain, marginal), report)| {
            let mut row = Row::new(format, &codec, plain, scale, report);
            if let Some((size, plain_size)) = marginal {
                row.size = size;
                row.plain_size = plain_size;
            }
            row
        })
        .collect())
}

fn prepare_serde<'a, T: PartialEq + Serialize + DeserializeOwned>(
    data: Data<'a, T>,
    progress: &Progress,
    pending: &mut Vec<Pending<'a>>,
    skipped: &mut Vec<String>,
) {
    prepare_one(&Json, "json", data, progress, pending, skipped);
    prepare_one(&MsgPack::named(), "msgpack", data, progress, pending, skipped);
    prepare_one(&MsgPack::compact(), "msgpack-compact", data, progress, pending, skipped);
    prepare_one(&Wire::new(), "wire", data, progress, pending, skipped);
    prepare_one(&Wire::strings(), "wire+strings", data, progress, pending, skipped);
}

/// Prepares `format` through every codec of the standard set; a format
/// that cannot round-trip the data is skipped with the reason.
fn prepare_one<'a, T: PartialEq, F: Format<T> + Clone + 'a>(
    format: &F,
    name: &'static str,
    data: Data<'a, T>,
    progress: &Progress,
    pending: &mut Vec<Pending<'a>>,
    skipped: &mut Vec<String>,
) {
    let mut plain_size = None;
    for codec in Codec::standard_set() {
        let pipeline = Pipeline::new(format.clone(), codec);
        let row = Format::<T>::name(&pipeline).to_owned();
        progress.step(&format!("checking {row}"));
        match Prepared::on_sample(pipeline, data.sample, data.timing) {
            Ok(prepared) => {
                let plain_size = *plain_size.get_or_insert(prepared.size());
                pending.push(Pending { format: name, codec: codec.to_string(), plain_size, marginal: None, prepared });
            }
            Err(e) => skipped.push(format!("{row}: {e}")),
        }
    }
}

impl Row {
    /// A row from the harness's report on the sample: sizes extrapolated
    /// to the whole input, speeds in JSON-equivalent MB/s of the timed part.
    fn new(format: &str, codec: &str, plain_size: usize, scale: &Scale, report: FormatReport) -> Row {
        let mb = |ns: f64| if ns > 0.0 { scale.timing_json_bytes as f64 / ns * 1e3 } else { f64::INFINITY };
        let scaled = |n: usize| usize::try_from(scale.sample.extrapolate(n)).unwrap_or(usize::MAX);
        Row {
            format: format.to_owned(),
            codec: codec.to_owned(),
            plain_size: scaled(plain_size),
            size: scaled(report.size),
            ratio_to_json: report.size as f64 / scale.json_bytes as f64,
            encode_mb_s: mb(report.encode.median_ns),
            decode_mb_s: mb(report.decode.median_ns),
            encode_spread: report.encode.spread(),
            decode_spread: report.decode.spread(),
            report,
        }
    }
}

/// The columnar rows measured on tabular data: (format, compression inside
/// the file). The names match the facade's `ArrowIpc` / `Parquet` formats.
const COLUMNAR: [(&str, &str); 4] =
    [("arrow-ipc", "none"), ("arrow-ipc", "zstd"), ("parquet", "none"), ("parquet", "zstd:3")];

/// Arrow IPC or Parquet of a [`Table`]: the rows become records of the
/// record model and one record batch (the schema inferred once from the
/// data, as `convert` does: `flatbox_arrow::records`), and one file,
/// written and read in memory by flatbox-arrow. The facade's `ArrowIpc` /
/// `Parquet` formats trace the schema from a Rust row type; the rows here
/// are only known at run time, hence this format.
#[derive(Clone)]
struct Columnar {
    name: &'static str,
    parquet: bool,
    zstd: bool,
    schema: arrow_schema::SchemaRef,
}

/// The rows of a [`Table`] as records (maps of columns).
fn table_records(table: &Table) -> Vec<flatbox::wire::Value> {
    table
        .rows
        .iter()
        .map(|values| {
            flatbox::wire::Value::Map(
                table
                    .columns
                    .iter()
                    .zip(values)
                    .map(|(c, v)| (flatbox::wire::Value::String((*c).to_owned()), v.clone().into()))
                    .collect(),
            )
        })
        .collect()
}

impl Format<Table> for Columnar {
    fn name(&self) -> &str {
        self.name
    }

    fn encode(&self, value: &Table, out: &mut Vec<u8>) -> flatbox::Result<()> {
        let err = |e| flatbox::Error::encode(self.name, e);
        let batch = flatbox_arrow::records::from_records(&self.schema, &table_records(value)).map_err(err)?;
        let schema = batch.schema();
        let batches = std::slice::from_ref(&batch);
        if self.parquet {
            let compression = if self.zstd { ParquetCompression::Zstd(3) } else { ParquetCompression::None };
            flatbox_arrow::write_parquet(out, &schema, batches, compression).map(drop).map_err(err)
        } else {
            let compression = if self.zstd { IpcCompression::Zstd } else { IpcCompression::None };
            flatbox_arrow::write_file(out, &schema, batches, compression).map(drop).map_err(err)
        }
    }

    fn decode(&self, bytes: &[u8]) -> flatbox::Result<Table> {
        let err = |e| flatbox::Error::decode(self.name, e);
        let bytes = bytes::Bytes::copy_from_slice(bytes);
        let batches = if self.parquet {
            flatbox_arrow::read_parquet(bytes).map_err(err)?.1
        } else {
            flatbox_arrow::IpcFile::from_bytes(bytes).and_then(|f| f.batches()).map_err(err)?
        };
        let mut rows = Vec::new();
        for batch in &batches {
            for record in flatbox_arrow::records::to_records(batch).map_err(err)? {
                let flatbox::wire::Value::Map(entries) = record else { continue };
                let values = entries.into_iter().map(|(_, v)| Value::try_from(v)).collect::<Result<Vec<_>, _>>();
                rows.push(values.map_err(|e| flatbox::Error::decode(self.name, e))?);
            }
        }
        Ok(Table { columns: Vec::new(), rows })
    }
}

fn prepare_columnar<'a>(
    data: Data<'a, Table>,
    scale: &Scale,
    progress: &Progress,
    pending: &mut Vec<Pending<'a>>,
    skipped: &mut Vec<String>,
) {
    let table = data.sample;
    let schema = match flatbox_arrow::records::infer_schema(&table_records(table)) {
        Ok(schema) => Arc::new(schema),
        Err(e) => {
            skipped.push(format!("arrow-ipc and parquet: {e}"));
            return;
        }
    };
    // Every other run of the sample (the sample's records come in RUNS runs
    // of about equal bytes): the second point of the columnar sizes'
    // extrapolation (`SampleStats::extrapolate_marginal`), which counts a
    // file's fixed costs once rather than once per sample.
    let chunk = table.rows.len().div_ceil(usize::try_from(flatbox::sample::RUNS).unwrap_or(8)).max(1);
    let half = Table {
        columns: table.columns.clone(),
        rows: table.rows.chunks(chunk).step_by(2).flatten().cloned().collect(),
    };
    #[allow(clippy::cast_precision_loss, reason = "a fraction of row counts")]
    let fraction = half.rows.len() as f64 / table.rows.len().max(1) as f64;
    let marginal = |size: usize, part: Option<usize>| {
        let scaled = match part {
            Some(part) => scale.sample.extrapolate_marginal(size, part, fraction),
            None => scale.sample.extrapolate(size),
        };
        usize::try_from(scaled).unwrap_or(usize::MAX)
    };
    let (mut plain_size, mut plain_part) = (None, None);
    for (format, codec) in COLUMNAR {
        let parquet = format == "parquet";
        let zstd = codec != "none";
        let name = match (parquet, zstd) {
            (false, false) => "arrow-ipc",
            (false, true) => "arrow-ipc+zstd",
            (true, false) => "parquet",
            (true, true) => "parquet+zstd",
        };
        if !zstd {
            plain_size = None;
            plain_part = None;
        }
        progress.step(&format!("checking {name}"));
        let columnar = Columnar { name, parquet, zstd, schema: schema.clone() };
        let mut buf = Vec::new();
        let part = columnar.encode(&half, &mut buf).ok().map(|()| buf.len());
        match Prepared::on_sample(columnar, data.sample, data.timing) {
            Ok(prepared) => {
                let size = prepared.size();
                let plain = *plain_size.get_or_insert(size);
                let plain_from = *plain_part.get_or_insert(part);
                pending.push(Pending {
                    format,
                    codec: codec.to_owned(),
                    plain_size: plain,
                    marginal: Some((marginal(size, part), marginal(plain, plain_from))),
                    prepared,
                });
            }
            Err(e) => skipped.push(format!("{name}: {e}")),
        }
    }
}

/// Tabular data: a list of records whose fields are all scalars and whose
/// keys are the same in every record. Encoded as a list of structs (so
/// MessagePack's compact layout and wire's shapes apply, as they would to
/// the user's own struct).
struct Table {
    columns: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
}

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

fn as_table(value: &Value) -> Option<Table> {
    let records = value.as_array()?;
    let first = records.first()?.as_object()?;
    if first.is_empty() {
        return None;
    }
    let keys: Vec<&String> = first.keys().collect();
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        let object = record.as_object()?;
        if object.len() != keys.len() || !object.keys().zip(&keys).all(|(a, b)| a == *b) {
            return None;
        }
        if object.values().any(|v| v.is_object() || v.is_array()) {
            return None;
        }
        rows.push(object.values().cloned().collect());
    }
    // Field names must be `'static` for serde's struct serialization; a
    // handful of short names, once per run.
    let columns = keys.into_iter().map(|k| &*Box::leak(k.clone().into_boxed_str())).collect();
    Some(Table { columns, rows })
}

struct RowRef<'a> {
    columns: &'a [&'static str],
    values: &'a [Value],
}

impl Serialize for RowRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Record", self.columns.len())?;
        for (column, value) in self.columns.iter().zip(self.values) {
            s.serialize_field(column, value)?;
        }
        s.end()
    }
}

impl Serialize for Table {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.rows.iter().map(|values| RowRef { columns: &self.columns, values }))
    }
}

struct RowValues(Vec<Value>);

impl<'de> Deserialize<'de> for RowValues {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RowValues;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a record (a map or an array of values)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RowValues, A::Error> {
                let mut values = Vec::with_capacity(map.size_hint().unwrap_or(0).min(256));
                while let Some((IgnoredAny, v)) = map.next_entry::<IgnoredAny, Value>()? {
                    values.push(v);
                }
                Ok(RowValues(values))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RowValues, A::Error> {
                let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
                while let Some(v) = seq.next_element::<Value>()? {
                    values.push(v);
                }
                Ok(RowValues(values))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Table {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let rows = Vec::<RowValues>::deserialize(deserializer)?;
        Ok(Table { columns: Vec::new(), rows: rows.into_iter().map(|r| r.0).collect() })
    }
}

/// Messages of a `.proto` type given at run time: one message for a
/// document, length-delimited messages for a stream of records.
#[derive(Clone)]
struct DynProto {
    descriptor: MessageDescriptor,
    /// Whether the data is a stream of length-delimited messages (a
    /// delimited message cannot be told from a plain one by its bytes).
    delimited: bool,
}

#[derive(Debug)]
struct Messages {
    delimited: bool,
    messages: Vec<DynamicMessage>,
}

/// Equal when they encode to the same bytes: a message built from JSON
/// marks default-valued fields as set where a decoded one does not, which
/// `DynamicMessage`'s own equality tells apart.
impl PartialEq for Messages {
    fn eq(&self, other: &Self) -> bool {
        self.delimited == other.delimited
            && self.messages.len() == other.messages.len()
            && self.messages.iter().zip(&other.messages).all(|(a, b)| a.encode_to_vec() == b.encode_to_vec())
    }
}

fn to_messages(descriptor: &MessageDescriptor, value: &Value, stream: bool) -> anyhow::Result<Messages> {
    let one = |v: &Value| DynamicMessage::deserialize(descriptor.clone(), v).map_err(anyhow::Error::from);
    Ok(match (stream, value) {
        (true, Value::Array(records)) => {
            Messages { delimited: true, messages: records.iter().map(one).collect::<anyhow::Result<_>>()? }
        }
        _ => Messages { delimited: false, messages: vec![one(value)?] },
    })
}

impl Format<Messages> for DynProto {
    fn name(&self) -> &'static str {
        "protobuf"
    }

    fn encode(&self, value: &Messages, out: &mut Vec<u8>) -> flatbox::Result<()> {
        for m in &value.messages {
            let result = if value.delimited { m.encode_length_delimited(out) } else { m.encode(out) };
            result.map_err(|e| flatbox::Error::encode("protobuf", e))?;
        }
        Ok(())
    }

    fn decode(&self, mut bytes: &[u8]) -> flatbox::Result<Messages> {
        let err = |e| flatbox::Error::decode("protobuf", e);
        let delimited = self.delimited;
        let mut messages = Vec::new();
        if !delimited {
            let m = DynamicMessage::decode(self.descriptor.clone(), bytes).map_err(err)?;
            return Ok(Messages { delimited, messages: vec![m] });
        }
        while !bytes.is_empty() {
            let mut m = DynamicMessage::new(self.descriptor.clone());
            m.merge_length_delimited(&mut bytes).map_err(err)?;
            messages.push(m);
        }
        Ok(Messages { delimited, messages })
    }
}

fn render(o: &ProfileOutput) -> String {
    let mut s = String::new();
    let i = &o.input;
    let _ = writeln!(
        s,
        "{} ({}{}): {} record{}{}, {} as JSON; {} measurements, {}",
        i.file,
        i.format.name(),
        i.compressed.as_ref().map(|c| format!(", {c}-compressed")).unwrap_or_default(),
        i.records,
        if i.records == 1 { "" } else { "s" },
        if i.tabular { format!(", tabular ({} flat fields)", i.columns.len()) } else { String::new() },
        bytes(i.json_bytes),
        o.mode,
        i.sample_note,
    );
    let mut table = TextTable::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    table.set_header(["format", "codec", "size", "compressed", "vs JSON", "encode MB/s", "decode MB/s"]);
    for r in &o.rows {
        table.add_row([
            Cell::new(&r.format),
            Cell::new(&r.codec),
            Cell::new(bytes(r.plain_size)).set_alignment(CellAlignment::Right),
            Cell::new(if r.codec == "none" { "-".to_owned() } else { bytes(r.size) })
                .set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.1}%", r.ratio_to_json * 100.0)).set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.0} ±{:.0}%", r.encode_mb_s, r.encode_spread * 50.0))
                .set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.0} ±{:.0}%", r.decode_mb_s, r.decode_spread * 50.0))
                .set_alignment(CellAlignment::Right),
        ]);
    }
    let _ = writeln!(s, "{table}");
    let noisy: Vec<String> = o
        .rows
        .iter()
        .flat_map(|r| {
            [("encode", &r.report.encode), ("decode", &r.report.decode)]
                .into_iter()
                .filter(|(_, m)| m.is_noisy())
                .map(|(op, m)| format!("{} {op} {:.0}%", r.figures().name(), m.spread() * 100.0))
        })
        .collect();
    let _ = writeln!(s, "±: half the interquartile range of the timing samples, over the median.");
    if !noisy.is_empty() {
        let worst =
            o.rows.iter().flat_map(|r| [r.report.encode.spread(), r.report.decode.spread()]).fold(0.0_f64, f64::max);
        let _ = writeln!(
            s,
            "noisy: spread {:.0}%, rerun on a quiet machine ({} of {} timings: {})",
            worst * 100.0,
            noisy.len(),
            o.rows.len() * 2,
            noisy.join(", ")
        );
    }
    let _ = writeln!(
        s,
        "MB/s: megabytes of the data's JSON form per second (JSON size / median time), so rows compare directly."
    );
    for skip in &o.skipped {
        let _ = writeln!(s, "not measured: {skip}");
    }
    let r = &o.recommendation;
    let _ = writeln!(s, "\nRecommendation: {}", r.choice);
    for (n, step) in r.path.iter().enumerate() {
        let _ = writeln!(s, "  {}. {step}", n + 1);
    }
    let _ = writeln!(s, "  measured: {}", r.figures);
    for note in &r.notes {
        let _ = writeln!(s, "  note: {note}");
    }
    s
}

/// `--html`: the chart, the table, the recommendation with its branch and
/// the sample note, as one self-contained page (`flatbox::report`).
fn html_page(o: &ProfileOutput) -> String {
    use flatbox::report::{Block, Panel, Point, Section, Table, chart_svg, html};
    let i = &o.input;
    let json = o.rows.iter().find(|r| r.format == "json" && r.codec == "none");
    let points = json.map_or_else(Vec::new, |base| {
        o.rows
            .iter()
            .map(|r| Point {
                format: r.figures().name(),
                size_ratio: r.size as f64 / base.size as f64,
                encode_speedup: base.report.encode.median_ns / r.report.encode.median_ns,
                decode_speedup: base.report.decode.median_ns / r.report.decode.median_ns,
            })
            .collect()
    });
    let table = Table {
        header: ["format", "codec", "size", "vs JSON", "encode MB/s", "± encode", "decode MB/s", "± decode"]
            .map(str::to_owned)
            .to_vec(),
        rows: o
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.format.clone(),
                    r.codec.clone(),
                    bytes(r.size),
                    format!("{:.1}%", r.ratio_to_json * 100.0),
                    format!("{:.0}", r.encode_mb_s),
                    format!("{:.0}%", r.encode_spread * 50.0),
                    format!("{:.0}", r.decode_mb_s),
                    format!("{:.0}%", r.decode_spread * 50.0),
                ]
            })
            .collect(),
    };
    let r = &o.recommendation;
    let recommendation = vec![
        Block::Paragraph(format!("Recommendation: {} ({})", r.choice, r.figures)),
        Block::List(r.path.iter().enumerate().map(|(n, s)| format!("{}. {s}", n + 1)).collect()),
        Block::List(r.notes.clone()),
    ];
    let sections = [
        Section {
            heading: "Input".into(),
            blocks: vec![Block::Paragraph(format!(
                "{} ({}): {} records, {} as JSON; {} measurements, {}.",
                i.file,
                i.format.name(),
                i.records,
                bytes(i.json_bytes),
                o.mode,
                i.sample_note
            ))],
        },
        Section { heading: "Recommendation".into(), blocks: recommendation },
        Section {
            heading: "Size against speed, relative to JSON".into(),
            blocks: vec![Block::Svg(chart_svg(&[Panel { title: i.file.clone(), points }]))],
        },
        Section {
            heading: "Every format and codec".into(),
            blocks: vec![
                Block::Table(table),
                Block::Paragraph(
                    "MB/s: megabytes of the data's JSON form per second. ±: half the interquartile range of the timing samples, over the median."
                        .into(),
                ),
                Block::List(o.skipped.iter().map(|s| format!("not measured: {s}")).collect()),
            ],
        },
    ];
    html(&format!("flatbox profile: {}", i.file), &sections)
}
