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

#[test]
fn a_large_input_is_sampled_and_its_sizes_scaled() {
    let dir = Scratch::new();
    let lines = ndjson(&records(4000));
    let input = dir.write("big.ndjson", &lines);
    let html = dir.path("report.html");
    let result = profile_json(&["--sample", "32kB", "--html", html.to_str().unwrap()], &input);
    // A file is sampled at evenly spaced offsets: its record count is an
    // estimate from the sample's bytes per record.
    let sample = &result["input"]["sample"];
    assert_eq!(sample["input_records_exact"], false);
    let estimated = sample["input_records"].as_u64().unwrap();
    assert!((3600..4400).contains(&estimated), "{sample}");
    assert_eq!(sample["input_bytes"].as_u64().unwrap(), lines.len() as u64);
    let kept = sample["sample_records"].as_u64().unwrap();
    assert!(kept > 50 && kept < 1000, "{sample}");
    let note = result["input"]["sample_note"].as_str().unwrap();
    assert!(
        note.contains(&format!("({kept} of about {estimated} records)")) && note.ends_with("; sizes scaled"),
        "{note}"
    );
    // A stream (standard input) is read once, to its end: counted exactly.
    let out = flatbox()
        .args(["profile", "--smoke", "--json", "--sample", "32kB", "--input", "ndjson", "-"])
        .write_stdin(lines.clone())
        .assert()
        .success();
    let piped: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(piped["input"]["sample"]["input_records"], 4000);
    assert!(piped["input"]["sample_note"].as_str().unwrap().contains(" of 4000 records)"), "{piped}");
    // JSON measured on the sample and scaled is about the input's size.
    let rows = result["rows"].as_array().unwrap();
    let json = rows.iter().find(|r| r["format"] == "json" && r["codec"] == "none").unwrap()["size"].as_u64().unwrap();
    let ratio = json as f64 / lines.len() as f64;
    assert!((0.9..1.1).contains(&ratio), "json scaled to {json} of {} bytes", lines.len());
    // Each timing carries its spread.
    assert!(
        rows.iter().all(|r| r["encode_spread"].as_f64().is_some() && r["report"]["decode"]["q3_ns"].as_f64().is_some())
    );
    let page = std::fs::read_to_string(&html).unwrap();
    for needle in ["<svg", "sizes scaled", "Recommendation", "wire+strings"] {
        assert!(page.contains(needle), "{needle} missing from the page");
    }
    assert!(!page.contains("src=") && !page.contains("href=") && !page.contains("<script"), "nothing is fetched");
}

#[test]
fn a_large_json_array_is_sampled_element_by_element() {
    let dir = Scratch::new();
    let rows = records(4000);
    let text = Value::Array(rows).to_string();
    let input = dir.write("big.json", &text);
    let result = profile_json(&["--sample", "32kB"], &input);
    let sample = &result["input"]["sample"];
    assert_eq!(sample["input_records"], 4000, "{sample}");
    let kept = sample["sample_records"].as_u64().unwrap();
    assert!(kept > 50 && kept < 1000, "{sample}");
    let rows = result["rows"].as_array().unwrap();
    let json = rows.iter().find(|r| r["format"] == "json" && r["codec"] == "none").unwrap()["size"].as_u64().unwrap();
    let ratio = json as f64 / text.len() as f64;
    assert!((0.9..1.1).contains(&ratio), "json scaled to {json} of {} bytes", text.len());
    // A broken array is an error naming the file.
    let broken = dir.write("broken.json", &text[..text.len() / 2]);
    let out = flatbox().args(["profile", "--smoke"]).arg(&broken).output().unwrap();
    crate::support::assert_fails(&out, 1, &["broken.json", "expected one JSON document"]);
}

#[test]
fn schema_evolution_is_answered_by_the_measured_matrix() {
    let dir = Scratch::new();
    let input = dir.write("log.ndjson", ndjson(&records(50)));
    let result = profile_json(&["--schema-evolution"], &input);
    let path = result["recommendation"]["path"].as_array().unwrap();
    let step = path.iter().filter_map(Value::as_str).find(|s| s.starts_with("schema evolution? yes")).unwrap();
    assert!(step.contains("msgpack-compact ") && step.contains("/12 correct"), "{step}");
    assert!(step.contains("silently wrong"), "{step}");
    let notes = result["recommendation"]["notes"].to_string();
    assert!(notes.contains("WRONGLY without an error"), "{notes}");
}
