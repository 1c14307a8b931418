//! `any` and `all` over non-null values: booleans, or numbers (true when
//! non-zero; a NaN is a value, and non-zero, as numpy's `bool(nan)`).
//! `all` of no value is true and `any` false, as in pandas. The state is the
//! running result, so `merge` is `update` over the state column.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field};

use super::accumulator::{for_each_valid, one, visit_numeric, GroupedAggregate, Num, NumericVisitor};
use super::function::{field, AggregateImpl};
use super::group_ids::key_output_type;
use crate::error::{Error, Result};

/// `any` or `all` per group.
pub(crate) struct AnyAll {
    all: bool,
    values: Vec<bool>,
}

impl AnyAll {
    pub(crate) fn new(all: bool) -> Self {
        AnyAll { all, values: Vec::new() }
    }
}

impl NumericVisitor for AnyAll {
    fn visit<T: Num>(&mut self, values: &[T], nulls: Option<&NullBuffer>, groups: &[u32]) -> Result<()> {
        let acc = &mut self.values;
        if self.all {
            for_each_valid(values, nulls, groups, |g, v| acc[g] &= v.is_nonzero());
        } else {
            for_each_valid(values, nulls, groups, |g, v| acc[g] |= v.is_nonzero());
        }
        Ok(())
    }
}

impl GroupedAggregate for AnyAll {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.values.resize(n, self.all);
        let array = one(cols, groups)?;
        if array.data_type() == &DataType::Boolean {
            // Booleans directly, without a cast to numbers.
            // Cannot panic: the type was just checked.
            let b = array.as_boolean();
            let bits: Vec<bool> = b.values().iter().collect();
            let nulls = b.logical_nulls();
            return self.visit_bool(&bits, nulls.as_ref(), groups);
        }
        visit_numeric(array.as_ref(), groups, self)
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        Ok(Arc::new(BooleanArray::from(std::mem::take(&mut self.values))))
    }
}

impl AnyAll {
    fn visit_bool(&mut self, bits: &[bool], nulls: Option<&NullBuffer>, groups: &[u32]) -> Result<()> {
        let acc = &mut self.values;
        if self.all {
            for_each_valid(bits, nulls, groups, |g, v| acc[g] &= v);
        } else {
            for_each_valid(bits, nulls, groups, |g, v| acc[g] |= v);
        }
        Ok(())
    }
}

/// `any` and `all`: the state is the result.
pub(crate) struct AnyAllFunction {
    /// Every value true rather than any.
    pub(crate) all: bool,
}

impl AggregateImpl for AnyAllFunction {
    fn name(&self) -> &'static str {
        if self.all {
            "all"
        } else {
            "any"
        }
    }

    fn output_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn output_nullable(&self) -> bool {
        false
    }

    fn state_fields(&self, args: &[DataType], _output: &DataType) -> Result<Vec<Field>> {
        let t = key_output_type(&args[0]);
        if !(t.is_numeric() || t == DataType::Boolean || t == DataType::Null) {
            return Err(Error::type_error(format!(
                "{} needs booleans or numbers, got {}",
                self.name(),
                crate::dtype::pandas_dtype(&t)
            )));
        }
        Ok(vec![field(self.name(), DataType::Boolean, false)])
    }

    fn accumulator(&self, _state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        Ok(Box::new(AnyAll::new(self.all)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::*;

    use crate::aggregate::tests::{assert_column, batch, groupby};
    use crate::expr::col;

    #[test]
    fn any_and_all_skip_nulls() {
        let b = batch(vec![
            ("k", Arc::new(Int64Array::from(vec![1, 1, 2, 2, 3, 4]))),
            (
                "b",
                Arc::new(BooleanArray::from(vec![
                    Some(true),
                    Some(false),
                    Some(true),
                    None,
                    None,
                    Some(false),
                ])),
            ),
            ("i", Arc::new(Int64Array::from(vec![Some(0), Some(3), Some(2), None, None, Some(0)]))),
            (
                "f",
                Arc::new(Float64Array::from(vec![
                    Some(0.0),
                    Some(f64::NAN),
                    Some(0.5),
                    None,
                    None,
                    Some(-0.0),
                ])),
            ),
        ]);
        let aggs =
            [col("b").any(), col("b").all(), col("i").any(), col("i").all(), col("f").any(), col("f").all()];
        let out = groupby(&b, &["k"], &aggs);
        assert_column(&out, "b.any()", BooleanArray::from(vec![true, true, false, false]));
        assert_column(&out, "b.all()", BooleanArray::from(vec![false, true, true, false]));
        assert_column(&out, "i.any()", BooleanArray::from(vec![true, true, false, false]));
        assert_column(&out, "i.all()", BooleanArray::from(vec![false, true, true, false]));
        // NaN is a value, and non-zero.
        assert_column(&out, "f.any()", BooleanArray::from(vec![true, true, false, false]));
        assert_column(&out, "f.all()", BooleanArray::from(vec![false, true, true, false]));
        let out = groupby(&b.slice(2, 3), &[], &[col("b").any(), col("b").all()]);
        assert_column(&out, "b.any()", BooleanArray::from(vec![true]));
        assert_column(&out, "b.all()", BooleanArray::from(vec![true]));
        let out = groupby(&b.slice(0, 0), &[], &[col("i").any(), col("i").all()]);
        assert_column(&out, "i.any()", BooleanArray::from(vec![false]));
        assert_column(&out, "i.all()", BooleanArray::from(vec![true]));
    }
}
