//! The record model ([`Value`]) in JSON, MessagePack and protobuf, following the
//! [mapping table](flatbox_arrow::mapping).
//!
//! - **JSON** ([`to_json`], [`from_json`]) follows arrow-json's writer, so
//!   that a batch written by arrow-json and the same batch turned into
//!   records and written here give the same text: bytes as lowercase hex
//!   strings, decimals as bare numbers (`12.34`), datetimes, dates, times,
//!   durations and intervals as the quoted text of arrow-cast's display
//!   (`"2022-01-20T11:40:00Z"`, `"PT90S"`). What JSON cannot hold is an
//!   error naming the type: maps whose keys are neither strings nor
//!   integers (an integer key is written as its decimal text, `{"7": 1}`,
//!   `serde_json`'s convention, as arrow-json's writer gets it), unions,
//!   extensions, integers beyond 64 bits, NaN and infinities (arrow-json
//!   writes `null` for those; the record model refuses to lose them
//!   silently). Struct fields that are null are written as `null` (arrow-json
//!   omits them by default: both read back as null).
//! - **MessagePack** ([`to_msgpack`], [`from_msgpack`]) holds nearly
//!   everything: bytes are `bin`, maps keep keys of any type, datetimes and
//!   timestamps are the timestamp extension (type −1, an instant: a
//!   datetime's unit and zone are not kept, and it comes back as a
//!   [`Value::Timestamp`]), f16 is written as a float 32 (exact), and the
//!   types MessagePack lacks use flatbox's extension types 18 to 26 with
//!   the payloads of flatbox-wire's logical types (FORMAT.md): 18 date32,
//!   19 date64, 20 time, 21 duration, 22–24 intervals, 25 decimal, and 26
//!   the union marker, a union being the array `[ext 26 (type id), value]`
//!   as in flatbox-wire. Integers beyond 64 bits and application extensions
//!   are errors naming the type.
//! - **protobuf** ([`to_protobuf`], [`from_protobuf`]) goes through a
//!   message descriptor (`flatbox::proto::Schema::message`): a record is a
//!   map of the message's fields, by name; values must fit their field's
//!   type exactly (see [`to_protobuf`]).
//!
//! # Examples
//!
//! ```
//! use flatbox::records;
//! use flatbox::wire::{Decimal, Value};
//!
//! let row = Value::Map(vec![
//!     (Value::String("blob".into()), Value::Bytes(vec![0xCA, 0xFE])),
//!     (Value::String("price".into()), Value::Decimal(Decimal::from_i128(1234, 6, 2)?)),
//! ]);
//! assert_eq!(records::to_json(&row)?, r#"{"blob":"cafe","price":12.34}"#);
//!
//! let packed = records::to_msgpack(&row)?;
//! assert_eq!(records::from_msgpack(&packed)?, row);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;

use flatbox_wire::{PackedArray, TimeUnit, Value};
use rmp::Marker;

use crate::{Error, Result};

mod protobuf;
pub use protobuf::{from_protobuf, to_protobuf};

/// Nesting deeper than this is refused when reading MessagePack.
pub const MAX_DEPTH: usize = 128;

fn unrepresentable(format: &'static str, what: impl Into<String>) -> Error {
    Error::Unrepresentable { format, what: what.into() }
}

/// A value as JSON text, following arrow-json's writer (see the module
/// docs).
///
/// # Errors
///
/// [`Error::Unrepresentable`] naming the type of a value JSON cannot hold
/// in that convention.
pub fn to_json(value: &Value) -> Result<String> {
    let mut out = String::new();
    write_json(value, &mut out)?;
    Ok(out)
}

fn json_string(s: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn json_float(f: f64, what: &str, out: &mut String) -> Result<()> {
    if !f.is_finite() {
        return Err(unrepresentable("json", format!("{what} {f} (JSON numbers are finite)")));
    }
    out.push_str(&serde_json::to_string(&f).unwrap_or_default());
    Ok(())
}

fn write_json(value: &Value, out: &mut String) -> Result<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Integer(n) => {
            if i64::try_from(*n).is_err() && u64::try_from(*n).is_err() {
                return Err(unrepresentable("json", format!("integer {n} (beyond 64 bits)")));
            }
            let _ = write!(out, "{n}");
        }
        Value::BigUInt(n) => return Err(unrepresentable("json", format!("integer {n} (beyond 64 bits)"))),
        Value::F16(f) => json_float(f64::from(f.to_f32()), "f16", out)?,
        Value::F32(f) => {
            if !f.is_finite() {
                return Err(unrepresentable("json", format!("f32 {f} (JSON numbers are finite)")));
            }
            out.push_str(&serde_json::to_string(f).unwrap_or_default());
        }
        Value::F64(f) => json_float(*f, "f64", out)?,
        Value::String(s) => json_string(s, out),
        Value::Bytes(b) => {
            out.push('"');
            for byte in b {
                let _ = write!(out, "{byte:02x}");
            }
            out.push('"');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match k {
                    Value::String(k) => json_string(k, out),
                    // serde_json's convention: an integer key as its text.
                    Value::Integer(n) if i64::try_from(*n).is_ok() || u64::try_from(*n).is_ok() => {
                        let _ = write!(out, "\"{n}\"");
                    }
                    _ => {
                        return Err(unrepresentable(
                            "json",
                            format!(
                                "map with {} keys (JSON keys are strings, or integers written as text)",
                                k.type_name()
                            ),
                        ));
                    }
                }
                out.push(':');
                write_json(v, out)?;
            }
            out.push('}');
        }
        Value::Packed(p) => write_json(&Value::Array(packed_items(p)), out)?,
        Value::Decimal(_) => out.push_str(&arrow_text(value)?),
        Value::DateTime { .. }
        | Value::Timestamp(_)
        | Value::Date32(_)
        | Value::Date64(_)
        | Value::Time { .. }
        | Value::Duration { .. }
        | Value::Interval(_) => json_string(&arrow_text(value)?, out),
        Value::Union { .. } => {
            return Err(unrepresentable("json", format!("{} (JSON and arrow-json have no unions)", value.type_name())));
        }
        Value::Extension(e) => return Err(unrepresentable("json", format!("extension type {}", e.type_id))),
    }
    Ok(())
}

fn arrow_text(value: &Value) -> Result<String> {
    flatbox_arrow::records::arrow_text(value)
        .map_err(|e| Error::encode("json", e))?
        .ok_or_else(|| unrepresentable("json", value.type_name()))
}

/// JSON text to a value: null, booleans, strings, arrays as themselves;
/// integers as [`Value::Integer`]; other numbers as [`Value::F64`];
/// objects as [`Value::Map`] with string keys in their order. JSON carries
/// no types beyond these: a hex string stays a string and a date a string
/// until a schema says otherwise (arrow-json's reader, or
/// [`flatbox_arrow::records::from_records`] after parsing).
///
/// # Errors
///
/// [`Error::Decode`] when the text is not one JSON value (with its line
/// and column).
pub fn from_json(text: &str) -> Result<Value> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::decode("json", e))?;
    Ok(Value::from(json))
}

/// MessagePack extension type of a flatbox logical type: 16 + its offset
/// in flatbox-wire's reserved range.
fn msgpack_ext_type(wire_id: u64) -> i8 {
    i8::try_from(16 + (wire_id - flatbox_wire::RESERVED_EXTENSION_IDS.start())).unwrap_or(i8::MAX)
}

const MSGPACK_EXT_FIRST: i8 = 18;
const MSGPACK_EXT_LAST: i8 = 26;
const MSGPACK_TIMESTAMP: i8 = -1;

/// A value as MessagePack (see the module docs for the mapping).
///
/// # Errors
///
/// [`Error::Unrepresentable`] naming the type of a value MessagePack cannot
/// hold: an integer beyond 64 bits, an application extension, a collection
/// or string longer than 2³² − 1.
pub fn to_msgpack(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_msgpack(value, &mut out)?;
    Ok(out)
}

fn too_long(what: &str) -> Error {
    unrepresentable("msgpack", format!("{what} longer than 2^32 - 1"))
}

fn len32(n: usize, what: &str) -> Result<u32> {
    u32::try_from(n).map_err(|_| too_long(what))
}

fn write_ext(out: &mut Vec<u8>, ty: i8, data: &[u8]) -> Result<()> {
    rmp::encode::write_ext_meta(out, len32(data.len(), "extension")?, ty).map_err(|e| Error::encode("msgpack", e))?;
    out.extend_from_slice(data);
    Ok(())
}

/// An instant as (seconds, nanoseconds), from a count of `unit`s.
fn instant(value: i64, unit: TimeUnit) -> (i64, u32) {
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let nanos = value.rem_euclid(per_second) * (1_000_000_000 / per_second);
    (value.div_euclid(per_second), u32::try_from(nanos).unwrap_or(0))
}

/// The timestamp extension's payload: 32, 64 or 96 bits, the shortest.
fn timestamp_payload(seconds: i64, nanos: u32) -> Vec<u8> {
    if nanos == 0
        && let Ok(s) = u32::try_from(seconds)
    {
        return s.to_be_bytes().to_vec();
    }
    if let Ok(s) = u64::try_from(seconds)
        && s >> 34 == 0
    {
        return ((u64::from(nanos) << 34) | s).to_be_bytes().to_vec();
    }
    let mut out = nanos.to_be_bytes().to_vec();
    out.extend_from_slice(&seconds.to_be_bytes());
    out
}

fn packed_items(p: &PackedArray) -> Vec<Value> {
    fn ints<T: Copy + Into<i128>>(v: &[T]) -> Vec<Value> {
        v.iter().map(|x| Value::Integer((*x).into())).collect()
    }
    match p {
        PackedArray::U8(v) => ints(v),
        PackedArray::I8(v) => ints(v),
        PackedArray::U16(v) => ints(v),
        PackedArray::I16(v) => ints(v),
        PackedArray::U32(v) => ints(v),
        PackedArray::I32(v) => ints(v),
        PackedArray::U64(v) => ints(v),
        PackedArray::I64(v) => ints(v),
        PackedArray::F32(v) => v.iter().map(|x| Value::F32(*x)).collect(),
        PackedArray::F64(v) => v.iter().map(|x| Value::F64(*x)).collect(),
    }
}

fn write_msgpack(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    let enc = |e: rmp::encode::ValueWriteError| Error::encode("msgpack", e);
    match value {
        Value::Null => out.push(0xC0),
        Value::Bool(b) => out.push(if *b { 0xC3 } else { 0xC2 }),
        Value::Integer(n) => {
            if let Ok(u) = u64::try_from(*n) {
                rmp::encode::write_uint(out, u).map_err(enc)?;
            } else if let Ok(i) = i64::try_from(*n) {
                rmp::encode::write_sint(out, i).map_err(enc)?;
            } else {
                return Err(unrepresentable("msgpack", format!("integer {n} (beyond 64 bits)")));
            }
        }
        Value::BigUInt(n) => return Err(unrepresentable("msgpack", format!("integer {n} (beyond 64 bits)"))),
        Value::F16(f) => rmp::encode::write_f32(out, f.to_f32()).map_err(enc)?,
        Value::F32(f) => rmp::encode::write_f32(out, *f).map_err(enc)?,
        Value::F64(f) => rmp::encode::write_f64(out, *f).map_err(enc)?,
        Value::String(s) => {
            rmp::encode::write_str_len(out, len32(s.len(), "string")?).map_err(enc)?;
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bytes(b) => {
            rmp::encode::write_bin_len(out, len32(b.len(), "byte string")?).map_err(enc)?;
            out.extend_from_slice(b);
        }
        Value::Array(items) => {
            rmp::encode::write_array_len(out, len32(items.len(), "array")?).map_err(enc)?;
            for item in items {
                write_msgpack(item, out)?;
            }
        }
        Value::Map(entries) => {
            rmp::encode::write_map_len(out, len32(entries.len(), "map")?).map_err(enc)?;
            for (k, v) in entries {
                write_msgpack(k, out)?;
                write_msgpack(v, out)?;
            }
        }
        Value::Packed(p) => write_msgpack(&Value::Array(packed_items(p)), out)?,
        Value::Timestamp(t) => write_ext(out, MSGPACK_TIMESTAMP, &timestamp_payload(t.seconds(), t.nanos()))?,
        Value::DateTime { value, unit, .. } => {
            let (seconds, nanos) = instant(*value, *unit);
            write_ext(out, MSGPACK_TIMESTAMP, &timestamp_payload(seconds, nanos))?;
        }
        Value::Union { type_id, value } => {
            rmp::encode::write_array_len(out, 2).map_err(enc)?;
            write_ext(out, msgpack_ext_type(flatbox_wire::UNION_MARKER_ID), &type_id.to_le_bytes())?;
            write_msgpack(value, out)?;
        }
        Value::Extension(e) => {
            return Err(unrepresentable("msgpack", format!("extension type {} (an application's)", e.type_id)));
        }
        other => {
            let (id, payload) = flatbox_wire::to_logical_extension(other)
                .ok_or_else(|| unrepresentable("msgpack", other.type_name()))?;
            write_ext(out, msgpack_ext_type(id), &payload)?;
        }
    }
    Ok(())
}

/// One MessagePack value to a value of the record model (see the module
/// docs); the input must hold exactly one value.
///
/// # Errors
///
/// [`Error::Decode`] naming the byte offset: truncated input, a reserved
/// marker, invalid UTF-8 in a string, a malformed timestamp or flatbox
/// extension, nesting deeper than [`MAX_DEPTH`], bytes after the value.
pub fn from_msgpack(bytes: &[u8]) -> Result<Value> {
    let (value, used) = from_msgpack_prefix(bytes)?;
    if used != bytes.len() {
        return Err(msgpack_error(used, format!("{} bytes after the value", bytes.len() - used)));
    }
    Ok(value)
}

/// The first MessagePack value of `bytes` and how many bytes it took: for
/// reading a sequence of values.
///
/// # Errors
///
/// As for [`from_msgpack`], except that bytes after the value are left.
pub fn from_msgpack_prefix(bytes: &[u8]) -> Result<(Value, usize)> {
    let mut reader = MsgPackReader { bytes, pos: 0 };
    let value = reader.value(0)?;
    Ok((value, reader.pos))
}

fn msgpack_error(offset: usize, what: impl std::fmt::Display) -> Error {
    Error::decode("msgpack", format!("at byte {offset}: {what}"))
}

struct MsgPackReader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> MsgPackReader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let slice = self
            .bytes
            .get(self.pos..)
            .and_then(|rest| rest.get(..n))
            .ok_or_else(|| msgpack_error(self.pos, format!("input ends inside {what} ({n} bytes needed)")))?;
        self.pos += n;
        Ok(slice)
    }

    fn array_of<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let b = self.take(N, what)?;
        Ok(b.try_into().unwrap_or([0; N]))
    }

    fn uint(&mut self, width: usize, what: &str) -> Result<u64> {
        let b = self.take(width, what)?;
        Ok(b.iter().fold(0_u64, |acc, &x| (acc << 8) | u64::from(x)))
    }

    fn len(&mut self, width: usize, what: &str) -> Result<usize> {
        let n = self.uint(width, what)?;
        usize::try_from(n).map_err(|_| msgpack_error(self.pos, format!("{what} length {n} too large")))
    }

    /// A count of values: each takes at least one byte, so a count beyond
    /// the bytes left is an error before anything is allocated.
    fn count(&mut self, n: usize, per: usize, what: &str) -> Result<usize> {
        let left = self.bytes.len() - self.pos;
        if n.saturating_mul(per) > left {
            return Err(msgpack_error(self.pos, format!("{what} of {n} declares more than the {left} bytes left")));
        }
        Ok(n)
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(msgpack_error(self.pos, format!("nesting deeper than {MAX_DEPTH}")));
        }
        let start = self.pos;
        let byte = self.take(1, "a value")?[0];
        Ok(match Marker::from_u8(byte) {
            Marker::FixPos(n) => Value::Integer(i128::from(n)),
            Marker::FixNeg(n) => Value::Integer(i128::from(n)),
            Marker::Null => Value::Null,
            Marker::True => Value::Bool(true),
            Marker::False => Value::Bool(false),
            Marker::U8 => Value::Integer(i128::from(self.uint(1, "a u8")?)),
            Marker::U16 => Value::Integer(i128::from(self.uint(2, "a u16")?)),
            Marker::U32 => Value::Integer(i128::from(self.uint(4, "a u32")?)),
            Marker::U64 => Value::Integer(i128::from(self.uint(8, "a u64")?)),
            Marker::I8 => Value::Integer(i128::from(i8::from_be_bytes(self.array_of("an i8")?))),
            Marker::I16 => Value::Integer(i128::from(i16::from_be_bytes(self.array_of("an i16")?))),
            Marker::I32 => Value::Integer(i128::from(i32::from_be_bytes(self.array_of("an i32")?))),
            Marker::I64 => Value::Integer(i128::from(i64::from_be_bytes(self.array_of("an i64")?))),
            Marker::F32 => Value::F32(f32::from_bits(u32::try_from(self.uint(4, "an f32")?).unwrap_or(0))),
            Marker::F64 => Value::F64(f64::from_bits(self.uint(8, "an f64")?)),
            Marker::FixStr(n) => self.string(usize::from(n))?,
            Marker::Str8 | Marker::Str16 | Marker::Str32 => {
                let width = match Marker::from_u8(byte) {
                    Marker::Str8 => 1,
                    Marker::Str16 => 2,
                    _ => 4,
                };
                let n = self.len(width, "a string length")?;
                self.string(n)?
            }
            Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => {
                let width = match Marker::from_u8(byte) {
                    Marker::Bin8 => 1,
                    Marker::Bin16 => 2,
                    _ => 4,
                };
                let n = self.len(width, "a byte string length")?;
                Value::Bytes(self.take(n, "a byte string")?.to_vec())
            }
            Marker::FixArray(n) => self.array(usize::from(n), depth)?,
            Marker::Array16 | Marker::Array32 => {
                let n = self.len(if byte == 0xDC { 2 } else { 4 }, "an array length")?;
                self.array(n, depth)?
            }
            Marker::FixMap(n) => self.map(usize::from(n), depth)?,
            Marker::Map16 | Marker::Map32 => {
                let n = self.len(if byte == 0xDE { 2 } else { 4 }, "a map length")?;
                self.map(n, depth)?
            }
            Marker::FixExt1 => self.ext(1, start)?,
            Marker::FixExt2 => self.ext(2, start)?,
            Marker::FixExt4 => self.ext(4, start)?,
            Marker::FixExt8 => self.ext(8, start)?,
            Marker::FixExt16 => self.ext(16, start)?,
            Marker::Ext8 | Marker::Ext16 | Marker::Ext32 => {
                let width = match Marker::from_u8(byte) {
                    Marker::Ext8 => 1,
                    Marker::Ext16 => 2,
                    _ => 4,
                };
                let n = self.len(width, "an extension length")?;
                self.ext(n, start)?
            }
            Marker::Reserved => return Err(msgpack_error(start, "the reserved marker 0xc1")),
        })
    }

    fn string(&mut self, n: usize) -> Result<Value> {
        let at = self.pos;
        let b = self.take(n, "a string")?;
        let s = std::str::from_utf8(b).map_err(|e| msgpack_error(at, format!("string is not UTF-8: {e}")))?;
        Ok(Value::String(s.to_owned()))
    }

    fn array(&mut self, n: usize, depth: usize) -> Result<Value> {
        let n = self.count(n, 1, "an array")?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.value(depth + 1)?);
        }
        // A union: [ext 26 (type id), value].
        if let [Value::Extension(marker), _] = &items[..]
            && marker.type_id == flatbox_wire::UNION_MARKER_ID
        {
            let type_id = i8::from_le_bytes([marker.data[0]]);
            let value = items.pop().unwrap_or(Value::Null);
            return Ok(Value::Union { type_id, value: Box::new(value) });
        }
        if items.iter().any(|v| matches!(v, Value::Extension(e) if e.type_id == flatbox_wire::UNION_MARKER_ID)) {
            return Err(msgpack_error(self.pos, "a union marker (extension 26) outside a union pair"));
        }
        Ok(Value::Array(items))
    }

    fn map(&mut self, n: usize, depth: usize) -> Result<Value> {
        let n = self.count(n, 2, "a map")?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.value(depth + 1)?;
            let v = self.value(depth + 1)?;
            if [&k, &v].iter().any(|x| matches!(x, Value::Extension(e) if e.type_id == flatbox_wire::UNION_MARKER_ID)) {
                return Err(msgpack_error(self.pos, "a union marker (extension 26) outside a union pair"));
            }
            entries.push((k, v));
        }
        Ok(Value::Map(entries))
    }

    fn ext(&mut self, n: usize, start: usize) -> Result<Value> {
        let ty = self.take(1, "an extension type")?[0].cast_signed();
        let data = self.take(n, "an extension payload")?;
        match ty {
            MSGPACK_TIMESTAMP => {
                let (seconds, nanos) = match data.len() {
                    4 => (i64::from(u32::from_be_bytes(data.try_into().unwrap_or_default())), 0),
                    8 => {
                        let x = u64::from_be_bytes(data.try_into().unwrap_or_default());
                        (i64::try_from(x & ((1 << 34) - 1)).unwrap_or(0), u32::try_from(x >> 34).unwrap_or(u32::MAX))
                    }
                    12 => (
                        i64::from_be_bytes(data[4..].try_into().unwrap_or_default()),
                        u32::from_be_bytes(data[..4].try_into().unwrap_or_default()),
                    ),
                    n => {
                        return Err(msgpack_error(
                            start,
                            format!("timestamp extension of {n} bytes, expected 4, 8 or 12"),
                        ));
                    }
                };
                let t = flatbox_wire::Timestamp::new(seconds, nanos)
                    .map_err(|e| msgpack_error(start, format!("timestamp extension: {e}")))?;
                Ok(Value::Timestamp(t))
            }
            MSGPACK_EXT_FIRST..=MSGPACK_EXT_LAST => {
                let id = flatbox_wire::RESERVED_EXTENSION_IDS.start() + u64::from(ty.cast_unsigned() - 16);
                if id == flatbox_wire::UNION_MARKER_ID {
                    if data.len() != 1 {
                        return Err(msgpack_error(start, format!("union marker of {} bytes, expected 1", data.len())));
                    }
                    return Ok(Value::Extension(flatbox_wire::Extension { type_id: id, data: data.to_vec() }));
                }
                flatbox_wire::from_logical_extension(id, data)
                    .map_err(|e| msgpack_error(start, format!("extension type {ty}: {e}")))
            }
            _ => Err(msgpack_error(
                start,
                format!("extension type {ty} (not the timestamp, -1, nor one of flatbox's, 18 to 26)"),
            )),
        }
    }
}
