//! Protocol Buffers through prost.

use crate::{Error, Format, Result};

/// Protocol Buffers through prost, for generated message types (such as
/// those of [`flatbox_proto`]).
///
/// # Examples
///
/// ```
/// use flatbox::{Format, Protobuf};
/// use flatbox::proto::v1::User;
///
/// let user = User { id: 150, ..Default::default() };
/// let mut out = Vec::new();
/// Protobuf.encode(&user, &mut out)?;
/// assert_eq!(out, [0x08, 0x96, 0x01]);
/// let back: User = Protobuf.decode(&out)?;
/// assert_eq!(back, user);
/// # Ok::<(), flatbox::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Protobuf;

impl Protobuf {
    /// The name this format reports: `protobuf`.
    pub const NAME: &'static str = "protobuf";
}

impl<T: prost::Message + Default> Format<T> for Protobuf {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        value.encode(out).map_err(|e| Error::encode(Self::NAME, e))
    }

    fn decode(&self, bytes: &[u8]) -> Result<T> {
        T::decode(bytes).map_err(|e| Error::decode(Self::NAME, e))
    }
}
