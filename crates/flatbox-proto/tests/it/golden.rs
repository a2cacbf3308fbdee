//! Golden bytes from the protobuf encoding documentation.

use flatbox_proto::raw::{RawValue, decode_raw, decode_raw_text};
use prost::Message;

/// `message Test1 { optional int32 a = 1; }` with a = 150, and the same
/// shape through our `User.id` (field 1, int32).
#[test]
fn a_varint_field() {
    let user = flatbox_proto::v1::User { id: 150, ..Default::default() };
    assert_eq!(user.encode_to_vec(), [0x08, 0x96, 0x01]);
    assert_eq!(decode_raw(&[0x08, 0x96, 0x01]).unwrap()[0].value, RawValue::Varint(150));
}

/// `message Test2 { optional string b = 2; }` with b = "testing"; our
/// `User.name` is field 2, a string.
#[test]
fn a_string_field() {
    let expected = [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67];
    let user = flatbox_proto::v1::User { name: "testing".into(), ..Default::default() };
    assert_eq!(user.encode_to_vec(), expected);
    let fields = decode_raw(&expected).unwrap();
    assert_eq!(fields[0].value.as_str(), Some("testing"));
}

/// `message Test5 { repeated int32 f = 6 [packed=true]; }` with 3, 270,
/// 86942 is `32 06 03 8E 02 9E A7 05`; our `Showcase.deltas` (field 10,
/// packed sint32) zigzags, so the same values are `52 06 06 9C 04 BC CE 0A`.
#[test]
fn a_packed_repeated_field() {
    let showcase = flatbox_proto::v1::Showcase { deltas: vec![3, 270, 86942], ..Default::default() };
    assert_eq!(showcase.encode_to_vec(), [0x52, 0x06, 0x06, 0x9C, 0x04, 0xBC, 0xCE, 0x0A]);
    let doc = [0x32, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05];
    let fields = decode_raw(&doc).unwrap();
    assert_eq!(fields[0].number, 6);
    assert_eq!(fields[0].value, RawValue::LengthDelimited(&doc[2..]));
}

#[test]
fn decode_raw_text_matches_protoc() {
    let user = flatbox_proto::v1::UserList {
        users: vec![flatbox_proto::v1::User { id: 7, name: "ada".into(), active: true, tags: vec!["x".into()] }],
    };
    // What `protoc --decode_raw` prints for these bytes.
    assert_eq!(decode_raw_text(&user.encode_to_vec()).unwrap(), "1 {\n  1: 7\n  2: \"ada\"\n  3: 1\n  4: \"x\"\n}\n");
    // fixed64 / fixed32 and a group.
    let bytes = [0x09, 1, 0, 0, 0, 0, 0, 0, 0, 0x15, 2, 0, 0, 0, 0x1B, 0x08, 0x01, 0x1C];
    assert_eq!(decode_raw_text(&bytes).unwrap(), "1: 0x0000000000000001\n2: 0x00000002\n3 {\n  1: 1\n}\n");
}
