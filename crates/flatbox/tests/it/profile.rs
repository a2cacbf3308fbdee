//! The measuring harness.

use std::cell::Cell;
use std::time::Duration;

use flatbox::profile::{MIN_SAMPLES, ProfileConfig, measure, profile};
use flatbox::{Error, Format, Json, MsgPack, Result};

/// A format that drops the last element: decodes fine, loses data.
struct Lossy;

impl Format<Vec<u32>> for Lossy {
    fn name(&self) -> &'static str {
        "lossy"
    }
    fn encode(&self, value: &Vec<u32>, out: &mut Vec<u8>) -> Result<()> {
        Json.encode(&value[..value.len().saturating_sub(1)].to_vec(), out)
    }
    fn decode(&self, bytes: &[u8]) -> Result<Vec<u32>> {
        Json.decode(bytes)
    }
}

#[test]
fn a_lossy_format_fails_the_round_trip_check() {
    let err = profile(&Lossy, &vec![1, 2, 3], &ProfileConfig::smoke()).unwrap_err();
    assert!(matches!(err, Error::RoundTrip { ref format, size: 5 } if format == "lossy"), "{err:?}");
    assert!(err.to_string().contains("round trip changed the value"), "{err}");
}

#[test]
fn fewer_than_ten_samples_are_refused() {
    let config = ProfileConfig { samples: MIN_SAMPLES - 1, ..ProfileConfig::smoke() };
    let err = measure(&config, 0, || Ok(())).unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(matches!(profile(&Json, &1_u8, &config), Err(Error::Config(_))));
}

#[test]
fn operation_errors_stop_the_measurement() {
    let calls = Cell::new(0);
    let err = measure(&ProfileConfig::smoke(), 0, || {
        calls.set(calls.get() + 1);
        if calls.get() == 3 { Err(Error::Config("boom".into())) } else { Ok(()) }
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "invalid profile configuration: boom");
    assert_eq!(calls.get(), 3);
}

#[test]
fn samples_and_iterations_follow_the_config() {
    let calls = Cell::new(0_u64);
    let config =
        ProfileConfig { warm_up: Duration::from_millis(5), sample_time: Duration::from_millis(2), samples: 12 };
    let m = measure(&config, 1000, || {
        calls.set(calls.get() + 1);
        Ok(())
    })
    .unwrap();
    assert_eq!(m.samples, 12);
    // A no-op takes nanoseconds: the harness must batch many per sample.
    assert!(m.iterations_per_sample > 100, "{m:?}");
    assert!(calls.get() >= 12 * m.iterations_per_sample);
    assert!(m.min_ns <= m.median_ns && m.median_ns <= m.max_ns, "{m:?}");
}

#[test]
fn a_slow_operation_runs_once_per_sample() {
    let config = ProfileConfig { warm_up: Duration::ZERO, sample_time: Duration::from_micros(100), samples: 10 };
    let m = measure(&config, 4096, || {
        std::thread::sleep(Duration::from_millis(1));
        Ok(())
    })
    .unwrap();
    assert_eq!(m.iterations_per_sample, 1);
    assert!(m.min_ns >= 1e6, "{m:?}");
    // 4096 bytes in at least a millisecond: at most 4.1 MB/s.
    assert!(m.bytes_per_sec <= 4096.0 / 1e-3, "{m:?}");
    assert!((m.mb_per_sec() - m.bytes_per_sec / 1e6).abs() < 1e-9);
    assert!(m.median() >= Duration::from_millis(1));
}

#[test]
fn reports_carry_sizes_and_ratios() {
    let value: Vec<u32> = (0..5000).collect();
    let json = profile(&Json, &value, &ProfileConfig::smoke()).unwrap();
    let packed = profile(&MsgPack::compact(), &value, &ProfileConfig::smoke()).unwrap();
    assert_eq!(json.size, serde_json::to_vec(&value).unwrap().len());
    assert_eq!(packed.size, rmp_serde_len(&value));
    let ratios = packed.relative_to(&json);
    assert_eq!(ratios.baseline, "json");
    assert!((ratios.size_ratio - packed.size as f64 / json.size as f64).abs() < 1e-12);
    assert!((ratios.size_reduction_pct - (1.0 - ratios.size_ratio) * 100.0).abs() < 1e-9);
    assert!((ratios.encode_speedup - json.encode.median_ns / packed.encode.median_ns).abs() < 1e-9);
    let itself = json.relative_to(&json);
    assert!((itself.encode_speedup - 1.0).abs() < 1e-12 && itself.size_reduction_pct.abs() < 1e-12);

    // Reports serialize (they go to report.json and `flatbox profile --json`).
    let text = serde_json::to_string(&json).unwrap();
    let back: flatbox::profile::FormatReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, json);
}

/// The size rmp-serde itself gives (its compact, array-of-fields form,
/// which `MsgPack::compact()` promises to match).
fn rmp_serde_len(value: &Vec<u32>) -> usize {
    rmp_serde::to_vec(value).unwrap().len()
}
