//! Parquet files that pyarrow writes (every codec this build reads, and the
//! hard cases) and that DuckDB writes (its own writer: every codec it has,
//! nested types, wide decimals, UUIDs, zoned timestamps), converted by
//! `flatbox convert` to Arrow IPC, Parquet and NDJSON, and read back by
//! pyarrow: the columnar outputs must hold the same schema and values, the
//! NDJSON the same rows.
//!
//! Needs pyarrow and duckdb: `cargo xtask test` provisions them and sets
//! `FLATBOX_PYTHON`; otherwise `python3` is used.

use std::path::Path;
use std::process::Command;

use crate::support::{Scratch, flatbox};

fn python() -> String {
    std::env::var("FLATBOX_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Writes each case as `NAME.parquet` in the folder given, and prints the
/// names, one a line.
const MAKE: &str = r#"
import sys, datetime, decimal, math
import pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
n = 40
names = []
def write(name, table, **kw):
    pq.write_table(table, f"{out}/{name}.parquet", **kw)
    names.append(name)

flat = pa.table({
    "id": pa.array(range(n), pa.int64()),
    "small": pa.array([i % 100 - 50 for i in range(n)], pa.int8()),
    "u32": pa.array([i * 7 for i in range(n)], pa.uint32()),
    "real": pa.array([i / 4 for i in range(n)], pa.float64()),
    "name": pa.array([None if i % 5 == 0 else f"name {i}" for i in range(n)]),
    "flag": pa.array([i % 2 == 0 for i in range(n)]),
})
for codec in ["none", "snappy", "lz4", "zstd"]:
    write(f"codec_{codec}", flat, compression=codec)
ts = [datetime.datetime(2020, 1, 1) + datetime.timedelta(seconds=37 * i, microseconds=i) for i in range(n)]
write("int96", pa.table({"t": pa.array(ts, pa.timestamp("ns"))}), use_deprecated_int96_timestamps=True)
item = pa.struct([("k", pa.string()), ("v", pa.int32())])
lists = [None if i % 7 == 0 else [{"k": f"k{j}", "v": j if j % 2 else None} for j in range(i % 4)] for i in range(n)]
write("list_of_structs", pa.table({"l": pa.array(lists, pa.list_(item))}))
write("map_int_keys", pa.table({"m": pa.array([[(j, f"v{j}") for j in range(i % 3)] for i in range(n)], pa.map_(pa.int32(), pa.string()))}))
decs = [None if i % 6 == 0 else decimal.Decimal(i * 37 - 500) / 100 for i in range(n)]
write("decimal_int32", pa.table({"d": pa.array(decs, pa.decimal128(7, 2))}), store_decimal_as_integer=True)
write("decimal_int64", pa.table({"d": pa.array(decs, pa.decimal128(15, 2))}), store_decimal_as_integer=True)
write("decimal_flba", pa.table({"d": pa.array(decs, pa.decimal128(30, 2))}))
write("flba", pa.table({"f": pa.array([bytes([i]) * 16 for i in range(n)], pa.binary(16))}))
write("dictionary_pages", pa.table({"s": pa.array([f"v{i % 3}" for i in range(n)])}), use_dictionary=True)
write("delta", pa.table({"x": pa.array(range(0, 3 * n, 3), pa.int64()), "s": pa.array([f"prefix{i}" for i in range(n)])}),
      use_dictionary=False, column_encoding={"x": "DELTA_BINARY_PACKED", "s": "DELTA_BYTE_ARRAY"})
write("page_v2", flat, data_page_version="2.0")
import numpy as np
write("float16_nan", pa.table({"h": pa.array(np.array([0.5, float("nan"), -2.0, 1024.0] * (n // 4), dtype=np.float16)),
                               "f": pa.array([float("nan") if i % 3 == 0 else i * 0.5 for i in range(n)])}))
write("timestamp_tz", pa.table({"t": pa.array(ts, pa.timestamp("ms", tz="Europe/Paris"))}))
write("all_null", pa.table({"a": pa.array([None] * n, pa.int64()), "b": pa.array([None] * n, pa.string())}))
write("empty", flat.slice(0, 0))
print("\n".join(names))
"#;

/// Compares each case's outputs with the original, as pyarrow reads them;
/// prints one line per mismatch.
const CHECK: &str = r#"
import sys, os, json, math
import pyarrow as pa, pyarrow.parquet as pq, pyarrow.ipc as ipc
out = sys.argv[1]
def norm(v):
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    return v
for name in sys.argv[2:]:
    t = pq.read_table(f"{out}/{name}.parquet")
    for kind in ["arrow", "zstd.parquet"]:
        path = f"{out}/{name}.{kind}"
        back = ipc.open_file(path).read_all() if kind == "arrow" else pq.read_table(path)
        if back.schema.remove_metadata() != t.schema.remove_metadata():
            print(f"{name}.{kind}: schema {back.schema} != {t.schema}")
        elif norm(back.to_pylist()) != norm(t.to_pylist()):
            print(f"{name}.{kind}: values differ")
    with open(f"{out}/{name}.ndjson") as f:
        rows = [json.loads(l) for l in f if l.strip()]
    if len(rows) != t.num_rows:
        print(f"{name}.ndjson: {len(rows)} rows, pyarrow reads {t.num_rows}")
    elif t.num_rows and sorted(rows[0].keys()) != sorted(t.column_names):
        print(f"{name}.ndjson: columns {sorted(rows[0].keys())} != {sorted(t.column_names)}")
    elif name == "map_int_keys":
        # Integer keys as their decimal text (serde_json's convention).
        want = [{"m": None if r["m"] is None else {str(k): v for k, v in r["m"]}} for r in t.to_pylist()]
        if rows != want:
            print(f"{name}.ndjson: {rows[:3]} != {want[:3]}")
    elif name == "timestamp_tz":
        # The same instants, shown in the column's zone (Europe/Paris).
        from datetime import datetime
        got = [None if r["t"] is None else datetime.fromisoformat(r["t"]) for r in rows]
        want = [r["t"] for r in t.to_pylist()]
        if got != want or any(g is not None and g.utcoffset() is None for g in got):
            print(f"{name}.ndjson: {[r['t'] for r in rows[:3]]} != {want[:3]}")
"#;

fn run_python(script: &str, args: &[&Path], extra: &[String]) -> String {
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .args(extra)
        .output()
        .expect("run python (set FLATBOX_PYTHON)");
    assert!(out.status.success(), "python failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "interop: needs pyarrow; run `cargo xtask test`"]
fn pyarrow_parquet_files_convert_with_their_schema_and_values() {
    let dir = Scratch::new();
    let names: Vec<String> = run_python(MAKE, &[&dir.path("")], &[]).lines().map(str::to_owned).collect();
    assert!(names.len() >= 18, "{names:?}");
    convert_and_check(&dir, &names);
}

/// Writes Parquet with DuckDB (its own writer, not Arrow's): scalars with
/// every codec DuckDB writes, nested types, wide decimals, UUIDs, blobs
/// and zoned timestamps. Prints the names.
const DUCKDB_MAKE: &str = r#"
import sys, duckdb
out = sys.argv[1]
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
scalars = """SELECT i::INTEGER AS i, i::BIGINT * 1000000007 AS big, i * 1.5 AS d, 'row ' || i AS s,
    i % 3 = 0 AS b, (i * 12.34)::DECIMAL(10, 2) AS price, DATE '2024-01-01' + i::INTEGER AS day,
    TIMESTAMP '2024-01-01 00:00:00' + to_minutes(i) AS at, CASE WHEN i % 4 = 0 THEN NULL ELSE i END AS maybe,
    (i % 256)::UTINYINT AS tiny, i::USMALLINT AS u16
    FROM range(500) t(i)"""
cases = {
    "duckdb_nested": """SELECT i, [i, i + 1] AS l, {'a': i, 'b': 'x' || i} AS st, MAP([i], ['v' || i]) AS m,
        [{'k': i, 'v': NULL}] AS ls, CASE WHEN i % 3 = 0 THEN NULL ELSE [] END AS empty_or_null
        FROM range(100) t(i)""",
    "duckdb_decimals": """SELECT (i * 123456789012345)::DECIMAL(38, 4) AS d38, i::DECIMAL(18, 3) AS d18,
        i::DECIMAL(4, 1) AS d4 FROM range(50) t(i)""",
    "duckdb_uuid_blob_tz": """SELECT ('00000000-0000-0000-0000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS u,
        '\\xAA\\xBB'::BLOB AS bl, TIMESTAMPTZ '2024-03-31 00:30:00+00' + to_hours(i) AS tz
        FROM range(20) t(i)""",
}
names = []
for codec in ["uncompressed", "snappy", "gzip", "zstd", "brotli", "lz4"]:
    con.execute(f"COPY ({scalars}) TO '{out}/duckdb_{codec}.parquet' (FORMAT parquet, COMPRESSION {codec})")
    names.append(f"duckdb_{codec}")
for name, query in cases.items():
    con.execute(f"COPY ({query}) TO '{out}/{name}.parquet' (FORMAT parquet)")
    names.append(name)
print("\n".join(names))
"#;

#[test]
#[ignore = "interop: needs pyarrow and duckdb; run `cargo xtask test`"]
fn duckdb_parquet_files_convert_with_their_schema_and_values() {
    let dir = Scratch::new();
    let names: Vec<String> = run_python(DUCKDB_MAKE, &[&dir.path("")], &[]).lines().map(str::to_owned).collect();
    assert_eq!(names.len(), 9, "{names:?}");
    convert_and_check(&dir, &names);
}

/// Converts each `NAME.parquet` in `dir` to Arrow IPC, Parquet+zstd and
/// NDJSON with `flatbox convert`, then has pyarrow compare them with the
/// original ([`CHECK`]).
fn convert_and_check(dir: &Scratch, names: &[String]) {
    let root = dir.path("");
    let mut failures = Vec::new();
    for name in names {
        let input = dir.path(&format!("{name}.parquet"));
        for (output, codec) in [
            (format!("{name}.arrow"), None),
            (format!("{name}.zstd.parquet"), Some("zstd")),
            (format!("{name}.ndjson"), None),
        ] {
            let mut cmd = flatbox();
            cmd.arg("convert").arg(&input).arg(dir.path(&output));
            if let Some(codec) = codec {
                cmd.args(["--codec", codec]);
            }
            let out = cmd.output().unwrap();
            if !out.status.success() {
                failures.push(format!("{output}: {}", String::from_utf8_lossy(&out.stderr).trim()));
            }
        }
    }
    assert!(failures.is_empty(), "convert failed:\n{}", failures.join("\n"));
    let mismatches = run_python(CHECK, &[&root], names);
    assert!(mismatches.trim().is_empty(), "pyarrow reads other values:\n{mismatches}");
}
