//! flatbox: the format registry's sniffing (`flatbox::formats::sniff`,
//! `sniff_prefix` on a cut-off head, `looks_like_json`), which the command
//! runs on every input whose name says nothing. Any bytes get an answer:
//! no panic, no hang, and the same answer twice.
#![no_main]

use flatbox::formats::{looks_like_json, sniff, sniff_prefix};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let kind = sniff(data);
    assert_eq!(kind, sniff_prefix(data, true), "sniff is sniff_prefix of a complete input");
    assert_eq!(kind, sniff(data), "sniff is deterministic");
    let _ = sniff_prefix(&data[..data.len() / 2], false);
    let _ = looks_like_json(data);
});
