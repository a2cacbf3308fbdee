//! Profiling aid, not a benchmark: compresses or decompresses 1.5 MB once,
//! through flatbox-codec or through the library directly, so that
//! `valgrind --tool=callgrind` can count the instructions each path takes
//! (timings on a shared machine are too noisy to show a few percent).
//!
//! `cargo run --release -p flatbox-codec --example glue_count -- <zstd|lz4|gzip> <compress|decompress> <direct|flatbox> <iterations>`

use std::io::{Read, Write};

use flatbox_codec::Codec;

fn input() -> Vec<u8> {
    let mut out = Vec::new();
    let mut i: u32 = 0;
    while out.len() < 1_500_000 {
        out.extend_from_slice(
            format!(
                "{{\"ip\":\"66.{}.{}.{}\",\"status\":{},\"size\":{}}}\n",
                i % 251,
                i % 7,
                i % 13,
                [200, 304, 404][i as usize % 3],
                i.wrapping_mul(7919) % 20_000
            )
            .as_bytes(),
        );
        i += 1;
    }
    out
}

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
        let out = if args[2] == "compress" {
            if direct {
                match codec {
                    Codec::Zstd { level } => {
                        let mut c = zstd::bulk::Compressor::new(level).unwrap();
                        c.include_checksum(true).unwrap();
                        c.compress(&data).unwrap()
                    }
                    Codec::Lz4 => {
                        let info = lz4_flex::frame::FrameInfo::new()
                            .content_size(Some(data.len() as u64))
                            .content_checksum(true);
                        let mut e = lz4_flex::frame::FrameEncoder::with_frame_info(info, Vec::new());
                        e.write_all(&data).unwrap();
                        e.finish().unwrap()
                    }
                    _ => {
                        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
                        e.write_all(&data).unwrap();
                        e.finish().unwrap()
                    }
                }
            } else {
                flatbox_codec::compress(codec, &data)
            }
        } else if direct {
            let mut out = Vec::with_capacity(data.len());
            match codec {
                Codec::Zstd { .. } => out = zstd::bulk::decompress(&frame, data.len()).unwrap(),
                Codec::Lz4 => drop(lz4_flex::frame::FrameDecoder::new(&frame[..]).read_to_end(&mut out).unwrap()),
                _ => drop(flate2::read::GzDecoder::new(&frame[..]).read_to_end(&mut out).unwrap()),
            }
            out
        } else {
            flatbox_codec::decompress(&frame).unwrap()
        };
        std::hint::black_box(out);
    }
}
