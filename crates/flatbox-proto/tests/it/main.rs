//! Integration tests of flatbox-proto: one test binary, a module per topic.

mod bad_input;
mod dynamic;
mod golden;
mod roundtrip;
