//! `corr(a, b)`: Pearson's correlation over the rows where both are non-null.
//!
//! The state is `(n, mean_x, mean_y, m2_x, m2_y, c_xy)` (c_xy the sum of
//! co-deviations), updated row by row with Welford's method and combined
//! with the co-moment form of Chan et al.'s formula (see `var.rs`):
//! `c_xy = c_a + c_b + δx·δy·na·nb/n`. The result is
//! `c_xy / sqrt(m2_x·m2_y)`, null (pandas: NaN) with fewer than two rows or
//! a constant column. Both arguments are read as float64 (cast by arrow).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field, Float64Type, Int64Type};

use super::accumulator::{cast_to, columns, GroupedAggregate};
use super::function::{field, need_numeric, AggregateImpl};
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
        let (x, y) = (
            x.as_primitive_opt::<Float64Type>().ok_or_else(bad)?,
            y.as_primitive_opt::<Float64Type>().ok_or_else(bad)?,
        );
        let nulls = NullBuffer::union(x.logical_nulls().as_ref(), y.logical_nulls().as_ref());
        let (xs, ys) = (x.values(), y.values());
        let moments = &mut self.groups;
        // Welford's update of the co-moments, row by row.
        for (i, &g) in groups.iter().enumerate() {
            if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                continue;
            }
            let (x, y) = (xs[i], ys[i]);
            let m = &mut moments[g as usize];
            m.n += 1;
            let w = 1.0 / m.n as f64;
            let dx = x - m.mx;
            m.mx += dx * w;
            let dy = y - m.my;
            m.my += dy * w;
            m.m2x += dx * (x - m.mx);
            m.m2y += dy * (y - m.my);
            m.cxy += dx * (y - m.my);
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let g = std::mem::take(&mut self.groups);
        let f = |get: fn(&Moments) -> f64| -> ArrayRef {
            Arc::new(Float64Array::from_iter_values(g.iter().map(get)))
        };
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
        let f =
            |a: &ArrayRef| a.as_primitive_opt::<Float64Type>().map(|a| a.values().clone()).ok_or_else(bad);
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

/// `corr`: Pearson's correlation of two columns, from `(count, means, m2s,
/// co-moment)` states.
pub(crate) struct CorrFunction;

impl AggregateImpl for CorrFunction {
    fn name(&self) -> &'static str {
        "corr"
    }

    fn arity(&self) -> usize {
        2
    }

    fn output_type(&self, args: &[DataType]) -> Result<DataType> {
        for t in args {
            need_numeric(self.name(), t)?;
        }
        Ok(DataType::Float64)
    }

    fn state_fields(&self, _args: &[DataType], _output: &DataType) -> Result<Vec<Field>> {
        let f64s = ["mean_x", "mean_y", "m2_x", "m2_y", "c_xy"].map(|n| field(n, DataType::Float64, false));
        Ok(std::iter::once(field("count", DataType::Int64, false)).chain(f64s).collect())
    }

    fn num_state_columns(&self) -> usize {
        6
    }

    fn accumulator(&self, _state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        Ok(Box::new(Corr::default()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::*;

    use crate::aggregate::tests::{assert_floats, batch, groupby};
    use crate::expr::{col, corr};

    #[test]
    fn pearson_over_rows_where_both_are_present() {
        let b = batch(vec![
            ("k", Arc::new(Int64Array::from(vec![1, 1, 1, 2, 2, 2, 3, 3, 4, 1]))),
            (
                "x",
                Arc::new(Int32Array::from(vec![
                    Some(1),
                    Some(2),
                    Some(3),
                    Some(1),
                    Some(2),
                    Some(3),
                    Some(5),
                    Some(5),
                    Some(1),
                    None,
                ])),
            ),
            (
                "y",
                Arc::new(Float64Array::from(vec![
                    Some(2.0),
                    Some(4.0),
                    Some(6.0),
                    Some(3.0),
                    Some(2.0),
                    Some(1.0),
                    Some(1.0),
                    Some(2.0),
                    Some(9.0),
                    Some(100.0),
                ])),
            ),
        ]);
        let out = groupby(&b, &["k"], &[corr(col("x"), col("y")).alias("r")]);
        // 1: y = 2x (the null x pairs with nothing); 2: y = 4 − x;
        // 3: x constant; 4: one row.
        assert_floats(&out, "r", &[Some(1.0), Some(-1.0), None, None]);
        let noisy = batch(vec![
            ("x", Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0, 4.0])) as ArrayRef),
            ("y", Arc::new(Float64Array::from(vec![1.0, 3.0, 2.0, 5.0])) as ArrayRef),
        ]);
        let out = groupby(&noisy, &[], &[corr(col("x"), col("y")).alias("r")]);
        // Σdx·dy = 5.5, Σdx² = 5, Σdy² = 8.75.
        assert_floats(&out, "r", &[Some(5.5 / (5.0f64 * 8.75).sqrt())]);
        let out = groupby(&noisy.slice(1, 2), &[], &[corr(col("x"), col("y")).alias("r")]);
        assert_floats(&out, "r", &[Some(-1.0)]);
        let out = groupby(&noisy.slice(0, 0), &[], &[corr(col("x"), col("y")).alias("r")]);
        assert_floats(&out, "r", &[None]);
    }
}
