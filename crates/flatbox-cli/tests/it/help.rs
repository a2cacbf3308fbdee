//! `--help` shows examples for the command and every subcommand.

use crate::support::flatbox;

#[test]
fn every_subcommand_has_examples_in_its_help() {
    for sub in [&[][..], &["profile"], &["convert"], &["inspect"], &["store"]] {
        let out = flatbox().args(sub).arg("--help").assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("Examples:\n  flatbox "), "{sub:?}: {text}");
    }
}
