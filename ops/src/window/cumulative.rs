//! Running totals: `cumsum`, `cumprod`, `cummax`, `cummin`, in int64
//! (integers and booleans: sums and products wrap, as numpy's) or float64.
//! A null value gives a null and leaves the total as it was (pandas'
//! `skipna=True`); a partition's total and what it carries in are null
//! when no value came before.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, PrimitiveArray};
use arrow::compute::cast;
use arrow::datatypes::{ArrowPrimitiveType, DataType, Float64Type, Int64Type};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// Which running total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cumulative {
    /// `cumsum`.
    Sum,
    /// `cumprod`.
    Prod,
    /// `cummax`.
    Max,
    /// `cummin`.
    Min,
}

impl Cumulative {
    /// pandas' name.
    pub fn name(&self) -> &'static str {
        match self {
            Cumulative::Sum => "cumsum",
            Cumulative::Prod => "cumprod",
            Cumulative::Max => "cummax",
            Cumulative::Min => "cummin",
        }
    }

    /// The result type over numbers of type `t`.
    pub(super) fn output_type(&self, t: &DataType) -> DataType {
        match self {
            Cumulative::Sum | Cumulative::Prod => work_type(t),
            Cumulative::Max | Cumulative::Min if *t == DataType::Boolean => DataType::Boolean,
            Cumulative::Max | Cumulative::Min => t.clone(),
        }
    }

    /// The total of `values` (one value; null when none is valid), in the
    /// work type.
    pub(super) fn total(&self, values: &ArrayRef) -> Result<ArrayRef> {
        let t = work_type(values.data_type());
        let values = cast(values, &t)?;
        Ok(match t {
            DataType::Int64 => Arc::new(PrimitiveArray::<Int64Type>::from(vec![fold(
                values.as_primitive::<Int64Type>(),
                self.int_op(),
            )])),
            _ => Arc::new(PrimitiveArray::<Float64Type>::from(vec![fold(
                values.as_primitive::<Float64Type>(),
                self.float_op(),
            )])),
        })
    }

    /// `running` and `this` (one value each; null: nothing yet) combined.
    pub(super) fn combine(&self, running: Option<&ArrayRef>, this: &ArrayRef) -> Result<ArrayRef> {
        match running {
            None => Ok(Arc::clone(this)),
            Some(before) => {
                let both = arrow::compute::concat(&[before.as_ref(), this.as_ref()])?;
                self.total(&both)
            }
        }
    }

    /// The running total of `values`, starting from `carry` (one value,
    /// null for none), in the work type.
    pub(super) fn running(&self, values: &ArrayRef, carry: &ArrayRef) -> Result<ArrayRef> {
        let t = work_type(values.data_type());
        let values = cast(values, &t)?;
        let carry = cast(carry, &t)?;
        Ok(match t {
            DataType::Int64 => {
                Arc::new(run::<Int64Type>(values.as_primitive(), carry.as_primitive(), self.int_op()))
            }
            _ => Arc::new(run::<Float64Type>(values.as_primitive(), carry.as_primitive(), self.float_op())),
        })
    }

    /// The step over int64 (sums and products wrap, as numpy's).
    fn int_op(&self) -> fn(i64, i64) -> i64 {
        match self {
            Cumulative::Sum => i64::wrapping_add,
            Cumulative::Prod => i64::wrapping_mul,
            Cumulative::Max => std::cmp::max,
            Cumulative::Min => std::cmp::min,
        }
    }

    /// The step over float64.
    fn float_op(&self) -> fn(f64, f64) -> f64 {
        match self {
            Cumulative::Sum => |a, b| a + b,
            Cumulative::Prod => |a, b| a * b,
            // NaN is a value here, as in rusk's other kernels: it wins.
            Cumulative::Max => |a: f64, b: f64| if a.is_nan() || b.is_nan() { f64::NAN } else { a.max(b) },
            Cumulative::Min => |a: f64, b: f64| if a.is_nan() || b.is_nan() { f64::NAN } else { a.min(b) },
        }
    }
}

/// int64 for integers and booleans, float64 otherwise.
fn work_type(t: &DataType) -> DataType {
    if t.is_integer() || *t == DataType::Boolean {
        DataType::Int64
    } else {
        DataType::Float64
    }
}

/// The running `op` of `values` from `carry`'s value (if valid): a null
/// stays null and leaves the total as it was. One pass over the value
/// buffer; the output shares the input's null buffer.
fn run<T: ArrowPrimitiveType>(
    values: &PrimitiveArray<T>,
    carry: &PrimitiveArray<T>,
    op: fn(T::Native, T::Native) -> T::Native,
) -> PrimitiveArray<T> {
    let mut total = if carry.is_valid(0) { Some(carry.value(0)) } else { None };
    let mut out: Vec<T::Native> = Vec::with_capacity(values.len());
    let mut step = |v: T::Native| {
        let next = match total {
            Some(t) => op(t, v),
            None => v,
        };
        total = Some(next);
        next
    };
    match values.nulls() {
        None => out.extend(values.values().iter().map(|&v| step(v))),
        Some(nulls) => {
            out.extend(
                values.values().iter().enumerate().map(|(i, &v)| if nulls.is_valid(i) { step(v) } else { v }),
            )
        }
    }
    PrimitiveArray::new(out.into(), values.nulls().cloned())
}

/// `op` over the valid values of `values`; `None` when there are none.
fn fold<T: ArrowPrimitiveType>(
    values: &PrimitiveArray<T>,
    op: fn(T::Native, T::Native) -> T::Native,
) -> Option<T::Native> {
    values.iter().flatten().reduce(op)
}
