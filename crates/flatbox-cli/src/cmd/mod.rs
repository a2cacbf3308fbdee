//! One module per subcommand. Each uses the shared modules (formats,
//! columnar, registry, text, ...) and none uses another subcommand.

pub(crate) mod convert;
pub(crate) mod inspect;
pub(crate) mod profile;
pub(crate) mod store;
