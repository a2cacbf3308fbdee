//! Dynamic messages: a schema compiled at run time, JSON <-> protobuf.

use std::path::Path;

use flatbox_proto::v1::{HttpLogEntry, Showcase};
use flatbox_proto::{Error, Schema};
use prost::Message;

#[test]
fn json_to_binary_through_the_dynamic_path_equals_the_generated_encoding() {
    let schema = Schema::builtin();
    let entry = HttpLogEntry {
        ip: "66.1.2.3".into(),
        identity: "-".into(),
        user_id: "ada".into(),
        date: "15/Jan/2025:08:00:00 +0000".into(),
        request: "GET / HTTP/1.1".into(),
        status: 200,
        size: 5120,
    };
    // proto3 JSON: camelCase names, 64-bit integers as strings.
    let json = r#"{"ip":"66.1.2.3","identity":"-","userId":"ada","date":"15/Jan/2025:08:00:00 +0000","request":"GET / HTTP/1.1","status":200,"size":"5120"}"#;
    let bytes = schema.json_to_protobuf("flatbox.v1.HttpLogEntry", json).unwrap();
    assert_eq!(bytes, entry.encode_to_vec());
    assert_eq!(schema.protobuf_to_json("HttpLogEntry", &bytes).unwrap(), json);
}

#[test]
fn the_showcase_converts_both_ways() {
    let schema = Schema::builtin();
    let json = r#"{"id":"9","severity":"SEVERITY_ERROR","at":"2022-01-20T11:40:00Z","location":{"latitude":1.5,"longitude":-2},"text":"hi","labels":{"a":"b"},"samples":[1,2.5],"deltas":[-1,1],"retries":3,"checksum":"AAE="}"#;
    let bytes = schema.json_to_protobuf("flatbox.v1.Showcase", json).unwrap();
    let typed = Showcase::decode(&bytes[..]).unwrap();
    assert_eq!(typed.at.unwrap().seconds, 1_642_678_800);
    assert_eq!(typed.checksum, [0, 1]);
    assert_eq!(typed.retries, Some(3));
    let back = schema.protobuf_to_json("flatbox.v1.Showcase", &typed.encode_to_vec()).unwrap();
    assert_eq!(schema.json_to_protobuf("flatbox.v1.Showcase", &back).unwrap(), typed.encode_to_vec());
}

#[test]
fn a_schema_from_a_file_at_run_time() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    let schema = Schema::compile(&root.join("flatbox/v1/metrics.proto"), &[&root]).unwrap();
    assert!(schema.message_names().contains(&"flatbox.v1.NetworkEvent".to_owned()));
    let bytes = schema
        .json_to_protobuf("NetworkEvent", r#"{"userId":"123","action":"login","timestamp":"1642678800"}"#)
        .unwrap();
    let event = flatbox_proto::v1::NetworkEvent::decode(&bytes[..]).unwrap();
    assert_eq!((event.user_id, event.action.as_str(), event.timestamp), (123, "login", 1_642_678_800));
}

#[test]
fn schema_and_json_errors_are_clear() {
    let missing = Schema::compile(Path::new("/nonexistent/x.proto"), &[]).unwrap_err();
    assert!(matches!(missing, Error::Schema { .. }), "{missing:?}");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("bad.proto"), "syntax = \"proto3\";\nmessage M { int32 = 1; }\n").unwrap();
    let err = Schema::compile(&dir.join("bad.proto"), &[]).unwrap_err();
    assert!(err.to_string().starts_with("compiling "), "{err}");
    let schema = Schema::builtin();
    let err = schema.json_to_protobuf("flatbox.v1.Nope", "{}").unwrap_err();
    assert!(err.to_string().contains("flatbox.v1.UserList"), "lists the known names: {err}");
    let err = schema.json_to_protobuf("flatbox.v1.User", r#"{"id": "not a number"}"#).unwrap_err();
    assert!(matches!(err, Error::Json { .. }), "{err:?}");
    let err = schema.json_to_protobuf("flatbox.v1.User", r#"{"id": 1} trailing"#).unwrap_err();
    assert!(matches!(err, Error::Json { .. }), "{err:?}");
}
