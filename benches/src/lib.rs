//! flatbox-bench: the tutorial's experiments in Rust, with Rust peers
//! measured side by side.
//!
//! - [`datasets`]: every dataset of the tutorial as a deterministic
//!   generator, plus a 10k-line HTTP access log of our own.
//! - [`peers`]: postcard and bitcode as [`flatbox::Format`]s.
//! - [`experiments`]: zero-copy decoding, packed arrays against memcpy,
//!   varints against prost's.
//! - [`codecs`]: the glue's cost over the codec libraries, and many small
//!   messages with fresh contexts, a reused compressor, a dictionary.
//! - [`storage`]: the tutorial's memory-mapped file of 1M records.
//! - [`record_log`]: flatbox-store's record log against redb.
//! - [`convert`]: `flatbox convert` of a large NDJSON file, its peak
//!   memory and speed against `serde_json`.
//! - [`sampling`]: `flatbox profile` of the same large file: its time,
//!   peak memory, and its extrapolated sizes against a full conversion.
//! - [`columnar`]: Arrow IPC and Parquet on the tabular datasets, reads
//!   through the memory map, and opening a 1 GiB IPC file.
//! - [`suite`]: which dataset is measured with which formats.
//! - [`evolution`]: the schema-evolution matrix, every format.
//! - [`claims`]: the tutorial's quantitative claims against the run's
//!   figures.
//! - [`run`] and [`report`]: the runner behind `cargo xtask bench` and the
//!   report it writes to `target/flatbox-report/` (`report.md`,
//!   `report.json`, `chart.svg` and `report.html`, drawn by
//!   `flatbox::report`).
//!
//! All timing goes through [`flatbox::profile`]; this crate only decides
//! what to measure and how to show it.
//!
//! # Examples
//!
//! ```
//! use flatbox::profile::ProfileConfig;
//! use flatbox_bench::suite::datasets;
//!
//! let all = datasets();
//! let network = all.iter().find(|d| d.name == "pipeline-network").unwrap();
//! let experiment = network.load();
//! let report = experiment.profile("msgpack", &ProfileConfig::smoke()).unwrap()?;
//! assert!(report.size < 60);
//! # Ok::<(), flatbox::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod claims;
pub mod codecs;
pub mod columnar;
pub mod convert;
pub mod datasets;
pub mod evolution;
pub mod experiments;
pub mod peers;
pub mod record_log;
pub mod report;
pub mod run;
pub mod sampling;
pub mod storage;
pub mod suite;
