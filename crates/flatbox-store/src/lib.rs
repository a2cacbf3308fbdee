//! flatbox-store: memory-mapped storage with zero-copy reads.
//!
//! - [`FixedTable`]: a file of fixed-size plain-old-data records
//!   ([`TableRecord`]), appended to and read in place through a memory map:
//!   the tutorial's "1M records of 16 bytes" experiment as a type. Its
//!   header names the record layout, size and byte order, so a file is
//!   never read as the wrong type.
//! - [`frame`]: the record log's on-disk framing (masked CRC32C, 8-byte
//!   aligned payloads) and the scan that tells a torn tail from corruption.
//!
//! - [`RecordLog`]: an append-only log of variable-length records in
//!   segment files, built on [`frame`]: one writer (a file lock), readers
//!   on any thread ([`LogReader`]), zero-copy `get` checked against the
//!   CRC, a persisted per-segment offset index and a clean-shutdown marker
//!   that make a clean open O(1), and after a crash a recovery scan that
//!   cuts a torn tail and refuses corruption before it (or cuts it with
//!   [`LogOptions::repair`]).
//!
//! **Memory maps and other processes.** Reading through a map is
//! zero-copy, but a mapped file that another process modifies or truncates
//! is undefined behaviour. Do not change these files by other means while
//! they are open. All the crate's `unsafe` is in one small module that
//! creates the maps.
//!
//! # Examples
//!
//! ```
//! use bytemuck::{Pod, Zeroable};
//! use flatbox_store::{FixedTable, TableRecord};
//!
//! #[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
//! #[repr(C)]
//! struct Point {
//!     x: f32,
//!     y: f32,
//! }
//!
//! impl TableRecord for Point {
//!     const LAYOUT: &'static str = "example.Point/v1";
//! }
//!
//! let path = std::env::temp_dir().join(format!("flatbox-store-doc-{}.fbt", std::process::id()));
//! let mut table = FixedTable::<Point>::create(&path)?;
//! table.push(&Point { x: 1.0, y: 2.0 })?;
//! assert_eq!(table.as_slice(), [Point { x: 1.0, y: 2.0 }]);
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod error;
pub mod frame;
mod log;
mod mmap;
mod table;

pub use error::{Error, Result};
pub use log::{
    Durability, LogOptions, LogReader, MAX_SEGMENT_SIZE, MIN_SEGMENT_SIZE, OpenReport, RecordId, RecordLog,
    VerifyReport,
};
pub use table::{FixedTable, TableRecord};
