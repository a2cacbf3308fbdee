//! The record log's on-disk framing: how one record is laid out, and how a
//! segment's bytes are scanned back into records after a clean shutdown or
//! a crash.
//!
//! A frame is
//!
//! ```text
//! +------------------+------------------+------------------+-----------+
//! | masked CRC32C    | length (u32 LE)  | payload          | 0-7 zero  |
//! | (u32 LE)         |                  | (length bytes)   | padding   |
//! +------------------+------------------+------------------+-----------+
//! ```
//!
//! - The CRC32C (Castagnoli) covers the length bytes and the payload, so a
//!   torn or corrupt length is caught like a torn or corrupt payload. It is
//!   masked as LevelDB masks it (rotated right by 15 and offset by a
//!   constant), so that the CRC of data that embeds CRCs is not itself
//!   trivially structured.
//! - The header is 8 bytes and frames are padded to a multiple of 8, so
//!   every payload starts 8-byte aligned within its segment (and in a
//!   page-aligned memory map).
//! - A header of eight zero bytes marks the end of the written data:
//!   segments may be preallocated with zeros. A real frame never has an
//!   all-zero header (a length of 0 has a non-zero CRC).
//!
//! **Torn tail or corruption.** A scan stops at the first frame that is
//! incomplete or fails its CRC. If nothing but zeros (or the end of the
//! file) follows that frame's extent, it is a *torn tail* (the crash
//! happened while writing it) and is cut off. If written data follows, the
//! damage is *corruption* before the tail, which is reported with its
//! offset instead of being silently cut.

/// Bytes of a frame header: masked CRC and length.
pub const HEADER: usize = 8;

/// Frames (and so payloads) are aligned to this many bytes.
pub const ALIGN: usize = 8;

/// The largest payload a frame can carry.
pub const MAX_PAYLOAD: usize = u32::MAX as usize;

const MASK_DELTA: u32 = 0xa282_ead8;

/// LevelDB's CRC mask.
fn mask(crc: u32) -> u32 {
    crc.rotate_right(15).wrapping_add(MASK_DELTA)
}

/// The masked CRC of a frame's length and payload, which lie side by side:
/// `length_and_payload` is the frame from byte 4 on, without padding.
fn stored_crc(length_and_payload: &[u8]) -> u32 {
    mask(crc32c::crc32c(length_and_payload))
}

/// The size a frame of `payload_len` bytes takes on disk, padding included.
pub const fn frame_len(payload_len: usize) -> usize {
    (HEADER + payload_len).div_ceil(ALIGN) * ALIGN
}

/// Appends the frame of `payload` to `out`, padded to [`ALIGN`].
///
/// # Panics
///
/// When `payload` is longer than [`MAX_PAYLOAD`] (4 GiB); callers check.
pub fn encode(payload: &[u8], out: &mut Vec<u8>) {
    let length = u32::try_from(payload.len()).expect("payloads are checked against MAX_PAYLOAD").to_le_bytes();
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&length);
    out.extend_from_slice(payload);
    let crc = stored_crc(&out[start + 4..]);
    out[start..start + 4].copy_from_slice(&crc.to_le_bytes());
    out.resize(out.len() + frame_len(payload.len()) - HEADER - payload.len(), 0);
}

/// The payload of the one frame `bytes` holds (header and payload, padding
/// optional), as (offset, length), when its CRC holds.
pub fn check(bytes: &[u8]) -> Option<(usize, usize)> {
    let header = bytes.get(..HEADER)?;
    let crc = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    let length = [header[4], header[5], header[6], header[7]];
    let len = u32::from_le_bytes(length) as usize;
    let stored = bytes.get(4..HEADER + len)?;
    (crc == stored_crc(stored)).then_some((HEADER, len))
}

/// Where and how a scan stopped before the end of the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// The last frame is incomplete or fails its CRC, and only zeros follow:
    /// cut it off (`bytes` is how many bytes from `offset` on are dropped).
    TornTail {
        /// Where the torn frame starts.
        offset: usize,
        /// Bytes after `offset` that held anything but zeros.
        bytes: usize,
    },
    /// A frame fails its CRC (or its length is impossible) and written data
    /// follows it: the segment is damaged before its tail.
    Corrupt {
        /// Where the damaged frame starts.
        offset: usize,
    },
}

/// What a scan of a segment's bytes found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Each intact record: (offset of its payload, payload length).
    pub records: Vec<(usize, usize)>,
    /// Where the intact frames end, padding included: where the next frame
    /// goes (up to 7 bytes past the end of the input when its last frame's
    /// padding was cut off).
    pub end: usize,
    /// Why the scan stopped early, if it did.
    pub damage: Option<Damage>,
}

/// Scans `bytes` (a segment, possibly with zero-filled room at its end)
/// from `start`, an offset at which a frame begins.
///
/// # Panics
///
/// When `start` is past the end of `bytes` or not a multiple of [`ALIGN`].
pub fn scan(bytes: &[u8], start: usize) -> Scan {
    assert!(start <= bytes.len() && start.is_multiple_of(ALIGN), "scan starts at a frame boundary");
    let mut records = Vec::new();
    let mut pos = start;
    let stop = |pos: usize, frame_end: usize, corrupt_if_data_follows: bool| {
        let after = frame_end.min(bytes.len());
        let data_after = bytes[after..].iter().any(|&b| b != 0);
        if corrupt_if_data_follows && data_after {
            Damage::Corrupt { offset: pos }
        } else {
            let written = bytes[pos..].iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
            Damage::TornTail { offset: pos, bytes: written }
        }
    };
    let damage = loop {
        if pos >= bytes.len() {
            break None;
        }
        let Some(header) = bytes.get(pos..pos + HEADER) else {
            // Fewer than 8 bytes left: zeros are unwritten room, anything
            // else a torn header.
            break bytes[pos..].iter().any(|&b| b != 0).then(|| stop(pos, bytes.len(), false));
        };
        if header == [0; HEADER] {
            // Unwritten room; written data after it means damage.
            break bytes[pos..].iter().any(|&b| b != 0).then_some(Damage::Corrupt { offset: pos });
        }
        let crc = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let frame_end = pos.saturating_add(frame_len(len));
        let Some(stored) = bytes.get(pos + 4..pos + HEADER + len) else {
            // The frame runs past the end: torn, since nothing can follow.
            break Some(stop(pos, frame_end, false));
        };
        // Padding cut off at the end of the file loses nothing: the record
        // is complete, and the next frame goes after the padding anyway.
        let padding_clean = bytes[pos + HEADER + len..frame_end.min(bytes.len())].iter().all(|&b| b == 0);
        if crc != stored_crc(stored) || !padding_clean {
            break Some(stop(pos, frame_end, true));
        }
        records.push((pos + HEADER, len));
        pos = frame_end;
    };
    let end = match damage {
        Some(Damage::TornTail { offset, .. } | Damage::Corrupt { offset }) => offset,
        None => pos,
    };
    Scan { records, end, damage }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_is_leveldbs() {
        // LevelDB's crc32c_test: Unmask(Mask(crc)) == crc and Mask(crc) != crc.
        for crc in [0_u32, 1, 0x1234_5678, u32::MAX] {
            let masked = mask(crc);
            assert_ne!(masked, crc);
            assert_eq!(masked.wrapping_sub(MASK_DELTA).rotate_left(15), crc);
        }
        // The CRC32C check value ("123456789" -> 0xE3069283).
        assert_eq!(crc32c::crc32c(b"123456789"), 0xE306_9283);
    }

    #[test]
    fn an_empty_payload_still_has_a_non_zero_header() {
        let mut out = Vec::new();
        encode(b"", &mut out);
        assert_eq!(out.len(), 8);
        assert_ne!(out, [0; 8]);
    }
}
