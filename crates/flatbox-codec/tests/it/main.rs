//! Integration tests of flatbox-codec: one test binary, a module per topic.

mod bad_input;
mod dictionaries;
mod interop;
mod roundtrip;
mod streaming;

use flatbox_codec::Codec;

/// Every codec at a few levels.
pub(crate) fn codecs() -> Vec<Codec> {
    vec![
        Codec::Lz4,
        Codec::Zstd { level: -3 },
        Codec::Zstd { level: 1 },
        Codec::Zstd { level: 3 },
        Codec::Zstd { level: 19 },
        Codec::Gzip { level: 0 },
        Codec::Gzip { level: 1 },
        Codec::Gzip { level: 6 },
        Codec::Gzip { level: 9 },
    ]
}

/// Compressible text with some variety, `n` bytes long.
pub(crate) fn sample(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut i = 0_u32;
    while out.len() < n {
        out.extend_from_slice(format!("{i} GET /products/{} 200 {}\n", i % 97, (i * 7919) % 10_000).as_bytes());
        i += 1;
    }
    out.truncate(n);
    out
}
