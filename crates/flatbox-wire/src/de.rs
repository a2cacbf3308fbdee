//! The decoder: a serde [`Deserializer`](serde::Deserializer) over a byte
//! slice, borrowing strings and bytes from it.

use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use smallvec::SmallVec;

use crate::config::Limits;
use crate::error::{Error, ErrorKind, Result};
use crate::header::{self, Header, Source};
use crate::magic;
use crate::numbers::{self, Number};
use crate::strings::same_bytes;
use crate::tag;
use crate::varint;

/// A shape the decoder has seen defined: a few words, its keys kept
/// elsewhere ([`ShapeKeys`]), so that defining one copies no more
/// (callgrind, pipeline-network: with up to eight keys inline, defining its
/// shape of three keys took 97 instructions, and 47 with them elsewhere).
struct Shape<'de> {
    /// Its keys, once complete.
    keys: ShapeKeys<'de>,
    /// How many keys it has (as declared).
    len: usize,
    complete: bool,
    /// The struct field list this shape was last compared with (its
    /// address), and whether the shape's keys are exactly that list, in
    /// order.
    in_order: Option<(usize, bool)>,
}

/// Where a [`Shape`]'s keys are.
#[derive(Clone, Copy)]
enum ShapeKeys<'de> {
    /// The field list of the struct that defined it, which it equals.
    Fields(&'de [&'de str]),
    /// In [`Deserializer::keys`], from this index on (`len` of them).
    Read(usize),
}

/// Deserializes flatbox-wire from a byte slice.
///
/// Strings and bytes borrow from the input (`&str`, `&[u8]` and `Cow`
/// fields of the target type are zero-copy).
///
/// A struct whose shape (its field names, written once) is exactly the
/// field list its `Deserialize` impl asks for, in order, is handed to the
/// visitor as a sequence of its values (`visit_seq`, as postcard and
/// bincode do), so no key is matched per field. So is the struct that
/// defines such a shape when its values hold no others (its keys are
/// checked before the visitor is called). Any other struct is handed over
/// as a map (`visit_map`). Derived impls accept both; a hand-written
/// visitor for `deserialize_struct` should too.
///
/// # Examples
///
/// ```
/// use flatbox_wire::{Deserializer, Limits};
/// use serde::Deserialize;
///
/// let mut de = Deserializer::from_slice(&[0x62, 0x01, 0x41, b'a']).with_limits(Limits::default());
/// let value: (u8, &str) = Deserialize::deserialize(&mut de)?;
/// de.end()?;
/// assert_eq!(value, (1, "a"));
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
pub struct Deserializer<'de> {
    input: &'de [u8],
    pos: usize,
    limits: Limits,
    /// How many more levels may be entered (the depth limit less the
    /// current depth): one compare with zero a level.
    depth_left: usize,
    // Inline capacity: small messages decode without allocating tables.
    strings: SmallVec<[&'de str; 16]>,
    shapes: SmallVec<[Shape<'de>; 8]>,
    /// The keys of the shapes defined by key ([`ShapeKeys::Read`]), each
    /// shape's in a run, appended once it is complete.
    keys: SmallVec<[&'de str; 16]>,
    /// For each of the first [`IN_ORDER_SLOTS`] shapes, the address of the
    /// field list a struct of that shape was last read with in field order
    /// (0, no list's address, before), and (`in_order_len`) its field
    /// count: structs of a few types nested in one another (a record, its
    /// context, its actor) check this, not the shape table (callgrind,
    /// shapes-enums-nested: about 30 instructions a struct, where one entry
    /// for the last struct read missed at every level). Two arrays, so that
    /// an entry is one indexed load.
    in_order: [usize; IN_ORDER_SLOTS],
    in_order_len: [usize; IN_ORDER_SLOTS],
    /// The same for the last shape found in field order (of any index):
    /// the shape's index, the address, the field count. Checked first, so
    /// that a run of structs of one type reads no more than this.
    last_in_order: (u64, usize, usize),
}

/// How many shapes [`Deserializer::in_order`] remembers, by index.
const IN_ORDER_SLOTS: usize = 8;

impl<'de> Deserializer<'de> {
    /// A deserializer over `input` with the default [`Limits`].
    pub fn from_slice(input: &'de [u8]) -> Self {
        Deserializer {
            input,
            pos: 0,
            limits: Limits::default(),
            depth_left: Limits::default().max_depth,
            strings: SmallVec::new(),
            shapes: SmallVec::new(),
            keys: SmallVec::new(),
            in_order: [0; IN_ORDER_SLOTS],
            in_order_len: [0; IN_ORDER_SLOTS],
            last_in_order: (u64::MAX, 0, 0),
        }
    }

    /// Replaces the limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        let depth = self.limits.max_depth - self.depth_left;
        self.depth_left = limits.max_depth.saturating_sub(depth);
        self.limits = limits;
        self
    }

    /// How many bytes have been consumed.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Checks that the whole input was consumed.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::TrailingBytes`] when bytes remain.
    pub fn end(&self) -> Result<()> {
        if self.pos == self.input.len() {
            Ok(())
        } else {
            Err(ErrorKind::TrailingBytes { offset: self.pos, remaining: self.input.len() - self.pos }.into())
        }
    }

    /// Gives an error raised by a `Deserialize` impl (which cannot know the
    /// offset) the position the decoder had reached.
    pub(crate) fn locate(&self, mut error: Error) -> Error {
        if let ErrorKind::Custom { offset, .. } = error.kind_mut()
            && *offset == usize::MAX
        {
            *offset = self.pos;
        }
        error
    }

    #[inline]
    fn remaining(&self) -> usize {
        self.input.len() - self.pos
    }

    #[inline]
    fn peek(&self) -> Result<u8> {
        // Lazily: an eagerly built error is dropped on every success, which
        // callgrind showed costing 3 % of decoding.
        #[allow(clippy::unnecessary_lazy_evaluations, reason = "see the comment above")]
        self.input
            .get(self.pos)
            .copied()
            .ok_or_else(|| ErrorKind::Eof { offset: self.pos, needed: 1, what: "a tag" }.into())
    }

    #[inline]
    fn next_tag(&mut self) -> Result<u8> {
        let t = self.peek()?;
        self.pos += 1;
        Ok(t)
    }

    #[inline]
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'de [u8]> {
        if n > self.remaining() {
            return Err(ErrorKind::Eof { offset: self.pos, needed: n - self.remaining(), what }.into());
        }
        let bytes = &self.input[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    /// A varint. With ten bytes left (all but a message's last few
    /// varints), one bounds check covers every byte it can take. Inlined
    /// into its callers: called, it cost a third of its instructions.
    #[allow(clippy::inline_always, reason = "measured: see the comment above")]
    #[inline(always)]
    fn varint_u64(&mut self) -> Result<u64> {
        if let Some(b) = self.input.get(self.pos..).and_then(<[u8]>::first_chunk::<{ varint::MAX_LEN_U64 }>)
            && let Some((v, n)) = varint_of_ten(b)
        {
            self.pos += n;
            return Ok(v);
        }
        let (v, n) = self.varint_u64_near_end()?;
        self.pos += n;
        Ok(v)
    }

    /// A varint within ten bytes of the end, or a bad one (with its
    /// offset), and its length. Through `&self`: the caller moves the
    /// position (see [`Self::out_of_line`]).
    #[cold]
    #[inline(never)]
    fn varint_u64_near_end(&self) -> Result<(u64, usize)> {
        varint::read_u64(&self.input[self.pos..])
            .map_err(|source| ErrorKind::Varint { offset: self.pos, source }.into())
    }

    #[inline]
    fn utf8(bytes: &'de [u8], offset: usize) -> Result<&'de str> {
        std::str::from_utf8(bytes).map_err(|_| ErrorKind::InvalidUtf8 { offset }.into())
    }

    /// The string a string tag (already consumed, at `pos - 1`) stands for.
    /// `None` when `t` is not a string tag.
    #[inline]
    fn string_of_tag(&mut self, t: u8) -> Result<Option<&'de str>> {
        let at = self.pos - 1;
        let s = match header::string_after(self, t)? {
            Some(Header::Str(n)) => self.string_content(n)?,
            Some(Header::StrDefine(n)) => self.define_string(n, at)?,
            Some(Header::StrRef(index)) => self.string_ref(index, at)?,
            _ => return Ok(None),
        };
        Ok(Some(s))
    }

    /// A string's `n` bytes of content.
    #[inline]
    fn string_content(&mut self, n: usize) -> Result<&'de str> {
        let start = self.pos;
        let bytes = self.take(n, "a string")?;
        Self::utf8(bytes, start)
    }

    /// A string definition's content (its tag at `at`), added to the
    /// interning table.
    #[inline]
    fn define_string(&mut self, n: usize, at: usize) -> Result<&'de str> {
        let s = self.string_content(n)?;
        if self.strings.len() >= self.limits.max_interned {
            return Err(
                ErrorKind::TableFull { offset: at, what: "interned strings", limit: self.limits.max_interned }.into()
            );
        }
        self.strings.push(s);
        Ok(s)
    }

    #[inline]
    fn string_ref(&self, index: u64, offset: usize) -> Result<&'de str> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.strings.get(i).copied())
            .ok_or_else(|| ErrorKind::BadStringRef { offset, index, defined: self.strings.len() }.into())
    }

    /// A shape key that is exactly `name` (the field the struct's field
    /// list has at this position) in one of the forms encoders write: a
    /// plain string of up to 31 bytes, or a string definition whose length
    /// is a one-byte varint, then interned as `name` itself. Consumed, with
    /// no UTF-8 check. `None`, with nothing consumed, for any other key.
    #[inline]
    fn known_key(&mut self, name: &'static str) -> Result<Option<&'static str>> {
        let len = name.len();
        let start = self.pos;
        let Some(&[t, n]) = self.input.get(start..).and_then(<[u8]>::first_chunk::<2>) else { return Ok(None) };
        let defined = t == tag::STR_DEFINE;
        // `n` below 0x80: a longer length's varint has more bytes.
        let content = if header::inline_str(t) == Some(len) {
            start + 1
        } else if defined && n < 0x80 && usize::from(n) == len {
            start + 2
        } else {
            return Ok(None);
        };
        if !self.input.get(content..content + len).is_some_and(|b| same_bytes(b, name.as_bytes())) {
            return Ok(None);
        }
        if defined {
            if self.strings.len() >= self.limits.max_interned {
                return Err(ErrorKind::TableFull {
                    offset: start,
                    what: "interned strings",
                    limit: self.limits.max_interned,
                }
                .into());
            }
            self.strings.push(name);
        }
        self.pos = content + len;
        Ok(Some(name))
    }

    #[inline]
    fn enter(&mut self, at: usize) -> Result<()> {
        if self.depth_left == 0 {
            return Err(ErrorKind::DepthLimit { offset: at, limit: self.limits.max_depth }.into());
        }
        self.depth_left -= 1;
        Ok(())
    }

    #[inline]
    fn leave(&mut self) {
        self.depth_left += 1;
    }

    /// `f` one level deeper, its value at `at`.
    ///
    /// For the values whose next level may read nothing first, an option's
    /// content and a newtype's: a type such as `struct Chain(Option<Box<Chain>>)`
    /// (or the same `#[serde(transparent)]`) recurses without reading a
    /// byte while the input holds neither a null nor `SOME`, so only the
    /// depth limit ends it, where it would end in a stack overflow.
    #[inline]
    fn nested<R>(&mut self, at: usize, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        self.enter(at)?;
        let result = f(self);
        self.leave();
        result
    }

    fn read_u64_payload(&mut self, t: u8, expected: &'static str) -> Result<u64> {
        match t {
            tag::UINT_INLINE..=tag::UINT_INLINE_MAX => Ok(u64::from(t)),
            tag::UINT_VARINT | tag::UINT_FIXED..=tag::UINT_FIXED_LAST => header::uint_after(self, t),
            _ => Err(unexpected(t, self.pos - 1, expected)),
        }
    }

    /// The error for a reference to a shape not (yet completely) defined.
    #[cold]
    fn bad_shape_ref(&self, index: u64, at: usize) -> Error {
        ErrorKind::BadShapeRef { offset: at, index, defined: self.shapes.iter().take_while(|s| s.complete).count() }
            .into()
    }

    /// Adds the shape of `len` fields that a struct at `at` defines.
    fn begin_shape(&mut self, len: usize, at: usize) -> Result<()> {
        self.push_shape(Shape { keys: ShapeKeys::Read(0), len, complete: len == 0, in_order: None }, at)
    }

    /// Appends `shape`, defined at `at`, to the shape table, unless the
    /// table is full ([`Limits::max_shapes`]).
    #[inline]
    fn push_shape(&mut self, shape: Shape<'de>, at: usize) -> Result<()> {
        if self.shapes.len() >= self.limits.max_shapes {
            return Err(ErrorKind::TableFull { offset: at, what: "shapes", limit: self.limits.max_shapes }.into());
        }
        self.shapes.push(shape);
        Ok(())
    }

    /// The keys of `shape`, complete.
    fn shape_keys(&self, shape: &Shape<'de>) -> &[&'de str] {
        match shape.keys {
            ShapeKeys::Fields(fields) => fields,
            ShapeKeys::Read(start) => self.keys.get(start..start + shape.len).unwrap_or_default(),
        }
    }

    /// Whether the keys of `shape` are `fields`, in order; remembered for
    /// the next struct of the shape that asks with the same list.
    #[cold]
    fn compare_keys(&mut self, shape: usize, fields: &'static [&'static str]) -> bool {
        let keys = self.shape_keys(&self.shapes[shape]);
        let in_order = keys.len() == fields.len() && keys.iter().zip(fields).all(|(k, f)| k == f);
        self.shapes[shape].in_order = Some((fields.as_ptr() as usize, in_order));
        in_order
    }

    /// A packed array's `count` elements of `size` bytes.
    fn packed_data(&mut self, size: usize, count: usize) -> Result<&'de [u8]> {
        self.take(count * size, "packed data")
    }

    /// An extension's `len` bytes as the payload its magic name carries:
    /// the type id (8 bytes, little-endian), then the data.
    fn extension_payload(&mut self, type_id: u64, len: usize) -> Result<Vec<u8>> {
        let data = self.take(len, "extension data")?;
        let mut payload = Vec::with_capacity(8 + data.len());
        payload.extend_from_slice(&type_id.to_le_bytes());
        payload.extend_from_slice(data);
        Ok(payload)
    }

    /// An option: `deserialize_option`, for the decoder and for [`MapValue`].
    #[allow(clippy::inline_always, reason = "one copy for each of its two callers; see `MapValue`")]
    #[inline(always)]
    fn option<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        let t = self.peek()?;
        if t == tag::NULL {
            self.pos += 1;
            return visitor.visit_none();
        }
        // One call of `visit_some`, so that the value's code is inlined
        // once: `SOME` (an option around a null or an option) is skipped.
        // A level either way (see `nested`).
        let at = self.pos;
        self.pos += usize::from(t == tag::SOME);
        self.nested(at, |de| visitor.visit_some(de))
    }

    /// Runs `slow` in a function never inlined, for the paths a fast path
    /// falls back to, then writes back what the decoder's fields were or
    /// became: the input and depth as they were (`slow` leaves them so),
    /// and the position it returns.
    ///
    /// Never inlined: inlined (fat LTO inlines a function with one caller
    /// whatever its size), a fallback's code kept serde's `next_element`
    /// out of line around a five-byte `f32` read (callgrind, geojson).
    ///
    /// The writes back: `slow` is given the decoder's address, so after it
    /// LLVM must read the fields from memory, and where its path joins the
    /// fast one it read them from memory on the fast path too. Every value
    /// then waited for its position to be stored and loaded again (perf:
    /// 17 % of decoding records-1m on the instructions after such loads).
    /// Written back from registers, they are known values on both paths.
    ///
    /// Callers pass `move` closures: a closure that borrows a local hands
    /// the local's address to the call, and LLVM then keeps it in memory on
    /// the fast path too (see [`NumberElement::apart`]).
    #[allow(clippy::inline_always, reason = "the point is the caller's code; see above")]
    #[inline(always)]
    fn out_of_line<R>(&mut self, slow: impl FnOnce(&mut Self) -> R) -> R {
        let (input, depth_left) = (self.input, self.depth_left);
        let (result, pos) = self.apart(slow);
        self.input = input;
        self.depth_left = depth_left;
        self.pos = pos;
        result
    }

    /// `f`, and the position it reached (see [`Self::out_of_line`]).
    ///
    /// Cold, so that LLVM treats every call of it as the unlikely way and
    /// lays the fast paths out in line, their fallbacks apart (measured:
    /// see [`uint_fixed_of_nine`]).
    #[cold]
    #[inline(never)]
    fn apart<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> (R, usize) {
        let result = f(self);
        (result, self.pos)
    }

    /// An unsigned integer of type `T` (named `target`) past its fast
    /// path, handed to `visit`.
    fn unsigned_slow<V: Visitor<'de>, T: TryFrom<u64>>(
        &mut self,
        visitor: V,
        target: &'static str,
        visit: impl FnOnce(V, T) -> Result<V::Value>,
    ) -> Result<V::Value> {
        let at = self.pos;
        // The last bytes of the input come here: the unsigned tags without
        // the whole tokenizer (through it, +15 % on a one-struct message).
        let t = self.next_tag()?;
        let v = match t {
            tag::UINT_INLINE..=tag::UINT_INLINE_MAX => u64::from(t),
            tag::UINT_VARINT | tag::UINT_FIXED..=tag::UINT_FIXED_LAST => header::uint_after(self, t)?,
            _ => return self.any_of_tag(t, visitor),
        };
        match T::try_from(v) {
            Ok(v) => visit(visitor, v),
            Err(_) => Err(out_of_range(&v, at, target)),
        }
    }

    /// Everything `deserialize_any` does once the tag is consumed.
    #[inline]
    fn any_of_tag<V: Visitor<'de>>(&mut self, t: u8, visitor: V) -> Result<V::Value> {
        let at = self.pos - 1;
        let h = header::header_after(self, t, at)?;
        self.any_of_header(h, at, visitor)
    }

    /// Everything `deserialize_any` does once the header, its tag at `at`,
    /// is read.
    fn any_of_header<V: Visitor<'de>>(&mut self, h: Header, at: usize, visitor: V) -> Result<V::Value> {
        match h {
            Header::Uint(v) => visitor.visit_u64(v),
            Header::NegInt(v) => visitor.visit_i64(v),
            Header::Uint128(v) => visitor.visit_u128(v),
            Header::NegInt128(v) => visitor.visit_i128(v),
            Header::F32(v) => visitor.visit_f32(v),
            Header::F64(v) => visitor.visit_f64(v),
            Header::Null => visitor.visit_unit(),
            Header::Bool(b) => visitor.visit_bool(b),
            Header::Some => self.nested(at, |de| visitor.visit_some(de)),
            Header::Str(n) => visitor.visit_borrowed_str(self.string_content(n)?),
            Header::StrDefine(n) => visitor.visit_borrowed_str(self.define_string(n, at)?),
            Header::StrRef(index) => visitor.visit_borrowed_str(self.string_ref(index, at)?),
            Header::Bytes(n) => visitor.visit_borrowed_bytes(self.take(n, "bytes")?),
            // Through `seq`, as an array counted in the tag is: a third
            // caller of `counted_seq` kept it from being inlined in any
            // (callgrind: +6 % on shapes-enums-nested).
            Header::Array(n) => self.seq(n, at, visitor),
            Header::Map(n) => self.map(n, at, visitor),
            Header::ShapeDefine(n) => self.struct_defining(n, at, None, visitor),
            Header::ShapeRef(index) => {
                let (shape, len, _) = self.shape_order(index, at, None)?;
                self.struct_by_key(shape, len, at, visitor)
            }
            Header::Timestamp { secs, nanos } => visitor.visit_map(MagicMap {
                key: Some(magic::TIMESTAMP),
                value: MagicValue::Owned(magic::timestamp_to_bytes(secs, nanos).to_vec()),
            }),
            Header::Extension { type_id, len } => {
                let payload = self.extension_payload(type_id, len)?;
                visitor.visit_map(MagicMap { key: Some(magic::EXTENSION), value: MagicValue::Owned(payload) })
            }
            Header::Packed { kind, size, count, .. } => {
                let data = self.packed_data(size, count)?;
                let name = magic::packed_name(kind).unwrap_or_default();
                visitor.visit_map(MagicMap { key: Some(name), value: MagicValue::Borrowed(data) })
            }
            // Read by `numbers_of_tag` where a sequence may be (an arm here
            // calling the visitor for one, in the code of every visitor
            // that comes here, slowed the release bench's GeoJSON decoding
            // by a fifth); anything else is not one.
            Header::Numbers { .. } => Err(de::Error::invalid_type(de::Unexpected::Seq, &visitor)),
        }
    }

    /// An array of numbers whose tag was just read: where a sequence may
    /// be (`deserialize_any`, `deserialize_seq`, `Packed`).
    fn numbers_of_tag<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        let at = self.pos - 1;
        match header::header_after(self, tag::NUMBERS, at)? {
            Header::Numbers { kind, count, width: 0, .. } => self.numbers::<V, NUMBERS>(kind, count, 0, at, visitor),
            Header::Numbers { kind, count, width, .. } => self.numbers::<V, ROWS>(kind, count, width, at, visitor),
            _ => Err(unexpected(tag::NUMBERS, at, "an array of numbers")),
        }
    }

    /// An array of `n` numbers of `kind`, or in mode [`ROWS`] of `n` rows
    /// of `width` of them (their count checked by the header), its tag at
    /// `at`. Out of line: inlined, its code for every visitor that reaches
    /// `any_of_header` changed how LLVM laid out the tuple fast path, and a
    /// `(f32, f32)` went through memory with a store-forwarding stall
    /// (`GeoJSON` decoding 2.8x slower, perf). Rows have their own copy
    /// (`MODE`), so that an array of numbers does not test for them at
    /// each element and its entry and exit stay as small as before rows
    /// (callgrind, shapes-vecs-maps: 6,000 short arrays a call).
    ///
    /// Rows are arrays one level deeper, and count so against the depth
    /// limit.
    #[inline(never)]
    fn numbers<V: Visitor<'de>, const MODE: u8>(
        &mut self,
        kind: u8,
        n: usize,
        width: usize,
        at: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.numbers_inline::<V, MODE>(kind, n, width, at, visitor)
    }

    /// [`Self::numbers`], inlined: a tuple's few numbers (`deserialize_tuple`)
    /// cost less than the call would.
    #[allow(clippy::inline_always, reason = "the caller chooses; see above")]
    #[inline(always)]
    fn numbers_inline<V: Visitor<'de>, const MODE: u8>(
        &mut self,
        kind: u8,
        n: usize,
        width: usize,
        at: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.enter(at)?;
        let rows = MODE == ROWS && n > 0;
        if rows && let Err(e) = self.enter(at) {
            self.leave();
            return Err(e);
        }
        let (input, pos) = (self.input, self.pos);
        let rest = input.get(pos..).unwrap_or_default();
        let mut access = NumberSeq::<MODE> { de: &mut *self, input, rest, kind, left: n, width };
        let result = visitor.visit_seq(&mut access);
        let (left, rest) = (access.left, access.rest);
        self.pos = input.len() - rest.len();
        if rows {
            self.leave();
        }
        self.leave();
        let value = result?;
        if left == 0 { Ok(value) } else { Err(de::Error::invalid_length(n, &"fewer elements in the array")) }
    }

    /// An array whose count `n` is in its tag, at `at`.
    #[inline]
    fn seq<V: Visitor<'de>>(&mut self, n: usize, at: usize, visitor: V) -> Result<V::Value> {
        header::check_count(self, at, "array count", n as u64, 1)?;
        self.counted_seq::<V, AnyElements>(n, at, visitor, &"fewer elements in the array")
    }

    /// Hands `visitor` the next `n` values as a sequence (their count
    /// already checked against the input), then checks it took them all.
    /// Always inlined: LLVM left it out of line once `header.rs` took the
    /// tag matching, at 6 % of decoding nested structs (callgrind,
    /// shapes-enums-nested).
    #[allow(clippy::inline_always, reason = "measured: see the comment above")]
    #[inline(always)]
    fn counted_seq<V: Visitor<'de>, K>(
        &mut self,
        n: usize,
        at: usize,
        visitor: V,
        fewer: &'static &'static str,
    ) -> Result<V::Value> {
        self.enter(at)?;
        let mut access = Counted::<K> { de: &mut *self, left: n, kind: PhantomData };
        let result = visitor.visit_seq(&mut access);
        let left = access.left;
        self.leave();
        let value = result?;
        if left == 0 { Ok(value) } else { Err(de::Error::invalid_length(n, fewer)) }
    }

    /// A map of `n` entries (the count checked by the header).
    fn map<V: Visitor<'de>>(&mut self, n: usize, at: usize, visitor: V) -> Result<V::Value> {
        self.enter(at)?;
        let mut access = Counted::<AnyElements> { de: &mut *self, left: n, kind: PhantomData };
        let result = visitor.visit_map(&mut access);
        let left = access.left;
        self.leave();
        let value = result?;
        if left == 0 { Ok(value) } else { Err(de::Error::invalid_length(n, &"fewer entries in the map")) }
    }

    /// A struct that defines a shape of `len` fields, at `at`; `fields` is
    /// the field list of the struct being decoded, when known.
    fn struct_defining<V: Visitor<'de>>(
        &mut self,
        len: usize,
        at: usize,
        fields: Option<&'static [&'static str]>,
        visitor: V,
    ) -> Result<V::Value> {
        self.begin_shape(len, at)?;
        let shape = self.shapes.len() - 1;
        self.enter(at)?;
        let mut access = Defining {
            de: &mut *self,
            shape,
            left: len,
            keys: SmallVec::new(),
            value_next: false,
            fields,
            in_order: true,
        };
        let result = visitor.visit_map(&mut access);
        let left = access.left;
        self.leave();
        let value = result?;
        if left == 0 { Ok(value) } else { Err(de::Error::invalid_length(len, &"fewer fields in the struct")) }
    }

    /// How the struct at the decoder's position is read, past
    /// [`de::Deserializer::deserialize_struct`]'s fast path (its header
    /// consumed): as a sequence of its fields, when the shape's keys are
    /// `fields` in order, or by key. Not generic: every struct type shares
    /// it.
    fn struct_plan(&mut self, fields: &'static [&'static str]) -> Result<StructPlan> {
        let t = self.next_tag()?;
        let at = self.pos - 1;
        // A definition of the field list's own shape, its count one byte:
        // when the look-ahead finds its keys in order, they and the values
        // are all there, so the count needs no check of its own.
        if t == tag::SHAPE_DEFINE
            && !fields.is_empty()
            && self.input.get(self.pos).is_some_and(|&n| n < 0x80 && usize::from(n) == fields.len())
        {
            self.pos += 1;
            if let Some(end) = self.flat_fields_in_order(fields) {
                self.define_in_order(at, fields)?;
                return Ok(StructPlan::DefinedInOrder(end));
            }
            self.pos = at + 1;
        }
        let index = if let Some(index) = header::inline_shape_ref(t) {
            index
        } else if t == tag::SHAPE_REF {
            self.varint_u64()?
        } else if header::is_struct_tag(t) {
            return match header::header_after(self, t, at)? {
                Header::ShapeDefine(n) => Ok(StructPlan::ByKey(KeyedStruct::Defining(n))),
                Header::Map(n) => Ok(StructPlan::ByKey(KeyedStruct::Map(n))),
                _ => Err(unexpected(t, at, "a struct")),
            };
        } else {
            return Err(unexpected(t, at, "a struct"));
        };
        Ok(match self.shape_order(index, at, Some(fields))? {
            (_, len, true) => StructPlan::InOrder(len),
            (shape, len, false) => StructPlan::ByKey(KeyedStruct::OfShape(shape, len)),
        })
    }

    /// Where the struct ends, if the shape definition at the position (past
    /// its header) has `fields` as its keys, in order, each a string whose
    /// length is in its tag, and no value that holds others (an array, a
    /// map, a struct; a scalar after `SOME` is fine). Looks ahead only: the
    /// position is left where it was, and nothing is interned or defined.
    ///
    /// Such a struct is read in field order, as a struct of a known shape
    /// is, its keys compared once, here, and not matched again by the
    /// derived visitor's `visit_map` (callgrind, pipeline-network, one
    /// three-field struct: 1,360 -> 929 instructions to decode; postcard
    /// 446). A value holding others could define shapes and intern strings
    /// of its own, which a look-ahead would have to undo, so a struct with
    /// one is read by key; in a large value, the first struct of a type
    /// costs the same either way.
    ///
    /// Measured against the alternatives (pipeline-network, `wire_count`
    /// and the bench binary's one-shot rows):
    /// - one pass, with no look-ahead: each key checked as its value is
    ///   reached, and a key out of order decoding the whole value again by
    ///   key (serde's visitor cannot be rewound). Slower: 55-61 ns a call
    ///   against 48 ns, 944-974 instructions against 923, since the checks
    ///   inside the visitor's `visit_seq` kept its `next_element` out of
    ///   line;
    /// - no key check at all (wrong, for measurement only): 728
    ///   instructions, and 1.58-1.63x postcard's decode time against
    ///   1.74-1.80x. The look-ahead is that difference; the rest of the
    ///   gap is elsewhere.
    fn flat_fields_in_order(&mut self, fields: &'static [&'static str]) -> Option<usize> {
        let start = self.pos;
        let flat = fields.iter().all(|name| {
            let at = self.pos;
            let len = name.len();
            let is_key = self.input.get(at).and_then(|&t| header::inline_str(t)) == Some(len)
                && self.input.get(at + 1..at + 1 + len).is_some_and(|b| same_bytes(b, name.as_bytes()));
            if !is_key {
                return false;
            }
            self.pos = at + 1 + len;
            loop {
                let Some(&t) = self.input.get(self.pos) else { return false };
                let n = usize::from(header::FIXED_LEN[usize::from(t)]);
                if n != 0 {
                    self.pos += n;
                    return self.pos <= self.input.len();
                }
                match header::header(self) {
                    Ok(Header::Some) => {}
                    Ok(h) if h.values() == Some(0) && h.varints() == 0 => {
                        let (n, what) = h.content();
                        return self.take(n, what).is_ok();
                    }
                    _ => return false,
                }
            }
        });
        let end = self.pos;
        self.pos = start;
        flat.then_some(end)
    }

    /// Defines the shape `fields`, found in order at `at` by
    /// [`Self::flat_fields_in_order`], and remembers it as read in order
    /// (see [`Self::shape_order`]).
    fn define_in_order(&mut self, at: usize, fields: &'static [&'static str]) -> Result<()> {
        let (index, len) = (self.shapes.len(), fields.len());
        let address = fields.as_ptr() as usize;
        // Complete before its values are read: none of them holds a
        // struct that could refer to it.
        let shape = Shape { keys: ShapeKeys::Fields(fields), len, complete: true, in_order: Some((address, true)) };
        self.push_shape(shape, at)?;
        if let (Some(slot), Some(count)) = (self.in_order.get_mut(index), self.in_order_len.get_mut(index)) {
            (*slot, *count) = (address, len);
        }
        self.last_in_order = (index as u64, address, len);
        Ok(())
    }

    /// A struct that defines its shape, its fields read in field order
    /// ([`StructPlan::DefinedInOrder`]): each value after its key, which
    /// was checked by [`Self::flat_fields_in_order`], up to `end`.
    fn struct_defined_in_order<V: Visitor<'de>>(
        &mut self,
        end: usize,
        at: usize,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.enter(at)?;
        let mut access = DefinedInOrder { de: &mut *self, fields: fields.iter() };
        let result = visitor.visit_seq(&mut access);
        let left = access.fields.len();
        self.leave();
        let value = result?;
        if left != 0 {
            return Err(de::Error::invalid_length(fields.len(), &"fewer fields in the struct"));
        }
        // The keys were stepped over, not read: a value's `Deserialize`
        // impl that read other than one value (against serde's contract)
        // read the rest from the wrong bytes, and ends elsewhere.
        if self.pos != end {
            return Err(ErrorKind::InvalidValue {
                offset: at,
                what: "struct",
                reason: format!("its values ended at byte {}, where its keys say byte {end}", self.pos),
            }
            .into());
        }
        Ok(value)
    }

    /// A struct, its header at `at`, read by key as `how` says: the
    /// visitor's `visit_map`, never its `visit_seq` (see
    /// [`de::Deserializer::deserialize_struct`]).
    fn struct_by_keys<V: Visitor<'de>>(
        &mut self,
        how: KeyedStruct,
        at: usize,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match how {
            KeyedStruct::OfShape(shape, len) => self.struct_by_key(shape, len, at, visitor),
            KeyedStruct::Defining(n) => self.struct_defining(n, at, Some(fields), visitor),
            KeyedStruct::Map(n) => self.map(n, at, visitor),
        }
    }

    /// The shape `index` referred to at `at`: its position in the table,
    /// its field count, and whether its keys are `fields` in order (then
    /// remembered in `in_order`, or as the last struct read in order).
    fn shape_order(
        &mut self,
        index: u64,
        at: usize,
        fields: Option<&'static [&'static str]>,
    ) -> Result<(usize, usize, bool)> {
        // One look-up of the shape for its check, length and key order.
        let (shape, len, cached) = match usize::try_from(index).ok().and_then(|i| Some((i, self.shapes.get(i)?))) {
            Some((i, s)) if s.complete => (i, s.len, s.in_order),
            _ => return Err(self.bad_shape_ref(index, at)),
        };
        let Some(f) = fields else { return Ok((shape, len, false)) };
        let in_order = match cached {
            Some((address, in_order)) if address == f.as_ptr() as usize => in_order,
            _ => self.compare_keys(shape, f),
        };
        if in_order {
            if let (Some(address), Some(count)) = (self.in_order.get_mut(shape), self.in_order_len.get_mut(shape)) {
                (*address, *count) = (f.as_ptr() as usize, len);
            }
            self.last_in_order = (index, f.as_ptr() as usize, len);
        }
        Ok((shape, len, in_order))
    }

    /// A struct of shape `shape` (`len` fields) whose keys are not the
    /// field list: the visitor gets its keys by name, since a position in
    /// the field list is not the derived visitor's field index once an
    /// alias precedes it.
    fn struct_by_key<V: Visitor<'de>>(&mut self, shape: usize, len: usize, at: usize, visitor: V) -> Result<V::Value> {
        header::check_count(self, at, "struct field count", len as u64, 1)?;
        self.enter(at)?;
        let mut access = OfShape { de: &mut *self, shape, next: 0, len };
        let result = visitor.visit_map(&mut access);
        let consumed = access.next;
        self.leave();
        let value = result?;
        if consumed == len { Ok(value) } else { Err(de::Error::invalid_length(len, &"fewer fields in the struct")) }
    }

    /// The variant name of the enum at `at` (after the map tag when
    /// `has_value`), past [`de::Deserializer::deserialize_enum`]'s fast path.
    fn variant_name(&mut self, has_value: bool, at: usize) -> Result<&'de str> {
        self.pos = at + usize::from(has_value);
        let key_at = self.pos;
        let t = self.next_tag()?;
        match self.string_of_tag(t)? {
            Some(name) => Ok(name),
            None if has_value => Err(unexpected(t, key_at, "an enum variant name")),
            None => Err(unexpected(t, at, "an enum (a variant name, or a map of one entry)")),
        }
    }
}

impl Source for Deserializer<'_> {
    #[inline]
    fn offset(&self) -> usize {
        self.pos
    }

    #[inline]
    fn remaining(&self) -> usize {
        Deserializer::remaining(self)
    }

    #[inline]
    fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8]> {
        Deserializer::take(self, n, what)
    }

    #[allow(clippy::inline_always, reason = "the decoder's hot path; see `Deserializer::varint_u64`")]
    #[inline(always)]
    fn varint_u64(&mut self) -> Result<u64> {
        Deserializer::varint_u64(self)
    }

    fn unread(&self) -> Option<&[u8]> {
        self.input.get(self.pos..)
    }
}

/// The varint at the start of `b` and its length; `None` when it is bad
/// (the careful reader then says how).
#[allow(clippy::inline_always, reason = "the decoder's hot path; see `varint_u64`")]
#[inline(always)]
fn varint_of_ten(b: &[u8; varint::MAX_LEN_U64]) -> Option<(u64, usize)> {
    if b[0] < 0x80 {
        return Some((u64::from(b[0]), 1));
    }
    // Two bytes (128..16384: counts, lengths, ids): no word assembly.
    if b[1] < 0x80 && b[1] != 0 {
        return Some((u64::from(b[0] & 0x7F) | (u64::from(b[1]) << 7), 2));
    }
    varint::read_u64_unrolled(b).ok()
}

/// The error for tag `t` at `at` where `expected` was needed.
fn unexpected(t: u8, at: usize, expected: &'static str) -> Error {
    if t >= tag::FIRST_RESERVED {
        ErrorKind::UnknownTag { offset: at, tag: t }.into()
    } else {
        ErrorKind::UnexpectedTag { offset: at, tag: t, found: tag::describe(t), expected }.into()
    }
}

/// How a struct is read past the fast path of
/// [`de::Deserializer::deserialize_struct`] ([`Deserializer::struct_plan`]).
#[derive(Clone, Copy)]
enum StructPlan {
    /// As a sequence of its fields, this many: the shape's keys are the
    /// struct's field list in order.
    InOrder(usize),
    /// As a sequence of its fields, each after its key, up to the offset
    /// given: the struct defines its shape, and its keys are the struct's
    /// field list in order ([`Deserializer::flat_fields_in_order`]).
    DefinedInOrder(usize),
    /// By key.
    ByKey(KeyedStruct),
}

/// A struct read by key ([`Deserializer::struct_by_keys`]).
#[derive(Clone, Copy)]
enum KeyedStruct {
    /// A shape (its position in the table, its field count) whose keys are
    /// not the struct's field list in order.
    OfShape(usize, usize),
    /// A struct that defines its shape, of this many fields.
    Defining(usize),
    /// A map of this many entries.
    Map(usize),
}

/// Elements of an array or entries of a map with a known count. `K` tells
/// apart the places it is made in (see [`TupleElements`]).
struct Counted<'a, 'de, K> {
    de: &'a mut Deserializer<'de>,
    left: usize,
    kind: PhantomData<K>,
}

/// [`Counted`] anywhere but the inline fast path of a tuple.
struct AnyElements;

/// [`Counted`] in the inline fast path of `deserialize_tuple`: a type of its
/// own, so that a tuple visitor's `visit_seq` over it has one caller.
struct TupleElements;

impl<'de, K> de::SeqAccess<'de> for Counted<'_, 'de, K> {
    type Error = Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
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

impl<'de> de::MapAccess<'de> for Counted<'_, 'de, AnyElements> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(MapValue(&mut *self.de))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// The elements of an array of numbers.
///
/// The input and the position are the sequence's own, copied from the
/// decoder and the position written back at the end: the decoder's address
/// goes to the slow paths, so its fields live in memory, and every element
/// read through them stored and loaded the position again (callgrind: a
/// `Vec<u32>` 29 instructions an element, postcard 28, the tagged form 26).
/// The position is the input not yet read, `rest`, as a slice reader's:
/// an element is a length check and a pointer bump, with no offset to
/// add and check again (callgrind, geojson's pairs: 10 % fewer
/// instructions than with an offset).
///
/// `MODE` is what its elements are: numbers ([`NUMBERS`]), rows of
/// `width` numbers, each a [`NumberRow`] ([`ROWS`]), or a row's own
/// numbers ([`ROW`], read as `NUMBERS` are). Each is a type of its own, so
/// that a visitor's `visit_seq` has one caller for each and LLVM inlines
/// it: a row's numbers as the same type as an array's kept a
/// `(f32, f32)`'s `visit_seq` out of line, and a branch to a row in a
/// row's own numbers did too (callgrind, geojson: 2.4x the instructions).
struct NumberSeq<'a, 'de, const MODE: u8> {
    de: &'a mut Deserializer<'de>,
    /// The whole input, for offsets: the position is `input.len() -
    /// rest.len()`.
    input: &'de [u8],
    rest: &'de [u8],
    kind: u8,
    left: usize,
    /// Elements per row, in mode [`ROWS`].
    width: usize,
}

/// [`NumberSeq`] of an array of numbers.
const NUMBERS: u8 = 0;
/// [`NumberSeq`] of an array of rows.
const ROWS: u8 = 1;
/// [`NumberSeq`] of one row's numbers.
const ROW: u8 = 2;
/// [`NumberSeq`] of a tuple's numbers (`deserialize_tuple`'s fast path).
const TUPLE: u8 = 3;

impl<'de, const MODE: u8> de::SeqAccess<'de> for NumberSeq<'_, 'de, MODE> {
    type Error = Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        if MODE == ROWS {
            let row = NumberRow {
                de: &mut *self.de,
                input: self.input,
                rest: &mut self.rest,
                kind: self.kind,
                width: self.width,
            };
            return seed.deserialize(row).map(Some);
        }
        seed.deserialize(NumberElement { de: &mut *self.de, input: self.input, rest: &mut self.rest, kind: self.kind })
            .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// One element of an array of numbers: a number, as its tagged form would
/// decode (a signed integer that is not negative is unsigned, as it is
/// when written with a tag).
struct NumberElement<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    /// The input and what is left of it ([`NumberSeq`]'s).
    input: &'de [u8],
    rest: &'a mut &'de [u8],
    kind: u8,
}

impl<'de> NumberElement<'_, 'de> {
    /// `slow` on the decoder, out of line, with the position handed over
    /// and back by value (so that it stays in a register on the fast path).
    #[allow(clippy::inline_always, reason = "the caller's code; see `NumberSeq`")]
    #[inline(always)]
    fn apart<R>(self, slow: impl FnOnce(&mut Deserializer<'de>, u8) -> R) -> R {
        self.de.pos = self.input.len() - self.rest.len();
        // The kind by value: a closure borrowing `self.kind` handed the
        // element's address to the out-of-line call, and LLVM then stored
        // the whole element to the stack on the fast path of every one
        // (callgrind, `[u8; 4]`: 5 stores an element).
        let kind = self.kind;
        let (result, pos) = self.de.apart(move |de| slow(de, kind));
        *self.rest = self.input.get(pos..).unwrap_or_default();
        result
    }

    /// `f` on this element one level deeper (see [`Deserializer::nested`]).
    fn nested<R>(self, f: impl FnOnce(NumberElement<'_, 'de>) -> Result<R>) -> Result<R> {
        let at = self.input.len() - self.rest.len();
        let (input, kind) = (self.input, self.kind);
        let rest = &mut *self.rest;
        self.de.nested(at, |de| f(NumberElement { de, input, rest, kind }))
    }
}

/// Visits a number as `deserialize_any` does.
#[inline]
fn visit_number<'de, V: Visitor<'de>>(n: Number, visitor: V) -> Result<V::Value> {
    match n {
        Number::Unsigned(v) => visitor.visit_u64(v),
        Number::Signed(v) => match u64::try_from(v) {
            Ok(v) => visitor.visit_u64(v),
            Err(_) => visitor.visit_i64(v),
        },
        Number::F32(v) => visitor.visit_f32(v),
        Number::F64(v) => visitor.visit_f64(v),
    }
}

/// An integer element into `$t`: the kind the Rust type is written as
/// (`$fast`) read inline, with no `Number` in between; anything else, and
/// [`ErrorKind::IntegerOutOfRange`] at the element when it does not fit,
/// out of line (so that the common call is small enough to stay cheap).
macro_rules! number_integer {
    ($method:ident, $visit:ident, $t:ty, $fast:expr) => {
        #[inline]
        #[allow(irrefutable_let_patterns, reason = "an i64 from an i64 always fits")]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            if self.kind == $fast {
                if $fast == numbers::UVARINT || $fast == numbers::ZIGZAG {
                    if let Some(b) = self.rest.first_chunk::<{ varint::MAX_LEN_U64 }>()
                        && let Some((v, n)) = varint_of_ten(b)
                    {
                        let fits = if $fast == numbers::ZIGZAG {
                            <$t>::try_from(varint::unzigzag_i64(v)).ok()
                        } else {
                            <$t>::try_from(v).ok()
                        };
                        if let Some(v) = fits {
                            *self.rest = self.rest.get(n..).unwrap_or_default();
                            return visitor.$visit(v);
                        }
                    }
                } else if let Some((&b, tail)) = self.rest.split_first() {
                    // A byte kind: `u8` or `i8`, whichever `$t` is.
                    if let Ok(v) =
                        <$t>::try_from(if $fast == numbers::I8 { i64::from(b.cast_signed()) } else { i64::from(b) })
                    {
                        *self.rest = tail;
                        return visitor.$visit(v);
                    }
                }
            }
            self.apart(|de, kind| {
                integer_element(de, kind, visitor, stringify!($t), |visitor, v: $t| visitor.$visit(v))
            })
        }
    };
}

/// An integer element of any kind into `T`, or the error.
fn integer_element<'de, V: Visitor<'de>, T: TryFrom<u64> + TryFrom<i64>>(
    de: &mut Deserializer<'de>,
    kind: u8,
    visitor: V,
    target: &'static str,
    visit: impl FnOnce(V, T) -> Result<V::Value>,
) -> Result<V::Value> {
    let at = de.pos;
    match numbers::read(de, kind)? {
        Number::Unsigned(v) => match T::try_from(v) {
            Ok(v) => visit(visitor, v),
            Err(_) => Err(out_of_range(&v, at, target)),
        },
        Number::Signed(v) => match T::try_from(v) {
            Ok(v) => visit(visitor, v),
            Err(_) => Err(out_of_range(&v, at, target)),
        },
        // As a float written with its tag: the visitor's error.
        n @ (Number::F32(_) | Number::F64(_)) => visit_number(n, visitor),
    }
}

/// A float element into `$t`: the kind `$t` is written as (`$fast`) read
/// inline; any other kind as `deserialize_any` reads it.
macro_rules! number_float {
    ($method:ident, $visit:ident, $t:ty, $fast:expr) => {
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            if self.kind == $fast
                && let Some((b, tail)) = self.rest.split_first_chunk::<{ size_of::<$t>() }>()
            {
                *self.rest = tail;
                return visitor.$visit(<$t>::from_le_bytes(*b));
            }
            self.apart(|de, kind| visit_number(numbers::read(de, kind)?, visitor))
        }
    };
}

impl<'de> de::Deserializer<'de> for NumberElement<'_, 'de> {
    type Error = Error;

    fn is_human_readable(&self) -> bool {
        false
    }

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.apart(|de, kind| visit_number(numbers::read(de, kind)?, visitor))
    }

    number_integer!(deserialize_u8, visit_u8, u8, numbers::U8);
    number_integer!(deserialize_u16, visit_u16, u16, numbers::UVARINT);
    number_integer!(deserialize_u32, visit_u32, u32, numbers::UVARINT);
    number_integer!(deserialize_u64, visit_u64, u64, numbers::UVARINT);
    number_integer!(deserialize_i8, visit_i8, i8, numbers::I8);
    number_integer!(deserialize_i16, visit_i16, i16, numbers::ZIGZAG);
    number_integer!(deserialize_i32, visit_i32, i32, numbers::ZIGZAG);
    number_integer!(deserialize_i64, visit_i64, i64, numbers::ZIGZAG);
    number_float!(deserialize_f32, visit_f32, f32, numbers::F32);
    number_float!(deserialize_f64, visit_f64, f64, numbers::F64);

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.nested(|e| visitor.visit_some(e))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        self.nested(|e| visitor.visit_newtype_struct(e))
    }

    serde::forward_to_deserialize_any! {
        bool i128 u128 char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// One row of an array of rows: an array of `width` numbers, as its
/// tagged form would decode.
struct NumberRow<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    /// The input and what is left of it ([`NumberSeq`]'s).
    input: &'de [u8],
    rest: &'a mut &'de [u8],
    kind: u8,
    width: usize,
}

impl<'de> NumberRow<'_, 'de> {
    /// Hands `visitor` the row's numbers, then checks it took them all.
    #[inline]
    fn row<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let width = self.width;
        let mut access = NumberSeq::<ROW> {
            de: self.de,
            input: self.input,
            rest: self.rest,
            kind: self.kind,
            left: width,
            width: 0,
        };
        let result = visitor.visit_seq(&mut access);
        *self.rest = access.rest;
        let value = result?;
        if access.left == 0 { Ok(value) } else { Err(de::Error::invalid_length(width, &"fewer elements in the array")) }
    }

    /// `f` on this row one level deeper (see [`Deserializer::nested`]).
    fn nested<R>(self, f: impl FnOnce(NumberRow<'_, 'de>) -> Result<R>) -> Result<R> {
        let at = self.input.len() - self.rest.len();
        let (input, kind, width) = (self.input, self.kind, self.width);
        let rest = &mut *self.rest;
        self.de.nested(at, |de| f(NumberRow { de, input, rest, kind, width }))
    }
}

impl<'de> de::Deserializer<'de> for NumberRow<'_, 'de> {
    type Error = Error;

    fn is_human_readable(&self) -> bool {
        false
    }

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.row(visitor)
    }

    #[inline]
    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.row(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.nested(|r| visitor.visit_some(r))
    }

    /// A newtype is its content; a reserved name of [`crate::magic`] (a
    /// `Packed`) takes the row as it takes a plain array.
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value> {
        if name.starts_with("$flatbox_wire::") {
            return self.row(visitor);
        }
        self.nested(|r| visitor.visit_newtype_struct(r))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        seq tuple_struct map struct enum identifier ignored_any
    }
}

/// Fields of a struct that defines its shape: keys inline.
struct Defining<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    shape: usize,
    left: usize,
    /// Its keys so far: the shape's once it is complete (a value may
    /// define shapes of its own meanwhile).
    keys: SmallVec<[&'de str; 8]>,
    value_next: bool,
    /// The field list of the struct being decoded, when known.
    fields: Option<&'static [&'static str]>,
    /// Whether every key so far was the name `fields` has at its position,
    /// written as [`Deserializer::known_key`] takes it.
    in_order: bool,
}

impl<'de> de::MapAccess<'de> for Defining<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        let index = self.keys.len();
        // The key the struct's field list has here, as encoders write it:
        // taken as that `&'static str`, with no UTF-8 check.
        if let Some(name) = self.fields.and_then(|f| f.get(index))
            && let Some(key) = self.de.known_key(name)?
        {
            self.keys.push(key);
            self.left -= 1;
            self.value_next = true;
            return seed.deserialize(de::value::BorrowedStrDeserializer::new(key)).map(Some);
        }
        self.in_order = false;
        let at = self.de.pos;
        let t = self.de.next_tag()?;
        let Some(key) = self.de.string_of_tag(t)? else {
            return Err(if t >= tag::FIRST_RESERVED {
                ErrorKind::UnknownTag { offset: at, tag: t }.into()
            } else {
                ErrorKind::KeyNotString { offset: at, tag: t }.into()
            });
        };
        self.keys.push(key);
        self.left -= 1;
        self.value_next = true;
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.value_next = false;
        let value = seed.deserialize(MapValue(&mut *self.de))?;
        if self.left == 0 {
            let start = self.de.keys.len();
            self.de.keys.extend_from_slice(&self.keys);
            let shape = &mut self.de.shapes[self.shape];
            shape.keys = ShapeKeys::Read(start);
            shape.complete = true;
            // Its keys were the field list, in order: every later struct of
            // this shape is read as a sequence, with no comparison.
            if self.in_order
                && let Some(fields) = self.fields
                && self.keys.len() == fields.len()
            {
                shape.in_order = Some((fields.as_ptr() as usize, true));
            }
        }
        Ok(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// The values of a struct that defines its shape with its own field list
/// in order ([`StructPlan::DefinedInOrder`]), a sequence: each key, already
/// checked, is stepped over. The values are read as a map's are
/// ([`MapValue`]), so that this path adds no caller to the value types'
/// code for the decoder itself.
struct DefinedInOrder<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    /// The fields still to read.
    fields: std::slice::Iter<'static, &'static str>,
}

impl<'de> de::SeqAccess<'de> for DefinedInOrder<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let Some(name) = self.fields.next() else { return Ok(None) };
        // The key, checked by the look-ahead: its tag, which holds its
        // length, and its bytes. (No further than the input's end: see
        // `struct_defined_in_order` for a value read wrong.)
        self.de.pos = (self.de.pos + 1 + name.len()).min(self.de.input.len());
        seed.deserialize(MapValue(&mut *self.de)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

/// Fields of a struct of a known shape: keys from the shape table.
struct OfShape<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    shape: usize,
    next: usize,
    len: usize,
}

impl<'de> de::MapAccess<'de> for OfShape<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.next == self.len {
            return Ok(None);
        }
        let key = self.de.shape_keys(&self.de.shapes[self.shape])[self.next];
        self.next += 1;
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key)).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(MapValue(&mut *self.de))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.len - self.next)
    }
}

enum MagicValue<'de> {
    Borrowed(&'de [u8]),
    Owned(Vec<u8>),
}

/// A one-entry map `{magic name: payload bytes}` through which timestamps,
/// extensions and packed arrays reach `deserialize_any` visitors (such as
/// [`Value`](crate::Value)'s).
struct MagicMap<'de> {
    key: Option<&'static str>,
    value: MagicValue<'de>,
}

impl<'de> de::MapAccess<'de> for MagicMap<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.key.take() {
            Some(k) => seed.deserialize(k.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        match std::mem::replace(&mut self.value, MagicValue::Borrowed(&[])) {
            MagicValue::Borrowed(b) => seed.deserialize(de::value::BorrowedBytesDeserializer::new(b)),
            MagicValue::Owned(b) => seed.deserialize(de::value::BytesDeserializer::new(&b)),
        }
    }
}

/// Unit and enum variants.
struct Enum<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    variant: &'de str,
    /// Whether a value follows (a one-entry map) or not (a bare name).
    has_value: bool,
}

impl<'de> de::EnumAccess<'de> for Enum<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let v = seed.deserialize(de::value::BorrowedStrDeserializer::<Error>::new(self.variant))?;
        Ok((v, self))
    }
}

impl<'de> de::VariantAccess<'de> for Enum<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        if self.has_value {
            // `{"Variant": null}` is accepted as a unit variant too.
            de::Deserialize::deserialize(&mut *self.de)
        } else {
            Ok(())
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        if !self.has_value {
            return Err(de::Error::invalid_type(de::Unexpected::UnitVariant, &"a newtype variant"));
        }
        // A level: `Wrap(Box<Self>)` recurses at two bytes a level.
        let at = self.de.pos;
        self.de.nested(at, |de| seed.deserialize(de))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        if !self.has_value {
            return Err(de::Error::invalid_type(de::Unexpected::UnitVariant, &"a tuple variant"));
        }
        de::Deserializer::deserialize_tuple(&mut *self.de, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value> {
        if !self.has_value {
            return Err(de::Error::invalid_type(de::Unexpected::UnitVariant, &"a struct variant"));
        }
        de::Deserializer::deserialize_struct(&mut *self.de, "", fields, visitor)
    }
}

macro_rules! unsigned {
    ($method:ident, $visit:ident, $t:ty) => {
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            // Fast path: the tag and the widest integer are there, behind
            // one bounds check; the width is in the tag, so the value is
            // one load and a mask.
            if let Some(b) = self.input.get(self.pos..).and_then(<[u8]>::first_chunk::<9>) {
                let t = b[0];
                if t <= tag::UINT_INLINE_MAX {
                    self.pos += 1;
                    return visitor.$visit(<$t>::from(t));
                }
                if let Some((v, len)) = uint_fixed_of_nine::<{ size_of::<$t>() }>(b)
                    && let Ok(v) = <$t>::try_from(v)
                {
                    self.pos += len;
                    return visitor.$visit(v);
                }
            }
            self.out_of_line(move |de| de.unsigned_slow(visitor, stringify!($t), |visitor, v: $t| visitor.$visit(v)))
        }
    };
}

/// A 128-bit integer: what `deserialize_any` does with each integer form,
/// the visitor called the same way (`visit_u64`, `visit_i64`, `visit_u128`
/// or `visit_i128`, and the visitor's range check), with no tokenizer: a
/// small or fixed-width unsigned integer, a negative one's varint and a
/// 128-bit varint read inline, anything else (and every error) out of line
/// through `deserialize_any`. Through `deserialize_any` alone, the header
/// and the varint readers cost about 100 instructions a value (callgrind,
/// shapes-text).
macro_rules! wide {
    ($method:ident) => {
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let at = self.pos;
            if let Some(b) = self.input.get(at..).and_then(<[u8]>::first_chunk::<9>) {
                let t = b[0];
                if t <= tag::UINT_INLINE_MAX {
                    self.pos = at + 1;
                    return visitor.visit_u64(u64::from(t));
                }
                if let Some((v, len)) = uint_fixed_of_nine::<8>(b) {
                    self.pos = at + len;
                    return visitor.visit_u64(v);
                }
                if t == tag::NEG_INT {
                    // The decoder's own varint reader, inlined (through
                    // `varint::read_u64`, a call: 28 more instructions a
                    // value, callgrind).
                    self.pos = at + 1;
                    let v = self.varint_u64()?;
                    return visitor.visit_i64(varint::unzigzag_i64(v));
                }
                let payload = self.input.get(at + 1..).unwrap_or_default();
                if (t == tag::UINT128 || t == tag::NEG_INT128)
                    && let Ok((v, n)) = varint::read_u128(payload)
                {
                    self.pos = at + 1 + n;
                    return if t == tag::UINT128 {
                        visitor.visit_u128(v)
                    } else {
                        visitor.visit_i128(varint::unzigzag_i128(v))
                    };
                }
            }
            self.out_of_line(move |de| de::Deserializer::deserialize_any(de, visitor))
        }
    };
}

/// A signed integer of type `$t`: small, positive and negative ones
/// without `any_of_tag`, and one that does not fit `$t` an
/// [`ErrorKind::IntegerOutOfRange`] at its tag.
macro_rules! signed {
    ($method:ident, $visit:ident, $t:ty) => {
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let at = self.pos;
            if let Some(b) = self.input.get(at..).and_then(<[u8]>::first_chunk::<9>) {
                let t = b[0];
                if t <= tag::UINT_INLINE_MAX
                    && let Ok(v) = <$t>::try_from(t)
                {
                    self.pos += 1;
                    return visitor.$visit(v);
                }
                if let Some((v, len)) = uint_fixed_of_nine::<8>(b) {
                    let Ok(v) = <$t>::try_from(v) else {
                        return Err(out_of_range(&v, at, stringify!($t)));
                    };
                    self.pos += len;
                    return visitor.$visit(v);
                }
            }
            // Negative integers, and the last bytes of the input.
            let t = self.next_tag()?;
            let v = match t {
                tag::UINT_INLINE..=tag::UINT_INLINE_MAX => i128::from(t),
                tag::NEG_INT => i128::from(varint::unzigzag_i64(self.varint_u64()?)),
                tag::UINT_VARINT | tag::UINT_FIXED..=tag::UINT_FIXED_LAST => i128::from(header::uint_after(self, t)?),
                _ => return self.out_of_line(move |de| de.any_of_tag(t, visitor)),
            };
            match <$t>::try_from(v) {
                Ok(v) => visitor.$visit(v),
                Err(_) => Err(out_of_range(&v, at, stringify!($t))),
            }
        }
    };
}

/// The error for an integer `value` (at `at`) that does not fit `target`.
#[cold]
fn out_of_range(value: &impl ToString, at: usize, target: &'static str) -> Error {
    ErrorKind::IntegerOutOfRange { offset: at, value: value.to_string(), target }.into()
}

// `deserialize_bool` reads both tags with one compare.
const _: () = assert!(tag::TRUE == tag::FALSE + 1);

/// The fixed-width unsigned integer at the start of `b` (its tag and all
/// eight bytes it can take are there) and its length with the tag, when it
/// is at most `MAX` bytes wide; `None` for any other tag.
///
/// One or two bytes (64..65536: small counts, ids, codes) are one path
/// whose width is data: the value is masked to it with a select, not a
/// branch, since such a field's width often varies from record to record
/// (an id below 500 takes one byte or two at random). Three and four bytes
/// (ids, timestamps in seconds) each have a branch of their own with a
/// constant length, so the branch predictor learns a field's width and the
/// next read's offset does not wait for this tag to be loaded and decoded.
/// Wider ones are one load masked to a width computed from the tag.
///
/// Measured in an A/B of every serde dataset of the suite, each variant
/// against the one before it in the same rounds (the first item by the
/// fastest of many calls, the second by the median of 21 paired rounds):
/// - the branches for three and four bytes pay only with the slow paths
///   laid out apart ([`Deserializer::apart`] is `#[cold]`): with both,
///   records-1m (ids of three bytes, timestamps of four) decoded in
///   0.70-0.72x the time of masked widths and calls laid out in line, and
///   no dataset of the suite slower; the branches alone were 7 % slower;
/// - one and two bytes by a select rather than a branch each: the structs
///   of shapes-enums-nested (ids 0..500, angles 0..360) 0.94-0.96x the
///   time, pairs of `u32`s whose widths come in runs 0.99x;
/// - the branches for three and four bytes before that select, not after
///   it: in the product's own fat-LTO build (`decode_floor`, records-1m)
///   `from_slice` took 1.45-1.63x postcard's time with the select first,
///   1.36-1.43x with the branches first, 1.29-1.41x before the select.
#[allow(clippy::inline_always, reason = "the decoder's integer fast path")]
#[inline(always)]
fn uint_fixed_of_nine<const MAX: usize>(b: &[u8; 9]) -> Option<(u64, usize)> {
    let [t, b1, b2, b3, b4, b5, b6, b7, b8] = *b;
    if MAX >= 4 && t == tag::UINT_FIXED + 3 {
        return Some((u64::from(u32::from_le_bytes([b1, b2, b3, b4])), 5));
    }
    if MAX >= 3 && t == tag::UINT_FIXED + 2 {
        return Some((u64::from(u32::from_le_bytes([b1, b2, b3, 0])), 4));
    }
    // The width for one or two bytes is worked out here, and again by
    // `uint_fixed_len` below for the wider ones: `uint_fixed_len` once,
    // before this test, cost 0.2-0.3 % more instructions (callgrind,
    // product build: records-1m and shapes-enums-nested decode).
    let n = t.wrapping_sub(tag::UINT_FIXED - 1);
    if n.wrapping_sub(1) < 2 {
        // One or two bytes: the width is data (a mask), not a branch.
        let mask = u64::from(std::hint::select_unpredictable(n == 1, 0xFFu16, 0xFFFF));
        return Some((u64::from(u16::from_le_bytes([b1, b2])) & mask, 1 + usize::from(n)));
    }
    let n = tag::uint_fixed_len(t);
    if n == 0 || n > MAX {
        return None;
    }
    Some((u64::from_le_bytes([b1, b2, b3, b4, b5, b6, b7, b8]) & (u64::MAX >> (64 - 8 * n)), 1 + n))
}

/// The decoder as it reads a map entry's value, which a derived struct
/// visitor's `visit_map` asks for: every call forwarded to the decoder.
///
/// A type of its own so that the value types' `deserialize` for `&mut
/// Deserializer` are called from `visit_seq` alone, the path a struct of a
/// known shape takes. Called from `visit_map` too (once per map access
/// type), a field's `PhantomData<T>::deserialize` had callers enough for
/// LLVM to keep it out of line: a call, and saving registers, for every
/// `Option` or fixed array field (callgrind, shapes-arrays-options: five
/// calls a record; with this type, 9 % fewer instructions to decode it).
struct MapValue<'a, 'de>(&'a mut Deserializer<'de>);

/// Forwards each `Deserializer` method of [`MapValue`] to the decoder.
macro_rules! forward_to_decoder {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value> {
            de::Deserializer::$method(self.0, $($arg,)* visitor)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for MapValue<'_, 'de> {
    type Error = Error;

    fn is_human_readable(&self) -> bool {
        false
    }

    /// The option's code of its own, not a call of the decoder's
    /// `deserialize_option` (a second caller of it).
    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.0.option(visitor)
    }

    /// Any array of `len` elements: the decoder's fast path for an inline
    /// array is its own `deserialize_tuple`'s (see `deserialize_option`).
    #[inline]
    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self.0, visitor)
    }

    forward_to_decoder! {
        deserialize_any(); deserialize_bool();
        deserialize_i8(); deserialize_i16(); deserialize_i32(); deserialize_i64(); deserialize_i128();
        deserialize_u8(); deserialize_u16(); deserialize_u32(); deserialize_u64(); deserialize_u128();
        deserialize_f32(); deserialize_f64(); deserialize_char();
        deserialize_str(); deserialize_string(); deserialize_bytes(); deserialize_byte_buf();
        deserialize_unit(); deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str); deserialize_seq();
        deserialize_tuple_struct(name: &'static str, len: usize); deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier(); deserialize_ignored_any();
    }
}

impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = Error;

    fn is_human_readable(&self) -> bool {
        false
    }

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let t = self.next_tag()?;
        if t == tag::NUMBERS {
            return self.out_of_line(move |de| de.numbers_of_tag(visitor));
        }
        self.any_of_tag(t, visitor)
    }

    #[inline]
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // One compare for both tags (adjacent: `FALSE`, then `TRUE`), so
        // the value is data, not a branch a random flag mispredicts: the
        // structs of shapes-enums-nested (a flag true for 30 %) decoded in
        // 0.92-0.96x the time of a branch per tag.
        let t = self.next_tag()?;
        let v = t.wrapping_sub(tag::FALSE);
        if v < 2 { visitor.visit_bool(v != 0) } else { Err(unexpected(t, self.pos - 1, "a bool")) }
    }

    unsigned!(deserialize_u8, visit_u8, u8);
    unsigned!(deserialize_u16, visit_u16, u16);
    unsigned!(deserialize_u32, visit_u32, u32);
    unsigned!(deserialize_u64, visit_u64, u64);

    signed!(deserialize_i8, visit_i8, i8);
    signed!(deserialize_i16, visit_i16, i16);
    signed!(deserialize_i32, visit_i32, i32);
    signed!(deserialize_i64, visit_i64, i64);
    wide!(deserialize_i128);
    wide!(deserialize_u128);

    #[inline]
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // Fast path: the tag and all four bytes are there.
        if let Some(&[tag::F32, b0, b1, b2, b3]) = self.input.get(self.pos..).and_then(<[u8]>::first_chunk::<5>) {
            self.pos += 5;
            return visitor.visit_f32(f32::from_le_bytes([b0, b1, b2, b3]));
        }
        self.out_of_line(move |de| de::Deserializer::deserialize_any(de, visitor))
    }

    #[inline]
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // Fast path: the tag and all eight bytes are there.
        if let Some(&[tag::F64, b0, b1, b2, b3, b4, b5, b6, b7]) =
            self.input.get(self.pos..).and_then(<[u8]>::first_chunk::<9>)
        {
            self.pos += 9;
            return visitor.visit_f64(f64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]));
        }
        self.out_of_line(move |de| de::Deserializer::deserialize_any(de, visitor))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // A string whose length is in its tag, all of it there, or a
        // reference in the tag to an interned one: inline, with no call
        // that takes the decoder (see `out_of_line`).
        let at = self.pos;
        if let Some(&t) = self.input.get(at) {
            if let Some(n) = header::inline_str(t)
                && let Some(bytes) = self.input.get(at + 1..at + 1 + n)
            {
                let s = Deserializer::utf8(bytes, at + 1)?;
                self.pos = at + 1 + n;
                return visitor.visit_borrowed_str(s);
            }
            if let Some(i) = header::inline_str_ref(t)
                && let Some(&s) = self.strings.get(i)
            {
                self.pos = at + 1;
                return visitor.visit_borrowed_str(s);
            }
        }
        let s = self.out_of_line(move |de| {
            let t = de.next_tag()?;
            de.string_of_tag(t)?.ok_or_else(|| unexpected(t, at, "a string"))
        })?;
        visitor.visit_borrowed_str(s)
    }

    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.option(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.next_tag()? {
            tag::NULL => visitor.visit_unit(),
            t => Err(unexpected(t, self.pos - 1, "null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value> {
        if !name.starts_with("$flatbox_wire::") {
            let at = self.pos;
            return self.nested(at, |de| visitor.visit_newtype_struct(de));
        }
        let at = self.pos;
        let t = self.next_tag()?;
        if name == magic::TIMESTAMP {
            if t != tag::TIMESTAMP {
                return Err(unexpected(t, at, "a timestamp"));
            }
            match header::header_after(self, t, at)? {
                Header::Timestamp { secs, nanos } => visitor.visit_bytes(&magic::timestamp_to_bytes(secs, nanos)),
                _ => Err(unexpected(t, at, "a timestamp")),
            }
        } else if name == magic::EXTENSION {
            if t != tag::EXTENSION {
                return Err(unexpected(t, at, "an extension"));
            }
            match header::header_after(self, t, at)? {
                Header::Extension { type_id, len } => visitor.visit_byte_buf(self.extension_payload(type_id, len)?),
                _ => Err(unexpected(t, at, "an extension")),
            }
        } else if let Some(kind) = magic::packed_kind_of_name(name) {
            if t == tag::NUMBERS {
                return self.out_of_line(move |de| de.numbers_of_tag(visitor));
            }
            if header::is_array_tag(t) {
                // A plain array of numbers also decodes into Packed.
                return self.any_of_tag(t, visitor);
            }
            if t != tag::PACKED {
                return Err(unexpected(t, at, "a packed array"));
            }
            match header::header_after(self, t, at)? {
                Header::Packed { kind: found, size, count, .. } => {
                    if found != kind {
                        return Err(ErrorKind::InvalidValue {
                            offset: at + 1,
                            what: "packed array",
                            reason: format!(
                                "element kind 0x{found:02X}, but {} was expected",
                                name.trim_start_matches("$flatbox_wire::Packed::")
                            ),
                        }
                        .into());
                    }
                    visitor.visit_borrowed_bytes(self.packed_data(size, count)?)
                }
                _ => Err(unexpected(t, at, "a packed array")),
            }
        } else {
            self.pos = at;
            self.nested(at, |de| visitor.visit_newtype_struct(de))
        }
    }

    #[inline]
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let t = self.next_tag()?;
        // Directly, not through `any_of_tag`: a sequence of small tuples
        // starts one every few bytes.
        let at = self.pos - 1;
        // One call of `seq` for both array forms, and none of
        // `any_of_tag`: an arm for every other header in the code for each
        // sequence's visitor, or a second inlined `seq`, kept element loops
        // out of line (callgrind: records-1m 8 % more instructions once
        // arrays of numbers had an arm there; the release bench: GeoJSON's
        // `Vec<(f32, f32)>` decoding 24 % slower with two calls of `seq`).
        let n = if let Some(n) = header::inline_array(t) {
            n
        } else if t == tag::ARRAY {
            header::length(self, "array count", 1)?
        } else if t == tag::NUMBERS {
            return self.out_of_line(move |de| de.numbers_of_tag(visitor));
        } else {
            return Err(unexpected(t, at, "an array"));
        };
        self.seq(n, at, visitor)
    }

    #[inline]
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        // Fast path: the inline array of exactly `len` elements (a point, a
        // pair) a tuple is written as, without matching other tags.
        if let Ok(n) = u8::try_from(len)
            && n <= tag::ARRAY_INLINE_MAX
            && self.input.get(self.pos) == Some(&(tag::ARRAY_INLINE + n))
        {
            let at = self.pos;
            self.pos += 1;
            // The tuple's own `Counted` type: the visitor's `visit_seq` is
            // then called from here alone, and LLVM inlines it. Called
            // out of line (by way of `seq`, or itself), it returned each
            // `(f32, f32)` of GeoJSON through the stack, as two 4-byte
            // stores read back as one 8-byte load: a store-forwarding stall
            // (perf: the release bench runner decoded geojson in 4.8x
            // postcard's time).
            // No count check against the input: `len` is the tuple type's
            // own, so it sizes no allocation, and an element past the end
            // of the input is an `Eof` at that element (as for a struct).
            return self.counted_seq::<V, TupleElements>(len, at, visitor, &"fewer elements in the array");
        }
        // A tuple of numbers (a `[u8; 4]`, a `[f32; 3]`): the array of
        // numbers of exactly `len` elements it is written as, read with a
        // copy of its own (`TUPLE`).
        if len >= numbers::MIN_TUPLE
            && let Some(&[t, kind, n]) = self.input.get(self.pos..).and_then(<[u8]>::first_chunk)
            && t == tag::NUMBERS
            && usize::from(n) == len
            && n < 0x80
            && numbers::element_size(kind).is_some()
        {
            let at = self.pos;
            self.pos += 3;
            return self.numbers_inline::<V, TUPLE>(kind, len, 0, at, visitor);
        }
        // A tuple that is not an inline array of its length: out of line,
        // so that the fast path of a small tuple stays a few instructions
        // and a call. Inlined, `deserialize_seq`'s code for the tuple's
        // visitor made LLVM build a `(f32, f32)` through the stack and read
        // it back with a store-forwarding stall on every pair (perf; the
        // geojson dataset).
        self.out_of_line(move |de| de::Deserializer::deserialize_seq(de, visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let t = self.next_tag()?;
        if header::is_struct_tag(t) { self.any_of_tag(t, visitor) } else { Err(unexpected(t, self.pos - 1, "a map")) }
    }

    /// The fast path: a shape referred to in the tag, whose keys were
    /// found to be this type's field list in order (the last such shape
    /// read, or one of the first few shapes), read as a counted sequence.
    /// Everything else is decided by `Deserializer::struct_plan`, out of
    /// line and not generic.
    ///
    /// The visitor's `visit_seq` is called here alone, from the one
    /// `counted_seq` below, so LLVM inlines it (fat LTO inlines a function
    /// with one caller): a struct read by key goes to `visit_map` instead,
    /// and a map is not routed through `deserialize_any`, whose arrays
    /// would be a second caller of `visit_seq`. Measured against every
    /// struct through one out-of-line function with its shape check (the
    /// product's fat-LTO build, callgrind, and the median of 21 paired
    /// rounds against postcard, four runs each): shapes-enums-nested 1,159
    /// -> 1,107 instructions a record, 1.29-1.39x -> 1.29-1.33x postcard's
    /// decode time; shapes-arrays-options 805 -> 795 instructions, time
    /// within noise; records-1m unchanged (`decode_floor`).
    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let at = self.pos;
        let field_list = fields.as_ptr() as usize;
        let known = match self.input.get(at).and_then(|&t| header::inline_shape_ref(t)) {
            Some(index) => {
                let (last_index, last_list, last_len) = self.last_in_order;
                let slot = usize::try_from(index).unwrap_or(usize::MAX);
                if index == last_index && last_list == field_list {
                    Some(last_len)
                } else if self.in_order.get(slot) == Some(&field_list) {
                    Some(self.in_order_len[slot])
                } else {
                    None
                }
            }
            None => None,
        };
        let len = if let Some(len) = known {
            self.pos = at + 1;
            len
        } else {
            match self.out_of_line(move |de| de.struct_plan(fields))? {
                StructPlan::InOrder(len) => len,
                StructPlan::DefinedInOrder(end) => {
                    return self.out_of_line(move |de| de.struct_defined_in_order(end, at, fields, visitor));
                }
                StructPlan::ByKey(how) => {
                    return self.out_of_line(move |de| de.struct_by_keys(how, at, fields, visitor));
                }
            }
        };
        // No count check against the input: `len` is the length of the
        // type's own field list, so it sizes no allocation, and a field
        // past the end of the input is an `Eof` at that field.
        //
        // The shape is the struct's own field list: its values are the
        // fields in order, which a derived visitor reads as a sequence (as
        // from postcard or bincode) without matching a key per field. (A
        // list with `#[serde(alias)]` names has more entries than the struct
        // has fields, so keys equal to it are a duplicate field, and the
        // visitor leaves values unread: an error, not a guess.)
        self.counted_seq::<V, AnyElements>(len, at, visitor, &"fewer fields in the struct")
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let at = self.pos;
        // A variant with a value is a map of one entry, its key the name.
        let has_value = self.input.get(at) == Some(&(tag::MAP_INLINE | 1));
        let key_at = at + usize::from(has_value);
        // The name a reference to an interned string in the tag (every
        // name after its first time): inline; anything else out of line.
        let interned =
            self.input.get(key_at).and_then(|&t| header::inline_str_ref(t)).and_then(|i| self.strings.get(i).copied());
        let variant = if let Some(name) = interned {
            self.pos = key_at + 1;
            name
        } else {
            self.out_of_line(move |de| de.variant_name(has_value, at))?
        };
        // No level of its own: a tuple or struct variant's content counts
        // one as any tuple or struct does, and a newtype variant's content
        // one in `newtype_variant_seed` (callgrind, product build,
        // shapes-enums-nested: 1,109 instructions a record with a level
        // here as well, 1,052 without).
        visitor.visit_enum(Enum { de: self, variant, has_value })
    }

    #[inline]
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let t = self.next_tag()?;
        if let Some(s) = self.string_of_tag(t)? {
            visitor.visit_borrowed_str(s)
        } else {
            let v = self.read_u64_payload(t, "a field name or index")?;
            visitor.visit_u64(v)
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }
}
