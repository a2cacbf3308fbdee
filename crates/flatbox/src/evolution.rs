//! Schema evolution, measured: what each format does when data written with
//! one version of a record type is read with another.
//!
//! The tutorial's decision tree asks "need schema evolution?" and answers
//! "Protocol Buffers" on the formats' reputations. [`matrix`] instead
//! writes records with schema v1 and reads them with v2, and the other way
//! round, for six common changes ([`Change`]), in every format, and records
//! what happened ([`Outcome`]):
//!
//! - **correct**: the reader got the value the change implies (a missing
//!   field at its default, an unknown one ignored, a renamed one through its
//!   alias, a widened integer widened);
//! - **error**: the reader refused the data with an error, which is safe;
//! - **wrong**: the reader returned a value, without an error, that is not
//!   the one written: fields swapped, shifted or truncated. This is the
//!   dangerous outcome.
//!
//! It is deterministic and takes milliseconds. The serde types of each
//! change are in [`schemas`] (the bench adds its own formats to the matrix
//! through [`serde_row`]); protobuf uses prost messages with the same
//! fields and tags kept stable, as protobuf practice asks.
//!
//! # Examples
//!
//! ```
//! use flatbox::evolution::{matrix, Change, Direction, Outcome};
//!
//! let m = matrix();
//! let outcome = |format: &str, change, direction| m.outcome(format, change, direction).cloned();
//! // JSON ignores a removed field and fills an added one from its default.
//! assert_eq!(outcome("json", Change::FieldAdded, Direction::OldToNew), Some(Outcome::Correct));
//! // MessagePack as arrays reads reordered fields in the wrong places, silently.
//! assert!(matches!(outcome("msgpack-compact", Change::FieldsReordered, Direction::OldToNew), Some(Outcome::Wrong { .. })));
//! ```

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

use crate::{ArrowIpc, Format, Json, MsgPack, Parquet, Protobuf, Wire};

/// A change between schema v1 and schema v2 of a record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// v2 adds a field (at the end) with a default value.
    FieldAdded,
    /// v2 removes a field (from the middle).
    FieldRemoved,
    /// v2 declares the same fields in another order.
    FieldsReordered,
    /// v2 renames a field and accepts the old name as an alias.
    FieldRenamed,
    /// v2 adds a variant to an enum field.
    VariantAdded,
    /// v2 widens an integer field from `u32` to `u64`.
    IntegerWidened,
}

impl Change {
    /// Every change, in the matrix's order.
    pub const ALL: [Change; 6] = [
        Change::FieldAdded,
        Change::FieldRemoved,
        Change::FieldsReordered,
        Change::FieldRenamed,
        Change::VariantAdded,
        Change::IntegerWidened,
    ];

    /// A short description: `field added (with a default)`.
    pub fn describe(self) -> &'static str {
        match self {
            Change::FieldAdded => "field added (with a default)",
            Change::FieldRemoved => "field removed",
            Change::FieldsReordered => "fields reordered",
            Change::FieldRenamed => "field renamed (with an alias)",
            Change::VariantAdded => "enum variant added",
            Change::IntegerWidened => "integer widened u32 -> u64",
        }
    }
}

/// Which version writes and which reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Written with v1, read with v2 (a new reader of old data: backward
    /// compatibility).
    OldToNew,
    /// Written with v2, read with v1 (an old reader of new data: forward
    /// compatibility).
    NewToOld,
}

impl Direction {
    /// Both directions.
    pub const ALL: [Direction; 2] = [Direction::OldToNew, Direction::NewToOld];

    /// `v1 -> v2` or `v2 -> v1`.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::OldToNew => "v1 -> v2",
            Direction::NewToOld => "v2 -> v1",
        }
    }
}

/// What reading with the other schema did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// The value the change implies.
    Correct,
    /// Refused with an error (safe).
    Error {
        /// The decoder's message.
        message: String,
    },
    /// A value other than the one written, with no error: the dangerous
    /// cell.
    Wrong {
        /// What came back, in debug notation, shortened.
        got: String,
    },
    /// The writer could not write the data at all.
    Unsupported {
        /// The encoder's message.
        message: String,
    },
}

impl Outcome {
    /// A short label for tables: `ok`, `error`, `WRONG`, `n/a`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Correct => "ok",
            Outcome::Error { .. } => "error",
            Outcome::Wrong { .. } => "WRONG",
            Outcome::Unsupported { .. } => "n/a",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Correct => f.write_str("decodes correctly"),
            Outcome::Error { message } => write!(f, "fails with an error: {message}"),
            Outcome::Wrong { got } => write!(f, "decodes WRONGLY without an error: {got}"),
            Outcome::Unsupported { message } => write!(f, "cannot write the data: {message}"),
        }
    }
}

/// One cell of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// The schema change.
    pub change: Change,
    /// Who writes, who reads.
    pub direction: Direction,
    /// What happened.
    pub outcome: Outcome,
}

/// One format's row: a cell per change and direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatRow {
    /// The format's name.
    pub format: String,
    /// [`Change::ALL`] x [`Direction::ALL`], in that order.
    pub cells: Vec<Cell>,
}

impl FormatRow {
    /// How many cells decode correctly.
    pub fn correct(&self) -> usize {
        self.cells.iter().filter(|c| c.outcome == Outcome::Correct).count()
    }

    /// How many cells decode wrongly without an error.
    pub fn wrong(&self) -> usize {
        self.cells.iter().filter(|c| matches!(c.outcome, Outcome::Wrong { .. })).count()
    }
}

/// The whole matrix: a row per format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    /// One row per format.
    pub rows: Vec<FormatRow>,
}

impl Matrix {
    /// The outcome for `format`, `change` and `direction`, if that format
    /// is in the matrix.
    pub fn outcome(&self, format: &str, change: Change, direction: Direction) -> Option<&Outcome> {
        let row = self.rows.iter().find(|r| r.format == format)?;
        row.cells.iter().find(|c| c.change == change && c.direction == direction).map(|c| &c.outcome)
    }

    /// The row of `format`.
    pub fn row(&self, format: &str) -> Option<&FormatRow> {
        self.rows.iter().find(|r| r.format == format)
    }

    /// The matrix as a Markdown table: a column per change and direction,
    /// **WRONG** cells in bold, then a legend.
    pub fn markdown(&self) -> String {
        let mut md = String::from("| format |");
        for change in Change::ALL {
            for direction in Direction::ALL {
                let _ = write!(md, " {} {} |", change.describe(), direction.arrow());
            }
        }
        md.push_str(" ok | WRONG |\n|---|");
        md.push_str(&"---|".repeat(Change::ALL.len() * Direction::ALL.len() + 2));
        md.push('\n');
        for row in &self.rows {
            let _ = write!(md, "| {} |", row.format);
            for cell in &row.cells {
                match cell.outcome {
                    Outcome::Wrong { .. } => md.push_str(" **WRONG** |"),
                    ref other => {
                        let _ = write!(md, " {} |", other.label());
                    }
                }
            }
            let _ = writeln!(md, " {} | {} |", row.correct(), row.wrong());
        }
        md.push_str(
            "\nok: decodes to the value the change implies; error: refused with an error (safe); \
             **WRONG**: decodes to another value without an error (dangerous); n/a: the writer cannot write it.\n",
        );
        md
    }
}

/// The matrix for the facade's formats: JSON, MessagePack (named and
/// compact), wire, wire+strings, protobuf, Arrow IPC and Parquet.
pub fn matrix() -> Matrix {
    Matrix {
        rows: vec![
            serde_row("json", &Json),
            serde_row("msgpack", &MsgPack::named()),
            serde_row("msgpack-compact", &MsgPack::compact()),
            serde_row("wire", &Wire::new()),
            serde_row("wire+strings", &Wire::strings()),
            protobuf_row(),
            serde_row("arrow-ipc", &ArrowIpc::new()),
            serde_row("parquet", &Parquet::new()),
        ],
    }
}

/// A format that can carry every [`schemas`] type: what [`serde_row`]
/// needs. Implemented for every format that takes `Vec`s of serde rows.
pub trait Evolvable:
    Format<Vec<schemas::added::V1>>
    + Format<Vec<schemas::added::V2>>
    + Format<Vec<schemas::removed::V1>>
    + Format<Vec<schemas::removed::V2>>
    + Format<Vec<schemas::reordered::V1>>
    + Format<Vec<schemas::reordered::V2>>
    + Format<Vec<schemas::renamed::V1>>
    + Format<Vec<schemas::renamed::V2>>
    + Format<Vec<schemas::variant::V1>>
    + Format<Vec<schemas::variant::V2>>
    + Format<Vec<schemas::widened::V1>>
    + Format<Vec<schemas::widened::V2>>
{
}

impl<F> Evolvable for F where
    F: Format<Vec<schemas::added::V1>>
        + Format<Vec<schemas::added::V2>>
        + Format<Vec<schemas::removed::V1>>
        + Format<Vec<schemas::removed::V2>>
        + Format<Vec<schemas::reordered::V1>>
        + Format<Vec<schemas::reordered::V2>>
        + Format<Vec<schemas::renamed::V1>>
        + Format<Vec<schemas::renamed::V2>>
        + Format<Vec<schemas::variant::V1>>
        + Format<Vec<schemas::variant::V2>>
        + Format<Vec<schemas::widened::V1>>
        + Format<Vec<schemas::widened::V2>>
{
}

/// The row of a serde format: each change of [`schemas`], each direction,
/// on three records.
pub fn serde_row<F: Evolvable>(name: &str, format: &F) -> FormatRow {
    use schemas::{added, removed, renamed, reordered, variant, widened};
    let mut cells = Vec::with_capacity(Change::ALL.len() * 2);
    let mut push = |change, [old_to_new, new_to_old]: [Outcome; 2]| {
        cells.push(Cell { change, direction: Direction::OldToNew, outcome: old_to_new });
        cells.push(Cell { change, direction: Direction::NewToOld, outcome: new_to_old });
    };
    push(
        Change::FieldAdded,
        both(format, &added::v1(), Some(&added::v1_as_v2()), &added::v2(), Some(&added::v2_as_v1())),
    );
    push(
        Change::FieldRemoved,
        both(format, &removed::v1(), Some(&removed::v1_as_v2()), &removed::v2(), Some(&removed::v2_as_v1())),
    );
    push(
        Change::FieldsReordered,
        both(format, &reordered::v1(), Some(&reordered::v1_as_v2()), &reordered::v2(), Some(&reordered::v2_as_v1())),
    );
    push(
        Change::FieldRenamed,
        both(format, &renamed::v1(), Some(&renamed::v1_as_v2()), &renamed::v2(), Some(&renamed::v2_as_v1())),
    );
    push(
        Change::VariantAdded,
        both(format, &variant::v1(), Some(&variant::v1_as_v2()), &variant::v2(), None::<&Vec<variant::V1>>),
    );
    push(
        Change::IntegerWidened,
        both(format, &widened::v1(), Some(&widened::v1_as_v2()), &widened::v2(), None::<&Vec<widened::V1>>),
    );
    FormatRow { format: name.to_owned(), cells }
}

/// Writes `old` (v1) and reads it as v2, expecting `old_as_new`; writes
/// `new` (v2) and reads it as v1, expecting `new_as_old` (`None`: no v1
/// value can stand for it, so only an error is right).
fn both<A, B, F>(format: &F, old: &A, old_as_new: Option<&B>, new: &B, new_as_old: Option<&A>) -> [Outcome; 2]
where
    A: PartialEq + fmt::Debug,
    B: PartialEq + fmt::Debug,
    F: Format<A> + Format<B> + ?Sized,
{
    [read_as::<A, B, F>(format, old, old_as_new), read_as::<B, A, F>(format, new, new_as_old)]
}

fn read_as<W, R, F>(format: &F, written: &W, expected: Option<&R>) -> Outcome
where
    R: PartialEq + fmt::Debug,
    F: Format<W> + Format<R> + ?Sized,
{
    let mut bytes = Vec::new();
    if let Err(e) = Format::<W>::encode(format, written, &mut bytes) {
        return Outcome::Unsupported { message: e.to_string() };
    }
    match Format::<R>::decode(format, &bytes) {
        Err(e) => Outcome::Error { message: e.to_string() },
        Ok(got) if expected == Some(&got) => Outcome::Correct,
        Ok(got) => {
            let mut got = format!("{got:?}");
            if got.len() > 160 {
                let cut = (0..=157).rev().find(|&i| got.is_char_boundary(i)).unwrap_or(0);
                got.truncate(cut);
                got.push_str("...");
            }
            Outcome::Wrong { got }
        }
    }
}

fn protobuf_row() -> FormatRow {
    use proto::{added, removed, renamed, reordered, variant, widened};
    let f = &Protobuf;
    let mut cells = Vec::with_capacity(Change::ALL.len() * 2);
    let mut push = |change, [old_to_new, new_to_old]: [Outcome; 2]| {
        cells.push(Cell { change, direction: Direction::OldToNew, outcome: old_to_new });
        cells.push(Cell { change, direction: Direction::NewToOld, outcome: new_to_old });
    };
    let (name, email) = ("ada".to_owned(), "ada@example.org".to_owned());
    push(
        Change::FieldAdded,
        both(
            f,
            &added::V1 { id: 7, name: name.clone() },
            Some(&added::V2 { id: 7, name: name.clone(), email: String::new() }),
            &added::V2 { id: 7, name: name.clone(), email },
            Some(&added::V1 { id: 7, name: name.clone() }),
        ),
    );
    push(
        Change::FieldRemoved,
        both(
            f,
            &removed::V1 { id: 7, note: "vip".into(), name: name.clone() },
            Some(&removed::V2 { id: 7, name: name.clone() }),
            &removed::V2 { id: 7, name: name.clone() },
            Some(&removed::V1 { id: 7, note: String::new(), name: name.clone() }),
        ),
    );
    let (city, town) = ("Paris".to_owned(), "ada".to_owned());
    push(
        Change::FieldsReordered,
        both(
            f,
            &reordered::V1 { id: 7, name: town.clone(), city: city.clone() },
            Some(&reordered::V2 { id: 7, city: city.clone(), name: town.clone() }),
            &reordered::V2 { id: 7, city: city.clone(), name: town.clone() },
            Some(&reordered::V1 { id: 7, name: town, city }),
        ),
    );
    push(
        Change::FieldRenamed,
        both(
            f,
            &renamed::V1 { id: 7, name: name.clone() },
            Some(&renamed::V2 { id: 7, full_name: name.clone() }),
            &renamed::V2 { id: 7, full_name: name.clone() },
            Some(&renamed::V1 { id: 7, name }),
        ),
    );
    // proto3 enums are open: an old reader keeps an unknown value as its
    // number (2), which is the value written.
    push(
        Change::VariantAdded,
        both(
            f,
            &variant::V1 { id: 7, level: 1 },
            Some(&variant::V2 { id: 7, level: 1 }),
            &variant::V2 { id: 7, level: 2 },
            Some(&variant::V1 { id: 7, level: 2 }),
        ),
    );
    push(
        Change::IntegerWidened,
        both(
            f,
            &widened::V1 { id: 7, count: 3_000_000_000 },
            Some(&widened::V2 { id: 7, count: 3_000_000_000 }),
            &widened::V2 { id: 7, count: 5_000_000_000 },
            None::<&widened::V1>,
        ),
    );
    FormatRow { format: Protobuf::NAME.to_owned(), cells }
}

/// The serde record types of each [`Change`], v1 and v2, with three records
/// of each and what each version's records should read as in the other.
pub mod schemas {
    macro_rules! records {
        ($(#[$m:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
            $(#[$m])*
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[allow(missing_docs, reason = "test records; the fields speak for themselves")]
            pub struct $name { $(pub $field: $ty),* }
        };
    }

    /// [`Change::FieldAdded`](super::Change::FieldAdded): v2 adds `email`
    /// at the end, with a default.
    pub mod added {
        records!(
            /// v1.
            V1 { id: u32, name: String }
        );
        /// v2.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[allow(missing_docs, reason = "test records")]
        pub struct V2 {
            pub id: u32,
            pub name: String,
            #[serde(default)]
            pub email: String,
        }
        /// Three v1 records.
        pub fn v1() -> Vec<V1> {
            (1..=3).map(|id| V1 { id, name: format!("user{id}") }).collect()
        }
        /// Three v2 records.
        pub fn v2() -> Vec<V2> {
            (1..=3).map(|id| V2 { id, name: format!("user{id}"), email: format!("u{id}@example.org") }).collect()
        }
        /// [`v1`] as a v2 reader should see it.
        pub fn v1_as_v2() -> Vec<V2> {
            v1().into_iter().map(|r| V2 { id: r.id, name: r.name, email: String::new() }).collect()
        }
        /// [`v2`] as a v1 reader should see it.
        pub fn v2_as_v1() -> Vec<V1> {
            v2().into_iter().map(|r| V1 { id: r.id, name: r.name }).collect()
        }
    }

    /// [`Change::FieldRemoved`](super::Change::FieldRemoved): v2 drops
    /// `note`, the middle field.
    pub mod removed {
        records!(
            /// v1.
            V1 { id: u32, note: String, name: String }
        );
        records!(
            /// v2.
            V2 { id: u32, name: String }
        );
        /// Three v1 records.
        pub fn v1() -> Vec<V1> {
            (1..=3).map(|id| V1 { id, note: format!("note{id}"), name: format!("user{id}") }).collect()
        }
        /// Three v2 records.
        pub fn v2() -> Vec<V2> {
            v1_as_v2()
        }
        /// [`v1`] as a v2 reader should see it.
        pub fn v1_as_v2() -> Vec<V2> {
            v1().into_iter().map(|r| V2 { id: r.id, name: r.name }).collect()
        }
        /// [`v2`] as a v1 reader should see it (the old reader has no
        /// default for `note`, so an error is also honest).
        pub fn v2_as_v1() -> Vec<V1> {
            v2().into_iter().map(|r| V1 { id: r.id, note: String::new(), name: r.name }).collect()
        }
    }

    /// [`Change::FieldsReordered`](super::Change::FieldsReordered): v2
    /// declares `city` before `name`.
    pub mod reordered {
        records!(
            /// v1.
            V1 { id: u32, name: String, city: String }
        );
        records!(
            /// v2.
            V2 { id: u32, city: String, name: String }
        );
        /// Three v1 records.
        pub fn v1() -> Vec<V1> {
            (1..=3).map(|id| V1 { id, name: format!("user{id}"), city: format!("city{id}") }).collect()
        }
        /// Three v2 records.
        pub fn v2() -> Vec<V2> {
            v1_as_v2()
        }
        /// [`v1`] as a v2 reader should see it.
        pub fn v1_as_v2() -> Vec<V2> {
            v1().into_iter().map(|r| V2 { id: r.id, city: r.city, name: r.name }).collect()
        }
        /// [`v2`] as a v1 reader should see it.
        pub fn v2_as_v1() -> Vec<V1> {
            v1()
        }
    }

    /// [`Change::FieldRenamed`](super::Change::FieldRenamed): v2 renames
    /// `name` to `full_name`, with `name` as an alias.
    pub mod renamed {
        records!(
            /// v1.
            V1 { id: u32, name: String }
        );
        /// v2.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[allow(missing_docs, reason = "test records")]
        pub struct V2 {
            pub id: u32,
            #[serde(alias = "name")]
            pub full_name: String,
        }
        /// Three v1 records.
        pub fn v1() -> Vec<V1> {
            (1..=3).map(|id| V1 { id, name: format!("user{id}") }).collect()
        }
        /// Three v2 records.
        pub fn v2() -> Vec<V2> {
            v1_as_v2()
        }
        /// [`v1`] as a v2 reader should see it.
        pub fn v1_as_v2() -> Vec<V2> {
            v1().into_iter().map(|r| V2 { id: r.id, full_name: r.name }).collect()
        }
        /// [`v2`] as a v1 reader should see it (it knows no alias, so an
        /// error is also honest).
        pub fn v2_as_v1() -> Vec<V1> {
            v1()
        }
    }

    /// [`Change::VariantAdded`](super::Change::VariantAdded): v2's `Level`
    /// gains `Error`.
    pub mod variant {
        /// v1's levels.
        #[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
        #[allow(missing_docs, reason = "test records")]
        pub enum LevelV1 {
            Info,
            Warn,
        }
        /// v2's levels.
        #[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
        #[allow(missing_docs, reason = "test records")]
        pub enum LevelV2 {
            Info,
            Warn,
            Error,
        }
        records!(
            /// v1.
            V1 { id: u32, level: LevelV1 }
        );
        records!(
            /// v2.
            V2 { id: u32, level: LevelV2 }
        );
        /// Three v1 records.
        pub fn v1() -> Vec<V1> {
            vec![
                V1 { id: 1, level: LevelV1::Info },
                V1 { id: 2, level: LevelV1::Warn },
                V1 { id: 3, level: LevelV1::Info },
            ]
        }
        /// Three v2 records, one with the new variant (no v1 value stands
        /// for it: only an error is right).
        pub fn v2() -> Vec<V2> {
            vec![
                V2 { id: 1, level: LevelV2::Info },
                V2 { id: 2, level: LevelV2::Error },
                V2 { id: 3, level: LevelV2::Warn },
            ]
        }
        /// [`v1`] as a v2 reader should see it.
        pub fn v1_as_v2() -> Vec<V2> {
            v1().into_iter()
                .map(|r| V2 {
                    id: r.id,
                    level: match r.level {
                        LevelV1::Info => LevelV2::Info,
                        LevelV1::Warn => LevelV2::Warn,
                    },
                })
                .collect()
        }
    }

    /// [`Change::IntegerWidened`](super::Change::IntegerWidened): v2's
    /// `count` is a `u64`.
    pub mod widened {
        records!(
            /// v1.
            V1 { id: u32, count: u32 }
        );
        records!(
            /// v2.
            V2 { id: u32, count: u64 }
        );
        /// Three v1 records, one above `i32::MAX`.
        pub fn v1() -> Vec<V1> {
            vec![V1 { id: 1, count: 7 }, V1 { id: 2, count: 3_000_000_000 }, V1 { id: 3, count: 300 }]
        }
        /// Three v2 records, one above `u32::MAX` (no v1 value stands for
        /// it: only an error is right).
        pub fn v2() -> Vec<V2> {
            vec![V2 { id: 1, count: 7 }, V2 { id: 2, count: 5_000_000_000 }, V2 { id: 3, count: 300 }]
        }
        /// [`v1`] as a v2 reader should see it.
        pub fn v1_as_v2() -> Vec<V2> {
            v1().into_iter().map(|r| V2 { id: r.id, count: u64::from(r.count) }).collect()
        }
    }
}

/// The protobuf twins of [`schemas`]: field tags kept stable across
/// versions, as protobuf practice asks (a removed field's tag is retired).
mod proto {
    #![allow(missing_docs, unreachable_pub, reason = "private message types for the matrix")]

    pub mod added {
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V1 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(string, tag = "2")]
            pub name: String,
        }
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V2 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(string, tag = "2")]
            pub name: String,
            #[prost(string, tag = "3")]
            pub email: String,
        }
    }

    pub mod removed {
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V1 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(string, tag = "2")]
            pub note: String,
            #[prost(string, tag = "3")]
            pub name: String,
        }
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V2 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(string, tag = "3")]
            pub name: String,
        }
    }

    pub mod reordered {
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V1 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(string, tag = "2")]
            pub name: String,
            #[prost(string, tag = "3")]
            pub city: String,
        }
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V2 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(string, tag = "3")]
            pub city: String,
            #[prost(string, tag = "2")]
            pub name: String,
        }
    }

    pub mod renamed {
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V1 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(string, tag = "2")]
            pub name: String,
        }
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V2 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(string, tag = "2")]
            pub full_name: String,
        }
    }

    pub mod variant {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration)]
        #[repr(i32)]
        pub enum LevelV1 {
            Info = 0,
            Warn = 1,
        }
        #[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration)]
        #[repr(i32)]
        pub enum LevelV2 {
            Info = 0,
            Warn = 1,
            Error = 2,
        }
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V1 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(enumeration = "LevelV1", tag = "2")]
            pub level: i32,
        }
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V2 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(enumeration = "LevelV2", tag = "2")]
            pub level: i32,
        }
    }

    pub mod widened {
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V1 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(uint32, tag = "2")]
            pub count: u32,
        }
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct V2 {
            #[prost(uint32, tag = "1")]
            pub id: u32,
            #[prost(uint64, tag = "2")]
            pub count: u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_every_cell() {
        let m = matrix();
        assert_eq!(m.rows.len(), 8);
        for row in &m.rows {
            assert_eq!(row.cells.len(), Change::ALL.len() * Direction::ALL.len(), "{}", row.format);
        }
    }

    #[test]
    fn named_formats_handle_additive_changes() {
        let m = matrix();
        for format in ["json", "msgpack", "wire"] {
            for direction in Direction::ALL {
                assert_eq!(m.outcome(format, Change::FieldAdded, direction), Some(&Outcome::Correct), "{format}");
                assert_eq!(m.outcome(format, Change::FieldsReordered, direction), Some(&Outcome::Correct), "{format}");
            }
            // An old reader refuses the new variant and the too-large count.
            for change in [Change::VariantAdded, Change::IntegerWidened] {
                let outcome = m.outcome(format, change, Direction::NewToOld);
                assert!(matches!(outcome, Some(Outcome::Error { .. })), "{format} {change:?}: {outcome:?}");
            }
        }
    }

    #[test]
    fn positional_formats_swap_reordered_fields_silently() {
        let m = matrix();
        let outcome = m.outcome("msgpack-compact", Change::FieldsReordered, Direction::OldToNew);
        assert!(matches!(outcome, Some(Outcome::Wrong { got }) if got.contains("city: \"user1\"")), "{outcome:?}");
    }

    #[test]
    fn protobuf_truncates_a_narrowed_integer_silently() {
        let m = matrix();
        let outcome = m.outcome("protobuf", Change::IntegerWidened, Direction::NewToOld);
        assert!(matches!(outcome, Some(Outcome::Wrong { .. })), "{outcome:?}");
        assert_eq!(m.outcome("protobuf", Change::FieldRenamed, Direction::NewToOld), Some(&Outcome::Correct));
    }

    #[test]
    fn parquet_refuses_an_enum_column_with_an_error() {
        let outcome = matrix().outcome("parquet", Change::VariantAdded, Direction::OldToNew).cloned();
        assert!(matches!(&outcome, Some(Outcome::Unsupported { message }) if message.contains("union")), "{outcome:?}");
    }

    #[test]
    fn markdown_marks_wrong_cells() {
        let md = matrix().markdown();
        assert!(md.contains("**WRONG**"));
        assert_eq!(md.lines().filter(|l| l.starts_with("| ")).count(), 1 + 8);
    }
}
