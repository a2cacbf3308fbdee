//! Peak memory while a decompression bomb is stopped: near the limit.
//!
//! Alone in its own test binary, so that no other test allocates while the
//! process's peak resident size is measured (Linux: `VmHWM`, reset through
//! `/proc/self/clear_refs`).

use std::io::Write;

use flatbox_codec::{Codec, Encoder, Error, Limits};

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM line");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number")
}

#[test]
fn a_10_gib_bomb_peaks_near_the_limit() {
    let mut encoder = Encoder::new(Vec::new(), Codec::Zstd { level: 1 }).unwrap();
    let zeros = vec![0_u8; 1 << 20];
    for _ in 0..10 * 1024 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    drop(zeros);

    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak RSS");
    let before = vm_hwm_kib();
    let limit: u64 = 128 << 20;
    let err = flatbox_codec::decompress_with(&bomb, Limits::new(limit)).unwrap_err();
    assert!(matches!(err, Error::OutputLimit { .. }), "{err:?}");
    let peak = vm_hwm_kib().saturating_sub(before) * 1024;
    eprintln!("peak resident size grew by {} MiB (limit {} MiB)", peak >> 20, limit >> 20);
    // The output buffer may reach the limit; allow 32 MiB for zstd's
    // window and buffers.
    assert!(peak < limit + (32 << 20), "peak grew by {} MiB for a {} MiB limit", peak >> 20, limit >> 20);
}
