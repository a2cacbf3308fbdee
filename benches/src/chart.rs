//! The report's pictures: `chart.svg`, a size-vs-speed scatter per dataset
//! (small multiples), and `report.html`, which embeds the chart above the
//! same tables as `report.md`.
//!
//! In each panel a point is a format: x is its size relative to the
//! dataset's baseline, y its speed relative to the baseline (the baseline's
//! encode + decode time over the format's), both on log scales, so the
//! baseline sits at (1, 1) and the best formats are up and to the left.
//! Plain SVG text, written by hand: a few rectangles, lines, circles and
//! labels need no plotting library.

use std::fmt::Write as _;

use crate::report::{DatasetReport, Report, human_bytes, human_duration};

const PANEL_W: f64 = 380.0;
const PANEL_H: f64 = 280.0;
const COLUMNS: usize = 3;
/// The plot area inside a panel: left, top, right, bottom margins.
const MARGIN: (f64, f64, f64, f64) = (48.0, 28.0, 12.0, 36.0);

/// Escapes text for XML and HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// (format, size ratio, speed ratio) of each row with ratios; the speed
/// ratio is the baseline's encode + decode time over the row's.
fn points(dataset: &DatasetReport) -> Vec<(&str, f64, f64)> {
    let baseline = dataset.rows.iter().find_map(|r| r.vs_baseline.as_ref().map(|v| v.baseline.clone()));
    let base = baseline.and_then(|b| dataset.rows.iter().find(|r| r.report.format == b));
    let Some(base) = base else { return Vec::new() };
    let base_time = base.report.encode.median_ns + base.report.decode.median_ns;
    dataset
        .rows
        .iter()
        .filter_map(|r| {
            let v = r.vs_baseline.as_ref()?;
            let time = r.report.encode.median_ns + r.report.decode.median_ns;
            let speed = base_time / time;
            (v.size_ratio.is_finite() && v.size_ratio > 0.0 && speed.is_finite() && speed > 0.0).then_some((
                r.report.format.as_str(),
                v.size_ratio,
                speed,
            ))
        })
        .collect()
}

/// The decades (powers of ten) a log axis spans, at least one either side
/// of 1.
fn log_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((1.0_f64, 1.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (lo.log10().floor().min(-1.0), hi.log10().ceil().max(1.0))
}

/// The label of decade `d` (10 to the `d`): `0.01`, `1`, `100`.
fn decade_label(d: f64) -> String {
    #[allow(clippy::cast_possible_truncation, reason = "decades are small whole numbers")]
    let d = d as i32;
    if d >= 0 {
        10_u64.pow(d.unsigned_abs()).to_string()
    } else {
        format!("{:.*}", d.unsigned_abs() as usize, 10_f64.powi(d))
    }
}

fn panel(svg: &mut String, dataset: &DatasetReport, x0: f64, y0: f64) {
    let (left, top, right, bottom) = MARGIN;
    let (w, h) = (PANEL_W - left - right, PANEL_H - top - bottom);
    let _ = writeln!(svg, r#"<g transform="translate({x0},{y0})">"#);
    let _ = writeln!(svg, r#"<text x="{left}" y="16" class="title">{}</text>"#, escape(&dataset.name));
    let _ = writeln!(svg, r#"<rect x="{left}" y="{top}" width="{w}" height="{h}" class="plot"/>"#);
    let points = points(dataset);
    if points.is_empty() {
        let _ =
            writeln!(svg, r#"<text x="{}" y="{}" class="note">no baseline measured</text>"#, left + 8.0, top + 20.0);
        let _ = writeln!(svg, "</g>");
        return;
    }
    let (x_lo, x_hi) = log_range(points.iter().map(|p| p.1));
    let (y_lo, y_hi) = log_range(points.iter().map(|p| p.2));
    let x_of = |v: f64| left + (v.log10() - x_lo) / (x_hi - x_lo) * w;
    let y_of = |v: f64| top + h - (v.log10() - y_lo) / (y_hi - y_lo) * h;
    // Decade grid lines, labelled.
    let mut decade = x_lo;
    while decade <= x_hi {
        let x = x_of(10_f64.powf(decade));
        let _ = writeln!(svg, r#"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{}" class="grid"/>"#, top + h);
        let _ =
            writeln!(svg, r#"<text x="{x:.1}" y="{}" class="tick">{}</text>"#, top + h + 12.0, decade_label(decade));
        decade += 1.0;
    }
    let mut decade = y_lo;
    while decade <= y_hi {
        let y = y_of(10_f64.powf(decade));
        let _ = writeln!(svg, r#"<line x1="{left}" y1="{y:.1}" x2="{}" y2="{y:.1}" class="grid"/>"#, left + w);
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{:.1}" class="tick end">{}</text>"#,
            left - 4.0,
            y + 3.0,
            10_f64.powf(decade)
        );
        decade += 1.0;
    }
    let _ =
        writeln!(svg, r#"<text x="{}" y="{}" class="axis">size vs baseline →</text>"#, left + w / 2.0, PANEL_H - 6.0);
    let _ = writeln!(
        svg,
        r#"<text x="12" y="{}" class="axis" transform="rotate(-90 12 {})">speed vs baseline →</text>"#,
        top + h / 2.0,
        top + h / 2.0
    );
    for (format, size, speed) in points {
        let (x, y) = (x_of(size), y_of(speed));
        let class = if (size - 1.0).abs() < 1e-12 && (speed - 1.0).abs() < 1e-12 { "base" } else { "point" };
        let _ = writeln!(
            svg,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" class="{class}"><title>{}: size {size:.3}x, speed {speed:.3}x</title></circle>"#,
            escape(format)
        );
        let _ = writeln!(svg, r#"<text x="{:.1}" y="{:.1}" class="label">{}</text>"#, x + 5.0, y - 4.0, escape(format));
    }
    let _ = writeln!(svg, "</g>");
}

/// `chart.svg`: one size-vs-speed panel per dataset.
pub fn svg(report: &Report) -> String {
    let rows = report.datasets.len().div_ceil(COLUMNS).max(1);
    let (width, height) = (PANEL_W * COLUMNS as f64, PANEL_H * rows as f64);
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">"#
    );
    let _ = writeln!(
        svg,
        "<style>.title{{font-size:13px;font-weight:bold}} .plot{{fill:#fafafa;stroke:#999}} .grid{{stroke:#ddd}} \
         .tick{{font-size:9px;fill:#666;text-anchor:middle}} .end{{text-anchor:end}} \
         .axis{{font-size:10px;fill:#444;text-anchor:middle}} .note{{font-size:11px;fill:#999}} \
         .point{{fill:#2a6fdb}} .base{{fill:#d33}} .label{{font-size:8px;fill:#333}}</style>"
    );
    for (i, dataset) in report.datasets.iter().enumerate() {
        panel(&mut svg, dataset, (i % COLUMNS) as f64 * PANEL_W, (i / COLUMNS) as f64 * PANEL_H);
    }
    svg.push_str("</svg>\n");
    svg
}

/// `report.html`: the chart, then one table per dataset.
pub fn html(report: &Report) -> String {
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>flatbox bench report</title>\n\
         <style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse;margin-bottom:1.5em}} \
         td,th{{border:1px solid #ccc;padding:2px 8px}} td.n{{text-align:right}}</style></head><body>"
    );
    let _ = writeln!(
        html,
        "<h1>flatbox bench report</h1>\n<p>Mode <b>{}</b>, {} datasets measured in {:.1} s on {} {} with {} cores. \
         Each point is a format: x its size, y its speed (encode + decode) relative to the dataset's baseline (red); \
         up and to the left is better.</p>",
        escape(&report.mode),
        report.datasets.len(),
        report.elapsed_s,
        escape(&report.machine.os),
        escape(&report.machine.arch),
        report.machine.cores
    );
    html.push_str(&svg(report));
    for dataset in &report.datasets {
        let _ = writeln!(html, "<h2>{}</h2>\n<p><i>{}</i></p>", escape(&dataset.name), escape(&dataset.source));
        html.push_str(
            "<table><tr><th>format</th><th>size</th><th>vs base</th><th>encode</th><th>decode</th><th>enc ×</th>\
             <th>dec ×</th></tr>\n",
        );
        for row in &dataset.rows {
            let r = &row.report;
            let ratio = |f: fn(&flatbox::profile::Ratios) -> f64, pct: bool| {
                row.vs_baseline.as_ref().map_or_else(
                    || "-".to_owned(),
                    |v| if pct { format!("{:.0}%", f(v) * 100.0) } else { format!("{:.2}", f(v)) },
                )
            };
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td>\
                 <td class=n>{}</td><td class=n>{}</td></tr>",
                escape(&r.format),
                human_bytes(r.size),
                ratio(|v| v.size_ratio, true),
                human_duration(r.encode.median_ns),
                human_duration(r.decode.median_ns),
                ratio(|v| v.encode_speedup, false),
                ratio(|v| v.decode_speedup, false),
            );
        }
        html.push_str("</table>\n");
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use flatbox::profile::{FormatReport, Measurement, ProfileConfig};

    use super::*;
    use crate::report::{Machine, Row};

    fn measurement(ns: f64) -> Measurement {
        Measurement { median_ns: ns, min_ns: ns, max_ns: ns, samples: 10, iterations_per_sample: 1, bytes_per_sec: 0.0 }
    }

    fn dataset(name: &str, formats: &[(&str, usize, f64)]) -> DatasetReport {
        let mut rows: Vec<Row> = formats
            .iter()
            .map(|&(format, size, ns)| Row {
                report: FormatReport {
                    format: format.to_owned(),
                    size,
                    encode: measurement(ns),
                    decode: measurement(ns),
                },
                vs_baseline: None,
            })
            .collect();
        let base = rows[0].report.clone();
        for row in &mut rows {
            row.vs_baseline = Some(row.report.relative_to(&base));
        }
        DatasetReport { name: name.to_owned(), source: "a <test> & more".to_owned(), rows }
    }

    fn report() -> Report {
        Report {
            mode: "quick".to_owned(),
            filter: None,
            config: ProfileConfig::smoke(),
            generated_unix_s: 0,
            elapsed_s: 1.0,
            machine: Machine::this(),
            datasets: vec![
                dataset("users", &[("json", 1000, 100.0), ("wire", 400, 50.0), ("a<b", 100, 1000.0)]),
                dataset("one", &[("json", 10, 5.0)]),
            ],
        }
    }

    #[test]
    fn every_row_is_a_point_and_the_baseline_sits_at_one_one() {
        let report = report();
        let p = points(&report.datasets[0]);
        assert_eq!(p, vec![("json", 1.0, 1.0), ("wire", 0.4, 2.0), ("a<b", 0.1, 0.1)]);
        let svg = svg(&report);
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<circle ").count(), 4, "one circle per row with a baseline");
        assert_eq!(svg.matches(r#"class="base""#).count(), 2, "each dataset's baseline is marked");
        assert!(svg.contains("a&lt;b") && !svg.contains("a<b"), "names are escaped");
    }

    #[test]
    fn decades_are_labelled_plainly() {
        let labels: Vec<String> = [-3.0, -1.0, 0.0, 2.0].into_iter().map(decade_label).collect();
        assert_eq!(labels, ["0.001", "0.1", "1", "100"]);
    }

    #[test]
    fn the_html_report_embeds_the_chart_and_every_table() {
        let html = html(&report());
        assert!(html.contains("<svg ") && html.contains("<h2>users</h2>") && html.contains("<h2>one</h2>"));
        assert_eq!(html.matches("<tr><td>").count(), 4);
        assert!(html.contains("a &lt;test&gt; &amp; more"));
        assert!(html.contains("<td class=n>40%</td>"), "the size ratio of wire");
    }
}
