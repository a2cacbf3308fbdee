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

const COMPRESSIONS: [ParquetCompression; 6] = [
    ParquetCompression::None,
    ParquetCompression::Snappy,
    ParquetCompression::Gzip(6),
    ParquetCompression::Brotli(3),
    ParquetCompression::Lz4Raw,
    ParquetCompression::Zstd(3),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn rows_round_trip_through_parquet(
        rows in proptest::collection::vec(
            (any::<u64>(), any::<f64>().prop_filter("NaN != NaN", |v| !v.is_nan()), "[A-Z]{0,4}", proptest::option::of(any::<bool>()))
                .prop_map(|(id, value, category, flag)| Row { id, value, category, flag }),
            1..80,
        ),
        c in 0_usize..6,
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

#[test]
fn every_codec_writes_and_reads_back_with_its_codec_in_the_footer() {
    use parquet::basic::Compression;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    let rows: Vec<Row> = (0..3_000)
        .map(|i| Row { id: i, value: (i % 13) as f64, category: format!("c{}", i % 5), flag: Some(i % 2 == 0) })
        .collect();
    let batch = flatbox_arrow::to_batch(&rows).unwrap();
    let none =
        write_parquet(Vec::new(), &batch.schema(), std::slice::from_ref(&batch), ParquetCompression::None).unwrap();
    for (compression, codec) in [
        (ParquetCompression::Snappy, "SNAPPY"),
        (ParquetCompression::Gzip(1), "GZIP"),
        (ParquetCompression::Gzip(9), "GZIP"),
        (ParquetCompression::Brotli(0), "BROTLI"),
        (ParquetCompression::Brotli(11), "BROTLI"),
        (ParquetCompression::Lz4Raw, "LZ4_RAW"),
        (ParquetCompression::Zstd(1), "ZSTD"),
        (ParquetCompression::Zstd(22), "ZSTD"),
    ] {
        let bytes = write_parquet(Vec::new(), &batch.schema(), std::slice::from_ref(&batch), compression).unwrap();
        assert!(bytes.len() < none.len(), "{compression}: {} bytes, uncompressed {}", bytes.len(), none.len());
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes.clone())).unwrap();
        let column = reader.metadata().row_group(0).column(0).compression();
        assert!(format!("{column:?}").starts_with(codec), "{compression}: footer says {column:?}");
        assert_ne!(column, Compression::UNCOMPRESSED);
        let (_, read) = read_parquet(bytes.into()).unwrap();
        assert_eq!(from_batches::<Row>(&read).unwrap(), rows, "{compression}");
    }
}

#[test]
fn legacy_hadoop_lz4_files_read() {
    // arrow-rs writes the deprecated `LZ4` codec with the Hadoop framing,
    // as parquet-mr did: the reader must take it.
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;

    let rows: Vec<Row> = (0..500).map(|i| Row { id: i, value: 0.5, category: "x".into(), flag: None }).collect();
    let batch = flatbox_arrow::to_batch(&rows).unwrap();
    let props = WriterProperties::builder().set_compression(Compression::LZ4).build();
    let mut writer = ArrowWriter::try_new(Vec::new(), batch.schema(), Some(props)).unwrap();
    writer.write(&batch).unwrap();
    let bytes = writer.into_inner().unwrap();
    let (_, read) = read_parquet(bytes.into()).unwrap();
    assert_eq!(from_batches::<Row>(&read).unwrap(), rows);
}

#[test]
fn codec_names_parse_and_print() {
    for (text, expected) in [
        ("none", ParquetCompression::None),
        ("uncompressed", ParquetCompression::None),
        ("snappy", ParquetCompression::Snappy),
        ("gzip", ParquetCompression::Gzip(6)),
        ("gzip:0", ParquetCompression::Gzip(0)),
        ("GZIP:9", ParquetCompression::Gzip(9)),
        ("brotli", ParquetCompression::Brotli(1)),
        ("brotli:11", ParquetCompression::Brotli(11)),
        ("lz4", ParquetCompression::Lz4Raw),
        ("lz4_raw", ParquetCompression::Lz4Raw),
        ("zstd", ParquetCompression::Zstd(3)),
        ("zstd:19", ParquetCompression::Zstd(19)),
    ] {
        let parsed: ParquetCompression = text.parse().unwrap();
        assert_eq!(parsed, expected, "{text}");
        // Display gives a name that parses to the same value.
        assert_eq!(parsed.to_string().parse::<ParquetCompression>().unwrap(), parsed);
    }
    assert_eq!(ParquetCompression::Brotli(5).to_string(), "brotli:5");
    for (text, reason) in [
        ("gzip:10", "0 to 9"),
        ("brotli:12", "0 to 11"),
        ("zstd:23", "at most 22"),
        ("zstd:x", "not a number"),
        ("snappy:3", "has no levels"),
        ("lzo", "unknown codec"),
        ("gzip:-1", "negative"),
    ] {
        let e = text.parse::<ParquetCompression>().unwrap_err();
        assert!(matches!(e, Error::Compression { .. }), "{text}: {e}");
        assert!(e.to_string().contains(reason) && e.to_string().contains(text), "{text}: {e}");
    }
}
