//! Every dataset of the tutorial, plus an HTTP access log and the shapes
//! family ([`shapes`]) of our own, as
//! deterministic generators: the same seed gives the same bytes on every
//! machine, so sizes in reports are comparable across runs; and three real
//! JSON documents the suite did not make ([`json_documents`]), fetched by
//! `cargo xtask bench`.

pub mod http_log;
pub mod json_documents;
pub mod proto;
pub mod shapes;
pub mod tutorial;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The random number generator every dataset uses: `ChaCha8`, whose output
/// for a given seed is specified and stable across platforms and versions.
pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}
