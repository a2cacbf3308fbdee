//! Experiments that are not "one serde value through one format": decoding
//! into borrowing types, packed arrays against a plain memcpy, and varints
//! against prost's. Each implements [`Experiment`] and times through the
//! facade's harness like everything else.

use std::marker::PhantomData;

use flatbox::profile::{Prepared, ProfileConfig};
use flatbox::{Error, Format, Wire};
use serde::Serialize;
use serde::de::{Deserialize, DeserializeOwned};

use crate::suite::Experiment;

/// A type with a twin whose strings borrow from the input.
pub trait Borrowing: Serialize + DeserializeOwned + PartialEq + 'static {
    /// The borrowing twin: the same fields, `&str` for `String`.
    type View<'a>: Deserialize<'a> + Serialize;
}

impl Borrowing for crate::datasets::tutorial::MsgpackExample {
    type View<'a> = crate::datasets::tutorial::MsgpackExampleRef<'a>;
}

impl Borrowing for crate::datasets::tutorial::UserList {
    type View<'a> = crate::datasets::tutorial::UserListRef<'a>;
}

impl Borrowing for Vec<crate::datasets::http_log::HttpLogEntry> {
    type View<'a> = Vec<crate::datasets::http_log::HttpLogEntryRef<'a>>;
}

/// The name of the zero-copy decode row.
pub const WIRE_BORROWED: &str = "wire (borrowed)";

/// A serde dataset measured with every serde format, plus flatbox-wire
/// decoding into the borrowing twin (`wire (borrowed)`).
pub(crate) struct WithBorrowed<T: Borrowing> {
    pub(crate) value: T,
    pub(crate) formats: Vec<Box<dyn Format<T>>>,
}

impl<T: Borrowing> WithBorrowed<T> {
    pub(crate) fn new(value: T, formats: Vec<Box<dyn Format<T>>>) -> Self {
        WithBorrowed { value, formats }
    }
}

impl<T: Borrowing> Experiment for WithBorrowed<T> {
    fn prepare(&self, format: &str, _: &ProfileConfig) -> Option<flatbox::Result<Prepared<'_>>> {
        if format == WIRE_BORROWED {
            return Some(borrowed::<T>(&self.value));
        }
        let format = self.formats.iter().find(|f| f.name() == format)?;
        Some(Prepared::format(&**format, &self.value))
    }
}

fn borrowed<T: Borrowing>(value: &T) -> flatbox::Result<Prepared<'_>> {
    let wire = Wire::new();
    let mut encoded = Vec::new();
    wire.encode(value, &mut encoded)?;
    // Round-trip check: the view re-encodes to the same bytes (it has the
    // same fields and names), so nothing was lost.
    let view: T::View<'_> = flatbox_wire::from_slice(&encoded).map_err(|e| Error::decode(WIRE_BORROWED, e))?;
    if flatbox_wire::to_vec(&view).map_err(|e| Error::encode(WIRE_BORROWED, e))? != encoded {
        return Err(Error::RoundTrip { format: WIRE_BORROWED.into(), size: encoded.len() });
    }
    drop(view);
    let size = encoded.len();
    let mut buffer = Vec::with_capacity(size);
    Ok(Prepared::new(
        WIRE_BORROWED,
        size,
        move || {
            buffer.clear();
            wire.encode(std::hint::black_box(value), &mut buffer)
        },
        move || {
            // The view borrows from `encoded`, which this closure owns, so
            // it is black-boxed and dropped here, inside the timed region.
            flatbox_wire::from_slice::<T::View<'_>>(std::hint::black_box(&encoded))
                .map(|view| {
                    std::hint::black_box(&view);
                })
                .map_err(|e| Error::decode(WIRE_BORROWED, e))
        },
    ))
}

/// The name of the packed row.
pub const WIRE_PACKED: &str = "wire (packed)";
/// The name of the memcpy reference row.
pub const MEMCPY: &str = "memcpy";

/// An `f64` array: every serde format, flatbox-wire's packed array
/// (`wire (packed)`, decoded into an owned `Vec<f64>`) and, as the floor,
/// a plain copy of the 8-byte values (`memcpy`).
pub(crate) struct FloatArray {
    pub(crate) values: Vec<f64>,
    pub(crate) formats: Vec<Box<dyn Format<Vec<f64>>>>,
}

impl Experiment for FloatArray {
    fn prepare(&self, format: &str, _: &ProfileConfig) -> Option<flatbox::Result<Prepared<'_>>> {
        match format {
            WIRE_PACKED => Some(Prepared::format(PackedF64, &self.values)),
            MEMCPY => Some(Prepared::format(Memcpy, &self.values)),
            _ => {
                let format = self.formats.iter().find(|f| f.name() == format)?;
                Some(Prepared::format(&**format, &self.values))
            }
        }
    }
}

/// `Packed(&values[..])` through flatbox-wire, decoded into a `Vec<f64>`.
struct PackedF64;

impl Format<Vec<f64>> for PackedF64 {
    fn name(&self) -> &'static str {
        WIRE_PACKED
    }
    fn encode(&self, value: &Vec<f64>, out: &mut Vec<u8>) -> flatbox::Result<()> {
        flatbox_wire::with_serializer(out, flatbox_wire::Config::default(), |ser| {
            flatbox_wire::Packed(&value[..]).serialize(ser)
        })
        .map_err(|e| Error::encode(WIRE_PACKED, e))
    }
    fn decode(&self, bytes: &[u8]) -> flatbox::Result<Vec<f64>> {
        flatbox_wire::from_slice::<flatbox_wire::Packed<Vec<f64>>>(bytes)
            .map(|p| p.0)
            .map_err(|e| Error::decode(WIRE_PACKED, e))
    }
}

/// The floor: the values' bytes copied out, and copied back into a new
/// `Vec<f64>`.
struct Memcpy;

impl Format<Vec<f64>> for Memcpy {
    fn name(&self) -> &'static str {
        MEMCPY
    }
    fn encode(&self, value: &Vec<f64>, out: &mut Vec<u8>) -> flatbox::Result<()> {
        out.extend_from_slice(bytemuck::cast_slice(value));
        Ok(())
    }
    fn decode(&self, bytes: &[u8]) -> flatbox::Result<Vec<f64>> {
        Ok(bytemuck::pod_collect_to_vec(bytes))
    }
}

/// The flatbox varint row.
pub const FLATBOX_VARINT: &str = "flatbox-wire varint";
/// The prost varint row.
pub const PROST_VARINT: &str = "prost varint";

/// 1M `u64`s of mixed lengths as a stream of LEB128 varints: flatbox-wire's
/// `varint` module against `prost::encoding`.
pub(crate) struct Varints {
    pub(crate) values: Vec<u64>,
}

impl Experiment for Varints {
    fn prepare(&self, format: &str, _: &ProfileConfig) -> Option<flatbox::Result<Prepared<'_>>> {
        match format {
            FLATBOX_VARINT => Some(Prepared::format(VarintCodec::<FlatboxVarint>(PhantomData), &self.values)),
            PROST_VARINT => Some(Prepared::format(VarintCodec::<ProstVarint>(PhantomData), &self.values)),
            _ => None,
        }
    }
}

trait VarintImpl {
    const NAME: &'static str;
    fn write(out: &mut Vec<u8>, v: u64);
    fn read_all(bytes: &[u8], out: &mut Vec<u64>) -> Option<()>;
}

struct FlatboxVarint;

impl VarintImpl for FlatboxVarint {
    const NAME: &'static str = FLATBOX_VARINT;
    fn write(out: &mut Vec<u8>, v: u64) {
        flatbox_wire::varint::write_u64(out, v);
    }
    fn read_all(mut bytes: &[u8], out: &mut Vec<u64>) -> Option<()> {
        while !bytes.is_empty() {
            let (v, n) = flatbox_wire::varint::read_u64(bytes).ok()?;
            out.push(v);
            bytes = &bytes[n..];
        }
        Some(())
    }
}

struct ProstVarint;

impl VarintImpl for ProstVarint {
    const NAME: &'static str = PROST_VARINT;
    fn write(out: &mut Vec<u8>, v: u64) {
        prost::encoding::encode_varint(v, out);
    }
    fn read_all(mut bytes: &[u8], out: &mut Vec<u64>) -> Option<()> {
        while !bytes.is_empty() {
            out.push(prost::encoding::decode_varint(&mut bytes).ok()?);
        }
        Some(())
    }
}

struct VarintCodec<V>(PhantomData<V>);

impl<V: VarintImpl> Format<Vec<u64>> for VarintCodec<V> {
    fn name(&self) -> &'static str {
        V::NAME
    }
    fn encode(&self, value: &Vec<u64>, out: &mut Vec<u8>) -> flatbox::Result<()> {
        for &v in value {
            V::write(out, v);
        }
        Ok(())
    }
    fn decode(&self, bytes: &[u8]) -> flatbox::Result<Vec<u64>> {
        // Every varint takes at least one byte.
        let mut out = Vec::with_capacity(bytes.len() / 2);
        V::read_all(bytes, &mut out).ok_or_else(|| Error::decode(V::NAME, "invalid varint"))?;
        Ok(out)
    }
}
