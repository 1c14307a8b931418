//! Evaluates expressions over a whole batch with Arrow's compute kernels.

use arrow::array::{ArrayRef, BooleanArray};
use arrow::record_batch::RecordBatch;

use super::Expr;
use crate::error::{Error, Result};

/// Evaluates `expr` over `batch`, giving one value per row.
///
/// # Errors
/// Unknown columns, type mismatches, and kernel failures (overflow,
/// division by zero for integers, casts of values that don't convert).
pub fn evaluate(expr: &Expr, batch: &RecordBatch) -> Result<ArrayRef> {
    match expr {
        Expr::Column(name) => batch.column_by_name(name).cloned().ok_or_else(|| Error::ColumnNotFound {
            name: name.clone(),
            available: batch.schema().fields().iter().map(|f| f.name().clone()).collect(),
        }),
        Expr::Literal(v) => Ok(v.to_array(batch.num_rows())),
        _ => Err(Error::Internal("evaluate not implemented".into())),
    }
}

/// Evaluates a boolean `expr` over `batch`.
///
/// # Errors
/// As [`evaluate`], and [`Error::Type`] when the result is not boolean.
pub fn evaluate_predicate(expr: &Expr, batch: &RecordBatch) -> Result<BooleanArray> {
    let array = evaluate(expr, batch)?;
    array
        .as_any()
        .downcast_ref::<BooleanArray>()
        .cloned()
        .ok_or_else(|| Error::type_error(format!("filter {expr} is {}, not boolean", array.data_type())))
}

/// The rows of `batch` where `predicate` is true (null counts as false).
///
/// # Errors
/// As [`evaluate_predicate`].
pub fn filter_batch(batch: &RecordBatch, predicate: &Expr) -> Result<RecordBatch> {
    let mask = evaluate_predicate(predicate, batch)?;
    Ok(arrow::compute::filter_record_batch(batch, &mask)?)
}
