//! `var` and `std` with `ddof`, numerically stable under any split.
//!
//! The state of a group is `(count, mean, m2)`, m2 being the sum of squared
//! deviations from the mean. A batch is reduced in two passes (sums and
//! counts, then squared deviations from the batch's group means: the
//! accurate textbook algorithm, with no division per row), and states are
//! combined with Chan, Golub and LeVeque's parallel formula:
//!
//! ```text
//! n = na + nb    δ = mean_b − mean_a
//! mean = mean_a + δ·nb/n    m2 = m2_a + m2_b + δ²·na·nb/n
//! ```
//!
//! which never subtracts large sums of squares, so a tree of merges agrees
//! with a single pass to rounding. `var = m2 / (n − ddof)`, null when
//! `n <= ddof` (pandas gives NaN).

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, Float64Array, Int64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{Float64Type, Int64Type};

use super::accumulator::{columns, for_each_valid, one, visit_numeric, GroupedAggregate, Num, NumericVisitor};
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
pub(crate) fn combine(na: &mut i64, ma: &mut f64, m2a: &mut f64, nb: i64, mb: f64, m2b: f64) {
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
        let n = self.count.len();
        // Pass 1: the batch's counts and means per group.
        let mut bn = vec![0i64; n];
        let mut bmean = vec![0f64; n];
        for_each_valid(values, nulls, groups, |g, v| {
            bn[g] += 1;
            bmean[g] += v.to_f64();
        });
        for (m, &c) in bmean.iter_mut().zip(&bn) {
            if c > 0 {
                *m /= c as f64;
            }
        }
        // Pass 2: squared deviations from those means.
        let mut bm2 = vec![0f64; n];
        for_each_valid(values, nulls, groups, |g, v| {
            let d = v.to_f64() - bmean[g];
            bm2[g] += d * d;
        });
        for g in 0..n {
            combine(&mut self.count[g], &mut self.mean[g], &mut self.m2[g], bn[g], bmean[g], bm2[g]);
        }
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
