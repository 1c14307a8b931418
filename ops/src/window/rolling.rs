//! `rolling(...)` windows: each row's window is a run of rows `[lo, hi)`
//! of its group, found from a row count or a time span (see
//! [`row_bounds`] and [`time_bounds`]), which may reach into earlier
//! partitions (their rows come in as the carry). As pandas: the result is
//! float64, null where the window holds fewer than `min_periods` non-null
//! values (a NaN counts as missing), and the functions skip nulls.

use std::collections::VecDeque;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use arrow::compute::cast;
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
    /// Every function, for parsers.
    pub const ALL: [Rolling; 8] = [
        Rolling::Sum,
        Rolling::Mean,
        Rolling::Count,
        Rolling::Min,
        Rolling::Max,
        Rolling::Var,
        Rolling::Std,
        Rolling::Median,
    ];

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

    /// The function pandas calls `name`.
    pub fn from_name(name: &str) -> Option<Rolling> {
        Rolling::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Which ends of a window hold (pandas' `closed`): `right` (the default)
/// holds the row and not the far end, `left` the far end and not the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Closed {
    /// `(start, row]`.
    #[default]
    Right,
    /// `[start, row)`.
    Left,
    /// `[start, row]`.
    Both,
    /// `(start, row)`.
    Neither,
}

impl Closed {
    /// pandas' name.
    pub fn name(&self) -> &'static str {
        match self {
            Closed::Right => "right",
            Closed::Left => "left",
            Closed::Both => "both",
            Closed::Neither => "neither",
        }
    }

    /// The value pandas calls `name`.
    pub fn from_name(name: &str) -> Option<Closed> {
        [Closed::Right, Closed::Left, Closed::Both, Closed::Neither].into_iter().find(|c| c.name() == name)
    }

    pub(super) fn includes_left(&self) -> bool {
        matches!(self, Closed::Left | Closed::Both)
    }

    fn includes_row(&self) -> bool {
        matches!(self, Closed::Right | Closed::Both)
    }
}

/// Where a position's group runs: `[start, end)`.
pub(super) trait GroupSpan {
    fn span(&self, p: usize) -> (usize, usize);
}

/// Row windows of `window` rows for the positions `rows`, each cut to its
/// group: the row and the `window - 1` before it (`closed="right"`), one
/// more before and without the row (`left`), ... or centred on the row.
pub(super) fn row_bounds(
    rows: std::ops::Range<usize>,
    groups: &dyn GroupSpan,
    window: usize,
    center: bool,
    closed: Closed,
) -> Vec<(usize, usize)> {
    rows.map(|p| {
        let (start, end) = groups.span(p);
        let (lo, hi) = if center {
            let ahead = window - 1 - window / 2;
            (p.saturating_sub(window / 2), p + ahead + 1)
        } else {
            let far = if closed.includes_left() {
                p.saturating_sub(window)
            } else {
                (p + 1).saturating_sub(window)
            };
            (far, if closed.includes_row() { p + 1 } else { p })
        };
        let lo = lo.max(start);
        (lo, hi.min(end).max(lo))
    })
    .collect()
}

/// Time windows of `nanos` for the positions `rows` over the sorted times
/// `t` (nanoseconds; checked sorted within each group by the caller),
/// each cut to its group: rows whose time lies within the span before the
/// row's, as pandas' variable windows (`closed="right"`: `(t - span, t]`).
/// As pandas, a right-closed window ends at its row (a later row of the
/// same time is out), a right-open one before the first row of its time.
pub(super) fn time_bounds(
    rows: std::ops::Range<usize>,
    groups: &dyn GroupSpan,
    t: &[i64],
    nanos: i64,
    closed: Closed,
) -> Vec<(usize, usize)> {
    let (mut lo, mut near) = (0usize, 0usize);
    rows.map(|p| {
        let (start, _) = groups.span(p);
        lo = lo.max(start);
        near = near.max(start);
        let far = t[p].saturating_sub(nanos);
        while lo < p && (t[lo] < far || (t[lo] == far && !closed.includes_left())) {
            lo += 1;
        }
        let hi = if closed.includes_row() {
            p + 1
        } else {
            while near < p && t[near] < t[p] {
                near += 1;
            }
            near
        };
        (lo.min(hi), hi)
    })
    .collect()
}

/// The rolling `func` of `values` over each window `[lo, hi)` (positions
/// in `values`; both ends never decrease from one window to the next).
/// `count`'s `min_periods` counts the window's rows, not its values, as
/// pandas'.
pub(super) fn rolling(
    values: &ArrayRef,
    bounds: &[(usize, usize)],
    min_periods: usize,
    func: Rolling,
) -> Result<ArrayRef> {
    let all = cast(values, &DataType::Float64)?;
    let all = all.as_primitive::<Float64Type>();
    // A NaN is missing here, as in pandas' windows.
    let valid = |i: usize| all.is_valid(i) && !all.value(i).is_nan();
    let value = |i: usize| all.value(i);
    let mut out: Vec<Option<f64>> = Vec::with_capacity(bounds.len());
    // Sliding state over `[at_lo, at_hi)`.
    let (mut at_lo, mut at_hi) = (0usize, 0usize);
    let (mut count, mut sum, mut compensation) = (0usize, 0.0f64, 0.0f64);
    let add = |x: f64, sum: &mut f64, compensation: &mut f64| {
        // Kahan summation: long windows slide without drifting.
        let y = x - *compensation;
        let t = *sum + y;
        *compensation = (t - *sum) - y;
        *sum = t;
    };
    let mut extremes: VecDeque<usize> = VecDeque::new();
    for &(lo, hi) in bounds {
        if lo >= at_hi {
            // No overlap with the last window (a new group, a gap): start over.
            (count, sum, compensation) = (0, 0.0, 0.0);
            extremes.clear();
            (at_lo, at_hi) = (lo, lo);
        }
        while at_hi < hi {
            if valid(at_hi) {
                count += 1;
                add(value(at_hi), &mut sum, &mut compensation);
            }
            push_extreme(&mut extremes, at_hi, func, &value, &valid);
            at_hi += 1;
        }
        while at_lo < lo {
            if valid(at_lo) {
                count -= 1;
                add(-value(at_lo), &mut sum, &mut compensation);
            }
            at_lo += 1;
        }
        while extremes.front().is_some_and(|&i| i < lo) {
            extremes.pop_front();
        }
        let enough = match func {
            Rolling::Count => hi - lo >= min_periods,
            _ => count >= min_periods,
        };
        if !enough {
            out.push(None);
            continue;
        }
        let window_values = || (lo..hi).filter(|&i| valid(i)).map(value);
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
