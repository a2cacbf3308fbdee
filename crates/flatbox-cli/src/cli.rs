//! The command line: `flatbox profile | convert | inspect | store`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use flatbox::formats::FormatKind;

/// Profile your own data with every format and codec, convert it, inspect it, store it.
#[derive(Debug, Parser)]
#[command(
    name = "flatbox",
    version,
    about,
    after_help = "Examples:\n  flatbox profile events.ndjson\n  flatbox convert events.ndjson events.wire.zst\n  flatbox convert events.ndjson events.parquet --codec zstd\n  flatbox inspect events.wire.zst\n  flatbox store ./log append events.ndjson\n\nExit codes: 0 success, 1 bad data, 2 bad usage."
)]
pub(crate) struct Cli {
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Measure every format x codec on your data and recommend one.
    #[command(
        after_help = "Examples:\n  flatbox profile users.json\n  flatbox profile events.ndjson --cross-language --optimize size\n  flatbox profile users.json --proto proto/flatbox/v1/user.proto --message UserList\n  flatbox profile data.csv --json > profile.json\n  flatbox profile big.ndjson --sample 64MiB --html report.html\n  flatbox profile table.parquet --optimize size\n\nThe recommendation follows the tutorial's decision tree, driven by the\nneeds you state and the figures measured on your data. Tabular data\n(records of flat fields) is also measured as Arrow IPC and Parquet,\nplain and zstd-compressed inside the file; the tree's columnar branch\n(\"Arrow/Parquet for analytical workloads\") is taken when they measure\nbetter than the branch's other choice."
    )]
    Profile(ProfileArgs),
    /// Convert between json, ndjson, msgpack, wire, protobuf, arrow, parquet and csv (input), compressed or not.
    #[command(
        after_help = "Examples:\n  flatbox convert users.json users.msgpack\n  flatbox convert events.ndjson events.wire.zst\n  flatbox convert events.wire.zst events.ndjson\n  flatbox convert user.json user.pb --proto proto/flatbox/v1/user.proto --message User\n  flatbox convert data.csv data.ndjson.gz\n  flatbox convert in.bin out.bin --from msgpack --to wire --codec lz4\n  flatbox convert events.ndjson events.arrow\n  flatbox convert events.ndjson events.parquet --codec zstd:6\n  flatbox convert events.parquet events.brotli.parquet --codec brotli:5\n  flatbox convert events.parquet events.ndjson\n\nRecord streams (NDJSON lines, sequences of wire or MessagePack values,\nCSV rows) are converted record by record, in constant memory. A stream\nwritten as JSON becomes an array; a single value stays a single value.\n\nArrow IPC (.arrow .ipc .feather: a file; .arrows: a stream) and Parquet\n(.parquet) hold tables. Between them a conversion copies the record\nbatches: the same schema (types, nullability, metadata) and values.\nArrow/Parquet to NDJSON or JSON uses arrow-json's writer; NDJSON to\nArrow/Parquet uses arrow-json's reader, with the schema inferred from the\nfirst 8192 lines (--infer-rows N, or --infer-rows all for a file); a later\nline that does not fit is an error naming it. Rows are counted in and\nout: a difference is an error. Other formats become tables 65536 rows at\na time, with the schema inferred from the first 65536 rows.\nThey compress inside the file, so a .zst/.lz4/.gz suffix is refused;\n--codec picks the format's own compression: lz4 (IPC LZ4_FRAME, Parquet\nLZ4_RAW), zstd (IPC ZSTD body compression, at arrow-rs' level; Parquet\nZSTD at the level given, default 3) or, for Parquet, snappy, gzip[:0-9]\nor brotli[:0-11]."
    )]
    Convert(ConvertArgs),
    /// Detect what a file is and show what it holds.
    #[command(
        after_help = "Examples:\n  flatbox inspect users.wire\n  flatbox inspect users.msgpack\n  flatbox inspect user.pb\n  flatbox inspect user.pb --proto proto/flatbox/v1/user.proto --message User\n  flatbox inspect events.wire.zst\n  flatbox inspect events.arrow\n  flatbox inspect events.parquet\n\nwire: annotated disassembly; MessagePack: annotated dump; protobuf: raw\ndecoding, or typed with --proto/--message; a compressed frame: codec,\nsizes, checksum, dictionary id, then the payload inside; Arrow IPC (file\nor stream): schema, batches, rows, body compression, and per batch each\ncolumn's null count and min/max (numbers, strings, booleans); Parquet:\nschema, row groups, rows, and each column chunk's type, compression and\nstatistics (null count, min, max) from the file's metadata."
    )]
    Inspect(InspectArgs),
    /// A crash-safe record log: append NDJSON lines, get, scan, verify, stats.
    #[command(
        after_help = "Examples:\n  flatbox store ./log append events.ndjson --codec zstd:3\n  cat events.ndjson | flatbox store ./log append\n  flatbox store ./log get 42\n  flatbox store ./log scan --from 100 --limit 10\n  flatbox store ./log verify\n  flatbox store ./log stats"
    )]
    Store(StoreArgs),
}

/// A protobuf schema given at run time.
#[derive(Debug, Clone, Args)]
pub(crate) struct ProtoArgs {
    /// A .proto file (compiled at run time, no protoc needed).
    #[arg(long, value_name = "FILE", requires = "message")]
    pub(crate) proto: Option<PathBuf>,
    /// The message type in --proto (fully qualified, or unqualified when unambiguous).
    #[arg(long, value_name = "NAME", requires = "proto")]
    pub(crate) message: Option<String>,
}

/// What to optimize for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Optimize {
    /// The smallest bytes.
    Size,
    /// The fastest encode + decode.
    Speed,
    /// The best product of size and time.
    Balanced,
}

/// `flatbox profile`.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools, reason = "one flag per stated need, as clap wants them")]
pub(crate) struct ProfileArgs {
    /// The data: a JSON document, NDJSON, MessagePack, CSV with a header (optionally compressed), Arrow IPC or Parquet.
    pub(crate) file: PathBuf,
    /// The input's format, when its extension and content do not tell.
    #[arg(long, value_name = "FORMAT", value_parser = format_kind)]
    pub(crate) input: Option<FormatKind>,
    /// The data must be read by other languages.
    #[arg(long)]
    pub(crate) cross_language: bool,
    /// People must be able to read the bytes.
    #[arg(long)]
    pub(crate) human_readable: bool,
    /// Fields will be added or removed over time, with old and new readers.
    #[arg(long)]
    pub(crate) schema_evolution: bool,
    /// What matters most.
    #[arg(long, value_enum, default_value_t = Optimize::Balanced)]
    pub(crate) optimize: Optimize,
    #[command(flatten)]
    pub(crate) proto: ProtoArgs,
    /// Print the whole result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write the result as one self-contained HTML page (chart, table, recommendation; nothing fetched from the network).
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
    /// How much of the input to measure: a sample of about this many bytes, drawn from the whole input in runs of consecutive records (a file: runs at evenly spaced offsets, without reading it all; a stream: reservoir-sampled runs) (e.g. 8MiB, 64MB, 1GiB); sizes are scaled to the whole input.
    #[arg(long, value_name = "BYTES", default_value = "8MiB", value_parser = flatbox::sample::parse_bytes)]
    pub(crate) sample: u64,
    /// Careful measurements (20 samples of 25 ms per operation, timed on the whole sample); slower.
    #[arg(long, conflicts_with = "smoke")]
    pub(crate) thorough: bool,
    /// The fewest, shortest samples: checks that everything works, measures little.
    #[arg(long)]
    pub(crate) smoke: bool,
}

/// `flatbox convert`.
#[derive(Debug, Args)]
pub(crate) struct ConvertArgs {
    /// The input file (`-` for standard input).
    pub(crate) input: PathBuf,
    /// The output file (`-` for standard output).
    pub(crate) output: PathBuf,
    /// The input's format, when its extension and content do not tell.
    #[arg(long, value_name = "FORMAT", value_parser = format_kind)]
    pub(crate) from: Option<FormatKind>,
    /// The output's format, when its extension does not tell.
    #[arg(long, value_name = "FORMAT", value_parser = format_kind)]
    pub(crate) to: Option<FormatKind>,
    /// Compress the output: none, lz4, zstd, zstd:LEVEL, gzip, gzip:LEVEL (default: from a .zst, .lz4 or .gz suffix). For arrow: the IPC body compression, none, lz4 or zstd; for parquet: none, snappy, gzip, gzip:LEVEL, brotli, brotli:LEVEL, lz4 (raw LZ4 blocks), zstd or zstd:LEVEL.
    #[arg(long, value_name = "CODEC")]
    pub(crate) codec: Option<String>,
    /// NDJSON to arrow or parquet: infer the schema from the first N lines (default 8192), or from every line of a file (`all`).
    #[arg(long, value_name = "N|all", value_parser = infer_rows)]
    pub(crate) infer_rows: Option<InferRows>,
    #[command(flatten)]
    pub(crate) proto: ProtoArgs,
}

/// How many NDJSON lines the schema is inferred from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InferRows {
    /// The first N lines.
    Rows(usize),
    /// Every line (a file only).
    All,
}

fn infer_rows(text: &str) -> Result<InferRows, String> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(InferRows::All);
    }
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(InferRows::Rows(n)),
        _ => Err(format!("expected a number of lines (at least 1) or `all`, got {text:?}")),
    }
}

/// `flatbox inspect`.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The file to look at.
    pub(crate) file: PathBuf,
    /// Its format, when its extension and content do not tell.
    #[arg(long, value_name = "FORMAT", value_parser = format_kind)]
    pub(crate) format: Option<FormatKind>,
    #[command(flatten)]
    pub(crate) proto: ProtoArgs,
    /// Show at most this many lines of a dump.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub(crate) max_lines: usize,
}

/// `flatbox store`.
#[derive(Debug, Args)]
pub(crate) struct StoreArgs {
    /// The log's directory.
    pub(crate) dir: PathBuf,
    #[command(subcommand)]
    pub(crate) action: StoreAction,
}

/// What to do with the log.
#[derive(Debug, Subcommand)]
pub(crate) enum StoreAction {
    /// Append NDJSON lines as records (wire-encoded, optionally compressed); creates the log.
    Append {
        /// NDJSON input (`-` or nothing for standard input; .zst/.lz4/.gz detected).
        file: Option<PathBuf>,
        /// Compress each record: none, lz4, zstd, zstd:LEVEL, gzip, gzip:LEVEL.
        #[arg(long, value_name = "CODEC", default_value = "none")]
        codec: String,
    },
    /// Print one record as JSON.
    Get {
        /// The record's id (0 for the first record).
        id: u64,
    },
    /// Print a range of records as NDJSON.
    Scan {
        /// The first id.
        #[arg(long, default_value_t = 0)]
        from: u64,
        /// Stop before this id.
        #[arg(long)]
        to: Option<u64>,
        /// At most this many records.
        #[arg(long)]
        limit: Option<u64>,
        /// Prefix each line with the record's id and a tab.
        #[arg(long)]
        ids: bool,
    },
    /// Check every record's CRC and decoding; print what opening recovered.
    Verify,
    /// Records, bytes and segments.
    Stats,
}

/// A format named on the command line.
fn format_kind(name: &str) -> Result<FormatKind, String> {
    FormatKind::from_name(name)
        .ok_or_else(|| format!("unknown format {name:?}; one of {}", FormatKind::ALL.map(FormatKind::name).join(", ")))
}
