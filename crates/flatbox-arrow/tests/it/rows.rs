//! Rows to columns and back: serde structs, flatbox-wire `Value`s, JSON.

use flatbox_arrow::arrow_schema::DataType;
use flatbox_arrow::{Error, fields_from_samples, fields_of, from_batch, to_batch, to_batch_with_fields};
use flatbox_wire::Value;
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Entry {
    ip: String,
    status: u16,
    size: u64,
    ok: bool,
    tags: Vec<String>,
    latency: Option<f32>,
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        ".{0,12}",
        any::<u16>(),
        any::<u64>(),
        any::<bool>(),
        proptest::collection::vec("[a-z]{0,4}", 0..4),
        proptest::option::of(-1e6_f32..1e6),
    )
        .prop_map(|(ip, status, size, ok, tags, latency)| Entry { ip, status, size, ok, tags, latency })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn structs_round_trip_with_the_traced_schema(rows in proptest::collection::vec(entry(), 0..40)) {
        let batch = to_batch_with_fields(&fields_of::<Entry>().unwrap(), &rows).unwrap();
        prop_assert_eq!(batch.num_rows(), rows.len());
        prop_assert_eq!(from_batch::<Entry>(&batch).unwrap(), rows);
    }

    #[test]
    fn json_objects_round_trip_with_an_inferred_schema(ids in proptest::collection::vec(any::<i64>(), 1..30), name in "[a-z]{1,6}") {
        let rows: Vec<serde_json::Value> =
            ids.iter().map(|id| serde_json::json!({"id": id, "name": name, "even": id % 2 == 0})).collect();
        let batch = to_batch(&rows).unwrap();
        prop_assert_eq!(batch.num_columns(), 3);
        prop_assert_eq!(from_batch::<serde_json::Value>(&batch).unwrap(), rows);
    }

    #[test]
    fn wire_values_round_trip(values in proptest::collection::vec((any::<u64>(), ".{0,6}"), 1..30)) {
        let rows: Vec<Value> = values
            .iter()
            .map(|(n, s)| {
                Value::Map(vec![
                    (Value::String("n".into()), Value::Integer(i128::from(*n))),
                    (Value::String("s".into()), Value::String(s.clone())),
                ])
            })
            .collect();
        let batch = to_batch(&rows).unwrap();
        prop_assert_eq!(batch.schema().field(0).data_type().clone(), DataType::UInt64);
        prop_assert_eq!(from_batch::<Value>(&batch).unwrap(), rows);
    }
}

#[test]
fn the_traced_schema_names_the_fields_and_their_types() {
    let fields = fields_of::<Entry>().unwrap();
    let types: Vec<(&str, &DataType)> = fields.iter().map(|f| (f.name().as_str(), f.data_type())).collect();
    assert_eq!(types[1], ("status", &DataType::UInt16));
    assert_eq!(types[2], ("size", &DataType::UInt64));
    assert!(fields[5].is_nullable() && !fields[0].is_nullable());
}

#[test]
fn rows_that_disagree_with_each_other_or_the_schema_are_errors() {
    let mixed = vec![serde_json::json!({"a": 1}), serde_json::json!({"a": "one"})];
    assert!(matches!(fields_from_samples(&mixed), Err(Error::Rows { .. })));
    let batch = to_batch(&[serde_json::json!({"a": 1})]).unwrap();
    let err = from_batch::<Entry>(&batch).unwrap_err();
    assert!(matches!(err, Error::Rows { .. }), "{err}");
    assert!(err.to_string().starts_with("converting a record batch to rows"), "{err}");
}
