//! The facade's formats: golden bytes, round trips (proptest), errors.

use std::collections::BTreeMap;

use flatbox::codec::Codec;
use flatbox::{Error, Format, Json, MsgPack, Pipeline, Wire};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Shape {
    Unit,
    Newtype(i64),
    Tuple(u8, String),
    Struct { w: f32, h: f32 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Everything {
    flag: bool,
    small: u8,
    signed: i32,
    big: u64,
    negative: i64,
    real: f64,
    text: String,
    maybe: Option<u16>,
    list: Vec<i16>,
    map: BTreeMap<String, u32>,
    shape: Shape,
    pair: (u32, bool),
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Unit),
        any::<i64>().prop_map(Shape::Newtype),
        (any::<u8>(), ".*").prop_map(|(a, b)| Shape::Tuple(a, b)),
        (-1e6f32..1e6, -1e6f32..1e6).prop_map(|(w, h)| Shape::Struct { w, h }),
    ]
}

prop_compose! {
    fn everything()(
        flag in any::<bool>(),
        small in any::<u8>(),
        signed in any::<i32>(),
        big in any::<u64>(),
        negative in any::<i64>(),
        // Finite floats: NaN is never equal to itself, and JSON has no
        // infinities.
        real in any::<f64>().prop_filter("finite", |f| f.is_finite()),
        text in ".*",
        maybe in any::<Option<u16>>(),
        list in prop::collection::vec(any::<i16>(), 0..40),
        map in prop::collection::btree_map(".{0,8}", any::<u32>(), 0..8),
        shape in shape(),
        pair in any::<(u32, bool)>(),
    ) -> Everything {
        Everything { flag, small, signed, big, negative, real, text, maybe, list, map, shape, pair }
    }
}

fn formats() -> Vec<Box<dyn Format<Everything>>> {
    vec![
        Box::new(Json),
        Box::new(MsgPack::named()),
        Box::new(MsgPack::compact()),
        Box::new(Wire::new()),
        Box::new(Wire::strings()),
    ]
}

proptest! {
    #[test]
    fn every_format_round_trips(value in everything()) {
        for format in formats() {
            let mut buf = Vec::new();
            format.encode(&value, &mut buf).unwrap();
            prop_assert_eq!(&format.decode(&buf).unwrap(), &value, "{}", format.name());
        }
    }

    #[test]
    fn encode_appends_and_leaves_the_prefix_alone(value in everything(), prefix in prop::collection::vec(any::<u8>(), 0..16)) {
        for format in formats() {
            let mut alone = Vec::new();
            format.encode(&value, &mut alone).unwrap();
            let mut appended = prefix.clone();
            format.encode(&value, &mut appended).unwrap();
            prop_assert_eq!(&appended[..prefix.len()], &prefix[..]);
            prop_assert_eq!(&appended[prefix.len()..], &alone[..]);
        }
    }

    #[test]
    fn decoding_garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for format in formats() {
            let _ = format.decode(&bytes);
        }
    }
}

/// Encodes `value` with `format` and checks the exact bytes, then the round
/// trip (postcard's `check` pattern).
fn check<T, F>(format: &F, value: &T, expected: &[u8])
where
    T: std::fmt::Debug + PartialEq,
    F: Format<T>,
{
    let mut out = Vec::new();
    format.encode(value, &mut out).unwrap();
    assert_eq!(out, expected, "{} bytes of {value:?}", format.name());
    assert_eq!(&format.decode(&out).unwrap(), value);
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Person {
    name: String,
    age: u8,
}

#[test]
fn golden_bytes() {
    // flatbox's own format through the facade, byte for byte as FORMAT.md
    // spells it ("Structs and shapes", the person-second example): an
    // array of 2, a struct defining shape 0 with its keys spelled out, then
    // a one-byte shape reference and the values alone.
    let alice = || Person { name: "Alice".into(), age: 30 };
    let people = vec![alice(), Person { name: "Bob".into(), age: 25 }];
    let wire = [&b"\x62\xEF\x02\x44name\x45Alice\x43age\x1E"[..], b"\xC0\x43Bob\x19"].concat();
    check(&Wire::new(), &people, &wire);
    // wire+strings interns string values too, in stream order: "Alice" is
    // string 0, so the second "Alice" is a reference, 0x80.
    let strings = [&b"\x62\xEF\x02\x44name\xED\x05Alice\x43age\x1E"[..], b"\xC0\x80\x1E"].concat();
    check(&Wire::strings(), &vec![alice(), alice()], &strings);
    // JSON and MessagePack are serde_json's and rmp-serde's own bytes: the
    // facade adds no framing, and each MessagePack name picks the layout
    // it promises (named: maps with field names; compact: arrays).
    for value in [&people, &vec![]] {
        check(&Json, value, &serde_json::to_vec(value).unwrap());
        check(&MsgPack::named(), value, &rmp_serde::to_vec_named(value).unwrap());
        check(&MsgPack::compact(), value, &rmp_serde::to_vec(value).unwrap());
    }
    assert_ne!(rmp_serde::to_vec_named(&people).unwrap(), rmp_serde::to_vec(&people).unwrap());
}

#[test]
fn pipelines_are_named_after_format_and_codec_and_decode_tool_frames() {
    assert_eq!(Format::<u8>::name(&Pipeline::new(Json, Codec::Zstd { level: 3 })), "json+zstd:3");
    assert_eq!(Format::<u8>::name(&Pipeline::new(Wire::strings(), Codec::None)), "wire+strings");
    // A corrupt frame is a decode error naming the pipeline.
    let err = Format::<u8>::decode(&Pipeline::new(Json, Codec::Lz4), b"\x04\x22\x4D\x18\x00").unwrap_err();
    assert!(err.to_string().starts_with("json+lz4: decoding failed"), "{err}");
}

#[test]
fn names_are_stable() {
    assert_eq!(Format::<u8>::name(&Json), "json");
    assert_eq!(Format::<u8>::name(&MsgPack::named()), "msgpack");
    assert_eq!(Format::<u8>::name(&MsgPack::compact()), "msgpack-compact");
    assert_eq!(MsgPack::default(), MsgPack::named());
}

#[test]
fn decode_errors_name_the_format_and_the_position() {
    let err = Format::<Person>::decode(&Json, br#"{"name":"Alice","age":"#).unwrap_err();
    assert!(matches!(err, Error::Decode { ref format, .. } if format == "json"), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with("json: decoding failed: "), "{message}");
    assert!(message.contains("column 22"), "{message}");

    // Truncated MessagePack: the map says two entries, the bytes stop early.
    let err = Format::<Person>::decode(&MsgPack::named(), b"\x82\xa4name\xa5Ali").unwrap_err();
    assert!(matches!(err, Error::Decode { ref format, .. } if format == "msgpack"), "{err:?}");

    // A value of the wrong type.
    let err = Format::<Person>::decode(&MsgPack::compact(), b"\x01").unwrap_err();
    assert!(err.to_string().starts_with("msgpack-compact: decoding failed"), "{err}");
}

#[test]
fn encode_errors_are_reported() {
    // JSON maps need string keys; a map keyed by a tuple cannot be written.
    let mut map = BTreeMap::new();
    map.insert((1_u8, 2_u8), 3_u8);
    let err = Json.encode(&map, &mut Vec::new()).unwrap_err();
    assert!(matches!(err, Error::Encode { ref format, .. } if format == "json"), "{err:?}");
    assert!(err.to_string().contains("key must be a string"), "{err}");
}
