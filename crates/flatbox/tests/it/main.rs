//! Integration tests of the facade: one test binary, a module per topic.

mod formats;
mod profile;
mod records;
mod tables;
