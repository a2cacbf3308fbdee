//! Reading exactly one value from a [`Read`]er: a walker that follows the
//! tags without building anything, so that `from_reader` takes no more
//! bytes than the value has and a stream of values can be read one by one.

use std::io::{self, Read};

use crate::config::Limits;
use crate::error::{Error, ErrorKind, Result};
use crate::magic;
use crate::tag;
use crate::varint;

struct Walker<'r, R> {
    reader: &'r mut R,
    buf: Vec<u8>,
    limit: usize,
}

impl<R: Read> Walker<'_, R> {
    fn eof(&self, needed: usize, what: &'static str) -> Error {
        ErrorKind::Eof { offset: self.buf.len(), needed, what }.into()
    }

    fn byte(&mut self, what: &'static str) -> Result<u8> {
        let mut b = [0];
        loop {
            match self.reader.read(&mut b) {
                Ok(0) => return Err(self.eof(1, what)),
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ErrorKind::Io(e).into()),
            }
        }
        self.check_room(1)?;
        self.buf.push(b[0]);
        Ok(b[0])
    }

    fn check_room(&self, n: usize) -> Result<()> {
        if self.buf.len().saturating_add(n) > self.limit {
            return Err(ErrorKind::LengthExceedsInput {
                offset: self.buf.len(),
                what: "value size (Limits::max_reader_bytes)",
                declared: (self.buf.len() as u64).saturating_add(n as u64),
                remaining: self.limit - self.buf.len(),
            }
            .into());
        }
        Ok(())
    }

    fn bytes(&mut self, n: u64, what: &'static str) -> Result<()> {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        self.check_room(n)?;
        let before = self.buf.len();
        // `take` + `read_to_end` grows the buffer as data arrives, so a
        // declared length the stream does not back allocates nothing extra.
        (&mut *self.reader).take(n as u64).read_to_end(&mut self.buf)?;
        let got = self.buf.len() - before;
        if got < n {
            // Where the cut-off bytes start, as `from_slice` and `inspect`
            // report it (not where the stream ended).
            return Err(ErrorKind::Eof { offset: before, needed: n - got, what }.into());
        }
        Ok(())
    }

    fn varint(&mut self, max_len: usize) -> Result<u128> {
        let start = self.buf.len();
        loop {
            let b = self.byte("a varint")?;
            if b < 0x80 || self.buf.len() - start == max_len {
                break;
            }
        }
        let bytes = &self.buf[start..];
        let parsed = if max_len == varint::MAX_LEN_U64 {
            varint::read_u64(bytes).map(|(v, _)| u128::from(v))
        } else {
            varint::read_u128(bytes).map(|(v, _)| v)
        };
        parsed.map_err(|source| ErrorKind::Varint { offset: start, source }.into())
    }

    fn u64(&mut self) -> Result<u64> {
        // A u64 varint always fits.
        Ok(u64::try_from(self.varint(varint::MAX_LEN_U64)?).unwrap_or(u64::MAX))
    }
}

/// Reads the bytes of exactly one value from `reader`.
pub(crate) fn read_value<R: Read>(reader: &mut R, limits: &Limits) -> Result<Vec<u8>> {
    let mut w = Walker { reader, buf: Vec::new(), limit: limits.max_reader_bytes };
    let mut shapes: Vec<u64> = Vec::new();
    // Values still to read; each takes at least one byte.
    let mut pending: u64 = 1;
    while pending > 0 {
        pending -= 1;
        let at = w.buf.len();
        let t = w.byte("a tag")?;
        let children: u64 = match t {
            0x00..=0x3F | 0x80..=0xBF | tag::NULL | tag::FALSE | tag::TRUE => 0,
            0x40..=0x5F => {
                w.bytes(u64::from(t - tag::STR_INLINE), "a string")?;
                0
            }
            0x60..=0x6F => u64::from(t - tag::ARRAY_INLINE),
            0x70..=0x7F => 2 * u64::from(t - tag::MAP_INLINE),
            0xC0..=0xDF => shape_len(&shapes, u64::from(t - tag::SHAPE_REF_INLINE), at)?,
            tag::UINT | tag::NEG_INT | tag::STR_REF => {
                w.u64()?;
                0
            }
            tag::UINT128 | tag::NEG_INT128 => {
                w.varint(varint::MAX_LEN_U128)?;
                0
            }
            tag::F32 => {
                w.bytes(4, "an f32")?;
                0
            }
            tag::F64 => {
                w.bytes(8, "an f64")?;
                0
            }
            tag::STR | tag::BYTES | tag::STR_DEFINE => {
                let n = w.u64()?;
                w.bytes(n, "a string or bytes")?;
                0
            }
            tag::ARRAY => w.u64()?,
            tag::MAP => w.u64()?.saturating_mul(2),
            tag::SHAPE_DEFINE => {
                let n = w.u64()?;
                if shapes.len() >= limits.max_shapes {
                    return Err(ErrorKind::TableFull { offset: at, what: "shapes", limit: limits.max_shapes }.into());
                }
                shapes.push(n);
                n.saturating_mul(2)
            }
            tag::SHAPE_REF => {
                let index = w.u64()?;
                shape_len(&shapes, index, at)?
            }
            tag::SOME => 1,
            tag::TIMESTAMP => {
                w.u64()?;
                w.u64()?;
                0
            }
            tag::EXTENSION => {
                w.u64()?;
                let n = w.u64()?;
                w.bytes(n, "extension data")?;
                0
            }
            tag::PACKED => {
                let kind = w.byte("a packed element kind")?;
                let size = magic::packed_size(kind).ok_or_else(|| ErrorKind::InvalidValue {
                    offset: at + 1,
                    what: "packed array",
                    reason: format!("unknown element kind 0x{kind:02X}"),
                })?;
                let count = w.u64()?;
                let padding = (size - w.buf.len() % size) % size;
                w.bytes(count.saturating_mul(size as u64).saturating_add(padding as u64), "packed data")?;
                0
            }
            _ => return Err(ErrorKind::UnknownTag { offset: at, tag: t }.into()),
        };
        pending = pending.saturating_add(children);
        let room = (w.limit - w.buf.len()) as u64;
        if pending > room {
            // Where the count was declared: the varint after the tag, or
            // the tag itself for inline counts and shape references (the
            // offset `from_slice` reports for a count it cannot back).
            let declared_at = if matches!(t, tag::ARRAY | tag::MAP | tag::SHAPE_DEFINE) { at + 1 } else { at };
            return Err(ErrorKind::LengthExceedsInput {
                offset: declared_at,
                what: "element count (Limits::max_reader_bytes)",
                declared: children,
                remaining: w.limit - w.buf.len(),
            }
            .into());
        }
    }
    Ok(w.buf)
}

fn shape_len(shapes: &[u64], index: u64, at: usize) -> Result<u64> {
    #[allow(clippy::unnecessary_lazy_evaluations, reason = "building an error is not free (it has drop glue)")]
    usize::try_from(index)
        .ok()
        .and_then(|i| shapes.get(i).copied())
        .ok_or_else(|| ErrorKind::BadShapeRef { offset: at, index, defined: shapes.len() }.into())
}
