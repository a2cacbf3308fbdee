//! flatbox-codec: compression glue over zstd, `lz4_flex` and flate2 that
//! speaks the standard frame formats and resists decompression bombs.
//!
//! - [`compress`] / [`compress_into`] write a standard frame: a zstd frame
//!   (content size and checksum), an LZ4 frame (content size and content
//!   checksum) or a gzip member. `zstd -d`, `lz4 -d` and `gzip -d` read
//!   them.
//! - [`decompress`] detects the format from the magic bytes ([`detect`]),
//!   decodes any number of concatenated frames (also of mixed kinds, and
//!   skipping zstd/LZ4 skippable frames) and stops at an output limit
//!   ([`Limits`], 256 MiB by default; [`decompress_with`] to change it). It
//!   reads what the command-line tools write.
//! - [`Compressor`] / [`Decompressor`] keep zstd's contexts for many small
//!   messages; [`Dictionary`] / [`DictionarySet`] train and use zstd
//!   dictionaries, looked up by the id each frame names.
//! - [`Encoder`] / [`Decoder`] stream through `Write` / `Read`.
//!
//! **Backends.** zstd is the reference C library (through the `zstd`
//! crate), LZ4 is `lz4_flex` (pure Rust, its frame format), and gzip is
//! flate2 with the `zlib-rs` backend: a pure-Rust zlib that matches
//! `zlib-ng`'s speed (markedly faster than flate2's default `miniz_oxide` at
//! the usual levels) without a C zlib to build or link.
//!
//! **Bombs.** Every decoding path counts its output: a frame that declares
//! a content size above the limit is refused before anything is allocated
//! ([`Error::DeclaredSizeExceedsLimit`]), and a frame that produces more
//! than it declared, or declares nothing, stops at the limit
//! ([`Error::OutputLimit`]) with the output buffer grown no further.
//!
//! # Examples
//!
//! ```
//! use flatbox_codec::{Codec, CodecKind, Limits};
//!
//! let data = b"ERROR: Connection failed\n".repeat(1000);
//! let zst = flatbox_codec::compress(Codec::Zstd { level: 3 }, &data);
//! assert!(zst.len() < data.len() / 50);
//! assert_eq!(flatbox_codec::detect(&zst), Some(CodecKind::Zstd));
//! assert_eq!(flatbox_codec::decompress(&zst)?, data);
//!
//! // The same bytes, refused under a tighter limit.
//! let err = flatbox_codec::decompress_with(&zst, Limits::new(1024)).unwrap_err();
//! assert!(err.to_string().contains("more than the 1024-byte output limit"), "{err}");
//! # Ok::<(), flatbox_codec::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod codec;
mod decode;
mod dict;
mod encode;
mod error;
mod frame;
mod source;

pub use codec::{Codec, CodecKind};
pub use decode::{Decoder, Decompressor};
pub use dict::{Dictionary, DictionarySet};
pub use encode::{Compressor, Encoder};
pub use error::{Error, Result};

/// How much a decoder may produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most decompressed bytes one call (or one stream) may produce.
    pub max_output: u64,
}

impl Limits {
    /// The default output limit: 256 MiB. Raise it explicitly for larger
    /// payloads.
    pub const DEFAULT_MAX_OUTPUT: u64 = 256 << 20;

    /// Limits with the given output limit.
    pub const fn new(max_output: u64) -> Self {
        Limits { max_output }
    }
}

impl Default for Limits {
    /// [`Limits::DEFAULT_MAX_OUTPUT`].
    fn default() -> Self {
        Limits::new(Limits::DEFAULT_MAX_OUTPUT)
    }
}

/// Compresses `input` into one standard frame of `codec` (or returns a copy
/// for [`Codec::None`]).
///
/// # Examples
///
/// ```
/// use flatbox_codec::Codec;
///
/// let lz4 = flatbox_codec::compress(Codec::Lz4, b"hello hello hello");
/// assert_eq!(&lz4[..4], [0x04, 0x22, 0x4D, 0x18]); // the LZ4 frame magic
/// ```
pub fn compress(codec: Codec, input: &[u8]) -> Vec<u8> {
    Compressor::new(codec).compress(input)
}

/// Compresses `input`, appending the frame to `out`.
pub fn compress_into(codec: Codec, input: &[u8], out: &mut Vec<u8>) {
    Compressor::new(codec).compress_into(input, out);
}

/// Decompresses all the frames in `input`, detecting each one's format,
/// with the default [`Limits`].
///
/// # Errors
///
/// [`Error::UnknownFormat`], [`Error::Truncated`], [`Error::Checksum`],
/// [`Error::Corrupt`], [`Error::DeclaredSizeExceedsLimit`],
/// [`Error::OutputLimit`], and [`Error::UnknownDictionary`] for a frame
/// that needs a dictionary (use a [`Decompressor`] with the dictionary).
pub fn decompress(input: &[u8]) -> Result<Vec<u8>> {
    decompress_with(input, Limits::default())
}

/// [`decompress`] with explicit [`Limits`].
///
/// # Errors
///
/// As [`decompress`].
pub fn decompress_with(input: &[u8], limits: Limits) -> Result<Vec<u8>> {
    Decompressor::new(limits).decompress(input)
}

/// The format of the frame `input` starts with, from its magic bytes.
///
/// # Examples
///
/// ```
/// use flatbox_codec::{Codec, CodecKind};
///
/// assert_eq!(flatbox_codec::detect(&flatbox_codec::compress(Codec::Gzip { level: 1 }, b"x")), Some(CodecKind::Gzip));
/// assert_eq!(flatbox_codec::detect(b"{\"json\": true}"), None);
/// ```
pub fn detect(input: &[u8]) -> Option<CodecKind> {
    match frame::magic(input)? {
        frame::Magic::Frame(kind) => Some(kind),
        frame::Magic::Skippable => None,
    }
}
