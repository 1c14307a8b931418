//! `sum` and `prod` of non-null values.
//!
//! As pandas with numpy's integer arithmetic: integers (and booleans, as
//! 0/1) add and multiply in int64, unsigned integers in uint64, wrapping on
//! overflow; floats in float64, and so do decimal products (decimal sums
//! are exact: `decimal_sum.rs`). No value
//! gives the identity, 0 or 1, never null (pandas' `min_count=0`). The
//! state is the running sum (or product), so merging states is summing
//! (or multiplying) them: `merge` is `update` over the state column.

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, UInt64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field};

use super::accumulator::{
    fold_lanes, for_each_valid, one, visit_numeric, GroupedAggregate, Num, NumericVisitor,
};
use super::function::{field, first, need_numeric, AggregateImpl};
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

/// The accumulator of the only group, and whether it is a product.
enum One<'a> {
    I64(&'a mut i64, bool),
    U64(&'a mut u64, bool),
    F64(&'a mut f64, bool),
}

impl SumProd {
    fn single(&mut self) -> Option<One<'_>> {
        let prod = self.prod;
        match &mut self.acc {
            Acc::I64(a) if a.len() == 1 => a.first_mut().map(|a| One::I64(a, prod)),
            Acc::U64(a) if a.len() == 1 => a.first_mut().map(|a| One::U64(a, prod)),
            Acc::F64(a) if a.len() == 1 => a.first_mut().map(|a| One::F64(a, prod)),
            _ => None,
        }
    }
}

impl NumericVisitor for SumProd {
    fn visit<T: Num>(&mut self, values: &[T], nulls: Option<&NullBuffer>, groups: &[u32]) -> Result<()> {
        if let Some(one) = self.single() {
            // One group (no key): every row is group 0.
            match one {
                One::I64(a, false) => {
                    *a = a.wrapping_add(fold_lanes(values, nulls, 0, T::to_i64, i64::wrapping_add))
                }
                One::I64(a, true) => {
                    *a = a.wrapping_mul(fold_lanes(values, nulls, 1, T::to_i64, i64::wrapping_mul))
                }
                One::U64(a, false) => {
                    *a = a.wrapping_add(fold_lanes(values, nulls, 0, T::to_u64, u64::wrapping_add))
                }
                One::U64(a, true) => {
                    *a = a.wrapping_mul(fold_lanes(values, nulls, 1, T::to_u64, u64::wrapping_mul))
                }
                One::F64(a, false) => *a += fold_lanes(values, nulls, 0.0, T::to_f64, |x, y| x + y),
                One::F64(a, true) => *a *= fold_lanes(values, nulls, 1.0, T::to_f64, |x, y| x * y),
            }
            return Ok(());
        }
        match (&mut self.acc, self.prod) {
            (Acc::I64(a), false) => {
                for_each_valid(values, nulls, groups, |g, v| a[g] = a[g].wrapping_add(v.to_i64()))
            }
            (Acc::I64(a), true) => {
                for_each_valid(values, nulls, groups, |g, v| a[g] = a[g].wrapping_mul(v.to_i64()))
            }
            (Acc::U64(a), false) => {
                for_each_valid(values, nulls, groups, |g, v| a[g] = a[g].wrapping_add(v.to_u64()))
            }
            (Acc::U64(a), true) => {
                for_each_valid(values, nulls, groups, |g, v| a[g] = a[g].wrapping_mul(v.to_u64()))
            }
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

    fn finish(&mut self) -> Result<ArrayRef> {
        Ok(match &mut self.acc {
            Acc::I64(a) => Arc::new(Int64Array::from(std::mem::take(a))),
            Acc::U64(a) => Arc::new(UInt64Array::from(std::mem::take(a))),
            Acc::F64(a) => Arc::new(Float64Array::from(std::mem::take(a))),
        })
    }
}

/// `sum` and `prod`.
pub(crate) struct SumFunction {
    /// A product rather than a sum.
    pub(crate) prod: bool,
}

impl AggregateImpl for SumFunction {
    fn name(&self) -> &'static str {
        if self.prod {
            "prod"
        } else {
            "sum"
        }
    }

    fn output_type(&self, args: &[DataType]) -> Result<DataType> {
        let t = &args[0];
        need_numeric(self.name(), t)?;
        // Exact, as pandas sums `Decimal`s (a product stays float64).
        if let (false, Some(decimal)) = (self.prod, super::decimal_sum::decimal_sum_type(t)) {
            return Ok(decimal);
        }
        Ok(match t {
            DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => DataType::UInt64,
            t if t.is_integer() || *t == DataType::Boolean => DataType::Int64,
            _ => DataType::Float64,
        })
    }

    fn output_nullable(&self) -> bool {
        false
    }

    fn state_fields(&self, _args: &[DataType], output: &DataType) -> Result<Vec<Field>> {
        Ok(vec![field(self.name(), output.clone(), false)])
    }

    fn accumulator(&self, state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        let state = first(self.name(), state)?;
        if !self.prod && matches!(state, DataType::Decimal128(..) | DataType::Decimal256(..)) {
            return super::decimal_sum::new_decimal_sum(&state);
        }
        Ok(Box::new(SumProd::new(self.prod, &state)?))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::*;

    use crate::aggregate::tests::{assert_column, assert_floats, batch, groupby};
    use crate::expr::col;

    /// Groups: `a` has values and a null, `b` only nulls, `c` one row.
    fn data() -> RecordBatch {
        batch(vec![
            ("k", Arc::new(StringArray::from(vec!["a", "b", "a", "c", "a", "b"]))),
            ("i", Arc::new(Int32Array::from(vec![Some(1), None, Some(2), Some(7), None, None]))),
            ("u", Arc::new(UInt8Array::from(vec![Some(200), None, Some(100), Some(1), None, None]))),
            ("f", Arc::new(Float64Array::from(vec![Some(0.5), None, Some(1.5), Some(-2.0), None, None]))),
            ("b", Arc::new(BooleanArray::from(vec![Some(true), None, Some(true), Some(false), None, None]))),
            (
                "d",
                Arc::new(
                    Decimal128Array::from(vec![150, 0, 250, 1, 0, 0]).with_precision_and_scale(9, 2).unwrap(),
                ),
            ),
        ])
    }

    #[test]
    fn sum_skips_nulls_and_is_zero_for_none() {
        let aggs = [col("i").sum(), col("u").sum(), col("f").sum(), col("b").sum(), col("d").sum()];
        let out = groupby(&data(), &["k"], &aggs);
        assert_column(&out, "k", StringArray::from(vec!["a", "b", "c"]));
        assert_column(&out, "i.sum()", Int64Array::from(vec![3, 0, 7]));
        assert_column(&out, "u.sum()", UInt64Array::from(vec![300, 0, 1]));
        assert_floats(&out, "f.sum()", &[Some(2.0), Some(0.0), Some(-2.0)]);
        assert_column(&out, "b.sum()", Int64Array::from(vec![2, 0, 0]));
        // Decimals stay exact decimals (see decimal_sum.rs).
        let decimal = Decimal128Array::from(vec![400, 0, 1]).with_precision_and_scale(38, 2).unwrap();
        assert_column(&out, "d.sum()", decimal);
        assert!(!out.schema().field(1).is_nullable());
    }

    #[test]
    fn prod_skips_nulls_and_is_one_for_none() {
        let out =
            groupby(&data(), &["k"], &[col("i").prod(), col("u").prod(), col("f").prod(), col("b").prod()]);
        assert_column(&out, "i.prod()", Int64Array::from(vec![2, 1, 7]));
        assert_column(&out, "u.prod()", UInt64Array::from(vec![20000, 1, 1]));
        assert_floats(&out, "f.prod()", &[Some(0.75), Some(1.0), Some(-2.0)]);
        assert_column(&out, "b.prod()", Int64Array::from(vec![1, 1, 0]));
    }

    #[test]
    fn integers_wrap_as_numpy() {
        let b = batch(vec![
            ("k", Arc::new(Int64Array::from(vec![1, 1, 2, 2]))),
            ("v", Arc::new(Int64Array::from(vec![i64::MAX, 1, 1 << 62, 4]))),
            ("u", Arc::new(UInt64Array::from(vec![u64::MAX, 2, 1, 1]))),
        ]);
        let out = groupby(&b, &["k"], &[col("v").sum(), col("v").prod(), col("u").sum()]);
        assert_column(&out, "v.sum()", Int64Array::from(vec![i64::MIN, (1 << 62) + 4]));
        assert_column(&out, "v.prod()", Int64Array::from(vec![i64::MAX, 0]));
        assert_column(&out, "u.sum()", UInt64Array::from(vec![1, 2]));
        // Whole frame, through the one-group loop.
        let out = groupby(&b, &[], &[col("v").sum(), col("v").prod(), col("u").sum()]);
        assert_column(&out, "v.sum()", Int64Array::from(vec![i64::MIN.wrapping_add((1 << 62) + 4)]));
        assert_column(&out, "v.prod()", Int64Array::from(vec![0]));
        assert_column(&out, "u.sum()", UInt64Array::from(vec![3]));
    }

    #[test]
    fn sliced_empty_and_one_row() {
        let d = data();
        let out = groupby(&d.slice(2, 3), &["k"], &[col("i").sum(), col("f").sum()]);
        assert_column(&out, "k", StringArray::from(vec!["a", "c"]));
        assert_column(&out, "i.sum()", Int64Array::from(vec![2, 7]));
        assert_floats(&out, "f.sum()", &[Some(1.5), Some(-2.0)]);
        let out = groupby(&d.slice(3, 1), &["k"], &[col("i").sum()]);
        assert_column(&out, "i.sum()", Int64Array::from(vec![7]));
        let out = groupby(&d.slice(0, 0), &["k"], &[col("i").sum()]);
        assert_eq!(out.num_rows(), 0);
        let out = groupby(&d.slice(1, 1), &[], &[col("i").sum(), col("f").sum()]);
        assert_column(&out, "i.sum()", Int64Array::from(vec![0]));
        assert_floats(&out, "f.sum()", &[Some(0.0)]);
    }
}
