//! Round trips per codec and level, concatenated frames, and detection.

use flatbox_codec::{Codec, CodecKind, Limits};
use proptest::prelude::*;

use crate::{codecs, sample};

#[test]
fn every_codec_and_level_round_trips() {
    for n in [0, 1, 100, 70_000, 300_000] {
        let data = sample(n);
        for codec in codecs() {
            let frame = flatbox_codec::compress(codec, &data);
            assert_eq!(flatbox_codec::detect(&frame), codec.kind(), "{codec}");
            assert_eq!(flatbox_codec::decompress(&frame).unwrap(), data, "{codec}, {n} bytes");
        }
    }
}

#[test]
fn frames_declare_their_content_size_and_compress() {
    let data = sample(100_000);
    let zst = flatbox_codec::compress(Codec::Zstd { level: 3 }, &data);
    assert_eq!(zstd::zstd_safe::get_frame_content_size(&zst).unwrap(), Some(100_000));
    let lz4 = flatbox_codec::compress(Codec::Lz4, &data);
    assert_eq!(lz4[4] & 0b0000_1100, 0b0000_1100, "FLG: content size and content checksum set");
    assert_eq!(u64::from_le_bytes(lz4[6..14].try_into().unwrap()), 100_000);
    for frame in [&zst, &lz4] {
        assert!(frame.len() < data.len() / 2, "{} of {}", frame.len(), data.len());
    }
}

#[test]
fn concatenated_frames_of_every_kind_decode_in_order() {
    let mut stream = Vec::new();
    let mut expected = Vec::new();
    for (i, codec) in codecs().into_iter().enumerate() {
        let part = sample(1000 + i * 333);
        flatbox_codec::compress_into(codec, &part, &mut stream);
        // A second frame of the same kind right after (lz4_flex's own
        // FrameDecoder stops after the first).
        flatbox_codec::compress_into(codec, &part[..10], &mut stream);
        expected.extend_from_slice(&part);
        expected.extend_from_slice(&part[..10]);
    }
    // A skippable frame between two zstd frames.
    stream.extend_from_slice(&[0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9]);
    flatbox_codec::compress_into(Codec::Zstd { level: 1 }, b"tail", &mut stream);
    expected.extend_from_slice(b"tail");
    assert_eq!(flatbox_codec::decompress(&stream).unwrap(), expected);
    // Empty frames are frames too.
    let mut empties = flatbox_codec::compress(Codec::Lz4, b"");
    flatbox_codec::compress_into(Codec::Gzip { level: 6 }, b"", &mut empties);
    flatbox_codec::compress_into(Codec::Lz4, b"x", &mut empties);
    assert_eq!(flatbox_codec::decompress(&empties).unwrap(), b"x");
}

#[test]
fn compress_into_appends() {
    for codec in codecs() {
        let mut out = b"prefix".to_vec();
        flatbox_codec::compress_into(codec, b"payload", &mut out);
        assert_eq!(&out[..6], b"prefix");
        assert_eq!(flatbox_codec::decompress(&out[6..]).unwrap(), b"payload", "{codec}");
    }
}

#[test]
fn codec_names_parse_and_print() {
    for codec in codecs().into_iter().chain([Codec::None]) {
        assert_eq!(codec.to_string().parse::<Codec>().unwrap(), codec);
    }
    assert_eq!("zstd".parse::<Codec>().unwrap(), Codec::Zstd { level: 3 });
    assert_eq!("GZ:1".parse::<Codec>().unwrap(), Codec::Gzip { level: 1 });
    for bad in ["zstd:0", "zstd:23", "gzip:10", "lz4:1", "brotli", "zstd:x", ""] {
        let err = bad.parse::<Codec>().unwrap_err();
        assert!(err.to_string().starts_with(&format!("invalid codec {bad:?}")), "{err}");
    }
    assert_eq!(Codec::standard_set().map(|c| c.to_string()), ["none", "lz4", "zstd:1", "zstd:3", "gzip:6"]);
    assert_eq!(CodecKind::Lz4.to_string(), "lz4");
}

#[test]
fn an_exact_limit_is_enough() {
    let data = sample(5000);
    for codec in codecs() {
        let frame = flatbox_codec::compress(codec, &data);
        assert_eq!(flatbox_codec::decompress_with(&frame, Limits::new(5000)).unwrap(), data, "{codec}");
        assert!(flatbox_codec::decompress_with(&frame, Limits::new(4999)).is_err(), "{codec}");
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_round_trip(data in prop::collection::vec(any::<u8>(), 0..4096), which in 0_usize..9) {
        let codec = codecs()[which];
        let frame = flatbox_codec::compress(codec, &data);
        prop_assert_eq!(flatbox_codec::decompress(&frame).unwrap(), data);
    }
}
