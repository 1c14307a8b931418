//! `corr(a, b)`: Pearson's correlation over the rows where both are non-null.
//!
//! The state is `(n, mean_x, mean_y, m2_x, m2_y, c_xy)` (c_xy the sum of
//! co-deviations), reduced per batch in two passes and combined with the
//! co-moment form of Chan et al.'s formula (see `var.rs`):
//! `c_xy = c_a + c_b + δx·δy·na·nb/n`. The result is
//! `c_xy / sqrt(m2_x·m2_y)`, null (pandas: NaN) with fewer than two rows or
//! a constant column. Both arguments are read as float64 (cast by arrow).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Float64Type, Int64Type};

use super::accumulator::{cast_to, columns, GroupedAggregate};
use crate::error::{Error, Result};

/// The co-moments of one group.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: i64,
    mx: f64,
    my: f64,
    m2x: f64,
    m2y: f64,
    cxy: f64,
}

impl Moments {
    /// Folds `b` in (Chan et al.).
    #[inline]
    fn combine(&mut self, b: &Moments) {
        if b.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *b;
            return;
        }
        let (fa, fb) = (self.n as f64, b.n as f64);
        let n = fa + fb;
        let (dx, dy) = (b.mx - self.mx, b.my - self.my);
        let w = fa * fb / n;
        self.mx += dx * fb / n;
        self.my += dy * fb / n;
        self.m2x += b.m2x + dx * dx * w;
        self.m2y += b.m2y + dy * dy * w;
        self.cxy += b.cxy + dx * dy * w;
        self.n += b.n;
    }
}

/// Co-moments per group.
#[derive(Default)]
pub(crate) struct Corr {
    groups: Vec<Moments>,
}

impl GroupedAggregate for Corr {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.groups.resize(n, Moments::default());
        let [x, y] = columns::<2>(cols, groups)?;
        let (x, y) = (cast_to(x, &DataType::Float64)?, cast_to(y, &DataType::Float64)?);
        let bad = || Error::Internal("corr arguments did not cast to float64".into());
        let (x, y) = (x.as_primitive_opt::<Float64Type>().ok_or_else(bad)?, y.as_primitive_opt::<Float64Type>().ok_or_else(bad)?);
        let nulls = NullBuffer::union(x.logical_nulls().as_ref(), y.logical_nulls().as_ref());
        let (xs, ys) = (x.values(), y.values());
        let rows = || {
            (0..groups.len())
                .filter(|&i| nulls.as_ref().is_none_or(|n| n.is_valid(i)))
                .map(|i| (groups[i] as usize, xs[i], ys[i]))
        };
        // Pass 1: counts and means of the batch; pass 2: deviations.
        let mut b = vec![Moments::default(); n];
        for (g, x, y) in rows() {
            let m = &mut b[g];
            m.n += 1;
            m.mx += x;
            m.my += y;
        }
        for m in &mut b {
            if m.n > 0 {
                m.mx /= m.n as f64;
                m.my /= m.n as f64;
            }
        }
        for (g, x, y) in rows() {
            let m = &mut b[g];
            let (dx, dy) = (x - m.mx, y - m.my);
            m.m2x += dx * dx;
            m.m2y += dy * dy;
            m.cxy += dx * dy;
        }
        for (acc, m) in self.groups.iter_mut().zip(&b) {
            acc.combine(m);
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let g = std::mem::take(&mut self.groups);
        let f = |get: fn(&Moments) -> f64| -> ArrayRef { Arc::new(Float64Array::from_iter_values(g.iter().map(get))) };
        Ok(vec![
            Arc::new(Int64Array::from_iter_values(g.iter().map(|m| m.n))),
            f(|m| m.mx),
            f(|m| m.my),
            f(|m| m.m2x),
            f(|m| m.m2y),
            f(|m| m.cxy),
        ])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.groups.resize(n, Moments::default());
        let [c, mx, my, m2x, m2y, cxy] = columns::<6>(st, groups)?;
        let bad = || Error::Internal("corr state is not (int64, float64 × 5)".into());
        let c = c.as_primitive_opt::<Int64Type>().ok_or_else(bad)?.values();
        let f = |a: &ArrayRef| a.as_primitive_opt::<Float64Type>().map(|a| a.values().clone()).ok_or_else(bad);
        let (mx, my, m2x, m2y, cxy) = (f(mx)?, f(my)?, f(m2x)?, f(m2y)?, f(cxy)?);
        for (i, &g) in groups.iter().enumerate() {
            let b = Moments { n: c[i], mx: mx[i], my: my[i], m2x: m2x[i], m2y: m2y[i], cxy: cxy[i] };
            self.groups[g as usize].combine(&b);
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let out: Float64Array = self
            .groups
            .iter()
            .map(|m| {
                let d = (m.m2x * m.m2y).sqrt();
                (m.n >= 2 && d != 0.0).then(|| m.cxy / d)
            })
            .collect();
        Ok(Arc::new(out))
    }
}
