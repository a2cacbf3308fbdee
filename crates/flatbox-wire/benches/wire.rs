//! Criterion benches of flatbox-wire's building blocks: varint decoding
//! against prost's, and the packed array against a plain memcpy
//! (`cargo bench -p flatbox-wire`). Whole-format comparisons with the peers
//! are in `benches/` (`cargo xtask bench`, `cargo bench -p flatbox-bench`).

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flatbox_wire::{Packed, varint};

/// 1M `u64`s whose varints are 1 to 10 bytes long: a pseudo-random value
/// (xorshift) shifted right by a pseudo-random 0..64 bits.
fn mixed_u64s() -> Vec<u64> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..1_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x >> (x % 64)
        })
        .collect()
}

fn varints(c: &mut Criterion) {
    let values = mixed_u64s();
    let mut encoded = Vec::new();
    for &v in &values {
        varint::write_u64(&mut encoded, v);
    }
    let mut group = c.benchmark_group("varint-decode-1m");
    group.throughput(Throughput::Bytes(encoded.len() as u64));
    group.bench_function("flatbox-wire", |b| {
        b.iter(|| {
            let mut bytes = black_box(&encoded[..]);
            let mut sum = 0_u64;
            while !bytes.is_empty() {
                let (v, n) = varint::read_u64(bytes).expect("valid");
                sum = sum.wrapping_add(v);
                bytes = &bytes[n..];
            }
            sum
        });
    });
    group.bench_function("prost", |b| {
        b.iter(|| {
            let mut bytes = black_box(&encoded[..]);
            let mut sum = 0_u64;
            while !bytes.is_empty() {
                sum = sum.wrapping_add(prost::encoding::decode_varint(&mut bytes).expect("valid"));
            }
            sum
        });
    });
    group.finish();

    let mut group = c.benchmark_group("varint-encode-1m");
    group.throughput(Throughput::Bytes(encoded.len() as u64));
    let mut out = Vec::with_capacity(encoded.len());
    group.bench_function("flatbox-wire", |b| {
        b.iter(|| {
            out.clear();
            for &v in black_box(&values) {
                varint::write_u64(&mut out, v);
            }
        });
    });
    group.bench_function("prost", |b| {
        b.iter(|| {
            out.clear();
            for &v in black_box(&values) {
                prost::encoding::encode_varint(v, &mut out);
            }
        });
    });
    group.finish();
}

fn packed(c: &mut Criterion) {
    let values: Vec<f64> = (0..1_000_000).map(|i| f64::from(i) * 0.25).collect();
    let encoded = flatbox_wire::to_vec(&Packed(&values[..])).expect("encodes");
    let mut group = c.benchmark_group("packed-f64-1m");
    group.throughput(Throughput::Bytes(8_000_000));
    let mut out = Vec::with_capacity(encoded.len());
    group.bench_function("memcpy encode", |b| {
        b.iter(|| {
            out.clear();
            out.extend_from_slice(bytemuck::cast_slice(black_box(&values[..])));
        });
    });
    group.bench_function("wire encode", |b| {
        b.iter(|| {
            out.clear();
            serde::Serialize::serialize(
                &Packed(black_box(&values[..])),
                &mut flatbox_wire::Serializer::new(&mut out, flatbox_wire::Config::default()),
            )
            .expect("encodes");
        });
    });
    group.bench_function("memcpy decode", |b| {
        b.iter(|| bytemuck::pod_collect_to_vec::<u8, f64>(black_box(&encoded[8..])));
    });
    group.bench_function("wire decode (owned)", |b| {
        b.iter(|| flatbox_wire::from_slice::<Packed<Vec<f64>>>(black_box(&encoded)).expect("decodes"));
    });
    group.bench_function("wire decode (borrowed)", |b| {
        b.iter(|| {
            let p = flatbox_wire::from_slice::<Packed<Cow<'_, [f64]>>>(black_box(&encoded)).expect("decodes");
            assert!(matches!(p.0, Cow::Borrowed(_)));
            p
        });
    });
    group.finish();
}

criterion_group!(benches, varints, packed);
criterion_main!(benches);
