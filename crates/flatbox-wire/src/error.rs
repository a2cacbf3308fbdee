//! The error type of encoding and decoding.

use std::fmt::Display;

use crate::varint::VarintError;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error encoding or decoding flatbox-wire: one pointer wide, so that
/// the `Result`s on the decoder's hot paths stay small (`serde_json`'s
/// `Box<ErrorImpl>` pattern). What went wrong is its [`ErrorKind`], which
/// [`Error::kind`] borrows and [`Error::into_kind`] hands over.
///
/// # Examples
///
/// ```
/// use flatbox_wire::ErrorKind;
///
/// let err = flatbox_wire::from_slice::<u8>(&[]).unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::Eof { offset: 0, .. }));
/// assert_eq!(err.offset(), Some(0));
/// assert_eq!(std::mem::size_of::<flatbox_wire::Result<u64>>(), 16);
/// ```
pub struct Error(Box<ErrorKind>);

/// Everything that can go wrong encoding or decoding flatbox-wire: what an
/// [`Error`] holds.
///
/// Decoding errors carry the byte `offset` where the problem was found,
/// counted from the start of the input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
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
    /// A tag byte that the format reserves (`0xFE..=0xFF`).
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
    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// What went wrong, to fill in (the decoder gives a `Custom` error the
    /// offset it had reached).
    pub(crate) fn kind_mut(&mut self) -> &mut ErrorKind {
        &mut self.0
    }

    /// What went wrong, by value (to take an [`ErrorKind::Io`]'s
    /// `io::Error`, say).
    #[must_use]
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// Where in the input the problem is, for decoding errors.
    #[must_use]
    pub fn offset(&self) -> Option<usize> {
        self.0.offset()
    }
}

impl From<ErrorKind> for Error {
    #[cold]
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

impl From<std::io::Error> for Error {
    #[cold]
    fn from(error: std::io::Error) -> Self {
        ErrorKind::Io(error).into()
    }
}

impl From<Error> for ErrorKind {
    fn from(error: Error) -> Self {
        error.into_kind()
    }
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl ErrorKind {
    /// Where in the input the problem is, for decoding errors.
    #[must_use]
    pub fn offset(&self) -> Option<usize> {
        match self {
            ErrorKind::Eof { offset, .. }
            | ErrorKind::UnknownTag { offset, .. }
            | ErrorKind::UnexpectedTag { offset, .. }
            | ErrorKind::Varint { offset, .. }
            | ErrorKind::LengthExceedsInput { offset, .. }
            | ErrorKind::InvalidUtf8 { offset }
            | ErrorKind::BadStringRef { offset, .. }
            | ErrorKind::BadShapeRef { offset, .. }
            | ErrorKind::KeyNotString { offset, .. }
            | ErrorKind::DepthLimit { offset, .. }
            | ErrorKind::TableFull { offset, .. }
            | ErrorKind::TrailingBytes { offset, .. }
            | ErrorKind::IntegerOutOfRange { offset, .. }
            | ErrorKind::InvalidValue { offset, .. }
            | ErrorKind::Custom { offset, .. } => Some(*offset),
            ErrorKind::Message(_) | ErrorKind::Io(_) => None,
        }
    }
}

impl serde::ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        ErrorKind::Message(msg.to_string()).into()
    }
}

impl serde::de::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        // The deserializer fills in the offset when the error passes back
        // through it (see `Deserializer::locate`).
        ErrorKind::Custom { offset: usize::MAX, message: msg.to_string() }.into()
    }
}
