//! Interop with the reference command-line tools, both ways. These tests
//! are ignored by a plain `cargo test`; `cargo xtask test` checks (or
//! installs) the tools and runs them, and there a missing tool fails the
//! test.

use std::path::PathBuf;
use std::process::Command;

use flatbox_codec::{Codec, Dictionary};

use crate::sample;

fn tool(name: &str) -> Command {
    let found = Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the `{name}` command-line tool is required for the interop tests (apt-get install {name}; `cargo xtask test` installs it)"
    );
    Command::new(name)
}

/// A file named `name` in a temporary directory that `dir` removes when
/// dropped.
fn temp(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

fn run(mut command: Command) -> Vec<u8> {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

/// (tool, codec, tool's decompress flags)
const TOOLS: [(&str, Codec); 3] =
    [("zstd", Codec::Zstd { level: 3 }), ("lz4", Codec::Lz4), ("gzip", Codec::Gzip { level: 6 })];

#[test]
#[ignore = "interop: needs the zstd, lz4 and gzip tools; run `cargo xtask test`"]
fn the_tools_decode_what_we_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(200_000);
    for (name, codec) in TOOLS {
        let path = temp(&dir, &format!("ours.{name}"));
        // Two frames: the tools must read concatenated frames too.
        let mut frames = flatbox_codec::compress(codec, &data);
        flatbox_codec::compress_into(codec, b"second frame", &mut frames);
        std::fs::write(&path, &frames).unwrap();
        let mut command = tool(name);
        command.args(["-d", "-c"]).arg(&path);
        let mut expected = data.clone();
        expected.extend_from_slice(b"second frame");
        assert!(run(command) == expected, "{name} -d decodes our {codec} frames");
    }
}

#[test]
#[ignore = "interop: needs the zstd, lz4 and gzip tools; run `cargo xtask test`"]
fn we_decode_what_the_tools_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(200_000);
    let input = temp(&dir, "input.txt");
    std::fs::write(&input, &data).unwrap();
    for (name, _) in TOOLS {
        for level in ["-1", "-9"] {
            let mut command = tool(name);
            command.args([level, "-c"]).arg(&input);
            let mut frames = run(command);
            // Concatenated output of two runs, as `cat a.gz b.gz` makes.
            let mut again = tool(name);
            again.args(["-1", "-c"]).arg(&input);
            frames.extend(run(again));
            let out = flatbox_codec::decompress_with(&frames, flatbox_codec::Limits::new(1 << 30)).unwrap();
            assert!(out.len() == 2 * data.len() && out[..data.len()] == data[..], "{name} {level}");
        }
    }
}

#[test]
#[ignore = "interop: needs the zstd tool; run `cargo xtask test`"]
fn zstd_decodes_our_dictionary_frames_given_the_dictionary() {
    let dir = tempfile::tempdir().unwrap();
    let samples: Vec<Vec<u8>> = (0..1000).map(|i| format!("{{\"id\":{i},\"kind\":\"event\"}}").into_bytes()).collect();
    let dictionary = Dictionary::train(&samples, 4096).unwrap();
    let dict_path = temp(&dir, "dictionary");
    std::fs::write(&dict_path, dictionary.as_bytes()).unwrap();
    let frame = flatbox_codec::Compressor::with_dictionary(3, &dictionary).unwrap().compress(&samples[7]);
    let frame_path = temp(&dir, "with-dictionary.zst");
    std::fs::write(&frame_path, &frame).unwrap();
    let mut command = tool("zstd");
    command.args(["-d", "-c", "-D"]).arg(&dict_path).arg(&frame_path);
    assert_eq!(run(command), samples[7]);
}
