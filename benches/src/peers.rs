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
