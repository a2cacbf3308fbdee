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
    /// Where to write report.md and report.json.
    #[arg(long, value_name = "DIR", default_value = "target/flatbox-report")]
    out: PathBuf,
    /// List the datasets and their formats, then exit.
    #[arg(long)]
    list: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.list {
        for d in datasets() {
            println!("{:<18} {:<48} {}", d.name, d.source, d.formats.join(", "));
        }
        return Ok(());
    }
    let (mode, config) =
        if args.quick { ("quick", ProfileConfig::quick()) } else { ("full", ProfileConfig::thorough()) };
    let options =
        Options { mode: mode.to_owned(), config, selection: Selection::new(args.filter.clone()), filter: args.filter };
    let report = run(&options)?;
    println!("{}", report.summary_table());
    report.write_to(&args.out)?;
    println!(
        "{} pairs measured in {:.1} s; report: {}",
        report.datasets.iter().map(|d| d.rows.len()).sum::<usize>(),
        report.elapsed_s,
        args.out.join("report.md").display()
    );
    Ok(())
}
