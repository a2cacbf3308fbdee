//! The experiment list: which dataset is measured with which formats.
//!
//! A [`Dataset`] names a tutorial section and knows how to build its value;
//! [`Dataset::load`] builds it (only when selected: some are large) and
//! returns an [`Experiment`] that prepares each format for the facade's
//! harness, which times a dataset's formats in turn
//! ([`flatbox::profile::measure_in_turn`]).

use flatbox::codec::Codec;
use flatbox::profile::{FormatReport, Prepared, ProfileConfig, measure_in_turn};
use flatbox::{Format, Json, MsgPack, Pipeline, Protobuf, Wire};
use rand::Rng;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::codecs::{self, CODECS, DICTIONARY, FRESH, Glue, Messages, REUSED};
use crate::columnar::{self, LargeFile, MMAP_READ, WithColumnar};
use crate::datasets::{http_log, json_documents, proto, rng, shapes, tutorial};
use crate::experiments::{
    Borrowing, FLATBOX_VARINT, FloatArray, MEMCPY, PROST_VARINT, Varints, WIRE_BORROWED, WIRE_PACKED, WithBorrowed,
};
use crate::peers::{Bitcode, OneShot, Postcard};
use crate::{record_log, storage};

/// A dataset, loaded, ready to be measured with each of its formats.
///
/// Most rows are [`prepare`](Experiment::prepare)d, then timed in turn
/// with the dataset's other prepared rows, so that noise spreads over
/// all of them. Rows that share a file or state with another row (a log
/// directory written by one row and scanned by the next) cannot take turns
/// and are measured alone by [`profile`](Experiment::profile).
pub trait Experiment {
    /// Prepares the format called `format` for timing in turn with the
    /// dataset's others: encoded once, its round trip checked.
    ///
    /// `None` when there is no such format, or when it must be measured
    /// alone (then [`Experiment::profile`] measures it).
    ///
    /// # Errors
    ///
    /// An encode or decode failure, or a round trip that changed the value.
    fn prepare(&self, format: &str, config: &ProfileConfig) -> Option<flatbox::Result<Prepared<'_>>> {
        let _ = (format, config);
        None
    }

    /// Measures the format called `format` alone. The default measures
    /// the [`prepare`](Experiment::prepare)d row by itself.
    ///
    /// # Errors
    ///
    /// What the harness reports: an encode or decode failure, or a round
    /// trip that changed the value. `None` when there is no such format.
    fn profile(&self, format: &str, config: &ProfileConfig) -> Option<flatbox::Result<FormatReport>> {
        measure_alone(self.prepare(format, config), config)
    }
}

/// Measures one prepared row by itself: [`Experiment::profile`]'s default,
/// and a wrapper's before it asks the experiment it wraps for rows that
/// must run alone.
pub(crate) fn measure_alone(
    prepared: Option<flatbox::Result<Prepared<'_>>>,
    config: &ProfileConfig,
) -> Option<flatbox::Result<FormatReport>> {
    Some(prepared?.and_then(|p| measure_in_turn(config, &mut [p], |_| {}).map(|mut reports| reports.remove(0))))
}

/// Every serde-capable format measured on a serde dataset: flatbox's and its
/// peers', JSON first (it is the baseline), each encoding into a reused
/// buffer, then the one-shot rows ([`OneShot`]: the calls users make).
pub fn serde_formats<T: Serialize + DeserializeOwned + 'static>() -> Vec<Box<dyn Format<T>>> {
    let mut formats = reused_formats::<T>();
    formats.extend(one_shot_formats::<T>());
    formats
}

/// The one-shot rows: wire, postcard and rmp-serde (named) through
/// `to_vec` / `to_allocvec` / `to_vec_named` and `from_slice` / `from_bytes`.
fn one_shot_formats<T: Serialize + DeserializeOwned + 'static>() -> Vec<Box<dyn Format<T>>> {
    OneShot::<T>::all().into_iter().map(|f| Box::new(f) as Box<dyn Format<T>>).collect()
}

/// The serde formats through the facade's [`Format`] path (a reused output
/// buffer), JSON first.
fn reused_formats<T: Serialize + DeserializeOwned + 'static>() -> Vec<Box<dyn Format<T>>> {
    vec![
        Box::new(Json),
        Box::new(MsgPack::named()),
        Box::new(MsgPack::compact()),
        Box::new(Wire::new()),
        Box::new(Wire::strings()),
        Box::new(Postcard),
        Box::new(Bitcode),
    ]
}

/// The reused-buffer serde formats, each followed by itself through every
/// codec of [`CODECS`] (`json`, `json+lz4`, `json+zstd:1`, ...), then the
/// one-shot rows.
pub fn serde_formats_with_codecs<T: Serialize + DeserializeOwned + 'static>() -> Vec<Box<dyn Format<T>>> {
    let plain = reused_formats::<T>();
    let mut out: Vec<Box<dyn Format<T>>> = Vec::with_capacity(plain.len() * (CODECS.len() + 1));
    for (i, format) in plain.into_iter().enumerate() {
        out.push(format);
        for codec in CODECS {
            let again = reused_formats::<T>().swap_remove(i);
            out.push(Box::new(Pipeline::new(again, codec)));
        }
    }
    out.extend(one_shot_formats::<T>());
    out
}

fn format_names<T>(formats: &[Box<dyn Format<T>>]) -> Vec<String> {
    formats.iter().map(|f| f.name().to_owned()).collect()
}

fn serde_format_names<T: Serialize + DeserializeOwned + 'static>() -> Vec<String> {
    format_names(&serde_formats::<T>())
}

struct SerdeExperiment<T> {
    value: T,
    formats: Vec<Box<dyn Format<T>>>,
}

impl<T: PartialEq> Experiment for SerdeExperiment<T> {
    fn prepare(&self, format: &str, _: &ProfileConfig) -> Option<flatbox::Result<Prepared<'_>>> {
        let format = self.formats.iter().find(|f| f.name() == format)?;
        Some(Prepared::format(&**format, &self.value))
    }
}

/// Another experiment plus a `protobuf` row on a message of the same data.
struct WithProtobuf<P> {
    inner: Box<dyn Experiment>,
    message: P,
}

impl<P: prost::Message + Default + PartialEq> Experiment for WithProtobuf<P> {
    fn prepare(&self, format: &str, config: &ProfileConfig) -> Option<flatbox::Result<Prepared<'_>>> {
        if format == Protobuf::NAME {
            Some(Prepared::format(Protobuf, &self.message))
        } else {
            self.inner.prepare(format, config)
        }
    }

    fn profile(&self, format: &str, config: &ProfileConfig) -> Option<flatbox::Result<FormatReport>> {
        measure_alone(self.prepare(format, config), config).or_else(|| self.inner.profile(format, config))
    }
}

/// One dataset of the bench.
pub struct Dataset {
    /// Short, stable name used in reports and `--filter`.
    pub name: &'static str,
    /// Where it comes from: the tutorial section, or "flatbox" for our own.
    pub source: &'static str,
    /// The names of the formats it is measured with, the baseline first.
    pub formats: Vec<String>,
    /// The format the others are compared with (JSON, as in the tutorial,
    /// unless JSON does not apply).
    pub baseline: &'static str,
    load: Box<dyn Fn() -> Box<dyn Experiment>>,
}

impl Dataset {
    /// A dataset of serde values, measured with [`serde_formats`].
    pub fn serde<T>(name: &'static str, source: &'static str, generate: fn() -> T) -> Self
    where
        T: Serialize + DeserializeOwned + PartialEq + 'static,
    {
        Dataset {
            name,
            source,
            formats: serde_format_names::<T>(),
            baseline: BASELINE,
            load: Box::new(move || Box::new(SerdeExperiment { value: generate(), formats: serde_formats::<T>() })),
        }
    }

    /// A serde dataset that also has a borrowing twin: measured with
    /// [`serde_formats`] and with flatbox-wire decoding zero-copy.
    pub fn borrowing<T: Borrowing>(name: &'static str, source: &'static str, generate: fn() -> T) -> Self {
        let mut formats = serde_format_names::<T>();
        formats.insert(5, WIRE_BORROWED.to_owned());
        Dataset {
            name,
            source,
            formats,
            baseline: BASELINE,
            load: Box::new(move || Box::new(WithBorrowed::new(generate(), serde_formats::<T>()))),
        }
    }

    /// A serde dataset measured with every format through every codec too
    /// (the tutorial's compression comparison).
    pub fn compressed<T>(name: &'static str, source: &'static str, generate: fn() -> T) -> Self
    where
        T: Serialize + DeserializeOwned + PartialEq + 'static,
    {
        Dataset {
            name,
            source,
            formats: format_names(&serde_formats_with_codecs::<T>()),
            baseline: BASELINE,
            load: Box::new(move || {
                Box::new(SerdeExperiment { value: generate(), formats: serde_formats_with_codecs::<T>() })
            }),
        }
    }

    /// [`Dataset::borrowing`] and [`Dataset::compressed`] at once.
    pub fn borrowing_compressed<T: Borrowing>(name: &'static str, source: &'static str, generate: fn() -> T) -> Self {
        let mut formats = format_names(&serde_formats_with_codecs::<T>());
        let wire_strings = formats.iter().position(|f| f == Wire::STRINGS).map_or(formats.len(), |p| p + 1);
        // After wire+strings' codec rows.
        formats.insert(wire_strings + CODECS.len(), WIRE_BORROWED.to_owned());
        Dataset {
            name,
            source,
            formats,
            baseline: BASELINE,
            load: Box::new(move || Box::new(WithBorrowed::new(generate(), serde_formats_with_codecs::<T>()))),
        }
    }

    /// An `f64` array: the serde formats, flatbox-wire's packed array and a
    /// plain memcpy.
    pub fn float_array(name: &'static str, source: &'static str, generate: fn() -> Vec<f64>) -> Self {
        let mut formats = serde_format_names::<Vec<f64>>();
        formats.push(WIRE_PACKED.to_owned());
        formats.push(MEMCPY.to_owned());
        Dataset {
            name,
            source,
            formats,
            baseline: BASELINE,
            load: Box::new(move || Box::new(FloatArray { values: generate(), formats: serde_formats::<Vec<f64>>() })),
        }
    }

    /// Adds a `protobuf` row (prost), measured on the same data as
    /// generated protobuf messages.
    #[must_use]
    pub fn with_protobuf<P: prost::Message + Default + PartialEq + 'static>(mut self, generate: fn() -> P) -> Self {
        self.formats.insert(1, Protobuf::NAME.to_owned());
        let load = self.load;
        self.load = Box::new(move || Box::new(WithProtobuf { inner: load(), message: generate() }));
        self
    }

    /// Adds the columnar rows (`arrow-ipc`, `arrow-ipc+zstd`, `parquet`,
    /// `parquet+zstd`), measured on `generate`'s rows (the dataset's value
    /// when it is a table; with `mmap`, also the [`MMAP_READ`] row).
    #[must_use]
    pub fn with_columnar<R>(mut self, generate: fn() -> Vec<R>, mmap: bool) -> Self
    where
        R: Serialize + DeserializeOwned + PartialEq + 'static,
    {
        self.formats.extend(columnar::columnar_names());
        if mmap {
            self.formats.push(MMAP_READ.to_owned());
        }
        let load = self.load;
        self.load = Box::new(move || {
            Box::new(WithColumnar { inner: load(), rows: generate(), formats: columnar::columnar_formats::<R>(), mmap })
        });
        self
    }

    /// Generates the dataset's value.
    pub fn load(&self) -> Box<dyn Experiment> {
        (self.load)()
    }
}

/// The baseline every other format is compared with, as in the tutorial.
pub const BASELINE: &str = Json::NAME;

/// 1M `u64`s whose varints are 1 to 10 bytes long, about evenly: a random
/// value shifted right by a random 0..64 bits.
pub fn mixed_length_u64s() -> Vec<u64> {
    let mut rng = rng(0x5EED_0200);
    (0..1_000_000).map(|_| rng.random::<u64>() >> rng.random_range(0..64)).collect()
}

fn codec_glue_dataset() -> Dataset {
    let mut formats = Vec::new();
    for codec in CODECS {
        formats.push(codecs::direct_row(codec));
        formats.push(codecs::glue_row(codec));
    }
    Dataset {
        name: "codec-glue",
        source: "flatbox: flatbox-codec against the libraries it wraps (HTTP log as JSON, MB/s of input)",
        baseline: "zstd:3 (library directly)",
        // Each pair measured back to back (the machine drifts), the
        // baseline's pair first.
        formats: {
            let base = [codecs::direct_row(Codec::Zstd { level: 3 }), codecs::glue_row(Codec::Zstd { level: 3 })];
            let mut f: Vec<String> = formats.into_iter().filter(|f| !base.contains(f)).collect();
            f.splice(0..0, base);
            f
        },
        load: Box::new(|| Box::new(Glue::load())),
    }
}

fn messages_dataset() -> Dataset {
    Dataset {
        name: "messages-1000",
        source: "flatbox: 1000 HTTP-log entries as JSON messages, compressed one by one",
        baseline: FRESH,
        formats: vec![FRESH.to_owned(), REUSED.to_owned(), DICTIONARY.to_owned()],
        load: Box::new(|| Box::new(Messages::load())),
    }
}

fn record_file_dataset() -> Dataset {
    Dataset {
        name: "records-1m-file",
        source: "Memory-Mapped Files for Large Data (1M 16-byte records; MB/s of the 1000 read)",
        baseline: storage::READ_ALL,
        formats: vec![storage::READ_ALL.to_owned(), storage::MMAP.to_owned()],
        load: Box::new(|| Box::new(storage::RecordFile::load())),
    }
}

fn log_dataset() -> Dataset {
    Dataset {
        name: "log-1m-100b",
        source: "flatbox-store: 1M 100-byte records (100k with --quick), RecordLog against redb; reads are 100k random \
                 gets; the scan row's encode is the crash-recovery open, its decode a full scan with CRC checks",
        baseline: record_log::REDB,
        formats: vec![record_log::REDB.to_owned(), record_log::LOG.to_owned(), record_log::LOG_SCAN.to_owned()],
        load: Box::new(|| Box::new(record_log::LogVsRedb::load())),
    }
}

fn reopen_dataset() -> Dataset {
    Dataset {
        name: "log-reopen",
        source: "flatbox-store: clean reopen (encode) and reopen + one get (decode) of a 1 MiB and a 1 GiB log \
                 (64 MiB with --quick)",
        baseline: record_log::REOPEN_SMALL,
        formats: vec![record_log::REOPEN_SMALL.to_owned(), record_log::REOPEN_LARGE.to_owned()],
        load: Box::new(|| Box::new(record_log::Reopen::load())),
    }
}

fn ipc_open_dataset() -> Dataset {
    Dataset {
        name: "ipc-open-1g",
        source: "Apache Arrow: Modern Zero-Copy Framework (open an IPC file: encode = open, decode = open + one column of the middle batch)",
        baseline: columnar::SMALL,
        formats: vec![columnar::SMALL.to_owned(), columnar::LARGE.to_owned()],
        load: Box::new(|| Box::new(LargeFile)),
    }
}

fn varint_dataset() -> Dataset {
    Dataset {
        name: "varint-1m",
        source: "Protocol Buffers: Variable-Length Encoding (Varint)",
        formats: vec![PROST_VARINT.to_owned(), FLATBOX_VARINT.to_owned()],
        baseline: PROST_VARINT,
        load: Box::new(|| Box::new(Varints { values: mixed_length_u64s() })),
    }
}

/// Every dataset, in the tutorial's order, our own next, and last the real
/// JSON documents when `cargo xtask bench` fetched them
/// ([`json_documents::dir`]).
pub fn datasets() -> Vec<Dataset> {
    let mut all = made_datasets();
    if json_documents::dir().is_some() {
        all.extend([
            Dataset::serde(
                "canada.json",
                "not ours: canada.json (simdjson's jsonexamples), typed",
                json_documents::canada,
            ),
            Dataset::serde(
                "citm_catalog.json",
                "not ours: citm_catalog.json (simdjson's jsonexamples), typed",
                json_documents::citm_catalog,
            ),
            Dataset::serde(
                "twitter.json",
                "not ours: twitter.json (simdjson's jsonexamples), typed",
                json_documents::twitter,
            ),
        ]);
    } else {
        eprintln!(
            "note: no real JSON documents ({} unset or incomplete): canada.json, citm_catalog.json and twitter.json \
             are not measured (`cargo xtask bench` fetches them)",
            json_documents::DIR_ENV
        );
    }
    all
}

/// The datasets the suite makes itself.
fn made_datasets() -> Vec<Dataset> {
    use tutorial as t;
    vec![
        Dataset::serde("pickle-example", "Python's Built-in Pickle", t::pickle_example),
        Dataset::serde("range-10k", "Pickle Protocols and Performance", t::range_10k),
        Dataset::borrowing("msgpack-users", "MessagePack: Binary JSON Alternative", t::msgpack_users),
        Dataset::borrowing("protobuf-users", "Protocol Buffers: Schema-Driven Efficiency", t::protobuf_users)
            .with_protobuf(proto::user_list),
        varint_dataset(),
        Dataset::float_array("float-array-1m", "Understanding Zero-Copy Serialization", t::float_array_1m),
        Dataset::serde("table-100k", "Apache Arrow: Modern Zero-Copy Framework", t::table_100k)
            .with_columnar(t::table_100k, true),
        Dataset::serde("users-1000-table", "MessagePack: Binary JSON Alternative (its 1000 users as a table)", || {
            t::msgpack_users().users
        })
        .with_columnar(|| t::msgpack_users().users, false),
        ipc_open_dataset(),
        Dataset::serde("records-1m", "Memory-Mapped Files for Large Data", t::records_1m),
        record_file_dataset(),
        Dataset::serde("custom-test-data", "Custom Binary Protocols", t::custom_test_data),
        Dataset::compressed("compression-mix", "Compression Integration", t::compression_mix),
        Dataset::serde("pipeline-cache", "Real-World Performance Optimization (cache)", t::pipeline_cache),
        Dataset::serde("pipeline-network", "Real-World Performance Optimization (network)", t::pipeline_network)
            .with_protobuf(proto::network_event),
        Dataset::serde("pipeline-array", "Real-World Performance Optimization (array)", t::pipeline_array),
        Dataset::borrowing_compressed("http-log-10k", "flatbox: HTTP access log", http_log::http_log_10k)
            .with_protobuf(proto::http_log)
            .with_columnar(http_log::http_log_10k, false),
        Dataset::serde("shapes-arrays-options", "flatbox: fixed arrays and options", shapes::arrays_options),
        Dataset::serde(
            "shapes-enums-nested",
            "flatbox: enums of four variant kinds, structs three deep",
            shapes::enums_nested,
        ),
        Dataset::serde("shapes-vecs-maps", "flatbox: numeric vectors and maps inside structs", shapes::vecs_maps),
        Dataset::serde("shapes-text", "flatbox: non-ASCII strings, char, i128", shapes::text),
        Dataset::serde(
            "social-timeline",
            "flatbox: a social-media timeline (nested users, entities)",
            shapes::social_timeline,
        ),
        Dataset::serde("event-catalog", "flatbox: an event catalog (citm_catalog's layout)", shapes::event_catalog),
        Dataset::serde("geojson", "flatbox: a GeoJSON feature collection (canada.json's layout)", shapes::geojson),
        codec_glue_dataset(),
        messages_dataset(),
        log_dataset(),
        reopen_dataset(),
    ]
}

/// What `--filter` selects: the datasets whose name contains the filter
/// (with all their formats), and in the others the formats whose name
/// contains it. The baseline is always measured where anything is, so
/// ratios can be computed.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    filter: Option<String>,
}

impl Selection {
    /// Selects what `filter` names; `None` selects everything.
    pub fn new(filter: Option<String>) -> Self {
        Selection { filter: filter.map(|f| f.to_lowercase()) }
    }

    /// The formats of `dataset` to measure, baseline first; empty when the
    /// dataset is not selected.
    pub fn formats<'a>(&self, dataset: &'a Dataset) -> Vec<&'a str> {
        let Some(filter) = &self.filter else {
            return dataset.formats.iter().map(String::as_str).collect();
        };
        if dataset.name.contains(filter.as_str()) {
            return dataset.formats.iter().map(String::as_str).collect();
        }
        let matching: Vec<&str> =
            dataset.formats.iter().map(String::as_str).filter(|f| f.contains(filter.as_str())).collect();
        if matching.is_empty() {
            return matching;
        }
        let mut formats = vec![dataset.baseline];
        formats.extend(matching.into_iter().filter(|f| *f != dataset.baseline));
        formats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_names_are_unique_and_every_dataset_has_the_baseline_first() {
        let all = datasets();
        let mut names: Vec<_> = all.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        for d in &all {
            assert_eq!(d.formats[0], d.baseline, "{}", d.name);
            assert!(d.formats.len() >= 2, "{}", d.name);
        }
    }

    #[test]
    fn filter_selects_datasets_or_formats_and_keeps_the_baseline() {
        let all = datasets();
        let http = all.iter().find(|d| d.name == "http-log-10k").unwrap();
        let users = all.iter().find(|d| d.name == "msgpack-users").unwrap();

        let by_dataset = Selection::new(Some("HTTP".into()));
        assert_eq!(by_dataset.formats(http).len(), 7 * 5 + 2 + 4 + 3);
        assert!(by_dataset.formats(users).is_empty());

        let by_format = Selection::new(Some("postcard".into()));
        assert_eq!(by_format.formats(users), ["json", "postcard", "postcard (one-shot)"]);

        let msgpack = Selection::new(Some("msgpack".into()));
        assert_eq!(msgpack.formats(users).len(), 11, "the dataset name matches");
        assert_eq!(msgpack.formats(http)[..3], ["json", "msgpack", "msgpack+lz4"]);
        assert_eq!(msgpack.formats(http).len(), 1 + 2 * 5 + 1);

        assert_eq!(Selection::new(None).formats(http).len(), 44);
        let one_shot = Selection::new(Some("one-shot".into()));
        assert_eq!(one_shot.formats(users), ["json", "wire (one-shot)", "postcard (one-shot)", "msgpack (one-shot)"]);
        assert_eq!(Selection::new(Some("protobuf".into())).formats(http), ["json", "protobuf"]);
        let wire = Selection::new(Some("wire+strings+".into()));
        assert_eq!(
            wire.formats(http),
            ["json", "wire+strings+lz4", "wire+strings+zstd:1", "wire+strings+zstd:3", "wire+strings+gzip:6"]
        );
        let borrowed = Selection::new(Some("borrowed".into()));
        assert_eq!(borrowed.formats(http), ["json", "wire (borrowed)"]);
        assert!(Selection::new(Some("nothing-matches".into())).formats(http).is_empty());
    }

    #[test]
    fn small_datasets_profile_with_every_format() {
        let all = datasets();
        for name in [
            "pipeline-network",
            "msgpack-users",
            "compression-mix",
            "protobuf-users",
            "users-1000-table",
            "shapes-arrays-options",
            "shapes-enums-nested",
            "shapes-vecs-maps",
            "shapes-text",
            "social-timeline",
            "event-catalog",
            "geojson",
        ] {
            let d = all.iter().find(|d| d.name == name).unwrap();
            let experiment = d.load();
            for format in &d.formats {
                let report = experiment.profile(format, &ProfileConfig::smoke()).unwrap().unwrap();
                assert_eq!(&report.format, format);
                assert!(report.size > 0);
            }
            assert!(experiment.profile("no-such-format", &ProfileConfig::smoke()).is_none());
        }
    }

    #[test]
    fn columnar_rows_are_on_the_tabular_datasets_and_arrow_filters_them() {
        let all = datasets();
        let arrow = Selection::new(Some("arrow-ipc".into()));
        for name in ["table-100k", "users-1000-table", "http-log-10k"] {
            let d = all.iter().find(|d| d.name == name).unwrap();
            let selected = arrow.formats(d);
            assert_eq!(selected[..3], ["json", "arrow-ipc", "arrow-ipc+zstd"], "{name}");
            assert!(d.formats.iter().any(|f| f == "parquet+zstd"), "{name}");
        }
        let table = all.iter().find(|d| d.name == "table-100k").unwrap();
        assert_eq!(arrow.formats(table).last().copied(), Some(MMAP_READ));
    }

    #[test]
    fn mixed_length_varints_cover_every_length() {
        let values = mixed_length_u64s();
        let mut seen = [0_usize; 11];
        for v in values {
            seen[flatbox_wire::varint::encoded_len_u64(v)] += 1;
        }
        // Lengths 1 to 9 about evenly; 10 bytes needs the top bit, so rarer.
        assert!(seen[1..10].iter().all(|&n| n > 90_000), "{seen:?}");
        assert!(seen[10] > 5_000, "{seen:?}");
    }
}
