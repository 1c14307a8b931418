//! Lags: `shift(n)`, `diff(n)`, `pct_change(n)`: each row's neighbour `n`
//! rows earlier (later for a negative `n`) in its group, which may be a
//! carried row of an earlier (later) partition.

use arrow::array::{Array, ArrayRef, UInt32Array};
use arrow::compute::{cast, take};
use arrow::datatypes::DataType;

use super::groups::Groups;
use super::rolling::GroupSpan;
use crate::error::{Error, Result};

/// The value `n` positions before each position of `rows` (after, for a
/// negative `n`) in `values`, null where that leaves the group.
pub(super) fn neighbours(
    values: &ArrayRef,
    groups: &Groups,
    rows: std::ops::Range<usize>,
    n: i64,
) -> Result<ArrayRef> {
    let k = usize::try_from(n.unsigned_abs()).map_err(|_| Error::InvalidArgument(format!("shift({n})")))?;
    let index: UInt32Array = rows
        .map(|p| {
            let (start, end) = groups.span(p);
            let q = if n >= 0 {
                p.checked_sub(k).filter(|&q| q >= start)
            } else {
                Some(p + k).filter(|&q| q < end)
            };
            // A partition and its carry have fewer than u32::MAX rows.
            q.filter(|_| !groups.missing(p)).map(|q| q as u32)
        })
        .collect();
    Ok(take(values.as_ref(), &index, None)?)
}

/// `value - neighbour` (`diff`) or `value / neighbour - 1` (`pct_change`).
pub(super) fn diff(values: &ArrayRef, shifted: &ArrayRef, ratio: bool) -> Result<ArrayRef> {
    let work = if ratio || !(values.data_type().is_integer() || *values.data_type() == DataType::Boolean) {
        DataType::Float64
    } else {
        DataType::Int64
    };
    let (a, b) = (cast(values, &work)?, cast(shifted, &work)?);
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
