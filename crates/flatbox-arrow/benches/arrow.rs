//! Criterion benches (`cargo bench -p flatbox-arrow`): the tutorial's
//! 100k-row table written as an Arrow IPC file and read back through the
//! memory map, beside `serde_json` on the same rows; Parquet; and opening a
//! large file against a small one.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flatbox_arrow::arrow_array::{Array, Float64Array, Int64Array, RecordBatch};
use flatbox_arrow::{IpcCompression, IpcFile, ParquetCompression};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Row {
    id: u64,
    value: f64,
    category: String,
    timestamp: i64,
}

fn rows() -> Vec<Row> {
    let mut x: u64 = 0x5eed;
    (0..100_000_u32)
        .zip(["A", "B", "C"].iter().cycle())
        .map(|(i, category)| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            Row {
                id: u64::from(i),
                value: (x >> 11) as f64 / (1_u64 << 53) as f64,
                category: (*category).to_owned(),
                timestamp: 1_735_689_600_000_000_000 + i64::from(i) * 60_000_000_000,
            }
        })
        .collect()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("flatbox-arrow-bench-{}-{name}", std::process::id()))
}

fn table(c: &mut Criterion) {
    let rows = rows();
    let fields = flatbox_arrow::fields_of::<Row>().unwrap();
    let json = serde_json::to_vec(&rows).unwrap();
    let mut group = c.benchmark_group("table-100k");
    group.throughput(Throughput::Elements(rows.len() as u64));
    group.sample_size(20);

    group.bench_function("write/serde_json", |b| b.iter(|| serde_json::to_vec(black_box(&rows)).unwrap()));
    for (name, compression) in [
        ("arrow-ipc", IpcCompression::None),
        ("arrow-ipc+lz4", IpcCompression::Lz4Frame),
        ("arrow-ipc+zstd", IpcCompression::Zstd),
    ] {
        group.bench_function(format!("write/{name} (rows to file)"), |b| {
            b.iter(|| {
                let batch = flatbox_arrow::to_batch_with_fields(&fields, black_box(&rows)).unwrap();
                flatbox_arrow::write_file(Vec::with_capacity(4 << 20), &batch.schema(), &[batch], compression).unwrap()
            });
        });
    }
    let batch = flatbox_arrow::to_batch_with_fields(&fields, &rows).unwrap();
    // The tutorial's measure: the table already in columns, written as IPC
    // into a reused buffer.
    let mut buffer = Vec::new();
    group.bench_function("write/arrow-ipc (batch to memory)", |b| {
        b.iter(|| {
            buffer.clear();
            flatbox_arrow::write_file(
                &mut buffer,
                &batch.schema(),
                std::slice::from_ref(black_box(&batch)),
                IpcCompression::None,
            )
            .unwrap()
            .len()
        });
    });
    for (name, compression) in [
        ("parquet", ParquetCompression::None),
        ("parquet+snappy", ParquetCompression::Snappy),
        ("parquet+zstd", ParquetCompression::Zstd(3)),
    ] {
        group.bench_function(format!("write/{name} (rows to file)"), |b| {
            b.iter(|| {
                let batch = flatbox_arrow::to_batch_with_fields(&fields, black_box(&rows)).unwrap();
                flatbox_arrow::write_parquet(Vec::new(), &batch.schema(), &[batch], compression).unwrap()
            });
        });
        let bytes = bytes::Bytes::from(
            flatbox_arrow::write_parquet(Vec::new(), &batch.schema(), std::slice::from_ref(&batch), compression)
                .unwrap(),
        );
        group.bench_function(format!("read/{name} (file to batch)"), |b| {
            b.iter(|| flatbox_arrow::read_parquet(black_box(bytes.clone())).unwrap());
        });
    }

    group.bench_function("read/serde_json", |b| {
        b.iter(|| serde_json::from_slice::<Vec<Row>>(black_box(&json)).unwrap());
    });
    let path = temp("table.arrow");
    flatbox_arrow::write_file_to_path(&path, &batch.schema(), std::slice::from_ref(&batch), IpcCompression::None)
        .unwrap();
    group.bench_function("read/arrow-ipc mmap (open + batch, zero-copy)", |b| {
        b.iter(|| {
            let file = IpcFile::open(black_box(&path)).unwrap();
            file.batch(0).unwrap().num_rows()
        });
    });
    let file = IpcFile::open(&path).unwrap();
    group.bench_function("read/arrow-ipc mmap to rows", |b| {
        b.iter(|| flatbox_arrow::from_batch::<Row>(&file.batch(0).unwrap()).unwrap());
    });
    drop(file);
    let _ = std::fs::remove_file(&path);
    group.finish();
}

/// Batches of 64k rows (1 MiB each: an `i64` and an `f64` column).
fn chunk() -> RecordBatch {
    let ids = Int64Array::from_iter_values(0..65_536);
    let values = Float64Array::from_iter_values((0..65_536).map(f64::from));
    RecordBatch::try_from_iter([("id", Arc::new(ids) as _), ("value", Arc::new(values) as _)]).unwrap()
}

fn open_large(c: &mut Criterion) {
    let batch = chunk();
    let mut group = c.benchmark_group("open-and-read-one-column");
    group.sample_size(50);
    for (name, batches) in [("1 MiB", 1), ("1 GiB", 1024)] {
        let path = temp(&format!("open-{batches}.arrow"));
        let all = vec![batch.clone(); batches];
        flatbox_arrow::write_file_to_path(&path, &batch.schema(), &all, IpcCompression::None).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                let file = IpcFile::open(black_box(&path)).unwrap();
                let read = file.batch(file.num_batches() / 2).unwrap();
                let ids = read.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
                ids.values().iter().sum::<i64>() + i64::try_from(ids.len()).unwrap()
            });
        });
        let _ = std::fs::remove_file(&path);
    }
    group.finish();
}

criterion_group!(benches, table, open_large);
criterion_main!(benches);
