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
use std::sync::Arc;

use arrow_ipc::{Message, MessageHeader, MetadataVersion};
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

/// Checks what arrow-rs slices or reinterprets without checking first, in
/// an uncompressed record batch (or dictionary batch) laid out by `schema`:
///
/// - every offsets buffer (strings, binaries, lists, maps, list views, dense
///   unions) is a whole number of offsets: arrow-buffer's `typed_data`
///   asserts it (`prefix.is_empty() && suffix.is_empty()`);
/// - a union's type ids (and a dense union's offsets) cover the node's
///   length: arrow-ipc slices them to it and panics when they are shorter.
///
/// The walk follows arrow-ipc's `RecordBatchDecoder::create_array` buffer
/// by buffer; where the message runs out of nodes or buffers, or a type is
/// one it does not know, it stops and leaves the error to arrow-rs.
/// Compressed bodies are not checked here (their buffers' lengths are known
/// only after decompression); `contain` catches what remains.
pub(crate) fn check_layout(
    input: &str,
    offset: u64,
    message: &Message<'_>,
    schema: &Schema,
    version: MetadataVersion,
) -> Result<()> {
    let (batch, fields) = match message.header_type() {
        MessageHeader::RecordBatch => (message.header_as_record_batch(), schema.fields().to_vec()),
        MessageHeader::DictionaryBatch => {
            let Some(dictionary) = message.header_as_dictionary_batch() else { return Ok(()) };
            #[allow(deprecated, reason = "arrow-ipc finds a dictionary's field by its id the same way")]
            let value_type = schema.fields_with_dict_id(dictionary.id()).first().and_then(|f| match f.data_type() {
                DataType::Dictionary(_, value) => Some(value.as_ref().clone()),
                _ => None,
            });
            let Some(value_type) = value_type else { return Ok(()) };
            (dictionary.data(), vec![Arc::new(arrow_schema::Field::new("", value_type, true))])
        }
        _ => return Ok(()),
    };
    let Some(batch) = batch else { return Ok(()) };
    if batch.compression().is_some() {
        return Ok(());
    }
    let (Some(nodes), Some(buffers)) = (batch.nodes(), batch.buffers()) else { return Ok(()) };
    let mut walk = Walk {
        nodes: nodes.iter().map(arrow_ipc::FieldNode::length).collect(),
        buffers: buffers.iter().map(arrow_ipc::Buffer::length).collect(),
        variadic: batch.variadicBufferCounts().into_iter().flatten().collect(),
        node: 0,
        buffer: 0,
        variadic_next: 0,
        legacy_union: version < MetadataVersion::V5,
    };
    for field in &fields {
        match walk.field(field.data_type()) {
            Ok(Some(())) => {}
            Ok(None) => return Ok(()),
            Err(expected) => {
                return Err(Error::malformed(input, offset, format!("{expected} (column {})", field.name())));
            }
        }
    }
    Ok(())
}

/// The node lengths and buffer lengths of a message, walked in the order
/// arrow-ipc reads them.
struct Walk {
    nodes: Vec<i64>,
    buffers: Vec<i64>,
    variadic: Vec<i64>,
    node: usize,
    buffer: usize,
    variadic_next: usize,
    legacy_union: bool,
}

impl Walk {
    fn node(&mut self) -> Option<i64> {
        let n = *self.nodes.get(self.node)?;
        self.node += 1;
        Some(n)
    }

    fn buffer(&mut self) -> Option<i64> {
        let b = *self.buffers.get(self.buffer)?;
        self.buffer += 1;
        Some(b)
    }

    /// An offsets buffer of `width`-byte offsets.
    fn offsets(&mut self, width: i64, what: &str) -> Result<Option<()>, String> {
        let Some(len) = self.buffer() else { return Ok(None) };
        if len % width != 0 {
            return Err(format!("{what} offsets buffer of whole {width}-byte offsets, got {len} bytes"));
        }
        Ok(Some(()))
    }

    /// `Ok(None)`: the message ran out of nodes or buffers, or the type is
    /// unknown (arrow-rs reports it); `Err`: what was expected instead.
    fn field(&mut self, data_type: &DataType) -> Result<Option<()>, String> {
        use DataType::{
            Binary, BinaryView, Dictionary, FixedSizeList, LargeBinary, LargeList, LargeListView, LargeUtf8, List,
            ListView, Map, Null, RunEndEncoded, Struct, Union, Utf8, Utf8View,
        };
        let Some(length) = self.node() else { return Ok(None) };
        match data_type {
            Null => {}
            Utf8 | Binary | LargeUtf8 | LargeBinary => {
                let width = if matches!(data_type, Utf8 | Binary) { 4 } else { 8 };
                let Some(_) = self.buffer() else { return Ok(None) };
                if self.offsets(width, &format!("a {data_type}"))?.is_none() || self.buffer().is_none() {
                    return Ok(None);
                }
            }
            Utf8View | BinaryView => {
                let Some(&count) = self.variadic.get(self.variadic_next) else { return Ok(None) };
                self.variadic_next += 1;
                let Some(count) = usize::try_from(count).ok().and_then(|c| c.checked_add(2)) else { return Ok(None) };
                for _ in 0..count {
                    let Some(_) = self.buffer() else { return Ok(None) };
                }
            }
            List(child) | LargeList(child) | Map(child, _) => {
                let width = if matches!(data_type, LargeList(_)) { 8 } else { 4 };
                let Some(_) = self.buffer() else { return Ok(None) };
                if self.offsets(width, &format!("a {data_type}"))?.is_none() {
                    return Ok(None);
                }
                return self.field(child.data_type());
            }
            ListView(child) | LargeListView(child) => {
                let width = if matches!(data_type, ListView(_)) { 4 } else { 8 };
                let Some(_) = self.buffer() else { return Ok(None) };
                let what = format!("a {data_type}");
                if self.offsets(width, &what)?.is_none() || self.offsets(width, &what)?.is_none() {
                    return Ok(None);
                }
                return self.field(child.data_type());
            }
            FixedSizeList(child, _) => {
                let Some(_) = self.buffer() else { return Ok(None) };
                return self.field(child.data_type());
            }
            Struct(children) => {
                let Some(_) = self.buffer() else { return Ok(None) };
                for child in children {
                    if self.field(child.data_type())?.is_none() {
                        return Ok(None);
                    }
                }
            }
            RunEndEncoded(run_ends, values) => {
                if self.field(run_ends.data_type())?.is_none() {
                    return Ok(None);
                }
                return self.field(values.data_type());
            }
            Union(children, mode) => {
                if self.legacy_union && self.buffer().is_none() {
                    return Ok(None);
                }
                let Some(type_ids) = self.buffer() else { return Ok(None) };
                if type_ids < length {
                    return Err(format!("a union's type ids for its {length} rows, got {type_ids} bytes"));
                }
                if *mode == arrow_schema::UnionMode::Dense {
                    let Some(offsets) = self.buffer() else { return Ok(None) };
                    if offsets % 4 != 0 || offsets / 4 < length {
                        return Err(format!(
                            "a dense union's offsets for its {length} rows (4 bytes each), got {offsets} bytes"
                        ));
                    }
                }
                for (_, child) in children.iter() {
                    if self.field(child.data_type())?.is_none() {
                        return Ok(None);
                    }
                }
            }
            Dictionary(..) => {
                if self.buffer().is_none() || self.buffer().is_none() {
                    return Ok(None);
                }
            }
            _ if data_type.is_primitive() || matches!(data_type, DataType::Boolean | DataType::FixedSizeBinary(_)) => {
                if self.buffer().is_none() || self.buffer().is_none() {
                    return Ok(None);
                }
            }
            _ => return Ok(None),
        }
        Ok(Some(()))
    }
}
