//! Arrow C++'s golden IPC files (flatbox-arrow's test data) through
//! `flatbox convert`: to Arrow IPC every file is a copy of its batches,
//! equal to the file's integration JSON; to NDJSON, Parquet, MessagePack
//! and wire each conversion succeeds or fails cleanly (exit 1 with a
//! message naming the file), never silently and never with a crash.

use std::io::Read;
use std::path::{Path, PathBuf};

use arrow_integration_test::ArrowJson;
use flatbox_arrow::IpcFile;
use flatbox_arrow::arrow_array::RecordBatch;

use crate::support::{Scratch, flatbox};

fn golden_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../flatbox-arrow/tests/data/arrow-ipc-stream/integration");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "arrow_file") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

fn json_batches(path: &Path) -> Vec<RecordBatch> {
    let gz = std::fs::File::open(path.with_extension("json.gz")).unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz).read_to_string(&mut text).unwrap();
    let json: ArrowJson = serde_json::from_str(&text).unwrap();
    json.get_record_batches().unwrap()
}

#[test]
fn golden_files_copy_to_arrow_and_convert_or_fail_cleanly_elsewhere() {
    let dir = Scratch::new();
    let files = golden_files();
    assert_eq!(files.len(), 36);
    let mut failures = Vec::new();
    let mut converted = std::collections::BTreeMap::<&str, usize>::new();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        // A copy: the same schema and the same values as the JSON.
        let out = dir.path(&format!("{name}.arrow"));
        let result = flatbox().arg("convert").arg(path).arg(&out).arg("--from").arg("arrow").output().unwrap();
        if result.status.success() {
            let file = IpcFile::open(&out).unwrap();
            let back = file.batches().unwrap();
            let source = IpcFile::open(path).unwrap();
            assert_eq!(file.schema(), source.schema(), "{name}: the schema is kept");
            let expected = json_batches(path);
            let same = back.len() == expected.len()
                && back.iter().zip(&expected).all(|(a, b)| a.num_rows() == b.num_rows() && a.columns() == b.columns());
            if !same {
                failures.push(format!("{name}.arrow: values differ from the integration json"));
            }
        } else {
            failures.push(format!("{name}.arrow: {}", String::from_utf8_lossy(&result.stderr).trim()));
        }
        for ext in ["ndjson", "parquet", "msgpack", "wire"] {
            let out = dir.path(&format!("{name}.{ext}"));
            let result = flatbox().arg("convert").arg(path).arg(&out).arg("--from").arg("arrow").output().unwrap();
            match result.status.code() {
                Some(0) => *converted.entry(ext).or_default() += 1,
                Some(1) => {
                    let stderr = String::from_utf8_lossy(&result.stderr);
                    assert!(stderr.starts_with("flatbox: error: ") && stderr.contains(&name), "{name}.{ext}: {stderr}");
                    assert!(!out.exists(), "{name}.{ext}: no half-written output");
                }
                code => {
                    failures.push(format!("{name}.{ext}: exit {code:?}: {}", String::from_utf8_lossy(&result.stderr)));
                }
            }
        }
    }
    assert!(failures.is_empty(), "golden files failing:\n{}", failures.join("\n"));
    // Every file converts to NDJSON (arrow-json's writer knows these types).
    eprintln!("converted of {}: {converted:?}", files.len());
    assert!(converted.get("ndjson").copied().unwrap_or(0) > 0);
}
