//! Arrow IPC to wire and MessagePack through the record model, and back:
//! rows of wire and MessagePack become typed columns. Arrow C++'s
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

fn row(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(entries.into_iter().map(|(k, v)| (Value::String(k.into()), v)).collect())
}

fn write_wire(path: &Path, rows: &[Value]) {
    let mut bytes = Vec::new();
    for r in rows {
        flatbox::wire::to_writer(&mut bytes, r).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn wire_and_msgpack_rows_become_typed_columns_and_come_back() {
    use flatbox_arrow::arrow_schema::{DataType, TimeUnit as ArrowUnit};
    let dir = Scratch::new();
    let paris = Some(std::sync::Arc::<str>::from("Europe/Paris"));
    let rows: Vec<Value> = (0..5_i64)
        .map(|i| {
            row(vec![
                ("id", Value::Integer(i.into())),
                ("blob", if i == 2 { Value::Null } else { Value::Bytes(vec![u8::try_from(i).unwrap(), 0xFF]) }),
                (
                    "at",
                    Value::DateTime { value: i * 1000, unit: flatbox::wire::TimeUnit::Millisecond, tz: paris.clone() },
                ),
                ("price", Value::Decimal(flatbox::wire::Decimal::from_i128(i128::from(i) * 101, 8, 2).unwrap())),
                ("tags", Value::Array((0..i).map(|t| Value::String(format!("t{t}"))).collect())),
            ])
        })
        .collect();
    let wire = dir.path("rows.wire");
    write_wire(&wire, &rows);
    for (from, mid) in [(wire.clone(), "rows.parquet"), (wire.clone(), "rows.arrow")] {
        let out = dir.path(mid);
        flatbox().arg("convert").arg(&from).arg(&out).assert().success();
        let batches = if mid.ends_with("parquet") {
            flatbox_arrow::read_parquet(bytes::Bytes::from(std::fs::read(&out).unwrap())).unwrap().1
        } else {
            IpcFile::open(&out).unwrap().batches().unwrap()
        };
        let schema = batches[0].schema();
        let types: Vec<DataType> = schema.fields().iter().map(|f| f.data_type().clone()).collect();
        assert_eq!(types[0], DataType::Int64, "{mid}");
        assert_eq!(types[1], DataType::Binary, "{mid}");
        assert_eq!(types[2], DataType::Timestamp(ArrowUnit::Millisecond, Some("Europe/Paris".into())), "{mid}");
        assert_eq!(types[3], DataType::Decimal128(8, 2), "{mid}");
        assert!(schema.field(1).is_nullable() && !schema.field(0).is_nullable(), "{mid}");
        let back: Vec<Value> = batches.iter().flat_map(|b| flatbox_arrow::records::to_records(b).unwrap()).collect();
        assert_eq!(back, rows, "{mid}: the same values");
        // And back to wire through the record model: the input's values.
        let again = dir.path(&format!("{mid}.wire"));
        flatbox().arg("convert").arg(&out).arg(&again).assert().success();
        assert_eq!(read_wire(&again), rows, "{mid} -> wire");
    }
    // MessagePack keeps bytes and decimals; its timestamp is an instant.
    let msgpack = dir.path("rows.msgpack");
    flatbox().arg("convert").arg(&wire).arg(&msgpack).assert().success();
    let parquet = dir.path("from-msgpack.parquet");
    flatbox().arg("convert").arg(&msgpack).arg(&parquet).assert().success();
    let batches = flatbox_arrow::read_parquet(bytes::Bytes::from(std::fs::read(&parquet).unwrap())).unwrap().1;
    let schema = batches[0].schema();
    assert_eq!(schema.field(1).data_type(), &DataType::Binary);
    assert_eq!(schema.field(2).data_type(), &DataType::Timestamp(ArrowUnit::Nanosecond, Some("+00:00".into())));
    assert_eq!(schema.field(3).data_type(), &DataType::Decimal128(8, 2));
}

#[test]
fn a_row_that_does_not_fit_the_inferred_columns_is_named() {
    let dir = Scratch::new();
    let mut rows: Vec<Value> = (0..3).map(|i| row(vec![("n", Value::Integer(i))])).collect();
    rows.push(row(vec![("n", Value::String("four".into()))]));
    let wire = dir.path("bad.wire");
    write_wire(&wire, &rows);
    let out = flatbox().arg("convert").arg(&wire).arg(dir.path("bad.parquet")).output().unwrap();
    crate::support::assert_fails(&out, 1, &["row 4", "column n", "strings", "integers"]);
    assert!(!dir.path("bad.parquet").exists(), "no half-written output");
    // Integers beside floats are floats; a float in an integer column is not silently truncated.
    let rows: Vec<Value> = vec![row(vec![("x", Value::Integer(1))]), row(vec![("x", Value::F64(1.5))])];
    write_wire(&wire, &rows);
    flatbox().arg("convert").arg(&wire).arg(dir.path("ok.ndjson")).assert().success();
    flatbox().arg("convert").arg(&wire).arg(dir.path("ok.parquet")).assert().success();
    flatbox().arg("convert").arg(dir.path("ok.parquet")).arg(dir.path("back.ndjson")).assert().success();
    assert_eq!(std::fs::read_to_string(dir.path("back.ndjson")).unwrap(), "{\"x\":1.0}\n{\"x\":1.5}\n");
}
