//! The tag grammar's one tokenizer: a [`Header`] is what a tag and the
//! varints and fixed-size bytes after it say, read from any [`Source`].
//!
//! The decoder ([`crate::de`]), the stream reader ([`crate::read`]), the
//! disassembler ([`crate::inspect`]) and the encoder's own skip
//! ([`crate::skip`]) all read tags through [`header`], so each tag range of
//! `FORMAT.md`'s table is decoded here and nowhere else, and every reader
//! checks a declared length, a timestamp's nanoseconds or a packed array's
//! padding the same way, with the same error at the same offset (the
//! `wire_differential` fuzz target holds them to it).
//!
//! A header stops where its content starts: a string's bytes, the values
//! of an array, map or struct, and a packed array's elements follow it and
//! are the consumer's to read (as in ciborium-ll).

use crate::error::{Error, ErrorKind, Result};
use crate::{magic, numbers, packed, tag, varint};

/// One token of the tag grammar, without its content.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Header {
    /// An unsigned integer: in the tag (`0x00..=0x3F`), in the 1 to 8
    /// bytes after it ([`tag::UINT_FIXED`]), or a varint
    /// ([`tag::UINT_VARINT`], format version 1).
    Uint(u64),
    /// A negative integer ([`tag::NEG_INT`]).
    NegInt(i64),
    /// An unsigned integer above `u64::MAX` ([`tag::UINT128`]).
    Uint128(u128),
    /// A negative integer below `i64::MIN` ([`tag::NEG_INT128`]).
    NegInt128(i128),
    /// An `f32`.
    F32(f32),
    /// An `f64`.
    F64(f64),
    /// Null.
    Null,
    /// `false` or `true`.
    Bool(bool),
    /// `SOME`: one value follows.
    Some,
    /// A string literal: this many bytes of UTF-8 follow. The length is in
    /// the tag (`0x40..=0x5F`) or a varint ([`tag::STR`]); only the varint
    /// is checked against the input, an inline length is read as content.
    Str(usize),
    /// A string definition: this many bytes of UTF-8 follow, and the
    /// string joins the interning table.
    StrDefine(usize),
    /// A reference to interned string `n` (in the tag or a varint).
    StrRef(u64),
    /// A byte string: this many bytes follow.
    Bytes(usize),
    /// An array: this many values follow.
    Array(usize),
    /// A map: this many key and value pairs follow.
    Map(usize),
    /// A struct defining a new shape: this many key and value pairs follow.
    ShapeDefine(usize),
    /// A struct of shape `n`: the shape's values follow (their count is
    /// the consumer's, who holds the shape table).
    ShapeRef(u64),
    /// A timestamp, nanoseconds checked to be below 10^9.
    Timestamp {
        /// Seconds since the Unix epoch.
        secs: i64,
        /// Nanoseconds.
        nanos: u32,
    },
    /// An extension: `len` bytes of data follow.
    Extension {
        /// The extension's type id.
        type_id: u64,
        /// How many bytes of data follow.
        len: usize,
    },
    /// A packed numeric array: `count` elements of `size` bytes follow (the
    /// padding before them is read and checked to be zeros).
    Packed {
        /// The element kind byte.
        kind: u8,
        /// Bytes per element.
        size: usize,
        /// Bytes of padding read before the elements.
        padding: usize,
        /// How many elements follow.
        count: usize,
    },
    /// An array of numbers: `count` elements of `kind` follow (`count`
    /// rows of `width` elements each when `width` is not 0), each of
    /// `size` bytes, or each a varint when `size` is 0 (see
    /// [`Header::varints`]).
    Numbers {
        /// The element kind byte (see [`crate::numbers`]), without the
        /// rows flag.
        kind: u8,
        /// Bytes per element; 0 for the varint kinds.
        size: usize,
        /// How many elements (or rows) follow.
        count: usize,
        /// Elements per row; 0 when the array holds numbers, not rows.
        width: usize,
    },
}

impl Header {
    /// The bytes of content that follow the header, and what they are (for
    /// errors): a string's or a byte string's bytes, an extension's data,
    /// a packed array's elements; none for the rest.
    pub(crate) fn content(&self) -> (usize, &'static str) {
        match *self {
            Header::Str(n) | Header::StrDefine(n) => (n, "a string"),
            Header::Bytes(n) => (n, "bytes"),
            Header::Extension { len, .. } => (len, "extension data"),
            Header::Packed { size, count, .. } => (count.saturating_mul(size), "packed data"),
            Header::Numbers { size, count, width, .. } => {
                (count.saturating_mul(width.max(1)).saturating_mul(size), "array elements")
            }
            _ => (0, ""),
        }
    }

    /// How many varints follow the header as its content (an array of
    /// varint numbers' elements, each to be read with the strict varint
    /// reader); 0 for every other token.
    pub(crate) fn varints(&self) -> usize {
        match *self {
            Header::Numbers { size: 0, count, width, .. } => count.saturating_mul(width.max(1)),
            _ => 0,
        }
    }

    /// How many values the token holds: an array's elements, a map's or a
    /// shape definition's keys and values, `SOME`'s content; none for a
    /// scalar or a string. `None` for a shape reference, whose count is in
    /// the shape table.
    pub(crate) fn values(&self) -> Option<usize> {
        match *self {
            Header::Array(n) => Some(n),
            Header::Map(n) | Header::ShapeDefine(n) => Some(n.saturating_mul(2)),
            Header::Some => Some(1),
            Header::ShapeRef(_) => None,
            _ => Some(0),
        }
    }
}

/// Where tokens are read from: a slice, a stream, or the encoder's output.
pub(crate) trait Source {
    /// The offset of the next byte, as errors report it.
    fn offset(&self) -> usize;

    /// How many bytes may still follow: declared counts and lengths are
    /// checked against it (a stream answers with what its limit allows).
    fn remaining(&self) -> usize;

    /// The next `n` bytes, or [`ErrorKind::Eof`] naming `what`.
    fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8]>;

    /// The next byte's offset from where packed data aligns: a packed
    /// array's padding makes it a multiple of the element size.
    fn aligned_offset(&self) -> usize {
        self.offset()
    }

    /// The bytes not yet read, when they are all at hand (a slice); `None`
    /// for a stream.
    fn unread(&self) -> Option<&[u8]> {
        None
    }

    /// A varint of at most 10 bytes.
    fn varint_u64(&mut self) -> Result<u64> {
        varint_with(self, varint::MAX_LEN_U64, varint::read_u64)
    }

    /// A varint of at most 19 bytes.
    fn varint_u128(&mut self) -> Result<u128> {
        varint_with(self, varint::MAX_LEN_U128, varint::read_u128)
    }
}

/// One of the `varint::read_*` functions.
type ReadVarint<T> = fn(&[u8]) -> std::result::Result<(T, usize), varint::VarintError>;

/// A varint of at most `max_len` bytes, decoded by `read` (which says how
/// a bad one is bad): from the unread bytes when the source has them at
/// hand, else a byte at a time (a stream must take no byte past the value).
fn varint_with<S: Source + ?Sized, T>(src: &mut S, max_len: usize, read: ReadVarint<T>) -> Result<T> {
    let at = src.offset();
    let bad = |source| Error::from(ErrorKind::Varint { offset: at, source });
    if let Some(unread) = src.unread() {
        let (value, len) = read(unread).map_err(bad)?;
        src.take(len, "a varint")?;
        return Ok(value);
    }
    let mut bytes = [0_u8; varint::MAX_LEN_U128];
    let mut len = 0;
    while len < max_len {
        let b = src.take(1, "a varint")?[0];
        bytes[len] = b;
        len += 1;
        if b < 0x80 {
            break;
        }
    }
    read(&bytes[..len]).map(|(value, _)| value).map_err(bad)
}

/// Reads the next token's header.
#[inline]
pub(crate) fn header<S: Source + ?Sized>(src: &mut S) -> Result<Header> {
    let at = src.offset();
    let t = src.take(1, "a tag")?[0];
    header_after(src, t, at)
}

/// Reads the rest of a header whose tag `t`, at offset `at`, is already
/// consumed.
///
/// # Errors
///
/// [`ErrorKind::UnknownTag`] for a reserved tag; [`ErrorKind::Varint`] for
/// a bad varint; [`ErrorKind::LengthExceedsInput`] for a count or length
/// the rest of the input cannot hold (at the varint, or at the tag for a
/// count in the tag); [`ErrorKind::InvalidValue`] for a timestamp's
/// nanoseconds, or a packed array's element kind or padding;
/// [`ErrorKind::Eof`] when the input ends inside the header.
#[allow(clippy::inline_always, reason = "measured: called, it cost the decoder up to 29 % (callgrind)")]
#[inline(always)]
pub(crate) fn header_after<S: Source + ?Sized>(src: &mut S, t: u8, at: usize) -> Result<Header> {
    Ok(match t {
        tag::UINT_INLINE..=tag::UINT_INLINE_MAX => Header::Uint(u64::from(t)),
        ARRAY_INLINE_FIRST..=ARRAY_INLINE_LAST => {
            Header::Array(check_count(src, at, "array count", u64::from(t - tag::ARRAY_INLINE), 1)?)
        }
        MAP_INLINE_FIRST..=MAP_INLINE_LAST => {
            Header::Map(check_count(src, at, "map count", u64::from(t - tag::MAP_INLINE), 2)?)
        }
        SHAPE_REF_INLINE_FIRST..=SHAPE_REF_INLINE_LAST => Header::ShapeRef(u64::from(t - tag::SHAPE_REF_INLINE)),
        tag::NULL => Header::Null,
        tag::FALSE => Header::Bool(false),
        tag::TRUE => Header::Bool(true),
        tag::UINT_VARINT | tag::UINT_FIXED..=tag::UINT_FIXED_LAST => Header::Uint(uint_after(src, t)?),
        tag::NEG_INT => Header::NegInt(varint::unzigzag_i64(src.varint_u64()?)),
        tag::UINT128 => Header::Uint128(src.varint_u128()?),
        tag::NEG_INT128 => Header::NegInt128(varint::unzigzag_i128(src.varint_u128()?)),
        tag::F32 => Header::F32(f32::from_le_bytes(fixed(src, "an f32")?)),
        tag::F64 => Header::F64(f64::from_le_bytes(fixed(src, "an f64")?)),
        tag::BYTES => Header::Bytes(length(src, "bytes length", 1)?),
        tag::ARRAY => Header::Array(length(src, "array count", 1)?),
        tag::MAP => Header::Map(length(src, "map count", 2)?),
        // Each (key, value) takes at least two bytes.
        tag::SHAPE_DEFINE => Header::ShapeDefine(length(src, "struct field count", 2)?),
        tag::SHAPE_REF => Header::ShapeRef(src.varint_u64()?),
        tag::SOME => Header::Some,
        tag::TIMESTAMP => timestamp(src, at)?,
        tag::EXTENSION => {
            let type_id = src.varint_u64()?;
            Header::Extension { type_id, len: length(src, "extension length", 1)? }
        }
        tag::PACKED => packed_header(src, at)?,
        tag::NUMBERS => numbers_header(src, at)?,
        tag::FIRST_RESERVED..=u8::MAX => return Err(ErrorKind::UnknownTag { offset: at, tag: t }.into()),
        // The string tags, the only ones left.
        _ => return string_after(src, t)?.ok_or_else(|| ErrorKind::UnknownTag { offset: at, tag: t }.into()),
    })
}

/// [`header_after`] for the string tags alone, for a consumer that wants a
/// string: `None` (nothing read) when `t` does not start one.
#[allow(clippy::inline_always, reason = "measured: called, it cost the decoder 3 % (callgrind, shapes-enums-nested)")]
#[inline(always)]
pub(crate) fn string_after<S: Source + ?Sized>(src: &mut S, t: u8) -> Result<Option<Header>> {
    Ok(Some(match t {
        STR_INLINE_FIRST..=STR_INLINE_LAST => Header::Str(usize::from(t - tag::STR_INLINE)),
        STR_REF_INLINE_FIRST..=STR_REF_INLINE_LAST => Header::StrRef(u64::from(t - tag::STR_REF_INLINE)),
        tag::STR => Header::Str(length(src, "string length", 1)?),
        tag::STR_DEFINE => Header::StrDefine(length(src, "string length", 1)?),
        tag::STR_REF => Header::StrRef(src.varint_u64()?),
        _ => return Ok(None),
    }))
}

/// Whether `t` carries its value, length, count or index in the tag
/// itself (`0x00..=0xDF`), with no varint after it.
#[inline]
pub(crate) const fn is_inline_tag(t: u8) -> bool {
    t < tag::NULL
}

/// Whether `t` starts a string token: a literal, a definition or a
/// reference.
#[inline]
pub(crate) const fn is_string_tag(t: u8) -> bool {
    matches!(
        t,
        STR_INLINE_FIRST..=STR_INLINE_LAST
            | STR_REF_INLINE_FIRST..=STR_REF_INLINE_LAST
            | tag::STR
            | tag::STR_DEFINE
            | tag::STR_REF
    )
}

/// Whether `t` can start a struct: a map, a shape definition or a shape
/// reference.
#[inline]
pub(crate) const fn is_struct_tag(t: u8) -> bool {
    matches!(
        t,
        MAP_INLINE_FIRST..=MAP_INLINE_LAST
            | SHAPE_REF_INLINE_FIRST..=SHAPE_REF_INLINE_LAST
            | tag::MAP
            | tag::SHAPE_DEFINE
            | tag::SHAPE_REF
    )
}

/// Whether `t` starts an array (counted in the tag or by a varint).
#[inline]
pub(crate) const fn is_array_tag(t: u8) -> bool {
    matches!(t, ARRAY_INLINE_FIRST..=ARRAY_INLINE_LAST | tag::ARRAY)
}

/// For each tag, the bytes of a token whose whole length the tag gives
/// (the tag included), with no values after it: an integer in the tag or
/// in 1 to 8 bytes after it, a string of up to 31 bytes, a reference to an
/// interned string in the tag, null, `false`, `true`, an `f32`, an `f64`,
/// an empty array or map. 0 for every other tag, whose length the tokenizer
/// ([`header`]) reads. One load for a look-ahead that steps over a value
/// (see `Deserializer::flat_fields_in_order`).
pub(crate) static FIXED_LEN: [u8; 256] = {
    let mut table = [0_u8; 256];
    let mut t = 0_usize;
    while t < 256 {
        #[allow(clippy::cast_possible_truncation, reason = "t < 256")]
        let tag = t as u8;
        table[t] = match tag {
            tag::UINT_INLINE..=tag::UINT_INLINE_MAX
            | STR_REF_INLINE_FIRST..=STR_REF_INLINE_LAST
            | tag::NULL
            | tag::FALSE
            | tag::TRUE
            | tag::ARRAY_INLINE
            | tag::MAP_INLINE => 1,
            STR_INLINE_FIRST..=STR_INLINE_LAST => 1 + tag - tag::STR_INLINE,
            tag::F32 => 5,
            tag::F64 => 9,
            #[allow(clippy::cast_possible_truncation, reason = "at most 8")]
            tag::UINT_FIXED..=tag::UINT_FIXED_LAST => 1 + tag::uint_fixed_len(tag) as u8,
            _ => 0,
        };
        t += 1;
    }
    table
};

/// The shape index of a shape reference in the tag (`0xC0..=0xDF`).
#[inline]
pub(crate) fn inline_shape_ref(t: u8) -> Option<u64> {
    (SHAPE_REF_INLINE_FIRST..=SHAPE_REF_INLINE_LAST).contains(&t).then(|| u64::from(t - tag::SHAPE_REF_INLINE))
}

/// The count of an array counted in the tag (`0x60..=0x6F`).
#[inline]
pub(crate) fn inline_array(t: u8) -> Option<usize> {
    (ARRAY_INLINE_FIRST..=ARRAY_INLINE_LAST).contains(&t).then(|| usize::from(t - tag::ARRAY_INLINE))
}

/// The length of a string whose length is in the tag (`0x40..=0x5F`).
#[inline]
pub(crate) fn inline_str(t: u8) -> Option<usize> {
    (STR_INLINE_FIRST..=STR_INLINE_LAST).contains(&t).then(|| usize::from(t - tag::STR_INLINE))
}

/// The index of a reference in the tag to an interned string
/// (`0x80..=0xBF`).
#[inline]
pub(crate) fn inline_str_ref(t: u8) -> Option<usize> {
    (STR_REF_INLINE_FIRST..=STR_REF_INLINE_LAST).contains(&t).then(|| usize::from(t - tag::STR_REF_INLINE))
}

const STR_INLINE_FIRST: u8 = tag::STR_INLINE;
const STR_INLINE_LAST: u8 = tag::STR_INLINE + tag::STR_INLINE_MAX;
const ARRAY_INLINE_FIRST: u8 = tag::ARRAY_INLINE;
const ARRAY_INLINE_LAST: u8 = tag::ARRAY_INLINE + tag::ARRAY_INLINE_MAX;
const MAP_INLINE_FIRST: u8 = tag::MAP_INLINE;
const MAP_INLINE_LAST: u8 = tag::MAP_INLINE + tag::MAP_INLINE_MAX;
const STR_REF_INLINE_FIRST: u8 = tag::STR_REF_INLINE;
const STR_REF_INLINE_LAST: u8 = tag::STR_REF_INLINE + tag::STR_REF_INLINE_MAX;
const SHAPE_REF_INLINE_FIRST: u8 = tag::SHAPE_REF_INLINE;
const SHAPE_REF_INLINE_LAST: u8 = tag::SHAPE_REF_INLINE + tag::SHAPE_REF_INLINE_MAX;

/// `N` bytes of a fixed-size payload.
#[inline]
pub(crate) fn fixed<const N: usize, S: Source + ?Sized>(src: &mut S, what: &'static str) -> Result<[u8; N]> {
    let mut out = [0; N];
    for (o, b) in out.iter_mut().zip(src.take(N, what)?) {
        *o = *b;
    }
    Ok(out)
}

/// The value after an unsigned integer tag `t` that does not hold it
/// itself: [`tag::UINT_VARINT`]'s varint, or the 1 to 8 little-endian bytes
/// of [`tag::UINT_FIXED`]..=[`tag::UINT_FIXED_LAST`]. (The decoder's fast
/// path reads the common widths itself; every reader's other paths come
/// here.)
#[inline]
pub(crate) fn uint_after<S: Source + ?Sized>(src: &mut S, t: u8) -> Result<u64> {
    if t == tag::UINT_VARINT {
        return src.varint_u64();
    }
    debug_assert!(tag::uint_fixed_len(t) > 0, "tag 0x{t:02X} is not a fixed-width unsigned integer");
    // At most 8 bytes, gathered with no call to `memcpy` (a loop of byte
    // copies compiled to one).
    Ok(crate::strings::short_word(src.take(tag::uint_fixed_len(t), "an unsigned integer")?))
}

/// A varint length or count, checked against what may follow: each of its
/// items takes at least `min_item_bytes`.
#[inline]
pub(crate) fn length<S: Source + ?Sized>(src: &mut S, what: &'static str, min_item_bytes: usize) -> Result<usize> {
    let at = src.offset();
    let declared = src.varint_u64()?;
    check_count(src, at, what, declared, min_item_bytes)
}

/// `declared` items of at least `min_item_bytes` each must fit in what
/// remains; the error names the declaration at `at`.
#[inline]
pub(crate) fn check_count<S: Source + ?Sized>(
    src: &S,
    at: usize,
    what: &'static str,
    declared: u64,
    min_item_bytes: usize,
) -> Result<usize> {
    let remaining = src.remaining();
    match usize::try_from(declared) {
        Ok(n) if n.saturating_mul(min_item_bytes) <= remaining => Ok(n),
        _ => Err(count_error(at, what, declared, remaining)),
    }
}

#[cold]
fn count_error(offset: usize, what: &'static str, declared: u64, remaining: usize) -> Error {
    ErrorKind::LengthExceedsInput { offset, what, declared, remaining }.into()
}

/// A timestamp's seconds and nanoseconds (its tag at `at`).
fn timestamp<S: Source + ?Sized>(src: &mut S, at: usize) -> Result<Header> {
    let secs = varint::unzigzag_i64(src.varint_u64()?);
    let nanos_at = src.offset();
    let nanos = src.varint_u64()?;
    match u32::try_from(nanos) {
        Ok(nanos) if nanos < 1_000_000_000 => Ok(Header::Timestamp { secs, nanos }),
        _ => Err(ErrorKind::InvalidValue {
            offset: nanos_at,
            what: "timestamp",
            reason: format!("nanoseconds {nanos} not below 10^9 (timestamp at byte {at})"),
        }
        .into()),
    }
}

/// An array of numbers' kind and count, and its rows' width (its tag at
/// `at`): the count of elements is checked against the input at the least
/// each element takes (one byte for a varint). Out of line: once an
/// array, and inlined it made the tokenizer that every value goes through
/// larger.
#[inline(never)]
fn numbers_header<S: Source + ?Sized>(src: &mut S, at: usize) -> Result<Header> {
    let byte = src.take(1, "an element kind")?[0];
    let kind = byte & !numbers::ROWS;
    let size = numbers::element_size(kind).ok_or_else(|| ErrorKind::InvalidValue {
        offset: at + 1,
        what: "array of numbers",
        reason: format!("unknown element kind 0x{byte:02X}"),
    })?;
    if byte & numbers::ROWS == 0 {
        let count = length(src, "array count", size.max(1))?;
        return Ok(Header::Numbers { kind, size, count, width: 0 });
    }
    let count_at = src.offset();
    let count = src.varint_u64()?;
    let width_at = src.offset();
    let width = src.varint_u64()?;
    if width == 0 {
        return Err(ErrorKind::InvalidValue {
            offset: width_at,
            what: "array of numbers",
            reason: "rows of no elements".into(),
        }
        .into());
    }
    // The elements, not the rows, are what the input must hold.
    let elements = count.saturating_mul(width);
    let remaining = src.remaining();
    check_count(src, count_at, "array elements (rows x width)", elements, size.max(1))?;
    match (usize::try_from(count), usize::try_from(width)) {
        (Ok(count), Ok(width)) => Ok(Header::Numbers { kind, size, count, width }),
        _ => Err(count_error(width_at, "array row width", width, remaining)),
    }
}

/// A packed array's kind, count and padding (its tag at `at`).
fn packed_header<S: Source + ?Sized>(src: &mut S, at: usize) -> Result<Header> {
    let kind = src.take(1, "a packed element kind")?[0];
    let size = magic::packed_size(kind).ok_or_else(|| ErrorKind::InvalidValue {
        offset: at + 1,
        what: "packed array",
        reason: format!("unknown element kind 0x{kind:02X}"),
    })?;
    let count_at = src.offset();
    let count = src.varint_u64()?;
    let padding = (size - src.aligned_offset() % size) % size;
    let count = packed::checked_count(count, size, padding, src.remaining(), count_at)?;
    let pad_at = src.offset();
    packed::check_padding(src.take(padding, "packed padding")?, pad_at)?;
    Ok(Header::Packed { kind, size, padding, count })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes at hand, as the decoder and the disassembler have them.
    struct Slice<'a> {
        bytes: &'a [u8],
        pos: usize,
    }

    impl Source for Slice<'_> {
        fn offset(&self) -> usize {
            self.pos
        }

        fn remaining(&self) -> usize {
            self.bytes.len() - self.pos
        }

        fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8]> {
            let bytes = self.bytes[self.pos..].get(..n).ok_or(ErrorKind::Eof { offset: self.pos, needed: n, what })?;
            self.pos += n;
            Ok(bytes)
        }

        fn unread(&self) -> Option<&[u8]> {
            Some(&self.bytes[self.pos..])
        }
    }

    /// The same bytes a byte at a time, as a stream gives them.
    struct Stream<'a>(Slice<'a>);

    impl Source for Stream<'_> {
        fn offset(&self) -> usize {
            self.0.pos
        }

        fn remaining(&self) -> usize {
            usize::MAX
        }

        fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8]> {
            self.0.take(n, what)
        }
    }

    fn read(bytes: &[u8]) -> Result<(Header, usize)> {
        let mut src = Slice { bytes, pos: 0 };
        let h = header(&mut src)?;
        Ok((h, src.pos))
    }

    /// `FIXED_LEN` is, for every tag it gives a length, what the tokenizer
    /// reads there (the header and its content) of a token holding no
    /// values; and it gives a length for every such token whose length
    /// does not depend on the bytes after the tag.
    #[test]
    fn fixed_len_is_the_tokenizers_length_of_a_token_without_values() {
        for t in 0..=u8::MAX {
            // Two different followers (a varint of one byte, and one of
            // more, or none): a length that depends on them differs.
            let lengths: Vec<Option<usize>> = [0x01_u8, 0x81]
                .iter()
                .map(|&fill| {
                    let mut bytes = vec![t];
                    bytes.resize(64, fill);
                    let (h, at) = read(&bytes).ok()?;
                    (h.values() == Some(0) && h.varints() == 0).then(|| at + h.content().0)
                })
                .collect();
            let fixed = usize::from(FIXED_LEN[usize::from(t)]);
            match (lengths[0], lengths[1]) {
                (Some(a), Some(b)) if a == b => assert_eq!(fixed, a, "tag {t:#04x}"),
                _ => assert_eq!(fixed, 0, "tag {t:#04x}"),
            }
        }
    }

    /// Each tag byte means what `tag::describe` (FORMAT.md's table) says.
    #[test]
    fn every_tag_byte_reads_as_the_table_says() {
        for t in 0..=u8::MAX {
            // Room for any header: a kind byte 0x01 (u8) where a packed
            // array wants one, then varints of 1.
            let mut bytes = vec![t, 0x01];
            bytes.resize(64, 0x01);
            let described = tag::describe(t);
            let got = match read(&bytes) {
                Ok((h, _)) => match h {
                    Header::Uint(_) => "unsigned integer",
                    Header::NegInt(_) => "negative integer",
                    Header::Uint128(_) => "128-bit unsigned integer",
                    Header::NegInt128(_) => "128-bit negative integer",
                    Header::F32(_) => "f32",
                    Header::F64(_) => "f64",
                    Header::Null => "null",
                    Header::Bool(_) => "bool",
                    Header::Some => "some",
                    Header::Str(_) => "string",
                    Header::StrDefine(_) => "string definition",
                    Header::StrRef(_) => "string reference",
                    Header::Bytes(_) => "bytes",
                    Header::Array(_) => "array",
                    Header::Map(_) => "map",
                    Header::ShapeDefine(_) => "struct (shape definition)",
                    Header::ShapeRef(_) => "struct (shape reference)",
                    Header::Timestamp { .. } => "timestamp",
                    Header::Extension { .. } => "extension",
                    Header::Packed { .. } => "packed array",
                    Header::Numbers { .. } => "array of numbers",
                },
                Err(e) if matches!(e.kind(), ErrorKind::UnknownTag { offset: 0, .. }) => "reserved tag",
                Err(e) => panic!("tag 0x{t:02X}: {e}"),
            };
            assert_eq!(got, described, "tag 0x{t:02X}");
            assert_eq!(
                is_string_tag(t),
                described.starts_with("string") && described != "string definition" || t == tag::STR_DEFINE,
                "tag 0x{t:02X}"
            );
            assert_eq!(is_array_tag(t), described == "array", "tag 0x{t:02X}");
            // An inline tag is followed by no varint: its header is one byte.
            if is_inline_tag(t) {
                assert_eq!(read(&bytes).map(|(_, len)| len).ok(), Some(1), "tag 0x{t:02X}");
            }
            assert_eq!(is_struct_tag(t), described == "map" || described.starts_with("struct"), "tag 0x{t:02X}");
        }
    }

    #[test]
    fn values_in_the_tag_and_after_it() {
        assert_eq!(read(&[0x2A]).unwrap(), (Header::Uint(42), 1));
        assert_eq!(read(&[tag::UINT_FIXED + 1, 0x2C, 0x01]).unwrap(), (Header::Uint(300), 3));
        assert_eq!(read(&[tag::UINT_FIXED, 0x40]).unwrap(), (Header::Uint(64), 2));
        let max = [0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        assert_eq!(read(&max).unwrap(), (Header::Uint(u64::MAX), 9));
        assert_eq!(read(&[tag::NEG_INT, 0x03]).unwrap(), (Header::NegInt(-2), 2));
        assert_eq!(read(&[0x43, b'a', b'b', b'c']).unwrap(), (Header::Str(3), 1));
        assert_eq!(read(&[0x62, 1, 2]).unwrap(), (Header::Array(2), 1));
        assert_eq!(read(&[0xC5]).unwrap(), (Header::ShapeRef(5), 1));
        assert_eq!(read(&[0x85]).unwrap(), (Header::StrRef(5), 1));
        assert_eq!(read(&[tag::F32, 0, 0, 0x80, 0x3F]).unwrap(), (Header::F32(1.0), 5));
        assert_eq!(read(&[tag::TIMESTAMP, 0x02, 0x05]).unwrap(), (Header::Timestamp { secs: 1, nanos: 5 }, 3));
        // A packed f64 array at offset 0: tag, kind, count, then 5 bytes of
        // padding so that the data starts at byte 8.
        let mut packed = vec![tag::PACKED, 0x0A, 0x01, 0, 0, 0, 0, 0];
        packed.extend_from_slice(&1.5_f64.to_le_bytes());
        assert_eq!(read(&packed).unwrap(), (Header::Packed { kind: 0x0A, size: 8, padding: 5, count: 1 }, 8));
        // What follows each header: content bytes, then values.
        assert_eq!(Header::Packed { kind: 0x0A, size: 8, padding: 5, count: 3 }.content(), (24, "packed data"));
        assert_eq!(Header::Str(3).content(), (3, "a string"));
        assert_eq!(Header::Uint(3).content().0, 0);
        assert_eq!(Header::Array(3).values(), Some(3));
        assert_eq!(Header::Map(3).values(), Some(6));
        assert_eq!(Header::ShapeDefine(2).values(), Some(4));
        assert_eq!(Header::Some.values(), Some(1));
        assert_eq!(Header::Str(3).values(), Some(0));
        assert_eq!(Header::ShapeRef(0).values(), None);
    }

    #[test]
    fn declared_counts_are_checked_where_they_are_declared() {
        // In the tag: the error names the tag.
        let e = read(&[0x63, 0x01]).unwrap_err();
        assert!(
            matches!(
                e.kind(),
                ErrorKind::LengthExceedsInput { offset: 0, what: "array count", declared: 3, remaining: 1 }
            ),
            "{e:?}"
        );
        // In a varint: the error names the varint.
        let e = read(&[tag::MAP, 0x10, 0x00]).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::LengthExceedsInput { offset: 1, what: "map count", declared: 16, .. }),
            "{e:?}"
        );
        let e = read(&[tag::TIMESTAMP, 0x00, 0x80, 0x94, 0xEB, 0xDC, 0x03]).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::InvalidValue { offset: 2, what: "timestamp", .. }), "{e:?}");
        let e = read(&[tag::PACKED, 0x0A, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::InvalidValue { offset: 3, .. }), "{e:?}");
        // A varint cut short: a slice knows it is truncated; a stream only
        // knows that it ended.
        let e = read(&[tag::NEG_INT, 0x80]).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Varint { offset: 1, source: varint::VarintError::Truncated }), "{e:?}");
        let mut stream = Stream(Slice { bytes: &[tag::NEG_INT, 0x80], pos: 0 });
        let e = header(&mut stream).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Eof { offset: 2, .. }), "{e:?}");
        // A fixed-width integer cut short, from a slice and from a stream:
        // where its bytes start, and how many are missing.
        let e = read(&[tag::UINT_FIXED + 3, 1, 2]).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Eof { offset: 1, what: "an unsigned integer", .. }), "{e:?}");
        let mut stream = Stream(Slice { bytes: &[tag::UINT_FIXED + 3, 1, 2], pos: 0 });
        let e = header(&mut stream).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Eof { offset: 1, what: "an unsigned integer", .. }), "{e:?}");
    }

    #[test]
    fn a_stream_reads_the_headers_a_slice_reads() {
        let bytes = crate::to_vec(&(
            300_u32,
            -5_i64,
            u128::MAX,
            "a string longer than thirty-one bytes",
            vec![1.5_f64; 20],
            crate::Packed(vec![1_u16, 2, 3]),
        ))
        .unwrap();
        let mut slice = Slice { bytes: &bytes, pos: 0 };
        let mut stream = Stream(Slice { bytes: &bytes, pos: 0 });
        while slice.pos < bytes.len() {
            let h = header(&mut slice).unwrap();
            assert_eq!(header(&mut stream).unwrap(), h);
            assert_eq!(stream.0.pos, slice.pos);
            let (content, _) = h.content();
            slice.pos += content;
            stream.0.pos += content;
        }
    }
}
