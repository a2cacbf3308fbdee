//! flatbox-wire: `from_slice` into `Value`; whatever decodes must encode
//! and decode again to the same value, and re-encode to the same bytes
//! (decode -> encode -> decode is stable).
#![no_main]

use flatbox_wire::Value;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = flatbox_wire::from_slice::<Value>(data) else { return };
    let bytes = flatbox_wire::to_vec(&value).expect("a decoded Value encodes");
    let again: Value = flatbox_wire::from_slice(&bytes).expect("what the encoder wrote decodes");
    // NaN is not equal to itself: compare the values' Debug forms (which
    // print every float exactly, and NaN as NaN) instead of `==`.
    assert_eq!(format!("{again:?}"), format!("{value:?}"), "decode -> encode -> decode changed the value");
    assert_eq!(flatbox_wire::to_vec(&again).unwrap(), bytes, "the encoding is not stable");
});
