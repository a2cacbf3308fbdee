//! `flatbox convert`: round trips through every format and codec.

use serde_json::json;

use crate::support::{Scratch, document, flatbox, ndjson, read_json, read_ndjson, records, user_proto};

#[test]
fn json_to_msgpack_to_wire_to_json_is_the_input() {
    let dir = Scratch::new();
    let input = dir.write("doc.json", document().to_string());
    flatbox().arg("convert").arg(&input).arg(dir.path("doc.msgpack")).assert().success();
    flatbox().arg("convert").arg(dir.path("doc.msgpack")).arg(dir.path("doc.wire")).assert().success();
    flatbox().arg("convert").arg(dir.path("doc.wire")).arg(dir.path("back.json")).assert().success();
    assert_eq!(read_json(&dir.path("back.json")), document());
}

#[test]
fn ndjson_streams_round_trip_through_every_codec() {
    let dir = Scratch::new();
    let recs = records(200);
    let input = dir.write("in.ndjson", ndjson(&recs));
    for (mid, codec_magic) in [
        ("a.msgpack", None),
        ("a.wire.zst", Some(&[0x28, 0xB5, 0x2F, 0xFD][..])),
        ("a.wire.lz4", Some(&[0x04, 0x22, 0x4D, 0x18][..])),
        ("a.msgpack.gz", Some(&[0x1F, 0x8B][..])),
    ] {
        flatbox().arg("convert").arg(&input).arg(dir.path(mid)).assert().success();
        let bytes = std::fs::read(dir.path(mid)).unwrap();
        if let Some(magic) = codec_magic {
            assert!(bytes.starts_with(magic), "{mid} is compressed");
        }
        flatbox().arg("convert").arg(dir.path(mid)).arg(dir.path("out.ndjson")).assert().success();
        assert_eq!(read_ndjson(&dir.path("out.ndjson")), recs, "through {mid}");
    }
}

#[test]
fn json_to_protobuf_to_json_is_the_input() {
    let dir = Scratch::new();
    let user = json!({"id": 150, "name": "ada", "active": true, "tags": ["x", "y"]});
    let input = dir.write("user.json", user.to_string());
    let proto = user_proto();
    flatbox()
        .args(["convert", "--message", "User", "--proto"])
        .arg(&proto)
        .arg(&input)
        .arg(dir.path("user.pb"))
        .assert()
        .success();
    let bytes = std::fs::read(dir.path("user.pb")).unwrap();
    assert_eq!(&bytes[..3], [0x08, 0x96, 0x01], "field 1 = 150");
    flatbox()
        .args(["convert", "--message", "flatbox.v1.User", "--proto"])
        .arg(&proto)
        .arg(dir.path("user.pb"))
        .arg(dir.path("back.json"))
        .assert()
        .success();
    assert_eq!(read_json(&dir.path("back.json")), user);
}

#[test]
fn formats_and_codecs_can_be_named_explicitly() {
    let dir = Scratch::new();
    let recs = records(20);
    let input = dir.write("in.txt", ndjson(&recs));
    flatbox()
        .args(["convert", "--from", "ndjson", "--to", "wire", "--codec", "zstd:7"])
        .arg(&input)
        .arg(dir.path("out.bin"))
        .assert()
        .success();
    assert!(std::fs::read(dir.path("out.bin")).unwrap().starts_with(&[0x28, 0xB5, 0x2F, 0xFD]));
    // The input's codec is detected; its format is named.
    flatbox()
        .args(["convert", "--from", "wire", "--to", "ndjson"])
        .arg(dir.path("out.bin"))
        .arg(dir.path("back.txt"))
        .assert()
        .success();
    assert_eq!(read_ndjson(&dir.path("back.txt")), recs);
}

#[test]
fn formats_are_sniffed_when_the_extension_says_nothing() {
    let dir = Scratch::new();
    let recs = records(10);
    let input = dir.write("in.ndjson", ndjson(&recs));
    flatbox().arg("convert").arg(&input).arg(dir.path("x.msgpack")).assert().success();
    std::fs::rename(dir.path("x.msgpack"), dir.path("x.data")).unwrap();
    flatbox().arg("convert").arg(dir.path("x.data")).arg(dir.path("back.ndjson")).assert().success();
    assert_eq!(read_ndjson(&dir.path("back.ndjson")), recs);
    std::fs::rename(&input, dir.path("lines.data")).unwrap();
    flatbox().arg("convert").arg(dir.path("lines.data")).arg(dir.path("back2.ndjson")).assert().success();
    assert_eq!(read_ndjson(&dir.path("back2.ndjson")), recs);
}

#[test]
fn a_stream_written_as_json_is_an_array_and_back() {
    let dir = Scratch::new();
    let recs = records(5);
    let input = dir.write("in.ndjson", ndjson(&recs));
    flatbox().arg("convert").arg(&input).arg(dir.path("all.json")).assert().success();
    assert_eq!(read_json(&dir.path("all.json")), serde_json::Value::Array(recs.clone()));
    flatbox().arg("convert").arg(dir.path("all.json")).arg(dir.path("lines.ndjson")).assert().success();
    assert_eq!(read_ndjson(&dir.path("lines.ndjson")), recs);
}

#[test]
fn csv_with_a_header_becomes_typed_records() {
    let dir = Scratch::new();
    let input = dir.write("t.csv", "id,name,score,ok,note\n1,ann,2.5,true,\n-2,bob,3,false,hi\n");
    flatbox().arg("convert").arg(&input).arg(dir.path("t.ndjson")).assert().success();
    assert_eq!(
        read_ndjson(&dir.path("t.ndjson")),
        [
            json!({"id": 1, "name": "ann", "score": 2.5, "ok": true, "note": null}),
            json!({"id": -2, "name": "bob", "score": 3, "ok": false, "note": "hi"}),
        ]
    );
}

#[test]
fn standard_output_and_a_closed_pipe() {
    let dir = Scratch::new();
    let input = dir.write("in.ndjson", ndjson(&records(3)));
    let out = flatbox().args(["convert", "--to", "ndjson"]).arg(&input).arg("-").assert().success();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout).lines().count(), 3);

    // A reader that goes away early (`flatbox convert ... - | head -1`).
    let big = dir.write("big.ndjson", ndjson(&records(60_000)));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("flatbox"))
        .args(["convert", "--to", "ndjson"])
        .arg(&big)
        .arg("-")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0_u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "quiet exit on a closed pipe: {stderr}");
}
