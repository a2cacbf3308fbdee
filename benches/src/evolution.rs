//! The schema-evolution experiment: [`flatbox::evolution::matrix`] for the
//! facade's formats, with the bench's peers (postcard, bitcode) added
//! through [`flatbox::evolution::serde_row`].

use flatbox::evolution::{Matrix, serde_row};

use crate::peers::{Bitcode, Postcard};

/// The matrix of every format: the facade's, then postcard and bitcode
/// after protobuf (the other schema-driven formats).
pub fn matrix() -> Matrix {
    let mut matrix = flatbox::evolution::matrix();
    let at = matrix.rows.iter().position(|r| r.format == "protobuf").map_or(matrix.rows.len(), |i| i + 1);
    matrix.rows.insert(at, serde_row("bitcode", &Bitcode));
    matrix.rows.insert(at, serde_row("postcard", &Postcard));
    matrix
}

#[cfg(test)]
mod tests {
    use flatbox::evolution::{Change, Direction, Outcome};

    use super::*;

    #[test]
    fn the_peers_are_in_the_matrix() {
        let m = matrix();
        assert_eq!(m.rows.len(), 10);
        assert_eq!(m.rows[6].format, "postcard");
        // postcard is positional: reordered fields of the same type swap.
        let outcome = m.outcome("postcard", Change::FieldsReordered, Direction::OldToNew);
        assert!(matches!(outcome, Some(Outcome::Wrong { .. })), "{outcome:?}");
    }
}
