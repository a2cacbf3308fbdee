//! An Arrow schema for rows of the record model, inferred from the rows.
//!
//! Each column's type is the narrowest that holds every value seen (see
//! [`infer_schema`]); [`super::from_records`] then builds the batch with no
//! cast that could lose a value.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, IntervalUnit, Schema, TimeUnit as ArrowUnit};
use flatbox_wire::{Interval, PackedArray, TimeUnit, Value};

use super::{not_a_row, record};
use crate::{Error, Result};

/// The largest integer magnitude an `f64` holds exactly (2^53).
pub(super) const F64_EXACT: i128 = 1 << 53;

/// The schema that fits every row of `rows`, the rows of a row format
/// (MessagePack, wire, JSON) on their way to Arrow or Parquet.
///
/// A row is a [`Value::Map`] with string keys, one per column. Columns come
/// in the order their keys first appear; a column some rows lack is
/// nullable, as is one that holds a null. Each column's type is the
/// narrowest that holds every value:
///
/// | values seen | Arrow type |
/// |---|---|
/// | only nulls | `Null` |
/// | bools | `Boolean` |
/// | integers | `Int64`, or `UInt64` when one is above `i64::MAX` and none is negative |
/// | floats (`F16`, `F32`, `F64`) | `Float16`, `Float32` or `Float64`, the widest seen |
/// | integers and floats | `Float64` (an integer beyond ±2^53 is then an error when the batch is built) |
/// | strings / bytes | `Utf8` / `Binary` |
/// | datetimes, dates, times, durations, intervals | their own type (`Timestamp(unit, tz)`, ...) |
/// | decimals of one scale | `Decimal128(p, s)` (`Decimal256` above 38 digits), `p` the largest precision |
/// | arrays, packed arrays | `List` of the items' type |
/// | maps with string keys | `Struct` of every key seen |
/// | maps with other keys | `Map` of the keys' and values' types |
///
/// # Errors
///
/// [`Error::Record`] naming the column (its path inside nested types) and
/// the row when a row is not a map with string keys, or when a column holds
/// values of two kinds no type holds together (a string and an integer,
/// timestamps of two units or zones, decimals of two scales), or a
/// union, an extension value, or an integer beyond 64 bits.
///
/// # Examples
///
/// ```
/// use flatbox_arrow::arrow_schema::DataType;
/// use flatbox_arrow::records::{from_records, infer_schema};
/// use flatbox_wire::Value;
///
/// let row = |id: i128, tag: Option<&str>| {
///     let mut entries = vec![(Value::String("id".into()), Value::Integer(id))];
///     if let Some(tag) = tag {
///         entries.push((Value::String("tag".into()), Value::String(tag.into())));
///     }
///     Value::Map(entries)
/// };
/// let rows = [row(1, Some("a")), row(2, None)];
/// let schema = infer_schema(&rows)?;
/// assert_eq!(schema.field(0).data_type(), &DataType::Int64);
/// assert!(schema.field(1).is_nullable());
/// let batch = from_records(&std::sync::Arc::new(schema), &rows)?;
/// assert_eq!(batch.num_rows(), 2);
/// # Ok::<(), flatbox_arrow::Error>(())
/// ```
pub fn infer_schema(rows: &[Value]) -> Result<Schema> {
    let mut columns: Vec<(String, Column)> = Vec::new();
    for (row, value) in rows.iter().enumerate() {
        let Value::Map(entries) = value else { return Err(not_a_row(row, value)) };
        merge_fields(&mut columns, entries, row, row > 0)?;
    }
    Ok(Schema::new(columns.into_iter().map(|(name, c)| c.field(name)).collect::<Vec<_>>()))
}

/// What the values of one column (or one nested field) have been so far.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// Nothing but nulls (or nothing at all).
    Null,
    Bool,
    Int {
        min: i128,
        max: i128,
    },
    /// Floats of this many bits (16, 32, 64); `ints` when integers were
    /// seen too.
    Float {
        bits: u8,
        ints: bool,
    },
    Utf8,
    Binary,
    /// A logical scalar of one fixed Arrow type (timestamps, dates, ...).
    Scalar(DataType),
    Decimal {
        precision: u8,
        scale: i8,
    },
    List(Box<Column>),
    Struct(Vec<(String, Column)>),
    Map(Box<Column>, Box<Column>),
}

#[derive(Debug, Clone, PartialEq)]
struct Column {
    shape: Shape,
    nullable: bool,
}

impl Column {
    const fn unseen() -> Self {
        Column { shape: Shape::Null, nullable: false }
    }

    fn field(self, name: impl Into<String>) -> Field {
        let nullable = self.nullable || self.shape == Shape::Null;
        Field::new(name, self.shape.into_type(), nullable)
    }

    /// Folds `value` (of row `row`) into the column.
    fn merge(&mut self, value: &Value, row: usize) -> Result<()> {
        let kind = match value {
            Value::Null => {
                self.nullable = true;
                return Ok(());
            }
            Value::Bool(_) => Shape::Bool,
            Value::Integer(n) => Shape::Int { min: *n, max: *n },
            Value::BigUInt(n) => {
                let n = i128::try_from(*n).map_err(|_| beyond_64_bits(row))?;
                Shape::Int { min: n, max: n }
            }
            Value::F16(_) => Shape::Float { bits: 16, ints: false },
            Value::F32(_) => Shape::Float { bits: 32, ints: false },
            Value::F64(_) => Shape::Float { bits: 64, ints: false },
            Value::String(_) => Shape::Utf8,
            Value::Bytes(_) => Shape::Binary,
            Value::Decimal(d) => Shape::Decimal { precision: d.precision(), scale: d.scale() },
            Value::Array(items) => {
                let mut item = match &self.shape {
                    Shape::List(item) => (**item).clone(),
                    _ => Column::unseen(),
                };
                for x in items {
                    item.merge(x, row).map_err(|e| e.in_column("[]"))?;
                }
                Shape::List(Box::new(item))
            }
            Value::Packed(packed) => {
                let (shape, empty) = packed_shape(packed);
                let mut item = match &self.shape {
                    Shape::List(item) => (**item).clone(),
                    _ => Column::unseen(),
                };
                if !empty {
                    item.merge_shape(shape, row).map_err(|e| e.in_column("[]"))?;
                }
                Shape::List(Box::new(item))
            }
            Value::Map(entries) if entries.iter().all(|(k, _)| matches!(k, Value::String(_))) && !self.is_map() => {
                let mut fields = match &self.shape {
                    Shape::Struct(fields) => fields.clone(),
                    _ => Vec::new(),
                };
                let seen_before = !matches!(self.shape, Shape::Null);
                merge_fields(&mut fields, entries, row, seen_before)?;
                Shape::Struct(fields)
            }
            Value::Map(entries) => {
                let (mut key, mut val) = match &self.shape {
                    Shape::Map(k, v) => ((**k).clone(), (**v).clone()),
                    _ => (Column::unseen(), Column::unseen()),
                };
                for (k, v) in entries {
                    key.merge(k, row).map_err(|e| e.in_column("{key}"))?;
                    val.merge(v, row).map_err(|e| e.in_column("{value}"))?;
                }
                if key.nullable {
                    return Err(record(row, "a map key is null (Arrow map keys are never null)".into()));
                }
                Shape::Map(Box::new(key), Box::new(val))
            }
            Value::Timestamp(_) => Shape::Scalar(DataType::Timestamp(ArrowUnit::Nanosecond, Some("+00:00".into()))),
            Value::DateTime { unit, tz, .. } => Shape::Scalar(DataType::Timestamp(arrow_unit(*unit), tz.clone())),
            Value::Date32(_) => Shape::Scalar(DataType::Date32),
            Value::Date64(_) => Shape::Scalar(DataType::Date64),
            Value::Time { unit: u @ (TimeUnit::Second | TimeUnit::Millisecond), .. } => {
                Shape::Scalar(DataType::Time32(arrow_unit(*u)))
            }
            Value::Time { unit, .. } => Shape::Scalar(DataType::Time64(arrow_unit(*unit))),
            Value::Duration { unit, .. } => Shape::Scalar(DataType::Duration(arrow_unit(*unit))),
            Value::Interval(Interval::YearMonth { .. }) => Shape::Scalar(DataType::Interval(IntervalUnit::YearMonth)),
            Value::Interval(Interval::DayTime { .. }) => Shape::Scalar(DataType::Interval(IntervalUnit::DayTime)),
            Value::Interval(Interval::MonthDayNano { .. }) => {
                Shape::Scalar(DataType::Interval(IntervalUnit::MonthDayNano))
            }
            Value::Union { .. } | Value::Extension(_) => {
                return Err(record(
                    row,
                    format!(
                        "a {} has no column type to infer; convert to a format that keeps it (wire), or write Arrow from a schema",
                        value.type_name()
                    ),
                ));
            }
        };
        self.merge_shape(kind, row)
    }

    fn is_map(&self) -> bool {
        matches!(self.shape, Shape::Map(..))
    }

    /// Widens the column's shape to hold `new` too (nested shapes arrive
    /// already merged with the column's own).
    fn merge_shape(&mut self, new: Shape, row: usize) -> Result<()> {
        let merged = match (&self.shape, new) {
            (Shape::Null, new)
            | (Shape::List(_), new @ Shape::List(_))
            | (Shape::Struct(_), new @ Shape::Struct(_))
            | (Shape::Map(..), new @ Shape::Map(..)) => new,
            (Shape::Int { min, max }, Shape::Int { min: a, max: b }) => {
                Shape::Int { min: a.min(*min), max: b.max(*max) }
            }
            (Shape::Int { .. }, Shape::Float { .. }) | (Shape::Float { .. }, Shape::Int { .. }) => {
                Shape::Float { bits: 64, ints: true }
            }
            (Shape::Float { bits, ints }, Shape::Float { bits: b, ints: i }) => {
                Shape::Float { bits: if *ints || i { 64 } else { b.max(*bits) }, ints: *ints || i }
            }
            (Shape::Decimal { precision, scale }, Shape::Decimal { precision: p, scale: s }) if *scale == s => {
                Shape::Decimal { precision: p.max(*precision), scale: s }
            }
            (old, new) if *old == new => new,
            (old, new) => {
                return Err(record(
                    row,
                    format!(
                        "holds {}, where earlier rows hold {}: no one column type holds both",
                        new.describe(),
                        old.describe()
                    ),
                ));
            }
        };
        if let Shape::Int { min, max } = merged
            && !(fits_i64(min, max) || (min >= 0 && max <= i128::from(u64::MAX)))
        {
            return Err(beyond_64_bits(row));
        }
        self.shape = merged;
        Ok(())
    }
}

/// Folds one row's `(key, value)` entries into `fields`; a field that
/// `entries` lacks, or that earlier rows lacked (`seen_before`), is nullable.
fn merge_fields(
    fields: &mut Vec<(String, Column)>,
    entries: &[(Value, Value)],
    row: usize,
    seen_before: bool,
) -> Result<()> {
    let mut present = vec![false; fields.len()];
    for (key, value) in entries {
        let Value::String(name) = key else {
            return Err(record(row, format!("expected field names (strings) as keys, found {}", key.type_name())));
        };
        let index = if let Some(i) = fields.iter().position(|(n, _)| n == name) {
            i
        } else {
            let mut column = Column::unseen();
            column.nullable = seen_before;
            fields.push((name.clone(), column));
            present.push(false);
            fields.len() - 1
        };
        if present[index] {
            return Err(record(row, format!("field {name:?} appears twice")).in_column(name));
        }
        present[index] = true;
        fields[index].1.merge(value, row).map_err(|e| e.in_column(name))?;
    }
    for ((_, column), present) in fields.iter_mut().zip(present) {
        if !present {
            column.nullable = true;
        }
    }
    Ok(())
}

impl Shape {
    fn into_type(self) -> DataType {
        match self {
            Shape::Null => DataType::Null,
            Shape::Bool => DataType::Boolean,
            Shape::Int { min, max } if fits_i64(min, max) => DataType::Int64,
            Shape::Int { .. } => DataType::UInt64,
            Shape::Float { bits: 16, .. } => DataType::Float16,
            Shape::Float { bits: 32, .. } => DataType::Float32,
            Shape::Float { .. } => DataType::Float64,
            Shape::Utf8 => DataType::Utf8,
            Shape::Binary => DataType::Binary,
            Shape::Scalar(dt) => dt,
            Shape::Decimal { precision, scale } if precision <= 38 => DataType::Decimal128(precision, scale),
            Shape::Decimal { precision, scale } => DataType::Decimal256(precision, scale),
            Shape::List(item) => DataType::List(Arc::new(item.field("item"))),
            Shape::Struct(fields) => {
                DataType::Struct(fields.into_iter().map(|(name, c)| c.field(name)).collect::<Fields>())
            }
            Shape::Map(key, value) => {
                let entries = Fields::from(vec![key.field("key"), value.field("value")]);
                DataType::Map(Arc::new(Field::new("entries", DataType::Struct(entries), false)), false)
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Shape::Null => "nulls".into(),
            Shape::Bool => "bools".into(),
            Shape::Int { .. } => "integers".into(),
            Shape::Float { .. } => "floats".into(),
            Shape::Utf8 => "strings".into(),
            Shape::Binary => "bytes".into(),
            Shape::Scalar(dt) => format!("values of type {dt}"),
            Shape::Decimal { precision, scale } => format!("decimals of precision {precision} and scale {scale}"),
            Shape::List(_) => "arrays".into(),
            Shape::Struct(_) => "maps with string keys".into(),
            Shape::Map(..) => "maps with non-string keys".into(),
        }
    }
}

fn fits_i64(min: i128, max: i128) -> bool {
    min >= i128::from(i64::MIN) && max <= i128::from(i64::MAX)
}

/// The shape of a packed array's elements, and whether it has none.
fn packed_shape(packed: &PackedArray) -> (Shape, bool) {
    fn range<T: Copy + Into<i128>>(v: &[T]) -> Shape {
        let (min, max) = v.iter().fold((i128::MAX, i128::MIN), |(lo, hi), &x| (lo.min(x.into()), hi.max(x.into())));
        Shape::Int { min, max }
    }
    let shape = match packed {
        PackedArray::U8(v) => range(v),
        PackedArray::I8(v) => range(v),
        PackedArray::U16(v) => range(v),
        PackedArray::I16(v) => range(v),
        PackedArray::U32(v) => range(v),
        PackedArray::I32(v) => range(v),
        PackedArray::U64(v) => range(v),
        PackedArray::I64(v) => range(v),
        PackedArray::F32(_) => Shape::Float { bits: 32, ints: false },
        PackedArray::F64(_) => Shape::Float { bits: 64, ints: false },
    };
    (shape, packed.is_empty())
}

fn arrow_unit(u: TimeUnit) -> ArrowUnit {
    match u {
        TimeUnit::Second => ArrowUnit::Second,
        TimeUnit::Millisecond => ArrowUnit::Millisecond,
        TimeUnit::Microsecond => ArrowUnit::Microsecond,
        TimeUnit::Nanosecond => ArrowUnit::Nanosecond,
    }
}

fn beyond_64_bits(row: usize) -> Error {
    record(
        row,
        "holds an integer that neither int64 nor uint64 holds (beyond 64 bits, or with negative ones beside ones above i64's maximum)".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (Value::String(k.into()), v)).collect())
    }

    #[test]
    fn integers_and_floats_widen_to_float64() {
        let schema = infer_schema(&[row(vec![("x", Value::Integer(1))]), row(vec![("x", Value::F32(0.5))])]).unwrap();
        assert_eq!(schema.field(0).data_type(), &DataType::Float64);
        assert!(!schema.field(0).is_nullable());
    }

    #[test]
    fn an_integer_above_i64_makes_the_column_unsigned() {
        let big = i128::from(u64::MAX);
        let schema = infer_schema(&[row(vec![("x", Value::Integer(big))])]).unwrap();
        assert_eq!(schema.field(0).data_type(), &DataType::UInt64);
        let schema = infer_schema(&[row(vec![("x", Value::Integer(-1))])]).unwrap();
        assert_eq!(schema.field(0).data_type(), &DataType::Int64);
        // Both signs and beyond i64: no integer type holds the column.
        let err = infer_schema(&[row(vec![("x", Value::Integer(big))]), row(vec![("x", Value::Integer(-1))])]);
        let text = err.unwrap_err().to_string();
        assert!(text.contains("column x, row 1") && text.contains("neither int64 nor uint64"), "{text}");
        assert!(infer_schema(&[row(vec![("x", Value::Integer(big + 1))])]).is_err());
    }

    #[test]
    fn missing_keys_make_a_column_nullable_and_keep_first_seen_order() {
        let schema = infer_schema(&[
            row(vec![("b", Value::Bool(true)), ("a", Value::String("x".into()))]),
            row(vec![("a", Value::String("y".into())), ("c", Value::Null)]),
        ])
        .unwrap();
        let names: Vec<_> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert!(schema.field(0).is_nullable(), "b is missing from row 2");
        assert!(!schema.field(1).is_nullable());
        assert_eq!(schema.field(2).data_type(), &DataType::Null);
    }

    #[test]
    fn a_string_after_integers_names_the_column_and_row() {
        let err = infer_schema(&[
            row(vec![("user", row(vec![("id", Value::Integer(1))]))]),
            row(vec![("user", row(vec![("id", Value::String("7".into()))]))]),
        ])
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("user.id") && text.contains("row 1") && text.contains("strings"), "{text}");
    }

    #[test]
    fn nested_arrays_and_any_key_maps_get_lists_and_maps() {
        let schema = infer_schema(&[row(vec![
            ("tags", Value::Array(vec![Value::String("a".into()), Value::Null])),
            ("counts", Value::Map(vec![(Value::Integer(1), Value::F64(2.0))])),
            ("packed", Value::Packed(PackedArray::U16(vec![1, 2]))),
        ])])
        .unwrap();
        assert_eq!(schema.field(0).data_type(), &DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))));
        let DataType::Map(entries, false) = schema.field(1).data_type() else { panic!("{schema}") };
        assert_eq!(
            entries.data_type(),
            &DataType::Struct(Fields::from(vec![
                Field::new("key", DataType::Int64, false),
                Field::new("value", DataType::Float64, false)
            ]))
        );
        assert_eq!(schema.field(2).data_type(), &DataType::List(Arc::new(Field::new("item", DataType::Int64, false))));
    }

    #[test]
    fn decimals_of_one_scale_take_the_largest_precision() {
        let d = |n: i128, p: u8| Value::Decimal(flatbox_wire::Decimal::from_i128(n, p, 2).unwrap());
        let schema = infer_schema(&[row(vec![("p", d(12, 4))]), row(vec![("p", d(123_456, 9))])]).unwrap();
        assert_eq!(schema.field(0).data_type(), &DataType::Decimal128(9, 2));
        let other_scale = Value::Decimal(flatbox_wire::Decimal::from_i128(1, 4, 3).unwrap());
        assert!(infer_schema(&[row(vec![("p", d(12, 4))]), row(vec![("p", other_scale)])]).is_err());
    }

    #[test]
    fn a_row_that_is_not_a_map_is_refused() {
        let err = infer_schema(&[Value::Integer(3)]).unwrap_err();
        assert!(err.to_string().contains("expected a row"), "{err}");
    }
}
