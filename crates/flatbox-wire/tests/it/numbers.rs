//! Arrays of numbers (tag `FD`): what the encoder writes them for, that
//! they decode as the plain arrays they stand for, and their bad inputs.

use flatbox_wire::{ErrorKind, Value};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{check, hex};

fn round_trip<T>(value: &T) -> Vec<u8>
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = flatbox_wire::to_vec(value).unwrap();
    assert_eq!(&flatbox_wire::from_slice::<T>(&bytes).unwrap(), value, "{}", hex(&bytes));
    assert_eq!(&flatbox_wire::from_reader::<_, T>(&bytes[..]).unwrap(), value);
    // The disassembler reads every element.
    flatbox_wire::inspect(&bytes).unwrap();
    bytes
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Sample {
    id: u32,
    features: Vec<f32>,
    coordinates: Vec<f64>,
    digest: Vec<u8>,
    deltas: Vec<i16>,
    address: [u8; 4],
    label: String,
}

proptest! {
    #[test]
    fn vectors_of_every_number_type_round_trip(
        a in prop::collection::vec(any::<u8>(), 0..40),
        b in prop::collection::vec(any::<i8>(), 0..40),
        c in prop::collection::vec(any::<u16>(), 0..40),
        d in prop::collection::vec(any::<i32>(), 0..40),
        e in prop::collection::vec(any::<u64>(), 0..40),
        f in prop::collection::vec(any::<i64>(), 0..40),
        g in prop::collection::vec(any::<f32>().prop_filter("not NaN", |f| !f.is_nan()), 0..40),
        h in prop::collection::vec(any::<f64>().prop_filter("not NaN", |f| !f.is_nan()), 0..40),
    ) {
        let value = (a, b, c, d, e, f, g, h);
        let bytes = round_trip(&value);
        // Through Value and back, the same value again.
        let v: Value = flatbox_wire::from_slice(&bytes).unwrap();
        let again = flatbox_wire::to_vec(&v).unwrap();
        prop_assert_eq!(flatbox_wire::from_slice::<Value>(&again).unwrap(), v);
    }

    #[test]
    fn structs_holding_numeric_vectors_round_trip(
        samples in prop::collection::vec(
            (
                any::<u32>(),
                prop::collection::vec(any::<f32>().prop_filter("not NaN", |f| !f.is_nan()), 0..10),
                prop::collection::vec(any::<f64>().prop_filter("not NaN", |f| !f.is_nan()), 0..6),
                prop::collection::vec(any::<u8>(), 0..20),
                prop::collection::vec(any::<i16>(), 0..8),
                any::<[u8; 4]>(),
                "[a-z]{0,4}",
            ),
            0..6,
        )
    ) {
        let samples: Vec<Sample> = samples
            .into_iter()
            .map(|(id, features, coordinates, digest, deltas, address, label)| Sample {
                id, features, coordinates, digest, deltas, address, label,
            })
            .collect();
        round_trip(&samples);
    }

    #[test]
    fn an_array_of_numbers_decodes_as_the_plain_array_it_stands_for(v in prop::collection::vec(any::<i64>(), 4..30)) {
        let numbers = flatbox_wire::to_vec(&v).unwrap();
        prop_assert_eq!(numbers[0], 0xFD);
        // The same elements one tag each.
        let n = u8::try_from(v.len()).unwrap();
        let mut plain = if n <= 15 { vec![0x60 + n] } else { vec![0xEB, n] };
        for x in &v {
            plain.extend(flatbox_wire::to_vec(x).unwrap());
        }
        prop_assert_eq!(flatbox_wire::from_slice::<Vec<i64>>(&plain).unwrap(), v.clone());
        prop_assert_eq!(
            flatbox_wire::from_slice::<Value>(&plain).unwrap(),
            flatbox_wire::from_slice::<Value>(&numbers).unwrap()
        );
    }
}

#[test]
fn the_first_element_chooses_the_kind_and_fewer_than_four_stay_plain() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Rgba(u8, u8, u8, u8);
    // An iterator without an exact size: a sequence of unknown length.
    struct Filtered(Vec<u32>);
    impl Serialize for Filtered {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().filter(|_| true))
        }
    }
    assert_eq!(flatbox_wire::to_vec(&vec![1_u32, 2, 3]).unwrap()[0], 0x63);
    assert_eq!(hex(&flatbox_wire::to_vec(&vec![1_u16, 2, 3, 4]).unwrap()), "FD 0B 04 01 02 03 04");
    assert_eq!(hex(&flatbox_wire::to_vec(&vec![1_i8, -2, 3, 4]).unwrap()), "FD 02 04 01 FE 03 04");
    assert_eq!(hex(&flatbox_wire::to_vec(&vec![1.0_f64; 4]).unwrap())[..5], *"FD 0A");
    assert_eq!(hex(&flatbox_wire::to_vec(&[1.0_f32; 4][..]).unwrap())[..5], *"FD 09");
    // Sets and deques are sequences too.
    let set: std::collections::BTreeSet<u16> = [1, 2, 3, 300].into();
    check(&set, &[0xFD, 0x0B, 0x04, 1, 2, 3, 0xAC, 0x02]);
    let deque: std::collections::VecDeque<i8> = [-1, 2, 3, 4].into();
    check(&deque, &[0xFD, 0x02, 0x04, 0xFF, 2, 3, 4]);
    // Fixed arrays, tuples and tuple structs are tuples to serde: arrays
    // of numbers from three elements (see the tests of tuples below).
    check(&[1_u8, 2, 3, 4], &[0xFD, 0x01, 0x04, 1, 2, 3, 4]);
    check(&(1_u8, 2_u8, 3_u8, 4_u8), &[0xFD, 0x01, 0x04, 1, 2, 3, 4]);
    check(&Rgba(1, 2, 3, 4), &[0xFD, 0x01, 0x04, 1, 2, 3, 4]);
    // An array of numbers decodes into a fixed array and a tuple alike.
    let bytes = flatbox_wire::to_vec(&vec![1_u8, 2, 3, 4]).unwrap();
    assert_eq!(flatbox_wire::from_slice::<[u8; 4]>(&bytes).unwrap(), [1, 2, 3, 4]);
    assert_eq!(flatbox_wire::from_slice::<(u8, u16, u32, u64)>(&bytes).unwrap(), (1, 2, 3, 4));
    // A sequence of unknown length is a plain array.
    assert_eq!(flatbox_wire::to_vec(&Filtered(vec![1, 2, 3, 4])).unwrap(), [0x64, 1, 2, 3, 4]);
}

#[test]
fn tuples_of_three_or_more_numbers_are_arrays_of_numbers() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Rgb(u8, u8, u8);
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    enum Shape {
        Box(u8, u8, u8),
    }
    // The kind is the first element's, as for a sequence.
    check(&[192_u8, 168, 0, 1], &[0xFD, 0x01, 0x04, 192, 168, 0, 1]);
    check(&Rgb(255, 128, 0), &[0xFD, 0x01, 0x03, 255, 128, 0]);
    check(&[1.5_f32, 2.0, -0.5], &[0xFD, 0x09, 0x03, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0x40, 0, 0, 0, 0xBF]);
    check(&[1_u16, 2, 300], &[0xFD, 0x0B, 0x03, 1, 2, 0xAC, 0x02]);
    check(&(-1_i32, 2_i64, 3_u8), &[0xFD, 0x0C, 0x03, 0x01, 0x04, 0x06]);
    check(&(1_u64, 2_u8, 3_u32), &[0xFD, 0x0B, 0x03, 1, 2, 3]);
    // One or two elements, and tuple variants: plain.
    check(&[7_u8, 8], &[0x62, 7, 8]);
    check(&(1.5_f32, 2.0_f32), &[0x62, 0xE7, 0, 0, 0xC0, 0x3F, 0xE7, 0, 0, 0, 0x40]);
    check(&(9_u8,), &[0x61, 9]);
    let variant = hex(&flatbox_wire::to_vec(&Shape::Box(1, 2, 3)).unwrap());
    assert!(variant.ends_with("42 6F 78 63 01 02 03"), "{variant}");
    // A tuple whose later element does not fit the first's kind is written
    // as a plain array, byte for byte what `Value` writes for it.
    let plain = |items: Vec<Value>| flatbox_wire::to_vec(&Value::Array(items)).unwrap();
    let (one, two, three) = (Value::Integer(1), Value::Integer(2), Value::Integer(3));
    check(&(1_u32, "a".to_owned(), 2_u32), &plain(vec![one.clone(), Value::String("a".into()), two.clone()]));
    check(&(1_u8, 300_u16, 2_u8), &plain(vec![one.clone(), Value::Integer(300), two.clone()]));
    check(&(1_u8, 2_u8, 3_u8, "x".to_owned()), &[0x64, 1, 2, 3, 0x41, b'x']);
    check(
        &(1.0_f32, 2.0_f32, 3.0_f64),
        &[0x63, 0xE7, 0, 0, 0x80, 0x3F, 0xE7, 0, 0, 0, 0x40, 0xE8, 0, 0, 0, 0, 0, 0, 8, 0x40],
    );
    check(&(1_u8, 2_u8, Some(3_u8)), &plain(vec![one.clone(), two.clone(), three.clone()]));
    check(&(1_u8, 2_u8, 3_u128), &plain(vec![one.clone(), two.clone(), three.clone()]));
    check(&("a".to_owned(), 1_u8, 2_u8), &plain(vec![Value::String("a".into()), one, two]));
    // A tuple decodes into a `Vec` and into `Value` as its plain form does.
    let bytes = flatbox_wire::to_vec(&[10_u8, 20, 30, 40]).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<u16>>(&bytes).unwrap(), vec![10, 20, 30, 40]);
    assert_eq!(
        flatbox_wire::from_slice::<Value>(&bytes).unwrap(),
        Value::Array([10, 20, 30, 40].map(Value::Integer).to_vec())
    );
    assert_eq!(flatbox_wire::from_slice::<(u8, u64, f64, i8)>(&bytes).unwrap(), (10, 20, 30.0, 40));
}

/// A tuple of `n` elements, each serialized by `element(i)`, with `n`
/// declared as `declared`.
struct Tuple<F> {
    declared: usize,
    n: usize,
    element: F,
}

impl<F: Fn(usize) -> u16> Serialize for Tuple<F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut t = s.serialize_tuple(self.declared)?;
        for i in 0..self.n {
            t.serialize_element(&(self.element)(i))?;
        }
        t.end()
    }
}

#[test]
fn a_long_tuple_counts_in_a_varint_and_a_wrong_count_is_an_error() {
    // 200 elements: the count is a two-byte varint.
    let bytes = flatbox_wire::to_vec(&Tuple { declared: 200, n: 200, element: |i| u16::try_from(i).unwrap() }).unwrap();
    assert_eq!(hex(&bytes[..5]), "FD 0B C8 01 00");
    let back: Vec<u16> = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(back, (0..200).collect::<Vec<u16>>());
    // Fewer or more elements than declared: an error naming the counts,
    // whether the elements are numbers, another kind, or none at all.
    for n in [0, 2, 4] {
        let err = flatbox_wire::to_vec(&Tuple { declared: 3, n, element: |i| u16::try_from(i).unwrap() }).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("declared 3") || message.contains("the 3 it declared"), "{message}");
    }
}

/// An iterator of five `f64`s that claims an exact length of `usize::MAX`.
struct Lying(usize);

impl Iterator for Lying {
    type Item = f64;
    fn next(&mut self) -> Option<f64> {
        (self.0 < 5).then(|| {
            self.0 += 1;
            1.5
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, Some(usize::MAX))
    }
}

#[test]
fn a_sequence_that_claims_more_elements_than_it_has_is_an_error_not_an_abort() {
    struct Claims;
    impl Serialize for Claims {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(Lying(0))
        }
    }
    // The encoder sizes the output by the claimed length (within a bound),
    // then finds five elements: an error naming both counts.
    let err = flatbox_wire::to_vec(&Claims).unwrap_err().to_string();
    assert!(err.contains(&format!("declared {}", usize::MAX)) && err.contains("serialized 5"), "{err}");
}

proptest! {
    #[test]
    fn tuples_of_numbers_round_trip_and_decode_as_their_plain_form(
        addr in any::<[u8; 4]>(),
        position in (finite_f32(), finite_f32(), finite_f32()),
        wide in any::<[i64; 5]>(),
        mixed in any::<(u8, u16, u32)>(),
        signed in any::<(i8, u8, i16)>(),
        bytes in any::<[u8; 32]>(),
    ) {
        let value = (addr, position, wide, mixed, signed, bytes);
        let encoded = round_trip(&value);
        // Each tuple decodes into `Value` as the same numbers in a plain
        // array do.
        let v: Value = flatbox_wire::from_slice(&encoded).unwrap();
        let Value::Array(parts) = &v else { panic!("{v:?}") };
        let plain = |items: Vec<Value>| flatbox_wire::from_slice::<Value>(
            &flatbox_wire::to_vec(&Value::Array(items)).unwrap(),
        ).unwrap();
        prop_assert_eq!(&parts[0], &plain(addr.map(|b| Value::Integer(b.into())).to_vec()));
        prop_assert_eq!(&parts[2], &plain(wide.map(|b| Value::Integer(b.into())).to_vec()));
        // Cut anywhere, an error.
        let first_three = flatbox_wire::to_vec(&(addr, position, wide)).unwrap();
        for cut in 0..first_three.len() {
            prop_assert!(flatbox_wire::from_slice::<([u8; 4], (f32, f32, f32), [i64; 5])>(&first_three[..cut]).is_err());
        }
    }
}

#[test]
fn an_element_of_another_kind_makes_the_whole_sequence_plain() {
    // After three numbers: a string, an option, a u128, an f64 among f32s.
    let mixed = Value::Array(vec![
        Value::Integer(300),
        Value::Integer(2),
        Value::Integer(3),
        Value::String("x".into()),
        Value::Integer(5),
    ]);
    assert_eq!(hex(&flatbox_wire::to_vec(&mixed).unwrap()), "65 F6 2C 01 02 03 41 78 05");
    check(&vec![Some(1_u32), Some(2), None, Some(4)], &[0x64, 1, 2, 0xE0, 4]);
    let floats = Value::Array(vec![Value::F32(1.5), Value::F32(2.0), Value::F64(1.5), Value::F32(0.5)]);
    let bytes = flatbox_wire::to_vec(&floats).unwrap();
    assert_eq!(bytes[0], 0x64);
    assert_eq!(flatbox_wire::from_slice::<Value>(&bytes).unwrap(), floats);
    // Unsigned integers join an array started by a negative one, not the
    // other way round; both decode to what was written.
    for v in [
        vec![-1_i128, 2, 3, 4],
        vec![1, 2, -3, 4],
        vec![1, 2, 3, i128::from(u64::MAX)],
        vec![-1, 2, 3, i128::from(u64::MAX)],
    ] {
        let value = Value::Array(v.into_iter().map(Value::Integer).collect());
        let bytes = flatbox_wire::to_vec(&value).unwrap();
        assert_eq!(flatbox_wire::from_slice::<Value>(&bytes).unwrap(), value, "{}", hex(&bytes));
    }
    assert_eq!(
        hex(&flatbox_wire::to_vec(&Value::Array(vec![
            Value::Integer(-1),
            Value::Integer(2),
            Value::Integer(3),
            Value::Integer(4)
        ]))
        .unwrap()),
        "FD 0C 04 01 04 06 08"
    );
}

#[test]
fn sequences_of_unknown_length_and_rewritten_structs_carry_arrays_of_numbers_whole() {
    #[derive(Serialize)]
    #[serde(rename = "S")]
    struct A {
        x: Vec<u64>,
    }
    #[derive(Serialize)]
    #[serde(rename = "S")]
    struct B {
        y: Vec<f32>,
        x: Vec<u64>,
    }
    #[derive(Debug, PartialEq, Deserialize)]
    struct Back {
        y: Option<Vec<f32>>,
        x: Vec<u64>,
    }
    // A sequence of unknown length is moved after its header is known; an
    // array of numbers inside it must be read back whole.
    struct Unsized(Vec<Vec<u32>>);
    impl Serialize for Unsized {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().filter(|_| true))
        }
    }
    let inner = vec![vec![1_u32, 300, 70_000, 5], vec![], vec![9; 40]];
    let bytes = flatbox_wire::to_vec(&Unsized(inner.clone())).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Vec<u32>>>(&bytes).unwrap(), inner);
    // Two structs with one name and different fields: the second's shape
    // prediction fails and its bytes are re-read.
    let bytes = flatbox_wire::to_vec(&(A { x: vec![1, 2, 3, 400] }, B { y: vec![0.5; 5], x: vec![7; 4] })).unwrap();
    let (a, b): (Back, Back) = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(a, Back { y: None, x: vec![1, 2, 3, 400] });
    assert_eq!(b, Back { y: Some(vec![0.5; 5]), x: vec![7; 4] });
}

#[test]
fn inspect_lists_an_array_of_numbers_on_two_lines() {
    let listing =
        flatbox_wire::inspect(&flatbox_wire::to_vec(&(0..10_i32).map(|i| i - 5).collect::<Vec<_>>()).unwrap()).unwrap();
    assert_eq!(
        listing.trim_end(),
        "     0: FD 0C 0A                 array(10) of signed numbers\n     3: 09 07 05 03 01 00 02 ..    [-5, -4, -3, -2, -1, 0, 1, 2, ... 2 more]"
    );
}

#[test]
fn bad_arrays_of_numbers_are_errors_at_their_offset() {
    fn err<T: serde::de::DeserializeOwned + std::fmt::Debug>(bytes: &[u8]) -> ErrorKind {
        let e = flatbox_wire::from_slice::<T>(bytes).unwrap_err().into_kind();
        // The reader and the disassembler fail on the same bytes.
        assert!(flatbox_wire::inspect(bytes).is_err() || !matches!(e, ErrorKind::InvalidValue { .. }));
        e
    }
    // An unknown kind.
    let e = err::<Value>(&[0xFD, 0x03, 0x01, 0x00, 0x00]);
    assert!(matches!(e, ErrorKind::InvalidValue { offset: 1, what: "array of numbers", .. }), "{e:?}");
    // A count the input cannot hold: 4 f64s need 32 bytes.
    let e = err::<Vec<f64>>(&[0xFD, 0x0A, 0x04, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert!(matches!(e, ErrorKind::LengthExceedsInput { offset: 2, declared: 4, remaining: 8, .. }), "{e:?}");
    // A huge declared count allocates nothing.
    let e = err::<Vec<u64>>(&[0xFD, 0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2]);
    assert!(matches!(e, ErrorKind::LengthExceedsInput { offset: 2, .. }), "{e:?}");
    // A truncated and an overlong varint element.
    let e = err::<Vec<u64>>(&[0xFD, 0x0B, 0x02, 0x01, 0x80]);
    assert!(matches!(e, ErrorKind::Varint { offset: 4, .. }), "{e:?}");
    let e = err::<Vec<u64>>(&[0xFD, 0x0B, 0x02, 0x80, 0x00]);
    assert!(matches!(e, ErrorKind::Varint { offset: 3, .. }), "{e:?}");
    // An element out of the target type's range, at the element.
    let e = err::<Vec<u8>>(&[0xFD, 0x0B, 0x02, 0x01, 0xAC, 0x02]);
    assert!(matches!(e, ErrorKind::IntegerOutOfRange { offset: 4, target: "u8", .. }), "{e:?}");
    let e = err::<Vec<u32>>(&[0xFD, 0x0C, 0x01, 0x01]);
    assert!(matches!(e, ErrorKind::IntegerOutOfRange { offset: 3, target: "u32", .. }), "{e:?}");
    // More elements than a tuple takes.
    assert!(flatbox_wire::from_slice::<(u8, u8)>(&[0xFD, 0x01, 0x03, 1, 2, 3]).is_err());
    // Not a number where a string is wanted.
    assert!(flatbox_wire::from_slice::<Vec<String>>(&[0xFD, 0x01, 0x01, 1]).is_err());
    // Through the reader: the same errors, no more bytes taken than there are.
    assert!(flatbox_wire::from_reader::<_, Vec<u64>>(&[0xFD, 0x0B, 0x02, 0x01][..]).is_err());
}

/// The plain form of `rows`: an array of arrays, each number with its tag.
fn plain_rows<T: Serialize>(rows: &[Vec<T>]) -> Vec<u8> {
    fn header(n: usize) -> Vec<u8> {
        match u8::try_from(n) {
            Ok(n) if n <= 15 => vec![0x60 + n],
            _ => {
                let mut h = vec![0xEB];
                let mut n = n;
                while n >= 0x80 {
                    h.push(u8::try_from(n & 0x7F).unwrap() | 0x80);
                    n >>= 7;
                }
                h.push(u8::try_from(n).unwrap());
                h
            }
        }
    }
    let mut plain = header(rows.len());
    for row in rows {
        plain.extend(header(row.len()));
        for x in row {
            plain.extend(flatbox_wire::to_vec(x).unwrap());
        }
    }
    plain
}

fn finite_f32() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("not NaN", |f| !f.is_nan())
}

proptest! {
    #[test]
    fn sequences_of_small_tuples_of_numbers_round_trip_as_rows(
        pairs in prop::collection::vec((finite_f32(), finite_f32()), 0..40),
        rgb in prop::collection::vec(any::<[u8; 3]>(), 0..40),
        spans in prop::collection::vec((any::<i32>(), any::<i32>()), 0..40),
        triples in prop::collection::vec((any::<u64>(), any::<u16>(), any::<u8>()), 0..40),
        wide in prop::collection::vec(any::<[i8; 16]>(), 0..6),
        nested in prop::collection::vec(prop::collection::vec((finite_f32(), finite_f32()), 0..8), 0..6),
    ) {
        let value = (pairs, rgb, spans, triples, wide, nested);
        let bytes = round_trip(&value);
        // Through Value and back, the same value again.
        let v: Value = flatbox_wire::from_slice(&bytes).unwrap();
        let again = flatbox_wire::to_vec(&v).unwrap();
        prop_assert_eq!(flatbox_wire::from_slice::<Value>(&again).unwrap(), v);
    }

    #[test]
    fn an_array_of_rows_decodes_as_the_plain_arrays_it_stands_for(
        v in prop::collection::vec((any::<i64>(), any::<i64>(), any::<i64>()), 4..30)
    ) {
        let rows = flatbox_wire::to_vec(&v).unwrap();
        prop_assert_eq!(&rows[..2], &[0xFD, 0x80 | 0x0C]);
        let plain = plain_rows(&v.iter().map(|&(a, b, c)| vec![a, b, c]).collect::<Vec<_>>());
        prop_assert_eq!(flatbox_wire::from_slice::<Vec<(i64, i64, i64)>>(&plain).unwrap(), v.clone());
        prop_assert_eq!(flatbox_wire::from_slice::<Vec<[i64; 3]>>(&rows).unwrap(), flatbox_wire::from_slice::<Vec<[i64; 3]>>(&plain).unwrap());
        prop_assert_eq!(flatbox_wire::from_slice::<Vec<Vec<i64>>>(&rows).unwrap(), flatbox_wire::from_slice::<Vec<Vec<i64>>>(&plain).unwrap());
        prop_assert_eq!(
            flatbox_wire::from_slice::<Value>(&rows).unwrap(),
            flatbox_wire::from_slice::<Value>(&plain).unwrap()
        );
        // Cut anywhere, an error, as the plain form is.
        for cut in 0..rows.len() {
            prop_assert!(flatbox_wire::from_slice::<Vec<(i64, i64, i64)>>(&rows[..cut]).is_err());
            prop_assert!(flatbox_wire::from_slice::<Value>(&rows[..cut]).is_err());
        }
    }
}

#[test]
fn tuples_of_two_to_sixteen_numbers_of_one_kind_are_written_as_rows() {
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Point(f32, f32);
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Wrapped((u8, u8));
    // Four pairs of u8: the rows flag on kind 01, the count, the width.
    check(&vec![(1_u8, 2_u8), (3, 4), (5, 6), (7, 8)], &[0xFD, 0x81, 0x04, 0x02, 1, 2, 3, 4, 5, 6, 7, 8]);
    check(&vec![[1_u8, 2, 3]; 4], &[0xFD, 0x81, 0x04, 0x03, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    check(&vec![Wrapped((1, 2)); 4], &[0xFD, 0x81, 0x04, 0x02, 1, 2, 1, 2, 1, 2, 1, 2]);
    // Tuple structs too; the kind is the first element's, as for numbers.
    let points = vec![Point(1.5, 2.0); 4];
    let bytes = round_trip(&points);
    assert_eq!(hex(&bytes[..4]), "FD 89 04 02");
    assert_eq!(bytes.len(), 4 + 4 * 8);
    assert_eq!(hex(&flatbox_wire::to_vec(&vec![(1_u32, 300_u64); 4]).unwrap()[..8]), "FD 8B 04 02 01 AC 02 01");
    assert_eq!(hex(&flatbox_wire::to_vec(&vec![(-1_i32, 5_u8); 4]).unwrap()[..6]), "FD 8C 04 02 01 0A");
    // Rows decode into vectors, fixed arrays and Value as plain arrays do.
    let bytes = flatbox_wire::to_vec(&vec![(1_u8, 2_u8); 4]).unwrap();
    assert_eq!(flatbox_wire::from_slice::<Vec<Vec<u32>>>(&bytes).unwrap(), vec![vec![1, 2]; 4]);
    assert_eq!(flatbox_wire::from_slice::<Vec<[u64; 2]>>(&bytes).unwrap(), vec![[1, 2]; 4]);
    let pair = Value::Array(vec![Value::Integer(1), Value::Integer(2)]);
    assert_eq!(flatbox_wire::from_slice::<Value>(&bytes).unwrap(), Value::Array(vec![pair; 4]));
    // Fewer than four, one wide, seventeen wide, unit-only and mixed
    // tuples, and tuples holding anything but numbers: plain arrays.
    assert_eq!(flatbox_wire::to_vec(&vec![(1_u8, 2_u8); 3]).unwrap()[0], 0x63);
    assert_eq!(hex(&flatbox_wire::to_vec(&vec![(1_u8,); 4]).unwrap()), "64 61 01 61 01 61 01 61 01");
    assert_eq!(flatbox_wire::to_vec(&vec![[0_u8; 17]; 4]).unwrap()[..4], [0x64, 0xFD, 0x01, 17]);
    assert_eq!(flatbox_wire::to_vec(&vec![(1_u32, "a"); 4]).unwrap()[..2], [0x64, 0x62]);
    assert_eq!(flatbox_wire::to_vec(&vec![(1.0_f32, 1.0_f64); 4]).unwrap()[..2], [0x64, 0x62]);
    assert_eq!(flatbox_wire::to_vec(&vec![("a", 1_u32); 4]).unwrap()[..2], [0x64, 0x62]);
    assert_eq!(flatbox_wire::to_vec(&vec![(Some(1_u8), 1_u8); 4]).unwrap()[..2], [0x64, 0x62]);
}

#[test]
fn a_row_of_another_kind_or_width_makes_the_whole_sequence_plain() {
    // Tuples of two widths, one after another.
    struct Ragged;
    impl Serialize for Ragged {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq([&[1_u8, 2][..], &[3, 4], &[5, 6], &[7, 8, 9], &[10, 11]].into_iter().map(Row))
        }
    }
    struct Row<'a>(&'a [u8]);
    impl Serialize for Row<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeTuple;
            let mut t = s.serialize_tuple(self.0.len())?;
            for x in self.0 {
                t.serialize_element(x)?;
            }
            t.end()
        }
    }
    // Two structs with one name and different fields: the second's shape
    // prediction fails and its bytes, rows among them, are re-read.
    #[derive(Serialize)]
    #[serde(rename = "S")]
    struct A {
        x: Vec<(u8, u8)>,
    }
    #[derive(Serialize)]
    #[serde(rename = "S")]
    struct B {
        y: Vec<(f32, f32)>,
        x: Vec<(u8, u8)>,
    }
    #[derive(Debug, PartialEq, Deserialize)]
    struct Back {
        y: Option<Vec<(f32, f32)>>,
        x: Vec<(u8, u8)>,
    }

    // A later row that does not fit the first's kind: u64::MAX is no i64.
    let v = vec![(-1_i64, 1_u64), (2, 3), (4, 5), (6, u64::MAX), (7, 8)];
    let bytes = round_trip(&v);
    let plain: Vec<Vec<Value>> =
        v.iter().map(|&(a, b)| vec![Value::Integer(a.into()), Value::Integer(b.into())]).collect();
    assert_eq!(hex(&bytes), hex(&plain_rows(&plain)));
    // A row of another width: a plain array of the tuples, each as it is
    // written alone (the one of three as an array of numbers).
    let bytes = flatbox_wire::to_vec(&Ragged).unwrap();
    assert_eq!(hex(&bytes), "65 62 01 02 62 03 04 62 05 06 FD 01 03 07 08 09 62 0A 0B");
    let rows: Vec<Vec<u8>> = vec![vec![1, 2], vec![3, 4], vec![5, 6], vec![7, 8, 9], vec![10, 11]];
    assert_eq!(flatbox_wire::from_slice::<Vec<Vec<u8>>>(&bytes).unwrap(), rows);
    // Rows of three that stop being rows: each is written again as the
    // tuple it is alone, the last (u64::MAX is no i64) a plain array.
    let v = vec![(-1_i64, 1_i64, 2_u64), (3, 4, 5), (6, 7, 8), (9, 10, u64::MAX)];
    let bytes = round_trip(&v);
    let mut alone = vec![0x64];
    for t in &v {
        alone.extend(flatbox_wire::to_vec(t).unwrap());
    }
    assert_eq!(hex(&bytes), hex(&alone));
    assert_eq!(hex(&bytes[..7]), "64 FD 0C 03 01 02 04");
    // Inside a struct whose shape is rewritten, rows are carried whole.
    let bytes =
        flatbox_wire::to_vec(&(A { x: vec![(1, 2); 4] }, B { y: vec![(0.5, 1.5); 5], x: vec![(7, 8); 4] })).unwrap();
    let (a, b): (Back, Back) = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(a, Back { y: None, x: vec![(1, 2); 4] });
    assert_eq!(b, Back { y: Some(vec![(0.5, 1.5); 5]), x: vec![(7, 8); 4] });
}

#[test]
fn inspect_lists_an_array_of_rows_on_two_lines() {
    let listing = flatbox_wire::inspect(&flatbox_wire::to_vec(&vec![(1_u8, 2_u8); 10]).unwrap()).unwrap();
    assert_eq!(
        listing.trim_end(),
        "     0: FD 81 0A 02              array(10) of rows of 2 u8 numbers\n     4: 01 02 01 02 01 02 01 ..    [[1, 2], [1, 2], [1, 2], [1, 2], [1, 2], [1, 2], [1, 2], [1, 2], ... 2 more]"
    );
}

#[test]
fn inspect_shows_the_first_elements_of_a_wide_row() {
    // One row of 20 bytes, as no encoder writes it but a decoder reads it.
    let mut bytes = vec![0xFD, 0x81, 0x01, 0x14];
    bytes.extend(0..20_u8);
    let listing = flatbox_wire::inspect(&bytes).unwrap();
    assert!(listing.contains("array(1) of rows of 20 u8 numbers"), "{listing}");
    assert!(listing.contains("[[0, 1, 2, 3, 4, 5, 6, 7, ... 12 more]]"), "{listing}");
    let row: Vec<Vec<u8>> = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(row, vec![(0..20).collect::<Vec<u8>>()]);
}

#[test]
fn bad_arrays_of_rows_are_errors_at_their_offset() {
    fn err<T: serde::de::DeserializeOwned + std::fmt::Debug>(bytes: &[u8]) -> ErrorKind {
        let e = flatbox_wire::from_slice::<T>(bytes).unwrap_err().into_kind();
        // The disassembler and the reader fail on the same bytes.
        assert!(flatbox_wire::inspect(bytes).is_err(), "{e:?}");
        assert!(flatbox_wire::from_reader::<_, Value>(bytes).is_err(), "{e:?}");
        e
    }
    // An unknown kind with the rows flag, named as written.
    let e = err::<Value>(&[0xFD, 0x83, 0x01, 0x01, 0x00]);
    assert!(
        matches!(&e, ErrorKind::InvalidValue { offset: 1, what: "array of numbers", reason } if reason.contains("0x83")),
        "{e:?}"
    );
    // Rows of no elements: an error at the width, not a count unchecked.
    let e = err::<Value>(&[0xFD, 0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00]);
    assert!(matches!(e, ErrorKind::InvalidValue { offset: 7, what: "array of numbers", .. }), "{e:?}");
    // Rows x width beyond the input, and beyond u64: at the count.
    let e = err::<Vec<(f32, f32)>>(&[0xFD, 0x89, 0x02, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert!(matches!(e, ErrorKind::LengthExceedsInput { offset: 2, declared: 4, remaining: 8, .. }), "{e:?}");
    let huge = [0xFD, 0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02, 1, 2];
    let e = err::<Vec<(u8, u8)>>(&huge);
    assert!(matches!(e, ErrorKind::LengthExceedsInput { offset: 2, .. }), "{e:?}");
    let e = err::<Value>(&[0xFD, 0x81, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 1, 2]);
    assert!(matches!(e, ErrorKind::LengthExceedsInput { offset: 2, .. }), "{e:?}");
    // A bad varint element, at the element.
    let e = err::<Vec<(u64, u64)>>(&[0xFD, 0x8B, 0x01, 0x02, 0x01, 0x80]);
    assert!(matches!(e, ErrorKind::Varint { offset: 5, .. }), "{e:?}");
    // Rows wider or narrower than the tuple: the visitor's length error.
    let rows = flatbox_wire::to_vec(&vec![(1_u8, 2_u8, 3_u8); 4]).unwrap();
    assert!(flatbox_wire::from_slice::<Vec<(u8, u8)>>(&rows).is_err());
    assert!(flatbox_wire::from_slice::<Vec<(u8, u8, u8, u8)>>(&rows).is_err());
    // An element out of the target's range, at the element.
    let e =
        flatbox_wire::from_slice::<Vec<(u8, u8)>>(&[0xFD, 0x8B, 0x01, 0x02, 0x01, 0xAC, 0x02]).unwrap_err().into_kind();
    assert!(matches!(e, ErrorKind::IntegerOutOfRange { offset: 5, target: "u8", .. }), "{e:?}");
}

#[test]
fn rows_count_one_level_deeper_against_the_depth_limit() {
    use flatbox_wire::{Deserializer, Limits};
    fn decode(bytes: &[u8], depth: usize) -> Result<Vec<(u8, u8)>, flatbox_wire::Error> {
        let mut de = Deserializer::from_slice(bytes).with_limits(Limits::default().max_depth(depth));
        Deserialize::deserialize(&mut de)
    }
    let rows = flatbox_wire::to_vec(&vec![(1_u8, 2_u8); 4]).unwrap();
    let plain = plain_rows(&vec![vec![1_u8, 2]; 4]);
    for depth in 1..4 {
        let a = decode(&rows, depth);
        let b = decode(&plain, depth);
        assert_eq!(a.is_ok(), b.is_ok(), "depth {depth}");
        assert_eq!(a.is_ok(), depth >= 2, "depth {depth}");
    }
}
