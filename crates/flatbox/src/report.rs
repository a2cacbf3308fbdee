//! The pictures and pages of a measurement: the size-against-speed chart
//! (drawn with `plotters`, as SVG) and a self-contained HTML page, shared
//! by the bench report (`cargo xtask bench`) and `flatbox profile --html`.
//! Behind the `report` feature.
//!
//! The chart has one panel per dataset, each with two plots: size against
//! encode speed, and size against decode speed, all relative to the
//! dataset's baseline (usually JSON), on log scales, so the baseline sits at
//! (1, 1) and better formats are up and to the left. A point's colour and
//! marker say its [`Family`], its shape its codec; a legend on top says
//! which is which. Points are labelled with their format where the label
//! fits without overlapping another label or a point; the rest are left to
//! the legend and the table beside the chart.
//!
//! # Examples
//!
//! ```
//! use flatbox::report::{chart_svg, html, Block, Panel, Point, Section};
//!
//! let panel = Panel {
//!     title: "events".into(),
//!     points: vec![
//!         Point { format: "json".into(), size_ratio: 1.0, encode_speedup: 1.0, decode_speedup: 1.0 },
//!         Point { format: "wire+zstd:3".into(), size_ratio: 0.2, encode_speedup: 1.8, decode_speedup: 2.5 },
//!     ],
//! };
//! let svg = chart_svg(&[panel]);
//! assert!(svg.starts_with("<svg") && svg.contains("wire+zstd:3"));
//! let page = html("my data", &[Section { heading: "Chart".into(), blocks: vec![Block::Svg(svg)] }]);
//! assert!(page.contains("<svg") && !page.contains("<script") && !page.contains("src="));
//! ```

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One format's figures in one dataset, relative to the dataset's baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The format's full name, codec included (`json+zstd:3`).
    pub format: String,
    /// Size over the baseline's (0.5 = half as large).
    pub size_ratio: f64,
    /// Baseline encode time over this format's (2.0 = twice as fast).
    pub encode_speedup: f64,
    /// Baseline decode time over this format's.
    pub decode_speedup: f64,
}

/// One dataset's points.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The dataset's name.
    pub title: String,
    /// One point per format; points with a ratio that is not a positive,
    /// finite number are left out.
    pub points: Vec<Point>,
}

/// The families of formats the chart colours apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Text: JSON, NDJSON, CSV.
    Text,
    /// Binary and self-describing: MessagePack with names, flatbox-wire.
    SelfDescribing,
    /// Binary, the reader needs the schema: protobuf, postcard, bitcode,
    /// MessagePack as arrays.
    Schema,
    /// Columnar: Arrow IPC, Parquet.
    Columnar,
    /// Anything else (the bench's special experiments).
    Other,
}

impl Family {
    /// Every family, in legend order.
    pub const ALL: [Family; 5] =
        [Family::Text, Family::SelfDescribing, Family::Schema, Family::Columnar, Family::Other];

    /// The family of a format, from its name without the codec.
    ///
    /// ```
    /// use flatbox::report::Family;
    /// assert_eq!(Family::of("wire+strings+zstd:3"), Family::SelfDescribing);
    /// assert_eq!(Family::of("parquet+zstd"), Family::Columnar);
    /// ```
    pub fn of(format: &str) -> Family {
        let (base, _) = split_codec(format);
        let first = base.split(['+', '-']).next().unwrap_or(base);
        match base {
            "msgpack-compact" => Family::Schema,
            _ => match first {
                "json" | "ndjson" | "csv" => Family::Text,
                "msgpack" | "wire" => Family::SelfDescribing,
                "protobuf" | "postcard" | "bitcode" | "prost" => Family::Schema,
                "arrow" | "parquet" => Family::Columnar,
                _ => Family::Other,
            },
        }
    }

    /// Its name in the legend.
    pub fn name(self) -> &'static str {
        match self {
            Family::Text => "text",
            Family::SelfDescribing => "binary, self-describing",
            Family::Schema => "binary, schema",
            Family::Columnar => "columnar",
            Family::Other => "other",
        }
    }

    fn colour(self) -> RGBColor {
        match self {
            Family::Text => RGBColor(0x44, 0x44, 0x44),
            Family::SelfDescribing => RGBColor(0x1f, 0x77, 0xb4),
            Family::Schema => RGBColor(0xd6, 0x60, 0x0b),
            Family::Columnar => RGBColor(0x2c, 0xa0, 0x2c),
            Family::Other => RGBColor(0x94, 0x67, 0xbd),
        }
    }
}

/// The codecs the chart tells apart by marker, in legend order.
const CODECS: [&str; 6] = ["none", "lz4", "zstd:1", "zstd:3", "gzip:6", "other"];

/// Splits `json+zstd:3` into (`json`, `zstd:3`); a format with no codec
/// gets `none`. Columnar formats' own compression (`parquet+zstd`) counts
/// as `zstd:3` (their level).
///
/// ```
/// use flatbox::report::split_codec;
/// assert_eq!(split_codec("wire+strings+lz4"), ("wire+strings", "lz4"));
/// assert_eq!(split_codec("msgpack"), ("msgpack", "none"));
/// assert_eq!(split_codec("arrow-ipc+zstd"), ("arrow-ipc", "zstd:3"));
/// ```
pub fn split_codec(format: &str) -> (&str, &str) {
    if let Some((base, codec)) = format.rsplit_once('+') {
        if codec == "zstd" {
            return (base, "zstd:3");
        }
        if codec == "lz4" || codec.starts_with("zstd:") || codec.starts_with("gzip") {
            return (base, codec);
        }
    }
    (format, "none")
}

fn codec_index(codec: &str) -> usize {
    CODECS.iter().position(|c| *c == codec).unwrap_or(CODECS.len() - 1)
}

/// Draws the marker of `codec` at pixel `(x, y)`.
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    codec: usize,
    (x, y): (i32, i32),
    colour: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let filled = colour.filled();
    let line = colour.stroke_width(2);
    match codec {
        0 => area.draw(&Circle::new((x, y), 4, filled)),
        1 => area.draw(&TriangleMarker::new((x, y), 5, filled)),
        2 => area.draw(&Rectangle::new([(x - 4, y - 4), (x + 4, y + 4)], line)),
        3 => area.draw(&Rectangle::new([(x - 4, y - 4), (x + 4, y + 4)], filled)),
        4 => area.draw(&Cross::new((x, y), 4, line)),
        _ => area.draw(&Polygon::new(vec![(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)], filled)),
    }
}

/// A pixel rectangle: left, top, right, bottom.
type Rect = (i32, i32, i32, i32);

fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

const PLOT_W: u32 = 380;
const PLOT_H: u32 = 300;
const LEGEND_H: u32 = 64;
/// The labels' font size as plotters takes it (it writes SVG font sizes
/// 1.24 times smaller).
const LABEL_FONT: u32 = 13;
/// The width a label's character is given when checking for overlaps.
const CHAR_W: i32 = 7;

/// The chart as SVG text: a legend, then one row per panel, each with a
/// size-vs-encode-speed and a size-vs-decode-speed plot.
pub fn chart_svg(panels: &[Panel]) -> String {
    let mut svg = String::new();
    let height = LEGEND_H + PLOT_H * u32::try_from(panels.len().max(1)).unwrap_or(u32::MAX / PLOT_H - 1);
    {
        let root = SVGBackend::with_string(&mut svg, (PLOT_W * 2, height)).into_drawing_area();
        if let Err(e) = draw(&root, panels) {
            // Drawing into a String does not fail; should plotters ever
            // report an error, the chart says so instead of being blank.
            let _ = root.draw(&Text::new(format!("the chart could not be drawn: {e}"), (10, 10), ("sans-serif", 14)));
        }
        let _ = root.present();
    }
    svg
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panels: &[Panel],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (legend, body) = root.split_vertically(LEGEND_H);
    draw_legend(&legend)?;
    let rows = body.split_evenly((panels.len().max(1), 1));
    for (panel, row) in panels.iter().zip(rows) {
        let (left, right) = row.split_horizontally(PLOT_W);
        plot(root, &left, panel, "encode", |p| p.encode_speedup)?;
        plot(root, &right, panel, "decode", |p| p.decode_speedup)?;
    }
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let text = ("sans-serif", 15).into_font().color(&BLACK);
    area.draw(&Text::new("colour: family", (8, 6), text.clone()))?;
    let mut x = 110;
    for family in Family::ALL {
        area.draw(&Circle::new((x, 13), 5, family.colour().filled()))?;
        area.draw(&Text::new(family.name(), (x + 9, 6), text.clone()))?;
        x += 24 + 8 * i32::try_from(family.name().len()).unwrap_or(0);
    }
    area.draw(&Text::new("shape: codec", (8, 30), text.clone()))?;
    let mut x = 110;
    for (i, codec) in CODECS.iter().enumerate() {
        marker(area, i, (x, 37), BLACK)?;
        area.draw(&Text::new(*codec, (x + 9, 30), text.clone()))?;
        x += 30 + 8 * i32::try_from(codec.len()).unwrap_or(0);
    }
    area.draw(&Text::new(
        "x: size / baseline's, y: speed / baseline's (log scales; the baseline is at 1, 1; up and left is better)",
        (8, 50),
        ("sans-serif", 14).into_font().color(&RGBColor(0x55, 0x55, 0x55)),
    ))?;
    Ok(())
}

/// A tick label: `0.25`, `1`, `40`.
fn tick(v: f64) -> String {
    let text = if v >= 10.0 { format!("{v:.0}") } else { format!("{v:.2}") };
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text }
}

/// The axis range of some ratios: padded, on whole log steps, including 1.
fn range(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values.fold((1.0_f64, 1.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (lo / 1.4)..(hi * 1.4)
}

fn plot<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    operation: &str,
    speed: fn(&Point) -> f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let usable = |v: f64| v.is_finite() && v > 0.0;
    let points: Vec<&Point> = panel.points.iter().filter(|p| usable(p.size_ratio) && usable(speed(p))).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{}: {operation}", panel.title), ("sans-serif", 18))
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(46)
        .build_cartesian_2d(
            range(points.iter().map(|p| p.size_ratio)).log_scale(),
            range(points.iter().map(|p| speed(p))).log_scale(),
        )?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
        .x_desc("size / baseline's")
        .y_desc(format!("{operation} speed / baseline's"))
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .draw()?;
    let x = chart.x_range();
    let y = chart.y_range();
    let grey = RGBColor(0xaa, 0xaa, 0xaa);
    chart.draw_series(std::iter::once(PathElement::new(vec![(1.0, y.start), (1.0, y.end)], grey)))?;
    chart.draw_series(std::iter::once(PathElement::new(vec![(x.start, 1.0), (x.end, 1.0)], grey)))?;

    // Markers, then labels where they fit: uncompressed formats first.
    let placed: Vec<((i32, i32), &Point)> =
        points.iter().map(|p| (chart.backend_coord(&(p.size_ratio, speed(p))), *p)).collect();
    let mut taken: Vec<Rect> = placed.iter().map(|&((px, py), _)| (px - 5, py - 5, px + 5, py + 5)).collect();
    for &(at, p) in &placed {
        let (_, codec) = split_codec(&p.format);
        marker(root, codec_index(codec), at, Family::of(&p.format).colour())?;
    }
    let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
    let mut order: Vec<&((i32, i32), &Point)> = placed.iter().collect();
    order.sort_by_key(|(_, p)| split_codec(&p.format).1 != "none");
    let style = ("sans-serif", LABEL_FONT).into_font().color(&RGBColor(0x22, 0x22, 0x22));
    for &&((px, py), p) in &order {
        let width = i32::try_from(p.format.len()).unwrap_or(0) * CHAR_W + 2;
        let h = i32::try_from(LABEL_FONT).unwrap_or(13);
        let candidates = [
            (px + 7, py - h / 2, HPos::Left),
            (px - 7 - width, py - h / 2, HPos::Left),
            (px - width / 2, py - 7 - h, HPos::Left),
            (px - width / 2, py + 7, HPos::Left),
        ];
        for (left, top, _) in candidates {
            let rect = (left, top, left + width, top + h);
            let inside =
                rect.0 >= plot_x.start && rect.2 <= plot_x.end && rect.1 >= plot_y.start && rect.3 <= plot_y.end;
            if inside && !taken.iter().any(|&t| overlaps(t, rect)) {
                taken.push(rect);
                root.draw(&Text::new(
                    p.format.clone(),
                    (left, top),
                    style.clone().pos(Pos::new(HPos::Left, VPos::Top)),
                ))?;
                break;
            }
        }
    }
    Ok(())
}

/// A table for [`html`]: cells are plain text; a cell whose text is
/// `WRONG` is highlighted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The header cells.
    pub header: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<String>>,
}

/// A piece of a [`Section`].
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph of plain text.
    Paragraph(String),
    /// A bulleted list of plain-text items.
    List(Vec<String>),
    /// A table.
    Table(Table),
    /// An SVG image, inlined as is (such as [`chart_svg`]'s).
    Svg(String),
    /// Preformatted text.
    Pre(String),
}

/// A headed part of an [`html`] page.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The section's heading.
    pub heading: String,
    /// Its contents, in order.
    pub blocks: Vec<Block>,
}

/// Escapes text for HTML.
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

/// One self-contained HTML page: inline style, inline SVG, no scripts and
/// nothing fetched from the network.
pub fn html(title: &str, sections: &[Section]) -> String {
    let mut page = String::new();
    let _ = writeln!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>\
         body{{font-family:sans-serif;margin:2em;max-width:80em}} table{{border-collapse:collapse;margin:0.5em 0 1.5em}} \
         td,th{{border:1px solid #ccc;padding:2px 8px;text-align:left}} td.n{{text-align:right}} \
         td.wrong{{background:#d62728;color:#fff;font-weight:bold}} td.error{{background:#fdecc8}} \
         td.ok{{background:#e3f4e3}} pre{{background:#f6f6f6;padding:0.5em}}</style></head><body>\n<h1>{}</h1>",
        escape(title),
        escape(title)
    );
    for section in sections {
        let _ = writeln!(page, "<h2>{}</h2>", escape(&section.heading));
        for block in &section.blocks {
            match block {
                Block::Paragraph(text) => {
                    let _ = writeln!(page, "<p>{}</p>", escape(text));
                }
                Block::List(items) => {
                    page.push_str("<ul>\n");
                    for item in items {
                        let _ = writeln!(page, "<li>{}</li>", escape(item));
                    }
                    page.push_str("</ul>\n");
                }
                Block::Table(table) => {
                    page.push_str("<table><tr>");
                    for h in &table.header {
                        let _ = write!(page, "<th>{}</th>", escape(h));
                    }
                    page.push_str("</tr>\n");
                    for row in &table.rows {
                        page.push_str("<tr>");
                        for cell in row {
                            let class = match cell.as_str() {
                                "WRONG" => " class=wrong",
                                "error" => " class=error",
                                "ok" => " class=ok",
                                c if c.starts_with(|ch: char| ch.is_ascii_digit()) => " class=n",
                                _ => "",
                            };
                            let _ = write!(page, "<td{class}>{}</td>", escape(cell));
                        }
                        page.push_str("</tr>\n");
                    }
                    page.push_str("</table>\n");
                }
                Block::Svg(svg) => {
                    page.push_str(svg);
                    page.push('\n');
                }
                Block::Pre(text) => {
                    let _ = writeln!(page, "<pre>{}</pre>", escape(text));
                }
            }
        }
    }
    page.push_str("</body></html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dense_panel() -> Panel {
        let mut points = Vec::new();
        for (i, base) in
            ["json", "msgpack", "msgpack-compact", "wire", "wire+strings", "postcard", "bitcode"].iter().enumerate()
        {
            for (j, codec) in ["", "+lz4", "+zstd:1", "+zstd:3", "+gzip:6"].iter().enumerate() {
                let k = (i * 5 + j) as f64;
                points.push(Point {
                    format: format!("{base}{codec}"),
                    size_ratio: 0.1 + 0.03 * k,
                    encode_speedup: 0.5 + 0.1 * k,
                    decode_speedup: 3.0 - 0.05 * k,
                });
            }
        }
        points.push(Point {
            format: "parquet+zstd".into(),
            size_ratio: 0.08,
            encode_speedup: 0.7,
            decode_speedup: 1.2,
        });
        Panel { title: "dense".into(), points }
    }

    #[test]
    fn families_and_codecs() {
        assert_eq!(Family::of("json+gzip:6"), Family::Text);
        assert_eq!(Family::of("msgpack-compact+lz4"), Family::Schema);
        assert_eq!(Family::of("msgpack+lz4"), Family::SelfDescribing);
        assert_eq!(Family::of("bitcode"), Family::Schema);
        assert_eq!(Family::of("arrow-ipc+zstd"), Family::Columnar);
        assert_eq!(Family::of("memcpy"), Family::Other);
        assert_eq!(split_codec("json+gzip:6"), ("json", "gzip:6"));
    }

    #[test]
    fn labels_never_overlap() {
        let svg = chart_svg(&[dense_panel()]);
        // Every label plotters wrote at the font size of labels, as boxes.
        let mut boxes: Vec<Rect> = Vec::new();
        for part in svg.split("<text").skip(1) {
            let attr = |name: &str| {
                let start = part.find(&format!("{name}=\""))? + name.len() + 2;
                let end = part[start..].find('"')? + start;
                part[start..end].parse::<f64>().ok()
            };
            let text = part.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(t, _)| t.trim());
            let (Some(x), Some(y), Some(size), Some(text)) = (attr("x"), attr("y"), attr("font-size"), text) else {
                continue;
            };
            if (size - f64::from(LABEL_FONT) / 1.24).abs() > 0.01
                || !dense_panel().points.iter().any(|p| p.format == text)
            {
                continue;
            }
            #[allow(clippy::cast_possible_truncation, reason = "pixel coordinates")]
            let (x, y) = (x as i32, y as i32);
            boxes.push((x, y, x + i32::try_from(text.len()).unwrap() * CHAR_W + 2, y + 13));
        }
        assert!(boxes.len() >= 5, "some labels are placed: {}", boxes.len());
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!overlaps(*a, *b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn the_chart_renders_to_a_sane_png() {
        let panels = [dense_panel(), Panel { title: "empty".into(), points: Vec::new() }];
        let svg = chart_svg(&panels);
        let mut options = resvg::usvg::Options::default();
        options.fontdb_mut().load_system_fonts();
        // fontdb maps `sans-serif` to Arial, which Linux machines rarely
        // have; DejaVu Sans is the usual stand-in.
        options.fontdb_mut().set_sans_serif_family("DejaVu Sans");
        let tree = resvg::usvg::Tree::from_str(&svg, &options).expect("plotters writes valid SVG");
        let size = tree.size().to_int_size();
        assert_eq!((size.width(), size.height()), (PLOT_W * 2, LEGEND_H + PLOT_H * 2));
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
        resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
        let pixels = pixmap.pixels();
        let inked = pixels.iter().filter(|p| p.red() < 200 || p.green() < 200 || p.blue() < 200).count();
        let share = inked as f64 / pixels.len() as f64;
        assert!(share > 0.01 && share < 0.5, "{:.1}% of the pixels are drawn", share * 100.0);
        // Family colours are present: the columnar green of parquet+zstd.
        assert!(pixels.iter().any(|p| (p.red(), p.green(), p.blue()) == (0x2c, 0xa0, 0x2c)));
        // To look at it: FLATBOX_CHART_PNG=/tmp/chart.png (the SVG beside it).
        if let Some(path) = std::env::var_os("FLATBOX_CHART_PNG") {
            let path = std::path::PathBuf::from(path);
            pixmap.save_png(&path).unwrap();
            std::fs::write(path.with_extension("svg"), &svg).unwrap();
        }
    }

    #[test]
    fn the_page_escapes_and_highlights() {
        let table =
            Table { header: vec!["format".into(), "v1 -> v2".into()], rows: vec![vec!["<x>".into(), "WRONG".into()]] };
        let page = html("a & b", &[Section { heading: "m".into(), blocks: vec![Block::Table(table)] }]);
        assert!(page.contains("<title>a &amp; b</title>"));
        assert!(page.contains("<td>&lt;x&gt;</td><td class=wrong>WRONG</td>"));
        assert!(!page.contains("src=") && !page.contains("href="), "nothing is fetched");
    }
}
