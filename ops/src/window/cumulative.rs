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
            DataType::Int64 => Arc::new(PrimitiveArray::<Int64Type>::from(vec![
                self.fold(values.as_primitive::<Int64Type>())
            ])),
            _ => Arc::new(PrimitiveArray::<Float64Type>::from(vec![
                self.fold(values.as_primitive::<Float64Type>())
            ])),
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
            DataType::Int64 => Arc::new(self.run::<Int64Type>(values.as_primitive(), carry.as_primitive())),
            _ => Arc::new(self.run::<Float64Type>(values.as_primitive(), carry.as_primitive())),
        })
    }

    /// [`run`] with this total's step, resolved here so that each loop is
    /// compiled for its step (called through a pointer, the step cost more
    /// than the loop).
    fn run<T: ArrowPrimitiveType>(
        &self,
        values: &PrimitiveArray<T>,
        carry: &PrimitiveArray<T>,
    ) -> PrimitiveArray<T>
    where
        T::Native: Step,
    {
        match self {
            Cumulative::Sum => run(values, carry, T::Native::sum),
            Cumulative::Prod => run(values, carry, T::Native::prod),
            Cumulative::Max => run(values, carry, T::Native::max),
            Cumulative::Min => run(values, carry, T::Native::min),
        }
    }

    /// [`fold`] with this total's step.
    fn fold<T: ArrowPrimitiveType>(&self, values: &PrimitiveArray<T>) -> Option<T::Native>
    where
        T::Native: Step,
    {
        match self {
            Cumulative::Sum => fold(values, T::Native::sum),
            Cumulative::Prod => fold(values, T::Native::prod),
            Cumulative::Max => fold(values, T::Native::max),
            Cumulative::Min => fold(values, T::Native::min),
        }
    }
}

/// The steps of the running totals over a work type.
trait Step: Copy {
    fn sum(a: Self, b: Self) -> Self;
    fn prod(a: Self, b: Self) -> Self;
    fn max(a: Self, b: Self) -> Self;
    fn min(a: Self, b: Self) -> Self;
}

/// Sums and products wrap, as numpy's.
impl Step for i64 {
    fn sum(a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }
    fn prod(a: i64, b: i64) -> i64 {
        a.wrapping_mul(b)
    }
    fn max(a: i64, b: i64) -> i64 {
        std::cmp::max(a, b)
    }
    fn min(a: i64, b: i64) -> i64 {
        std::cmp::min(a, b)
    }
}

/// NaN is a value here, as in rusk's other kernels: it wins a max or min.
impl Step for f64 {
    fn sum(a: f64, b: f64) -> f64 {
        a + b
    }
    fn prod(a: f64, b: f64) -> f64 {
        a * b
    }
    fn max(a: f64, b: f64) -> f64 {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else {
            a.max(b)
        }
    }
    fn min(a: f64, b: f64) -> f64 {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else {
            a.min(b)
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
/// buffer, in order (a float sum is pandas' only in pandas' order); the
/// output shares the input's null buffer.
fn run<T: ArrowPrimitiveType>(
    values: &PrimitiveArray<T>,
    carry: &PrimitiveArray<T>,
    op: impl Fn(T::Native, T::Native) -> T::Native,
) -> PrimitiveArray<T> {
    let vals = values.values();
    let mut out: Vec<T::Native> = Vec::with_capacity(vals.len());
    // Until a first valid value there is no total: those rows are nulls
    // (their slots keep their values) or the total starts at the first.
    let (mut total, start) = match (carry.is_valid(0), values.nulls()) {
        (true, _) => (carry.value(0), 0),
        (false, None) => match vals.first() {
            Some(&v) => {
                out.push(v);
                (v, 1)
            }
            None => return PrimitiveArray::new(out.into(), None),
        },
        (false, Some(nulls)) => match nulls.valid_indices().next() {
            Some(first) => {
                out.extend_from_slice(&vals[..=first]);
                (vals[first], first + 1)
            }
            None => return values.clone(),
        },
    };
    match values.nulls() {
        None => out.extend(vals[start..].iter().map(|&v| {
            total = op(total, v);
            total
        })),
        Some(nulls) => out.extend(vals[start..].iter().enumerate().map(|(i, &v)| {
            if nulls.is_valid(start + i) {
                total = op(total, v);
                total
            } else {
                v
            }
        })),
    }
    PrimitiveArray::new(out.into(), values.nulls().cloned())
}

/// `op` over the valid values of `values`, in order; `None` when there
/// are none.
fn fold<T: ArrowPrimitiveType>(
    values: &PrimitiveArray<T>,
    op: impl Fn(T::Native, T::Native) -> T::Native,
) -> Option<T::Native> {
    let vals = values.values();
    match values.nulls() {
        None => vals.iter().copied().reduce(op),
        Some(nulls) => nulls.valid_indices().map(|i| vals[i]).reduce(op),
    }
}
