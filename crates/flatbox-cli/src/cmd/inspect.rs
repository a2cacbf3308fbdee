//! `flatbox inspect`: detect what a file is and show it.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context as _, anyhow};
use flatbox::codec::{CodecKind, Decompressor, Limits};

use crate::cli::InspectArgs;
use crate::error::usage;
use crate::formats::{FormatIo as _, Input, ProtoSchema};
use crate::text::{bytes as human, json_type, limit_lines};
use flatbox::formats::{FormatKind, sniff, split_codec_suffix};
use flatbox::msgpack;

/// The most a compressed payload may expand to when inspected.
const MAX_PAYLOAD: u64 = 1 << 30;

/// `flatbox inspect`.
///
/// # Errors
///
/// Usage errors for a missing file; data errors naming the offset where
/// the bytes stop making sense.
pub(crate) fn run(args: &InspectArgs) -> anyhow::Result<()> {
    let schema = ProtoSchema::from_args(&args.proto)?;
    let name = args.file.display().to_string();
    if !args.file.is_file() {
        usage!("{name}: no such file");
    }
    let raw = std::fs::read(&args.file).with_context(|| format!("{name}: reading"))?;
    let mut out = String::new();
    let mut path = args.file.clone();
    let mut data = raw;
    if let Some(kind) = flatbox::codec::detect(&data) {
        let _ = writeln!(out, "{name}: {kind} frame, {} compressed", human(data.len()));
        out.push_str(&frame_header(kind, &data));
        let payload = Decompressor::new(Limits::new(MAX_PAYLOAD))
            .decompress(&data)
            .with_context(|| format!("{name}: decompressing the {kind} frame"))?;
        let _ = writeln!(
            out,
            "  payload: {} ({:.1}x the compressed size)\n",
            human(payload.len()),
            payload.len() as f64 / data.len().max(1) as f64
        );
        data = payload;
        path = split_codec_suffix(&path).0;
    }
    let format = args.format.or_else(|| FormatKind::from_path(&path)).or_else(|| sniff(&data));
    let Some(format) = format else {
        anyhow::bail!(
            "{name}: not a format flatbox knows: expected JSON, NDJSON, CSV, flatbox-wire, MessagePack, protobuf, Arrow IPC or Parquet (first bytes {:02x?})",
            &data[..data.len().min(8)]
        );
    };
    let _ = writeln!(out, "{}: {}, {}", name, format.name(), human(data.len()));
    match format {
        FormatKind::Wire => {
            let text = flatbox::wire::inspect(&data).map_err(|e| anyhow!("{name}: not valid flatbox-wire: {e}"))?;
            out.push_str(&limit_lines(&text, args.max_lines));
        }
        FormatKind::Msgpack => {
            let text = msgpack::dump(&data, args.max_lines).map_err(|e| anyhow!("{name}: {e}"))?;
            out.push_str(&text);
        }
        FormatKind::Protobuf => {
            if let Some(schema) = &schema {
                let json = schema
                    .schema
                    .protobuf_to_json(&schema.message, &data)
                    .with_context(|| format!("{name}: expected a protobuf {}", schema.message))?;
                let value: serde_json::Value = serde_json::from_str(&json)?;
                let _ = writeln!(out, "as {}:", schema.message);
                out.push_str(&limit_lines(&serde_json::to_string_pretty(&value)?, args.max_lines));
                out.push('\n');
            } else {
                let text = flatbox::proto::raw::decode_raw_text(&data)
                    .map_err(|e| anyhow!("{name}: not valid protobuf: {e}"))?;
                let _ = writeln!(out, "raw decoding (no schema; give --proto FILE --message NAME for field names):");
                out.push_str(&limit_lines(&text, args.max_lines));
            }
        }
        FormatKind::Arrow => out.push_str(&crate::columnar::inspect_ipc(&name, data, args.max_lines)?),
        FormatKind::Parquet => out.push_str(&crate::columnar::inspect_parquet(&name, data, args.max_lines)?),
        FormatKind::Json | FormatKind::Ndjson | FormatKind::Csv => {
            let input = Input {
                name: name.clone(),
                codec: None,
                reader: Box::new(std::io::Cursor::new(std::mem::take(&mut data))),
                path: None,
            };
            let records = format.reader(input, None)?;
            let stream = records.stream;
            let (value, count) = records.collect()?;
            let value = crate::formats::json_value(&value)?;
            let kind = if stream { "records" } else { "document" };
            let top = match &value {
                serde_json::Value::Array(items) => format!("an array of {} items", items.len()),
                serde_json::Value::Object(map) => format!("an object with {} keys", map.len()),
                other => format!("a {}", json_type(other)),
            };
            let _ = writeln!(out, "{kind}: {count} record{}; {top}", if count == 1 { "" } else { "s" });
            let first = if stream { value.as_array().and_then(|a| a.first()) } else { Some(&value) };
            if let Some(first) = first {
                let _ = writeln!(out, "first record:");
                out.push_str(&limit_lines(&serde_json::to_string_pretty(first)?, args.max_lines));
                out.push('\n');
            }
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

/// The first frame's header, field by field.
fn frame_header(kind: CodecKind, b: &[u8]) -> String {
    let mut s = String::new();
    let byte = |i: usize| b.get(i).copied();
    match kind {
        CodecKind::Zstd => {
            let Some(fhd) = byte(4) else { return "  header: truncated\n".into() };
            let single_segment = fhd & 0x20 != 0;
            let checksum = fhd & 0x04 != 0;
            let dict_bytes = [0, 1, 2, 4][usize::from(fhd & 0x03)];
            let fcs_bytes = match fhd >> 6 {
                0 => usize::from(single_segment),
                1 => 2,
                2 => 4,
                _ => 8,
            };
            let mut pos = 5;
            if !single_segment {
                if let Some(wd) = byte(pos) {
                    let exponent = u32::from(wd >> 3) + 10;
                    let _ = writeln!(s, "  window: {} (descriptor 0x{wd:02x})", human(1 << exponent.min(40)));
                }
                pos += 1;
            }
            let le = |from: usize, n: usize| -> Option<u64> {
                let slice = b.get(from..from + n)?;
                Some(slice.iter().rev().fold(0, |acc, &x| (acc << 8) | u64::from(x)))
            };
            let dict = if dict_bytes == 0 { None } else { le(pos, dict_bytes) };
            pos += dict_bytes;
            let size = if fcs_bytes == 0 {
                None
            } else {
                le(pos, fcs_bytes).map(|n| if fcs_bytes == 2 { n + 256 } else { n })
            };
            let _ = writeln!(
                s,
                "  content size: {}",
                size.map_or_else(|| "not declared".to_owned(), |n| format!("{n} bytes (declared)"))
            );
            let _ = writeln!(s, "  checksum: {}", if checksum { "yes (xxhash64, low 32 bits)" } else { "no" });
            let _ = writeln!(s, "  dictionary id: {}", dict.map_or_else(|| "none".to_owned(), |d| d.to_string()));
        }
        CodecKind::Lz4 => {
            let (Some(flg), Some(bd)) = (byte(4), byte(5)) else { return "  header: truncated\n".into() };
            let has_size = flg & 0x08 != 0;
            let block = match (bd >> 4) & 7 {
                4 => "64 KiB",
                5 => "256 KiB",
                6 => "1 MiB",
                7 => "4 MiB",
                _ => "invalid",
            };
            let _ = writeln!(
                s,
                "  version: {}; blocks: {}, max {block}",
                flg >> 6,
                if flg & 0x20 != 0 { "independent" } else { "linked" }
            );
            let size = if has_size {
                b.get(6..14).map(|x| x.iter().rev().fold(0_u64, |a, &c| (a << 8) | u64::from(c)))
            } else {
                None
            };
            let _ = writeln!(
                s,
                "  content size: {}",
                size.map_or_else(|| "not declared".to_owned(), |n| format!("{n} bytes (declared)"))
            );
            let _ = writeln!(
                s,
                "  checksum: content {}, blocks {}",
                if flg & 0x04 != 0 { "yes (xxhash32)" } else { "no" },
                if flg & 0x10 != 0 { "yes" } else { "no" }
            );
            let dict_at = if has_size { 14 } else { 6 };
            let dict = if flg & 0x01 != 0 {
                b.get(dict_at..dict_at + 4).map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]).to_string())
            } else {
                None
            };
            let _ = writeln!(s, "  dictionary id: {}", dict.unwrap_or_else(|| "none".into()));
        }
        CodecKind::Gzip => {
            let method = byte(2).map_or("?", |m| if m == 8 { "deflate" } else { "unknown" });
            let mtime = b.get(4..8).map_or(0, |x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]));
            let _ = writeln!(s, "  method: {method}; mtime: {mtime}; os: {}", byte(9).unwrap_or(255));
            if b.len() >= 18 {
                let t = &b[b.len() - 8..];
                let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
                let isize = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
                let _ = writeln!(s, "  checksum: crc32 {crc:08x} (trailer); content size mod 2^32: {isize} bytes");
            }
            let _ = writeln!(s, "  dictionary id: none (gzip has none)");
        }
    }
    s
}
