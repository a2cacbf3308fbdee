//! The logical types of the record model: what the decoder refuses.

use flatbox_wire::{Extension, Value};

fn decode_err(bytes: &[u8]) -> String {
    flatbox_wire::from_slice::<Value>(bytes).unwrap_err().to_string()
}

#[test]
fn a_reserved_extension_id_is_refused_by_the_encoder() {
    let e = flatbox_wire::to_vec(&Value::Extension(Extension { type_id: 0x10_0003, data: vec![0; 8] })).unwrap_err();
    assert!(e.to_string().contains("0x100003 is reserved"), "{e}");
    // Just outside the range is the application's.
    assert!(flatbox_wire::to_vec(&Extension { type_id: 0x10_0100, data: vec![] }).is_ok());
}

#[test]
fn payloads_of_the_wrong_length_are_errors_naming_the_type() {
    // f16 with 3 bytes.
    let e = decode_err(&[0xF3, 0x80, 0x80, 0x40, 0x03, 0, 0, 0]);
    assert!(e.contains("malformed f16") && e.contains("expected 2"), "{e}");
    // date32 with 2 bytes.
    let e = decode_err(&[0xF3, 0x82, 0x80, 0x40, 0x02, 0, 0]);
    assert!(e.contains("malformed date32"), "{e}");
    // A time with unit 4.
    let e = decode_err(&[0xF3, 0x84, 0x80, 0x40, 0x09, 0x04, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert!(e.contains("time unit 4"), "{e}");
    // A datetime without a zone and trailing bytes.
    let e = decode_err(&[0xF3, 0x81, 0x80, 0x40, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x41]);
    assert!(e.contains("bytes after its value"), "{e}");
    // A datetime zone that is not UTF-8.
    let e = decode_err(&[0xF3, 0x81, 0x80, 0x40, 0x0A, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF]);
    assert!(e.contains("not UTF-8"), "{e}");
    // An unassigned reserved id.
    let e = decode_err(&[0xF3, 0xFF, 0x81, 0x40, 0x00]);
    assert!(e.contains("reserved and unassigned"), "{e}");
}

#[test]
fn decimals_must_be_in_their_shortest_form_with_a_valid_precision() {
    // 1234 written in 3 bytes (D2 04 00): the 00 only repeats the sign.
    let e = decode_err(&[0xF3, 0x89, 0x80, 0x40, 0x05, 0x04, 0x02, 0xD2, 0x04, 0x00]);
    assert!(e.contains("shortest form"), "{e}");
    // 0x80 needs its 00: 128 is 80 00, and is accepted.
    let v = flatbox_wire::from_slice::<Value>(&[0xF3, 0x89, 0x80, 0x40, 0x04, 0x03, 0x00, 0x80, 0x00]).unwrap();
    let Value::Decimal(d) = v else { panic!("a decimal: {v:?}") };
    assert_eq!((d.to_i128(), d.precision(), d.scale()), (Some(128), 3, 0));
    // Precision 0 and 77.
    for p in [0, 77] {
        let e = decode_err(&[0xF3, 0x89, 0x80, 0x40, 0x03, p, 0x00, 0x01]);
        assert!(e.contains("precision"), "{e}");
    }
    // 33 bytes of integer.
    let mut bytes = vec![0xF3, 0x89, 0x80, 0x40, 35, 10, 0];
    bytes.extend([0x01; 33]);
    assert!(decode_err(&bytes).contains("expected 1 to 32"));
}

#[test]
fn a_union_marker_outside_a_pair_is_an_error() {
    // Alone.
    let e = decode_err(&[0xF3, 0x8A, 0x80, 0x40, 0x01, 0x01]);
    assert!(e.contains("union marker outside a union pair"), "{e}");
    // Second in an array.
    let e = decode_err(&[0x62, 0x07, 0xF3, 0x8A, 0x80, 0x40, 0x01, 0x01]);
    assert!(e.contains("union marker outside a union pair"), "{e}");
    // First of three.
    let e = decode_err(&[0x63, 0xF3, 0x8A, 0x80, 0x40, 0x01, 0x01, 0x07, 0x07]);
    assert!(e.contains("more than 2 elements"), "{e}");
    // First of one.
    let e = decode_err(&[0x61, 0xF3, 0x8A, 0x80, 0x40, 0x01, 0x01]);
    assert!(e.contains("without a value"), "{e}");
    // A marker of two bytes.
    let e = decode_err(&[0x62, 0xF3, 0x8A, 0x80, 0x40, 0x02, 0x01, 0x01, 0x07]);
    assert!(e.contains("expected 1"), "{e}");
}

#[test]
fn nested_unions_round_trip_and_inspect_names_the_types() {
    let v = Value::Union {
        type_id: -3,
        value: Box::new(Value::Union { type_id: 5, value: Box::new(Value::Array(vec![Value::Date32(1)])) }),
    };
    let bytes = flatbox_wire::to_vec(&v).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Value>(&bytes).unwrap(), v);
    let listing = flatbox_wire::inspect(&bytes).unwrap();
    assert!(listing.contains("(union marker)") && listing.contains("(date32)"), "{listing}");
}
