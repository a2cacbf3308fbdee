//! [`IpcStreamReader`]: Arrow IPC streams from any `Read`, with bounded
//! allocations.

use std::collections::VecDeque;
use std::fmt;
use std::io::Read;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_buffer::Buffer;
use arrow_ipc::MessageHeader;
use arrow_ipc::reader::StreamDecoder;
use arrow_schema::SchemaRef;

use crate::contain::contain;
use crate::limits::{CONTINUATION, ReadLimits, check_layout, check_message, check_schema, parse_message};
use crate::{Error, Result};

const INPUT: &str = "<stream>";

/// Reads the record batches of an Arrow IPC stream from any [`Read`].
///
/// flatbox-arrow frames the messages itself (continuation marker, metadata
/// length, metadata, body), checks each against the [`ReadLimits`] and its
/// own buffer list, reads bodies as the bytes arrive (a declared length is
/// never preallocated), and only then hands the message to arrow-rs's
/// `StreamDecoder`, with validation on. Damaged or hostile streams give an
/// [`Error`], never a panic.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use flatbox_arrow::arrow_array::{Float64Array, RecordBatch};
/// use flatbox_arrow::{IpcCompression, IpcStreamReader};
///
/// let values = Float64Array::from(vec![0.5, 1.5]);
/// let batch = RecordBatch::try_from_iter([("v", Arc::new(values) as _)])?;
/// let bytes = flatbox_arrow::write_stream(Vec::new(), &batch.schema(), &[batch.clone(), batch.clone()], IpcCompression::Lz4Frame)?;
///
/// let reader = IpcStreamReader::new(&bytes[..])?;
/// assert_eq!(reader.schema(), batch.schema());
/// let batches = reader.collect::<Result<Vec<_>, _>>()?;
/// assert_eq!(batches, [batch.clone(), batch]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct IpcStreamReader<R> {
    reader: R,
    decoder: StreamDecoder,
    schema: SchemaRef,
    limits: ReadLimits,
    offset: u64,
    /// Batches the decoder has produced but the iterator not yet returned
    /// (arrow-rs finishes a message with an empty body only when the next
    /// message's bytes arrive).
    pending: VecDeque<RecordBatch>,
    done: bool,
}

impl<R> fmt::Debug for IpcStreamReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IpcStreamReader")
            .field("schema", &self.schema)
            .field("offset", &self.offset)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R: Read> IpcStreamReader<R> {
    /// Reads the stream's schema (and nothing more) from `reader`, with the
    /// default [`ReadLimits`] and full validation.
    ///
    /// # Errors
    ///
    /// [`Error::Stream`] on an I/O error or early end;
    /// [`Error::Malformed`] when the stream does not start with a schema
    /// message; [`Error::Arrow`] when arrow-rs rejects the schema.
    pub fn new(reader: R) -> Result<Self> {
        Self::with_limits(reader, ReadLimits::default())
    }

    /// [`new`](IpcStreamReader::new) with the given limits.
    ///
    /// # Errors
    ///
    /// As for [`new`](IpcStreamReader::new), and [`Error::TooLarge`].
    pub fn with_limits(reader: R, limits: ReadLimits) -> Result<Self> {
        Self::start(reader, StreamDecoder::new(), limits)
    }

    pub(crate) fn start(reader: R, decoder: StreamDecoder, limits: ReadLimits) -> Result<Self> {
        let schema = Arc::new(arrow_schema::Schema::empty());
        let mut this =
            IpcStreamReader { reader, decoder, schema, limits, offset: 0, pending: VecDeque::new(), done: false };
        match this.next_message()? {
            Some(MessageHeader::Schema) => Ok(this),
            _ => Err(Error::malformed(INPUT, 0, "a schema message first")),
        }
    }

    /// The stream's schema.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Fills `buf` from the reader; `Ok(false)` on a clean end before any
    /// byte (when `eof_ok`).
    fn read_exact_at(&mut self, buf: &mut [u8], eof_ok: bool) -> Result<bool> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.reader.read(&mut buf[filled..]) {
                Ok(0) if filled == 0 && eof_ok => return Ok(false),
                Ok(0) => {
                    return Err(Error::Stream {
                        input: INPUT.to_owned(),
                        offset: self.offset + filled as u64,
                        source: std::io::ErrorKind::UnexpectedEof.into(),
                    });
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(Error::Stream { input: INPUT.to_owned(), offset: self.offset + filled as u64, source });
                }
            }
        }
        self.offset += buf.len() as u64;
        Ok(true)
    }

    /// Reads one message, checks it and feeds it to the decoder. `None` at
    /// the end of the stream (an end-of-stream marker, or a clean end of
    /// input between messages).
    fn next_message(&mut self) -> Result<Option<MessageHeader>> {
        let start = self.offset;
        let mut word = [0_u8; 4];
        if !self.read_exact_at(&mut word, true)? {
            return self.end(start).map(|()| None);
        }
        if word == CONTINUATION && !self.read_exact_at(&mut word, false)? {
            return self.end(start).map(|()| None);
        }
        let meta_len = i32::from_le_bytes(word);
        let meta_len = usize::try_from(meta_len)
            .map_err(|_| Error::malformed(INPUT, start, format!("a non-negative metadata length, got {meta_len}")))?;
        if meta_len == 0 {
            return self.end(start).map(|()| None);
        }
        if meta_len > self.limits.max_metadata_bytes {
            return Err(Error::TooLarge {
                input: INPUT.to_owned(),
                what: "a message's metadata",
                offset: start,
                declared: meta_len as u64,
                limit: self.limits.max_metadata_bytes as u64,
            });
        }
        // One buffer for the whole message, as the decoder expects it:
        // marker, length, metadata, body.
        let mut message = Vec::with_capacity(8 + meta_len);
        message.extend_from_slice(&CONTINUATION);
        message.extend_from_slice(&word);
        message.resize(8 + meta_len, 0);
        self.read_exact_at(&mut message[8..], false)?;
        let (header, body_len) = {
            let parsed = parse_message(INPUT, start, &message[8..])?;
            (parsed.header_type(), parsed.bodyLength())
        };
        let body_len = u64::try_from(body_len)
            .map_err(|_| Error::malformed(INPUT, start, format!("a non-negative body length, got {body_len}")))?;
        if body_len > self.limits.max_body_bytes {
            return Err(Error::TooLarge {
                input: INPUT.to_owned(),
                what: "a message's body",
                offset: start,
                declared: body_len,
                limit: self.limits.max_body_bytes,
            });
        }
        // Grows with the bytes that really arrive, not with the declaration.
        let read = (&mut self.reader).take(body_len).read_to_end(&mut message).map_err(|source| Error::Stream {
            input: INPUT.to_owned(),
            offset: self.offset,
            source,
        })?;
        self.offset += read as u64;
        if (read as u64) < body_len {
            return Err(Error::Stream {
                input: INPUT.to_owned(),
                offset: self.offset,
                source: std::io::ErrorKind::UnexpectedEof.into(),
            });
        }
        let parsed = parse_message(INPUT, start, &message[8..8 + meta_len])?;
        check_message(INPUT, start, &parsed, &message[8 + meta_len..], &self.limits)?;
        if header != MessageHeader::Schema {
            check_layout(INPUT, start, &parsed, &self.schema, parsed.version())?;
        }
        if header == MessageHeader::Schema {
            if start != 0 {
                return Err(Error::malformed(INPUT, start, "no second schema message"));
            }
            let ipc_schema =
                parsed.header_as_schema().ok_or_else(|| Error::malformed(INPUT, start, "a schema message"))?;
            let context = || format!("{INPUT}: schema at byte {start}");
            self.schema = Arc::new(
                contain(context, "arrow-rs", || arrow_ipc::convert::try_fb_to_schema(ipc_schema))?
                    .map_err(|e| Error::arrow(context(), e))?,
            );
            check_schema(INPUT, start, &self.schema)?;
        }
        self.feed(start, message)?;
        Ok(Some(header))
    }

    /// Hands a checked message to the decoder, queueing what it produces.
    fn feed(&mut self, start: u64, message: Vec<u8>) -> Result<()> {
        let mut buffer = Buffer::from(message);
        while !buffer.is_empty() {
            let before = buffer.len();
            let context = || format!("{INPUT}: message at byte {start}");
            let stream_decoder = &mut self.decoder;
            let decoded = contain(context, "arrow-rs", || stream_decoder.decode(&mut buffer))?
                .map_err(|e| Error::arrow(context(), e))?;
            if let Some(batch) = decoded {
                self.pending.push_back(batch);
            } else if buffer.len() == before {
                return Err(Error::malformed(INPUT, start, "a message the decoder consumes"));
            }
        }
        Ok(())
    }

    /// The end of the stream: an end-of-stream marker makes the decoder
    /// finish a last message with an empty body.
    fn end(&mut self, start: u64) -> Result<()> {
        let mut marker = CONTINUATION.to_vec();
        marker.extend_from_slice(&[0; 4]);
        self.feed(start, marker)
    }
}

impl<R: Read> Iterator for IpcStreamReader<R> {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(batch) = self.pending.pop_front() {
                return Some(Ok(batch));
            }
            if self.done {
                return None;
            }
            match self.next_message() {
                Ok(Some(_)) => {}
                Ok(None) => self.done = true,
                Err(e) => {
                    self.done = true;
                    self.pending.clear();
                    return Some(Err(e));
                }
            }
        }
    }
}

/// Reads a whole IPC stream: its schema and every batch.
///
/// # Errors
///
/// As for [`IpcStreamReader::new`] and its iterator.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use flatbox_arrow::arrow_array::{Int32Array, RecordBatch};
///
/// let batch = RecordBatch::try_from_iter([("n", Arc::new(Int32Array::from(vec![7])) as _)])?;
/// let bytes = flatbox_arrow::write_stream(Vec::new(), &batch.schema(), &[batch.clone()], Default::default())?;
/// let (schema, batches) = flatbox_arrow::read_stream(&bytes[..])?;
/// assert_eq!((schema, batches), (batch.schema(), vec![batch]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_stream<R: Read>(reader: R) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let reader = IpcStreamReader::new(reader)?;
    let schema = reader.schema();
    Ok((schema, reader.collect::<Result<_>>()?))
}
