//! flatbox-arrow: `IpcFile::from_bytes`, then every batch and the row count.
//! Errors are fine; a panic is a finding (flatbox-arrow contains arrow-rs's
//! panics, so one that gets here escaped its guards).
#![no_main]

use flatbox_arrow::IpcFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = IpcFile::from_bytes(bytes::Bytes::copy_from_slice(data)) else { return };
    let _ = file.num_rows();
    for i in 0..file.num_batches().min(64) {
        let _ = file.batch(i);
    }
});
