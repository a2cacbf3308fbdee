//! Streaming: `Encoder` with one-byte writes, `Decoder` with one-byte reads.

use std::io::{self, Read, Write};

use flatbox_codec::{Codec, Decoder, Encoder, Error, Limits};

use crate::{codecs, sample};

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

#[test]
fn one_byte_writes_and_reads() {
    let data = sample(20_000);
    for codec in codecs().into_iter().chain([Codec::None]) {
        let mut encoder = Encoder::new(Vec::new(), codec).unwrap();
        for b in &data {
            encoder.write_all(std::slice::from_ref(b)).unwrap();
        }
        let mut framed = encoder.finish().unwrap();
        if codec == Codec::None {
            assert_eq!(framed, data);
            continue;
        }
        // Two frames back to back, read one byte at a time from a reader
        // that also gives one byte at a time.
        framed.extend(flatbox_codec::compress(codec, b"!"));
        let mut decoder = Decoder::new(OneByte(&framed), Limits::default());
        let mut out = Vec::new();
        let mut byte = [0_u8];
        while decoder.read(&mut byte).unwrap() == 1 {
            out.push(byte[0]);
        }
        assert_eq!(out.len(), data.len() + 1, "{codec}");
        assert_eq!(&out[..data.len()], &data[..], "{codec}");
        assert_eq!(decoder.produced(), out.len() as u64);
    }
}

#[test]
fn the_streaming_limit_holds_and_errors_carry_the_cause() {
    let frame = flatbox_codec::compress(Codec::Zstd { level: 1 }, &vec![7_u8; 100_000]);
    // Declared size above the limit: refused at the first read.
    let mut decoder = Decoder::new(&frame[..], Limits::new(10));
    let err = decoder.read_to_end(&mut Vec::new()).unwrap_err();
    assert!(matches!(Error::from_io(err), Error::DeclaredSizeExceedsLimit { .. }));
    // A streamed frame (no declared size) stops at the limit.
    let mut encoder = Encoder::new(Vec::new(), Codec::Lz4).unwrap();
    encoder.write_all(&vec![7_u8; 100_000]).unwrap();
    let streamed = encoder.finish().unwrap();
    let mut out = Vec::new();
    let err = Decoder::new(&streamed[..], Limits::new(50_000)).read_all(&mut out).unwrap_err();
    assert!(matches!(err, Error::OutputLimit { limit: 50_000 }), "{err:?}");
    assert!(out.len() <= 50_000);
    // Reading again after a failure is an error, not a panic.
    let mut decoder = Decoder::new(&streamed[..], Limits::new(5));
    assert!(decoder.read_to_end(&mut Vec::new()).is_err());
    assert!(decoder.read(&mut [0; 8]).is_err());
}
