//! `from_reader`: one value at a time, from readers that return little.

use std::io::{self, Read};

use flatbox_wire::{Config, Packed, Value};
use serde::{Deserialize, Serialize};

/// A reader that returns one byte per call.
struct OneByte<'a>(&'a [u8]);

impl Read for OneByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&b, rest)), Some(slot)) => {
                *slot = b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Entry {
    ip: String,
    status: u16,
    size: u64,
    tags: Vec<String>,
    ratio: f64,
}

#[test]
fn a_stream_of_values_read_one_byte_at_a_time() {
    let entries: Vec<Entry> = (0..20)
        .map(|i| Entry {
            ip: format!("10.0.0.{i}"),
            status: if i % 3 == 0 { 404 } else { 200 },
            size: 1 << i,
            tags: vec!["a".repeat(i)],
            ratio: f64::from(u32::try_from(i).unwrap()) / 7.0,
        })
        .collect();
    let mut stream = Vec::new();
    for e in &entries {
        flatbox_wire::to_writer(&mut stream, e).unwrap();
    }
    flatbox_wire::to_writer(&mut stream, &Packed(vec![1.5_f32, 2.5])).unwrap();
    let interned =
        flatbox_wire::to_vec_with_config(&vec!["x", "x", "y"], Config::default().intern_strings(true)).unwrap();
    stream.extend_from_slice(&interned);

    let mut reader = OneByte(&stream);
    for e in &entries {
        let got: Entry = flatbox_wire::from_reader(&mut reader).unwrap();
        assert_eq!(&got, e);
    }
    let packed: Packed<Vec<f32>> = flatbox_wire::from_reader(&mut reader).unwrap();
    assert_eq!(packed.0, [1.5, 2.5]);
    let strings: Vec<String> = flatbox_wire::from_reader(&mut reader).unwrap();
    assert_eq!(strings, ["x", "x", "y"]);
    assert!(reader.0.is_empty(), "nothing read past the last value");
    // At the end of the stream: a clean end-of-input error at offset 0.
    let e = flatbox_wire::from_reader::<_, Value>(&mut reader).unwrap_err();
    assert!(matches!(e.kind(), flatbox_wire::ErrorKind::Eof { offset: 0, .. }), "{e:?}");
}

#[test]
fn a_truncated_stream_is_an_error_with_the_offset() {
    let bytes = flatbox_wire::to_vec(&("a long enough string to need a length", 5_u8)).unwrap();
    let e = flatbox_wire::from_reader::<_, (String, u8)>(OneByte(&bytes[..10])).unwrap_err();
    // Where the cut-off string starts and how much of it is missing, as
    // `from_slice` says it (the `wire_differential` fuzz target found the
    // reader naming the end of the stream instead).
    // (`from_slice` refuses the declared length itself, at byte 2: it knows
    // what remains, a stream does not.)
    assert!(matches!(e.kind(), flatbox_wire::ErrorKind::Eof { offset: 3, needed: 30, .. }), "{e:?}");
    let slice = flatbox_wire::from_slice::<(String, u8)>(&bytes[..10]).unwrap_err();
    assert!(matches!(
        slice.kind(),
        flatbox_wire::ErrorKind::LengthExceedsInput { offset: 2, declared: 37, remaining: 7, .. }
    ));
    // The fuzz target's input: a string tag declaring 18 bytes, then one.
    let e = flatbox_wire::from_reader::<_, Value>(OneByte(&[0x52, 0xE2])).unwrap_err();
    assert_eq!(e.to_string(), flatbox_wire::from_slice::<Value>(&[0x52, 0xE2]).unwrap_err().to_string());
    assert!(matches!(e.kind(), flatbox_wire::ErrorKind::Eof { offset: 1, needed: 17, .. }), "{e:?}");
    // A map declaring 2^33 - 1 entries in a 6-byte input (the target's next
    // finding): both name the count's varint at byte 1, not the tag.
    let map = [0xEC, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F];
    let slice = flatbox_wire::from_slice::<Value>(&map).unwrap_err();
    let reader = flatbox_wire::from_reader::<_, Value>(OneByte(&map)).unwrap_err();
    assert_eq!((slice.offset(), reader.offset()), (Some(1), Some(1)), "{slice}; {reader}");
}
