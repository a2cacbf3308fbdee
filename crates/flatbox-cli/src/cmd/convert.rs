//! `flatbox convert`: records from one format to another.

use std::io::{BufRead as _, Write as _};
use std::path::Path;
use std::sync::mpsc::sync_channel;

use anyhow::{Context as _, anyhow};
use arrow_array::RecordBatch;
use flatbox::codec::Codec;
use flatbox::wire::Value;
use flatbox_arrow::ndjson::{FileToParquet, Inference, NdjsonReader, NdjsonWriter};
use flatbox_arrow::{BatchFormat, BatchWriter};

use crate::cli::{ConvertArgs, InferRows};
use crate::columnar;
use crate::columnar::BatchSource;
use crate::error::{usage, usage_error};
use crate::formats::{FormatIo as _, Input, Output, ProtoSchema, Records, Sink, trim_newline, within_line};
use crate::progress::Progress;
use flatbox::formats::{FormatKind, split_codec_suffix};

/// `flatbox convert`.
///
/// # Errors
///
/// Usage errors for options, data errors naming the file and record.
pub(crate) fn run(args: &ConvertArgs, quiet: bool) -> anyhow::Result<()> {
    if args.input == args.output && args.input != Path::new("-") {
        usage!("{}: the input and the output are the same file", args.input.display());
    }
    let (_, suffix_codec) = split_codec_suffix(&args.output);
    let Some(to) = args.to.or_else(|| FormatKind::from_path(&args.output)) else {
        usage!(
            "{}: cannot tell the output format from the extension; name it with --to (one of {})",
            args.output.display(),
            FormatKind::ALL.map(FormatKind::name).join(", ")
        )
    };
    // Arrow IPC and Parquet compress inside the file: --codec picks that.
    let (codec, inner) = if to.is_columnar() {
        let name = args.output.display().to_string();
        (Codec::None, columnar::inner_compression(to, &name, args.codec.as_deref(), suffix_codec)?)
    } else {
        let codec = match &args.codec {
            Some(c) => c.parse::<Codec>().map_err(|e| usage_error(format!("--codec: {e}")))?,
            None => suffix_codec.unwrap_or(Codec::None),
        };
        (codec, columnar::Inner::None)
    };
    let schema = ProtoSchema::from_args(&args.proto)?;
    if to == FormatKind::Csv {
        usage!("csv is an input format only; write ndjson, json, msgpack, wire, arrow or parquet");
    }
    let mut input = Input::open(&args.input)?;
    let from = input.detect(args.from, &args.input)?;
    if (from == FormatKind::Protobuf || to == FormatKind::Protobuf) && schema.is_none() {
        usage!("protobuf needs --proto FILE --message NAME");
    }
    if (from.is_columnar()
        && matches!(to, FormatKind::Arrow | FormatKind::Parquet | FormatKind::Ndjson | FormatKind::Json))
        || (from == FormatKind::Ndjson && to.is_columnar())
    {
        // Batches all the way: a columnar copy, arrow-json's writer, or
        // arrow-json's reader (a file to Parquet on every core).
        let output = Output::create(&args.output, codec)?;
        let result = match &input.path {
            Some(path) if from == FormatKind::Ndjson && to == FormatKind::Parquet => {
                ndjson_file_to_parquet(args, &input.name, &path.clone(), output, inner, quiet)
            }
            _ => convert_batches(args, input, from, to, output, inner, quiet),
        };
        if result.is_err() && args.output != Path::new("-") {
            let _ = std::fs::remove_file(&args.output);
        }
        return result;
    }
    if from.is_columnar() && matches!(to, FormatKind::Wire | FormatKind::Msgpack) {
        // Rows of the record model: nothing the batch holds is lost.
        let output = Output::create(&args.output, codec)?;
        let result = batches_to_records(input, from, to.writer(output, true, None, inner), quiet, &args.output);
        if result.is_err() && args.output != Path::new("-") {
            let _ = std::fs::remove_file(&args.output);
        }
        return result;
    }
    if from == FormatKind::Ndjson && matches!(to, FormatKind::Wire | FormatKind::Msgpack) {
        // The fast path: each line parsed and encoded in one pass.
        let output = Output::create(&args.output, codec)?;
        let result = transcode_ndjson(input, output, to, quiet);
        if result.is_err() && args.output != Path::new("-") {
            let _ = std::fs::remove_file(&args.output);
        }
        return result;
    }
    let records = from.reader(input, schema.as_ref())?;
    // A stream stays a stream in stream formats; one value stays one value.
    let stream = records.stream && (to.holds_streams() || to == FormatKind::Json);
    let output = Output::create(&args.output, codec)?;
    let result = write_records(records, to.writer(output, stream, schema.as_ref(), inner), quiet, &args.output);
    if result.is_err() && args.output != Path::new("-") {
        // Leave no half-written output behind.
        let _ = std::fs::remove_file(&args.output);
    }
    result
}

/// Records per batch handed from the reading thread to the writing one.
const BATCH: usize = 256;

/// Reads and parses records on a second thread while this one encodes and
/// writes them (and a third compresses, see [`Output`]): batches of
/// [`BATCH`] records through a channel of eight, so memory stays bounded.
fn write_records(
    records: Records,
    sink: anyhow::Result<Box<dyn Sink>>,
    quiet: bool,
    output: &Path,
) -> anyhow::Result<()> {
    let mut sink = sink?;
    let (sender, receiver) = sync_channel::<anyhow::Result<Vec<Value>>>(8);
    let iter = records.iter;
    let reader = std::thread::Builder::new().name("read".into()).spawn(move || {
        let mut batch = Vec::with_capacity(BATCH);
        for record in iter {
            match record {
                Ok(value) => {
                    batch.push(value);
                    if batch.len() == BATCH
                        && sender.send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))).is_err()
                    {
                        return;
                    }
                }
                Err(e) => {
                    let _ = sender.send(Err(e));
                    return;
                }
            }
        }
        if !batch.is_empty() {
            let _ = sender.send(Ok(batch));
        }
    })?;
    let progress = Progress::spinner(quiet, "records");
    let mut count = 0_u64;
    let result = (|| {
        for batch in &receiver {
            for record in batch? {
                sink.write(&record).with_context(|| format!("{}: writing", output.display()))?;
                count += 1;
            }
            progress.set(count);
        }
        anyhow::Ok(())
    })();
    // Stop the reader (if it is still going) before waiting for it.
    drop(receiver);
    let joined = reader.join();
    progress.finish();
    result?;
    if joined.is_err() {
        anyhow::bail!("the reading thread failed");
    }
    sink.finish()
}

/// NDJSON to wire or MessagePack without a value tree: each line is
/// transcoded from `serde_json`'s parser straight into the binary encoder
/// (keys keep their input order), one record per value.
fn transcode_ndjson(input: Input, mut output: Output, to: FormatKind, quiet: bool) -> anyhow::Result<()> {
    use serde::Serialize as _;

    let Input { name, mut reader, .. } = input;
    let progress = Progress::spinner(quiet, "records");
    let (mut line, mut buf) = (Vec::new(), Vec::new());
    let mut number = 0_u64;
    loop {
        line.clear();
        number += 1;
        if reader.read_until(b'\n', &mut line).with_context(|| format!("{name}: line {number}: reading"))? == 0 {
            break;
        }
        if line.trim_ascii().is_empty() {
            continue;
        }
        buf.clear();
        let mut de = serde_json::Deserializer::from_slice(trim_newline(&line));
        let transcoder = crate::transcode::Transcoder::new(&mut de);
        let encoded = if to == FormatKind::Wire {
            flatbox::wire::with_serializer(&mut buf, flatbox::wire::Config::new(), |ser| transcoder.serialize(ser))
                .map_err(|e| e.to_string())
        } else {
            transcoder.serialize(&mut rmp_serde::Serializer::new(&mut buf)).map_err(|e| e.to_string())
        };
        encoded
            .and_then(|()| de.end().map_err(|e| e.to_string()))
            .map_err(|e| anyhow!("{name}: line {number}: expected one JSON value per line: {}", within_line(&e)))?;
        output.write_all(&buf)?;
        if number.is_multiple_of(4096) {
            progress.set(number);
        }
    }
    progress.finish();
    output.finish()
}

/// Arrow IPC / Parquet to wire or MessagePack: each batch becomes rows of the
/// record model ([`flatbox_arrow::records::to_records`]), each row one
/// record, batch by batch. A value the output cannot hold is an error naming
/// the row, the column and the type; rows are counted in and out.
fn batches_to_records(
    input: Input,
    from: FormatKind,
    sink: anyhow::Result<Box<dyn Sink>>,
    quiet: bool,
    out_path: &Path,
) -> anyhow::Result<()> {
    let mut sink = sink?;
    let name = input.name.clone();
    let out_name = out_path.display().to_string();
    let BatchSource { batches, declared_rows, .. } = match from {
        FormatKind::Arrow => columnar::ipc_batches(&name, input.path, input.reader)?,
        FormatKind::Parquet => columnar::parquet_batches(&name, input.path, input.reader)?,
        other => anyhow::bail!("{name}: {other} is not read as batches"),
    };
    let progress = Progress::spinner(quiet, "rows");
    let (mut rows_in, mut rows_out) = (0_u64, 0_u64);
    let result = (|| {
        for (i, batch) in batches.enumerate() {
            let batch = batch?;
            let rows = flatbox_arrow::records::to_records(&batch)
                .with_context(|| format!("{name}: batch {i} (rows from {})", rows_in + 1))?;
            rows_in += batch.num_rows() as u64;
            for row in &rows {
                sink.write(row).with_context(|| format!("{out_name}: row {} of {name}", rows_out + 1))?;
                rows_out += 1;
            }
            progress.set(rows_out);
        }
        anyhow::Ok(())
    })();
    progress.finish();
    result?;
    if rows_out != rows_in {
        anyhow::bail!("{out_name}: {rows_in} rows read from {name} but {rows_out} written");
    }
    if let Some(declared) = declared_rows
        && declared != rows_in
    {
        anyhow::bail!(
            "{name}: the file declares {declared} rows but {rows_in} were read (a column the reader could not assemble into rows?)"
        );
    }
    sink.finish()
}

/// Where batches go: a columnar writer, or arrow-json's.
enum BatchSink {
    Columnar(Box<BatchWriter<Output>>),
    Json(Box<NdjsonWriter<Output>>),
}

/// A conversion that stays in record batches: Arrow IPC / Parquet to Arrow
/// IPC / Parquet (a copy of the batches: same schema, same values), to
/// NDJSON or JSON (arrow-json's writer), and NDJSON to Arrow IPC / Parquet
/// (arrow-json's reader). Batches are read on a second thread while this
/// one writes them; rows are counted in and out, and a Parquet input's
/// declared row count is checked against the rows read.
fn convert_batches(
    args: &ConvertArgs,
    input: Input,
    from: FormatKind,
    to: FormatKind,
    output: Output,
    inner: columnar::Inner,
    quiet: bool,
) -> anyhow::Result<()> {
    let name = input.name.clone();
    let out_name = args.output.display().to_string();
    let source = match from {
        FormatKind::Arrow => columnar::ipc_batches(&name, input.path, input.reader)?,
        FormatKind::Parquet => columnar::parquet_batches(&name, input.path, input.reader)?,
        FormatKind::Ndjson => ndjson_batches(input, args.infer_rows)?,
        other => anyhow::bail!("{name}: {other} is not read as batches"),
    };
    let BatchSource { schema, batches, declared_rows } = source;
    let mut sink = match to {
        FormatKind::Arrow | FormatKind::Parquet => BatchSink::Columnar(Box::new(
            BatchWriter::new(output, &schema, columnar::batch_format(to, &out_name, inner))
                .with_context(|| format!("{out_name}: starting the {to} file"))?,
        )),
        FormatKind::Ndjson => BatchSink::Json(Box::new(NdjsonWriter::lines(output))),
        FormatKind::Json => BatchSink::Json(Box::new(NdjsonWriter::array(output))),
        other => anyhow::bail!("{out_name}: {other} is not written from batches"),
    };
    let (sender, receiver) = sync_channel::<anyhow::Result<RecordBatch>>(2);
    let reader = std::thread::Builder::new().name("read".into()).spawn(move || {
        for batch in batches {
            let failed = batch.is_err();
            if sender.send(batch).is_err() || failed {
                return;
            }
        }
    })?;
    let progress = Progress::spinner(quiet, "rows");
    let mut rows_in = 0_u64;
    let result = (|| {
        for (i, batch) in receiver.iter().enumerate() {
            let batch = batch?;
            let rows = batch.num_rows() as u64;
            match &mut sink {
                BatchSink::Columnar(w) => w.write(&batch),
                BatchSink::Json(w) => w.write(&batch),
            }
            .with_context(|| format!("{out_name}: writing batch {i} (rows {} to {})", rows_in + 1, rows_in + rows))?;
            rows_in += rows;
            progress.set(rows_in);
        }
        anyhow::Ok(())
    })();
    drop(receiver);
    let joined = reader.join();
    progress.finish();
    result?;
    if joined.is_err() {
        anyhow::bail!("{name}: the reading thread failed");
    }
    let (rows_out, output) = match sink {
        BatchSink::Columnar(w) => (w.rows(), w.finish().with_context(|| format!("{out_name}: writing the end"))?),
        BatchSink::Json(w) => (w.rows(), w.finish().with_context(|| format!("{out_name}: writing the end"))?),
    };
    if rows_out != rows_in {
        anyhow::bail!("{out_name}: {rows_in} rows read from {name} but {rows_out} written");
    }
    if let Some(declared) = declared_rows
        && declared != rows_in
    {
        anyhow::bail!(
            "{name}: the file declares {declared} rows but {rows_in} were read (a column the reader could not assemble into rows?)"
        );
    }
    output.finish()
}

/// An NDJSON file to Parquet with [`FileToParquet`]: ranges of lines
/// decoded and encoded on every core, row groups written in order.
fn ndjson_file_to_parquet(
    args: &ConvertArgs,
    name: &str,
    path: &Path,
    output: Output,
    inner: columnar::Inner,
    quiet: bool,
) -> anyhow::Result<()> {
    let out_name = args.output.display().to_string();
    let BatchFormat::Parquet { compression, row_group_rows } =
        columnar::batch_format(FormatKind::Parquet, &out_name, inner)
    else {
        anyhow::bail!("{out_name}: not written as parquet");
    };
    let convert =
        FileToParquet::open(name, path, inference(args.infer_rows)).map_err(hint)?.with_row_group_rows(row_group_rows);
    let progress = Progress::spinner(quiet, "rows");
    let written = convert.write(output, compression, |rows| progress.set(rows));
    progress.finish();
    let (output, _) = written.map_err(hint)?;
    output.finish()
}

/// How the schema of NDJSON is inferred (`--infer-rows`).
fn inference(infer_rows: Option<InferRows>) -> Inference {
    match infer_rows {
        None => Inference::default(),
        Some(InferRows::Rows(n)) => Inference::Sample(n),
        Some(InferRows::All) => Inference::Whole,
    }
}

/// An NDJSON error, with how to widen the inference when that could help.
fn hint(e: flatbox_arrow::Error) -> anyhow::Error {
    match e {
        flatbox_arrow::Error::NdjsonLine { widen: true, .. } => {
            anyhow!("{e}: pass --infer-rows N with a larger N, or --infer-rows all (for a file, not a pipe)")
        }
        e => anyhow!(e),
    }
}

/// NDJSON as batches: arrow-json's schema inference over the first lines
/// (`--infer-rows`, or every line of a file), then its decoder.
fn ndjson_batches(input: Input, infer_rows: Option<InferRows>) -> anyhow::Result<BatchSource> {
    let name = input.name.clone();
    let inference = inference(infer_rows);
    if inference == Inference::Whole {
        let Some(path) = input.path else {
            usage!(
                "{name}: --infer-rows all reads the input twice and needs a plain file, not standard input or a compressed one"
            );
        };
        let file = std::fs::File::open(&path).map_err(|e| usage_error(format!("{name}: cannot open: {e}")))?;
        let reader = NdjsonReader::from_seekable(&name, std::io::BufReader::with_capacity(1 << 20, file), inference)
            .map_err(hint)?;
        let schema = reader.schema();
        return Ok(BatchSource {
            schema,
            batches: Box::new(reader.map(move |b| b.map_err(hint))),
            declared_rows: None,
        });
    }
    let reader = NdjsonReader::new(&name, input.reader, inference).map_err(hint)?;
    let schema = reader.schema();
    Ok(BatchSource { schema, batches: Box::new(reader.map(move |b| b.map_err(hint))), declared_rows: None })
}
