//! Progress on stderr, only when stderr is a terminal and `--quiet` is off.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar or spinner that draws nothing when it should not.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

fn visible(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

impl Progress {
    /// A bar of `len` steps.
    pub(crate) fn bar(quiet: bool, len: u64) -> Self {
        let bar = visible(quiet).then(|| {
            let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar }
    }

    /// A spinner counting `unit`.
    pub(crate) fn spinner(quiet: bool, unit: &str) -> Self {
        let bar = visible(quiet).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(&format!("{{spinner}} {{pos}} {unit} ({{per_sec}})")) {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar }
    }

    /// Sets the position.
    pub(crate) fn set(&self, pos: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(pos);
        }
    }

    /// Advances by one step and says what is being done.
    pub(crate) fn step(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_owned());
            bar.inc(1);
        }
    }

    /// Removes the bar.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
