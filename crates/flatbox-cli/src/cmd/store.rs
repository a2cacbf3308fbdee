//! `flatbox store DIR append | get | scan | verify | stats`: NDJSON records
//! in a [`RecordLog`], wire-encoded and optionally compressed.
//!
//! Each record's payload starts with one byte: `0` for plain flatbox-wire,
//! `1` for flatbox-wire inside a compressed frame (zstd, LZ4 or gzip,
//! detected when read).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use flatbox::codec::{Codec, Compressor, Decompressor, Limits};
use flatbox::records;
use flatbox::store::{OpenReport, RecordId, RecordLog};
use flatbox::wire::Value;

use crate::cli::{StoreAction, StoreArgs};
use crate::error::{usage, usage_error};
use crate::formats::{FormatIo as _, Input};
use flatbox::formats::FormatKind;

const PLAIN: u8 = 0;
const COMPRESSED: u8 = 1;

/// Records appended per `append_batch`.
const BATCH: usize = 1024;

/// `flatbox store`.
///
/// # Errors
///
/// Usage errors for a missing log or bad options; data errors for records
/// that fail their CRC or do not decode.
#[allow(clippy::too_many_lines, reason = "one arm per action, each short")]
pub(crate) fn run(args: &StoreArgs) -> anyhow::Result<()> {
    let dir = &args.dir;
    let name = dir.display().to_string();
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::new(stdout);
    match &args.action {
        StoreAction::Append { file, codec } => {
            let codec: Codec = codec.parse().map_err(|e| usage_error(format!("--codec: {e}")))?;
            if dir.exists() && !dir.is_dir() {
                usage!("{name}: not a directory");
            }
            let input_path = file.clone().unwrap_or_else(|| PathBuf::from("-"));
            let input = Input::open(&input_path)?;
            let records = FormatKind::Ndjson.reader(input, None)?;
            let (mut log, report) = open(dir, true)?;
            let first = log.len();
            let mut compressor = Compressor::new(codec);
            let mut batch: Vec<Vec<u8>> = Vec::with_capacity(BATCH);
            for record in records.iter {
                batch.push(encode(&record?, codec, &mut compressor)?);
                if batch.len() == BATCH {
                    log.append_batch(&batch).with_context(|| format!("{name}: appending"))?;
                    batch.clear();
                }
            }
            if !batch.is_empty() {
                log.append_batch(&batch).with_context(|| format!("{name}: appending"))?;
            }
            log.sync().with_context(|| format!("{name}: syncing"))?;
            let appended = log.len() - first;
            write_report(&mut out, &report)?;
            if appended == 0 {
                writeln!(out, "appended no records; the log holds {}", log.len())?;
            } else {
                writeln!(
                    out,
                    "appended {appended} records (ids {first} to {}); the log holds {} in {} segments",
                    log.len() - 1,
                    log.len(),
                    log.segments()
                )?;
            }
        }
        StoreAction::Get { id } => {
            let (log, _) = open(dir, false)?;
            let Some(bytes) = log.get(RecordId(*id)).with_context(|| format!("{name}: reading record {id}"))? else {
                bail!("{name}: no record {id} (the log holds {} records, ids from 0)", log.len());
            };
            let value = decode(bytes).with_context(|| format!("{name}: record {id}"))?;
            writeln!(out, "{}", records::to_json(&value).with_context(|| format!("{name}: record {id}"))?)?;
        }
        StoreAction::Scan { from, to, limit, ids } => {
            let (log, _) = open(dir, false)?;
            let end = to.unwrap_or(u64::MAX).min(log.len());
            let limit = limit.unwrap_or(u64::MAX);
            for (shown, item) in (0_u64..).zip(log.iter_from(RecordId(*from))) {
                let (id, bytes) = item.with_context(|| format!("{name}: reading"))?;
                if id.0 >= end || shown >= limit {
                    break;
                }
                let value = decode(bytes).with_context(|| format!("{name}: record {}", id.0))?;
                let json = records::to_json(&value).with_context(|| format!("{name}: record {}", id.0))?;
                if *ids {
                    write!(out, "{}\t", id.0)?;
                }
                writeln!(out, "{json}")?;
            }
        }
        StoreAction::Verify => {
            let (log, report) = open(dir, false)?;
            write_report(&mut out, &report)?;
            let mut bad = Vec::new();
            let mut checked = 0_u64;
            for id in 0..log.len() {
                let result = log
                    .get(RecordId(id))
                    .map_err(anyhow::Error::from)
                    .and_then(|r| r.ok_or_else(|| anyhow!("missing")))
                    .and_then(decode);
                match result {
                    Ok(_) => checked += 1,
                    Err(e) => bad.push(format!("record {id}: {e:#}")),
                }
            }
            writeln!(out, "verified {checked} of {} records: CRC and decoding", log.len())?;
            out.flush()?;
            if !bad.is_empty() {
                let shown = bad.iter().take(10).cloned().collect::<Vec<_>>().join("; ");
                bail!("{name}: {} damaged records: {shown}", bad.len());
            }
        }
        StoreAction::Stats => {
            let (log, _) = open(dir, false)?;
            let mut payload = 0_u64;
            for item in log.iter() {
                let (_, bytes) = item.with_context(|| format!("{name}: reading"))?;
                payload += bytes.len() as u64;
            }
            let (apparent, allocated) = disk_usage(dir)?;
            writeln!(out, "records:  {}", log.len())?;
            writeln!(out, "payload:  {payload} bytes")?;
            writeln!(out, "written:  {} bytes of frames", log.written_bytes())?;
            writeln!(out, "segments: {}", log.segments())?;
            writeln!(out, "files:    {apparent} bytes ({allocated} bytes allocated; segments are sparse)")?;
        }
    }
    out.flush()?;
    Ok(())
}

fn open(dir: &Path, create: bool) -> anyhow::Result<(RecordLog, OpenReport)> {
    let name = dir.display();
    if !create && !dir.is_dir() {
        usage!("{name}: no record log there (create one with `flatbox store {name} append FILE`)");
    }
    RecordLog::open(dir).with_context(|| format!("{name}: opening the record log"))
}

fn write_report(out: &mut impl Write, report: &OpenReport) -> anyhow::Result<()> {
    writeln!(
        out,
        "opened: {} records in {} segments; {}; {} bytes of a torn tail cut; repaired: {}",
        report.records,
        report.segments,
        if report.clean {
            "clean shutdown, nothing scanned".to_owned()
        } else {
            format!("recovery scan of {} bytes", report.bytes_scanned)
        },
        report.bytes_cut,
        if report.repaired { "yes" } else { "no" }
    )?;
    Ok(())
}

fn encode(record: &Value, codec: Codec, compressor: &mut Compressor) -> anyhow::Result<Vec<u8>> {
    let mut wire = Vec::new();
    flatbox::wire::to_writer(&mut wire, record)?;
    if codec == Codec::None {
        wire.insert(0, PLAIN);
        return Ok(wire);
    }
    let mut out = vec![COMPRESSED];
    compressor.compress_into(&wire, &mut out);
    Ok(out)
}

fn decode(bytes: &[u8]) -> anyhow::Result<Value> {
    let (&kind, rest) = bytes.split_first().ok_or_else(|| anyhow!("empty record: expected a 1-byte header"))?;
    let plain;
    let wire = match kind {
        PLAIN => rest,
        COMPRESSED => {
            plain = Decompressor::new(Limits::default()).decompress(rest)?;
            &plain[..]
        }
        other => bail!("header byte {other} is neither 0 (wire) nor 1 (compressed wire)"),
    };
    flatbox::wire::from_slice(wire).context("expected a flatbox-wire value")
}

fn disk_usage(dir: &Path) -> anyhow::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let mut apparent = 0;
    let mut allocated = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("{}: listing", dir.display()))? {
        let meta = entry?.metadata()?;
        apparent += meta.len();
        allocated += meta.blocks() * 512;
    }
    Ok((apparent, allocated))
}
