//! A profiling aid: builds a log of N 100-byte records (first argument,
//! default 1M) and reads 1M random records, for `perf stat` / `perf record`.

use flatbox_store::{RecordId, RecordLog};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args().nth(1).map_or(Ok(1_000_000), |a| a.parse())?;
    let dir = std::env::temp_dir().join(format!("flatbox-get-loop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut log, _) = RecordLog::open(&dir)?;
    let records: Vec<Vec<u8>> = (0..n).map(|i| vec![(i % 251) as u8; 100]).collect();
    log.append_batch(&records)?;
    drop(records);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut total = 0;
    let start = std::time::Instant::now();
    for _ in 0..1_000_000 {
        // xorshift
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        total += log.get(RecordId(x % n))?.map_or(0, <[u8]>::len);
    }
    println!("{total} bytes, {:.0} ns per get", start.elapsed().as_nanos() as f64 / 1e6);
    drop(log);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
