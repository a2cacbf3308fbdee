//! The record model in JSON, MessagePack and protobuf: round trips within what each
//! format holds, the conventions of the mapping table, and errors naming
//! the type for what a format cannot hold.

use flatbox::records::{from_json, from_msgpack, from_msgpack_prefix, to_json, to_msgpack};
use flatbox::wire::{Decimal, Extension, Interval, TimeUnit, Timestamp, Value};
use proptest::prelude::*;

fn unit() -> impl Strategy<Value = TimeUnit> {
    prop_oneof![
        Just(TimeUnit::Second),
        Just(TimeUnit::Millisecond),
        Just(TimeUnit::Microsecond),
        Just(TimeUnit::Nanosecond)
    ]
}

/// What JSON holds and gives back as itself.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Integer(n.into())),
        any::<u64>().prop_map(|n| Value::Integer(n.into())),
        any::<f64>().prop_filter("finite, not integral", |f| f.is_finite() && f.fract() != 0.0).prop_map(Value::F64),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{0,4}", inner), 0..8).prop_map(|entries| {
                // JSON objects have unique keys.
                let mut seen = std::collections::HashSet::new();
                Value::Map(
                    entries
                        .into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .map(|(k, v)| (Value::String(k), v))
                        .collect(),
                )
            }),
        ]
    })
}

/// What MessagePack holds and gives back as itself.
fn msgpack_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Integer(n.into())),
        any::<u64>().prop_map(|n| Value::Integer(n.into())),
        any::<f32>().prop_filter("not NaN", |f| !f.is_nan()).prop_map(Value::F32),
        any::<f64>().prop_filter("not NaN", |f| !f.is_nan()).prop_map(Value::F64),
        ".{0,20}".prop_map(Value::String),
        prop::collection::vec(any::<u8>(), 0..20).prop_map(Value::Bytes),
        (any::<i64>(), 0_u32..1_000_000_000).prop_map(|(s, n)| Value::Timestamp(Timestamp::new(s, n).unwrap())),
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
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((inner.clone(), inner.clone()), 0..8).prop_map(Value::Map),
            (any::<i8>(), inner).prop_map(|(type_id, v)| Value::Union { type_id, value: Box::new(v) }),
        ]
    })
}

proptest! {
    #[test]
    fn json_round_trips_what_it_holds(v in json_value()) {
        let text = to_json(&v).unwrap();
        prop_assert_eq!(from_json(&text).unwrap(), v.clone());
        // And it is what serde_json writes for the same JSON.
        let json = serde_json::Value::try_from(v).unwrap();
        prop_assert_eq!(text, serde_json::to_string(&json).unwrap());
    }

    #[test]
    fn msgpack_round_trips_what_it_holds(v in msgpack_value()) {
        let bytes = to_msgpack(&v).unwrap();
        prop_assert_eq!(from_msgpack(&bytes).unwrap(), v);
    }

    #[test]
    fn msgpack_agrees_with_rmp_serde_on_plain_values(v in json_value()) {
        // Plain values: the bytes decode with rmp-serde to the same JSON.
        let bytes = to_msgpack(&v).unwrap();
        let back: serde_json::Value = rmp_serde::from_slice(&bytes).unwrap();
        prop_assert_eq!(back, serde_json::Value::try_from(v).unwrap());
    }

    #[test]
    fn from_msgpack_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = from_msgpack(&bytes);
    }
}

#[test]
fn json_follows_arrow_json_conventions() {
    let cases = [
        (Value::Bytes(vec![0xCA, 0xFE, 0x01]), r#""cafe01""#),
        (Value::Decimal(Decimal::from_i128(-1234, 6, 2).unwrap()), "-12.34"),
        (Value::Date32(19_012), r#""2022-01-20""#),
        (
            Value::DateTime { value: 1_642_678_800_000, unit: TimeUnit::Millisecond, tz: None },
            r#""2022-01-20T11:40:00""#,
        ),
        (
            Value::DateTime { value: 1_642_678_800, unit: TimeUnit::Second, tz: Some("+00:00".into()) },
            r#""2022-01-20T11:40:00Z""#,
        ),
        (
            Value::DateTime { value: 1_642_678_800, unit: TimeUnit::Second, tz: Some("+02:00".into()) },
            r#""2022-01-20T13:40:00+02:00""#,
        ),
        (Value::Time { value: 42_000, unit: TimeUnit::Second }, r#""11:40:00""#),
        (Value::Duration { value: 90, unit: TimeUnit::Second }, r#""PT90S""#),
        (Value::F16(half_f16(1.5)), "1.5"),
    ];
    for (v, expected) in cases {
        assert_eq!(to_json(&v).unwrap(), expected, "{v:?}");
    }
}

fn half_f16(f: f32) -> flatbox::wire::half::f16 {
    flatbox::wire::half::f16::from_f32(f)
}

#[test]
fn json_refuses_what_it_cannot_hold_naming_the_type() {
    let cases = [
        (Value::Map(vec![(Value::Bool(true), Value::Null)]), "map with bool keys"),
        (Value::Map(vec![(Value::Integer(i128::MAX), Value::Null)]), "map with integer keys"),
        (Value::Union { type_id: 1, value: Box::new(Value::Null) }, "union variant 1"),
        (Value::F64(f64::NAN), "f64 NaN"),
        (Value::Integer(i128::MAX), "beyond 64 bits"),
        (Value::Extension(Extension { type_id: 5, data: vec![] }), "extension type 5"),
    ];
    for (v, needle) in cases {
        let e = to_json(&v).unwrap_err();
        assert!(matches!(e, flatbox::Error::Unrepresentable { format: "json", .. }), "{e}");
        assert!(e.to_string().contains(needle), "{e} should name {needle}");
    }
}

#[test]
fn json_writes_integer_keys_as_their_text() {
    let map = Value::Map(vec![
        (Value::Integer(7), Value::Bool(true)),
        (Value::Integer(-1), Value::Null),
        (Value::Integer(u64::MAX.into()), Value::Integer(2)),
    ]);
    assert_eq!(to_json(&map).unwrap(), format!(r#"{{"7":true,"-1":null,"{}":2}}"#, u64::MAX));
    // serde_json writes the same text for a map with integer keys.
    let serde: std::collections::BTreeMap<i64, i64> = [(3, 4)].into();
    let ours = Value::Map(vec![(Value::Integer(3), Value::Integer(4))]);
    assert_eq!(to_json(&ours).unwrap(), serde_json::to_string(&serde).unwrap());
}

#[test]
fn msgpack_conventions_and_errors() {
    // Bytes are bin, the timestamp is ext -1 in its shortest form.
    assert_eq!(to_msgpack(&Value::Bytes(vec![1, 2])).unwrap(), [0xC4, 0x02, 1, 2]);
    let t = Value::Timestamp(Timestamp::new(1, 0).unwrap());
    assert_eq!(to_msgpack(&t).unwrap(), [0xD6, 0xFF, 0, 0, 0, 1]);
    // A datetime is written as the instant: it comes back as a timestamp.
    let dt = Value::DateTime { value: -1, unit: TimeUnit::Millisecond, tz: Some("UTC".into()) };
    assert_eq!(
        from_msgpack(&to_msgpack(&dt).unwrap()).unwrap(),
        Value::Timestamp(Timestamp::new(-1, 999_000_000).unwrap())
    );
    // rmp-serde reads the timestamp extension too (as its (type, bytes)).
    let e = to_msgpack(&Value::BigUInt(u128::MAX)).unwrap_err();
    assert!(
        matches!(e, flatbox::Error::Unrepresentable { format: "msgpack", .. })
            && e.to_string().contains("beyond 64 bits")
    );
    let e = to_msgpack(&Value::Extension(Extension { type_id: 3, data: vec![] })).unwrap_err();
    assert!(e.to_string().contains("extension type 3"), "{e}");
    // Bad input: errors with the byte offset.
    let e = from_msgpack(&[0x92, 0x01]).unwrap_err().to_string();
    assert!(e.contains("at byte 1") && e.contains("array of 2"), "{e}");
    let e = from_msgpack(&[0x92, 0x01, 0xA3, b'a']).unwrap_err().to_string();
    assert!(e.contains("at byte 3") && e.contains("inside a string"), "{e}");
    let e = from_msgpack(&[0xC1]).unwrap_err().to_string();
    assert!(e.contains("reserved marker"), "{e}");
    let e = from_msgpack(&[0xDD, 0xFF, 0xFF, 0xFF, 0xFF]).unwrap_err().to_string();
    assert!(e.contains("more than the 0 bytes left"), "{e}");
    let e = from_msgpack(&[0xD4, 0x05, 0x00]).unwrap_err().to_string();
    assert!(e.contains("extension type 5"), "{e}");
    let e = from_msgpack(&[0x01, 0x02]).unwrap_err().to_string();
    assert!(e.contains("1 bytes after the value"), "{e}");
    // Nesting is bounded.
    let deep = vec![0x91; 10_000];
    assert!(from_msgpack(&deep).unwrap_err().to_string().contains("nesting deeper than 128"));
    // A stream of values.
    let (v, used) = from_msgpack_prefix(&[0x01, 0x02]).unwrap();
    assert_eq!((v, used), (Value::Integer(1), 1));
}

/// kawanet/msgpack-test-suite: every encoding of every case decodes, and to
/// the value the suite gives (floats compared as numbers; application
/// extensions are refused, naming their type).
#[test]
fn the_msgpack_test_suite_decodes() {
    let suite: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(include_str!("../data/msgpack-test-suite/msgpack-test-suite.json")).unwrap();
    let mut decoded = 0;
    for (group, cases) in &suite {
        for case in cases.as_array().unwrap() {
            let case = case.as_object().unwrap();
            for encoding in case["msgpack"].as_array().unwrap() {
                let bytes: Vec<u8> =
                    encoding.as_str().unwrap().split('-').map(|h| u8::from_str_radix(h, 16).unwrap()).collect();
                let got = from_msgpack(&bytes);
                let (kind, expected) = case.iter().find(|(k, _)| *k != "msgpack").unwrap();
                match kind.as_str() {
                    "bignum" => {
                        let want: i128 = expected.as_str().unwrap().parse().unwrap();
                        assert_eq!(got.unwrap(), Value::Integer(want), "{group} {encoding}");
                    }
                    "ext" => {
                        let e = got.unwrap_err().to_string();
                        assert!(e.contains("extension type"), "{group} {encoding}: {e}");
                        continue;
                    }
                    "number" => {
                        let got = got.unwrap_or_else(|e| panic!("{group} {encoding}: {e}"));
                        let n = match got {
                            Value::Integer(n) => n as f64,
                            Value::F32(f) => f64::from(f),
                            Value::F64(f) => f,
                            other => panic!("{group} {encoding}: {other:?}"),
                        };
                        assert_eq!(n.to_bits(), expected.as_f64().unwrap().to_bits(), "{group} {encoding}");
                    }
                    "binary" => {
                        let hex = expected.as_str().unwrap();
                        let want: Vec<u8> = if hex.is_empty() {
                            vec![]
                        } else {
                            hex.split('-').map(|h| u8::from_str_radix(h, 16).unwrap()).collect()
                        };
                        assert_eq!(got.unwrap(), Value::Bytes(want), "{group} {encoding}");
                    }
                    "timestamp" => {
                        let t = expected.as_array().unwrap();
                        let want =
                            Timestamp::new(t[0].as_i64().unwrap(), u32::try_from(t[1].as_u64().unwrap()).unwrap())
                                .unwrap();
                        assert_eq!(got.unwrap(), Value::Timestamp(want), "{group} {encoding}");
                    }
                    _ => assert_eq!(got.unwrap(), Value::from(expected.clone()), "{group} {encoding}"),
                }
                decoded += 1;
            }
        }
    }
    assert!(decoded > 150, "only {decoded} encodings");
}

fn showcase() -> impl Strategy<Value = flatbox::proto::v1::Showcase> {
    use flatbox::proto::v1::{Showcase, showcase};
    let payload = prop_oneof![
        Just(None),
        ".{0,12}".prop_map(|s| Some(showcase::Payload::Text(s))),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(|b| Some(showcase::Payload::Blob(b))),
    ];
    (
        (any::<u64>(), 0..4_i32, prop::option::of((any::<f64>(), any::<f64>()))),
        prop::collection::btree_map(".{0,6}", ".{0,6}", 0..4),
        prop::collection::btree_map(".{0,6}", any::<i64>(), 0..4),
        (prop::collection::vec(any::<f64>(), 0..6), prop::collection::vec(any::<i32>(), 0..6)),
        (prop::option::of(any::<u32>()), prop::collection::vec(any::<u8>(), 0..8), payload),
    )
        .prop_map(
            |((id, severity, location), labels, counters, (samples, deltas), (retries, checksum, payload))| Showcase {
                id,
                severity,
                at: None,
                location: location.map(|(latitude, longitude)| showcase::Location { latitude, longitude }),
                labels,
                counters,
                samples,
                deltas,
                retries,
                checksum,
                payload,
            },
        )
}

proptest! {
    #[test]
    fn protobuf_records_round_trip(message in showcase()) {
        use prost::Message as _;
        let descriptor = flatbox::proto::Schema::builtin().message("flatbox.v1.Showcase").unwrap();
        let bytes = message.encode_to_vec();
        let record = flatbox::records::from_protobuf(&descriptor, &bytes).unwrap();
        let back = flatbox::records::to_protobuf(&descriptor, &record).unwrap();
        // Map entries may come out in another order: compare the messages.
        let decoded = flatbox::proto::v1::Showcase::decode(back.as_slice()).unwrap();
        // NaN != NaN: compare the encodings of both, which prost writes in
        // field and key order.
        prop_assert_eq!(decoded.encode_to_vec(), bytes);
    }
}

#[test]
fn protobuf_records_use_names_and_refuse_what_does_not_fit() {
    let schema = flatbox::proto::Schema::builtin();
    let showcase = schema.message("flatbox.v1.Showcase").unwrap();
    let map = |entries: Vec<(&str, Value)>| {
        Value::Map(entries.into_iter().map(|(k, v)| (Value::String(k.into()), v)).collect())
    };
    // Enums by name, bytes as hex (the JSON convention), 64-bit integers
    // as strings (proto3 JSON), integer map values.
    let record = map(vec![
        ("id", Value::String("18446744073709551615".into())),
        ("severity", Value::String("SEVERITY_ERROR".into())),
        ("checksum", Value::String("cafe".into())),
        ("counters", map(vec![("a", Value::Integer(-3))])),
        ("retries", Value::Null),
    ]);
    let bytes = flatbox::records::to_protobuf(&showcase, &record).unwrap();
    let Value::Map(fields) = flatbox::records::from_protobuf(&showcase, &bytes).unwrap() else { panic!("a map") };
    let field = |name: &str| fields.iter().find(|(k, _)| *k == Value::String(name.into())).unwrap().1.clone();
    assert_eq!(field("id"), Value::Integer(u64::MAX.into()));
    assert_eq!(field("severity"), Value::String("SEVERITY_ERROR".into()));
    assert_eq!(field("checksum"), Value::Bytes(vec![0xCA, 0xFE]));
    assert_eq!(field("retries"), Value::Null, "an optional field without a value");
    assert_eq!(field("text"), Value::Null, "a oneof member without a value");
    assert_eq!(field("samples"), Value::Array(vec![]));
    // What does not fit names the field.
    for (record, needle) in [
        (map(vec![("nope", Value::Integer(1))]), "field nope: flatbox.v1.Showcase has no such field"),
        (map(vec![("retries", Value::Integer(-1))]), "field retries: -1 is out of range for uint32"),
        (
            map(vec![("location", map(vec![("latitude", Value::String("x".into()))]))]),
            "field location.latitude: expected a double",
        ),
        (
            map(vec![("deltas", Value::Array(vec![Value::Integer(1), Value::F64(0.5)]))]),
            "field deltas[1]: expected an int32",
        ),
        (map(vec![("severity", Value::String("LOUD".into()))]), "has no value \"LOUD\""),
        (Value::Integer(1), "expected a map of fields"),
    ] {
        let e = flatbox::records::to_protobuf(&showcase, &record).unwrap_err();
        assert!(matches!(e, flatbox::Error::Unrepresentable { format: "protobuf", .. }), "{e}");
        assert!(e.to_string().contains(needle), "{e} should contain {needle}");
    }
    // Bytes that are not the message: a decode error.
    assert!(flatbox::records::from_protobuf(&showcase, &[0xFF]).is_err());
}
