//! Bounds on the sizes an untrusted input may declare, and the checks that
//! enforce them before arrow-rs sees the input.
//!
//! arrow-rs trusts some lengths it reads: a compressed buffer's declared
//! uncompressed length becomes a `Vec::with_capacity`, a stream message's
//! declared metadata and body lengths become zeroed buffers, and its file
//! decoder indexes a block's first 8 bytes without checking there are 8.
//! So every message is checked here first: its flatbuffer is verified, its
//! buffers must lie inside its body, and the declared sizes must stay within
//! [`ReadLimits`]. These are guards on the input, not `catch_unwind`.

use arrow_array::types::{
    Decimal32Type, Decimal64Type, Decimal128Type, Decimal256Type, validate_decimal_precision_and_scale as valid,
};
use arrow_ipc::{Message, MessageHeader};
use arrow_schema::{DataType, Schema};

use crate::{Error, Result};

/// The continuation marker that starts every encapsulated IPC message
/// since Arrow 0.15.
pub(crate) const CONTINUATION: [u8; 4] = [0xff; 4];

/// Limits on the sizes an IPC input may declare.
///
/// The defaults allow anything a reasonable writer produces and keep a
/// hostile file from making the reader allocate more than about a GiB per
/// message. Raise them for larger batches.
///
/// # Examples
///
/// ```
/// let limits = flatbox_arrow::ReadLimits { max_decompressed_bytes: 8 << 30, ..Default::default() };
/// assert_eq!(limits.max_metadata_bytes, flatbox_arrow::ReadLimits::default().max_metadata_bytes);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// The largest message metadata (flatbuffer) accepted, in bytes.
    /// Default: 16 MiB.
    pub max_metadata_bytes: usize,
    /// The largest message body accepted when reading a stream, in bytes.
    /// (Stream bodies are read as the bytes arrive, never preallocated from
    /// the declared length.) Default: 16 GiB.
    pub max_body_bytes: u64,
    /// The most bytes that the compressed buffers of one message may declare
    /// as their uncompressed size, in total. Default: 1 GiB.
    pub max_decompressed_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits { max_metadata_bytes: 16 << 20, max_body_bytes: 16 << 30, max_decompressed_bytes: 1 << 30 }
    }
}

/// Verifies a message flatbuffer (`meta`, without its length prefix).
pub(crate) fn parse_message<'a>(input: &str, offset: u64, meta: &'a [u8]) -> Result<Message<'a>> {
    arrow_ipc::root_as_message(meta)
        .map_err(|e| Error::malformed(input, offset, format!("a valid message flatbuffer ({e})")))
}

/// Checks a parsed message against its body: the body is as long as
/// declared, every buffer lies inside it, a schema has our byte order, and
/// compressed buffers declare no more than the limit in total.
pub(crate) fn check_message(
    input: &str,
    offset: u64,
    message: &Message<'_>,
    body: &[u8],
    limits: &ReadLimits,
) -> Result<()> {
    let declared = u64::try_from(message.bodyLength())
        .map_err(|_| Error::malformed(input, offset, "a non-negative message body length"))?;
    if declared > body.len() as u64 {
        return Err(Error::malformed(
            input,
            offset,
            format!("a message body of {declared} bytes inside the {} available", body.len()),
        ));
    }
    let body = &body[..usize::try_from(declared).unwrap_or(body.len())];
    let batch = match message.header_type() {
        MessageHeader::RecordBatch => message.header_as_record_batch(),
        MessageHeader::DictionaryBatch => message.header_as_dictionary_batch().and_then(|d| d.data()),
        MessageHeader::Schema => {
            if let Some(schema) = message.header_as_schema()
                && !schema.endianness().equals_to_target_endianness()
            {
                return Err(Error::malformed(input, offset, "a little-endian schema (this machine's byte order)"));
            }
            None
        }
        _ => None,
    };
    let Some(batch) = batch else { return Ok(()) };
    let compressed = batch.compression().is_some();
    let mut decompressed: u64 = 0;
    for buffer in batch.buffers().into_iter().flatten() {
        let (Ok(start), Ok(len)) = (u64::try_from(buffer.offset()), u64::try_from(buffer.length())) else {
            return Err(Error::malformed(input, offset, "buffers with non-negative offsets and lengths"));
        };
        if start.checked_add(len).is_none_or(|end| end > declared) {
            return Err(Error::malformed(
                input,
                offset,
                format!("a buffer at {start}+{len} inside the {declared}-byte body"),
            ));
        }
        // The first 8 bytes of a compressed buffer: its uncompressed length
        // (-1: stored uncompressed), which arrow-rs preallocates.
        let prefix = usize::try_from(start).ok().and_then(|at| body.get(at..at.checked_add(8)?));
        if compressed
            && len >= 8
            && let Some(prefix) = prefix.and_then(|p| <[u8; 8]>::try_from(p).ok())
        {
            let size = i64::from_le_bytes(prefix);
            if size > 0 {
                decompressed = decompressed.saturating_add(size.unsigned_abs());
            }
        }
    }
    if decompressed > limits.max_decompressed_bytes {
        return Err(Error::TooLarge {
            input: input.to_owned(),
            what: "the compressed buffers of a message",
            offset,
            declared: decompressed,
            limit: limits.max_decompressed_bytes,
        });
    }
    Ok(())
}

/// Checks what arrow-rs accepts in a schema but other Arrow readers reject
/// and later code may trip on: a decimal's precision and scale must fit its
/// width (a fuzzer's `Decimal128(0, 0)` crashed Arrow C++).
pub(crate) fn check_schema(input: &str, offset: u64, schema: &Schema) -> Result<()> {
    for field in schema.fields() {
        check_type(input, offset, field.data_type())?;
    }
    Ok(())
}

fn check_type(input: &str, offset: u64, data_type: &DataType) -> Result<()> {
    let decimal = match data_type {
        DataType::Decimal32(p, s) => Some(valid::<Decimal32Type>(*p, *s)),
        DataType::Decimal64(p, s) => Some(valid::<Decimal64Type>(*p, *s)),
        DataType::Decimal128(p, s) => Some(valid::<Decimal128Type>(*p, *s)),
        DataType::Decimal256(p, s) => Some(valid::<Decimal256Type>(*p, *s)),
        _ => None,
    };
    if let Some(Err(e)) = decimal {
        return Err(Error::malformed(input, offset, format!("a valid decimal type, got {data_type} ({e})")));
    }
    match data_type {
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::FixedSizeList(f, _)
        | DataType::Map(f, _) => check_type(input, offset, f.data_type()),
        DataType::Struct(fields) => fields.iter().try_for_each(|f| check_type(input, offset, f.data_type())),
        DataType::Union(fields, _) => fields.iter().try_for_each(|(_, f)| check_type(input, offset, f.data_type())),
        DataType::Dictionary(k, v) => check_type(input, offset, k).and_then(|()| check_type(input, offset, v)),
        DataType::RunEndEncoded(r, v) => {
            check_type(input, offset, r.data_type()).and_then(|()| check_type(input, offset, v.data_type()))
        }
        _ => Ok(()),
    }
}
