//! [`Codec`] (what to compress with) and [`CodecKind`] (what a frame is).

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// A compression codec and its level.
///
/// Written and parsed as `none`, `lz4`, `zstd` / `zstd:LEVEL` and `gzip` /
/// `gzip:LEVEL` (the forms command lines and configuration files use).
///
/// # Examples
///
/// ```
/// use flatbox_codec::Codec;
///
/// let codec: Codec = "zstd:3".parse()?;
/// assert_eq!(codec, Codec::Zstd { level: 3 });
/// assert_eq!(codec.to_string(), "zstd:3");
/// assert_eq!("gzip".parse::<Codec>()?, Codec::Gzip { level: 6 });
/// assert!("zstd:99".parse::<Codec>().is_err());
/// # Ok::<(), flatbox_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    /// No compression: bytes pass through unchanged (and carry no frame, so
    /// [`decompress`](crate::decompress) cannot recognise them).
    None,
    /// The LZ4 frame format (`lz4_flex`), with content size and content
    /// checksum: what `lz4` writes and reads.
    Lz4,
    /// A zstd frame, with content size and checksum. Levels 1 to 22 (and
    /// negative "fast" levels down to -7); 3 is zstd's default.
    Zstd {
        /// The compression level.
        level: i32,
    },
    /// A gzip member (RFC 1952) via flate2. Levels 0 to 9.
    Gzip {
        /// The compression level.
        level: u32,
    },
}

impl Codec {
    /// zstd's default level.
    pub const ZSTD_DEFAULT_LEVEL: i32 = 3;
    /// gzip's default level.
    pub const GZIP_DEFAULT_LEVEL: u32 = 6;

    /// The kind of frame this codec writes, or `None` for [`Codec::None`].
    pub fn kind(self) -> Option<CodecKind> {
        match self {
            Codec::None => None,
            Codec::Lz4 => Some(CodecKind::Lz4),
            Codec::Zstd { .. } => Some(CodecKind::Zstd),
            Codec::Gzip { .. } => Some(CodecKind::Gzip),
        }
    }

    /// The codecs the benches and `flatbox profile` try by default:
    /// `none`, `lz4`, `zstd:1`, `zstd:3`, `gzip:6`.
    pub fn standard_set() -> [Codec; 5] {
        [Codec::None, Codec::Lz4, Codec::Zstd { level: 1 }, Codec::Zstd { level: 3 }, Codec::Gzip { level: 6 }]
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Codec::None => f.write_str("none"),
            Codec::Lz4 => f.write_str("lz4"),
            Codec::Zstd { level } => write!(f, "zstd:{level}"),
            Codec::Gzip { level } => write!(f, "gzip:{level}"),
        }
    }
}

impl FromStr for Codec {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = |reason: &str| Error::InvalidCodec { input: s.to_owned(), reason: reason.to_owned() };
        let (name, level) = match s.split_once(':') {
            Some((name, level)) => (name, Some(level)),
            None => (s, None),
        };
        match (name.to_ascii_lowercase().as_str(), level) {
            ("none", None) => Ok(Codec::None),
            ("lz4", None) => Ok(Codec::Lz4),
            ("zstd", None) => Ok(Codec::Zstd { level: Codec::ZSTD_DEFAULT_LEVEL }),
            ("zstd", Some(l)) => match l.parse::<i32>() {
                Ok(level) if (-7..=22).contains(&level) && level != 0 => Ok(Codec::Zstd { level }),
                _ => Err(bad("zstd levels are 1 to 22, or -1 to -7 for the fast levels")),
            },
            ("gzip" | "gz", None) => Ok(Codec::Gzip { level: Codec::GZIP_DEFAULT_LEVEL }),
            ("gzip" | "gz", Some(l)) => match l.parse::<u32>() {
                Ok(level) if level <= 9 => Ok(Codec::Gzip { level }),
                _ => Err(bad("gzip levels are 0 to 9")),
            },
            ("none" | "lz4", Some(_)) => Err(bad("this codec takes no level")),
            _ => Err(bad("expected none, lz4, zstd[:LEVEL] or gzip[:LEVEL]")),
        }
    }
}

/// What kind of frame a byte string starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodecKind {
    /// A zstd frame (magic `28 B5 2F FD`).
    Zstd,
    /// An LZ4 frame (magic `04 22 4D 18`).
    Lz4,
    /// A gzip member (magic `1F 8B`).
    Gzip,
}

impl fmt::Display for CodecKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CodecKind::Zstd => "zstd",
            CodecKind::Lz4 => "lz4",
            CodecKind::Gzip => "gzip",
        })
    }
}
