//! Bad input: truncation, corruption, unknown formats, bombs. Every one a
//! distinct error, never a panic.

use std::io::Write;

use flatbox_codec::{Codec, CodecKind, Encoder, Error, Limits};
use proptest::prelude::*;

use crate::{codecs, sample};

#[test]
fn truncated_frames_are_truncated() {
    let data = sample(50_000);
    for codec in codecs() {
        let frame = flatbox_codec::compress(codec, &data);
        for cut in [frame.len() - 1, frame.len() / 2, 20] {
            let err = flatbox_codec::decompress(&frame[..cut]).unwrap_err();
            assert!(
                matches!(err, Error::Truncated { codec: k, .. } if Some(k) == codec.kind()),
                "{codec} cut at {cut}: {err:?}"
            );
        }
    }
}

#[test]
fn corrupt_content_fails_its_checksum() {
    let data = sample(50_000);
    // Flip a bit in the stored checksum at the end of each frame.
    for codec in [Codec::Zstd { level: 3 }, Codec::Lz4, Codec::Gzip { level: 6 }] {
        let mut frame = flatbox_codec::compress(codec, &data);
        let at = frame.len() - if codec == (Codec::Gzip { level: 6 }) { 8 } else { 2 };
        frame[at] ^= 0x01;
        let err = flatbox_codec::decompress(&frame).unwrap_err();
        assert!(matches!(err, Error::Checksum { .. }), "{codec}: {err:?}");
        assert!(err.to_string().contains("checksum mismatch"), "{err}");
    }
}

#[test]
fn unknown_magic_names_the_bytes_and_where() {
    let err = flatbox_codec::decompress(b"PK\x03\x04 a zip file").unwrap_err();
    assert!(matches!(err, Error::UnknownFormat { offset: 0, ref magic } if magic == b"PK\x03\x04"), "{err:?}");
    assert_eq!(
        err.to_string(),
        "unknown format at byte 0: magic bytes [50, 4B, 03, 04] are not a zstd, lz4 or gzip frame"
    );
    // After a valid frame, the offset is where the garbage starts.
    let mut stream = flatbox_codec::compress(Codec::Lz4, b"fine");
    let len = stream.len() as u64;
    stream.extend_from_slice(b"junk");
    assert!(matches!(flatbox_codec::decompress(&stream), Err(Error::UnknownFormat { offset, .. }) if offset == len));
    assert!(matches!(flatbox_codec::decompress(b""), Ok(v) if v.is_empty()));
}

#[test]
fn a_declared_size_above_the_limit_is_refused_before_decoding() {
    let data = vec![0_u8; 1 << 20];
    for codec in [Codec::Zstd { level: 1 }, Codec::Lz4] {
        let frame = flatbox_codec::compress(codec, &data);
        let err = flatbox_codec::decompress_with(&frame, Limits::new(1000)).unwrap_err();
        assert!(
            matches!(err, Error::DeclaredSizeExceedsLimit { declared: 1_048_576, limit: 1000, .. }),
            "{codec}: {err:?}"
        );
    }
}

/// A frame written by a stream: no declared size, so only the running
/// count can stop it.
fn streamed_bomb(codec: Codec, gib: u64) -> Vec<u8> {
    let mut encoder = Encoder::new(Vec::new(), codec).unwrap();
    let zeros = vec![0_u8; 1 << 20];
    for _ in 0..gib * 1024 {
        encoder.write_all(&zeros).unwrap();
    }
    encoder.finish().unwrap()
}

#[test]
fn real_bombs_stop_at_the_limit() {
    // 10 GiB of zeros in a few hundred KiB of zstd; 1 GiB in lz4 and gzip
    // (their best ratios are 255:1 and 1032:1, and building them takes time).
    for (codec, gib) in [(Codec::Zstd { level: 1 }, 10), (Codec::Lz4, 1), (Codec::Gzip { level: 1 }, 1)] {
        let bomb = streamed_bomb(codec, gib);
        assert!((bomb.len() as u64) < (gib << 30) / 50, "{codec}: {} bytes", bomb.len());
        let limit = 64 << 20;
        let err = flatbox_codec::decompress_with(&bomb, Limits::new(limit)).unwrap_err();
        assert!(matches!(err, Error::OutputLimit { limit: l } if l == limit), "{codec}: {err:?}");
        assert!(err.to_string().contains("exceeds the 67108864-byte limit"), "{err}");
    }
}

#[test]
fn the_default_limit_is_modest() {
    assert_eq!(Limits::default().max_output, 256 << 20);
    let bomb = streamed_bomb(Codec::Zstd { level: 1 }, 1);
    assert!(matches!(flatbox_codec::decompress(&bomb), Err(Error::OutputLimit { limit }) if limit == 256 << 20));
}

fn valid_frames() -> Vec<Vec<u8>> {
    let data = sample(3000);
    [Codec::Zstd { level: 3 }, Codec::Lz4, Codec::Gzip { level: 6 }]
        .into_iter()
        .map(|c| flatbox_codec::compress(c, &data))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_frames_never_panic(
        which in 0_usize..3,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0_u8..3), 1..5),
    ) {
        let mut frame = valid_frames().swap_remove(which);
        for (index, byte, op) in edits {
            if frame.is_empty() {
                break;
            }
            let i = index.index(frame.len());
            match op {
                0 => frame[i] = byte,
                1 => frame.truncate(i),
                _ => frame.insert(i, byte),
            }
        }
        // Whatever happens, it is a value or an error, within the limit.
        if let Ok(out) = flatbox_codec::decompress_with(&frame, Limits::new(1 << 20)) {
            prop_assert!(out.len() <= 1 << 20);
        }
    }

    #[test]
    fn random_bytes_behind_a_magic_never_panic(kind in 0_usize..3, tail in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut input = [&[0x28, 0xB5, 0x2F, 0xFD][..], &[0x04, 0x22, 0x4D, 0x18], &[0x1F, 0x8B]][kind].to_vec();
        input.extend_from_slice(&tail);
        let _ = flatbox_codec::decompress_with(&input, Limits::new(1 << 20));
    }
}

#[test]
fn kinds_are_reported_in_errors() {
    let frame = flatbox_codec::compress(Codec::Gzip { level: 6 }, &sample(1000));
    let err = flatbox_codec::decompress(&frame[..frame.len() - 3]).unwrap_err();
    assert!(matches!(err, Error::Truncated { codec: CodecKind::Gzip, .. }), "{err:?}");
    assert!(err.to_string().starts_with("gzip frame is truncated"), "{err}");
}
