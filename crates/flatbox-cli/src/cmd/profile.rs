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
use flatbox::profile::{FormatReport, ProfileConfig, profile};
use flatbox::recommend::{self, Figures, Needs, Recommendation};
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
    let records = format.reader(input, schema.as_ref())?;
    let stream = records.stream;
    let (value, count) = records.collect()?;
    let name = args.file.display().to_string();

    let (mode, config) = if args.smoke {
        ("smoke", ProfileConfig::smoke())
    } else if args.thorough {
        ("thorough", ProfileConfig::thorough())
    } else {
        ("quick", ProfileConfig::quick())
    };

    let json_bytes = serde_json::to_vec(&value).map_or(0, |v| v.len()).max(1);
    let table = as_table(&value);
    let codecs = Codec::standard_set();
    let with_proto = usize::from(schema.is_some());
    let columnar_steps = if table.is_some() { COLUMNAR.len() } else { 0 };
    let progress = Progress::bar(quiet || args.json, ((5 + with_proto) * codecs.len() + columnar_steps) as u64);
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    match &table {
        Some(t) => {
            measure_serde(t, &config, json_bytes, &progress, &mut rows, &mut skipped);
            measure_columnar(t, &config, json_bytes, &progress, &mut rows, &mut skipped);
        }
        None => measure_serde(&value, &config, json_bytes, &progress, &mut rows, &mut skipped),
    }
    if let Some(schema) = &schema {
        let descriptor = schema.schema.message(&schema.message)?;
        let messages = to_messages(&descriptor, &value, stream)
            .with_context(|| format!("{name}: the data as protobuf {}", schema.message))?;
        let proto = DynProto { descriptor, delimited: messages.delimited };
        measure_one(&proto, "protobuf", &messages, &config, json_bytes, &progress, &mut rows, &mut skipped);
    }
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
            json_bytes,
        },
        needs,
        mode,
        rows,
        skipped,
        recommendation,
    };
    let text = if args.json { serde_json::to_string_pretty(&output)? + "\n" } else { render(&output) };
    std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?;
    Ok(())
}

fn measure_serde<T: PartialEq + Serialize + DeserializeOwned>(
    value: &T,
    config: &ProfileConfig,
    json_bytes: usize,
    progress: &Progress,
    rows: &mut Vec<Row>,
    skipped: &mut Vec<String>,
) {
    measure_one(&Json, "json", value, config, json_bytes, progress, rows, skipped);
    measure_one(&MsgPack::named(), "msgpack", value, config, json_bytes, progress, rows, skipped);
    measure_one(&MsgPack::compact(), "msgpack-compact", value, config, json_bytes, progress, rows, skipped);
    measure_one(&Wire::new(), "wire", value, config, json_bytes, progress, rows, skipped);
    measure_one(&Wire::strings(), "wire+strings", value, config, json_bytes, progress, rows, skipped);
}

#[allow(clippy::too_many_arguments, reason = "one call per format, read side by side")]
fn measure_one<T: PartialEq, F: Format<T> + Clone>(
    format: &F,
    name: &str,
    value: &T,
    config: &ProfileConfig,
    json_bytes: usize,
    progress: &Progress,
    rows: &mut Vec<Row>,
    skipped: &mut Vec<String>,
) {
    let mut plain_size = None;
    for codec in Codec::standard_set() {
        let pipeline = Pipeline::new(format.clone(), codec);
        progress.step(Format::<T>::name(&pipeline));
        match profile(&pipeline, value, config) {
            Ok(report) => {
                let plain = *plain_size.get_or_insert(report.size);
                rows.push(Row::new(name, &codec.to_string(), plain, json_bytes, report));
            }
            Err(e) => skipped.push(format!("{}: {e}", Format::<T>::name(&pipeline))),
        }
    }
}

impl Row {
    fn new(format: &str, codec: &str, plain_size: usize, json_bytes: usize, report: FormatReport) -> Row {
        let mb = |ns: f64| if ns > 0.0 { json_bytes as f64 / ns * 1e3 } else { f64::INFINITY };
        Row {
            format: format.to_owned(),
            codec: codec.to_owned(),
            plain_size,
            size: report.size,
            ratio_to_json: report.size as f64 / json_bytes as f64,
            encode_mb_s: mb(report.encode.median_ns),
            decode_mb_s: mb(report.decode.median_ns),
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
    table: &Table,
    config: &ProfileConfig,
    json_bytes: usize,
    progress: &Progress,
    rows: &mut Vec<Row>,
    skipped: &mut Vec<String>,
) {
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
        match profile(&columnar, table, config) {
            Ok(report) => {
                let plain = *plain_size.get_or_insert(report.size);
                rows.push(Row::new(format, codec, plain, json_bytes, report));
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
        "{} ({}{}): {} record{}{}, {} as JSON; {} measurements",
        i.file,
        i.format.name(),
        i.compressed.as_ref().map(|c| format!(", {c}-compressed")).unwrap_or_default(),
        i.records,
        if i.records == 1 { "" } else { "s" },
        if i.tabular { format!(", tabular ({} flat fields)", i.columns.len()) } else { String::new() },
        bytes(i.json_bytes),
        o.mode,
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
            Cell::new(format!("{:.0}", r.encode_mb_s)).set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.0}", r.decode_mb_s)).set_alignment(CellAlignment::Right),
        ]);
    }
    let _ = writeln!(s, "{table}");
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
