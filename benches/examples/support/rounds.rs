//! Rounds of timed rows, shared by the floor examples (`decode_floor`,
//! `encode_floor`), each of which includes this file as a module.

use std::time::Duration;

/// The best of five rounds of each row; the rows take turns, so that a
/// noisy neighbour slows every row alike.
pub(crate) fn best_of_rounds<const N: usize>(mut round: impl FnMut() -> [Duration; N]) -> [Duration; N] {
    let mut best = [Duration::MAX; N];
    for _ in 0..5 {
        for (b, r) in best.iter_mut().zip(round()) {
            *b = (*b).min(r);
        }
    }
    best
}
