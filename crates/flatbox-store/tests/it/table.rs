//! `FixedTable`: appends, reopens, the model test, and every bad file.

use std::path::PathBuf;

use bytemuck::{Pod, Zeroable};
use flatbox_store::{Error, FixedTable, TableRecord};
use proptest::prelude::*;

/// The tutorial's record, 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
#[repr(C)]
struct Reading {
    id: u32,
    timestamp: u32,
    value: f64,
}

impl TableRecord for Reading {
    const LAYOUT: &'static str = "test.Reading/v1";
}

/// Same size, another layout.
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
#[repr(C)]
struct Other {
    a: u64,
    b: u64,
}

impl TableRecord for Other {
    const LAYOUT: &'static str = "test.Other/v1";
}

/// A path named `name` in a fresh temporary directory (`tempfile`), which
/// is removed with its contents when the returned guard is dropped.
fn temp(name: &str) -> (PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("makes a temporary directory");
    (dir.path().join(name), dir)
}

fn reading(i: u32) -> Reading {
    Reading { id: i, timestamp: 1_640_995_200_u32.wrapping_add(i), value: f64::from(i) * 1.5 }
}

#[test]
fn a_million_records_append_reopen_and_read_in_place() {
    let (path, _path_dir) = temp("million.fbt");
    let records: Vec<Reading> = (0..1_000_000).map(reading).collect();
    let mut table = FixedTable::<Reading>::create(&path).unwrap();
    table.extend_from_slice(&records[..500_000]).unwrap();
    for r in &records[500_000..500_010] {
        table.push(r).unwrap();
    }
    table.extend_from_slice(&records[500_010..]).unwrap();
    table.sync().unwrap();
    drop(table);
    let table = FixedTable::<Reading>::open(&path).unwrap();
    assert_eq!(table.len(), 1_000_000);
    assert_eq!(table.as_slice(), &records[..]);
    assert_eq!(table.get(999_999), Some(&records[999_999]));
    assert_eq!(table.get(1_000_000), None);
    assert_eq!(table.as_slice().as_ptr().align_offset(align_of::<Reading>()), 0, "records are aligned in the map");
    assert!(std::fs::metadata(&path).unwrap().len() >= 64 + 16 * 1_000_000);
}

#[test]
fn bad_files_are_refused_with_clear_errors() {
    let (empty, _empty_dir) = temp("empty.fbt");
    std::fs::write(&empty, b"").unwrap();
    let err = FixedTable::<Reading>::open(&empty).err().unwrap();
    assert!(matches!(err, Error::NotATable { .. }), "{err:?}");
    assert!(err.to_string().ends_with("not a flatbox table (the file is empty)"), "{err}");

    let (text, _text_dir) = temp("text.fbt");
    std::fs::write(&text, "x".repeat(100)).unwrap();
    assert!(matches!(FixedTable::<Reading>::open(&text), Err(Error::NotATable { .. })));
    let (short, _short_dir) = temp("short.fbt");
    std::fs::write(&short, b"FBXTABLE").unwrap();
    assert!(matches!(FixedTable::<Reading>::open(&short), Err(Error::NotATable { .. })));

    let (path, _path_dir) = temp("typed.fbt");
    let mut table = FixedTable::<Reading>::create(&path).unwrap();
    table.push(&reading(1)).unwrap();
    drop(table);
    let err = FixedTable::<Other>::open(&path).err().unwrap();
    assert!(matches!(err, Error::WrongRecordType { .. }), "{err:?}");
    assert!(err.to_string().contains("test.Other/v1 (16 bytes) was asked for"), "{err}");

    // A count the file cannot hold: a torn or truncated copy.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[24..32].copy_from_slice(&1_000_u64.to_le_bytes());
    let (torn, _torn_dir) = temp("torn.fbt");
    std::fs::write(&torn, &bytes).unwrap();
    let err = FixedTable::<Reading>::open(&torn).err().unwrap();
    assert!(matches!(err, Error::Truncated { count: 1000, .. }), "{err:?}");

    // A directory is not a table either.
    let err = FixedTable::<Reading>::open(std::env::temp_dir()).err().unwrap();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
}

#[derive(Debug, Clone)]
enum Op {
    Push(u32),
    Extend(Vec<u32>),
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<u32>().prop_map(Op::Push),
        prop::collection::vec(any::<u32>(), 0..300).prop_map(Op::Extend),
        Just(Op::Reopen),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_table_behaves_like_a_vec(ops in prop::collection::vec(op(), 1..30), case in any::<u64>()) {
        let (path, _path_dir) = temp(&format!("model-{case}.fbt"));
        let mut model: Vec<Reading> = Vec::new();
        let mut table = FixedTable::<Reading>::create(&path).unwrap();
        for op in ops {
            match op {
                Op::Push(i) => {
                    table.push(&reading(i)).unwrap();
                    model.push(reading(i));
                }
                Op::Extend(is) => {
                    let rs: Vec<Reading> = is.into_iter().map(reading).collect();
                    table.extend_from_slice(&rs).unwrap();
                    model.extend(rs);
                }
                Op::Reopen => {
                    drop(table);
                    table = FixedTable::<Reading>::open(&path).unwrap();
                }
            }
            prop_assert_eq!(table.as_slice(), &model[..]);
        }
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn corrupt_headers_never_panic(at in 0_usize..64, byte in any::<u8>()) {
        let (path, _path_dir) = temp(&format!("flip-{at}-{byte}.fbt"));
        let mut table = FixedTable::<Reading>::create(&path).unwrap();
        table.extend_from_slice(&[reading(1), reading(2)]).unwrap();
        drop(table);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[at] = byte;
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(t) = FixedTable::<Reading>::open(&path) {
            // Whatever opened holds no more records than the file does.
            prop_assert!(t.len() <= (bytes.len() - 64) / 16);
        }
        std::fs::remove_file(&path).unwrap();
    }
}
