//! Integration tests of flatbox-store: one test binary, a module per topic.

mod frame;
mod log;
mod table;
