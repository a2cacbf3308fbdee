//! The compression experiments of the tutorial's "Compression Integration"
//! section, and two of our own: what flatbox-codec's glue costs over calling
//! the libraries directly, and many small messages (fresh contexts, a
//! reused `Compressor`, a trained dictionary).

use std::io::{Read, Write};

use flatbox::Error;
use flatbox::codec::{Codec, Compressor, Decompressor, Dictionary, DictionarySet, Limits};
use flatbox::profile::{Prepared, ProfileConfig};

use crate::datasets::http_log::{self, HttpLogEntry};
use crate::suite::Experiment;

/// The codecs applied to every format (the plain format is the `none` row).
pub const CODECS: [Codec; 4] =
    [Codec::Lz4, Codec::Zstd { level: 1 }, Codec::Zstd { level: 3 }, Codec::Gzip { level: 6 }];

/// Row name of a codec through flatbox-codec, in the glue experiment.
pub fn glue_row(codec: Codec) -> String {
    format!("{codec} (flatbox-codec)")
}

/// Row name of the same codec called directly.
pub fn direct_row(codec: Codec) -> String {
    format!("{codec} (library directly)")
}

/// The glue experiment's input: the HTTP log as JSON, 1.5 MB.
pub(crate) struct Glue {
    pub(crate) input: Vec<u8>,
}

impl Glue {
    pub(crate) fn load() -> Self {
        Glue { input: serde_json::to_vec(&http_log::http_log_10k()).expect("the log serializes") }
    }
}

fn direct_compress(codec: Codec, input: &[u8]) -> Vec<u8> {
    match codec {
        Codec::Zstd { level } => {
            let mut c = zstd::bulk::Compressor::new(level).expect("zstd context");
            c.include_checksum(true).expect("a valid parameter");
            c.compress(input).expect("compresses")
        }
        Codec::Lz4 => {
            let info = lz4_flex::frame::FrameInfo::new().content_size(Some(input.len() as u64)).content_checksum(true);
            let mut e = lz4_flex::frame::FrameEncoder::with_frame_info(info, Vec::new());
            e.write_all(input).expect("writes");
            e.finish().expect("finishes")
        }
        Codec::Gzip { level } => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
            e.write_all(input).expect("writes");
            e.finish().expect("finishes")
        }
        Codec::None => input.to_vec(),
    }
}

fn direct_decompress(codec: Codec, frame: &[u8], size: usize) -> Vec<u8> {
    match codec {
        Codec::Zstd { .. } => zstd::bulk::decompress(frame, size).expect("decompresses"),
        Codec::Lz4 => {
            let mut out = Vec::with_capacity(size);
            lz4_flex::frame::FrameDecoder::new(frame).read_to_end(&mut out).expect("decompresses");
            out
        }
        Codec::Gzip { .. } => {
            let mut out = Vec::with_capacity(size);
            flate2::read::GzDecoder::new(frame).read_to_end(&mut out).expect("decompresses");
            out
        }
        Codec::None => frame.to_vec(),
    }
}

impl Experiment for Glue {
    fn prepare(&self, format: &str, _: &ProfileConfig) -> Option<flatbox::Result<Prepared<'_>>> {
        let (codec, direct) = CODECS.iter().find_map(|&c| {
            if format == glue_row(c) {
                Some((c, false))
            } else if format == direct_row(c) {
                Some((c, true))
            } else {
                None
            }
        })?;
        let input = &self.input;
        let frame = if direct { direct_compress(codec, input) } else { flatbox::codec::compress(codec, input) };
        let back = if direct {
            direct_decompress(codec, &frame, input.len())
        } else {
            match flatbox::codec::decompress(&frame) {
                Ok(b) => b,
                Err(e) => return Some(Err(Error::decode(format, e))),
            }
        };
        if back != *input {
            return Some(Err(Error::RoundTrip { format: format.to_owned(), size: frame.len() }));
        }
        let size = frame.len();
        let row = format.to_owned();
        let prepared = Prepared::new(
            format,
            size,
            move || Ok(if direct { direct_compress(codec, input) } else { flatbox::codec::compress(codec, input) }),
            move || {
                if direct {
                    Ok(direct_decompress(codec, &frame, input.len()))
                } else {
                    flatbox::codec::decompress(&frame).map_err(|e| Error::decode(row.as_str(), e))
                }
            },
        );
        // Throughput of the uncompressed bytes, as compression benchmarks
        // quote it.
        Some(Ok(prepared.counting(input.len())))
    }
}

/// Rows of the small-messages experiment.
pub const FRESH: &str = "zstd:3, fresh context per message";
/// A reused `Compressor`/`Decompressor`.
pub const REUSED: &str = "zstd:3, reused Compressor";
/// A reused `Compressor` with a trained dictionary.
pub const DICTIONARY: &str = "zstd:3, reused + trained dictionary";

/// 1000 HTTP-log entries, each a JSON message of its own, compressed one by
/// one; the dictionary is trained on 4000 other entries of the same log.
pub(crate) struct Messages {
    messages: Vec<Vec<u8>>,
    dictionary: Dictionary,
}

impl Messages {
    pub(crate) fn load() -> Self {
        let log = http_log::http_log_10k();
        let json = |e: &HttpLogEntry| serde_json::to_vec(e).expect("serializes");
        let messages = log[..1000].iter().map(json).collect();
        let training: Vec<Vec<u8>> = log[1000..5000].iter().map(json).collect();
        let dictionary = Dictionary::train(&training, 16 * 1024).expect("the log trains a dictionary");
        Messages { messages, dictionary }
    }

    fn compress_all(&self, row: &str, compressor: &mut Option<Compressor>, out: &mut Vec<Vec<u8>>) {
        out.clear();
        for m in &self.messages {
            let frame = match row {
                FRESH => flatbox::codec::compress(Codec::Zstd { level: 3 }, m),
                _ => compressor.as_mut().expect("a compressor for reused rows").compress(m),
            };
            out.push(frame);
        }
    }
}

impl Experiment for Messages {
    fn prepare(&self, format: &str, _: &ProfileConfig) -> Option<flatbox::Result<Prepared<'_>>> {
        let row = [FRESH, REUSED, DICTIONARY].into_iter().find(|r| *r == format)?;
        let mut compressor = match row {
            FRESH => None,
            REUSED => Some(Compressor::new(Codec::Zstd { level: 3 })),
            _ => Some(Compressor::with_dictionary(3, &self.dictionary).expect("the dictionary loads")),
        };
        let mut set = DictionarySet::new();
        set.insert(self.dictionary.clone());
        let mut decompressor = Decompressor::with_dictionaries(Limits::default(), set.clone());
        let mut frames = Vec::with_capacity(self.messages.len());
        self.compress_all(row, &mut compressor, &mut frames);
        let size: usize = frames.iter().map(Vec::len).sum();
        let input: usize = self.messages.iter().map(Vec::len).sum();
        for (frame, message) in frames.iter().zip(&self.messages) {
            match decompressor.decompress(frame) {
                Ok(back) if back == *message => {}
                Ok(_) => return Some(Err(Error::RoundTrip { format: row.to_owned(), size })),
                Err(e) => return Some(Err(Error::decode(row, e))),
            }
        }
        let mut scratch = Vec::with_capacity(self.messages.len());
        let prepared = Prepared::new(
            row,
            size,
            move || {
                self.compress_all(row, &mut compressor, &mut scratch);
                Ok(())
            },
            move || {
                for frame in &frames {
                    let back = if row == FRESH {
                        flatbox::codec::decompress_with(frame, Limits::default())
                    } else {
                        decompressor.decompress(frame)
                    };
                    std::hint::black_box(back.map_err(|e| Error::decode(row, e))?);
                }
                Ok(())
            },
        );
        Some(Ok(prepared.counting(input)))
    }
}
