//! The measuring harness: one way to time encode and decode, used by
//! `cargo xtask bench`, the criterion benches and `flatbox profile`.
//!
//! # Method
//!
//! For each operation (encode, decode, or any closure given to [`measure`]):
//!
//! 1. **Warm-up**: run the operation for [`ProfileConfig::warm_up`] (and at
//!    least once), to fill caches and let the allocator settle; the warm-up
//!    also estimates the time per operation.
//! 2. **Adaptive iteration count**: choose how many operations make one
//!    sample so that a sample lasts about [`ProfileConfig::sample_time`];
//!    fast operations are batched, slow ones run once per sample.
//! 3. **Samples**: take [`ProfileConfig::samples`] samples (at least
//!    [`MIN_SAMPLES`]) and report the per-operation **median**, **min**,
//!    **max** and quartiles; [`Measurement::spread`] (the interquartile
//!    range over the median) says how far to trust the median, and
//!    [`Measurement::is_noisy`] flags a spread above [`NOISY_SPREAD`]. The median is the figure to quote: the machines we run on are
//!    noisy and the median ignores a few slow outliers.
//! 4. **In turn**: [`measure_in_turn`] takes the samples of several
//!    operations round by round (one sample of each per round), so a slow
//!    spell of the machine costs each of them a sample rather than one of
//!    them its median; [`profile`] and [`measure`] are its one-row cases.
//!
//! Throughput ([`Measurement::bytes_per_sec`]) is the encoded size divided by
//! the median time: bytes produced per second when encoding, bytes consumed
//! per second when decoding.
//!
//! Before timing, [`profile`] encodes and decodes once and checks that the
//! decoded value equals the original: a format that loses information fails
//! loudly with [`Error::RoundTrip`] instead of producing a fast, wrong figure.

use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::{Error, Format, Result};

/// The fewest samples a measurement takes; fewer make the median meaningless.
pub const MIN_SAMPLES: usize = 10;

/// How long to warm up, how long a sample should last, and how many to take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileConfig {
    /// How long to run the operation before measuring.
    pub warm_up: Duration,
    /// The target duration of one sample; the iteration count is chosen so
    /// that a sample lasts about this long (an operation slower than this
    /// runs once per sample).
    pub sample_time: Duration,
    /// How many samples to take; at least [`MIN_SAMPLES`].
    pub samples: usize,
}

impl ProfileConfig {
    /// Careful measurements for reports: 200 ms warm-up, 20 samples of
    /// 25 ms each (about 0.7 s per operation when it is fast).
    pub fn thorough() -> Self {
        ProfileConfig { warm_up: Duration::from_millis(200), sample_time: Duration::from_millis(25), samples: 20 }
    }

    /// Quick measurements for a first look and for CI: 30 ms warm-up, 10
    /// samples of 4 ms each.
    pub fn quick() -> Self {
        ProfileConfig {
            warm_up: Duration::from_millis(30),
            sample_time: Duration::from_millis(4),
            samples: MIN_SAMPLES,
        }
    }

    /// The smallest valid configuration, for tests and doc examples that
    /// check the harness works rather than measure anything.
    pub fn smoke() -> Self {
        ProfileConfig { warm_up: Duration::ZERO, sample_time: Duration::ZERO, samples: MIN_SAMPLES }
    }

    fn validate(&self) -> Result<()> {
        if self.samples < MIN_SAMPLES {
            return Err(Error::Config(format!("samples must be at least {MIN_SAMPLES}, got {}", self.samples)));
        }
        Ok(())
    }
}

impl Default for ProfileConfig {
    /// [`ProfileConfig::thorough`].
    fn default() -> Self {
        ProfileConfig::thorough()
    }
}

/// The timing of one operation: per-operation nanoseconds over the samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Median time of one operation, in nanoseconds.
    pub median_ns: f64,
    /// Fastest sample's time per operation, in nanoseconds.
    pub min_ns: f64,
    /// Slowest sample's time per operation, in nanoseconds.
    pub max_ns: f64,
    /// The first quartile of the samples' times per operation, in
    /// nanoseconds (0 in reports written before quartiles were kept).
    #[serde(default)]
    pub q1_ns: f64,
    /// The third quartile, in nanoseconds.
    #[serde(default)]
    pub q3_ns: f64,
    /// How many samples were taken.
    pub samples: usize,
    /// How many operations each sample ran.
    pub iterations_per_sample: u64,
    /// Bytes per second at the median: the byte count given to [`measure`]
    /// (for [`profile`], the encoded size) divided by the median time.
    pub bytes_per_sec: f64,
}

impl Measurement {
    /// The median as a [`Duration`].
    pub fn median(&self) -> Duration {
        Duration::from_secs_f64(self.median_ns / 1e9)
    }

    /// Throughput at the median in MB/s (10^6 bytes per second).
    pub fn mb_per_sec(&self) -> f64 {
        self.bytes_per_sec / 1e6
    }

    /// The spread of the samples: the interquartile range over the median
    /// (0.4 = the middle half of the samples spans 40% of the median).
    /// A quiet machine gives a few percent.
    pub fn spread(&self) -> f64 {
        if self.median_ns > 0.0 { (self.q3_ns - self.q1_ns).max(0.0) / self.median_ns } else { 0.0 }
    }

    /// Whether [`Measurement::spread`] exceeds [`NOISY_SPREAD`]: the
    /// figure is not to be trusted to better than that.
    pub fn is_noisy(&self) -> bool {
        self.spread() > NOISY_SPREAD
    }

    /// A warning when the figure is noisy: `noisy: spread 40%, rerun on a
    /// quiet machine`.
    pub fn noise_warning(&self) -> Option<String> {
        self.is_noisy().then(|| format!("noisy: spread {:.0}%, rerun on a quiet machine", self.spread() * 100.0))
    }
}

/// The spread ([`Measurement::spread`]) above which a figure is flagged
/// as noisy: 20%.
pub const NOISY_SPREAD: f64 = 0.2;

/// Whether two timings, `a` and `b`, differ by less than their noise: the
/// ranges between their quartiles overlap. Then which is faster is not
/// established by these measurements.
///
/// ```
/// use flatbox::profile::{measure, within_noise, ProfileConfig};
///
/// let m = measure(&ProfileConfig::smoke(), 1, || Ok(std::hint::black_box(1 + 1)))?;
/// assert!(within_noise(&m, &m));
/// # Ok::<(), flatbox::Error>(())
/// ```
pub fn within_noise(a: &Measurement, b: &Measurement) -> bool {
    a.q1_ns <= b.q3_ns && b.q1_ns <= a.q3_ns
}

/// Times `operation` as the module documentation describes.
///
/// `bytes` is the number of bytes one operation handles; it only feeds
/// [`Measurement::bytes_per_sec`]. The operation's result is passed through
/// [`black_box`] and then dropped inside the timed region, as a caller's
/// would be.
///
/// To compare operations with each other, prefer [`measure_in_turn`]: a
/// slow spell of the machine then spreads over all of them instead of
/// landing on whichever one was running.
///
/// # Errors
///
/// [`Error::Config`] for an invalid `config`, or the first error the
/// operation returns.
///
/// # Examples
///
/// ```
/// use flatbox::profile::{measure, ProfileConfig};
///
/// let data = vec![7u8; 4096];
/// let m = measure(&ProfileConfig::smoke(), data.len(), || Ok(data.iter().map(|&b| u64::from(b)).sum::<u64>()))?;
/// assert_eq!(m.samples, 10);
/// assert!(m.min_ns <= m.median_ns && m.median_ns <= m.max_ns);
/// assert!(m.min_ns <= m.q1_ns && m.q1_ns <= m.median_ns && m.median_ns <= m.q3_ns && m.q3_ns <= m.max_ns);
/// # Ok::<(), flatbox::Error>(())
/// ```
pub fn measure<R>(
    config: &ProfileConfig,
    bytes: usize,
    mut operation: impl FnMut() -> Result<R>,
) -> Result<Measurement> {
    let mut timed = || -> Result<()> {
        black_box(operation()?);
        Ok(())
    };
    let mut measured = sample_in_turn(config, &mut [(bytes, &mut timed)], &mut |_| {})?;
    Ok(measured.remove(0))
}

/// One format's encode and decode of one value, checked and ready to be
/// timed by [`measure_in_turn`] beside other formats.
///
/// [`Prepared::format`] makes one from a [`Format`] and a value (after a
/// round-trip check); [`Prepared::new`] from any two closures, for rows
/// that are not a `Format` (a codec, a file read through a memory map).
pub struct Prepared<'a> {
    format: String,
    size: usize,
    bytes: usize,
    encode: Box<dyn FnMut() -> Result<()> + 'a>,
    decode: Box<dyn FnMut() -> Result<()> + 'a>,
}

impl std::fmt::Debug for Prepared<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared").field("format", &self.format).field("size", &self.size).finish_non_exhaustive()
    }
}

impl<'a> Prepared<'a> {
    /// A row called `format` whose encoding is `size` bytes, timed by
    /// running `encode` and `decode`. Their results pass through
    /// [`black_box`] and are dropped inside the timed region. Throughput
    /// counts `size` bytes per operation unless [`Prepared::counting`]
    /// says otherwise.
    ///
    /// The closures own or borrow what they need; nothing checks that
    /// `decode` gives back what `encode` was given, so check it first.
    ///
    /// # Examples
    ///
    /// ```
    /// use flatbox::codec::{compress, decompress, Codec};
    /// use flatbox::profile::{measure_in_turn, Prepared, ProfileConfig};
    ///
    /// let input = vec![1u8; 1 << 12];
    /// let frame = compress(Codec::Lz4, &input);
    /// assert_eq!(decompress(&frame)?, input);
    /// let lz4 = Prepared::new(
    ///     "lz4 frame",
    ///     frame.len(),
    ///     || Ok(compress(Codec::Lz4, &input)),
    ///     || decompress(&frame).map_err(|e| flatbox::Error::decode("lz4 frame", e)),
    /// )
    /// .counting(input.len());
    /// let reports = measure_in_turn(&ProfileConfig::smoke(), &mut [lz4], |_| {})?;
    /// assert_eq!(reports[0].size, frame.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new<E, D>(
        format: impl Into<String>,
        size: usize,
        mut encode: impl FnMut() -> Result<E> + 'a,
        mut decode: impl FnMut() -> Result<D> + 'a,
    ) -> Self {
        Prepared {
            format: format.into(),
            size,
            bytes: size,
            encode: Box::new(move || {
                black_box(encode()?);
                Ok(())
            }),
            decode: Box::new(move || {
                black_box(decode()?);
                Ok(())
            }),
        }
    }

    /// Encodes `value` with `format` once, checks that it decodes back to
    /// `value`, and prepares encoding into a reused, cleared buffer and
    /// decoding into a new value: what [`profile`] times.
    ///
    /// `format` is taken by value; a `&F` or `Box<F>` is a format too.
    ///
    /// # Errors
    ///
    /// - [`Error::Encode`] / [`Error::Decode`] when the format fails on the value;
    /// - [`Error::RoundTrip`] when the decoded value is not equal to `value`.
    pub fn format<T: PartialEq>(format: impl Format<T> + 'a, value: &'a T) -> Result<Self> {
        let encoded = round_trip(&format, value)?;
        let size = encoded.len();
        let mut buffer = Vec::with_capacity(size);
        let format = Rc::new(format);
        let decoder = Rc::clone(&format);
        Ok(Prepared::new(
            format.name().to_owned(),
            size,
            move || {
                buffer.clear();
                format.encode(black_box(value), &mut buffer)
            },
            move || decoder.decode(black_box(&encoded)),
        ))
    }

    /// [`Prepared::format`] for a sample too large to time quickly: checks
    /// that `format` round-trips all of `sample` and reports its encoded
    /// size, but times `timing`, a smaller part of it (see
    /// [`profile_on_sample`]).
    ///
    /// # Errors
    ///
    /// As for [`Prepared::format`], for either value.
    pub fn on_sample<T: PartialEq>(format: impl Format<T> + 'a, sample: &T, timing: &'a T) -> Result<Self> {
        let size = round_trip(&format, sample)?.len();
        let mut prepared = Prepared::format(format, timing)?;
        prepared.size = size;
        Ok(prepared)
    }

    /// Counts `bytes` per operation for [`Measurement::bytes_per_sec`]
    /// instead of the encoded size (a codec's input, say).
    #[must_use]
    pub fn counting(mut self, bytes: usize) -> Self {
        self.bytes = bytes;
        self
    }

    /// The row's name.
    pub fn name(&self) -> &str {
        &self.format
    }

    /// The encoded size the report will give.
    pub fn size(&self) -> usize {
        self.size
    }
}

/// Encodes `value`, checks that it decodes back to itself, and returns the
/// encoding.
fn round_trip<T: PartialEq>(format: &impl Format<T>, value: &T) -> Result<Vec<u8>> {
    let mut encoded = Vec::new();
    format.encode(value, &mut encoded)?;
    if format.decode(&encoded)? != *value {
        return Err(Error::RoundTrip { format: format.name().to_owned(), size: encoded.len() });
    }
    Ok(encoded)
}

/// Times every prepared row's encode and decode **in turn**: each
/// operation is warmed up and given its iteration count as [`measure`]
/// does, then the samples are taken round by round, one sample of every
/// operation per round. A slow spell of the machine, or a heap that
/// happens to hand out fresh pages for a while, then costs every row a
/// sample or two instead of costing one row its median, so the ratios
/// between rows are sounder than those of rows measured one after the
/// other.
///
/// `on_round` is called with the number of rounds done, from 0 to
/// [`ProfileConfig::samples`], for progress display. The reports come in
/// the order of `prepared`.
///
/// # Errors
///
/// [`Error::Config`] for an invalid `config`, or the first error an
/// operation returns.
///
/// # Examples
///
/// ```
/// use flatbox::profile::{measure_in_turn, Prepared, ProfileConfig};
/// use flatbox::{Json, MsgPack};
///
/// let value: Vec<u32> = (0..1000).collect();
/// let (json, msgpack) = (Json, MsgPack::named());
/// let mut rows = [Prepared::format(&json, &value)?, Prepared::format(&msgpack, &value)?];
/// let mut rounds = 0;
/// let reports = measure_in_turn(&ProfileConfig::smoke(), &mut rows, |done| rounds = done)?;
/// assert_eq!(rounds, 10);
/// assert_eq!(reports[1].format, "msgpack");
/// assert!(reports[1].size < reports[0].size);
/// # Ok::<(), flatbox::Error>(())
/// ```
pub fn measure_in_turn(
    config: &ProfileConfig,
    prepared: &mut [Prepared<'_>],
    mut on_round: impl FnMut(usize),
) -> Result<Vec<FormatReport>> {
    let mut ops: Vec<(usize, &mut dyn FnMut() -> Result<()>)> = Vec::with_capacity(prepared.len() * 2);
    for p in prepared.iter_mut() {
        ops.push((p.bytes, &mut *p.encode));
        ops.push((p.bytes, &mut *p.decode));
    }
    let mut measured = sample_in_turn(config, &mut ops, &mut on_round)?.into_iter();
    let mut reports = Vec::with_capacity(prepared.len());
    for p in prepared.iter() {
        let (Some(encode), Some(decode)) = (measured.next(), measured.next()) else {
            unreachable!("two measurements per row")
        };
        reports.push(FormatReport { format: p.format.clone(), size: p.size, encode, decode });
    }
    Ok(reports)
}

/// The one timing loop: warm-up and iteration count per operation, then
/// the samples taken round by round over all operations.
fn sample_in_turn(
    config: &ProfileConfig,
    ops: &mut [(usize, &mut dyn FnMut() -> Result<()>)],
    on_round: &mut dyn FnMut(usize),
) -> Result<Vec<Measurement>> {
    config.validate()?;

    let mut iterations = Vec::with_capacity(ops.len());
    for (_, operation) in ops.iter_mut() {
        // Warm-up, which doubles as the estimate of one operation's cost.
        let start = Instant::now();
        let mut warm_iterations: u64 = 0;
        loop {
            operation()?;
            warm_iterations += 1;
            if start.elapsed() >= config.warm_up {
                break;
            }
        }
        let per_op = start.elapsed().as_secs_f64() / warm_iterations as f64;
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a positive, finite ratio; float-to-int `as` saturates and the clamp bounds it"
        )]
        iterations.push(if per_op > 0.0 {
            ((config.sample_time.as_secs_f64() / per_op).ceil() as u64).clamp(1, 1 << 32)
        } else {
            1
        });
    }

    let mut per_op_ns: Vec<Vec<f64>> = ops.iter().map(|_| Vec::with_capacity(config.samples)).collect();
    on_round(0);
    for round in 1..=config.samples {
        for (((_, operation), &n), samples) in ops.iter_mut().zip(&iterations).zip(&mut per_op_ns) {
            let start = Instant::now();
            for _ in 0..n {
                operation()?;
            }
            samples.push(start.elapsed().as_nanos() as f64 / n as f64);
        }
        on_round(round);
    }

    Ok(per_op_ns
        .into_iter()
        .zip(iterations)
        .zip(ops.iter())
        .map(|((mut samples, n), &(bytes, _))| summarize(&mut samples, n, bytes))
        .collect())
}

/// The [`Measurement`] of one operation's samples (per-operation ns).
fn summarize(per_op_ns: &mut [f64], iterations: u64, bytes: usize) -> Measurement {
    per_op_ns.sort_by(f64::total_cmp);
    let median_ns = median_of_sorted(per_op_ns);
    let bytes_per_sec = if median_ns > 0.0 { bytes as f64 / (median_ns / 1e9) } else { f64::INFINITY };
    Measurement {
        median_ns,
        min_ns: per_op_ns[0],
        max_ns: per_op_ns[per_op_ns.len() - 1],
        q1_ns: quantile_of_sorted(per_op_ns, 0.25),
        q3_ns: quantile_of_sorted(per_op_ns, 0.75),
        samples: per_op_ns.len(),
        iterations_per_sample: iterations,
        bytes_per_sec,
    }
}

/// The `q` quantile of sorted values, linearly interpolated.
fn quantile_of_sorted(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "0 <= position < len")]
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let weight = position - below as f64;
    sorted[below] * (1.0 - weight) + sorted[above] * weight
}

fn median_of_sorted(sorted: &[f64]) -> f64 {
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) { f64::midpoint(sorted[mid - 1], sorted[mid]) } else { sorted[mid] }
}

/// What [`profile`] found for one format on one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormatReport {
    /// The format's [`Format::name`].
    pub format: String,
    /// The encoded size in bytes.
    pub size: usize,
    /// Encoding into a reused, cleared buffer.
    pub encode: Measurement,
    /// Decoding into a new value (including dropping it).
    pub decode: Measurement,
}

impl FormatReport {
    /// This report relative to `baseline` (usually JSON), as the tutorial
    /// prints comparisons.
    pub fn relative_to(&self, baseline: &FormatReport) -> Ratios {
        Ratios {
            baseline: baseline.format.clone(),
            size_ratio: self.size as f64 / baseline.size as f64,
            size_reduction_pct: (1.0 - self.size as f64 / baseline.size as f64) * 100.0,
            encode_speedup: baseline.encode.median_ns / self.encode.median_ns,
            decode_speedup: baseline.decode.median_ns / self.decode.median_ns,
        }
    }
}

/// One format compared with a baseline, in the tutorial's terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ratios {
    /// The baseline's format name.
    pub baseline: String,
    /// Size over the baseline's size (0.5 = half as large).
    pub size_ratio: f64,
    /// "Size reduction": how much smaller than the baseline, in percent
    /// (negative when larger).
    pub size_reduction_pct: f64,
    /// "Encode speedup": baseline median encode time over this one's
    /// (2.0 = twice as fast).
    pub encode_speedup: f64,
    /// "Decode speedup": baseline median decode time over this one's.
    pub decode_speedup: f64,
}

/// Checks that `format` round-trips `value`, then measures encoding and
/// decoding it.
///
/// # Errors
///
/// - [`Error::Encode`] / [`Error::Decode`] when the format fails on the value;
/// - [`Error::RoundTrip`] when the decoded value is not equal to `value`;
/// - [`Error::Config`] for an invalid `config`.
///
/// # Examples
///
/// ```
/// use flatbox::profile::{profile, ProfileConfig};
/// use flatbox::{Json, MsgPack};
///
/// let value: Vec<u32> = (0..1000).collect();
/// let json = profile(&Json, &value, &ProfileConfig::smoke())?;
/// let msgpack = profile(&MsgPack::named(), &value, &ProfileConfig::smoke())?;
/// let ratios = msgpack.relative_to(&json);
/// assert!(ratios.size_reduction_pct > 0.0, "MessagePack is smaller than JSON here");
/// # Ok::<(), flatbox::Error>(())
/// ```
pub fn profile<T: PartialEq>(
    format: &(impl Format<T> + ?Sized),
    value: &T,
    config: &ProfileConfig,
) -> Result<FormatReport> {
    config.validate()?;
    let mut prepared = [Prepared::format(format, value)?];
    let mut reports = measure_in_turn(config, &mut prepared, |_| {})?;
    Ok(reports.remove(0))
}

/// [`profile`] for a sample too large to time quickly: checks that `format`
/// round-trips all of `sample` and reports its encoded size, but times
/// encoding and decoding `timing`, a smaller part of it (speeds are per
/// byte, so the part gives them; sizes under compression need the whole
/// sample). `timing`'s figures are in the report's measurements, whose
/// `bytes_per_sec` count `timing`'s encoded bytes.
///
/// # Errors
///
/// As for [`profile`], for either value.
///
/// # Examples
///
/// ```
/// use flatbox::profile::{profile_on_sample, ProfileConfig};
/// use flatbox::Json;
///
/// let sample: Vec<u32> = (0..10_000).collect();
/// let timing: Vec<u32> = sample.iter().copied().step_by(10).collect();
/// let report = profile_on_sample(&Json, &sample, &timing, &ProfileConfig::smoke())?;
/// assert_eq!(report.size, serde_json::to_vec(&sample).unwrap().len());
/// let timed = serde_json::to_vec(&timing).unwrap().len() as f64;
/// assert!((report.encode.bytes_per_sec - timed / (report.encode.median_ns / 1e9)).abs() < 1.0);
/// # Ok::<(), flatbox::Error>(())
/// ```
pub fn profile_on_sample<T: PartialEq>(
    format: &(impl Format<T> + ?Sized),
    sample: &T,
    timing: &T,
    config: &ProfileConfig,
) -> Result<FormatReport> {
    config.validate()?;
    let mut prepared = [Prepared::on_sample(format, sample, timing)?];
    let mut reports = measure_in_turn(config, &mut prepared, |_| {})?;
    Ok(reports.remove(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(q1_ns: f64, median_ns: f64, q3_ns: f64) -> Measurement {
        Measurement {
            median_ns,
            min_ns: q1_ns,
            max_ns: q3_ns,
            q1_ns,
            q3_ns,
            samples: MIN_SAMPLES,
            iterations_per_sample: 1,
            bytes_per_sec: 0.0,
        }
    }

    #[test]
    fn rows_are_sampled_in_turn_and_reported_in_order() {
        use std::cell::RefCell;
        let log = RefCell::new(String::new());
        let op = |c: char| {
            let log = &log;
            move || {
                log.borrow_mut().push(c);
                Ok(())
            }
        };
        let mut rows = [Prepared::new("first", 1, op('a'), op('b')), Prepared::new("second", 2, op('c'), op('d'))];
        let mut rounds = Vec::new();
        let reports = measure_in_turn(&ProfileConfig::smoke(), &mut rows, |done| rounds.push(done)).unwrap();
        drop(rows);
        // One warm-up run of each, then one sample of each per round.
        assert_eq!(log.into_inner(), format!("abcd{}", "abcd".repeat(MIN_SAMPLES)));
        assert_eq!(rounds, (0..=MIN_SAMPLES).collect::<Vec<_>>());
        let names: Vec<_> = reports.iter().map(|r| (r.format.as_str(), r.size, r.encode.samples)).collect();
        assert_eq!(names, [("first", 1, MIN_SAMPLES), ("second", 2, MIN_SAMPLES)]);
    }

    #[test]
    fn an_operation_error_stops_the_measurement() {
        let mut calls = 0;
        let mut rows = [Prepared::new(
            "fails on the third decode",
            1,
            || Ok(()),
            || {
                calls += 1;
                if calls == 3 { Err(Error::decode("x", "third")) } else { Ok(()) }
            },
        )];
        let err = measure_in_turn(&ProfileConfig::smoke(), &mut rows, |_| {}).unwrap_err();
        assert_eq!(err.to_string(), "x: decoding failed: third");
    }

    #[test]
    fn quartiles_interpolate() {
        let sorted: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((quantile_of_sorted(&sorted, 0.25) - 3.25).abs() < 1e-12);
        assert!((quantile_of_sorted(&sorted, 0.75) - 7.75).abs() < 1e-12);
        assert!((quantile_of_sorted(&sorted, 0.5) - median_of_sorted(&sorted)).abs() < 1e-12);
        assert!((quantile_of_sorted(&[4.0], 0.75) - 4.0).abs() < 1e-12);
    }

    #[test]
    fn wide_spreads_are_flagged() {
        let quiet = timing(98.0, 100.0, 103.0);
        assert!((quiet.spread() - 0.05).abs() < 1e-12);
        assert_eq!(quiet.noise_warning(), None);
        let busy = timing(80.0, 100.0, 120.0);
        assert_eq!(busy.noise_warning().as_deref(), Some("noisy: spread 40%, rerun on a quiet machine"));
    }

    #[test]
    fn overlapping_quartiles_are_within_noise() {
        assert!(within_noise(&timing(90.0, 100.0, 110.0), &timing(105.0, 112.0, 120.0)));
        assert!(!within_noise(&timing(90.0, 100.0, 104.0), &timing(105.0, 112.0, 120.0)));
    }
}
