//! Profiling aid, not a benchmark: compresses or decompresses 1.5 MB once,
//! through flatbox-codec or through the library directly, so that
//! `valgrind --tool=callgrind` can count the instructions each path takes
//! (timings on a shared machine are too noisy to show a few percent).
//!
//! `cargo run --profile profiling -p flatbox-codec --example glue_count -- <zstd|lz4|gzip> <compress|decompress> <direct|flatbox> <iterations>`

use flatbox_codec::Codec;

#[path = "../benches/support/direct.rs"]
mod direct;

use direct::{direct_compress, direct_decompress, input};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let codec = match args[1].as_str() {
        "zstd" => Codec::Zstd { level: 3 },
        "lz4" => Codec::Lz4,
        _ => Codec::Gzip { level: 6 },
    };
    let n: u32 = args[4].parse().expect("a count");
    let data = input();
    let frame = flatbox_codec::compress(codec, &data);
    let direct = args[3] == "direct";
    for _ in 0..n {
        let out = match (args[2].as_str(), direct) {
            ("compress", true) => direct_compress(codec, &data),
            ("compress", false) => flatbox_codec::compress(codec, &data),
            (_, true) => direct_decompress(codec, &frame, data.len()),
            (_, false) => flatbox_codec::decompress(&frame).unwrap(),
        };
        std::hint::black_box(out);
    }
}
