//! A structural check of a Parquet footer's Thrift (compact protocol)
//! bytes before the parquet crate decodes them.
//!
//! The parquet crate (60.x) skips unknown fields with a loop that trusts a
//! list's declared length, and takes a boolean element of a list to occupy
//! no bytes (the compact protocol spends one byte on each), so a footer of
//! a few hundred bytes that declares a list of 2^31 booleans under an
//! unknown field id spins for billions of iterations: a hang, found by the
//! `parquet_read` fuzz target. The same loop class was fixed in other
//! Thrift readers (THRIFT-5469, THRIFT-6164).
//!
//! [`check_footer`] walks the footer once, generically (no schema), and
//! refuses any container whose declared element count exceeds the bytes
//! left, since each element takes at least one byte, and nesting deeper than
//! the crate's own 64-level skip limit. A footer that passes bounds every
//! loop of the parquet crate's skip by the footer's length.

use crate::{Error, Result};

/// The parquet crate's skip depth limit; deeper nesting is refused.
const MAX_DEPTH: u32 = 64;

/// Walks the Thrift compact-protocol struct that fills `footer` (the
/// `FileMetaData` bytes, which start at byte `base` of the file `input`).
///
/// # Errors
///
/// [`Error::MalformedParquet`] naming the byte offset in the file and what
/// was expected there: a truncated value, a container longer than the
/// bytes left, an unknown type or nesting deeper than 64 levels.
pub(crate) fn check_footer(input: &str, footer: &[u8], base: u64) -> Result<()> {
    let mut walker = Walker { input, bytes: footer, pos: 0, base };
    walker.value(STRUCT, 0)
}

const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const BYTE: u8 = 3;
const I16: u8 = 4;
const I32: u8 = 5;
const I64: u8 = 6;
const DOUBLE: u8 = 7;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const SET: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;
const UUID: u8 = 13;

struct Walker<'a> {
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
    base: u64,
}

impl Walker<'_> {
    fn error(&self, expected: impl Into<String>) -> Error {
        Error::MalformedParquet {
            input: self.input.to_owned(),
            offset: self.base + self.pos as u64,
            expected: format!("footer metadata: {}", expected.into()),
        }
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn skip(&mut self, n: usize, what: &str) -> Result<()> {
        if n > self.remaining() {
            return Err(self.error(format!("{what} of {n} bytes, {} left", self.remaining())));
        }
        self.pos += n;
        Ok(())
    }

    fn byte(&mut self) -> Result<u8> {
        let b = *self.bytes.get(self.pos).ok_or_else(|| self.error("another byte, the footer ended"))?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64> {
        let mut value = 0_u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7F).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error("a varint of at most 10 bytes"))
    }

    /// A container's element count, checked against the bytes left (each
    /// element takes at least `per_element` bytes).
    fn count(&mut self, declared: u64, per_element: usize, what: &str) -> Result<usize> {
        let left = self.remaining() / per_element;
        match usize::try_from(declared) {
            Ok(n) if n <= left => Ok(n),
            _ => Err(self.error(format!("a {what} of at most {left} elements (the bytes left), declared {declared}"))),
        }
    }

    fn value(&mut self, kind: u8, depth: u32) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("nesting of at most {MAX_DEPTH} levels")));
        }
        match kind {
            BOOL_TRUE | BOOL_FALSE => Ok(()),
            BYTE => self.skip(1, "a byte"),
            I16 | I32 | I64 => self.varint().map(drop),
            DOUBLE => self.skip(8, "a double"),
            UUID => self.skip(16, "a uuid"),
            BINARY => {
                let len = self.varint()?;
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                self.skip(len, "a binary")
            }
            LIST | SET => {
                let header = self.byte()?;
                let element = header & 0x0F;
                let short = u64::from(header >> 4);
                let declared = if short == 15 { self.varint()? } else { short };
                let n = self.count(declared, 1, "list")?;
                for _ in 0..n {
                    self.element(element, depth + 1)?;
                }
                Ok(())
            }
            MAP => {
                let declared = self.varint()?;
                if declared == 0 {
                    return Ok(());
                }
                let types = self.byte()?;
                let n = self.count(declared, 2, "map")?;
                for _ in 0..n {
                    self.element(types >> 4, depth + 1)?;
                    self.element(types & 0x0F, depth + 1)?;
                }
                Ok(())
            }
            STRUCT => loop {
                let header = self.byte()?;
                if header == 0 {
                    return Ok(());
                }
                if header >> 4 == 0 {
                    // A field id that is not a delta: a zigzag i16 varint.
                    self.varint()?;
                }
                self.value(header & 0x0F, depth + 1)?;
            },
            other => Err(self.error(format!("a thrift type id (1 to 13), got {other}"))),
        }
    }

    /// A container's element: booleans take a byte each there.
    fn element(&mut self, kind: u8, depth: u32) -> Result<()> {
        match kind {
            BOOL_TRUE | BOOL_FALSE => self.skip(1, "a boolean"),
            _ => self.value(kind, depth),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8]) -> Result<()> {
        check_footer("t", bytes, 100)
    }

    #[test]
    fn well_formed_structs_pass() {
        // field 1: i32 21 (zigzag 42), field 2: binary "ab", field 3: list
        // of two bools, field 4: nested struct {field 1: true}, stop.
        let bytes = [0x15, 42, 0x18, 2, b'a', b'b', 0x19, 0x21, 1, 2, 0x1C, 0x11, 0, 0];
        check(&bytes).unwrap();
        // A long-form field id (delta 0): id zigzag 600, type i64.
        check(&[0x06, 0xB0, 0x09, 0x02, 0]).unwrap();
        // An empty map, and a map of one i32 -> binary.
        check(&[0x1B, 0, 0x1B, 1, 0x58, 4, 1, b'x', 0]).unwrap();
    }

    #[test]
    fn a_list_longer_than_the_bytes_left_is_refused() {
        // The fuzz finding's shape: an unknown field holding a list of
        // 0xFFFFFFF2 booleans in a few bytes.
        let e = check(&[0x19, 0xF1, 0xF2, 0xFF, 0xFF, 0xFF, 0x0F, 1, 1, 0]).unwrap_err();
        assert!(
            matches!(&e, Error::MalformedParquet { offset: 107, .. }) && e.to_string().contains("declared 4294967282"),
            "{e}"
        );
        let e = check(&[0x1B, 0xFF, 0xFF, 0x03, 0x11, 0]).unwrap_err();
        assert!(e.to_string().contains("a map of at most"), "{e}");
    }

    #[test]
    fn truncation_depth_and_unknown_types_are_refused() {
        let e = check(&[0x15]).unwrap_err();
        assert!(matches!(e, Error::MalformedParquet { offset: 101, .. }) && e.to_string().contains("ended"), "{e}");
        assert!(check(&[0x18, 5, b'a']).unwrap_err().to_string().contains("a binary of 5 bytes, 1 left"));
        let deep: Vec<u8> = std::iter::repeat_n(0x1C, 70).chain(std::iter::repeat_n(0, 71)).collect();
        assert!(check(&deep).unwrap_err().to_string().contains("nesting of at most 64"));
        assert!(check(&[0x1E, 0]).unwrap_err().to_string().contains("got 14"));
    }
}
