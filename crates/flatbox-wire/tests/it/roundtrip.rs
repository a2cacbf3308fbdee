//! Round trips: proptest over `Value`s and over derived structs and enums.

use std::borrow::Cow;
use std::collections::BTreeMap;

use flatbox_wire::{Config, Decimal, Extension, Interval, Packed, PackedArray, TimeUnit, Timestamp, Value};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i128>().prop_map(Value::Integer),
        (0_u64..200).prop_map(|n| Value::Integer(i128::from(n))),
        (i128::MAX.cast_unsigned() + 1..=u128::MAX).prop_map(Value::BigUInt),
        any::<f32>().prop_filter("not NaN", |f| !f.is_nan()).prop_map(Value::F32),
        any::<f64>().prop_filter("not NaN", |f| !f.is_nan()).prop_map(Value::F64),
        ".{0,40}".prop_map(Value::String),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
        (any::<i64>(), 0_u32..1_000_000_000).prop_map(|(s, n)| Value::Timestamp(Timestamp::new(s, n).unwrap())),
        (any::<u64>(), prop::collection::vec(any::<u8>(), 0..20))
            .prop_filter("not a reserved id", |(id, _)| !flatbox_wire::RESERVED_EXTENSION_IDS.contains(id))
            .prop_map(|(type_id, data)| Value::Extension(Extension { type_id, data })),
        logical(),
        prop::collection::vec(any::<f64>().prop_filter("not NaN", |f| !f.is_nan()), 0..20)
            .prop_map(|v| Value::Packed(PackedArray::F64(v))),
        prop::collection::vec(any::<u16>(), 0..20).prop_map(|v| Value::Packed(PackedArray::U16(v))),
        prop::collection::vec(any::<i8>(), 0..20).prop_map(|v| Value::Packed(PackedArray::I8(v))),
        // Arrays of numbers (tag FD), and ones that start as such.
        prop::collection::vec(any::<i64>(), 0..20)
            .prop_map(|v| Value::Array(v.into_iter().map(|n| Value::Integer(n.into())).collect())),
        prop::collection::vec(any::<u64>(), 0..20)
            .prop_map(|v| Value::Array(v.into_iter().map(|n| Value::Integer(n.into())).collect())),
        prop::collection::vec(any::<f32>().prop_filter("not NaN", |f| !f.is_nan()), 0..20)
            .prop_map(|v| Value::Array(v.into_iter().map(Value::F32).collect())),
        (prop::collection::vec(any::<f64>().prop_filter("not NaN", |f| !f.is_nan()), 0..20), any::<i128>())
            .prop_map(|(v, tail)| Value::Array(v.into_iter().map(Value::F64).chain([Value::Integer(tail)]).collect())),
    ];
    leaf.prop_recursive(4, 64, 20, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..20).prop_map(Value::Array),
            (any::<i8>(), inner.clone()).prop_map(|(type_id, v)| Value::Union { type_id, value: Box::new(v) }),
            prop::collection::vec((prop_oneof!["[a-e]{0,3}".prop_map(Value::String), inner.clone()], inner), 0..20)
                .prop_map(Value::Map),
        ]
    })
}

fn unit() -> impl Strategy<Value = TimeUnit> {
    prop_oneof![
        Just(TimeUnit::Second),
        Just(TimeUnit::Millisecond),
        Just(TimeUnit::Microsecond),
        Just(TimeUnit::Nanosecond)
    ]
}

/// The logical types of the record model.
fn logical() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u16>().prop_map(half::f16::from_bits).prop_filter("not NaN", |f| !f.is_nan()).prop_map(Value::F16),
        (any::<i64>(), unit(), prop::option::of("[A-Za-z/_+:0-9]{0,20}"))
            .prop_map(|(value, unit, tz)| Value::DateTime { value, unit, tz: tz.map(Into::into) }),
        any::<i32>().prop_map(Value::Date32),
        any::<i64>().prop_map(Value::Date64),
        (any::<i64>(), unit()).prop_map(|(value, unit)| Value::Time { value, unit }),
        (any::<i64>(), unit()).prop_map(|(value, unit)| Value::Duration { value, unit }),
        any::<i32>().prop_map(|months| Value::Interval(Interval::YearMonth { months })),
        (any::<i32>(), any::<i32>()).prop_map(|(days, millis)| Value::Interval(Interval::DayTime { days, millis })),
        (any::<i32>(), any::<i32>(), any::<i64>())
            .prop_map(|(months, days, nanos)| Value::Interval(Interval::MonthDayNano { months, days, nanos })),
        (any::<[u8; 32]>(), 1_u8..=76, any::<i8>())
            .prop_map(|(b, p, s)| Value::Decimal(Decimal::from_le_bytes(b, p, s).unwrap())),
        (any::<i128>(), 1_u8..=38, any::<i8>())
            .prop_map(|(v, p, s)| Value::Decimal(Decimal::from_i128(v, p, s).unwrap())),
        (-300_i128..300, 1_u8..=4, 0_i8..3).prop_map(|(v, p, s)| Value::Decimal(Decimal::from_i128(v, p, s).unwrap())),
    ]
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Shape {
    Empty,
    Circle(f64),
    Rect(u32, u32),
    Poly { points: Vec<(i16, i16)>, closed: bool },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Unit;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Meters(f32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Pair(i8, String);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    id: u64,
    name: String,
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    note: Option<String>,
    #[allow(clippy::option_option, reason = "Some(None) has its own encoding, tested here")]
    nested: Option<Option<u8>>,
    unit: (),
    unit_struct: Unit,
    meters: Meters,
    pair: Pair,
    shapes: Vec<Shape>,
    small: i8,
    big: i128,
    huge: u128,
    letter: char,
    map: BTreeMap<String, i32>,
    int_keys: BTreeMap<u16, bool>,
    blob: Vec<u8>,
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Empty),
        any::<f64>().prop_filter("not NaN", |f| !f.is_nan()).prop_map(Shape::Circle),
        any::<(u32, u32)>().prop_map(|(a, b)| Shape::Rect(a, b)),
        (prop::collection::vec(any::<(i16, i16)>(), 0..4), any::<bool>())
            .prop_map(|(points, closed)| Shape::Poly { points, closed }),
    ]
}

prop_compose! {
    fn record()(
        id in any::<u64>(),
        name in ".{0,40}",
        tags in prop::collection::vec("[a-z]{1,4}", 0..4),
        note in prop::option::of(".{0,8}"),
        nested in any::<Option<Option<u8>>>(),
        meters in any::<f32>().prop_filter("not NaN", |f| !f.is_nan()),
        pair in (any::<i8>(), ".{0,4}"),
        shapes in prop::collection::vec(shape(), 0..6),
        small in any::<i8>(),
        big in any::<i128>(),
        huge in any::<u128>(),
        letter in any::<char>(),
        map in prop::collection::btree_map("[a-z]{0,6}", any::<i32>(), 0..5),
        int_keys in prop::collection::btree_map(any::<u16>(), any::<bool>(), 0..5),
        blob in prop::collection::vec(any::<u8>(), 0..16),
    ) -> Record {
        Record {
            id, name, tags, note, nested, unit: (), unit_struct: Unit, meters: Meters(meters),
            pair: Pair(pair.0, pair.1), shapes, small, big, huge, letter, map, int_keys, blob,
        }
    }
}

fn configs() -> [Config; 3] {
    [Config::default(), Config::default().intern_strings(true), Config::default().intern_keys(false)]
}

proptest! {
    #[test]
    fn values_round_trip(v in value()) {
        for config in configs() {
            let bytes = flatbox_wire::to_vec_with_config(&v, config).unwrap();
            let back: Value = flatbox_wire::from_slice(&bytes).unwrap();
            prop_assert_eq!(&back, &v);
        }
    }

    #[test]
    fn canonical_encodings_re_encode_to_the_same_bytes(v in value()) {
        // What the encoder writes is canonical: decoding and encoding again
        // gives the same bytes.
        for config in configs() {
            let bytes = flatbox_wire::to_vec_with_config(&v, config).unwrap();
            let back: Value = flatbox_wire::from_slice(&bytes).unwrap();
            prop_assert_eq!(flatbox_wire::to_vec_with_config(&back, config).unwrap(), bytes);
        }
    }

    #[test]
    fn derived_types_round_trip(records in prop::collection::vec(record(), 0..6)) {
        for config in configs() {
            let bytes = flatbox_wire::to_vec_with_config(&records, config).unwrap();
            let back: Vec<Record> = flatbox_wire::from_slice(&bytes).unwrap();
            prop_assert_eq!(&back, &records);
            // Every encoding decodes schema-less too, and re-encodes through
            // Value to a value equal to the first decoding.
            let value: Value = flatbox_wire::from_slice(&bytes).unwrap();
            let again = flatbox_wire::to_vec_with_config(&value, config).unwrap();
            prop_assert_eq!(flatbox_wire::from_slice::<Value>(&again).unwrap(), value);
            // And through the reader.
            let from_reader: Vec<Record> = flatbox_wire::from_reader(&bytes[..]).unwrap();
            prop_assert_eq!(&from_reader, &records);
        }
    }

    #[test]
    fn json_values_convert_losslessly(v in value()) {
        // Value -> JSON succeeds exactly for JSON-representable values, and
        // then JSON -> Value -> JSON is the identity.
        if let Ok(json) = serde_json::Value::try_from(v) {
            let back = Value::from(json.clone());
            prop_assert_eq!(serde_json::Value::try_from(back).unwrap(), json);
        }
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Borrowing<'a> {
    #[serde(borrow)]
    name: &'a str,
    #[serde(borrow, serialize_with = "as_bytes")]
    bytes: &'a [u8],
    #[serde(borrow)]
    cow: Cow<'a, str>,
}

/// serde writes `&[u8]` as a sequence unless told it is bytes.
fn as_bytes<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bytes(bytes)
}

#[test]
fn strings_and_bytes_borrow_from_the_input() {
    let original = Borrowing { name: "alice", bytes: b"\x00\x01", cow: Cow::Borrowed("a cow") };
    let encoded = flatbox_wire::to_vec(&[&original, &original]).unwrap();
    let decoded: Vec<Borrowing<'_>> = flatbox_wire::from_slice(&encoded).unwrap();
    assert_eq!(decoded[0], original);
    let range = encoded.as_ptr_range();
    for d in &decoded {
        assert!(range.contains(&d.name.as_ptr()), "name points into the input");
        assert!(range.contains(&d.bytes.as_ptr()));
        assert!(matches!(d.cow, Cow::Borrowed(_)));
    }
}

#[test]
fn interned_strings_borrow_too() {
    let names = vec!["repeated"; 3];
    let encoded = flatbox_wire::to_vec_with_config(&names, Config::default().intern_strings(true)).unwrap();
    let decoded: Vec<&str> = flatbox_wire::from_slice(&encoded).unwrap();
    assert_eq!(decoded, names);
    assert!(decoded.iter().all(|s| encoded.as_ptr_range().contains(&s.as_ptr())));
}

#[test]
fn packed_arrays_borrow_when_aligned_and_copy_otherwise() {
    let values: Vec<f64> = (0..100).map(|i| f64::from(i) / 3.0).collect();
    let encoded = flatbox_wire::to_vec(&Packed(&values[..])).unwrap();

    let borrowed: Packed<Cow<'_, [f64]>> = flatbox_wire::from_slice(&encoded).unwrap();
    assert!(matches!(borrowed.0, Cow::Borrowed(_)), "a Vec<u8> from the allocator is 8-aligned");
    assert_eq!(&*borrowed.0, &values[..]);
    let slice: Packed<&[f64]> = flatbox_wire::from_slice(&encoded).unwrap();
    assert!(encoded.as_ptr_range().contains(&slice.0.as_ptr().cast()));

    // Shift the same bytes by one: the data is no longer 8-aligned in memory.
    let mut shifted = vec![0_u8; encoded.len() + 1];
    shifted[1..].copy_from_slice(&encoded);
    let copied: Packed<Cow<'_, [f64]>> = flatbox_wire::from_slice(&shifted[1..]).unwrap();
    assert!(matches!(copied.0, Cow::Owned(_)));
    assert_eq!(&*copied.0, &values[..]);
    let err = flatbox_wire::from_slice::<Packed<&[f64]>>(&shifted[1..]).unwrap_err();
    assert!(err.to_string().contains("not aligned"), "{err}");

    let owned: Packed<Vec<f64>> = flatbox_wire::from_slice(&encoded).unwrap();
    assert_eq!(owned.0, values);
    // A packed array of another element type is refused, naming both.
    let err = flatbox_wire::from_slice::<Packed<Vec<u32>>>(&encoded).unwrap_err();
    assert!(err.to_string().contains("u32 was expected"), "{err}");
}

#[test]
fn packed_arrays_are_plain_lists_in_json_and_bytes_elsewhere() {
    let p = Packed(vec![1_u16, 2, 3]);
    assert_eq!(serde_json::to_string(&p).unwrap(), "[1,2,3]");
    let back: Packed<Vec<u16>> = serde_json::from_str("[1,2,3]").unwrap();
    assert_eq!(back, p);
    let bytes = flatbox_wire::to_vec(&p).unwrap();
    // Tag, kind u16, count 3, one byte of padding to offset 4, data.
    assert_eq!(bytes, [0xF4, 0x03, 0x03, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00]);
}

#[test]
fn a_plain_array_of_numbers_decodes_into_packed() {
    let encoded = flatbox_wire::to_vec(&vec![1.5_f64, 2.5]).unwrap();
    let p: Packed<Vec<f64>> = flatbox_wire::from_slice(&encoded).unwrap();
    assert_eq!(p.0, [1.5, 2.5]);
}

/// The second struct of a shape decodes as a sequence of its fields when the
/// shape is the struct's own field list, and by key otherwise: skipped and
/// defaulted fields, and a type whose fields are in another order.
#[test]
fn structs_of_a_known_shape_decode_in_order_or_by_key() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Row {
        id: u32,
        #[serde(skip)]
        cache: Option<u8>,
        name: String,
        #[serde(default)]
        score: f64,
    }
    #[derive(Debug, PartialEq, Deserialize)]
    struct Reordered {
        score: f64,
        name: String,
        id: u32,
    }
    // A value of the wrong type in an in-order struct is still an error at
    // its offset: `name` (a string) read as the `id` of a struct with the
    // same field names in another order.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "only decoded")]
    struct Swapped {
        id: String,
        name: u32,
        score: f64,
    }
    let rows: Vec<Row> =
        (0..3).map(|i| Row { id: i, cache: None, name: format!("r{i}"), score: f64::from(i) / 2.0 }).collect();
    let bytes = flatbox_wire::to_vec(&rows).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Row>>(&bytes).unwrap(), rows);
    let back: Vec<Reordered> = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(
        back.iter().map(|r| (r.id, r.name.as_str(), r.score)).collect::<Vec<_>>(),
        [(0, "r0", 0.0), (1, "r1", 0.5), (2, "r2", 1.0)]
    );
    let e = flatbox_wire::from_slice::<Vec<Swapped>>(&bytes).unwrap_err();
    assert!(e.offset().is_some(), "{e}");
    // One value, the same shape read in order, then by key, then in order
    // again: the decoder's cache of the last in-order struct must not
    // carry one type's field order over to the other.
    let (a, b, c): (Row, Reordered, Row) = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!((a.id, a.name.as_str()), (0, "r0"));
    assert_eq!((b.id, b.name.as_str(), b.score), (1, "r1", 0.5));
    assert_eq!((c.id, c.name.as_str(), c.score), (2, "r2", 1.0));
}

/// A struct's values are read by two paths: in field order (its shape is
/// the type's field list) and by key (the struct that defines the shape, a
/// shape in another order, a map). The second has its own code for options
/// and fixed arrays; both must read every kind of them alike.
#[test]
fn options_and_fixed_arrays_decode_alike_in_order_and_by_key() {
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[allow(clippy::option_option, reason = "`Some(None)` is one of the cases under test")]
    struct Fields {
        addr: [u8; 4],
        position: [f32; 3],
        pair: (u8, String),
        maybe: Option<u32>,
        nested: Option<Option<u8>>,
        unit: Option<()>,
        label: Option<String>,
    }
    /// The same fields in another order: its structs are read by key.
    #[derive(Debug, PartialEq, Deserialize)]
    #[allow(clippy::option_option, reason = "`Some(None)` is one of the cases under test")]
    struct Reordered {
        label: Option<String>,
        unit: Option<()>,
        nested: Option<Option<u8>>,
        maybe: Option<u32>,
        pair: (u8, String),
        position: [f32; 3],
        addr: [u8; 4],
    }
    /// A fixed array one element short.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "only decoded")]
    struct Short {
        addr: [u8; 3],
    }
    let rows: Vec<Fields> = (0..6_u8)
        .map(|i| Fields {
            addr: [10, i, 200, 255],
            position: [f32::from(i), -1.5, 1e9],
            pair: (i, format!("p{i}")),
            maybe: (i % 2 == 0).then_some(u32::from(i) * 1000),
            nested: [None, Some(None), Some(Some(i))][usize::from(i % 3)],
            unit: (i % 2 == 1).then_some(()),
            label: (i % 3 != 0).then(|| format!("label {i}")),
        })
        .collect();
    let bytes = flatbox_wire::to_vec(&rows).unwrap();
    // The first struct by key (it defines the shape), the rest in order.
    assert_eq!(flatbox_wire::from_slice::<Vec<Fields>>(&bytes).unwrap(), rows);
    // Every struct by key.
    let reordered: Vec<Reordered> = flatbox_wire::from_slice(&bytes).unwrap();
    for (r, f) in reordered.iter().zip(&rows) {
        assert_eq!(
            (r.addr, r.position, &r.pair, r.maybe, r.nested, r.unit, &r.label),
            (f.addr, f.position, &f.pair, f.maybe, f.nested, f.unit, &f.label)
        );
    }
    // From maps (a `Value` written back), every struct by key. A `Value`
    // has no `Some`: `Some(None)` and `Some(())` come back as null, `None`.
    let value: Value = flatbox_wire::from_slice(&bytes).unwrap();
    let from_maps: Vec<Fields> = flatbox_wire::from_slice(&flatbox_wire::to_vec(&value).unwrap()).unwrap();
    let as_value_holds: Vec<Fields> =
        rows.iter().map(|f| Fields { nested: f.nested.filter(Option::is_some), unit: None, ..f.clone() }).collect();
    assert_eq!(from_maps, as_value_holds);
    // A fixed array of the wrong length is an error by key too.
    assert!(flatbox_wire::from_slice::<Vec<Short>>(&bytes).is_err());
}

/// One type written with two shapes (an optional field skipped when
/// `None`), taking turns: the structs of the full shape are read in field
/// order, the others by key. The decoder remembers the last struct read in
/// order by its shape and field list; a struct of the same type but the
/// other shape must not be read as if it had the full shape.
#[test]
fn one_type_written_with_two_shapes_taking_turns_decodes() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Reading {
        id: u32,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        note: Option<String>,
        value: f64,
    }
    /// The short shape's field list.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Short {
        id: u32,
        value: f64,
    }
    let rows: Vec<Reading> = (0..6)
        .map(|i| Reading { id: i, note: (i % 2 == 0).then(|| format!("n{i}")), value: f64::from(i) * 1.5 })
        .collect();
    let bytes = flatbox_wire::to_vec(&rows).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Reading>>(&bytes).unwrap(), rows);
    // The same bytes as a type whose field list is the short shape: the
    // full-shape structs are then the ones read by key.
    let short: Vec<Short> = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(
        short.iter().map(|s| (s.id, s.value)).collect::<Vec<_>>(),
        rows.iter().map(|r| (r.id, r.value)).collect::<Vec<_>>()
    );
}

/// Two fields, for [`a_shape_decodes_whatever_form_its_keys_take`].
#[derive(Debug, PartialEq, Deserialize)]
struct TwoFields {
    a: String,
    b: u32,
}

/// A struct that defines its shape decodes whatever form each key takes
/// (the decoder's fast path takes a plain string or a definition equal to
/// the field list's name; anything else is read by the general path), and
/// a second struct of its shape (`C0`) decodes after it.
#[test]
fn a_shape_decodes_whatever_form_its_keys_take() {
    let two = |a: &str, b| TwoFields { a: a.into(), b };
    let want = [two("x", 5), two("y", 6)];
    // Keys spelled out (`41 'a'`), as the encoder writes them.
    let plain = [0x62, 0xEF, 0x02, 0x41, b'a', 0x41, b'x', 0x41, b'b', 0x05, 0xC0, 0x41, b'y', 0x06];
    assert_eq!(flatbox_wire::from_slice::<Vec<TwoFields>>(&plain).unwrap(), want);
    // Keys defined (`ED 01 'a'`).
    let defined = [0x62, 0xEF, 0x02, 0xED, 0x01, b'a', 0x41, b'x', 0xED, 0x01, b'b', 0x05, 0xC0, 0x41, b'y', 0x06];
    assert_eq!(flatbox_wire::from_slice::<Vec<TwoFields>>(&defined).unwrap(), want);
    // A key of another form: `E9 01 'a'` (a long string's tag), and a
    // reference (`80`) to a string the first value defined.
    let other = [0x62, 0xEF, 0x02, 0xE9, 0x01, b'a', 0xED, 0x01, b'b', 0x80, 0x05, 0xC0, 0x41, b'y', 0x06];
    assert_eq!(flatbox_wire::from_slice::<Vec<TwoFields>>(&other).unwrap(), [two("b", 5), two("y", 6)]);
    // A plain key of the right length but not the name: read by name, so
    // `b` is missing.
    let wrong = [0x61, 0xEF, 0x02, 0x41, b'a', 0x41, b'x', 0x41, b'c', 0x05];
    let e = flatbox_wire::from_slice::<Vec<TwoFields>>(&wrong).unwrap_err();
    assert!(e.to_string().contains("missing field `b`"), "{e}");
}

/// Field names with an alias: serde's field list is `["id", "nick",
/// "name", "score"]`, so a field's position in it is not its index in the
/// derived visitor once the alias precedes it.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Aliased {
    #[serde(alias = "nick")]
    id: u32,
    name: String,
    score: u8,
}

/// A struct of numbers, a bool, an option and a string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Flat {
    id: u64,
    name: String,
    ok: bool,
    score: f64,
    level: Option<u8>,
}

/// [`Flat`]'s fields in another order.
#[derive(Serialize)]
struct FlatReordered<'a> {
    ok: bool,
    id: u64,
    level: Option<u8>,
    score: f64,
    name: &'a str,
}

proptest! {
    /// A struct's first time (its shape defined, read by key) reads the
    /// same with its keys in the field list's order or in another, plain
    /// or interned, and through `Value`; and the shape it defines serves
    /// the next ones (read in order).
    #[test]
    fn a_first_struct_reads_alike_in_order_and_by_key(
        id in any::<u64>(),
        name in ".{0,40}",
        ok in any::<bool>(),
        score in -1e9_f64..1e9,
        level in any::<Option<u8>>(),
        intern in any::<bool>(),
    ) {
        let config = Config::default().intern_strings(intern);
        let want = Flat { id, name: name.clone(), ok, score, level };
        let in_order = flatbox_wire::to_vec_with_config(&want, config).unwrap();
        prop_assert_eq!(flatbox_wire::from_slice::<Flat>(&in_order).unwrap(), want.clone());
        let reordered = FlatReordered { ok, id, level, score, name: &name };
        let reordered = flatbox_wire::to_vec_with_config(&reordered, config).unwrap();
        prop_assert_eq!(flatbox_wire::from_slice::<Flat>(&reordered).unwrap(), want.clone());
        let three = vec![want.clone(), want.clone(), want.clone()];
        let bytes = flatbox_wire::to_vec_with_config(&three, config).unwrap();
        prop_assert_eq!(flatbox_wire::from_slice::<Vec<Flat>>(&bytes).unwrap(), three);
        let value = flatbox_wire::from_slice::<Value>(&in_order).unwrap();
        prop_assert_eq!(flatbox_wire::from_slice::<Flat>(&flatbox_wire::to_vec(&value).unwrap()).unwrap(), want);
    }
}

#[test]
fn structs_with_aliases_decode_by_name_after_the_first() {
    #[derive(Serialize)]
    struct Reordered<'a> {
        score: u8,
        name: &'a str,
        id: u32,
    }
    #[derive(Serialize)]
    struct ByAlias<'a> {
        nick: u32,
        name: &'a str,
        score: u8,
    }
    #[derive(Serialize)]
    struct Both<'a> {
        id: u32,
        nick: u32,
        name: &'a str,
        score: u8,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "only its decoding's error is checked")]
    struct AliasedNumbers {
        #[serde(alias = "nick")]
        id: u32,
        name: u32,
        score: u32,
    }
    #[derive(Serialize)]
    struct BothNumbers {
        id: u32,
        nick: u32,
        name: u32,
        score: u32,
    }
    let want: Vec<Aliased> =
        (0..3_u8).map(|i| Aliased { id: u32::from(i), name: format!("n{i}"), score: 2 * i }).collect();
    // Its own encoding, fields in order: the shape (id, name, score) is not
    // the field list, so every struct after the first is read by key.
    let bytes = flatbox_wire::to_vec(&want).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Aliased>>(&bytes).unwrap(), want);
    // Keys in another order, and the alias for the first field.
    let reordered: Vec<Reordered<'_>> =
        want.iter().map(|a| Reordered { score: a.score, name: &a.name, id: a.id }).collect();
    let bytes = flatbox_wire::to_vec(&reordered).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Aliased>>(&bytes).unwrap(), want);
    let by_alias: Vec<ByAlias<'_>> =
        want.iter().map(|a| ByAlias { nick: a.id, name: &a.name, score: a.score }).collect();
    let bytes = flatbox_wire::to_vec(&by_alias).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Aliased>>(&bytes).unwrap(), want);
    // A field and its alias both, the keys exactly serde's field list: an
    // error for the first struct (defined, and read in field order: the
    // alias's number where `name`'s string goes) and for the later ones (a
    // known shape), never values moved to the wrong fields.
    let both = Both { id: 1, nick: 2, name: "x", score: 3 };
    let one = flatbox_wire::to_vec(&both).unwrap();
    let e = flatbox_wire::from_slice::<Aliased>(&one).unwrap_err();
    assert!(e.to_string().contains("expected a string at byte 11"), "{e}");
    // The same with values of the same type: the visitor takes the struct's
    // three fields of the four values, which is an error too.
    let one = flatbox_wire::to_vec(&BothNumbers { id: 1, nick: 2, name: 3, score: 4 }).unwrap();
    let e = flatbox_wire::from_slice::<AliasedNumbers>(&one).unwrap_err();
    assert!(e.to_string().contains("invalid length 4"), "{e}");
    // The first struct as a `Value` (which takes any keys), the second, of
    // its shape, as `Aliased`.
    let two = flatbox_wire::to_vec(&(&both, &both)).unwrap();
    let (first, _) = flatbox_wire::from_slice::<(Value, Value)>(&two).unwrap();
    assert!(matches!(first, Value::Map(_)), "{first:?}");
    assert!(flatbox_wire::from_slice::<(Value, Aliased)>(&two).is_err());
}

/// A first struct read in field order steps over its keys, checked before:
/// a field whose `Deserialize` impl reads no value (against serde's
/// contract) leaves the rest read from the wrong bytes, which is an error,
/// never a value.
#[test]
fn a_field_that_reads_no_value_is_an_error() {
    #[derive(Debug)]
    struct ReadsNothing;
    impl<'de> Deserialize<'de> for ReadsNothing {
        fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
            Ok(ReadsNothing)
        }
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "only its decoding's error is checked")]
    struct Odd {
        a: ReadsNothing,
        b: u32,
    }
    #[derive(Serialize)]
    struct Plain {
        a: u64,
        b: u32,
    }
    // EF 02, "a" (41 61), a in 4 bytes (F8 00 05 03 01), "b" (41 62), 07.
    let bytes = flatbox_wire::to_vec(&Plain { a: 0x0103_0500, b: 7 }).unwrap();
    assert_eq!(bytes, [0xEF, 0x02, 0x41, b'a', 0xF8, 0x00, 0x05, 0x03, 0x01, 0x41, b'b', 0x07]);
    // `b` is read two bytes into `a` (where "b" would be had `a` been
    // read): a 5, which ends the struct three bytes early.
    let e = flatbox_wire::from_slice::<Odd>(&bytes).unwrap_err();
    assert!(e.to_string().contains("invalid struct at byte 0"), "{e}");
    assert!(e.to_string().contains("ended at byte 7, where its keys say byte 12"), "{e}");
    // Read from other bytes, the wrong value is an error of its own.
    let bytes = flatbox_wire::to_vec(&Plain { a: 5, b: 7 }).unwrap();
    assert!(flatbox_wire::from_slice::<Odd>(&bytes).is_err());
}

/// A field name of 128 bytes 0x01: its length's varint is `80 01`, so
/// its bytes from the varint's second byte on look like the name itself
/// with a one-byte length of 0x80.
const ODD_NAME: &str = match std::str::from_utf8(&[1; 128]) {
    Ok(s) => s,
    Err(_) => panic!("ASCII"),
};

#[derive(Debug, PartialEq)]
struct OddName(u8);

impl Serialize for OddName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("OddName", 1)?;
        s.serialize_field(ODD_NAME, &self.0)?;
        s.end()
    }
}

impl<'de> Deserialize<'de> for OddName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OddName;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a struct OddName")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OddName, A::Error> {
                let v = seq.next_element()?.ok_or_else(|| serde::de::Error::invalid_length(0, &self))?;
                Ok(OddName(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<OddName, A::Error> {
                let (key, v): (String, u8) = map.next_entry()?.ok_or_else(|| serde::de::Error::missing_field("odd"))?;
                if key != ODD_NAME {
                    return Err(serde::de::Error::unknown_field(&key, &[ODD_NAME]));
                }
                Ok(OddName(v))
            }
        }
        deserializer.deserialize_struct("OddName", &[ODD_NAME], V)
    }
}

#[test]
fn a_field_name_of_128_bytes_is_read_with_its_two_byte_length() {
    let values = vec![OddName(7), OddName(9)];
    let mut bytes = flatbox_wire::to_vec(&values).unwrap();
    assert_eq!(&bytes[..6], [0x62, 0xEF, 0x01, 0xE9, 0x80, 0x01], "a shape whose key's length is 80 01");
    assert_eq!(flatbox_wire::from_slice::<Vec<OddName>>(&bytes).unwrap(), values);
    // The key as a definition, `ED 80 01`, which the decoder's fast path
    // for keys must not read as a one-byte length.
    bytes[3] = 0xED;
    assert_eq!(flatbox_wire::from_slice::<Vec<OddName>>(&bytes).unwrap(), values);
}

/// A sequence whose length serde does not know (its header is written at
/// the end, and its items move).
struct Unsized(Vec<Value>);

impl Serialize for Unsized {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // `filter` hides the length from `collect_seq`.
        serializer.collect_seq(self.0.iter().filter(|_| true))
    }
}

/// Two values of this type with the same field count but other fields
/// make the encoder rewrite the second as a map, moving its first field.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Sometimes {
    c: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    b: Option<u8>,
}

#[test]
fn a_moved_empty_packed_array_is_padded_for_where_it_lands() {
    // An empty packed array with no padding where it was first written
    // ends its value: moved by one byte, it needs a byte of padding.
    let items = vec![Value::Null, Value::Packed(PackedArray::U16(vec![]))];
    let bytes = flatbox_wire::to_vec(&Unsized(items.clone())).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Value>>(&bytes).unwrap(), items, "{bytes:02X?}");
    assert_eq!(bytes, flatbox_wire::to_vec(&items).unwrap());
    // The same in a struct rewritten as a map.
    for prefix in [vec![], vec![Value::Null]] {
        let first = Sometimes { c: Value::Array(prefix.clone()), a: Some(1), b: None };
        let mut second_c = prefix.clone();
        second_c.push(Value::Packed(PackedArray::U16(vec![])));
        let second = Sometimes { c: Value::Array(second_c), a: None, b: Some(2) };
        let both = vec![first, second];
        let bytes = flatbox_wire::to_vec(&both).unwrap();
        assert_eq!(flatbox_wire::from_slice::<Vec<Sometimes>>(&bytes).unwrap(), both, "{bytes:02X?}");
    }
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Named {
    id: u32,
    name: String,
}

/// A long sequence's output is sized from its first elements, not grown
/// by doubling alone: its capacity ends within a quarter of its length,
/// where doubling would end in 1 MiB, 1.75 times its 0.6 MB.
#[test]
fn a_long_sequence_is_sized_from_its_first_elements() {
    let records: Vec<Named> = (0..27_000).map(|i| Named { id: 1_000_000 + i, name: format!("name {i:011}") }).collect();
    let bytes = flatbox_wire::to_vec(&records).unwrap();
    assert!(bytes.capacity() <= bytes.len() * 5 / 4, "{} for {}", bytes.capacity(), bytes.len());
    assert_eq!(flatbox_wire::from_slice::<Vec<Named>>(&bytes).unwrap(), records);
    // Written into a buffer of the caller's that has room, the output is not
    // moved.
    let mut out = Vec::with_capacity(2 * bytes.len());
    let ptr = out.as_ptr();
    flatbox_wire::with_serializer(&mut out, Config::default(), |ser| records.serialize(ser)).unwrap();
    assert_eq!((out.as_ptr(), &out), (ptr, &bytes));
}

/// A sequence of strings that claims an exact length of 2^40 and has 100:
/// the estimate made from its first elements is bounded, and the short
/// sequence is an error naming both counts.
#[test]
fn a_sequence_of_strings_that_claims_more_elements_than_it_has_is_sized_within_bounds() {
    struct Lying(usize);
    impl Iterator for Lying {
        type Item = &'static str;
        fn next(&mut self) -> Option<&'static str> {
            (self.0 < 100).then(|| {
                self.0 += 1;
                "a string"
            })
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (1 << 40, Some(1 << 40))
        }
    }
    struct Claims;
    impl Serialize for Claims {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(Lying(0))
        }
    }
    let err = flatbox_wire::to_vec(&Claims).unwrap_err().to_string();
    assert!(err.contains(&format!("declared {}", 1_u64 << 40)) && err.contains("serialized 100"), "{err}");
}
