//! Reading exactly one value from a [`Read`]er: a walker that follows the
//! tags without building anything, so that `from_reader` takes no more
//! bytes than the value has and a stream of values can be read one by one.

use std::io::{self, Read};

use crate::config::Limits;
use crate::error::{ErrorKind, Result};
use crate::header::{self, Header, Source};

struct Walker<'r, R> {
    reader: &'r mut R,
    buf: Vec<u8>,
    limit: usize,
}

impl<R: Read> Walker<'_, R> {
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

    /// Reads `n` more bytes into the buffer.
    fn fill(&mut self, n: usize, what: &'static str) -> Result<()> {
        self.check_room(n)?;
        let before = self.buf.len();
        if n == 1 {
            let mut b = [0];
            loop {
                match self.reader.read(&mut b) {
                    Ok(0) => return Err(ErrorKind::Eof { offset: before, needed: 1, what }.into()),
                    Ok(_) => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(ErrorKind::Io(e).into()),
                }
            }
            self.buf.push(b[0]);
            return Ok(());
        }
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
}

impl<R: Read> Source for Walker<'_, R> {
    fn offset(&self) -> usize {
        self.buf.len()
    }

    fn remaining(&self) -> usize {
        // A stream has no known end: only the limit bounds what follows.
        self.limit - self.buf.len()
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8]> {
        let before = self.buf.len();
        self.fill(n, what)?;
        Ok(&self.buf[before..])
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
        let h = header::header(&mut w)?;
        let (content, what) = h.content();
        if content > 0 {
            w.fill(content, what)?;
        }
        for _ in 0..h.varints() {
            w.varint_u64()?;
        }
        if let Header::ShapeDefine(n) = h {
            if shapes.len() >= limits.max_shapes {
                return Err(ErrorKind::TableFull { offset: at, what: "shapes", limit: limits.max_shapes }.into());
            }
            shapes.push(n as u64);
        }
        let children = match h {
            Header::ShapeRef(index) => shape_len(&shapes, index, at)?,
            h => h.values().unwrap_or_default() as u64,
        };
        pending = pending.saturating_add(children);
        let room = (w.limit - w.buf.len()) as u64;
        if pending > room {
            // Where the count was declared: the varint after the tag, or
            // the tag itself for inline counts and shape references (the
            // offset `from_slice` reports for a count it cannot back).
            let declared_at = match (h, w.buf.get(at)) {
                (Header::Array(_) | Header::Map(_) | Header::ShapeDefine(_), Some(&t)) if !header::is_inline_tag(t) => {
                    at + 1
                }
                _ => at,
            };
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
