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

    /// The total of `values` (one value; null when none is valid).
    pub(super) fn total(&self, values: &ArrayRef) -> Result<ArrayRef> {
        let running =
            self.running(values, &arrow::array::new_null_array(&work_type(values.data_type()), 1))?;
        let running = cast(&running, &work_type(values.data_type()))?;
        // The last valid running value is the total.
        let last = (0..running.len()).rev().find(|&i| running.is_valid(i));
        Ok(match last {
            Some(i) => running.slice(i, 1),
            None => arrow::array::new_null_array(running.data_type(), 1),
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
                let op = match self {
                    Cumulative::Sum => i64::wrapping_add,
                    Cumulative::Prod => i64::wrapping_mul,
                    Cumulative::Max => std::cmp::max,
                    Cumulative::Min => std::cmp::min,
                };
                Arc::new(run::<Int64Type>(values.as_primitive(), carry.as_primitive(), op))
            }
            _ => {
                let op = match self {
                    Cumulative::Sum => |a: f64, b: f64| a + b,
                    Cumulative::Prod => |a: f64, b: f64| a * b,
                    // NaN is a value here, as in rusk's other kernels: it wins.
                    Cumulative::Max => {
                        |a: f64, b: f64| if a.is_nan() || b.is_nan() { f64::NAN } else { a.max(b) }
                    }
                    Cumulative::Min => {
                        |a: f64, b: f64| if a.is_nan() || b.is_nan() { f64::NAN } else { a.min(b) }
                    }
                };
                Arc::new(run::<Float64Type>(values.as_primitive(), carry.as_primitive(), op))
            }
        })
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

fn run<T: ArrowPrimitiveType>(
    values: &PrimitiveArray<T>,
    carry: &PrimitiveArray<T>,
    op: impl Fn(T::Native, T::Native) -> T::Native,
) -> PrimitiveArray<T> {
    let mut total = if carry.is_valid(0) { Some(carry.value(0)) } else { None };
    values
        .iter()
        .map(|v| {
            let v = v?;
            let next = match total {
                Some(t) => op(t, v),
                None => v,
            };
            total = Some(next);
            Some(next)
        })
        .collect()
}
