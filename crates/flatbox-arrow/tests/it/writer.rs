//! The incremental writer: batches one at a time to IPC files, IPC streams
//! and Parquet, read back equal, with the schema (nullability, metadata).

use std::collections::HashMap;
use std::sync::Arc;

use flatbox_arrow::arrow_array::{Array, Int32Array, RecordBatch, StringArray};
use flatbox_arrow::arrow_schema::{DataType, Field, Schema};
use flatbox_arrow::{BatchFormat, BatchWriter, IpcCompression, IpcFile, ParquetCompression};

fn batches() -> Vec<RecordBatch> {
    let schema = Arc::new(
        Schema::new(vec![
            Field::new("n", DataType::Int32, false),
            Field::new("s", DataType::Utf8, true).with_metadata(HashMap::from([("unit".into(), "none".into())])),
        ])
        .with_metadata(HashMap::from([("origin".into(), "test".into())])),
    );
    (0..3)
        .map(|b| {
            let n: Vec<i32> = (0..100).map(|i| b * 100 + i).collect();
            let s: Vec<Option<String>> = n.iter().map(|i| (i % 3 != 0).then(|| format!("s{i}"))).collect();
            RecordBatch::try_new(schema.clone(), vec![Arc::new(Int32Array::from(n)), Arc::new(StringArray::from(s))])
                .unwrap()
        })
        .collect()
}

fn write(format: BatchFormat) -> Vec<u8> {
    let input = batches();
    let mut writer = BatchWriter::new(Vec::new(), &input[0].schema(), format).unwrap();
    for batch in &input {
        writer.write(batch).unwrap();
    }
    assert_eq!((writer.batches(), writer.rows()), (3, 300));
    writer.finish().unwrap()
}

#[test]
fn ipc_files_and_streams_hold_the_batches_and_schema() {
    for compression in [IpcCompression::None, IpcCompression::Lz4Frame, IpcCompression::Zstd] {
        let file = IpcFile::from_bytes(write(BatchFormat::IpcFile(compression)).into()).unwrap();
        assert_eq!(file.schema(), batches()[0].schema());
        assert_eq!(file.batches().unwrap(), batches());
        let stream = write(BatchFormat::IpcStream(compression));
        let (schema, back) = flatbox_arrow::read_stream(&stream[..]).unwrap();
        assert_eq!(schema, batches()[0].schema());
        assert_eq!(back, batches());
    }
}

#[test]
fn parquet_holds_the_rows_schema_and_row_groups() {
    for compression in
        [ParquetCompression::None, ParquetCompression::Snappy, ParquetCompression::Lz4Raw, ParquetCompression::Zstd(3)]
    {
        let bytes = write(BatchFormat::Parquet { compression, row_group_rows: 128 });
        let metadata = parquet::file::metadata::ParquetMetaDataReader::new()
            .parse_and_finish(&bytes::Bytes::from(bytes.clone()))
            .unwrap();
        assert_eq!(metadata.num_row_groups(), 3, "300 rows in groups of at most 128");
        let (schema, back) = flatbox_arrow::read_parquet(bytes.into()).unwrap();
        assert_eq!(schema, batches()[0].schema());
        let rows: usize = back.iter().map(RecordBatch::num_rows).sum();
        assert_eq!(rows, 300);
        let back = arrow_select_concat(&back);
        let expected = arrow_select_concat(&batches());
        assert_eq!(back, expected);
    }
}

/// All rows of `batches` as (n, s) pairs.
fn arrow_select_concat(batches: &[RecordBatch]) -> Vec<(i32, Option<String>)> {
    batches
        .iter()
        .flat_map(|b| {
            let n = b.column(0).as_any().downcast_ref::<Int32Array>().unwrap().clone();
            let s = b.column(1).as_any().downcast_ref::<StringArray>().unwrap().clone();
            (0..b.num_rows()).map(move |i| (n.value(i), (!s.is_null(i)).then(|| s.value(i).to_owned())))
        })
        .collect()
}

#[test]
fn a_batch_of_another_schema_is_refused_naming_it() {
    let input = batches();
    let mut writer =
        BatchWriter::new(Vec::new(), &input[0].schema(), BatchFormat::IpcFile(IpcCompression::None)).unwrap();
    writer.write(&input[0]).unwrap();
    let other = RecordBatch::try_from_iter([("x", Arc::new(Int32Array::from(vec![1])) as _)]).unwrap();
    let error = writer.write(&other).unwrap_err().to_string();
    assert!(error.contains("batch 1"), "{error}");
}
