//! `cargo xtask fuzz`: the cargo-fuzz targets in `fuzz/` (libFuzzer, on
//! stable Rust through `RUSTC_BOOTSTRAP=1`), each for a fixed time on its
//! committed seed corpus, then the record log's crash loop.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

/// Every target in `fuzz/fuzz_targets/`, in the order they run.
pub(crate) const TARGETS: [&str; 16] = [
    "wire_value",
    "wire_struct",
    "wire_reader",
    "wire_inspect",
    "wire_differential",
    "codec_decompress",
    "codec_decompress_limit",
    "codec_decoder",
    "proto_raw",
    "proto_messages",
    "proto_dynamic",
    "arrow_ipc_file",
    "arrow_ipc_stream",
    "parquet_read",
    "store_open",
    "formats_sniff",
];

/// What `cargo xtask fuzz` was asked.
pub(crate) struct Options<'a> {
    /// One target (or `crash-loop`), else all of them.
    pub(crate) target: Option<&'a str>,
    pub(crate) seconds: u32,
    pub(crate) kills: u32,
    pub(crate) sanitizer: &'a str,
    /// Seconds one input may take before it counts as a hang.
    pub(crate) timeout: u32,
    /// An unoptimized build (`cargo fuzz --dev`) instead of release.
    pub(crate) dev: bool,
}

pub(crate) fn run(root: &Path, target_dir: &Path, options: &Options<'_>) -> anyhow::Result<()> {
    let fuzz_targets: Vec<&str> = match options.target {
        Some("crash-loop") => Vec::new(),
        Some(t) if TARGETS.contains(&t) => vec![t],
        Some(t) => bail!("no fuzz target {t:?}: expected one of {} or crash-loop", TARGETS.join(", ")),
        None => TARGETS.to_vec(),
    };
    let mut failed = Vec::new();
    if !fuzz_targets.is_empty() && options.seconds > 0 {
        ensure_cargo_fuzz()?;
        let started = Instant::now();
        // One build for every target (they share their dependencies).
        let mut build = cargo_fuzz(root, target_dir, "build", options);
        if let [one] = fuzz_targets[..] {
            build.arg(one);
        }
        eprintln!(
            "building the fuzz targets (cargo fuzz build, {}, sanitizer {})...",
            if options.dev { "dev" } else { "release" },
            options.sanitizer
        );
        let status = build.status().context("starting cargo fuzz")?;
        if !status.success() {
            bail!("cargo fuzz build failed ({status})");
        }
        eprintln!("fuzz build: {:.0} s", started.elapsed().as_secs_f64());
        let logs = target_dir.join("fuzz-logs");
        std::fs::create_dir_all(&logs)?;
        for name in &fuzz_targets {
            match run_target(root, target_dir, &logs, name, options)? {
                Summary { ok: true, line } => println!("{name}: {line}"),
                Summary { ok: false, line } => {
                    println!("{name}: FAILED: {line} (log in {})", logs.join(format!("{name}.log")).display());
                    failed.push(*name);
                }
            }
        }
    }
    if options.kills > 0 && matches!(options.target, None | Some("crash-loop")) {
        crate::crash_loop::run(target_dir, options.kills)?;
    }
    if !failed.is_empty() {
        bail!(
            "fuzz targets with findings: {} (inputs in fuzz/artifacts/<target>/; reproduce with \
             `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <input> --fuzz-dir fuzz`)",
            failed.join(", ")
        );
    }
    Ok(())
}

struct Summary {
    ok: bool,
    line: String,
}

fn run_target(
    root: &Path,
    target_dir: &Path,
    logs: &Path,
    name: &str,
    options: &Options<'_>,
) -> anyhow::Result<Summary> {
    // New inputs go to a working corpus under target/; the committed seeds
    // in fuzz/corpus/<name> are read, never written.
    let work = target_dir.join("fuzz-corpus").join(name);
    std::fs::create_dir_all(&work)?;
    let seeds = root.join("fuzz").join("corpus").join(name);
    let log_path = logs.join(format!("{name}.log"));
    let log = std::fs::File::create(&log_path)?;
    let mut cmd = cargo_fuzz(root, target_dir, "run", options);
    cmd.arg(name)
        .arg(&work)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={}", options.seconds))
        .arg("-rss_limit_mb=2048")
        .arg("-malloc_limit_mb=2048")
        .arg(format!("-timeout={}", options.timeout))
        .arg("-print_final_stats=1")
        .stdout(log.try_clone()?)
        .stderr(log);
    eprintln!("fuzzing {name} for {} s...", options.seconds);
    let status = cmd.status().context("starting cargo fuzz")?;
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    Ok(Summary { ok: status.success(), line: summarize(&text) })
}

/// The figures of a libFuzzer log: executions, coverage, corpus, and the
/// finding if there was one.
fn summarize(log: &str) -> String {
    let stat = |key: &str| {
        log.lines()
            .rev()
            .find_map(|l| l.strip_prefix(key).map(|v| v.split_whitespace().next().unwrap_or("").to_owned()))
    };
    let last_status = log.lines().rev().find(|l| l.starts_with('#') && l.contains("cov:")).unwrap_or("");
    let finding = log
        .lines()
        .find(|l| l.contains("panicked at") || l.contains("==ERROR") || l.contains("ERROR: libFuzzer"))
        .map(|l| format!("; finding: {}", l.trim()))
        .unwrap_or_default();
    format!(
        "{} executions ({} per second), {}{finding}",
        stat("stat::number_of_executed_units: ").unwrap_or_else(|| "?".into()),
        stat("stat::average_exec_per_sec: ").unwrap_or_else(|| "?".into()),
        last_status.split_once(' ').map_or("", |(_, rest)| rest.trim()),
    )
}

/// `cargo fuzz <sub>` on `fuzz/`, building into `target/fuzz`.
fn cargo_fuzz(root: &Path, target_dir: &Path, sub: &str, options: &Options<'_>) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    let profile = if options.dev { "--dev" } else { "--release" };
    cmd.current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", sub, "--fuzz-dir", "fuzz", profile, "--debug-assertions", "--sanitizer", options.sanitizer])
        .arg("--target-dir")
        .arg(target_dir.join("fuzz"));
    cmd
}

/// cargo-fuzz is a cargo subcommand from crates.io: installed when missing.
fn ensure_cargo_fuzz() -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    if Command::new(&cargo).args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    eprintln!("installing cargo-fuzz from crates.io (cargo install cargo-fuzz --locked)...");
    let status = Command::new(&cargo).args(["install", "cargo-fuzz", "--locked"]).status()?;
    if !status.success() {
        bail!("`cargo install cargo-fuzz --locked` failed ({status})");
    }
    Ok(())
}
