//! The outside peers of the interop tests, provisioned on a fresh machine:
//! a Python venv under `target/` with pinned `pyarrow` and `duckdb` from
//! `PyPI`, and the `zstd`, `lz4` and `gzip` command-line tools.
//!
//! [`python_venv`] is shared: `cargo xtask test` runs the interop tests
//! with `FLATBOX_PYTHON` pointing at it, and the bench may call it for its
//! DuckDB row.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// The Python packages the interop tests (and the bench's peers) use,
/// pinned. Changing this list rebuilds the venv on the next run.
pub(crate) const PYTHON_PACKAGES: [&str; 3] = ["pyarrow==26.0.1", "duckdb==1.5.6", "numpy==2.4.6"];

/// The command-line tools the codec interop tests run, and the Debian
/// package that provides each.
pub(crate) const TOOLS: [(&str, &str); 3] = [("zstd", "zstd"), ("lz4", "lz4"), ("gzip", "gzip")];

/// The environment variable through which interop tests find the Python
/// that has the peers (they fall back to `python3`).
pub(crate) const PYTHON_ENV: &str = "FLATBOX_PYTHON";

/// The venv's Python, after making sure the venv exists under
/// `target/flatbox-peers/venv` with [`PYTHON_PACKAGES`] installed. A venv
/// made earlier with the same pins is reused as it is (no network).
///
/// # Errors
///
/// When `python3` (3.9 or later, with the `venv` module) is missing, or pip
/// cannot install the pinned packages (no network to `PyPI`, no wheel for
/// this platform).
pub(crate) fn python_venv(target: &Path) -> anyhow::Result<PathBuf> {
    let venv = target.join("flatbox-peers").join("venv");
    let python = venv.join(if cfg!(windows) { "Scripts/python.exe" } else { "bin/python" });
    let stamp = venv.join("flatbox-pins.txt");
    let pins = PYTHON_PACKAGES.join("\n");
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == pins) && imports_work(&python) {
        return Ok(python);
    }
    eprintln!("provisioning the Python peers ({}) in {}...", PYTHON_PACKAGES.join(", "), venv.display());
    let base = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    let status = Command::new(&base).args(["-m", "venv", "--clear"]).arg(&venv).status().with_context(|| {
        format!("starting {} to make a venv (install Python 3: apt-get install python3 python3-venv)", base.display())
    })?;
    if !status.success() {
        bail!(
            "`{} -m venv {}` failed ({status}); on Debian install the venv module: apt-get install python3-venv",
            base.display(),
            venv.display()
        );
    }
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
        .args(PYTHON_PACKAGES)
        .status()
        .context("starting the venv's pip")?;
    if !status.success() {
        bail!("pip could not install {} from PyPI ({status})", PYTHON_PACKAGES.join(" "));
    }
    if !imports_work(&python) {
        bail!("{} cannot import pyarrow and duckdb after installing them", python.display());
    }
    std::fs::write(&stamp, pins).with_context(|| format!("writing {}", stamp.display()))?;
    Ok(python)
}

fn imports_work(python: &Path) -> bool {
    Command::new(python).args(["-c", "import pyarrow, duckdb"]).output().is_ok_and(|o| o.status.success())
}

/// Makes sure the `zstd`, `lz4` and `gzip` tools run. Missing ones are
/// installed with `apt-get` when `install` is set, this process runs as
/// root and `apt-get` exists; otherwise the error names each missing tool
/// and the command that installs it.
///
/// # Errors
///
/// When a tool is missing and cannot be installed here.
pub(crate) fn system_tools(install: bool) -> anyhow::Result<()> {
    let missing: Vec<(&str, &str)> = TOOLS.into_iter().filter(|(tool, _)| !runs(tool)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let packages: Vec<&str> = missing.iter().map(|(_, package)| *package).collect();
    let command = format!("apt-get install -y {}", packages.join(" "));
    let names: Vec<&str> = missing.iter().map(|(tool, _)| *tool).collect();
    if install && is_root() && runs("apt-get") {
        eprintln!("installing {} for the codec interop tests ({command})...", names.join(", "));
        let update = Command::new("apt-get").args(["update", "-qq"]).status().context("starting apt-get")?;
        let status = Command::new("apt-get").args(["install", "-y", "-qq"]).args(&packages).status()?;
        if update.success() && status.success() && missing.iter().all(|(tool, _)| runs(tool)) {
            return Ok(());
        }
        bail!("`{command}` failed; the codec interop tests need {}", names.join(", "));
    }
    bail!(
        "the codec interop tests need the {} command-line tool{}, missing here: install with `sudo {command}` \
         (or your system's package manager), then run `cargo xtask test` again",
        names.join(", "),
        if names.len() == 1 { "" } else { "s" }
    )
}

/// Whether `tool` starts (its `--version` or `--help` exits at all).
fn runs(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The npm package whose `jsonexamples/` holds the real JSON documents the
/// bench measures: `canada.json`, `citm_catalog.json` and `twitter.json`
/// (as `flatbox_bench::datasets::json_documents::PACKAGE` says).
pub(crate) const JSON_PACKAGE: &str = "simdjson@0.9.2";

/// The documents taken from [`JSON_PACKAGE`], with its licence.
const JSON_FILES: [&str; 4] = ["canada.json", "citm_catalog.json", "twitter.json", "LICENSE"];

/// The environment variable through which the bench runner finds the
/// documents' folder (`flatbox_bench::datasets::json_documents::DIR_ENV`).
pub(crate) const JSON_ENV: &str = "FLATBOX_JSON_DOCUMENTS";

/// The folder under `target/flatbox-peers/` holding the real JSON
/// documents, fetched from the npm registry with `npm pack` (which checks
/// the package's integrity hash) the first time and reused after.
///
/// # Errors
///
/// When `npm` or `tar` is missing, or the registry cannot be reached.
pub(crate) fn json_documents(target: &Path) -> anyhow::Result<PathBuf> {
    let dir = target.join("flatbox-peers").join(JSON_PACKAGE.replace('@', "-"));
    if JSON_FILES.iter().all(|f| dir.join(f).is_file()) {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    eprintln!("fetching the real JSON documents ({JSON_PACKAGE} from the npm registry) into {}...", dir.display());
    let packed = Command::new("npm")
        .args(["pack", "--silent", JSON_PACKAGE, "--pack-destination"])
        .arg(&dir)
        .output()
        .context("starting npm (install Node.js and npm: apt-get install npm)")?;
    if !packed.status.success() {
        bail!("`npm pack {JSON_PACKAGE}` failed: {}", String::from_utf8_lossy(&packed.stderr).trim());
    }
    let tarball = dir.join(String::from_utf8_lossy(&packed.stdout).trim());
    let members: Vec<String> = JSON_FILES
        .iter()
        .map(|f| if *f == "LICENSE" { format!("package/{f}") } else { format!("package/jsonexamples/{f}") })
        .collect();
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&dir)
        .arg("--transform=s,.*/,,")
        .args(&members)
        .status()
        .context("starting tar")?;
    // The 24 MB package is not kept: only the three documents are read.
    let _ = std::fs::remove_file(&tarball);
    if !status.success() || !JSON_FILES.iter().all(|f| dir.join(f).is_file()) {
        bail!("unpacking {} into {} failed ({status})", tarball.display(), dir.display());
    }
    Ok(dir)
}
