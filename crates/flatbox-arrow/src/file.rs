//! [`IpcFile`]: an Arrow IPC file read in place through a memory map.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_buffer::Buffer;
use arrow_ipc::reader::FileDecoder;
use arrow_ipc::{Block, MetadataVersion};
use arrow_schema::{Schema, SchemaRef};

use crate::contain::contain;
use crate::limits::{CONTINUATION, ReadLimits, check_layout, check_message, check_schema, parse_message};
use crate::mmap::{self, SkipValidation};
use crate::{Error, Result};

/// The library [`contain`] names.
const ARROW: &str = "arrow-rs";
/// `ARROW1`, at both ends of an IPC file.
const MAGIC: &[u8; 6] = b"ARROW1";
/// The leading magic and its padding.
const HEADER: usize = 8;
/// The most padding a writer puts after the leading magic (arrow-rs aligns
/// to 64 bytes).
const MAX_HEADER: usize = 64;
/// The footer length (i32) and the trailing magic.
const TRAILER: usize = 10;

/// An Arrow IPC file, memory-mapped (or held in memory) and decoded
/// zero-copy: the arrays of the batches it returns point into the file's
/// bytes rather than into copies.
///
/// Opening reads only the footer (and the dictionaries, if any): it costs
/// the same for a 1 MiB file as for a 1 GiB one. [`batch`](IpcFile::batch)
/// decodes one record batch, found through the footer, and validates it
/// (offsets, UTF-8, lengths) unless the file was opened with the `unsafe`
/// [`open_unchecked`](IpcFile::open_unchecked).
///
/// Before arrow-rs sees any part of the file, flatbox-arrow checks the
/// framing itself: both magics, the footer length, every block's offset and
/// lengths against the file size, each message's buffers against its body,
/// and the declared uncompressed sizes against [`ReadLimits`]. Damaged or
/// hostile files give an [`Error`], never a panic.
///
/// **A memory-mapped file must not be modified or truncated (by this or
/// another process) while the `IpcFile`, or any batch or array read from it,
/// is alive: that is undefined behaviour.**
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use flatbox_arrow::arrow_array::{Int64Array, RecordBatch};
/// use flatbox_arrow::{IpcCompression, IpcFile};
///
/// let ids = Int64Array::from(vec![1, 2, 3]);
/// let batch = RecordBatch::try_from_iter([("id", Arc::new(ids) as _)])?;
/// let path = std::env::temp_dir().join(format!("flatbox-arrow-doc-{}.arrow", std::process::id()));
/// flatbox_arrow::write_file_to_path(&path, &batch.schema(), &[batch.clone()], IpcCompression::None)?;
///
/// let file = IpcFile::open(&path)?;
/// assert_eq!((file.num_batches(), file.num_rows()?), (1, 3));
/// assert_eq!(file.batch(0)?, batch);
/// # drop(file);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct IpcFile {
    input: String,
    data: Buffer,
    schema: SchemaRef,
    decoder: FileDecoder,
    version: MetadataVersion,
    batches: Vec<Block>,
    custom_metadata: HashMap<String, String>,
    limits: ReadLimits,
}

impl fmt::Debug for IpcFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IpcFile")
            .field("input", &self.input)
            .field("len", &self.data.len())
            .field("schema", &self.schema)
            .field("num_batches", &self.batches.len())
            .finish_non_exhaustive()
    }
}

impl IpcFile {
    /// Maps the file at `path` and reads its footer, with the default
    /// [`ReadLimits`] and full validation of every batch read.
    ///
    /// The file must not be modified or truncated while the result (or a
    /// batch read from it) is alive: see the type's documentation.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be opened or mapped;
    /// [`Error::Malformed`] when it is not an Arrow IPC file or its footer
    /// is damaged; [`Error::Arrow`] when arrow-rs rejects its schema or a
    /// dictionary.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with_limits(path, ReadLimits::default())
    }

    /// [`open`](IpcFile::open) with the given limits.
    ///
    /// # Errors
    ///
    /// As for [`open`](IpcFile::open), and [`Error::TooLarge`] when a
    /// dictionary declares more than `limits` allow.
    pub fn open_with_limits(path: impl AsRef<Path>, limits: ReadLimits) -> Result<Self> {
        let path = path.as_ref();
        Self::from_buffer(path.display().to_string(), map_path(path)?, limits, None)
    }

    /// Reads an IPC file held in memory (zero-copy from `bytes`), validated
    /// as [`open`](IpcFile::open) does.
    ///
    /// # Errors
    ///
    /// As for [`open`](IpcFile::open).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use flatbox_arrow::arrow_array::{RecordBatch, StringArray};
    /// use flatbox_arrow::{IpcCompression, IpcFile};
    ///
    /// let names = StringArray::from(vec!["a", "b"]);
    /// let batch = RecordBatch::try_from_iter([("name", Arc::new(names) as _)])?;
    /// let bytes = flatbox_arrow::write_file(Vec::new(), &batch.schema(), &[batch.clone()], IpcCompression::Zstd)?;
    /// let file = IpcFile::from_bytes(bytes.into())?;
    /// assert_eq!(file.batch(0)?, batch);
    /// assert!(IpcFile::from_bytes(b"not arrow".to_vec().into()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_bytes(bytes: bytes::Bytes) -> Result<Self> {
        Self::from_buffer("<memory>".to_owned(), Buffer::from(bytes), ReadLimits::default(), None)
    }

    /// [`from_bytes`](IpcFile::from_bytes) with the given limits.
    ///
    /// # Errors
    ///
    /// As for [`open_with_limits`](IpcFile::open_with_limits).
    pub fn from_bytes_with_limits(bytes: bytes::Bytes, limits: ReadLimits) -> Result<Self> {
        Self::from_buffer("<memory>".to_owned(), Buffer::from(bytes), limits, None)
    }

    /// Reads the footer of the IPC file in `data`. With `skip`, arrow-rs's
    /// array validation is off (only `IpcFile::open_unchecked` makes one).
    pub(crate) fn from_buffer(
        input: String,
        data: Buffer,
        limits: ReadLimits,
        skip: Option<SkipValidation>,
    ) -> Result<Self> {
        let len = data.len();
        if len < HEADER + TRAILER || data[..MAGIC.len()] != *MAGIC || data[len - MAGIC.len()..] != *MAGIC {
            return Err(Error::malformed(&input, 0, "`ARROW1` at both ends of an arrow ipc file of at least 18 bytes"));
        }
        let trailer = len - TRAILER;
        let footer_len = i32::from_le_bytes(data[trailer..trailer + 4].try_into().unwrap_or_default());
        let footer_start = usize::try_from(footer_len)
            .ok()
            .and_then(|n| trailer.checked_sub(n))
            .filter(|&start| start >= HEADER)
            .ok_or_else(|| {
                Error::malformed(
                    &input,
                    trailer as u64,
                    format!("a footer length between 0 and {}, got {footer_len}", trailer - HEADER),
                )
            })?;
        let footer = arrow_ipc::root_as_footer(&data[footer_start..trailer])
            .map_err(|e| Error::malformed(&input, footer_start as u64, format!("a valid footer flatbuffer ({e})")))?;
        let ipc_schema =
            footer.schema().ok_or_else(|| Error::malformed(&input, footer_start as u64, "a schema in the footer"))?;
        if !ipc_schema.endianness().equals_to_target_endianness() {
            return Err(Error::malformed(
                &input,
                footer_start as u64,
                "a little-endian file (this machine's byte order)",
            ));
        }
        let schema_context = || format!("{input}: schema in the footer at byte {footer_start}");
        let schema = Arc::new(
            contain(schema_context, ARROW, || arrow_ipc::convert::try_fb_to_schema(ipc_schema))?
                .map_err(|e| Error::arrow(schema_context(), e))?,
        );
        check_schema(&input, footer_start as u64, &schema)?;
        check_leading_schema(&input, &data, footer_start, &schema)?;
        let custom_metadata = footer
            .custom_metadata()
            .into_iter()
            .flatten()
            .filter_map(|kv| Some((kv.key()?.to_owned(), kv.value()?.to_owned())))
            .collect();

        let blocks = |list: Vec<Block>| -> Result<Vec<Block>> {
            for block in &list {
                check_block(&input, block, footer_start)?;
            }
            Ok(list)
        };
        let dictionaries = blocks(footer.dictionaries().into_iter().flatten().copied().collect())?;
        let batches = blocks(footer.recordBatches().into_iter().flatten().copied().collect())?;

        let mut decoder = FileDecoder::new(Arc::clone(&schema), footer.version());
        if let Some(skip) = skip {
            decoder = skip.file(decoder);
        }
        let version = footer.version();
        let mut file = IpcFile { input, data, schema, decoder, version, batches, custom_metadata, limits };
        for (i, block) in dictionaries.iter().enumerate() {
            let buf = file.checked_block(block)?;
            let context = || format!("{}: dictionary {i} at byte {}", file.input, block.offset());
            let decoder = &mut file.decoder;
            contain(context, ARROW, || decoder.read_dictionary(block, &buf))?
                .map_err(|e| Error::arrow(context(), e))?;
        }
        Ok(file)
    }

    /// The block's bytes, after checking its message (see [`check_message`]).
    fn checked_block(&self, block: &Block) -> Result<Buffer> {
        // check_block made these in range when the file was opened.
        let (offset, meta_len, body_len) = block_parts(block);
        let buf = self.data.slice_with_length(offset, meta_len + body_len);
        let meta = message_bytes(&self.input, offset, &buf[..meta_len])?;
        let message = parse_message(&self.input, offset as u64, meta)?;
        check_message(&self.input, offset as u64, &message, &buf[meta_len..], &self.limits)?;
        check_layout(&self.input, offset as u64, &message, &self.schema, self.version)?;
        Ok(buf)
    }

    /// The file's schema.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// The key-value metadata of the file's footer.
    pub fn custom_metadata(&self) -> &HashMap<String, String> {
        &self.custom_metadata
    }

    /// How many record batches the footer lists.
    pub fn num_batches(&self) -> usize {
        self.batches.len()
    }

    /// The file's bytes (the memory map, for a file opened from a path).
    pub fn as_bytes(&self) -> &[u8] {
        self.data.as_slice()
    }

    /// Decodes batch `index` (zero-copy: its arrays point into the file's
    /// bytes wherever their buffers are aligned and uncompressed).
    ///
    /// # Errors
    ///
    /// [`Error::NoSuchBatch`] for an index past the end;
    /// [`Error::Malformed`] or [`Error::TooLarge`] when the batch's message
    /// fails flatbox-arrow's checks; [`Error::Arrow`] when arrow-rs rejects
    /// it (invalid arrays, failed decompression).
    pub fn batch(&self, index: usize) -> Result<RecordBatch> {
        let block = self.batches.get(index).ok_or_else(|| Error::NoSuchBatch {
            input: self.input.clone(),
            index,
            count: self.batches.len(),
        })?;
        let buf = self.checked_block(block)?;
        let context = || format!("{}: batch {index} at byte {}", self.input, block.offset());
        contain(context, ARROW, || self.decoder.read_record_batch(block, &buf))?
            .map_err(|e| Error::arrow(context(), e))?
            .ok_or_else(|| Error::malformed(&self.input, block.offset().unsigned_abs(), "a record batch message"))
    }

    /// Every batch, in order.
    ///
    /// # Errors
    ///
    /// As for [`batch`](IpcFile::batch).
    pub fn batches(&self) -> Result<Vec<RecordBatch>> {
        (0..self.num_batches()).map(|i| self.batch(i)).collect()
    }

    /// The number of rows in the file: the sum of the batches' lengths, read
    /// from their message headers (no array is decoded).
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] when a batch's message is damaged.
    pub fn num_rows(&self) -> Result<usize> {
        let mut rows: usize = 0;
        for block in &self.batches {
            let (offset, meta_len, _) = block_parts(block);
            let meta = message_bytes(&self.input, offset, &self.data[offset..offset + meta_len])?;
            let message = parse_message(&self.input, offset as u64, meta)?;
            let length = message
                .header_as_record_batch()
                .and_then(|b| usize::try_from(b.length()).ok())
                .ok_or_else(|| Error::malformed(&self.input, offset as u64, "a record batch with a row count"))?;
            rows = rows.saturating_add(length);
        }
        Ok(rows)
    }
}

pub(crate) fn map_path(path: &Path) -> Result<Buffer> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    let file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len < (HEADER + TRAILER) as u64 {
        return Err(Error::malformed(
            &path.display().to_string(),
            0,
            format!("an arrow ipc file of at least 18 bytes, got {len}"),
        ));
    }
    let map = mmap::map(&file).map_err(io)?;
    Ok(Buffer::from(bytes::Bytes::from_owner(map)))
}

/// Offset, metadata length and body length of a block that
/// [`check_block`] accepted.
fn block_parts(block: &Block) -> (usize, usize, usize) {
    let part = |n: i64| usize::try_from(n).unwrap_or(0);
    (part(block.offset()), part(i64::from(block.metaDataLength())), part(block.bodyLength()))
}

/// A footer block lies between the leading magic and the footer, and its
/// metadata is long enough to hold a length prefix (arrow-rs indexes the
/// first 8 bytes unchecked).
fn check_block(input: &str, block: &Block, footer_start: usize) -> Result<()> {
    let offset = block.offset();
    let fits = (|| {
        let start = u64::try_from(offset).ok()?;
        let meta = u64::try_from(block.metaDataLength()).ok().filter(|&m| m >= 8)?;
        let body = u64::try_from(block.bodyLength()).ok()?;
        let end = start.checked_add(meta)?.checked_add(body)?;
        (start >= HEADER as u64 && end <= footer_start as u64).then_some(())
    })();
    fits.ok_or_else(|| {
        Error::malformed(
            input,
            offset.unsigned_abs(),
            format!(
                "a block inside bytes {HEADER}..{footer_start} (metadata {} bytes, at least 8; body {} bytes)",
                block.metaDataLength(),
                block.bodyLength()
            ),
        )
    })
}

/// The message flatbuffer inside a block's metadata: after the
/// continuation marker and length, or (before Arrow 0.15) after the length.
fn message_bytes<'a>(input: &str, offset: usize, meta: &'a [u8]) -> Result<&'a [u8]> {
    let (len_at, start): (usize, usize) = if meta.get(..4) == Some(&CONTINUATION[..]) { (4, 8) } else { (0, 4) };
    let len = meta
        .get(len_at..len_at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(i32::from_le_bytes)
        .and_then(|n| usize::try_from(n).ok());
    len.and_then(|n| meta.get(start..start.checked_add(n)?)).ok_or_else(|| {
        Error::malformed(
            input,
            offset as u64,
            format!("a message length prefix that fits in the {}-byte metadata", meta.len()),
        )
    })
}

/// The stream that an IPC file embeds starts after the leading magic with
/// the schema message, which must agree with the footer's schema (a
/// fuzzer's file whose two schemas disagree crashed Arrow C++). One
/// message: O(1).
fn check_leading_schema(input: &str, data: &[u8], footer_start: usize, schema: &Schema) -> Result<()> {
    // Writers pad the magic to their alignment: 8 bytes (Arrow C++) or up
    // to 64 (arrow-rs). A zero word is never the start of a message.
    let mut start = HEADER;
    while start < MAX_HEADER && start + 8 <= footer_start && data[start..start + 8] == [0; 8] {
        start += 8;
    }
    let meta = message_bytes(input, start, &data[start..footer_start])?;
    let message = parse_message(input, start as u64, meta)?;
    // Its byte order too (a fuzzer's file says little-endian in the footer
    // and big-endian here).
    check_message(input, start as u64, &message, &[], &ReadLimits::default())?;
    let leading = message
        .header_as_schema()
        .ok_or_else(|| Error::malformed(input, start as u64, "a schema message after the leading magic"))
        .and_then(|s| {
            arrow_ipc::convert::try_fb_to_schema(s)
                .map_err(|e| Error::arrow(format!("{input}: schema message at byte {start}"), e))
        })?;
    if leading.fields() != schema.fields() {
        return Err(Error::malformed(input, start as u64, "the same schema at the start of the file as in its footer"));
    }
    Ok(())
}
