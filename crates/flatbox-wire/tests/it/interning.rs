//! Interning: keys, string values, shapes, and what happens when the
//! tables are full.

use flatbox_wire::{Config, Value};
use serde::{Deserialize, Serialize};

use crate::hex;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Kv {
    key: String,
    value: u32,
}

#[test]
fn more_distinct_keys_than_the_table_holds_fall_back_to_plain_strings() {
    let config = Config::default().max_interned(3);
    let map: Vec<(String, u8)> = (0..6).map(|i| (format!("k{i}"), i)).collect();
    let value = Value::Map(map.iter().map(|(k, v)| (Value::String(k.clone()), Value::Integer((*v).into()))).collect());
    let bytes = flatbox_wire::to_vec_with_config(&value, config).unwrap();
    // Three definitions, then plain strings.
    let defines = bytes.iter().filter(|&&b| b == 0xED).count();
    assert_eq!(defines, 3, "{}", hex(&bytes));
    let back: Value = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(back, value);
    // Repeating the keys afterwards refers to the interned ones only.
    let twice = Value::Array(vec![value.clone(), value.clone()]);
    let bytes = flatbox_wire::to_vec_with_config(&twice, config).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Value>(&bytes).unwrap(), twice);
}

#[test]
fn more_shapes_than_the_table_holds_fall_back_to_maps() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct A {
        a: u8,
    }
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct B {
        b: u8,
    }
    let config = Config::default().max_shapes(1);
    let value = (A { a: 1 }, B { b: 2 }, A { a: 3 }, B { b: 4 });
    let bytes = flatbox_wire::to_vec_with_config(&value, config).unwrap();
    // A's shape spells its key out; B, a map, defines its key (#0).
    assert_eq!(hex(&bytes), "64 EF 01 41 61 01 71 ED 01 62 02 C0 03 71 80 04");
    assert_eq!(flatbox_wire::from_slice::<(A, B, A, B)>(&bytes).unwrap(), value);
}

#[test]
fn structs_share_shapes_and_values_share_strings() {
    let rows: Vec<Kv> = (0..4).map(|i| Kv { key: "same".into(), value: i }).collect();
    let plain = flatbox_wire::to_vec(&rows).unwrap();
    let interned = flatbox_wire::to_vec_with_config(&rows, Config::default().intern_strings(true)).unwrap();
    assert_eq!(
        hex(&plain),
        "64 EF 02 43 6B 65 79 44 73 61 6D 65 45 76 61 6C 75 65 00 C0 44 73 61 6D 65 01 C0 44 73 61 6D 65 02 C0 44 \
         73 61 6D 65 03"
    );
    assert_eq!(
        hex(&interned),
        "64 EF 02 43 6B 65 79 ED 04 73 61 6D 65 45 76 61 6C 75 65 00 C0 80 01 C0 80 02 C0 80 03"
    );
    assert_eq!(flatbox_wire::from_slice::<Vec<Kv>>(&interned).unwrap(), rows);
}

#[test]
fn a_values_first_string_is_found_again_in_another_field() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Pair {
        a: String,
        b: String,
        c: String,
    }
    let config = Config::default().intern_strings(true);
    let pair = Pair { a: "same".into(), b: "same".into(), c: "other".into() };
    let bytes = flatbox_wire::to_vec_with_config(&pair, config).unwrap();
    // "same" defined (#0) in `a`, referred to in `b`; "other" is #1.
    assert_eq!(hex(&bytes), "EF 03 41 61 ED 04 73 61 6D 65 41 62 80 41 63 ED 05 6F 74 68 65 72");
    assert_eq!(flatbox_wire::from_slice::<Pair>(&bytes).unwrap(), pair);
    // The next value on this thread starts again: "other" first is #0.
    let next = Pair { a: "other".into(), b: "same".into(), c: "other".into() };
    let bytes = flatbox_wire::to_vec_with_config(&next, config).unwrap();
    assert_eq!(hex(&bytes), "EF 03 41 61 ED 05 6F 74 68 65 72 41 62 ED 04 73 61 6D 65 41 63 80");
}

macro_rules! structs {
    ($($name:ident),*) => {
        $(#[derive(Debug, PartialEq, Serialize, Deserialize)] pub(super) struct $name { pub(super) $name: u8 })*
    };
}
#[allow(non_snake_case)]
mod many {
    use super::*;
    structs!(
        S0, S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12, S13, S14, S15, S16, S17, S18, S19, S20, S21, S22, S23,
        S24, S25, S26, S27, S28, S29, S30, S31, S32, S33, S34
    );
    pub(super) fn all(x: u8) -> Vec<u8> {
        let value = (
            (
                S0 { S0: x },
                S1 { S1: x },
                S2 { S2: x },
                S3 { S3: x },
                S4 { S4: x },
                S5 { S5: x },
                S6 { S6: x },
                S7 { S7: x },
                S8 { S8: x },
                S9 { S9: x },
                S10 { S10: x },
                S11 { S11: x },
                S12 { S12: x },
                S13 { S13: x },
                S14 { S14: x },
                S15 { S15: x },
            ),
            (
                S16 { S16: x },
                S17 { S17: x },
                S18 { S18: x },
                S19 { S19: x },
                S20 { S20: x },
                S21 { S21: x },
                S22 { S22: x },
                S23 { S23: x },
                S24 { S24: x },
                S25 { S25: x },
                S26 { S26: x },
                S27 { S27: x },
                S28 { S28: x },
                S29 { S29: x },
                S30 { S30: x },
                S31 { S31: x },
            ),
            (S32 { S32: x }, S33 { S33: x }, S34 { S34: x }),
            (S32 { S32: x }, S34 { S34: x }),
        );
        let mut out = Vec::new();
        flatbox_wire::with_serializer(&mut out, Config::default(), |ser| value.serialize(ser)).unwrap();
        out
    }
}

#[test]
fn shapes_beyond_32_and_strings_beyond_64_use_the_long_forms() {
    let value = Value::Array(
        (0..100).map(|i| Value::Map(vec![(Value::String(format!("key{i}")), Value::Integer(i))])).collect(),
    );
    let once = flatbox_wire::to_vec(&value).unwrap();
    let twice = flatbox_wire::to_vec(&Value::Array(vec![value.clone(), value.clone()])).unwrap();
    assert!(twice.windows(2).any(|w| w[0] == 0xEE), "a long string reference appears");
    assert_eq!(flatbox_wire::from_slice::<Value>(&once).unwrap(), value);

    // 35 struct types: shapes 32 and up are referenced with 0xF0.
    let bytes = many::all(7);
    assert!(bytes.windows(3).any(|w| w == [0xF0, 0x20, 0x07]), "shape 32 referenced: {}", hex(&bytes));
    let back: Value = flatbox_wire::from_slice(&bytes).unwrap();
    let Value::Array(groups) = back else { panic!("an array") };
    assert_eq!(groups.len(), 4);
}

/// Every length, count and index varint the encoder writes after a tag,
/// at the edges of its one-, two- and three-byte forms.
#[test]
fn varints_after_a_tag_take_one_two_or_three_bytes_at_their_edges() {
    let keys: Vec<String> = (0..20_001).map(|i| format!("k{i}")).collect();
    let value = Value::Array(
        (0..2).map(|_| Value::Map(keys.iter().map(|k| (Value::String(k.clone()), Value::Null)).collect())).collect(),
    );
    let bytes = flatbox_wire::to_vec(&value).unwrap();
    // The second map refers to each key: index 127 in one byte after the
    // tag, 128 and 16383 in two, 16384 and 20000 in three.
    for (index, varint) in [
        (127, &[0x7F][..]),
        (128, &[0x80, 0x01]),
        (16_383, &[0xFF, 0x7F]),
        (16_384, &[0x80, 0x80, 0x01]),
        (20_000, &[0xA0, 0x9C, 0x01]),
    ] {
        let reference: Vec<u8> = [&[0xEE][..], varint, &[0xE0]].concat();
        assert!(bytes.windows(reference.len()).any(|w| w == reference), "reference to {index}: {}", hex(&reference));
    }
    // A map of 20001 entries: 0xEC and a three-byte count.
    assert_eq!(bytes[1..5], [0xEC, 0xA1, 0x9C, 0x01], "{}", hex(&bytes[..8]));
    assert_eq!(flatbox_wire::from_slice::<Value>(&bytes).unwrap(), value);

    // Strings of 32, 127, 128, 16383 and 16384 bytes, plain and defined.
    for len in [32, 127, 128, 16_383, 16_384] {
        let text = "x".repeat(len);
        let mut head = vec![0xE9];
        flatbox_wire::varint::write_u64(&mut head, len as u64);
        let plain = flatbox_wire::to_vec(&text).unwrap();
        assert_eq!(plain[..head.len()], head[..], "{len} bytes");
        assert_eq!(plain.len(), head.len() + len);
        assert_eq!(flatbox_wire::from_slice::<String>(&plain).unwrap(), text);

        let as_key = Value::Map(vec![(Value::String(text.clone()), Value::Null)]);
        let defined = flatbox_wire::to_vec(&as_key).unwrap();
        head[0] = 0xED;
        assert_eq!(defined[1..=head.len()], head[..], "{len} bytes, defined");
        assert_eq!(flatbox_wire::from_slice::<Value>(&defined).unwrap(), as_key);
    }
}

/// Structs of 35 types, decoded into their own types: the decoder
/// remembers the first eight shapes' field lists by index and the last one
/// found in order, and neither may answer for another shape.
#[test]
fn structs_of_many_types_decode_into_their_types_past_the_remembered_shapes() {
    #[derive(Serialize)]
    struct Point {
        x: u8,
        y: u8,
    }
    #[derive(Debug, PartialEq, Deserialize)]
    struct InOrder {
        x: u8,
        y: u8,
    }
    #[derive(Debug, PartialEq, Deserialize)]
    struct Reversed {
        y: u8,
        x: u8,
    }
    use many::*;
    type Group1 = (S0, S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12, S13, S14, S15);
    type Group2 = (S16, S17, S18, S19, S20, S21, S22, S23, S24, S25, S26, S27, S28, S29, S30, S31);
    let bytes = all(7);
    let (g1, g2, g3, g4): (Group1, Group2, (S32, S33, S34), (S32, S34)) = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!((g1.0.S0, g1.7.S7, g1.8.S8, g1.15.S15, g2.15.S31), (7, 7, 7, 7, 7));
    assert_eq!((g3.0.S32, g3.2.S34, g4.0.S32, g4.1.S34), (7, 7, 7, 7));
    // One shape read by types in field order and by key, taking turns.
    let points: Vec<Point> = (0..5).map(|i| Point { x: i, y: 10 + i }).collect();
    let bytes = flatbox_wire::to_vec(&points).unwrap();
    let back: (InOrder, Reversed, InOrder, Reversed, InOrder) = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(
        back,
        (
            InOrder { x: 0, y: 10 },
            Reversed { y: 11, x: 1 },
            InOrder { x: 2, y: 12 },
            Reversed { y: 13, x: 3 },
            InOrder { x: 4, y: 14 }
        )
    );
}

#[test]
fn a_struct_whose_fields_change_is_written_as_a_map() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sometimes {
        a: u8,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        b: Option<u8>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        c: Option<u8>,
    }
    // Same field count (2), different fields: the second is not the shape
    // the first defined.
    let rows = vec![
        Sometimes { a: 1, b: Some(2), c: None },
        Sometimes { a: 3, b: None, c: Some(4) },
        Sometimes { a: 5, b: Some(6), c: None },
        Sometimes { a: 7, b: None, c: None },
    ];
    let bytes = flatbox_wire::to_vec(&rows).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Sometimes>>(&bytes).unwrap(), rows);
    // The shapes spell their keys out; the map defines its keys (#0, #1),
    // and a later shape does not refer to them.
    assert_eq!(hex(&bytes), "64 EF 02 41 61 01 41 62 02 72 ED 01 61 03 ED 01 63 04 C0 05 06 EF 01 41 61 07");
}

/// A hand-written `Serialize` that may declare another field count than it
/// writes: serde's contract says not to, but the encoder does not trust it.
struct Fields {
    name: &'static str,
    declared: usize,
    keys: Vec<&'static str>,
}

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct(self.name, self.declared)?;
        for (i, &key) in self.keys.iter().enumerate() {
            s.serialize_field(key, &u64::try_from(i).expect("a few fields"))?;
        }
        s.end()
    }
}

// Field names the encoder tells apart by address: one address each.
static A: &str = "a";
static B: &str = "b";
static C: &str = "c";
static Z: &str = "z";

#[test]
fn a_struct_with_more_fields_than_it_declared_is_an_error_however_it_is_written() {
    fn too_many(value: &impl Serialize, config: Config) {
        let error = flatbox_wire::to_vec_with_config(value, config).unwrap_err();
        assert!(error.to_string().contains("struct has more fields than the 1 it declared"), "{error}");
    }
    let fields = |name, declared, keys: &[&'static str]| Fields { name, declared, keys: keys.to_vec() };
    // Its shape being defined, or written as a map without key interning.
    too_many(&fields("One", 1, &[A, B]), Config::default());
    too_many(&fields("One", 1, &[A, B]), Config::default().intern_keys(false));
    // Predicted from an earlier "One". "Two" defines "b", "c" right after
    // "One"'s "a", so the extra "b" is the very key that follows the
    // shape's: it must not be taken for one of the shape's.
    too_many(&(fields("One", 1, &[A]), fields("Two", 2, &[B, C]), fields("One", 1, &[A, B])), Config::default());
    too_many(&(fields("One", 1, &[A]), fields("One", 1, &[A, Z])), Config::default());
    // A field that is not the shape's still makes the struct a map.
    let bytes = flatbox_wire::to_vec(&(fields("One", 1, &[A]), fields("One", 1, &[Z]))).unwrap();
    let back: Value = flatbox_wire::from_slice(&bytes).unwrap();
    let map = |k: &str| Value::Map(vec![(Value::String(k.into()), Value::Integer(0))]);
    assert_eq!(back, Value::Array(vec![map("a"), map("z")]));
}

#[test]
fn a_struct_with_fewer_fields_than_it_declared_is_an_error() {
    let value =
        (Fields { name: "Two", declared: 2, keys: vec![A, B] }, Fields { name: "Two", declared: 2, keys: vec![A] });
    let error = flatbox_wire::to_vec(&value).unwrap_err();
    assert!(error.to_string().contains("struct declared 2 fields but serialized 1"), "{error}");
}

/// A sequence or map that declares `declared` items and then writes
/// `items` of them (`None`: without end).
struct Lying {
    map: bool,
    declared: Option<usize>,
    items: Option<u32>,
}

impl Serialize for Lying {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        let items = (0..).take_while(|&i| self.items.is_none_or(|n| i < n));
        if self.map {
            let mut map = serializer.serialize_map(self.declared)?;
            for i in items {
                map.serialize_entry(&i, &i)?;
            }
            map.end()
        } else {
            let mut seq = serializer.serialize_seq(self.declared)?;
            for i in items {
                seq.serialize_element(&i)?;
            }
            seq.end()
        }
    }
}

#[test]
fn a_sequence_or_map_that_breaks_its_declared_length_is_an_error() {
    let error =
        |map, declared, items| flatbox_wire::to_vec(&(1_u8, Lying { map, declared, items })).unwrap_err().to_string();
    for (map, what) in [(false, "sequence has more elements"), (true, "map has more entries")] {
        assert!(error(map, Some(2), Some(3)).contains(&format!("{what} than the 2 it declared")));
        // One that never stops is stopped at the first item too many.
        assert!(error(map, Some(1), None).contains(&format!("{what} than the 1 it declared")));
    }
    assert!(error(false, Some(3), Some(1)).contains("sequence declared 3 elements but serialized 1"));
    assert!(error(true, Some(3), Some(0)).contains("map declared 3 entries but serialized 0"));
    // Kept to, or not declared at all, they decode as written.
    for declared in [Some(3), None] {
        let bytes = flatbox_wire::to_vec(&Lying { map: false, declared, items: Some(3) }).unwrap();
        assert_eq!(flatbox_wire::from_slice::<Vec<u32>>(&bytes).unwrap(), [0, 1, 2]);
        let bytes = flatbox_wire::to_vec(&Lying { map: true, declared, items: Some(3) }).unwrap();
        let map: std::collections::BTreeMap<u32, u32> = flatbox_wire::from_slice(&bytes).unwrap();
        assert_eq!(map.into_iter().collect::<Vec<_>>(), [(0, 0), (1, 1), (2, 2)]);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Inner {
    label: String,
    points: flatbox_wire::Packed<Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Varying {
    first: Vec<Inner>,
    when: flatbox_wire::Timestamp,
    #[allow(clippy::option_option, reason = "Some(None) has its own encoding, tested here")]
    nested: Option<Option<Inner>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    left: Option<Inner>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    right: Option<String>,
}

#[test]
fn rewriting_a_mispredicted_struct_keeps_nested_shapes_packed_data_and_strings() {
    let inner =
        |s: &str, n: u32| Inner { label: s.to_owned(), points: flatbox_wire::Packed((0..n).map(f64::from).collect()) };
    let t = flatbox_wire::Timestamp::new(1_700_000_000, 7).unwrap();
    // Same field count, different fields: the second row mispredicts at
    // field 3, after values holding shapes, packed arrays and a timestamp.
    let rows = vec![
        Varying { first: vec![inner("a", 3)], when: t, nested: Some(None), left: Some(inner("b", 1)), right: None },
        Varying {
            first: vec![inner("c", 2), inner("d", 5)],
            when: t,
            nested: Some(Some(inner("e", 4))),
            left: None,
            right: Some("r".into()),
        },
        Varying { first: vec![], when: t, nested: None, left: Some(inner("f", 0)), right: None },
    ];
    for config in [Config::default(), Config::default().intern_strings(true)] {
        let bytes = flatbox_wire::to_vec_with_config(&rows, config).unwrap();
        assert_eq!(flatbox_wire::from_slice::<Vec<Varying>>(&bytes).unwrap(), rows, "{}", hex(&bytes));
        // The packed arrays inside the rewritten struct are still aligned.
        let back: Value = flatbox_wire::from_slice(&bytes).unwrap();
        assert_eq!(flatbox_wire::to_vec_with_config(&back, config).map(|b| !b.is_empty()).ok(), Some(true));
        assert!(flatbox_wire::inspect(&bytes).unwrap().contains("packed f64"));
    }
}

/// A sequence whose length serde does not know up front.
struct Unsized(Vec<flatbox_wire::Packed<Vec<f64>>>);

impl Serialize for Unsized {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        for p in &self.0 {
            seq.serialize_element(p)?;
        }
        seq.end()
    }
}

#[test]
fn sequences_of_unknown_length_keep_packed_data_aligned() {
    let items: Vec<_> = (1..20_u32).map(|n| flatbox_wire::Packed((0..n).map(f64::from).collect())).collect();
    // 19 items need a two-byte header (EB 13), written after the items.
    let bytes = flatbox_wire::to_vec(&(1_u8, Unsized(items.clone()))).unwrap();
    let back: (u8, Vec<flatbox_wire::Packed<Vec<f64>>>) = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(back.1, items);
    let borrowed: (u8, Vec<flatbox_wire::Packed<&[f64]>>) = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(borrowed.1.len(), 19, "every packed array is aligned, so it borrows");
}

/// Twenty variant names in the encoder's direct-mapped cache of names (64
/// slots, two ways): enough that some may share a slot and evict each
/// other.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum Many {
    V00,
    V01,
    V02,
    V03,
    V04,
    V05,
    V06,
    V07,
    V08,
    V09,
    V10,
    V11,
    V12,
    V13,
    V14,
    V15,
    V16,
    V17,
    V18,
    V19,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Outer {
    many: Many,
    inner: Middle,
    tail: Option<Tail>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Middle {
    deep: Tail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Tail {
    n: u32,
}

#[test]
fn each_name_and_shape_is_defined_once_however_the_types_take_turns() {
    use Many::*;
    let all = [V00, V01, V02, V03, V04, V05, V06, V07, V08, V09, V10, V11, V12, V13, V14, V15, V16, V17, V18, V19];
    // Variants in a scrambled order, three times over; the nested struct
    // types take turns (Outer, Middle, Tail, and Tail again or not).
    let values: Vec<Outer> = (0..60_u32)
        .map(|i| Outer {
            many: all[(i * 7 % 20) as usize],
            inner: Middle { deep: Tail { n: i } },
            tail: (i % 3 == 0).then_some(Tail { n: i + 100 }),
        })
        .collect();
    let bytes = flatbox_wire::to_vec(&values).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Outer>>(&bytes).unwrap(), values);
    // Every variant name (20) is defined exactly once (`ED`) and every
    // struct type (3) once (`EF`), its field names spelled out there: the
    // caches never lose an index. (No other byte of this encoding is `ED`
    // or `EF`: the integers are below 160, the names ASCII.)
    let count = |tag: u8| bytes.iter().filter(|&&b| b == tag).count();
    assert_eq!((count(0xED), count(0xEF)), (20, 3), "{}", hex(&bytes));
}

/// A struct whose `Serialize` encodes another value with `to_vec` while the
/// outer serializer is still writing: two serializers alive on one thread.
struct Nested(Kv);

impl Serialize for Nested {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeStruct as _};
        let inner = flatbox_wire::to_vec(&self.0).map_err(S::Error::custom)?;
        let mut s = serializer.serialize_struct("Nested", 2)?;
        s.serialize_field("kv", &self.0)?;
        s.serialize_field("inner", &Value::Bytes(inner))?;
        s.end()
    }
}

#[test]
fn each_value_starts_with_empty_tables_whatever_the_thread_encoded_before() {
    // The serializer keeps its emptied tables per thread for the next one.
    // The bytes must not depend on it: the same value encodes the same on a
    // fresh thread, after other values, and beside a nested serializer.
    let kv = Kv { key: "k".into(), value: 7 };
    let pair = vec![kv.clone(), kv.clone()];
    let strings = Config::default().intern_strings(true);
    let (fresh, fresh_strings) = std::thread::spawn({
        let pair = pair.clone();
        move || (flatbox_wire::to_vec(&pair).unwrap(), flatbox_wire::to_vec_with_config(&pair, strings).unwrap())
    })
    .join()
    .unwrap();
    // Shape 0 is defined (EF, 2 fields) by the first struct, and the second
    // refers to it (C0).
    assert_eq!(&fresh[..3], &[0x62, 0xEF, 0x02], "{}", hex(&fresh));
    assert_eq!(fresh.iter().filter(|&&b| b == 0xC0).count(), 1, "{}", hex(&fresh));
    // Other values, with the same string "k" at another interning index.
    let others: Vec<Kv> = (0..40).map(|i| Kv { key: format!("x{}", 39 - i).replace("x0", "k"), value: i }).collect();
    flatbox_wire::to_vec(&others).unwrap();
    flatbox_wire::to_vec(&Value::Array(vec![Value::Bool(true); 3])).unwrap();
    assert_eq!(flatbox_wire::to_vec(&pair).unwrap(), fresh);
    // Interned strings too: "k" is defined anew, not referred to.
    flatbox_wire::to_vec_with_config(&others, strings).unwrap();
    assert_eq!(flatbox_wire::to_vec_with_config(&pair, strings).unwrap(), fresh_strings);
    // Nor found among the field's recent strings of a value before, where
    // it had index 1.
    let turns: Vec<Kv> = ["z", "k", "z", "k"].map(|key| Kv { key: key.into(), value: 1 }).into();
    flatbox_wire::to_vec_with_config(&turns, strings).unwrap();
    assert_eq!(flatbox_wire::to_vec_with_config(&pair, strings).unwrap(), fresh_strings);

    let nested = flatbox_wire::to_vec(&Nested(kv.clone())).unwrap();
    let inner = flatbox_wire::to_vec(&kv).unwrap();
    assert_eq!(flatbox_wire::to_vec(&pair).unwrap(), fresh);
    let back: Value = flatbox_wire::from_slice(&nested).unwrap();
    let Value::Map(entries) = back else { panic!("a struct decodes to a map: {back:?}") };
    assert_eq!(entries[1].1, Value::Bytes(inner));
    assert_eq!(flatbox_wire::from_slice::<Vec<Kv>>(&fresh).unwrap(), pair);
}

/// A `Kv` whose `Serialize` panics once its shape is being defined.
struct Panics;

impl Serialize for Panics {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Kv", 2)?;
        s.serialize_field("key", "k")?;
        panic!("a Serialize impl that panics");
    }
}

#[test]
fn a_serialize_impl_that_panics_leaves_the_next_value_empty_tables() {
    // The thread's tables are borrowed in place while a value is written
    // and emptied when its serializer is dropped, on unwinding too.
    let kv = Kv { key: "k".into(), value: 7 };
    let pair = vec![kv.clone(), kv.clone()];
    let strings = Config::default().intern_strings(true);
    let fresh = std::thread::spawn({
        let pair = pair.clone();
        move || flatbox_wire::to_vec_with_config(&pair, strings).unwrap()
    })
    .join()
    .unwrap();
    let caught = std::panic::catch_unwind(|| flatbox_wire::to_vec_with_config(&(kv.clone(), Panics), strings));
    assert!(caught.is_err(), "the impl panics");
    let bytes = flatbox_wire::to_vec_with_config(&pair, strings).unwrap();
    assert_eq!(bytes, fresh, "{}", hex(&bytes));
    assert_eq!(flatbox_wire::from_slice::<Vec<Kv>>(&bytes).unwrap(), pair);
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum Light {
    Red,
    Amber,
    Green,
}

#[test]
fn names_cached_for_one_value_are_gone_by_the_next() {
    // A variant name met twice is cached by its address with its interning
    // index, in tables the thread keeps for its next serializer. The next
    // value must start without them, whether or not the values between
    // cached anything: here Red is index 0 in `first` and 2 in `second`.
    let first = vec![Light::Red, Light::Green, Light::Red, Light::Green];
    let second = vec![Light::Green, Light::Amber, Light::Green, Light::Red, Light::Red];
    let fresh = std::thread::spawn({
        let second = second.clone();
        move || flatbox_wire::to_vec(&second).unwrap()
    })
    .join()
    .unwrap();
    flatbox_wire::to_vec(&first).unwrap();
    // Caches nothing, so leaves the cache as it found it.
    flatbox_wire::to_vec(&7_u32).unwrap();
    assert_eq!(flatbox_wire::to_vec(&second).unwrap(), fresh, "{}", hex(&fresh));
    flatbox_wire::to_vec(&first).unwrap();
    assert_eq!(flatbox_wire::to_vec(&second).unwrap(), fresh, "{}", hex(&fresh));
    assert_eq!(flatbox_wire::from_slice::<Vec<Light>>(&fresh).unwrap(), second);
}

/// How a field's values were written, from the tags in front of them:
/// (definitions, references, plain strings).
fn string_kinds(bytes: &[u8], values: &[String]) -> (usize, usize, usize) {
    let mut kinds = (0, 0, 0);
    for (i, w) in bytes.windows(2).enumerate() {
        let tail = &bytes[i + 2..];
        match w {
            [0xED, n] if values.iter().any(|v| v.len() == usize::from(*n) && tail.starts_with(v.as_bytes())) => {
                kinds.0 += 1;
            }
            [t, _] if (0x40..=0x5F).contains(t) => {
                let n = usize::from(t - 0x40);
                if values.iter().any(|v| v.len() == n && bytes[i + 1..].starts_with(v.as_bytes())) {
                    kinds.2 += 1;
                }
            }
            _ => {}
        }
    }
    kinds.1 = bytes.iter().filter(|&&b| (0x80..=0xBF).contains(&b)).count();
    kinds
}

#[test]
fn a_field_of_distinct_strings_stops_being_interned_and_a_repetitive_one_does_not() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Hit {
        id: String,
        level: String,
    }
    let levels = ["info", "warn", "error"];
    let hits: Vec<Hit> = (0..100).map(|i| Hit { id: format!("req-{i:03}"), level: levels[i % 3].to_owned() }).collect();
    let bytes = flatbox_wire::to_vec_with_config(&hits, Config::default().intern_strings(true)).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Hit>>(&bytes).unwrap(), hits);

    // `id`: its first 32 values are defined, none is found again, so the
    // other 68 are plain.
    let ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
    let (defined, _, plain) = string_kinds(&bytes, &ids);
    assert_eq!((defined, plain), (32, 68), "{}", hex(&bytes));
    // `level`: three definitions, then references to the end.
    let levels: Vec<String> = levels.iter().map(|&l| l.to_owned()).collect();
    let (defined, _, plain) = string_kinds(&bytes, &levels);
    assert_eq!((defined, plain), (3, 0), "{}", hex(&bytes));
    // Every reference in the output: the 97 repeated levels, the shape's
    // two keys in its definition are definitions, not references.
    assert_eq!(bytes.iter().filter(|&&b| (0x80..=0xBF).contains(&b)).count(), 97);
}

#[test]
fn a_window_with_a_quarter_found_keeps_interning_and_one_with_less_stops_it() {
    // Strings outside any struct share one site. 32 values of which 8 are
    // found in the table (the first "again" defines it, the next 8 are
    // found) keep it on; in the next 32, 7 found turn it off.
    let mut values: Vec<String> = Vec::new();
    for window in 0..2 {
        let repeats = if window == 0 { 9 } else { 7 };
        for i in 0..32 {
            values.push(if i < repeats { "again".to_owned() } else { format!("w{window}-{i}") });
        }
    }
    values.extend(["again".to_owned(), "late".to_owned(), "late".to_owned()]);
    let bytes = flatbox_wire::to_vec_with_config(&values, Config::default().intern_strings(true)).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<String>>(&bytes).unwrap(), values);
    let defines = bytes.iter().filter(|&&b| b == 0xED).count();
    // "again" once, 23 then 25 distinct strings; after the second window
    // nothing more is defined, and "again", in the table, is written plain.
    assert_eq!(defines, 1 + 23 + 25, "{}", hex(&bytes));
    assert!(
        bytes.ends_with(&[
            0x45, b'a', b'g', b'a', b'i', b'n', 0x44, b'l', b'a', b't', b'e', 0x44, b'l', b'a', b't', b'e'
        ])
    );
}

#[test]
fn map_keys_are_interned_whatever_the_count_of_their_site() {
    // Forty distinct keys, none found again: as values they would turn
    // their site's interning off after 32; as keys they are all defined,
    // with `intern_keys` on or off.
    let map: std::collections::BTreeMap<String, u8> = (0..40).map(|i| (format!("key{i:02}"), 1)).collect();
    for config in [Config::default().intern_strings(true), Config::default().intern_keys(false).intern_strings(true)] {
        let bytes = flatbox_wire::to_vec_with_config(&map, config).unwrap();
        assert_eq!(bytes.iter().filter(|&&b| b == 0xED).count(), 40, "{}", hex(&bytes));
        assert_eq!(flatbox_wire::from_slice::<std::collections::BTreeMap<String, u8>>(&bytes).unwrap(), map);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Shift {
    Left { by: u32 },
    Right { by: u32, wrap: bool },
    Stay,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Move {
    shift: Shift,
    then: Option<Tail>,
}

#[test]
fn struct_types_that_take_turns_in_one_field_keep_their_own_shapes() {
    // The encoder predicts a nested struct's type from the field it starts
    // in; here that field holds two struct variants, a unit variant, and
    // (in `then`) a struct of a third type, in an irregular order.
    let values: Vec<Move> = (0..50_u32)
        .map(|i| Move {
            shift: match i * 7 % 5 {
                0 | 3 => Shift::Left { by: i },
                1 => Shift::Right { by: i + 1, wrap: i % 2 == 0 },
                _ => Shift::Stay,
            },
            then: (i % 4 == 1).then_some(Tail { n: i }),
        })
        .collect();
    let bytes = flatbox_wire::to_vec(&values).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Move>>(&bytes).unwrap(), values);
    // Four struct types (Move, Left, Right, Tail), each defined once (`EF`);
    // every other struct is a one-byte reference to its own shape
    // (`C0`..`C3`), never a map. (The integers are at most 50, one byte
    // each, and the names ASCII: no other byte is `EF` or `C0`..`C3`.)
    let count = |tag: u8| bytes.iter().filter(|&&b| b == tag).count();
    let structs = values.len()
        + values.iter().filter(|m| !matches!(m.shift, Shift::Stay)).count()
        + values.iter().filter(|m| m.then.is_some()).count();
    let refs: usize = (0xC0..=0xC3).map(count).sum();
    assert_eq!((count(0xEF), refs), (4, structs - 4), "{}", hex(&bytes));
}

/// A struct "Wrapper" of `a: 0` and then `key: inner`.
struct Wrapper {
    key: &'static str,
    inner: Fields,
}

impl Serialize for Wrapper {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Wrapper", 2)?;
        s.serialize_field(A, &0u8)?;
        s.serialize_field(self.key, &self.inner)?;
        s.end()
    }
}

#[test]
fn structs_off_the_fast_path_nest_and_one_that_fails_leaves_nothing_behind() {
    let wrapper = |key, name, declared, keys: &[&'static str]| Wrapper {
        key,
        inner: Fields { name, declared, keys: keys.to_vec() },
    };
    // Three structs off the fast path at once: "Wrapper" predicted, then
    // rewritten as a map at "z"; inside it "Other", its shape being
    // defined; then "Inner" predicted again.
    let good = move || (wrapper(B, "Inner", 2, &[A, B]), wrapper(Z, "Other", 1, &[C]), wrapper(B, "Inner", 2, &[A, B]));
    let fresh = std::thread::spawn(move || flatbox_wire::to_vec(&good()).unwrap()).join().unwrap();

    // "Inner" fails while "Wrapper" and it are both having their shapes
    // defined: the next value on this thread starts afresh all the same.
    let error = flatbox_wire::to_vec(&wrapper(B, "Inner", 1, &[A, B])).unwrap_err();
    assert!(error.to_string().contains("struct has more fields than the 1 it declared"), "{error}");
    let bytes = flatbox_wire::to_vec(&good()).unwrap();
    assert_eq!(bytes, fresh, "{}", hex(&bytes));

    let int = |i| Value::Integer(i);
    let map = |entries: Vec<(&str, Value)>| {
        Value::Map(entries.into_iter().map(|(k, v)| (Value::String(k.into()), v)).collect())
    };
    let inner = || map(vec![("a", int(0)), ("b", int(1))]);
    let back: Value = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(
        back,
        Value::Array(vec![
            map(vec![("a", int(0)), ("b", inner())]),
            map(vec![("a", int(0)), ("z", map(vec![("c", int(0))]))]),
            map(vec![("a", int(0)), ("b", inner())]),
        ])
    );
}

/// Variant names as many `&'static str`s at many addresses: windows of
/// one static text, so that the same name stands at several addresses and
/// names lie a byte apart.
struct Names(Vec<&'static str>);

/// One unit variant named `self.0`.
struct Named(&'static str);

impl Serialize for Named {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit_variant("Named", 0, self.0)
    }
}

impl Serialize for Names {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|&name| Named(name)))
    }
}

#[test]
fn names_at_many_addresses_keep_one_index_per_text() {
    // 26 distinct texts at 200 addresses (each window of three letters of a
    // text that repeats the alphabet), more than the key cache has slots:
    // whatever the cache keeps or evicts, each text is defined once and
    // every later use refers to that one definition.
    static TEXT: &str = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop";
    let names: Vec<&'static str> =
        (0..200).map(|i| &TEXT[i..i + 3]).chain((0..200).rev().map(|i| &TEXT[i..i + 3])).collect();
    let bytes = flatbox_wire::to_vec(&Names(names.clone())).unwrap();
    let back: Value = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(back, Value::Array(names.iter().map(|n| Value::String((*n).to_owned())).collect()));
    let defines = bytes.iter().filter(|&&b| b == 0xED).count();
    assert_eq!(defines, 26, "{}", hex(&bytes));
}

/// Strings that a cache of recent strings could take for one another: the
/// same length and the same first eight bytes, one byte apart, the empty
/// string, multi-byte UTF-8. The last four are pairs that an encoder keeping
/// a field's recent strings by their length, first sixteen and last eight
/// bytes cannot tell apart without comparing every byte: the same ends
/// around another middle, and two strings of sixteen bytes whose ends
/// differ in the bits that cancel in the encoder's key
/// (`first ^ last.rotate_left(29)`: bit 0 of the first byte, bit 3 of the
/// thirteenth).
const LOOKALIKES: [&str; 16] = [
    "",
    "a",
    "b",
    "ab",
    "ba",
    "abcdefgh",
    "abcdefgX",
    "abcdefgh1",
    "abcdefgh2",
    "abcdefgh1x",
    "é",
    "-",
    "abcdefghijklmnop-1-stuvwxyz",
    "abcdefghijklmnop-2-stuvwxyz",
    "abcdefghijklmnop",
    "`bcdefghijklenop",
];

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct TwoFields {
    a: String,
    b: String,
}

#[test]
fn strings_taking_turns_in_a_field_are_defined_once_and_referred_to_after() {
    // Three categories in turn, and lookalikes in between: each distinct
    // string is defined once, and every later one is a reference to its
    // own definition (a wrong reference would decode to another string).
    let order =
        [0, 1, 2, 0, 1, 2, 5, 6, 5, 7, 8, 7, 9, 8, 2, 1, 0, 10, 11, 10, 3, 4, 3, 4, 12, 13, 12, 14, 15, 14, 13, 15];
    let values: Vec<String> = order.iter().cycle().take(96).map(|&i| LOOKALIKES[i].to_owned()).collect();
    let bytes = flatbox_wire::to_vec_with_config(&values, Config::default().intern_strings(true)).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<String>>(&bytes).unwrap(), values);
    assert_eq!(bytes.iter().filter(|&&b| b == 0xED).count(), LOOKALIKES.len(), "{}", hex(&bytes));
    // References are 0x80 to 0xBF, as is the second byte of "é"'s
    // definition.
    let refs = bytes.iter().filter(|&&b| (0x80..=0xBF).contains(&b)).count();
    assert_eq!(refs, values.len() - LOOKALIKES.len() + 1, "{}", hex(&bytes));
}

proptest::proptest! {
    #[test]
    fn lookalike_strings_round_trip_with_string_interning(
        picks in proptest::collection::vec((0..LOOKALIKES.len(), 0..LOOKALIKES.len()), 0..80),
    ) {
        let rows: Vec<TwoFields> =
            picks.iter().map(|&(a, b)| TwoFields { a: LOOKALIKES[a].to_owned(), b: LOOKALIKES[b].to_owned() }).collect();
        let bytes = flatbox_wire::to_vec_with_config(&rows, Config::default().intern_strings(true)).unwrap();
        proptest::prop_assert_eq!(flatbox_wire::from_slice::<Vec<TwoFields>>(&bytes).unwrap(), rows);

        let flat: Vec<String> = picks.iter().flat_map(|&(a, b)| [LOOKALIKES[a].to_owned(), LOOKALIKES[b].to_owned()]).collect();
        let bytes = flatbox_wire::to_vec_with_config(&flat, Config::default().intern_strings(true)).unwrap();
        proptest::prop_assert_eq!(flatbox_wire::from_slice::<Vec<String>>(&bytes).unwrap(), flat);
    }
}
