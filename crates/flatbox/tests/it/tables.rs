//! Tables of rows as Arrow IPC and Parquet, through the `Format` trait.

use flatbox::{ArrowIpc, Format, Parquet};
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Row {
    id: u64,
    value: f64,
    category: String,
    timestamp: i64,
    tags: Vec<String>,
}

fn table_formats() -> Vec<Box<dyn Format<Vec<Row>>>> {
    vec![Box::new(ArrowIpc::new()), Box::new(ArrowIpc::zstd()), Box::new(Parquet::new()), Box::new(Parquet::zstd())]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn tables_round_trip_through_every_columnar_format(
        rows in prop::collection::vec(
            (any::<u64>(), any::<f64>().prop_filter("NaN != NaN", |v| !v.is_nan()), "[A-C]", any::<i64>(), prop::collection::vec("[a-z]{0,3}", 0..3))
                .prop_map(|(id, value, category, timestamp, tags)| Row { id, value, category, timestamp, tags }),
            0..50,
        ),
    ) {
        for format in table_formats() {
            let mut bytes = vec![0xAA];
            format.encode(&rows, &mut bytes).unwrap();
            prop_assert_eq!(bytes[0], 0xAA, "{} appends", format.name());
            prop_assert_eq!(&format.decode(&bytes[1..]).unwrap(), &rows, "{}", format.name());
        }
    }

    #[test]
    fn decoding_garbage_is_an_error_naming_the_format(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for format in table_formats() {
            let err = format.decode(&bytes).unwrap_err();
            prop_assert!(err.to_string().starts_with(format.name()), "{err}");
        }
    }
}

#[test]
fn columnar_names_are_stable() {
    let names: Vec<String> = table_formats().iter().map(|f| f.name().to_owned()).collect();
    assert_eq!(names, ["arrow-ipc", "arrow-ipc+zstd", "parquet", "parquet+zstd"]);
    assert_eq!(ArrowIpc::default(), ArrowIpc::new());
    assert_eq!(Parquet::default(), Parquet::new());
}
