//! The format registry: every format flatbox reads or writes, with its name,
//! its file extensions (under an optional `.zst` / `.lz4` / `.gz` suffix),
//! its family, and how to recognise its bytes.
//!
//! - [`FormatKind::from_name`] and [`FormatKind::name`]: the names the
//!   command line uses (`json`, `ndjson`, `msgpack`, ...).
//! - [`FormatKind::from_path`]: the format a file name says, looking under
//!   a compression suffix ([`split_codec_suffix`]).
//! - [`sniff`]: the format some bytes look like, by magic numbers first
//!   (Arrow IPC's `ARROW1` and stream continuation marker, Parquet's
//!   `PAR1`), then by what decodes (JSON text, flatbox-wire, MessagePack,
//!   CSV text, protobuf). [`sniff_prefix`] does the same on the first bytes
//!   of a longer input.
//! - [`Family`]: text, binary self-describing, schema-driven, columnar.
//!
//! # Examples
//!
//! ```
//! use std::path::Path;
//! use flatbox::codec::Codec;
//! use flatbox::formats::{sniff, split_codec_suffix, Family, FormatKind};
//!
//! assert_eq!(FormatKind::from_path(Path::new("events.ndjson.zst")), Some(FormatKind::Ndjson));
//! assert_eq!(split_codec_suffix(Path::new("a.wire.lz4")).1, Some(Codec::Lz4));
//! assert_eq!(FormatKind::from_name("parquet"), Some(FormatKind::Parquet));
//! assert_eq!(FormatKind::Parquet.family(), Family::Columnar);
//! assert_eq!(sniff(b"{\"a\":1}\n{\"a\":2}\n"), Some(FormatKind::Ndjson));
//! assert_eq!(sniff(b"ARROW1\0\0"), Some(FormatKind::Arrow));
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use flatbox_codec::Codec;
use serde::de::IgnoredAny;

/// The formats flatbox reads and writes.
///
/// Not `#[non_exhaustive]`: a program that handles every format (the
/// `flatbox` command does) should fail to compile when one is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FormatKind {
    /// One JSON document.
    Json,
    /// Newline-delimited JSON: one record per line.
    Ndjson,
    /// MessagePack: one value, or a sequence of values (records).
    Msgpack,
    /// flatbox-wire: one value, or a sequence of values (records).
    Wire,
    /// Protocol Buffers: one message of a schema's message type.
    Protobuf,
    /// CSV with a header row: one record per row.
    Csv,
    /// Arrow IPC: a file or a stream; one record per row.
    Arrow,
    /// Parquet: one record per row.
    Parquet,
}

/// What kind of format a [`FormatKind`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Text people can read: JSON, NDJSON, CSV.
    Text,
    /// Binary, and self-describing (no schema needed): MessagePack, wire.
    BinarySelfDescribing,
    /// Binary, read and written with a schema: protobuf.
    Schema,
    /// Tables stored by column, compressed inside the file: Arrow IPC, Parquet.
    Columnar,
}

impl FormatKind {
    /// Every format, in the order detection tries them.
    pub const ALL: [FormatKind; 8] = [
        FormatKind::Json,
        FormatKind::Ndjson,
        FormatKind::Msgpack,
        FormatKind::Wire,
        FormatKind::Protobuf,
        FormatKind::Csv,
        FormatKind::Arrow,
        FormatKind::Parquet,
    ];

    /// The format's name (as the command line spells it).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            FormatKind::Json => "json",
            FormatKind::Ndjson => "ndjson",
            FormatKind::Msgpack => "msgpack",
            FormatKind::Wire => "wire",
            FormatKind::Protobuf => "protobuf",
            FormatKind::Csv => "csv",
            FormatKind::Arrow => "arrow",
            FormatKind::Parquet => "parquet",
        }
    }

    /// The format named `name` (ASCII case ignored), if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<FormatKind> {
        FormatKind::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// File extensions, without the dot; the first is the one to write.
    #[must_use]
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FormatKind::Json => &["json"],
            FormatKind::Ndjson => &["ndjson", "jsonl"],
            FormatKind::Msgpack => &["msgpack", "mpk", "mp"],
            FormatKind::Wire => &["wire", "fbw"],
            FormatKind::Protobuf => &["pb", "protobuf", "binpb"],
            FormatKind::Csv => &["csv"],
            FormatKind::Arrow => &["arrow", "ipc", "feather", "arrows"],
            FormatKind::Parquet => &["parquet"],
        }
    }

    /// The format's family.
    #[must_use]
    pub fn family(self) -> Family {
        match self {
            FormatKind::Json | FormatKind::Ndjson | FormatKind::Csv => Family::Text,
            FormatKind::Msgpack | FormatKind::Wire => Family::BinarySelfDescribing,
            FormatKind::Protobuf => Family::Schema,
            FormatKind::Arrow | FormatKind::Parquet => Family::Columnar,
        }
    }

    /// Whether the format holds many records one after another (so a
    /// sequence of records is written as such, not as one array).
    #[must_use]
    pub fn holds_streams(self) -> bool {
        !matches!(self, FormatKind::Json | FormatKind::Protobuf)
    }

    /// Whether the format is a table that compresses inside the file (Arrow
    /// IPC, Parquet), so it takes no outer codec frame.
    #[must_use]
    pub fn is_columnar(self) -> bool {
        self.family() == Family::Columnar
    }

    /// The format `path`'s extension names, under any compression suffix.
    #[must_use]
    pub fn from_path(path: &Path) -> Option<FormatKind> {
        let (inner, _) = split_codec_suffix(path);
        let ext = inner.extension()?.to_str()?.to_ascii_lowercase();
        FormatKind::ALL.into_iter().find(|f| f.extensions().contains(&ext.as_str()))
    }
}

impl fmt::Display for FormatKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Splits a `.zst` / `.zstd` / `.lz4` / `.gz` suffix off `path`: the rest,
/// and the codec the suffix names (at its default level).
#[must_use]
pub fn split_codec_suffix(path: &Path) -> (PathBuf, Option<Codec>) {
    let codec = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("zst" | "zstd") => Some(Codec::Zstd { level: Codec::ZSTD_DEFAULT_LEVEL }),
        Some("lz4") => Some(Codec::Lz4),
        Some("gz") => Some(Codec::Gzip { level: Codec::GZIP_DEFAULT_LEVEL }),
        _ => None,
    };
    match codec {
        Some(codec) => (path.with_extension(""), Some(codec)),
        None => (path.to_path_buf(), None),
    }
}

/// The Arrow IPC stream continuation marker: an IPC stream starts with it.
pub const IPC_CONTINUATION: [u8; 4] = [0xff; 4];

/// The format `bytes` (a whole input) look like, or `None`.
///
/// Pure and total: any bytes give an answer without panicking, and the
/// work is bounded by the input's length.
#[must_use]
pub fn sniff(bytes: &[u8]) -> Option<FormatKind> {
    sniff_prefix(bytes, true)
}

/// The format of an input that starts with `head`; `complete` says whether
/// `head` is all of it (when not, a value cut off at the end of `head`
/// still counts for the binary formats, and protobuf, which has no
/// structure to recognise in a prefix, is not guessed).
#[must_use]
pub fn sniff_prefix(head: &[u8], complete: bool) -> Option<FormatKind> {
    if head.starts_with(b"ARROW1") || head.starts_with(&IPC_CONTINUATION) {
        return Some(FormatKind::Arrow);
    }
    if head.starts_with(b"PAR1") && (!complete || (head.len() >= 12 && head.ends_with(b"PAR1"))) {
        return Some(FormatKind::Parquet);
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let trimmed = text.trim_ascii_start();
    if let Some(&first) = trimmed.first()
        && (first == b'{' || first == b'[')
    {
        let line_end = trimmed.iter().position(|&b| b == b'\n');
        if let Some(end) = line_end
            && !trimmed[end..].trim_ascii().is_empty()
            && serde_json::from_slice::<IgnoredAny>(&trimmed[..end]).is_ok()
        {
            return Some(FormatKind::Ndjson);
        }
        return Some(FormatKind::Json);
    }
    // Binary formats: whichever decodes the bytes as a sequence of values.
    if !head.is_empty() && decodes_as_wire(head, complete) {
        return Some(FormatKind::Wire);
    }
    if !head.is_empty() && decodes_as_msgpack(head, complete) {
        return Some(FormatKind::Msgpack);
    }
    // CSV: text whose first line has a comma.
    let sample = &text[..text.len().min(4096)];
    if let Ok(text) = std::str::from_utf8(sample).or_else(|e| std::str::from_utf8(&sample[..e.valid_up_to()]))
        && text.lines().next().is_some_and(|l| l.contains(','))
        && !text.contains('\0')
    {
        return Some(FormatKind::Csv);
    }
    if complete && !head.is_empty() && flatbox_proto::raw::decode_raw(head).is_ok() {
        return Some(FormatKind::Protobuf);
    }
    None
}

/// Whether `head` starts with a JSON object or array that parses (its first
/// line, or all of it): text that is plainly JSON, whatever its name says.
#[must_use]
pub fn looks_like_json(head: &[u8]) -> bool {
    let trimmed = head.trim_ascii_start();
    let first_line = trimmed.split(|&b| b == b'\n').next().unwrap_or_default();
    matches!(trimmed.first(), Some(b'{' | b'['))
        && (serde_json::from_slice::<IgnoredAny>(first_line).is_ok()
            || serde_json::from_slice::<IgnoredAny>(trimmed).is_ok())
}

fn decodes_as_wire(head: &[u8], complete: bool) -> bool {
    let mut rest = head;
    let mut values = 0;
    while !rest.is_empty() {
        match flatbox_wire::from_reader::<_, flatbox_wire::Value>(&mut rest) {
            Ok(_) => values += 1,
            Err(e) if !complete && matches!(e.kind(), flatbox_wire::ErrorKind::Eof { .. }) => return values > 0,
            Err(_) => return false,
        }
    }
    values > 0
}

fn decodes_as_msgpack(head: &[u8], complete: bool) -> bool {
    let mut rest = head;
    let mut values = 0;
    let mut offset = 0;
    loop {
        match crate::msgpack::read_value(&mut rest, offset) {
            Ok(Some(value)) => {
                values += 1;
                offset += value.len() as u64;
            }
            Ok(None) => return values > 0,
            Err(crate::msgpack::WalkError::Eof { .. }) if !complete => return values > 0,
            Err(_) => return false,
        }
    }
}
