//! Compression: one-shot through [`Compressor`], and the streaming
//! [`Encoder`].

use std::io::{self, Write};

use crate::Codec;
use crate::dict::Dictionary;
use crate::error::{Error, Result};

/// Levels beyond these are clamped, so no `Codec` value can fail.
fn zstd_level(level: i32) -> i32 {
    level.clamp(-7, 22)
}

fn gzip_level(level: u32) -> flate2::Compression {
    flate2::Compression::new(level.min(9))
}

/// Compresses many inputs with one codec, keeping zstd's compression
/// context (and dictionary) between calls: for the tutorial's cache of many
/// small values. LZ4 and gzip have no context worth keeping; they compress
/// each input afresh.
///
/// Every zstd frame carries its content size and a checksum, every LZ4
/// frame its content size and a content checksum.
///
/// # Examples
///
/// ```
/// use flatbox_codec::{Codec, Compressor};
///
/// let mut compressor = Compressor::new(Codec::Zstd { level: 1 });
/// let mut out = Vec::new();
/// for i in 0..3 {
///     out.clear();
///     compressor.compress_into(format!("message {i}").as_bytes(), &mut out);
///     assert_eq!(flatbox_codec::decompress(&out)?, format!("message {i}").as_bytes());
/// }
/// # Ok::<(), flatbox_codec::Error>(())
/// ```
pub struct Compressor {
    codec: Codec,
    zstd: Option<zstd::bulk::Compressor<'static>>,
}

impl Compressor {
    /// A compressor for `codec`.
    pub fn new(codec: Codec) -> Self {
        Compressor { codec, zstd: None }
    }

    /// A zstd compressor at `level` that uses `dictionary`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when zstd rejects the dictionary.
    pub fn with_dictionary(level: i32, dictionary: &Dictionary) -> Result<Self> {
        let mut context = zstd::bulk::Compressor::with_dictionary(zstd_level(level), dictionary.as_bytes())?;
        context.include_checksum(true)?;
        Ok(Compressor { codec: Codec::Zstd { level }, zstd: Some(context) })
    }

    /// The codec it compresses with.
    pub fn codec(&self) -> Codec {
        self.codec
    }

    /// Compresses `input` into a new vector.
    pub fn compress(&mut self, input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        self.compress_into(input, &mut out);
        out
    }

    /// Compresses `input`, appending to `out`.
    ///
    /// # Panics
    ///
    /// Only if a codec library fails on an in-memory buffer, which they do
    /// only when out of memory.
    pub fn compress_into(&mut self, input: &[u8], out: &mut Vec<u8>) {
        match self.codec {
            Codec::None => out.extend_from_slice(input),
            Codec::Zstd { level } => {
                let context = self.zstd.get_or_insert_with(|| {
                    let mut c = zstd::bulk::Compressor::new(zstd_level(level)).expect("zstd context");
                    c.include_checksum(true).expect("a valid zstd parameter");
                    c
                });
                // zstd writes from the start of the vector it is given.
                let bound = zstd::zstd_safe::compress_bound(input.len());
                if out.is_empty() {
                    out.reserve_exact(bound);
                    context.compress_to_buffer(input, out).expect("the buffer holds compress_bound bytes");
                } else {
                    let mut frame = Vec::with_capacity(bound);
                    context.compress_to_buffer(input, &mut frame).expect("the buffer holds compress_bound bytes");
                    out.extend_from_slice(&frame);
                }
            }
            Codec::Lz4 => {
                let info =
                    lz4_flex::frame::FrameInfo::new().content_size(Some(input.len() as u64)).content_checksum(true);
                let mut encoder = lz4_flex::frame::FrameEncoder::with_frame_info(info, out);
                encoder.write_all(input).expect("writing to a Vec");
                encoder.finish().expect("writing to a Vec");
            }
            Codec::Gzip { level } => {
                let mut encoder = flate2::write::GzEncoder::new(out, gzip_level(level));
                encoder.write_all(input).expect("writing to a Vec");
                encoder.finish().expect("writing to a Vec");
            }
        }
    }
}

enum Inner<W: Write> {
    None(W),
    Zstd(zstd::stream::write::Encoder<'static, W>),
    Lz4(lz4_flex::frame::FrameEncoder<W>),
    Gzip(flate2::write::GzEncoder<W>),
}

/// Compresses everything written to it into one frame on `W`; call
/// [`Encoder::finish`] to end the frame and get the writer back.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use flatbox_codec::{Codec, Encoder};
///
/// let mut encoder = Encoder::new(Vec::new(), Codec::Gzip { level: 6 })?;
/// for line in ["first line\n", "second line\n"] {
///     encoder.write_all(line.as_bytes())?;
/// }
/// let gz = encoder.finish()?;
/// assert_eq!(flatbox_codec::decompress(&gz)?, b"first line\nsecond line\n");
/// # Ok::<(), flatbox_codec::Error>(())
/// ```
pub struct Encoder<W: Write> {
    inner: Inner<W>,
}

impl<W: Write> Encoder<W> {
    /// An encoder writing `codec` frames to `writer`. zstd frames carry a
    /// checksum; LZ4 frames a content checksum (neither knows the content
    /// size in advance).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when zstd cannot set up its context.
    pub fn new(writer: W, codec: Codec) -> Result<Self> {
        let inner = match codec {
            Codec::None => Inner::None(writer),
            Codec::Zstd { level } => {
                let mut e = zstd::stream::write::Encoder::new(writer, zstd_level(level))?;
                e.include_checksum(true)?;
                Inner::Zstd(e)
            }
            Codec::Lz4 => Inner::Lz4(lz4_flex::frame::FrameEncoder::with_frame_info(
                lz4_flex::frame::FrameInfo::new().content_checksum(true),
                writer,
            )),
            Codec::Gzip { level } => Inner::Gzip(flate2::write::GzEncoder::new(writer, gzip_level(level))),
        };
        Ok(Encoder { inner })
    }

    /// Ends the frame and returns the writer.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] from the writer.
    pub fn finish(self) -> Result<W> {
        Ok(match self.inner {
            Inner::None(w) => w,
            Inner::Zstd(e) => e.finish()?,
            Inner::Lz4(e) => e.finish().map_err(|e| Error::Io(io::Error::other(e)))?,
            Inner::Gzip(e) => e.finish()?,
        })
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::None(w) => w.write(buf),
            Inner::Zstd(e) => e.write(buf),
            Inner::Lz4(e) => e.write(buf),
            Inner::Gzip(e) => e.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::None(w) => w.flush(),
            Inner::Zstd(e) => e.flush(),
            Inner::Lz4(e) => e.flush(),
            Inner::Gzip(e) => e.flush(),
        }
    }
}
