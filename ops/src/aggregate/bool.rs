//! `any` and `all` over non-null values: booleans, or numbers (true when
//! non-zero; a NaN is a value, and non-zero, as numpy's `bool(nan)`).
//! `all` of no value is true and `any` false, as in pandas. The state is the
//! running result, so `merge` is `update` over the state column.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::DataType;

use super::accumulator::{for_each_valid, one, visit_numeric, GroupedAggregate, Num, NumericVisitor};
use crate::error::Result;

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
            let b = array.as_boolean();
            let bits: Vec<bool> = b.values().iter().collect();
            let nulls = b.logical_nulls();
            return self.visit_bool(&bits, nulls.as_ref(), groups);
        }
        visit_numeric(array.as_ref(), groups, self)
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.finish()?])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.update(st, groups, n)
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
