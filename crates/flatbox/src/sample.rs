//! A representative, bounded sample of a stream of records, read once.
//!
//! `flatbox profile` measures every format and codec on the user's data;
//! measuring all of a 1 GB file some thirty times is neither fast nor
//! bounded in memory. A [`Reservoir`] instead keeps a sample of about
//! [`DEFAULT_BUDGET`] bytes drawn from the *whole* input while the input
//! streams past once:
//!
//! - records are grouped into **runs** of consecutive records (about
//!   1/[`RUNS`] of the budget each), so the sample keeps the local
//!   structure compressors feed on (neighbouring timestamps, repeated
//!   paths), which single records drawn at random would destroy;
//! - the runs are **reservoir-sampled** (Vitter's algorithm R): after the
//!   input ends, every run had the same chance of being kept, wherever it
//!   was in the input;
//! - the kept runs are returned **in input order**.
//!
//! Memory stays at about the budget plus one run, whatever the input's
//! size. A file that can seek is sampled without reading it all
//! ([`sample_file_lines`]): [`RUNS`] runs start at evenly spaced offsets.
//!
//! Why [`RUNS`] is 8: every run brings its own set of distinct values,
//! which a Parquet column chunk's dictionary or a zstd window pays for once
//! per run, while the whole input pays for them once per row group or
//! window. On the bench's 1 GB access log (6.6 M records), an 8 MiB sample
//! scaled to the whole file overestimated Parquet+zstd by 24% with 32 runs
//! and by 10% with 8, and JSON+zstd by 5.8% and 1.8% (pyarrow and the zstd
//! tool on the same runs). Columnar sizes are also extrapolated from two
//! points ([`SampleStats::extrapolate_marginal`]), which removes the
//! per-file costs. [`SampleStats`] says how much of the input the sample is, and
//! [`SampleStats::scale`] extrapolates a size measured on the sample to the
//! whole input. The random choices are seeded with a fixed seed: the same
//! input gives the same sample.
//!
//! # Examples
//!
//! ```
//! use flatbox::sample::Reservoir;
//!
//! // 10 000 records of 100 bytes (1 MB) sampled down to about 64 kB.
//! let mut reservoir = Reservoir::new(64 * 1024);
//! for i in 0..10_000u32 {
//!     reservoir.push(i, 100);
//! }
//! let sample = reservoir.finish();
//! let stats = &sample.stats;
//! assert_eq!((stats.input_records, stats.input_bytes), (10_000, 1_000_000));
//! assert!(stats.sample_bytes <= 64 * 1024 + 2048, "about the budget");
//! assert!(sample.records.windows(2).all(|w| w[0] < w[1]), "kept in input order");
//! assert!(*sample.records.last().unwrap() > 5_000, "drawn from the whole input");
//! assert!((stats.scale() - 1e6 / stats.sample_bytes as f64).abs() < 1e-9);
//! ```

use std::io::{self, BufRead, Seek, SeekFrom};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The default sample budget: 8 MiB of records.
pub const DEFAULT_BUDGET: u64 = 8 * 1024 * 1024;

/// How many runs of consecutive records a full sample holds (see the
/// module documentation for why 8).
pub const RUNS: u64 = 8;

/// The reservoir's fixed seed: the same input always gives the same sample.
const SEED: u64 = 0x0066_6c61_7462_6f78;

/// A run of consecutive records and where it started.
struct Run<T> {
    index: u64,
    items: Vec<T>,
    bytes: u64,
}

/// Keeps a sample of about `budget` bytes of a stream of records, as the
/// module documentation describes.
pub struct Reservoir<T> {
    budget: u64,
    run_bytes: u64,
    kept: Vec<Run<T>>,
    kept_bytes: u64,
    current: Run<T>,
    runs_seen: u64,
    input_records: u64,
    input_bytes: u64,
    rng: ChaCha8Rng,
}

impl<T> Reservoir<T> {
    /// A reservoir that keeps about `budget` bytes (at least one record).
    pub fn new(budget: u64) -> Self {
        Reservoir {
            budget,
            run_bytes: (budget / RUNS).max(1),
            kept: Vec::new(),
            kept_bytes: 0,
            current: Run { index: 0, items: Vec::new(), bytes: 0 },
            runs_seen: 0,
            input_records: 0,
            input_bytes: 0,
            rng: ChaCha8Rng::seed_from_u64(SEED),
        }
    }

    /// Offers the next record of the stream; `bytes` is its size in the
    /// input (for NDJSON, its line's length).
    pub fn push(&mut self, item: T, bytes: u64) {
        self.input_records += 1;
        self.input_bytes += bytes;
        self.current.items.push(item);
        self.current.bytes += bytes;
        if self.current.bytes >= self.run_bytes {
            self.close_run();
        }
    }

    /// How many records have been offered so far.
    pub fn records_seen(&self) -> u64 {
        self.input_records
    }

    fn close_run(&mut self) {
        let index = self.runs_seen + 1;
        let run = std::mem::replace(&mut self.current, Run { index, items: Vec::new(), bytes: 0 });
        if run.items.is_empty() {
            return;
        }
        self.runs_seen += 1;
        // While everything seen fits the budget, keep it all; then keep
        // as many runs as fit, each later run replacing a random kept one
        // with probability slots / runs seen (algorithm R).
        if self.kept_bytes + run.bytes <= self.budget || self.kept.is_empty() {
            self.kept_bytes += run.bytes;
            self.kept.push(run);
            return;
        }
        let slots = self.kept.len() as u64;
        let pick = self.rng.random_range(0..self.runs_seen);
        if pick < slots {
            let slot = usize::try_from(pick).unwrap_or(0);
            self.kept_bytes = self.kept_bytes + run.bytes - self.kept[slot].bytes;
            self.kept[slot] = run;
        }
    }

    /// The sample, in input order, and how it relates to the input.
    pub fn finish(mut self) -> Sample<T> {
        self.close_run();
        self.kept.sort_by_key(|r| r.index);
        let sample_records = self.kept.iter().map(|r| r.items.len() as u64).sum();
        let stats = SampleStats {
            input_records: self.input_records,
            input_records_exact: true,
            input_bytes: self.input_bytes,
            sample_records,
            sample_bytes: self.kept_bytes,
        };
        Sample { records: self.kept.into_iter().flat_map(|r| r.items).collect(), stats }
    }
}

/// What a [`Reservoir`] kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample<T> {
    /// The kept records, in input order.
    pub records: Vec<T>,
    /// How much of the input they are.
    pub stats: SampleStats,
}

/// A sample's size against its input's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleStats {
    /// Records in the whole input (an estimate when
    /// `input_records_exact` is false).
    pub input_records: u64,
    /// Whether `input_records` was counted (a stream read to its end) or
    /// estimated from the sample's bytes per record (a file sampled by
    /// seeking, [`sample_file_lines`]).
    pub input_records_exact: bool,
    /// Bytes of the whole input.
    pub input_bytes: u64,
    /// Records in the sample.
    pub sample_records: u64,
    /// Bytes of the sample.
    pub sample_bytes: u64,
}

impl SampleStats {
    /// The factor that extrapolates a size measured on the sample to the
    /// whole input: input bytes over sample bytes (1.0 for the whole input).
    pub fn scale(&self) -> f64 {
        if self.sample_bytes == 0 { 1.0 } else { self.input_bytes as f64 / self.sample_bytes as f64 }
    }

    /// Whether the sample is the whole input.
    pub fn is_whole(&self) -> bool {
        self.input_records_exact && self.sample_records == self.input_records
    }

    /// `size`, measured on the sample, extrapolated to the whole input.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a positive size times a positive factor, rounded"
    )]
    pub fn extrapolate(&self, size: usize) -> u64 {
        if self.is_whole() { size as u64 } else { (size as f64 * self.scale()).round() as u64 }
    }

    /// `size`, measured on the sample, extrapolated from two points: `part`
    /// is the size of the same encoding of a `fraction` of the sample (for
    /// example every other run, 0.5). The growth from `part` to `size` is
    /// what each further slice of input costs; what does not grow (a
    /// file's footer and schema, a dictionary already full) is counted
    /// once. Falls back to [`SampleStats::extrapolate`] when the two points
    /// say nothing (the part is not smaller, or the fraction is not in
    /// `(0, 1)`).
    ///
    /// ```
    /// use flatbox::sample::SampleStats;
    ///
    /// let stats = SampleStats {
    ///     input_records: 1000,
    ///     input_records_exact: true,
    ///     input_bytes: 1_000_000,
    ///     sample_records: 100,
    ///     sample_bytes: 100_000,
    /// };
    /// // 1000 bytes of fixed costs and 10 per sample-thousandth: 10 000 + 1000.
    /// assert_eq!(stats.extrapolate_marginal(11_000, 6_000, 0.5), 101_000);
    /// assert_eq!(stats.extrapolate(11_000), 110_000);
    /// ```
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a positive size, rounded")]
    pub fn extrapolate_marginal(&self, size: usize, part: usize, fraction: f64) -> u64 {
        if self.is_whole() {
            return size as u64;
        }
        if !(fraction > 0.0 && fraction < 1.0) || part >= size {
            return self.extrapolate(size);
        }
        let per_sample = (size - part) as f64 / (1.0 - fraction);
        (size as f64 + per_sample * (self.scale() - 1.0)).round() as u64
    }

    /// The note a report prints: `measured on 8.0 MiB of 1.00 GB; sizes
    /// scaled`, or `measured on all of 2.1 MB` for the whole input.
    ///
    /// ```
    /// use flatbox::sample::SampleStats;
    ///
    /// let mut stats = SampleStats {
    ///     input_records: 5_000_000,
    ///     input_records_exact: true,
    ///     input_bytes: 1_000_000_000,
    ///     sample_records: 41_000,
    ///     sample_bytes: 8 << 20,
    /// };
    /// assert_eq!(stats.note(), "measured on 8.0 MiB (41000 of 5000000 records) of 1.00 GB; sizes scaled");
    /// stats.input_records_exact = false;
    /// assert_eq!(stats.note(), "measured on 8.0 MiB (41000 of about 5000000 records) of 1.00 GB; sizes scaled");
    /// ```
    pub fn note(&self) -> String {
        if self.is_whole() {
            format!("measured on all of {} ({} records)", si_bytes(self.input_bytes), self.input_records)
        } else {
            format!(
                "measured on {:.1} MiB ({} of {}{} records) of {}; sizes scaled",
                self.sample_bytes as f64 / f64::from(1 << 20),
                self.sample_records,
                if self.input_records_exact { "" } else { "about " },
                self.input_records,
                si_bytes(self.input_bytes)
            )
        }
    }
}

/// A byte count in SI units (`1.00 GB`, `2.1 MB`, `950 B`).
fn si_bytes(n: u64) -> String {
    let n = n as f64;
    if n < 1e3 {
        format!("{n} B")
    } else if n < 1e6 {
        format!("{:.1} kB", n / 1e3)
    } else if n < 1e9 {
        format!("{:.1} MB", n / 1e6)
    } else {
        format!("{:.2} GB", n / 1e9)
    }
}

/// One line of a text stream, with where it was (for error messages about
/// it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Its 1-based number in the input; 0 when the sample was taken by
    /// seeking ([`sample_file_lines`]), which does not count lines.
    pub number: u64,
    /// The byte offset of its start in the input.
    pub offset: u64,
    /// Its bytes, without the line ending.
    pub bytes: Vec<u8>,
}

/// Samples the non-blank lines of `reader` (NDJSON records) without parsing
/// them: the stream is read once, at the speed of finding newlines.
///
/// # Errors
///
/// The reader's errors.
///
/// # Examples
///
/// ```
/// use flatbox::sample::sample_lines;
///
/// let text = "{\"a\":1}\n\n{\"a\":2}\r\n{\"a\":3}";
/// let sample = sample_lines(text.as_bytes(), 1 << 20)?;
/// assert!(sample.stats.is_whole());
/// let lines: Vec<(u64, &[u8])> = sample.records.iter().map(|l| (l.number, &l.bytes[..])).collect();
/// assert_eq!(lines, [(1, &b"{\"a\":1}"[..]), (3, b"{\"a\":2}"), (4, b"{\"a\":3}")]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn sample_lines(mut reader: impl BufRead, budget: u64) -> io::Result<Sample<Line>> {
    let mut reservoir = Reservoir::new(budget);
    let (mut number, mut offset) = (0, 0);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let read = reader.read_until(b'\n', &mut buf)?;
        if read == 0 {
            break;
        }
        number += 1;
        let start = offset;
        offset += read as u64;
        if let Some(line) = content(&buf) {
            reservoir.push(Line { number, offset: start, bytes: line.to_vec() }, read as u64);
        }
    }
    Ok(reservoir.finish())
}

/// A line without its ending; `None` when it is blank.
fn content(buf: &[u8]) -> Option<&[u8]> {
    let mut line = buf;
    if let Some(rest) = line.strip_suffix(b"\n") {
        line = rest.strip_suffix(b"\r").unwrap_or(rest);
    }
    (!line.trim_ascii().is_empty()).then_some(line)
}

/// Samples the non-blank lines of a file that can seek, without reading
/// all of it: a file no larger than `budget` is read whole (as
/// [`sample_lines`] does); a larger one gives [`RUNS`] runs of consecutive
/// lines of about `budget / RUNS` bytes each, starting at evenly spaced
/// offsets (each at the first line that starts at or after its offset).
/// The input's record count is then estimated from the sample's bytes per
/// record (`input_records_exact` is false), and the lines carry their byte
/// offset but no line number.
///
/// # Errors
///
/// The reader's errors.
///
/// # Examples
///
/// ```
/// use std::io::Cursor;
/// use flatbox::sample::sample_file_lines;
///
/// let text: String = (0..10_000).map(|i| format!("{{\"i\":{i:05}}}\n")).collect();
/// let sample = sample_file_lines(Cursor::new(text.as_bytes()), 8 * 1024)?;
/// assert!(!sample.stats.input_records_exact);
/// assert!((9_000..11_000).contains(&sample.stats.input_records), "about 10 000");
/// let last = sample.records.last().unwrap();
/// assert!(last.offset > 105_000 && last.bytes.starts_with(b"{\"i\":08"), "drawn from the last eighth too");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn sample_file_lines(mut reader: impl BufRead + Seek, budget: u64) -> io::Result<Sample<Line>> {
    let len = reader.seek(SeekFrom::End(0))?;
    reader.seek(SeekFrom::Start(0))?;
    if len <= budget {
        return sample_lines(reader, budget);
    }
    let run_budget = (budget / RUNS).max(1);
    let (mut records, mut sample_bytes) = (Vec::new(), 0_u64);
    let mut buf = Vec::new();
    let mut position = 0_u64;
    for run in 0..RUNS {
        let start = len / RUNS * run;
        let end = if run + 1 == RUNS { len } else { len / RUNS * (run + 1) };
        if start > position {
            // Skip to the first line that starts at or after `start`.
            reader.seek(SeekFrom::Start(start - 1))?;
            buf.clear();
            position = start - 1 + reader.read_until(b'\n', &mut buf)? as u64;
        }
        let mut run_bytes = 0;
        while run_bytes < run_budget && position < end {
            buf.clear();
            let read = reader.read_until(b'\n', &mut buf)?;
            if read == 0 {
                break;
            }
            if let Some(line) = content(&buf) {
                records.push(Line { number: 0, offset: position, bytes: line.to_vec() });
                run_bytes += read as u64;
            }
            position += read as u64;
        }
        sample_bytes += run_bytes;
    }
    let sample_records = records.len() as u64;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an estimate, rounded"
    )]
    let input_records =
        if sample_bytes == 0 { 0 } else { (sample_records as f64 * len as f64 / sample_bytes as f64).round() as u64 };
    let stats =
        SampleStats { input_records, input_records_exact: false, input_bytes: len, sample_records, sample_bytes };
    Ok(Sample { records, stats })
}

/// Parses a byte count: a number with an optional unit, `B`, `kB`, `MB`,
/// `GB` (powers of 1000) or `KiB`, `MiB`, `GiB` (powers of 1024), e.g.
/// `8MiB`, `64 MB`, `500000`.
///
/// # Errors
///
/// A message naming what was expected, for a malformed count or an
/// unknown unit.
///
/// ```
/// use flatbox::sample::parse_bytes;
///
/// assert_eq!(parse_bytes("8MiB"), Ok(8 << 20));
/// assert_eq!(parse_bytes("1.5 GB"), Ok(1_500_000_000));
/// assert!(parse_bytes("8 parsecs").is_err());
/// ```
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| format!("expected a byte count like 8MiB or 500000, got {text:?}"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "kib" => 1024.0,
        "mib" => 1_048_576.0,
        "gib" => 1_073_741_824.0,
        other => return Err(format!("expected a unit of B, kB, MB, GB, KiB, MiB or GiB, got {other:?}")),
    };
    let bytes = number * factor;
    if !bytes.is_finite() || !(1.0..=1e15).contains(&bytes) {
        return Err(format!("expected a byte count between 1 B and 1 PB, got {text:?}"));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "checked to be in 1..=1e15")]
    Ok(bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_inputs_are_kept_whole() {
        let mut r = Reservoir::new(1000);
        for i in 0..50u32 {
            r.push(i, 10);
        }
        let s = r.finish();
        assert_eq!(s.records, (0..50).collect::<Vec<_>>());
        assert!(s.stats.is_whole());
        assert!((s.stats.scale() - 1.0).abs() < f64::EPSILON);
        assert_eq!(s.stats.extrapolate(1234), 1234);
    }

    #[test]
    fn large_inputs_are_sampled_evenly_and_bounded() {
        let budget = 32 * 1024;
        let mut r = Reservoir::new(budget);
        let n = 100_000u32;
        for i in 0..n {
            r.push(i, 64);
        }
        let s = r.finish();
        let run = budget / RUNS;
        assert!(s.stats.sample_bytes <= budget + run, "{} bytes kept", s.stats.sample_bytes);
        assert!(s.stats.sample_bytes >= budget - run, "{} bytes kept", s.stats.sample_bytes);
        assert!(s.records.windows(2).all(|w| w[0] < w[1]));
        // Every quarter of the input is represented.
        for quarter in 0..4 {
            let (lo, hi) = (quarter * n / 4, (quarter + 1) * n / 4);
            let inside = s.records.iter().filter(|&&i| i >= lo && i < hi).count();
            assert!(inside > s.records.len() / 10, "quarter {quarter}: {inside} of {}", s.records.len());
        }
        // Runs of consecutive records.
        let consecutive = s.records.windows(2).filter(|w| w[1] == w[0] + 1).count();
        assert!(consecutive * 10 > s.records.len() * 9);
        let expected = f64::from(n) * 64.0 / s.stats.sample_bytes as f64;
        assert!((s.stats.scale() - expected).abs() < 1e-9);
    }

    #[test]
    fn the_sample_is_deterministic() {
        let run = || {
            let mut r = Reservoir::new(4096);
            for i in 0..10_000u32 {
                r.push(i, u64::from(i % 7 + 1) * 10);
            }
            r.finish()
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn one_huge_record_is_still_sampled() {
        let mut r = Reservoir::new(100);
        r.push("big", 10_000);
        r.push("small", 1);
        let s = r.finish();
        assert_eq!(s.records.first(), Some(&"big"));
        assert_eq!(s.stats.input_records, 2);
    }

    #[test]
    fn notes() {
        let whole = SampleStats {
            input_records: 3,
            input_records_exact: true,
            input_bytes: 2_100_000,
            sample_records: 3,
            sample_bytes: 2_100_000,
        };
        assert_eq!(whole.note(), "measured on all of 2.1 MB (3 records)");
        // Two points that say nothing: the linear extrapolation.
        let part = SampleStats { input_records: 30, input_bytes: 21_000_000, ..whole };
        assert_eq!(part.extrapolate_marginal(1000, 1000, 0.5), part.extrapolate(1000));
        assert_eq!(part.extrapolate_marginal(1000, 10, 1.0), part.extrapolate(1000));
        assert_eq!(whole.extrapolate_marginal(1000, 10, 0.5), 1000);
    }

    #[test]
    fn files_are_sampled_in_evenly_spaced_runs_of_whole_lines() {
        use std::fmt::Write as _;
        use std::io::Cursor;
        let mut text = String::new();
        for i in 0..50_000 {
            let _ = writeln!(text, "{{\"n\":{i}}}");
        }
        let bytes = text.as_bytes();
        let budget = 16 * 1024;
        let s = sample_file_lines(Cursor::new(bytes), budget).unwrap();
        assert_eq!(s.stats.input_bytes, bytes.len() as u64);
        assert!(!s.stats.input_records_exact && !s.stats.is_whole());
        let err = s.stats.input_records.abs_diff(50_000);
        assert!(err < 2_500, "estimated {} records", s.stats.input_records);
        assert!(s.stats.sample_bytes <= budget + budget / RUNS, "{}", s.stats.sample_bytes);
        for line in &s.records {
            // Whole lines, found where they say.
            let at = usize::try_from(line.offset).unwrap();
            assert!(at == 0 || bytes[at - 1] == b'\n');
            assert_eq!(&bytes[at..at + line.bytes.len()], &line.bytes[..]);
        }
        // One run per eighth of the file, in order.
        for run in 0..RUNS {
            let (lo, hi) = (bytes.len() as u64 / RUNS * run, bytes.len() as u64 / RUNS * (run + 1));
            assert!(s.records.iter().any(|l| (lo..hi).contains(&l.offset)), "run {run}");
        }
        assert!(s.records.windows(2).all(|w| w[0].offset < w[1].offset));
        // A small file is read whole, with line numbers.
        let s = sample_file_lines(Cursor::new(&bytes[..1000]), budget).unwrap();
        assert!(s.stats.is_whole() && s.records[1].number == 2);
    }

    #[test]
    fn byte_counts() {
        assert_eq!(parse_bytes("500000"), Ok(500_000));
        assert_eq!(parse_bytes("64 kB"), Ok(64_000));
        assert_eq!(parse_bytes("2GiB"), Ok(2 << 30));
        assert!(parse_bytes("").is_err());
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("-5MB").is_err());
        assert!(parse_bytes("1e99").is_err());
    }
}
