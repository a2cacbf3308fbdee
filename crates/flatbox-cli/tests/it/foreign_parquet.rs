//! Parquet shaped the way other writers shape it, which pyarrow does not
//! write: parquet-mr's repeated groups with no LIST annotation (the shape
//! of parquet-testing's `repeated_no_annotation.parquet`) and decimals
//! stored as `BYTE_ARRAY` (Spark, Impala). The files are written here with the
//! parquet crate's low-level column writers, levels by hand, and read back
//! through `flatbox convert` with every row and value.

use std::path::Path;
use std::sync::Arc;

use flatbox::wire::{Decimal, Value};
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use serde_json::json;

use crate::support::{Scratch, flatbox, read_ndjson};

/// One column's values with their definition and repetition levels.
enum Column<'a> {
    Int32(&'a [i32], Option<&'a [i16]>, Option<&'a [i16]>),
    Int64(&'a [i64], Option<&'a [i16]>, Option<&'a [i16]>),
    Bytes(Vec<ByteArray>, Option<&'a [i16]>, Option<&'a [i16]>),
}

fn write(path: &Path, schema: &str, columns: Vec<Column<'_>>) {
    let schema = Arc::new(parse_message_type(schema).unwrap());
    let file = std::fs::File::create(path).unwrap();
    let mut writer = SerializedFileWriter::new(file, schema, Arc::new(WriterProperties::new())).unwrap();
    let mut group = writer.next_row_group().unwrap();
    for column in columns {
        let mut w = group.next_column().unwrap().unwrap();
        match column {
            Column::Int32(v, d, r) => drop(w.typed::<Int32Type>().write_batch(v, d, r).unwrap()),
            Column::Int64(v, d, r) => drop(w.typed::<Int64Type>().write_batch(v, d, r).unwrap()),
            Column::Bytes(v, d, r) => drop(w.typed::<ByteArrayType>().write_batch(&v, d, r).unwrap()),
        }
        w.close().unwrap();
    }
    group.close().unwrap();
    writer.close().unwrap();
}

#[test]
fn a_repeated_group_without_a_list_annotation_keeps_all_six_rows() {
    let dir = Scratch::new();
    let path = dir.path("repeated_no_annotation.parquet");
    // Six users: no phone numbers (null), an empty list, one number without
    // a kind, one with, three, and one.
    write(
        &path,
        "message user {
            required int32 id;
            optional group phoneNumbers {
                repeated group phone {
                    required int64 number;
                    optional binary kind (UTF8);
                }
            }
        }",
        vec![
            Column::Int32(&[1, 2, 3, 4, 5, 6], None, None),
            Column::Int64(
                &[5_555_555_555, 1_111_111_111, 1_111_111_111, 2_222_222_222, 3_333_333_333, 4_444_444_444],
                Some(&[0, 1, 2, 2, 2, 2, 2, 2]),
                Some(&[0, 0, 0, 0, 0, 1, 1, 0]),
            ),
            Column::Bytes(
                ["home", "home", "mobile", "mobile"].map(ByteArray::from).to_vec(),
                Some(&[0, 1, 2, 3, 3, 2, 3, 3]),
                Some(&[0, 0, 0, 0, 0, 1, 1, 0]),
            ),
        ],
    );
    let out = dir.path("users.ndjson");
    flatbox().arg("convert").arg(&path).arg(&out).assert().success();
    let phone = |number: i64, kind: Option<&str>| json!({"number": number, "kind": kind});
    let expected = vec![
        json!({"id": 1, "phoneNumbers": null}),
        json!({"id": 2, "phoneNumbers": {"phone": []}}),
        json!({"id": 3, "phoneNumbers": {"phone": [phone(5_555_555_555, None)]}}),
        json!({"id": 4, "phoneNumbers": {"phone": [phone(1_111_111_111, Some("home"))]}}),
        json!({"id": 5, "phoneNumbers": {"phone": [
            phone(1_111_111_111, Some("home")), phone(2_222_222_222, None), phone(3_333_333_333, Some("mobile"))
        ]}}),
        json!({"id": 6, "phoneNumbers": {"phone": [phone(4_444_444_444, Some("mobile"))]}}),
    ];
    assert_eq!(read_ndjson(&out), expected);
    // Through the record model too: six rows of wire, and back to Parquet.
    let wire = dir.path("users.wire");
    flatbox().arg("convert").arg(&path).arg(&wire).assert().success();
    let back = dir.path("back.ndjson");
    flatbox().arg("convert").arg(&wire).arg(&back).assert().success();
    assert_eq!(read_ndjson(&back), expected);
}

#[test]
fn byte_array_decimals_read_as_decimals() {
    let dir = Scratch::new();
    let path = dir.path("byte_array_decimal.parquet");
    // Big-endian two's complement, minimal length, as parquet-mr writes.
    let unscaled: [i128; 4] = [1234, -1, 0, 99_999_999_999];
    let bytes: Vec<ByteArray> = unscaled
        .iter()
        .map(|n| {
            let full = n.to_be_bytes();
            let skip = full
                .iter()
                .zip(&full[1..])
                .take_while(|(a, b)| (**a == 0 && **b < 0x80) || (**a == 0xFF && **b >= 0x80))
                .count();
            ByteArray::from(full[skip..].to_vec())
        })
        .collect();
    write(
        &path,
        "message m { optional binary price (DECIMAL(12, 2)); }",
        vec![Column::Bytes(bytes, Some(&[1, 1, 0, 1, 1]), None)],
    );
    let out = dir.path("prices.ndjson");
    flatbox().arg("convert").arg(&path).arg(&out).assert().success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        text,
        "{\"price\":12.34}\n{\"price\":-0.01}\n{\"price\":null}\n{\"price\":0.00}\n{\"price\":999999999.99}\n"
    );
    // The record model keeps them as decimals of the column's precision.
    let wire = dir.path("prices.wire");
    flatbox().arg("convert").arg(&path).arg(&wire).assert().success();
    let bytes = std::fs::read(&wire).unwrap();
    let mut reader = &bytes[..];
    let mut prices = Vec::new();
    while !reader.is_empty() {
        let Value::Map(row) = flatbox::wire::from_reader::<_, Value>(&mut reader).unwrap() else { panic!("a row") };
        prices.push(row[0].1.clone());
    }
    let decimal = |n: i128| Value::Decimal(Decimal::from_i128(n, 12, 2).unwrap());
    assert_eq!(prices, [decimal(1234), decimal(-1), Value::Null, decimal(0), decimal(99_999_999_999)]);
}
