//! Runs the selected experiments with a progress bar and collects a
//! [`Report`].

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use flatbox::profile::{FormatReport, ProfileConfig, measure_in_turn};
use indicatif::{ProgressBar, ProgressStyle};

use crate::report::{DatasetReport, Machine, Report, Row};
use crate::suite::{Selection, datasets};

/// What to run and how carefully.
#[derive(Debug, Clone)]
pub struct Options {
    /// `quick` or `full`, for the report.
    pub mode: String,
    /// How each operation is measured.
    pub config: ProfileConfig,
    /// Which datasets and formats.
    pub selection: Selection,
    /// The `--filter` text, for the report.
    pub filter: Option<String>,
}

/// Runs every selected (dataset, format) pair, showing progress on stderr.
///
/// A dataset's prepared formats are timed in turn
/// ([`measure_in_turn`]); formats that must run alone follow, one by one.
/// The rows keep the dataset's order.
///
/// # Errors
///
/// The first failed measurement, naming its dataset and format; a round
/// trip that changes a value is such a failure. Also when the selection is
/// empty.
pub fn run(options: &Options) -> anyhow::Result<Report> {
    let plan: Vec<_> = datasets()
        .into_iter()
        .filter_map(|d| {
            let formats: Vec<String> = options.selection.formats(&d).into_iter().map(str::to_owned).collect();
            (!formats.is_empty()).then_some((d, formats))
        })
        .collect();
    if plan.is_empty() {
        bail!("--filter {:?} selects no dataset and no format", options.filter.as_deref().unwrap_or(""));
    }
    let total: usize = plan.iter().map(|(_, f)| f.len()).sum();

    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let mut reports = Vec::with_capacity(plan.len());
    for (dataset, formats) in &plan {
        let dataset_started = Instant::now();
        bar.set_message(format!("{}: generating", dataset.name));
        let experiment = dataset.load();
        let mut measured: Vec<Option<FormatReport>> = vec![None; formats.len()];
        let mut in_turn = Vec::with_capacity(formats.len());
        let mut alone = Vec::new();
        for (i, format) in formats.iter().enumerate() {
            bar.set_message(format!("{} / {format}: checking the round trip", dataset.name));
            match experiment.prepare(format, &options.config) {
                Some(prepared) => {
                    let prepared = prepared.with_context(|| format!("dataset {}, format {format}", dataset.name))?;
                    in_turn.push((i, prepared));
                }
                None => alone.push(i),
            }
        }
        if !in_turn.is_empty() {
            let (at, mut prepared): (Vec<usize>, Vec<_>) = in_turn.into_iter().unzip();
            let samples = options.config.samples;
            let reports = measure_in_turn(&options.config, &mut prepared, |done| {
                bar.set_message(format!("{}: {} formats in turn, round {done}/{samples}", dataset.name, at.len()));
            })
            .with_context(|| format!("dataset {}, formats measured in turn", dataset.name))?;
            for (i, report) in at.into_iter().zip(reports) {
                measured[i] = Some(report);
                bar.inc(1);
            }
        }
        for i in alone {
            let format = &formats[i];
            bar.set_message(format!("{} / {format}", dataset.name));
            let report = experiment
                .profile(format, &options.config)
                .with_context(|| format!("{}: the dataset has no format {format}", dataset.name))?
                .with_context(|| format!("dataset {}, format {format}", dataset.name))?;
            measured[i] = Some(report);
            bar.inc(1);
        }
        let mut rows: Vec<Row> =
            measured.into_iter().flatten().map(|report| Row { report, vs_baseline: None }).collect();
        if let Some(baseline) = rows.iter().find(|r| r.report.format == dataset.baseline).map(|r| r.report.clone()) {
            for row in &mut rows {
                row.vs_baseline = Some(row.report.relative_to(&baseline));
            }
        }
        let line = format!(
            "measured {} ({} formats, round trips verified) in {:.1} s",
            dataset.name,
            rows.len(),
            dataset_started.elapsed().as_secs_f64()
        );
        if bar.is_hidden() {
            eprintln!("{line}");
        } else {
            bar.println(line);
        }
        reports.push(DatasetReport { name: dataset.name.to_owned(), source: dataset.source.to_owned(), rows });
    }
    bar.finish_and_clear();

    Ok(Report {
        mode: options.mode.clone(),
        filter: options.filter.clone(),
        config: options.config.clone(),
        generated_unix_s: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        elapsed_s: started.elapsed().as_secs_f64(),
        machine: Machine::this(),
        datasets: reports,
        evolution: Some(crate::evolution::matrix()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_measured_in_turn_keep_the_dataset_order_and_their_baseline() {
        let options = Options {
            mode: "smoke".into(),
            config: ProfileConfig::smoke(),
            selection: Selection::new(Some("pipeline-network".into())),
            filter: Some("pipeline-network".into()),
        };
        let report = run(&options).unwrap();
        let [dataset] = &report.datasets[..] else { panic!("one dataset: {:?}", report.datasets.len()) };
        let expected = datasets().into_iter().find(|d| d.name == "pipeline-network").unwrap().formats;
        let rows: Vec<&str> = dataset.rows.iter().map(|r| r.report.format.as_str()).collect();
        assert_eq!(rows, expected);
        assert!(dataset.rows.iter().all(|r| r.vs_baseline.as_ref().is_some_and(|v| v.baseline == "json")));
        assert!(dataset.rows.iter().all(|r| r.report.encode.samples == ProfileConfig::smoke().samples));
    }
}
