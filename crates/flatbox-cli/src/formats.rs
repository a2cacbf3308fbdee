//! Records in every format the command line reads or writes. The formats
//! themselves (names, extensions, sniffing) are the facade's registry,
//! [`flatbox::formats`]; here each gets:
//!
//! - its reader ([`FormatIo::reader`]): a [`Records`] stream of JSON
//!   values, one record at a time for stream formats;
//! - its writer ([`FormatIo::writer`]): a [`Sink`] that takes records one
//!   at a time.
//!
//! Records are values of the record model, [`flatbox::wire::Value`], which
//! holds everything the formats hold (bytes, keys of any type, timestamps,
//! decimals; flatbox-arrow's RECORDS.md has the mapping table). Each format
//! converts to and from it with the libraries' own calls
//! ([`flatbox::records`] for JSON, MessagePack and protobuf); a value the
//! output cannot hold is an error naming its type. Arrow IPC and Parquet
//! (from `flatbox-arrow`) are tables: a record is a row, a map of columns;
//! their reading and writing, batch by batch, is in [`crate::columnar`].

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use anyhow::{Context as _, anyhow};
use flatbox::codec::{Codec, CodecKind, Decoder, Encoder, Limits};
use flatbox::proto::Schema;
use flatbox::records;
use flatbox::wire::Value;

use crate::cli::ProtoArgs;
use crate::columnar;
use crate::error::{usage, usage_error};
use flatbox::formats::{FormatKind, sniff_prefix as sniff};
use flatbox::msgpack;

/// Reading and writing records in each format.
pub(crate) trait FormatIo {
    /// Reads records from `input`.
    ///
    /// # Errors
    ///
    /// Usage errors for a format that needs options not given; data errors
    /// when the input's first value does not decode.
    fn reader(self, input: Input, schema: Option<&ProtoSchema>) -> anyhow::Result<Records>;
    /// A writer of records in this format to `output` (see the impl).
    ///
    /// # Errors
    ///
    /// Usage errors for a format that cannot be written or needs options.
    fn writer(
        self,
        output: Output,
        stream: bool,
        schema: Option<&ProtoSchema>,
        inner: columnar::Inner,
    ) -> anyhow::Result<Box<dyn Sink>>;
}

impl FormatIo for FormatKind {
    /// Reads records from `input`.
    ///
    /// # Errors
    ///
    /// Usage errors for a format that needs options not given; data errors
    /// when the input's first value does not decode.
    fn reader(self, input: Input, schema: Option<&ProtoSchema>) -> anyhow::Result<Records> {
        let Input { name, reader, path, .. } = input;
        match self {
            FormatKind::Json => {
                let mut bytes = Vec::new();
                let mut reader = reader;
                reader.read_to_end(&mut bytes).with_context(|| format!("{name}: reading"))?;
                let text = std::str::from_utf8(&bytes)
                    .map_err(|e| anyhow!("{name}: expected one JSON document (UTF-8 text): {e}"))?;
                let value = records::from_json(text).with_context(|| format!("{name}: expected one JSON document"))?;
                Ok(Records::document(value))
            }
            FormatKind::Ndjson => {
                Ok(Records::stream(Box::new(NdjsonReader { name, reader, line: 0, buf: Vec::new() })))
            }
            FormatKind::Msgpack | FormatKind::Wire => {
                let mut stream = BinaryReader { name, reader: Counting::new(reader), format: self, index: 0 };
                let first = stream.next().transpose()?;
                let at_end = stream.at_end()?;
                let rest: Box<dyn Iterator<Item = anyhow::Result<Value>> + Send> = Box::new(stream);
                match first {
                    None => Ok(Records::stream(Box::new(std::iter::empty()))),
                    Some(value) if at_end => Ok(Records::document(value)),
                    Some(value) => Ok(Records::stream(Box::new(std::iter::once(Ok(value)).chain(rest)))),
                }
            }
            FormatKind::Protobuf => {
                let Some(schema) = schema else {
                    usage!(
                        "{name}: reading protobuf needs --proto FILE --message NAME (`flatbox inspect` decodes it without a schema)"
                    )
                };
                let mut bytes = Vec::new();
                let mut reader = reader;
                reader.read_to_end(&mut bytes).with_context(|| format!("{name}: reading"))?;
                let message = schema.schema.message(&schema.message)?;
                let value = records::from_protobuf(&message, &bytes)
                    .with_context(|| format!("{name}: expected a protobuf {}", schema.message))?;
                Ok(Records::document(value))
            }
            FormatKind::Csv => {
                let mut csv = csv::ReaderBuilder::new().has_headers(true).from_reader(reader);
                let headers = csv.headers().with_context(|| format!("{name}: expected a CSV header row"))?.clone();
                let headers: Vec<String> = headers.iter().map(str::to_owned).collect();
                let rows = csv.into_records().map(move |row| {
                    let row = row.map_err(|e| match e.position() {
                        Some(p) => anyhow!("{name}: line {}: expected a CSV row like the header: {e}", p.line()),
                        None => anyhow!("{name}: expected a CSV row: {e}"),
                    })?;
                    let row = headers
                        .iter()
                        .zip(row.iter())
                        .map(|(key, field)| (Value::String(key.clone()), csv_field(field)));
                    Ok(Value::Map(row.collect()))
                });
                Ok(Records::stream(Box::new(rows)))
            }
            FormatKind::Arrow => columnar::ipc_records(name, path, reader),
            FormatKind::Parquet => columnar::parquet_records(name, path, reader),
        }
    }

    /// A writer of records in this format to `output`. `stream` says
    /// whether the records are a sequence (NDJSON lines, several values)
    /// or one document. `inner` is the compression of Arrow IPC and Parquet,
    /// which compress inside the file (`output` then has no codec).
    ///
    /// # Errors
    ///
    /// Usage errors for a format that cannot be written or needs options.
    fn writer(
        self,
        output: Output,
        stream: bool,
        schema: Option<&ProtoSchema>,
        inner: columnar::Inner,
    ) -> anyhow::Result<Box<dyn Sink>> {
        Ok(match self {
            FormatKind::Json => Box::new(JsonSink { output, stream, count: 0 }),
            FormatKind::Ndjson => Box::new(NdjsonSink { output, stream }),
            FormatKind::Msgpack | FormatKind::Wire => Box::new(BinarySink { output, format: self, buf: Vec::new() }),
            FormatKind::Protobuf => {
                let Some(schema) = schema else { usage!("writing protobuf needs --proto FILE --message NAME") };
                Box::new(ProtobufSink { output, schema: schema.clone(), count: 0 })
            }
            FormatKind::Csv => {
                usage!("csv is an input format only; write ndjson, json, msgpack, wire, arrow or parquet")
            }
            FormatKind::Arrow | FormatKind::Parquet => {
                let name = output.name.clone();
                Box::new(columnar::ColumnarSink::new(output, name, self, inner, stream))
            }
        })
    }
}
/// A CSV field as a value: empty is null, then booleans, 64-bit integers
/// and finite floats, else a string.
fn csv_field(field: &str) -> Value {
    match field {
        "" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => {
            if let Ok(n) = field.parse::<u64>() {
                Value::Integer(n.into())
            } else if let Ok(n) = field.parse::<i64>() {
                Value::Integer(n.into())
            } else if let Some(f) = field.parse::<f64>().ok().filter(|f| f.is_finite()) {
                Value::F64(f)
            } else {
                Value::String(field.to_owned())
            }
        }
    }
}

/// A protobuf schema and the message type to read or write.
#[derive(Debug, Clone)]
pub(crate) struct ProtoSchema {
    pub(crate) schema: Schema,
    pub(crate) message: String,
}

impl ProtoSchema {
    /// Compiles `--proto` and checks `--message`, when given.
    ///
    /// # Errors
    ///
    /// A missing .proto is a usage error; one that does not compile, or a
    /// message it lacks, a data error naming the file.
    pub(crate) fn from_args(args: &ProtoArgs) -> anyhow::Result<Option<ProtoSchema>> {
        let (Some(path), Some(message)) = (&args.proto, &args.message) else { return Ok(None) };
        if !path.is_file() {
            usage!("{}: no such .proto file", path.display());
        }
        let schema = Schema::compile(path, &[]).with_context(|| format!("{}: compiling the schema", path.display()))?;
        schema.message(message).map_err(|e| usage_error(format!("{}: {e}", path.display())))?;
        Ok(Some(ProtoSchema { schema, message: message.clone() }))
    }
}

/// An opened input: its name for messages, the compression detected, and
/// the (decompressed) bytes.
pub(crate) struct Input {
    pub(crate) name: String,
    pub(crate) codec: Option<CodecKind>,
    pub(crate) reader: Box<dyn BufRead + Send>,
    /// The file, when the input is one uncompressed file (Arrow IPC maps
    /// it, Parquet reads it by row group); `None` for standard input and
    /// compressed inputs.
    pub(crate) path: Option<PathBuf>,
}

impl Input {
    /// Opens `path` (`-`: standard input) and detects a compressed frame.
    ///
    /// # Errors
    ///
    /// A usage error when the file cannot be opened.
    pub(crate) fn open(path: &Path) -> anyhow::Result<Input> {
        let name = path.display().to_string();
        let raw: Box<dyn Read + Send> = if path == Path::new("-") {
            Box::new(io::stdin())
        } else {
            if path.is_dir() {
                usage!("{name}: is a directory, not a file");
            }
            Box::new(File::open(path).map_err(|e| usage_error(format!("{name}: cannot open: {e}")))?)
        };
        let mut raw = BufReader::with_capacity(256 * 1024, raw);
        let head = raw.fill_buf().with_context(|| format!("{name}: reading"))?;
        let codec = flatbox::codec::detect(head);
        let reader: Box<dyn BufRead + Send> = match codec {
            Some(_) => Box::new(BufReader::with_capacity(
                256 * 1024,
                DecodeErrors { name: name.clone(), inner: Decoder::new(raw, Limits::new(u64::MAX)) },
            )),
            None => Box::new(raw),
        };
        let path = (codec.is_none() && path != Path::new("-")).then(|| path.to_path_buf());
        Ok(Input { name, codec, reader, path })
    }

    /// The input's first bytes (after decompression), without consuming
    /// them, and whether they are all of it.
    ///
    /// # Errors
    ///
    /// Read and decompression errors.
    pub(crate) fn peek(&mut self) -> anyhow::Result<(&[u8], bool)> {
        let name = self.name.clone();
        let head = self.reader.fill_buf().with_context(|| format!("{name}: reading"))?;
        // A short first read from a buffered file is the whole file; a
        // decoder may return less, and then the head is "maybe partial".
        let complete = head.len() < 64 * 1024 && self.codec.is_none();
        Ok((head, complete))
    }

    /// The format: `explicit`, else the path's extension, else sniffed.
    ///
    /// # Errors
    ///
    /// A usage error when none of them tells.
    pub(crate) fn detect(&mut self, explicit: Option<FormatKind>, path: &Path) -> anyhow::Result<FormatKind> {
        if let Some(f) = explicit {
            return Ok(f);
        }
        let name = self.name.clone();
        let (head, complete) = self.peek()?;
        if let Some(f) = FormatKind::from_path(path) {
            // MessagePack reads most ASCII text as small integers: refuse
            // text that is plainly JSON under a binary format's name.
            if matches!(f, FormatKind::Msgpack | FormatKind::Wire | FormatKind::Protobuf)
                && let Some(text @ (FormatKind::Json | FormatKind::Ndjson)) = sniff(head, complete)
                && flatbox::formats::looks_like_json(head)
            {
                anyhow::bail!(
                    "{name}: the extension says {} but the content is {} text (name the format with --from/--input to read it anyway)",
                    f.name(),
                    text.name()
                );
            }
            return Ok(f);
        }
        sniff(head, complete).ok_or_else(|| {
            usage_error(format!(
                "{name}: cannot tell the format from the extension or the content; name it with --from/--input (one of {})",
                FormatKind::ALL.map(FormatKind::name).join(", ")
            ))
        })
    }
}

/// Names the input in decompression errors (which surface as `io::Error`s
/// through `Read`).
struct DecodeErrors<R: Read> {
    name: String,
    inner: Decoder<'static, R>,
}

impl<R: Read> Read for DecodeErrors<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            let produced = self.inner.produced();
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "decompressing {} (after {produced} decompressed bytes): {}",
                    self.name,
                    flatbox::codec::Error::from_io(e)
                ),
            )
        })
    }
}

/// A `BufRead` that counts the bytes consumed, for offsets in messages.
pub(crate) struct Counting<R> {
    inner: R,
    pub(crate) pos: u64,
}

impl<R> Counting<R> {
    pub(crate) fn new(inner: R) -> Self {
        Counting { inner, pos: 0 }
    }
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.pos += amt as u64;
        self.inner.consume(amt);
    }
}

/// Records read from an input: one document, or a stream of records.
pub(crate) struct Records {
    /// Whether the input held a sequence of records rather than one value.
    pub(crate) stream: bool,
    pub(crate) iter: Box<dyn Iterator<Item = anyhow::Result<Value>> + Send>,
}

impl Records {
    pub(crate) fn document(value: Value) -> Self {
        Records { stream: false, iter: Box::new(std::iter::once(Ok(value))) }
    }

    pub(crate) fn stream(iter: Box<dyn Iterator<Item = anyhow::Result<Value>> + Send>) -> Self {
        Records { stream: true, iter }
    }

    /// Every record in memory: the document, or the stream's records as an
    /// array.
    ///
    /// # Errors
    ///
    /// The first record that fails to read.
    pub(crate) fn collect(self) -> anyhow::Result<(Value, usize)> {
        let stream = self.stream;
        let records = self.iter.collect::<anyhow::Result<Vec<Value>>>()?;
        let count = records.len();
        if stream {
            Ok((Value::Array(records), count))
        } else {
            let value = records.into_iter().next().unwrap_or(Value::Null);
            let count = if let Value::Array(items) = &value { items.len() } else { 1 };
            Ok((value, count))
        }
    }
}

struct NdjsonReader {
    name: String,
    reader: Box<dyn BufRead + Send>,
    line: u64,
    buf: Vec<u8>,
}

impl Iterator for NdjsonReader {
    type Item = anyhow::Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            self.line += 1;
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(anyhow!(e).context(format!("{}: line {}: reading", self.name, self.line)))),
            }
            if self.buf.trim_ascii().is_empty() {
                continue;
            }
            let parsed = std::str::from_utf8(trim_newline(&self.buf))
                .map_err(|e| e.to_string())
                .and_then(|text| records::from_json(text).map_err(|e| e.to_string()));
            return Some(parsed.map_err(|e| {
                anyhow!("{}: line {}: expected one JSON value per line: {}", self.name, self.line, within_line(&e))
            }));
        }
    }
}

struct BinaryReader {
    name: String,
    reader: Counting<Box<dyn BufRead + Send>>,
    format: FormatKind,
    index: u64,
}

impl BinaryReader {
    fn at_end(&mut self) -> anyhow::Result<bool> {
        Ok(self.reader.fill_buf().with_context(|| format!("{}: reading", self.name))?.is_empty())
    }

    fn read_one(&mut self) -> anyhow::Result<Option<Value>> {
        if self.at_end()? {
            return Ok(None);
        }
        let start = self.reader.pos;
        self.index += 1;
        let what = |e: &dyn std::fmt::Display| {
            anyhow!("{}: {} value {} starting at byte {start}: {e}", self.name, self.format.name(), self.index)
        };
        #[allow(clippy::single_match_else, reason = "one arm per binary format")]
        match self.format {
            FormatKind::Wire => {
                let value: Value = flatbox::wire::from_reader(&mut self.reader).map_err(|e| match e.into_kind() {
                    flatbox::wire::ErrorKind::Io(io) => anyhow!(io),
                    e => what(&format_args!("expected a flatbox-wire value (offsets within the value): {e}")),
                })?;
                Ok(Some(value))
            }
            _ => {
                let bytes = match msgpack::read_value(&mut self.reader, start) {
                    Ok(Some(bytes)) => bytes,
                    Ok(None) => return Ok(None),
                    Err(msgpack::WalkError::Io(e)) => return Err(anyhow!(e)),
                    Err(e) => return Err(anyhow!("{}: {e}", self.name)),
                };
                let value = records::from_msgpack(&bytes).map_err(|e| what(&format_args!("{e}")))?;
                Ok(Some(value))
            }
        }
    }
}

impl Iterator for BinaryReader {
    type Item = anyhow::Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        self.read_one().transpose()
    }
}

/// Where converted bytes go: a file or standard output, through a codec.
///
/// With a codec, compression runs on a second thread: writes fill 1 MiB
/// chunks that go through a channel of four to the thread that owns the
/// encoder, so encoding records and compressing them overlap, and memory
/// stays bounded (about six chunks).
pub(crate) struct Output {
    pub(crate) name: String,
    inner: OutputInner,
}

type RawWriter = BufWriter<Box<dyn Write + Send>>;

enum OutputInner {
    Direct(Box<Encoder<RawWriter>>),
    Threaded { chunk: Vec<u8>, sender: Option<SyncSender<Vec<u8>>>, thread: Option<JoinHandle<io::Result<()>>> },
}

const CHUNK: usize = 1 << 20;

impl Output {
    /// Creates `path` (`-`: standard output), compressing with `codec`.
    ///
    /// # Errors
    ///
    /// A usage error when the file cannot be created.
    pub(crate) fn create(path: &Path, codec: Codec) -> anyhow::Result<Output> {
        let name = path.display().to_string();
        let raw: Box<dyn Write + Send> = if path == Path::new("-") {
            Box::new(io::stdout())
        } else {
            Box::new(File::create(path).map_err(|e| usage_error(format!("{name}: cannot create: {e}")))?)
        };
        let encoder = Encoder::new(BufWriter::with_capacity(256 * 1024, raw), codec)
            .with_context(|| format!("{name}: starting {codec}"))?;
        if codec == Codec::None {
            return Ok(Output { name, inner: OutputInner::Direct(Box::new(encoder)) });
        }
        let (sender, receiver) = sync_channel::<Vec<u8>>(4);
        let thread = std::thread::Builder::new()
            .name("compress".into())
            .spawn(move || {
                let mut encoder = encoder;
                for chunk in receiver {
                    encoder.write_all(&chunk)?;
                }
                let mut writer = encoder.finish().map_err(io::Error::other)?;
                writer.flush()
            })
            .with_context(|| format!("{name}: starting the compression thread"))?;
        Ok(Output {
            name,
            inner: OutputInner::Threaded {
                chunk: Vec::with_capacity(CHUNK),
                sender: Some(sender),
                thread: Some(thread),
            },
        })
    }

    pub(crate) fn finish(self) -> anyhow::Result<()> {
        let name = self.name;
        match self.inner {
            OutputInner::Direct(encoder) => {
                let mut writer = encoder.finish().with_context(|| format!("{name}: writing"))?;
                writer.flush().with_context(|| format!("{name}: writing"))?;
            }
            threaded @ OutputInner::Threaded { .. } => {
                let mut this = Output { name: name.clone(), inner: threaded };
                this.send_chunk().with_context(|| format!("{name}: writing"))?;
                this.join().with_context(|| format!("{name}: writing"))?;
            }
        }
        Ok(())
    }

    /// Hands the current chunk to the compression thread.
    fn send_chunk(&mut self) -> io::Result<()> {
        let OutputInner::Threaded { chunk, sender, .. } = &mut self.inner else { return Ok(()) };
        if chunk.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(chunk, Vec::with_capacity(CHUNK));
        let sent = sender.as_ref().is_some_and(|s| s.send(full).is_ok());
        if sent {
            Ok(())
        } else {
            // The thread stopped: its error says why.
            self.join()?;
            Err(io::Error::other("the compression thread stopped"))
        }
    }

    /// Closes the channel and waits for the thread's result.
    fn join(&mut self) -> io::Result<()> {
        let OutputInner::Threaded { sender, thread, .. } = &mut self.inner else { return Ok(()) };
        drop(sender.take());
        match thread.take() {
            Some(handle) => handle.join().map_err(|_| io::Error::other("the compression thread failed"))?,
            None => Ok(()),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.inner {
            OutputInner::Direct(encoder) => encoder.write_all(buf),
            OutputInner::Threaded { chunk, .. } => {
                chunk.extend_from_slice(buf);
                if chunk.len() >= CHUNK { self.send_chunk() } else { Ok(()) }
            }
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            OutputInner::Direct(encoder) => encoder.flush(),
            OutputInner::Threaded { .. } => Ok(()),
        }
    }
}

/// Takes records one at a time and writes them in a format.
pub(crate) trait Sink {
    /// Writes one record.
    fn write(&mut self, record: &Value) -> anyhow::Result<()>;
    /// Ends the output (closing arrays and compressed frames).
    fn finish(self: Box<Self>) -> anyhow::Result<()>;
}

struct JsonSink {
    output: Output,
    stream: bool,
    count: u64,
}

impl Sink for JsonSink {
    fn write(&mut self, record: &Value) -> anyhow::Result<()> {
        let out = &mut self.output;
        if self.stream {
            out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        }
        out.write_all(records::to_json(record)?.as_bytes())?;
        if !self.stream {
            out.write_all(b"\n")?;
        }
        self.count += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> anyhow::Result<()> {
        if self.stream {
            self.output.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.output.finish()
    }
}

struct NdjsonSink {
    output: Output,
    stream: bool,
}

impl Sink for NdjsonSink {
    fn write(&mut self, record: &Value) -> anyhow::Result<()> {
        // A document that is an array becomes one line per element.
        let items: &[Value] = match record {
            Value::Array(items) if !self.stream => items,
            _ => std::slice::from_ref(record),
        };
        for item in items {
            let mut line = records::to_json(item)?;
            line.push('\n');
            self.output.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> anyhow::Result<()> {
        self.output.finish()
    }
}

struct BinarySink {
    output: Output,
    format: FormatKind,
    buf: Vec<u8>,
}

impl BinarySink {
    /// `value` in the sink's format, appended to `buf`.
    fn encode(&self, value: &Value, buf: &mut Vec<u8>) -> anyhow::Result<()> {
        if self.format == FormatKind::Wire {
            flatbox::wire::to_writer(buf, value)?;
        } else {
            buf.extend_from_slice(&records::to_msgpack(value)?);
        }
        Ok(())
    }
}

impl Sink for BinarySink {
    /// When a record (a map of columns) cannot be written, the error names
    /// the column whose value the format cannot hold.
    fn write(&mut self, record: &Value) -> anyhow::Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let encoded = self.encode(record, &mut buf);
        self.buf = buf;
        if let Err(e) = encoded {
            if let Value::Map(entries) = record {
                for (key, value) in entries {
                    if let Err(inner) = self.encode(value, &mut Vec::new()) {
                        let column = match key {
                            Value::String(s) => s.clone(),
                            other => format!("{other:?}"),
                        };
                        anyhow::bail!("column {column:?}: {} cannot hold it: {inner}", self.format.name());
                    }
                }
            }
            return Err(e.context(format!("{} cannot hold the record", self.format.name())));
        }
        self.output.write_all(&self.buf)?;
        Ok(())
    }

    fn finish(self: Box<Self>) -> anyhow::Result<()> {
        self.output.finish()
    }
}

struct ProtobufSink {
    output: Output,
    schema: ProtoSchema,
    count: u64,
}

impl Sink for ProtobufSink {
    fn write(&mut self, record: &Value) -> anyhow::Result<()> {
        self.count += 1;
        if self.count > 1 {
            return Err(anyhow!(
                "record {}: a protobuf file holds one {} message, and the input has more than one record (write ndjson, msgpack or wire for streams)",
                self.count,
                self.schema.message
            ));
        }
        let message = self.schema.schema.message(&self.schema.message)?;
        let bytes = records::to_protobuf(&message, record)
            .with_context(|| format!("record {}: expected the fields of a {}", self.count, self.schema.message))?;
        self.output.write_all(&bytes)?;
        Ok(())
    }

    fn finish(self: Box<Self>) -> anyhow::Result<()> {
        self.output.finish()
    }
}

/// A record as a `serde_json::Value`, in the record model's JSON convention
/// ([`records::to_json`]: bytes as hex, temporal values as text), for the
/// commands that measure or show JSON (`profile`, `inspect`).
///
/// # Errors
///
/// A value JSON cannot hold, named by its type.
pub(crate) fn json_value(record: &Value) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::from_str(&records::to_json(record)?)?)
}

/// A line without its `\n` (or `\r\n`).
pub(crate) fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A JSON error for one line of NDJSON: `serde_json` counts lines within
/// the line parsed, so "at line 1 column 7" becomes "at column 7".
pub(crate) fn within_line(error: &dyn std::fmt::Display) -> String {
    error.to_string().replace(" at line 1 column ", " at column ")
}
