//! Criterion benches of flatbox-wire's building blocks: varint decoding
//! against prost's, the packed array against a plain memcpy, and one small
//! message on a thread that encoded nothing before against one that encoded
//! a large value first (`cargo bench -p flatbox-wire`). Whole-format
//! comparisons with the peers are in `benches/` (`cargo xtask bench`,
//! `cargo bench -p flatbox-bench`).

use std::borrow::Cow;
use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flatbox_wire::{Config, Packed, varint};
use serde::Serialize;

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
            flatbox_wire::with_serializer(&mut out, Config::default(), |ser| {
                Serialize::serialize(&Packed(black_box(&values[..])), ser)
            })
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

/// The tutorial's network message: one small struct.
#[derive(Serialize)]
struct Event {
    user_id: u64,
    action: String,
    timestamp: u64,
}

#[derive(Clone, Copy, Serialize)]
enum Light {
    Red,
    Green,
}

/// `to_vec` of one small struct, plain and with `intern_strings`, on a
/// thread that encoded nothing before and on one that first encoded a large
/// value (repeated variant names, 10,000 strings each written twice).
///
/// The serializer keeps its emptied tables per thread for the next one, so
/// the two rows must take about the same time: emptying what a large value
/// left once cost every later small value: 19 ns plain (the name cache,
/// filled again whether written or not: 99.7 against 80.6 ns) and 172 ns
/// with `intern_strings` (a hash table of 16 Ki buckets holding one string:
/// 274.9 against 102.5 ns).
fn small_after_large(c: &mut Criterion) {
    let event = Event { user_id: 123, action: "login".into(), timestamp: 1_642_678_800 };
    let large: (Vec<Light>, Vec<String>) =
        ([Light::Red, Light::Green].repeat(50), (0..20_000).map(|i| format!("s{}", i / 2)).collect());
    let mut group = c.benchmark_group("small-message");
    for (format, config) in [("wire", Config::default()), ("wire+strings", Config::default().intern_strings(true))] {
        // Each sample on a thread of its own, which sees no tables kept
        // from any other bench; the large value is encoded before the
        // clock starts.
        let on_a_new_thread = |iters: u64, first: Option<&(Vec<Light>, Vec<String>)>| {
            std::thread::scope(|s| {
                s.spawn(|| {
                    if let Some(first) = first {
                        flatbox_wire::to_vec_with_config(first, config).expect("encodes");
                    }
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(flatbox_wire::to_vec_with_config(black_box(&event), config).expect("encodes"));
                    }
                    start.elapsed()
                })
                .join()
                .expect("the bench's thread finishes")
            })
        };
        group
            .bench_function(format!("{format}, fresh thread"), |b| b.iter_custom(|iters| on_a_new_thread(iters, None)));
        group.bench_function(format!("{format}, after a large value"), |b| {
            b.iter_custom(|iters| on_a_new_thread(iters, Some(&large)));
        });
    }
    group.finish();
}

criterion_group!(benches, varints, packed, small_after_large);
criterion_main!(benches);
