//! flatbox-arrow: Apache Arrow IPC and Parquet, with zero-copy
//! memory-mapped reads, readable by the whole Arrow ecosystem.
//!
//! - **Write** [`RecordBatch`](arrow_array::RecordBatch)es as Arrow IPC
//!   files ([`write_file`], [`write_file_to_path`]) or streams
//!   ([`write_stream`]), optionally with the format's own `LZ4_FRAME` or
//!   `ZSTD` body compression ([`IpcCompression`]). pyarrow, DuckDB, Polars
//!   and Arrow C++ read them.
//! - **Read an IPC file in place**: [`IpcFile::open`] maps the file and
//!   reads only its footer (O(1) in the file's size); [`IpcFile::batch`]
//!   decodes one batch, found through the footer, with arrays that point
//!   into the map (arrow-ipc's `FileDecoder` over
//!   `Buffer::from(Bytes::from_owner(mmap))`).
//! - **Read IPC streams** from any `Read`: [`IpcStreamReader`],
//!   [`read_stream`].
//! - **Typed rows to columns and back**: [`to_batch`] / [`from_batch`] turn
//!   a slice of serde structs (or [`serde_json::Value`] objects) into a
//!   batch (schema traced, or given with [`to_batch_with_fields`] and
//!   [`fields_of`]) and back.
//! - **Parquet**: [`write_parquet`] / [`read_parquet`] with a choice of
//!   [`ParquetCompression`]: every codec arrow-rs has (snappy, gzip,
//!   brotli, LZ4 raw, zstd; legacy Hadoop LZ4 when reading);
//!   [`ParquetReader`] reads batch by batch.
//! - **Incremental writing**: [`BatchWriter`] writes batches one at a time
//!   to an IPC file or stream or a Parquet file ([`BatchFormat`]).
//! - **NDJSON**: [`ndjson`] reads NDJSON into batches (arrow-json's schema
//!   inference and decoder, strict) and writes batches as NDJSON or JSON;
//!   [`ndjson::FileToParquet`] converts an NDJSON file to Parquet on every
//!   core.
//! - **Inspection**: [`inspect`] summarises an IPC file or stream: schema,
//!   body compression, and per batch each column's nulls and min/max.
//! - **The record model**: [`records::to_records`] /
//!   [`records::from_records`] turn a batch of any Arrow type into rows of
//!   [`flatbox_wire::Value`] and back without loss, and
//!   [`records::infer_schema`] finds the schema of rows that come without
//!   one (MessagePack, wire, JSON); [`mapping`] is the table of each Arrow
//!   type's form in the record model, JSON, MessagePack, wire and protobuf.
//!   This, not `serde_arrow`, is how `flatbox convert` moves values between
//!   formats.
//!
//! # Why `serde_arrow` for typed rows
//!
//! A user's own structs are converted by [`serde_arrow`] rather than by
//! hand-written builders
//! or arrow-json's serde decoder: `serde_arrow` goes both ways (arrow-json's
//! `Decoder::serialize` only builds batches; reading rows back would need a
//! trip through JSON text), traces a schema from a type or from samples,
//! covers nested structs, lists, maps, enums and options, is actively
//! maintained against every arrow release (feature `arrow-60`), and is fast
//! (it writes into the builders directly, with no intermediate values).
//!
//! # Untrusted input
//!
//! Every read validates: arrow-rs checks the arrays (offsets, UTF-8,
//! lengths) unless the caller opts out through an `unsafe` constructor
//! ([`IpcFile::open_unchecked`], [`IpcStreamReader::new_unchecked`]). Before
//! arrow-rs sees the input, flatbox-arrow checks the framing itself (magic,
//! footer and message lengths, block offsets against the file size, buffers
//! against their message body) and bounds every size the input declares
//! ([`ReadLimits`]), the layout of each uncompressed message's buffers
//! against its schema (whole offsets, a union's type ids covering its
//! rows), and each Parquet column chunk's byte range against the file, so
//! that no file makes the reader panic or allocate unboundedly.
//!
//! # Upstream panics, contained
//!
//! Some malformed inputs still make arrow-rs 60 or parquet 60 panic deep
//! inside a decoder, where no cheap check of ours can see them first. Every
//! call into their decoders is therefore wrapped in `catch_unwind`, and a
//! panic becomes [`Error::Panicked`], naming the input, the batch or row
//! group, the library and its message, with the default panic hook kept
//! silent for it (a contained panic prints nothing). The known cases, found
//! by fuzzing (`fuzz/`; regression inputs in `tests/data/fuzz-findings/`):
//!
//! - arrow-buffer's `typed_data` asserts `prefix.is_empty() &&
//!   suffix.is_empty()` on an offsets buffer whose length is not a whole
//!   number of offsets, during arrow-data's validation (checked first for
//!   uncompressed bodies; contained for compressed ones, whose lengths are
//!   known only after decompression);
//! - arrow-ipc slices a union's type ids to the node's length ("the offset
//!   of the new Buffer cannot exceed the existing length"; checked first
//!   for uncompressed bodies);
//! - parquet's `ColumnChunkMetaData::byte_range` asserts "column start and
//!   length should not be negative" (checked first: every chunk's range
//!   must lie inside the file);
//! - parquet's definition-level decoding indexes past a bitmap (arrow-buffer
//!   `BitChunks`: "offset + len out of bounds"; contained);
//! - parquet's byte-array dictionary decoder divides by zero (`byte_array.rs`;
//!   contained).
//!
//! A hang cannot be contained, so it is checked for first: parquet's Thrift
//! decoder skips an unknown field's list by trusting its declared length,
//! taking each boolean element to occupy no bytes, so a footer of a few
//! hundred bytes declaring a list of 2^32 booleans spins for minutes
//! (`parquet_thrift.rs` `skip_till_depth`; found by the `parquet_read`
//! fuzz target). The footer's Thrift structure is walked before the parquet
//! crate sees it, and a container longer than the bytes left is
//! [`Error::MalformedParquet`].
//!
//! A program that installs its own panic hook after flatbox-arrow's first
//! read replaces the silent one: contained panics then print, but are still
//! returned as errors. Built with `panic = "abort"`, nothing is contained.
//!
//! **Memory maps and other processes.** A mapped file that another process
//! modifies or truncates while it is mapped is undefined behaviour. Do not
//! change a file while an [`IpcFile`] or a batch read from it is alive. All
//! of the crate's `unsafe` is in one small private module.
//!
//! # Examples
//!
//! The tutorial's table: rows to a batch, to an IPC file, mapped back
//! zero-copy, and to rows again.
//!
//! ```
//! use flatbox_arrow::{IpcCompression, IpcFile};
//!
//! #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
//! struct Row { id: u64, value: f64, category: String, timestamp: i64 }
//!
//! let rows: Vec<Row> = (0..1000)
//!     .map(|i| Row { id: i, value: i as f64 * 0.5, category: ["A", "B", "C"][i as usize % 3].into(), timestamp: i as i64 * 60 })
//!     .collect();
//! let batch = flatbox_arrow::to_batch_with_fields(&flatbox_arrow::fields_of::<Row>()?, &rows)?;
//!
//! let path = std::env::temp_dir().join(format!("flatbox-arrow-lib-{}.arrow", std::process::id()));
//! flatbox_arrow::write_file_to_path(&path, &batch.schema(), &[batch], IpcCompression::None)?;
//!
//! let file = IpcFile::open(&path)?;
//! let back = file.batch(0)?;
//! let ids = back.column(0).to_data();
//! let map = file.as_bytes().as_ptr_range();
//! assert!(map.contains(&ids.buffers()[0].as_ptr()), "the ids are read in place");
//! assert_eq!(flatbox_arrow::from_batch::<Row>(&back)?, rows);
//! # drop((file, back, ids));
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod batch_writer;
mod contain;
mod error;
mod file;
pub mod inspect;
mod limits;
mod mmap;
pub mod ndjson;
mod parquet;
pub mod records;
mod rows;
mod stream;
mod thrift;
mod write;

pub use batch_writer::{BatchFormat, BatchWriter, DEFAULT_ROW_GROUP_ROWS};
pub use error::{Error, Result};

/// The mapping table: each Arrow type in the record model, JSON/NDJSON,
/// MessagePack, flatbox-wire and protobuf, and what comes back
/// (`RECORDS.md` beside this crate).
#[doc = include_str!("../RECORDS.md")]
pub mod mapping {}
pub use file::IpcFile;
pub use limits::ReadLimits;
pub use parquet::{
    ParquetCompression, ParquetReader, read_parquet, read_parquet_file, write_parquet, write_parquet_to_path,
};
pub use rows::{fields_from_samples, fields_of, from_batch, from_batches, to_batch, to_batch_with_fields};
pub use stream::{IpcStreamReader, read_stream};
pub use write::{IpcCompression, write_file, write_file_to_path, write_stream};

/// The arrow-rs array crate (`RecordBatch`, arrays), re-exported so callers
/// use the same version.
pub use arrow_array;
/// The arrow-rs schema crate (`Schema`, `Field`, `DataType`, `ArrowError`).
pub use arrow_schema;
