//! Shared by the glue bench and the `glue_count` example: a 1.5 MB input,
//! and zstd, `lz4_flex` and flate2 called directly with the same settings
//! flatbox-codec uses.

use std::io::{Read, Write};

use flatbox_codec::Codec;

/// 1.5 MB of access-log-like text.
pub(crate) fn input() -> Vec<u8> {
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

pub(crate) fn direct_compress(codec: Codec, input: &[u8]) -> Vec<u8> {
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

pub(crate) fn direct_decompress(codec: Codec, frame: &[u8], size: usize) -> Vec<u8> {
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
