//! Integration tests of the `flatbox` binary: every subcommand, round
//! trips, and bad input (exit codes, messages, never a panic).

mod bad_input;
mod columnar;
mod convert;
mod foreign_parquet;
mod golden;
mod help;
mod inspect;
mod interop;
mod profile;
mod records;
mod store;
mod support;
