//! flatbox-codec: the streaming `Decoder` over any bytes, read in small
//! pieces, with a small limit; it agrees with the one-shot
//! `decompress_with` on what decodes.
#![no_main]

use std::io::Read;

use flatbox_codec::{Decoder, Limits};
use libfuzzer_sys::fuzz_target;

const LIMIT: u64 = 64 << 10;

fuzz_target!(|data: &[u8]| {
    let mut decoder = Decoder::new(data, Limits::new(LIMIT));
    let mut out = Vec::new();
    let mut piece = [0_u8; 1000];
    let streamed = loop {
        match decoder.read(&mut piece) {
            Ok(0) => break Ok(()),
            Ok(n) => out.extend_from_slice(&piece[..n]),
            Err(e) => break Err(e),
        }
    };
    assert!(out.len() as u64 <= LIMIT, "{} bytes past the {LIMIT}-byte limit", out.len());
    let once = flatbox_codec::decompress_with(data, Limits::new(LIMIT));
    if let (Ok(()), Ok(whole)) = (&streamed, &once) {
        assert_eq!(&out, whole, "the stream and the one-shot call decode differently");
    }
});
