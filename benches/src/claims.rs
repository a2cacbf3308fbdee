//! The tutorial's quantitative claims, checked against a run's figures.
//!
//! Each [`Claim`] quotes the tutorial, names the experiment of this bench
//! that measures it, and computes the measured figure and a [`Verdict`]
//! from the [`Report`] (or, for claims about encodings rather than speed,
//! from encoding the tutorial's example with flatbox). Nothing is typed
//! in: a claim whose experiment the run did not measure (a `--filter`)
//! says so.

use std::fmt::Write as _;

use flatbox::evolution::{Change, Direction, Matrix, Outcome};
use flatbox::{Format, Json, MsgPack};
use serde::{Deserialize, Serialize};

use crate::report::{Report, Row};

/// Whether a claim held in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every figure is within the claim.
    Holds,
    /// Some figures are, some are not.
    Partly,
    /// No figure is.
    DoesNotHold,
    /// The run did not measure it.
    NotMeasured,
}

impl Verdict {
    /// `holds`, `partly`, `does not hold`, `not measured`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Partly => "partly",
            Verdict::DoesNotHold => "does not hold",
            Verdict::NotMeasured => "not measured",
        }
    }

    /// All figures within, some, or none: the verdict of `within` checks.
    fn of(within: &[bool]) -> Verdict {
        match (within.iter().filter(|&&w| w).count(), within.len()) {
            (_, 0) => Verdict::NotMeasured,
            (n, total) if n == total => Verdict::Holds,
            (0, _) => Verdict::DoesNotHold,
            _ => Verdict::Partly,
        }
    }
}

/// One claim of the tutorial and what this run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The tutorial's words.
    pub wording: String,
    /// The experiment of this bench that measures it.
    pub experiment: String,
    /// The measured figures.
    pub measured: String,
    /// Whether it held.
    pub verdict: Verdict,
}

fn row<'a>(report: &'a Report, dataset: &str, format: &str) -> Option<&'a Row> {
    report.datasets.iter().find(|d| d.name == dataset)?.rows.iter().find(|r| r.report.format == format)
}

fn time(r: &Row) -> f64 {
    r.report.encode.median_ns + r.report.decode.median_ns
}

/// Every dataset that measured both JSON and `format`, with the ratios.
fn against_json<'a>(report: &'a Report, format: &str) -> Vec<(&'a str, &'a flatbox::profile::Ratios)> {
    report
        .datasets
        .iter()
        .filter_map(|d| {
            let r = d.rows.iter().find(|r| r.report.format == format)?;
            let v = r.vs_baseline.as_ref().filter(|v| v.baseline == "json")?;
            Some((d.name.as_str(), v))
        })
        .collect()
}

/// Every claim, checked against `report` (and `evolution`, the run's
/// schema-evolution matrix).
pub fn check(report: &Report) -> Vec<Claim> {
    let mut claims = Vec::new();

    let msgpack = against_json(report, "msgpack");
    let experiment = "every dataset measured as json and msgpack (named fields)".to_owned();
    claims.push(Claim {
        wording: "MessagePack: \"20-50% smaller than JSON\"".into(),
        experiment: experiment.clone(),
        measured: msgpack
            .iter()
            .map(|(d, v)| format!("{d} {:.0}%", v.size_reduction_pct))
            .collect::<Vec<_>>()
            .join(", "),
        verdict: Verdict::of(
            &msgpack.iter().map(|(_, v)| (20.0..=50.0).contains(&v.size_reduction_pct)).collect::<Vec<_>>(),
        ),
    });
    claims.push(Claim {
        wording: "MessagePack: \"2-5x faster encoding/decoding\"".into(),
        experiment,
        measured: msgpack
            .iter()
            .map(|(d, v)| format!("{d} enc {:.1}x dec {:.1}x", v.encode_speedup, v.decode_speedup))
            .collect::<Vec<_>>()
            .join(", "),
        verdict: Verdict::of(
            &msgpack
                .iter()
                .flat_map(|(_, v)| [v.encode_speedup, v.decode_speedup])
                .map(|x| (2.0..=5.0).contains(&x))
                .collect::<Vec<_>>(),
        ),
    });

    claims.push(alice());
    claims.push(varints());

    let borrowed: Vec<(&str, f64)> = report
        .datasets
        .iter()
        .filter_map(|d| {
            let owned = d.rows.iter().find(|r| r.report.format == "wire")?;
            let zero_copy = d.rows.iter().find(|r| r.report.format == crate::experiments::WIRE_BORROWED)?;
            Some((d.name.as_str(), owned.report.decode.median_ns / zero_copy.report.decode.median_ns))
        })
        .collect();
    claims.push(Claim {
        wording: "Zero-copy: \"faster serialization (no memory copying)\"".into(),
        experiment: "decoding wire into borrowing twins (&str) against owned values".into(),
        measured: borrowed.iter().map(|(d, x)| format!("{d} {x:.2}x")).collect::<Vec<_>>().join(", "),
        verdict: Verdict::of(&borrowed.iter().map(|(_, x)| *x > 1.0).collect::<Vec<_>>()),
    });

    let mmap = row(report, "records-1m-file", crate::storage::MMAP).and_then(|r| r.vs_baseline.as_ref());
    claims.push(Claim {
        wording: "Memory-mapped files: reading 1000 records through mmap is faster than reading the file (\"Speedup\")"
            .into(),
        experiment: "records-1m-file: mmap (FixedTable) against reading the whole file".into(),
        measured: mmap.map_or_else(String::new, |v| format!("{:.1}x", v.decode_speedup)),
        verdict: Verdict::of(&mmap.map(|v| v.decode_speedup > 1.0).into_iter().collect::<Vec<_>>()),
    });

    let arrow = row(report, "table-100k", "arrow-ipc").and_then(|r| r.vs_baseline.as_ref());
    claims.push(Claim {
        wording: "Apache Arrow: \"faster serialization\" than the row formats".into(),
        experiment: "table-100k: arrow-ipc against JSON, encode and decode".into(),
        measured: arrow.map_or_else(String::new, |v| {
            format!("enc {:.1}x dec {:.1}x, size {:.0}%", v.encode_speedup, v.decode_speedup, v.size_ratio * 100.0)
        }),
        verdict: Verdict::of(
            &arrow.map(|v| [v.encode_speedup > 1.0, v.decode_speedup > 1.0]).into_iter().flatten().collect::<Vec<_>>(),
        ),
    });

    claims.push(compression(report));
    claims.push(hierarchy(report));
    if let Some(matrix) = &report.evolution {
        claims.push(evolution(matrix));
    }
    claims
}

/// The tutorial's MessagePack diagram: 14 bytes, 42% smaller than JSON.
fn alice() -> Claim {
    #[derive(Serialize, Deserialize)]
    struct User {
        name: String,
        age: u32,
    }
    let alice = User { name: "Alice".into(), age: 30 };
    let (mut json, mut packed) = (Vec::new(), Vec::new());
    let sizes = Json
        .encode(&alice, &mut json)
        .and_then(|()| MsgPack::named().encode(&alice, &mut packed))
        .map(|()| (json.len(), packed.len()));
    let (measured, verdict) = match sizes {
        Ok((j, m)) => (
            format!("JSON {j} B, MessagePack {m} B ({:.0}% smaller)", (1.0 - m as f64 / j as f64) * 100.0),
            Verdict::of(&[m == 14]),
        ),
        Err(e) => (e.to_string(), Verdict::NotMeasured),
    };
    Claim {
        wording: "MessagePack diagram: {\"name\":\"Alice\",\"age\":30} packs into \"14 bytes (42% smaller)\"".into(),
        experiment: "the tutorial's value through flatbox::Json and MsgPack::named".into(),
        measured,
        verdict,
    }
}

/// The tutorial's varint sizes.
fn varints() -> Claim {
    let claimed = [(1_u32, 1_usize), (127, 1), (128, 2), (16_384, 3), (u32::MAX, 5)];
    let measured: Vec<(u32, usize, usize)> = claimed
        .iter()
        .map(|&(n, bytes)| {
            let mut out = Vec::new();
            flatbox::wire::varint::write_u32(&mut out, n);
            (n, bytes, out.len())
        })
        .collect();
    Claim {
        wording: "Varint: 1 and 127 take 1 byte, 128 takes 2, 16384 takes 3; \"1-5 bytes\" for 32-bit values".into(),
        experiment: "flatbox-wire's LEB128 varints (the encoding protobuf uses)".into(),
        measured: measured.iter().map(|(n, _, got)| format!("{n}: {got} B")).collect::<Vec<_>>().join(", "),
        verdict: Verdict::of(&measured.iter().map(|(_, want, got)| want == got).collect::<Vec<_>>()),
    }
}

/// The compression section's trade-off: LZ4 fastest, zstd smaller than LZ4,
/// gzip slowest to compress.
fn compression(report: &Report) -> Claim {
    let dataset = "compression-mix";
    let base = "wire";
    let codec = |c: &str| row(report, dataset, &format!("{base}+{c}"));
    let (Some(lz4), Some(zstd), Some(gzip)) = (codec("lz4"), codec("zstd:3"), codec("gzip:6")) else {
        return Claim {
            wording: "Compression: LZ4 is the fastest, zstd compresses smaller, gzip is the slowest".into(),
            experiment: format!("{dataset}: {base} with lz4, zstd:3 and gzip:6"),
            measured: String::new(),
            verdict: Verdict::NotMeasured,
        };
    };
    let enc = |r: &Row| r.report.encode.median_ns;
    let checks = [
        enc(lz4) < enc(zstd) && enc(lz4) < enc(gzip),
        zstd.report.size < lz4.report.size,
        enc(gzip) > enc(zstd) && enc(gzip) > enc(lz4),
    ];
    Claim {
        wording: "Compression: LZ4 is the fastest, zstd compresses smaller, gzip is the slowest".into(),
        experiment: format!("{dataset}: {base} with lz4, zstd:3 and gzip:6 (encode time and size)"),
        measured: [lz4, zstd, gzip]
            .iter()
            .map(|r| {
                format!(
                    "{} {} B in {}",
                    r.report.format,
                    r.report.size,
                    crate::report::human_duration(r.report.encode.median_ns)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        verdict: Verdict::of(&checks),
    }
}

/// "Performance Hierarchy (fastest to slowest)": six approaches, ranked by
/// encode + decode time on the HTTP log.
fn hierarchy(report: &Report) -> Claim {
    let dataset = "http-log-10k";
    let approaches = [
        ("custom binary + zero-copy", crate::experiments::WIRE_BORROWED),
        ("MessagePack + compression", "msgpack+lz4"),
        ("Pickle + compression (flatbox-wire)", "wire+lz4"),
        ("Arrow/Parquet", "arrow-ipc"),
        ("Protocol Buffers", "protobuf"),
        ("JSON + compression", "json+lz4"),
    ];
    let measured: Vec<(&str, f64)> =
        approaches.iter().filter_map(|(name, format)| row(report, dataset, format).map(|r| (*name, time(r)))).collect();
    let mut ranked = measured.clone();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
    // Pairs in the claimed order that the measurement confirms.
    let pairs: Vec<bool> =
        measured.iter().enumerate().flat_map(|(i, a)| measured[i + 1..].iter().map(move |b| a.1 < b.1)).collect();
    let concordant = pairs.iter().filter(|&&p| p).count();
    let verdict = if measured.len() < approaches.len() {
        Verdict::NotMeasured
    } else if concordant == pairs.len() {
        Verdict::Holds
    } else if concordant * 2 >= pairs.len() {
        Verdict::Partly
    } else {
        Verdict::DoesNotHold
    };
    Claim {
        wording: "Performance hierarchy, fastest to slowest: custom binary + zero-copy, MessagePack + compression, \
                  Pickle + compression, Arrow/Parquet, Protocol Buffers, JSON + compression"
            .into(),
        experiment: format!(
            "{dataset}: encode + decode time of wire (borrowed), msgpack+lz4, wire+lz4, arrow-ipc, protobuf, json+lz4"
        ),
        measured: format!(
            "measured order: {}; {concordant} of {} pairs in the claimed order",
            ranked
                .iter()
                .map(|(n, t)| format!("{n} ({})", crate::report::human_duration(*t)))
                .collect::<Vec<_>>()
                .join(" < "),
            pairs.len()
        ),
        verdict,
    }
}

/// "Protobuf's schema-based approach allows backward/forward
/// compatibility. You can add new fields without breaking existing code."
fn evolution(matrix: &Matrix) -> Claim {
    let cells: Vec<(Direction, Option<&Outcome>)> =
        Direction::ALL.iter().map(|&d| (d, matrix.outcome("protobuf", Change::FieldAdded, d))).collect();
    let all = matrix.row("protobuf");
    Claim {
        wording: "Protobuf: \"backward/forward compatibility. You can add new fields without breaking existing code\""
            .into(),
        experiment: "the schema-evolution matrix: protobuf, a field added, both directions".into(),
        measured: format!(
            "{}; all changes: {}",
            cells
                .iter()
                .map(|(d, o)| format!("{} {}", d.arrow(), o.map_or("not measured", Outcome::label)))
                .collect::<Vec<_>>()
                .join(", "),
            all.map_or_else(String::new, |r| format!(
                "{} of {} cells correct, {} wrong without an error",
                r.correct(),
                r.cells.len(),
                r.wrong()
            ))
        ),
        verdict: Verdict::of(&cells.iter().map(|(_, o)| *o == Some(&Outcome::Correct)).collect::<Vec<_>>()),
    }
}

/// The claims as a Markdown table.
pub fn markdown(claims: &[Claim]) -> String {
    let mut md = String::from("| claim (tutorial) | experiment | measured | verdict |\n|---|---|---|---|\n");
    for c in claims {
        let _ = writeln!(
            md,
            "| {} | {} | {} | **{}** |",
            c.wording.replace('|', "\\|"),
            c.experiment,
            c.measured,
            c.verdict.label()
        );
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(Verdict::of(&[]), Verdict::NotMeasured);
        assert_eq!(Verdict::of(&[true, true]), Verdict::Holds);
        assert_eq!(Verdict::of(&[true, false]), Verdict::Partly);
        assert_eq!(Verdict::of(&[false]), Verdict::DoesNotHold);
    }

    #[test]
    fn the_encoding_claims_are_computed() {
        // The diagram leaves out the "age" key: 17 bytes, not 14.
        let alice = alice();
        assert_eq!(alice.verdict, Verdict::DoesNotHold);
        assert!(alice.measured.contains("MessagePack 17 B"), "{}", alice.measured);
        assert_eq!(varints().verdict, Verdict::Holds);
    }
}
