//! The format registry: names, extensions, families and sniffing.

use std::path::Path;

use flatbox::codec::Codec;
use flatbox::formats::{Family, FormatKind, looks_like_json, sniff, sniff_prefix, split_codec_suffix};
use flatbox::{Format, MsgPack, Wire};
use proptest::prelude::*;

#[test]
fn names_round_trip_and_are_unique() {
    for format in FormatKind::ALL {
        assert_eq!(FormatKind::from_name(format.name()), Some(format));
        assert_eq!(FormatKind::from_name(&format.name().to_uppercase()), Some(format));
        assert_eq!(format.to_string(), format.name());
    }
    let mut names: Vec<_> = FormatKind::ALL.iter().map(|f| f.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), FormatKind::ALL.len());
    assert_eq!(FormatKind::from_name("yaml"), None);
}

#[test]
fn every_extension_names_its_format_under_every_suffix() {
    for format in FormatKind::ALL {
        for ext in format.extensions() {
            for suffix in ["", ".zst", ".lz4", ".gz", ".ZST"] {
                let name = format!("data.{ext}{suffix}");
                assert_eq!(FormatKind::from_path(Path::new(&name)), Some(format), "{name}");
            }
        }
    }
    assert_eq!(FormatKind::from_path(Path::new("notes.txt")), None);
    assert_eq!(FormatKind::from_path(Path::new("archive.zst")), None);
    assert_eq!(FormatKind::from_path(Path::new("EVENTS.NDJSON")), Some(FormatKind::Ndjson));
}

#[test]
fn codec_suffixes_split_off() {
    assert_eq!(
        split_codec_suffix(Path::new("a.ndjson.zst")),
        (Path::new("a.ndjson").into(), Some(Codec::Zstd { level: Codec::ZSTD_DEFAULT_LEVEL }))
    );
    assert_eq!(split_codec_suffix(Path::new("a.wire.lz4")).1, Some(Codec::Lz4));
    assert_eq!(split_codec_suffix(Path::new("a.json.gz")).1, Some(Codec::Gzip { level: Codec::GZIP_DEFAULT_LEVEL }));
    assert_eq!(split_codec_suffix(Path::new("a.json")), (Path::new("a.json").into(), None));
}

#[test]
fn families() {
    let family = |f: FormatKind| f.family();
    assert_eq!(family(FormatKind::Json), Family::Text);
    assert_eq!(family(FormatKind::Ndjson), Family::Text);
    assert_eq!(family(FormatKind::Csv), Family::Text);
    assert_eq!(family(FormatKind::Msgpack), Family::BinarySelfDescribing);
    assert_eq!(family(FormatKind::Wire), Family::BinarySelfDescribing);
    assert_eq!(family(FormatKind::Protobuf), Family::Schema);
    assert_eq!(family(FormatKind::Arrow), Family::Columnar);
    assert_eq!(family(FormatKind::Parquet), Family::Columnar);
    assert!(FormatKind::Parquet.is_columnar() && !FormatKind::Wire.is_columnar());
    assert!(FormatKind::Ndjson.holds_streams() && !FormatKind::Json.holds_streams());
}

#[test]
fn sniffs_magic_numbers() {
    assert_eq!(sniff(b"ARROW1\0\0rest"), Some(FormatKind::Arrow));
    assert_eq!(sniff(b"\xff\xff\xff\xff\x10\0\0\0"), Some(FormatKind::Arrow));
    assert_eq!(sniff(b"PAR1 then the footer PAR1"), Some(FormatKind::Parquet));
    // A whole input that opens with PAR1 but does not end with it is not Parquet...
    assert_ne!(sniff(b"PAR1 cut short"), Some(FormatKind::Parquet));
    // ...while the first bytes of a longer input may be.
    assert_eq!(sniff_prefix(b"PAR1 cut short", false), Some(FormatKind::Parquet));
}

#[test]
fn sniffs_text() {
    assert_eq!(sniff(b"{\"a\": 1}"), Some(FormatKind::Json));
    assert_eq!(sniff(b"  [1, 2, 3]\n"), Some(FormatKind::Json));
    assert_eq!(sniff(b"{\"a\":1}\n{\"a\":2}\n"), Some(FormatKind::Ndjson));
    assert_eq!(sniff(b"\xef\xbb\xbf{\"a\":1}\n{\"a\":2}"), Some(FormatKind::Ndjson));
    assert!(looks_like_json(b"{\"a\":1}\n{\"b\""));
    assert!(!looks_like_json(b"name,age\n"));
}

#[test]
fn sniffs_binary_sequences() {
    let mut wire = Vec::new();
    Wire::new().encode(&serde_json::json!({"id": 1, "name": "a"}), &mut wire).unwrap();
    Wire::new().encode(&serde_json::json!({"id": 2, "name": "b"}), &mut wire).unwrap();
    assert_eq!(sniff(&wire), Some(FormatKind::Wire));
    let mut packed = Vec::new();
    MsgPack::named().encode(&serde_json::json!({"id": 1, "tags": ["x"]}), &mut packed).unwrap();
    assert_eq!(sniff(&packed), Some(FormatKind::Msgpack));
    // A second MessagePack value cut off: only a prefix of a longer input.
    let one = packed.len();
    MsgPack::named().encode(&serde_json::json!({"id": 2, "tags": ["y"]}), &mut packed).unwrap();
    let cut = &packed[..one + 3];
    assert_eq!(sniff_prefix(cut, false), Some(FormatKind::Msgpack));
    assert_ne!(sniff(cut), Some(FormatKind::Msgpack));
}

#[test]
fn sniffs_nothing_in_nothing() {
    assert_eq!(sniff(b""), None);
    assert_eq!(sniff(b"\xc1"), None);
}

proptest! {
    /// Any bytes: an answer, no panic (the fuzz target's property).
    #[test]
    fn sniff_is_total(bytes in proptest::collection::vec(any::<u8>(), 0..512), complete: bool) {
        let whole = sniff(&bytes);
        let prefix = sniff_prefix(&bytes, complete);
        if complete {
            prop_assert_eq!(whole, prefix);
        }
    }
}
