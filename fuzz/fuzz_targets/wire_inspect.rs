//! flatbox-wire: `inspect`, the disassembler, on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = flatbox_wire::inspect(data);
});
