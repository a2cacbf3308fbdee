//! The [`Format`] trait and the formats the facade ships: [`Json`],
//! [`MsgPack`], [`Wire`], [`Protobuf`], and for tables of rows [`ArrowIpc`]
//! and [`Parquet`].
//!
//! A format is a value that knows how to turn a `T` into bytes and back. It
//! is generic over `T` rather than having generic methods so that a list of
//! formats for one type can be kept as `Vec<Box<dyn Format<T>>>`: that is how
//! the profile harness and `cargo xtask bench` walk "every format on this
//! dataset". Serde formats implement `Format<T>` for every serde type;
//! schema formats (protobuf, Arrow) implement it for the types they know.

mod arrow;
mod json;
mod msgpack;
mod protobuf;
mod wire;

pub use arrow::{ArrowIpc, Parquet};
pub use json::Json;
pub use msgpack::MsgPack;
pub use protobuf::Protobuf;
pub use wire::Wire;

use crate::Result;

/// A way to turn a `T` into bytes and back.
///
/// # Contract
///
/// - [`encode`](Format::encode) *appends* to `out` and leaves what was there
///   before untouched; callers that reuse a buffer clear it first. Reusing
///   one buffer across calls is the intended use: it lets the measurements
///   exclude allocator noise the way a real service that reuses buffers does.
/// - `decode(encoded)` of what `encode` wrote must give back an equal value.
///   The profile harness checks this once for every measurement.
///
/// # Examples
///
/// A list of formats for one type, used through trait objects:
///
/// ```
/// use flatbox::{Format, Json, MsgPack};
///
/// let formats: Vec<Box<dyn Format<Vec<u32>>>> =
///     vec![Box::new(Json), Box::new(MsgPack::named()), Box::new(MsgPack::compact())];
/// let value = vec![1, 2, 300];
/// let mut buf = Vec::new();
/// for format in &formats {
///     buf.clear();
///     format.encode(&value, &mut buf)?;
///     assert_eq!(format.decode(&buf)?, value, "{}", format.name());
/// }
/// # Ok::<(), flatbox::Error>(())
/// ```
pub trait Format<T> {
    /// A short, stable, lowercase name such as `json` or `msgpack-compact`,
    /// used in reports, filters and command lines.
    fn name(&self) -> &str;

    /// Appends the encoding of `value` to `out`.
    ///
    /// # Errors
    ///
    /// [`Error::Encode`](crate::Error::Encode) when the format cannot
    /// represent `value`.
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()>;

    /// Decodes a `T` from exactly `bytes`.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`](crate::Error::Decode) when `bytes` is not a valid
    /// encoding of a `T` (truncated, corrupt, of another type, or followed by
    /// trailing bytes where the format can tell).
    fn decode(&self, bytes: &[u8]) -> Result<T>;
}

impl<T, F: Format<T> + ?Sized> Format<T> for &F {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        (**self).encode(value, out)
    }
    fn decode(&self, bytes: &[u8]) -> Result<T> {
        (**self).decode(bytes)
    }
}

impl<T, F: Format<T> + ?Sized> Format<T> for Box<F> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        (**self).encode(value, out)
    }
    fn decode(&self, bytes: &[u8]) -> Result<T> {
        (**self).decode(bytes)
    }
}
