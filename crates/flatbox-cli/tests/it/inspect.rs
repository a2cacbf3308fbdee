//! `flatbox inspect`: each kind of file, shown.

use serde_json::json;

use crate::support::{Scratch, document, flatbox, ndjson, records, user_proto};

fn inspect(path: &std::path::Path, args: &[&str]) -> String {
    let out = flatbox().arg("inspect").args(args).arg(path).assert().success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn wire_is_disassembled() {
    let dir = Scratch::new();
    let path = dir.write("p.wire", flatbox_wire_bytes());
    let text = inspect(&path, &[]);
    // The disassembly itself (the file name alone says "wire"): the map's
    // tag with its entry count, both keys and the negative value.
    assert!(text.contains("map(2)"), "{text}");
    assert!(text.contains("\"x\"") && text.contains("\"y\""), "field names shown: {text}");
    assert!(text.contains("-2"), "values shown: {text}");
}

fn flatbox_wire_bytes() -> Vec<u8> {
    // {"x": 1, "y": -2} as the encoder writes it: a map with two keys.
    let dir = Scratch::new();
    let input = dir.write("p.json", json!({"x": 1, "y": -2}).to_string());
    flatbox().arg("convert").arg(&input).arg(dir.path("p.wire")).assert().success();
    std::fs::read(dir.path("p.wire")).unwrap()
}

#[test]
fn msgpack_is_dumped_with_offsets_and_markers() {
    let dir = Scratch::new();
    let path = dir.write("p.msgpack", b"\x82\xa1x\x01\xa1y\xfe");
    let text = inspect(&path, &[]);
    assert!(text.contains("fixmap (2 entries)"), "{text}");
    assert!(text.contains("negative fixint -2"), "{text}");
    assert!(text.contains("00000006"), "offsets: {text}");
}

#[test]
fn protobuf_raw_and_typed() {
    let dir = Scratch::new();
    let path = dir.write("u.pb", [0x08, 0x96, 0x01, 0x12, 0x03, b'a', b'd', b'a']);
    let raw = inspect(&path, &[]);
    assert!(raw.contains("1: 150"), "{raw}");
    let proto = user_proto();
    let typed = inspect(&path, &["--message", "User", "--proto", proto.to_str().unwrap()]);
    assert!(typed.contains("\"name\": \"ada\""), "{typed}");
}

#[test]
fn compressed_frames_show_their_header_then_the_payload() {
    let dir = Scratch::new();
    let input = dir.write("in.ndjson", ndjson(&records(50)));
    for (name, codec) in [("a.wire.zst", "zstd"), ("a.wire.lz4", "lz4"), ("a.msgpack.gz", "gzip")] {
        flatbox().arg("convert").arg(&input).arg(dir.path(name)).assert().success();
        let text = inspect(&dir.path(name), &[]);
        assert!(text.contains(&format!("{codec} frame")), "{text}");
        assert!(text.contains("checksum"), "{text}");
        assert!(text.contains("dictionary id"), "{text}");
        assert!(text.contains("payload"), "{text}");
    }
}

#[test]
fn json_documents_and_records_are_summarised() {
    let dir = Scratch::new();
    let path = dir.write("d.json", document().to_string());
    assert!(inspect(&path, &[]).contains("document: 1 record"));
    let path = dir.write("r.ndjson", ndjson(&records(7)));
    assert!(inspect(&path, &[]).contains("records: 7 records"));
}
