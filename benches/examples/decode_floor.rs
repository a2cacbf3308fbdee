//! Measuring aid: how fast can a dataset's bytes be read at all, in each
//! format, and how far are the serde decoders from that floor?
//!
//! For three datasets of the suite, it encodes the value with
//! `flatbox_wire::to_vec` and `postcard::to_allocvec`, then times, fastest
//! of N calls in one process (the rows taking turns, five rounds):
//!
//! - the one-shot decoders users call (`flatbox_wire::from_slice`,
//!   `postcard::from_bytes`);
//! - a hand-written reader of exactly these bytes for each format, checked
//!   equal to the decoders' result: no serde, and no more than a safe
//!   reader of these bytes needs (bounds, tags, integer ranges, UTF-8, and
//!   for wire the shape and variant-name tables the bytes refer to), none
//!   of what a general decoder also keeps (field lists of other types, the
//!   depth limit, other types). postcard's row calibrates it: hand-written,
//!   its bytes read about as fast as `postcard::from_bytes` reads them.
//!   Wire's reader takes a fixed-width integer's byte count from its tag
//!   with a branch per width, so that the next field's offset is predicted
//!   rather than computed from a byte just loaded.
//!
//! The datasets:
//!
//! - records-1m (1M `{ id: u32, value: f64, timestamp: u32 }`), with one
//!   row more: the smallest serde deserializer of wire's bytes
//!   (`serde_floor`). The derived `Record` and serde's `Vec` visitor drive
//!   it as they drive `from_slice`, with the decoder's per-record checks,
//!   and its integers read as the hand-written reader reads them. It shows
//!   what serde itself costs on top of the floor;
//! - shapes-enums-nested (5,000 steps: an enum of four variant kinds,
//!   structs three deep; `steps`): what a tag per value, a shape reference
//!   per struct and a variant name per enum cost to read;
//! - pipeline-network (one three-field struct; `event`): what reading one
//!   small value costs when its field names come with it. One read is
//!   shorter than the timer's step, so each sample times 1,000 calls.
//!   Two rows more call the decoders through a function pointer, as the
//!   suite calls every format: on a value this small, whether a decoder
//!   is inlined into its caller's loop moves its time by more than the
//!   decoders differ.
//!
//! `cargo run --release -p flatbox-bench --example decode_floor [calls]`.
//! It is not part of the product: the readers accept these datasets' bytes
//! and nothing else, and its tests check that they still do. `cargo xtask
//! bench` is the measurement.
#![allow(
    clippy::inline_always,
    reason = "every reader is inlined into its loop, as a serde decoder's are into the visitor's: left to LLVM, a floor would measure calls"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use flatbox_bench::datasets::shapes::{Step, enums_nested};
use flatbox_bench::datasets::tutorial::{NetworkEvent, Record, pipeline_network, records_1m};
use rounds::best_of_rounds;

#[path = "support/rounds.rs"]
mod rounds;

/// Where a hand-written reader stopped: the byte offset.
#[derive(Debug)]
struct Stop(#[allow(dead_code, reason = "shown by the panic that reports it")] usize);

/// The `i64` a zigzag-encoded `u64` stands for.
#[inline(always)]
fn unzigzag(z: u64) -> i64 {
    (z >> 1).cast_signed() ^ -(z & 1).cast_signed()
}

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

    /// A LEB128 varint of at most `BITS` bits, a branch a byte, as
    /// postcard reads one.
    #[inline(always)]
    fn varint<const BITS: u32>(&mut self) -> Result<u64, Stop> {
        let at = self.pos;
        let bytes = BITS.div_ceil(7);
        let mut v = 0_u64;
        for k in 0..bytes {
            let b = self.byte()?;
            v |= u64::from(b & 0x7F) << (7 * k);
            if b < 0x80 {
                return if k + 1 < bytes || u32::from(b) < 1 << (BITS - 7 * k) { Ok(v) } else { Err(Stop(at)) };
            }
        }
        Err(Stop(at))
    }

    #[inline(always)]
    #[allow(clippy::cast_possible_truncation, reason = "`varint` read at most 32 bits")]
    fn varint_u32(&mut self) -> Result<u32, Stop> {
        self.varint::<32>().map(|v| v as u32)
    }

    #[inline(always)]
    fn varint_u64(&mut self) -> Result<u64, Stop> {
        self.varint::<64>()
    }

    /// `len` bytes, checked against what is left.
    #[inline(always)]
    fn take(&mut self, len: usize) -> Result<&[u8], Stop> {
        let bytes = self.bytes.get(self.pos..).and_then(|rest| rest.get(..len)).ok_or(Stop(self.pos))?;
        self.pos += len;
        Ok(bytes)
    }

    /// A wire string that is not interned (`40`..`5F`, or `E9 varint`),
    /// its UTF-8 checked.
    #[inline(always)]
    fn wire_string(&mut self) -> Result<String, Stop> {
        let at = self.pos;
        let t = self.byte()?;
        let len = match t {
            0x40..=0x5F => usize::from(t - 0x40),
            0xE9 => usize::try_from(self.varint_u64()?).map_err(|_| Stop(at))?,
            _ => return Err(Stop(at)),
        };
        let bytes = self.take(len)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| Stop(at))
    }

    /// A wire signed integer: an unsigned one, or `E4` and the zigzag
    /// varint of a negative one.
    #[inline(always)]
    fn wire_int(&mut self) -> Result<i64, Stop> {
        let at = self.pos;
        if self.bytes.get(at) == Some(&0xE4) {
            self.pos += 1;
            let z = self.varint_u64()?;
            let v = unzigzag(z);
            return if v < 0 { Ok(v) } else { Err(Stop(at)) };
        }
        i64::try_from(self.wire_value(Cursor::wire_uint_of)?).map_err(|_| Stop(at))
    }

    /// A wire `bool`: `E1` or `E2`.
    #[inline(always)]
    fn wire_bool(&mut self) -> Result<bool, Stop> {
        match self.byte()? {
            0xE1 => Ok(false),
            0xE2 => Ok(true),
            _ => Err(Stop(self.pos - 1)),
        }
    }

    /// A postcard string: a varint length and the UTF-8 bytes.
    #[inline(always)]
    fn postcard_string(&mut self) -> Result<String, Stop> {
        let at = self.pos;
        let len = usize::try_from(self.varint_u64()?).map_err(|_| Stop(at))?;
        let bytes = self.take(len)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| Stop(at))
    }

    /// A postcard signed integer: the zigzag varint.
    #[inline(always)]
    fn postcard_int(&mut self) -> Result<i64, Stop> {
        let z = self.varint_u64()?;
        Ok(unzigzag(z))
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

    /// A defining struct's key, a plain string (`40 + len` and the
    /// bytes): it must be `name`.
    #[inline(always)]
    fn wire_key(&mut self, name: &str) -> Result<(), Stop> {
        let at = self.pos;
        let t = self.byte()?;
        if usize::from(t.wrapping_sub(0x40)) != name.len() || self.take(name.len())? != name.as_bytes() {
            return Err(Stop(at));
        }
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
/// defining shape 0 with its keys (plain strings), every later one `C0` and its values.
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

/// Hand-written readers of shapes-enums-nested (5,000 `Step { seq: u32,
/// action: Action, context: Context { actor: Actor { id: u32, name:
/// String, robot: bool }, weight: f64 } }`, `Action` one of `Stop`,
/// `Move(u32)`, `Turn(u16, i32)`, `Say { volume: i64, text: String }`).
///
/// The wire reader keeps what any safe reader of wire's bytes must: the
/// shape table (which struct each shape index stands for, checked at each
/// reference), the interned variant names (each looked up by its bytes
/// once, when defined, then by index), and each defining struct's keys
/// checked. It keeps nothing a general decoder also keeps (field lists of
/// other types, a depth limit, string interning, `Some` markers).
mod steps {
    use flatbox_bench::datasets::shapes::{Action, Actor, Context, Step};

    use super::{Cursor, Stop};

    /// The struct a shape index stands for.
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Step,
        Say,
        Context,
        Actor,
    }

    /// The variants, in `Action`'s order.
    const VARIANTS: [&str; 4] = ["Stop", "Move", "Turn", "Say"];

    struct Wire<'a> {
        c: Cursor<'a>,
        shapes: Vec<Kind>,
        /// The variant each interned string names, by its index.
        names: Vec<u8>,
    }

    impl Wire<'_> {
        /// A struct's header: `true` when it defines its shape (its keys,
        /// `keys`, then come before its values), `false` for a reference
        /// to a shape that stands for `kind`.
        #[inline(always)]
        fn start(&mut self, kind: Kind, keys: usize) -> Result<bool, Stop> {
            let at = self.c.pos;
            let t = self.c.byte()?;
            if (0xC0..=0xDF).contains(&t) {
                return if self.shapes.get(usize::from(t - 0xC0)) == Some(&kind) { Ok(false) } else { Err(Stop(at)) };
            }
            if t != 0xEF || usize::try_from(self.c.varint_u64()?) != Ok(keys) {
                return Err(Stop(at));
            }
            self.shapes.push(kind);
            Ok(true)
        }

        /// A defining struct's key (`Cursor::wire_key`), nothing for a
        /// struct of a known shape.
        #[inline(always)]
        fn key(&mut self, defining: bool, name: &str) -> Result<(), Stop> {
            if defining { self.c.wire_key(name) } else { Ok(()) }
        }

        /// A variant's name: a reference to an interned one, or its
        /// definition (`ED len bytes`).
        #[inline(always)]
        fn variant(&mut self) -> Result<u8, Stop> {
            let at = self.c.pos;
            let t = self.c.byte()?;
            if (0x80..=0xBF).contains(&t) {
                return self.names.get(usize::from(t - 0x80)).copied().ok_or(Stop(at));
            }
            if t != 0xED {
                return Err(Stop(at));
            }
            let len = usize::try_from(self.c.varint_u64()?).map_err(|_| Stop(at))?;
            let name = self.c.take(len)?;
            let v = VARIANTS.iter().position(|v| v.as_bytes() == name).ok_or(Stop(at))?;
            let v = u8::try_from(v).map_err(|_| Stop(at))?;
            self.names.push(v);
            Ok(v)
        }

        #[inline(always)]
        fn u32(&mut self) -> Result<u32, Stop> {
            let at = self.c.pos;
            u32::try_from(self.c.wire_value(Cursor::wire_uint_of)?).map_err(|_| Stop(at))
        }

        #[inline(always)]
        fn action(&mut self) -> Result<Action, Stop> {
            let at = self.c.pos;
            let with_value = self.c.bytes.get(at) == Some(&0x71);
            self.c.pos += usize::from(with_value);
            match (self.variant()?, with_value) {
                (0, false) => Ok(Action::Stop),
                (1, true) => Ok(Action::Move(self.u32()?)),
                (2, true) => {
                    if self.c.byte()? != 0x62 {
                        return Err(Stop(self.c.pos - 1));
                    }
                    let at = self.c.pos;
                    let a = u16::try_from(self.c.wire_value(Cursor::wire_uint_of)?).map_err(|_| Stop(at))?;
                    let at = self.c.pos;
                    let b = i32::try_from(self.c.wire_int()?).map_err(|_| Stop(at))?;
                    Ok(Action::Turn(a, b))
                }
                (3, true) => {
                    let d = self.start(Kind::Say, 2)?;
                    self.key(d, "volume")?;
                    let volume = self.c.wire_int()?;
                    self.key(d, "text")?;
                    Ok(Action::Say { volume, text: self.c.wire_string()? })
                }
                _ => Err(Stop(at)),
            }
        }

        #[inline(always)]
        fn step(&mut self) -> Result<Step, Stop> {
            let d = self.start(Kind::Step, 3)?;
            self.key(d, "seq")?;
            let seq = self.u32()?;
            self.key(d, "action")?;
            let action = self.action()?;
            self.key(d, "context")?;
            let dc = self.start(Kind::Context, 2)?;
            self.key(dc, "actor")?;
            let da = self.start(Kind::Actor, 3)?;
            self.key(da, "id")?;
            let id = self.u32()?;
            self.key(da, "name")?;
            let name = self.c.wire_string()?;
            self.key(da, "robot")?;
            let actor = Actor { id, name, robot: self.c.wire_bool()? };
            self.key(dc, "weight")?;
            let weight = self.c.wire_value(Cursor::wire_f64_of)?;
            Ok(Step { seq, action, context: Context { actor, weight } })
        }
    }

    /// Reads the steps' wire bytes: an array (`EB count`) of steps.
    #[inline(never)]
    pub(crate) fn wire_floor(bytes: &[u8]) -> Result<Vec<Step>, Stop> {
        let mut w = Wire { c: Cursor { bytes, pos: 0 }, shapes: Vec::new(), names: Vec::new() };
        if w.c.byte()? != 0xEB {
            return Err(Stop(0));
        }
        let count = usize::try_from(w.c.varint_u64()?).map_err(|_| Stop(w.c.pos))?;
        let mut out = Vec::with_capacity(count.min((1 << 20) / size_of::<Step>()));
        for _ in 0..count {
            out.push(w.step()?);
        }
        if w.c.pos == bytes.len() { Ok(out) } else { Err(Stop(w.c.pos)) }
    }

    /// Reads the steps' postcard bytes: a varint count, then per step its
    /// fields in order, a variant as its varint index.
    #[inline(never)]
    pub(crate) fn postcard_floor(bytes: &[u8]) -> Result<Vec<Step>, Stop> {
        let mut c = Cursor { bytes, pos: 0 };
        let count = usize::try_from(c.varint_u64()?).map_err(|_| Stop(c.pos))?;
        let mut out = Vec::with_capacity(count.min((1 << 20) / size_of::<Step>()));
        for _ in 0..count {
            let seq = c.varint_u32()?;
            let at = c.pos;
            let action = match c.varint_u32()? {
                0 => Action::Stop,
                1 => Action::Move(c.varint_u32()?),
                2 => {
                    let at = c.pos;
                    let a = u16::try_from(c.varint_u32()?).map_err(|_| Stop(at))?;
                    let at = c.pos;
                    let b = i32::try_from(c.postcard_int()?).map_err(|_| Stop(at))?;
                    Action::Turn(a, b)
                }
                3 => {
                    let volume = c.postcard_int()?;
                    Action::Say { volume, text: c.postcard_string()? }
                }
                _ => return Err(Stop(at)),
            };
            let id = c.varint_u32()?;
            let name = c.postcard_string()?;
            let robot = match c.byte()? {
                0 => false,
                1 => true,
                _ => return Err(Stop(c.pos - 1)),
            };
            let b = c.take(8)?;
            let weight = f64::from_le_bytes(b.try_into().map_err(|_| Stop(c.pos))?);
            out.push(Step { seq, action, context: Context { actor: Actor { id, name, robot }, weight } });
        }
        if c.pos == bytes.len() { Ok(out) } else { Err(Stop(c.pos)) }
    }
}

/// Hand-written readers of pipeline-network, one `NetworkEvent { user_id:
/// u64, action: String, timestamp: u64 }` a value: what reading one small
/// value costs when its field names come with it.
mod event {
    use flatbox_bench::datasets::tutorial::NetworkEvent;

    use super::{Cursor, Stop};

    /// Reads the event's wire bytes: a struct that defines its shape
    /// (`EF 03`), each value after its key, which must be the field's.
    #[inline(never)]
    pub(crate) fn wire_floor(bytes: &[u8]) -> Result<NetworkEvent, Stop> {
        let mut c = Cursor { bytes, pos: 0 };
        if c.take(2)? != [0xEF, 0x03] {
            return Err(Stop(0));
        }
        c.wire_key("user_id")?;
        let user_id = c.wire_value(Cursor::wire_uint_of)?;
        c.wire_key("action")?;
        let action = c.wire_string()?;
        c.wire_key("timestamp")?;
        let timestamp = c.wire_value(Cursor::wire_uint_of)?;
        let event = NetworkEvent { user_id, action, timestamp };
        if c.pos == bytes.len() { Ok(event) } else { Err(Stop(c.pos)) }
    }

    /// A decoder called through a pointer, as the suite calls each format.
    pub(crate) type Decode<E> = fn(&[u8]) -> Result<NetworkEvent, E>;

    /// `flatbox_wire::from_slice`, to be called through a [`Decode`].
    pub(crate) fn wire_one_shot(bytes: &[u8]) -> Result<NetworkEvent, flatbox_wire::Error> {
        flatbox_wire::from_slice(bytes)
    }

    /// `postcard::from_bytes`, to be called through a [`Decode`].
    pub(crate) fn postcard_one_shot(bytes: &[u8]) -> Result<NetworkEvent, postcard::Error> {
        postcard::from_bytes(bytes)
    }

    /// Reads the event's postcard bytes: a varint, a string, a varint.
    #[inline(never)]
    pub(crate) fn postcard_floor(bytes: &[u8]) -> Result<NetworkEvent, Stop> {
        let mut c = Cursor { bytes, pos: 0 };
        let user_id = c.varint_u64()?;
        let action = c.postcard_string()?;
        let event = NetworkEvent { user_id, action, timestamp: c.varint_u64()? };
        if c.pos == bytes.len() { Ok(event) } else { Err(Stop(c.pos)) }
    }
}

/// The fastest of `samples` runs of `f` on `bytes`, each `batch` calls in
/// a row (more than one where a read is shorter than the timer's step), a
/// call's time, after checking its result is `expected`.
fn fastest<T: PartialEq + std::fmt::Debug, E: std::fmt::Debug>(
    samples: u32,
    batch: u32,
    bytes: &[u8],
    expected: &T,
    f: impl Fn(&[u8]) -> Result<T, E>,
) -> Duration {
    assert_eq!(&f(bytes).expect("reads its bytes"), expected, "a reader disagrees with the decoders");
    (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                black_box(f(black_box(bytes)).expect("reads its bytes"));
            }
            start.elapsed() / batch
        })
        .min()
        .unwrap_or_default()
}

/// Prints the fastest time of each row, and its ratio to postcard's
/// decoder (the second row).
fn report(dataset: &str, wire: usize, postcard: usize, how: &str, rows: &[(&str, Duration)]) {
    println!("{dataset}: wire {wire} bytes, postcard {postcard} bytes; {how}, 5 rounds");
    let postcard_time = rows[1].1.as_secs_f64();
    for (name, b) in rows {
        println!(
            "  {name:44} {:>11.3} µs  {:.2}x postcard::from_bytes",
            b.as_secs_f64() * 1e6,
            b.as_secs_f64() / postcard_time
        );
    }
}

fn main() {
    let calls: u32 = std::env::args().nth(1).map_or(20, |n| n.parse().expect("a number of calls"));

    let records = records_1m();
    let wire = flatbox_wire::to_vec(&records).expect("encodes");
    let postcard = postcard::to_allocvec(&records).expect("encodes");
    let best = best_of_rounds(|| {
        [
            fastest(calls, 1, &wire, &records, |b| flatbox_wire::from_slice::<Vec<Record>>(b)),
            fastest(calls, 1, &postcard, &records, |b| postcard::from_bytes::<Vec<Record>>(b)),
            fastest(calls, 1, &wire, &records, wire_floor),
            fastest(calls, 1, &wire, &records, |b| serde_floor::from_slice::<Vec<Record>>(b)),
            fastest(calls, 1, &postcard, &records, postcard_floor),
        ]
    });
    let names = [
        "wire: flatbox_wire::from_slice",
        "postcard: postcard::from_bytes",
        "wire: hand-written",
        "wire: the smallest serde deserializer",
        "postcard: hand-written",
    ];
    let rows: Vec<_> = names.into_iter().zip(best).collect();
    report("records-1m", wire.len(), postcard.len(), &format!("fastest of {calls} calls"), &rows);

    // 5,000 records to records-1m's 1M: as many more calls.
    let steps_calls = calls.saturating_mul(200);
    let steps = enums_nested();
    let wire = flatbox_wire::to_vec(&steps).expect("encodes");
    let postcard = postcard::to_allocvec(&steps).expect("encodes");
    let best = best_of_rounds(|| {
        [
            fastest(steps_calls, 1, &wire, &steps, |b| flatbox_wire::from_slice::<Vec<Step>>(b)),
            fastest(steps_calls, 1, &postcard, &steps, |b| postcard::from_bytes::<Vec<Step>>(b)),
            fastest(steps_calls, 1, &wire, &steps, steps::wire_floor),
            fastest(steps_calls, 1, &postcard, &steps, steps::postcard_floor),
        ]
    });
    let names = [
        "wire: flatbox_wire::from_slice",
        "postcard: postcard::from_bytes",
        "wire: hand-written",
        "postcard: hand-written",
    ];
    let rows: Vec<_> = names.into_iter().zip(best).collect();
    report("shapes-enums-nested", wire.len(), postcard.len(), &format!("fastest of {steps_calls} calls"), &rows);

    let event = pipeline_network();
    let wire = flatbox_wire::to_vec(&event).expect("encodes");
    let postcard = postcard::to_allocvec(&event).expect("encodes");
    let samples = calls.saturating_mul(10);
    // As the suite calls them: through a function pointer, which the
    // optimizer cannot see through, so the decoder is not inlined into
    // the loop.
    let wire_call = black_box(event::wire_one_shot as event::Decode<flatbox_wire::Error>);
    let postcard_call = black_box(event::postcard_one_shot as event::Decode<postcard::Error>);
    let best = best_of_rounds(|| {
        [
            fastest(samples, 1000, &wire, &event, |b| flatbox_wire::from_slice::<NetworkEvent>(b)),
            fastest(samples, 1000, &postcard, &event, |b| postcard::from_bytes::<NetworkEvent>(b)),
            fastest(samples, 1000, &wire, &event, event::wire_floor),
            fastest(samples, 1000, &postcard, &event, event::postcard_floor),
            fastest(samples, 1000, &wire, &event, wire_call),
            fastest(samples, 1000, &postcard, &event, postcard_call),
        ]
    });
    // shapes-enums-nested's rows, and the two through a pointer.
    let pointers = ["wire: from_slice, through a fn pointer", "postcard: from_bytes, through a fn pointer"];
    let rows: Vec<_> = names.into_iter().chain(pointers).zip(best).collect();
    let how = format!("a call's time in the fastest of {samples} runs of 1,000 calls");
    report("pipeline-network", wire.len(), postcard.len(), &how, &rows);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hand-written reader still reads what the encoders write: a
    /// change of the format that a reader misses fails here, not in the
    /// middle of a measurement.
    #[test]
    fn every_reader_reads_what_the_encoders_write() {
        let records = records_1m()[..2000].to_vec();
        let wire = flatbox_wire::to_vec(&records).expect("encodes");
        let postcard = postcard::to_allocvec(&records).expect("encodes");
        assert_eq!(wire_floor(&wire).expect("reads"), records);
        assert_eq!(serde_floor::from_slice::<Vec<Record>>(&wire).expect("reads"), records);
        assert_eq!(postcard_floor(&postcard).expect("reads"), records);

        let steps = enums_nested();
        let wire = flatbox_wire::to_vec(&steps).expect("encodes");
        let postcard = postcard::to_allocvec(&steps).expect("encodes");
        assert_eq!(steps::wire_floor(&wire).expect("reads"), steps);
        assert_eq!(steps::postcard_floor(&postcard).expect("reads"), steps);

        let event = pipeline_network();
        let wire = flatbox_wire::to_vec(&event).expect("encodes");
        let postcard = postcard::to_allocvec(&event).expect("encodes");
        assert_eq!(event::wire_floor(&wire).expect("reads"), event);
        assert_eq!(event::postcard_floor(&postcard).expect("reads"), event);
    }

    /// The readers stop at the first byte they do not expect, and at the
    /// end of a cut input, rather than reading on.
    #[test]
    fn the_readers_stop_at_a_byte_they_do_not_expect() {
        let steps = enums_nested();
        let mut wire = flatbox_wire::to_vec(&steps).expect("encodes");
        assert!(steps::wire_floor(&wire[..wire.len() - 1]).is_err());
        // The first step's `EF 03` made a reference to shape 5, which does
        // not exist.
        wire[3] = 0xC5;
        assert_eq!(steps::wire_floor(&wire).expect_err("no shape 5").0, 3);

        let event = pipeline_network();
        let mut wire = flatbox_wire::to_vec(&event).expect("encodes");
        // `user_id` spelled `usex_id`.
        wire[6] = b'x';
        assert_eq!(event::wire_floor(&wire).expect_err("a wrong key").0, 2);
    }
}
