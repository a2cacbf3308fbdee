//! Measuring aid: how fast can the bytes of records-1m be read at all, in
//! each format, and how far are the serde decoders from that floor?
//!
//! It encodes the suite's records-1m (1M `{ id: u32, value: f64,
//! timestamp: u32 }`) with `flatbox_wire::to_vec` and
//! `postcard::to_allocvec`, then times, fastest of N calls in one process:
//!
//! - the one-shot decoders users call (`flatbox_wire::from_slice`,
//!   `postcard::from_bytes`);
//! - a hand-written reader of exactly these bytes for each format, checked
//!   equal to the decoders' result: no serde, and no more than a safe
//!   reader of these bytes needs (bounds, tags, integer ranges), none of
//!   what a general decoder also keeps (shape and string tables, the depth
//!   limit, other types). postcard's row calibrates it: hand-written, its
//!   bytes read about as fast as `postcard::from_bytes` reads them;
//!   wire's reader takes a fixed-width integer's byte count from its tag
//!   with a branch per width (one to four bytes here), so that the next
//!   field's offset is predicted rather than computed from a byte just
//!   loaded;
//! - the smallest serde deserializer of wire's bytes (`serde_floor`):
//!   the derived `Record` and serde's `Vec` visitor drive it as they drive
//!   `from_slice`, with the decoder's per-record checks, and its integers
//!   read as the hand-written reader reads them. It shows what serde itself
//!   costs on top of the floor.
//!
//! `cargo run --release -p flatbox-bench --example decode_floor [calls]`.
//! It is not part of the product: the readers accept this one dataset's
//! bytes and nothing else. `cargo xtask bench` is the measurement.
#![allow(
    clippy::inline_always,
    reason = "every reader is inlined into its loop, as a serde decoder's are into the visitor's: left to LLVM, a floor would measure calls"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use flatbox_bench::datasets::tutorial::{Record, records_1m};

/// Where a hand-written reader stopped: the byte offset.
#[derive(Debug)]
struct Stop(#[allow(dead_code, reason = "shown by the panic that reports it")] usize);

/// A cursor over one encoding. Every reader is inlined into its loop, as
/// a serde decoder's are into the visitor's, with one bounds check a value
/// on the fast path and the last few bytes of the input out of line.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    #[inline(always)]
    fn byte(&mut self) -> Result<u8, Stop> {
        let b = *self.bytes.get(self.pos).ok_or(Stop(self.pos))?;
        self.pos += 1;
        Ok(b)
    }

    /// A LEB128 varint of a `u32` (at most five bytes), a branch a byte,
    /// as postcard reads one.
    #[inline(always)]
    fn varint_u32(&mut self) -> Result<u32, Stop> {
        let at = self.pos;
        let mut v = 0_u32;
        for k in 0..5 {
            let b = self.byte()?;
            v |= u32::from(b & 0x7F) << (7 * k);
            if b < 0x80 {
                return if k < 4 || b < 0x10 { Ok(v) } else { Err(Stop(at)) };
            }
        }
        Err(Stop(at))
    }

    /// A wire unsigned integer from its tag and up to eight bytes `b`: the
    /// value and the bytes it takes.
    #[inline(always)]
    fn wire_uint_of(b: [u8; 9]) -> Option<(u64, usize)> {
        let t = b[0];
        if t <= 0x3F {
            return Some((u64::from(t), 1));
        }
        if t == 0xF6 {
            return Some((u64::from(u16::from_le_bytes([b[1], b[2]])), 3));
        }
        if t == 0xF5 {
            return Some((u64::from(b[1]), 2));
        }
        if t == 0xF8 {
            return Some((u64::from(u32::from_le_bytes([b[1], b[2], b[3], b[4]])), 5));
        }
        if t == 0xF7 {
            return Some((u64::from(u32::from_le_bytes([b[1], b[2], b[3], 0])), 4));
        }
        if !(0xF9..=0xFC).contains(&t) {
            return None;
        }
        let n = usize::from(t - 0xF4);
        let all = u64::from_le_bytes([b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8]]);
        Some((all & (u64::MAX >> (64 - 8 * n)), 1 + n))
    }

    #[inline(always)]
    fn wire_f64_of(b: [u8; 9]) -> Option<(f64, usize)> {
        (b[0] == 0xE8).then(|| (f64::from_le_bytes([b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8]]), 9))
    }

    /// A wire value that `read` takes from its tag and up to eight bytes:
    /// one bounds check for the nine, the input's last bytes out of line.
    #[inline(always)]
    fn wire_value<T>(&mut self, read: impl Fn([u8; 9]) -> Option<(T, usize)>) -> Result<T, Stop> {
        let Some(b) = self.bytes.get(self.pos..).and_then(<[u8]>::first_chunk::<9>) else {
            return self.near_end(read);
        };
        let (v, len) = read(*b).ok_or(Stop(self.pos))?;
        self.pos += len;
        Ok(v)
    }

    /// A value in the input's last eight bytes: `read` on them padded with
    /// zeros, its length checked against what is there.
    #[cold]
    #[inline(never)]
    fn near_end<T>(&mut self, read: impl Fn([u8; 9]) -> Option<(T, usize)>) -> Result<T, Stop> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let mut b = [0; 9];
        b[..rest.len()].copy_from_slice(rest);
        match read(b) {
            Some((v, len)) if len <= rest.len() => {
                self.pos += len;
                Ok(v)
            }
            _ => Err(Stop(self.pos)),
        }
    }

    /// A key defined inline (`ED len bytes`): it must be `name`.
    fn wire_key(&mut self, name: &str) -> Result<(), Stop> {
        let at = self.pos;
        let (tag, len) = (self.byte()?, self.byte()?);
        let bytes = self.bytes.get(self.pos..self.pos + usize::from(len)).ok_or(Stop(at))?;
        if tag != 0xED || bytes != name.as_bytes() {
            return Err(Stop(at));
        }
        self.pos += usize::from(len);
        Ok(())
    }
}

/// The smallest serde deserializer of records-1m's wire bytes: the derived
/// `Record` and serde's `Vec` visitor drive it, as they drive
/// `flatbox_wire::from_slice`, with the same per-record checks (the
/// shape reference against the last struct's field list, the depth limit,
/// a count of fields left) and its state behind the pointer every
/// `Deserialize` impl receives; integers read as `Cursor::wire_uint_of`
/// reads them. What it does not do, it refuses.
mod serde_floor {
    use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};

    use super::Cursor;

    /// Where it stopped (or a message from the visitor, at `usize::MAX`).
    #[derive(Debug)]
    pub struct Error(#[allow(dead_code, reason = "shown by the panic that reports it")] pub usize);

    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "stopped at byte {}", self.0)
        }
    }

    impl std::error::Error for Error {}

    impl de::Error for Error {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Error(usize::MAX)
        }
    }

    pub struct Deserializer<'a> {
        c: Cursor<'a>,
        depth_left: usize,
        /// The field list the last struct was read with, and its length.
        last: (usize, usize),
    }

    #[cold]
    #[inline(never)]
    fn stop(at: usize) -> Error {
        Error(at)
    }

    /// The values of a struct or array, `left` of them.
    struct Values<'b, 'a> {
        de: &'b mut Deserializer<'a>,
        left: usize,
    }

    impl<'de, 'a: 'de> SeqAccess<'de> for Values<'_, 'a> {
        type Error = Error;

        #[inline(always)]
        fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
            if self.left == 0 {
                return Ok(None);
            }
            self.left -= 1;
            seed.deserialize(&mut *self.de).map(Some)
        }

        fn size_hint(&self) -> Option<usize> {
            Some(self.left)
        }
    }

    /// The values of the struct that defines the shape, each after its key,
    /// which must be the field's.
    struct Defining<'b, 'a> {
        de: &'b mut Deserializer<'a>,
        keys: std::slice::Iter<'static, &'static str>,
    }

    impl<'de, 'a: 'de> SeqAccess<'de> for Defining<'_, 'a> {
        type Error = Error;

        fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
            let Some(name) = self.keys.next() else { return Ok(None) };
            self.de.c.wire_key(name).map_err(|e| stop(e.0))?;
            seed.deserialize(&mut *self.de).map(Some)
        }
    }

    impl<'de, 'a: 'de> de::Deserializer<'de> for &mut Deserializer<'a> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(stop(self.c.pos))
        }

        #[inline(always)]
        fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let at = self.c.pos;
            let v = self.c.wire_value(Cursor::wire_uint_of).map_err(|e| stop(e.0))?;
            visitor.visit_u32(u32::try_from(v).map_err(|_| stop(at))?)
        }

        #[inline(always)]
        fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_f64(self.c.wire_value(Cursor::wire_f64_of).map_err(|e| stop(e.0))?)
        }

        fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            if self.c.byte().map_err(|e| stop(e.0))? != 0xEB {
                return Err(stop(self.c.pos - 1));
            }
            let n = self.c.varint_u32().map_err(|e| stop(e.0))?;
            let n = usize::try_from(n).map_err(|_| stop(self.c.pos))?;
            let mut values = Values { de: &mut *self, left: n };
            let value = visitor.visit_seq(&mut values)?;
            if values.left == 0 { Ok(value) } else { Err(stop(self.c.pos)) }
        }

        #[inline(always)]
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            let at = self.c.pos;
            let t = self.c.byte().map_err(|e| stop(e.0))?;
            if self.depth_left == 0 {
                return Err(stop(at));
            }
            if t == 0xC0 && self.last == (fields.as_ptr() as usize, fields.len()) {
                self.depth_left -= 1;
                let mut values = Values { de: &mut *self, left: fields.len() };
                let value = visitor.visit_seq(&mut values);
                let left = values.left;
                self.depth_left += 1;
                let value = value?;
                return if left == 0 { Ok(value) } else { Err(stop(at)) };
            }
            if t != 0xEF || self.last.0 != 0 || self.c.byte().map_err(|e| stop(e.0))? != 3 || fields.len() != 3 {
                return Err(stop(at));
            }
            self.last = (fields.as_ptr() as usize, fields.len());
            self.depth_left -= 1;
            let mut values = Defining { de: &mut *self, keys: fields.iter() };
            let value = visitor.visit_seq(&mut values);
            let left = values.keys.len();
            self.depth_left += 1;
            let value = value?;
            if left == 0 { Ok(value) } else { Err(stop(at)) }
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u64 u128 f32 char str string bytes byte_buf option unit
            unit_struct newtype_struct tuple tuple_struct map enum identifier ignored_any
        }
    }

    /// `T` from all of `bytes`.
    #[inline(never)]
    pub(crate) fn from_slice<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, Error> {
        let mut de = Deserializer { c: Cursor { bytes, pos: 0 }, depth_left: 128, last: (0, 0) };
        let value = T::deserialize(&mut de)?;
        if de.c.pos == bytes.len() { Ok(value) } else { Err(stop(de.c.pos)) }
    }
}

/// Reads records-1m's wire bytes: an array (`EB count`), the first record
/// defining shape 0 with its keys, every later one `C0` and its values.
#[inline(never)]
fn wire_floor(bytes: &[u8]) -> Result<Vec<Record>, Stop> {
    let mut c = Cursor { bytes, pos: 0 };
    if c.byte()? != 0xEB {
        return Err(Stop(0));
    }
    let count = usize::try_from(c.varint_u32()?).map_err(|_| Stop(c.pos))?;
    // As serde's `Vec` visitor: no more room up front than a MiB holds.
    let mut out = Vec::with_capacity(count.min((1 << 20) / size_of::<Record>()));
    let uint = |c: &mut Cursor<'_>| -> Result<u32, Stop> {
        let at = c.pos;
        u32::try_from(c.wire_value(Cursor::wire_uint_of)?).map_err(|_| Stop(at))
    };
    if count > 0 {
        let at = c.pos;
        if (c.byte()?, c.byte()?) != (0xEF, 3) {
            return Err(Stop(at));
        }
        c.wire_key("id")?;
        let id = uint(&mut c)?;
        c.wire_key("value")?;
        let value = c.wire_value(Cursor::wire_f64_of)?;
        c.wire_key("timestamp")?;
        out.push(Record { id, value, timestamp: uint(&mut c)? });
    }
    for _ in 1..count {
        let at = c.pos;
        if c.byte()? != 0xC0 {
            return Err(Stop(at));
        }
        let id = uint(&mut c)?;
        let value = c.wire_value(Cursor::wire_f64_of)?;
        out.push(Record { id, value, timestamp: uint(&mut c)? });
    }
    if c.pos == bytes.len() { Ok(out) } else { Err(Stop(c.pos)) }
}

/// Reads records-1m's postcard bytes: a varint count, then per record a
/// varint, eight bytes and a varint.
#[inline(never)]
fn postcard_floor(bytes: &[u8]) -> Result<Vec<Record>, Stop> {
    let mut c = Cursor { bytes, pos: 0 };
    let count = usize::try_from(c.varint_u32()?).map_err(|_| Stop(c.pos))?;
    let mut out = Vec::with_capacity(count.min((1 << 20) / size_of::<Record>()));
    for _ in 0..count {
        let id = c.varint_u32()?;
        let b = c.bytes.get(c.pos..).and_then(<[u8]>::first_chunk::<8>).ok_or(Stop(c.pos))?;
        let value = f64::from_le_bytes(*b);
        c.pos += 8;
        out.push(Record { id, value, timestamp: c.varint_u32()? });
    }
    if c.pos == bytes.len() { Ok(out) } else { Err(Stop(c.pos)) }
}

/// The fastest of `calls` calls of `f` on `bytes`, after checking its
/// result is `expected`.
fn fastest<E: std::fmt::Debug>(
    calls: u32,
    bytes: &[u8],
    expected: &[Record],
    f: impl Fn(&[u8]) -> Result<Vec<Record>, E>,
) -> Duration {
    assert_eq!(f(bytes).expect("reads its bytes"), expected, "a reader disagrees with the decoders");
    (0..calls)
        .map(|_| {
            let start = Instant::now();
            black_box(f(black_box(bytes)).expect("reads its bytes"));
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let calls: u32 = std::env::args().nth(1).map_or(20, |n| n.parse().expect("a number of calls"));
    let records = records_1m();
    let wire = flatbox_wire::to_vec(&records).expect("encodes");
    let postcard = postcard::to_allocvec(&records).expect("encodes");
    // Taking turns, so that a noisy neighbour slows every row alike.
    let mut best = [Duration::MAX; 5];
    for _ in 0..5 {
        let rows = [
            fastest(calls, &wire, &records, |b| flatbox_wire::from_slice::<Vec<Record>>(b)),
            fastest(calls, &postcard, &records, |b| postcard::from_bytes::<Vec<Record>>(b)),
            fastest(calls, &wire, &records, wire_floor),
            fastest(calls, &wire, &records, |b| serde_floor::from_slice::<Vec<Record>>(b)),
            fastest(calls, &postcard, &records, postcard_floor),
        ];
        for (b, r) in best.iter_mut().zip(rows) {
            *b = (*b).min(r);
        }
    }
    let postcard_time = best[1].as_secs_f64();
    println!(
        "records-1m: wire {} bytes, postcard {} bytes; fastest of {} calls, 5 rounds",
        wire.len(),
        postcard.len(),
        calls
    );
    let names = [
        "wire: flatbox_wire::from_slice",
        "postcard: postcard::from_bytes",
        "wire: hand-written",
        "wire: the smallest serde deserializer",
        "postcard: hand-written",
    ];
    for (name, b) in names.iter().zip(best) {
        println!(
            "{name:44} {:>8.2} ms  {:.2}x postcard::from_bytes",
            b.as_secs_f64() * 1e3,
            b.as_secs_f64() / postcard_time
        );
    }
}
