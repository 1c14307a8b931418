//! `mean` of non-null values: null when a group has none.
//!
//! The state is `(sum, count)` in float64 and int64; merging adds both.
//! Integers are summed as float64 (as pandas does), so integer means above
//! 2⁵³ lose their last bits.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, Float64Array, Int64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{Float64Type, Int64Type};

use super::accumulator::{columns, for_each_valid, one, visit_numeric, GroupedAggregate, Num, NumericVisitor};
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
