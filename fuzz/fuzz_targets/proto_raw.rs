//! flatbox-proto: schema-less `decode_raw` (and its text form), nested
//! messages included.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(fields) = flatbox_proto::raw::decode_raw(data) {
        for field in &fields {
            let _ = field.value.as_message();
            let _ = field.value.as_str();
        }
    }
    let _ = flatbox_proto::raw::decode_raw_text(data);
});
