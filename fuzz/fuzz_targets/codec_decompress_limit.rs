//! flatbox-codec: `decompress_with` a small output limit (64 KiB): whatever
//! it returns stays within the limit, and a reused `Decompressor` agrees
//! with the one-shot call.
#![no_main]

use flatbox_codec::{Decompressor, Limits};
use libfuzzer_sys::fuzz_target;

const LIMIT: u64 = 64 << 10;

fuzz_target!(|data: &[u8]| {
    let once = flatbox_codec::decompress_with(data, Limits::new(LIMIT));
    if let Ok(out) = &once {
        assert!(out.len() as u64 <= LIMIT, "{} bytes past the {LIMIT}-byte limit", out.len());
    }
    let mut reused = Decompressor::new(Limits::new(LIMIT));
    let again = reused.decompress(data);
    assert_eq!(once.as_ref().ok(), again.as_ref().ok(), "the reusable decompressor disagrees");
});
