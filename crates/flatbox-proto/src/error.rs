//! The error type of raw decoding and dynamic messages.

use flatbox_wire::varint::VarintError;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong decoding protobuf or converting it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended inside a field.
    #[error("protobuf is truncated at byte {offset}: {what} needs more bytes")]
    Truncated {
        /// Where the incomplete item starts.
        offset: usize,
        /// What was being read.
        what: &'static str,
    },
    /// A varint (a field key or value) is malformed.
    #[error("invalid varint at byte {offset}: {source}")]
    Varint {
        /// Where it starts.
        offset: usize,
        /// What is wrong with it.
        #[source]
        source: VarintError,
    },
    /// A field key names wire type 6 or 7, which do not exist.
    #[error("invalid wire type {wire_type} at byte {offset}")]
    InvalidWireType {
        /// Where the key is.
        offset: usize,
        /// The wire type.
        wire_type: u8,
    },
    /// A field key names field 0, or a number above 2^29 - 1.
    #[error("invalid field number {number} at byte {offset}")]
    InvalidFieldNumber {
        /// Where the key is.
        offset: usize,
        /// The field number.
        number: u64,
    },
    /// A length-delimited field declares more bytes than remain.
    #[error("field at byte {offset} declares {declared} bytes, but only {remaining} remain")]
    LengthExceedsInput {
        /// Where the length is.
        offset: usize,
        /// The declared length.
        declared: u64,
        /// The bytes after the length.
        remaining: usize,
    },
    /// A group ends without starting, or with another field number.
    #[error("unmatched end of group {number} at byte {offset}")]
    UnmatchedGroup {
        /// Where the end-group key is.
        offset: usize,
        /// Its field number.
        number: u32,
    },
    /// Groups nest deeper than the decoder allows.
    #[error("groups nest deeper than {limit} levels at byte {offset}")]
    DepthLimit {
        /// Where it went too deep.
        offset: usize,
        /// The limit.
        limit: usize,
    },
    /// A `.proto` file could not be compiled.
    #[error("compiling {file}: {message}")]
    Schema {
        /// The file.
        file: String,
        /// protox's message (with line and column).
        message: String,
    },
    /// The schema has no message with this name.
    #[error("no message {name:?} in the schema (it has: {known})")]
    UnknownMessage {
        /// The name asked for.
        name: String,
        /// The fully qualified names it has.
        known: String,
    },
    /// Protobuf bytes do not decode as the message (prost's message names
    /// the field path where it knows it).
    #[error("decoding {message}: {reason}")]
    Decode {
        /// The message type.
        message: String,
        /// What prost reported.
        reason: String,
    },
    /// JSON does not convert to the message under the proto3 JSON mapping.
    #[error("converting JSON to {message}: {reason}")]
    Json {
        /// The message type.
        message: String,
        /// What went wrong (with line and column).
        reason: String,
    },
}
