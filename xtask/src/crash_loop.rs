//! The record log's crash loop (`cargo xtask fuzz`): a child process
//! appends random batches with `Durability::EveryBatch` and is killed with
//! SIGKILL at a random moment, again and again on one directory. After
//! each kill the parent reopens the log (recovering the torn tail) and
//! checks that every acknowledged record is there byte for byte, that
//! nothing unacknowledged appears apart from the one batch in flight, and
//! that `verify` is clean.
//!
//! The child prints `begin FIRST COUNT` before each `append_batch` and
//! `ack END` once it returned (synced). Record `id`'s payload is a pure
//! function of `id`, so the parent can check every byte without being told.

use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use flatbox_store::{Durability, LogOptions, RecordId, RecordLog};

/// Small segments, so that batches roll over segment ends often.
const SEGMENT_SIZE: u64 = 64 << 10;

fn options() -> LogOptions {
    LogOptions { segment_size: SEGMENT_SIZE, durability: Durability::EveryBatch, repair: false }
}

/// splitmix64: a fast, well-mixed sequence from any seed.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Record `id`'s payload: 0 to 3000 bytes (mostly short), all derived
/// from `id`.
pub(crate) fn payload(id: u64) -> Vec<u8> {
    let h = mix(id);
    let len = usize::try_from(if h.is_multiple_of(16) { (h >> 8) % 3001 } else { (h >> 8) % 200 }).unwrap_or(0);
    let mut out = Vec::with_capacity(len + 8);
    out.extend_from_slice(&id.to_le_bytes());
    let mut state = h;
    while out.len() < len {
        state = mix(state);
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len.max(8));
    out
}

/// The child: appends random batches until it is killed.
pub(crate) fn child(dir: &Path, seed: u64) -> anyhow::Result<()> {
    let (mut log, _) = RecordLog::open_with(dir, options()).context("the child opens the log")?;
    let mut out = std::io::stdout().lock();
    let mut state = seed;
    loop {
        state = mix(state);
        let count = 1 + state % 24;
        let first = log.len();
        let batch: Vec<Vec<u8>> = (first..first + count).map(payload).collect();
        writeln!(out, "begin {first} {count}")?;
        out.flush()?;
        log.append_batch(&batch)?;
        writeln!(out, "ack {}", first + count)?;
        out.flush()?;
    }
}

/// What one killed child said.
#[derive(Debug, Default)]
struct Heard {
    /// The end of the last acknowledged batch.
    acked: Option<u64>,
    /// The batch begun after the last acknowledgement: (first, count).
    in_flight: Option<(u64, u64)>,
}

fn listen(stdout: impl std::io::Read) -> anyhow::Result<Heard> {
    let mut heard = Heard::default();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        let words: Vec<&str> = line.split(' ').collect();
        match words[..] {
            ["begin", first, count] => heard.in_flight = Some((first.parse()?, count.parse()?)),
            ["ack", end] => {
                heard.acked = Some(end.parse()?);
                heard.in_flight = None;
            }
            // A line cut by the kill.
            _ => {}
        }
    }
    Ok(heard)
}

/// Runs `kills` rounds on a fresh directory under `target`; prints the
/// figures.
///
/// # Errors
///
/// At the first round whose reopened log breaks a promise, or when the
/// child cannot be started.
pub(crate) fn run(target: &Path, kills: u32) -> anyhow::Result<()> {
    let dir: PathBuf = target.join("flatbox-crash-loop");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    let exe = std::env::current_exe().context("finding xtask's own binary")?;
    let started = Instant::now();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let mut seed = mix(u64::from(std::process::id()) ^ u64::from(now) ^ 0x5EED);
    let mut acked: u64 = 0;
    let (mut whole, mut partial, mut lost, mut cut_bytes) = (0_u32, 0_u32, 0_u32, 0_u64);
    eprintln!("crash loop: {kills} SIGKILLs of a child appending with EveryBatch to {}", dir.display());
    for round in 0..kills {
        seed = mix(seed);
        let mut child = Command::new(&exe)
            .args(["crash-child", "--seed", &seed.to_string(), "--dir"])
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting the crash-loop child")?;
        let stdout = child.stdout.take().context("the child's stdout")?;
        let listener = std::thread::spawn(move || listen(stdout));
        // From 0 (often before the child has opened the log) to 40 ms.
        let wait = if seed.is_multiple_of(8) { (seed >> 8) % 2_000 } else { (seed >> 8) % 40_000 };
        std::thread::sleep(Duration::from_micros(wait));
        child.kill().context("SIGKILL")?;
        let status = child.wait()?;
        let heard = listener.join().map_err(|_| anyhow::anyhow!("the listener panicked"))??;
        if status.success() || status.code().is_some() {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
            }
            bail!("round {round}: the child exited by itself ({status}): {stderr}");
        }
        let (log, report) = RecordLog::open_with(&dir, options())
            .with_context(|| format!("round {round}: reopening after the kill"))?;
        cut_bytes += report.bytes_cut;
        let len = log.len();
        let acked_now = heard.acked.unwrap_or(acked).max(acked);
        ensure!(len >= acked_now, "round {round}: {acked_now} records acknowledged, {len} after reopening");
        let allowed = match heard.in_flight {
            Some((first, count)) => {
                ensure!(first == acked_now, "round {round}: a batch begun at {first}, after {acked_now} acknowledged");
                first + count
            }
            None => acked_now,
        };
        ensure!(
            len <= allowed,
            "round {round}: {len} records after reopening, but only {acked_now} acknowledged and {} in flight",
            allowed - acked_now
        );
        if let Some((_, count)) = heard.in_flight {
            match len - acked_now {
                0 => lost += 1,
                n if n == count => whole += 1,
                _ => partial += 1,
            }
        }
        for id in 0..len {
            let got = log.get(RecordId(id)).with_context(|| format!("round {round}: reading record {id}"))?;
            ensure!(got == Some(payload(id).as_slice()), "round {round}: record {id} differs from what was appended");
        }
        let verified = log.verify().with_context(|| format!("round {round}: verify"))?;
        ensure!(verified.records == len, "round {round}: verify saw {} of {len} records", verified.records);
        drop(log);
        acked = len;
        if (round + 1) % 100 == 0 || round + 1 == kills {
            eprintln!("  {} kills, {acked} records, {:.1} s", round + 1, started.elapsed().as_secs_f64());
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let segments = RecordLog::open_with(&dir, options()).map_or(0, |(log, _)| log.segments());
    println!(
        "crash loop: {kills} SIGKILLs in {seconds:.1} s; {acked} records in {segments} segments of 64 KiB, every \
         acknowledged one intact and verify clean after each kill; the batch in flight was on disk whole {whole} \
         times, in part {partial}, not at all {lost}; recovery cut {cut_bytes} torn bytes in all"
    );
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
