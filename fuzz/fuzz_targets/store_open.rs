//! flatbox-store: `RecordLog::open` on a directory whose segment, index and
//! clean-shutdown marker bytes the fuzzer supplies, then every record,
//! `verify`, an append and a reopen; and the same with `repair`.
//!
//! Input layout: three little-endian u16 lengths (segment, index, marker),
//! then those bytes; a marker length of 0xFFFF means no marker file.
#![no_main]

use flatbox_store::{LogOptions, RecordId, RecordLog};
use libfuzzer_sys::fuzz_target;

const SEGMENT_SIZE: u64 = 4096;

fn exercise(dir: &std::path::Path, repair: bool) {
    let options = LogOptions { segment_size: SEGMENT_SIZE, repair, ..LogOptions::default() };
    let Ok((mut log, _)) = RecordLog::open_with(dir, options) else { return };
    let len = log.len();
    for id in 0..len.min(4096) {
        let _ = log.get(RecordId(id));
    }
    for record in log.iter().take(4096) {
        if record.is_err() {
            break;
        }
    }
    let verified = log.verify();
    if verified.is_ok() && log.append(b"after").is_ok() {
        drop(log);
        let (log, _) = RecordLog::open_with(dir, options).expect("a log we appended to reopens");
        assert_eq!(log.len(), len + 1, "the appended record is there after reopening");
        assert_eq!(log.get(RecordId(len)).unwrap(), Some(&b"after"[..]));
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 6 {
        return;
    }
    let word = |i: usize| usize::from(u16::from_le_bytes([data[2 * i], data[2 * i + 1]]));
    let (seg_len, idx_len, marker_len) = (word(0), word(1), word(2));
    let rest = &data[6..];
    let seg = &rest[..seg_len.min(rest.len())];
    let rest = &rest[seg.len()..];
    let idx = &rest[..idx_len.min(rest.len())];
    let rest = &rest[idx.len()..];
    let marker = (marker_len != 0xFFFF).then(|| &rest[..marker_len.min(rest.len())]);
    for repair in [false, true] {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path();
        std::fs::write(path.join("00000000000000000000.seg"), seg).unwrap();
        std::fs::write(path.join("00000000000000000000.idx"), idx).unwrap();
        if let Some(marker) = marker {
            std::fs::write(path.join("CLEAN"), marker).unwrap();
        }
        exercise(path, repair);
    }
});
