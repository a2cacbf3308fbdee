//! NDJSON to record batches and back, through arrow-json: the Arrow
//! ecosystem's own JSON reader (schema inference, then its tape decoder,
//! with no `serde_json::Value` per row) and writer.
//!
//! **Reading** ([`NdjsonReader`]) infers the schema from the first lines
//! ([`Inference::Sample`], the default [`DEFAULT_INFER_ROWS`]) or from the
//! whole input ([`Inference::Whole`], for a file that can be read twice),
//! then decodes [`NdjsonReader::batch_rows`] lines per batch. The input is
//! read in chunks of a MiB or more straight into one buffer; lines are found
//! in it with `memchr` and each batch's lines go to arrow-json's decoder in
//! place, with no copy per line. A line holding only whitespace holds no
//! row. It decodes strictly, so that nothing is lost in silence:
//!
//! - a key the schema does not have is an error (arrow-json's strict mode);
//! - a number with a fraction or an exponent, or a string, in an integer
//!   column is an error (arrow-json alone would truncate `1.5` to `1`);
//! - a value of another type is an error.
//!
//! Each error is [`Error::NdjsonLine`], naming the line and whether a wider
//! inference could help.
//!
//! **A file to Parquet** ([`FileToParquet`]) decodes the same way, on every
//! core: the file is cut into byte ranges that workers decode and encode
//! into row groups, written in order.
//!
//! **Writing** ([`NdjsonWriter`]) is arrow-json's `LineDelimitedWriter`
//! (or its array writer for a JSON document), one line per row. What
//! arrow-json's writer does not take, or gets wrong, is handled first: a map
//! whose keys are integers is written with each key as its decimal text
//! (`{"7": ...}`, `serde_json`'s convention for integer keys); dictionary and
//! run-end encoded columns are cast to their plain values (arrow-json 60
//! writes a null dictionary slot as its key's value, `""` or `0`); and a
//! union, which JSON has no form for, is an error naming the column.

use std::io::{BufRead, Cursor, Read, Seek, Write};
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_json::reader::{ArrayDecoder, Decoder, DecoderContext, DecoderFactory, ReaderBuilder, Tape, TapeElement};
use arrow_json::writer::{JsonArray, LineDelimited, Writer, WriterBuilder};
use arrow_schema::{ArrowError, DataType, FieldRef, Schema, SchemaRef};

use crate::{Error, Result};

mod to_parquet;

pub use to_parquet::{FileToParquet, Written};

/// Lines a schema is inferred from unless told otherwise.
pub const DEFAULT_INFER_ROWS: usize = 8192;

/// Rows per batch unless told otherwise.
pub const DEFAULT_BATCH_ROWS: usize = 8192;

/// Where the schema of NDJSON comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Inference {
    /// The first this many lines (blank lines not counted).
    Sample(usize),
    /// Every line: the input is read twice.
    Whole,
}

impl Default for Inference {
    fn default() -> Self {
        Inference::Sample(DEFAULT_INFER_ROWS)
    }
}

/// Record batches read from NDJSON (see the module documentation).
///
/// # Examples
///
/// ```
/// use flatbox_arrow::ndjson::{Inference, NdjsonReader};
///
/// let text = b"{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":null}\n";
/// let mut reader = NdjsonReader::new("<memory>", &text[..], Inference::default())?;
/// let batch = reader.next().unwrap()?;
/// assert_eq!(batch.num_rows(), 2);
/// assert_eq!(reader.schema().field(0).data_type(), &flatbox_arrow::arrow_schema::DataType::Int64);
///
/// // A later line that does not fit is an error naming it.
/// let text = b"{\"id\":1}\n{\"id\":1.5}\n";
/// let mut reader = NdjsonReader::new("<memory>", &text[..], Inference::Sample(1))?;
/// let error = reader.next().unwrap().unwrap_err().to_string();
/// assert!(error.contains("line 2"), "{error}");
/// # Ok::<(), flatbox_arrow::Error>(())
/// ```
pub struct NdjsonReader<R> {
    input: String,
    lines: Lines<R>,
    schema: SchemaRef,
    decoder: Decoder,
    inference: Inference,
    batch_rows: usize,
    rows: u64,
    done: bool,
}

impl<R: BufRead> NdjsonReader<std::io::Chain<Cursor<Vec<u8>>, R>> {
    /// Reads NDJSON from `reader`, inferring the schema from the first
    /// lines ([`Inference::Sample`]; [`Inference::Whole`] needs
    /// [`NdjsonReader::from_seekable`] and is taken here as "every line,
    /// held in memory"). `input` names the input in errors.
    ///
    /// # Errors
    ///
    /// [`Error::NdjsonLine`] when a line of the sample is not JSON or the
    /// sample's types do not agree; [`Error::Stream`] when reading fails.
    pub fn new(input: &str, mut reader: R, inference: Inference) -> Result<Self> {
        let (sample, _, inference) = read_sample(input, &mut reader, inference)?;
        let schema = infer(input, &sample, inference)?;
        NdjsonReader::with_schema(input, Cursor::new(sample).chain(reader), Arc::new(schema), inference)
    }
}

/// The lines a schema is inferred from (`inference` says how many), the
/// rows among them (blank lines hold none), and the inference they stand
/// for: [`Inference::Whole`] when they are the whole input.
fn read_sample<R: BufRead>(input: &str, reader: &mut R, inference: Inference) -> Result<(Vec<u8>, usize, Inference)> {
    let limit = match inference {
        Inference::Sample(n) => n,
        Inference::Whole => usize::MAX,
    };
    let mut sample = Vec::new();
    let mut rows = 0;
    let mut inference = inference;
    while rows < limit {
        let start = sample.len();
        let n = reader.read_until(b'\n', &mut sample).map_err(|e| Error::Stream {
            input: input.to_owned(),
            offset: start as u64,
            source: e,
        })?;
        if n == 0 {
            // The sample is the whole input.
            inference = Inference::Whole;
            break;
        }
        if !is_blank(&sample[start..]) {
            rows += 1;
        }
    }
    Ok((sample, rows, inference))
}

impl<R: BufRead + Seek> NdjsonReader<R> {
    /// Reads NDJSON from a file (or anything that can be read twice),
    /// inferring the schema as `inference` says, then rewinding.
    ///
    /// # Errors
    ///
    /// As for [`NdjsonReader::new`].
    pub fn from_seekable(input: &str, mut reader: R, inference: Inference) -> Result<NdjsonReader<R>> {
        let limit = match inference {
            Inference::Sample(n) => Some(n),
            Inference::Whole => None,
        };
        let schema = arrow_json::reader::infer_json_schema_from_seekable(&mut reader, limit)
            .map_err(|e| infer_error(input, &e, inference))?
            .0;
        NdjsonReader::with_schema(input, reader, Arc::new(schema), inference)
    }
}

/// The schema of `sample`'s lines.
fn infer(input: &str, sample: &[u8], inference: Inference) -> Result<Schema> {
    arrow_json::reader::infer_json_schema(sample, None)
        .map(|(schema, _)| schema)
        .map_err(|e| infer_error(input, &e, inference))
}

fn infer_error(input: &str, source: &ArrowError, inference: Inference) -> Error {
    Error::NdjsonLine {
        input: input.to_owned(),
        line: None,
        message: format!("inferring the schema from {}: {source}", describe(inference)),
        widen: false,
    }
}

fn describe(inference: Inference) -> String {
    match inference {
        Inference::Sample(n) => format!("the first {n} lines"),
        Inference::Whole => "every line".to_owned(),
    }
}

impl<R: BufRead> NdjsonReader<R> {
    /// Reads NDJSON from `reader` with a known `schema`. `inference` only
    /// says, in errors, where the schema came from.
    ///
    /// # Errors
    ///
    /// [`Error::Arrow`] when arrow-json cannot decode the schema's types.
    pub fn with_schema(input: &str, reader: R, schema: SchemaRef, inference: Inference) -> Result<Self> {
        let decoder = decoder(&schema, DEFAULT_BATCH_ROWS).map_err(|e| Error::arrow(format!("{input}: ndjson"), e))?;
        Ok(NdjsonReader {
            input: input.to_owned(),
            lines: Lines::new(input, reader),
            schema,
            decoder,
            inference,
            batch_rows: DEFAULT_BATCH_ROWS,
            rows: 0,
            done: false,
        })
    }

    /// Decodes `rows` rows per batch (at least 1).
    ///
    /// # Errors
    ///
    /// [`Error::Arrow`] when the decoder cannot be built.
    pub fn with_batch_rows(mut self, rows: usize) -> Result<Self> {
        self.batch_rows = rows.max(1);
        self.decoder =
            decoder(&self.schema, self.batch_rows).map_err(|e| Error::arrow(format!("{}: ndjson", self.input), e))?;
        Ok(self)
    }

    /// The rows per batch.
    #[must_use]
    pub fn batch_rows(&self) -> usize {
        self.batch_rows
    }

    /// The schema (inferred or given).
    #[must_use]
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Rows decoded so far.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Lines read so far (blank lines included).
    #[must_use]
    pub fn lines(&self) -> u64 {
        self.lines.line
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        let Some(chunk) = self.lines.next_chunk(self.batch_rows)? else {
            return Ok(None);
        };
        let context = Context { input: self.input.clone(), schema: self.schema.clone(), inference: self.inference };
        let batch = decode_chunk(&mut self.decoder, &chunk, &context)?;
        self.rows += batch.num_rows() as u64;
        Ok(Some(batch))
    }
}

/// Lines of NDJSON read for one batch: the bytes, and each row's first line
/// number and start in them.
struct Chunk<'a> {
    buf: &'a [u8],
    starts: &'a [(u64, usize)],
}

/// What errors about a chunk name.
#[derive(Clone)]
struct Context {
    input: String,
    schema: SchemaRef,
    inference: Inference,
}

/// The least room made in the buffer for one read: reads of this size go
/// past a `BufReader` of up to this capacity, straight into the buffer.
const READ_CHUNK: usize = 1 << 20;

/// Whether a line holds only JSON whitespace (it holds no row).
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// The input split into lines: it is read in chunks of at least
/// [`READ_CHUNK`] straight into one buffer, whose lines are found with
/// `memchr`, with no copy per line.
struct Lines<R> {
    input: String,
    reader: R,
    /// `buf[pos..filled]` is read and not yet handed out; `buf` beyond
    /// `filled` is initialized room for the next read.
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    /// Whether `reader` has no more bytes.
    eof: bool,
    /// Bytes read from `reader` so far.
    read: u64,
    /// Where in the whole input `reader` starts (for error offsets).
    origin: u64,
    /// No line that starts this many bytes or more past `origin` is handed
    /// out (`u64::MAX`: no limit).
    limit: u64,
    /// Whether a line past `limit` was reached.
    stopped: bool,
    /// Lines split off so far (blank ones included).
    line: u64,
    /// The rows of the chunk last handed out.
    starts: Vec<(u64, usize)>,
}

impl<R: Read> Lines<R> {
    fn new(input: &str, reader: R) -> Self {
        Lines {
            input: input.to_owned(),
            reader,
            buf: Vec::new(),
            pos: 0,
            filled: 0,
            eof: false,
            read: 0,
            origin: 0,
            limit: u64::MAX,
            stopped: false,
            line: 0,
            starts: Vec::new(),
        }
    }

    /// Where in the input `buf[i]` lies, counted from `origin`.
    fn position(&self, i: usize) -> u64 {
        self.read - (self.filled - i) as u64
    }

    /// Drops the input up to and including its first newline: the end of a
    /// line that started before `origin` (not counted as a line).
    fn skip_through_newline(&mut self) -> Result<()> {
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.pos..self.filled]) {
                self.pos += i + 1;
                return Ok(());
            }
            self.pos = self.filled;
            if self.eof {
                return Ok(());
            }
            if self.buf.len() - self.filled < READ_CHUNK {
                self.pos = 0;
                self.filled = 0;
            }
            self.fill()?;
        }
    }

    /// The next `rows` non-blank lines (fewer at the end of the input), or
    /// `None` when there are none.
    fn next_chunk(&mut self, rows: usize) -> Result<Option<Chunk<'_>>> {
        if self.stopped {
            return Ok(None);
        }
        if self.buf.len() - self.filled < READ_CHUNK || self.pos >= READ_CHUNK {
            // Short of room, or a read chunk's worth handed out: move what
            // is not handed out yet to the front. (Only here: `fill` grows
            // the buffer when a chunk needs more room, so without this a
            // reader that returns less than the room, as a pipe does, would
            // grow it without end.)
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.pos = 0;
        }
        let mut starts = std::mem::take(&mut self.starts);
        starts.clear();
        let mut line_start = self.pos;
        while starts.len() < rows {
            if self.limit != u64::MAX && self.position(line_start) >= self.limit {
                self.stopped = true;
                break;
            }
            if let Some(i) = memchr::memchr(b'\n', &self.buf[line_start..self.filled]) {
                let end = line_start + i + 1;
                self.line += 1;
                if !is_blank(&self.buf[line_start..end]) {
                    starts.push((self.line, line_start));
                }
                line_start = end;
            } else if self.eof {
                // The last line, without its newline.
                if line_start < self.filled {
                    self.line += 1;
                    if !is_blank(&self.buf[line_start..self.filled]) {
                        starts.push((self.line, line_start));
                    }
                    line_start = self.filled;
                }
                break;
            } else {
                self.fill()?;
            }
        }
        self.pos = line_start;
        let Some(&(_, first)) = starts.first() else { return Ok(None) };
        for start in &mut starts {
            start.1 -= first;
        }
        self.starts = starts;
        Ok(Some(Chunk { buf: &self.buf[first..line_start], starts: &self.starts }))
    }

    /// Reads more of the input after `filled` (growing the buffer when a
    /// line is longer than the room left), or notes its end.
    fn fill(&mut self) -> Result<()> {
        if self.buf.len() - self.filled < READ_CHUNK {
            self.buf.resize(self.filled + READ_CHUNK.max(self.filled - self.pos), 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.filled..]) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.filled += n;
                    self.read += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::Stream {
                        input: self.input.clone(),
                        offset: self.origin + self.read,
                        source: e,
                    });
                }
            }
            return Ok(());
        }
    }
}

/// Decodes a chunk's lines into one batch with exactly one row per line.
fn decode_chunk(json: &mut Decoder, chunk: &Chunk<'_>, context: &Context) -> Result<RecordBatch> {
    let decoded = json.decode(chunk.buf).and_then(|consumed| {
        if consumed == chunk.buf.len() && !json.has_partial_record() {
            json.flush()
        } else {
            Err(ArrowError::JsonError("expected one JSON value per line".into()))
        }
    });
    match decoded {
        Ok(Some(batch)) if batch.num_rows() == chunk.starts.len() => Ok(batch),
        Ok(batch) => {
            let got = batch.map_or(0, |b| b.num_rows());
            Err(locate(chunk, context, &format!("expected {} rows from the lines, decoded {got}", chunk.starts.len())))
        }
        Err(e) => {
            // The decoder may hold a part of the failed batch: a new one.
            if let Ok(fresh) = decoder(&context.schema, chunk.starts.len().max(1)) {
                *json = fresh;
            }
            Err(locate(chunk, context, &e.to_string()))
        }
    }
}

/// The error for a chunk that failed: decodes its lines one at a time to
/// name the first that does not fit.
fn locate(chunk: &Chunk<'_>, context: &Context, batch_error: &str) -> Error {
    for (i, &(line, start)) in chunk.starts.iter().enumerate() {
        let end = chunk.starts.get(i + 1).map_or(chunk.buf.len(), |&(_, s)| s);
        let text = &chunk.buf[start..end];
        let one = decoder(&context.schema, 1).and_then(|mut d| {
            let consumed = d.decode(text)?;
            if consumed != text.len() || d.has_partial_record() {
                return Err(ArrowError::JsonError("expected one JSON value on the line".into()));
            }
            match d.flush()? {
                Some(b) if b.num_rows() == 1 => Ok(()),
                _ => Err(ArrowError::JsonError("expected one JSON value on the line".into())),
            }
        });
        if let Err(e) = one {
            let message = e.to_string();
            let message = message.strip_prefix("Json error: ").unwrap_or(&message).to_owned();
            // A syntax error is no matter of the schema.
            let syntax = message.starts_with("Encountered") || message.starts_with("expected one JSON value");
            let widen = !syntax && context.inference != Inference::Whole;
            return Error::NdjsonLine {
                input: context.input.clone(),
                line: Some(line),
                message: format!(
                    "{message} (the schema, from {}: {})",
                    describe(context.inference),
                    describe_fields(context.schema.fields())
                ),
                widen,
            };
        }
    }
    let first = chunk.starts.first().map(|&(l, _)| l);
    Error::NdjsonLine { input: context.input.clone(), line: first, message: batch_error.to_owned(), widen: false }
}

impl<R: BufRead> Iterator for NdjsonReader<R> {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.next_batch();
        if !matches!(next, Ok(Some(_))) {
            self.done = true;
        }
        next.transpose()
    }
}

/// `name: type` of each field, for messages.
fn describe_fields(fields: &arrow_schema::Fields) -> String {
    let all: Vec<String> = fields.iter().map(|f| format!("{}: {}", f.name(), f.data_type())).collect();
    if all.is_empty() { "no columns".to_owned() } else { all.join(", ") }
}

fn decoder(schema: &SchemaRef, batch_rows: usize) -> std::result::Result<Decoder, ArrowError> {
    ReaderBuilder::new(schema.clone())
        .with_batch_size(batch_rows)
        .with_strict_mode(true)
        .with_decoder_factory(Arc::new(StrictIntegers))
        .build_decoder()
}

/// Integer columns that refuse what arrow-json would cast: fractions,
/// exponents and strings.
#[derive(Debug)]
struct StrictIntegers;

impl DecoderFactory for StrictIntegers {
    fn make_default_decoder(
        &self,
        ctx: &DecoderContext,
        field: &FieldRef,
        is_nullable: bool,
    ) -> std::result::Result<Option<Box<dyn ArrayDecoder>>, ArrowError> {
        if field.data_type().is_integer() {
            let inner = ctx.make_builtin_decoder(field, is_nullable)?;
            return Ok(Some(Box::new(IntegerOnly { inner, data_type: field.data_type().clone() })));
        }
        Ok(None)
    }
}

struct IntegerOnly {
    inner: Box<dyn ArrayDecoder>,
    data_type: DataType,
}

impl ArrayDecoder for IntegerOnly {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> std::result::Result<ArrayRef, ArrowError> {
        for &p in pos {
            match tape.get(p) {
                TapeElement::Number(idx) => {
                    let text = tape.get_string(idx);
                    if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
                        return Err(ArrowError::JsonError(format!(
                            "expected an integer for a {} column, got {text}",
                            self.data_type
                        )));
                    }
                }
                TapeElement::String(idx) => {
                    return Err(ArrowError::JsonError(format!(
                        "expected an integer for a {} column, got the string {:?}",
                        self.data_type,
                        tape.get_string(idx)
                    )));
                }
                TapeElement::F32(_) | TapeElement::F64(_) => {
                    return Err(ArrowError::JsonError(format!(
                        "expected an integer for a {} column, got a float",
                        self.data_type
                    )));
                }
                _ => {}
            }
        }
        self.inner.decode(tape, pos)
    }
}

/// Batches written as NDJSON (one JSON object per row), or as one JSON
/// array of objects: arrow-json's writer, with null fields written as
/// `null` (every row has every column).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use flatbox_arrow::arrow_array::{Int64Array, RecordBatch, StringArray};
/// use flatbox_arrow::ndjson::NdjsonWriter;
///
/// let batch = RecordBatch::try_from_iter([
///     ("id", Arc::new(Int64Array::from(vec![1, 2])) as _),
///     ("name", Arc::new(StringArray::from(vec![Some("a"), None])) as _),
/// ])?;
/// let mut writer = NdjsonWriter::lines(Vec::new());
/// writer.write(&batch)?;
/// assert_eq!(writer.finish()?, b"{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":null}\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct NdjsonWriter<W: Write> {
    inner: JsonOut<W>,
    rows: u64,
}

enum JsonOut<W: Write> {
    Lines(Writer<W, LineDelimited>),
    Array(Writer<W, JsonArray>),
}

impl<W: Write> NdjsonWriter<W> {
    /// One JSON object per line.
    pub fn lines(out: W) -> Self {
        NdjsonWriter { inner: JsonOut::Lines(WriterBuilder::new().with_explicit_nulls(true).build(out)), rows: 0 }
    }

    /// One JSON array of objects.
    pub fn array(out: W) -> Self {
        NdjsonWriter { inner: JsonOut::Array(WriterBuilder::new().with_explicit_nulls(true).build(out)), rows: 0 }
    }

    /// Writes a batch's rows.
    ///
    /// # Errors
    ///
    /// [`Error::Arrow`] for a type arrow-json cannot write, or a failed
    /// write.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let batch = json_ready(batch)?;
        let result = match &mut self.inner {
            JsonOut::Lines(w) => w.write(&batch),
            JsonOut::Array(w) => w.write(&batch),
        };
        result.map_err(|e| Error::arrow(format!("writing json: rows from {}", self.rows), e))?;
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    /// Rows written so far.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Ends the output (the closing bracket of an array) and returns it.
    ///
    /// # Errors
    ///
    /// [`Error::Arrow`] when the last write fails.
    pub fn finish(self) -> Result<W> {
        let context = "writing json: the end";
        match self.inner {
            JsonOut::Lines(mut w) => {
                w.finish().map_err(|e| Error::arrow(context, e))?;
                Ok(w.into_inner())
            }
            JsonOut::Array(mut w) => {
                // An empty array still needs its brackets.
                if self.rows == 0 {
                    let mut out = w.into_inner();
                    out.write_all(b"[]").map_err(|e| Error::arrow(context, e.into()))?;
                    return Ok(out);
                }
                w.finish().map_err(|e| Error::arrow(context, e))?;
                Ok(w.into_inner())
            }
        }
    }
}

/// The batch with every integer-keyed map's keys cast to strings (arrow-cast),
/// the form arrow-json's writer takes; the batch itself when there are none.
fn json_ready(batch: &RecordBatch) -> Result<RecordBatch> {
    let schema = batch.schema();
    let mut changed = false;
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns = Vec::with_capacity(batch.num_columns());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        let json_type = json_type(field.data_type()).map_err(|reason| Error::Record {
            column: field.name().clone(),
            row: 0,
            reason,
        })?;
        if let Some(to) = json_type {
            changed = true;
            let cast = arrow_cast::cast(column, &to)
                .map_err(|e| Error::arrow(format!("column {}: map keys as strings", field.name()), e))?;
            fields.push(Arc::new(field.as_ref().clone().with_data_type(to)));
            columns.push(cast);
        } else {
            fields.push(field.clone());
            columns.push(column.clone());
        }
    }
    if !changed {
        return Ok(batch.clone());
    }
    let schema = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    RecordBatch::try_new(schema, columns).map_err(|e| Error::arrow("map keys as strings", e))
}

/// The type to write `dt` as: `Some` with integer map keys made strings,
/// `None` when it is written as it is; the reason when JSON has no form.
fn json_type(dt: &DataType) -> std::result::Result<Option<DataType>, String> {
    let child = |f: &FieldRef| -> std::result::Result<Option<FieldRef>, String> {
        Ok(json_type(f.data_type())?.map(|t| Arc::new(f.as_ref().clone().with_data_type(t))))
    };
    Ok(match dt {
        DataType::Union(..) => return Err(format!("JSON has no form for a union ({dt}); write MessagePack or wire")),
        // arrow-json writes a null dictionary slot as its key's value
        // (often `""`): the plain values it stands for keep the nulls.
        DataType::Dictionary(_, values) => Some(json_type(values)?.unwrap_or_else(|| values.as_ref().clone())),
        DataType::RunEndEncoded(_, values) => {
            Some(json_type(values.data_type())?.unwrap_or_else(|| values.data_type().clone()))
        }
        DataType::List(f) => child(f)?.map(DataType::List),
        DataType::LargeList(f) => child(f)?.map(DataType::LargeList),
        DataType::FixedSizeList(f, n) => child(f)?.map(|f| DataType::FixedSizeList(f, *n)),
        DataType::Struct(fields) => {
            let mapped: Vec<Option<FieldRef>> = fields.iter().map(child).collect::<std::result::Result<_, _>>()?;
            mapped.iter().any(Option::is_some).then(|| {
                DataType::Struct(
                    fields.iter().zip(mapped).map(|(f, m)| m.unwrap_or_else(|| f.clone())).collect::<Vec<_>>().into(),
                )
            })
        }
        DataType::Map(entries, sorted) => {
            let DataType::Struct(kv) = entries.data_type() else { return Ok(None) };
            let (Some(key), Some(value)) = (kv.first(), kv.get(1)) else { return Ok(None) };
            let new_key =
                key.data_type().is_integer().then(|| Arc::new(key.as_ref().clone().with_data_type(DataType::Utf8)));
            let new_value = child(value)?;
            (new_key.is_some() || new_value.is_some()).then(|| {
                let kv = vec![new_key.unwrap_or_else(|| key.clone()), new_value.unwrap_or_else(|| value.clone())];
                DataType::Map(Arc::new(entries.as_ref().clone().with_data_type(DataType::Struct(kv.into()))), *sorted)
            })
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per read, as a pipe does.
    struct Trickle {
        text: Cursor<Vec<u8>>,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len());
            self.text.read(&mut buf[..n])
        }
    }

    #[test]
    fn the_line_buffer_stays_bounded_through_short_reads() {
        // 30 MB of lines of 150 bytes (a batch of them is more than a read
        // chunk), read 64 KiB (a pipe's capacity) or 4093 bytes at a time.
        let line = format!("{{\"a\":\"{}\"}}\n", "x".repeat(143));
        let text = line.repeat(200_000).into_bytes();
        for step in [64 << 10, 4093, 1 << 20] {
            let mut lines = Lines::new("t", Trickle { text: Cursor::new(text.clone()), step });
            let (mut rows, mut most) = (0, 0);
            while let Some(chunk) = lines.next_chunk(8192).unwrap() {
                rows += chunk.starts.len();
                most = most.max(lines.buf.len());
            }
            assert_eq!(rows, 200_000, "step {step}");
            // Two batches of lines and two read chunks at most.
            assert!(most <= 2 * 8192 * line.len() + 2 * READ_CHUNK, "step {step}: the buffer grew to {most} bytes");
        }
    }
}
