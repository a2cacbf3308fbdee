//! The recommendation: the tutorial's decision tree ("Choosing the Right
//! Serialization Strategy"), walked with the needs a user states and the
//! figures the harness measured. `flatbox profile` prints it.
//!
//! [`recommend`] is a pure function over [`Figures`]: it never measures,
//! so it can be tested with synthetic figures.

use serde::Serialize;

/// What to optimize for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Optimize {
    /// The smallest bytes.
    Size,
    /// The fastest encode + decode.
    Speed,
    /// The best product of size and time (each relative to JSON's).
    #[default]
    Balanced,
}

/// The needs a user states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[allow(clippy::struct_excessive_bools, reason = "one flag per question of the decision tree")]
pub struct Needs {
    /// Other languages read or write the data.
    pub cross_language: bool,
    /// People read the data.
    pub human_readable: bool,
    /// The schema changes while old data must still be read.
    pub schema_evolution: bool,
    /// The criterion that ranks the measured rows.
    pub optimize: Optimize,
}

/// The measured figures of one format + codec.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// The format without its codec (`wire+strings`, `msgpack-compact`).
    pub format: String,
    /// The codec (`none`, `zstd:3`, ...).
    pub codec: String,
    /// The size after the codec, in bytes.
    pub size: usize,
    /// `size` over JSON's uncompressed size.
    pub ratio_to_json: f64,
    /// JSON-equivalent megabytes encoded per second.
    pub encode_mb_s: f64,
    /// JSON-equivalent megabytes decoded per second.
    pub decode_mb_s: f64,
    /// The median encode time, in nanoseconds.
    pub encode_ns: f64,
    /// The median decode time, in nanoseconds.
    pub decode_ns: f64,
    /// The encode time's first and third quartiles, in nanoseconds (the
    /// median twice when the spread is unknown).
    pub encode_quartiles_ns: (f64, f64),
    /// The decode time's first and third quartiles, in nanoseconds.
    pub decode_quartiles_ns: (f64, f64),
}

impl Figures {
    /// `format+codec`, or the format alone without a codec.
    pub fn name(&self) -> String {
        if self.codec == "none" { self.format.clone() } else { format!("{}+{}", self.format, self.codec) }
    }

    /// Encode plus decode time, in nanoseconds.
    pub fn time_ns(&self) -> f64 {
        self.encode_ns + self.decode_ns
    }

    /// Encode plus decode time at the first and third quartiles.
    fn time_range_ns(&self) -> (f64, f64) {
        (
            self.encode_quartiles_ns.0 + self.decode_quartiles_ns.0,
            self.encode_quartiles_ns.1 + self.decode_quartiles_ns.1,
        )
    }
}

/// The decision and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// The recommended format+codec (empty when no row was given).
    pub choice: String,
    /// The family the decision tree led to.
    pub family: String,
    /// Each step of the tree: the question, the answer, why.
    pub path: Vec<String>,
    /// The measured figures behind the choice.
    pub figures: String,
    /// Other notes (what was not measured, the runner-up, the overall best).
    pub notes: Vec<String>,
}

/// The tutorial's decision tree ("Choosing the Right Serialization
/// Strategy"), in Rust terms, then the measured rows of the family it leads
/// to, ranked by `--optimize`. For tabular data (`tabular`: records x flat
/// fields) the tree gets a measured branch, the tutorial's "Arrow/Parquet
/// for analytical workloads": the columnar family is taken when its best
/// row beats the tree's family by the same criterion.
///
/// A pure function of the figures it is given: the same rows and needs
/// always give the same recommendation, so it is tested with made-up
/// figures rather than measured ones.
///
/// # Examples
///
/// ```
/// use flatbox::recommend::{Figures, Needs, Optimize, recommend};
///
/// let row = |format: &str, size: usize, ns: f64| Figures {
///     format: format.into(), codec: "none".into(), size, ratio_to_json: size as f64 / 1000.0,
///     encode_mb_s: 1.0, decode_mb_s: 1.0, encode_ns: ns / 2.0, decode_ns: ns / 2.0,
///     encode_quartiles_ns: (ns / 2.0, ns / 2.0), decode_quartiles_ns: (ns / 2.0, ns / 2.0),
/// };
/// let rows = [row("json", 1000, 100.0), row("msgpack", 800, 80.0), row("wire", 500, 50.0), row("wire+strings", 400, 70.0)];
/// let needs = Needs { optimize: Optimize::Speed, ..Needs::default() };
/// let r = recommend(&rows, &needs, false, None);
/// assert_eq!((r.choice.as_str(), r.family.as_str()), ("wire", "wire"));
/// let small = recommend(&rows, &Needs { optimize: Optimize::Size, ..Needs::default() }, false, None);
/// assert_eq!(small.choice, "wire+strings");
/// ```
#[allow(clippy::too_many_lines, reason = "the decision tree, read top to bottom")]
pub fn recommend(rows: &[Figures], needs: &Needs, have_proto: bool, tabular: Option<(usize, usize)>) -> Recommendation {
    let mut path = vec![
        "Python-specific types? not applicable: the tutorial's Pickle branches become flatbox-wire, Rust's self-describing binary format".to_owned(),
    ];
    let mut notes = Vec::new();
    let mut family: &[&'static str];
    let mut family_name: &str;
    let evolution = needs.schema_evolution.then(|| evolution_step(needs.cross_language, have_proto, tabular.is_some()));
    path.push(if needs.cross_language {
        "cross-language? yes (--cross-language)".into()
    } else {
        "cross-language? no (no --cross-language): Rust on both ends".into()
    });
    if let Some(step) = &evolution {
        path.push(step.question.clone());
        notes.extend(step.notes.iter().cloned());
        family = &step.family;
        family_name = &step.family_name;
    } else if needs.cross_language {
        if needs.human_readable {
            path.push("schema evolution? no -> human-readable? yes (--human-readable) -> JSON".into());
            family = &["json"];
            family_name = "json";
        } else {
            path.push("schema evolution? no -> human-readable? no -> MessagePack".into());
            family = &["msgpack", "msgpack-compact"];
            family_name = "msgpack";
        }
    } else if needs.human_readable {
        path.push("human-readable? yes (--human-readable) -> JSON (the tree's readable choice)".into());
        family = &["json"];
        family_name = "json";
    } else if needs.optimize == Optimize::Speed {
        path.push("maximum performance? yes (--optimize speed) -> custom binary + zero-copy: flatbox-wire".into());
        family = &["wire", "wire+strings"];
        family_name = "wire";
    } else {
        path.push(format!(
            "maximum performance? no (--optimize {}) -> the tree's \"Pickle with compression\": flatbox-wire with a codec",
            match needs.optimize {
                Optimize::Size => "size",
                _ => "balanced",
            }
        ));
        family = &["wire", "wire+strings"];
        family_name = "wire";
    }
    let json = rows.iter().find(|r| r.format == "json" && r.codec == "none");
    let score = |r: &Figures| -> f64 {
        match needs.optimize {
            Optimize::Size => r.size as f64,
            Optimize::Speed => r.time_ns(),
            Optimize::Balanced => {
                let base_time = json.map_or(1.0, Figures::time_ns).max(1e-9);
                r.ratio_to_json * (r.time_ns() / base_time)
            }
        }
    };
    let criterion = match needs.optimize {
        Optimize::Size => "--optimize size: the smallest output",
        Optimize::Speed => "--optimize speed: the least encode + decode time",
        Optimize::Balanced => "--optimize balanced: the smallest (size / JSON's) x (time / JSON's)",
    };
    if let Some((records, fields)) = tabular {
        const COLUMNAR_FAMILY: &[&str] = &["arrow-ipc", "parquet"];
        let best_of = |names: &[&str]| {
            rows.iter().filter(|r| names.contains(&r.format.as_str())).min_by(|a, b| score(a).total_cmp(&score(b)))
        };
        let question = format!(
            "tabular data ({records} records x {fields} flat fields)? yes -> the tutorial's \"Arrow/Parquet for analytical workloads\""
        );
        match (best_of(COLUMNAR_FAMILY), best_of(family)) {
            _ if evolution.as_ref().is_some_and(|step| !step.family.iter().any(|f| COLUMNAR_FAMILY.contains(f))) => {
                path.push(format!(
                    "{question}: not taken, the schema-evolution step above measured Arrow IPC and Parquet below {family_name}"
                ));
            }
            _ if needs.human_readable => {
                path.push(format!(
                    "{question}: not taken, the columnar formats are binary and --human-readable was asked"
                ));
            }
            (None, _) => path.push(format!(
                "{question}: not taken, Arrow IPC and Parquet could not round-trip this data (see \"not measured\")"
            )),
            (Some(columnar), Some(tree)) if score(columnar) >= score(tree) => {
                path.push(format!(
                    "{question}: measured, not taken: the best columnar row, {}, loses to {family_name}'s best, {}, by {criterion}",
                    describe(columnar),
                    describe(tree)
                ));
                notes.push("for column scans and dataframes (pyarrow, DuckDB, Polars, Spark), Arrow IPC or Parquet still fit this data; the columnar rows above give their cost".into());
            }
            (Some(columnar), tree) => {
                path.push(format!(
                    "{question}: measured, taken: the best columnar row, {}, beats {} by {criterion}",
                    describe(columnar),
                    tree.map_or_else(
                        || format!("{family_name} (not measured)"),
                        |t| format!("{family_name}'s best, {}", describe(t))
                    )
                ));
                family = COLUMNAR_FAMILY;
                family_name = "columnar (Arrow IPC / Parquet)";
            }
        }
    }
    let mut candidates: Vec<&Figures> = rows.iter().filter(|r| family.contains(&r.format.as_str())).collect();
    if candidates.is_empty() {
        // protobuf asked for but not measured: MessagePack, the tree's
        // cross-language binary choice.
        candidates = rows.iter().filter(|r| r.format.starts_with("msgpack")).collect();
    }
    if candidates.is_empty() {
        candidates = rows.iter().collect();
    }
    candidates.sort_by(|a, b| score(a).total_cmp(&score(b)));
    let Some(best) = candidates.first() else {
        return Recommendation {
            choice: String::new(),
            family: family_name.into(),
            path,
            figures: String::new(),
            notes,
        };
    };
    path.push(format!("within {family_name}, {criterion}"));
    let figures = describe(best);
    if let Some(second) = candidates.get(1) {
        notes.push(format!("runner-up: {}", describe(second)));
        if let Some(why) = within_noise_of(best, second, needs.optimize) {
            notes.push(format!(
                "the choice is within the noise: {} and {} {why}; rerun with --thorough on a quiet machine to separate them",
                best.name(),
                second.name()
            ));
        }
    }
    let mut all: Vec<&Figures> = rows.iter().collect();
    all.sort_by(|a, b| score(a).total_cmp(&score(b)));
    if let Some(overall) = all.first()
        && overall.name() != best.name()
    {
        notes.push(format!(
            "ignoring the stated needs, the best measured by the same criterion is {}",
            describe(overall)
        ));
    }
    notes.push("golden rule: these are your data's figures on this machine; serialization matters only if profiling your program shows it as a bottleneck".into());
    Recommendation { choice: best.name(), family: family_name.into(), path, figures, notes }
}

/// The decision tree's "need schema evolution?" step, answered by the
/// measured matrix ([`crate::evolution`]) instead of the formats'
/// reputations.
struct EvolutionStep {
    question: String,
    family: Vec<&'static str>,
    family_name: String,
    notes: Vec<String>,
}

/// The formats `flatbox profile` measures that the evolution matrix covers,
/// and whether other languages read them.
const EVOLVING: [(&str, bool); 8] = [
    ("json", true),
    ("msgpack", true),
    ("msgpack-compact", true),
    ("wire", false),
    ("wire+strings", false),
    ("protobuf", true),
    ("arrow-ipc", true),
    ("parquet", true),
];

/// Among the formats measured (cross-language ones only with
/// `cross_language`), those that decode the most changes correctly in the
/// matrix, then the fewest wrongly without an error; the formats with
/// silently wrong cells are named in a note.
fn evolution_step(cross_language: bool, have_proto: bool, tabular: bool) -> EvolutionStep {
    let matrix = crate::evolution::matrix();
    let cells = crate::evolution::Change::ALL.len() * crate::evolution::Direction::ALL.len();
    let measured = |name: &str| match name {
        "protobuf" => have_proto,
        "arrow-ipc" | "parquet" => tabular,
        _ => true,
    };
    let mut candidates: Vec<(&'static str, usize, usize)> = EVOLVING
        .iter()
        .filter(|(name, other_languages)| (*other_languages || !cross_language) && measured(name))
        .filter_map(|(name, _)| matrix.row(name).map(|r| (*name, r.wrong(), r.correct())))
        .collect();
    candidates.sort_by_key(|&(_, wrong, correct)| (std::cmp::Reverse(correct), wrong));
    let best = candidates.first().map(|&(_, w, c)| (w, c));
    let family: Vec<&'static str> =
        candidates.iter().filter(|&&(_, w, c)| Some((w, c)) == best).map(|&(name, _, _)| name).collect();
    let scores: Vec<String> =
        candidates.iter().map(|(name, w, c)| format!("{name} {c}/{cells} correct, {w} silently wrong")).collect();
    let mut notes = Vec::new();
    let dangerous: Vec<String> =
        candidates.iter().filter(|(_, w, _)| *w > 0).map(|(name, w, _)| format!("{name} ({w})")).collect();
    if !dangerous.is_empty() {
        notes.push(format!(
            "schema evolution: these decode some changed records WRONGLY without an error: {} (`flatbox profile --schema-evolution --json` lists every cell; the bench report shows the matrix)",
            dangerous.join(", ")
        ));
    }
    if !have_proto {
        notes.push("protobuf was not measured: give --proto FILE --message NAME to measure it on this data (it keeps field tags stable across versions)".into());
    }
    let family_name = family.join(" / ");
    EvolutionStep {
        question: format!(
            "schema evolution? yes (--schema-evolution): measured on 6 changes x 2 directions (flatbox::evolution): {} -> {family_name}",
            scores.join("; ")
        ),
        family,
        family_name,
        notes,
    }
}

/// Why `best` and `second` are not separated by the measurements, if they
/// are not: by size, never (sizes are exact); by speed, when their encode
/// and decode timings overlap between the quartiles; balanced, when the
/// ranges of size x time overlap.
fn within_noise_of(best: &Figures, second: &Figures, optimize: Optimize) -> Option<&'static str> {
    let overlap = |a: (f64, f64), b: (f64, f64)| a.0 <= b.1 && b.0 <= a.1;
    match optimize {
        Optimize::Size => None,
        Optimize::Speed => (overlap(best.encode_quartiles_ns, second.encode_quartiles_ns)
            && overlap(best.decode_quartiles_ns, second.decode_quartiles_ns))
        .then_some("have overlapping encode and decode times (between the quartiles of their samples)"),
        Optimize::Balanced => {
            let range = |r: &Figures| {
                let (lo, hi) = r.time_range_ns();
                (r.ratio_to_json * lo, r.ratio_to_json * hi)
            };
            overlap(range(best), range(second))
                .then_some("have overlapping size x time scores (between the quartiles of their samples)")
        }
    }
}

fn describe(r: &Figures) -> String {
    format!(
        "{}: {} ({:.1}% of JSON), encode {:.0} MB/s, decode {:.0} MB/s",
        r.name(),
        bytes(r.size),
        r.ratio_to_json * 100.0,
        r.encode_mb_s,
        r.decode_mb_s
    )
}

/// A byte count in SI units (`999 B`, `1.5 kB`, `2.25 MB`).
pub fn bytes(n: usize) -> String {
    let n = n as f64;
    if n < 1e3 {
        format!("{n} B")
    } else if n < 1e6 {
        format!("{:.1} kB", n / 1e3)
    } else if n < 1e9 {
        format!("{:.2} MB", n / 1e6)
    } else {
        format!("{:.2} GB", n / 1e9)
    }
}
