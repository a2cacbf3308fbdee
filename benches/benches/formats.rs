//! Criterion benches: encode and decode of every serde format on the
//! tutorial's datasets (`cargo bench -p flatbox-bench`).
//!
//! These time the same `Format` implementations `cargo xtask bench` does; use
//! them for before/after comparisons of one change, with criterion's
//! statistics, and the xtask report for the whole picture.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use flatbox_bench::datasets::{http_log, tutorial};
use flatbox_bench::suite::serde_formats;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn bench_dataset<T: Serialize + DeserializeOwned + 'static>(c: &mut Criterion, name: &str, value: &T, large: bool) {
    let mut group = c.benchmark_group(name);
    if large {
        group.sample_size(10);
    }
    for format in serde_formats::<T>() {
        let mut encoded = Vec::new();
        format.encode(value, &mut encoded).expect("the datasets encode in every format");
        group.throughput(Throughput::Bytes(encoded.len() as u64));
        group.bench_function(BenchmarkId::new("encode", format.name()), |b| {
            let mut buffer = Vec::with_capacity(encoded.len());
            b.iter(|| {
                buffer.clear();
                format.encode(black_box(value), &mut buffer).expect("encodes");
            });
        });
        group.bench_function(BenchmarkId::new("decode", format.name()), |b| {
            b.iter(|| format.decode(black_box(&encoded)).expect("decodes"));
        });
    }
    group.finish();
}

fn formats(c: &mut Criterion) {
    bench_dataset(c, "pickle-example", &tutorial::pickle_example(), false);
    bench_dataset(c, "range-10k", &tutorial::range_10k(), false);
    bench_dataset(c, "msgpack-users", &tutorial::msgpack_users(), false);
    bench_dataset(c, "protobuf-users", &tutorial::protobuf_users(), false);
    bench_dataset(c, "custom-test-data", &tutorial::custom_test_data(), false);
    bench_dataset(c, "compression-mix", &tutorial::compression_mix(), false);
    bench_dataset(c, "pipeline-cache", &tutorial::pipeline_cache(), false);
    bench_dataset(c, "pipeline-network", &tutorial::pipeline_network(), false);
    bench_dataset(c, "http-log-10k", &http_log::http_log_10k(), false);
    bench_dataset(c, "table-100k", &tutorial::table_100k(), true);
    bench_dataset(c, "float-array-1m", &tutorial::float_array_1m(), true);
    bench_dataset(c, "pipeline-array", &tutorial::pipeline_array(), true);
    bench_dataset(c, "records-1m", &tutorial::records_1m(), true);
}

criterion_group!(benches, formats);
criterion_main!(benches);
