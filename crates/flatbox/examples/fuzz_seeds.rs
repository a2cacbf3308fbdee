//! Writes the seed corpora of the fuzz targets in `fuzz/` (one folder per
//! target): valid inputs made by flatbox's own libraries, plus, when given,
//! the MessagePack test suite's cases (as wire values, and as foreign bytes
//! for the disassembler) and small Arrow C++ golden files.
//!
//! `cargo run -p flatbox --example fuzz_seeds -- fuzz/corpus [msgpack-test-suite.json]`
//!
//! The committed corpora were made by this program (see `fuzz/README.md`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use flatbox::arrow::arrow_array::{
    ArrayRef, Int32Array, ListArray, RecordBatch, StringArray, StructArray, UnionArray, types::Int32Type,
};
use flatbox::arrow::arrow_schema::{DataType, Field, UnionFields};
use flatbox::arrow::{IpcCompression, ParquetCompression};
use flatbox::codec::{Codec, Compressor, Dictionary};
use flatbox::proto::v1;
use flatbox::store::{LogOptions, RecordLog};
use flatbox::wire::{Value, to_vec};
use prost::Message as _;
use serde::Serialize;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

struct Corpus {
    root: PathBuf,
}

impl Corpus {
    fn put(&self, target: &str, name: &str, bytes: &[u8]) -> Result {
        let dir = self.root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), bytes)?;
        Ok(())
    }
}

/// The fuzz target `wire_struct` decodes into this shape (its `Record`).
#[derive(Serialize)]
enum Kind<'a> {
    Unit,
    Newtype(i64),
    Tuple(u8, bool),
    Struct { name: &'a str, weight: f32 },
    Addr([u8; 4]),
    Position((f32, f32, f32)),
}

#[derive(Serialize)]
struct Inner<'a> {
    id: u32,
    tag: Option<&'a str>,
    kind: Kind<'a>,
}

#[derive(Serialize)]
struct Record<'a> {
    id: u64,
    delta: i32,
    big: i128,
    ratio: f64,
    name: &'a str,
    #[serde(serialize_with = "as_bytes")]
    blob: Vec<u8>,
    tags: Vec<String>,
    inner: Vec<Inner<'a>>,
    labels: std::collections::BTreeMap<String, u16>,
    maybe: Option<Box<Record<'a>>>,
}

fn as_bytes<S: serde::Serializer>(v: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_bytes(v)
}

fn record(id: u64, maybe: Option<Box<Record<'static>>>) -> Record<'static> {
    Record {
        id,
        delta: -7,
        big: i128::MIN / 3,
        ratio: 0.25,
        name: "alice",
        blob: vec![0, 1, 2, 255],
        tags: vec!["a".into(), "bb".into()],
        inner: vec![
            Inner { id: 1, tag: Some("x"), kind: Kind::Unit },
            Inner { id: 2, tag: None, kind: Kind::Newtype(-1) },
            Inner { id: 3, tag: Some("x"), kind: Kind::Tuple(9, true) },
            Inner { id: 4, tag: None, kind: Kind::Struct { name: "w", weight: 1.5 } },
            Inner { id: 5, tag: None, kind: Kind::Addr([192, 168, 0, 1]) },
            Inner { id: 6, tag: None, kind: Kind::Position((1.5, -2.0, 0.25)) },
        ],
        labels: [("k".to_owned(), 1), ("l".to_owned(), 65535)].into_iter().collect(),
        maybe,
    }
}

fn wire(corpus: &Corpus, msgpack_suite: Option<&Path>) -> Result {
    let json: serde_json::Value = serde_json::json!({
        "id": 1, "name": "Alice", "tags": ["a", "b", "a"], "score": 1.5, "neg": -300,
        "nested": {"list": [1, 2, [3, {"deep": null}]], "flag": true}, "big": 18_446_744_073_709_551_615_u64
    });
    let mut values: Vec<(String, Vec<u8>)> = vec![
        ("json-object".into(), to_vec(&json)?),
        ("records".into(), to_vec(&vec![json.clone(), json.clone()])?),
        ("timestamp".into(), to_vec(&flatbox::wire::Timestamp::new(1_642_678_800, 500)?)?),
        ("packed-f64".into(), to_vec(&flatbox::wire::Packed(&[0.5_f64, 1.5, -2.0][..]))?),
        ("packed-u32".into(), to_vec(&flatbox::wire::Packed(&[1_u32, 2, 3][..]))?),
        ("bytes".into(), to_vec(&Value::Bytes(vec![1, 2, 3]))?),
        (
            "strings-interned".into(),
            flatbox::wire::to_vec_with_config(
                &vec![json.clone(); 3],
                flatbox::wire::Config::new().intern_strings(true),
            )?,
        ),
    ];
    if let Some(path) = msgpack_suite {
        let suite: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        for (group, cases) in suite.as_object().ok_or("a JSON object of groups")? {
            for (i, case) in cases.as_array().ok_or("an array of cases")?.iter().enumerate() {
                let Some(hex) = case["msgpack"].as_array().and_then(|a| a.first()).and_then(|h| h.as_str()) else {
                    continue;
                };
                let bytes: Vec<u8> = hex.split('-').filter_map(|b| u8::from_str_radix(b, 16).ok()).collect();
                let name = format!("msgpack-{}-{i}", group.trim_end_matches(".yaml"));
                corpus.put("wire_inspect", &format!("foreign-{name}"), &bytes)?;
                if let Ok(value) = rmp_serde::from_slice::<Value>(&bytes) {
                    values.push((name, to_vec(&value)?));
                }
            }
        }
    }
    for (name, bytes) in &values {
        for target in ["wire_value", "wire_reader", "wire_inspect", "wire_differential"] {
            corpus.put(target, name, bytes)?;
        }
    }
    let mut stream = Vec::new();
    for (_, bytes) in values.iter().take(4) {
        stream.extend_from_slice(bytes);
    }
    corpus.put("wire_reader", "stream-of-4", &stream)?;
    corpus.put("wire_struct", "record", &to_vec(&record(1, None))?)?;
    corpus.put("wire_struct", "records-nested", &to_vec(&record(2, Some(Box::new(record(3, None)))))?)?;
    Ok(())
}

fn codec(corpus: &Corpus) -> Result {
    let text: Vec<u8> = (0..300).flat_map(|i| format!("{{\"id\":{i},\"kind\":\"event\"}}\n").into_bytes()).collect();
    let mut all = Vec::new();
    for codec in [Codec::Zstd { level: 3 }, Codec::Lz4, Codec::Gzip { level: 6 }] {
        let frame = flatbox::codec::compress(codec, &text);
        for target in ["codec_decompress", "codec_decompress_limit", "codec_decoder"] {
            corpus.put(target, &format!("{codec}"), &frame)?;
        }
        all.extend_from_slice(&frame);
    }
    // zstd's skippable frame, then the three frames concatenated.
    let mut skippable = vec![0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4];
    skippable.extend_from_slice(&all);
    let samples: Vec<Vec<u8>> = (0..500).map(|i| format!("{{\"id\":{i},\"kind\":\"event\"}}").into_bytes()).collect();
    let dictionary = Dictionary::train(&samples, 2048)?;
    let with_dict = Compressor::with_dictionary(3, &dictionary)?.compress(&samples[7]);
    for target in ["codec_decompress", "codec_decompress_limit", "codec_decoder"] {
        corpus.put(target, "concatenated", &all)?;
        corpus.put(target, "skippable-then-frames", &skippable)?;
        corpus.put(target, "zstd-dictionary-frame", &with_dict)?;
    }
    Ok(())
}

fn proto(corpus: &Corpus) -> Result {
    let users = v1::UserList {
        users: (0..3)
            .map(|i| v1::User {
                id: i,
                name: format!("user{i}"),
                active: i % 2 == 0,
                tags: vec!["a".into(), "b".into()],
            })
            .collect(),
    };
    let log = v1::HttpLog {
        entries: vec![v1::HttpLogEntry {
            ip: "10.0.0.1".into(),
            request: "GET /index.html HTTP/1.1".into(),
            status: 200,
            ..Default::default()
        }],
    };
    let event = v1::NetworkEvent { user_id: 123, action: "login".into(), timestamp: 1_642_678_800 };
    let messages: [(u8, &str, Vec<u8>); 3] = [
        (0, "user-list", users.encode_to_vec()),
        (1, "http-log", log.encode_to_vec()),
        (3, "network-event", event.encode_to_vec()),
    ];
    for (selector, name, bytes) in &messages {
        corpus.put("proto_raw", name, bytes)?;
        corpus.put("proto_messages", name, &[&[*selector][..], bytes].concat())?;
    }
    // proto_dynamic: selector (message index, high bit = JSON), then bytes.
    corpus.put("proto_dynamic", "user-list-protobuf", &[&[0][..], &messages[0].2].concat())?;
    corpus.put("proto_dynamic", "network-event-protobuf", &[&[3][..], &messages[2].2].concat())?;
    let user_json = br#"{"users": [{"id": 7, "name": "bob", "active": true, "tags": ["x"]}]}"#;
    corpus.put("proto_dynamic", "user-json", &[&[0x80][..], user_json].concat())?;
    let event_json = br#"{"userId": 123, "action": "login", "timestamp": 1642678800}"#;
    corpus.put("proto_dynamic", "network-event-json", &[&[0x83][..], event_json].concat())?;
    Ok(())
}

fn batches() -> Result<Vec<RecordBatch>> {
    #[derive(Serialize)]
    struct Row {
        id: i64,
        value: f64,
        category: String,
        note: Option<String>,
    }
    let rows: Vec<Row> = (0..20)
        .map(|i| Row {
            id: i,
            value: i as f64 / 4.0,
            category: ["a", "b", "c"][usize::try_from(i % 3).unwrap_or(0)].into(),
            note: (i % 3 == 0).then(|| format!("n{i}")),
        })
        .collect();
    let flat = flatbox::arrow::to_batch(&rows)?;
    // Lists, structs, a dense union and a dictionary: the shapes whose
    // offsets and type ids the fuzz findings were about.
    let list = ListArray::from_iter_primitive::<Int32Type, _, _>([Some(vec![Some(1), None]), None, Some(vec![])]);
    let names: ArrayRef = Arc::new(StringArray::from(vec![Some("x"), None, Some("zz")]));
    let ints: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3]));
    let fields =
        vec![Arc::new(Field::new("name", DataType::Utf8, true)), Arc::new(Field::new("n", DataType::Int32, false))];
    let structs = StructArray::new(fields.into(), vec![names.clone(), ints.clone()], None);
    let union_fields =
        UnionFields::try_new([0, 1], [Field::new("s", DataType::Utf8, true), Field::new("i", DataType::Int32, false)])?;
    let union = UnionArray::try_new(
        union_fields,
        vec![0_i8, 1, 0].into(),
        Some(vec![0_i32, 0, 1].into()),
        vec![Arc::new(StringArray::from(vec!["p", "q"])), Arc::new(Int32Array::from(vec![5]))],
    )?;
    let dictionary: flatbox::arrow::arrow_array::DictionaryArray<Int32Type> =
        vec!["red", "green", "red"].into_iter().collect();
    let nested = RecordBatch::try_from_iter([
        ("list", Arc::new(list) as ArrayRef),
        ("struct", Arc::new(structs) as ArrayRef),
        ("union", Arc::new(union) as ArrayRef),
        ("dictionary", Arc::new(dictionary) as ArrayRef),
    ])?;
    Ok(vec![flat, nested])
}

fn arrow(corpus: &Corpus, golden: Option<&Path>) -> Result {
    for (i, batch) in batches()?.iter().enumerate() {
        let schema = batch.schema();
        let two = [
            batch.slice(0, batch.num_rows() / 2),
            batch.slice(batch.num_rows() / 2, batch.num_rows() - batch.num_rows() / 2),
        ];
        for (name, compression) in
            [("plain", IpcCompression::None), ("lz4", IpcCompression::Lz4Frame), ("zstd", IpcCompression::Zstd)]
        {
            corpus.put(
                "arrow_ipc_file",
                &format!("batch{i}-{name}"),
                &flatbox::arrow::write_file(Vec::new(), &schema, &two, compression)?,
            )?;
            corpus.put(
                "arrow_ipc_stream",
                &format!("batch{i}-{name}"),
                &flatbox::arrow::write_stream(Vec::new(), &schema, &two, compression)?,
            )?;
        }
        if i == 0 {
            for (name, compression) in [
                ("plain", ParquetCompression::None),
                ("snappy", ParquetCompression::Snappy),
                ("zstd", ParquetCompression::Zstd(1)),
            ] {
                let bytes = flatbox::arrow::write_parquet(Vec::new(), &schema, &two, compression)?;
                corpus.put("parquet_read", &format!("batch{i}-{name}"), &bytes)?;
            }
        }
    }
    if let Some(dir) = golden {
        for name in ["union", "dictionary", "nested", "map", "run_end_encoded", "interval_mdn", "null", "extension"] {
            for (extension, target) in [("arrow_file", "arrow_ipc_file"), ("stream", "arrow_ipc_stream")] {
                let path = dir.join(format!("generated_{name}.{extension}"));
                if let Ok(bytes) = std::fs::read(&path) {
                    corpus.put(target, &format!("arrow-cpp-21-{name}"), &bytes)?;
                }
            }
        }
    }
    Ok(())
}

fn store(corpus: &Corpus) -> Result {
    for (name, records, close) in [("clean-3", 3_u64, true), ("crashed-5", 5, false), ("empty-clean", 0, true)] {
        let dir = tempfile::tempdir()?;
        let (mut log, _) =
            RecordLog::open_with(dir.path(), LogOptions { segment_size: 4096, ..LogOptions::default() })?;
        for i in 0..records {
            log.append(format!("record {i}").as_bytes())?;
        }
        log.sync()?;
        if close {
            log.close()?;
        } else {
            // A crash: no clean-shutdown marker.
            drop(log);
            let _ = std::fs::remove_file(dir.path().join("CLEAN"));
        }
        let read = |file: &str| std::fs::read(dir.path().join(file)).ok();
        let seg = read("00000000000000000000.seg").unwrap_or_default();
        // The segment is preallocated: its zero tail adds nothing.
        let used = seg.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
        let seg = &seg[..used.next_multiple_of(8).min(seg.len())];
        let idx = read("00000000000000000000.idx").unwrap_or_default();
        let marker = read("CLEAN");
        let mut input = Vec::new();
        let len16 = |n: usize| u16::try_from(n).expect("small").to_le_bytes();
        input.extend_from_slice(&len16(seg.len()));
        input.extend_from_slice(&len16(idx.len()));
        input.extend_from_slice(&marker.as_ref().map_or([0xFF, 0xFF], |m| len16(m.len())));
        input.extend_from_slice(seg);
        input.extend_from_slice(&idx);
        input.extend_from_slice(marker.as_deref().unwrap_or_default());
        corpus.put("store_open", name, &input)?;
    }
    Ok(())
}

fn main() -> Result {
    let mut args = std::env::args_os().skip(1);
    let root = PathBuf::from(args.next().ok_or("usage: fuzz_seeds OUT_DIR [MSGPACK_SUITE_JSON] [ARROW_GOLDEN_DIR]")?);
    let msgpack_suite = args.next().map(PathBuf::from);
    let golden = args.next().map(PathBuf::from);
    let corpus = Corpus { root };
    wire(&corpus, msgpack_suite.as_deref())?;
    codec(&corpus)?;
    proto(&corpus)?;
    arrow(&corpus, golden.as_deref())?;
    store(&corpus)?;
    sniff(&corpus)?;
    Ok(())
}

/// `formats_sniff`: one input of each format the registry knows, the binary
/// ones taken from the seeds written above.
fn sniff(corpus: &Corpus) -> Result {
    let texts: [(&str, &[u8]); 5] = [
        ("json", b"{\"id\": 1, \"tags\": [\"a\", \"b\"]}"),
        ("ndjson", b"{\"id\":1}\n{\"id\":2}\n"),
        ("ndjson-bom", b"\xef\xbb\xbf{\"id\":1}\n{\"id\":2}\n"),
        ("json-array", b"[1, 2.5, null, \"x\"]"),
        ("csv", b"id,name\n1,ann\n2,bo\n"),
    ];
    for (name, bytes) in texts {
        corpus.put("formats_sniff", name, bytes)?;
    }
    let record = serde_json::json!({"id": 7, "name": "ann", "scores": [1.5, 2.5]});
    corpus.put("formats_sniff", "msgpack", &rmp_serde::to_vec_named(&record)?)?;
    for (name, from) in [
        ("wire", "wire_value"),
        ("protobuf", "proto_messages"),
        ("arrow-file", "arrow_ipc_file"),
        ("arrow-stream", "arrow_ipc_stream"),
        ("parquet", "parquet_read"),
    ] {
        let mut seeds: Vec<_> = std::fs::read_dir(corpus.root.join(from))?.collect::<std::io::Result<_>>()?;
        seeds.sort_by_key(std::fs::DirEntry::file_name);
        let first = seeds.first().ok_or_else(|| format!("no seeds in {from}"))?;
        corpus.put("formats_sniff", name, &std::fs::read(first.path())?)?;
    }
    Ok(())
}
