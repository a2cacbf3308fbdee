//! Arrow C++'s golden IPC files (flatbox-arrow's test data) through
//! `flatbox convert`: to Arrow IPC every file is a copy of its batches,
//! equal to the file's integration JSON; to NDJSON, Parquet, MessagePack
//! and wire each conversion succeeds with the file's values, or fails
//! cleanly (exit 1 with a message naming the file), never silently and
//! never with a crash. The values are compared as the record model
//! (`flatbox_arrow::records::to_records` of the source): wire holds them
//! exactly, MessagePack as `flatbox::records::to_msgpack` maps them, Parquet
//! read back gives the same rows, and each NDJSON line is the JSON that
//! `flatbox::records::to_json` gives the row (the convention RECORDS.md
//! names, which arrow-json's writer and the record model share).

use std::io::Read;
use std::path::{Path, PathBuf};

use arrow_integration_test::ArrowJson;
use flatbox::wire::Value;
use flatbox_arrow::IpcFile;
use flatbox_arrow::arrow_array::RecordBatch;
use flatbox_arrow::records;

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
        let rows = source_rows(path);
        for ext in ["ndjson", "parquet", "msgpack", "wire"] {
            let out = dir.path(&format!("{name}.{ext}"));
            let result = flatbox().arg("convert").arg(path).arg(&out).arg("--from").arg("arrow").output().unwrap();
            match result.status.code() {
                Some(0) => {
                    *converted.entry(ext).or_default() += 1;
                    if let Err(why) = same_values(ext, &out, &rows) {
                        failures.push(format!("{name}.{ext}: {why}"));
                    }
                }
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
    eprintln!("converted of {}: {converted:?}", files.len());
    for ext in ["ndjson", "parquet", "msgpack", "wire"] {
        assert!(converted.get(ext).copied().unwrap_or(0) >= 20, "{ext}: {converted:?}");
    }
}

/// The rows of every batch of an IPC file, as the record model.
fn source_rows(path: &Path) -> Vec<Value> {
    let file = IpcFile::open(path).unwrap();
    file.batches().unwrap().iter().flat_map(|b| records::to_records(b).unwrap()).collect()
}

/// Whether `out` (in format `ext`) holds `rows`, as the module docs say.
fn same_values(ext: &str, out: &Path, rows: &[Value]) -> Result<(), String> {
    let bytes = std::fs::read(out).unwrap();
    let back: Vec<Value> = match ext {
        "wire" => {
            let mut reader = &bytes[..];
            let mut back = Vec::new();
            while !reader.is_empty() {
                back.push(flatbox::wire::from_reader(&mut reader).map_err(|e| e.to_string())?);
            }
            back
        }
        "msgpack" => {
            let (mut at, mut back) = (0, Vec::new());
            while at < bytes.len() {
                let (value, used) = flatbox::records::from_msgpack_prefix(&bytes[at..]).map_err(|e| e.to_string())?;
                back.push(value);
                at += used;
            }
            let expected: Vec<Value> = rows
                .iter()
                .map(|r| flatbox::records::from_msgpack(&flatbox::records::to_msgpack(r).unwrap()).unwrap())
                .collect();
            return if back == expected { Ok(()) } else { Err("values differ from the rows' MessagePack".into()) };
        }
        "parquet" => {
            let (_, batches) = flatbox_arrow::read_parquet(bytes::Bytes::from(bytes)).map_err(|e| e.to_string())?;
            batches.iter().flat_map(|b| records::to_records(b).unwrap()).collect()
        }
        _ => {
            let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
            let lines: Vec<serde_json::Value> =
                text.lines().map(|l| serde_json::from_str(l).map_err(|e| e.to_string())).collect::<Result<_, _>>()?;
            let expected: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::from_str(&flatbox::records::to_json(r).map_err(|e| e.to_string())?)
                        .map_err(|e| e.to_string())
                })
                .collect::<Result<_, String>>()?;
            if lines.len() != expected.len() {
                return Err(format!("{} lines for {} rows", lines.len(), expected.len()));
            }
            return match lines.iter().zip(&expected).position(|(a, b)| a != b) {
                None => Ok(()),
                Some(i) => Err(format!("line {}: {} but the row is {}", i + 1, lines[i], expected[i])),
            };
        }
    };
    if back.len() != rows.len() {
        return Err(format!("{} rows back for {}", back.len(), rows.len()));
    }
    match back.iter().zip(rows).position(|(a, b)| a != b) {
        None => Ok(()),
        Some(i) => Err(format!("row {i}: {:?} but the source has {:?}", back[i], rows[i])),
    }
}
