//! Packed numeric arrays: [`Packed`] writes a slice of numbers as one tag,
//! a count and the raw little-endian bytes, and reads them back borrowed
//! when the input is aligned.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};

/// A slice of numbers stored as raw little-endian bytes: one copy to
/// encode, and zero copies to decode into `Packed<&[T]>` or
/// `Packed<Cow<[T]>>` when the input buffer is aligned for `T`.
///
/// Works for `Vec<T>`, `&[T]`, `Cow<[T]>` and `Box<[T]>` of the
/// [`PackedElement`] types (`u8`, `i8`, `u16`, `i16`, `u32`, `i32`, `u64`,
/// `i64`, `f32`, `f64`).
///
/// flatbox-wire writes a packed array tag; other binary serde formats see a
/// byte string; human-readable ones (JSON) see a plain list of numbers.
///
/// # Examples
///
/// ```
/// use std::borrow::Cow;
/// use flatbox_wire::Packed;
///
/// let values: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.5).collect();
/// let bytes = flatbox_wire::to_vec(&Packed(&values[..]))?;
/// assert_eq!(bytes.len(), 1 + 1 + 2 + 4 + 8000); // tag, kind, count, padding, data
///
/// // A Vec<u8> from the allocator is aligned enough to borrow from.
/// let back: Packed<Cow<[f64]>> = flatbox_wire::from_slice(&bytes)?;
/// assert!(matches!(back.0, Cow::Borrowed(_)));
/// assert_eq!(back.0, &values[..]);
///
/// let owned: Packed<Vec<f64>> = flatbox_wire::from_slice(&bytes)?;
/// assert_eq!(owned.0, values);
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Packed<T>(pub T);

mod sealed {
    pub trait Sealed {}
}

/// A number type [`Packed`] can hold: fixed size, any bit pattern valid.
pub trait PackedElement: bytemuck::Pod + sealed::Sealed + fmt::Debug {
    /// The kind byte written in the packed array header.
    const KIND: u8;
    /// The newtype name that carries this kind through serde.
    #[doc(hidden)]
    const NAME: &'static str;
    /// Byte-swaps on big-endian targets, nothing on little-endian ones.
    #[doc(hidden)]
    #[must_use]
    fn to_le(self) -> Self;
}

macro_rules! packed_element {
    ($t:ty, $kind:expr, $name:expr, $bits:ty) => {
        impl sealed::Sealed for $t {}
        impl PackedElement for $t {
            const KIND: u8 = $kind;
            const NAME: &'static str = $name;
            #[inline]
            fn to_le(self) -> Self {
                bytemuck::cast::<$bits, $t>(bytemuck::cast::<$t, $bits>(self).to_le())
            }
        }
    };
}

packed_element!(u8, 0x01, "$flatbox_wire::Packed::u8", u8);
packed_element!(i8, 0x02, "$flatbox_wire::Packed::i8", u8);
packed_element!(u16, 0x03, "$flatbox_wire::Packed::u16", u16);
packed_element!(i16, 0x04, "$flatbox_wire::Packed::i16", u16);
packed_element!(u32, 0x05, "$flatbox_wire::Packed::u32", u32);
packed_element!(i32, 0x06, "$flatbox_wire::Packed::i32", u32);
packed_element!(u64, 0x07, "$flatbox_wire::Packed::u64", u64);
packed_element!(i64, 0x08, "$flatbox_wire::Packed::i64", u64);
packed_element!(f32, 0x09, "$flatbox_wire::Packed::f32", u32);
packed_element!(f64, 0x0A, "$flatbox_wire::Packed::f64", u64);

/// Elements from little-endian bytes (a copy).
/// The element count of a packed array header, once `count` elements of
/// `size` bytes after `padding` bytes are known to fit in the `remaining`
/// input (the decoder and the inspector read the same header).
pub(crate) fn checked_count(
    count: u64,
    size: usize,
    padding: usize,
    remaining: usize,
    count_at: usize,
) -> crate::Result<usize> {
    usize::try_from(count)
        .ok()
        .filter(|&n| n.checked_mul(size).and_then(|b| b.checked_add(padding)).is_some_and(|b| b <= remaining))
        .ok_or_else(|| {
            crate::ErrorKind::LengthExceedsInput {
                offset: count_at,
                what: "packed element count",
                declared: count,
                remaining,
            }
            .into()
        })
}

/// Checks that a packed array's padding, read at `at`, is all zeros.
pub(crate) fn check_padding(padding: &[u8], at: usize) -> crate::Result<()> {
    if padding.iter().any(|&b| b != 0) {
        return Err(crate::ErrorKind::InvalidValue {
            offset: at,
            what: "packed array",
            reason: "non-zero padding".into(),
        }
        .into());
    }
    Ok(())
}

pub(crate) fn elements_from_le<T: PackedElement>(bytes: &[u8]) -> Vec<T> {
    let mut out: Vec<T> = bytemuck::pod_collect_to_vec(bytes);
    if cfg!(target_endian = "big") {
        for x in &mut out {
            *x = x.to_le();
        }
    }
    out
}

/// Elements borrowed from little-endian bytes, when the target is
/// little-endian and `bytes` is aligned for `T`.
pub(crate) fn elements_borrowed<T: PackedElement>(bytes: &[u8]) -> Option<&[T]> {
    if cfg!(target_endian = "little") { bytemuck::try_cast_slice(bytes).ok() } else { None }
}

/// A container of packed elements: `Vec<T>`, `&[T]`, `Cow<[T]>`, `Box<[T]>`.
pub trait PackedSlice {
    /// The element type.
    type Element: PackedElement;
    /// The elements.
    fn elements(&self) -> &[Self::Element];
}

impl<T: PackedElement> PackedSlice for Vec<T> {
    type Element = T;
    fn elements(&self) -> &[T] {
        self
    }
}

impl<T: PackedElement> PackedSlice for &[T] {
    type Element = T;
    fn elements(&self) -> &[T] {
        self
    }
}

impl<T: PackedElement> PackedSlice for Cow<'_, [T]> {
    type Element = T;
    fn elements(&self) -> &[T] {
        self
    }
}

impl<T: PackedElement> PackedSlice for Box<[T]> {
    type Element = T;
    fn elements(&self) -> &[T] {
        self
    }
}

struct RawLe<'a, T>(&'a [T]);

impl<T: PackedElement> Serialize for RawLe<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if cfg!(target_endian = "little") {
            serializer.serialize_bytes(bytemuck::cast_slice(self.0))
        } else {
            let swapped: Vec<T> = self.0.iter().map(|x| x.to_le()).collect();
            serializer.serialize_bytes(bytemuck::cast_slice(&swapped))
        }
    }
}

impl<P: PackedSlice> Serialize for Packed<P>
where
    P::Element: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let elements = self.0.elements();
        if serializer.is_human_readable() {
            serializer.collect_seq(elements)
        } else {
            serializer.serialize_newtype_struct(P::Element::NAME, &RawLe(elements))
        }
    }
}

/// What a packed visitor builds from the bytes it is given.
trait FromPacked<'de>: Sized {
    type Element: PackedElement + Deserialize<'de>;
    fn from_borrowed<E: de::Error>(bytes: &'de [u8]) -> Result<Self, E>;
    fn from_bytes<E: de::Error>(bytes: &[u8]) -> Result<Self, E>;
    fn from_vec(v: Vec<Self::Element>) -> Result<Self, String>;
}

impl<'de, T: PackedElement + Deserialize<'de>> FromPacked<'de> for Vec<T> {
    type Element = T;
    fn from_borrowed<E: de::Error>(bytes: &'de [u8]) -> Result<Self, E> {
        Self::from_bytes(bytes)
    }
    fn from_bytes<E: de::Error>(bytes: &[u8]) -> Result<Self, E> {
        check_whole::<T, E>(bytes)?;
        Ok(elements_from_le(bytes))
    }
    fn from_vec(v: Vec<T>) -> Result<Self, String> {
        Ok(v)
    }
}

impl<'de, T: PackedElement + Deserialize<'de>> FromPacked<'de> for Box<[T]> {
    type Element = T;
    fn from_borrowed<E: de::Error>(bytes: &'de [u8]) -> Result<Self, E> {
        Self::from_bytes(bytes)
    }
    fn from_bytes<E: de::Error>(bytes: &[u8]) -> Result<Self, E> {
        Vec::from_bytes(bytes).map(Vec::into_boxed_slice)
    }
    fn from_vec(v: Vec<T>) -> Result<Self, String> {
        Ok(v.into_boxed_slice())
    }
}

impl<'de, T: PackedElement + Deserialize<'de>> FromPacked<'de> for Cow<'de, [T]> {
    type Element = T;
    fn from_borrowed<E: de::Error>(bytes: &'de [u8]) -> Result<Self, E> {
        check_whole::<T, E>(bytes)?;
        Ok(match elements_borrowed(bytes) {
            Some(slice) => Cow::Borrowed(slice),
            None => Cow::Owned(elements_from_le(bytes)),
        })
    }
    fn from_bytes<E: de::Error>(bytes: &[u8]) -> Result<Self, E> {
        Vec::from_bytes(bytes).map(Cow::Owned)
    }
    fn from_vec(v: Vec<T>) -> Result<Self, String> {
        Ok(Cow::Owned(v))
    }
}

impl<'de, T: PackedElement + Deserialize<'de>> FromPacked<'de> for &'de [T] {
    type Element = T;
    fn from_borrowed<E: de::Error>(bytes: &'de [u8]) -> Result<Self, E> {
        check_whole::<T, E>(bytes)?;
        elements_borrowed(bytes).ok_or_else(|| {
            E::custom(format_args!(
                "packed data is not aligned to {} bytes in the input, so it cannot be borrowed as a slice; \
                 decode into Packed<Cow<[_]>> or Packed<Vec<_>> instead",
                align_of::<T>()
            ))
        })
    }
    fn from_bytes<E: de::Error>(_bytes: &[u8]) -> Result<Self, E> {
        Err(E::custom("a borrowed packed slice needs input that outlives the value (use from_slice)"))
    }
    fn from_vec(_v: Vec<T>) -> Result<Self, String> {
        Err("a borrowed packed slice cannot be built from a list of numbers".into())
    }
}

fn check_whole<T, E: de::Error>(bytes: &[u8]) -> Result<(), E> {
    if bytes.len().is_multiple_of(size_of::<T>()) {
        Ok(())
    } else {
        Err(E::invalid_length(bytes.len(), &"a whole number of packed elements"))
    }
}

struct PackedVisitor<P>(PhantomData<P>);

impl<'de, P: FromPacked<'de>> Visitor<'de> for PackedVisitor<P> {
    type Value = Packed<P>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a packed numeric array")
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        P::from_borrowed(v).map(Packed)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        P::from_bytes(v).map(Packed)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_bytes(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // A list of numbers (JSON), or bytes written as a list by a format
        // without a byte type.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(x) = seq.next_element()? {
            out.push(x);
        }
        P::from_vec(out).map(Packed).map_err(de::Error::custom)
    }
}

macro_rules! packed_deserialize {
    ($($container:ty),*) => {$(
        impl<'de, T: PackedElement + Deserialize<'de>> Deserialize<'de> for Packed<$container> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                if deserializer.is_human_readable() {
                    deserializer.deserialize_seq(PackedVisitor(PhantomData))
                } else {
                    deserializer.deserialize_newtype_struct(T::NAME, PackedVisitor(PhantomData))
                }
            }
        }
    )*};
}

packed_deserialize!(Vec<T>, Box<[T]>, Cow<'de, [T]>, &'de [T]);
