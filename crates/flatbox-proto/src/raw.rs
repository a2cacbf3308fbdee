//! Schema-less decoding, like `protoc --decode_raw`: field numbers, wire
//! types and values, with length-delimited fields shown as nested messages
//! or strings when they parse as such.

use std::fmt::Write as _;

use flatbox_wire::varint;

use crate::error::{Error, Result};

/// How deeply groups and guessed nested messages are followed.
pub const MAX_DEPTH: usize = 64;

/// One field of a message, decoded without its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawField<'a> {
    /// The field number.
    pub number: u32,
    /// Where the field's key starts.
    pub offset: usize,
    /// The value.
    pub value: RawValue<'a>,
}

/// A value by wire type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue<'a> {
    /// Wire type 0: an integer (int32/64, uint32/64, sint (zigzag), bool,
    /// enum).
    Varint(u64),
    /// Wire type 1: 8 bytes (fixed64, sfixed64, double).
    Fixed64(u64),
    /// Wire type 5: 4 bytes (fixed32, sfixed32, float).
    Fixed32(u32),
    /// Wire type 2: bytes (string, bytes, a message, a packed repeated
    /// field).
    LengthDelimited(&'a [u8]),
    /// Wire types 3 and 4: a group's fields.
    Group(Vec<RawField<'a>>),
}

impl<'a> RawValue<'a> {
    /// The bytes decoded as a message, when they are one (every byte used,
    /// every key valid).
    pub fn as_message(&self) -> Option<Vec<RawField<'a>>> {
        match self {
            RawValue::LengthDelimited(bytes) if !bytes.is_empty() => decode_raw(bytes).ok(),
            _ => None,
        }
    }

    /// The bytes as text, when they are UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            RawValue::LengthDelimited(bytes) => std::str::from_utf8(bytes).ok(),
            _ => None,
        }
    }
}

/// Decodes a message's fields without its schema.
///
/// # Errors
///
/// [`Error::Truncated`], [`Error::Varint`], [`Error::InvalidWireType`],
/// [`Error::InvalidFieldNumber`], [`Error::LengthExceedsInput`],
/// [`Error::UnmatchedGroup`], [`Error::DepthLimit`], each with the offset.
///
/// # Examples
///
/// The protobuf documentation's first example: field 1 = 150.
///
/// ```
/// use flatbox_proto::raw::{decode_raw, RawValue};
///
/// let fields = decode_raw(&[0x08, 0x96, 0x01])?;
/// assert_eq!(fields[0].number, 1);
/// assert_eq!(fields[0].value, RawValue::Varint(150));
/// # Ok::<(), flatbox_proto::Error>(())
/// ```
pub fn decode_raw(bytes: &[u8]) -> Result<Vec<RawField<'_>>> {
    let mut pos = 0;
    let fields = fields(bytes, &mut pos, None, 0)?;
    Ok(fields)
}

fn read_varint(bytes: &[u8], pos: &mut usize) -> Result<u64> {
    let (v, n) = varint::read_u64(&bytes[*pos..]).map_err(|source| match source {
        varint::VarintError::Truncated => Error::Truncated { offset: *pos, what: "a varint" },
        source => Error::Varint { offset: *pos, source },
    })?;
    *pos += n;
    Ok(v)
}

fn take<'a>(bytes: &'a [u8], pos: &mut usize, n: usize, what: &'static str) -> Result<&'a [u8]> {
    let end = pos.checked_add(n).filter(|&e| e <= bytes.len()).ok_or(Error::Truncated { offset: *pos, what })?;
    let out = &bytes[*pos..end];
    *pos = end;
    Ok(out)
}

/// Fields until the end of `bytes`, or until the end of group `group`.
fn fields<'a>(bytes: &'a [u8], pos: &mut usize, group: Option<u32>, depth: usize) -> Result<Vec<RawField<'a>>> {
    if depth > MAX_DEPTH {
        return Err(Error::DepthLimit { offset: *pos, limit: MAX_DEPTH });
    }
    let mut out = Vec::new();
    while *pos < bytes.len() {
        let offset = *pos;
        let key = read_varint(bytes, pos)?;
        let number = key >> 3;
        let wire_type = u8::try_from(key & 7).expect("three bits");
        let Ok(number) =
            u32::try_from(number).map_err(drop).and_then(|n| if n == 0 || n > (1 << 29) - 1 { Err(()) } else { Ok(n) })
        else {
            return Err(Error::InvalidFieldNumber { offset, number });
        };
        let value = match wire_type {
            0 => RawValue::Varint(read_varint(bytes, pos)?),
            1 => {
                let b = take(bytes, pos, 8, "a fixed64")?;
                RawValue::Fixed64(u64::from_le_bytes(b.try_into().expect("8 bytes")))
            }
            2 => {
                let length_at = *pos;
                let declared = read_varint(bytes, pos)?;
                let remaining = bytes.len() - *pos;
                let n = usize::try_from(declared)
                    .ok()
                    .filter(|&n| n <= remaining)
                    .ok_or(Error::LengthExceedsInput { offset: length_at, declared, remaining })?;
                RawValue::LengthDelimited(take(bytes, pos, n, "a length-delimited field")?)
            }
            3 => RawValue::Group(fields(bytes, pos, Some(number), depth + 1)?),
            4 => {
                return if group == Some(number) { Ok(out) } else { Err(Error::UnmatchedGroup { offset, number }) };
            }
            5 => {
                let b = take(bytes, pos, 4, "a fixed32")?;
                RawValue::Fixed32(u32::from_le_bytes(b.try_into().expect("4 bytes")))
            }
            wire_type => return Err(Error::InvalidWireType { offset, wire_type }),
        };
        out.push(RawField { number, offset, value });
    }
    match group {
        None => Ok(out),
        Some(_) => Err(Error::Truncated { offset: *pos, what: "a group" }),
    }
}

/// Decodes `bytes` without a schema and renders them as `protoc
/// --decode_raw` does: `1: 150`, `2: "testing"`, nested messages in braces.
///
/// # Errors
///
/// As [`decode_raw`].
///
/// # Examples
///
/// ```
/// // field 1 = 150, field 2 = "testing", field 3 = message { 1: 150 }
/// let bytes = [0x08, 0x96, 0x01, 0x12, 0x07, b't', b'e', b's', b't', b'i', b'n', b'g', 0x1A, 0x03, 0x08, 0x96, 0x01];
/// assert_eq!(flatbox_proto::raw::decode_raw_text(&bytes)?, "1: 150\n2: \"testing\"\n3 {\n  1: 150\n}\n");
/// # Ok::<(), flatbox_proto::Error>(())
/// ```
pub fn decode_raw_text(bytes: &[u8]) -> Result<String> {
    let mut out = String::new();
    render(&decode_raw(bytes)?, 0, &mut out);
    Ok(out)
}

fn render(fields: &[RawField<'_>], depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    for field in fields {
        match &field.value {
            RawValue::Varint(v) => {
                let _ = writeln!(out, "{indent}{}: {v}", field.number);
            }
            RawValue::Fixed64(v) => {
                let _ = writeln!(out, "{indent}{}: 0x{v:016x}", field.number);
            }
            RawValue::Fixed32(v) => {
                let _ = writeln!(out, "{indent}{}: 0x{v:08x}", field.number);
            }
            RawValue::Group(inner) => {
                let _ = writeln!(out, "{indent}{} {{", field.number);
                render(inner, depth + 1, out);
                let _ = writeln!(out, "{indent}}}");
            }
            value @ RawValue::LengthDelimited(bytes) => {
                // Like protoc: a message when it parses as one (and depth
                // allows), else a string.
                match value.as_message().filter(|_| depth < MAX_DEPTH) {
                    Some(inner) => {
                        let _ = writeln!(out, "{indent}{} {{", field.number);
                        render(&inner, depth + 1, out);
                        let _ = writeln!(out, "{indent}}}");
                    }
                    None => {
                        let _ = writeln!(out, "{indent}{}: \"{}\"", field.number, escape(bytes));
                    }
                }
            }
        }
    }
}

/// Bytes as a C-style escaped string, as protoc prints them.
fn escape(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                '\n' => s.push_str("\\n"),
                c if c.is_control() => {
                    let _ = write!(s, "\\{:03o}", u32::from(c));
                }
                c => s.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(s, "\\{b:03o}");
        }
    }
    s
}
