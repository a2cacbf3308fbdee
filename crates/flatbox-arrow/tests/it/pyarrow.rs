//! Files flatbox-arrow writes, read by Arrow C++ through pyarrow: IPC files
//! and streams (uncompressed, `LZ4_FRAME`, `ZSTD`) and Parquet (every
//! compression). Ignored by a plain `cargo test`: `cargo xtask test`
//! provisions pyarrow in a venv and runs it with `FLATBOX_PYTHON`, and
//! there a missing pyarrow fails the test.

use flatbox_arrow::{IpcCompression, ParquetCompression, to_batch};

use crate::{TempFile, python};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Row {
    id: i64,
    value: f64,
    category: String,
    note: Option<String>,
}

/// Reads each file given on the command line (`kind=path`) with pyarrow and
/// prints one JSON line per file: its rows as Python sees them.
const READER: &str = r#"
import json, sys
import pyarrow as pa, pyarrow.ipc as ipc, pyarrow.parquet as pq
for arg in sys.argv[1:]:
    kind, path = arg.split("=", 1)
    if kind == "file":
        table = ipc.open_file(path).read_all()
    elif kind == "stream":
        table = ipc.open_stream(path).read_all()
    else:
        table = pq.read_table(path)
    print(json.dumps(table.to_pylist()))
"#;

#[test]
#[ignore = "interop: needs pyarrow; run `cargo xtask test`"]
fn pyarrow_reads_what_we_write() {
    let rows: Vec<Row> = (0..500)
        .map(|i| Row {
            id: i * 7 - 1000,
            value: f64::from(i32::try_from(i).expect("small")) * 0.25,
            category: ["alpha", "beta", "gamma"][usize::try_from(i % 3).expect("small")].to_owned(),
            note: (i % 4 == 0).then(|| format!("note {i}")),
        })
        .collect();
    let batch = to_batch(&rows).expect("rows to a batch");
    let schema = batch.schema();
    let mut files = Vec::new();
    for (name, compression) in
        [("none", IpcCompression::None), ("lz4", IpcCompression::Lz4Frame), ("zstd", IpcCompression::Zstd)]
    {
        let file = TempFile::new(&format!("py-{name}.arrow"));
        flatbox_arrow::write_file_to_path(&file.0, &schema, &[batch.slice(0, 200), batch.slice(200, 300)], compression)
            .expect("writes an IPC file");
        files.push(("file", file));
        let stream = TempFile::new(&format!("py-{name}.arrows"));
        let bytes = flatbox_arrow::write_stream(Vec::new(), &schema, std::slice::from_ref(&batch), compression)
            .expect("writes an IPC stream");
        std::fs::write(&stream.0, bytes).expect("writes the stream");
        files.push(("stream", stream));
    }
    for (name, compression) in [
        ("none", ParquetCompression::None),
        ("snappy", ParquetCompression::Snappy),
        ("lz4", ParquetCompression::Lz4Raw),
        ("zstd", ParquetCompression::Zstd(3)),
    ] {
        let file = TempFile::new(&format!("py-{name}.parquet"));
        flatbox_arrow::write_parquet_to_path(&file.0, &schema, std::slice::from_ref(&batch), compression)
            .expect("writes a Parquet file");
        files.push(("parquet", file));
    }

    let output = python()
        .arg("-c")
        .arg(READER)
        .args(files.iter().map(|(kind, file)| format!("{kind}={}", file.0.display())))
        .output()
        .expect("python runs (FLATBOX_PYTHON, else python3; `cargo xtask test` provisions one with pyarrow)");
    assert!(output.status.success(), "pyarrow failed: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("JSON is UTF-8");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), files.len(), "one line per file: {stdout}");
    for ((kind, file), line) in files.iter().zip(lines) {
        let read: Vec<Row> = serde_json::from_str(line).expect("pyarrow's rows as JSON");
        assert_eq!(read, rows, "{kind} {}", file.0.display());
    }
}

/// Writes `table` with each codec pyarrow has and prints the paths.
const PY_WRITER: &str = r#"
import sys, decimal, datetime
import pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
n = 1000
table = pa.table({
    "id": pa.array(range(n), pa.int64()),
    "name": pa.array([None if i % 7 == 0 else f"name {i % 10}" for i in range(n)]),
    "price": pa.array([decimal.Decimal(i).scaleb(-2) for i in range(n)], pa.decimal128(9, 2)),
    "at": pa.array([datetime.datetime(2022, 1, 20, 11, 40) + datetime.timedelta(seconds=i) for i in range(n)], pa.timestamp("us", tz="UTC")),
    "tags": pa.array([[f"t{j}" for j in range(i % 3)] for i in range(n)]),
})
for codec in ["gzip", "brotli", "lz4", "zstd", "snappy", "none"]:
    pq.write_table(table, f"{out}-{codec}.parquet", compression=codec)
    print(codec)
"#;

#[test]
#[ignore = "interop: needs pyarrow; run `cargo xtask test`"]
fn we_read_parquet_pyarrow_wrote_with_every_codec() {
    use flatbox_arrow::records::to_records;
    use flatbox_wire::Value;

    let base = TempFile::new("pyarrow-codecs");
    let out = python().arg("-c").arg(PY_WRITER).arg(&base.0).output().expect("runs python");
    assert!(out.status.success(), "pyarrow failed: {}", String::from_utf8_lossy(&out.stderr));
    let codecs = String::from_utf8(out.stdout).unwrap();
    assert_eq!(codecs.lines().count(), 6, "{codecs}");
    let mut reference = None;
    for codec in codecs.lines() {
        let path = format!("{}-{codec}.parquet", base.0.display());
        let (_, batches) = flatbox_arrow::read_parquet_file(&path).unwrap_or_else(|e| panic!("{codec}: {e}"));
        let _ = std::fs::remove_file(&path);
        let rows: Vec<Value> = batches.iter().flat_map(|b| to_records(b).unwrap()).collect();
        assert_eq!(rows.len(), 1000, "{codec}");
        let Value::Map(first) = &rows[999] else { panic!("a row") };
        assert_eq!(first[0].1, Value::Integer(999));
        assert_eq!(first[2].1, Value::Decimal(flatbox_wire::Decimal::from_i128(999, 9, 2).unwrap()));
        assert_eq!(
            first[3].1,
            Value::DateTime {
                value: 1_642_678_800_000_000 + 999_000_000,
                unit: flatbox_wire::TimeUnit::Microsecond,
                tz: Some("UTC".into())
            }
        );
        match &reference {
            None => reference = Some(rows),
            Some(r) => assert_eq!(&rows, r, "{codec} reads differently"),
        }
    }
}
