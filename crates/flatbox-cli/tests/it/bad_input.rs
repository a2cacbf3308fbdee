//! Truncated, garbage and mismatched files for every subcommand: exit 1
//! with a message naming the file and where, exit 2 for bad usage, never a
//! panic.

use crate::support::{Scratch, assert_fails, document, flatbox, garbage, ndjson, records, user_proto};

fn run(args: &[&std::ffi::OsStr]) -> std::process::Output {
    flatbox().args(args).output().unwrap()
}

fn os(s: &(impl AsRef<std::ffi::OsStr> + ?Sized)) -> &std::ffi::OsStr {
    s.as_ref()
}

/// Valid files of each format, then truncated and corrupted copies.
fn corpus(dir: &Scratch) -> Vec<std::path::PathBuf> {
    let recs = records(40);
    let input = dir.write("good.ndjson", ndjson(&recs));
    let doc = dir.write("good.json", document().to_string());
    let mut files = vec![input.clone(), doc.clone()];
    for name in ["good.msgpack", "good.wire", "good.wire.zst", "good.msgpack.lz4", "good.wire.gz"] {
        flatbox().arg("convert").arg(&input).arg(dir.path(name)).assert().success();
        files.push(dir.path(name));
    }
    let mut bad = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let bytes = std::fs::read(file).unwrap();
        let name = file.file_name().unwrap().to_str().unwrap();
        bad.push(dir.write(&format!("truncated-{name}"), &bytes[..bytes.len() * 2 / 3]));
        let mut flipped = bytes.clone();
        let at = flipped.len() / 2;
        flipped[at] ^= 0xFF;
        bad.push(dir.write(&format!("flipped-{name}"), flipped));
        let mut junk = bytes[..bytes.len().min(6)].to_vec();
        junk.extend(garbage(300, i as u64));
        bad.push(dir.write(&format!("garbage-{name}"), junk));
    }
    bad
}

#[test]
fn convert_never_panics_on_bad_input() {
    let dir = Scratch::new();
    for file in corpus(&dir) {
        let out = run(&[os("convert"), os(&file), os(&dir.path("out.ndjson"))]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", file.display());
        // Some flipped bytes land in a string and still decode; everything
        // else is bad data, with the file named.
        if !out.status.success() {
            assert_fails(&out, 1, &[file.file_name().unwrap().to_str().unwrap()]);
        }
    }
}

#[test]
fn truncated_inputs_name_the_file_and_the_place() {
    let dir = Scratch::new();
    let json = dir.write("t.json", "{\"a\": [1, 2,");
    let out = run(&[os("convert"), os(&json), os(&dir.path("o.msgpack"))]);
    assert_fails(&out, 1, &["t.json", "line 1", "JSON"]);

    let lines = dir.write("t.ndjson", "{\"a\":1}\n{\"a\":2}\n{\"a\":\n");
    let out = run(&[os("convert"), os(&lines), os(&dir.path("o.wire"))]);
    assert_fails(&out, 1, &["t.ndjson", "line 3"]);
    assert!(!dir.path("o.wire").exists(), "no half-written output is left");

    let msgpack = dir.write("t.msgpack", b"\x82\xa1x\x01\xa1");
    let out = run(&[os("convert"), os(&msgpack), os(&dir.path("o.json"))]);
    assert_fails(&out, 1, &["t.msgpack", "byte"]);

    let wire = dir.write("t.wire", b"\x62\x01\x46ab");
    let out = run(&[os("convert"), os(&wire), os(&dir.path("o.json"))]);
    assert_fails(&out, 1, &["t.wire", "byte"]);

    let zst = dir.write("t.wire.zst", b"\x28\xB5\x2F\xFD\x04\x58\x01\x02");
    let out = run(&[os("convert"), os(&zst), os(&dir.path("o.json"))]);
    assert_fails(&out, 1, &["t.wire.zst", "zstd"]);

    let csv = dir.write("t.csv", "a,b\n1,2\n3\n");
    let out = run(&[os("convert"), os(&csv), os(&dir.path("o.ndjson"))]);
    assert_fails(&out, 1, &["t.csv", "line 3"]);
}

#[test]
fn mismatched_files_are_bad_data() {
    let dir = Scratch::new();
    let json_named_msgpack = dir.write("m.msgpack", document().to_string());
    let out = run(&[os("convert"), os(&json_named_msgpack), os(&dir.path("o.json"))]);
    assert_fails(&out, 1, &["m.msgpack"]);
    let proto = user_proto();
    let not_protobuf = dir.write("n.pb", [0xFF_u8, 0xFF, 0xFF]);
    let out = run(&[
        os("convert"),
        os("--proto"),
        os(&proto),
        os("--message"),
        os("User"),
        os(&not_protobuf),
        os(&dir.path("o.json")),
    ]);
    assert_fails(&out, 1, &["n.pb", "User"]);
    let wrong_fields = dir.write("w.json", r#"{"id": "not a number"}"#);
    let out = run(&[
        os("convert"),
        os("--proto"),
        os(&proto),
        os("--message"),
        os("User"),
        os(&wrong_fields),
        os(&dir.path("o.pb")),
    ]);
    assert_fails(&out, 1, &["User"]);
}

#[test]
fn inspect_and_profile_never_panic_on_bad_input() {
    let dir = Scratch::new();
    for file in corpus(&dir) {
        for sub in ["inspect", "profile"] {
            let mut cmd = flatbox();
            cmd.arg(sub);
            if sub == "profile" {
                cmd.arg("--smoke");
            }
            let out = cmd.arg(&file).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{sub} {}: {stderr}", file.display());
            assert!(matches!(out.status.code(), Some(0 | 1)), "{sub} {}: {stderr}", file.display());
        }
    }
    let unknown = dir.write("x.bin", [0xC1_u8, 0xC1, 0x00, 0xFF]);
    let out = run(&[os("inspect"), os(&unknown)]);
    assert_fails(&out, 1, &["x.bin"]);
}

#[test]
fn store_append_refuses_bad_lines_and_other_directories() {
    let dir = Scratch::new();
    let log = dir.path("log");
    let out = flatbox().arg("store").arg(&log).arg("append").write_stdin("{\"ok\":1}\nnot json\n").output().unwrap();
    assert_fails(&out, 1, &["line 2"]);
    let other = dir.path("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "hello").unwrap();
    let out = run(&[os("store"), os(&other), os("stats")]);
    assert_fails(&out, 1, &["other"]);
}

#[test]
fn bad_usage_exits_2() {
    let dir = Scratch::new();
    let input = dir.write("in.ndjson", ndjson(&records(2)));
    let [missing, o_json, o_unknown, o_wire, o_pb, o_csv] =
        ["missing.json", "o.json", "o.unknown", "o.wire", "o.pb", "o.csv"].map(|n| dir.path(n));
    let cases: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec![os("convert"), os(&missing), os(&o_json)],
        vec![os("convert"), os(&input), os(&o_unknown)],
        vec![os("convert"), os(&input), os(&o_wire), os("--codec"), os("zstd:99")],
        vec![os("convert"), os(&input), os(&o_pb)],
        vec![os("convert"), os(&input), os(&o_csv)],
        vec![os("convert"), os("--from"), os("yaml"), os(&input), os(&o_json)],
        vec![os("profile"), os(&missing)],
        vec![os("inspect"), os(&missing)],
        vec![os("store")],
        vec![os("frobnicate")],
    ];
    for args in cases {
        let out = run(&args);
        assert_fails(&out, 2, &[]);
    }
}

/// The files that made arrow-rs and parquet panic (flatbox-arrow's fuzz
/// findings): `convert` and `inspect` exit 1 naming the file, and print no
/// panic message (flatbox-arrow contains the panics silently).
#[test]
fn arrow_and_parquet_fuzz_findings_exit_1_without_a_panic_message() {
    let findings = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../flatbox-arrow/tests/data/fuzz-findings");
    let dir = Scratch::new();
    let mut checked = 0;
    for (sub, extension) in [("arrow_ipc_file", "arrow"), ("arrow_ipc_stream", "arrows"), ("parquet_read", "parquet")] {
        for entry in std::fs::read_dir(findings.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let name = format!("{}.{extension}", path.file_name().unwrap().to_str().unwrap().replace('.', "-"));
            let file = dir.write(&name, std::fs::read(&path).unwrap());
            for args in
                [vec![os("convert"), os(&file), os("-"), os("--to"), os("ndjson")], vec![os("inspect"), os(&file)]]
            {
                let out = run(&args);
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
                if args[0] == "convert" {
                    assert_fails(&out, 1, &[&name]);
                } else {
                    assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {stderr}");
                }
            }
            checked += 1;
        }
    }
    // 13 shared findings, and the footer hang this session's campaign found.
    assert_eq!(checked, 14);
}
