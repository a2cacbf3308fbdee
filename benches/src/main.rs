//! `flatbox-bench`: measures every dataset with every format and writes the
//! report. Usually started through `cargo xtask bench`, which builds it in
//! release mode first.

use std::path::PathBuf;

use clap::Parser;
use flatbox::profile::ProfileConfig;
use flatbox_bench::run::{Options, run};
use flatbox_bench::suite::{Selection, datasets};

/// Measure the tutorial's datasets with every format.
#[derive(Debug, Parser)]
#[command(
    version,
    about,
    after_help = "Examples:\n  flatbox-bench --quick\n  flatbox-bench --filter http --out target/flatbox-report"
)]
struct Args {
    /// Fewer, shorter samples: a first look in under a minute.
    #[arg(long)]
    quick: bool,
    /// Only datasets or formats whose name contains this text.
    #[arg(long, value_name = "SUBSTRING")]
    filter: Option<String>,
    /// Where to write report.md, report.json, chart.svg and report.html.
    #[arg(long, value_name = "DIR", default_value = "target/flatbox-report")]
    out: PathBuf,
    /// List the datasets and their formats, then exit.
    #[arg(long)]
    list: bool,
    /// The release `flatbox` binary: also measure `flatbox convert` on a
    /// large NDJSON file (1 GB; 50 MB with --quick).
    #[arg(long, value_name = "PATH")]
    flatbox: Option<PathBuf>,
    /// Only the `flatbox convert` measurement (needs --flatbox).
    #[arg(long, requires = "flatbox")]
    convert_only: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.list {
        for d in datasets() {
            println!("{:<18} {:<48} {}", d.name, d.source, d.formats.join(", "));
        }
        return Ok(());
    }
    if args.convert_only {
        return measure_convert(&args);
    }
    let (mode, config) =
        if args.quick { ("quick", ProfileConfig::quick()) } else { ("full", ProfileConfig::thorough()) };
    let options = Options {
        mode: mode.to_owned(),
        config,
        selection: Selection::new(args.filter.clone()),
        filter: args.filter.clone(),
    };
    let report = run(&options)?;
    println!("{}", report.summary_table());
    println!("Against postcard (geometric mean, worst dataset; one-shot rows against postcard's one-shot calls):");
    println!("{}", report.vs_postcard_table());
    report.write_to(&args.out)?;
    println!(
        "{} pairs measured in {:.1} s; report: {} (and report.html, chart.svg)",
        report.datasets.iter().map(|d| d.rows.len()).sum::<usize>(),
        report.elapsed_s,
        args.out.join("report.md").display()
    );
    if args.flatbox.is_some() {
        measure_convert(&args)?;
    }
    Ok(())
}

/// `flatbox convert` of a large NDJSON file to wire+zstd: peak memory and
/// speed against `serde_json` (see `flatbox_bench::convert`); writes
/// `convert.json` and `convert.md` beside the report.
fn measure_convert(args: &Args) -> anyhow::Result<()> {
    let Some(flatbox) = &args.flatbox else { return Ok(()) };
    let (bytes, note) = if args.quick {
        (50_000_000, " (quick mode: a 50 MB file; the full run converts 1 GB)")
    } else {
        (1_000_000_000, "")
    };
    eprintln!("measuring flatbox convert on {} MB of NDJSON{note}...", bytes / 1_000_000);
    let figures = flatbox_bench::convert::measure(flatbox, &args.out, bytes)?;
    let summary = format!("{}{note}", figures.summary());
    println!("{summary}");
    eprintln!(
        "measuring flatbox convert against duckdb (ndjson <-> parquet, {} runs of each, in turn)...",
        flatbox_bench::convert::COLUMNAR_RUNS
    );
    // The columnar and sampling measurements are new and lean on outside
    // peers (DuckDB): a failure is reported in the output and convert.md,
    // and the run goes on.
    let (columnar, lines) = match flatbox_bench::convert::measure_columnar(flatbox, &args.out, bytes) {
        Ok(columnar) => {
            let lines: Vec<String> = columnar.iter().map(flatbox_bench::convert::ColumnarRow::summary).collect();
            (columnar, lines)
        }
        Err(e) => (Vec::new(), vec![format!("FAILED: the columnar convert measurement: {e:#}")]),
    };
    for line in &lines {
        println!("{line}");
    }
    let json = serde_json::json!({ "wire": figures, "columnar": columnar });
    std::fs::write(args.out.join("convert.json"), serde_json::to_vec_pretty(&json)?)?;
    eprintln!("measuring flatbox profile on the same file, and its sizes against full conversions...");
    let sampled = match flatbox_bench::sampling::measure(flatbox, &args.out, bytes) {
        Ok(sampling) => {
            std::fs::write(args.out.join("profile-sampling.json"), serde_json::to_vec_pretty(&sampling)?)?;
            format!("{}{note}", sampling.summary())
        }
        Err(e) => format!("FAILED: the profile sampling measurement: {e:#}"),
    };
    println!("{sampled}");
    std::fs::write(
        args.out.join("convert.md"),
        format!(
            "# flatbox convert\n\n{summary}\n\n{}\n# flatbox profile\n\n{sampled}\n",
            lines.iter().map(|l| ["- ", l.as_str(), "\n"].concat()).collect::<String>()
        ),
    )?;
    Ok(())
}
