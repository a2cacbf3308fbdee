//! Record batches to rows of the record model ([`flatbox_wire::Value`]) and
//! back, losslessly, for every Arrow type arrow-rs supports.
//!
//! A row is a [`Value::Map`] with one entry per column, its key the column
//! name as a [`Value::String`], in the schema's order. A column's values take
//! the forms of the [mapping table](crate::mapping): integers as
//! [`Value::Integer`], `float16` as [`Value::F16`], timestamps as
//! [`Value::DateTime`] with the column's unit and zone, decimals as
//! [`Value::Decimal`] with its precision and scale, structs as maps with
//! string keys, maps as maps with keys of any type, unions as
//! [`Value::Union`], and so on.
//!
//! Going back needs the schema: the model does not say whether an array is
//! a `List` or a `LargeList`, or an integer an `Int8` or a `UInt64`.
//! Dictionary, run-end encoded and view types (`Utf8View`, `BinaryView`,
//! `ListView`, `LargeListView`) are *encodings*, not values: their values
//! are read through `arrow-cast` as the plain type, and built back as the
//! plain type and cast to the encoding the schema asks for (so a dictionary
//! comes back with its values in first-seen order, not necessarily the
//! original dictionary's).
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use flatbox_arrow::arrow_array::{ArrayRef, Decimal128Array, RecordBatch, StringArray};
//! use flatbox_arrow::records;
//! use flatbox_wire::{Decimal, Value};
//!
//! let price: ArrayRef = Arc::new(Decimal128Array::from(vec![Some(1234), None]).with_precision_and_scale(6, 2)?);
//! let name: ArrayRef = Arc::new(StringArray::from(vec!["tea", "cake"]));
//! let batch = RecordBatch::try_from_iter([("name", name), ("price", price)])?;
//!
//! let rows = records::to_records(&batch)?;
//! assert_eq!(
//!     rows[0],
//!     Value::Map(vec![
//!         (Value::String("name".into()), Value::String("tea".into())),
//!         (Value::String("price".into()), Value::Decimal(Decimal::from_i128(1234, 6, 2)?)),
//!     ])
//! );
//! assert_eq!(records::from_records(&batch.schema(), &rows)?, batch);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowPrimitiveType, Date32Type, Date64Type, Decimal32Type, Decimal64Type, Decimal128Type, Decimal256Type,
    DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType, DurationSecondType, Float16Type,
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, IntervalDayTimeType, IntervalMonthDayNanoType,
    IntervalYearMonthType, Time32MillisecondType, Time32SecondType, Time64MicrosecondType, Time64NanosecondType,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BooleanArray, FixedSizeListArray, GenericListArray, LargeBinaryArray,
    LargeStringArray, MapArray, NullArray, OffsetSizeTrait, PrimitiveArray, RecordBatch, RecordBatchOptions,
    StringArray, StructArray, UnionArray,
};
use arrow_buffer::{
    ArrowNativeType, IntervalDayTime, IntervalMonthDayNano, NullBuffer, OffsetBuffer, ScalarBuffer, i256,
};
use arrow_schema::{DataType, Field, FieldRef, IntervalUnit, SchemaRef, TimeUnit as ArrowUnit, UnionMode};
use flatbox_wire::{Decimal, Interval, TimeUnit, Value};

use crate::{Error, Result};

mod infer;
pub use infer::infer_schema;

/// The rows of a batch: one [`Value::Map`] per row, a `(name, value)` entry
/// per column in the schema's order.
///
/// # Errors
///
/// [`Error::Arrow`] when a dictionary, run-end encoded or view column
/// cannot be cast to its plain type.
pub fn to_records(batch: &RecordBatch) -> Result<Vec<Value>> {
    let schema = batch.schema();
    let names: Vec<Value> = schema.fields().iter().map(|f| Value::String(f.name().clone())).collect();
    let mut columns: Vec<std::vec::IntoIter<Value>> = Vec::with_capacity(batch.num_columns());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        columns.push(to_values(column.as_ref()).map_err(|e| e.in_column(field.name()))?.into_iter());
    }
    Ok((0..batch.num_rows())
        .map(|_| {
            Value::Map(
                names
                    .iter()
                    .zip(columns.iter_mut())
                    .map(|(n, c)| (n.clone(), c.next().unwrap_or(Value::Null)))
                    .collect(),
            )
        })
        .collect())
}

/// One [`Value`] per element of `array` (null slots are [`Value::Null`]).
///
/// # Errors
///
/// As for [`to_records`].
pub fn to_values(array: &dyn Array) -> Result<Vec<Value>> {
    let mut values = plain_values(array)?;
    // Unions and run-end encoded arrays have no validity of their own;
    // dictionaries and the rest: null slots become Null.
    if !matches!(array.data_type(), DataType::Union(..) | DataType::RunEndEncoded(..) | DataType::Null)
        && let Some(nulls) = array.logical_nulls()
    {
        for (v, valid) in values.iter_mut().zip(nulls.iter()) {
            if !valid {
                *v = Value::Null;
            }
        }
    }
    Ok(values)
}

fn cast_error(to: &DataType) -> impl FnOnce(arrow_schema::ArrowError) -> Error {
    let context = format!("reading the column as {to}");
    move |e| Error::arrow(context, e)
}

fn prim<T: ArrowPrimitiveType>(array: &dyn Array, f: impl Fn(T::Native) -> Value) -> Vec<Value> {
    array.as_primitive::<T>().values().iter().map(|v| f(*v)).collect()
}

fn int<T: ArrowPrimitiveType>(array: &dyn Array) -> Vec<Value>
where
    T::Native: Into<i128>,
{
    prim::<T>(array, |v| Value::Integer(v.into()))
}

fn unit(unit: ArrowUnit) -> TimeUnit {
    match unit {
        ArrowUnit::Second => TimeUnit::Second,
        ArrowUnit::Millisecond => TimeUnit::Millisecond,
        ArrowUnit::Microsecond => TimeUnit::Microsecond,
        ArrowUnit::Nanosecond => TimeUnit::Nanosecond,
    }
}

fn decimal(value: i128, precision: u8, scale: i8) -> Value {
    Decimal::from_i128(value, precision.max(1), scale).map_or(Value::Null, Value::Decimal)
}

/// The values of `array`, not yet masked by its validity.
#[allow(clippy::too_many_lines, reason = "one arm per Arrow type")]
fn plain_values(array: &dyn Array) -> Result<Vec<Value>> {
    let dt = array.data_type();
    Ok(match dt {
        DataType::Null => vec![Value::Null; array.len()],
        DataType::Boolean => array.as_boolean().values().iter().map(Value::Bool).collect(),
        DataType::Int8 => int::<Int8Type>(array),
        DataType::Int16 => int::<Int16Type>(array),
        DataType::Int32 => int::<Int32Type>(array),
        DataType::Int64 => int::<Int64Type>(array),
        DataType::UInt8 => int::<UInt8Type>(array),
        DataType::UInt16 => int::<UInt16Type>(array),
        DataType::UInt32 => int::<UInt32Type>(array),
        DataType::UInt64 => int::<UInt64Type>(array),
        DataType::Float16 => prim::<Float16Type>(array, Value::F16),
        DataType::Float32 => prim::<Float32Type>(array, Value::F32),
        DataType::Float64 => prim::<Float64Type>(array, Value::F64),
        DataType::Timestamp(u, tz) => {
            let (u, tz) = (unit(*u), tz.clone());
            let f = |value: i64| Value::DateTime { value, unit: u, tz: tz.clone() };
            match u {
                TimeUnit::Second => prim::<TimestampSecondType>(array, f),
                TimeUnit::Millisecond => prim::<TimestampMillisecondType>(array, f),
                TimeUnit::Microsecond => prim::<TimestampMicrosecondType>(array, f),
                TimeUnit::Nanosecond => prim::<TimestampNanosecondType>(array, f),
            }
        }
        DataType::Date32 => prim::<Date32Type>(array, Value::Date32),
        DataType::Date64 => prim::<Date64Type>(array, Value::Date64),
        DataType::Time32(u) => {
            let u = unit(*u);
            let f = |v: i32| Value::Time { value: i64::from(v), unit: u };
            if u == TimeUnit::Second {
                prim::<Time32SecondType>(array, f)
            } else {
                prim::<Time32MillisecondType>(array, f)
            }
        }
        DataType::Time64(u) => {
            let u = unit(*u);
            let f = |value: i64| Value::Time { value, unit: u };
            if u == TimeUnit::Microsecond {
                prim::<Time64MicrosecondType>(array, f)
            } else {
                prim::<Time64NanosecondType>(array, f)
            }
        }
        DataType::Duration(u) => {
            let u = unit(*u);
            let f = |value: i64| Value::Duration { value, unit: u };
            match u {
                TimeUnit::Second => prim::<DurationSecondType>(array, f),
                TimeUnit::Millisecond => prim::<DurationMillisecondType>(array, f),
                TimeUnit::Microsecond => prim::<DurationMicrosecondType>(array, f),
                TimeUnit::Nanosecond => prim::<DurationNanosecondType>(array, f),
            }
        }
        DataType::Interval(IntervalUnit::YearMonth) => {
            prim::<IntervalYearMonthType>(array, |months| Value::Interval(Interval::YearMonth { months }))
        }
        DataType::Interval(IntervalUnit::DayTime) => prim::<IntervalDayTimeType>(array, |v| {
            Value::Interval(Interval::DayTime { days: v.days, millis: v.milliseconds })
        }),
        DataType::Interval(IntervalUnit::MonthDayNano) => prim::<IntervalMonthDayNanoType>(array, |v| {
            Value::Interval(Interval::MonthDayNano { months: v.months, days: v.days, nanos: v.nanoseconds })
        }),
        DataType::Decimal32(p, s) => prim::<Decimal32Type>(array, |v| decimal(v.into(), *p, *s)),
        DataType::Decimal64(p, s) => prim::<Decimal64Type>(array, |v| decimal(v.into(), *p, *s)),
        DataType::Decimal128(p, s) => prim::<Decimal128Type>(array, |v| decimal(v, *p, *s)),
        DataType::Decimal256(p, s) => prim::<Decimal256Type>(array, |v| {
            Decimal::from_le_bytes(v.to_le_bytes(), (*p).max(1), *s).map_or(Value::Null, Value::Decimal)
        }),
        DataType::Utf8 => array.as_string::<i32>().iter().map(|s| Value::String(s.unwrap_or("").to_owned())).collect(),
        DataType::LargeUtf8 => {
            array.as_string::<i64>().iter().map(|s| Value::String(s.unwrap_or("").to_owned())).collect()
        }
        DataType::Utf8View => {
            array.as_string_view().iter().map(|s| Value::String(s.unwrap_or("").to_owned())).collect()
        }
        DataType::Binary => array.as_binary::<i32>().iter().map(|b| Value::Bytes(b.unwrap_or(&[]).to_vec())).collect(),
        DataType::LargeBinary => {
            array.as_binary::<i64>().iter().map(|b| Value::Bytes(b.unwrap_or(&[]).to_vec())).collect()
        }
        DataType::BinaryView => {
            array.as_binary_view().iter().map(|b| Value::Bytes(b.unwrap_or(&[]).to_vec())).collect()
        }
        DataType::FixedSizeBinary(_) => {
            array.as_fixed_size_binary().iter().map(|b| Value::Bytes(b.unwrap_or(&[]).to_vec())).collect()
        }
        DataType::List(_) => list(array.as_list::<i32>())?,
        DataType::LargeList(_) => list(array.as_list::<i64>())?,
        DataType::FixedSizeList(_, size) => {
            let a = array.as_fixed_size_list();
            let size = usize::try_from(*size).unwrap_or(0);
            let start = if a.is_empty() { 0 } else { a.value_offset_at(0) };
            let child = to_values(a.values().slice(start, a.len() * size).as_ref())?;
            let mut child = child.into_iter();
            (0..a.len()).map(|_| Value::Array(child.by_ref().take(size).collect())).collect()
        }
        DataType::ListView(f) | DataType::LargeListView(f) => {
            let to = DataType::LargeList(f.clone());
            let plain = arrow_cast::cast(array, &to).map_err(cast_error(&to))?;
            list(plain.as_list::<i64>())?
        }
        DataType::Struct(fields) => {
            let a = array.as_struct();
            let names: Vec<Value> = fields.iter().map(|f| Value::String(f.name().clone())).collect();
            let mut columns = Vec::with_capacity(fields.len());
            for (f, c) in fields.iter().zip(a.columns()) {
                columns.push(to_values(c.as_ref()).map_err(|e| e.in_column(f.name()))?.into_iter());
            }
            (0..a.len())
                .map(|_| {
                    Value::Map(
                        names
                            .iter()
                            .zip(columns.iter_mut())
                            .map(|(n, c)| (n.clone(), c.next().unwrap_or(Value::Null)))
                            .collect(),
                    )
                })
                .collect()
        }
        DataType::Map(..) => {
            let a = array.as_map();
            let offsets = a.value_offsets();
            let (start, end) = (offsets[0].as_usize(), offsets[a.len()].as_usize());
            let keys = to_values(a.keys().slice(start, end - start).as_ref())?;
            let values = to_values(a.values().slice(start, end - start).as_ref())?;
            let mut entries = keys.into_iter().zip(values);
            offsets
                .windows(2)
                .map(|w| Value::Map(entries.by_ref().take(w[1].as_usize() - w[0].as_usize()).collect()))
                .collect()
        }
        DataType::Union(fields, _) => {
            let a = array.as_any().downcast_ref::<UnionArray>().expect("a union array");
            let mut children = std::collections::HashMap::with_capacity(fields.len());
            for (id, f) in fields.iter() {
                children.insert(id, to_values(a.child(id).as_ref()).map_err(|e| e.in_column(f.name()))?);
            }
            (0..a.len())
                .map(|i| {
                    let type_id = a.type_id(i);
                    let value = children.get(&type_id).and_then(|c| c.get(a.value_offset(i))).cloned();
                    Value::Union { type_id, value: Box::new(value.unwrap_or(Value::Null)) }
                })
                .collect()
        }
        DataType::Dictionary(_, to) => {
            let plain = arrow_cast::cast(array, to).map_err(cast_error(to))?;
            to_values(plain.as_ref())?
        }
        DataType::RunEndEncoded(_, values) => {
            let to = values.data_type();
            let plain = arrow_cast::cast(array, to).map_err(cast_error(to))?;
            to_values(plain.as_ref())?
        }
    })
}

fn list<O: OffsetSizeTrait>(a: &GenericListArray<O>) -> Result<Vec<Value>> {
    let offsets = a.value_offsets();
    let (start, end) = (offsets[0].as_usize(), offsets[a.len()].as_usize());
    let child = to_values(a.values().slice(start, end - start).as_ref())?;
    let mut child = child.into_iter();
    Ok(offsets
        .windows(2)
        .map(|w| Value::Array(child.by_ref().take(w[1].as_usize() - w[0].as_usize()).collect()))
        .collect())
}

/// A batch of `schema` from rows of the record model: each row a
/// [`Value::Map`] whose keys are column names (any order; a missing column
/// is null), each value of the form [`to_records`] gives for the column's
/// type.
///
/// Values must fit exactly; nothing is cast. Widening that loses nothing is
/// allowed: an f16 or f32 into a wider float column, an f32 into a
/// float16 column when the f16 holds it exactly, an integer into a float64
/// column when within ±2^53 (so exact), a [`Value::Timestamp`] (an
/// instant, as MessagePack's timestamp extension brings) into a timestamp
/// column when the unit holds it exactly (a column without a zone takes the
/// instant's UTC wall clock, Arrow's convention).
///
/// # Errors
///
/// [`Error::Record`], naming the column (with the path inside nested types)
/// and the row, when a row is not a map, has a field the schema has no
/// column for, or holds a value that does not fit its column's type (an
/// integer out of range, a string in a number column, a null in a
/// non-nullable column, a decimal of another scale, a datetime of another
/// unit or zone). [`Error::Arrow`] when arrow-rs refuses the arrays (a
/// dictionary or run-end cast).
pub fn from_records(schema: &SchemaRef, rows: &[Value]) -> Result<RecordBatch> {
    let fields = schema.fields();
    let mut columns: Vec<Vec<Item<'_>>> = fields.iter().map(|_| Vec::with_capacity(rows.len())).collect();
    for (row, value) in rows.iter().enumerate() {
        let Value::Map(entries) = value else { return Err(not_a_row(row, value)) };
        split_struct(fields, entries, row, &mut columns)?;
    }
    let mut arrays = Vec::with_capacity(fields.len());
    for (field, items) in fields.iter().zip(&columns) {
        arrays.push(build(field, items).map_err(|e| e.in_column(field.name()))?);
    }
    RecordBatch::try_new_with_options(
        schema.clone(),
        arrays,
        &RecordBatchOptions::new().with_row_count(Some(rows.len())),
    )
    .map_err(|e| Error::arrow("building the record batch", e))
}

/// An array of `field`'s type from values of the record model, as
/// [`from_records`] does for one column.
///
/// # Errors
///
/// As for [`from_records`].
pub fn from_values(field: &Field, values: &[Value]) -> Result<ArrayRef> {
    let items: Vec<Item<'_>> = values.iter().enumerate().map(|(row, v)| Item { value: Some(v), row }).collect();
    build(field, &items).map_err(|e| e.in_column(field.name()))
}

/// A value to put in a column, and the row it comes from. `value: None` is a
/// slot under a null parent (a struct's null row, a sparse union's other
/// variant): it is written as null even in a non-nullable field.
#[derive(Clone, Copy)]
struct Item<'a> {
    value: Option<&'a Value>,
    row: usize,
}

static NULL: Value = Value::Null;

impl Item<'_> {
    fn is_null(&self) -> bool {
        matches!(self.value, None | Some(Value::Null))
    }

    fn masked(row: usize) -> Self {
        Item { value: None, row }
    }
}

/// The error for a row that is not a map of columns.
fn not_a_row(row: usize, value: &Value) -> Error {
    record(row, format!("expected a row (a map with string keys), found {}", value.type_name()))
}

fn record(row: usize, reason: String) -> Error {
    Error::Record { column: String::new(), row, reason }
}

fn mismatch(item: &Item<'_>, expected: &DataType) -> Error {
    let found = item.value.unwrap_or(&NULL);
    let mut shown = format!("{found:?}");
    if shown.len() > 60 {
        let mut end = 57;
        while !shown.is_char_boundary(end) {
            end -= 1;
        }
        shown.truncate(end);
        shown.push_str("...");
    }
    record(item.row, format!("expected a value of type {expected}, found {} {shown}", found.type_name()))
}

/// Splits the entries of one struct row into its fields' columns.
fn split_struct<'a>(
    fields: &arrow_schema::Fields,
    entries: &'a [(Value, Value)],
    row: usize,
    columns: &mut [Vec<Item<'a>>],
) -> Result<()> {
    let start = columns.first().map_or(0, Vec::len);
    for (i, (key, value)) in entries.iter().enumerate() {
        let Value::String(name) = key else {
            return Err(record(row, format!("expected field names (strings) as keys, found {}", key.type_name())));
        };
        let index = if fields.get(i).is_some_and(|f| f.name() == name) {
            i
        } else {
            fields.iter().position(|f| f.name() == name).ok_or_else(|| {
                record(row, format!("field {name:?} has no column in the schema (expected one of the schema's fields)"))
            })?
        };
        let column = &mut columns[index];
        if column.len() > start {
            return Err(record(row, format!("field {name:?} appears twice")));
        }
        column.push(Item { value: Some(value), row });
    }
    for column in columns.iter_mut() {
        if column.len() == start {
            column.push(Item { value: Some(&NULL), row });
        }
    }
    Ok(())
}

fn nulls_of(items: &[Item<'_>]) -> Option<NullBuffer> {
    items.iter().any(Item::is_null).then(|| NullBuffer::from(items.iter().map(|i| !i.is_null()).collect::<Vec<_>>()))
}

fn build(field: &Field, items: &[Item<'_>]) -> Result<ArrayRef> {
    if !field.is_nullable()
        && let Some(item) = items.iter().find(|i| matches!(i.value, Some(Value::Null)))
    {
        return Err(record(item.row, format!("null in a non-nullable column of type {}", field.data_type())));
    }
    build_type(field.data_type(), items)
}

fn primitive<T: ArrowPrimitiveType>(
    dt: &DataType,
    items: &[Item<'_>],
    f: impl Fn(&Value) -> Option<T::Native>,
) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(match item.value {
            None | Some(Value::Null) => None,
            Some(v) => Some(f(v).ok_or_else(|| mismatch(item, dt))?),
        });
    }
    Ok(Arc::new(out.into_iter().collect::<PrimitiveArray<T>>().with_data_type(dt.clone())))
}

fn integer<T: ArrowPrimitiveType>(dt: &DataType, items: &[Item<'_>]) -> Result<ArrayRef>
where
    T::Native: TryFrom<i128>,
{
    primitive::<T>(dt, items, |v| match v {
        Value::Integer(n) => T::Native::try_from(*n).ok(),
        _ => None,
    })
}

fn wire_unit(u: ArrowUnit) -> TimeUnit {
    unit(u)
}

fn datetime(v: &Value, u: ArrowUnit, tz: Option<&str>) -> Option<i64> {
    match v {
        Value::DateTime { value, unit: vu, tz: vtz } if *vu == wire_unit(u) && vtz.as_deref() == tz => Some(*value),
        Value::Timestamp(t) => {
            let per_second: i64 = match u {
                ArrowUnit::Second => 1,
                ArrowUnit::Millisecond => 1_000,
                ArrowUnit::Microsecond => 1_000_000,
                ArrowUnit::Nanosecond => 1_000_000_000,
            };
            let nanos_per_unit = 1_000_000_000 / per_second;
            let nanos = i64::from(t.nanos());
            (nanos % nanos_per_unit == 0)
                .then(|| t.seconds().checked_mul(per_second)?.checked_add(nanos / nanos_per_unit))
                .flatten()
        }
        _ => None,
    }
}

fn time_of(v: &Value, u: ArrowUnit) -> Option<i64> {
    match v {
        Value::Time { value, unit: vu } if *vu == wire_unit(u) => Some(*value),
        _ => None,
    }
}

fn duration_of(v: &Value, u: ArrowUnit) -> Option<i64> {
    match v {
        Value::Duration { value, unit: vu } if *vu == wire_unit(u) => Some(*value),
        _ => None,
    }
}

fn decimal_column<T>(dt: &DataType, items: &[Item<'_>], precision: u8, scale: i8) -> Result<ArrayRef>
where
    T: arrow_array::types::DecimalType,
    T::Native: TryFrom<i128>,
{
    for item in items {
        if let Some(Value::Decimal(d)) = item.value {
            let fits = d.scale() == scale
                && d.to_i128()
                    .and_then(|n| T::Native::try_from(n).ok())
                    .is_some_and(|n| T::is_valid_decimal_precision(n, precision));
            if !fits {
                return Err(mismatch(item, dt));
            }
        }
    }
    primitive::<T>(dt, items, |v| match v {
        Value::Decimal(d) => d.to_i128().and_then(|n| T::Native::try_from(n).ok()),
        _ => None,
    })
}

fn decimal256_column(dt: &DataType, items: &[Item<'_>], precision: u8, scale: i8) -> Result<ArrayRef> {
    primitive::<Decimal256Type>(dt, items, |v| match v {
        Value::Decimal(d) if d.scale() == scale => {
            let n = i256::from_le_bytes(d.to_le_bytes());
            <Decimal256Type as arrow_array::types::DecimalType>::is_valid_decimal_precision(n, precision).then_some(n)
        }
        _ => None,
    })
}

fn cast_to(plain: &ArrayRef, dt: &DataType) -> Result<ArrayRef> {
    arrow_cast::cast(plain, dt).map_err(|e| Error::arrow(format!("casting the column to {dt}"), e))
}

/// A nullable field of the plain type, to build an encoded type from.
fn plain_field(dt: &DataType) -> Field {
    Field::new("", dt.clone(), true)
}

fn strings<'a>(dt: &DataType, items: &[Item<'a>]) -> Result<Vec<Option<&'a str>>> {
    items
        .iter()
        .map(|item| match item.value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(mismatch(item, dt)),
        })
        .collect()
}

fn bytes<'a>(dt: &DataType, items: &[Item<'a>]) -> Result<Vec<Option<&'a [u8]>>> {
    items
        .iter()
        .map(|item| match item.value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bytes(b)) => Ok(Some(b.as_slice())),
            Some(_) => Err(mismatch(item, dt)),
        })
        .collect()
}

#[allow(clippy::too_many_lines, reason = "one arm per Arrow type")]
fn build_type(dt: &DataType, items: &[Item<'_>]) -> Result<ArrayRef> {
    Ok(match dt {
        DataType::Null => {
            if let Some(item) = items.iter().find(|i| !i.is_null()) {
                return Err(mismatch(item, dt));
            }
            Arc::new(NullArray::new(items.len()))
        }
        DataType::Boolean => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(match item.value {
                    None | Some(Value::Null) => None,
                    Some(Value::Bool(b)) => Some(*b),
                    Some(_) => return Err(mismatch(item, dt)),
                });
            }
            Arc::new(BooleanArray::from(out))
        }
        DataType::Int8 => integer::<Int8Type>(dt, items)?,
        DataType::Int16 => integer::<Int16Type>(dt, items)?,
        DataType::Int32 => integer::<Int32Type>(dt, items)?,
        DataType::Int64 => integer::<Int64Type>(dt, items)?,
        DataType::UInt8 => integer::<UInt8Type>(dt, items)?,
        DataType::UInt16 => integer::<UInt16Type>(dt, items)?,
        DataType::UInt32 => integer::<UInt32Type>(dt, items)?,
        DataType::UInt64 => integer::<UInt64Type>(dt, items)?,
        DataType::Float16 => primitive::<Float16Type>(dt, items, |v| match v {
            Value::F16(f) => Some(*f),
            Value::F32(f) => {
                let h = half::f16::from_f32(*f);
                (h.to_f32().to_bits() == f.to_bits() || (f.is_nan() && h.is_nan())).then_some(h)
            }
            _ => None,
        })?,
        DataType::Float32 => primitive::<Float32Type>(dt, items, |v| match v {
            Value::F16(f) => Some(f.to_f32()),
            Value::F32(f) => Some(*f),
            _ => None,
        })?,
        DataType::Float64 => primitive::<Float64Type>(dt, items, |v| match v {
            Value::F16(f) => Some(f.to_f64()),
            Value::F32(f) => Some(f64::from(*f)),
            Value::F64(f) => Some(*f),
            // An integer among floats (JSON's `1` beside `1.5`), when an
            // f64 holds it exactly.
            #[allow(clippy::cast_precision_loss, reason = "within 2^53, exact")]
            Value::Integer(n) if n.abs() <= infer::F64_EXACT => Some(*n as f64),
            _ => None,
        })?,
        DataType::Timestamp(u, tz) => {
            let (u, tz) = (*u, tz.as_deref());
            let f = |v: &Value| datetime(v, u, tz);
            match u {
                ArrowUnit::Second => primitive::<TimestampSecondType>(dt, items, f)?,
                ArrowUnit::Millisecond => primitive::<TimestampMillisecondType>(dt, items, f)?,
                ArrowUnit::Microsecond => primitive::<TimestampMicrosecondType>(dt, items, f)?,
                ArrowUnit::Nanosecond => primitive::<TimestampNanosecondType>(dt, items, f)?,
            }
        }
        DataType::Date32 => primitive::<Date32Type>(dt, items, |v| match v {
            Value::Date32(d) => Some(*d),
            _ => None,
        })?,
        DataType::Date64 => primitive::<Date64Type>(dt, items, |v| match v {
            Value::Date64(d) => Some(*d),
            _ => None,
        })?,
        DataType::Time32(u) => {
            let f = |v: &Value| time_of(v, *u).and_then(|t| i32::try_from(t).ok());
            if *u == ArrowUnit::Second {
                primitive::<Time32SecondType>(dt, items, f)?
            } else {
                primitive::<Time32MillisecondType>(dt, items, f)?
            }
        }
        DataType::Time64(u) => {
            let f = |v: &Value| time_of(v, *u);
            if *u == ArrowUnit::Microsecond {
                primitive::<Time64MicrosecondType>(dt, items, f)?
            } else {
                primitive::<Time64NanosecondType>(dt, items, f)?
            }
        }
        DataType::Duration(u) => {
            let f = |v: &Value| duration_of(v, *u);
            match u {
                ArrowUnit::Second => primitive::<DurationSecondType>(dt, items, f)?,
                ArrowUnit::Millisecond => primitive::<DurationMillisecondType>(dt, items, f)?,
                ArrowUnit::Microsecond => primitive::<DurationMicrosecondType>(dt, items, f)?,
                ArrowUnit::Nanosecond => primitive::<DurationNanosecondType>(dt, items, f)?,
            }
        }
        DataType::Interval(IntervalUnit::YearMonth) => primitive::<IntervalYearMonthType>(dt, items, |v| match v {
            Value::Interval(Interval::YearMonth { months }) => Some(*months),
            _ => None,
        })?,
        DataType::Interval(IntervalUnit::DayTime) => primitive::<IntervalDayTimeType>(dt, items, |v| match v {
            Value::Interval(Interval::DayTime { days, millis }) => Some(IntervalDayTime::new(*days, *millis)),
            _ => None,
        })?,
        DataType::Interval(IntervalUnit::MonthDayNano) => {
            primitive::<IntervalMonthDayNanoType>(dt, items, |v| match v {
                Value::Interval(Interval::MonthDayNano { months, days, nanos }) => {
                    Some(IntervalMonthDayNano::new(*months, *days, *nanos))
                }
                _ => None,
            })?
        }
        DataType::Decimal32(p, s) => decimal_column::<Decimal32Type>(dt, items, *p, *s)?,
        DataType::Decimal64(p, s) => decimal_column::<Decimal64Type>(dt, items, *p, *s)?,
        DataType::Decimal128(p, s) => decimal_column::<Decimal128Type>(dt, items, *p, *s)?,
        DataType::Decimal256(p, s) => decimal256_column(dt, items, *p, *s)?,
        DataType::Utf8 => Arc::new(StringArray::from(strings(dt, items)?)),
        DataType::LargeUtf8 => Arc::new(LargeStringArray::from(strings(dt, items)?)),
        DataType::Binary => Arc::new(BinaryArray::from(bytes(dt, items)?)),
        DataType::LargeBinary => Arc::new(LargeBinaryArray::from(bytes(dt, items)?)),
        DataType::FixedSizeBinary(size) => {
            let values = bytes(dt, items)?;
            let want = usize::try_from(*size).unwrap_or(0);
            if let Some((item, _)) = items.iter().zip(&values).find(|(_, b)| b.is_some_and(|b| b.len() != want)) {
                return Err(mismatch(item, dt));
            }
            let mut builder = arrow_array::builder::FixedSizeBinaryBuilder::with_capacity(items.len(), *size);
            for v in values {
                match v {
                    Some(b) => builder.append_value(b).map_err(|e| Error::arrow("building a fixed-size binary", e))?,
                    None => builder.append_null(),
                }
            }
            Arc::new(builder.finish())
        }
        DataType::Utf8View => cast_to(&build_type(&DataType::Utf8, items)?, dt)?,
        DataType::BinaryView => cast_to(&build_type(&DataType::Binary, items)?, dt)?,
        DataType::List(child) => list_column::<i32>(dt, child, items)?,
        DataType::LargeList(child) => list_column::<i64>(dt, child, items)?,
        DataType::ListView(child) => cast_to(&list_column::<i32>(dt, child, items)?, dt)?,
        DataType::LargeListView(child) => cast_to(&list_column::<i64>(dt, child, items)?, dt)?,
        DataType::FixedSizeList(child, size) => {
            let want = usize::try_from(*size).unwrap_or(0);
            let mut children = Vec::with_capacity(items.len() * want);
            for item in items {
                match item.value {
                    None | Some(Value::Null) => children.extend((0..want).map(|_| Item::masked(item.row))),
                    Some(Value::Array(xs)) if xs.len() == want => {
                        children.extend(xs.iter().map(|x| Item { value: Some(x), row: item.row }));
                    }
                    Some(_) => return Err(mismatch(item, dt)),
                }
            }
            let values = build(child, &children).map_err(|e| e.in_column("[]"))?;
            Arc::new(
                FixedSizeListArray::try_new(child.clone(), *size, values, nulls_of(items))
                    .map_err(|e| Error::arrow("building a fixed-size list", e))?,
            )
        }
        DataType::Struct(fields) => {
            let mut columns: Vec<Vec<Item<'_>>> = fields.iter().map(|_| Vec::with_capacity(items.len())).collect();
            for item in items {
                match item.value {
                    None | Some(Value::Null) => columns.iter_mut().for_each(|c| c.push(Item::masked(item.row))),
                    Some(Value::Map(entries)) => split_struct(fields, entries, item.row, &mut columns)?,
                    Some(_) => return Err(mismatch(item, dt)),
                }
            }
            let mut arrays = Vec::with_capacity(fields.len());
            for (f, c) in fields.iter().zip(&columns) {
                arrays.push(build(f, c).map_err(|e| e.in_column(f.name()))?);
            }
            Arc::new(
                StructArray::try_new_with_length(fields.clone(), arrays, nulls_of(items), items.len())
                    .map_err(|e| Error::arrow("building a struct", e))?,
            )
        }
        DataType::Map(entries_field, sorted) => {
            let DataType::Struct(kv) = entries_field.data_type() else {
                return Err(record(items.first().map_or(0, |i| i.row), format!("map type {dt} has no entries struct")));
            };
            let (Some(key_field), Some(value_field)) = (kv.first(), kv.get(1)) else {
                return Err(record(items.first().map_or(0, |i| i.row), format!("map type {dt} has no key and value")));
            };
            let (mut keys, mut values, mut lengths) = (Vec::new(), Vec::new(), Vec::with_capacity(items.len()));
            for item in items {
                match item.value {
                    None | Some(Value::Null) => lengths.push(0),
                    Some(Value::Map(entries)) => {
                        lengths.push(entries.len());
                        for (k, v) in entries {
                            keys.push(Item { value: Some(k), row: item.row });
                            values.push(Item { value: Some(v), row: item.row });
                        }
                    }
                    Some(_) => return Err(mismatch(item, dt)),
                }
            }
            let k = build(key_field, &keys).map_err(|e| e.in_column("{key}"))?;
            let v = build(value_field, &values).map_err(|e| e.in_column("{value}"))?;
            let entries = StructArray::try_new(kv.clone(), vec![k, v], None)
                .map_err(|e| Error::arrow("building a map's entries", e))?;
            Arc::new(
                MapArray::try_new(
                    entries_field.clone(),
                    OffsetBuffer::from_lengths(lengths),
                    entries,
                    nulls_of(items),
                    *sorted,
                )
                .map_err(|e| Error::arrow("building a map", e))?,
            )
        }
        DataType::Union(fields, mode) => {
            let ids: Vec<i8> = fields.iter().map(|(id, _)| id).collect();
            let mut type_ids = Vec::with_capacity(items.len());
            let mut children: Vec<Vec<Item<'_>>> = ids.iter().map(|_| Vec::new()).collect();
            let mut offsets = Vec::with_capacity(if *mode == UnionMode::Dense { items.len() } else { 0 });
            for item in items {
                let (slot, value) = match item.value {
                    // A union under a null parent: its first variant, masked.
                    None if !ids.is_empty() => (0, None),
                    Some(Value::Union { type_id, value }) => {
                        let slot = ids.iter().position(|id| id == type_id).ok_or_else(|| mismatch(item, dt))?;
                        (slot, Some(&**value))
                    }
                    _ => return Err(mismatch(item, dt)),
                };
                type_ids.push(ids[slot]);
                if *mode == UnionMode::Dense {
                    offsets.push(i32::try_from(children[slot].len()).map_err(|_| mismatch(item, dt))?);
                    children[slot].push(Item { value, row: item.row });
                } else {
                    for (i, child) in children.iter_mut().enumerate() {
                        child.push(if i == slot { Item { value, row: item.row } } else { Item::masked(item.row) });
                    }
                }
            }
            let mut arrays = Vec::with_capacity(ids.len());
            for ((_, f), c) in fields.iter().zip(&children) {
                arrays.push(build(f, c).map_err(|e| e.in_column(f.name()))?);
            }
            let offsets = (*mode == UnionMode::Dense).then(|| ScalarBuffer::from(offsets));
            Arc::new(
                UnionArray::try_new(fields.clone(), ScalarBuffer::from(type_ids), offsets, arrays)
                    .map_err(|e| Error::arrow("building a union", e))?,
            )
        }
        DataType::Dictionary(key, value_type) => {
            let plain = build(&plain_field(value_type), items)?;
            match arrow_cast::cast(&plain, dt) {
                Ok(packed) => packed,
                // arrow-cast packs only primitive and string values: a
                // dictionary of lists or structs gets one entry per slot.
                Err(_) => match key.as_ref() {
                    DataType::Int8 => identity_dictionary::<Int8Type>(plain, items)?,
                    DataType::Int16 => identity_dictionary::<Int16Type>(plain, items)?,
                    DataType::Int32 => identity_dictionary::<Int32Type>(plain, items)?,
                    DataType::Int64 => identity_dictionary::<Int64Type>(plain, items)?,
                    DataType::UInt8 => identity_dictionary::<UInt8Type>(plain, items)?,
                    DataType::UInt16 => identity_dictionary::<UInt16Type>(plain, items)?,
                    DataType::UInt32 => identity_dictionary::<UInt32Type>(plain, items)?,
                    DataType::UInt64 => identity_dictionary::<UInt64Type>(plain, items)?,
                    _ => cast_to(&plain, dt)?,
                },
            }
        }
        DataType::RunEndEncoded(_, values) => cast_to(&build(&plain_field(values.data_type()), items)?, dt)?,
    })
}

/// A dictionary whose keys are `0..len` (nulls where the items are null)
/// over `plain`.
fn identity_dictionary<K: arrow_array::types::ArrowDictionaryKeyType>(
    plain: ArrayRef,
    items: &[Item<'_>],
) -> Result<ArrayRef>
where
    K::Native: TryFrom<usize>,
{
    let mut keys = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let key = K::Native::try_from(i).map_err(|_| {
            record(item.row, format!("more values than the dictionary's key type {} can index", K::DATA_TYPE))
        })?;
        keys.push((!item.is_null()).then_some(key));
    }
    let keys: PrimitiveArray<K> = keys.into_iter().collect();
    Ok(Arc::new(
        arrow_array::DictionaryArray::<K>::try_new(keys, plain)
            .map_err(|e| Error::arrow("building a dictionary", e))?,
    ))
}

fn list_column<O: OffsetSizeTrait>(dt: &DataType, child: &FieldRef, items: &[Item<'_>]) -> Result<ArrayRef> {
    let mut children = Vec::new();
    let mut lengths = Vec::with_capacity(items.len());
    for item in items {
        match item.value {
            None | Some(Value::Null) => lengths.push(0),
            Some(Value::Array(xs)) => {
                lengths.push(xs.len());
                children.extend(xs.iter().map(|x| Item { value: Some(x), row: item.row }));
            }
            Some(_) => return Err(mismatch(item, dt)),
        }
    }
    let values = build(child, &children).map_err(|e| e.in_column("[]"))?;
    Ok(Arc::new(
        GenericListArray::<O>::try_new(child.clone(), OffsetBuffer::from_lengths(lengths), values, nulls_of(items))
            .map_err(|e| Error::arrow("building a list", e))?,
    ))
}

/// The Arrow type a scalar of the record model has on its own: what
/// [`arrow_text`] formats it as.
fn scalar_type(value: &Value) -> Option<DataType> {
    let arrow_unit = |u: TimeUnit| match u {
        TimeUnit::Second => ArrowUnit::Second,
        TimeUnit::Millisecond => ArrowUnit::Millisecond,
        TimeUnit::Microsecond => ArrowUnit::Microsecond,
        TimeUnit::Nanosecond => ArrowUnit::Nanosecond,
    };
    Some(match value {
        Value::DateTime { unit, tz, .. } => DataType::Timestamp(arrow_unit(*unit), tz.clone()),
        Value::Timestamp(_) => DataType::Timestamp(ArrowUnit::Nanosecond, Some("+00:00".into())),
        Value::Date32(_) => DataType::Date32,
        Value::Date64(_) => DataType::Date64,
        Value::Time { unit: u @ (TimeUnit::Second | TimeUnit::Millisecond), .. } => DataType::Time32(arrow_unit(*u)),
        Value::Time { unit, .. } => DataType::Time64(arrow_unit(*unit)),
        Value::Duration { unit, .. } => DataType::Duration(arrow_unit(*unit)),
        Value::Interval(Interval::YearMonth { .. }) => DataType::Interval(IntervalUnit::YearMonth),
        Value::Interval(Interval::DayTime { .. }) => DataType::Interval(IntervalUnit::DayTime),
        Value::Interval(Interval::MonthDayNano { .. }) => DataType::Interval(IntervalUnit::MonthDayNano),
        Value::Decimal(d) => DataType::Decimal256(d.precision(), d.scale()),
        _ => return None,
    })
}

/// The text arrow-cast's display, and so arrow-json's writer, gives a
/// datetime, date, time, duration, interval or decimal (a
/// [`Value::Timestamp`] as a nanosecond timestamp at `+00:00`):
/// `2022-01-20T11:40:00Z`, `2022-01-20`, `11:40:00`, `PT90S`,
/// `12.34`. `None` for the other variants.
///
/// # Errors
///
/// [`Error::Arrow`] when arrow-cast cannot format the value (a datetime
/// whose time zone it does not know, a value outside chrono's range).
///
/// # Examples
///
/// ```
/// use flatbox_wire::{Decimal, TimeUnit, Value};
///
/// let t = Value::DateTime { value: 1_642_678_800_000, unit: TimeUnit::Millisecond, tz: None };
/// assert_eq!(flatbox_arrow::records::arrow_text(&t)?.as_deref(), Some("2022-01-20T11:40:00"));
/// let d = Value::Decimal(Decimal::from_i128(-1234, 6, 2)?);
/// assert_eq!(flatbox_arrow::records::arrow_text(&d)?.as_deref(), Some("-12.34"));
/// assert_eq!(flatbox_arrow::records::arrow_text(&Value::Bool(true))?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn arrow_text(value: &Value) -> Result<Option<String>> {
    let Some(dt) = scalar_type(value) else { return Ok(None) };
    let array = from_values(&Field::new("", dt, true), std::slice::from_ref(value))?;
    let options = arrow_cast::display::FormatOptions::new().with_display_error(true);
    let formatter = arrow_cast::display::ArrayFormatter::try_new(array.as_ref(), &options)
        .map_err(|e| Error::arrow(format!("formatting {}", value.type_name()), e))?;
    let text =
        formatter.value(0).try_to_string().map_err(|e| Error::arrow(format!("formatting {}", value.type_name()), e))?;
    Ok(Some(text))
}
