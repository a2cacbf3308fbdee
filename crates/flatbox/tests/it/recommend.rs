//! The decision tree over synthetic figures: each branch, each criterion,
//! and the columnar branch taken or not by the figures alone (no timing).

use flatbox::recommend::{Figures, Needs, Optimize, recommend};

/// A row: `size` bytes (JSON is 1000) and `ns` of encode + decode time.
fn row(name: &str, size: usize, ns: f64) -> Figures {
    let (format, codec) = match name.split_once("+zstd") {
        Some((format, level)) => (format.to_owned(), format!("zstd{level}")),
        None => (name.to_owned(), "none".to_owned()),
    };
    Figures {
        format,
        codec,
        size,
        ratio_to_json: size as f64 / 1000.0,
        encode_mb_s: 1.0,
        decode_mb_s: 1.0,
        encode_ns: ns * 0.25,
        decode_ns: ns * 0.75,
        encode_quartiles_ns: (ns * 0.25, ns * 0.25),
        decode_quartiles_ns: (ns * 0.75, ns * 0.75),
    }
}

/// Rows where size, speed and their product each pick a different row.
fn rows() -> Vec<Figures> {
    vec![
        row("json", 1000, 100.0),
        row("json+zstd:3", 200, 400.0),
        row("msgpack", 800, 90.0),
        row("msgpack-compact", 600, 95.0),
        row("wire", 500, 40.0),
        row("wire+zstd:3", 150, 200.0),
        row("wire+strings", 300, 60.0),
        row("protobuf", 450, 50.0),
    ]
}

fn needs(cross_language: bool, human_readable: bool, schema_evolution: bool, optimize: Optimize) -> Needs {
    Needs { cross_language, human_readable, schema_evolution, optimize }
}

#[test]
fn each_branch_of_the_tree_leads_to_its_family() {
    let rows = rows();
    let cases = [
        (needs(true, true, false, Optimize::Size), false, "json", "json+zstd:3"),
        (needs(true, false, false, Optimize::Size), false, "msgpack", "msgpack-compact"),
        (needs(true, false, false, Optimize::Speed), false, "msgpack", "msgpack"),
        (needs(true, false, true, Optimize::Speed), true, "protobuf", "protobuf"),
        (needs(false, true, false, Optimize::Speed), false, "json", "json"),
        (needs(false, false, false, Optimize::Speed), false, "wire", "wire"),
        (needs(false, false, false, Optimize::Size), false, "wire", "wire+zstd:3"),
    ];
    for (needs, have_proto, family, choice) in cases {
        let r = recommend(&rows, &needs, have_proto, None);
        assert_eq!((r.family.as_str(), r.choice.as_str()), (family, choice), "{needs:?} (proto {have_proto})");
        assert!(r.path.last().unwrap().starts_with(&format!("within {family}")), "{:?}", r.path);
    }
}

#[test]
fn schema_evolution_is_decided_by_the_measured_matrix() {
    // Without protobuf, the cross-language formats measured here that
    // decode the most changed records correctly (then the fewest wrongly
    // without an error) in flatbox::evolution's matrix form the family.
    let matrix = flatbox::evolution::matrix();
    let score = |name: &str| {
        let row = matrix.row(name).expect("the matrix covers the format");
        (std::cmp::Reverse(row.correct()), row.wrong())
    };
    let candidates = ["json", "msgpack", "msgpack-compact"];
    let best = candidates.iter().map(|n| score(n)).min().unwrap();
    let family: Vec<&str> = candidates.iter().copied().filter(|n| score(n) == best).collect();
    let r = recommend(&rows(), &needs(true, false, true, Optimize::Size), false, None);
    assert_eq!(r.family, family.join(" / "), "{:?}", r.path);
    assert!(r.path.iter().any(|p| p.contains("flatbox::evolution")), "{:?}", r.path);
    assert!(r.notes.iter().any(|n| n.starts_with("protobuf was not measured")), "{:?}", r.notes);
    // With protobuf measured, it wins: it decodes more changes correctly.
    let with_proto = recommend(&rows(), &needs(true, false, true, Optimize::Size), true, None);
    assert_eq!(with_proto.family, "protobuf");
}

#[test]
fn a_winner_within_the_runner_ups_noise_is_flagged() {
    let mut rows = rows();
    for r in &mut rows {
        // Wide quartiles: every timing overlaps every other.
        r.encode_quartiles_ns = (0.0, 1e9);
        r.decode_quartiles_ns = (0.0, 1e9);
    }
    let noisy = recommend(&rows, &needs(false, false, false, Optimize::Speed), false, None);
    assert!(noisy.notes.iter().any(|n| n.starts_with("the choice is within the noise")), "{:?}", noisy.notes);
    let exact = recommend(&self::rows(), &needs(false, false, false, Optimize::Speed), false, None);
    assert!(exact.notes.iter().all(|n| !n.contains("within the noise")), "{:?}", exact.notes);
    // Sizes are exact: never within the noise.
    let size = recommend(&rows, &needs(false, false, false, Optimize::Size), false, None);
    assert!(size.notes.iter().all(|n| !n.contains("within the noise")), "{:?}", size.notes);
}

#[test]
fn balanced_weighs_size_and_time_relative_to_json() {
    // Within wire, relative to JSON (1000 B, 100 ns): wire 0.5 x 0.4 = 0.20,
    // wire+strings 0.3 x 0.6 = 0.18, wire+zstd:3 0.15 x 2.0 = 0.30. Size
    // alone picks wire+zstd:3 and speed alone wire.
    let r = recommend(&rows(), &needs(false, false, false, Optimize::Balanced), false, None);
    assert_eq!(r.choice, "wire+strings");
    assert!(r.notes[0].starts_with("runner-up: wire: 500 B (50.0% of JSON)"), "{:?}", r.notes);
    assert!(r.path.last().unwrap().contains("--optimize balanced"), "{:?}", r.path);
}

#[test]
fn the_columnar_branch_is_taken_only_when_its_best_row_wins() {
    let mut rows = rows();
    rows.push(row("parquet", 100, 200.0));
    rows.push(row("arrow-ipc", 400, 30.0));
    let size = needs(false, false, false, Optimize::Size);
    // By size, parquet (100 B) beats wire+zstd:3 (150 B): taken.
    let r = recommend(&rows, &size, false, Some((1000, 5)));
    assert_eq!((r.family.as_str(), r.choice.as_str()), ("columnar (Arrow IPC / Parquet)", "parquet"));
    assert!(r.path.iter().any(|p| p.contains("1000 records x 5 flat fields") && p.contains("measured, taken")));
    // By speed, arrow-ipc (30 ns) beats wire (40 ns): taken, arrow-ipc.
    let r = recommend(&rows, &needs(false, false, false, Optimize::Speed), false, Some((1000, 5)));
    assert_eq!(r.choice, "arrow-ipc");
    // Slower than wire: not taken, and a note says what columnar costs.
    rows.retain(|r| r.format != "arrow-ipc");
    let r = recommend(&rows, &needs(false, false, false, Optimize::Speed), false, Some((1000, 5)));
    assert_eq!(r.choice, "wire");
    assert!(r.path.iter().any(|p| p.contains("measured, not taken")), "{:?}", r.path);
    // Asked for human-readable output: never columnar.
    let r = recommend(&rows, &needs(false, true, false, Optimize::Size), false, Some((1000, 5)));
    assert_eq!(r.family, "json");
    // Not tabular: the branch is not even asked.
    let r = recommend(&rows, &size, false, None);
    assert_eq!(r.choice, "wire+zstd:3");
    assert!(r.path.iter().all(|p| !p.contains("tabular")));
    // Columnar rows missing (they could not round-trip): said so.
    let plain = self::rows();
    let r = recommend(&plain, &size, false, Some((10, 2)));
    assert!(r.path.iter().any(|p| p.contains("could not round-trip")), "{:?}", r.path);
}

#[test]
fn the_overall_best_is_noted_when_the_needs_exclude_it() {
    let r = recommend(&rows(), &needs(true, true, false, Optimize::Size), false, None);
    assert_eq!(r.choice, "json+zstd:3");
    assert!(
        r.notes.iter().any(|n| n.contains("ignoring the stated needs") && n.contains("wire+zstd:3")),
        "{:?}",
        r.notes
    );
    assert!(r.figures.starts_with("json+zstd:3: 200 B (20.0% of JSON)"), "{}", r.figures);
}

#[test]
fn no_rows_give_an_empty_choice() {
    let r = recommend(&[], &Needs::default(), false, None);
    assert_eq!((r.choice.as_str(), r.family.as_str()), ("", "wire"));
    assert!(r.figures.is_empty());
}
