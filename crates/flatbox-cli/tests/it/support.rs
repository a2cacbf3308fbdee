//! Helpers: the binary, scratch directories, test data.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The `flatbox` binary, quiet.
pub(crate) fn flatbox() -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("flatbox");
    cmd.env_remove("RUST_BACKTRACE");
    cmd
}

/// A scratch directory (`tempfile`), removed with its contents when dropped.
pub(crate) struct Scratch(tempfile::TempDir);

impl Scratch {
    pub(crate) fn new() -> Self {
        Scratch(tempfile::Builder::new().prefix("flatbox-cli-test-").tempdir().expect("create scratch dir"))
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    pub(crate) fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write test file");
        path
    }
}

/// `n` flat records, as an HTTP log would have them.
pub(crate) fn records(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "id": i,
                "method": if i % 3 == 0 { "POST" } else { "GET" },
                "path": format!("/api/items/{}", i % 17),
                "status": if i % 10 == 0 { 404 } else { 200 },
                "latency_ms": (i as f64) * 0.25 + 1.5,
                "cached": i % 2 == 0,
            })
        })
        .collect()
}

/// The records as NDJSON.
pub(crate) fn ndjson(records: &[Value]) -> String {
    records.iter().flat_map(|r| [r.to_string(), "\n".to_owned()]).collect()
}

/// A nested document (not tabular).
pub(crate) fn document() -> Value {
    json!({
        "name": "flatbox",
        "version": 1,
        "ratio": -0.125,
        "tags": ["fast", "safe", "measured"],
        "nested": {"list": [1, -2, 3.5, null, true, {"deep": "yes"}], "empty": {}},
        "unicode": "h\u{e9}llo \u{1F980}",
    })
}

/// Parses a file as one JSON value.
pub(crate) fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read output")).expect("output is JSON")
}

/// Parses a file as NDJSON.
pub(crate) fn read_ndjson(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("read output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// The user.proto of the repository.
pub(crate) fn user_proto() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../proto/flatbox/v1/user.proto")
}

/// Asserts a run failed with `code`, said something on stderr containing
/// every one of `needles`, and did not panic.
pub(crate) fn assert_fails(output: &std::process::Output, code: i32, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "exit code; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "panicked: {stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "backtrace hint: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "stderr lacks {needle:?}: {stderr}");
    }
}

/// Deterministic pseudo-random bytes.
pub(crate) fn garbage(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 56) as u8
        })
        .collect()
}
