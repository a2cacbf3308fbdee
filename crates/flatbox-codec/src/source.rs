//! A buffered reader that can peek at a frame's header before a frame
//! decoder takes over, and counts what it hands out.

use std::io::{self, BufRead, Read};

const CAPACITY: usize = 64 * 1024;

/// Buffers a reader; `peek(n)` makes the next `n` bytes visible without
/// consuming them (fewer at the end of the input).
pub(crate) struct Source<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Bytes handed out (consumed) so far: the offset of the next byte.
    consumed: u64,
}

impl<R: Read> Source<R> {
    pub(crate) fn new(inner: R) -> Self {
        Source { inner, buf: vec![0; CAPACITY].into_boxed_slice(), pos: 0, end: 0, consumed: 0 }
    }

    pub(crate) fn consumed(&self) -> u64 {
        self.consumed
    }

    /// Up to `n` (at most the buffer's capacity) next bytes, fewer only at
    /// the end of the input.
    pub(crate) fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        let n = n.min(self.buf.len());
        if self.end - self.pos < n {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
            while self.end < n {
                match self.inner.read(&mut self.buf[self.end..]) {
                    Ok(0) => break,
                    Ok(k) => self.end += k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(&self.buf[self.pos..self.end.min(self.pos + n)])
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Source<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.end {
            self.pos = 0;
            self.end = loop {
                match self.inner.read(&mut self.buf) {
                    Ok(k) => break k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
        }
        Ok(&self.buf[self.pos..self.end])
    }

    fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.end - self.pos);
        self.pos += amount;
        self.consumed += amount as u64;
    }
}
