//! MessagePack without a schema: where one value ends in a stream (so a
//! sequence of values is read one at a time, never trusting a declared
//! length with an allocation) and an annotated dump. Both walk the markers
//! iteratively, with a depth limit ([`MAX_DEPTH`]).
//!
//! # Examples
//!
//! ```
//! use flatbox::msgpack::{read_value, dump};
//!
//! // Two values one after another: `1`, then `["a"]`.
//! let bytes = b"\x01\x91\xa1a";
//! let mut rest = &bytes[..];
//! assert_eq!(read_value(&mut rest, 0)?, Some(vec![0x01]));
//! assert_eq!(read_value(&mut rest, 1)?, Some(vec![0x91, 0xa1, b'a']));
//! assert_eq!(read_value(&mut rest, 4)?, None);
//! assert!(dump(bytes, 100)?.contains("fixarray (1 items)"));
//! # Ok::<(), flatbox::msgpack::WalkError>(())
//! ```

use std::fmt::Write as _;
use std::io::{self, Read};

/// Nesting deeper than this is refused.
pub const MAX_DEPTH: usize = 128;

/// What went wrong walking MessagePack, and where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WalkError {
    /// The input ended inside a value.
    #[error("truncated MessagePack at byte {offset}: expected {what}")]
    Eof {
        /// Where the value (or the part of it) that was cut short starts.
        offset: u64,
        /// What was expected there.
        what: String,
    },
    /// A byte that cannot start a value, or nesting too deep.
    #[error("invalid MessagePack at byte {offset}: {what}")]
    Invalid {
        /// The offending byte's offset.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// Reading failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// The shape of what a marker starts.
#[derive(Clone, Copy)]
enum Kind {
    /// `n` more bytes hold the value itself.
    Fixed(usize),
    /// A `width`-byte big-endian length (then `extra` bytes, an ext's type), then that many bytes.
    Sized { width: usize, extra: usize },
    /// A length in the marker, then that many bytes.
    FixStr(u64),
    /// A `width`-byte count of elements (0: the count is in the marker).
    Array { width: usize, count: u64 },
    /// A `width`-byte count of key/value pairs.
    Map { width: usize, count: u64 },
}

fn marker(m: u8) -> Option<(&'static str, Kind)> {
    Some(match m {
        0x00..=0x7f => ("positive fixint", Kind::Fixed(0)),
        0x80..=0x8f => ("fixmap", Kind::Map { width: 0, count: u64::from(m & 0x0f) }),
        0x90..=0x9f => ("fixarray", Kind::Array { width: 0, count: u64::from(m & 0x0f) }),
        0xa0..=0xbf => ("fixstr", Kind::FixStr(u64::from(m & 0x1f))),
        0xc0 => ("nil", Kind::Fixed(0)),
        0xc2 => ("false", Kind::Fixed(0)),
        0xc3 => ("true", Kind::Fixed(0)),
        0xc4 => ("bin 8", Kind::Sized { width: 1, extra: 0 }),
        0xc5 => ("bin 16", Kind::Sized { width: 2, extra: 0 }),
        0xc6 => ("bin 32", Kind::Sized { width: 4, extra: 0 }),
        0xc7 => ("ext 8", Kind::Sized { width: 1, extra: 1 }),
        0xc8 => ("ext 16", Kind::Sized { width: 2, extra: 1 }),
        0xc9 => ("ext 32", Kind::Sized { width: 4, extra: 1 }),
        0xca => ("float 32", Kind::Fixed(4)),
        0xcb => ("float 64", Kind::Fixed(8)),
        0xcc => ("uint 8", Kind::Fixed(1)),
        0xcd => ("uint 16", Kind::Fixed(2)),
        0xce => ("uint 32", Kind::Fixed(4)),
        0xcf => ("uint 64", Kind::Fixed(8)),
        0xd0 => ("int 8", Kind::Fixed(1)),
        0xd1 => ("int 16", Kind::Fixed(2)),
        0xd2 => ("int 32", Kind::Fixed(4)),
        0xd3 => ("int 64", Kind::Fixed(8)),
        0xd4 => ("fixext 1", Kind::Fixed(2)),
        0xd5 => ("fixext 2", Kind::Fixed(3)),
        0xd6 => ("fixext 4", Kind::Fixed(5)),
        0xd7 => ("fixext 8", Kind::Fixed(9)),
        0xd8 => ("fixext 16", Kind::Fixed(17)),
        0xd9 => ("str 8", Kind::Sized { width: 1, extra: 0 }),
        0xda => ("str 16", Kind::Sized { width: 2, extra: 0 }),
        0xdb => ("str 32", Kind::Sized { width: 4, extra: 0 }),
        0xdc => ("array 16", Kind::Array { width: 2, count: 0 }),
        0xdd => ("array 32", Kind::Array { width: 4, count: 0 }),
        0xde => ("map 16", Kind::Map { width: 2, count: 0 }),
        0xdf => ("map 32", Kind::Map { width: 4, count: 0 }),
        0xe0..=0xff => ("negative fixint", Kind::Fixed(0)),
        0xc1 => return None,
    })
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |n, &b| (n << 8) | u64::from(b))
}

/// Reads exactly one MessagePack value from `reader` and returns its bytes,
/// or `None` when the reader is at its end before the value starts.
/// `offset` is where the value starts in the whole input (for messages).
///
/// Declared lengths are never allocated up front: payloads are read as they
/// arrive, so a garbage length costs no more memory than the input has.
///
/// # Errors
///
/// [`WalkError::Eof`] when the input ends inside the value,
/// [`WalkError::Invalid`] for a byte that is no marker or nesting deeper
/// than [`MAX_DEPTH`], [`WalkError::Io`] when reading fails.
pub fn read_value(reader: &mut impl Read, offset: u64) -> Result<Option<Vec<u8>>, WalkError> {
    let mut out = Vec::new();
    // Elements still to read at each open level.
    let mut pending: Vec<u64> = Vec::new();
    let mut first = true;
    loop {
        let at = offset + out.len() as u64;
        let mut m = [0_u8; 1];
        if !read_exact_or_eof(reader, &mut m, &mut out)? {
            if first {
                return Ok(None);
            }
            return Err(WalkError::Eof { offset: at, what: "a value".into() });
        }
        first = false;
        let Some((name, kind)) = marker(m[0]) else {
            return Err(WalkError::Invalid { offset: at, what: format!("0x{:02x} is not a MessagePack marker", m[0]) });
        };
        let eof = |what: &str| WalkError::Eof { offset: at, what: format!("{what} of a {name}") };
        let children = match kind {
            Kind::Fixed(n) => {
                read_n(reader, n as u64, &mut out).map_err(|e| e.or_eof(|| eof("the value")))?;
                0
            }
            Kind::FixStr(n) => {
                read_n(reader, n, &mut out).map_err(|e| e.or_eof(|| eof("the bytes")))?;
                0
            }
            Kind::Sized { width, extra } => {
                let start = out.len();
                read_n(reader, width as u64, &mut out).map_err(|e| e.or_eof(|| eof("the length")))?;
                let len = be(&out[start..]);
                read_n(reader, extra as u64 + len, &mut out).map_err(|e| e.or_eof(|| eof("the bytes")))?;
                0
            }
            Kind::Array { width, count } | Kind::Map { width, count } => {
                let count = if width == 0 {
                    count
                } else {
                    let start = out.len();
                    read_n(reader, width as u64, &mut out).map_err(|e| e.or_eof(|| eof("the count")))?;
                    be(&out[start..])
                };
                if matches!(kind, Kind::Map { .. }) { count.saturating_mul(2) } else { count }
            }
        };
        if children > 0 {
            if pending.len() >= MAX_DEPTH {
                return Err(WalkError::Invalid { offset: at, what: format!("nesting deeper than {MAX_DEPTH}") });
            }
            pending.push(children);
            continue;
        }
        // A complete value: count it against the open levels.
        loop {
            match pending.last_mut() {
                None => return Ok(Some(out)),
                Some(left) => {
                    *left -= 1;
                    if *left == 0 {
                        pending.pop();
                    } else {
                        break;
                    }
                }
            }
        }
    }
}

/// A read that failed: at the end of the input or otherwise.
enum ReadFail {
    Eof,
    Io(io::Error),
}

impl ReadFail {
    fn or_eof(self, eof: impl FnOnce() -> WalkError) -> WalkError {
        match self {
            ReadFail::Eof => eof(),
            ReadFail::Io(e) => WalkError::Io(e),
        }
    }
}

impl From<ReadFail> for WalkError {
    fn from(e: ReadFail) -> Self {
        match e {
            ReadFail::Eof => WalkError::Eof { offset: 0, what: "more bytes".into() },
            ReadFail::Io(e) => WalkError::Io(e),
        }
    }
}

/// Appends exactly `n` bytes to `out`, growing it only as bytes arrive.
fn read_n(reader: &mut impl Read, n: u64, out: &mut Vec<u8>) -> Result<(), ReadFail> {
    let got = reader.by_ref().take(n).read_to_end(out).map_err(ReadFail::Io)?;
    if (got as u64) < n { Err(ReadFail::Eof) } else { Ok(()) }
}

/// Reads one byte into `buf` (and `out`); false at the end of the input.
fn read_exact_or_eof(reader: &mut impl Read, buf: &mut [u8; 1], out: &mut Vec<u8>) -> Result<bool, ReadFail> {
    loop {
        match reader.read(buf) {
            Ok(0) => return Ok(false),
            Ok(_) => {
                out.push(buf[0]);
                return Ok(true);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadFail::Io(e)),
        }
    }
}

/// An annotated dump of a sequence of MessagePack values: offset, the
/// marker and header bytes in hex, and what they mean, indented by depth.
/// At most `max_lines` lines (then a note of how many bytes were left).
///
/// # Errors
///
/// [`WalkError::Eof`] when the bytes end inside a value,
/// [`WalkError::Invalid`] for a byte that is no marker or nesting deeper
/// than [`MAX_DEPTH`].
#[allow(clippy::too_many_lines, reason = "one arm per marker kind reads best as one match")]
pub fn dump(bytes: &[u8], max_lines: usize) -> Result<String, WalkError> {
    let mut out = String::new();
    let mut pos = 0_usize;
    let mut lines = 0_usize;
    // (elements left, is a map, index within the level)
    let mut pending: Vec<(u64, bool, u64)> = Vec::new();
    let mut values = 0_u64;
    while pos < bytes.len() || !pending.is_empty() {
        if lines >= max_lines {
            let _ = writeln!(out, "... ({} more bytes not shown; raise --max-lines)", bytes.len() - pos);
            return Ok(out);
        }
        if pending.is_empty() {
            values += 1;
            if values > 1 {
                let _ = writeln!(out, "-- value {values} --");
            }
        }
        let at = pos;
        let eof = |what: &str| WalkError::Eof { offset: at as u64, what: what.into() };
        let m = *bytes.get(pos).ok_or_else(|| eof("a value"))?;
        let (name, kind) = marker(m).ok_or_else(|| WalkError::Invalid {
            offset: at as u64,
            what: format!("0x{m:02x} is not a MessagePack marker"),
        })?;
        pos += 1;
        let role = match pending.last() {
            Some(&(_, true, i)) if i % 2 == 0 => "key   ",
            Some(&(_, true, _)) => "value ",
            Some(_) => "item  ",
            None => "",
        };
        let take = |pos: &mut usize, n: u64, what: &str| -> Result<std::ops::Range<usize>, WalkError> {
            let n = usize::try_from(n).map_err(|_| eof(what))?;
            let end = pos.checked_add(n).filter(|&e| e <= bytes.len()).ok_or_else(|| eof(what))?;
            let range = *pos..end;
            *pos = end;
            Ok(range)
        };
        let (header, text, children, is_map) = match kind {
            Kind::Fixed(n) => {
                let r = take(&mut pos, n as u64, name)?;
                let v = &bytes[r.clone()];
                let text = match m {
                    0x00..=0x7f => format!("{name} {m}"),
                    0xe0..=0xff => format!("{name} {}", i8::from_be_bytes([m])),
                    0xc0 | 0xc2 | 0xc3 => name.to_owned(),
                    0xca => format!("{name} {}", f32::from_be_bytes(v.try_into().unwrap_or_default())),
                    0xcb => format!("{name} {}", f64::from_be_bytes(v.try_into().unwrap_or_default())),
                    0xcc..=0xcf => format!("{name} {}", be(v)),
                    0xd0..=0xd3 => {
                        let bits = 64 - 8 * u32::try_from(v.len()).unwrap_or(8);
                        #[allow(clippy::cast_possible_wrap, reason = "reinterpreting two's complement")]
                        let n = ((be(v) << bits) as i64) >> bits;
                        format!("{name} {n}")
                    }
                    _ => format!(
                        "{name} type {} data {}",
                        v.first().map_or(0, |&t| i8::from_be_bytes([t])),
                        hex(&v[1..])
                    ),
                };
                (r.end - at, text, 0, false)
            }
            Kind::FixStr(n) => {
                let r = take(&mut pos, n, "the bytes of a fixstr")?;
                (1, format!("{name} ({n} bytes) {:?}", String::from_utf8_lossy(&bytes[r])), 0, false)
            }
            Kind::Sized { width, extra } => {
                let lr = take(&mut pos, width as u64, "the length")?;
                let len = be(&bytes[lr]);
                let er = take(&mut pos, extra as u64, "the ext type")?;
                let header = pos - at;
                let r = take(&mut pos, len, "the bytes")?;
                let v = &bytes[r];
                let text = if name.starts_with("str") {
                    format!("{name} ({len} bytes) {:?}", String::from_utf8_lossy(v))
                } else if extra > 0 {
                    let t = bytes[er].first().map_or(0, |&t| i8::from_be_bytes([t]));
                    format!("{name} ({len} bytes) type {t} {}", preview(v))
                } else {
                    format!("{name} ({len} bytes) {}", preview(v))
                };
                (header, text, 0, false)
            }
            Kind::Array { width, count } | Kind::Map { width, count } => {
                let is_map = matches!(kind, Kind::Map { .. });
                let count = if width == 0 { count } else { be(&bytes[take(&mut pos, width as u64, "the count")?]) };
                let unit = if is_map { "entries" } else { "items" };
                (
                    pos - at,
                    format!("{name} ({count} {unit})"),
                    if is_map { count.saturating_mul(2) } else { count },
                    is_map,
                )
            }
        };
        let header_hex = hex(&bytes[at..at + header.min(9)]);
        let _ = writeln!(out, "{at:08x}  {header_hex:<27} {}{role}{text}", "  ".repeat(pending.len()));
        lines += 1;
        if children > 0 {
            if pending.len() >= MAX_DEPTH {
                return Err(WalkError::Invalid { offset: at as u64, what: format!("nesting deeper than {MAX_DEPTH}") });
            }
            pending.push((children, is_map, 0));
            continue;
        }
        while let Some(level) = pending.last_mut() {
            level.0 -= 1;
            level.2 += 1;
            if level.0 == 0 {
                pending.pop();
            } else {
                break;
            }
        }
    }
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn preview(bytes: &[u8]) -> String {
    if bytes.len() <= 16 { hex(bytes) } else { format!("{} ...", hex(&bytes[..16])) }
}
