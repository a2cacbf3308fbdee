//! What an Arrow IPC file or stream holds: its schema, its body
//! compression, and per batch the rows and each column's null count and
//! smallest and largest value (numbers, strings, booleans).
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use flatbox_arrow::arrow_array::{Int64Array, RecordBatch};
//! use flatbox_arrow::IpcCompression;
//!
//! let batch = RecordBatch::try_from_iter([("id", Arc::new(Int64Array::from(vec![Some(3), None, Some(-1)])) as _)])?;
//! let bytes = flatbox_arrow::write_file(Vec::new(), &batch.schema(), &[batch], IpcCompression::Zstd)?;
//! let summary = flatbox_arrow::inspect::inspect_ipc(bytes.into())?;
//! assert!(!summary.stream);
//! assert_eq!(summary.compression.as_deref(), Some("ZSTD"));
//! let column = &summary.batches[0].columns[0];
//! assert_eq!((column.nulls, column.min.as_deref(), column.max.as_deref()), (1, Some("-1"), Some("3")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use arrow_array::cast::AsArray as _;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, SchemaRef};

use crate::{IpcFile, IpcStreamReader, Result};

/// The IPC stream continuation marker (an IPC stream starts with it).
const CONTINUATION: [u8; 4] = [0xff; 4];

/// What an IPC file or stream holds.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct IpcSummary {
    /// A stream (else a file).
    pub stream: bool,
    /// The schema.
    pub schema: SchemaRef,
    /// The first batch's body compression (`LZ4_FRAME`, `ZSTD`), `None`
    /// when uncompressed or when there is no batch.
    pub compression: Option<String>,
    /// Each batch.
    pub batches: Vec<BatchStats>,
}

impl IpcSummary {
    /// Rows in every batch.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.batches.iter().map(|b| b.rows as u64).sum()
    }
}

/// One batch's rows and columns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchStats {
    /// Rows.
    pub rows: usize,
    /// One entry per column, in schema order.
    pub columns: Vec<ColumnStats>,
}

/// One column of one batch.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ColumnStats {
    /// The column's name.
    pub name: String,
    /// Null values.
    pub nulls: usize,
    /// The smallest non-null value, as text (strings quoted and cut at 40
    /// characters), for numbers, strings and booleans.
    pub min: Option<String>,
    /// The largest non-null value, as [`ColumnStats::min`].
    pub max: Option<String>,
}

/// Summarises the IPC file or stream in `data`, one batch in memory at a
/// time.
///
/// # Errors
///
/// The readers' errors ([`crate::Error::Malformed`], [`crate::Error::Arrow`],
/// ...) when `data` is not Arrow IPC or is damaged.
pub fn inspect_ipc(data: bytes::Bytes) -> Result<IpcSummary> {
    let stream = data.starts_with(&CONTINUATION);
    let compression = body_compression(&data, stream);
    let mut batches = Vec::new();
    let schema = if stream {
        let reader = IpcStreamReader::new(std::io::Cursor::new(data))?;
        let schema = reader.schema();
        for batch in reader {
            batches.push(stats(&batch?));
        }
        schema
    } else {
        let file = IpcFile::from_bytes(data)?;
        for i in 0..file.num_batches() {
            batches.push(stats(&file.batch(i)?));
        }
        file.schema()
    };
    Ok(IpcSummary { stream, schema, compression, batches })
}

fn stats(batch: &RecordBatch) -> BatchStats {
    let columns = batch
        .schema()
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(field, column)| {
            let (min, max) = min_max(column.as_ref()).unzip();
            ColumnStats { name: field.name().clone(), nulls: column.null_count(), min, max }
        })
        .collect();
    BatchStats { rows: batch.num_rows(), columns }
}

/// The smallest and largest non-null values of a numeric, string or
/// boolean column, as text.
fn min_max(array: &dyn Array) -> Option<(String, String)> {
    fn ord<T: PartialOrd + Copy + std::fmt::Display>(
        values: impl Iterator<Item = Option<T>>,
    ) -> Option<(String, String)> {
        let mut range: Option<(T, T)> = None;
        for v in values.flatten() {
            range = Some(match range {
                None => (v, v),
                Some((lo, hi)) => (if v < lo { v } else { lo }, if v > hi { v } else { hi }),
            });
        }
        range.map(|(lo, hi)| (lo.to_string(), hi.to_string()))
    }
    match array.data_type() {
        DataType::Int8 => ord(array.as_primitive_opt::<Int8Type>()?.iter()),
        DataType::Int16 => ord(array.as_primitive_opt::<Int16Type>()?.iter()),
        DataType::Int32 => ord(array.as_primitive_opt::<Int32Type>()?.iter()),
        DataType::Int64 => ord(array.as_primitive_opt::<Int64Type>()?.iter()),
        DataType::UInt8 => ord(array.as_primitive_opt::<UInt8Type>()?.iter()),
        DataType::UInt16 => ord(array.as_primitive_opt::<UInt16Type>()?.iter()),
        DataType::UInt32 => ord(array.as_primitive_opt::<UInt32Type>()?.iter()),
        DataType::UInt64 => ord(array.as_primitive_opt::<UInt64Type>()?.iter()),
        DataType::Float32 => ord(array.as_primitive_opt::<Float32Type>()?.iter().map(|v| v.filter(|x| !x.is_nan()))),
        DataType::Float64 => ord(array.as_primitive_opt::<Float64Type>()?.iter().map(|v| v.filter(|x| !x.is_nan()))),
        DataType::Boolean => ord(array.as_boolean_opt()?.iter()),
        DataType::Utf8 => ord(array.as_string_opt::<i32>()?.iter()).map(|(a, b)| (quote(&a), quote(&b))),
        DataType::LargeUtf8 => ord(array.as_string_opt::<i64>()?.iter()).map(|(a, b)| (quote(&a), quote(&b))),
        _ => None,
    }
}

/// A string value for display: quoted, cut at 40 characters.
fn quote(s: &str) -> String {
    let mut cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// The body compression of the first record batch, read from the IPC
/// framing (the footer's first block for a file, the messages in order for
/// a stream). `None` when there is no batch, no compression, or the
/// framing does not parse (the readers report that).
fn body_compression(data: &[u8], stream: bool) -> Option<String> {
    let u32_at = |at: usize| -> Option<usize> {
        let b = data.get(at..at.checked_add(4)?)?;
        usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
    };
    // A message at `at`: its flatbuffer metadata and where the next starts.
    let message_at = |at: usize| -> Option<(arrow_ipc::Message<'_>, usize)> {
        let (len_at, meta_at) = if data.get(at..at.checked_add(4)?)? == CONTINUATION {
            (at.checked_add(4)?, at.checked_add(8)?)
        } else {
            (at, at.checked_add(4)?)
        };
        let len = u32_at(len_at)?;
        let meta = data.get(meta_at..meta_at.checked_add(len)?)?;
        let message = arrow_ipc::root_as_message(meta).ok()?;
        let body = usize::try_from(message.bodyLength()).ok()?;
        Some((message, meta_at.checked_add(len)?.checked_add(body)?))
    };
    let codec = |message: arrow_ipc::Message<'_>| -> Option<String> {
        let batch = message.header_as_record_batch()?;
        batch.compression().and_then(|c| c.codec().variant_name()).map(str::to_owned)
    };
    if stream {
        let mut at = 0;
        for _ in 0..1024 {
            let (message, next) = message_at(at)?;
            if message.header_as_record_batch().is_some() {
                return codec(message);
            }
            at = next;
        }
        return None;
    }
    let end = data.len().checked_sub(10)?;
    let footer_len = u32_at(end)?;
    let footer = data.get(end.checked_sub(footer_len)?..end)?;
    let block = arrow_ipc::root_as_footer(footer).ok()?.recordBatches()?.iter().next()?;
    let (message, _) = message_at(usize::try_from(block.offset()).ok()?)?;
    codec(message)
}
