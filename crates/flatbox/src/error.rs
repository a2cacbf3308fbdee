//! The facade's error type.

use std::error::Error as StdError;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The boxed error a format library reported.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Everything that can go wrong in the facade.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A format could not encode a value (for example JSON and a map whose
    /// keys are not strings).
    #[error("{format}: encoding failed: {source}")]
    Encode {
        /// The [`Format::name`](crate::Format::name) of the format.
        format: String,
        /// What the format library reported.
        #[source]
        source: BoxError,
    },
    /// A format could not decode bytes into the requested type.
    #[error("{format}: decoding failed: {source}")]
    Decode {
        /// The [`Format::name`](crate::Format::name) of the format.
        format: String,
        /// What the format library reported; most name a byte offset.
        #[source]
        source: BoxError,
    },
    /// A value decoded without error but differs from the value that was
    /// encoded: the format lost information.
    #[error("{format}: round trip changed the value ({size} encoded bytes decode to a different value)")]
    RoundTrip {
        /// The [`Format::name`](crate::Format::name) of the format.
        format: String,
        /// How many bytes the encoding had.
        size: usize,
    },
    /// A value of the record model that a format cannot hold (JSON and a
    /// map with integer keys, MessagePack and a 128-bit integer): never
    /// cast silently. See [`records`](crate::records).
    #[error("{format}: cannot represent {what}")]
    Unrepresentable {
        /// The format: `json`, `msgpack`.
        format: &'static str,
        /// The value's type, and why.
        what: String,
    },
    /// A profile configuration asked for something the harness cannot do.
    #[error("invalid profile configuration: {0}")]
    Config(String),
}

impl Error {
    /// Wraps an encoding failure reported by the library behind `format`.
    pub fn encode(format: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Error::Encode { format: format.into(), source: source.into() }
    }

    /// Wraps a decoding failure reported by the library behind `format`.
    pub fn decode(format: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Error::Decode { format: format.into(), source: source.into() }
    }
}
