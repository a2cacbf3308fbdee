//! JSON through `serde_json`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Format, Result};

/// JSON (RFC 8259) through `serde_json`, compact (no whitespace).
///
/// Floating-point numbers round-trip exactly: the workspace enables
/// `serde_json`'s `float_roundtrip` feature, which costs some decoding speed
/// and is measured with it on.
///
/// # Examples
///
/// ```
/// use flatbox::{Format, Json};
///
/// let mut out = Vec::new();
/// Json.encode(&vec![1.5_f64, 2.0], &mut out)?;
/// assert_eq!(out, b"[1.5,2.0]");
/// # Ok::<(), flatbox::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Json;

impl Json {
    /// The name this format reports: `json`.
    pub const NAME: &'static str = "json";
}

impl<T: Serialize + DeserializeOwned> Format<T> for Json {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        serde_json::to_writer(out, value).map_err(|e| Error::encode(Self::NAME, e))
    }

    fn decode(&self, bytes: &[u8]) -> Result<T> {
        serde_json::from_slice(bytes).map_err(|e| Error::decode(Self::NAME, e))
    }
}
