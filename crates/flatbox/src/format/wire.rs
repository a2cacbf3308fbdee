//! flatbox-wire, flatbox's own self-describing binary format.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Format, Result};

/// [flatbox-wire](flatbox_wire): self-describing, varint-tagged, struct
/// field names written once per shape.
///
/// - [`Wire::new`] (`wire`): the default [`flatbox_wire::Config`]: keys
///   interned, string values not.
/// - [`Wire::strings`] (`wire+strings`): string values interned too; pays
///   for repetitive strings (log fields, categories).
///
/// # Examples
///
/// ```
/// use flatbox::{Format, Wire};
///
/// let rows = vec![("GET".to_owned(), 200_u16); 3];
/// let mut plain = Vec::new();
/// Wire::new().encode(&rows, &mut plain)?;
/// let mut interned = Vec::new();
/// Wire::strings().encode(&rows, &mut interned)?;
/// assert!(interned.len() < plain.len());
/// let back: Vec<(String, u16)> = Wire::strings().decode(&interned)?;
/// assert_eq!(back, rows);
/// # Ok::<(), flatbox::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wire {
    config: flatbox_wire::Config,
    name: &'static str,
}

impl Wire {
    /// The name of the default configuration: `wire`.
    pub const NAME: &'static str = "wire";
    /// The name of the string-interning configuration: `wire+strings`.
    pub const STRINGS: &'static str = "wire+strings";

    /// The default configuration.
    pub const fn new() -> Self {
        Wire { config: flatbox_wire::Config::new(), name: Self::NAME }
    }

    /// String values interned as well as keys.
    pub const fn strings() -> Self {
        Wire { config: flatbox_wire::Config::new().intern_strings(true), name: Self::STRINGS }
    }
}

impl Default for Wire {
    /// [`Wire::new`].
    fn default() -> Self {
        Wire::new()
    }
}

impl<T: Serialize + DeserializeOwned> Format<T> for Wire {
    fn name(&self) -> &str {
        self.name
    }

    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        flatbox_wire::with_serializer(out, self.config, |ser| value.serialize(ser))
            .map_err(|e| Error::encode(self.name, e))
    }

    fn decode(&self, bytes: &[u8]) -> Result<T> {
        flatbox_wire::from_slice(bytes).map_err(|e| Error::decode(self.name, e))
    }
}
