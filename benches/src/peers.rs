//! Rust peers measured beside flatbox's formats: postcard and bitcode, both
//! through serde, as [`Format`]s.
//!
//! They live here rather than in the facade because they are measuring
//! sticks, not formats flatbox offers.

use flatbox::{Error, Format, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// [postcard](https://docs.rs/postcard): varint, not self-describing,
/// `no_std`-friendly.
#[derive(Debug, Clone, Copy, Default)]
pub struct Postcard;

impl Postcard {
    /// `postcard`.
    pub const NAME: &'static str = "postcard";
}

impl<T: Serialize + DeserializeOwned> Format<T> for Postcard {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        // `to_extend` takes the vector by value and hands it back, so the
        // buffer's allocation is reused.
        *out = postcard::to_extend(value, std::mem::take(out)).map_err(|e| Error::encode(Self::NAME, e))?;
        Ok(())
    }

    fn decode(&self, bytes: &[u8]) -> Result<T> {
        postcard::from_bytes(bytes).map_err(|e| Error::decode(Self::NAME, e))
    }
}

/// [bitcode](https://docs.rs/bitcode) through its serde support: not
/// self-describing, bit-packed and columnar inside.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bitcode;

impl Bitcode {
    /// `bitcode`.
    pub const NAME: &'static str = "bitcode";
}

impl<T: Serialize + DeserializeOwned> Format<T> for Bitcode {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        // bitcode's serde entry point only returns a fresh vector; taking it
        // when `out` is empty avoids a copy that would be ours, not bitcode's.
        let bytes = bitcode::serialize(value).map_err(|e| Error::encode(Self::NAME, e))?;
        if out.is_empty() {
            *out = bytes;
        } else {
            out.extend_from_slice(&bytes);
        }
        Ok(())
    }

    fn decode(&self, bytes: &[u8]) -> Result<T> {
        bitcode::deserialize(bytes).map_err(|e| Error::decode(Self::NAME, e))
    }
}

/// A format measured through its crate's public one-shot calls, as users
/// call them: the encoder returns a fresh `Vec<u8>` each time
/// (`flatbox_wire::to_vec`, `postcard::to_allocvec`,
/// `rmp_serde::to_vec_named`), the decoder is the crate's `from_slice` /
/// `from_bytes`. The other rows encode into a reused, cleared buffer.
/// bitcode's serde API has only the one-shot call, so its plain row is
/// already one-shot.
pub struct OneShot<T> {
    name: &'static str,
    encode: fn(&T) -> Result<Vec<u8>>,
    decode: fn(&[u8]) -> Result<T>,
}

impl<T> OneShot<T> {
    /// `wire (one-shot)`.
    pub const WIRE: &'static str = "wire (one-shot)";
    /// `postcard (one-shot)`.
    pub const POSTCARD: &'static str = "postcard (one-shot)";
    /// `msgpack (one-shot)`: rmp-serde with field names.
    pub const MSGPACK: &'static str = "msgpack (one-shot)";
}

impl<T: Serialize + DeserializeOwned> OneShot<T> {
    /// The one-shot rows, in the order they are reported.
    pub fn all() -> Vec<Self> {
        vec![
            OneShot {
                name: Self::WIRE,
                encode: |v| flatbox_wire::to_vec(v).map_err(|e| Error::encode(Self::WIRE, e)),
                decode: |b| flatbox_wire::from_slice(b).map_err(|e| Error::decode(Self::WIRE, e)),
            },
            OneShot {
                name: Self::POSTCARD,
                encode: |v| postcard::to_allocvec(v).map_err(|e| Error::encode(Self::POSTCARD, e)),
                decode: |b| postcard::from_bytes(b).map_err(|e| Error::decode(Self::POSTCARD, e)),
            },
            OneShot {
                name: Self::MSGPACK,
                encode: |v| rmp_serde::to_vec_named(v).map_err(|e| Error::encode(Self::MSGPACK, e)),
                decode: |b| rmp_serde::from_slice(b).map_err(|e| Error::decode(Self::MSGPACK, e)),
            },
        ]
    }
}

impl<T> Format<T> for OneShot<T> {
    fn name(&self) -> &str {
        self.name
    }

    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        // The fresh vector replaces the harness's (cleared) buffer: its
        // allocation and growth are part of what is measured, as they are
        // for a user.
        let bytes = (self.encode)(value)?;
        if out.is_empty() {
            *out = bytes;
        } else {
            out.extend_from_slice(&bytes);
        }
        Ok(())
    }

    fn decode(&self, bytes: &[u8]) -> Result<T> {
        (self.decode)(bytes)
    }
}
