//! flatbox-proto: the dynamic path for a schema given at run time, both
//! ways: protobuf -> JSON, and JSON -> protobuf -> JSON (what converts
//! once converts back to the same JSON).
#![no_main]

use std::sync::OnceLock;

use flatbox_proto::Schema;
use libfuzzer_sys::fuzz_target;

const MESSAGES: [&str; 5] = [
    "flatbox.v1.UserList",
    "flatbox.v1.User",
    "flatbox.v1.HttpLogEntry",
    "flatbox.v1.NetworkEvent",
    "flatbox.v1.Showcase",
];

fuzz_target!(|data: &[u8]| {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    let schema = SCHEMA.get_or_init(Schema::builtin);
    let Some((&which, rest)) = data.split_first() else { return };
    let message = MESSAGES[usize::from(which & 0x7F) % MESSAGES.len()];
    if which & 0x80 == 0 {
        let _ = schema.protobuf_to_json(message, rest);
    } else if let Ok(json) = std::str::from_utf8(rest)
        && let Ok(bytes) = schema.json_to_protobuf(message, json)
    {
        let text = schema.protobuf_to_json(message, &bytes).expect("what json_to_protobuf wrote decodes");
        let bytes_again = schema.json_to_protobuf(message, &text).expect("its own JSON converts");
        let text_again = schema.protobuf_to_json(message, &bytes_again).unwrap();
        assert_eq!(text_again, text, "JSON -> protobuf -> JSON is not stable");
    }
});
