//! Criterion benches: flatbox-codec against calling zstd, `lz4_flex` and
//! flate2 directly on the same input (`cargo bench -p flatbox-codec`), the
//! measure of what the glue costs.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flatbox_codec::Codec;

#[path = "support/direct.rs"]
mod direct;

use direct::{direct_compress, direct_decompress, input};

fn glue(c: &mut Criterion) {
    let input = input();
    for codec in [Codec::Zstd { level: 3 }, Codec::Lz4, Codec::Gzip { level: 6 }] {
        let mut group = c.benchmark_group(format!("glue-{codec}"));
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.sample_size(20);
        group.bench_function("compress/direct", |b| b.iter(|| direct_compress(codec, black_box(&input))));
        group
            .bench_function("compress/flatbox-codec", |b| b.iter(|| flatbox_codec::compress(codec, black_box(&input))));
        let frame = flatbox_codec::compress(codec, &input);
        group.bench_function("decompress/direct", |b| {
            b.iter(|| direct_decompress(codec, black_box(&frame), input.len()));
        });
        group.bench_function("decompress/flatbox-codec", |b| {
            b.iter(|| flatbox_codec::decompress(black_box(&frame)).unwrap());
        });
        group.finish();
    }
}

criterion_group!(benches, glue);
criterion_main!(benches);
