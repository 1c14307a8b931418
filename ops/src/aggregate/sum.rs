//! `sum` and `prod` of non-null values.
//!
//! As pandas with numpy's integer arithmetic: integers (and booleans, as
//! 0/1) add and multiply in int64, unsigned integers in uint64, wrapping on
//! overflow; floats (and decimals, read as float64) in float64. No value
//! gives the identity, 0 or 1, never null (pandas' `min_count=0`). The
//! state is the running sum (or product), so merging states is summing
//! (or multiplying) them: `merge` is `update` over the state column.

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, UInt64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::DataType;

use super::accumulator::{for_each_valid, one, visit_numeric, GroupedAggregate, Num, NumericVisitor};
use crate::error::{Error, Result};

/// Running sums or products, in the output type.
pub(crate) struct SumProd {
    prod: bool,
    acc: Acc,
}

enum Acc {
    I64(Vec<i64>),
    U64(Vec<u64>),
    F64(Vec<f64>),
}

impl SumProd {
    /// A sum (or product when `prod`) whose state and result have type `state`.
    pub(crate) fn new(prod: bool, state: &DataType) -> Result<Self> {
        let acc = match state {
            DataType::Int64 => Acc::I64(Vec::new()),
            DataType::UInt64 => Acc::U64(Vec::new()),
            DataType::Float64 => Acc::F64(Vec::new()),
            other => return Err(Error::Internal(format!("sum state of type {other}"))),
        };
        Ok(SumProd { prod, acc })
    }

    fn resize(&mut self, n: usize) {
        match &mut self.acc {
            Acc::I64(a) => a.resize(n, i64::from(self.prod)),
            Acc::U64(a) => a.resize(n, u64::from(self.prod)),
            Acc::F64(a) => a.resize(n, if self.prod { 1.0 } else { 0.0 }),
        }
    }
}

impl NumericVisitor for SumProd {
    fn visit<T: Num>(&mut self, values: &[T], nulls: Option<&NullBuffer>, groups: &[u32]) -> Result<()> {
        match (&mut self.acc, self.prod) {
            (Acc::I64(a), false) => for_each_valid(values, nulls, groups, |g, v| a[g] = a[g].wrapping_add(v.to_i64())),
            (Acc::I64(a), true) => for_each_valid(values, nulls, groups, |g, v| a[g] = a[g].wrapping_mul(v.to_i64())),
            (Acc::U64(a), false) => for_each_valid(values, nulls, groups, |g, v| a[g] = a[g].wrapping_add(v.to_u64())),
            (Acc::U64(a), true) => for_each_valid(values, nulls, groups, |g, v| a[g] = a[g].wrapping_mul(v.to_u64())),
            (Acc::F64(a), false) => for_each_valid(values, nulls, groups, |g, v| a[g] += v.to_f64()),
            (Acc::F64(a), true) => for_each_valid(values, nulls, groups, |g, v| a[g] *= v.to_f64()),
        }
        Ok(())
    }
}

impl GroupedAggregate for SumProd {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.resize(n);
        visit_numeric(one(cols, groups)?.as_ref(), groups, self)
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.finish()?])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.update(st, groups, n)
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        Ok(match &mut self.acc {
            Acc::I64(a) => Arc::new(Int64Array::from(std::mem::take(a))),
            Acc::U64(a) => Arc::new(UInt64Array::from(std::mem::take(a))),
            Acc::F64(a) => Arc::new(Float64Array::from(std::mem::take(a))),
        })
    }
}
