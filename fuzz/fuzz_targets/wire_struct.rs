//! flatbox-wire: `from_slice` into a derived struct (borrowed strings and
//! bytes, options, enums, nested structs, maps, sequences, 128-bit
//! integers); what decodes must round-trip. And into a type that recurses
//! without reading a byte, which must end at the depth limit.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Kind<'a> {
    Unit,
    Newtype(i64),
    Tuple(u8, bool),
    Struct { name: &'a str, weight: f32 },
    Addr([u8; 4]),
    Position((f32, f32, f32)),
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Inner<'a> {
    id: u32,
    #[serde(borrow)]
    tag: Option<&'a str>,
    kind: Kind<'a>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Record<'a> {
    id: u64,
    delta: i32,
    big: i128,
    ratio: f64,
    #[serde(borrow)]
    name: &'a str,
    #[serde(with = "serde_bytes_compat")]
    blob: Vec<u8>,
    tags: Vec<String>,
    inner: Vec<Inner<'a>>,
    labels: BTreeMap<String, u16>,
    maybe: Option<Box<Record<'a>>>,
}

/// A newtype around an option of itself: each level may read nothing.
#[derive(Debug, Deserialize)]
struct Chain(#[allow(dead_code)] Option<Box<Chain>>);

/// Bytes as serde bytes (not a sequence of u8), without another crate.
mod serde_bytes_compat {
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
        }
        d.deserialize_bytes(V)
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = flatbox_wire::from_slice::<Vec<Chain>>(data);
    let Ok(record) = flatbox_wire::from_slice::<Record<'_>>(data) else { return };
    let bytes = flatbox_wire::to_vec(&record).expect("a decoded record encodes");
    let again: Record<'_> = flatbox_wire::from_slice(&bytes).expect("what the encoder wrote decodes");
    // NaN is not equal to itself (nested records hold floats too): compare
    // the Debug forms, which print every float exactly and NaN as NaN.
    assert_eq!(format!("{again:?}"), format!("{record:?}"), "decode -> encode -> decode changed the record");
    assert_eq!(flatbox_wire::to_vec(&again).unwrap(), bytes, "the encoding is not stable");
});
