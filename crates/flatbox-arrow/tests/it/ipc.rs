//! Arrow IPC files and streams: round trips, compression, zero-copy reads
//! through the memory map.

use std::sync::Arc;

use flatbox_arrow::arrow_array::{Array, Float64Array, Int64Array, RecordBatch, StringArray};
use flatbox_arrow::{IpcCompression, IpcFile, IpcStreamReader, from_batches, read_stream, to_batch};
use proptest::prelude::*;

use crate::TempFile;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Row {
    id: u64,
    value: f64,
    category: String,
    timestamp: i64,
    note: Option<String>,
}

fn row() -> impl Strategy<Value = Row> {
    (
        any::<u64>(),
        any::<f64>().prop_filter("NaN != NaN", |v| !v.is_nan()),
        "[A-C]{0,3}",
        any::<i64>(),
        proptest::option::of(".{0,8}"),
    )
        .prop_map(|(id, value, category, timestamp, note)| Row { id, value, category, timestamp, note })
}

const COMPRESSIONS: [IpcCompression; 3] = [IpcCompression::None, IpcCompression::Lz4Frame, IpcCompression::Zstd];

fn batches_of(rows: &[Row], chunk: usize) -> Vec<RecordBatch> {
    let fields = flatbox_arrow::fields_of::<Row>().unwrap();
    rows.chunks(chunk).map(|c| flatbox_arrow::to_batch_with_fields(&fields, c).unwrap()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// rows -> batches -> IPC file / stream -> batches -> rows is the identity.
    #[test]
    fn rows_round_trip_through_ipc_files_and_streams(rows in proptest::collection::vec(row(), 1..60), chunk in 1_usize..20, c in 0_usize..3) {
        let compression = COMPRESSIONS[c];
        let batches = batches_of(&rows, chunk);
        let schema = batches[0].schema();

        let file = flatbox_arrow::write_file(Vec::new(), &schema, &batches, compression).unwrap();
        let file = IpcFile::from_bytes(file.into()).unwrap();
        prop_assert_eq!(file.num_batches(), batches.len());
        prop_assert_eq!(file.num_rows().unwrap(), rows.len());
        prop_assert_eq!(from_batches::<Row>(&file.batches().unwrap()).unwrap(), rows.clone());
        // Random access: the last batch alone.
        prop_assert_eq!(&file.batch(batches.len() - 1).unwrap(), batches.last().unwrap());

        let stream = flatbox_arrow::write_stream(Vec::new(), &schema, &batches, compression).unwrap();
        let (read_schema, read) = read_stream(&stream[..]).unwrap();
        prop_assert_eq!(read_schema, schema);
        prop_assert_eq!(from_batches::<Row>(&read).unwrap(), rows);
    }
}

fn table(rows: usize) -> RecordBatch {
    let ids = Int64Array::from_iter_values(0..i64::try_from(rows).unwrap());
    let values = Float64Array::from_iter_values((0..rows).map(|i| i as f64 * 0.25));
    let names = StringArray::from_iter_values((0..rows).map(|i| format!("row-{i}")));
    RecordBatch::try_from_iter([
        ("id", Arc::new(ids) as _),
        ("value", Arc::new(values) as _),
        ("name", Arc::new(names) as _),
    ])
    .unwrap()
}

#[test]
fn mapped_batches_point_into_the_map() {
    let tmp = TempFile::new("zero-copy.arrow");
    let batch = table(10_000);
    flatbox_arrow::write_file_to_path(&tmp.0, &batch.schema(), &[batch.clone(), batch.clone()], IpcCompression::None)
        .unwrap();
    let file = IpcFile::open(&tmp.0).unwrap();
    assert_eq!(file.as_bytes().len() as u64, std::fs::metadata(&tmp.0).unwrap().len());
    let map = file.as_bytes().as_ptr_range();
    for i in 0..2 {
        let read = file.batch(i).unwrap();
        assert_eq!(read, batch);
        for column in read.columns() {
            let data = column.to_data();
            for buffer in data.buffers() {
                assert!(
                    map.contains(&buffer.as_ptr()),
                    "batch {i}: a buffer of {} outside the map",
                    column.data_type()
                );
            }
        }
    }
}

#[test]
fn compressed_batches_are_decompressed_copies() {
    let batch = table(5_000);
    let plain =
        flatbox_arrow::write_file(Vec::new(), &batch.schema(), std::slice::from_ref(&batch), IpcCompression::None)
            .unwrap();
    for compression in [IpcCompression::Lz4Frame, IpcCompression::Zstd] {
        let bytes =
            flatbox_arrow::write_file(Vec::new(), &batch.schema(), std::slice::from_ref(&batch), compression).unwrap();
        assert!(bytes.len() < plain.len() * 3 / 4, "{compression:?}: {} vs {}", bytes.len(), plain.len());
        let file = IpcFile::from_bytes(bytes.into()).unwrap();
        let read = file.batch(0).unwrap();
        assert_eq!(read, batch);
        let map = file.as_bytes().as_ptr_range();
        assert!(!map.contains(&read.column(0).to_data().buffers()[0].as_ptr()));
    }
}

#[test]
fn unchecked_open_reads_trusted_files_the_same() {
    let tmp = TempFile::new("trusted.arrow");
    let batch = table(1000);
    flatbox_arrow::write_file_to_path(&tmp.0, &batch.schema(), std::slice::from_ref(&batch), IpcCompression::Zstd)
        .unwrap();
    // SAFETY: the file was just written by this test and nothing changes it.
    #[allow(unsafe_code)]
    let file = unsafe { IpcFile::open_unchecked(&tmp.0) }.unwrap();
    assert_eq!(file.batch(0).unwrap(), batch);
    let stream =
        flatbox_arrow::write_stream(Vec::new(), &batch.schema(), std::slice::from_ref(&batch), IpcCompression::None)
            .unwrap();
    // SAFETY: as above, a stream this test wrote.
    #[allow(unsafe_code)]
    let reader = unsafe { IpcStreamReader::new_unchecked(&stream[..]) }.unwrap();
    assert_eq!(reader.collect::<Result<Vec<_>, _>>().unwrap(), [batch]);
}

#[test]
fn empty_files_and_streams_keep_their_schema() {
    let schema = table(1).schema();
    let file = flatbox_arrow::write_file(Vec::new(), &schema, &[], IpcCompression::None).unwrap();
    let file = IpcFile::from_bytes(file.into()).unwrap();
    assert_eq!((file.num_batches(), file.num_rows().unwrap(), file.schema()), (0, 0, schema.clone()));
    let stream = flatbox_arrow::write_stream(Vec::new(), &schema, &[], IpcCompression::None).unwrap();
    let (read_schema, batches) = read_stream(&stream[..]).unwrap();
    assert_eq!((read_schema, batches.len()), (schema, 0));
}

#[test]
fn a_stream_of_json_rows_reads_back_from_a_reader() {
    let rows: Vec<serde_json::Value> = (0..50).map(|i| serde_json::json!({"id": i, "name": format!("n{i}")})).collect();
    let batch = to_batch(&rows).unwrap();
    let bytes = flatbox_arrow::write_stream(Vec::new(), &batch.schema(), &[batch], IpcCompression::Lz4Frame).unwrap();
    let reader = IpcStreamReader::new(std::io::Cursor::new(bytes)).unwrap();
    let batches: Vec<_> = reader.collect::<Result<_, _>>().unwrap();
    assert_eq!(batches[0].column(0).len(), 50);
    assert_eq!(from_batches::<serde_json::Value>(&batches).unwrap(), rows);
}
