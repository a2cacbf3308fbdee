//! Bad input: every fuzzer regression file of arrow-testing, and hand-made
//! damage, gives an error (never a panic, never an unbounded allocation),
//! read both as an IPC file (mapped and in memory) and as a stream.

use std::path::PathBuf;

use flatbox_arrow::arrow_array::{RecordBatch, StringArray};
use flatbox_arrow::{Error, IpcCompression, IpcFile, IpcStreamReader, ReadLimits, read_stream};

use crate::{TempFile, data_dir};

fn fuzz_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

/// Everything an IPC file reader can be asked: open, then every batch.
fn read_as_file(bytes: &[u8]) -> flatbox_arrow::Result<usize> {
    let file = IpcFile::from_bytes(bytes.to_vec().into())?;
    let mut rows = file.num_rows()?;
    for batch in file.batches()? {
        rows += batch.num_rows();
    }
    Ok(rows)
}

fn read_as_stream(bytes: &[u8]) -> flatbox_arrow::Result<usize> {
    let (_, batches) = read_stream(bytes)?;
    Ok(batches.iter().map(RecordBatch::num_rows).sum())
}

#[test]
fn every_fuzz_file_regression_gives_an_error_through_every_reader() {
    let files = fuzz_files("arrow-ipc-file");
    assert_eq!(files.len(), 55);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(read_as_file(&bytes).is_err(), "{name}: as a file, in memory");
        assert!(IpcFile::open(path).and_then(|f| f.batches()).is_err(), "{name}: as a mapped file");
        assert!(read_as_stream(&bytes).is_err(), "{name}: as a stream");
    }
}

#[test]
fn every_fuzz_stream_regression_gives_an_error_through_every_reader() {
    let files = fuzz_files("arrow-ipc-stream");
    assert_eq!(files.len(), 80);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(read_as_stream(&bytes).is_err(), "{name}: as a stream");
        assert!(read_as_file(&bytes).is_err(), "{name}: as a file");
    }
}

fn sample_file(compression: IpcCompression) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Row {
        id: u64,
        name: String,
    }
    let rows: Vec<Row> = (0..100).map(|i| Row { id: i, name: format!("name-{i}") }).collect();
    let batch = flatbox_arrow::to_batch(&rows).unwrap();
    flatbox_arrow::write_file(Vec::new(), &batch.schema(), &[batch.clone(), batch], compression).unwrap()
}

#[test]
fn every_truncation_and_every_byte_flip_of_a_file_errs_or_reads_without_panicking() {
    let good = sample_file(IpcCompression::Lz4Frame);
    for len in 0..good.len() {
        assert!(read_as_file(&good[..len]).is_err(), "truncated to {len}");
        let _ = read_as_stream(&good[..len]);
    }
    // Flipping bytes may leave the file valid (a value changes); it must
    // never panic. Step through every byte position.
    for at in 0..good.len() {
        let mut bad = good.clone();
        bad[at] ^= 0xa5;
        let _ = read_as_file(&bad);
    }
}

#[test]
fn declared_sizes_beyond_the_limits_are_refused_before_allocating() {
    let good = sample_file(IpcCompression::Zstd);
    let limits = ReadLimits { max_decompressed_bytes: 64, ..ReadLimits::default() };
    let file = IpcFile::from_bytes_with_limits(good.clone().into(), limits).unwrap();
    let err = file.batch(0).unwrap_err();
    assert!(matches!(err, Error::TooLarge { declared, limit: 64, .. } if declared > 64), "{err}");
    assert!(err.to_string().contains("limit of 64"), "{err}");

    // A stream whose first message declares 2 GiB of metadata.
    let mut stream = vec![0xff, 0xff, 0xff, 0xff];
    stream.extend_from_slice(&0x7fff_fff0_i32.to_le_bytes());
    let err = IpcStreamReader::new(&stream[..]).unwrap_err();
    assert!(matches!(err, Error::TooLarge { what: "a message's metadata", .. }), "{err}");

    // A body that declares more than the limit.
    let bytes = flatbox_arrow::write_stream(
        Vec::new(),
        &flatbox_arrow::to_batch(&[serde_json::json!({"a": 1})]).unwrap().schema(),
        &[flatbox_arrow::to_batch(&[serde_json::json!({"a": 1})]).unwrap()],
        IpcCompression::None,
    )
    .unwrap();
    let tiny = ReadLimits { max_body_bytes: 4, ..ReadLimits::default() };
    let mut reader = IpcStreamReader::with_limits(&bytes[..], tiny).unwrap();
    let err = reader.next().unwrap().unwrap_err();
    assert!(matches!(err, Error::TooLarge { what: "a message's body", .. }), "{err}");
}

#[test]
fn errors_name_the_input_and_what_was_expected() {
    let tmp = TempFile::new("not-arrow.arrow");
    std::fs::write(&tmp.0, b"this is not an arrow file at all").unwrap();
    let err = IpcFile::open(&tmp.0).unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&tmp.0.display().to_string()) && message.contains("expected `ARROW1`"), "{message}");

    let err = IpcFile::open(tmp.0.with_extension("missing")).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");

    let good = sample_file(IpcCompression::None);
    let file = IpcFile::from_bytes(good.into()).unwrap();
    let err = file.batch(2).unwrap_err();
    assert_eq!(err.to_string(), "<memory>: expected a batch index below 2, got 2");
}

#[test]
fn a_corrupted_string_offset_is_caught_by_validation() {
    let names = StringArray::from_iter_values((0..8).map(|i| format!("n{i}")));
    let batch = RecordBatch::try_from_iter([("name", std::sync::Arc::new(names) as _)]).unwrap();
    let mut bytes = flatbox_arrow::write_file(Vec::new(), &batch.schema(), &[batch], IpcCompression::None).unwrap();
    // The offsets buffer holds 0, 2, 4, ...: make the fourth offset huge.
    let needle: Vec<u8> = [0_i32, 2, 4, 6].iter().flat_map(|v| v.to_le_bytes()).collect();
    let at = bytes.windows(needle.len()).position(|w| w == needle).unwrap();
    bytes[at + 12..at + 16].copy_from_slice(&1_000_000_i32.to_le_bytes());
    let file = IpcFile::from_bytes(bytes.into()).unwrap();
    let err = file.batch(0).unwrap_err();
    assert!(matches!(err, Error::Arrow { .. }), "{err}");
    assert!(err.to_string().contains("batch 0 at byte"), "{err}");
}

/// The inputs a first libFuzzer run found to panic inside arrow-rs or
/// parquet through flatbox-arrow's readers (`tests/data/fuzz-findings/`,
/// both the minimized and the original file of each): each is an error
/// now, and `expected` says which guard stops it.
#[test]
fn every_fuzz_finding_gives_an_error() {
    let dir = data_dir().join("fuzz-findings");
    let read = |sub: &str, name: &str| std::fs::read(dir.join(sub).join(name)).unwrap();
    let file_error = |bytes: Vec<u8>| match IpcFile::from_bytes(bytes.into()) {
        Err(e) => e,
        Ok(file) => (0..file.num_batches()).find_map(|i| file.batch(i).err()).expect("a batch fails"),
    };
    let stream_error = |bytes: Vec<u8>| read_stream(&bytes[..]).expect_err("the stream fails");
    let parquet_error = |bytes: Vec<u8>| flatbox_arrow::read_parquet(bytes.into()).expect_err("the file fails");

    // The layout check, or (where it cannot see the offsets, as in a
    // compressed body) the contained arrow-buffer assertion.
    let offsets_guarded = |e: &Error| {
        e.to_string().contains("offsets buffer of whole")
            || matches!(e, Error::Panicked { library: "arrow-rs", message, .. } if message.contains("prefix.is_empty()"))
    };
    let mut checked = 0;
    for name in ["offsets-len-dictionary-open.min", "offsets-len-dictionary-open.orig"] {
        let e = file_error(read("arrow_ipc_file", name));
        assert!(e.to_string().contains("offsets buffer of whole"), "{name}: {e}");
        checked += 1;
    }
    let e = file_error(read("arrow_ipc_file", "offsets-len-batch.orig"));
    assert!(offsets_guarded(&e), "offsets-len-batch.orig: {e}");
    checked += 1;
    for name in ["offsets-len-batch.min", "offsets-len-batch.orig"] {
        let e = stream_error(read("arrow_ipc_stream", name));
        assert!(offsets_guarded(&e), "{name}: {e}");
        checked += 1;
    }
    for name in ["union-typeids-slice.min", "union-typeids-slice.orig"] {
        let e = stream_error(read("arrow_ipc_stream", name));
        assert!(e.to_string().contains("union's type ids"), "{name}: {e}");
        checked += 1;
    }
    for name in ["negative-column-range.min", "negative-column-range.orig"] {
        let e = parquet_error(read("parquet_read", name));
        assert!(matches!(e, Error::MalformedParquet { .. }), "{name}: {e}");
        checked += 1;
    }
    for name in [
        "bitchunks-out-of-bounds.min",
        "bitchunks-out-of-bounds.orig",
        "byte-array-divide-by-zero.min",
        "byte-array-divide-by-zero.orig",
    ] {
        let e = parquet_error(read("parquet_read", name));
        assert!(matches!(e, Error::Panicked { library: "parquet", .. }), "{name}: {e}");
        checked += 1;
    }
    // A hang, not a panic (this session's `parquet_read` campaign): the
    // footer declares a list of 2^32 booleans under an unknown field, which
    // parquet's Thrift skip loops over for minutes. The footer walk refuses it.
    let e = parquet_error(read("parquet_read", "thrift-bool-list-hang.orig"));
    assert!(
        matches!(&e, Error::MalformedParquet { .. }) && e.to_string().contains("footer metadata: a list of at most"),
        "thrift-bool-list-hang.orig: {e}"
    );
    checked += 1;
    assert_eq!(checked, 14, "every file of tests/data/fuzz-findings");
}
