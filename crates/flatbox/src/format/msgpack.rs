//! MessagePack through `rmp-serde`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Format, Result};

/// MessagePack through `rmp-serde`, in one of its two struct layouts.
///
/// - [`MsgPack::named`] (`msgpack`): structs become maps keyed by field
///   name, like the tutorial's `msgpack.packb(dict)`. Self-describing and
///   tolerant of added or reordered fields.
/// - [`MsgPack::compact`] (`msgpack-compact`): structs become arrays in
///   field order. Smaller, but the reader must know the field order.
///
/// Both decode either layout.
///
/// # Examples
///
/// ```
/// use flatbox::{Format, MsgPack};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// struct Point { x: i8, y: i8 }
///
/// let mut named = Vec::new();
/// MsgPack::named().encode(&Point { x: 1, y: 2 }, &mut named)?;
/// assert_eq!(named, [0x82, 0xa1, b'x', 0x01, 0xa1, b'y', 0x02]);
///
/// let mut compact = Vec::new();
/// MsgPack::compact().encode(&Point { x: 1, y: 2 }, &mut compact)?;
/// assert_eq!(compact, [0x92, 0x01, 0x02]);
/// # Ok::<(), flatbox::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MsgPack {
    named: bool,
}

impl MsgPack {
    /// The name of the named-field layout: `msgpack`.
    pub const NAMED: &'static str = "msgpack";
    /// The name of the compact layout: `msgpack-compact`.
    pub const COMPACT: &'static str = "msgpack-compact";

    /// Structs as maps keyed by field name.
    pub const fn named() -> Self {
        MsgPack { named: true }
    }

    /// Structs as arrays in field order.
    pub const fn compact() -> Self {
        MsgPack { named: false }
    }
}

impl Default for MsgPack {
    /// The named layout, which is what other languages' MessagePack
    /// libraries produce from a dict or an object.
    fn default() -> Self {
        MsgPack::named()
    }
}

impl<T: Serialize + DeserializeOwned> Format<T> for MsgPack {
    fn name(&self) -> &str {
        if self.named { Self::NAMED } else { Self::COMPACT }
    }

    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        let result =
            if self.named { rmp_serde::encode::write_named(out, value) } else { rmp_serde::encode::write(out, value) };
        result.map_err(|e| Error::encode(Format::<T>::name(self), e))
    }

    fn decode(&self, bytes: &[u8]) -> Result<T> {
        rmp_serde::from_slice(bytes).map_err(|e| Error::decode(Format::<T>::name(self), e))
    }
}
