//! `flatbox store`: append, get, scan, verify, stats.

use crate::support::{Scratch, assert_fails, flatbox, ndjson, records};

#[test]
fn append_then_get_scan_verify_and_stats() {
    let dir = Scratch::new();
    let recs = records(300);
    let input = dir.write("in.ndjson", ndjson(&recs));
    let log = dir.path("log");
    flatbox().arg("store").arg(&log).args(["append", "--codec", "zstd:3"]).arg(&input).assert().success();
    // Plain records appended after compressed ones, from standard input.
    flatbox().arg("store").arg(&log).arg("append").write_stdin(ndjson(&recs[..10])).assert().success();

    let out = flatbox().arg("store").arg(&log).args(["get", "7"]).assert().success();
    let got: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(got, recs[7]);
    let out = flatbox().arg("store").arg(&log).args(["get", "305"]).assert().success();
    let got: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(got, recs[5]);

    let out = flatbox().arg("store").arg(&log).args(["scan", "--from", "10", "--limit", "3"]).assert().success();
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.get_output().stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines, recs[10..13]);

    let out = flatbox().arg("store").arg(&log).arg("verify").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("verified 310 of 310"), "{text}");
    assert!(text.contains("opened: 310 records"), "{text}");

    let out = flatbox().arg("store").arg(&log).arg("stats").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("records:  310"), "{text}");
    assert!(text.contains("segments: 1"), "{text}");
}

#[test]
fn missing_records_and_logs_are_errors() {
    let dir = Scratch::new();
    let log = dir.path("log");
    flatbox().arg("store").arg(&log).arg("append").write_stdin("{\"a\":1}\n").assert().success();
    let out = flatbox().arg("store").arg(&log).args(["get", "9"]).output().unwrap();
    assert_fails(&out, 1, &["no record 9", "holds 1"]);
    let out = flatbox().arg("store").arg(dir.path("nowhere")).arg("stats").output().unwrap();
    assert_fails(&out, 2, &["nowhere", "no record log"]);
}

#[test]
fn a_damaged_record_fails_verify_with_its_id() {
    let dir = Scratch::new();
    let log = dir.path("log");
    let recs = records(50);
    flatbox().arg("store").arg(&log).arg("append").write_stdin(ndjson(&recs)).assert().success();
    // Flip a byte in the middle of the segment's records.
    let segment = std::fs::read_dir(&log)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "seg"))
        .unwrap();
    let mut bytes = std::fs::read(&segment).unwrap();
    let used = bytes.iter().rposition(|&b| b != 0).unwrap();
    bytes[used / 2] ^= 0x40;
    std::fs::write(&segment, bytes).unwrap();
    let out = flatbox().arg("store").arg(&log).arg("verify").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("log"), "{stderr}");
}
