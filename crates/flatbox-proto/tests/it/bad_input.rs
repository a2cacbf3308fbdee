//! Bad input: errors with offsets (and prost's field paths), never panics.

use flatbox_proto::raw::decode_raw;
use flatbox_proto::v1::{User, UserList};
use flatbox_proto::{Error, Schema};
use proptest::prelude::*;
use prost::Message;

#[test]
fn raw_decoding_names_each_fault() {
    assert!(matches!(decode_raw(&[0x08]), Err(Error::Truncated { offset: 1, .. })));
    assert!(matches!(decode_raw(&[0x0E, 0x01]), Err(Error::InvalidWireType { offset: 0, wire_type: 6 })));
    assert!(matches!(decode_raw(&[0x00, 0x01]), Err(Error::InvalidFieldNumber { offset: 0, number: 0 })));
    assert!(matches!(
        decode_raw(&[0x12, 0x7F, b'a']),
        Err(Error::LengthExceedsInput { offset: 1, declared: 127, remaining: 1 })
    ));
    assert!(matches!(decode_raw(&[0x0C]), Err(Error::UnmatchedGroup { offset: 0, number: 1 })));
    assert!(matches!(decode_raw(&[0x0B, 0x08, 0x01]), Err(Error::Truncated { .. })));
    let deep: Vec<u8> = std::iter::repeat_n(0x0B, 1000).collect();
    assert!(matches!(decode_raw(&deep), Err(Error::DepthLimit { .. })));
    let e = decode_raw(&[0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).unwrap_err();
    assert!(matches!(e, Error::Varint { offset: 1, .. }), "{e:?}");
    assert_eq!(e.to_string(), "invalid varint at byte 1: varint overflows the integer type");
}

#[test]
fn prost_errors_are_errors_with_the_field_path() {
    let list = UserList { users: vec![User { id: 1, name: "ok".into(), active: true, tags: vec![] }] };
    let bytes = list.encode_to_vec();
    // Truncated.
    assert!(UserList::decode(&bytes[..bytes.len() - 1]).is_err());
    // Invalid UTF-8 in User.name, inside UserList.users.
    let mut bad = bytes.clone();
    let at = bad.iter().position(|&b| b == b'o').unwrap();
    bad[at] = 0xFF;
    let err = UserList::decode(&bad[..]).unwrap_err().to_string();
    assert!(err.contains("UserList.users") && err.contains("User.name"), "{err}");
    // The dynamic path reports the same kinds of faults.
    let schema = Schema::builtin();
    let err = schema.decode("flatbox.v1.UserList", &bad).unwrap_err();
    assert!(matches!(err, Error::Decode { ref message, .. } if message == "flatbox.v1.UserList"), "{err:?}");
}

#[test]
fn recursion_past_the_limit_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("node.proto");
    std::fs::write(&file, "syntax = \"proto3\";\npackage t;\nmessage Node { Node child = 1; }\n").unwrap();
    let schema = Schema::compile(&file, &[]).unwrap();
    // 200 levels of Node { child: Node { ... } }, built inside out.
    let mut bytes: Vec<u8> = Vec::new();
    for _ in 0..200 {
        let mut outer = vec![0x0A];
        flatbox_wire::varint::write_u64(&mut outer, bytes.len() as u64);
        outer.extend_from_slice(&bytes);
        bytes = outer;
    }
    let err = schema.decode("t.Node", &bytes).unwrap_err();
    assert!(err.to_string().contains("recursion limit"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn decode_raw_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..128)) {
        let _ = decode_raw(&bytes);
        let _ = flatbox_proto::raw::decode_raw_text(&bytes);
        let _ = UserList::decode(&bytes[..]);
        let _ = flatbox_proto::v1::Showcase::decode(&bytes[..]);
        let _ = Schema::builtin().decode("flatbox.v1.Showcase", &bytes);
    }
}
