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

/// The first `n` values of `upcoming`, null-padded at the end when fewer
/// follow (the frame's end).
pub(super) fn first(upcoming: Option<&ArrayRef>, data_type: &DataType, n: usize) -> Result<ArrayRef> {
    let seen = upcoming.map_or(0, |u| u.len());
    let pad = new_null_array(data_type, n - seen.min(n));
    Ok(match upcoming {
        Some(u) => concat(&[u.slice(0, seen.min(n)).as_ref(), pad.as_ref()])?,
        None => pad,
    })
}

/// `head` followed by `upcoming`, keeping the first `n` values.
pub(super) fn prepend(head: &ArrayRef, upcoming: Option<&ArrayRef>, n: usize) -> Result<ArrayRef> {
    let all = match upcoming {
        Some(u) => concat(&[head.as_ref(), u.as_ref()])?,
        None => head.clone(),
    };
    Ok(all.slice(0, all.len().min(n)))
}

/// Each value's neighbour: `near` holds the `k` values before the
/// partition (`back`: the value `k` rows earlier) or after it (the value
/// `k` rows later).
pub(super) fn shift(values: &ArrayRef, near: &ArrayRef, back: bool) -> Result<ArrayRef> {
    let k = near.len();
    if k == 0 {
        return Ok(values.clone());
    }
    let near = cast(near, values.data_type())?;
    Ok(if back {
        concat(&[near.as_ref(), values.as_ref()])?.slice(0, values.len())
    } else {
        concat(&[values.as_ref(), near.as_ref()])?.slice(k, values.len())
    })
}

/// `value - neighbour` (`diff`) or `value / neighbour - 1` (`pct_change`).
pub(super) fn diff(values: &ArrayRef, near: &ArrayRef, back: bool, ratio: bool) -> Result<ArrayRef> {
    let shifted = shift(values, near, back)?;
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
