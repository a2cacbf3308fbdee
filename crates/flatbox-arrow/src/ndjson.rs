//! NDJSON to record batches and back, through arrow-json: the Arrow
//! ecosystem's own JSON reader (schema inference, then its tape decoder,
//! with no `serde_json::Value` per row) and writer.
//!
//! **Reading** ([`NdjsonReader`]) infers the schema from the first lines
//! ([`Inference::Sample`], the default [`DEFAULT_INFER_ROWS`]) or from the
//! whole input ([`Inference::Whole`], for a file that can be read twice),
//! then decodes [`NdjsonReader::batch_rows`] lines per batch. It decodes
//! strictly, so that nothing is lost in silence:
//!
//! - a key the schema does not have is an error (arrow-json's strict mode);
//! - a number with a fraction or an exponent, or a string, in an integer
//!   column is an error (arrow-json alone would truncate `1.5` to `1`);
//! - a value of another type is an error.
//!
//! Each error is [`Error::NdjsonLine`], naming the line and whether a wider
//! inference could help.
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
    reader: R,
    schema: SchemaRef,
    decoder: Decoder,
    inference: Inference,
    batch_rows: usize,
    /// Lines read so far (blank ones included).
    line: u64,
    rows: u64,
    buf: Vec<u8>,
    /// The first line of each row in `buf`, and where the row starts.
    starts: Vec<(u64, usize)>,
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
            if !sample[start..].trim_ascii().is_empty() {
                rows += 1;
            }
        }
        let schema = infer(input, &sample, inference)?;
        NdjsonReader::with_schema(input, Cursor::new(sample).chain(reader), Arc::new(schema), inference)
    }
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
            reader,
            schema,
            decoder,
            inference,
            batch_rows: DEFAULT_BATCH_ROWS,
            line: 0,
            rows: 0,
            buf: Vec::new(),
            starts: Vec::new(),
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
        self.line
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        self.buf.clear();
        self.starts.clear();
        while self.starts.len() < self.batch_rows {
            let start = self.buf.len();
            let n = self.reader.read_until(b'\n', &mut self.buf).map_err(|e| Error::Stream {
                input: self.input.clone(),
                offset: self.line,
                source: e,
            })?;
            if n == 0 {
                break;
            }
            self.line += 1;
            if self.buf[start..].trim_ascii().is_empty() {
                self.buf.truncate(start);
            } else {
                self.starts.push((self.line, start));
            }
        }
        if self.starts.is_empty() {
            return Ok(None);
        }
        let decoded = self.decoder.decode(&self.buf).and_then(|consumed| {
            if consumed == self.buf.len() && !self.decoder.has_partial_record() {
                self.decoder.flush()
            } else {
                Err(ArrowError::JsonError("expected one JSON value per line".into()))
            }
        });
        match decoded {
            Ok(Some(batch)) if batch.num_rows() == self.starts.len() => {
                self.rows += batch.num_rows() as u64;
                Ok(Some(batch))
            }
            Ok(batch) => {
                let got = batch.map_or(0, |b| b.num_rows());
                Err(self.locate(&format!("expected {} rows from the lines, decoded {got}", self.starts.len())))
            }
            Err(e) => Err(self.locate(&e.to_string())),
        }
    }

    /// The error for a batch that failed: decodes its lines one at a time
    /// to name the first that does not fit.
    fn locate(&self, batch_error: &str) -> Error {
        for (i, &(line, start)) in self.starts.iter().enumerate() {
            let end = self.starts.get(i + 1).map_or(self.buf.len(), |&(_, s)| s);
            let text = &self.buf[start..end];
            let one = decoder(&self.schema, 1).and_then(|mut d| {
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
                let widen = !syntax && self.inference != Inference::Whole;
                return Error::NdjsonLine {
                    input: self.input.clone(),
                    line: Some(line),
                    message: format!(
                        "{message} (the schema, from {}: {})",
                        describe(self.inference),
                        describe_fields(self.schema.fields())
                    ),
                    widen,
                };
            }
        }
        let first = self.starts.first().map(|&(l, _)| l);
        Error::NdjsonLine { input: self.input.clone(), line: first, message: batch_error.to_owned(), widen: false }
    }
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
