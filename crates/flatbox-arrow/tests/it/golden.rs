//! Interop: the golden files Arrow C++ wrote (arrow-testing's integration
//! data), read as IPC files through the memory map and as streams, and
//! checked against the integration JSON beside each.

use std::io::Read;
use std::path::{Path, PathBuf};

use arrow_integration_test::ArrowJson;
use flatbox_arrow::arrow_array::RecordBatch;
use flatbox_arrow::{IpcFile, read_stream};

use crate::data_dir;

/// Golden files that arrow-rs 60 cannot read, with the reason. Each must
/// fail with a clean error (tested below), never be skipped silently.
const UNREADABLE: &[(&str, &str)] = &[];

/// Golden files whose data arrow-rs reads, but whose integration JSON the
/// arrow-integration-test crate cannot turn into batches (a type it does
/// not support): checked file against stream only.
const JSON_UNSUPPORTED: &[(&str, &str)] = &[];

/// Big-endian golden files are for big-endian readers: skipped by name.
pub(crate) fn is_big_endian(path: &Path) -> bool {
    path.to_string_lossy().contains("bigendian")
}

pub(crate) fn golden_files() -> Vec<PathBuf> {
    let root = data_dir().join("arrow-ipc-stream/integration");
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

pub(crate) fn stem(path: &Path) -> String {
    let dir = path.parent().unwrap().file_name().unwrap().to_string_lossy();
    format!("{dir}/{}", path.file_stem().unwrap().to_string_lossy())
}

fn json_batches(path: &Path) -> Result<Vec<RecordBatch>, String> {
    let gz = std::fs::File::open(path.with_extension("json.gz")).map_err(|e| e.to_string())?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz).read_to_string(&mut text).map_err(|e| e.to_string())?;
    let json: ArrowJson = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    json.get_record_batches().map_err(|e| e.to_string())
}

fn read_both(path: &Path) -> flatbox_arrow::Result<(Vec<RecordBatch>, Vec<RecordBatch>)> {
    let file = IpcFile::open(path)?;
    let from_file = file.batches()?;
    assert_eq!(file.num_rows()?, from_file.iter().map(RecordBatch::num_rows).sum::<usize>());
    let stream = std::fs::File::open(path.with_extension("stream")).unwrap();
    let (_, from_stream) = read_stream(std::io::BufReader::new(stream))?;
    Ok((from_file, from_stream))
}

/// The same rows and columns (schemas may differ in the names of map
/// entries: see `generated_map_non_canonical`).
fn same_data(a: &[RecordBatch], b: &[RecordBatch]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.num_rows() == b.num_rows() && a.columns() == b.columns())
}

#[test]
fn every_little_endian_golden_file_reads_and_matches_its_json() {
    let mut checked = Vec::new();
    let mut big_endian = 0;
    let mut failures = Vec::new();
    for path in golden_files() {
        let name = stem(&path);
        if is_big_endian(&path) {
            big_endian += 1;
            continue;
        }
        if let Some((_, reason)) = UNREADABLE.iter().find(|(n, _)| *n == name) {
            match read_both(&path) {
                Err(e) => assert!(!e.to_string().is_empty(), "{name}"),
                Ok(_) => failures.push(format!("{name}: listed as unreadable ({reason}) but reads")),
            }
            continue;
        }
        let (from_file, from_stream) = match read_both(&path) {
            Ok(both) => both,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        if !same_data(&from_file, &from_stream) {
            failures.push(format!("{name}: file and stream differ"));
            continue;
        }
        if JSON_UNSUPPORTED.iter().any(|(n, _)| *n == name) {
            checked.push(name);
            continue;
        }
        match json_batches(&path) {
            Err(e) => failures.push(format!("{name}: integration json: {e}")),
            Ok(expected) => {
                if same_data(&expected, &from_file) {
                    checked.push(name);
                } else {
                    failures.push(format!("{name}: data differs from the integration json"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "golden files failing:\n{}", failures.join("\n"));
    assert_eq!(big_endian, 0, "no big-endian files are in the copied data");
    assert_eq!(checked.len() + UNREADABLE.len(), 36, "checked: {checked:?}");
}
