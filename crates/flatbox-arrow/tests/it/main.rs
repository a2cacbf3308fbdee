//! Integration tests of flatbox-arrow: one test binary, a module per topic.

mod bad_input;
mod golden;
mod ipc;
mod ndjson;
mod parquet;
mod pyarrow;
mod records;
mod rows;
mod writer;

use std::path::{Path, PathBuf};

/// The crate's test data folder.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// A path named `name` in a fresh temporary directory (`tempfile`), which
/// is removed with whatever it holds when this is dropped.
struct TempFile(
    PathBuf,
    #[expect(dead_code, reason = "held for its Drop, which removes the directory")] tempfile::TempDir,
);

impl TempFile {
    fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("makes a temporary directory");
        TempFile(dir.path().join(name), dir)
    }
}

/// The Python that has the interop peers: `FLATBOX_PYTHON` (set by
/// `cargo xtask test`), else `python3`.
fn python() -> std::process::Command {
    std::process::Command::new(std::env::var_os("FLATBOX_PYTHON").unwrap_or_else(|| "python3".into()))
}
