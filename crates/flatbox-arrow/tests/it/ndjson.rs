//! NDJSON <-> batches through arrow-json: inference, strict decoding with
//! line numbers, the writer, and the round trip (proptest).

use std::fmt::Write as _;
use std::sync::Arc;

use flatbox_arrow::Error;
use flatbox_arrow::arrow_array::{Array, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use flatbox_arrow::arrow_schema::{DataType, Field, Schema};
use flatbox_arrow::ndjson::{FileToParquet, Inference, NdjsonReader, NdjsonWriter};
use proptest::prelude::*;

fn read_all(text: &str, inference: Inference, batch_rows: usize) -> flatbox_arrow::Result<Vec<RecordBatch>> {
    NdjsonReader::new("t.ndjson", text.as_bytes(), inference)?.with_batch_rows(batch_rows)?.collect()
}

fn line_error(text: &str, inference: Inference) -> (Option<u64>, String, bool) {
    let error = read_all(text, inference, 3).unwrap_err();
    let shown = error.to_string();
    match error {
        Error::NdjsonLine { line, widen, .. } => (line, shown, widen),
        other => panic!("expected a line error, got {other:?}"),
    }
}

#[test]
fn infers_decodes_and_counts_across_batches() {
    let mut text = String::new();
    for i in 0..10 {
        let _ = writeln!(text, "{{\"id\":{i},\"name\":\"n{i}\",\"ok\":{}}}\n", i % 2 == 0);
    }
    let mut reader = NdjsonReader::new("t", text.as_bytes(), Inference::Sample(2)).unwrap().with_batch_rows(4).unwrap();
    let schema = reader.schema();
    assert_eq!(schema.field(0).data_type(), &DataType::Int64);
    assert_eq!(schema.field(1).data_type(), &DataType::Utf8);
    assert_eq!(schema.field(2).data_type(), &DataType::Boolean);
    let batches: Vec<RecordBatch> = reader.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(batches.iter().map(RecordBatch::num_rows).collect::<Vec<_>>(), [4, 4, 2]);
    assert_eq!((reader.rows(), reader.lines()), (10, 20));
    let ids = batches[2].column(0).as_any().downcast_ref::<Int64Array>().unwrap();
    assert_eq!(ids.values(), &[8, 9]);
}

#[test]
fn a_later_line_that_does_not_fit_is_named() {
    // Wrong type on line 5, after a 2-line sample.
    let text = "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n\n{\"a\":\"x\"}\n";
    let (line, shown, widen) = line_error(text, Inference::Sample(2));
    assert_eq!(line, Some(5), "{shown}");
    assert!(widen && shown.contains("line 5") && shown.contains("a: Int64"), "{shown}");
    // A key the schema lacks is not dropped.
    let (line, shown, _) = line_error("{\"a\":1}\n{\"a\":2,\"b\":true}\n", Inference::Sample(1));
    assert_eq!(line, Some(2), "{shown}");
    // A fraction in an integer column is not truncated.
    let (line, shown, _) = line_error("{\"a\":1}\n{\"a\":1.5}\n", Inference::Sample(1));
    assert_eq!(line, Some(2), "{shown}");
    assert!(shown.contains("1.5"), "{shown}");
    // Nor is a string read as a number.
    let (line, _, _) = line_error("{\"a\":1}\n{\"a\":\"2\"}\n", Inference::Sample(1));
    assert_eq!(line, Some(2));
    // Broken JSON: a wider sample would not help.
    let (line, shown, widen) = line_error("{\"a\":1}\n{\"a\":\n", Inference::Sample(1));
    assert!(line.is_some() && !widen, "{shown}");
}

#[test]
fn inferring_from_every_line_reads_what_a_sample_refuses() {
    let text = "{\"a\":1}\n{\"a\":2.5}\n";
    assert!(read_all(text, Inference::Sample(1), 8).is_err());
    let cursor = std::io::Cursor::new(text.as_bytes().to_vec());
    let batches: Vec<RecordBatch> =
        NdjsonReader::from_seekable("t", cursor, Inference::Whole).unwrap().collect::<Result<_, _>>().unwrap();
    let a = batches[0].column(0).as_any().downcast_ref::<Float64Array>().unwrap();
    assert_eq!(a.values(), &[1.0, 2.5]);
}

#[test]
fn empty_input_has_no_batches() {
    assert!(read_all("", Inference::default(), 8).unwrap().is_empty());
    assert!(read_all("\n\n", Inference::default(), 8).unwrap().is_empty());
}

/// A reader that hands out at most `step` bytes per read, as a pipe may.
struct Trickle {
    text: std::io::Cursor<Vec<u8>>,
    step: usize,
}

impl Trickle {
    fn new(text: &str, step: usize) -> std::io::BufReader<Self> {
        std::io::BufReader::new(Trickle { text: std::io::Cursor::new(text.as_bytes().to_vec()), step })
    }
}

impl std::io::Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len());
        self.text.read(&mut buf[..n])
    }
}

#[test]
fn lines_across_reads_and_longer_than_the_buffer_keep_their_numbers() {
    // Rows of every length, one longer than a read chunk (1 MiB), blank and
    // CRLF lines, no newline at the end, read through short reads.
    let long = "x".repeat(3 << 20);
    let mut text = String::new();
    let mut expected = Vec::new();
    for i in 0..3000_i64 {
        let name = match i {
            1500 => long.clone(),
            _ => "y".repeat(usize::try_from(i).unwrap() % 700),
        };
        let _ = write!(text, "{{\"id\":{i},\"name\":\"{name}\"}}");
        text.push_str(if i % 7 == 0 { "\r\n \t\n" } else { "\n" });
        expected.push((i, name));
    }
    text.push_str("{\"id\":3000,\"name\":\"end\"}");
    expected.push((3000, "end".to_owned()));
    for step in [usize::MAX, 4093] {
        let input = Trickle::new(&text, step);
        let mut reader = NdjsonReader::new("t", input, Inference::Sample(10)).unwrap().with_batch_rows(256).unwrap();
        let batches: Vec<RecordBatch> = reader.by_ref().collect::<Result<_, _>>().unwrap();
        assert!(id_names(&batches) == expected, "step {step}: rows differ");
        assert_eq!((reader.rows(), reader.lines()), (3001, 3001 + 429), "step {step}");
    }
    // A bad row far into the input is named by its line.
    let bad = text.replacen("{\"id\":2999,", "{\"id\":2999.5,", 1);
    let input = Trickle::new(&bad, 4093);
    let error = NdjsonReader::new("t", input, Inference::Sample(10)).unwrap().find_map(Result::err).unwrap();
    assert!(matches!(error, Error::NdjsonLine { line: Some(3429), .. }), "{error}");
    // Two values on one line are refused, naming it.
    let (line, shown, _) = line_error("{\"a\":1}\n{\"a\":2} {\"a\":3}\n", Inference::Sample(1));
    assert_eq!(line, Some(2), "{shown}");
}

/// `(id, name)` of every row of batches of those two columns.
fn id_names(batches: &[RecordBatch]) -> Vec<(i64, String)> {
    batches
        .iter()
        .flat_map(|b| {
            let ids = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().clone();
            let names = b.column(1).as_any().downcast_ref::<StringArray>().unwrap().clone();
            (0..b.num_rows()).map(move |r| (ids.value(r), names.value(r).to_owned()))
        })
        .collect()
}

/// `text` written to a file, converted by [`FileToParquet`] with `threads`
/// and `range_bytes`, and read back.
fn file_to_parquet(
    text: &str,
    threads: usize,
    range_bytes: Option<u64>,
    row_group_rows: usize,
) -> flatbox_arrow::Result<(flatbox_arrow::ndjson::Written, Vec<RecordBatch>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.ndjson");
    std::fs::write(&path, text).unwrap();
    let mut convert = FileToParquet::open("t.ndjson", &path, Inference::Sample(10))?
        .with_threads(threads)
        .with_row_group_rows(row_group_rows)
        .with_batch_rows(100);
    if let Some(bytes) = range_bytes {
        convert = convert.with_range_bytes(bytes);
    }
    let mut seen = Vec::new();
    let (bytes, written) =
        convert.write(Vec::new(), flatbox_arrow::ParquetCompression::Zstd(1), |rows| seen.push(rows))?;
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]) && seen.last().copied().unwrap_or(0) == written.rows,
        "progress {seen:?}"
    );
    let (schema, batches) = flatbox_arrow::read_parquet(bytes.into())?;
    assert_eq!(schema.fields(), convert.schema().fields());
    Ok((written, batches))
}

#[test]
fn a_file_to_parquet_on_many_threads_holds_the_lines_rows_in_order() {
    // The same input as above: rows of every length (one longer than a read
    // chunk), blank and CRLF lines, no newline at the end; cut into ranges
    // of many sizes, so that cuts fall inside lines, on newlines and inside
    // blank lines.
    let long = "x".repeat(3 << 20);
    let mut text = String::new();
    let mut expected = Vec::new();
    for i in 0..3000_i64 {
        let name = if i == 1500 { long.clone() } else { "y".repeat(usize::try_from(i).unwrap() % 700) };
        let _ = write!(text, "{{\"id\":{i},\"name\":\"{name}\"}}");
        text.push_str(if i % 7 == 0 { "\r\n \t\n" } else { "\n" });
        expected.push((i, name));
    }
    text.push_str("{\"id\":3000,\"name\":\"end\"}");
    expected.push((3000, "end".to_owned()));
    for (threads, range_bytes, group_rows) in
        [(1, None, 1 << 17), (2, None, 1000), (3, Some(4099), 7), (2, Some(65_537), 1 << 17)]
    {
        let (written, batches) = file_to_parquet(&text, threads, range_bytes, group_rows).unwrap();
        let case = format!("{threads} threads, ranges of {range_bytes:?} bytes, groups of {group_rows}");
        assert!(id_names(&batches) == expected, "{case}: rows differ");
        assert_eq!((written.rows, written.lines), (3001, 3001 + 429), "{case}");
        assert!(written.row_groups >= 3001 / group_rows, "{case}: {written:?}");
    }
    // Every cut of a small input, with blank lines and a line of spaces.
    let small = "{\"id\":1,\"name\":\"a\"}\n\n{\"id\":2,\"name\":\"\"}\n   \n{\"id\":3,\"name\":\"cc\"}\n";
    let want = vec![(1, "a".to_owned()), (2, String::new()), (3, "cc".to_owned())];
    for bytes in 1..=u64::try_from(small.len()).unwrap() + 1 {
        let (written, batches) = file_to_parquet(small, 2, Some(bytes), 2).unwrap();
        assert_eq!(id_names(&batches), want, "ranges of {bytes} bytes");
        assert_eq!((written.rows, written.lines), (3, 5), "ranges of {bytes} bytes");
    }
}

#[test]
fn a_file_to_parquet_names_the_first_bad_line_of_the_file() {
    let mut text = String::new();
    for i in 0..5000 {
        let _ = writeln!(text, "{{\"id\":{i},\"name\":\"n{i}\"}}");
    }
    // Two bad lines, far apart: the first in the file's order is named,
    // whichever range fails first, with its line counted from the file's
    // start.
    let bad = text.replacen("{\"id\":4000,", "{\"id\":\"x\",", 1).replacen("{\"id\":2500,", "{\"id\":2.5,", 1);
    for (threads, range_bytes) in [(1, None), (2, Some(1000)), (4, Some(333))] {
        let error = file_to_parquet(&bad, threads, range_bytes, 1 << 17).unwrap_err();
        assert!(matches!(error, Error::NdjsonLine { line: Some(2501), widen: true, .. }), "{error}");
        assert!(error.to_string().contains("2.5"), "{error}");
    }
    // Broken JSON at the very end.
    let broken = format!("{text}{{\"id\":");
    let error = file_to_parquet(&broken, 2, Some(512), 1 << 17).unwrap_err();
    assert!(matches!(error, Error::NdjsonLine { line: Some(5001), widen: false, .. }), "{error}");
    // An empty file holds no rows.
    let (written, batches) = file_to_parquet("", 2, None, 1 << 17).unwrap();
    assert_eq!((written.rows, batches.len()), (0, 0));
}

#[test]
fn writer_writes_lines_and_arrays_with_explicit_nulls() {
    let batch = RecordBatch::try_from_iter([
        ("id", Arc::new(Int64Array::from(vec![1, 2])) as _),
        ("s", Arc::new(StringArray::from(vec![None, Some("x")])) as _),
    ])
    .unwrap();
    let mut lines = NdjsonWriter::lines(Vec::new());
    lines.write(&batch).unwrap();
    lines.write(&batch).unwrap();
    assert_eq!(lines.rows(), 4);
    assert_eq!(
        String::from_utf8(lines.finish().unwrap()).unwrap(),
        "{\"id\":1,\"s\":null}\n{\"id\":2,\"s\":\"x\"}\n".repeat(2)
    );
    let mut array = NdjsonWriter::array(Vec::new());
    array.write(&batch).unwrap();
    let text = String::from_utf8(array.finish().unwrap()).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        serde_json::json!([{"id":1,"s":null},{"id":2,"s":"x"}])
    );
    assert_eq!(NdjsonWriter::array(Vec::new()).finish().unwrap(), b"[]");
}

fn batch_of(
    ids: &[Option<i64>],
    names: &[Option<String>],
    flags: &[Option<bool>],
    reals: &[Option<f64>],
) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("name", DataType::Utf8, true),
        Field::new("flag", DataType::Boolean, true),
        Field::new("real", DataType::Float64, true),
    ]));
    RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int64Array::from(ids.to_vec())),
            Arc::new(StringArray::from(names.to_vec())),
            Arc::new(BooleanArray::from(flags.to_vec())),
            Arc::new(Float64Array::from(reals.to_vec())),
        ],
    )
    .unwrap()
}

proptest! {
    /// Batches -> NDJSON -> batches (with the batch's own schema) is the input.
    #[test]
    fn round_trip(rows in proptest::collection::vec((
        proptest::option::of(any::<i64>()),
        proptest::option::of("[a-z\u{e9}\"\\\\ ]{0,8}"),
        proptest::option::of(any::<bool>()),
        proptest::option::of(-1e300_f64..1e300),
    ), 1..40)) {
        let ids: Vec<_> = rows.iter().map(|r| r.0).collect();
        let names: Vec<_> = rows.iter().map(|r| r.1.clone()).collect();
        let flags: Vec<_> = rows.iter().map(|r| r.2).collect();
        let reals: Vec<_> = rows.iter().map(|r| r.3).collect();
        let batch = batch_of(&ids, &names, &flags, &reals);
        let mut writer = NdjsonWriter::lines(Vec::new());
        writer.write(&batch).unwrap();
        let text = writer.finish().unwrap();
        let back: Vec<RecordBatch> = NdjsonReader::with_schema("p", &text[..], batch.schema(), Inference::Whole)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        prop_assert_eq!(back.len(), 1);
        prop_assert_eq!(&back[0], &batch);
        prop_assert_eq!(back[0].column(0).null_count(), ids.iter().filter(|v| v.is_none()).count());
    }
}
