//! `flatbox profile` on a large NDJSON file: its wall time and peak memory,
//! and how close the sizes it extrapolates from its sample come to the
//! real sizes of a full conversion (wire+zstd:3 and parquet+zstd:3).
//!
//! The input is the convert measurement's file ([`crate::convert`]: HTTP-log
//! entries, 1 GB, or 50 MB with `--quick`); the release `flatbox` runs as a
//! child process so its peak RSS (`VmHWM`) is its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;

use crate::convert::{ensure_input, vm_hwm_kib};

/// Targets from issue 15: on 1 GB, 30 s and 300 MB; sizes within 10%.
const WALL_TARGET_S: f64 = 30.0;
const RSS_TARGET_BYTES: u64 = 300_000_000;
const SIZE_TOLERANCE: f64 = 0.10;

/// One size extrapolated by `flatbox profile` against the real one.
#[derive(Debug, Clone, Serialize)]
pub struct SizeCheck {
    /// `wire+zstd:3` or `parquet+zstd:3`.
    pub format: String,
    /// What `flatbox profile` extrapolated from its sample.
    pub estimated_bytes: u64,
    /// What `flatbox convert` of the whole file wrote.
    pub real_bytes: u64,
}

impl SizeCheck {
    /// (estimated - real) / real.
    pub fn error(&self) -> f64 {
        (self.estimated_bytes as f64 - self.real_bytes as f64) / self.real_bytes as f64
    }
}

/// What the measurement found.
#[derive(Debug, Clone, Serialize)]
pub struct SamplingFigures {
    /// The input's size.
    pub input_bytes: u64,
    /// `flatbox profile`'s wall time, default settings.
    pub profile_s: f64,
    /// Its peak resident memory.
    pub peak_rss_bytes: u64,
    /// Its sample note.
    pub sample_note: String,
    /// The sizes checked.
    pub sizes: Vec<SizeCheck>,
}

impl SamplingFigures {
    /// One line for the report, with the targets.
    pub fn summary(&self) -> String {
        let sizes: Vec<String> = self
            .sizes
            .iter()
            .map(|s| {
                format!(
                    "{} estimated {:.1} MB, real {:.1} MB ({:+.1}%{})",
                    s.format,
                    s.estimated_bytes as f64 / 1e6,
                    s.real_bytes as f64 / 1e6,
                    s.error() * 100.0,
                    if s.error().abs() <= SIZE_TOLERANCE { "" } else { ", OUTSIDE +-10%" }
                )
            })
            .collect();
        format!(
            "flatbox profile, {:.0} MB of NDJSON: {:.1} s (target <= {WALL_TARGET_S} s on 1 GB), peak RSS {:.0} MB \
             (target <= {} MB); {}; {}",
            self.input_bytes as f64 / 1e6,
            self.profile_s,
            self.peak_rss_bytes as f64 / 1e6,
            RSS_TARGET_BYTES / 1_000_000,
            self.sample_note,
            sizes.join("; ")
        )
    }
}

/// Runs `flatbox` with `args`, returning its standard output, wall time in
/// seconds and peak RSS in bytes.
fn run(flatbox: &Path, args: &[&std::ffi::OsStr]) -> anyhow::Result<(Vec<u8>, f64, u64)> {
    let start = Instant::now();
    let mut child = Command::new(flatbox)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", flatbox.display()))?;
    let status_path = PathBuf::from(format!("/proc/{}/status", child.id()));
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut pipe) = stdout {
            let _ = std::io::Read::read_to_end(&mut pipe, &mut out);
        }
        out
    });
    let mut peak_kib = 0_u64;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(&status_path) {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let seconds = start.elapsed().as_secs_f64();
    let stdout = reader.join().unwrap_or_default();
    if !status.success() {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            std::io::Read::read_to_string(&mut pipe, &mut stderr)?;
        }
        bail!("{} {args:?} failed ({status}): {stderr}", flatbox.display());
    }
    Ok((stdout, seconds, peak_kib * 1024))
}

/// Measures `flatbox profile` on the convert measurement's NDJSON file of
/// `bytes` bytes in `dir`, and converts the file in full to check the
/// extrapolated sizes.
///
/// # Errors
///
/// When the input cannot be written or a `flatbox` command fails.
pub fn measure(flatbox: &Path, dir: &Path, bytes: u64) -> anyhow::Result<SamplingFigures> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let input = dir.join(format!("convert-input-{}mb.ndjson", bytes / 1_000_000));
    ensure_input(&input, bytes)?;
    let input_bytes = std::fs::metadata(&input)?.len();

    let (json, profile_s, peak_rss_bytes) =
        run(flatbox, &["--quiet".as_ref(), "profile".as_ref(), "--json".as_ref(), input.as_os_str()])?;
    let profile: serde_json::Value = serde_json::from_slice(&json).context("flatbox profile --json output")?;
    let estimate = |format: &str, codec: &str| {
        profile["rows"].as_array().and_then(|rows| {
            rows.iter().find(|r| r["format"] == format && r["codec"] == codec).and_then(|r| r["size"].as_u64())
        })
    };
    let mut sizes = Vec::new();
    for (format, codec, output, extra) in [
        ("wire", "zstd:3", "sampling-check.wire.zst", None),
        ("parquet", "zstd:3", "sampling-check.parquet", Some("zstd:3")),
    ] {
        let Some(estimated_bytes) = estimate(format, codec) else {
            bail!("flatbox profile measured no {format}+{codec} row");
        };
        let path = dir.join(output);
        let mut args: Vec<&std::ffi::OsStr> =
            vec!["--quiet".as_ref(), "convert".as_ref(), input.as_os_str(), path.as_os_str()];
        if let Some(codec) = extra {
            args.extend([std::ffi::OsStr::new("--codec"), std::ffi::OsStr::new(codec)]);
        }
        run(flatbox, &args)?;
        let real_bytes = std::fs::metadata(&path)?.len();
        std::fs::remove_file(&path)?;
        sizes.push(SizeCheck { format: format!("{format}+{codec}"), estimated_bytes, real_bytes });
    }
    Ok(SamplingFigures {
        input_bytes,
        profile_s,
        peak_rss_bytes,
        sample_note: profile["input"]["sample_note"].as_str().unwrap_or_default().to_owned(),
        sizes,
    })
}
