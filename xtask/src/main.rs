//! Project automation, run as `cargo xtask <task>` (an alias in
//! `.cargo/config.toml`), in the style of rust-analyzer's xtask.
//!
//! - `cargo xtask bench [--quick] [--filter SUBSTRING] [--convert-only]`:
//!   builds the bench runner and the `flatbox` command in release mode,
//!   measures every dataset with every format, writing
//!   `target/flatbox-report/report.md`, `report.json`, `chart.svg` and
//!   `report.html`, then `flatbox
//!   convert` on a large NDJSON file (`convert.md`, `convert.json`).
//! - `cargo xtask codegen [--check]`: compiles `proto/` with protox and
//!   prost-build (no protoc) into `crates/flatbox-proto/src/generated/`.

mod codegen;
#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "flatbox's project automation")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Reproduce the tutorial's experiments, with the Rust peers side by side.
    #[command(
        after_help = "Examples:\n  cargo xtask bench\n  cargo xtask bench --quick\n  cargo xtask bench --filter http\n  cargo xtask bench --convert-only --quick"
    )]
    Bench {
        /// Fewer, shorter samples: finishes in under a minute on 2 cores.
        #[arg(long)]
        quick: bool,
        /// Only datasets or formats whose name contains this text.
        #[arg(long, value_name = "SUBSTRING")]
        filter: Option<String>,
        /// Only the `flatbox convert` measurement (1 GB of NDJSON to
        /// wire+zstd; 50 MB with --quick): peak memory, speed vs `serde_json`.
        #[arg(long)]
        convert_only: bool,
    },
    /// Regenerate the protobuf code in crates/flatbox-proto from proto/ (no protoc needed).
    Codegen {
        /// Only check that the committed code is up to date.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().task {
        Task::Bench { quick, filter, convert_only } => bench(quick, filter.as_deref(), convert_only),
        Task::Codegen { check } => codegen::run(check),
    }
}

/// The workspace root: xtask lives one level below it.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_path_buf()
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

fn bench(quick: bool, filter: Option<&str>, convert_only: bool) -> anyhow::Result<()> {
    let root = project_root();
    let target = target_dir(&root);
    let out = target.join("flatbox-report");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The `flatbox` binary, for the convert measurement (run as a child
    // process so its peak memory is its own).
    eprintln!("building the flatbox command in release mode (cargo build --release -p flatbox-cli)...");
    let status = Command::new(&cargo)
        .current_dir(&root)
        .args(["build", "--release", "--package", "flatbox-cli", "--bin", "flatbox"])
        .status()
        .context("starting cargo")?;
    if !status.success() {
        bail!("building flatbox failed ({status})");
    }
    let flatbox = target.join("release").join(format!("flatbox{}", std::env::consts::EXE_SUFFIX));
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .args(["run", "--release", "--package", "flatbox-bench", "--bin", "flatbox-bench", "--"])
        .arg("--out")
        .arg(&out)
        .arg("--flatbox")
        .arg(&flatbox);
    if convert_only {
        cmd.arg("--convert-only");
    }
    if quick {
        cmd.arg("--quick");
    }
    if let Some(filter) = filter {
        cmd.args(["--filter", filter]);
    }
    eprintln!("building the bench runner in release mode (cargo run --release -p flatbox-bench)...");
    let status = cmd.status().context("starting cargo")?;
    if !status.success() {
        bail!("the bench run failed ({status})");
    }
    Ok(())
}
