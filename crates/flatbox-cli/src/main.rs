//! `flatbox`: profile your own data with every format and codec, convert it
//! between formats, inspect what a file holds, and keep records in a
//! crash-safe log.
//!
//! Exit codes: 0 on success, 1 for bad data (the message names the file,
//! the byte offset or line, and what was expected), 2 for bad usage. A
//! closed pipe (`flatbox ... | head`) ends the command quietly with 0.
#![forbid(unsafe_code)]

mod cli;
mod cmd;
mod columnar;
mod error;
mod formats;
mod progress;
mod text;
mod transcode;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::cmd::{convert, inspect, profile, store};
use crate::error::Outcome;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Profile(args) => profile::run(&args, cli.quiet),
        Command::Convert(args) => convert::run(&args, cli.quiet),
        Command::Inspect(args) => inspect::run(&args),
        Command::Store(args) => store::run(&args),
    };
    match error::classify(result) {
        Outcome::Success | Outcome::BrokenPipe => ExitCode::SUCCESS,
        Outcome::Failed { code, message } => {
            // Best effort: stderr itself may be closed.
            let _ = writeln!(std::io::stderr(), "flatbox: error: {message}");
            ExitCode::from(code)
        }
    }
}
