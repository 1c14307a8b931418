//! `median` and `quantile(q)`: exact, with linear interpolation, as pandas.
//!
//! Exactness needs every value, so the state of a group is the list of its
//! non-null values as float64 (`List<Float64>`): **its memory grows with the
//! data** (8 bytes per value, plus the offsets), and merging concatenates
//! lists. At the finish, each group's values are partially sorted
//! (`select_nth_unstable`, O(n)) around the two ranks that bracket
//! `q·(n − 1)`, and `lo + (hi − lo)·frac` interpolates between them
//! (pandas' `groupby.quantile`); the median is `(lo + hi) / 2` for an even
//! count (pandas' `groupby.median`). Floats order in IEEE total order: a
//! NaN (a value here) sorts above every number. Integers above 2⁵³ lose
//! their last bits, as in pandas.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, ListArray};
use arrow::buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{DataType, Field, Float64Type};

use super::accumulator::{for_each_valid, one, sort_by_group, visit_numeric, GroupedAggregate, Num, NumericVisitor};
use crate::error::{Error, Result};

/// The values of every group, with their group.
pub(crate) struct Quantile {
    /// `None` for the median.
    q: Option<f64>,
    groups: Vec<u32>,
    values: Vec<f64>,
    n: usize,
}

impl Quantile {
    pub(crate) fn new(q: Option<f64>) -> Self {
        Quantile { q, groups: Vec::new(), values: Vec::new(), n: 0 }
    }
}

impl NumericVisitor for Quantile {
    fn visit<T: Num>(&mut self, values: &[T], nulls: Option<&NullBuffer>, groups: &[u32]) -> Result<()> {
        let (gs, vs) = (&mut self.groups, &mut self.values);
        for_each_valid(values, nulls, groups, |g, v| {
            gs.push(g as u32);
            vs.push(v.to_f64());
        });
        Ok(())
    }
}

/// The `q` quantile of `v` (not empty), reordering `v`.
fn quantile(v: &mut [f64], q: Option<f64>) -> f64 {
    let n = v.len();
    let pos = q.unwrap_or(0.5) * (n - 1) as f64;
    let lo = (pos.floor() as usize).min(n - 1);
    let (_, &mut a, rest) = v.select_nth_unstable_by(lo, f64::total_cmp);
    if pos == lo as f64 {
        return a;
    }
    // The next rank is the smallest of the values above `lo`.
    let b = rest.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
    match q {
        None => (a + b) / 2.0,
        Some(_) => a + (b - a) * (pos - lo as f64),
    }
}

impl GroupedAggregate for Quantile {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.n = self.n.max(n);
        visit_numeric(one(cols, groups)?.as_ref(), groups, self)
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let (offsets, values) = sort_by_group(&self.groups, &self.values, self.n);
        self.groups.clear();
        self.values.clear();
        let offsets = offsets
            .into_iter()
            .map(|o| {
                i32::try_from(o)
                    .map_err(|_| Error::InvalidArgument("more than 2^31 values in one quantile state".into()))
            })
            .collect::<Result<Vec<i32>>>()?;
        let field = Arc::new(Field::new_list_field(DataType::Float64, true));
        // Offsets are a prefix sum from 0, as `OffsetBuffer::new` asserts.
        let list = ListArray::try_new(
            field,
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            Arc::new(Float64Array::from(values)),
            None,
        )?;
        Ok(vec![Arc::new(list)])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.n = self.n.max(n);
        let list = one(st, groups)?;
        let bad = || Error::Internal(format!("quantile state of type {}", list.data_type()));
        let list = list.as_list_opt::<i32>().ok_or_else(bad)?;
        let values = list.values().as_primitive_opt::<Float64Type>().ok_or_else(bad)?;
        let offsets = list.value_offsets();
        for (w, &g) in offsets.windows(2).zip(groups) {
            let (s, e) = (w[0] as usize, w[1] as usize);
            for i in s..e {
                if values.is_valid(i) {
                    self.groups.push(g);
                    self.values.push(values.value(i));
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let (offsets, mut values) = sort_by_group(&self.groups, &self.values, self.n);
        let out: Float64Array = offsets
            .windows(2)
            .map(|w| {
                let v = &mut values[w[0]..w[1]];
                (!v.is_empty()).then(|| quantile(v, self.q))
            })
            .collect();
        Ok(Arc::new(out))
    }
}
