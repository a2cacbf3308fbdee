//! Criterion benches of flatbox-store's record log against redb
//! (`cargo bench -p flatbox-bench --bench store`): a batch append with one
//! sync against one write transaction, random reads, a full scan with CRC
//! checks, and a clean reopen. 100k records of 100 bytes, so a run takes a
//! few minutes; `cargo xtask bench` measures the 1M.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use flatbox_bench::record_log::{TABLE, read_order, records, write_log, write_redb};
use flatbox_store::{RecordId, RecordLog};
use redb::ReadableDatabase;

const N: usize = 100_000;

fn store(c: &mut Criterion) {
    let records = records(N, 100);
    let order = read_order(N);
    let base = std::env::temp_dir().join(format!("flatbox-criterion-store-{}", std::process::id()));
    let (dir, db_path) = (base.join("log"), base.join("db.redb"));
    std::fs::create_dir_all(&base).expect("a temporary directory");

    let mut group = c.benchmark_group("append-100k");
    group.sample_size(10).throughput(Throughput::Bytes((N * 100) as u64));
    group.bench_function("RecordLog", |b| b.iter(|| write_log(&dir, &records).expect("writes")));
    group.bench_function("redb", |b| b.iter(|| write_redb(&db_path, &records).expect("writes")));
    group.finish();

    write_log(&dir, &records).expect("writes");
    let db = write_redb(&db_path, &records).expect("writes");
    let (log, _) = RecordLog::open(&dir).expect("opens");
    let mut group = c.benchmark_group("random-get-100k");
    group.throughput(Throughput::Elements(order.len() as u64));
    group.bench_function("RecordLog", |b| {
        b.iter(|| order.iter().map(|&id| log.get(RecordId(id)).expect("reads").map_or(0, <[u8]>::len)).sum::<usize>());
    });
    group.bench_function("redb", |b| {
        b.iter(|| {
            let txn = db.begin_read().expect("a read transaction");
            let table = txn.open_table(TABLE).expect("the table");
            order.iter().map(|&id| table.get(id).expect("reads").map_or(0, |v| v.value().len())).sum::<usize>()
        });
    });
    group.finish();

    let mut group = c.benchmark_group("scan-100k");
    group.throughput(Throughput::Bytes(log.written_bytes()));
    group.bench_function(BenchmarkId::new("RecordLog", "verify"), |b| b.iter(|| log.verify().expect("intact")));
    group.finish();
    drop(log);

    let mut group = c.benchmark_group("reopen");
    group.bench_function("clean", |b| b.iter(|| black_box(RecordLog::open(&dir).expect("opens"))));
    group.finish();
    let _ = std::fs::remove_dir_all(&base);
}

criterion_group!(benches, store);
criterion_main!(benches);
