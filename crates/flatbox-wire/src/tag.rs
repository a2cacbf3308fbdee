//! The tag byte: what each of the 256 values means. `FORMAT.md` is the
//! normative table; this module is its code.

/// `0x00..=0x3F`: an unsigned integer 0..=63, the value in the tag.
pub(crate) const UINT_INLINE: u8 = 0x00;
/// Largest unsigned integer that fits in the tag.
pub(crate) const UINT_INLINE_MAX: u8 = 0x3F;
/// `0x40..=0x5F`: a string of 0..=31 bytes, the length in the tag.
pub(crate) const STR_INLINE: u8 = 0x40;
/// Longest string whose length fits in the tag.
pub(crate) const STR_INLINE_MAX: u8 = 31;
/// `0x60..=0x6F`: an array of 0..=15 values, the count in the tag.
pub(crate) const ARRAY_INLINE: u8 = 0x60;
/// Largest array count that fits in the tag.
pub(crate) const ARRAY_INLINE_MAX: u8 = 15;
/// `0x70..=0x7F`: a map of 0..=15 entries, the count in the tag.
pub(crate) const MAP_INLINE: u8 = 0x70;
/// Largest map count that fits in the tag.
pub(crate) const MAP_INLINE_MAX: u8 = 15;
/// `0x80..=0xBF`: a reference to interned string 0..=63.
pub(crate) const STR_REF_INLINE: u8 = 0x80;
/// Largest interned string index that fits in the tag.
pub(crate) const STR_REF_INLINE_MAX: u8 = 63;
/// `0xC0..=0xDF`: a struct of shape 0..=31: the shape's values follow.
pub(crate) const SHAPE_REF_INLINE: u8 = 0xC0;
/// Largest shape index that fits in the tag.
pub(crate) const SHAPE_REF_INLINE_MAX: u8 = 31;

/// Null: `()`, `None`, unit structs.
pub(crate) const NULL: u8 = 0xE0;
/// `false`.
pub(crate) const FALSE: u8 = 0xE1;
/// `true`.
pub(crate) const TRUE: u8 = 0xE2;
/// An unsigned integer as a varint: format version 1's form, still
/// decoded; the encoder writes [`UINT_FIXED`] instead.
pub(crate) const UINT_VARINT: u8 = 0xE3;
/// A negative integer `i64::MIN..=-1`: zigzag varint.
pub(crate) const NEG_INT: u8 = 0xE4;
/// An unsigned integer above `u64::MAX`: u128 varint.
pub(crate) const UINT128: u8 = 0xE5;
/// A negative integer below `i64::MIN`: zigzag i128 varint.
pub(crate) const NEG_INT128: u8 = 0xE6;
/// `f32`, 4 bytes little-endian.
pub(crate) const F32: u8 = 0xE7;
/// `f64`, 8 bytes little-endian.
pub(crate) const F64: u8 = 0xE8;
/// A string of 32 or more bytes: varint length, UTF-8 bytes.
pub(crate) const STR: u8 = 0xE9;
/// A byte string: varint length, bytes.
pub(crate) const BYTES: u8 = 0xEA;
/// An array of 16 or more values: varint count, values.
pub(crate) const ARRAY: u8 = 0xEB;
/// A map of 16 or more entries: varint count, key value pairs.
pub(crate) const MAP: u8 = 0xEC;
/// A string that is also added to the interning table: varint length,
/// UTF-8 bytes.
pub(crate) const STR_DEFINE: u8 = 0xED;
/// A reference to interned string 64 or above: varint index.
pub(crate) const STR_REF: u8 = 0xEE;
/// A struct that defines a new shape: varint field count, then for each
/// field a key (a string token) and its value.
pub(crate) const SHAPE_DEFINE: u8 = 0xEF;
/// A struct of shape 32 or above: varint index, then the values.
pub(crate) const SHAPE_REF: u8 = 0xF0;
/// `Some`: the next value is the content of an option whose content would
/// otherwise read as `None` (it starts with [`NULL`] or [`SOME`]).
pub(crate) const SOME: u8 = 0xF1;
/// A timestamp: zigzag varint seconds since the Unix epoch, varint
/// nanoseconds (below 10^9).
pub(crate) const TIMESTAMP: u8 = 0xF2;
/// An extension: varint type id, varint length, bytes.
pub(crate) const EXTENSION: u8 = 0xF3;
/// A packed numeric array: element kind byte, varint count, zero padding to
/// the element size, raw little-endian elements.
pub(crate) const PACKED: u8 = 0xF4;

/// `0xF5..=0xFC`: an unsigned integer 64..=`u64::MAX` in 1..=8 bytes,
/// little-endian; the byte count is the tag − `0xF4`.
pub(crate) const UINT_FIXED: u8 = 0xF5;
/// The last fixed-width unsigned integer tag: 8 bytes.
pub(crate) const UINT_FIXED_LAST: u8 = 0xFC;

/// An array of numbers of one kind without a tag each (format version
/// 3): element kind byte, varint count, the elements; or of rows of them
/// (version 4): the kind byte with `numbers::ROWS` set, varint count,
/// varint width, the elements.
pub(crate) const NUMBERS: u8 = 0xFD;

/// The first reserved tag; `0xFE..=0xFF` are errors to decode.
pub(crate) const FIRST_RESERVED: u8 = 0xFE;

/// The byte count of a fixed-width unsigned integer tag (1..=8), or 0 for
/// any other tag: one subtraction and one compare, for the fast paths.
#[inline]
pub(crate) const fn uint_fixed_len(t: u8) -> usize {
    let n = t.wrapping_sub(UINT_FIXED - 1);
    if n >= 1 && n <= 8 { n as usize } else { 0 }
}

/// The tag and byte count of the fixed-width form of `v` (at least 64).
#[inline]
pub(crate) const fn uint_fixed_of(v: u64) -> (u8, usize) {
    // 1..=8 bytes: the significant bits rounded up to whole bytes.
    let n = (71 - v.leading_zeros() as usize) / 8;
    #[allow(clippy::cast_possible_truncation, reason = "n <= 8")]
    (UINT_FIXED - 1 + n as u8, n)
}

/// A short human name for what a tag starts, for errors and `inspect`.
pub(crate) fn describe(tag: u8) -> &'static str {
    match tag {
        0x00..=0x3F | UINT_VARINT | UINT_FIXED..=UINT_FIXED_LAST => "unsigned integer",
        0x40..=0x5F | STR => "string",
        0x60..=0x6F | ARRAY => "array",
        0x70..=0x7F | MAP => "map",
        0x80..=0xBF | STR_REF => "string reference",
        0xC0..=0xDF | SHAPE_REF => "struct (shape reference)",
        NULL => "null",
        FALSE | TRUE => "bool",
        NEG_INT => "negative integer",
        UINT128 => "128-bit unsigned integer",
        NEG_INT128 => "128-bit negative integer",
        F32 => "f32",
        F64 => "f64",
        BYTES => "bytes",
        STR_DEFINE => "string definition",
        SHAPE_DEFINE => "struct (shape definition)",
        SOME => "some",
        TIMESTAMP => "timestamp",
        EXTENSION => "extension",
        PACKED => "packed array",
        NUMBERS => "array of numbers",
        FIRST_RESERVED..=0xFF => "reserved tag",
    }
}
