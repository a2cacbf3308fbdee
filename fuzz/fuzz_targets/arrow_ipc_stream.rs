//! flatbox-arrow: the IPC stream reader, batch after batch.
#![no_main]

use flatbox_arrow::IpcStreamReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(reader) = IpcStreamReader::new(data) else { return };
    for batch in reader.take(64) {
        if batch.is_err() {
            break;
        }
    }
});
