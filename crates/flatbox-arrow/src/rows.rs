//! Rows to columns and back, through [`serde_arrow`].
//!
//! A slice of serde values (structs, [`flatbox_wire::Value`] maps,
//! [`serde_json::Value`] objects) becomes a [`RecordBatch`] whose columns
//! are the fields, and a batch becomes rows again.

use arrow_array::RecordBatch;
use arrow_schema::FieldRef;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_arrow::schema::{SchemaLike, TracingOptions};

use crate::{Error, Result};

fn tracing() -> TracingOptions {
    // `null` fields (every sample null) become Null columns rather than an
    // error; date-like strings stay strings (no guessing).
    TracingOptions::default().allow_null_fields(true).coerce_numbers(true)
}

/// The Arrow fields of a serde type, traced from its `Deserialize` impl
/// (no data needed). Use it with [`to_batch_with_fields`] to convert many
/// slices with one schema.
///
/// # Errors
///
/// [`Error::Rows`] when the type cannot be traced (e.g. an untagged enum,
/// or `serde_json::Value`: use [`fields_from_samples`] for those).
///
/// # Examples
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Row { id: u64, name: String }
///
/// let fields = flatbox_arrow::fields_of::<Row>()?;
/// assert_eq!(fields.iter().map(|f| f.name().as_str()).collect::<Vec<_>>(), ["id", "name"]);
/// # Ok::<(), flatbox_arrow::Error>(())
/// ```
pub fn fields_of<T: DeserializeOwned>() -> Result<Vec<FieldRef>> {
    Vec::<FieldRef>::from_type::<T>(tracing()).map_err(|e| Error::rows("tracing the type's arrow fields", e))
}

/// The Arrow fields that fit every row of `rows`, inferred from the data.
///
/// # Errors
///
/// [`Error::Rows`] when the rows disagree (a field is a string in one row
/// and a number in another) or are not maps/structs.
pub fn fields_from_samples<T: Serialize>(rows: &[T]) -> Result<Vec<FieldRef>> {
    Vec::<FieldRef>::from_samples(rows, tracing()).map_err(|e| Error::rows("inferring arrow fields from the rows", e))
}

/// Rows to a [`RecordBatch`], with a schema inferred from the rows (see
/// [`fields_from_samples`]).
///
/// # Errors
///
/// [`Error::Rows`] when no schema fits the rows (or there are none).
///
/// # Examples
///
/// ```
/// #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// struct Row { id: u64, category: String }
///
/// let rows = vec![Row { id: 1, category: "A".into() }, Row { id: 2, category: "B".into() }];
/// let batch = flatbox_arrow::to_batch(&rows)?;
/// assert_eq!((batch.num_rows(), batch.num_columns()), (2, 2));
/// assert_eq!(flatbox_arrow::from_batch::<Row>(&batch)?, rows);
///
/// // JSON objects work the same way.
/// let json = vec![serde_json::json!({"id": 1, "ok": true}), serde_json::json!({"id": 2, "ok": false})];
/// let batch = flatbox_arrow::to_batch(&json)?;
/// assert_eq!(flatbox_arrow::from_batch::<serde_json::Value>(&batch)?, json);
/// # Ok::<(), flatbox_arrow::Error>(())
/// ```
pub fn to_batch<T: Serialize>(rows: &[T]) -> Result<RecordBatch> {
    to_batch_with_fields(&fields_from_samples(rows)?, rows)
}

/// Rows to a [`RecordBatch`] with the given fields (from [`fields_of`],
/// [`fields_from_samples`] or built by hand).
///
/// # Errors
///
/// [`Error::Rows`] when a row does not fit the fields.
pub fn to_batch_with_fields<T: Serialize>(fields: &[FieldRef], rows: &[T]) -> Result<RecordBatch> {
    serde_arrow::to_record_batch(fields, &rows).map_err(|e| Error::rows("converting rows to a record batch", e))
}

/// A [`RecordBatch`] back to rows.
///
/// # Errors
///
/// [`Error::Rows`] when a column does not fit `T` (a missing field, a type
/// `T` cannot hold).
pub fn from_batch<T: DeserializeOwned>(batch: &RecordBatch) -> Result<Vec<T>> {
    serde_arrow::from_record_batch(batch).map_err(|e| Error::rows("converting a record batch to rows", e))
}

/// Several batches back to rows, in order.
///
/// # Errors
///
/// As for [`from_batch`].
pub fn from_batches<T: DeserializeOwned>(batches: &[RecordBatch]) -> Result<Vec<T>> {
    let mut rows = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
    for batch in batches {
        rows.extend(from_batch::<T>(batch)?);
    }
    Ok(rows)
}
