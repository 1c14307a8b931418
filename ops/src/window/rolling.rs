//! `rolling(window, min_periods)` over rows: each row's window is itself
//! and the `window - 1` rows before it, which may lie in earlier
//! partitions (they come in as the lag carry). As pandas: the result is
//! float64, null where the window holds fewer than `min_periods` non-null
//! values (null values and the rows before the frame's start count as
//! missing), and the functions skip nulls.

use std::collections::VecDeque;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use arrow::compute::{cast, concat};
use arrow::datatypes::{DataType, Float64Type};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// The function of a rolling window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rolling {
    /// `sum`.
    Sum,
    /// `mean`.
    Mean,
    /// `count` (non-null values).
    Count,
    /// `min`.
    Min,
    /// `max`.
    Max,
    /// `var` (ddof 1).
    Var,
    /// `std` (ddof 1).
    Std,
    /// `median`.
    Median,
}

impl Rolling {
    /// pandas' name.
    pub fn name(&self) -> &'static str {
        match self {
            Rolling::Sum => "sum",
            Rolling::Mean => "mean",
            Rolling::Count => "count",
            Rolling::Min => "min",
            Rolling::Max => "max",
            Rolling::Var => "var",
            Rolling::Std => "std",
            Rolling::Median => "median",
        }
    }
}

/// The rows around a partition a rolling window reaches: the carry.
pub(super) struct Edges {
    /// The values before the partition (null-padded at the frame's start).
    pub(super) before: ArrayRef,
    /// The values after it, for a centred window (null-padded at the end).
    pub(super) after: ArrayRef,
    /// The frame's rows before the partition.
    pub(super) rows_before: usize,
    /// The frame's rows after it.
    pub(super) rows_after: usize,
}

/// The rolling `func` of `values`, each row's window being the row, the
/// `before.len()` rows before it and the `after.len()` after it (a centred
/// window), the first and last rows' neighbours coming from `edges`.
/// `count`'s `min_periods` counts the window's rows, not its values, as
/// pandas'.
pub(super) fn rolling(
    values: &ArrayRef,
    edges: &Edges,
    window: usize,
    min_periods: usize,
    func: Rolling,
) -> Result<ArrayRef> {
    let all =
        cast(&concat(&[edges.before.as_ref(), values.as_ref(), edges.after.as_ref()])?, &DataType::Float64)?;
    let all = all.as_primitive::<Float64Type>();
    // Row `r`'s window ends `ahead` rows after it (0 unless centred).
    let (lead, ahead) = (edges.before.len(), edges.after.len());
    let (rows_before, rows_after) = (edges.rows_before, edges.rows_after);
    let back = window - 1 - ahead;
    let n = values.len();
    // A NaN is missing here, as in pandas' windows.
    let valid = |i: usize| all.is_valid(i) && !all.value(i).is_nan();
    let value = |i: usize| all.value(i);
    let mut out: Vec<Option<f64>> = Vec::with_capacity(n);
    // Sliding state over the window `[r + lead + 1 - window, r + lead]`.
    let (mut count, mut sum, mut compensation) = (0usize, 0.0f64, 0.0f64);
    let add = |x: f64, sum: &mut f64, compensation: &mut f64| {
        // Kahan summation: long windows slide without drifting.
        let y = x - *compensation;
        let t = *sum + y;
        *compensation = (t - *sum) - y;
        *sum = t;
    };
    let mut extremes: VecDeque<usize> = VecDeque::new();
    let start_of = |end: usize| (end + 1).saturating_sub(window);
    // Prime the window that ends just before the partition's first row.
    for i in (lead + ahead).saturating_sub(window)..lead + ahead {
        if valid(i) {
            count += 1;
            add(value(i), &mut sum, &mut compensation);
        }
        push_extreme(&mut extremes, i, func, &value, &valid);
    }
    for r in 0..n {
        let end = lead + r + ahead;
        if valid(end) {
            count += 1;
            add(value(end), &mut sum, &mut compensation);
        }
        push_extreme(&mut extremes, end, func, &value, &valid);
        let start = start_of(end);
        if start > 0 && end >= window {
            let gone = start - 1;
            if valid(gone) {
                count -= 1;
                add(-value(gone), &mut sum, &mut compensation);
            }
        }
        while extremes.front().is_some_and(|&i| i < start) {
            extremes.pop_front();
        }
        let enough = match func {
            Rolling::Count => {
                let rows = (rows_before + r).min(back) + 1 + (n - 1 - r + rows_after).min(ahead);
                rows >= min_periods
            }
            _ => count >= min_periods,
        };
        if !enough {
            out.push(None);
            continue;
        }
        let window_values = || (start..=end).filter(|&i| valid(i)).map(value);
        out.push(match func {
            Rolling::Sum => Some(if count == 0 { 0.0 } else { sum }),
            Rolling::Mean => (count > 0).then(|| sum / count as f64),
            // Window lengths fit in f64 exactly.
            Rolling::Count => Some(count as f64),
            Rolling::Min | Rolling::Max => extremes.front().map(|&i| value(i)),
            Rolling::Var | Rolling::Std => {
                if count < 2 {
                    None
                } else {
                    let mean = window_values().sum::<f64>() / count as f64;
                    let m2: f64 = window_values().map(|x| (x - mean) * (x - mean)).sum();
                    let var = m2 / (count - 1) as f64;
                    Some(if func == Rolling::Std { var.sqrt() } else { var })
                }
            }
            Rolling::Median => {
                let mut w: Vec<f64> = window_values().collect();
                w.sort_by(f64::total_cmp);
                let m = w.len();
                match m {
                    0 => None,
                    m if m % 2 == 1 => Some(w[m / 2]),
                    m => Some((w[m / 2 - 1] + w[m / 2]) / 2.0),
                }
            }
        });
    }
    Ok(Arc::new(Float64Array::from(out)))
}

/// Keeps `extremes` a deque of indices whose values decrease (max) or
/// increase (min), so its front is the window's extreme.
fn push_extreme(
    extremes: &mut VecDeque<usize>,
    i: usize,
    func: Rolling,
    value: &dyn Fn(usize) -> f64,
    valid: &dyn Fn(usize) -> bool,
) {
    if !matches!(func, Rolling::Min | Rolling::Max) || !valid(i) {
        return;
    }
    let x = value(i);
    while let Some(&last) = extremes.back() {
        let y = value(last);
        let dominated = if func == Rolling::Max { y <= x } else { y >= x };
        if dominated {
            extremes.pop_back();
        } else {
            break;
        }
    }
    extremes.push_back(i);
}
