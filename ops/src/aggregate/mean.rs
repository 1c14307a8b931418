//! `mean` of non-null values: null when a group has none.
//!
//! The state is `(sum, count)` in float64 and int64; merging adds both.
//! Integers are summed as float64 (as pandas does), so integer means above
//! 2⁵³ lose their last bits.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, Float64Array, Int64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field, Float64Type, Int64Type};

use super::accumulator::{
    columns, fold_lanes, for_each_valid, one, visit_numeric, GroupedAggregate, Num, NumericVisitor,
};
use super::function::{field, need_numeric, AggregateImpl};
use crate::error::{Error, Result};

/// Sums and counts per group.
#[derive(Default)]
pub(crate) struct Mean {
    sums: Vec<f64>,
    counts: Vec<i64>,
}

impl Mean {
    fn resize(&mut self, n: usize) {
        self.sums.resize(n, 0.0);
        self.counts.resize(n, 0);
    }
}

impl NumericVisitor for Mean {
    fn visit<T: Num>(&mut self, values: &[T], nulls: Option<&NullBuffer>, groups: &[u32]) -> Result<()> {
        if let ([sum], [count]) = (self.sums.as_mut_slice(), self.counts.as_mut_slice()) {
            // One group (no key): every row is group 0.
            *sum += fold_lanes(values, nulls, 0.0, T::to_f64, |x, y| x + y);
            *count += (values.len() - nulls.map_or(0, |n| n.null_count())) as i64;
            return Ok(());
        }
        let (sums, counts) = (&mut self.sums, &mut self.counts);
        for_each_valid(values, nulls, groups, |g, v| {
            sums[g] += v.to_f64();
            counts[g] += 1;
        });
        Ok(())
    }
}

impl GroupedAggregate for Mean {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.resize(n);
        visit_numeric(one(cols, groups)?.as_ref(), groups, self)
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![
            Arc::new(Float64Array::from(std::mem::take(&mut self.sums))),
            Arc::new(Int64Array::from(std::mem::take(&mut self.counts))),
        ])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.resize(n);
        let [s, c] = columns::<2>(st, groups)?;
        let bad = || Error::Internal("mean state is not (float64, int64)".into());
        let s = s.as_primitive_opt::<Float64Type>().ok_or_else(bad)?;
        let c = c.as_primitive_opt::<Int64Type>().ok_or_else(bad)?;
        let (sums, counts) = (&mut self.sums, &mut self.counts);
        for ((&g, &s), &c) in groups.iter().zip(s.values()).zip(c.values()) {
            sums[g as usize] += s;
            counts[g as usize] += c;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let means: Vec<Option<f64>> = self
            .sums
            .iter()
            .zip(&self.counts)
            .map(|(&s, &c)| if c > 0 { Some(s / c as f64) } else { None })
            .collect();
        Ok(Arc::new(Float64Array::from(means)))
    }
}

/// `mean`: a sum and a count of the non-null values.
pub(crate) struct MeanFunction;

impl AggregateImpl for MeanFunction {
    fn name(&self) -> &'static str {
        "mean"
    }

    fn output_type(&self, args: &[DataType]) -> Result<DataType> {
        need_numeric(self.name(), &args[0])?;
        Ok(DataType::Float64)
    }

    fn state_fields(&self, _args: &[DataType], _output: &DataType) -> Result<Vec<Field>> {
        Ok(vec![field("sum", DataType::Float64, false), field("count", DataType::Int64, false)])
    }

    fn num_state_columns(&self) -> usize {
        2
    }

    fn accumulator(&self, _state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        Ok(Box::new(Mean::default()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::*;

    use crate::aggregate::tests::{assert_floats, batch, groupby};
    use crate::expr::col;

    fn data() -> RecordBatch {
        batch(vec![
            ("k", Arc::new(StringArray::from(vec!["a", "b", "a", "c", "a", "b"]))),
            ("i", Arc::new(Int64Array::from(vec![Some(1), None, Some(2), Some(7), Some(6), None]))),
            ("f", Arc::new(Float32Array::from(vec![Some(0.5), None, None, Some(-2.0), Some(1.0), None]))),
            (
                "b",
                Arc::new(BooleanArray::from(vec![
                    Some(true),
                    None,
                    Some(false),
                    None,
                    Some(true),
                    Some(true),
                ])),
            ),
        ])
    }

    #[test]
    fn mean_skips_nulls_and_is_null_for_none() {
        let out = groupby(&data(), &["k"], &[col("i").mean(), col("f").mean(), col("b").mean()]);
        assert_floats(&out, "i.mean()", &[Some(3.0), None, Some(7.0)]);
        assert_floats(&out, "f.mean()", &[Some(0.75), None, Some(-2.0)]);
        assert_floats(&out, "b.mean()", &[Some(2.0 / 3.0), Some(1.0), None]);
        assert!(out.schema().field(1).is_nullable());
    }

    #[test]
    fn sliced_one_row_empty_and_whole_frame() {
        let d = data();
        let out = groupby(&d.slice(3, 3), &["k"], &[col("i").mean()]);
        assert_floats(&out, "i.mean()", &[Some(6.0), None, Some(7.0)]);
        let out = groupby(&d, &[], &[col("i").mean(), col("f").mean()]);
        assert_floats(&out, "i.mean()", &[Some(4.0)]);
        assert_floats(&out, "f.mean()", &[Some(-0.5 / 3.0)]);
        let out = groupby(&d.slice(1, 1), &[], &[col("i").mean()]);
        assert_floats(&out, "i.mean()", &[None]);
        let out = groupby(&d.slice(0, 0), &[], &[col("i").mean()]);
        assert_floats(&out, "i.mean()", &[None]);
        let nan = batch(vec![("v", Arc::new(Float64Array::from(vec![1.0, f64::NAN])) as ArrayRef)]);
        let out = groupby(&nan, &[], &[col("v").mean()]);
        assert_floats(&out, "v.mean()", &[Some(f64::NAN)]);
    }
}
