//! Criterion benches: flatbox-codec against calling zstd, `lz4_flex` and
//! flate2 directly on the same input (`cargo bench -p flatbox-codec`), the
//! measure of what the glue costs.

use std::hint::black_box;
use std::io::{Read, Write};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flatbox_codec::Codec;

/// 1.5 MB of access-log-like text.
fn input() -> Vec<u8> {
    let mut out = Vec::new();
    let mut i: u32 = 0;
    while out.len() < 1_500_000 {
        out.extend_from_slice(
            format!(
                "{{\"ip\":\"66.{}.{}.{}\",\"request\":\"GET /products/{} HTTP/1.1\",\"status\":{},\"size\":{}}}\n",
                i % 251,
                i % 7,
                i % 13,
                i.wrapping_mul(2_654_435_761) % 5000,
                [200, 200, 200, 304, 404][i as usize % 5],
                i.wrapping_mul(7919) % 20_000
            )
            .as_bytes(),
        );
        i += 1;
    }
    out
}

fn direct_compress(codec: Codec, input: &[u8]) -> Vec<u8> {
    match codec {
        Codec::Zstd { level } => {
            let mut c = zstd::bulk::Compressor::new(level).unwrap();
            c.include_checksum(true).unwrap();
            c.compress(input).unwrap()
        }
        Codec::Lz4 => {
            let info = lz4_flex::frame::FrameInfo::new().content_size(Some(input.len() as u64)).content_checksum(true);
            let mut e = lz4_flex::frame::FrameEncoder::with_frame_info(info, Vec::new());
            e.write_all(input).unwrap();
            e.finish().unwrap()
        }
        Codec::Gzip { level } => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
            e.write_all(input).unwrap();
            e.finish().unwrap()
        }
        Codec::None => input.to_vec(),
    }
}

fn direct_decompress(codec: Codec, frame: &[u8], size: usize) -> Vec<u8> {
    match codec {
        Codec::Zstd { .. } => zstd::bulk::decompress(frame, size).unwrap(),
        Codec::Lz4 => {
            let mut out = Vec::with_capacity(size);
            lz4_flex::frame::FrameDecoder::new(frame).read_to_end(&mut out).unwrap();
            out
        }
        Codec::Gzip { .. } => {
            let mut out = Vec::with_capacity(size);
            flate2::read::GzDecoder::new(frame).read_to_end(&mut out).unwrap();
            out
        }
        Codec::None => frame.to_vec(),
    }
}

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
