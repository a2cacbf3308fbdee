//! Integration tests of flatbox-store: one test binary, a module per topic.

mod table;
