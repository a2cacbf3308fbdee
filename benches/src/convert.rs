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
    /// `flatbox_s / serde_json_s`: at most [`MAX_TIME_RATIO`] meets the
    /// target.
    pub time_ratio: f64,
    /// The child's peak resident set in bytes.
    pub peak_rss_bytes: u64,
}

/// The most `flatbox convert` NDJSON -> wire+zstd may take, in multiples of
/// `serde_json`'s parse of the same lines (issue 12 keeps it at its 1.4x).
pub const MAX_TIME_RATIO: f64 = 1.4;

impl ConvertFigures {
    /// Whether both targets are met.
    pub fn meets_targets(&self) -> bool {
        self.peak_rss_bytes < 100_000_000 && self.time_ratio <= MAX_TIME_RATIO
    }

    /// A paragraph for the console and the report.
    pub fn summary(&self) -> String {
        let mb = |b: u64| b as f64 / 1e6;
        format!(
            "flatbox convert, {:.0} MB of NDJSON ({} lines) -> wire+zstd:3 ({:.1} MB): {:.2} s ({:.0} MB/s); \
             serde_json parsing the same lines: {:.2} s ({:.0} MB/s); time ratio {:.2} (target <= {MAX_TIME_RATIO}); \
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

/// One row of the columnar comparison: one conversion of one input, by
/// `flatbox convert` and by DuckDB.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnarRow {
    /// The input: `flat` (the access log) or `extra` (plus a nullable
    /// string and a list of strings).
    pub input: String,
    /// `ndjson -> parquet+zstd` or `parquet -> ndjson`.
    pub conversion: String,
    /// The NDJSON's size in bytes.
    pub ndjson_bytes: u64,
    /// `flatbox convert`'s wall-clock seconds: the median of its runs.
    pub flatbox_s: f64,
    /// Its seconds in each run, in the order run.
    pub flatbox_runs: Vec<f64>,
    /// Its peak resident set in bytes (the largest of its runs).
    pub flatbox_rss_bytes: u64,
    /// DuckDB's seconds for the same `COPY` (timed inside Python, so the
    /// interpreter's start is not counted): the median of its runs, `None`
    /// when duckdb is absent.
    pub duckdb_s: Option<f64>,
    /// Its seconds in each run.
    pub duckdb_runs: Vec<f64>,
    /// The DuckDB process's peak resident set in bytes (the largest).
    pub duckdb_rss_bytes: Option<u64>,
}

/// Runs of each side of a conversion, taken in turn (flatbox, DuckDB,
/// flatbox, ...): the machine is noisy (single runs of the 1 GB conversions
/// have spread by half their time), so the figures are medians of five.
pub const COLUMNAR_RUNS: usize = 5;

/// The median of `runs` (0 when empty).
fn median(runs: &[f64]) -> f64 {
    let mut sorted = runs.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

/// `a.aa, b.bb, c.cc` seconds.
fn list(runs: &[f64]) -> String {
    runs.iter().map(|s| format!("{s:.2}")).collect::<Vec<_>>().join(", ")
}

impl ColumnarRow {
    /// `flatbox_s / duckdb_s`: at most 1 meets the target.
    pub fn ratio(&self) -> Option<f64> {
        self.duckdb_s.map(|d| self.flatbox_s / d)
    }

    /// One line for the console and the report.
    pub fn summary(&self) -> String {
        let mb = |b: u64| b as f64 / 1e6;
        let peer = match (self.duckdb_s, self.duckdb_rss_bytes, self.ratio()) {
            (Some(s), Some(rss), Some(r)) => {
                format!(
                    "duckdb {s:.2} s (runs {}), peak RSS {:.0} MB; ratio of the medians {r:.2} (target <= 1)",
                    list(&self.duckdb_runs),
                    mb(rss)
                )
            }
            _ => "duckdb absent (pip install duckdb, or FLATBOX_PYTHON): no peer row".to_owned(),
        };
        format!(
            "{} {} ({:.0} MB of NDJSON): flatbox {:.2} s (runs {}), peak RSS {:.1} MB (target < 100 MB); {peer}",
            self.input,
            self.conversion,
            mb(self.ndjson_bytes),
            self.flatbox_s,
            list(&self.flatbox_runs),
            mb(self.flatbox_rss_bytes)
        )
    }
}

/// The Python to run DuckDB with: `FLATBOX_PYTHON` (which `cargo xtask
/// bench` sets to the peers' venv it provisions under `target/`), else the
/// venv itself when it exists, else `python3`.
fn python() -> String {
    if let Ok(p) = std::env::var("FLATBOX_PYTHON") {
        return p;
    }
    let venv = "target/flatbox-peers/venv/bin/python";
    if Path::new(venv).exists() {
        return venv.to_owned();
    }
    "python3".to_owned()
}

/// Runs `command`, sampling its peak resident set; returns its wall-clock
/// seconds, peak RSS in bytes and standard output.
fn run_measured(command: &mut Command) -> anyhow::Result<(f64, u64, String)> {
    let start = Instant::now();
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().context("starting a child")?;
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
    let seconds = start.elapsed().as_secs_f64();
    let (mut stdout, mut stderr) = (String::new(), String::new());
    if let Some(mut pipe) = child.stdout.take() {
        std::io::Read::read_to_string(&mut pipe, &mut stdout)?;
    }
    if let Some(mut pipe) = child.stderr.take() {
        std::io::Read::read_to_string(&mut pipe, &mut stderr)?;
    }
    if !status.success() {
        bail!("{command:?} failed ({status}): {stderr}");
    }
    Ok((seconds, peak_kib * 1024, stdout))
}

/// DuckDB's `COPY`, timed inside Python: prints the seconds.
const DUCKDB: &str = r#"
import sys, time, duckdb
query = sys.argv[1]
con = duckdb.connect()
# No progress bar: it draws on stdout, where the seconds are read.
con.execute("SET enable_progress_bar = false")
start = time.perf_counter()
con.execute(query)
print(time.perf_counter() - start)
"#;

/// NDJSON -> Parquet+zstd and Parquet -> NDJSON by `flatbox convert` and
/// by DuckDB's Python package, on the access log (`flat`) and on the
/// access log with a nullable string and a list column (`extra`), each of
/// about `bytes` bytes of NDJSON; [`COLUMNAR_RUNS`] runs of each, in turn.
///
/// # Errors
///
/// I/O errors and a failed `flatbox convert`; a missing duckdb is no
/// error (its columns stay empty).
pub fn measure_columnar(flatbox: &Path, dir: &Path, bytes: u64) -> anyhow::Result<Vec<ColumnarRow>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let python = python();
    let duckdb = Command::new(&python).args(["-c", "import duckdb"]).output().is_ok_and(|o| o.status.success());
    let mut rows = Vec::new();
    for input_kind in ["flat", "extra"] {
        let input = dir.join(format!("convert-{input_kind}-{}mb.ndjson", bytes / 1_000_000));
        if input_kind == "flat" {
            ensure_input(&input, bytes)?;
        } else {
            ensure_extra_input(&input, bytes)?;
        }
        let ndjson_bytes = std::fs::metadata(&input)?.len();
        let parquet = dir.join(format!("convert-{input_kind}.parquet"));
        let back = dir.join(format!("convert-{input_kind}.back.ndjson"));
        let peer_parquet = dir.join(format!("convert-{input_kind}.duckdb.parquet"));
        let peer_back = dir.join(format!("convert-{input_kind}.duckdb.ndjson"));
        for conversion in ["ndjson -> parquet+zstd", "parquet -> ndjson"] {
            let to_parquet = conversion.starts_with("ndjson");
            let query = if to_parquet {
                format!(
                    "COPY (FROM read_json('{}')) TO '{}' (FORMAT parquet, COMPRESSION zstd)",
                    input.display(),
                    peer_parquet.display()
                )
            } else {
                format!("COPY (FROM '{}') TO '{}' (FORMAT json)", parquet.display(), peer_back.display())
            };
            let (mut flatbox_runs, mut duckdb_runs) = (Vec::new(), Vec::new());
            let (mut flatbox_rss_bytes, mut duckdb_rss_bytes) = (0, None::<u64>);
            for _ in 0..COLUMNAR_RUNS {
                let mut cmd = Command::new(flatbox);
                cmd.args(["--quiet", "convert"]);
                if to_parquet {
                    cmd.arg(&input).arg(&parquet).args(["--codec", "zstd"]);
                } else {
                    cmd.arg(&parquet).arg(&back);
                }
                let (seconds, rss, _) = run_measured(&mut cmd)?;
                flatbox_runs.push(seconds);
                flatbox_rss_bytes = flatbox_rss_bytes.max(rss);
                if duckdb {
                    let (_, rss, out) = run_measured(Command::new(&python).args(["-c", DUCKDB, &query]))?;
                    // The seconds are the last line (nothing else should print).
                    let last = out.lines().last().unwrap_or_default().trim();
                    duckdb_runs.push(last.parse().with_context(|| format!("duckdb printed {out:?}"))?);
                    duckdb_rss_bytes = Some(duckdb_rss_bytes.unwrap_or(0).max(rss));
                }
            }
            rows.push(ColumnarRow {
                input: input_kind.to_owned(),
                conversion: conversion.to_owned(),
                ndjson_bytes,
                flatbox_s: median(&flatbox_runs),
                flatbox_runs,
                flatbox_rss_bytes,
                duckdb_s: duckdb.then(|| median(&duckdb_runs)),
                duckdb_runs,
                duckdb_rss_bytes,
            });
        }
        for file in [&parquet, &back, &peer_parquet, &peer_back] {
            let _ = std::fs::remove_file(file);
        }
    }
    Ok(rows)
}

/// The access log with a nullable `referrer` and a `tags` list beside the
/// flat fields, as NDJSON of about `bytes` bytes (reused when there).
fn ensure_extra_input(path: &Path, bytes: u64) -> anyhow::Result<()> {
    const TAGS: [&str; 5] = ["api", "static", "bot", "mobile", "cached"];
    if std::fs::metadata(path).is_ok_and(|m| m.len() >= bytes) {
        return Ok(());
    }
    let partial = path.with_extension("partial");
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&partial)?);
    let (mut written, mut seed, mut n) = (0_u64, 0xE87A_u64, 0_u64);
    let mut line = Vec::with_capacity(512);
    while written < bytes {
        for entry in http_log(seed, 10_000) {
            n += 1;
            let referrer = (n % 3 != 0).then(|| format!("https://example.com/page/{}", n % 97));
            let tags: Vec<&str> = (0..(n % 4)).map(|i| TAGS[((n + i) % 5) as usize]).collect();
            let mut value = serde_json::to_value(&entry)?;
            value["referrer"] = serde_json::json!(referrer);
            value["tags"] = serde_json::json!(tags);
            line.clear();
            serde_json::to_writer(&mut line, &value)?;
            line.push(b'\n');
            out.write_all(&line)?;
            written += line.len() as u64;
            if written >= bytes {
                break;
            }
        }
        seed += 1;
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&partial, path)?;
    Ok(())
}
