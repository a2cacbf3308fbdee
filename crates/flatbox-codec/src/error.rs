//! The error type of compression and decompression.

use crate::CodecKind;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong compressing or decompressing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A codec name or level could not be parsed.
    #[error("invalid codec {input:?}: {reason}")]
    InvalidCodec {
        /// What was given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The input does not start with a zstd, LZ4 or gzip frame.
    #[error("unknown format at byte {offset}: magic bytes {magic:02X?} are not a zstd, lz4 or gzip frame")]
    UnknownFormat {
        /// Where the unrecognised frame starts.
        offset: u64,
        /// Its first bytes (up to four).
        magic: Vec<u8>,
    },
    /// The input ended in the middle of a frame.
    #[error("{codec} frame is truncated (input ended after {consumed} bytes)")]
    Truncated {
        /// The frame's codec.
        codec: CodecKind,
        /// How many input bytes had been read.
        consumed: u64,
    },
    /// A checksum in the frame does not match its content.
    #[error("{codec} checksum mismatch: the data is corrupt")]
    Checksum {
        /// The frame's codec.
        codec: CodecKind,
    },
    /// The frame is malformed in another way.
    #[error("{codec} frame is corrupt: {message}")]
    Corrupt {
        /// The frame's codec.
        codec: CodecKind,
        /// What the codec library reported.
        message: String,
    },
    /// A frame declares a content size above [`Limits::max_output`]; nothing
    /// was allocated for it.
    ///
    /// [`Limits::max_output`]: crate::Limits::max_output
    #[error("{codec} frame declares {declared} bytes of content, more than the {limit}-byte output limit")]
    DeclaredSizeExceedsLimit {
        /// The frame's codec.
        codec: CodecKind,
        /// The size the frame declares.
        declared: u64,
        /// The limit.
        limit: u64,
    },
    /// Decompressing produced more than [`Limits::max_output`] bytes (a
    /// decompression bomb, or a limit set too low); decoding stopped there.
    ///
    /// [`Limits::max_output`]: crate::Limits::max_output
    #[error("decompressed output exceeds the {limit}-byte limit (raise Limits::max_output to accept more)")]
    OutputLimit {
        /// The limit.
        limit: u64,
    },
    /// A zstd frame needs a dictionary that the set does not have.
    #[error("zstd frame needs dictionary {id}, which is not in the dictionary set")]
    UnknownDictionary {
        /// The dictionary id the frame names.
        id: u32,
    },
    /// Training a zstd dictionary failed (too few or too small samples).
    #[error("training a zstd dictionary failed: {0}")]
    Training(String),
    /// An I/O error from the reader or writer of a stream.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}
