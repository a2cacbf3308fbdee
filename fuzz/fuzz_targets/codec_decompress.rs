//! flatbox-codec: `decompress` (frame detection, concatenated frames of any
//! kind, skippable frames) with the default output limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = flatbox_codec::decompress(data);
});
