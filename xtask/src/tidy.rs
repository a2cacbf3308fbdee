//! Tidy checks: conventions that a reviewer would otherwise have to
//! remember, as tests (rust-analyzer keeps the same in its xtask).

use std::fs;
use std::path::{Path, PathBuf};

use crate::project_root;

fn files_under(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn member_dirs() -> Vec<PathBuf> {
    let root = project_root();
    let mut dirs: Vec<PathBuf> = fs::read_dir(root.join("crates"))
        .expect("crates/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").exists())
        .collect();
    dirs.push(root.join("benches"));
    dirs.push(root.join("xtask"));
    dirs.sort();
    dirs
}

#[test]
fn every_rust_file_under_crates_starts_with_a_module_doc() {
    let offenders: Vec<String> = files_under(&project_root().join("crates"), "rs")
        .into_iter()
        .filter(|path| !fs::read_to_string(path).unwrap_or_default().starts_with("//!"))
        .map(|path| path.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "these files do not start with a `//!` line:\n{}", offenders.join("\n"));
}

#[test]
fn every_member_uses_the_workspace_lints() {
    let offenders: Vec<String> = member_dirs()
        .into_iter()
        .filter(|dir| {
            let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
            !manifest.contains("[lints]\nworkspace = true")
        })
        .map(|dir| dir.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "these members lack `[lints] workspace = true`:\n{}", offenders.join("\n"));
}

#[test]
fn every_crate_is_in_the_codemap_and_the_readme() {
    let root = project_root();
    let architecture = fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    let readme = fs::read_to_string(root.join("README.md")).expect("README.md exists");
    let mut missing = Vec::new();
    for dir in member_dirs() {
        let name = dir.file_name().expect("a directory name").to_string_lossy().into_owned();
        // The codemap has a heading per member: `crates/NAME`, `benches/`, `xtask/`.
        let heading = if dir.parent().is_some_and(|p| p.ends_with("crates")) {
            format!("### `crates/{name}`")
        } else {
            format!("### `{name}/`")
        };
        if !architecture.contains(&heading) {
            missing.push(format!("ARCHITECTURE.md's codemap has no heading {heading}"));
        }
        if name.starts_with("flatbox") && !readme.contains(&format!("`{name}`")) {
            missing.push(format!("README.md's crate table does not name {name}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn external_dependencies_are_named_once_in_the_workspace() {
    // Members say `dep.workspace = true`; versions live in the root manifest.
    let mut offenders = Vec::new();
    for dir in member_dirs() {
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        let mut in_deps = false;
        for line in manifest.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_deps = line.ends_with("dependencies]");
                continue;
            }
            if in_deps && !line.is_empty() && !line.starts_with('#') && !line.contains("workspace = true") {
                offenders.push(format!("{}: {line}", dir.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "dependencies not taken from [workspace.dependencies]:\n{}", offenders.join("\n"));
}

#[test]
fn every_unsafe_block_has_a_safety_comment() {
    let mut offenders = Vec::new();
    let root = project_root();
    let mut files = files_under(&root.join("crates"), "rs");
    files.extend(files_under(&root.join("benches"), "rs"));
    for path in files {
        let text = fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if !code.contains("unsafe {") {
                continue;
            }
            // The comment may stand up to a few lines above, or on the line.
            let window = &lines[i.saturating_sub(6)..=i];
            if !window.iter().any(|l| l.contains("SAFETY:")) {
                offenders.push(format!("{}:{}", path.display(), i + 1));
            }
        }
    }
    assert!(offenders.is_empty(), "`unsafe` blocks without a `// SAFETY:` comment:\n{}", offenders.join("\n"));
}

/// The paths `ARCHITECTURE.md` names in backticks: a token with a file
/// extension or a trailing `/`, resolved in the directory of the codemap
/// section it appears in (a heading such as ### crates/flatbox-wire), then that
/// directory's `src/`, then the repository root. Generated output
/// (`target/...`) is skipped.
fn architecture_paths(text: &str) -> Vec<(Option<String>, String)> {
    const EXTENSIONS: [&str; 7] = [".rs", ".md", ".toml", ".proto", ".json", ".txt", ".yml"];
    let mut section: Option<String> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            section = heading.split('`').nth(1).map(|s| s.trim_end_matches('/').to_owned());
            continue;
        }
        if line.starts_with("## ") {
            section = None;
        }
        for (i, token) in line.split('`').enumerate() {
            let looks_like_path = !token.is_empty()
                && token.chars().all(|c| c.is_ascii_alphanumeric() || "_./-".contains(c))
                && (EXTENSIONS.iter().any(|e| token.ends_with(e)) || token.ends_with('/'))
                && token != "/"
                && token.rfind('.') != Some(0);
            if i % 2 == 1 && looks_like_path && !token.starts_with("target/") {
                out.push((section.clone(), token.to_owned()));
            }
        }
    }
    out
}

#[test]
fn every_path_in_architecture_md_exists() {
    let root = project_root();
    let text = fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    let paths = architecture_paths(&text);
    assert!(paths.len() > 40, "the codemap names its files; found {}", paths.len());
    let missing: Vec<String> = paths
        .iter()
        .filter(|(section, path)| {
            let mut bases = Vec::new();
            if let Some(s) = section {
                bases.push(root.join(s));
                bases.push(root.join(s).join("src"));
            }
            bases.push(root.clone());
            !bases.iter().any(|b| b.join(path).exists())
        })
        .map(|(section, path)| format!("{path} (in {})", section.as_deref().unwrap_or("the introduction")))
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md names paths that do not exist: {missing:?}");
}

#[test]
fn architecture_paths_are_found_per_section() {
    let text = "intro `README.md`\n### `crates/x`\nsee `src/a.rs`, `b.rs`, `Value`, `target/out/`\n## Other\n`proto/`";
    let found = architecture_paths(text);
    let x = Some("crates/x".to_owned());
    assert_eq!(
        found,
        [
            (None, "README.md".to_owned()),
            (x.clone(), "src/a.rs".to_owned()),
            (x, "b.rs".to_owned()),
            (None, "proto/".to_owned())
        ]
    );
}
