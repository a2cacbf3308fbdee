//! Finding where a value ends without decoding it, in bytes the encoder
//! itself wrote (used to rewrite a struct whose fields did not match the
//! shape it predicted).

use crate::tag;
use crate::varint;

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
    mut pos: usize,
    origin: usize,
    shape_len: &dyn Fn(u64) -> Option<usize>,
    packed: &mut Vec<(usize, usize, usize)>,
) -> Option<usize> {
    let varint = |pos: &mut usize| -> Option<usize> {
        let (v, n) = varint::read_u64(bytes.get(*pos..)?).ok()?;
        *pos += n;
        usize::try_from(v).ok()
    };
    let mut pending: usize = 1;
    while pending > 0 {
        pending -= 1;
        let t = *bytes.get(pos)?;
        pos += 1;
        let children = match t {
            0x00..=0x3F | 0x80..=0xBF | tag::NULL | tag::FALSE | tag::TRUE => 0,
            0x40..=0x5F => {
                pos += usize::from(t - tag::STR_INLINE);
                0
            }
            0x60..=0x6F => usize::from(t - tag::ARRAY_INLINE),
            0x70..=0x7F => 2 * usize::from(t - tag::MAP_INLINE),
            0xC0..=0xDF => shape_len(u64::from(t - tag::SHAPE_REF_INLINE))?,
            tag::SHAPE_REF => shape_len(varint(&mut pos)? as u64)?,
            tag::UINT | tag::NEG_INT | tag::STR_REF => {
                varint(&mut pos)?;
                0
            }
            tag::UINT128 | tag::NEG_INT128 => {
                let (_, n) = varint::read_u128(bytes.get(pos..)?).ok()?;
                pos += n;
                0
            }
            tag::F32 => {
                pos += 4;
                0
            }
            tag::F64 => {
                pos += 8;
                0
            }
            tag::STR | tag::BYTES | tag::STR_DEFINE => {
                pos += varint(&mut pos)?;
                0
            }
            tag::ARRAY => varint(&mut pos)?,
            tag::MAP | tag::SHAPE_DEFINE => 2 * varint(&mut pos)?,
            tag::SOME => 1,
            tag::TIMESTAMP => {
                varint(&mut pos)?;
                varint(&mut pos)?;
                0
            }
            tag::EXTENSION => {
                varint(&mut pos)?;
                pos += varint(&mut pos)?;
                0
            }
            tag::PACKED => {
                let size = crate::magic::packed_size(*bytes.get(pos)?)?;
                pos += 1;
                let count = varint(&mut pos)?;
                let padding = (size - (origin + pos) % size) % size;
                packed.push((pos, padding, size));
                pos += padding + count * size;
                0
            }
            _ => return None,
        };
        pending += children;
    }
    (pos <= bytes.len()).then_some(pos)
}
