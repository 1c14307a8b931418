//! `count` (non-null values) and `size` (rows, nulls included).
//!
//! The state is the running count; merging states sums them.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array};
use arrow::datatypes::{DataType, Field, Int64Type};

use super::accumulator::{for_each_valid, one, GroupedAggregate};
use super::function::{field, AggregateImpl};
use crate::error::{Error, Result};

/// Counts per group.
pub(crate) struct Count {
    /// `size`: count every row, without reading an argument.
    size: bool,
    counts: Vec<i64>,
}

impl Count {
    pub(crate) fn new(size: bool) -> Self {
        Count { size, counts: Vec::new() }
    }
}

impl GroupedAggregate for Count {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.counts.resize(n, 0);
        let counts = &mut self.counts;
        // A dictionary's null values and a null-typed column count as missing.
        let nulls = if self.size { None } else { one(cols, groups)?.logical_nulls() };
        if let [count] = counts.as_mut_slice() {
            // One group (no key): every row is group 0.
            *count += (groups.len() - nulls.map_or(0, |n| n.null_count())) as i64;
            return Ok(());
        }
        match nulls.filter(|n| n.null_count() > 0) {
            None => groups.iter().for_each(|&g| counts[g as usize] += 1),
            Some(nulls) => {
                for (&g, valid) in groups.iter().zip(nulls.iter()) {
                    counts[g as usize] += i64::from(valid);
                }
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.finish()?])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.counts.resize(n, 0);
        let c = one(st, groups)?;
        let c = c
            .as_primitive_opt::<Int64Type>()
            .ok_or_else(|| Error::Internal(format!("count state of type {}", c.data_type())))?;
        let counts = &mut self.counts;
        for_each_valid(c.values(), c.nulls(), groups, |g, v| counts[g] += v);
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        Ok(Arc::new(Int64Array::from(std::mem::take(&mut self.counts))))
    }
}

/// `count` (non-null values) and `size` (rows; no argument).
pub(crate) struct CountFunction {
    /// Rows, nulls included, rather than values.
    pub(crate) size: bool,
}

impl AggregateImpl for CountFunction {
    fn name(&self) -> &'static str {
        if self.size {
            "size"
        } else {
            "count"
        }
    }

    fn arity(&self) -> usize {
        usize::from(!self.size)
    }

    fn output_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }

    fn output_nullable(&self) -> bool {
        false
    }

    fn state_fields(&self, _args: &[DataType], _output: &DataType) -> Result<Vec<Field>> {
        Ok(vec![field(self.name(), DataType::Int64, false)])
    }

    fn accumulator(&self, _state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        Ok(Box::new(Count::new(self.size)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::*;
    use arrow::datatypes::Int32Type;

    use crate::aggregate::tests::{assert_column, batch, groupby};
    use crate::expr::{col, size};

    fn data() -> RecordBatch {
        let dict: DictionaryArray<Int32Type> =
            vec![Some("x"), None, Some("y"), Some("x"), None].into_iter().collect();
        batch(vec![
            ("k", Arc::new(Int64Array::from(vec![1, 2, 1, 3, 2]))),
            ("v", Arc::new(Float64Array::from(vec![Some(1.0), None, None, Some(f64::NAN), None]))),
            ("s", Arc::new(StringViewArray::from(vec![Some("a"), Some("b"), None, None, Some("c")]))),
            ("d", Arc::new(dict)),
        ])
    }

    #[test]
    fn count_skips_nulls_and_size_does_not() {
        let out = groupby(&data(), &["k"], &[col("v").count(), col("s").count(), col("d").count(), size()]);
        assert_column(&out, "k", Int64Array::from(vec![1, 2, 3]));
        // A NaN is a value, not a missing one.
        assert_column(&out, "v.count()", Int64Array::from(vec![1, 0, 1]));
        assert_column(&out, "s.count()", Int64Array::from(vec![1, 2, 0]));
        assert_column(&out, "d.count()", Int64Array::from(vec![2, 0, 1]));
        assert_column(&out, "size()", Int64Array::from(vec![2, 2, 1]));
    }

    #[test]
    fn sliced_empty_one_row_and_whole_frame() {
        let d = data();
        let out = groupby(&d.slice(1, 3), &["k"], &[col("s").count(), size()]);
        assert_column(&out, "k", Int64Array::from(vec![1, 2, 3]));
        assert_column(&out, "s.count()", Int64Array::from(vec![0, 1, 0]));
        assert_column(&out, "size()", Int64Array::from(vec![1, 1, 1]));
        let out = groupby(&d.slice(4, 1), &[], &[col("s").count(), col("v").count(), size()]);
        assert_column(&out, "s.count()", Int64Array::from(vec![1]));
        assert_column(&out, "v.count()", Int64Array::from(vec![0]));
        assert_column(&out, "size()", Int64Array::from(vec![1]));
        let out = groupby(&d.slice(0, 0), &[], &[col("s").count(), size()]);
        assert_column(&out, "size()", Int64Array::from(vec![0]));
        let out = groupby(&d, &[], &[col("d").count(), size()]);
        assert_column(&out, "d.count()", Int64Array::from(vec![3]));
        assert_column(&out, "size()", Int64Array::from(vec![5]));
    }
}
