//! The bench report: the data ([`Report`], written as `report.json`), a
//! Markdown rendering (`report.md`), the chart (`chart.svg`) and HTML page
//! (`report.html`) drawn by [`flatbox::report`], and the summary table
//! printed at the end of a run.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use flatbox::evolution::Matrix;
use flatbox::profile::{FormatReport, ProfileConfig, Ratios};
use flatbox::report::{Block, Panel, Point, Section, Table as HtmlTable};
use serde::{Deserialize, Serialize};

/// Everything one run measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// `quick` or `full`.
    pub mode: String,
    /// The `--filter` the run was given, if any.
    pub filter: Option<String>,
    /// How each operation was measured.
    pub config: ProfileConfig,
    /// When the run ended, in seconds since the Unix epoch.
    pub generated_unix_s: u64,
    /// How long the measurements took, in seconds.
    pub elapsed_s: f64,
    /// Where it ran.
    pub machine: Machine,
    /// One entry per measured dataset, in the tutorial's order.
    pub datasets: Vec<DatasetReport>,
    /// The schema-evolution matrix ([`crate::evolution::matrix`]), when
    /// the run computed it.
    #[serde(default)]
    pub evolution: Option<Matrix>,
}

/// The machine a report was measured on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    /// `std::env::consts::OS`.
    pub os: String,
    /// `std::env::consts::ARCH`.
    pub arch: String,
    /// Cores available to the process.
    pub cores: usize,
}

impl Machine {
    /// The machine this process runs on.
    pub fn this() -> Self {
        Machine {
            os: std::env::consts::OS.to_owned(),
            arch: std::env::consts::ARCH.to_owned(),
            cores: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        }
    }
}

/// The measurements of one dataset.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatasetReport {
    /// The dataset's name.
    pub name: String,
    /// Its tutorial section (or "flatbox" for our own).
    pub source: String,
    /// One row per format, the baseline first.
    pub rows: Vec<Row>,
}

/// One format on one dataset.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// What the harness measured.
    #[serde(flatten)]
    pub report: FormatReport,
    /// Compared with the dataset's baseline (JSON unless JSON does not
    /// apply), when the baseline was measured too.
    pub vs_baseline: Option<Ratios>,
}

impl Report {
    /// Writes `report.json`, `report.md`, `chart.svg` (size against speed,
    /// one panel per dataset) and `report.html` (the chart and the tables)
    /// into `dir`, creating it.
    ///
    /// # Errors
    ///
    /// When the directory or a file cannot be written.
    pub fn write_to(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let json = serde_json::to_vec_pretty(self).context("serializing the report")?;
        let json_path = dir.join("report.json");
        std::fs::write(&json_path, json).with_context(|| format!("writing {}", json_path.display()))?;
        let md_path = dir.join("report.md");
        std::fs::write(&md_path, self.markdown()).with_context(|| format!("writing {}", md_path.display()))?;
        let svg_path = dir.join("chart.svg");
        std::fs::write(&svg_path, flatbox::report::chart_svg(&self.panels()))
            .with_context(|| format!("writing {}", svg_path.display()))?;
        let html_path = dir.join("report.html");
        std::fs::write(&html_path, self.html()).with_context(|| format!("writing {}", html_path.display()))?;
        let readme_path = dir.join("readme.md");
        std::fs::write(&readme_path, self.readme_markdown())
            .with_context(|| format!("writing {}", readme_path.display()))?;
        Ok(())
    }

    /// One chart panel per dataset: each row with ratios is a point.
    pub fn panels(&self) -> Vec<Panel> {
        self.datasets
            .iter()
            .map(|d| Panel {
                title: d.name.clone(),
                points: d
                    .rows
                    .iter()
                    .filter_map(|r| {
                        let v = r.vs_baseline.as_ref()?;
                        Some(Point {
                            format: r.report.format.clone(),
                            size_ratio: v.size_ratio,
                            encode_speedup: v.encode_speedup,
                            decode_speedup: v.decode_speedup,
                        })
                    })
                    .collect(),
            })
            .collect()
    }

    /// `report.html`: the chart, the schema-evolution matrix, then one
    /// table per dataset; one self-contained page.
    pub fn html(&self) -> String {
        let mut sections = vec![Section {
            heading: "Size against speed".into(),
            blocks: vec![
                Block::Paragraph(format!(
                    "Mode {}, {} datasets measured in {:.1} s on {} {} with {} cores. Each point is a format; x is its \
                     size, y its encode (left) or decode (right) speed, relative to the dataset's baseline.",
                    self.mode,
                    self.datasets.len(),
                    self.elapsed_s,
                    self.machine.os,
                    self.machine.arch,
                    self.machine.cores
                )),
                Block::Svg(flatbox::report::chart_svg(&self.panels())),
            ],
        }];
        let claims = crate::claims::check(self);
        sections.push(Section {
            heading: "Tutorial claims vs measured".into(),
            blocks: vec![Block::Table(HtmlTable {
                header: ["claim (tutorial)", "experiment", "measured", "verdict"].map(str::to_owned).to_vec(),
                rows: claims
                    .iter()
                    .map(|c| {
                        vec![c.wording.clone(), c.experiment.clone(), c.measured.clone(), c.verdict.label().to_owned()]
                    })
                    .collect(),
            })],
        });
        if let Some(matrix) = &self.evolution {
            sections.push(evolution_section(matrix));
        }
        for dataset in &self.datasets {
            let rows = dataset
                .rows
                .iter()
                .map(|row| {
                    let r = &row.report;
                    let ratio = |f: fn(&Ratios) -> f64, pct: bool| {
                        row.vs_baseline.as_ref().map_or_else(
                            || "-".to_owned(),
                            |v| if pct { format!("{:.0}%", f(v) * 100.0) } else { format!("{:.2}", f(v)) },
                        )
                    };
                    vec![
                        r.format.clone(),
                        human_bytes(r.size),
                        ratio(|v| v.size_ratio, true),
                        human_duration(r.encode.median_ns),
                        format!("{:.0}%", r.encode.spread() * 100.0),
                        human_duration(r.decode.median_ns),
                        format!("{:.0}%", r.decode.spread() * 100.0),
                        ratio(|v| v.encode_speedup, false),
                        ratio(|v| v.decode_speedup, false),
                    ]
                })
                .collect();
            let header =
                ["format", "size", "vs base", "encode", "enc spread", "decode", "dec spread", "enc ×", "dec ×"];
            sections.push(Section {
                heading: dataset.name.clone(),
                blocks: vec![
                    Block::Paragraph(dataset.source.clone()),
                    Block::Table(HtmlTable { header: header.map(str::to_owned).to_vec(), rows }),
                ],
            });
        }
        flatbox::report::html("flatbox bench report", &sections)
    }

    /// The summary table printed at the end of a run.
    pub fn summary_table(&self) -> Table {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header(vec![
            "dataset", "format", "size", "vs base", "encode", "enc MB/s", "decode", "dec MB/s", "enc ×", "dec ×",
        ]);
        for dataset in &self.datasets {
            for (i, row) in dataset.rows.iter().enumerate() {
                let r = &row.report;
                table.add_row(vec![
                    if i == 0 { dataset.name.clone() } else { String::new() },
                    r.format.clone(),
                    human_bytes(r.size),
                    row.vs_baseline.as_ref().map_or_else(|| "-".into(), |v| format!("{:.0}%", v.size_ratio * 100.0)),
                    human_duration(r.encode.median_ns),
                    format!("{:.0}", r.encode.mb_per_sec()),
                    human_duration(r.decode.median_ns),
                    format!("{:.0}", r.decode.mb_per_sec()),
                    row.vs_baseline.as_ref().map_or_else(|| "-".into(), |v| format!("{:.2}", v.encode_speedup)),
                    row.vs_baseline.as_ref().map_or_else(|| "-".into(), |v| format!("{:.2}", v.decode_speedup)),
                ]);
            }
        }
        for column in 2..10 {
            if let Some(c) = table.column_mut(column) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        table
    }

    /// The Markdown report: one table per dataset, then the tutorial's
    /// comparison lines.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let c = &self.config;
        let _ = writeln!(md, "# flatbox bench report\n");
        let _ = writeln!(
            md,
            "Mode **{}**{}: warm-up {} ms, then {} samples of about {} ms each per operation, a dataset's formats \
             taking turns sample by sample. Measured on {} {} with {} cores in {:.1} s; generated at Unix time {}.\n",
            self.mode,
            self.filter.as_ref().map_or_else(String::new, |f| format!(" (filter `{f}`)")),
            c.warm_up.as_millis(),
            c.samples,
            c.sample_time.as_millis(),
            self.machine.os,
            self.machine.arch,
            self.machine.cores,
            self.elapsed_s,
            self.generated_unix_s,
        );
        let _ = writeln!(
            md,
            "Times are medians per operation (min and max are in report.json). MB/s is the encoded size over the \
             median time. \"vs base\" is the size relative to the dataset's baseline (JSON, as in the tutorial, \
             except where JSON does not apply); × columns are speedups over the baseline (2.00 = twice as fast). \
             Every format's decode was checked once against the original value.\n"
        );
        self.vs_postcard_markdown(&mut md);
        for dataset in &self.datasets {
            let _ = writeln!(md, "## {}\n\n_{}_\n", dataset.name, dataset.source);
            let _ = writeln!(
                md,
                "| format | size | vs base | encode | enc MB/s | decode | dec MB/s | enc × | dec × |\n\
                 |---|---:|---:|---:|---:|---:|---:|---:|---:|"
            );
            for row in &dataset.rows {
                let r = &row.report;
                let (vs, enc_x, dec_x) = row.vs_baseline.as_ref().map_or_else(
                    || ("-".into(), "-".into(), "-".into()),
                    |v| {
                        (
                            format!("{:.0}%", v.size_ratio * 100.0),
                            format!("{:.2}", v.encode_speedup),
                            format!("{:.2}", v.decode_speedup),
                        )
                    },
                );
                let _ = writeln!(
                    md,
                    "| {} | {} | {vs} | {} | {:.0} | {} | {:.0} | {enc_x} | {dec_x} |",
                    r.format,
                    r.size,
                    human_duration(r.encode.median_ns),
                    r.encode.mb_per_sec(),
                    human_duration(r.decode.median_ns),
                    r.decode.mb_per_sec(),
                );
            }
            let _ = writeln!(md);
            let compared = dataset
                .rows
                .iter()
                .filter_map(|r| r.vs_baseline.as_ref().filter(|v| v.baseline != r.report.format).map(|v| (r, v)));
            for (row, v) in compared {
                let _ = writeln!(
                    md,
                    "- {}: Size reduction: {:.1}%, Encode speedup: {:.1}x, Decode speedup: {:.1}x",
                    row.report.format, v.size_reduction_pct, v.encode_speedup, v.decode_speedup
                );
            }
            let _ = writeln!(md);
        }
        let _ = writeln!(
            md,
            "## Tutorial claims vs measured\n\nEach quantitative claim of the tutorial, the experiment of this run \
             that measures it, and what it measured.\n\n{}",
            crate::claims::markdown(&crate::claims::check(self))
        );
        if let Some(matrix) = &self.evolution {
            let _ = writeln!(
                md,
                "## Schema evolution\n\nEach format writes three records with schema v1 and reads them with v2 \
                 (v1 -> v2), and the other way round (v2 -> v1), for each change. **WRONG** marks a decode that \
                 returned other values without an error.\n\n{}",
                matrix.markdown()
            );
        }
        md
    }

    /// The README's results: one table of the datasets and formats a
    /// newcomer compares first, the summary against postcard, and the
    /// tutorial claims' verdicts, all from this run, with links to the full
    /// report under `docs/results/` (where `cargo xtask bench --publish`
    /// copies it).
    pub fn readme_markdown(&self) -> String {
        let mut md = String::new();
        let c = &self.config;
        let _ = writeln!(
            md,
            "One `cargo xtask bench` run ({} mode: {} samples of about {} ms per operation after a {} ms warm-up, \
             a dataset's formats taking turns sample by sample), on {} {} with {} cores. Medians; \"vs JSON\" is the size relative to serde_json's, and the \
             speedups are serde_json's median time over the format's (2.00 = twice as fast). `(one-shot)` rows \
             call the crates' own `to_vec` / `from_slice`; `wire (borrowed)` decodes into `&str` fields. Every \
             dataset, format and codec is in the [full report](docs/results/report.md) \
             ([chart](docs/results/chart.svg), [`flatbox convert` and `flatbox profile` on 1 GB](docs/results/convert.md)).\n",
            self.mode,
            c.samples,
            c.sample_time.as_millis(),
            c.warm_up.as_millis(),
            self.machine.os,
            self.machine.arch,
            self.machine.cores,
        );
        let _ =
            writeln!(md, "| dataset | format | size | vs JSON | encode × | decode × |\n|---|---|---:|---:|---:|---:|");
        for dataset in self.datasets.iter().filter(|d| README_DATASETS.contains(&d.name.as_str())) {
            let rows = dataset.rows.iter().filter(|r| README_FORMATS.contains(&r.report.format.as_str()));
            for (i, row) in rows.enumerate() {
                let Some(v) = row.vs_baseline.as_ref().filter(|v| v.baseline == "json") else { continue };
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {:.0}% | {:.2} | {:.2} |",
                    if i == 0 { dataset.name.as_str() } else { "" },
                    row.report.format,
                    human_bytes(row.report.size),
                    v.size_ratio * 100.0,
                    v.encode_speedup,
                    v.decode_speedup,
                );
            }
        }
        let vs = self.vs_postcard();
        let wire: Vec<_> = vs.iter().filter(|v| v.format.starts_with("wire")).collect();
        if !wire.is_empty() {
            let _ = writeln!(
                md,
                "\nflatbox-wire against postcard over every dataset with a postcard row (geometric mean, and the \
                 worst dataset; above 1.00x = larger or slower):\n"
            );
            vs_postcard_rows(&mut md, wire);
        }
        let claims = crate::claims::check(self);
        let count = |verdict| claims.iter().filter(|c| c.verdict == verdict).count();
        let _ = writeln!(
            md,
            "\nThe tutorial's {} quantitative claims, checked by this run: {} hold, {} partly, {} do not hold, {} \
             not measured ([each claim and its figures](docs/results/report.md#tutorial-claims-vs-measured)).",
            claims.len(),
            count(crate::claims::Verdict::Holds),
            count(crate::claims::Verdict::Partly),
            count(crate::claims::Verdict::DoesNotHold),
            count(crate::claims::Verdict::NotMeasured),
        );
        md
    }

    /// The "Against postcard" section of [`Report::markdown`].
    fn vs_postcard_markdown(&self, md: &mut String) {
        let vs = self.vs_postcard();
        if !vs.is_empty() {
            let _ = writeln!(
                md,
                "## Against postcard\n\nPer format, over every dataset with a postcard row: the geometric mean and \
             the worst dataset of its size, encode time and decode time over postcard's (1.00x = the same; above \
             = larger or slower). Rows named `(one-shot)` call the crates' public one-shot functions \
             (`flatbox_wire::to_vec` / `from_slice`, `postcard::to_allocvec` / `from_bytes`, \
             `rmp_serde::to_vec_named` / `from_slice`), each encode returning a fresh `Vec`, and their encode is \
             compared with `postcard (one-shot)`; the other rows encode into a reused buffer through the facade's \
             `Format` and are compared with `postcard`, which does too. Every row decodes with its crate's \
             one-shot call (bitcode's serde API has only `bitcode::serialize` / `deserialize`, so its row is \
             one-shot both ways). `wire (borrowed)` decodes into `&str` fields, compared with postcard's owned \
             decode.\n"
            );
            vs_postcard_rows(md, &vs);
            let _ = writeln!(md);
        }
    }
}

/// `rows` as a markdown table (after a blank line).
fn vs_postcard_rows<'a>(md: &mut String, rows: impl IntoIterator<Item = &'a VsPostcard>) {
    let _ = writeln!(
        md,
        "| format | datasets | size / postcard | encode / postcard | decode / postcard |\n|---|---:|---:|---:|---:|"
    );
    for v in rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            v.format,
            v.datasets,
            v.size.cell(),
            v.encode.cell(),
            v.decode.cell()
        );
    }
}

/// The datasets of the README's table ([`Report::readme_markdown`]): the
/// tutorial's users and table, our HTTP log, and two shapes nobody tuned for.
pub const README_DATASETS: [&str; 5] = ["msgpack-users", "http-log-10k", "social-timeline", "geojson", "table-100k"];

/// The formats of the README's table, where a dataset measured them.
pub const README_FORMATS: [&str; 11] = [
    "json",
    "msgpack (one-shot)",
    "protobuf",
    "wire (one-shot)",
    "wire (borrowed)",
    "wire+strings",
    "wire+zstd:3",
    "postcard (one-shot)",
    "bitcode",
    "parquet+zstd",
    crate::columnar::MMAP_READ,
];

/// The reference every format is compared with in [`Report::vs_postcard`].
pub const POSTCARD: &str = "postcard";
/// postcard through its one-shot calls, the reference for one-shot rows.
pub const POSTCARD_ONE_SHOT: &str = "postcard (one-shot)";

/// One ratio against postcard over every dataset that has a postcard row:
/// its geometric mean and its worst (largest) value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RatioSummary {
    /// Geometric mean over the datasets.
    pub geomean: f64,
    /// The largest ratio.
    pub worst: f64,
    /// The dataset of the largest ratio.
    pub worst_dataset: String,
}

impl RatioSummary {
    fn of(values: &[(f64, &str)]) -> Option<Self> {
        let (worst, worst_dataset) = values.iter().copied().max_by(|a, b| a.0.total_cmp(&b.0))?;
        let geomean = (values.iter().map(|(v, _)| v.ln()).sum::<f64>() / values.len() as f64).exp();
        Some(RatioSummary { geomean, worst, worst_dataset: worst_dataset.to_owned() })
    }

    fn cell(&self) -> String {
        format!("{:.2}x (worst {:.2}x, {})", self.geomean, self.worst, self.worst_dataset)
    }
}

/// One format against postcard: size, encode time and decode time ratios
/// (above 1 = larger or slower than postcard).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VsPostcard {
    /// The format.
    pub format: String,
    /// On how many datasets.
    pub datasets: usize,
    /// Size over postcard's size.
    pub size: RatioSummary,
    /// Encode time over postcard's: one-shot rows against
    /// `postcard (one-shot)`, the others against `postcard` (reused buffer).
    pub encode: RatioSummary,
    /// Decode time over postcard's (`from_bytes`, an owned value).
    pub decode: RatioSummary,
}

impl Report {
    /// Every format against postcard, over the datasets with a postcard row.
    pub fn vs_postcard(&self) -> Vec<VsPostcard> {
        // Per format: per dataset, (ratio, dataset) for size, encode, decode.
        type Ratios3<'a> = [(f64, &'a str); 3];
        let mut per_format: Vec<(String, Vec<Ratios3<'_>>)> = Vec::new();
        for dataset in &self.datasets {
            let find = |name: &str| dataset.rows.iter().find(|r| r.report.format == name).map(|r| &r.report);
            let Some(postcard) = find(POSTCARD) else { continue };
            let one_shot = find(POSTCARD_ONE_SHOT).unwrap_or(postcard);
            for row in &dataset.rows {
                let r = &row.report;
                let encode_base = if r.format.ends_with("(one-shot)") { one_shot } else { postcard };
                let ratios = [
                    (r.size as f64 / postcard.size as f64, dataset.name.as_str()),
                    (r.encode.median_ns / encode_base.encode.median_ns, dataset.name.as_str()),
                    (r.decode.median_ns / postcard.decode.median_ns, dataset.name.as_str()),
                ];
                match per_format.iter_mut().find(|(f, _)| *f == r.format) {
                    Some((_, v)) => v.push(ratios),
                    None => per_format.push((r.format.clone(), vec![ratios])),
                }
            }
        }
        per_format
            .into_iter()
            .filter_map(|(format, rows)| {
                let column = |i: usize| rows.iter().map(|r| r[i]).collect::<Vec<_>>();
                Some(VsPostcard {
                    format,
                    datasets: rows.len(),
                    size: RatioSummary::of(&column(0))?,
                    encode: RatioSummary::of(&column(1))?,
                    decode: RatioSummary::of(&column(2))?,
                })
            })
            .collect()
    }

    /// [`Report::vs_postcard`] as a table.
    pub fn vs_postcard_table(&self) -> Table {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header(vec!["format", "datasets", "size / postcard", "encode / postcard", "decode / postcard"]);
        for v in self.vs_postcard() {
            table.add_row(vec![v.format, v.datasets.to_string(), v.size.cell(), v.encode.cell(), v.decode.cell()]);
        }
        table
    }
}

/// The schema-evolution matrix as an HTML section; WRONG cells stand out.
fn evolution_section(matrix: &Matrix) -> Section {
    use flatbox::evolution::{Change, Direction};
    let mut header = vec!["format".to_owned()];
    for change in Change::ALL {
        for direction in Direction::ALL {
            header.push(format!("{} {}", change.describe(), direction.arrow()));
        }
    }
    header.extend(["ok".to_owned(), "WRONG count".to_owned()]);
    let rows = matrix
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.format.clone()];
            cells.extend(row.cells.iter().map(|c| c.outcome.label().to_owned()));
            cells.extend([row.correct().to_string(), row.wrong().to_string()]);
            cells
        })
        .collect();
    let wrong: Vec<String> = matrix
        .rows
        .iter()
        .flat_map(|row| {
            row.cells
                .iter()
                .filter(|c| c.outcome.label() == "WRONG")
                .map(move |c| format!("{} {} {}: {}", row.format, c.change.describe(), c.direction.arrow(), c.outcome))
        })
        .collect();
    Section {
        heading: "Schema evolution".into(),
        blocks: vec![
            Block::Paragraph(
                "Each format writes three records with schema v1 and reads them with v2 (v1 -> v2), and the other way \
                 round (v2 -> v1). ok: the value the change implies; error: refused (safe); WRONG: other values, no \
                 error (dangerous); n/a: the writer cannot write it."
                    .into(),
            ),
            Block::Table(HtmlTable { header, rows }),
            Block::List(wrong),
        ],
    }
}

/// `1.2 MB`, `950 B`: decimal units, as throughput is in MB/s.
pub fn human_bytes(bytes: usize) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.2} MB", b / 1e6)
    } else if b >= 1e4 {
        format!("{:.1} kB", b / 1e3)
    } else {
        format!("{bytes} B")
    }
}

/// `812 ns`, `15.3 µs`, `2.41 ms`, `1.20 s`.
pub fn human_duration(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measurement(ns: f64) -> flatbox::profile::Measurement {
        flatbox::profile::Measurement {
            median_ns: ns,
            min_ns: ns * 0.9,
            max_ns: ns * 1.5,
            q1_ns: ns * 0.95,
            q3_ns: ns * 1.05,
            samples: 10,
            iterations_per_sample: 1,
            bytes_per_sec: 0.0,
        }
    }

    fn report() -> Report {
        let rows: Vec<Row> = [("json", 1000, 100.0), ("msgpack", 700, 40.0), ("wire+zstd:3", 200, 60.0)]
            .iter()
            .map(|&(format, size, ns)| Row {
                report: FormatReport { format: format.into(), size, encode: measurement(ns), decode: measurement(ns) },
                vs_baseline: None,
            })
            .collect();
        let base = rows[0].report.clone();
        let rows = rows
            .into_iter()
            .map(|mut r| {
                r.vs_baseline = Some(r.report.relative_to(&base));
                r
            })
            .collect();
        Report {
            mode: "quick".into(),
            filter: None,
            config: ProfileConfig::smoke(),
            generated_unix_s: 0,
            elapsed_s: 1.0,
            machine: Machine::this(),
            datasets: vec![DatasetReport { name: "msgpack-users".into(), source: "a <test>".into(), rows }],
            evolution: Some(flatbox::evolution::matrix()),
        }
    }

    #[test]
    fn the_pages_hold_the_chart_the_claims_and_the_matrix() {
        let report = report();
        let html = report.html();
        assert!(html.contains("<svg") && html.contains("a &lt;test&gt;"));
        assert!(html.contains("<h2>Tutorial claims vs measured</h2>") && html.contains("<h2>Schema evolution</h2>"));
        assert!(html.contains("<td class=wrong>WRONG</td>"), "the dangerous cells stand out");
        let md = report.markdown();
        // msgpack is 30% smaller and 2.5x faster here: the two claims hold.
        assert!(md.contains("| MessagePack: \"20-50% smaller than JSON\" | every dataset measured as json and msgpack (named fields) | msgpack-users 30% | **holds** |"), "{md}");
        assert!(md.contains("msgpack-users enc 2.5x dec 2.5x | **holds** |"));
        assert!(md.contains("## Schema evolution") && md.contains("**WRONG**"));
        assert_eq!(report.panels()[0].points.len(), 3);
        let readme = report.readme_markdown();
        assert!(readme.contains("| msgpack-users | json | 1000 B | 100% | 1.00 | 1.00 |"), "{readme}");
        assert!(!readme.contains("| msgpack |"), "only the README's formats: {readme}");
        assert!(readme.contains("claims, checked by this run:") && readme.contains("docs/results/report.md"));
    }

    /// README.md's results section is `readme_markdown` of the committed
    /// report (`cargo xtask bench --publish` writes both): no figure in the
    /// README that the published run did not measure.
    #[test]
    fn the_readme_results_are_those_of_the_published_report() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let json = std::fs::read(root.join("docs/results/report.json")).expect("docs/results/report.json is committed");
        let published: Report = serde_json::from_slice(&json).expect("docs/results/report.json is a report");
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let begin = readme.find("<!-- results: generated by").expect("README.md has the results begin marker");
        let begin = begin + readme[begin..].find('\n').unwrap();
        let end = readme.find("<!-- end of results -->").expect("README.md has the results end marker");
        assert_eq!(
            readme[begin..end].trim(),
            published.readme_markdown().trim(),
            "README.md's results are stale: run `cargo xtask bench --publish`"
        );
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(950), "950 B");
        assert_eq!(human_bytes(12_345), "12.3 kB");
        assert_eq!(human_bytes(8_000_000), "8.00 MB");
        assert_eq!(human_duration(812.0), "812 ns");
        assert_eq!(human_duration(15_300.0), "15.3 µs");
        assert_eq!(human_duration(2_410_000.0), "2.41 ms");
        assert_eq!(human_duration(1.2e9), "1.20 s");
    }
}
