//! The `flatbox convert` measurement: a large NDJSON file of HTTP-log
//! entries converted to wire+zstd by the release `flatbox` binary, run once
//! as a child process, against `serde_json` parsing the same lines in this
//! process.
//!
//! - **Peak memory**: the child's `VmHWM` (peak resident set) read from
//!   `/proc/PID/status` every few milliseconds while it runs; the last
//!   reading before it exits. A streaming conversion reaches its plateau
//!   in the first milliseconds, so the sampling misses nothing that
//!   matters. Target: under 100 MB.
//! - **Speed**: the child's wall-clock time against the time `serde_json`
//!   takes to read the same lines and parse each into a
//!   `serde_json::Value`, with the file in the page cache for both.
//!   Target: at least half `serde_json`'s speed (a ratio of at most 2).
//!
//! This is one run of each, not a [`flatbox::profile`] measurement: the
//! point is a whole process's memory and wall-clock on a file too large to
//! repeat. The input is generated once (streamed to disk, never held in
//! memory) and kept in the report directory for later runs.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;

use crate::datasets::http_log::http_log;

/// What one convert run measured.
#[derive(Debug, Clone, Serialize)]
pub struct ConvertFigures {
    /// The NDJSON input's size in bytes.
    pub input_bytes: u64,
    /// Its lines.
    pub lines: u64,
    /// The wire+zstd output's size in bytes.
    pub output_bytes: u64,
    /// `flatbox convert`'s wall-clock seconds.
    pub flatbox_s: f64,
    /// `serde_json`'s seconds to read and parse every line.
    pub serde_json_s: f64,
    /// `flatbox_s / serde_json_s`: at most 2 meets the target.
    pub time_ratio: f64,
    /// The child's peak resident set in bytes.
    pub peak_rss_bytes: u64,
}

impl ConvertFigures {
    /// Whether both targets are met.
    pub fn meets_targets(&self) -> bool {
        self.peak_rss_bytes < 100_000_000 && self.time_ratio <= 2.0
    }

    /// A paragraph for the console and the report.
    pub fn summary(&self) -> String {
        let mb = |b: u64| b as f64 / 1e6;
        format!(
            "flatbox convert, {:.0} MB of NDJSON ({} lines) -> wire+zstd:3 ({:.1} MB): {:.2} s ({:.0} MB/s); \
             serde_json parsing the same lines: {:.2} s ({:.0} MB/s); time ratio {:.2} (target <= 2); \
             peak RSS {:.1} MB (target < 100 MB): {}",
            mb(self.input_bytes),
            self.lines,
            mb(self.output_bytes),
            self.flatbox_s,
            mb(self.input_bytes) / self.flatbox_s,
            self.serde_json_s,
            mb(self.input_bytes) / self.serde_json_s,
            self.time_ratio,
            mb(self.peak_rss_bytes),
            if self.meets_targets() { "targets met" } else { "TARGET MISSED" }
        )
    }
}

/// Generates (or reuses) an NDJSON file of about `bytes` bytes in `dir`,
/// converts it with the `flatbox` binary at `flatbox`, and measures.
///
/// # Errors
///
/// I/O errors, and a failed conversion.
pub fn measure(flatbox: &Path, dir: &Path, bytes: u64) -> anyhow::Result<ConvertFigures> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let input = dir.join(format!("convert-input-{}mb.ndjson", bytes / 1_000_000));
    let lines = ensure_input(&input, bytes)?;
    let input_bytes = std::fs::metadata(&input)?.len();

    // serde_json first: it also brings the file into the page cache.
    let start = Instant::now();
    let mut parsed = 0_u64;
    let mut reader = BufReader::with_capacity(256 * 1024, File::open(&input)?);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let value: serde_json::Value = serde_json::from_slice(&line).context("parsing the generated NDJSON")?;
        std::hint::black_box(value);
        parsed += 1;
    }
    let serde_json_s = start.elapsed().as_secs_f64();
    if parsed != lines {
        bail!("parsed {parsed} lines, wrote {lines}");
    }

    let output = dir.join("convert-output.wire.zst");
    let start = Instant::now();
    let mut child = Command::new(flatbox)
        .args(["--quiet", "convert"])
        .arg(&input)
        .arg(&output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", flatbox.display()))?;
    let status_path = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak_kib = 0_u64;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(&status_path) {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let flatbox_s = start.elapsed().as_secs_f64();
    if !status.success() {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            std::io::Read::read_to_string(&mut pipe, &mut stderr)?;
        }
        bail!("flatbox convert failed ({status}): {stderr}");
    }
    let output_bytes = std::fs::metadata(&output)?.len();
    std::fs::remove_file(&output)?;
    Ok(ConvertFigures {
        input_bytes,
        lines,
        output_bytes,
        flatbox_s,
        serde_json_s,
        time_ratio: flatbox_s / serde_json_s,
        peak_rss_bytes: peak_kib * 1024,
    })
}

/// A process's peak resident memory so far, from the `VmHWM:   1234 kB`
/// line of its `/proc/PID/status`, in KiB; `None` once it has exited.
pub fn vm_hwm_kib(path: &Path) -> Option<u64> {
    let status = std::fs::read_to_string(path).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes blocks of 10k HTTP-log entries (a new seed per block) as NDJSON
/// until the file reaches `bytes`; reuses a file already there. Returns
/// the line count.
///
/// # Errors
///
/// When the file cannot be written or read.
pub fn ensure_input(path: &Path, bytes: u64) -> anyhow::Result<u64> {
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() >= bytes
    {
        let reader = BufReader::with_capacity(256 * 1024, File::open(path)?);
        let mut lines = 0_u64;
        for chunk in reader.split(b'\n') {
            chunk?;
            lines += 1;
        }
        return Ok(lines);
    }
    let partial = path.with_extension("partial");
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&partial)?);
    let mut written = 0_u64;
    let mut lines = 0_u64;
    let mut seed = 0x5EED_C0DE_u64;
    let mut line = Vec::with_capacity(512);
    while written < bytes {
        for entry in http_log(seed, 10_000) {
            line.clear();
            serde_json::to_writer(&mut line, &entry)?;
            line.push(b'\n');
            out.write_all(&line)?;
            written += line.len() as u64;
            lines += 1;
            if written >= bytes {
                break;
            }
        }
        seed += 1;
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&partial, path)?;
    Ok(lines)
}
