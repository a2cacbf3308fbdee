//! Integration tests of the facade: one test binary, a module per topic.

mod formats;
mod profile;
mod recommend;
mod records;
mod registry;
mod tables;
