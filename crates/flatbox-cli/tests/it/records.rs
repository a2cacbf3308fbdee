//! Arrow IPC to wire and MessagePack through the record model: Arrow C++'s
//! golden files come out with the values `flatbox_arrow::records` reads
//! from them (bytes, decimals and timestamps included).

use std::path::{Path, PathBuf};

use flatbox::wire::Value;
use flatbox_arrow::IpcFile;

use crate::support::{Scratch, flatbox};

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../flatbox-arrow/tests/data/arrow-ipc-stream/integration/cpp-21.0.0")
        .join(format!("{name}.arrow_file"))
}

/// The rows of every batch of an IPC file, as the record model.
fn source_rows(path: &Path) -> Vec<Value> {
    let file = IpcFile::open(path).unwrap();
    file.batches().unwrap().iter().flat_map(|b| flatbox_arrow::records::to_records(b).unwrap()).collect()
}

fn convert(input: &Path, output: &Path) {
    flatbox().arg("convert").arg(input).arg(output).arg("--from").arg("arrow").assert().success();
}

fn read_wire(path: &Path) -> Vec<Value> {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = &bytes[..];
    let mut rows = Vec::new();
    while !reader.is_empty() {
        rows.push(flatbox::wire::from_reader::<_, Value>(&mut reader).unwrap());
    }
    rows
}

fn read_msgpack(path: &Path) -> Vec<Value> {
    let bytes = std::fs::read(path).unwrap();
    let mut at = 0;
    let mut rows = Vec::new();
    while at < bytes.len() {
        let (value, used) = flatbox::records::from_msgpack_prefix(&bytes[at..]).unwrap();
        rows.push(value);
        at += used;
    }
    rows
}

#[test]
fn golden_decimals_timestamps_and_bytes_to_wire_keep_their_values() {
    let dir = Scratch::new();
    for name in
        ["generated_decimal", "generated_decimal256", "generated_datetime", "generated_binary", "generated_nested"]
    {
        let input = golden(name);
        let out = dir.path(&format!("{name}.wire"));
        convert(&input, &out);
        let expected = source_rows(&input);
        assert!(!expected.is_empty(), "{name} has rows");
        assert_eq!(read_wire(&out), expected, "{name}: wire holds the record model's rows");
    }
}

#[test]
fn golden_bytes_and_decimals_to_msgpack_keep_their_values() {
    let dir = Scratch::new();
    for name in ["generated_binary", "generated_decimal", "generated_large_binary"] {
        let input = golden(name);
        let out = dir.path(&format!("{name}.msgpack"));
        convert(&input, &out);
        let expected = source_rows(&input);
        let back = read_msgpack(&out);
        assert_eq!(back, expected, "{name}: msgpack holds the rows");
        assert!(
            back.iter().any(|r| matches!(r, Value::Map(e) if e.iter().any(|(_, v)| matches!(v, Value::Bytes(_) | Value::Decimal(_))))),
            "{name}: bytes or decimals, not strings"
        );
    }
}
