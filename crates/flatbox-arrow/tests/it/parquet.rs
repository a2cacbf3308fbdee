//! Parquet: round trips with each compression, sizes, bad input.

use flatbox_arrow::{Error, ParquetCompression, from_batches, read_parquet, read_parquet_file, write_parquet};
use proptest::prelude::*;

use crate::TempFile;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Row {
    id: u64,
    value: f64,
    category: String,
    flag: Option<bool>,
}

const COMPRESSIONS: [ParquetCompression; 4] =
    [ParquetCompression::None, ParquetCompression::Snappy, ParquetCompression::Lz4Raw, ParquetCompression::Zstd(3)];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn rows_round_trip_through_parquet(
        rows in proptest::collection::vec(
            (any::<u64>(), any::<f64>().prop_filter("NaN != NaN", |v| !v.is_nan()), "[A-Z]{0,4}", proptest::option::of(any::<bool>()))
                .prop_map(|(id, value, category, flag)| Row { id, value, category, flag }),
            1..80,
        ),
        c in 0_usize..4,
    ) {
        let fields = flatbox_arrow::fields_of::<Row>().unwrap();
        let batches: Vec<_> = rows.chunks(25).map(|r| flatbox_arrow::to_batch_with_fields(&fields, r).unwrap()).collect();
        let bytes = write_parquet(Vec::new(), &batches[0].schema(), &batches, COMPRESSIONS[c]).unwrap();
        prop_assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
        let (schema, read) = read_parquet(bytes.into()).unwrap();
        let written = batches[0].schema();
        prop_assert_eq!(schema.fields(), written.fields());
        prop_assert_eq!(from_batches::<Row>(&read).unwrap(), rows);
    }
}

#[test]
fn compression_shrinks_repetitive_columns_and_files_read_back_from_disk() {
    let rows: Vec<Row> =
        (0..20_000).map(|i| Row { id: i, value: (i % 7) as f64, category: "category-A".into(), flag: None }).collect();
    let batch = flatbox_arrow::to_batch(&rows).unwrap();
    let size = |c| write_parquet(Vec::new(), &batch.schema(), std::slice::from_ref(&batch), c).unwrap().len();
    let (none, zstd) = (size(ParquetCompression::None), size(ParquetCompression::Zstd(3)));
    assert!(zstd < none, "zstd {zstd} vs none {none}");

    let tmp = TempFile::new("rows.parquet");
    flatbox_arrow::write_parquet_to_path(&tmp.0, &batch.schema(), &[batch], ParquetCompression::Snappy).unwrap();
    let (_, read) = read_parquet_file(&tmp.0).unwrap();
    assert_eq!(from_batches::<Row>(&read).unwrap(), rows);
}

#[test]
fn bad_parquet_is_an_error() {
    assert!(matches!(read_parquet(b"PAR1 not really PAR1".to_vec().into()), Err(Error::Parquet { .. })));
    assert!(matches!(
        write_parquet(
            Vec::new(),
            &flatbox_arrow::to_batch(&[serde_json::json!({"a": 1})]).unwrap().schema(),
            &[],
            ParquetCompression::Zstd(99)
        ),
        Err(Error::Parquet { .. })
    ));
}
