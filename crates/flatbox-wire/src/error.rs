//! The error type of encoding and decoding.

use std::fmt::Display;

use crate::varint::VarintError;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong encoding or decoding flatbox-wire.
///
/// Decoding errors carry the byte `offset` where the problem was found,
/// counted from the start of the input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended in the middle of a value.
    #[error("unexpected end of input at byte {offset}: {needed} more bytes needed for {what}")]
    Eof {
        /// Where the incomplete item starts or continues.
        offset: usize,
        /// How many more bytes the item needs (at least).
        needed: usize,
        /// What was being read.
        what: &'static str,
    },
    /// A tag byte that no version of the format defines (`0xF5..=0xFF`).
    #[error("unknown tag 0x{tag:02X} at byte {offset}")]
    UnknownTag {
        /// Where the tag is.
        offset: usize,
        /// The tag byte.
        tag: u8,
    },
    /// A valid tag where the type being decoded cannot accept it (a string
    /// where a bool was expected, say).
    #[error("expected {expected} at byte {offset}, found {found} (tag 0x{tag:02X})")]
    UnexpectedTag {
        /// Where the tag is.
        offset: usize,
        /// The tag byte.
        tag: u8,
        /// What the tag starts.
        found: &'static str,
        /// What the decoder needed.
        expected: &'static str,
    },
    /// A varint was truncated, overlong or too large for its type.
    #[error("invalid varint at byte {offset}: {source}")]
    Varint {
        /// Where the varint starts.
        offset: usize,
        /// What is wrong with it.
        #[source]
        source: VarintError,
    },
    /// A length or count is larger than the input that remains could hold.
    #[error("{what} at byte {offset} declares {declared}, but only {remaining} bytes remain")]
    LengthExceedsInput {
        /// Where the length is.
        offset: usize,
        /// What the length counts ("string length", "array count", ...).
        what: &'static str,
        /// The declared length or count.
        declared: u64,
        /// How many bytes remain after the length.
        remaining: usize,
    },
    /// A string's bytes are not UTF-8.
    #[error("invalid UTF-8 in string at byte {offset}")]
    InvalidUtf8 {
        /// Where the string's bytes start.
        offset: usize,
    },
    /// A string reference names an entry the interning table does not have.
    #[error("string reference {index} at byte {offset}, but only {defined} strings are defined")]
    BadStringRef {
        /// Where the reference is.
        offset: usize,
        /// The index it names.
        index: u64,
        /// How many strings were defined before it.
        defined: usize,
    },
    /// A shape reference names a shape not yet (completely) defined.
    #[error("shape reference {index} at byte {offset}, but only {defined} shapes are defined")]
    BadShapeRef {
        /// Where the reference is.
        offset: usize,
        /// The index it names.
        index: u64,
        /// How many shapes were completely defined before it.
        defined: usize,
    },
    /// A key in a shape definition is not a string.
    #[error("struct key at byte {offset} is not a string (tag 0x{tag:02X})")]
    KeyNotString {
        /// Where the key is.
        offset: usize,
        /// Its tag.
        tag: u8,
    },
    /// Nesting deeper than [`Limits::max_depth`](crate::Limits::max_depth).
    #[error("nesting deeper than {limit} levels at byte {offset}")]
    DepthLimit {
        /// Where the value that went too deep starts.
        offset: usize,
        /// The limit.
        limit: usize,
    },
    /// More interned strings or shapes than the [`Limits`](crate::Limits)
    /// allow.
    #[error("more than {limit} {what} defined at byte {offset}")]
    TableFull {
        /// Where the definition is.
        offset: usize,
        /// "interned strings" or "shapes".
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// Bytes left over after the value.
    #[error("trailing bytes after the value: {remaining} more at byte {offset}")]
    TrailingBytes {
        /// Where the value ended.
        offset: usize,
        /// How many bytes follow it.
        remaining: usize,
    },
    /// An integer that does not fit the type being decoded.
    #[error("integer {value} at byte {offset} does not fit in {target}")]
    IntegerOutOfRange {
        /// Where the integer is.
        offset: usize,
        /// The value, in decimal.
        value: String,
        /// The Rust type it was decoded into.
        target: &'static str,
    },
    /// A malformed timestamp, packed array or other fixed-layout value.
    #[error("invalid {what} at byte {offset}: {reason}")]
    InvalidValue {
        /// Where the value starts.
        offset: usize,
        /// What kind of value.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A message from a `Deserialize` implementation (a missing field, an
    /// unknown variant...), with where the decoder was when it was raised.
    #[error("{message} (at byte {offset})")]
    Custom {
        /// How far the decoder had read.
        offset: usize,
        /// The message.
        message: String,
    },
    /// A message from a `Serialize` implementation, or a value the format
    /// cannot represent (a sequence whose length was wrong, say).
    #[error("{0}")]
    Message(String),
    /// An I/O error from the reader or writer.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Where in the input the problem is, for decoding errors.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::Eof { offset, .. }
            | Error::UnknownTag { offset, .. }
            | Error::UnexpectedTag { offset, .. }
            | Error::Varint { offset, .. }
            | Error::LengthExceedsInput { offset, .. }
            | Error::InvalidUtf8 { offset }
            | Error::BadStringRef { offset, .. }
            | Error::BadShapeRef { offset, .. }
            | Error::KeyNotString { offset, .. }
            | Error::DepthLimit { offset, .. }
            | Error::TableFull { offset, .. }
            | Error::TrailingBytes { offset, .. }
            | Error::IntegerOutOfRange { offset, .. }
            | Error::InvalidValue { offset, .. }
            | Error::Custom { offset, .. } => Some(*offset),
            Error::Message(_) | Error::Io(_) => None,
        }
    }
}

impl serde::ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error::Message(msg.to_string())
    }
}

impl serde::de::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        // The deserializer fills in the offset when the error passes back
        // through it (see `Deserializer::locate`).
        Error::Custom { offset: usize::MAX, message: msg.to_string() }
    }
}
