//! flatbox-wire: a self-describing binary format for serde that is as
//! compact as schema formats, with zero-copy decoding.
//!
//! Every value starts with a tag byte. Small integers, short strings and
//! small collections carry their value or length in the tag itself; larger
//! unsigned integers take the bytes they need, their count in the tag, and
//! lengths, counts and negative integers use LEB128 varints. Struct field names are written once per
//! *shape* (a struct's list of field names) and then a struct is a one-byte
//! shape reference followed by its values, so a list of records costs about
//! what a schema format would. A sequence of four or more numbers of one
//! kind (a `Vec<u32>`, a `Vec<f64>`, a `BTreeSet<u16>`) is written without
//! a tag per element, as postcard writes it, and so are a tuple or fixed
//! array of three or more numbers (a `[u8; 4]`, a `[f32; 3]`) and a
//! sequence of small tuples of numbers (a `Vec<(f32, f32)>`, as rows). Yet
//! the bytes decode without the schema into
//! a [`Value`] and [`inspect`] disassembles them. The format is specified in
//! `FORMAT.md` beside this crate.
//!
//! - [`to_vec`], [`to_writer`]: encode any `Serialize` value;
//!   [`with_serializer`] appends to a buffer of yours, or drives serde by
//!   hand.
//! - [`from_slice`]: decode, borrowing `&str`, `&[u8]` and `Cow` fields
//!   from the input; [`from_reader`] reads exactly one value from a reader.
//! - [`Config`] (what to intern) and [`Limits`] (what an input may ask of
//!   the decoder).
//! - [`Value`]: any value, with conversions to and from `serde_json::Value`.
//! - [`Packed`]: numeric slices as raw little-endian bytes, borrowed back
//!   when the input is aligned.
//! - [`varint`]: the LEB128 and zigzag functions, for other formats too.
//!
//! Decoding is safe on untrusted input: every length is checked against the
//! bytes that remain before anything is allocated, nesting is bounded, and
//! every error carries the byte offset where it was found.
//!
//! # Examples
//!
//! ```
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, PartialEq, Serialize, Deserialize)]
//! struct User<'a> {
//!     id: u32,
//!     name: &'a str,
//!     active: bool,
//! }
//!
//! let users = vec![
//!     User { id: 1, name: "alice", active: true },
//!     User { id: 2, name: "bob", active: false },
//! ];
//! let bytes = flatbox_wire::to_vec(&users)?;
//! // The second user is a shape reference and its three values: 7 bytes.
//! assert_eq!(&bytes[bytes.len() - 7..], [0xC0, 0x02, 0x43, b'b', b'o', b'b', 0xE1]);
//!
//! // Decoding borrows the names from `bytes`.
//! let back: Vec<User<'_>> = flatbox_wire::from_slice(&bytes)?;
//! assert_eq!(back, users);
//!
//! // No schema needed to look inside.
//! let value: flatbox_wire::Value = flatbox_wire::from_slice(&bytes)?;
//! let json = serde_json::Value::try_from(value)?;
//! assert_eq!(json[1]["name"], "bob");
//! # Ok::<(), flatbox_wire::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod de;
mod error;
mod header;
mod inspect;
mod logical;
mod magic;
mod numbers;
mod packed;
mod read;
mod ser;
mod skip;
mod strings;
mod tag;
mod value;
pub mod varint;

use std::io::{Read, Write};

use serde::{Deserialize, Serialize, de::DeserializeOwned};

pub use config::{Config, Limits};
pub use de::Deserializer;
pub use error::{Error, ErrorKind, Result};
/// The `half` crate, whose `f16` [`Value::F16`] holds.
pub use half;
pub use inspect::inspect;
pub use logical::{
    Decimal, Interval, MAX_DECIMAL_PRECISION, RESERVED_EXTENSION_IDS, TimeUnit, UNION_MARKER_ID,
    from_logical_extension, to_logical_extension,
};
pub use packed::{Packed, PackedElement, PackedSlice};
pub use ser::{Serializer, with_serializer};
pub use value::{Extension, PackedArray, Timestamp, Value};

/// The output buffer `to_vec` starts with.
const INITIAL_CAPACITY: usize = 64;

/// Encodes `value` with the default [`Config`].
///
/// The output starts at 64 bytes and grows as `Vec` does, except for a
/// sequence of a known count of at least 128 elements (a `Vec`, a slice):
/// after its first 64 elements, and again whenever the count written
/// doubles, room is made at once for the rest if they are as long as
/// those (plus an eighth, at most 256 MiB at a time).
///
/// # Errors
///
/// [`ErrorKind::Message`] when the value's `Serialize` impl fails or declares a
/// length it does not keep to.
///
/// # Examples
///
/// ```
/// assert_eq!(flatbox_wire::to_vec(&(1, "hi"))?, [0x62, 0x01, 0x42, b'h', b'i']);
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
pub fn to_vec<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>> {
    to_vec_with_config(value, Config::default())
}

/// Encodes `value` with `config`.
///
/// # Errors
///
/// As [`to_vec`].
pub fn to_vec_with_config<T: ?Sized + Serialize>(value: &T, config: Config) -> Result<Vec<u8>> {
    // One allocation for a small message, instead of growing through 8, 16,
    // 32 and 64 bytes (callgrind: a third of a tiny struct's encode).
    let mut out = Vec::with_capacity(INITIAL_CAPACITY);
    with_serializer(&mut out, config, |ser| value.serialize(ser))?;
    Ok(out)
}

/// Encodes `value` into `writer`.
///
/// The encoding is built in memory and then written with one `write_all`
/// (struct headers are settled only once a struct's fields are seen).
///
/// # Errors
///
/// As [`to_vec`], plus [`ErrorKind::Io`] from the writer.
pub fn to_writer<W: Write, T: ?Sized + Serialize>(mut writer: W, value: &T) -> Result<()> {
    writer.write_all(&to_vec(value)?)?;
    Ok(())
}

/// Decodes a `T` from exactly `bytes`, with the default [`Limits`].
///
/// `&str`, `&[u8]` and `Cow` fields borrow from `bytes`.
///
/// # Errors
///
/// Any decoding error, with the byte offset where it was found;
/// [`ErrorKind::TrailingBytes`] when the value does not use all of `bytes`.
///
/// # Examples
///
/// ```
/// let bytes = flatbox_wire::to_vec("zero copy")?;
/// let s: &str = flatbox_wire::from_slice(&bytes)?;
/// assert_eq!(s, "zero copy");
///
/// let err = flatbox_wire::from_slice::<&str>(&bytes[..4]).unwrap_err();
/// assert_eq!(err.to_string(), "unexpected end of input at byte 1: 6 more bytes needed for a string");
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
pub fn from_slice<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T> {
    let mut de = Deserializer::from_slice(bytes);
    let value = T::deserialize(&mut de).map_err(|e| de.locate(e))?;
    de.end()?;
    Ok(value)
}

/// Reads exactly one value from `reader` and decodes it, with the default
/// [`Limits`].
///
/// It reads no further than the value's last byte, so a stream of values
/// can be read by calling it repeatedly. The value's bytes are gathered
/// first (at most [`Limits::max_reader_bytes`]) and then decoded; wrap an
/// unbuffered reader (a file, a socket) in a `BufReader`, since the tags are
/// read one byte at a time.
///
/// # Errors
///
/// As [`from_slice`], plus [`ErrorKind::Io`] from the reader and
/// [`ErrorKind::Eof`] when it ends inside the value.
///
/// # Examples
///
/// ```
/// let mut stream = Vec::new();
/// flatbox_wire::to_writer(&mut stream, &"first")?;
/// flatbox_wire::to_writer(&mut stream, &2_u8)?;
/// let mut reader = &stream[..];
/// assert_eq!(flatbox_wire::from_reader::<_, String>(&mut reader)?, "first");
/// assert_eq!(flatbox_wire::from_reader::<_, u8>(&mut reader)?, 2);
/// assert!(reader.is_empty());
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
pub fn from_reader<R: Read, T: DeserializeOwned>(reader: R) -> Result<T> {
    from_reader_with_limits(reader, Limits::default())
}

/// [`from_reader`] with explicit [`Limits`].
///
/// # Errors
///
/// As [`from_reader`].
pub fn from_reader_with_limits<R: Read, T: DeserializeOwned>(mut reader: R, limits: Limits) -> Result<T> {
    let bytes = read::read_value(&mut reader, &limits)?;
    let mut de = Deserializer::from_slice(&bytes).with_limits(limits);
    let value = T::deserialize(&mut de).map_err(|e| de.locate(e))?;
    de.end()?;
    Ok(value)
}
