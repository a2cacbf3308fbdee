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
//! - `cargo xtask fuzz [--target T] [--seconds N] [--kills N]`: the
//!   cargo-fuzz targets in `fuzz/` for N seconds each, then the record
//!   log's crash loop (N SIGKILLs).
//! - `cargo xtask test [CARGO_TEST_ARGS]...`: provisions the interop peers
//!   (a venv under `target/` with pinned pyarrow and duckdb, the
//!   zstd/lz4/gzip tools), then runs `cargo test --workspace` with the
//!   ignored interop tests included and `FLATBOX_PYTHON` set.

mod codegen;
mod crash_loop;
mod fuzz;
mod peers;
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
    /// The whole test suite with the interop tests against the real peers:
    /// provisions pyarrow and duckdb in a venv under target/ and checks the
    /// zstd/lz4/gzip tools, then runs `cargo test --workspace -- --include-ignored`.
    #[command(
        after_help = "Examples:\n  cargo xtask test\n  cargo xtask test --locked\n  cargo xtask test -p flatbox-arrow"
    )]
    Test {
        /// Never run apt-get: fail with the install command instead.
        #[arg(long)]
        no_install: bool,
        /// More arguments for `cargo test` (before its `--`), such as
        /// `--locked` or `-p flatbox-arrow` (which replaces `--workspace`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "CARGO_TEST_ARGS")]
        cargo_args: Vec<String>,
    },
    /// Coverage-guided fuzzing of every decoder (cargo-fuzz, libFuzzer, on
    /// stable through `RUSTC_BOOTSTRAP=1`), then the record log's crash loop.
    #[command(
        after_help = "Targets: wire_value wire_struct wire_reader wire_inspect wire_differential codec_decompress \
codec_decompress_limit codec_decoder proto_raw proto_messages proto_dynamic arrow_ipc_file arrow_ipc_stream \
parquet_read store_open, and crash-loop (the crash loop alone).\n\nEach target runs with -rss_limit_mb=2048, \
-malloc_limit_mb=2048 and a per-input timeout, so out-of-memory and hangs are findings; findings are written \
to fuzz/artifacts/<target>/.\n\nExamples:\n  cargo xtask fuzz\n  cargo xtask fuzz --target parquet_read --seconds 600\n  \
cargo xtask fuzz --seconds 15 --kills 50        (what CI runs)\n  cargo xtask fuzz --target crash-loop --kills 1000"
    )]
    Fuzz {
        /// Only this target (or `crash-loop`).
        #[arg(long, value_name = "T")]
        target: Option<String>,
        /// How long each target runs (the issue asks for 600 before a
        /// decoder counts as fuzzed; 0 skips the targets).
        #[arg(long, value_name = "N", default_value_t = 600)]
        seconds: u32,
        /// How many times the crash loop kills its child (0 skips it).
        #[arg(long, value_name = "N", default_value_t = 1000)]
        kills: u32,
        /// libFuzzer's sanitizer: none (fastest to build and run; panics,
        /// out-of-memory and hangs are still found) or address (also
        /// memory errors in unsafe and C code).
        #[arg(long, value_name = "SANITIZER", default_value = "none")]
        sanitizer: String,
        /// Seconds one input may take before it counts as a hang.
        #[arg(long, value_name = "N", default_value_t = 10)]
        timeout: u32,
    },
    /// The crash loop's child process (run by `cargo xtask fuzz`).
    #[command(hide = true)]
    CrashChild {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        seed: u64,
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
        Task::Test { no_install, cargo_args } => test(!no_install, &cargo_args),
        Task::Fuzz { target, seconds, kills, sanitizer, timeout } => {
            let root = project_root();
            let target_dir = target_dir(&root);
            let options = fuzz::Options { target: target.as_deref(), seconds, kills, sanitizer: &sanitizer, timeout };
            fuzz::run(&root, &target_dir, &options)
        }
        Task::CrashChild { dir, seed } => crash_loop::child(&dir, seed),
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

fn test(install: bool, cargo_args: &[String]) -> anyhow::Result<()> {
    let root = project_root();
    let target = target_dir(&root);
    peers::system_tools(install)?;
    let python = peers::python_venv(&target)?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root).arg("test");
    if !cargo_args.iter().any(|a| a == "-p" || a.starts_with("--package") || a == "--workspace") {
        cmd.arg("--workspace");
    }
    cmd.args(cargo_args).args(["--", "--include-ignored"]).env(peers::PYTHON_ENV, &python);
    eprintln!("running the tests with the interop peers ({}={})...", peers::PYTHON_ENV, python.display());
    let status = cmd.status().context("starting cargo")?;
    if !status.success() {
        bail!("the tests failed ({status})");
    }
    Ok(())
}
