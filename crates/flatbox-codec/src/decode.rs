//! Decompression: the streaming [`Decoder`] (format detection, any number
//! of concatenated frames, an output limit) and the reusable
//! [`Decompressor`].

use std::io::{self, BufRead, Read};

use crate::dict::DictionarySet;
use crate::error::{Error, Result};
use crate::frame::{self, Magic};
use crate::source::Source;
use crate::{CodecKind, Limits};

/// The longest frame header the decoder looks at up front (zstd: 18 bytes).
const HEADER_PEEK: usize = 18;

enum State<'d, R: Read> {
    /// Between frames: the next bytes start a frame, or the input ends.
    Between(Source<R>),
    Zstd(zstd::stream::read::Decoder<'d, Source<R>>),
    Lz4(lz4_flex::frame::FrameDecoder<Source<R>>),
    Gzip(flate2::bufread::GzDecoder<Source<R>>),
    /// The input ended cleanly.
    Done,
    /// An error was returned; reading again returns an error.
    Failed,
}

/// Decompresses a stream of zstd, LZ4 and gzip frames from any `Read`.
///
/// Each frame's format is detected from its magic bytes, frames may follow
/// one another (of the same or different kinds, with zstd/LZ4 skippable
/// frames between them), and output beyond [`Limits::max_output`] is an
/// error rather than an allocation. It reads no further than it needs.
///
/// As a `Read`, its errors are `io::Error`s carrying an [`Error`] (use
/// [`Error::from_io`] to get it back); [`Decoder::read_all`] returns
/// [`Error`] directly.
///
/// # Examples
///
/// ```
/// use std::io::Read;
/// use flatbox_codec::{Codec, Decoder, Limits};
///
/// // Two frames of different kinds, back to back.
/// let mut stream = flatbox_codec::compress(Codec::Zstd { level: 3 }, b"hello, ");
/// stream.extend(flatbox_codec::compress(Codec::Lz4, b"world"));
///
/// let mut text = String::new();
/// Decoder::new(&stream[..], Limits::default()).read_to_string(&mut text)?;
/// assert_eq!(text, "hello, world");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Decoder<'d, R: Read> {
    state: State<'d, R>,
    limits: Limits,
    produced: u64,
    current: Option<CodecKind>,
    dictionaries: Option<&'d DictionarySet>,
}

impl<'d, R: Read> Decoder<'d, R> {
    /// A decoder of `reader` with `limits`.
    pub fn new(reader: R, limits: Limits) -> Self {
        Decoder { state: State::Between(Source::new(reader)), limits, produced: 0, current: None, dictionaries: None }
    }

    /// A decoder that looks zstd dictionaries up in `dictionaries` by the id
    /// each frame names.
    pub fn with_dictionaries(reader: R, limits: Limits, dictionaries: &'d DictionarySet) -> Self {
        Decoder { dictionaries: Some(dictionaries), ..Decoder::new(reader, limits) }
    }

    /// How many decompressed bytes it has produced.
    pub fn produced(&self) -> u64 {
        self.produced
    }

    /// Reads everything that is left into `out`, growing it no further than
    /// the output limit allows.
    ///
    /// # Errors
    ///
    /// Any decoding error; [`Error::OutputLimit`] past the limit.
    pub fn read_all(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let mut chunk = vec![0_u8; 64 * 1024];
        loop {
            let n = match self.read(&mut chunk) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::from_io(e)),
            };
            // Grow by doubling, but never past the limit: peak memory stays
            // near the limit even for a bomb.
            if out.capacity() - out.len() < n {
                let cap = self.limits.max_output.saturating_add(1);
                let room = usize::try_from(cap).unwrap_or(usize::MAX).saturating_sub(out.len());
                out.reserve_exact(out.capacity().max(n).min(room).max(n));
            }
            out.extend_from_slice(&chunk[..n]);
        }
    }

    /// [`Decoder::read_all`] when the output size is probably `hint`:
    /// reads straight into `out` up to the hint (no intermediate copy), and
    /// past it in bounded steps like `read_all`.
    fn read_all_hinted(&mut self, out: &mut Vec<u8>, hint: u64) -> Result<()> {
        let hint = hint.min(self.limits.max_output);
        out.reserve_exact(usize::try_from(hint).unwrap_or(0).saturating_add(1));
        let read = (&mut *self).take(hint + 1).read_to_end(out).map_err(Error::from_io)?;
        if (read as u64) <= hint {
            return Ok(());
        }
        self.read_all(out)
    }

    fn fail(&mut self, error: Error) -> io::Error {
        self.state = State::Failed;
        io::Error::other(error)
    }

    /// Classifies an error from a frame decoder.
    fn classify(&self, e: &io::Error, consumed: u64) -> Error {
        let codec = self.current.unwrap_or(CodecKind::Zstd);
        if e.kind() == io::ErrorKind::UnexpectedEof {
            return Error::Truncated { codec, consumed };
        }
        if let Some(lz4) = e.get_ref().and_then(|inner| inner.downcast_ref::<lz4_flex::frame::Error>()) {
            use lz4_flex::frame::Error as L;
            return match lz4 {
                L::ContentChecksumError | L::BlockChecksumError | L::HeaderChecksumError => Error::Checksum { codec },
                L::IoError(io) if io.kind() == io::ErrorKind::UnexpectedEof => Error::Truncated { codec, consumed },
                other => Error::Corrupt { codec, message: other.to_string() },
            };
        }
        let message = e.to_string();
        let lower = message.to_ascii_lowercase();
        if lower.contains("checksum") {
            Error::Checksum { codec }
        } else if lower.contains("incomplete") || lower.contains("unexpected end") {
            Error::Truncated { codec, consumed }
        } else {
            Error::Corrupt { codec, message }
        }
    }

    /// Starts the next frame, or finishes at the end of the input.
    fn next_frame(&mut self, mut source: Source<R>) -> Result<()> {
        loop {
            let offset = source.consumed();
            let mut head = [0_u8; HEADER_PEEK];
            let peeked = source.peek(HEADER_PEEK)?;
            let head_len = peeked.len();
            head[..head_len].copy_from_slice(peeked);
            let header = &head[..head_len];
            if header.is_empty() {
                self.state = State::Done;
                return Ok(());
            }
            match frame::magic(header) {
                None => {
                    return Err(Error::UnknownFormat { offset, magic: header[..header.len().min(4)].to_vec() });
                }
                Some(Magic::Skippable) => {
                    let size = match header.get(4..8) {
                        Some(s) => u64::from(u32::from_le_bytes(s.try_into().expect("4 bytes"))),
                        None => return Err(Error::Truncated { codec: CodecKind::Zstd, consumed: offset }),
                    };
                    source.consume(8);
                    let skipped = io::copy(&mut (&mut source).take(size), &mut io::sink())?;
                    if skipped < size {
                        return Err(Error::Truncated { codec: CodecKind::Zstd, consumed: source.consumed() });
                    }
                }
                Some(Magic::Frame(kind)) => {
                    if let Some(declared) = frame::declared_size(kind, header) {
                        let room = self.limits.max_output.saturating_sub(self.produced);
                        if declared > room {
                            return Err(Error::DeclaredSizeExceedsLimit {
                                codec: kind,
                                declared,
                                limit: self.limits.max_output,
                            });
                        }
                    }
                    self.current = Some(kind);
                    self.state = match kind {
                        CodecKind::Zstd => {
                            let dictionary = match zstd::zstd_safe::get_dict_id_from_frame(header) {
                                None => None,
                                Some(id) => Some(
                                    self.dictionaries
                                        .and_then(|set| set.get(id.get()))
                                        .ok_or(Error::UnknownDictionary { id: id.get() })?,
                                ),
                            };
                            let decoder = match dictionary {
                                Some(d) => zstd::stream::read::Decoder::with_dictionary(source, d.as_bytes())?,
                                None => zstd::stream::read::Decoder::with_buffer(source)?,
                            };
                            State::Zstd(decoder.single_frame())
                        }
                        CodecKind::Lz4 => State::Lz4(lz4_flex::frame::FrameDecoder::new(source)),
                        CodecKind::Gzip => State::Gzip(flate2::bufread::GzDecoder::new(source)),
                    };
                    return Ok(());
                }
            }
        }
    }
}

impl<R: Read> Read for Decoder<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // One byte more than the limit allows tells a bomb from a stream
        // that ends exactly at the limit.
        let room = self.limits.max_output.saturating_sub(self.produced).saturating_add(1);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let buf = &mut buf[..want];
        loop {
            let result = match &mut self.state {
                State::Done => return Ok(0),
                State::Failed => return Err(io::Error::other("decoder failed earlier")),
                State::Between(_) => {
                    let State::Between(source) = std::mem::replace(&mut self.state, State::Failed) else {
                        unreachable!("matched above")
                    };
                    if let Err(e) = self.next_frame(source) {
                        return Err(self.fail(e));
                    }
                    continue;
                }
                State::Zstd(d) => d.read(buf).map_err(|e| (e, d.get_ref().consumed())),
                State::Lz4(d) => d.read(buf).map_err(|e| (e, d.get_ref().consumed())),
                State::Gzip(d) => d.read(buf).map_err(|e| (e, d.get_ref().consumed())),
            };
            match result {
                Ok(0) => {
                    // The frame ended: the next bytes are another frame or the end.
                    let source = match std::mem::replace(&mut self.state, State::Failed) {
                        State::Zstd(d) => d.finish(),
                        State::Lz4(d) => d.into_inner(),
                        State::Gzip(d) => d.into_inner(),
                        _ => unreachable!("only frame states read"),
                    };
                    self.state = State::Between(source);
                }
                Ok(n) => {
                    self.produced += n as u64;
                    if self.produced > self.limits.max_output {
                        let limit = self.limits.max_output;
                        return Err(self.fail(Error::OutputLimit { limit }));
                    }
                    return Ok(n);
                }
                Err((e, consumed)) if e.kind() != io::ErrorKind::Interrupted => {
                    let error = self.classify(&e, consumed);
                    return Err(self.fail(error));
                }
                Err(_) => {}
            }
        }
    }
}

impl Error {
    /// The same error for a decoder that started `by` input bytes later and
    /// had `limit` as its whole output limit.
    fn shifted(self, by: u64, limit: u64) -> Error {
        match self {
            Error::UnknownFormat { offset, magic } => Error::UnknownFormat { offset: offset + by, magic },
            Error::Truncated { codec, consumed } => Error::Truncated { codec, consumed: consumed + by },
            Error::OutputLimit { .. } => Error::OutputLimit { limit },
            Error::DeclaredSizeExceedsLimit { codec, declared, .. } => {
                Error::DeclaredSizeExceedsLimit { codec, declared, limit }
            }
            other => other,
        }
    }

    /// The [`Error`] inside an `io::Error` from a [`Decoder`] or
    /// [`Encoder`](crate::Encoder), or the `io::Error` itself as
    /// [`Error::Io`].
    pub fn from_io(e: io::Error) -> Error {
        if e.get_ref().is_some_and(<dyn std::error::Error + Send + Sync>::is::<Error>) {
            match e.into_inner().map(<dyn std::error::Error + Send + Sync>::downcast::<Error>) {
                Some(Ok(inner)) => *inner,
                _ => Error::Io(io::Error::other("unrepresentable decoder error")),
            }
        } else {
            Error::Io(e)
        }
    }
}

/// Decompresses many small inputs, keeping zstd's decompression contexts
/// (one per dictionary) between calls.
///
/// # Examples
///
/// ```
/// use flatbox_codec::{Codec, Compressor, Decompressor, Limits};
///
/// let mut compressor = Compressor::new(Codec::Zstd { level: 3 });
/// let mut decompressor = Decompressor::new(Limits::default());
/// for message in ["GET /", "POST /login", "GET /cart"] {
///     let frame = compressor.compress(message.as_bytes());
///     assert_eq!(decompressor.decompress(&frame)?, message.as_bytes());
/// }
/// # Ok::<(), flatbox_codec::Error>(())
/// ```
pub struct Decompressor {
    limits: Limits,
    plain: Option<zstd::bulk::Decompressor<'static>>,
    dictionaries: DictionarySet,
    with_dictionary: std::collections::HashMap<u32, zstd::bulk::Decompressor<'static>>,
}

impl Decompressor {
    /// A decompressor with `limits` and no dictionaries.
    pub fn new(limits: Limits) -> Self {
        Decompressor::with_dictionaries(limits, DictionarySet::new())
    }

    /// A decompressor that decodes zstd frames made with any of
    /// `dictionaries`.
    pub fn with_dictionaries(limits: Limits, dictionaries: DictionarySet) -> Self {
        Decompressor { limits, plain: None, dictionaries, with_dictionary: std::collections::HashMap::new() }
    }

    /// Decompresses `input` (any supported frames).
    ///
    /// # Errors
    ///
    /// As [`decompress_with`](crate::decompress_with), plus
    /// [`Error::UnknownDictionary`].
    pub fn decompress(&mut self, input: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.decompress_into(input, &mut out)?;
        Ok(out)
    }

    /// Decompresses `input`, appending to `out`.
    ///
    /// # Errors
    ///
    /// As [`Decompressor::decompress`].
    pub fn decompress_into(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        // Fast path: exactly one zstd frame that declares its size, decoded
        // with a reused context straight into `out`.
        if frame::magic(input) == Some(Magic::Frame(CodecKind::Zstd))
            && let Some(declared) = frame::declared_size(CodecKind::Zstd, input)
            && zstd::zstd_safe::find_frame_compressed_size(input).ok() == Some(input.len())
        {
            if declared > self.limits.max_output {
                return Err(Error::DeclaredSizeExceedsLimit {
                    codec: CodecKind::Zstd,
                    declared,
                    limit: self.limits.max_output,
                });
            }
            let capacity = usize::try_from(declared).unwrap_or(usize::MAX);
            let context = match zstd::zstd_safe::get_dict_id_from_frame(input) {
                None => match &mut self.plain {
                    Some(c) => c,
                    None => self.plain.insert(zstd::bulk::Decompressor::new()?),
                },
                Some(id) => match self.with_dictionary.entry(id.get()) {
                    std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                    std::collections::hash_map::Entry::Vacant(entry) => {
                        let id = id.get();
                        let dictionary = self.dictionaries.get(id).ok_or(Error::UnknownDictionary { id })?;
                        entry.insert(zstd::bulk::Decompressor::with_dictionary(dictionary.as_bytes())?)
                    }
                },
            };
            // zstd writes from the start of the vector it is given.
            let result = if out.is_empty() {
                out.reserve_exact(capacity);
                context.decompress_to_buffer(input, out).map(drop)
            } else {
                let mut tail = Vec::with_capacity(capacity);
                context.decompress_to_buffer(input, &mut tail).map(|_| out.extend_from_slice(&tail))
            };
            return result.map_err(|e| Decoder::<&[u8]>::new(input, self.limits).classify_zstd(&e));
        }
        // An LZ4 frame that declares its size: decoded straight into `out`
        // (the streaming path costs two copies more), then any frames after
        // it through the streaming path.
        if frame::magic(input) == Some(Magic::Frame(CodecKind::Lz4))
            && let Some(declared) = frame::declared_size(CodecKind::Lz4, input)
        {
            let limit = self.limits.max_output;
            if declared > limit {
                return Err(Error::DeclaredSizeExceedsLimit { codec: CodecKind::Lz4, declared, limit });
            }
            let mut rest = input;
            let start = out.len();
            out.reserve_exact(usize::try_from(declared).unwrap_or(0));
            let mut lz4 = lz4_flex::frame::FrameDecoder::new(&mut rest);
            // lz4_flex checks the declared size only at the frame's end, so
            // count here: a frame that lies about its size stops at it.
            let read: io::Result<()> = loop {
                let chunk = match lz4.fill_buf() {
                    Ok([]) => break Ok(()),
                    Ok(chunk) => chunk,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => break Err(e),
                };
                if (out.len() - start + chunk.len()) as u64 > declared {
                    out.truncate(start);
                    return Err(Error::Corrupt {
                        codec: CodecKind::Lz4,
                        message: format!("frame declares {declared} bytes but holds more"),
                    });
                }
                out.extend_from_slice(chunk);
                let n = chunk.len();
                lz4.consume(n);
            };
            drop(lz4);
            let consumed = (input.len() - rest.len()) as u64;
            if let Err(e) = read {
                let mut classifier = Decoder::new(&[][..], self.limits);
                classifier.current = Some(CodecKind::Lz4);
                return Err(classifier.classify(&e, consumed));
            }
            if rest.is_empty() {
                return Ok(());
            }
            let produced = (out.len() - start) as u64;
            let limits = Limits::new(limit - produced);
            return Decoder::with_dictionaries(rest, limits, &self.dictionaries)
                .read_all(out)
                .map_err(|e| e.shifted(consumed, limit));
        }
        let mut decoder = Decoder::with_dictionaries(input, self.limits, &self.dictionaries);
        match size_hint(input) {
            Some(hint) => decoder.read_all_hinted(out, hint),
            None => decoder.read_all(out),
        }
    }
}

/// What a gzip input's output size probably is: its ISIZE trailer (the
/// last member's size modulo 2^32). Only a hint: the limit is enforced
/// while reading. (For LZ4, reading in chunks measured faster than reading
/// straight into the output, so LZ4 takes no hint; single zstd frames take
/// the bulk path above.)
fn size_hint(input: &[u8]) -> Option<u64> {
    if frame::magic(input)? != Magic::Frame(CodecKind::Gzip) {
        return None;
    }
    let tail = input.len().checked_sub(4).and_then(|at| input.get(at..))?;
    Some(u64::from(u32::from_le_bytes(tail.try_into().ok()?)))
}

impl<R: Read> Decoder<'_, R> {
    fn classify_zstd(mut self, e: &io::Error) -> Error {
        self.current = Some(CodecKind::Zstd);
        self.classify(e, 0)
    }
}
