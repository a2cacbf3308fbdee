//! `flatbox profile`: every applicable format x codec measured on the
//! user's data with the facade's harness ([`flatbox::profile`]), a table,
//! and a recommendation from the tutorial's decision tree.
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
use flatbox::profile::{FormatReport, ProfileConfig, profile_on_sample, within_noise};
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
use crate::formats::{FormatKind, Input, ProtoSchema};
use crate::progress::Progress;

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
    fn name(&self) -> String {
        if self.codec == "none" { self.format.clone() } else { format!("{}+{}", self.format, self.codec) }
    }
    fn time_ns(&self) -> f64 {
        self.report.encode.median_ns + self.report.decode.median_ns
    }
    /// Encode + decode time at the first and third quartiles.
    fn time_range_ns(&self) -> (f64, f64) {
        let (e, d) = (&self.report.encode, &self.report.decode);
        (e.q1_ns + d.q1_ns, e.q3_ns + d.q3_ns)
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

/// The needs the user stated.
#[derive(Debug, Serialize)]
struct Needs {
    cross_language: bool,
    human_readable: bool,
    schema_evolution: bool,
    optimize: Optimize,
}

/// The decision and why.
#[derive(Debug, Serialize)]
struct Recommendation {
    /// The recommended format+codec.
    choice: String,
    /// The family the decision tree led to.
    family: String,
    /// Each step of the tree: the question, the answer, why.
    path: Vec<String>,
    /// The measured figures behind the choice.
    figures: String,
    /// Other notes (what was not measured, the overall best).
    notes: Vec<String>,
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
    let progress = Progress::bar(quiet || args.json, ((5 + with_proto) * codecs.len() + columnar_steps) as u64);
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    if let Some(t) = &table {
        let data = Data { sample: t, timing: timing_table.as_ref().unwrap_or(t) };
        measure_serde(data, &config, &scale, &progress, &mut rows, &mut skipped);
        measure_columnar(data, &config, &scale, &progress, &mut rows, &mut skipped);
    } else {
        let data = Data { sample: &value, timing: timing.as_ref().unwrap_or(&value) };
        measure_serde(data, &config, &scale, &progress, &mut rows, &mut skipped);
    }
    if let Some(schema) = &schema {
        let descriptor = schema.schema.message(&schema.message)?;
        let to = |v: &Value| {
            to_messages(&descriptor, v, stream)
                .with_context(|| format!("{name}: the data as protobuf {}", schema.message))
        };
        let messages = to(&value)?;
        let timing_messages = timing.as_ref().map(to).transpose()?;
        let proto = DynProto { descriptor: descriptor.clone(), delimited: messages.delimited };
        let data = Data { sample: &messages, timing: timing_messages.as_ref().unwrap_or(&messages) };
        measure_one(&proto, "protobuf", data, &config, &scale, &progress, &mut rows, &mut skipped);
    }
    progress.finish();
    if rows.is_empty() {
        anyhow::bail!("{name}: no format could round-trip the data: {}", skipped.join("; "));
    }

    let needs = Needs {
        cross_language: args.cross_language,
        human_readable: args.human_readable,
        schema_evolution: args.schema_evolution,
        optimize: args.optimize,
    };
    let shape = table.as_ref().map(|t| (count, t.columns.len()));
    let recommendation = recommend(&rows, &needs, schema.is_some(), shape);
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

/// Bytes of the sample timed in the default (quick) mode: speeds are per
/// byte, so a part of the sample gives them; sizes use all of it.
const TIMING_BYTES: u64 = 1 << 20;
/// Bytes timed with `--smoke`.
const SMOKE_TIMING_BYTES: u64 = 64 << 10;

/// Reads a sample of about `budget` bytes of the input, once, as a stream
/// (`flatbox::sample`): NDJSON lines are sampled before they are parsed;
/// other record streams record by record; a single document is read whole.
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
        let sample = flatbox::sample::sample_lines(input.reader, budget).with_context(|| format!("{name}: reading"))?;
        let records = sample
            .records
            .iter()
            .map(|line| {
                serde_json::from_slice(&line.bytes).map_err(|e| {
                    let e = e.to_string().replace(" at line 1 column ", " at column ");
                    anyhow::anyhow!("{name}: line {}: expected one JSON value per line: {e}", line.number)
                })
            })
            .collect::<anyhow::Result<Vec<Value>>>()?;
        return Ok((Value::Array(records), true, sample.stats));
    }
    let records = format.reader(input, schema)?;
    if !records.stream {
        let (value, count) = records.collect()?;
        let bytes = json_len(&value) as u64;
        let count = count as u64;
        let stats =
            SampleStats { input_records: count, input_bytes: bytes, sample_records: count, sample_bytes: bytes };
        return Ok((value, false, stats));
    }
    let mut reservoir = Reservoir::new(budget);
    for record in records.iter {
        let record = record?;
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

fn measure_serde<T: PartialEq + Serialize + DeserializeOwned>(
    data: Data<'_, T>,
    config: &ProfileConfig,
    scale: &Scale,
    progress: &Progress,
    rows: &mut Vec<Row>,
    skipped: &mut Vec<String>,
) {
    measure_one(&Json, "json", data, config, scale, progress, rows, skipped);
    measure_one(&MsgPack::named(), "msgpack", data, config, scale, progress, rows, skipped);
    measure_one(&MsgPack::compact(), "msgpack-compact", data, config, scale, progress, rows, skipped);
    measure_one(&Wire::new(), "wire", data, config, scale, progress, rows, skipped);
    measure_one(&Wire::strings(), "wire+strings", data, config, scale, progress, rows, skipped);
}

#[allow(clippy::too_many_arguments, reason = "one call per format, read side by side")]
fn measure_one<T: PartialEq, F: Format<T> + Clone>(
    format: &F,
    name: &str,
    data: Data<'_, T>,
    config: &ProfileConfig,
    scale: &Scale,
    progress: &Progress,
    rows: &mut Vec<Row>,
    skipped: &mut Vec<String>,
) {
    let mut plain_size = None;
    for codec in Codec::standard_set() {
        let pipeline = Pipeline::new(format.clone(), codec);
        progress.step(Format::<T>::name(&pipeline));
        match profile_on_sample(&pipeline, data.sample, data.timing, config) {
            Ok(report) => {
                let plain = *plain_size.get_or_insert(report.size);
                rows.push(Row::new(name, &codec.to_string(), plain, scale, report));
            }
            Err(e) => skipped.push(format!("{}: {e}", Format::<T>::name(&pipeline))),
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

/// Arrow IPC or Parquet of a [`Table`]: the rows become one record batch
/// (the schema inferred once from the data, as `convert` does) and one
/// file, written and read in memory by flatbox-arrow. The facade's
/// `ArrowIpc` / `Parquet` formats trace the schema from a Rust row type;
/// the rows here are only known at run time, hence this format.
#[derive(Clone)]
struct Columnar {
    name: &'static str,
    parquet: bool,
    zstd: bool,
    fields: Arc<Vec<arrow_schema::FieldRef>>,
}

impl Format<Table> for Columnar {
    fn name(&self) -> &str {
        self.name
    }

    fn encode(&self, value: &Table, out: &mut Vec<u8>) -> flatbox::Result<()> {
        let err = |e| flatbox::Error::encode(self.name, e);
        let rows: Vec<RowRef<'_>> =
            value.rows.iter().map(|values| RowRef { columns: &value.columns, values }).collect();
        let batch = flatbox_arrow::to_batch_with_fields(&self.fields, &rows).map_err(err)?;
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
        let rows: Vec<RowValues> = flatbox_arrow::from_batches(&batches).map_err(err)?;
        Ok(Table { columns: Vec::new(), rows: rows.into_iter().map(|r| r.0).collect() })
    }
}

fn measure_columnar(
    data: Data<'_, Table>,
    config: &ProfileConfig,
    scale: &Scale,
    progress: &Progress,
    rows: &mut Vec<Row>,
    skipped: &mut Vec<String>,
) {
    let table = data.sample;
    let samples: Vec<RowRef<'_>> = table.rows.iter().map(|values| RowRef { columns: &table.columns, values }).collect();
    let fields = match flatbox_arrow::fields_from_samples(&samples) {
        Ok(fields) => Arc::new(fields),
        Err(e) => {
            skipped.push(format!("arrow-ipc and parquet: {e}"));
            return;
        }
    };
    let mut plain_size = None;
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
        }
        progress.step(name);
        let columnar = Columnar { name, parquet, zstd, fields: fields.clone() };
        match profile_on_sample(&columnar, data.sample, data.timing, config) {
            Ok(report) => {
                let plain = *plain_size.get_or_insert(report.size);
                rows.push(Row::new(format, codec, plain, scale, report));
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

/// The tutorial's decision tree ("Choosing the Right Serialization
/// Strategy"), in Rust terms, then the measured rows of the family it leads
/// to, ranked by `--optimize`. For tabular data (`tabular`: records x flat
/// fields) the tree gets a measured branch, the tutorial's "Arrow/Parquet
/// for analytical workloads": the columnar family is taken when its best
/// row beats the tree's family by the same criterion.
#[allow(clippy::too_many_lines, reason = "the decision tree, read top to bottom")]
fn recommend(rows: &[Row], needs: &Needs, have_proto: bool, tabular: Option<(usize, usize)>) -> Recommendation {
    let mut path = vec![
        "Python-specific types? not applicable: the tutorial's Pickle branches become flatbox-wire, Rust's self-describing binary format".to_owned(),
    ];
    let mut notes = Vec::new();
    let mut family: &[&'static str];
    let mut family_name: &str;
    let evolution = needs.schema_evolution.then(|| evolution_step(needs.cross_language, have_proto, tabular.is_some()));
    if needs.cross_language {
        path.push("cross-language? yes (--cross-language)".into());
        if let Some(step) = &evolution {
            path.push(step.question.clone());
            notes.extend(step.notes.iter().cloned());
            family = &step.family;
            family_name = &step.family_name;
        } else if needs.human_readable {
            path.push("schema evolution? no -> human-readable? yes (--human-readable) -> JSON".into());
            family = &["json"];
            family_name = "json";
        } else {
            path.push("schema evolution? no -> human-readable? no -> MessagePack".into());
            family = &["msgpack", "msgpack-compact"];
            family_name = "msgpack";
        }
    } else {
        path.push("cross-language? no (no --cross-language): Rust on both ends".into());
        if let Some(step) = &evolution {
            path.push(step.question.clone());
            notes.extend(step.notes.iter().cloned());
            family = &step.family;
            family_name = &step.family_name;
        } else if needs.human_readable {
            path.push("human-readable? yes (--human-readable) -> JSON (the tree's readable choice)".into());
            family = &["json"];
            family_name = "json";
        } else if needs.optimize == Optimize::Speed {
            path.push("maximum performance? yes (--optimize speed) -> custom binary + zero-copy: flatbox-wire".into());
            family = &["wire", "wire+strings"];
            family_name = "wire";
        } else {
            path.push(format!(
                "maximum performance? no (--optimize {}) -> the tree's \"Pickle with compression\": flatbox-wire with a codec",
                match needs.optimize {
                    Optimize::Size => "size",
                    _ => "balanced",
                }
            ));
            family = &["wire", "wire+strings"];
            family_name = "wire";
        }
    }
    let json = rows.iter().find(|r| r.format == "json" && r.codec == "none");
    let score = |r: &Row| -> f64 {
        match needs.optimize {
            Optimize::Size => r.size as f64,
            Optimize::Speed => r.time_ns(),
            Optimize::Balanced => {
                let base_time = json.map_or(1.0, Row::time_ns).max(1e-9);
                r.ratio_to_json * (r.time_ns() / base_time)
            }
        }
    };
    let criterion = match needs.optimize {
        Optimize::Size => "--optimize size: the smallest output",
        Optimize::Speed => "--optimize speed: the least encode + decode time",
        Optimize::Balanced => "--optimize balanced: the smallest (size / JSON's) x (time / JSON's)",
    };
    if let Some((records, fields)) = tabular {
        const COLUMNAR_FAMILY: &[&str] = &["arrow-ipc", "parquet"];
        let best_of = |names: &[&str]| {
            rows.iter().filter(|r| names.contains(&r.format.as_str())).min_by(|a, b| score(a).total_cmp(&score(b)))
        };
        let question = format!(
            "tabular data ({records} records x {fields} flat fields)? yes -> the tutorial's \"Arrow/Parquet for analytical workloads\""
        );
        match (best_of(COLUMNAR_FAMILY), best_of(family)) {
            _ if evolution.as_ref().is_some_and(|step| !step.family.iter().any(|f| COLUMNAR_FAMILY.contains(f))) => {
                path.push(format!(
                    "{question}: not taken, the schema-evolution step above measured Arrow IPC and Parquet below {family_name}"
                ));
            }
            _ if needs.human_readable => {
                path.push(format!(
                    "{question}: not taken, the columnar formats are binary and --human-readable was asked"
                ));
            }
            (None, _) => path.push(format!(
                "{question}: not taken, Arrow IPC and Parquet could not round-trip this data (see \"not measured\")"
            )),
            (Some(columnar), Some(tree)) if score(columnar) >= score(tree) => {
                path.push(format!(
                    "{question}: measured, not taken: the best columnar row, {}, loses to {family_name}'s best, {}, by {criterion}",
                    describe(columnar),
                    describe(tree)
                ));
                notes.push("for column scans and dataframes (pyarrow, DuckDB, Polars, Spark), Arrow IPC or Parquet still fit this data; the columnar rows above give their cost".into());
            }
            (Some(columnar), tree) => {
                path.push(format!(
                    "{question}: measured, taken: the best columnar row, {}, beats {} by {criterion}",
                    describe(columnar),
                    tree.map_or_else(
                        || format!("{family_name} (not measured)"),
                        |t| format!("{family_name}'s best, {}", describe(t))
                    )
                ));
                family = COLUMNAR_FAMILY;
                family_name = "columnar (Arrow IPC / Parquet)";
            }
        }
    }
    let mut candidates: Vec<&Row> = rows.iter().filter(|r| family.contains(&r.format.as_str())).collect();
    if candidates.is_empty() {
        // protobuf asked for but not measured: MessagePack, the tree's
        // cross-language binary choice.
        candidates = rows.iter().filter(|r| r.format.starts_with("msgpack")).collect();
    }
    if candidates.is_empty() {
        candidates = rows.iter().collect();
    }
    candidates.sort_by(|a, b| score(a).total_cmp(&score(b)));
    let Some(best) = candidates.first() else {
        return Recommendation {
            choice: String::new(),
            family: family_name.into(),
            path,
            figures: String::new(),
            notes,
        };
    };
    path.push(format!("within {family_name}, {criterion}"));
    let figures = describe(best);
    if let Some(second) = candidates.get(1) {
        notes.push(format!("runner-up: {}", describe(second)));
        if let Some(why) = within_noise_of(best, second, needs.optimize) {
            notes.push(format!(
                "the choice is within the noise: {} and {} {why}; rerun with --thorough on a quiet machine to separate them",
                best.name(),
                second.name()
            ));
        }
    }
    let mut all: Vec<&Row> = rows.iter().collect();
    all.sort_by(|a, b| score(a).total_cmp(&score(b)));
    if let Some(overall) = all.first()
        && overall.name() != best.name()
    {
        notes.push(format!(
            "ignoring the stated needs, the best measured by the same criterion is {}",
            describe(overall)
        ));
    }
    notes.push("golden rule: these are your data's figures on this machine; serialization matters only if profiling your program shows it as a bottleneck".into());
    Recommendation { choice: best.name(), family: family_name.into(), path, figures, notes }
}

/// The decision tree's "need schema evolution?" step, answered by the
/// measured matrix (`flatbox::evolution`) instead of the formats'
/// reputations.
struct EvolutionStep {
    question: String,
    family: Vec<&'static str>,
    family_name: String,
    notes: Vec<String>,
}

/// The formats `flatbox profile` measures that the evolution matrix covers,
/// and whether other languages read them.
const EVOLVING: [(&str, bool); 8] = [
    ("json", true),
    ("msgpack", true),
    ("msgpack-compact", true),
    ("wire", false),
    ("wire+strings", false),
    ("protobuf", true),
    ("arrow-ipc", true),
    ("parquet", true),
];

/// Among the formats measured here (cross-language ones only with
/// `cross_language`), those that decode the most changes correctly in the
/// matrix, then the fewest wrongly without an error; the formats with
/// silently wrong cells are named in a note.
fn evolution_step(cross_language: bool, have_proto: bool, tabular: bool) -> EvolutionStep {
    let matrix = flatbox::evolution::matrix();
    let cells = flatbox::evolution::Change::ALL.len() * flatbox::evolution::Direction::ALL.len();
    let measured = |name: &str| match name {
        "protobuf" => have_proto,
        "arrow-ipc" | "parquet" => tabular,
        _ => true,
    };
    let mut candidates: Vec<(&'static str, usize, usize)> = EVOLVING
        .iter()
        .filter(|(name, other_languages)| (*other_languages || !cross_language) && measured(name))
        .filter_map(|(name, _)| matrix.row(name).map(|r| (*name, r.wrong(), r.correct())))
        .collect();
    candidates.sort_by_key(|&(_, wrong, correct)| (std::cmp::Reverse(correct), wrong));
    let best = candidates.first().map(|&(_, w, c)| (w, c));
    let family: Vec<&'static str> =
        candidates.iter().filter(|&&(_, w, c)| Some((w, c)) == best).map(|&(name, _, _)| name).collect();
    let scores: Vec<String> =
        candidates.iter().map(|(name, w, c)| format!("{name} {c}/{cells} correct, {w} silently wrong")).collect();
    let mut notes = Vec::new();
    let dangerous: Vec<String> =
        candidates.iter().filter(|(_, w, _)| *w > 0).map(|(name, w, _)| format!("{name} ({w})")).collect();
    if !dangerous.is_empty() {
        notes.push(format!(
            "schema evolution: these decode some changed records WRONGLY without an error: {} (`flatbox profile --schema-evolution --json` lists every cell; the bench report shows the matrix)",
            dangerous.join(", ")
        ));
    }
    if !have_proto {
        notes.push("protobuf was not measured: give --proto FILE --message NAME to measure it on this data (it keeps field tags stable across versions)".into());
    }
    let family_name = family.join(" / ");
    EvolutionStep {
        question: format!(
            "schema evolution? yes (--schema-evolution): measured on 6 changes x 2 directions (flatbox::evolution): {} -> {family_name}",
            scores.join("; ")
        ),
        family,
        family_name,
        notes,
    }
}

/// Why `best` and `second` are not separated by the measurements, if they
/// are not: by size, never (sizes are exact); by speed, when their encode
/// and decode timings overlap between the quartiles; balanced, when the
/// ranges of size x time overlap.
fn within_noise_of(best: &Row, second: &Row, optimize: Optimize) -> Option<&'static str> {
    match optimize {
        Optimize::Size => None,
        Optimize::Speed => (within_noise(&best.report.encode, &second.report.encode)
            && within_noise(&best.report.decode, &second.report.decode))
        .then_some("have overlapping encode and decode times (between the quartiles of their samples)"),
        Optimize::Balanced => {
            let range = |r: &Row| {
                let (lo, hi) = r.time_range_ns();
                (r.ratio_to_json * lo, r.ratio_to_json * hi)
            };
            let ((a_lo, a_hi), (b_lo, b_hi)) = (range(best), range(second));
            (a_lo <= b_hi && b_lo <= a_hi)
                .then_some("have overlapping size x time scores (between the quartiles of their samples)")
        }
    }
}

fn describe(r: &Row) -> String {
    format!(
        "{}: {} ({:.1}% of JSON), encode {:.0} MB/s, decode {:.0} MB/s",
        r.name(),
        bytes(r.size),
        r.ratio_to_json * 100.0,
        r.encode_mb_s,
        r.decode_mb_s
    )
}

/// A byte count in SI units.
pub(crate) fn bytes(n: usize) -> String {
    let n = n as f64;
    if n < 1e3 {
        format!("{n} B")
    } else if n < 1e6 {
        format!("{:.1} kB", n / 1e3)
    } else if n < 1e9 {
        format!("{:.2} MB", n / 1e6)
    } else {
        format!("{:.2} GB", n / 1e9)
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
                .map(|(op, m)| format!("{} {op} {:.0}%", r.name(), m.spread() * 100.0))
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
                format: r.name(),
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
