//! flatbox: fast, safe serialization for Rust, measured on your own data.
//!
//! This facade crate holds the two things every other part of flatbox
//! builds on:
//!
//! - [`Format`]: one small trait for "turn a value into bytes and back",
//!   implemented here for JSON ([`Json`]), MessagePack ([`MsgPack`], with
//!   named fields or compact arrays), flatbox's own binary format
//!   ([`Wire`], from the [`wire`] crate) and Protocol Buffers ([`Protobuf`],
//!   for the [`proto`] crate's generated types), and for tables of serde
//!   rows Arrow IPC ([`ArrowIpc`]) and Parquet ([`Parquet`]) from the
//!   [`arrow`] crate. The other flatbox crates add their formats behind the
//!   same trait.
//! - [`Pipeline`]: a format followed by a [`codec`], as one format
//!   (`json+zstd:3`).
//! - [`formats`]: the format registry (names, extensions, families and
//!   content sniffing of every format flatbox reads or writes), and
//!   [`msgpack`]: MessagePack value boundaries and an annotated dump.
//! - [`profile`]: the measuring harness. It warms up, picks an iteration
//!   count that makes each sample long enough to time, takes at least ten
//!   samples and reports the median with min and max, plus bytes per second.
//!   `cargo xtask bench`, the criterion benches and `flatbox profile` all
//!   measure through it.
//! - [`recommend`]: the tutorial's decision tree over measured figures
//!   (what `flatbox profile` recommends), a pure function.
//! - `report` (with the `report` feature): the size-against-speed chart
//!   (plotters, SVG) and the self-contained HTML page of the bench report
//!   and `flatbox profile --html`.
//! - [`evolution`]: what each format does when records written with one
//!   version of a type are read with another, measured.
//! - [`sample`]: a representative sample of a stream of records, bounded
//!   in memory and read once, with the factor that scales sizes measured
//!   on it to the whole input.
//!
//! # Examples
//!
//! Encode a value with two formats, check the round trip, and compare sizes:
//!
//! ```
//! use flatbox::{Format, Json, MsgPack};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, PartialEq, Serialize, Deserialize)]
//! struct User {
//!     name: String,
//!     age: u32,
//! }
//!
//! let alice = User { name: "Alice".into(), age: 30 };
//!
//! let mut json = Vec::new();
//! Json.encode(&alice, &mut json)?;
//! assert_eq!(json, br#"{"name":"Alice","age":30}"#);
//!
//! // The tutorial's MessagePack diagram, byte for byte (the diagram itself
//! // leaves out the "age" key and so counts 14 bytes; with it there are 17).
//! let mut packed = Vec::new();
//! MsgPack::named().encode(&alice, &mut packed)?;
//! assert_eq!(packed, b"\x82\xa4name\xa5Alice\xa3age\x1e");
//! assert_eq!((json.len(), packed.len()), (25, 17));
//!
//! let back: User = MsgPack::named().decode(&packed)?;
//! assert_eq!(back, alice);
//! # Ok::<(), flatbox::Error>(())
//! ```
//!
//! Measure a format on a value with the harness:
//!
//! ```
//! use flatbox::profile::{profile, ProfileConfig};
//! use flatbox::Json;
//!
//! let numbers: Vec<u64> = (0..10_000).collect();
//! let report = profile(&Json, &numbers, &ProfileConfig::smoke())?;
//! assert_eq!(report.format, "json");
//! assert_eq!(report.size, serde_json::to_vec(&numbers).unwrap().len());
//! assert!(report.encode.samples >= 10);
//! assert!(report.encode.min_ns <= report.encode.median_ns);
//! # Ok::<(), flatbox::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
pub mod evolution;
pub mod format;
pub mod formats;
pub mod msgpack;
mod pipeline;
pub mod profile;
pub mod recommend;
pub mod records;
#[cfg(feature = "report")]
pub mod report;
pub mod sample;

pub use error::{BoxError, Error, Result};
pub use format::{ArrowIpc, Format, Json, MsgPack, Parquet, Protobuf, Wire};
pub use pipeline::Pipeline;

/// flatbox's self-describing binary format (the `flatbox-wire` crate).
pub use flatbox_wire as wire;

/// Arrow IPC (zero-copy memory-mapped reads) and Parquet, rows to columns
/// and back (the `flatbox-arrow` crate).
pub use flatbox_arrow as arrow;

/// Compression in the standard frame formats (the `flatbox-codec` crate).
pub use flatbox_codec as codec;

/// Protocol Buffers: flatbox's schemas, raw and dynamic decoding (the
/// `flatbox-proto` crate).
pub use flatbox_proto as proto;

/// Memory-mapped storage: the record log and the fixed-size table (the
/// `flatbox-store` crate).
pub use flatbox_store as store;
