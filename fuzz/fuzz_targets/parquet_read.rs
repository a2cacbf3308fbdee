//! flatbox-arrow: Parquet from bytes, every batch (small batches, so that
//! page boundaries fall inside them).
#![no_main]

use flatbox_arrow::ParquetReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(reader) = ParquetReader::from_bytes(bytes::Bytes::copy_from_slice(data), 7) else { return };
    for batch in reader.take(256) {
        if batch.is_err() {
            break;
        }
    }
});
