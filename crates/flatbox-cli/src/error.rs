//! Errors and exit codes: bad usage (2) is told apart from bad data (1) by
//! a [`Usage`] error somewhere in the chain; a broken pipe is no error.

use std::fmt;
use std::io;

/// A usage error: the command line asked for something that cannot be done
/// (a missing file, an unknown format, a needed option left out). Exits 2.
#[derive(Debug)]
pub(crate) struct Usage(pub(crate) String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// Returns early with a [`Usage`] error.
macro_rules! usage {
    ($($arg:tt)*) => {
        return Err(anyhow::Error::new($crate::error::Usage(format!($($arg)*))))
    };
}
pub(crate) use usage;

/// A [`Usage`] error as an `anyhow::Error`.
pub(crate) fn usage_error(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(message.into()))
}

/// How a command ended.
pub(crate) enum Outcome {
    Success,
    /// The reader of our output went away: stop quietly.
    BrokenPipe,
    Failed {
        code: u8,
        message: String,
    },
}

/// Maps a command's result to its outcome.
pub(crate) fn classify(result: anyhow::Result<()>) -> Outcome {
    let Err(error) = result else { return Outcome::Success };
    let mut usage = false;
    for cause in error.chain() {
        if cause.downcast_ref::<Usage>().is_some() {
            usage = true;
        }
        let broken_pipe = cause.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            // Libraries that wrap an io::Error without exposing it as a source.
            || cause.to_string().contains("Broken pipe (os error 32)");
        if broken_pipe {
            return Outcome::BrokenPipe;
        }
    }
    Outcome::Failed { code: if usage { 2 } else { 1 }, message: format!("{error:#}") }
}
