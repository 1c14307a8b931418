//! `count` (non-null values) and `size` (rows, nulls included).
//!
//! The state is the running count; merging states sums them.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array};
use arrow::datatypes::Int64Type;

use super::accumulator::{for_each_valid, one, GroupedAggregate};
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
