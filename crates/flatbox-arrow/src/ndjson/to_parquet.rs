//! NDJSON in a file to Parquet on every core: [`FileToParquet`].
//!
//! The file is cut into byte ranges of about a row group each. A range
//! holds the lines that *start* in it (the first line of a range ends
//! wherever its newline is), so every line belongs to exactly one range
//! whatever the cut falls on. Each worker thread takes the next range,
//! reads it with its own file handle, decodes it with arrow-json's decoder
//! (the same strict decoding as [`NdjsonReader`](super::NdjsonReader)) and
//! encodes it into Parquet column chunks (parquet's `ArrowColumnWriter`s)
//! in memory. The calling thread appends the encoded row groups to the
//! output in the order of the ranges, so the file is the input's rows in
//! order. At most a few ranges are encoded ahead of the one being written,
//! so memory stays bounded whatever the file's size.
//!
//! The first error in the file's order is the one reported, with the line
//! number counted from the start of the file.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::arrow_writer::{ArrowColumnChunk, ArrowColumnWriter, ArrowRowGroupWriterFactory, compute_leaves};

use super::{Context, DEFAULT_BATCH_ROWS, Inference, Lines, decode_chunk, decoder, infer, infer_error, read_sample};
use crate::contain::contain;
use crate::{BatchFormat, BatchWriter, DEFAULT_ROW_GROUP_ROWS, Error, ParquetCompression, Result};

/// Reads past a range's end come in pieces of this size (only the end of
/// the range's last line is wanted).
const TAIL_READ: u64 = 64 << 10;

/// The least bytes per range: smaller ones cost more than they share.
const MIN_RANGE_BYTES: u64 = 1 << 20;

/// NDJSON in a file, converted to Parquet on several threads (see the
/// module documentation).
///
/// The schema is inferred as [`NdjsonReader`](super::NdjsonReader) infers
/// it, and the values are decoded as strictly: the output holds the same
/// rows, in the same order, as writing that reader's batches with a
/// [`BatchWriter`]. Only the row groups' sizes may differ (each holds the
/// lines of one range, at most the row group size given).
///
/// # Examples
///
/// ```
/// use flatbox_arrow::ParquetCompression;
/// use flatbox_arrow::ndjson::{FileToParquet, Inference};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("log.ndjson");
/// std::fs::write(&path, "{\"id\":1,\"path\":\"/\"}\n{\"id\":2,\"path\":\"/a\"}\n")?;
///
/// let convert = FileToParquet::open("log.ndjson", &path, Inference::default())?;
/// let (bytes, written) = convert.write(Vec::new(), ParquetCompression::Zstd(3), |_rows| {})?;
/// assert_eq!((written.rows, written.lines), (2, 2));
/// let (_, batches) = flatbox_arrow::read_parquet(bytes.into())?;
/// assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
///
/// // A line that does not fit is an error naming it.
/// std::fs::write(&path, "{\"id\":1}\n{\"id\":\"x\"}\n")?;
/// let convert = FileToParquet::open("log.ndjson", &path, Inference::Sample(1))?;
/// let error = convert.write(Vec::new(), ParquetCompression::Zstd(3), |_| {}).unwrap_err();
/// assert!(error.to_string().contains("line 2"), "{error}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct FileToParquet {
    input: String,
    path: PathBuf,
    len: u64,
    schema: SchemaRef,
    inference: Inference,
    /// Average bytes per line of the sample the schema came from.
    line_bytes: u64,
    threads: usize,
    row_group_rows: usize,
    batch_rows: usize,
    /// The size of a range, when told.
    range_bytes: Option<u64>,
}

/// What [`FileToParquet::write`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Written {
    /// Rows written (one per non-blank line).
    pub rows: u64,
    /// Lines read, blank ones included.
    pub lines: u64,
    /// Row groups written.
    pub row_groups: usize,
}

impl FileToParquet {
    /// Opens the NDJSON file at `path` and infers its schema as `inference`
    /// says. `input` names the file in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be opened or read;
    /// [`Error::NdjsonLine`] when the lines the schema is inferred from are
    /// not JSON or do not agree.
    pub fn open(input: &str, path: impl AsRef<Path>, inference: Inference) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let io = |source| Error::Io { path: path.clone(), source };
        let file = File::open(&path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let (sample, rows, inference, schema) = match inference {
            Inference::Sample(_) => {
                let (sample, rows, inference) = read_sample(input, &mut reader, inference)?;
                let schema = infer(input, &sample, inference)?;
                (sample, rows, inference, schema)
            }
            Inference::Whole => {
                let schema = arrow_json::reader::infer_json_schema_from_seekable(&mut reader, None)
                    .map_err(|e| infer_error(input, &e, inference))?
                    .0;
                // The line length comes from the first lines.
                reader.seek(SeekFrom::Start(0)).map_err(io)?;
                let (sample, rows, _) = read_sample(input, &mut reader, Inference::default())?;
                (sample, rows, inference, schema)
            }
        };
        let line_bytes = (sample.len() as u64 / rows.max(1) as u64).max(1);
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(FileToParquet {
            input: input.to_owned(),
            path,
            len,
            schema: Arc::new(schema),
            inference,
            line_bytes,
            threads,
            row_group_rows: DEFAULT_ROW_GROUP_ROWS,
            batch_rows: DEFAULT_BATCH_ROWS,
            range_bytes: None,
        })
    }

    /// The schema (inferred).
    #[must_use]
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Encodes on `threads` threads (at least 1; the default is the number
    /// of cores). The calling thread only writes what they encoded.
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Row groups of at most `rows` rows (at least 1; the default is
    /// [`DEFAULT_ROW_GROUP_ROWS`]). A range of lines ends its row group
    /// however many rows it holds.
    #[must_use]
    pub fn with_row_group_rows(mut self, rows: usize) -> Self {
        self.row_group_rows = rows.max(1);
        self
    }

    /// Decodes `rows` lines at a time (at least 1; the default is
    /// [`DEFAULT_BATCH_ROWS`]).
    #[must_use]
    pub fn with_batch_rows(mut self, rows: usize) -> Self {
        self.batch_rows = rows.max(1);
        self
    }

    /// Cuts the file into ranges of `bytes` bytes (at least 1). By default
    /// a range holds about seven eighths of a row group of lines (from the
    /// length of the lines the schema was inferred from), and at least a
    /// MiB: so each range is mostly one full row group, and a file of less
    /// than a row group is one row group, as a single writer makes it.
    #[must_use]
    pub fn with_range_bytes(mut self, bytes: u64) -> Self {
        self.range_bytes = Some(bytes.max(1));
        self
    }

    /// The byte ranges the file is cut into.
    fn ranges(&self) -> Vec<(u64, u64)> {
        let size = self.range_bytes.unwrap_or_else(|| {
            let group_bytes = self.line_bytes.saturating_mul(self.row_group_rows as u64) / 8 * 7;
            group_bytes.max(MIN_RANGE_BYTES)
        });
        let count = self.len.div_ceil(size).max(1);
        (0..count).map(|k| (k * size, ((k + 1) * size).min(self.len))).collect()
    }

    /// Converts the file, writing Parquet with `compression` to `out`, and
    /// returns `out` and what was written. `progress` is called on this
    /// thread with the rows written so far, after each row group.
    ///
    /// # Errors
    ///
    /// [`Error::NdjsonLine`] naming the first line (from the start of the
    /// file) that is not JSON or does not fit the schema;
    /// [`Error::Io`] / [`Error::Stream`] when reading fails;
    /// [`Error::Parquet`] when encoding or writing fails.
    pub fn write<W: Write + Send>(
        &self,
        out: W,
        compression: ParquetCompression,
        mut progress: impl FnMut(u64),
    ) -> Result<(W, Written)> {
        let format = BatchFormat::Parquet { compression, row_group_rows: self.row_group_rows };
        let (mut file, factory) = BatchWriter::new(out, &self.schema, format)?.into_parquet_parts()?;
        let ranges = self.ranges();
        let threads = self.threads.min(ranges.len());
        // A worker waits before taking a range this far past the one being
        // written.
        let window = threads + 1;
        let shared = Shared {
            next: AtomicUsize::new(0),
            written: Mutex::new(0),
            advanced: Condvar::new(),
            stop: AtomicBool::new(false),
        };
        let (sender, receiver) = sync_channel::<(usize, Result<Encoded>)>(window);
        let written = std::thread::scope(|scope| {
            for _ in 0..threads {
                let sender = sender.clone();
                let (shared, ranges, factory) = (&shared, &ranges, &factory);
                scope.spawn(move || {
                    loop {
                        let k = shared.next.fetch_add(1, Ordering::Relaxed);
                        if k >= ranges.len() || !shared.wait_for_room(k, window) {
                            break;
                        }
                        let encoded = contain(
                            || format!("{}: lines from byte {}", self.input, ranges[k].0),
                            "arrow-rs",
                            || self.encode_range(ranges[k], factory),
                        )
                        .and_then(|r| r);
                        if sender.send((k, encoded)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            let written = append_in_order(&mut file, receiver, &shared, &mut progress);
            if written.is_err() {
                // Under the lock, so that no worker misses the wake-up.
                let guard = shared.written.lock().unwrap_or_else(PoisonError::into_inner);
                shared.stop.store(true, Ordering::Relaxed);
                drop(guard);
                shared.advanced.notify_all();
            }
            written
        })?;
        let footer = |e| Error::parquet("writing parquet: the footer", e);
        // Nothing lost in silence: the row groups hold every row decoded.
        let declared: i64 =
            file.flushed_row_groups().iter().map(parquet::file::metadata::RowGroupMetaData::num_rows).sum();
        if u64::try_from(declared) != Ok(written.rows) {
            return Err(footer(parquet::errors::ParquetError::General(format!(
                "the row groups hold {declared} rows, {} were decoded",
                written.rows
            ))));
        }
        Ok((file.into_inner().map_err(footer)?, written))
    }

    /// Decodes the lines that start in `range` and encodes them as row
    /// groups of column chunks. Line numbers in its errors count from the
    /// range's first line.
    fn encode_range(&self, (start, end): (u64, u64), factory: &ArrowRowGroupWriterFactory) -> Result<Encoded> {
        // From the byte before the range: when it is a newline, a line
        // starts at `start`.
        let origin = start.saturating_sub(1);
        let io = |source| Error::Io { path: self.path.clone(), source };
        let mut file = File::open(&self.path).map_err(io)?;
        file.seek(SeekFrom::Start(origin)).map_err(io)?;
        let mut lines = Lines::new(&self.input, Span { file, pos: origin, end });
        lines.origin = origin;
        lines.limit = end - origin;
        if start > 0 {
            lines.skip_through_newline()?;
        }
        let context = Context { input: self.input.clone(), schema: self.schema.clone(), inference: self.inference };
        let mut json =
            decoder(&self.schema, self.batch_rows).map_err(|e| Error::arrow(format!("{}: ndjson", self.input), e))?;
        let parquet_error = |e| Error::parquet(format!("writing parquet: lines from byte {start}"), e);
        let mut groups = Vec::new();
        let mut writers: Option<Vec<ArrowColumnWriter>> = None;
        let mut group_rows = 0;
        loop {
            let want = self.batch_rows.min(self.row_group_rows - group_rows);
            let Some(chunk) = lines.next_chunk(want)? else { break };
            let batch = decode_chunk(&mut json, &chunk, &context)?;
            let columns = match &mut writers {
                Some(w) => w,
                None => writers.insert(factory.create_column_writers(0).map_err(parquet_error)?),
            };
            self.encode_batch(columns, &batch).map_err(parquet_error)?;
            group_rows += batch.num_rows();
            if group_rows == self.row_group_rows {
                let columns = writers.take().unwrap_or_default();
                groups.push((close(columns).map_err(parquet_error)?, group_rows as u64));
                group_rows = 0;
            }
        }
        if let Some(columns) = writers {
            groups.push((close(columns).map_err(parquet_error)?, group_rows as u64));
        }
        Ok(Encoded { groups, lines: lines.line })
    }

    /// A batch's columns, leaf by leaf, into the row group's column writers.
    fn encode_batch(&self, writers: &mut [ArrowColumnWriter], batch: &RecordBatch) -> parquet::errors::Result<()> {
        let mut writers = writers.iter_mut();
        for (field, column) in self.schema.fields().iter().zip(batch.columns()) {
            for leaf in compute_leaves(field, column)? {
                let Some(writer) = writers.next() else {
                    return Err(parquet::errors::ParquetError::General("more leaves than column writers".into()));
                };
                writer.write(&leaf)?;
            }
        }
        Ok(())
    }
}

/// Appends each range's row groups to `file` in the ranges' order, as
/// the workers hand them over.
fn append_in_order<W: Write + Send>(
    file: &mut parquet::file::writer::SerializedFileWriter<W>,
    receiver: Receiver<(usize, Result<Encoded>)>,
    shared: &Shared,
    progress: &mut impl FnMut(u64),
) -> Result<Written> {
    let mut written = Written { rows: 0, lines: 0, row_groups: 0 };
    let mut pending = std::collections::BTreeMap::new();
    let mut want = 0;
    for (k, encoded) in receiver {
        pending.insert(k, encoded);
        while let Some(encoded) = pending.remove(&want) {
            let encoded = encoded.map_err(|e| from_line(e, written.lines))?;
            for (chunks, rows) in encoded.groups {
                let context =
                    || format!("writing parquet: row group {} (rows from {})", written.row_groups, written.rows + 1);
                let mut group = file.next_row_group().map_err(|e| Error::parquet(context(), e))?;
                for chunk in chunks {
                    chunk.append_to_row_group(&mut group).map_err(|e| Error::parquet(context(), e))?;
                }
                group.close().map_err(|e| Error::parquet(context(), e))?;
                written.rows += rows;
                written.row_groups += 1;
                progress(written.rows);
            }
            written.lines += encoded.lines;
            want += 1;
            *shared.written.lock().unwrap_or_else(PoisonError::into_inner) = want;
            shared.advanced.notify_all();
        }
    }
    Ok(written)
}

fn close(writers: Vec<ArrowColumnWriter>) -> parquet::errors::Result<Vec<ArrowColumnChunk>> {
    writers.into_iter().map(ArrowColumnWriter::close).collect()
}

/// An error of a range, its line number made one of the file.
fn from_line(mut error: Error, lines_before: u64) -> Error {
    if let Error::NdjsonLine { line: Some(line), .. } = &mut error {
        *line += lines_before;
    }
    error
}

/// One range's row groups (column chunks and rows) and its line count.
struct Encoded {
    groups: Vec<(Vec<ArrowColumnChunk>, u64)>,
    lines: u64,
}

/// What the workers and the writing thread share.
struct Shared {
    /// The next range to take.
    next: AtomicUsize,
    /// Ranges written so far.
    written: Mutex<usize>,
    /// Signalled when `written` grows or `stop` is set.
    advanced: Condvar,
    /// Set when writing failed: the workers stop.
    stop: AtomicBool,
}

impl Shared {
    /// Waits until range `k` is fewer than `window` ranges past the one
    /// being written; `false` when the workers are to stop.
    fn wait_for_room(&self, k: usize, window: usize) -> bool {
        let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        while k >= *written + window && !self.stop.load(Ordering::Relaxed) {
            written = self.advanced.wait(written).unwrap_or_else(PoisonError::into_inner);
        }
        !self.stop.load(Ordering::Relaxed)
    }
}

/// The file from `pos`, in reads that end at `end` (then small ones, for
/// the rest of the range's last line).
struct Span {
    file: File,
    pos: u64,
    end: u64,
}

impl Read for Span {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let cap = if self.pos < self.end { self.end - self.pos } else { TAIL_READ };
        let len = buf.len().min(usize::try_from(cap).unwrap_or(usize::MAX));
        let n = self.file.read(&mut buf[..len])?;
        self.pos += n as u64;
        Ok(n)
    }
}
