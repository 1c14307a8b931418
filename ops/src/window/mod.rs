//! pandas' frame-order and per-group methods — `cumsum`, `cumprod`,
//! `cummax`, `cummin`, `cumcount`, `shift(n)`, `diff(n)`, `pct_change(n)`,
//! `rolling(...)` over rows or a time span — over partitions, by a prefix
//! pass: each partition is summarized ([`summarize`]: its last group's
//! totals and the rows a later window may reach), one task folds the
//! summaries, in order, into what each partition carries in from those
//! before and after it ([`carries`]), and each partition then computes its
//! columns from its rows and its carry ([`apply`]). A window longer than a
//! partition reaches as many partitions back as it needs; nothing gathers
//! the frame.
//!
//! Per group ([`Windows::by`]), the pass expects each group's rows to be
//! contiguous (the caller sorts by the keys first, stably): a group then
//! spans at most a run of partitions, and what a partition carries in is
//! its first group's running totals and rows.

mod apply;
mod carry;
mod cumulative;
mod groups;
mod lag;
mod rolling;

use serde::{Deserialize, Serialize};

use arrow::array::{ArrayRef, RecordBatch};
use arrow::datatypes::DataType;

use crate::error::{Error, Result};

pub use apply::apply;
pub use carry::{carries, summarize};
pub use cumulative::Cumulative;
pub use rolling::{Closed, Rolling};

/// How far a rolling window reaches back from its row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Extent {
    /// A number of rows (at least 1): `rolling(3)`.
    Rows(usize),
    /// A time span over the sorted timestamp column `on`, in nanoseconds:
    /// `rolling("2h", on="ts")`.
    Time {
        /// The span, in nanoseconds (positive).
        nanos: i64,
        /// The timestamp column.
        on: String,
        /// pandas' spelling of the span, for `explain`.
        text: String,
    },
}

/// A frame-order method of one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WindowFunction {
    /// A running total (`cumsum`, `cumprod`, `cummax`, `cummin`), skipping
    /// nulls as pandas' `skipna=True`: null where the value is.
    Cumulative(Cumulative),
    /// The row's position in its group, from 0 (`groupby(..).cumcount()`;
    /// over a whole frame, the row number).
    CumCount,
    /// The value `n` rows earlier (`shift(n)`; later for a negative `n`);
    /// null where there is none.
    Shift(i64),
    /// The value minus the one `n` rows earlier (`diff(n)`).
    Diff(i64),
    /// The value over the one `n` rows earlier, minus 1 (`pct_change(n)`).
    PctChange(i64),
    /// `rolling(window, min_periods, center, closed).func()`.
    Rolling {
        /// Rows, or a time span.
        extent: Extent,
        /// The window is centred on its row (`center=True`, row windows
        /// only): `window / 2` rows before it and the rest after, as pandas.
        center: bool,
        /// Which ends of the window hold (pandas' `closed`).
        closed: Closed,
        /// Non-null values a window needs for a result.
        min_periods: usize,
        /// The function.
        func: Rolling,
    },
}

/// One frame-order method over the column `column`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSpec {
    /// The method.
    pub func: WindowFunction,
    /// The column it reads.
    pub column: String,
}

/// The methods of one prefix pass and the groups they run in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Windows {
    /// The methods.
    pub specs: Vec<WindowSpec>,
    /// The group keys; none: the whole frame is one group. Each group's
    /// rows must be contiguous; rows with a null key get null results
    /// (pandas' `dropna=True`).
    pub by: Vec<String>,
}

impl WindowFunction {
    /// The offset of a shift: positive looks back, negative ahead.
    fn offset(&self) -> i64 {
        match self {
            WindowFunction::Shift(n) | WindowFunction::Diff(n) | WindowFunction::PctChange(n) => *n,
            _ => 0,
        }
    }

    /// How many earlier rows the method reads (a time window: none by count).
    fn lag(&self) -> usize {
        match self {
            WindowFunction::Rolling { extent: Extent::Rows(window), center, closed, .. } => {
                if *center {
                    window / 2
                } else if closed.includes_left() {
                    *window
                } else {
                    window.saturating_sub(1)
                }
            }
            WindowFunction::Rolling { .. } | WindowFunction::Cumulative(_) | WindowFunction::CumCount => 0,
            // An offset fits in usize on the platforms rusk runs on.
            other => other.offset().max(0).unsigned_abs() as usize,
        }
    }

    /// How many later rows the method reads.
    fn lead(&self) -> usize {
        match self {
            WindowFunction::Rolling { extent: Extent::Rows(window), center: true, .. } => {
                window.saturating_sub(1) - window / 2
            }
            WindowFunction::Rolling { .. } | WindowFunction::Cumulative(_) | WindowFunction::CumCount => 0,
            // As `lag`.
            other => other.offset().min(0).unsigned_abs() as usize,
        }
    }

    /// The time span a method reaches back over, and its column.
    fn span(&self) -> Option<(i64, &str)> {
        match self {
            WindowFunction::Rolling { extent: Extent::Time { nanos, on, .. }, .. } => Some((*nanos, on)),
            _ => None,
        }
    }

    /// pandas' name, as `explain` prints the call.
    pub fn call(&self) -> String {
        match self {
            WindowFunction::Cumulative(c) => format!("{}()", c.name()),
            WindowFunction::CumCount => "cumcount()".into(),
            WindowFunction::Shift(n) => format!("shift({n})"),
            WindowFunction::Diff(n) => format!("diff({n})"),
            WindowFunction::PctChange(n) => format!("pct_change({n})"),
            WindowFunction::Rolling { extent, center, closed, min_periods, func } => {
                let window = match extent {
                    Extent::Rows(n) => n.to_string(),
                    Extent::Time { text, on, .. } => format!("{text:?}, on={on:?}"),
                };
                let center = if *center { ", center=True" } else { "" };
                let closed = match closed {
                    Closed::Right => String::new(),
                    other => format!(", closed={:?}", other.name()),
                };
                format!("rolling({window}, min_periods={min_periods}{center}{closed}).{}()", func.name())
            }
        }
    }

    /// The result type over a column of type `t`.
    ///
    /// # Errors
    /// [`Error::Type`] for a method that needs numbers on other values.
    pub fn output_type(&self, t: &DataType) -> Result<DataType> {
        let numeric = t.is_numeric() || *t == DataType::Boolean;
        let need = |what: &str| {
            Err(Error::type_error(format!("{what} needs numbers, got {}", crate::dtype::pandas_dtype(t))))
        };
        match self {
            WindowFunction::Shift(_) => Ok(t.clone()),
            WindowFunction::CumCount => Ok(DataType::Int64),
            WindowFunction::Cumulative(c) if numeric => Ok(c.output_type(t)),
            WindowFunction::Diff(_) if numeric => Ok(if t.is_integer() || *t == DataType::Boolean {
                DataType::Int64
            } else {
                DataType::Float64
            }),
            WindowFunction::PctChange(_) | WindowFunction::Rolling { .. } if numeric => Ok(DataType::Float64),
            other => need(&other.call()),
        }
    }

    /// Checks the arguments pandas checks when the window is built.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the argument.
    pub fn validate(&self) -> Result<()> {
        let WindowFunction::Rolling { extent, center, closed, min_periods, .. } = self else {
            return Ok(());
        };
        let bad = |what: String| Err(Error::InvalidArgument(format!("{}: {what}", self.call())));
        match extent {
            Extent::Rows(0) => bad("the window must be at least 1 row".into()),
            Extent::Rows(w) if min_periods > w => {
                bad(format!("min_periods must be at most the window ({w})"))
            }
            Extent::Rows(_) if *center && *closed != Closed::Right => {
                bad("a centred window takes closed='right' only".into())
            }
            Extent::Time { nanos, .. } if *nanos <= 0 => bad("the window must be a positive span".into()),
            Extent::Time { .. } if *center => bad("center=True is for row windows only".into()),
            _ => Ok(()),
        }
    }
}

impl std::fmt::Display for WindowSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.column, self.func.call())
    }
}

/// How far one pass's methods reach: rows back and ahead, and a time span
/// back over one timestamp column.
#[derive(Debug, Clone, Default)]
struct Reach {
    lag: usize,
    lead: usize,
    span: Option<(i64, String)>,
}

impl Windows {
    /// The reach of the methods.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for time windows over different columns.
    fn reach(&self) -> Result<Reach> {
        let mut reach = Reach {
            lag: self.specs.iter().map(|s| s.func.lag()).max().unwrap_or(0),
            lead: self.specs.iter().map(|s| s.func.lead()).max().unwrap_or(0),
            span: None,
        };
        for (nanos, on) in self.specs.iter().filter_map(|s| s.func.span()) {
            match &mut reach.span {
                None => reach.span = Some((nanos, on.to_string())),
                Some((widest, column)) if column == on => *widest = (*widest).max(nanos),
                Some((_, column)) => {
                    return Err(Error::InvalidArgument(format!(
                        "time windows over two columns ({column} and {on}) in one pass; \
                         assign them in two steps"
                    )))
                }
            }
        }
        Ok(reach)
    }

    /// The columns the pass reads: the keys, the time column, the specs'.
    pub fn columns(&self) -> Result<Vec<String>> {
        let mut columns: Vec<String> = self.by.clone();
        if let Some((_, on)) = self.reach()?.span {
            columns.push(on);
        }
        for spec in &self.specs {
            columns.push(spec.column.clone());
        }
        let mut seen = std::collections::HashSet::new();
        columns.retain(|c| seen.insert(c.clone()));
        Ok(columns)
    }
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| Error::Internal(format!("window column {name} missing")))
}

#[cfg(test)]
mod tests;
