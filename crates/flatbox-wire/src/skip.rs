//! Finding where a value ends without decoding it, in bytes the encoder
//! itself wrote (used to rewrite a struct whose fields did not match the
//! shape it predicted).

use crate::error::{ErrorKind, Result};
use crate::header::{self, Header, Source};

/// The encoder's bytes as a [`Source`] of tokens.
struct Written<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The offset of `bytes[0]` from the start of the whole encoding.
    origin: usize,
}

impl Source for Written<'_> {
    fn offset(&self) -> usize {
        self.pos
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8]> {
        let bytes = self.bytes.get(self.pos..).and_then(|rest| rest.get(..n));
        let bytes = bytes.ok_or(ErrorKind::Eof { offset: self.pos, needed: n, what })?;
        self.pos += n;
        Ok(bytes)
    }

    fn unread(&self) -> Option<&[u8]> {
        self.bytes.get(self.pos..)
    }

    fn aligned_offset(&self) -> usize {
        // Packed data aligns from the start of the whole encoding.
        self.origin + self.pos
    }
}

/// The offset just past the value that starts at `pos` in `bytes`, or
/// `None` if the bytes are not a complete value.
///
/// `origin` is the offset of `bytes[0]` from the start of the whole
/// encoding (packed data is aligned relative to that start); `shape_len`
/// gives the field count of shape `i`, for every shape defined so far.
/// Every packed array met is reported to `packed` as (offset of its
/// padding, padding length, element size), so that a caller moving the
/// bytes can pad them again for their new offset.
pub(crate) fn skip_value(
    bytes: &[u8],
    pos: usize,
    origin: usize,
    shape_len: &dyn Fn(u64) -> Option<usize>,
    packed: &mut Vec<(usize, usize, usize)>,
) -> Option<usize> {
    let mut src = Written { bytes, pos, origin };
    let mut pending: usize = 1;
    while pending > 0 {
        pending -= 1;
        let h = header::header(&mut src).ok()?;
        if let Header::Packed { size, padding, .. } = h {
            // The padding was read just before the data.
            packed.push((src.pos - padding, padding, size));
        }
        src.take(h.content().0, "content").ok()?;
        for _ in 0..h.varints() {
            src.varint_u64().ok()?;
        }
        let children = match h.values() {
            Some(n) => n,
            None => match h {
                Header::ShapeRef(index) => shape_len(index)?,
                _ => 0,
            },
        };
        pending += children;
    }
    Some(src.pos)
}
