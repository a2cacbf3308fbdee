//! Project automation, run as `cargo xtask <task>` (an alias in
//! `.cargo/config.toml`), in the style of rust-analyzer's xtask.
//!
//! - `cargo xtask bench [--quick] [--filter SUBSTRING] [--convert-only]`:
//!   builds the bench runner and the `flatbox` command in release mode,
//!   measures every dataset with every format, writing
//!   `target/flatbox-report/report.md`, `report.json`, `chart.svg` and
//!   `report.html`, then `flatbox
//!   convert` on a large NDJSON file (`convert.md`, `convert.json`). It
//!   fetches the real JSON documents it measures beside its own data
//!   (`canada.json`, `citm_catalog.json`, `twitter.json`: the npm
//!   registry's `simdjson` package) into `target/` the first time.
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
        after_help = "Examples:\n  cargo xtask bench\n  cargo xtask bench --quick\n  cargo xtask bench --filter http\n  cargo xtask bench --convert-only --quick\n  cargo xtask bench --publish"
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
        /// After a full run (no --quick, no --filter): copy the report into
        /// docs/results/ and regenerate README.md's results section from it.
        #[arg(long, conflicts_with_all = ["quick", "filter", "convert_only"])]
        publish: bool,
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
parquet_read store_open formats_sniff, and crash-loop (the crash loop alone).\n\nEach target runs with -rss_limit_mb=2048, \
-malloc_limit_mb=2048 and a per-input timeout, so out-of-memory and hangs are findings; findings are written \
to fuzz/artifacts/<target>/.\n\nExamples:\n  cargo xtask fuzz\n  cargo xtask fuzz --target parquet_read --seconds 600\n  \
cargo xtask fuzz --dev --seconds 5 --kills 50   (what CI runs)\n  cargo xtask fuzz --target crash-loop --kills 1000"
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
        /// Build the targets without optimizations (`cargo fuzz --dev`):
        /// about a third of the release build's time, far fewer
        /// executions per second. For short runs over the committed
        /// corpus (CI); campaigns use the default release build.
        #[arg(long)]
        dev: bool,
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
        Task::Bench { quick, filter, convert_only, publish } => {
            bench(quick, filter.as_deref(), convert_only)?;
            if publish { publish_results(&project_root()) } else { Ok(()) }
        }
        Task::Codegen { check } => codegen::run(check),
        Task::Test { no_install, cargo_args } => test(!no_install, &cargo_args),
        Task::Fuzz { target, seconds, kills, sanitizer, timeout, dev } => {
            let root = project_root();
            let target_dir = target_dir(&root);
            let options =
                fuzz::Options { target: target.as_deref(), seconds, kills, sanitizer: &sanitizer, timeout, dev };
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
    // DuckDB is the convert measurement's peer: the same venv `cargo xtask
    // test` provisions. Without it the run goes on and says so.
    match peers::python_venv(&target) {
        Ok(python) => {
            cmd.env(peers::PYTHON_ENV, python);
        }
        Err(e) => eprintln!("warning: no DuckDB peer for the convert measurement: {e:#}"),
    }
    // Three real JSON documents, measured beside the suite's own data.
    // Without them the run goes on and says so.
    match peers::json_documents(&target) {
        Ok(dir) => {
            cmd.env(peers::JSON_ENV, dir);
        }
        Err(e) => eprintln!("warning: no real JSON documents for the serde measurement: {e:#}"),
    }
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

/// The files of a bench run that `--publish` copies into `docs/results/`.
const PUBLISHED: [&str; 5] = ["report.md", "report.json", "report.html", "chart.svg", "convert.md"];

/// The README's generated results section lies between these lines.
pub(crate) const RESULTS_BEGIN: &str =
    "<!-- results: generated by `cargo xtask bench --publish` from docs/results/report.json; do not edit -->";
pub(crate) const RESULTS_END: &str = "<!-- end of results -->";

/// `cargo xtask bench --publish`: the run's report into `docs/results/`,
/// and its `readme.md` into README.md between the results markers.
fn publish_results(root: &Path) -> anyhow::Result<()> {
    let out = target_dir(root).join("flatbox-report");
    let docs = root.join("docs").join("results");
    std::fs::create_dir_all(&docs).with_context(|| format!("creating {}", docs.display()))?;
    for name in PUBLISHED {
        let from = out.join(name);
        std::fs::copy(&from, docs.join(name)).with_context(|| format!("copying {}", from.display()))?;
    }
    let section = std::fs::read_to_string(out.join("readme.md")).context("reading the run's readme.md")?;
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).context("reading README.md")?;
    let updated = replace_results(&readme, &section)?;
    std::fs::write(&readme_path, updated).context("writing README.md")?;
    eprintln!("published the report to {} and README.md's results section", docs.display());
    Ok(())
}

/// `readme` with the text between [`RESULTS_BEGIN`] and [`RESULTS_END`]
/// replaced by `section`.
pub(crate) fn replace_results(readme: &str, section: &str) -> anyhow::Result<String> {
    let begin = readme.find(RESULTS_BEGIN).context("README.md has no results begin marker")?;
    let end = readme.find(RESULTS_END).context("README.md has no results end marker")?;
    if end < begin {
        bail!("README.md's results markers are out of order");
    }
    Ok(format!("{}{RESULTS_BEGIN}\n\n{}\n{}", &readme[..begin], section.trim_end(), &readme[end..]))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishing_replaces_only_the_results_section() {
        let readme = format!("# t\n\n{RESULTS_BEGIN}\n\nold table\n{RESULTS_END}\n\n## After\n");
        let updated = replace_results(&readme, "new table\n\n").unwrap();
        assert_eq!(updated, format!("# t\n\n{RESULTS_BEGIN}\n\nnew table\n{RESULTS_END}\n\n## After\n"));
        assert!(replace_results("no markers", "x").is_err());
        let swapped = format!("{RESULTS_END}\n{RESULTS_BEGIN}\n");
        assert!(replace_results(&swapped, "x").unwrap_err().to_string().contains("out of order"));
    }
}
