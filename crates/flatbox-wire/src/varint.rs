//! LEB128 varints, and zigzag for signed integers.
//!
//! A varint stores an unsigned integer seven bits at a time, least
//! significant group first; the high bit of each byte says whether another
//! byte follows. Small numbers take one byte: 1 is `01`, 127 is `7F`, 128 is
//! `80 01`, 16384 is `80 80 01` (the tutorial's protobuf table). Zigzag maps
//! signed to unsigned so that small magnitudes stay small: 0, -1, 1, -2 ...
//! become 0, 1, 2, 3 ...
//!
//! Decoding is strict: an encoding longer than needed (`80 00` for 0) is
//! [`VarintError::Overlong`], and one whose value does not fit the type is
//! [`VarintError::Overflow`], so every value has exactly one encoding.
//!
//! # Examples
//!
//! ```
//! use flatbox_wire::varint;
//!
//! let mut buf = Vec::new();
//! varint::write_u64(&mut buf, 300);
//! assert_eq!(buf, [0xAC, 0x02]);
//! assert_eq!(varint::read_u64(&buf), Ok((300, 2)));
//! assert_eq!(varint::encoded_len_u64(300), 2);
//!
//! assert_eq!(varint::zigzag_i64(-1), 1);
//! assert_eq!(varint::unzigzag_i64(3), -2);
//!
//! assert_eq!(varint::read_u64(&[0x80, 0x00]), Err(varint::VarintError::Overlong));
//! ```

/// The longest varint of a `u16`: 3 bytes.
pub const MAX_LEN_U16: usize = 3;
/// The longest varint of a `u32`: 5 bytes.
pub const MAX_LEN_U32: usize = 5;
/// The longest varint of a `u64`: 10 bytes.
pub const MAX_LEN_U64: usize = 10;
/// The longest varint of a `u128`: 19 bytes.
pub const MAX_LEN_U128: usize = 19;

/// Why a varint could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VarintError {
    /// The input ended before the last byte (one with the high bit clear).
    #[error("varint is truncated")]
    Truncated,
    /// The value does not fit the integer type being read.
    #[error("varint overflows the integer type")]
    Overflow,
    /// The encoding has more bytes than its value needs (a trailing `00`
    /// group), which would give the value a second encoding.
    #[error("varint is overlong (not in canonical form)")]
    Overlong,
}

macro_rules! varint_impl {
    ($t:ty, $max:expr, $(#[$write_attr:meta])* $write_vis:vis $write:ident, $encode:ident, $read_vis:vis $read:ident, $len:ident) => {
        #[doc = concat!("Appends the varint of a `", stringify!($t), "` to `out`.")]
        #[inline]
        $(#[$write_attr])*
        $write_vis fn $write(out: &mut Vec<u8>, mut value: $t) {
            // Byte by byte after one reservation: for these few bytes a
            // push loop beats copying a scratch buffer with memcpy.
            if value < 0x80 {
                #[allow(clippy::cast_possible_truncation, reason = "value < 0x80 here")]
                out.push(value as u8);
                return;
            }
            out.reserve($max);
            while value >= 0x80 {
                #[allow(clippy::cast_possible_truncation, reason = "keeps the low 7 bits on purpose")]
                out.push((value as u8) | 0x80);
                value >>= 7;
            }
            #[allow(clippy::cast_possible_truncation, reason = "value < 0x80 here")]
            out.push(value as u8);
        }

        #[doc = concat!("Writes the varint of a `", stringify!($t), "` to the start of `buf`, returning how many bytes it took.")]
        #[inline]
        pub fn $encode(mut value: $t, buf: &mut [u8; $max]) -> usize {
            let mut i = 0;
            while value >= 0x80 {
                #[allow(clippy::cast_possible_truncation, reason = "keeps the low 7 bits on purpose")]
                {
                    buf[i] = (value as u8) | 0x80;
                }
                value >>= 7;
                i += 1;
            }
            #[allow(clippy::cast_possible_truncation, reason = "value < 0x80 here")]
            {
                buf[i] = value as u8;
            }
            i + 1
        }

        #[doc = concat!("Reads the varint of a `", stringify!($t), "` from the start of `bytes`, returning the value and how many bytes it took.")]
        ///
        /// # Errors
        ///
        /// [`VarintError::Truncated`], [`VarintError::Overflow`] or
        /// [`VarintError::Overlong`].
        #[inline]
        $read_vis fn $read(bytes: &[u8]) -> Result<($t, usize), VarintError> {
            // Fast path: one byte.
            if let Some(&b) = bytes.first() {
                if b < 0x80 {
                    return Ok((<$t>::from(b), 1));
                }
            }
            let mut value: $t = 0;
            for (shift, (i, &byte)) in (0..<$t>::BITS).step_by(7).zip(bytes.iter().enumerate()) {
                let group = <$t>::from(byte & 0x7F);
                if i == $max - 1 && (group >> (<$t>::BITS - shift)) != 0 {
                    return Err(VarintError::Overflow);
                }
                value |= group << shift;
                if byte < 0x80 {
                    if byte == 0 && i > 0 {
                        return Err(VarintError::Overlong);
                    }
                    return Ok((value, i + 1));
                }
            }
            if bytes.len() < $max { Err(VarintError::Truncated) } else { Err(VarintError::Overflow) }
        }

        #[doc = concat!("How many bytes the varint of `value` takes (1 to ", stringify!($max), ").")]
        #[inline]
        pub const fn $len(value: $t) -> usize {
            let bits = <$t>::BITS - (value | 1).leading_zeros();
            (bits as usize).div_ceil(7)
        }
    };
}

varint_impl!(u16, MAX_LEN_U16, pub write_u16, encode_u16, read_u16_general, encoded_len_u16);
varint_impl!(u32, MAX_LEN_U32, pub write_u32, encode_u32, read_u32_general, encoded_len_u32);
varint_impl!(u64, MAX_LEN_U64, pub write_u64, encode_u64, read_u64_general, encoded_len_u64);
varint_impl!(
    u128,
    MAX_LEN_U128,
    #[cfg_attr(not(test), expect(dead_code, reason = "the reference `write_u128` is tested against"))]
    write_u128_general,
    encode_u128,
    read_u128_general,
    encoded_len_u128
);

/// The low 63 bits of a `u128`: nine 7-bit groups.
const LOW_63: u128 = (1 << 63) - 1;

/// Appends the varint of a `u128` to `out`.
///
/// A value of 64 bits or fewer is a `u64`'s varint. A larger one is the
/// nine groups of its low 63 bits, each with its continuation bit, and
/// then the varint of the rest: worked out on 64-bit words and written
/// with two copies, not a push of each of up to 19 bytes with 128-bit shifts
/// between (callgrind, shapes-text: that was 480 of 688 instructions a
/// record to encode).
#[inline]
pub fn write_u128(out: &mut Vec<u8>, value: u128) {
    if let Ok(v) = u64::try_from(value) {
        write_u64(out, v);
        return;
    }
    out.extend_from_slice(&nine_groups(value));
    let rest = value >> 63;
    if let Ok(high) = u64::try_from(rest) {
        let mut bytes = [0_u8; MAX_LEN_U64];
        let len = encode_u64(high, &mut bytes);
        out.extend_from_slice(&bytes[..len]);
    } else {
        // 2^127 and above: the rest is 65 bits, nine more full groups and
        // its top two bits.
        out.extend_from_slice(&nine_groups(rest));
        #[allow(clippy::cast_possible_truncation, reason = "value >> 126 < 4")]
        out.push((value >> 126) as u8);
    }
}

/// The low 63 bits of `value` as nine 7-bit groups, low first, each with
/// its continuation bit.
#[inline]
fn nine_groups(value: u128) -> [u8; 9] {
    #[allow(clippy::cast_possible_truncation, reason = "masked to 63 bits")]
    let mut low = (value & LOW_63) as u64;
    let mut groups = [0_u8; 9];
    for slot in &mut groups {
        #[allow(clippy::cast_possible_truncation, reason = "keeps the low 7 bits on purpose")]
        {
            *slot = (low as u8) | 0x80;
        }
        low >>= 7;
    }
    groups
}

/// Reads the varint of a `u128` from the start of `bytes`, returning the
/// value and how many bytes it took.
///
/// As [`write_u128`], on 64-bit words: a `u64`'s varint, or nine groups
/// with their continuation bits and then a `u64`'s varint of the rest, or
/// (2^127 and above) eighteen groups and a last byte of 2 or 3. A varint
/// that ends, or is cut short, within its first nine bytes gets the `u64`
/// reader's answer, which is the general reader's; anything else that is
/// none of these (an error) goes to the general reader, which says how a
/// bad varint is bad.
///
/// # Errors
///
/// [`VarintError::Truncated`], [`VarintError::Overflow`] or
/// [`VarintError::Overlong`].
#[inline]
pub fn read_u128(bytes: &[u8]) -> Result<(u128, usize), VarintError> {
    // Nine continuation bytes: a value above 63 bits, its low 63 bits
    // packed on a word and the rest read as its own varint. Any other
    // varint ends, or is cut short, within nine bytes, and the `u64`
    // reader's answer is the general one.
    if let Some((groups, rest)) = bytes.split_first_chunk::<9>()
        && let Some(low) = nine_continued(groups)
    {
        if let Ok((high, n)) = read_u64(rest)
            && high != 0
        {
            return Ok((u128::from(low) | (u128::from(high) << 63), 9 + n));
        }
        // 2^127 and above (a `u64`'s varint cannot hold the 65 bits of the
        // rest): nine more groups, and a last byte of the top two bits, 2
        // or 3. Read by the general reader, the 19 bytes cost about 100
        // instructions (callgrind, shapes-text's large `i128`s).
        if let Some((more, last)) = rest.split_first_chunk::<9>()
            && let Some(middle) = nine_continued(more)
            && let Some(&top @ 2..=3) = last.first()
        {
            let value = u128::from(low) | (u128::from(middle) << 63) | (u128::from(top) << 126);
            return Ok((value, MAX_LEN_U128));
        }
        return read_u128_general(bytes);
    }
    read_u64(bytes).map(|(v, n)| (u128::from(v), n))
}

/// Reads the varint of a `u16` from the start of `bytes`, returning the
/// value and how many bytes it took.
///
/// # Errors
///
/// [`VarintError::Truncated`], [`VarintError::Overflow`] or
/// [`VarintError::Overlong`].
#[inline]
pub fn read_u16(bytes: &[u8]) -> Result<(u16, usize), VarintError> {
    read_u16_general(bytes)
}

/// Reads the varint of a `u32` from the start of `bytes`, returning the
/// value and how many bytes it took.
///
/// # Errors
///
/// [`VarintError::Truncated`], [`VarintError::Overflow`] or
/// [`VarintError::Overlong`].
#[inline]
pub fn read_u32(bytes: &[u8]) -> Result<(u32, usize), VarintError> {
    match read_u64(bytes) {
        Ok((v, n)) => u32::try_from(v).map(|v| (v, n)).map_err(|_| VarintError::Overflow),
        Err(VarintError::Overflow) => Err(VarintError::Overflow),
        Err(_) => read_u32_general(bytes),
    }
}

/// Reads the varint of a `u64` from the start of `bytes`, returning the
/// value and how many bytes it took.
///
/// # Errors
///
/// [`VarintError::Truncated`], [`VarintError::Overflow`] or
/// [`VarintError::Overlong`].
#[inline]
pub fn read_u64(bytes: &[u8]) -> Result<(u64, usize), VarintError> {
    // Fast path: one byte.
    if let Some(&b) = bytes.first()
        && b < 0x80
    {
        return Ok((u64::from(b), 1));
    }
    // Two bytes (128..16384: counts, lengths, ids): no word assembly.
    if let Some(&[b0, b1]) = bytes.get(..2)
        && b1 < 0x80
    {
        if b1 == 0 {
            return Err(VarintError::Overlong);
        }
        return Ok((u64::from(b0 & 0x7F) | (u64::from(b1) << 7), 2));
    }
    // Unrolled when ten bytes are there to read (as prost does), so no
    // byte needs a bounds check of its own.
    if let Some(Ok(b)) = bytes.get(..MAX_LEN_U64).map(<&[u8; MAX_LEN_U64]>::try_from) {
        return read_u64_unrolled(b);
    }
    read_u64_general(bytes)
}

/// The 7-bit groups of eight varint bytes (`word`, little-endian), packed
/// into 56 bits in three shift-and-mask steps.
#[allow(clippy::inline_always, reason = "part of the varint fast paths")]
#[inline(always)]
const fn eight_groups(word: u64) -> u64 {
    let x = word & 0x7F7F_7F7F_7F7F_7F7F;
    let x = (x & 0x007F_007F_007F_007F) | ((x & 0x7F00_7F00_7F00_7F00) >> 1);
    let x = (x & 0x0000_3FFF_0000_3FFF) | ((x & 0x3FFF_0000_3FFF_0000) >> 2);
    (x & 0x0000_0000_0FFF_FFFF) | ((x & 0x0FFF_FFFF_0000_0000) >> 4)
}

/// The 63 bits of nine 7-bit groups that all carry the continuation bit
/// (one test of the first eight on a word, one of the ninth); `None` when
/// one of them ends the varint.
#[inline]
fn nine_continued(groups: &[u8; 9]) -> Option<u64> {
    let word = u64::from_le_bytes(*groups.first_chunk::<8>()?);
    let ninth = groups[8];
    (word & 0x8080_8080_8080_8080 == 0x8080_8080_8080_8080 && ninth >= 0x80)
        .then(|| eight_groups(word) | (u64::from(ninth & 0x7F) << 56))
}

#[allow(clippy::inline_always, reason = "the decoder's varint fast path; called, it was a third slower")]
#[inline(always)]
pub(crate) fn read_u64_unrolled(b: &[u8; MAX_LEN_U64]) -> Result<(u64, usize), VarintError> {
    // Branch-free for varints of up to eight bytes: the first byte whose
    // high bit is clear ends the varint, found from the continuation bits
    // of all eight at once; then the 7-bit groups are packed together in
    // three shift-and-mask steps. Random lengths cost no mispredictions.
    // One eight-byte load (always `Some`: `b` has ten).
    let word = b.first_chunk::<8>().map_or(0, |head| u64::from_le_bytes(*head));
    let stops = !word & 0x8080_8080_8080_8080;
    if stops != 0 {
        let bits = stops.trailing_zeros() + 1; // 8, 16, ... 64: through the last byte
        let len = (bits / 8) as usize;
        let keep = u64::MAX >> (64 - bits);
        let x = eight_groups(word & keep);
        // A last byte of 0 after others adds nothing: a second encoding.
        if len > 1 && b[len - 1] == 0 {
            return Err(VarintError::Overlong);
        }
        return Ok((x, len));
    }
    // Nine or ten bytes: the eight above carry 56 bits.
    let low = eight_groups(word);
    match (b[8], b[9]) {
        (0, _) | (0x80..=0xFF, 0) => Err(VarintError::Overlong),
        (b8 @ 1..=0x7F, _) => Ok((low | (u64::from(b8) << 56), 9)),
        (b8, 1) => Ok((low | (u64::from(b8 & 0x7F) << 56) | (1 << 63), 10)),
        _ => Err(VarintError::Overflow),
    }
}

/// Zigzag-encodes an `i16`: 0, -1, 1, -2 ... become 0, 1, 2, 3 ...
#[inline]
pub const fn zigzag_i16(n: i16) -> u16 {
    n.cast_unsigned().wrapping_shl(1) ^ (n >> 15).cast_unsigned()
}
/// Zigzag-encodes an `i32`.
#[inline]
pub const fn zigzag_i32(n: i32) -> u32 {
    n.cast_unsigned().wrapping_shl(1) ^ (n >> 31).cast_unsigned()
}
/// Zigzag-encodes an `i64`.
#[inline]
pub const fn zigzag_i64(n: i64) -> u64 {
    n.cast_unsigned().wrapping_shl(1) ^ (n >> 63).cast_unsigned()
}
/// Zigzag-encodes an `i128`.
#[inline]
pub const fn zigzag_i128(n: i128) -> u128 {
    n.cast_unsigned().wrapping_shl(1) ^ (n >> 127).cast_unsigned()
}
/// Reverses [`zigzag_i16`].
#[inline]
pub const fn unzigzag_i16(n: u16) -> i16 {
    (n >> 1).cast_signed() ^ -((n & 1).cast_signed())
}
/// Reverses [`zigzag_i32`].
#[inline]
pub const fn unzigzag_i32(n: u32) -> i32 {
    (n >> 1).cast_signed() ^ -((n & 1).cast_signed())
}
/// Reverses [`zigzag_i64`].
#[inline]
pub const fn unzigzag_i64(n: u64) -> i64 {
    (n >> 1).cast_signed() ^ -((n & 1).cast_signed())
}
/// Reverses [`zigzag_i128`].
#[inline]
pub const fn unzigzag_i128(n: u128) -> i128 {
    (n >> 1).cast_signed() ^ -((n & 1).cast_signed())
}

/// Appends the zigzag varint of an `i16`.
#[inline]
pub fn write_i16(out: &mut Vec<u8>, n: i16) {
    write_u16(out, zigzag_i16(n));
}
/// Appends the zigzag varint of an `i32`.
#[inline]
pub fn write_i32(out: &mut Vec<u8>, n: i32) {
    write_u32(out, zigzag_i32(n));
}
/// Appends the zigzag varint of an `i64`.
#[inline]
pub fn write_i64(out: &mut Vec<u8>, n: i64) {
    write_u64(out, zigzag_i64(n));
}
/// Appends the zigzag varint of an `i128`.
#[inline]
pub fn write_i128(out: &mut Vec<u8>, n: i128) {
    write_u128(out, zigzag_i128(n));
}

/// Reads a zigzag varint `i16`.
///
/// # Errors
///
/// As [`read_u16`].
#[inline]
pub fn read_i16(bytes: &[u8]) -> Result<(i16, usize), VarintError> {
    read_u16(bytes).map(|(v, n)| (unzigzag_i16(v), n))
}
/// Reads a zigzag varint `i32`.
///
/// # Errors
///
/// As [`read_u32`].
#[inline]
pub fn read_i32(bytes: &[u8]) -> Result<(i32, usize), VarintError> {
    read_u32(bytes).map(|(v, n)| (unzigzag_i32(v), n))
}
/// Reads a zigzag varint `i64`.
///
/// # Errors
///
/// As [`read_u64`].
#[inline]
pub fn read_i64(bytes: &[u8]) -> Result<(i64, usize), VarintError> {
    read_u64(bytes).map(|(v, n)| (unzigzag_i64(v), n))
}
/// Reads a zigzag varint `i128`.
///
/// # Errors
///
/// As [`read_u128`].
#[inline]
pub fn read_i128(bytes: &[u8]) -> Result<(i128, usize), VarintError> {
    read_u128(bytes).map(|(v, n)| (unzigzag_i128(v), n))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn golden_bytes_from_the_tutorial_and_protobuf_docs() {
        for (value, bytes) in [
            (0_u64, &[0x00][..]),
            (1, &[0x01]),
            (127, &[0x7F]),
            (128, &[0x80, 0x01]),
            (150, &[0x96, 0x01]),
            (16_384, &[0x80, 0x80, 0x01]),
            (2_097_151, &[0xFF, 0xFF, 0x7F]),
            (u64::MAX, &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ] {
            let mut out = Vec::new();
            write_u64(&mut out, value);
            assert_eq!(out, bytes, "{value}");
            assert_eq!(read_u64(bytes), Ok((value, bytes.len())));
            assert_eq!(encoded_len_u64(value), bytes.len());
        }
    }

    #[test]
    fn strict_decoding() {
        assert_eq!(read_u64(&[]), Err(VarintError::Truncated));
        assert_eq!(read_u64(&[0x80]), Err(VarintError::Truncated));
        assert_eq!(read_u64(&[0xFF, 0x80]), Err(VarintError::Truncated));
        assert_eq!(read_u64(&[0x80, 0x00]), Err(VarintError::Overlong));
        assert_eq!(read_u64(&[0xFF, 0x80, 0x00]), Err(VarintError::Overlong));
        // 2^64: the tenth byte carries a bit past 64.
        assert_eq!(read_u64(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]), Err(VarintError::Overflow));
        // Eleven bytes.
        assert_eq!(read_u64(&[0xFF; 11]), Err(VarintError::Overflow));
        assert_eq!(read_u16(&[0xFF, 0xFF, 0x03]), Ok((u16::MAX, 3)));
        assert_eq!(read_u16(&[0xFF, 0xFF, 0x04]), Err(VarintError::Overflow));
        assert_eq!(read_u32(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]), Ok((u32::MAX, 5)));
        assert_eq!(read_u32(&[0xFF, 0xFF, 0xFF, 0xFF, 0x10]), Err(VarintError::Overflow));
        // Trailing bytes after a complete varint are not its business.
        assert_eq!(read_u32(&[0x05, 0xFF]), Ok((5, 1)));
        // The two-byte fast path: alone, followed by more, and overlong.
        assert_eq!(read_u64(&[0xFF, 0x7F]), Ok((16_383, 2)));
        assert_eq!(read_u64(&[0x96, 0x01, 0xFF, 0xFF]), Ok((150, 2)));
        assert_eq!(read_u64(&[0x85, 0x00, 0x01]), Err(VarintError::Overlong));
    }

    #[test]
    fn zigzag_golden() {
        assert_eq!([0, -1, 1, -2, 2].map(zigzag_i64), [0, 1, 2, 3, 4]);
        assert_eq!(zigzag_i64(i64::MIN), u64::MAX);
        assert_eq!(zigzag_i64(i64::MAX), u64::MAX - 1);
        assert_eq!(zigzag_i32(i32::MIN), u32::MAX);
        assert_eq!(zigzag_i16(-2), 3);
        assert_eq!(zigzag_i128(i128::MIN), u128::MAX);
    }

    proptest! {
        #[test]
        fn u16_round_trips(v in any::<u16>()) {
            let mut out = Vec::new();
            write_u16(&mut out, v);
            prop_assert!(out.len() <= MAX_LEN_U16);
            prop_assert_eq!(out.len(), encoded_len_u16(v));
            prop_assert_eq!(read_u16(&out), Ok((v, out.len())));
        }

        #[test]
        fn u32_round_trips(v in any::<u32>()) {
            let mut out = Vec::new();
            write_u32(&mut out, v);
            prop_assert!(out.len() <= MAX_LEN_U32);
            prop_assert_eq!(out.len(), encoded_len_u32(v));
            prop_assert_eq!(read_u32(&out), Ok((v, out.len())));
        }

        #[test]
        fn u64_round_trips(v in any::<u64>()) {
            let mut out = Vec::new();
            write_u64(&mut out, v);
            prop_assert_eq!(out.len(), encoded_len_u64(v));
            prop_assert_eq!(read_u64(&out), Ok((v, out.len())));
        }

        #[test]
        fn u128_round_trips(v in any::<u128>()) {
            let mut out = Vec::new();
            write_u128(&mut out, v);
            prop_assert!(out.len() <= MAX_LEN_U128);
            prop_assert_eq!(out.len(), encoded_len_u128(v));
            prop_assert_eq!(read_u128(&out), Ok((v, out.len())));
        }

        #[test]
        fn signed_round_trips(a in any::<i16>(), b in any::<i32>(), c in any::<i64>(), d in any::<i128>()) {
            let mut out = Vec::new();
            write_i16(&mut out, a);
            let (x, n) = read_i16(&out).unwrap();
            prop_assert_eq!(x, a);
            out.drain(..n);
            write_i32(&mut out, b);
            prop_assert_eq!(read_i32(&out).unwrap().0, b);
            out.clear();
            write_i64(&mut out, c);
            prop_assert_eq!(read_i64(&out).unwrap().0, c);
            out.clear();
            write_i128(&mut out, d);
            prop_assert_eq!(read_i128(&out).unwrap().0, d);
            prop_assert_eq!(zigzag_i64(c).leading_zeros() >= c.unsigned_abs().leading_zeros().saturating_sub(1), true);
        }

        #[test]
        fn decoding_is_canonical(bytes in prop::collection::vec(any::<u8>(), 0..12)) {
            // Whatever decodes re-encodes to exactly the bytes it came from.
            if let Ok((v, n)) = read_u64(&bytes) {
                let mut out = Vec::new();
                write_u64(&mut out, v);
                prop_assert_eq!(&out[..], &bytes[..n]);
            }
            if let Ok((v, n)) = read_u128(&bytes) {
                let mut out = Vec::new();
                write_u128(&mut out, v);
                prop_assert_eq!(&out[..], &bytes[..n]);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        #[test]
        fn the_fast_path_agrees_with_the_general_one(bytes in prop::collection::vec(
            prop_oneof![any::<u8>(), 0x80_u8..=0xFF, Just(0_u8), Just(1_u8)], 0..14)) {
            prop_assert_eq!(read_u64(&bytes), read_u64_general(&bytes));
            prop_assert_eq!(read_u32(&bytes), read_u32_general(&bytes));
        }

        #[test]
        fn the_u128_fast_paths_agree_with_the_general_ones(
            head in prop::collection::vec(0x80_u8..=0xFF, 0..=10),
            tail in prop::collection::vec(
                prop_oneof![any::<u8>(), 0x80_u8..=0xFF, Just(0_u8), Just(1_u8), Just(2_u8), Just(3_u8), Just(4_u8)], 0..14)) {
            // Runs of continuation bytes, so that the nine-group split and
            // the rest after it (empty, zero, overlong, too long) all come up.
            let bytes = [head, tail].concat();
            prop_assert_eq!(read_u128(&bytes), read_u128_general(&bytes));
        }

        #[test]
        fn the_u128_fast_path_of_nineteen_bytes_agrees_with_the_general_one(
            groups in prop::collection::vec(0x80_u8..=0xFF, 18),
            at in 0_usize..18,
            cut in any::<u8>(),
            last in prop_oneof![Just(0_u8), Just(1_u8), Just(2_u8), Just(3_u8), Just(4_u8), 0x80_u8..=0xFF, any::<u8>()]) {
            // Eighteen groups and a last byte (a value of 2^126 and more, or
            // overlong, too long), and the same with one group ended early.
            let bytes = [&groups[..], &[last]].concat();
            prop_assert_eq!(read_u128(&bytes), read_u128_general(&bytes));
            let mut early = bytes.clone();
            early[at] = cut & 0x7F;
            prop_assert_eq!(read_u128(&early), read_u128_general(&early));
        }

        #[test]
        fn the_u128_writer_agrees_with_the_general_one(
            v in prop_oneof![any::<u128>(), any::<u64>().prop_map(u128::from), (0_u32..128).prop_map(|s| 1_u128 << s),
                (0_u32..128).prop_map(|s| (1_u128 << s) - 1), (64_u32..128).prop_map(|s| u128::MAX >> (128 - s))]) {
            let (mut fast, mut general) = (Vec::new(), Vec::new());
            write_u128(&mut fast, v);
            write_u128_general(&mut general, v);
            prop_assert_eq!(&fast, &general);
            prop_assert_eq!(read_u128(&fast), Ok((v, fast.len())));
        }
    }
}
