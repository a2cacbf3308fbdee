//! Golden bytes: the examples of FORMAT.md, byte for byte.

use std::collections::BTreeMap;
use std::fmt::Debug;

use flatbox_wire::{Config, Decimal, Extension, Interval, Packed, TimeUnit, Timestamp, Value};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{check, hex};

/// The "Golden vectors" table of FORMAT.md: (label, hex).
fn format_md_vectors() -> Vec<(String, String)> {
    let spec = include_str!("../../FORMAT.md");
    let table = spec.split("## Golden vectors").nth(1).expect("FORMAT.md has a Golden vectors section");
    table
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_owned(), cells[cells.len() - 2].trim_matches('`').to_owned())
        })
        .collect()
}

/// Encodes, checks the round trip, returns the bytes.
fn enc<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T, config: Config) -> Vec<u8> {
    let bytes = flatbox_wire::to_vec_with_config(value, config).unwrap();
    assert_eq!(&flatbox_wire::from_slice::<T>(&bytes).unwrap(), value);
    bytes
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Empty {}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Meters(u32);

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Marker;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Point(i8, i8);

/// The bytes the encoder writes for the value a FORMAT.md label names.
fn golden(label: &str) -> Option<Vec<u8>> {
    let d = Config::default();
    let alice = Person { name: "Alice".into(), age: 30 };
    let bob = Person { name: "Bob".into(), age: 25 };
    Some(match label {
        "uint-63" => enc(&63_u64, d),
        "uint-64" => enc(&64_u64, d),
        "uint-300" => enc(&300_u32, d),
        "uint-1642678800" => enc(&1_642_678_800_u64, d),
        "uint-u64-max" => enc(&u64::MAX, d),
        "int-minus-1" => enc(&-1_i32, d),
        "int-minus-64" => enc(&-64_i64, d),
        "int-i64-min" => enc(&i64::MIN, d),
        "u128-2pow64" => enc(&(u128::from(u64::MAX) + 1), d),
        "i128-below-i64-min" => enc(&(i128::from(i64::MIN) - 1), d),
        "f32-1.5" => enc(&1.5_f32, d),
        "f64-1.5" => enc(&1.5_f64, d),
        "str-empty" => enc(&String::new(), d),
        "str-hello" => enc(&"hello".to_owned(), d),
        "char" => enc(&'é', d),
        "str-32" => enc(&"x".repeat(32), d),
        "bytes" => enc(&Value::Bytes(vec![1, 2, 3]), d),
        "vec-u32" => enc(&vec![1_u32, 127, 300], d),
        "vec-empty" => enc(&Vec::<u8>::new(), d),
        "vec-16" => enc(&vec![true; 16], d),
        "numbers-u32" => enc(&vec![1_u32, 127, 128, 300], d),
        "numbers-i32" => enc(&vec![-1_i32, 0, 1, -300], d),
        "numbers-u8" => enc(&vec![0_u8, 1, 64, 200, 255], d),
        "numbers-f32" => enc(&vec![1.5_f32, 2.0, -0.0, 0.5], d),
        "numbers-f64" => enc(&vec![0.25_f64, 1e300, -1.0, 0.0], d),
        "array-f32" => enc(&[1.5_f32, 2.0, -0.0, 0.5], d),
        "tuple-u8" => enc(&[192_u8, 168, 0, 1], d),
        "tuple-plain" => enc(&(1_u32, "a".to_owned(), 2_u32), d),
        "numbers-rows-f32" => enc(&vec![(1.5_f32, 2.0_f32), (-1.0, 0.0), (10.0, -5.0), (0.5, 0.25)], d),
        "numbers-rows-u8" => enc(&vec![[255_u8, 0, 0], [0, 255, 0], [0, 0, 255], [16, 32, 48]], d),
        "numbers-rows-plain" => {
            enc(&vec![(1_u8, "a".to_owned()), (2, "a".into()), (3, "a".into()), (4, "a".into())], d)
        }
        "numbers-newtype" => enc(&vec![Meters(1), Meters(2), Meters(3), Meters(300)], d),
        "numbers-then-string" => enc(
            &Value::Array(vec![Value::Integer(1), Value::Integer(2), Value::Integer(3), Value::String("a".into())]),
            d,
        ),
        "tuple" => enc(&(1_u8, "a".to_owned()), d),
        "map-str-keys" => enc(&BTreeMap::from([("a".to_owned(), 1_u8), ("b".to_owned(), 2)]), d),
        "map-int-keys" => enc(&BTreeMap::from([(1_u8, true)]), d),
        "intern-strings" => enc(&vec!["-".to_owned(); 3], d.intern_strings(true)),
        "intern-strings-off" => enc(&vec!["-".to_owned(); 3], d),
        "person-first" => enc(&alice, d),
        "person-second" => enc(&vec![alice, bob], d),
        "person-no-key-interning" => enc(&bob, d.intern_keys(false)),
        "struct-empty" => enc(&Empty {}, d),
        "option-none" => enc(&None::<u8>, d),
        "option-some" => enc(&Some(7_u8), d),
        "option-some-none" => enc(&Some(None::<u8>), d),
        "option-some-some-none" => enc(&Some(Some(None::<u8>)), d),
        "option-some-unit" => enc(&Some(()), d),
        "enum-unit" => enc(&E::Unit, d),
        "enum-unit-twice" => enc(&vec![E::Unit, E::Unit], d),
        "enum-newtype" => enc(&E::Newtype(5), d),
        "enum-tuple" => enc(&E::Tuple(1, 2), d),
        "enum-struct" => enc(&E::Struct { x: 9 }, d),
        "newtype-struct" => enc(&Meters(300), d),
        "unit-struct" => enc(&Marker, d),
        "tuple-struct" => enc(&Point(1, -1), d),
        "timestamp" => enc(&Timestamp::new(1_642_678_800, 0).unwrap(), d),
        "timestamp-before-epoch" => enc(&Timestamp::new(-1, 500_000_000).unwrap(), d),
        "extension" => enc(&Extension { type_id: 7, data: vec![0xAA, 0xBB] }, d),
        "packed-f64" => enc(&Packed(vec![1.5_f64, 2.0]), d),
        "packed-u16-in-tuple" => enc(&(1_u8, Packed(vec![7_u16])), d),
        "logical-f16" => enc(&Value::F16(half::f16::from_f32(1.5)), d),
        "logical-datetime-utc" => {
            enc(&Value::DateTime { value: 1_642_678_800_000, unit: TimeUnit::Millisecond, tz: Some("UTC".into()) }, d)
        }
        "logical-datetime-naive" => enc(&Value::DateTime { value: -1, unit: TimeUnit::Nanosecond, tz: None }, d),
        "logical-date32" => enc(&Value::Date32(19_012), d),
        "logical-date64" => enc(&Value::Date64(1_642_636_800_000), d),
        "logical-time" => enc(&Value::Time { value: 42_000_000_000, unit: TimeUnit::Microsecond }, d),
        "logical-duration" => enc(&Value::Duration { value: 90, unit: TimeUnit::Second }, d),
        "logical-interval-year-month" => enc(&Value::Interval(Interval::YearMonth { months: 14 }), d),
        "logical-interval-day-time" => enc(&Value::Interval(Interval::DayTime { days: 1, millis: 500 }), d),
        "logical-interval-month-day-nano" => {
            enc(&Value::Interval(Interval::MonthDayNano { months: 1, days: 2, nanos: 3 }), d)
        }
        "logical-decimal" => enc(&Value::Decimal(Decimal::from_i128(1234, 4, 2).unwrap()), d),
        "logical-decimal-negative" => enc(&Value::Decimal(Decimal::from_i128(-123, 5, 2).unwrap()), d),
        "logical-union" => enc(&Value::Union { type_id: 1, value: Box::new(Value::Integer(7)) }, d),
        _ => return None,
    })
}

#[test]
fn every_golden_vector_of_format_md_is_what_the_encoder_writes() {
    let vectors = format_md_vectors();
    assert!(vectors.len() >= 40, "found only {} vectors in FORMAT.md", vectors.len());
    for (label, expected) in &vectors {
        let bytes = golden(label).unwrap_or_else(|| panic!("FORMAT.md vector {label} has no value in this test"));
        assert_eq!(&hex(&bytes), expected, "FORMAT.md vector {label}");
    }
}

#[test]
fn every_hex_example_in_format_md_matches_its_table_row() {
    let spec = include_str!("../../FORMAT.md");
    let table: BTreeMap<String, String> = format_md_vectors().into_iter().collect();
    let mut seen = 0;
    for block in spec.split("<!-- golden: ").skip(1) {
        let label = block.split(" -->").next().unwrap();
        // The block's hex: the code fence after the label, the bytes before
        // the comment column, lines joined.
        let fence = block.split("```text\n").nth(1).unwrap().split("```").next().unwrap();
        let bytes: Vec<&str> = fence
            .lines()
            .flat_map(|l| l.split("  ").next().unwrap_or("").split_whitespace())
            .take_while(|t| t.len() == 2 && t.chars().all(|c| c.is_ascii_hexdigit()))
            .collect();
        let expected = table.get(label).unwrap_or_else(|| panic!("example {label} is not in the table"));
        assert_eq!(&bytes.join(" "), expected, "FORMAT.md example {label}");
        seen += 1;
    }
    assert_eq!(seen, table.len(), "every table row has an example block");
}

#[test]
fn every_walk_through_in_format_md_is_what_inspect_prints() {
    // Each listing under a `walkthrough: a+b` label is `inspect` of the
    // golden vectors a and b, one value after the other.
    let spec = include_str!("../../FORMAT.md");
    let mut seen = 0;
    for block in spec.split("<!-- walkthrough: ").skip(1) {
        let labels = block.split(" -->").next().unwrap();
        let mut bytes = Vec::new();
        for label in labels.split('+') {
            bytes.extend(golden(label).unwrap_or_else(|| panic!("walk-through names unknown vector {label}")));
        }
        let listing = block.split("```text\n").nth(1).unwrap().split("```").next().unwrap();
        let printed = flatbox_wire::inspect(&bytes).unwrap();
        assert_eq!(printed.trim_end(), listing.trim_end(), "FORMAT.md walk-through of {labels}");
        seen += 1;
    }
    assert_eq!(seen, 6, "every walk-through carries a label");
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Person {
    name: String,
    age: u8,
}

#[test]
fn scalars() {
    check(&(), &[0xE0]);
    check(&false, &[0xE1]);
    check(&true, &[0xE2]);
    check(&0_u8, &[0x00]);
    check(&63_u64, &[0x3F]);
    // Above 63: the bytes the value needs, little-endian, their count in
    // the tag (F5 one byte ... FC eight).
    check(&64_u64, &[0xF5, 0x40]);
    check(&255_u8, &[0xF5, 0xFF]);
    check(&256_u16, &[0xF6, 0x00, 0x01]);
    check(&300_u32, &[0xF6, 0x2C, 0x01]);
    check(&1_642_678_800_u32, &[0xF8, 0x10, 0x4A, 0xE9, 0x61]);
    check(&(1_u64 << 32), &[0xF9, 0x00, 0x00, 0x00, 0x00, 0x01]);
    check(&u64::MAX, &[0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    check(&i64::MAX, &[0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]);
    check(&-1_i32, &[0xE4, 0x01]);
    check(&-64_i64, &[0xE4, 0x7F]);
    check(&i64::MIN, &[0xE4, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
    check(&(u128::from(u64::MAX) + 1), &[0xE5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]);
    check(&(i128::from(i64::MIN) - 1), &[0xE6, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]);
    check(&1.5_f32, &[0xE7, 0x00, 0x00, 0xC0, 0x3F]);
    check(&1.5_f64, &[0xE8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F]);
    check(&'é', &[0x42, 0xC3, 0xA9]);
    check(&String::new(), &[0x40]);
    check(&"hello".to_owned(), &[0x45, b'h', b'e', b'l', b'l', b'o']);
    let long = "x".repeat(32);
    let mut expected = vec![0xE9, 32];
    expected.extend_from_slice(long.as_bytes());
    check(&long, &expected);
}

#[test]
fn collections() {
    check(&vec![1_u32, 127, 300], &[0x63, 0x01, 0xF5, 0x7F, 0xF6, 0x2C, 0x01]);
    check(&Vec::<u8>::new(), &[0x60]);
    let sixteen = vec![true; 16];
    let mut expected = vec![0xEB, 16];
    expected.extend_from_slice(&[0xE2; 16]);
    check(&sixteen, &expected);
    let mut map = BTreeMap::new();
    map.insert("a".to_owned(), 1_u8);
    map.insert("b".to_owned(), 2);
    check(&map, &[0x72, 0xED, 0x01, b'a', 0x01, 0xED, 0x01, b'b', 0x02]);
    check(&(1_u8, "a".to_owned()), &[0x62, 0x01, 0x41, b'a']);
}

#[test]
fn structs_and_shapes() {
    let alice = Person { name: "Alice".into(), age: 30 };
    // The tutorial's MessagePack example {"name":"Alice","age":30}: 18 bytes
    // the first time (MessagePack: 17), because the keys are spelled out...
    check(
        &alice,
        &[0xEF, 0x02, 0x44, b'n', b'a', b'm', b'e', 0x45, b'A', b'l', b'i', b'c', b'e', 0x43, b'a', b'g', b'e', 0x1E],
    );
    // ...and 1 + 6 + 1 = 8 bytes for each later Alice (MessagePack: 17 again).
    let people = vec![alice, Person { name: "Bob".into(), age: 25 }];
    let bytes = flatbox_wire::to_vec(&people).unwrap();
    assert_eq!(hex(&bytes), "62 EF 02 44 6E 61 6D 65 45 41 6C 69 63 65 43 61 67 65 1E C0 43 42 6F 62 19");
    assert_eq!(flatbox_wire::from_slice::<Vec<Person>>(&bytes).unwrap(), people);
    // With key interning off, a struct is a map with its keys spelled out.
    let plain = flatbox_wire::to_vec_with_config(&people[1], Config::default().intern_keys(false)).unwrap();
    assert_eq!(hex(&plain), "72 44 6E 61 6D 65 43 42 6F 62 43 61 67 65 19");
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum E {
    Unit,
    Newtype(u8),
    Tuple(u8, u8),
    Struct { x: u8 },
}

#[test]
fn enums_and_options() {
    check(&E::Unit, &[0xED, 0x04, b'U', b'n', b'i', b't']);
    check(&E::Newtype(5), &[0x71, 0xED, 0x07, b'N', b'e', b'w', b't', b'y', b'p', b'e', 0x05]);
    check(&E::Tuple(1, 2), &[0x71, 0xED, 0x05, b'T', b'u', b'p', b'l', b'e', 0x62, 0x01, 0x02]);
    check(&E::Struct { x: 9 }, &[0x71, 0xED, 0x06, b'S', b't', b'r', b'u', b'c', b't', 0xEF, 0x01, 0x41, b'x', 0x09]);
    check(&vec![E::Unit, E::Unit], &[0x62, 0xED, 0x04, b'U', b'n', b'i', b't', 0x80]);
    check(&None::<u8>, &[0xE0]);
    check(&Some(7_u8), &[0x07]);
    check(&Some(None::<u8>), &[0xF1, 0xE0]);
    check(&Some(Some(None::<u8>)), &[0xF1, 0xF1, 0xE0]);
    check(&Some(()), &[0xF1, 0xE0]);
}

#[test]
fn packed_timestamps_and_interned_strings() {
    // Tag, kind, count, 5 bytes of padding to offset 8, then the data.
    let mut expected = vec![0xF4, 0x0A, 0x02, 0, 0, 0, 0, 0];
    expected.extend_from_slice(&1.5_f64.to_le_bytes());
    expected.extend_from_slice(&2.0_f64.to_le_bytes());
    check(&Packed(vec![1.5_f64, 2.0]), &expected);
    check(&Timestamp::new(1_642_678_800, 0).unwrap(), &[0xF2, 0xA0, 0xA8, 0xCA, 0x9E, 0x0C, 0x00]);
    let bytes = flatbox_wire::to_vec_with_config(&vec!["-", "-", "-"], Config::default().intern_strings(true)).unwrap();
    assert_eq!(bytes, [0x63, 0xED, 0x01, b'-', 0x80, 0x80]);
}
