//! Magic numbers and frame headers: what `detect` looks at, and the content
//! sizes frames declare (checked against the output limit before decoding).

use crate::CodecKind;

/// What a frame's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Magic {
    Frame(CodecKind),
    /// A skippable frame (zstd and LZ4 share the format: magic
    /// `0x184D2A50..=0x184D2A5F`, a 4-byte length, that many bytes).
    Skippable,
}

/// The magic numbers: zstd `28 B5 2F FD`, LZ4 `04 22 4D 18`, gzip `1F 8B`,
/// skippable `5X 2A 4D 18`.
pub(crate) fn magic(bytes: &[u8]) -> Option<Magic> {
    match bytes {
        [0x28, 0xB5, 0x2F, 0xFD, ..] => Some(Magic::Frame(CodecKind::Zstd)),
        [0x04, 0x22, 0x4D, 0x18, ..] => Some(Magic::Frame(CodecKind::Lz4)),
        [0x1F, 0x8B, ..] => Some(Magic::Frame(CodecKind::Gzip)),
        [0x50..=0x5F, 0x2A, 0x4D, 0x18, ..] => Some(Magic::Skippable),
        _ => None,
    }
}

/// The content size a frame header declares, when it declares one.
/// `header` starts at the magic number; too short a header declares
/// nothing (the output limit still applies while decoding).
pub(crate) fn declared_size(kind: CodecKind, header: &[u8]) -> Option<u64> {
    match kind {
        CodecKind::Zstd => zstd::zstd_safe::get_frame_content_size(header).ok().flatten(),
        CodecKind::Lz4 => {
            // magic(4) FLG(1) BD(1) [content size(8)] ...; FLG bit 3 says
            // whether the content size is there.
            let flg = *header.get(4)?;
            if flg & 0b0000_1000 == 0 {
                return None;
            }
            Some(u64::from_le_bytes(header.get(6..14)?.try_into().ok()?))
        }
        // gzip's ISIZE trailer is the size modulo 2^32 and sits at the end:
        // nothing to trust up front.
        CodecKind::Gzip => None,
    }
}
