//! [`Pipeline`]: a format followed by a codec, as one [`Format`].

use std::sync::OnceLock;

use flatbox_codec::{Codec, Decompressor, Limits};

use crate::{Error, Format, Result};

/// Serialize with a format, then compress with a codec: the tutorial's
/// "serialize + compress" step as one [`Format`], named like
/// `json+zstd:3`.
///
/// Decoding detects the frame format, so it also reads frames the codec's
/// command-line tool wrote, and stops at the [`Limits`] it was given
/// (256 MiB by default).
///
/// # Examples
///
/// ```
/// use flatbox::codec::Codec;
/// use flatbox::{Format, Json, Pipeline};
///
/// let logs = vec!["INFO: Request processed"; 2000];
/// let pipeline = Pipeline::new(Json, Codec::Zstd { level: 3 });
/// assert_eq!(Format::<Vec<String>>::name(&pipeline), "json+zstd:3");
///
/// let mut out = Vec::new();
/// pipeline.encode(&logs.iter().map(|s| s.to_string()).collect::<Vec<_>>(), &mut out)?;
/// assert!(out.len() < 200);
/// let back: Vec<String> = pipeline.decode(&out)?;
/// assert_eq!(back.len(), 2000);
/// # Ok::<(), flatbox::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Pipeline<F> {
    format: F,
    codec: Codec,
    limits: Limits,
    name: OnceLock<String>,
}

impl<F> Pipeline<F> {
    /// `format`, then `codec`.
    pub fn new(format: F, codec: Codec) -> Self {
        Pipeline { format, codec, limits: Limits::default(), name: OnceLock::new() }
    }

    /// Replaces the decompression limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The codec.
    pub fn codec(&self) -> Codec {
        self.codec
    }
}

impl<T, F: Format<T>> Format<T> for Pipeline<F> {
    fn name(&self) -> &str {
        self.name.get_or_init(|| {
            let format = self.format.name();
            if self.codec == Codec::None { format.to_owned() } else { format!("{format}+{}", self.codec) }
        })
    }

    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        if self.codec == Codec::None {
            return self.format.encode(value, out);
        }
        let mut plain = Vec::new();
        self.format.encode(value, &mut plain)?;
        flatbox_codec::compress_into(self.codec, &plain, out);
        Ok(())
    }

    fn decode(&self, bytes: &[u8]) -> Result<T> {
        if self.codec == Codec::None {
            return self.format.decode(bytes);
        }
        let plain =
            Decompressor::new(self.limits).decompress(bytes).map_err(|e| Error::decode(Format::<T>::name(self), e))?;
        self.format.decode(&plain)
    }
}
