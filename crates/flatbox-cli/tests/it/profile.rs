//! `flatbox profile`: the table, the JSON result and the recommendation.

use serde_json::{Value, json};

use crate::support::{Scratch, document, flatbox, ndjson, records, user_proto};

fn profile_json(args: &[&str], file: &std::path::Path) -> Value {
    let out = flatbox().args(["profile", "--smoke", "--json"]).args(args).arg(file).assert().success();
    serde_json::from_slice(&out.get_output().stdout).expect("--json prints JSON")
}

#[test]
fn tabular_records_get_every_format_and_codec_and_a_recommendation() {
    let dir = Scratch::new();
    let input = dir.write("log.ndjson", ndjson(&records(100)));
    let out = flatbox().args(["profile", "--smoke"]).arg(&input).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for needle in
        ["msgpack-compact", "wire+strings", "zstd:3", "gzip:6", "lz4", "Recommendation:", "cross-language? no"]
    {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }

    let result = profile_json(&[], &input);
    assert_eq!(result["input"]["records"], 100);
    assert_eq!(result["input"]["tabular"], true);
    let rows = result["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 29, "5 formats x 5 codecs, and Arrow IPC and Parquet plain and zstd");
    let size = |format: &str, codec: &str| {
        rows.iter().find(|r| r["format"] == format && r["codec"] == codec).unwrap()["size"].as_u64().unwrap()
    };
    // Tabular data is profiled as records of one shape: compact layouts win.
    assert!(size("msgpack-compact", "none") < size("msgpack", "none"));
    assert!(size("wire", "none") < size("json", "none"));
    // Which row wins depends on this machine's timings: the decision tree
    // itself is tested on synthetic figures (flatbox's tests/it/recommend.rs).
    // Here: the recommendation is one of the measured rows, and the tree
    // asked the tabular question with the input's shape.
    let rec = &result["recommendation"];
    let choice = rec["choice"].as_str().unwrap();
    let name = |r: &Value| {
        if r["codec"] == "none" {
            r["format"].as_str().unwrap().to_owned()
        } else {
            format!("{}+{}", r["format"].as_str().unwrap(), r["codec"].as_str().unwrap())
        }
    };
    assert!(rows.iter().any(|r| name(r) == choice), "{choice} is a measured row");
    assert!(rec["path"].to_string().contains("tabular data (100 records x 6 flat fields)"), "{rec}");
}

#[test]
fn stated_needs_drive_the_decision_tree() {
    let dir = Scratch::new();
    let input = dir.write("doc.json", document().to_string());
    let choice = |args: &[&str]| profile_json(args, &input)["recommendation"]["choice"].as_str().unwrap().to_owned();
    assert!(choice(&["--cross-language", "--human-readable"]).starts_with("json"));
    assert!(choice(&["--cross-language"]).starts_with("msgpack"));
    assert!(choice(&["--human-readable"]).starts_with("json"));
    let speed = profile_json(&["--optimize", "speed"], &input);
    assert!(speed["recommendation"]["choice"].as_str().unwrap().starts_with("wire"));
    assert!(speed["recommendation"]["path"].to_string().contains("maximum performance? yes"));
    let size = profile_json(&["--optimize", "size", "--cross-language"], &input);
    let rec = &size["recommendation"];
    // The smallest of the MessagePack rows.
    let smallest = size["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["format"].as_str().unwrap().starts_with("msgpack"))
        .map(|r| r["size"].as_u64().unwrap())
        .min()
        .unwrap();
    assert!(rec["figures"].as_str().unwrap().contains(&format!("{smallest} B")), "{rec}");
}

#[test]
fn protobuf_is_measured_with_a_schema_and_chosen_for_schema_evolution() {
    let dir = Scratch::new();
    let users: Vec<Value> =
        (0..20).map(|i| json!({"id": i, "name": format!("u{i}"), "active": true, "tags": ["a"]})).collect();
    let input = dir.write("users.json", json!({ "users": users }).to_string());
    let proto = user_proto();
    let result = profile_json(
        &["--cross-language", "--schema-evolution", "--message", "UserList", "--proto", proto.to_str().unwrap()],
        &input,
    );
    assert_eq!(result["rows"].as_array().unwrap().len(), 30);
    assert!(result["recommendation"]["choice"].as_str().unwrap().starts_with("protobuf"), "{result}");

    // A stream of records: delimited messages.
    let lines = dir.write("users.ndjson", ndjson(&users));
    let result = profile_json(&["--message", "User", "--proto", proto.to_str().unwrap()], &lines);
    assert!(result["rows"].as_array().unwrap().iter().any(|r| r["format"] == "protobuf"));
}
