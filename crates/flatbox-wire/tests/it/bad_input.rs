//! Bad input: every kind of malformed bytes gives its own error with an
//! offset, never a panic, a stack overflow or a large allocation.

use flatbox_wire::{Config, Error, ErrorKind, Limits, Value};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

fn err(bytes: &[u8]) -> Error {
    flatbox_wire::from_slice::<Value>(bytes).unwrap_err()
}

#[test]
fn a_million_levels_of_nesting_stop_at_the_depth_limit() {
    let deep = vec![0x61_u8; 1_000_000];
    let e = err(&deep);
    assert!(matches!(e.kind(), ErrorKind::DepthLimit { offset: 128, limit: 128 }), "{e:?}");
    // The same through a derived type and through the reader.
    let e = flatbox_wire::from_slice::<Vec<Vec<Vec<u8>>>>(&deep).unwrap_err();
    assert_eq!(e.to_string(), "invalid type: sequence, expected u8 (at byte 4)");
    let e = flatbox_wire::from_reader::<_, Value>(&deep[..]).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Eof { .. }), "{e:?}");
    // Deep Some markers and single-entry maps likewise.
    assert!(matches!(err(&vec![0xF1; 100_000]).kind(), ErrorKind::DepthLimit { .. }));
    let mut maps = Vec::new();
    for _ in 0..100_000 {
        maps.extend_from_slice(&[0x71, 0x00]);
    }
    assert!(matches!(err(&maps).kind(), ErrorKind::DepthLimit { .. }));
}

#[test]
fn the_depth_limit_counts_the_same_through_the_decoders_slow_paths() {
    // A thousand `(u32, i32, (u8, u8))` whose integers take the slow paths
    // (a varint tag, a negative varint) and whose inner pair is an array
    // counted in a varint, not inline (the tuple's slow path): every value
    // leaves the depth as it found it, so three levels suffice for any
    // number of them.
    let mut input = vec![0xEB]; // array, varint count
    flatbox_wire::varint::write_u64(&mut input, 1000);
    for _ in 0..1000 {
        input.extend_from_slice(&[0x63, 0xE3, 0x05, 0xE4, 0x03, 0xEB, 0x02, 0x07, 0x08]);
    }
    let decode = |depth| {
        let mut de = flatbox_wire::Deserializer::from_slice(&input).with_limits(Limits::default().max_depth(depth));
        Vec::<(u32, i32, (u8, u8))>::deserialize(&mut de).and_then(|v| de.end().map(|()| v))
    };
    assert_eq!(decode(3).expect("three levels: the list, a tuple, its pair"), vec![(5, -2, (7, 8)); 1000]);
    let e = decode(2).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::DepthLimit { offset: 8, limit: 2 }), "{e:?}");
}

#[test]
fn a_16_byte_input_declaring_2_to_the_60_elements_allocates_nothing() {
    let mut input = vec![0xEB]; // array, varint count
    let mut count = Vec::new();
    flatbox_wire::varint::write_u64(&mut count, 1 << 60);
    input.extend_from_slice(&count);
    input.resize(16, 0);
    let e = err(&input);
    assert!(
        matches!(e.kind(), ErrorKind::LengthExceedsInput { offset: 1, declared, remaining: 6, .. } if *declared == 1 << 60),
        "{e:?}"
    );
    // Same for strings, bytes, maps, struct fields and packed arrays.
    for t in [0xE9, 0xEA, 0xEC, 0xED, 0xEF] {
        input[0] = t;
        assert!(matches!(err(&input).kind(), ErrorKind::LengthExceedsInput { .. }), "tag {t:02X}");
    }
    let mut packed = vec![0xF4, 0x0A];
    packed.extend_from_slice(&count);
    packed.resize(16, 0);
    assert!(matches!(err(&packed).kind(), ErrorKind::LengthExceedsInput { offset: 2, .. }), "{:?}", err(&packed));
    // Typed targets take the same path.
    assert!(flatbox_wire::from_slice::<Vec<u64>>(&input).is_err());
    // And the reader stops at its bound without reading 2^60 elements.
    input[0] = 0xEB;
    assert!(flatbox_wire::from_reader::<_, Value>(&input[..]).is_err());
}

#[test]
fn each_fault_has_its_own_error_and_offset() {
    // Truncation.
    let e = err(&[0x45, b'a']);
    assert!(matches!(e.kind(), ErrorKind::Eof { offset: 1, needed: 4, .. }), "{e:?}");
    assert_eq!(e.offset(), Some(1));
    // A count the remaining bytes cannot hold.
    assert!(matches!(
        err(&[0x62, 0x01]).kind(),
        ErrorKind::LengthExceedsInput { offset: 0, declared: 2, remaining: 1, .. }
    ));
    // A reserved tag.
    assert!(matches!(err(&[0x61, 0xFE]).kind(), ErrorKind::UnknownTag { offset: 1, tag: 0xFE }));
    // A fixed-width integer cut short: where its bytes start.
    let e = err(&[0x61, 0xF7, 0x01, 0x02]);
    assert!(matches!(e.kind(), ErrorKind::Eof { offset: 2, needed: 1, what: "an unsigned integer" }), "{e:?}");
    // A value wider than the type asked for; a value written wider than
    // it needs (not canonical, but accepted, as FORMAT.md says).
    let e = flatbox_wire::from_slice::<u8>(&[0xF6, 0x2C, 0x01]).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::IntegerOutOfRange { offset: 0, target: "u8", .. }), "{e:?}");
    let e = flatbox_wire::from_slice::<i64>(&[0xFC, 0, 0, 0, 0, 0, 0, 0, 0x80]).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::IntegerOutOfRange { offset: 0, target: "i64", value } if value == "9223372036854775808"),
        "{e:?}"
    );
    // Signed types each check their own range, positive and negative.
    let e = flatbox_wire::from_slice::<(u8, i8)>(&[0x62, 0x01, 0xF5, 0x80]).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::IntegerOutOfRange { offset: 2, target: "i8", .. }), "{e:?}");
    let e = flatbox_wire::from_slice::<i16>(&[0xE4, 0x81, 0x80, 0x04]).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::IntegerOutOfRange { offset: 0, target: "i16", value } if value == "-32769"),
        "{e:?}"
    );
    assert_eq!(flatbox_wire::from_slice::<i16>(&[0xE4, 0xFF, 0xFF, 0x03]).unwrap(), i16::MIN);
    assert_eq!(flatbox_wire::from_slice::<i8>(&[0xF5, 0x7F]).unwrap(), i8::MAX);
    assert_eq!(flatbox_wire::from_slice::<u16>(&[0xF7, 0x05, 0x00, 0x00]).unwrap(), 5);
    assert_eq!(flatbox_wire::from_slice::<i32>(&[0xF8, 0x2C, 0x01, 0x00, 0x00]).unwrap(), 300);
    // Format version 1's varint form still decodes (records stored by an
    // earlier build stay readable); its bad varints are errors as before.
    assert_eq!(flatbox_wire::from_slice::<u32>(&[0xE3, 0xAC, 0x02]).unwrap(), 300);
    assert_eq!(flatbox_wire::from_slice::<i64>(&[0xE3, 0xAC, 0x02]).unwrap(), 300);
    assert_eq!(flatbox_wire::from_slice::<Value>(&[0xE3, 0xAC, 0x02]).unwrap(), Value::Integer(300));
    let e = flatbox_wire::from_slice::<u64>(&[0xE3, 0x80, 0x00]).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Varint { offset: 1, .. }), "{e:?}");
    // Invalid UTF-8.
    assert!(matches!(err(&[0x61, 0x42, 0xC3, 0x28]).kind(), ErrorKind::InvalidUtf8 { offset: 2 }));
    // A reference to a string never defined.
    assert!(matches!(
        err(&[0x62, 0xED, 0x01, b'a', 0x81]).kind(),
        ErrorKind::BadStringRef { offset: 4, index: 1, defined: 1 }
    ));
    // A reference to a shape never defined.
    assert!(matches!(err(&[0xC3]).kind(), ErrorKind::BadShapeRef { offset: 0, index: 3, defined: 0 }));
    // A shape referring to itself before it is complete.
    assert!(matches!(err(&[0xEF, 0x01, 0xED, 0x01, b'a', 0xC0]).kind(), ErrorKind::BadShapeRef { offset: 5, .. }));
    // Overlong and overflowing varints.
    let e = err(&[0xE4, 0x80, 0x00]);
    assert!(
        matches!(e.kind(), ErrorKind::Varint { offset: 1, source: flatbox_wire::varint::VarintError::Overlong }),
        "{e:?}"
    );
    assert!(matches!(
        err(&[0xE4, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]).kind(),
        ErrorKind::Varint { .. }
    ));
    // Trailing bytes.
    assert!(matches!(err(&[0x01, 0x02]).kind(), ErrorKind::TrailingBytes { offset: 1, remaining: 1 }));
    // A struct key that is not a string.
    assert!(matches!(err(&[0xEF, 0x01, 0x05, 0x05]).kind(), ErrorKind::KeyNotString { offset: 2, tag: 0x05 }));
    // Bad timestamps and packed arrays.
    assert!(matches!(
        err(&[0xF2, 0x00, 0x80, 0x94, 0xEB, 0xDC, 0x03]).kind(),
        ErrorKind::InvalidValue { what: "timestamp", .. }
    ));
    assert!(matches!(err(&[0xF4, 0x0B, 0x00]).kind(), ErrorKind::InvalidValue { what: "packed array", .. }));
    assert!(matches!(err(&[0xF4, 0x03, 0x01, 0x07, 0x00, 0x00]).kind(), ErrorKind::InvalidValue { offset: 3, .. }));
    // The messages are lowercase and name the offset.
    for e in [err(&[0x62, 0x01]), err(&[0xF7]), err(&[0xC3]), err(&[0x01, 0x02])] {
        let message = e.to_string();
        assert!(message.starts_with(|c: char| c.is_lowercase()), "{message}");
        assert!(message.contains("byte"), "{message}");
    }
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Typed {
    id: u8,
    name: String,
}

#[test]
fn type_mismatches_name_what_was_expected_and_where() {
    let e = flatbox_wire::from_slice::<Typed>(&[0x01]).unwrap_err();
    assert_eq!(e.to_string(), "expected a struct at byte 0, found unsigned integer (tag 0x01)");
    let bytes = flatbox_wire::to_vec(&(300_u32, "x")).unwrap();
    let e = flatbox_wire::from_slice::<(u8, String)>(&bytes).unwrap_err();
    assert_eq!(e.to_string(), "integer 300 at byte 1 does not fit in u8");
    // Errors raised by derived impls carry where the decoder was.
    let bytes = flatbox_wire::to_vec(&serde_json::json!({ "id": 1 })).unwrap();
    let bytes_value: Value = flatbox_wire::from_slice(&bytes).unwrap();
    let bytes = flatbox_wire::to_vec(&bytes_value).unwrap();
    let e = flatbox_wire::from_slice::<Typed>(&bytes).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Custom { offset: 6, .. }), "{e:?}");
    assert_eq!(e.to_string(), "missing field `name` (at byte 6)");
}

#[test]
fn limits_are_enforced() {
    let config = Config::default().intern_strings(true);
    let strings: Vec<String> = (0..10).map(|i| format!("s{i}")).collect();
    let bytes = flatbox_wire::to_vec_with_config(&strings, config).unwrap();
    let mut de = flatbox_wire::Deserializer::from_slice(&bytes).with_limits(Limits::default().max_interned(5));
    let e = Vec::<String>::deserialize(&mut de).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::TableFull { what: "interned strings", limit: 5, .. }), "{e:?}");

    let bytes = flatbox_wire::to_vec(&vec![1_u8; 100]).unwrap();
    let e = flatbox_wire::from_reader_with_limits::<_, Vec<u8>>(&bytes[..], Limits::default().max_reader_bytes(50))
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::LengthExceedsInput { .. }), "{e:?}");
}

#[derive(Serialize)]
struct S {
    a: u8,
    b: Vec<S>,
}

fn sample_encodings() -> Vec<Vec<u8>> {
    let value = serde_json::json!({
        "users": [{"id": 1, "name": "alice", "tags": ["a", "b"]}, {"id": 2, "name": "bob", "tags": []}],
        "ratio": 0.5, "neg": -7, "big": 1_u64 << 40, "none": null,
    });
    let v = Value::from(value);
    let mut out = vec![
        flatbox_wire::to_vec(&v).unwrap(),
        flatbox_wire::to_vec_with_config(&v, Config::default().intern_strings(true)).unwrap(),
        flatbox_wire::to_vec(&flatbox_wire::Packed(vec![1.0_f64, 2.0, 3.0])).unwrap(),
        flatbox_wire::to_vec(&(flatbox_wire::Timestamp::new(-5, 7).unwrap(), Some(None::<u8>), 'x')).unwrap(),
    ];
    out.push(flatbox_wire::to_vec(&S { a: 1, b: vec![S { a: 2, b: vec![] }, S { a: 3, b: vec![] }] }).unwrap());
    out
}

/// Applies `edits` to `bytes`: each at an index, a byte replaced (0), the
/// bytes cut there (1), a byte inserted (2) or removed (3).
fn mutate(bytes: &mut Vec<u8>, edits: Vec<(prop::sample::Index, u8, u8)>) {
    for (index, byte, op) in edits {
        if bytes.is_empty() {
            break;
        }
        let i = index.index(bytes.len());
        match op {
            0 => bytes[i] = byte,
            1 => bytes.truncate(i),
            2 => bytes.insert(i, byte),
            _ => {
                bytes.remove(i);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_valid_encodings_never_panic(
        which in 0_usize..5,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0_u8..4), 1..6),
    ) {
        let mut bytes = sample_encodings().swap_remove(which);
        mutate(&mut bytes, edits);
        let _ = flatbox_wire::from_slice::<Value>(&bytes);
        let _ = flatbox_wire::from_reader::<_, Value>(&bytes[..]);
        let _ = flatbox_wire::inspect(&bytes);
    }

    /// As `mutated_valid_encodings_never_panic`, read as the struct types
    /// themselves (through `deserialize_struct`, not `deserialize_any`).
    #[test]
    fn mutated_structs_read_as_their_types_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0_u8..4), 1..6),
        first in any::<bool>(),
    ) {
        let points = [Point { x: 1, y: 300 }, Point { x: 70_000, y: 0 }];
        let mut bytes = if first {
            flatbox_wire::to_vec(&points[0]).unwrap()
        } else {
            flatbox_wire::to_vec(&points).unwrap()
        };
        mutate(&mut bytes, edits);
        for e in [
            flatbox_wire::from_slice::<Point>(&bytes).err(),
            flatbox_wire::from_slice::<Vec<Point>>(&bytes).err(),
        ].into_iter().flatten() {
            prop_assert!(e.offset().is_none_or(|at| at <= bytes.len()), "{e}");
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = flatbox_wire::from_slice::<Value>(&bytes);
        let _ = flatbox_wire::from_slice::<(u8, String, Vec<f64>)>(&bytes);
        let _ = flatbox_wire::from_reader::<_, Value>(&bytes[..]);
        let _ = flatbox_wire::inspect(&bytes);
    }

    #[test]
    fn decoding_allocates_at_most_a_small_multiple_of_the_input(
        which in 0_usize..5,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        // The decoder's tables and the decoded Value stay proportional to
        // the input: measured here by the decoded value's element count.
        let mut bytes = sample_encodings().swap_remove(which);
        for (index, byte) in edits {
            let i = index.index(bytes.len());
            bytes[i] = byte;
        }
        if let Ok(v) = flatbox_wire::from_slice::<Value>(&bytes) {
            prop_assert!(count(&v) <= 8 * bytes.len() + 8, "{} items from {} bytes", count(&v), bytes.len());
        }
    }
}

fn count(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(count).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|(k, v)| count(k) + count(v)).sum::<usize>(),
        Value::String(s) => 1 + s.len(),
        Value::Bytes(b) => 1 + b.len(),
        Value::Packed(p) => 1 + p.len(),
        _ => 1,
    }
}

/// A fuzz finding: a map keyed `$flatbox_wire::Timestamp` whose payload
/// says nanos = 4294967295 decoded into a `Value::Timestamp` that `to_vec`
/// wrote as bytes that do not decode. Now the decoder refuses it.
#[test]
fn a_timestamp_payload_with_nanos_past_a_second_is_refused() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fuzz-findings/manual-timestamp-nanos-roundtrip.bin");
    let bytes = std::fs::read(path).unwrap();
    let e = flatbox_wire::from_slice::<Value>(&bytes).unwrap_err();
    assert!(e.to_string().contains("malformed $flatbox_wire::Timestamp payload"), "{e}");
    // The largest valid nanos still round-trips through the magic name.
    let mut good = bytes.clone();
    let at = good.len() - 4;
    good[at..].copy_from_slice(&999_999_999_u32.to_le_bytes());
    let value = flatbox_wire::from_slice::<Value>(&good).unwrap();
    let Value::Timestamp(t) = &value else { panic!("a timestamp, got {value:?}") };
    assert_eq!((t.seconds(), t.nanos()), (0, 999_999_999));
    let again = flatbox_wire::to_vec(&value).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Value>(&again).unwrap(), value);
}

#[test]
fn error_is_one_pointer_so_results_stay_small() {
    assert_eq!(size_of::<Error>(), size_of::<usize>());
    assert_eq!(size_of::<flatbox_wire::Result<u64>>(), 2 * size_of::<usize>());
    // The kind keeps the offset and the message.
    let e = err(&[0x61, 0xFE]);
    assert_eq!(e.offset(), Some(1));
    assert_eq!(e.to_string(), "unknown tag 0xFE at byte 1");
    assert!(matches!(e.into_kind(), ErrorKind::UnknownTag { offset: 1, tag: 0xFE }));
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Point {
    x: u32,
    y: u32,
}

#[test]
fn a_struct_cut_short_after_its_shape_reference_is_an_eof_at_the_missing_field() {
    let bytes = flatbox_wire::to_vec(&[Point { x: 1, y: 2 }, Point { x: 3, y: 4 }]).unwrap();
    // The second point is its shape reference and its two values; cut
    // after its first value, and then after its reference.
    for (cut, missing) in [(1, bytes.len() - 1), (2, bytes.len() - 2)] {
        let e = flatbox_wire::from_slice::<Vec<Point>>(&bytes[..bytes.len() - cut]).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Eof { offset, .. } if *offset == missing), "{e:?}");
    }
}

#[test]
fn a_first_struct_cut_short_is_an_eof_at_the_missing_field() {
    // One struct, its shape defined: the tag and count, then each key and
    // value.
    let bytes = flatbox_wire::to_vec(&Point { x: 1, y: 300 }).unwrap();
    assert_eq!(bytes, [0xEF, 0x02, 0x41, b'x', 0x01, 0x41, b'y', 0xF6, 0x2C, 0x01]);
    // Inside the value, its second byte is missing; after the key, its tag.
    for (keep, missing) in [(9, 8), (7, 7)] {
        let e = flatbox_wire::from_slice::<Point>(&bytes[..keep]).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Eof { offset, needed: 1, .. } if *offset == missing), "{e:?}");
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Signal {
    Stop,
    Go(u8),
}

#[test]
fn a_bool_is_one_of_two_tags_and_any_other_fails_where_it_is() {
    for t in 0..=u8::MAX {
        let got = flatbox_wire::from_slice::<(u8, bool)>(&[0x62, 0x07, t]);
        match t {
            0xE1 => assert_eq!(got.unwrap(), (7, false)),
            0xE2 => assert_eq!(got.unwrap(), (7, true)),
            0xFE..=0xFF => {
                let kind = got.unwrap_err().into_kind();
                assert!(matches!(kind, ErrorKind::UnknownTag { offset: 2, tag } if tag == t), "{t:#04x}: {kind:?}");
            }
            _ => {
                let kind = got.unwrap_err().into_kind();
                assert!(
                    matches!(kind, ErrorKind::UnexpectedTag { offset: 2, tag, expected: "a bool", .. } if tag == t),
                    "{t:#04x}: {kind:?}"
                );
            }
        }
    }
}

#[test]
fn small_integers_read_by_their_fast_path_take_every_width_they_are_written_in() {
    // Eight bytes follow each integer here, so each is read by the fast
    // path (a tag and eight bytes behind one bounds check), not the
    // careful one the last bytes of an input take.
    let pad = [0xFC, 1, 2, 3, 4, 5, 6, 7, 8];
    let read = |int: &[u8]| {
        let bytes = [&[0x62][..], int, &pad].concat();
        flatbox_wire::from_slice::<(u16, u64)>(&bytes).map(|(v, _)| v)
    };
    assert_eq!(read(&[0x3F]).unwrap(), 63);
    assert_eq!(read(&[0xF5, 0x40]).unwrap(), 64);
    assert_eq!(read(&[0xF5, 0xFF]).unwrap(), 255);
    assert_eq!(read(&[0xF6, 0x2C, 0x01]).unwrap(), 300);
    assert_eq!(read(&[0xF6, 0x05, 0x00]).unwrap(), 5, "written wider than it needs");
    assert_eq!(read(&[0xF7, 0x05, 0x00, 0x00]).unwrap(), 5, "three bytes, fitting");
    let kind = read(&[0xF7, 0x00, 0x00, 0x01]).unwrap_err().into_kind();
    assert!(matches!(kind, ErrorKind::IntegerOutOfRange { offset: 1, target: "u16", .. }), "{kind:?}");
    let wide = [&[0x62, 0xF6, 0x2C, 0x01][..], &pad].concat();
    let kind = flatbox_wire::from_slice::<(u8, u64)>(&wide).unwrap_err().into_kind();
    assert!(matches!(kind, ErrorKind::IntegerOutOfRange { offset: 1, target: "u8", .. }), "{kind:?}");
    let signed = [&[0x62, 0xF6, 0x2C, 0x01][..], &pad].concat();
    assert_eq!(flatbox_wire::from_slice::<(i16, u64)>(&signed).unwrap().0, 300);
}

#[test]
fn typed_strings_and_variant_names_fail_where_the_bad_byte_is() {
    // A string's length in its tag (the inline path), a reference in the
    // tag, and the other forms, each bad, into `String` and `&str`.
    let owned = |bytes: &[u8]| flatbox_wire::from_slice::<(u8, String)>(bytes).unwrap_err().into_kind();
    let borrowed = |bytes: &[u8]| flatbox_wire::from_slice::<(u8, &str)>(bytes).unwrap_err().into_kind();
    for kind in [owned(&[0x62, 0x07, 0x42, 0xC3, 0x28]), borrowed(&[0x62, 0x07, 0x42, 0xC3, 0x28])] {
        assert!(matches!(kind, ErrorKind::InvalidUtf8 { offset: 3 }), "{kind:?}");
    }
    for kind in [owned(&[0x62, 0x07, 0x43, b'a', b'b']), borrowed(&[0x62, 0x07, 0x43, b'a', b'b'])] {
        assert!(matches!(kind, ErrorKind::Eof { offset: 3, needed: 1, .. }), "{kind:?}");
    }
    for kind in [owned(&[0x62, 0x07, 0x80]), borrowed(&[0x62, 0x07, 0x80])] {
        assert!(matches!(kind, ErrorKind::BadStringRef { offset: 2, index: 0, defined: 0 }), "{kind:?}");
    }
    let kind = owned(&[0x62, 0x07, 0x05]);
    assert!(matches!(kind, ErrorKind::UnexpectedTag { offset: 2, tag: 0x05, expected: "a string", .. }), "{kind:?}");
    // A long string's tag with its length missing.
    let kind = owned(&[0x62, 0x07, 0xE9]);
    assert!(matches!(kind, ErrorKind::Varint { offset: 3, .. }), "{kind:?}");
    // A string defined, then referred to: the reference reads it back.
    let (a, b) = flatbox_wire::from_slice::<(String, &str)>(&[0x62, 0xED, 0x01, b'x', 0x80]).unwrap();
    assert_eq!((a.as_str(), b), ("x", "x"));

    // Variant names: a reference to a name never defined, with and
    // without a value; a key that is not a name; a name of no variant.
    let signal = |bytes: &[u8]| flatbox_wire::from_slice::<Signal>(bytes).unwrap_err().into_kind();
    assert!(matches!(signal(&[0x80]), ErrorKind::BadStringRef { offset: 0, index: 0, defined: 0 }));
    assert!(matches!(signal(&[0x71, 0x81, 0x01]), ErrorKind::BadStringRef { offset: 1, index: 1, defined: 0 }));
    let kind = signal(&[0x71, 0x05, 0x01]);
    assert!(matches!(kind, ErrorKind::UnexpectedTag { offset: 1, expected: "an enum variant name", .. }), "{kind:?}");
    let kind = signal(&[0x05]);
    assert!(matches!(kind, ErrorKind::UnexpectedTag { offset: 0, .. }), "{kind:?}");
    assert!(matches!(signal(&[0x71]), ErrorKind::Eof { offset: 1, .. }));
    assert!(signal(&[0x44, b'W', b'a', b'i', b't']).to_string().contains("Wait"));
    // Names by reference, after their definitions: the inline path.
    let bytes = flatbox_wire::to_vec(&[Signal::Stop, Signal::Go(3), Signal::Stop, Signal::Go(4)]).unwrap();
    assert_eq!(
        flatbox_wire::from_slice::<Vec<Signal>>(&bytes).unwrap(),
        [Signal::Stop, Signal::Go(3), Signal::Stop, Signal::Go(4)]
    );
    assert!(bytes.iter().filter(|&&b| (0x80..=0xBF).contains(&b)).count() >= 2, "{bytes:02X?}");
}

proptest! {
    #[test]
    fn wide_integers_decode_in_every_form_as_through_value(
        v in prop_oneof![any::<i128>(), -300_i128..300, any::<i64>().prop_map(i128::from), any::<u64>().prop_map(i128::from)],
    ) {
        // Each form the encoder writes (in the tag, fixed width, negative
        // varint, 128-bit varints) back through the typed fast path.
        let bytes = flatbox_wire::to_vec(&v).unwrap();
        prop_assert_eq!(flatbox_wire::from_slice::<i128>(&bytes).unwrap(), v);
        prop_assert_eq!(flatbox_wire::from_slice::<Value>(&bytes).unwrap(), Value::Integer(v));
        match u128::try_from(v) {
            Ok(u) => prop_assert_eq!(flatbox_wire::from_slice::<u128>(&bytes).unwrap(), u),
            Err(_) => prop_assert!(flatbox_wire::from_slice::<u128>(&bytes).is_err()),
        }
        // Cut anywhere: an error, never a panic.
        for cut in 0..bytes.len() {
            prop_assert!(flatbox_wire::from_slice::<i128>(&bytes[..cut]).is_err());
        }
    }
}

#[test]
fn wide_integers_fail_where_the_bad_byte_is() {
    let wide = |bytes: &[u8]| flatbox_wire::from_slice::<i128>(bytes).unwrap_err().into_kind();
    // A 128-bit varint cut short, overlong, or too long.
    for bytes in [&[0xE5, 0x80][..], &[0xE6, 0xFF, 0xFF]] {
        let kind = wide(bytes);
        assert!(matches!(kind, ErrorKind::Varint { offset: 1, .. }), "{kind:?}");
    }
    let kind = wide(&[0xE5, 0x80, 0x00]);
    assert!(matches!(kind, ErrorKind::Varint { offset: 1, .. }), "{kind:?}");
    let kind = wide(&[[0xE5].as_slice(), &[0xFF; 19], &[0x01]].concat());
    assert!(matches!(kind, ErrorKind::Varint { offset: 1, .. }), "{kind:?}");
    // A negative integer's varint cut short.
    let kind = wide(&[0xE4, 0x80]);
    assert!(matches!(kind, ErrorKind::Varint { offset: 1, .. }), "{kind:?}");
    // Above i128::MAX, and negative into u128: the visitor's range error.
    let mut above = vec![0xE5];
    flatbox_wire::varint::write_u128(&mut above, u128::MAX);
    let message = flatbox_wire::from_slice::<i128>(&above).unwrap_err().to_string();
    assert!(message.contains("expected i128"), "{message}");
    assert_eq!(flatbox_wire::from_slice::<u128>(&above).unwrap(), u128::MAX);
    let message = flatbox_wire::from_slice::<u128>(&[0xE4, 0x01]).unwrap_err().to_string();
    assert!(message.contains("expected u128"), "{message}");
    // Not an integer.
    let kind = wide(&[0x41, b'x']);
    assert!(matches!(&kind, ErrorKind::Custom { message, .. } if message.contains("expected i128")), "{kind:?}");
}

#[test]
fn a_tuple_cut_short_is_an_eof_at_the_missing_element() {
    // A typed tuple reads its own count of elements, so its header sizes
    // nothing: where the input ends, the missing element is the error.
    let e = flatbox_wire::from_slice::<(u8, u8)>(&[0x62, 0x01]).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Eof { offset: 2, .. }), "{e:?}");
    let bytes = flatbox_wire::to_vec(&vec![(1.5_f32, 2.5_f32); 3]).unwrap();
    for cut in 1..bytes.len() {
        let e = flatbox_wire::from_slice::<Vec<(f32, f32)>>(&bytes[..cut]).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Eof { .. } | ErrorKind::LengthExceedsInput { .. }), "{cut}: {e:?}");
    }
    // Read as `Value`, the same bytes are an array whose count the rest
    // cannot hold.
    assert!(matches!(err(&[0x62, 0x01]).kind(), ErrorKind::LengthExceedsInput { offset: 0, declared: 2, .. }));
}

#[test]
fn a_type_that_recurses_without_reading_a_byte_stops_at_the_depth_limit() {
    // A newtype around an option of itself, and the same made transparent
    // (no newtype call at all): a value that is neither a null nor `SOME`
    // is the option's content, so each level reads nothing, and only the
    // depth limit ends it.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Chain(Option<Box<Chain>>);
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(transparent)]
    struct Bare(Option<Box<Bare>>);
    // What such types hold round-trips, a level or two per link.
    let chain = Chain(Some(Box::new(Chain(Some(Box::new(Chain(None)))))));
    assert_eq!(flatbox_wire::from_slice::<Chain>(&flatbox_wire::to_vec(&chain).unwrap()).unwrap(), chain);
    let bare = Bare(Some(Box::new(Bare(Some(Box::new(Bare(None)))))));
    assert_eq!(flatbox_wire::from_slice::<Bare>(&flatbox_wire::to_vec(&bare).unwrap()).unwrap(), bare);
    let numbers = flatbox_wire::to_vec(&vec![7_u32; 4]).unwrap();
    assert_eq!(numbers[0], 0xFD, "an array of numbers");
    for input in [&[0x05][..], &[0x41, b'x'], &numbers] {
        let e = flatbox_wire::from_slice::<Chain>(input).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::DepthLimit { limit: 128, .. }), "{input:02X?}: {e:?}");
        let e = flatbox_wire::from_slice::<Bare>(input).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::DepthLimit { limit: 128, .. }), "{input:02X?}: {e:?}");
    }
    // Inside an array of numbers, and of rows of numbers, each element
    // recurses the same way.
    let rows = flatbox_wire::to_vec(&vec![(1.5_f32, 2.5_f32); 8]).unwrap();
    assert!(flatbox_wire::inspect(&rows).unwrap().contains("rows"), "{}", flatbox_wire::inspect(&rows).unwrap());
    for input in [&numbers[..], &rows] {
        let e = flatbox_wire::from_slice::<Vec<Chain>>(input).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::DepthLimit { limit: 128, .. }), "{input:02X?}: {e:?}");
        let e = flatbox_wire::from_slice::<Vec<Bare>>(input).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::DepthLimit { limit: 128, .. }), "{input:02X?}: {e:?}");
    }
}

#[test]
fn every_kind_of_recursive_variant_counts_a_level() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    enum Tree {
        Leaf,
        Wrap(Box<Tree>),
        Pair(Box<Tree>, u8),
        Node { next: Box<Tree> },
    }
    let deep = |n: usize, link: fn(Tree) -> Tree| (0..n).fold(Tree::Leaf, |t, _| link(t));
    let links: [fn(Tree) -> Tree; 3] =
        [|t| Tree::Wrap(Box::new(t)), |t| Tree::Pair(Box::new(t), 7), |t| Tree::Node { next: Box::new(t) }];
    for link in links {
        let bytes = flatbox_wire::to_vec(&deep(100, link)).unwrap();
        let decode = |depth| {
            let mut de = flatbox_wire::Deserializer::from_slice(&bytes).with_limits(Limits::default().max_depth(depth));
            Tree::deserialize(&mut de)
        };
        // A level a link: 100 fit in 100, not in 99.
        assert_eq!(decode(100).unwrap(), deep(100, link));
        let e = decode(99).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::DepthLimit { limit: 99, .. }), "{e:?}");
    }
}
