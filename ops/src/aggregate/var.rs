//! `var` and `std` with `ddof`, numerically stable under any split.
//!
//! The state of a group is `(count, mean, m2)`, m2 being the sum of squared
//! deviations from the mean. Rows are added with Welford's update (as
//! pandas' groupby does), and states are combined with Chan, Golub and
//! LeVeque's parallel formula:
//!
//! ```text
//! n = na + nb    δ = mean_b − mean_a
//! mean = mean_a + δ·nb/n    m2 = m2_a + m2_b + δ²·na·nb/n
//! ```
//!
//! which never subtracts large sums of squares, so a tree of merges agrees
//! with a single pass to rounding. `var = m2 / (n − ddof)`, null when
//! `n <= ddof` (pandas gives NaN).

use std::fmt;
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, Float64Array, Int64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field, Float64Type, Int64Type};

use super::accumulator::{
    columns, for_each_valid, one, visit_numeric, GroupedAggregate, Num, NumericVisitor,
};
use super::function::{field, need_numeric, AggregateImpl};
use crate::error::{Error, Result};

/// Count, mean and m2 per group.
pub(crate) struct Var {
    ddof: u8,
    /// `std` rather than `var`.
    sqrt: bool,
    count: Vec<i64>,
    mean: Vec<f64>,
    m2: Vec<f64>,
}

/// Folds `(nb, mb, m2b)` into `(na, ma, m2a)` (Chan et al.).
#[inline]
fn combine(na: &mut i64, ma: &mut f64, m2a: &mut f64, nb: i64, mb: f64, m2b: f64) {
    if nb == 0 {
        return;
    }
    if *na == 0 {
        (*na, *ma, *m2a) = (nb, mb, m2b);
        return;
    }
    let (fa, fb) = (*na as f64, nb as f64);
    let n = fa + fb;
    let delta = mb - *ma;
    *ma += delta * fb / n;
    *m2a += m2b + delta * delta * fa * fb / n;
    *na += nb;
}

impl Var {
    pub(crate) fn new(ddof: u8, sqrt: bool) -> Self {
        Var { ddof, sqrt, count: Vec::new(), mean: Vec::new(), m2: Vec::new() }
    }

    fn resize(&mut self, n: usize) {
        self.count.resize(n, 0);
        self.mean.resize(n, 0.0);
        self.m2.resize(n, 0.0);
    }
}

impl NumericVisitor for Var {
    fn visit<T: Num>(&mut self, values: &[T], nulls: Option<&NullBuffer>, groups: &[u32]) -> Result<()> {
        let (count, mean, m2) = (&mut self.count, &mut self.mean, &mut self.m2);
        // Welford's update, row by row: stable, and what pandas' groupby
        // `var` does; rows of different groups do not depend on each other.
        for_each_valid(
            values,
            nulls,
            groups,
            #[inline(always)]
            |g, v| {
                let x = v.to_f64();
                count[g] += 1;
                let d = x - mean[g];
                mean[g] += d / count[g] as f64;
                m2[g] += d * (x - mean[g]);
            },
        );
        Ok(())
    }
}

impl GroupedAggregate for Var {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.resize(n);
        visit_numeric(one(cols, groups)?.as_ref(), groups, self)
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![
            Arc::new(Int64Array::from(std::mem::take(&mut self.count))),
            Arc::new(Float64Array::from(std::mem::take(&mut self.mean))),
            Arc::new(Float64Array::from(std::mem::take(&mut self.m2))),
        ])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.resize(n);
        let [c, m, m2] = columns::<3>(st, groups)?;
        let bad = || Error::Internal("var state is not (int64, float64, float64)".into());
        let c = c.as_primitive_opt::<Int64Type>().ok_or_else(bad)?.values();
        let m = m.as_primitive_opt::<Float64Type>().ok_or_else(bad)?.values();
        let m2 = m2.as_primitive_opt::<Float64Type>().ok_or_else(bad)?.values();
        for (i, &g) in groups.iter().enumerate() {
            let g = g as usize;
            combine(&mut self.count[g], &mut self.mean[g], &mut self.m2[g], c[i], m[i], m2[i]);
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let ddof = i64::from(self.ddof);
        let out: Float64Array = self
            .count
            .iter()
            .zip(&self.m2)
            .map(|(&c, &m2)| {
                (c > ddof).then(|| {
                    let var = m2 / (c - ddof) as f64;
                    if self.sqrt {
                        var.sqrt()
                    } else {
                        var
                    }
                })
            })
            .collect();
        Ok(Arc::new(out))
    }
}

/// `var` and `std` with `ddof` delta degrees of freedom: `(count, mean,
/// m2)` states.
pub(crate) struct VarFunction {
    /// Delta degrees of freedom.
    pub(crate) ddof: u8,
    /// The standard deviation rather than the variance.
    pub(crate) std: bool,
}

impl AggregateImpl for VarFunction {
    fn name(&self) -> &'static str {
        if self.std {
            "std"
        } else {
            "var"
        }
    }

    fn output_type(&self, args: &[DataType]) -> Result<DataType> {
        need_numeric(self.name(), &args[0])?;
        Ok(DataType::Float64)
    }

    fn state_fields(&self, _args: &[DataType], _output: &DataType) -> Result<Vec<Field>> {
        Ok(vec![
            field("count", DataType::Int64, false),
            field("mean", DataType::Float64, false),
            field("m2", DataType::Float64, false),
        ])
    }

    fn num_state_columns(&self) -> usize {
        3
    }

    fn accumulator(&self, _state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        Ok(Box::new(Var::new(self.ddof, self.std)))
    }

    /// pandas' default ddof (1) is left out.
    fn fmt_call(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ddof {
            1 => write!(f, ".{}()", self.name()),
            ddof => write!(f, ".{}(ddof={ddof})", self.name()),
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
            ("k", Arc::new(StringArray::from(vec!["a", "b", "a", "c", "a", "b"]))),
            ("i", Arc::new(Int64Array::from(vec![Some(1), None, Some(2), Some(7), Some(6), None]))),
        ])
    }

    #[test]
    fn var_and_std_with_ddof() {
        let aggs = [
            col("i").var(),
            col("i").std(),
            col("i").var_ddof(0),
            col("i").std_ddof(0),
            col("i").var_ddof(2),
        ];
        let out = groupby(&data(), &["k"], &aggs);
        assert_floats(&out, "i.var()", &[Some(7.0), None, None]);
        assert_floats(&out, "i.std()", &[Some(7f64.sqrt()), None, None]);
        assert_floats(&out, "i.var(ddof=0)", &[Some(14.0 / 3.0), None, Some(0.0)]);
        assert_floats(&out, "i.std(ddof=0)", &[Some((14.0f64 / 3.0).sqrt()), None, Some(0.0)]);
        assert_floats(&out, "i.var(ddof=2)", &[Some(14.0), None, None]);
    }

    #[test]
    fn var_is_stable_far_from_zero() {
        // The textbook case where E[x²] − E[x]² loses every digit.
        let v: Float64Array = [4.0, 7.0, 13.0, 16.0].iter().map(|x| Some(1e9 + x)).collect();
        let b = batch(vec![("v", Arc::new(v) as ArrayRef)]);
        let out = groupby(&b, &[], &[col("v").var(), col("v").mean()]);
        assert_floats(&out, "v.var()", &[Some(30.0)]);
        assert_floats(&out, "v.mean()", &[Some(1e9 + 10.0)]);
    }

    #[test]
    fn sliced_one_row_and_empty() {
        let d = data();
        let out = groupby(&d.slice(2, 3), &["k"], &[col("i").var_ddof(0)]);
        assert_floats(&out, "i.var(ddof=0)", &[Some(4.0), Some(0.0)]);
        let out = groupby(&d.slice(0, 0), &[], &[col("i").var(), col("i").std()]);
        assert_floats(&out, "i.var()", &[None]);
        assert_floats(&out, "i.std()", &[None]);
    }
}
