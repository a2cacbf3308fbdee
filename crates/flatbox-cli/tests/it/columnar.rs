//! Arrow IPC and Parquet: round trips through `convert`, `inspect` of both,
//! damaged files, and the columnar rows of `profile`.

use serde_json::{Value, json};

use crate::support::{Scratch, assert_fails, flatbox, garbage, ndjson, read_json, read_ndjson, records};

fn convert(args: &[&std::ffi::OsStr]) {
    flatbox().arg("convert").args(args).assert().success();
}

fn os(s: &(impl AsRef<std::ffi::OsStr> + ?Sized)) -> &std::ffi::OsStr {
    s.as_ref()
}

fn inspect(path: &std::path::Path) -> String {
    let out = flatbox().arg("inspect").arg(path).assert().success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

/// Rows whose types survive the trip: unsigned ints stay ints, floats are
/// written with a fraction, a nullable column, strings and booleans.
fn table() -> Vec<Value> {
    records(300)
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            r["note"] = if i % 4 == 0 { Value::Null } else { json!(format!("n{i}")) };
            r
        })
        .collect()
}

#[test]
fn json_to_arrow_and_parquet_to_json_is_the_input() {
    let dir = Scratch::new();
    let rows = table();
    let input = dir.write("in.json", Value::Array(rows.clone()).to_string());
    for (mid, codec, magic) in [
        ("a.arrow", None, &b"ARROW1"[..]),
        ("a.feather", Some("zstd"), b"ARROW1"),
        ("a.ipc", Some("lz4"), b"ARROW1"),
        ("a.arrows", None, b"\xff\xff\xff\xff"),
        ("a.parquet", None, b"PAR1"),
        ("b.parquet", Some("zstd:5"), b"PAR1"),
        ("c.parquet", Some("lz4"), b"PAR1"),
        ("d.parquet", Some("gzip:9"), b"PAR1"),
        ("e.parquet", Some("brotli:5"), b"PAR1"),
        ("f.parquet", Some("snappy"), b"PAR1"),
    ] {
        let mut cmd = flatbox();
        cmd.arg("convert").arg(&input).arg(dir.path(mid));
        if let Some(codec) = codec {
            cmd.args(["--codec", codec]);
        }
        cmd.assert().success();
        let bytes = std::fs::read(dir.path(mid)).unwrap();
        assert!(bytes.starts_with(magic), "{mid} starts with its magic");
        if let Some(codec) = codec.filter(|_| mid.ends_with(".parquet")) {
            // Each column chunk says the codec asked for.
            let inspect = flatbox().arg("inspect").arg(dir.path(mid)).output().unwrap();
            let text = String::from_utf8_lossy(&inspect.stdout).to_lowercase();
            let name = codec.split(':').next().unwrap();
            assert!(text.contains(name), "{mid}: inspect names {name}: {text}");
        }
        convert(&[os(&dir.path(mid)), os(&dir.path("back.json"))]);
        assert_eq!(read_json(&dir.path("back.json")), Value::Array(rows.clone()), "through {mid}");
    }
}

#[test]
fn ndjson_to_arrow_and_parquet_to_ndjson_is_the_input_across_batches() {
    let dir = Scratch::new();
    // More rows than one batch (8192 rows from NDJSON): nine IPC batches;
    // one Parquet row group (up to 128 Ki rows).
    let rows: Vec<Value> = (0..70_000_u64).map(|i| json!({"id": i, "s": format!("x{}", i % 100)})).collect();
    let input = dir.write("in.ndjson", ndjson(&rows));
    for mid in ["m.arrow", "m.parquet"] {
        convert(&[os(&input), os(&dir.path(mid))]);
        convert(&[os(&dir.path(mid)), os(&dir.path("out.ndjson"))]);
        assert_eq!(read_ndjson(&dir.path("out.ndjson")), rows, "through {mid}");
    }
    assert!(inspect(&dir.path("m.arrow")).contains("9 batches, 70000 rows"));
    assert!(inspect(&dir.path("m.parquet")).contains("1 row group, 70000 rows"));

    // Standard input, told apart by the magic alone.
    let small = table();
    let input = dir.write("small.ndjson", ndjson(&small));
    for mid in ["s.arrow", "s.arrows", "s.parquet"] {
        convert(&[os(&input), os(&dir.path(mid))]);
        let out = flatbox()
            .args(["convert", "-", "-", "--to", "ndjson"])
            .pipe_stdin(dir.path(mid))
            .unwrap()
            .assert()
            .success();
        let back: Vec<Value> = String::from_utf8_lossy(&out.get_output().stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(back, small, "{mid} from standard input");
    }
}

#[test]
fn inspect_shows_schema_rows_compression_and_statistics() {
    let dir = Scratch::new();
    let input = dir.write("in.ndjson", ndjson(&table()));
    convert(&[os(&input), os(&dir.path("t.arrow")), os("--codec"), os("zstd")]);
    let text = inspect(&dir.path("t.arrow"));
    for needle in [
        "Arrow IPC file: 1 batch, 300 rows; body compression: ZSTD",
        "schema (7 columns):",
        "  id: Int64",
        "  note: Utf8 (nullable)",
        "  id: nulls 0, min 0, max 299",
        "  note: nulls 75",
        "  status: nulls 0, min 200, max 404",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    convert(&[os(&input), os(&dir.path("t.parquet")), os("--codec"), os("zstd")]);
    let text = inspect(&dir.path("t.parquet"));
    for needle in [
        "Parquet file: 1 row group, 300 rows",
        "schema (7 columns):",
        "row group 0: 300 rows",
        "  id: INT64 ZSTD, nulls 0, min 0, max 299",
        "  method: BYTE_ARRAY ZSTD, nulls 0, min \"GET\", max \"POST\"",
        "  note: BYTE_ARRAY ZSTD, nulls 75",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn damaged_columnar_files_fail_cleanly_everywhere() {
    let dir = Scratch::new();
    let input = dir.write("in.ndjson", ndjson(&records(50)));
    let mut bad = Vec::new();
    for name in ["g.arrow", "g.arrows", "g.parquet"] {
        convert(&[os(&input), os(&dir.path(name))]);
        let bytes = std::fs::read(dir.path(name)).unwrap();
        bad.push(dir.write(&format!("truncated-{name}"), &bytes[..bytes.len() * 2 / 3]));
        let mut junk = bytes[..8].to_vec();
        junk.extend(garbage(400, 7));
        bad.push(dir.write(&format!("garbage-{name}"), junk));
    }
    bad.push(dir.write("random.arrow", garbage(200, 1)));
    bad.push(dir.write("random.parquet", garbage(200, 2)));
    bad.push(dir.write("empty.parquet", b""));
    for file in &bad {
        let name = file.file_name().unwrap().to_str().unwrap();
        let out = flatbox().arg("convert").arg(file).arg(dir.path("out.json")).output().unwrap();
        assert_fails(&out, 1, &[name]);
        let out = flatbox().arg("inspect").arg(file).output().unwrap();
        assert_fails(&out, 1, &[name]);
        let out = flatbox().args(["profile", "--smoke", "-q"]).arg(file).output().unwrap();
        assert_fails(&out, 1, &[name]);
    }
}

#[test]
fn rows_that_do_not_fit_and_outer_codecs_are_refused() {
    let dir = Scratch::new();
    // A column that changes type: no schema fits.
    let input = dir.write("mixed.ndjson", "{\"a\": 1}\n{\"a\": \"x\"}\n");
    let out = flatbox().arg("convert").arg(&input).arg(dir.path("m.parquet")).output().unwrap();
    assert_fails(&out, 1, &["mixed.ndjson", "line 1", "a: Utf8"]);
    assert!(!dir.path("m.parquet").exists(), "no half-written output");
    // A line past the sample that does not fit, in a file (converted on
    // every core) and through standard input: named by its line in the
    // input, with how to widen the sample; inferring from every line of
    // the file reads it.
    let text: String = (0..3000).map(|i| format!("{{\"a\": {i}}}\n")).chain(["{\"a\": 1.5}\n".to_owned()]).collect();
    let input = dir.write("late.ndjson", &text);
    let out =
        flatbox().arg("convert").arg(&input).arg(dir.path("l.parquet")).args(["--infer-rows", "100"]).output().unwrap();
    assert_fails(&out, 1, &["late.ndjson", "line 3001", "1.5", "--infer-rows"]);
    assert!(!dir.path("l.parquet").exists(), "no half-written output");
    let out = flatbox()
        .args(["convert", "-", "--from", "ndjson", "--infer-rows", "100"])
        .arg(dir.path("l.parquet"))
        .pipe_stdin(&input)
        .unwrap()
        .output()
        .unwrap();
    assert_fails(&out, 1, &["line 3001", "1.5", "--infer-rows"]);
    convert(&[os(&input), os(&dir.path("l.parquet")), os("--infer-rows"), os("all")]);
    convert(&[os(&dir.path("l.parquet")), os(&dir.path("l.ndjson"))]);
    assert_eq!(read_ndjson(&dir.path("l.ndjson")).len(), 3001);
    // Not rows at all.
    let input = dir.write("scalars.ndjson", "1\n2\n");
    let out = flatbox().arg("convert").arg(&input).arg(dir.path("s.arrow")).output().unwrap();
    assert_fails(&out, 1, &["scalars.ndjson", "to be an object"]);
    // Compression is the formats' own.
    let input = dir.write("ok.ndjson", ndjson(&records(3)));
    let out = flatbox().arg("convert").arg(&input).arg(dir.path("o.arrow.zst")).output().unwrap();
    assert_fails(&out, 2, &["compresses inside the file", "--codec zstd"]);
    let out = flatbox().arg("convert").arg(&input).arg(dir.path("o.arrow")).args(["--codec", "gzip"]).output().unwrap();
    assert_fails(&out, 2, &["lz4 or zstd"]);
    let out =
        flatbox().arg("convert").arg(&input).arg(dir.path("o.parquet")).args(["--codec", "gzip:12"]).output().unwrap();
    assert_fails(&out, 2, &["--codec", "gzip levels are 0 to 9"]);
}

#[test]
fn profile_measures_the_columnar_formats_on_tabular_data() {
    let dir = Scratch::new();
    let input = dir.write("log.ndjson", ndjson(&records(100)));
    convert(&[os(&input), os(&dir.path("log.parquet"))]);
    // A Parquet input is profiled like any other.
    let out = flatbox().args(["profile", "--smoke", "--json"]).arg(dir.path("log.parquet")).assert().success();
    let result: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(result["input"]["format"], "parquet");
    assert_eq!(result["input"]["records"], 100);
    let rows = result["rows"].as_array().unwrap();
    for (format, codec) in [("arrow-ipc", "none"), ("arrow-ipc", "zstd"), ("parquet", "none"), ("parquet", "zstd:3")] {
        let row = rows.iter().find(|r| r["format"] == format && r["codec"] == codec);
        assert!(row.is_some_and(|r| r["size"].as_u64().unwrap() > 0), "{format} {codec} measured: {result}");
    }
    let path = result["recommendation"]["path"].to_string();
    assert!(path.contains("tabular data (100 records x 6 flat fields)? yes"), "{path}");
    assert!(path.contains("Arrow/Parquet for analytical workloads"), "{path}");
    // Not tabular: no columnar rows.
    let doc = dir.write("doc.json", crate::support::document().to_string());
    let out = flatbox().args(["profile", "--smoke", "--json"]).arg(&doc).assert().success();
    let result: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(!result["rows"].as_array().unwrap().iter().any(|r| r["format"] == "parquet"));
}

/// Keys keep the input's order (not sorted) through every format, so the
/// output reads like the input: the NDJSON text comes back byte for byte.
#[test]
fn key_order_survives_every_format() {
    let dir = Scratch::new();
    let text = ndjson(&records(50));
    assert!(text.starts_with("{\"id\":0,\"method\""), "the input's keys are not sorted: {text}");
    let input = dir.write("in.ndjson", &text);
    for mid in ["a.msgpack", "a.wire", "a.arrow", "a.parquet"] {
        convert(&[os(&input), os(&dir.path(mid))]);
        convert(&[os(&dir.path(mid)), os(&dir.path("back.ndjson"))]);
        assert_eq!(std::fs::read_to_string(dir.path("back.ndjson")).unwrap(), text, "through {mid}");
    }
}
