//! Lags: `shift(n)`, `diff(n)`, `pct_change(n)`, from a partition's rows
//! and the `n` values before it (which may come from several partitions).

use arrow::array::{new_null_array, Array, ArrayRef};
use arrow::compute::{cast, concat};
use arrow::datatypes::DataType;

use crate::error::Result;

/// The last `n` values of `recent` (oldest first), null-padded in front
/// when fewer have been seen (the frame's start).
pub(super) fn last(recent: Option<&ArrayRef>, data_type: &DataType, n: usize) -> Result<ArrayRef> {
    let seen = recent.map_or(0, |r| r.len());
    let pad = new_null_array(data_type, n - seen.min(n));
    Ok(match recent {
        Some(r) => concat(&[pad.as_ref(), r.slice(seen - seen.min(n), seen.min(n)).as_ref()])?,
        None => pad,
    })
}

/// `recent` followed by `tail`, keeping the last `n` values.
pub(super) fn append(recent: Option<&ArrayRef>, tail: &ArrayRef, n: usize) -> Result<ArrayRef> {
    let all = match recent {
        Some(r) => concat(&[r.as_ref(), tail.as_ref()])?,
        None => tail.clone(),
    };
    let keep = all.len().min(n);
    Ok(all.slice(all.len() - keep, keep))
}

/// Each value's predecessor `n` rows back: `before` (the `n` values before
/// the partition) then the partition's own values.
pub(super) fn shift(values: &ArrayRef, before: &ArrayRef, n: usize) -> Result<ArrayRef> {
    if n == 0 {
        return Ok(values.clone());
    }
    let before = cast(before, values.data_type())?;
    let all = concat(&[before.as_ref(), values.as_ref()])?;
    Ok(all.slice(0, values.len()))
}

/// `value - shifted` (`diff`) or `value / shifted - 1` (`pct_change`).
pub(super) fn diff(values: &ArrayRef, before: &ArrayRef, n: usize, ratio: bool) -> Result<ArrayRef> {
    let shifted = shift(values, before, n)?;
    let work = if ratio || !(values.data_type().is_integer() || *values.data_type() == DataType::Boolean) {
        DataType::Float64
    } else {
        DataType::Int64
    };
    let (a, b) = (cast(values, &work)?, cast(&shifted, &work)?);
    Ok(if ratio {
        let q = arrow::compute::kernels::numeric::div(&a, &b)?;
        let one = arrow::array::Float64Array::new_scalar(1.0);
        arrow::compute::kernels::numeric::sub(&q, &one)?
    } else if work == DataType::Int64 {
        arrow::compute::kernels::numeric::sub_wrapping(&a, &b)?
    } else {
        arrow::compute::kernels::numeric::sub(&a, &b)?
    })
}
