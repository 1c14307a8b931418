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

use std::fmt;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, ListArray};
use arrow::buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{DataType, Field, Float64Type};

use super::accumulator::{for_each_valid, one, visit_numeric, GroupedAggregate, Num, NumericVisitor};
use super::function::{check_quantile, field, list_of, need_numeric, AggregateImpl};
use crate::error::{Error, Result};

/// The values of every group: rows added by `update` with their group, and
/// state lists added by `merge` (kept as they are, not copied, until the
/// values are laid out by group once, in `state` or `finish`).
pub(crate) struct Quantile {
    /// `None` for the median.
    q: Option<f64>,
    groups: Vec<u32>,
    values: Vec<f64>,
    /// Merged states: each state's list column and the group of each of its rows.
    lists: Vec<(ListArray, Vec<u32>)>,
    n: usize,
}

impl Quantile {
    pub(crate) fn new(q: Option<f64>) -> Self {
        Quantile { q, groups: Vec::new(), values: Vec::new(), lists: Vec::new(), n: 0 }
    }

    /// Every value laid out by group: `(offsets, values)`, group `g`'s
    /// values being `values[offsets[g]..offsets[g + 1]]`.
    fn by_group(&mut self) -> Result<(Vec<usize>, Vec<f64>)> {
        let n = self.n;
        let mut offsets = vec![0usize; n + 1];
        for &g in &self.groups {
            offsets[g as usize + 1] += 1;
        }
        for (list, groups) in &self.lists {
            for (w, &g) in list.value_offsets().windows(2).zip(groups) {
                offsets[g as usize + 1] += (w[1] - w[0]) as usize;
            }
        }
        for g in 0..n {
            offsets[g + 1] += offsets[g];
        }
        let mut next = offsets.clone();
        let mut out = vec![0f64; offsets[n]];
        // State lists first: they come from earlier partitions (or from the
        // partial's own rows, in a merge), and within a group the order of
        // values does not matter to a quantile anyway.
        for (list, groups) in std::mem::take(&mut self.lists) {
            let values = list.values().as_primitive_opt::<Float64Type>().ok_or_else(|| bad_state(&list))?;
            let values = values.values();
            for (w, &g) in list.value_offsets().windows(2).zip(&groups) {
                let (s, e) = (w[0] as usize, w[1] as usize);
                let at = next[g as usize];
                out[at..at + (e - s)].copy_from_slice(&values[s..e]);
                next[g as usize] += e - s;
            }
        }
        for (&g, &v) in self.groups.iter().zip(&self.values) {
            let slot = &mut next[g as usize];
            out[*slot] = v;
            *slot += 1;
        }
        self.groups = Vec::new();
        self.values = Vec::new();
        Ok((offsets, out))
    }
}

fn bad_state(list: &dyn Array) -> Error {
    Error::Internal(format!("quantile state of type {}", list.data_type()))
}

impl NumericVisitor for Quantile {
    fn visit<T: Num>(&mut self, values: &[T], nulls: Option<&NullBuffer>, groups: &[u32]) -> Result<()> {
        let (gs, vs) = (&mut self.groups, &mut self.values);
        gs.reserve(groups.len());
        vs.reserve(groups.len());
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
        let (offsets, values) = self.by_group()?;
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
        let list = list.as_list_opt::<i32>().ok_or_else(|| bad_state(list.as_ref()))?;
        let values = list.values().as_primitive_opt::<Float64Type>().ok_or_else(|| bad_state(list))?;
        if values.null_count() == 0 {
            self.lists.push((list.clone(), groups.to_vec()));
            return Ok(());
        }
        // Lists with nulls (not made by `state`): their non-null values, one by one.
        for (w, &g) in list.value_offsets().windows(2).zip(groups) {
            for i in w[0] as usize..w[1] as usize {
                if values.is_valid(i) {
                    self.groups.push(g);
                    self.values.push(values.value(i));
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let (offsets, mut values) = self.by_group()?;
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

/// `median` and `quantile(q)`, exact: every value of a group is kept.
pub(crate) struct QuantileFunction {
    /// The quantile; `None` for the median.
    pub(crate) q: Option<f64>,
}

impl AggregateImpl for QuantileFunction {
    /// The state holds all the values.
    fn fixed_state(&self) -> bool {
        false
    }

    fn name(&self) -> &'static str {
        if self.q.is_some() {
            "quantile"
        } else {
            "median"
        }
    }

    fn output_type(&self, args: &[DataType]) -> Result<DataType> {
        need_numeric(self.name(), &args[0])?;
        Ok(DataType::Float64)
    }

    fn state_fields(&self, _args: &[DataType], _output: &DataType) -> Result<Vec<Field>> {
        self.q.map_or(Ok(()), check_quantile)?;
        Ok(vec![field("values", list_of(DataType::Float64), false)])
    }

    fn accumulator(&self, _state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        self.q.map_or(Ok(()), check_quantile)?;
        Ok(Box::new(Quantile::new(self.q)))
    }

    fn fmt_call(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.q {
            Some(q) => write!(f, ".quantile({q})"),
            None => write!(f, ".median()"),
        }
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
            ("k", Arc::new(Int64Array::from(vec![1, 1, 2, 1, 3, 1, 2, 4]))),
            (
                "v",
                Arc::new(Int32Array::from(vec![
                    Some(4),
                    Some(1),
                    Some(10),
                    Some(3),
                    None,
                    Some(2),
                    None,
                    Some(7),
                ])),
            ),
        ])
    }

    #[test]
    fn interpolated_as_pandas() {
        let aggs = [
            col("v").median(),
            col("v").quantile(0.0),
            col("v").quantile(0.25),
            col("v").quantile(0.9),
            col("v").quantile(1.0),
        ];
        let out = groupby(&data(), &["k"], &aggs);
        // Group 1 holds 1 2 3 4: positions q·3.
        assert_floats(&out, "v.median()", &[Some(2.5), Some(10.0), None, Some(7.0)]);
        assert_floats(&out, "v.quantile(0)", &[Some(1.0), Some(10.0), None, Some(7.0)]);
        assert_floats(&out, "v.quantile(0.25)", &[Some(1.75), Some(10.0), None, Some(7.0)]);
        assert_floats(&out, "v.quantile(0.9)", &[Some(3.7), Some(10.0), None, Some(7.0)]);
        assert_floats(&out, "v.quantile(1)", &[Some(4.0), Some(10.0), None, Some(7.0)]);
    }

    #[test]
    fn sliced_empty_and_whole_frame() {
        let d = data();
        let out = groupby(&d.slice(1, 4), &["k"], &[col("v").median()]);
        assert_floats(&out, "v.median()", &[Some(2.0), Some(10.0), None]);
        let out = groupby(&d, &[], &[col("v").median()]);
        assert_floats(&out, "v.median()", &[Some(3.5)]);
        let out = groupby(&d.slice(0, 0), &[], &[col("v").median(), col("v").quantile(0.3)]);
        assert_floats(&out, "v.median()", &[None]);
        assert_floats(&out, "v.quantile(0.3)", &[None]);
    }
}
