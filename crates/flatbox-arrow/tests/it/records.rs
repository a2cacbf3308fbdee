//! The record model: batches to rows of `Value` and back, on Arrow C++'s
//! golden files and on random schemas.

use std::sync::Arc;

use flatbox_arrow::arrow_array::types::{Int8Type, Int32Type};
use flatbox_arrow::arrow_array::{DictionaryArray, Int32Array, RecordBatch, RunArray, StringArray};
use flatbox_arrow::arrow_schema::{
    DataType, Field, Fields, IntervalUnit, Schema, SchemaRef, TimeUnit as ArrowUnit, UnionFields, UnionMode,
};
use flatbox_arrow::records::{from_records, to_records, to_values};
use flatbox_arrow::{Error, IpcFile};
use flatbox_wire::{Decimal, Interval, TimeUnit, Value};
use proptest::prelude::*;

use crate::golden::{golden_files, is_big_endian, stem};

/// Columns equal, or (for dictionary, run-end and view types, whose
/// encoding `from_records` rebuilds its own way) equal as values.
fn same_columns(a: &RecordBatch, b: &RecordBatch, normalised: &mut Vec<String>, name: &str) -> Result<(), String> {
    if a.schema() != b.schema() || a.num_rows() != b.num_rows() {
        return Err(format!("{name}: schema or row count differs"));
    }
    for (i, (x, y)) in a.columns().iter().zip(b.columns()).enumerate() {
        if x == y {
            continue;
        }
        let (vx, vy) = (to_values(x.as_ref()).unwrap(), to_values(y.as_ref()).unwrap());
        if vx != vy {
            return Err(format!("{name}: column {} ({}) differs", a.schema().field(i).name(), x.data_type()));
        }
        normalised.push(format!("{name}: {}", x.data_type()));
    }
    Ok(())
}

#[test]
fn every_golden_file_comes_back_through_the_record_model() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut normalised = Vec::new();
    for path in golden_files() {
        if is_big_endian(&path) {
            continue;
        }
        let name = stem(&path);
        let file = IpcFile::open(&path).unwrap();
        for batch in file.batches().unwrap() {
            let rows = match to_records(&batch) {
                Ok(rows) => rows,
                Err(e) => {
                    failures.push(format!("{name}: to_records: {e}"));
                    continue;
                }
            };
            assert_eq!(rows.len(), batch.num_rows());
            match from_records(&batch.schema(), &rows) {
                Ok(back) => {
                    if let Err(e) = same_columns(&batch, &back, &mut normalised, &name) {
                        failures.push(e);
                    }
                }
                Err(e) => failures.push(format!("{name}: from_records: {e}")),
            }
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "golden files failing the record round trip:\n{}", failures.join("\n"));
    assert!(checked >= 30, "only {checked} golden files");
    // Which encodings came back equal as values rather than as buffers.
    for n in &normalised {
        assert!(
            n.contains("Dictionary") || n.contains("RunEndEncoded") || n.contains("View"),
            "only encodings may need normalising: {n}"
        );
    }
}

fn schema(fields: Vec<Field>) -> SchemaRef {
    Arc::new(Schema::new(fields))
}

fn row(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(entries.into_iter().map(|(k, v)| (Value::String(k.into()), v)).collect())
}

#[test]
fn errors_name_the_column_the_row_and_the_types() {
    let s = schema(vec![
        Field::new("id", DataType::Int8, false),
        Field::new("tags", DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))), true),
    ]);
    let e = from_records(&s, &[row(vec![("id", Value::Integer(1))]), row(vec![("id", Value::Integer(300))])])
        .unwrap_err()
        .to_string();
    assert!(e.contains("column id, row 1") && e.contains("Int8") && e.contains("300"), "{e}");

    let e = from_records(
        &s,
        &[row(vec![
            ("id", Value::Integer(1)),
            ("tags", Value::Array(vec![Value::String("a".into()), Value::Integer(2)])),
        ])],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("column tags[], row 0") && e.contains("Utf8") && e.contains("integer"), "{e}");

    let e = from_records(&s, &[row(vec![("id", Value::Null)])]).unwrap_err().to_string();
    assert!(e.contains("column id, row 0") && e.contains("non-nullable"), "{e}");

    let e = from_records(&s, &[row(vec![("id", Value::Integer(1)), ("extra", Value::Null)])]).unwrap_err();
    assert!(matches!(e, Error::Record { row: 0, .. }) && e.to_string().contains("\"extra\""), "{e}");

    let e = from_records(&s, &[Value::Integer(1)]).unwrap_err().to_string();
    assert!(e.contains("row 0") && e.contains("expected a row"), "{e}");

    // A decimal of another scale, a datetime of another unit.
    let s = schema(vec![
        Field::new("price", DataType::Decimal128(6, 2), true),
        Field::new("at", DataType::Timestamp(ArrowUnit::Millisecond, None), true),
    ]);
    let e = from_records(&s, &[row(vec![("price", Value::Decimal(Decimal::from_i128(1, 6, 3).unwrap()))])])
        .unwrap_err()
        .to_string();
    assert!(e.contains("column price, row 0") && e.contains("decimal(6, 3)"), "{e}");
    let e = from_records(&s, &[row(vec![("at", Value::DateTime { value: 1, unit: TimeUnit::Second, tz: None })])])
        .unwrap_err()
        .to_string();
    assert!(e.contains("column at, row 0") && e.contains("datetime[s]"), "{e}");
    // A decimal beyond its precision.
    let e = from_records(&s, &[row(vec![("price", Value::Decimal(Decimal::from_i128(10_000_000, 6, 2).unwrap()))])])
        .unwrap_err()
        .to_string();
    assert!(e.contains("column price, row 0"), "{e}");
}

#[test]
fn nested_paths_in_errors() {
    let inner = Fields::from(vec![Field::new("city", DataType::Utf8, true)]);
    let s = schema(vec![Field::new("address", DataType::Struct(inner), true)]);
    let e = from_records(&s, &[row(vec![("address", row(vec![("city", Value::Bool(true))]))])]).unwrap_err();
    assert!(e.to_string().contains("column address.city, row 0"), "{e}");
    // A null struct row with a non-nullable child is fine (the child is
    // masked), and reads back as null.
    let strict = Fields::from(vec![Field::new("city", DataType::Utf8, false)]);
    let s = schema(vec![Field::new("address", DataType::Struct(strict), true)]);
    let rows = vec![
        row(vec![("address", Value::Null)]),
        row(vec![("address", row(vec![("city", Value::String("x".into()))]))]),
    ];
    let batch = from_records(&s, &rows).unwrap();
    assert_eq!(to_records(&batch).unwrap(), rows);
}

#[test]
fn a_null_union_member_under_a_non_nullable_struct_child_is_an_error() {
    // A union has no validity of its own; a null in its chosen child is a
    // null of the union, which a non-nullable struct child cannot hold.
    let union = DataType::Union(
        UnionFields::try_new(vec![3], vec![Field::new("x", DataType::Utf8, true)]).unwrap(),
        UnionMode::Sparse,
    );
    let s = schema(vec![Field::new("c0", DataType::Struct(Fields::from(vec![Field::new("b", union, false)])), true)]);
    let rows = [row(vec![("c0", row(vec![("b", Value::Union { type_id: 3, value: Box::new(Value::Null) })]))])];
    let e = from_records(&s, &rows).unwrap_err().to_string();
    assert!(e.contains("column c0") && e.contains("non-nullable") && e.contains("\"b\""), "{e}");
    let ok =
        [row(vec![("c0", row(vec![("b", Value::Union { type_id: 3, value: Box::new(Value::String("v".into())) })]))])];
    assert_eq!(to_records(&from_records(&s, &ok).unwrap()).unwrap(), ok);
}

#[test]
fn dictionaries_and_run_ends_read_as_their_values() {
    let dict: DictionaryArray<Int8Type> = ["a", "b", "a"].into_iter().map(Some).chain([None]).collect();
    let values = to_values(&dict).unwrap();
    assert_eq!(
        values,
        ["a", "b", "a"].map(|s| Value::String(s.into())).into_iter().chain([Value::Null]).collect::<Vec<_>>()
    );
    let ree = RunArray::<Int32Type>::try_new(&Int32Array::from(vec![2, 3]), &StringArray::from(vec![Some("x"), None]))
        .unwrap();
    assert_eq!(to_values(&ree).unwrap(), vec![Value::String("x".into()), Value::String("x".into()), Value::Null]);
}

// ---- random schemas and batches ----

fn leaf_type() -> impl Strategy<Value = DataType> {
    prop_oneof![
        Just(DataType::Null),
        Just(DataType::Boolean),
        Just(DataType::Int8),
        Just(DataType::Int32),
        Just(DataType::Int64),
        Just(DataType::UInt8),
        Just(DataType::UInt64),
        Just(DataType::Float16),
        Just(DataType::Float32),
        Just(DataType::Float64),
        Just(DataType::Utf8),
        Just(DataType::LargeUtf8),
        Just(DataType::Utf8View),
        Just(DataType::Binary),
        Just(DataType::BinaryView),
        Just(DataType::FixedSizeBinary(3)),
        Just(DataType::Timestamp(ArrowUnit::Millisecond, None)),
        Just(DataType::Timestamp(ArrowUnit::Nanosecond, Some("UTC".into()))),
        Just(DataType::Timestamp(ArrowUnit::Second, Some("+02:00".into()))),
        Just(DataType::Date32),
        Just(DataType::Date64),
        Just(DataType::Time32(ArrowUnit::Second)),
        Just(DataType::Time64(ArrowUnit::Nanosecond)),
        Just(DataType::Duration(ArrowUnit::Microsecond)),
        Just(DataType::Interval(IntervalUnit::YearMonth)),
        Just(DataType::Interval(IntervalUnit::DayTime)),
        Just(DataType::Interval(IntervalUnit::MonthDayNano)),
        Just(DataType::Decimal32(9, 2)),
        Just(DataType::Decimal64(18, 0)),
        Just(DataType::Decimal128(38, 10)),
        Just(DataType::Decimal256(76, -2)),
        Just(DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8))),
        Just(DataType::RunEndEncoded(
            Arc::new(Field::new("run_ends", DataType::Int32, false)),
            Arc::new(Field::new("values", DataType::Int64, true)),
        )),
    ]
}

fn data_type() -> impl Strategy<Value = DataType> {
    leaf_type().prop_recursive(3, 16, 3, |inner| {
        let item = inner.clone().prop_map(|t| Arc::new(Field::new("item", t, true)));
        prop_oneof![
            item.clone().prop_map(DataType::List),
            item.clone().prop_map(DataType::LargeList),
            item.clone().prop_map(DataType::ListView),
            item.clone().prop_map(|f| DataType::FixedSizeList(f, 2)),
            (inner.clone(), inner.clone(), any::<bool>()).prop_map(|(a, b, strict)| {
                let nullable = strict_ok(strict) || only_nulls_possible(&b);
                DataType::Struct(Fields::from(vec![Field::new("a", a, true), Field::new("b", b, nullable)]))
            }),
            (prop_oneof![Just(DataType::Utf8), Just(DataType::Int32), Just(DataType::Date32)], inner.clone()).prop_map(
                |(k, v)| {
                    let entries = Fields::from(vec![Field::new("key", k, false), Field::new("value", v, true)]);
                    DataType::Map(Arc::new(Field::new("entries", DataType::Struct(entries), false)), false)
                }
            ),
            (inner.clone(), inner, any::<bool>()).prop_map(|(a, b, dense)| {
                let fields =
                    UnionFields::try_new(vec![3, 7], vec![Field::new("x", a, true), Field::new("y", b, true)]).unwrap();
                DataType::Union(fields, if dense { UnionMode::Dense } else { UnionMode::Sparse })
            }),
        ]
    })
}

/// Struct children may be non-nullable (masked under null rows): a
/// nullable one half of the time.
fn strict_ok(strict: bool) -> bool {
    !strict
}

/// Whether a value of `dt` can be null however it is generated (a `Null`
/// column, or a union with a `Null` child): such a struct child must be
/// nullable.
fn only_nulls_possible(dt: &DataType) -> bool {
    match dt {
        DataType::Null => true,
        DataType::Union(fields, _) => fields.iter().any(|(_, f)| only_nulls_possible(f.data_type())),
        _ => false,
    }
}

fn unit_of(u: ArrowUnit) -> TimeUnit {
    match u {
        ArrowUnit::Second => TimeUnit::Second,
        ArrowUnit::Millisecond => TimeUnit::Millisecond,
        ArrowUnit::Microsecond => TimeUnit::Microsecond,
        ArrowUnit::Nanosecond => TimeUnit::Nanosecond,
    }
}

fn decimal(max: i128, p: u8, s: i8) -> BoxedStrategy<Value> {
    (-max..=max).prop_map(move |v| Value::Decimal(Decimal::from_i128(v, p, s).unwrap())).boxed()
}

/// A value of type `dt` (null sometimes, when `nullable`).
#[allow(clippy::too_many_lines, reason = "one arm per type")]
fn value_of(dt: &DataType, nullable: bool) -> BoxedStrategy<Value> {
    let v: BoxedStrategy<Value> = match dt.clone() {
        DataType::Null => return Just(Value::Null).boxed(),
        DataType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        DataType::Int8 => any::<i8>().prop_map(|v| Value::Integer(v.into())).boxed(),
        DataType::Int16 => any::<i16>().prop_map(|v| Value::Integer(v.into())).boxed(),
        DataType::Int32 => any::<i32>().prop_map(|v| Value::Integer(v.into())).boxed(),
        DataType::Int64 => any::<i64>().prop_map(|v| Value::Integer(v.into())).boxed(),
        DataType::UInt8 => any::<u8>().prop_map(|v| Value::Integer(v.into())).boxed(),
        DataType::UInt64 => any::<u64>().prop_map(|v| Value::Integer(v.into())).boxed(),
        DataType::Float16 => any::<u16>()
            .prop_map(half::f16::from_bits)
            .prop_filter("not NaN", |f| !f.is_nan())
            .prop_map(Value::F16)
            .boxed(),
        DataType::Float32 => any::<f32>().prop_filter("not NaN", |f| !f.is_nan()).prop_map(Value::F32).boxed(),
        DataType::Float64 => any::<f64>().prop_filter("not NaN", |f| !f.is_nan()).prop_map(Value::F64).boxed(),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => ".{0,20}".prop_map(Value::String).boxed(),
        DataType::Binary | DataType::BinaryView => {
            prop::collection::vec(any::<u8>(), 0..20).prop_map(Value::Bytes).boxed()
        }
        DataType::FixedSizeBinary(n) => {
            prop::collection::vec(any::<u8>(), usize::try_from(n).unwrap()).prop_map(Value::Bytes).boxed()
        }
        DataType::Timestamp(u, tz) => {
            any::<i64>().prop_map(move |value| Value::DateTime { value, unit: unit_of(u), tz: tz.clone() }).boxed()
        }
        DataType::Date32 => any::<i32>().prop_map(Value::Date32).boxed(),
        DataType::Date64 => any::<i64>().prop_map(Value::Date64).boxed(),
        DataType::Time32(u) => (0_i64..86_400).prop_map(move |value| Value::Time { value, unit: unit_of(u) }).boxed(),
        DataType::Time64(u) => {
            (0_i64..86_400_000_000_000).prop_map(move |value| Value::Time { value, unit: unit_of(u) }).boxed()
        }
        DataType::Duration(u) => {
            any::<i64>().prop_map(move |value| Value::Duration { value, unit: unit_of(u) }).boxed()
        }
        DataType::Interval(IntervalUnit::YearMonth) => {
            any::<i32>().prop_map(|months| Value::Interval(Interval::YearMonth { months })).boxed()
        }
        DataType::Interval(IntervalUnit::DayTime) => (any::<i32>(), any::<i32>())
            .prop_map(|(days, millis)| Value::Interval(Interval::DayTime { days, millis }))
            .boxed(),
        DataType::Interval(IntervalUnit::MonthDayNano) => (any::<i32>(), any::<i32>(), any::<i64>())
            .prop_map(|(months, days, nanos)| Value::Interval(Interval::MonthDayNano { months, days, nanos }))
            .boxed(),
        DataType::Decimal32(p, s) => decimal(999_999_999, p, s),
        DataType::Decimal64(p, s) => decimal(999_999_999_999_999_999, p, s),
        DataType::Decimal128(p, s) => decimal(10_i128.pow(38) - 1, p, s),
        DataType::Decimal256(p, s) => (any::<[u8; 31]>(), any::<bool>())
            .prop_map(move |(b, neg)| {
                // Up to 248 bits: fewer than 76 digits.
                let mut le = [if neg { 0xFF } else { 0 }; 32];
                le[..31].copy_from_slice(&b);
                if neg {
                    le[30] |= 0x80;
                } else {
                    le[30] &= 0x7F;
                }
                Value::Decimal(Decimal::from_le_bytes(le, p, s).unwrap())
            })
            .boxed(),
        DataType::Dictionary(_, v) => return value_of(&v, nullable),
        DataType::RunEndEncoded(_, v) => return value_of(v.data_type(), nullable),
        DataType::List(f) | DataType::LargeList(f) | DataType::ListView(f) => {
            prop::collection::vec(value_of(f.data_type(), f.is_nullable()), 0..4).prop_map(Value::Array).boxed()
        }
        DataType::FixedSizeList(f, n) => {
            prop::collection::vec(value_of(f.data_type(), f.is_nullable()), usize::try_from(n).unwrap())
                .prop_map(Value::Array)
                .boxed()
        }
        DataType::Struct(fields) => {
            let names: Vec<String> = fields.iter().map(|f| f.name().clone()).collect();
            fields
                .iter()
                .map(|f| value_of(f.data_type(), f.is_nullable()))
                .collect::<Vec<_>>()
                .prop_map(move |vs| {
                    Value::Map(names.iter().zip(vs).map(|(n, v)| (Value::String(n.clone()), v)).collect())
                })
                .boxed()
        }
        DataType::Map(entries, _) => {
            let DataType::Struct(kv) = entries.data_type() else { unreachable!() };
            prop::collection::vec((value_of(kv[0].data_type(), false), value_of(kv[1].data_type(), true)), 0..3)
                .prop_map(Value::Map)
                .boxed()
        }
        // A union has no validity of its own: its nulls are its
        // children's, so a non-nullable union field holds none (arrow-rs
        // checks a struct's non-nullable children by their logical nulls).
        DataType::Union(fields, _) => {
            let choices: Vec<BoxedStrategy<Value>> = fields
                .iter()
                .map(|(id, f)| {
                    value_of(f.data_type(), nullable && f.is_nullable())
                        .prop_map(move |v| Value::Union { type_id: id, value: Box::new(v) })
                        .boxed()
                })
                .collect();
            return proptest::strategy::Union::new(choices).boxed();
        }
        other => unreachable!("no generator for {other}"),
    };
    if nullable { prop_oneof![1 => Just(Value::Null), 4 => v].boxed() } else { v }
}

/// A schema and rows for it.
fn table() -> impl Strategy<Value = (SchemaRef, Vec<Value>)> {
    prop::collection::vec((data_type(), any::<bool>()), 1..4).prop_flat_map(|columns| {
        let fields: Vec<Field> = columns
            .into_iter()
            .enumerate()
            .map(|(i, (t, nullable))| {
                // Null and union columns have no validity of their own.
                let nullable = nullable || matches!(t, DataType::Null);
                Field::new(format!("c{i}"), t, nullable)
            })
            .collect();
        let s = schema(fields);
        let names: Vec<String> = s.fields().iter().map(|f| f.name().clone()).collect();
        let row =
            s.fields().iter().map(|f| value_of(f.data_type(), f.is_nullable())).collect::<Vec<_>>().prop_map(
                move |vs| Value::Map(names.iter().zip(vs).map(|(n, v)| (Value::String(n.clone()), v)).collect()),
            );
        (Just(s), prop::collection::vec(row, 0..6))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_batches_round_trip_through_records((s, rows) in table()) {
        let batch = from_records(&s, &rows).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(batch.num_rows(), rows.len());
        // Records -> batch -> records: the same rows.
        let back = to_records(&batch).unwrap();
        prop_assert_eq!(&back, &rows);
        // Batch -> records -> batch: the same batch (dictionary, run-end
        // and view columns are rebuilt by the same cast, so equal too).
        let again = from_records(&s, &back).unwrap();
        prop_assert_eq!(again.columns(), batch.columns());
        for c in batch.columns() {
            prop_assert!(c.len() == rows.len());
        }
    }
}
