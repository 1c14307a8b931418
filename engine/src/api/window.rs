//! Frame-order and per-group methods as new columns: pandas'
//! `df.assign(c=df.v.cumsum(), d=df.v.diff())`,
//! `df.groupby(k).v.cumsum()` and `df.groupby(k).rolling("1h", on="ts")`.

use std::sync::Arc;

use rusk_ops::expr::Expr;
use rusk_ops::time::Freq;
use rusk_ops::window::{Closed, Cumulative, Extent, Rolling, WindowFunction, WindowSpec, Windows};
use rusk_ops::{Error, Result};

use super::hidden::fresh_name;
use super::{DataFrame, GroupBy};
use crate::plan::{LogicalPlan, Window};
use crate::query::{parse_eval, Assigned};

impl DataFrame {
    /// Adds one column per `(name, method)`, each computed in frame order
    /// across partitions: running totals (`cumsum`, `cumprod`, `cummax`,
    /// `cummin`, skipping nulls as pandas' `skipna=True`) and lags (`shift`,
    /// `diff`, `pct_change`; the first rows of the frame get null). Build
    /// the methods with [`cumsum`], [`shift`], ...
    ///
    /// A prefix pass: each partition is summarized (its totals and last
    /// rows), the summaries are folded in order into what each partition
    /// carries in, and each partition computes its columns from its rows
    /// and its carry. A lag longer than a partition reaches back as many
    /// partitions as it needs; the frame is read twice and never gathered.
    ///
    /// # Errors
    /// Unknown columns, methods over types they don't take, names the frame has.
    pub fn assign_window<I, S>(&self, columns: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = (S, WindowSpec)>,
        S: Into<String>,
    {
        self.window_by(columns, vec![])
    }

    /// The methods per group of `by` (whose rows the frame holds contiguously).
    fn window_by<I, S>(&self, columns: I, by: Vec<String>) -> Result<DataFrame>
    where
        I: IntoIterator<Item = (S, WindowSpec)>,
        S: Into<String>,
    {
        let (names, mut specs): (Vec<String>, Vec<WindowSpec>) =
            columns.into_iter().map(|(n, s)| (n.into(), s)).unzip();
        // `cumcount` reads no column: give it one the pass reads anyway.
        let any = by.first().cloned().or_else(|| self.schema().fields().first().map(|f| f.name().clone()));
        for spec in specs.iter_mut().filter(|s| s.column.is_empty()) {
            spec.column = any.clone().unwrap_or_default();
        }
        let node = Window::try_new(Arc::clone(self.plan()), Windows { specs, by }, names)?;
        Ok(DataFrame::from_plan(LogicalPlan::Window(node)))
    }
}

impl GroupBy {
    /// The key columns, as pandas' per-group methods need them: columns,
    /// with null keys dropped (`dropna(false)` is not supported here yet).
    fn key_columns(&self, what: &str) -> Result<Vec<String>> {
        if !self.drops_null_keys() {
            return Err(Error::InvalidArgument(format!("{what} with dropna(false) is not supported yet")));
        }
        self.keys()
            .iter()
            .map(|k| match k {
                Expr::Column(c) => Ok(c.clone()),
                other => Err(Error::InvalidArgument(format!("{what} groups by columns; got {other}"))),
            })
            .collect()
    }

    /// Adds one column per `(name, method)`, each computed per group in the
    /// frame's order, the rows keeping that order: pandas'
    /// `df.assign(c=df.groupby(k).v.cumsum(), n=df.groupby(k).cumcount())`.
    /// A row whose key is null gets null (pandas' NaN).
    ///
    /// The frame is sorted by the keys (stably: each group keeps its rows'
    /// order), the methods run as a prefix pass that restarts at each group
    /// (a group spanning partitions carries its totals and rows across
    /// them), and the rows are sorted back by their position. Two range
    /// shuffles; nothing is gathered.
    ///
    /// # Errors
    /// As [`DataFrame::assign_window`]; keys that are not columns.
    pub fn assign_window<I, S>(&self, columns: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = (S, WindowSpec)>,
        S: Into<String>,
    {
        let by = self.key_columns("assign_window")?;
        let df = self.frame();
        let schema = df.schema();
        let row = fresh_name("__row", |n| schema.field_with_name(n).is_ok());
        let numbered = df.assign_window([(row.clone(), cumcount())])?;
        let keys: Vec<&str> = by.iter().map(String::as_str).collect();
        let sorted = numbered.sort_values(&keys, &vec![true; keys.len()])?;
        let done = sorted.window_by(columns, by.clone())?;
        done.sort_values(&[row.as_str()], &[true])?.drop([row.as_str()])
    }

    /// pandas' `df.groupby(keys).rolling(...)` (and its other per-group
    /// methods) as a frame: the rows whose key is not null, sorted by key
    /// (stably, so in the frame's order within each group), each with its
    /// columns and one new column per `(name, method)`, computed per group.
    ///
    /// ```text
    /// df.groupby(["sensor"])?.rolling([("v_mean", rolling_on("v", "1h", "ts")?.mean())])?
    /// ```
    ///
    /// # Errors
    /// As [`DataFrame::assign_window`]; keys that are not columns; a time
    /// window over a column not increasing within each group.
    pub fn rolling<I, S>(&self, columns: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = (S, WindowSpec)>,
        S: Into<String>,
    {
        let by = self.key_columns("rolling")?;
        let present = by.iter().map(|k| rusk_ops::expr::col(k).notnull()).reduce(|a, b| a & b);
        let df = match present {
            Some(p) => self.frame().filter(p)?,
            None => self.frame().clone(),
        };
        let keys: Vec<&str> = by.iter().map(String::as_str).collect();
        df.sort_values(&keys, &vec![true; keys.len()])?.window_by(columns, by.clone())
    }
}

impl DataFrame {
    /// Applies one pandas `DataFrame.eval` assignment, `NAME = EXPR` (see
    /// [`parse_eval`]): an expression through [`DataFrame::assign`], a
    /// frame-order method (`c = v.cumsum()`, `d = v.diff(2)`) through
    /// [`DataFrame::assign_window`]. NAME is added at the end, or replaced
    /// in place if the frame has it (an expression; a method needs a new name).
    ///
    /// ```text
    /// df.eval("total = qty * price")?.eval("running = total.cumsum()")?
    /// ```
    ///
    /// # Errors
    /// [`Error::QuerySyntax`](rusk_ops::Error::QuerySyntax) for text that is
    /// not an assignment; unknown columns and type errors as `assign` and
    /// `assign_window`.
    pub fn eval(&self, assignment: &str) -> Result<DataFrame> {
        let parsed = parse_eval(assignment)?;
        match parsed.value {
            Assigned::Expr(expr) => self.assign([(parsed.name, expr)]),
            Assigned::Window(spec) => self.assign_window([(parsed.name, spec)]),
        }
    }
}

fn spec(func: WindowFunction, column: &str) -> WindowSpec {
    WindowSpec { func, column: column.to_string() }
}

/// `cumcount()`: the row's position in its group, from 0 (over a whole
/// frame, the row number). It reads no column.
pub fn cumcount() -> WindowSpec {
    spec(WindowFunction::CumCount, "")
}

/// `column.cumsum()`.
pub fn cumsum(column: &str) -> WindowSpec {
    spec(WindowFunction::Cumulative(Cumulative::Sum), column)
}

/// `column.cumprod()`.
pub fn cumprod(column: &str) -> WindowSpec {
    spec(WindowFunction::Cumulative(Cumulative::Prod), column)
}

/// `column.cummax()`.
pub fn cummax(column: &str) -> WindowSpec {
    spec(WindowFunction::Cumulative(Cumulative::Max), column)
}

/// `column.cummin()`.
pub fn cummin(column: &str) -> WindowSpec {
    spec(WindowFunction::Cumulative(Cumulative::Min), column)
}

/// `column.shift(n)`: the value `n` rows earlier (later for a negative `n`).
pub fn shift(column: &str, n: i64) -> WindowSpec {
    spec(WindowFunction::Shift(n), column)
}

/// `column.diff(n)`: the value minus the one `n` rows earlier.
pub fn diff(column: &str, n: i64) -> WindowSpec {
    spec(WindowFunction::Diff(n), column)
}

/// `column.pct_change(n)`: the value over the one `n` rows earlier, minus 1.
pub fn pct_change(column: &str, n: i64) -> WindowSpec {
    spec(WindowFunction::PctChange(n), column)
}

/// `column.rolling(window)`: windows of the row and the `window - 1`
/// before it; its methods make the [`WindowSpec`]. A window needs
/// `window` non-null values for a result unless [`RollingWindow::min_periods`]
/// says fewer (pandas' default).
pub fn rolling(column: &str, window: usize) -> RollingWindow {
    let extent = Extent::Rows(window);
    RollingWindow {
        column: column.to_string(),
        extent,
        center: false,
        closed: Closed::Right,
        min_periods: window,
    }
}

/// `df.rolling(span, on=on)[column]`: windows of the rows whose time in
/// `on` lies within `span` ("2h", "15min", "1D": a fixed span) before the
/// row's, `on` increasing (within each group, per group); a window needs
/// one non-null value unless [`RollingWindow::min_periods`] says otherwise
/// (pandas' default for time windows).
///
/// # Errors
/// [`Error::InvalidArgument`] for a span that is not a fixed length.
pub fn rolling_on(column: &str, span: &str, on: &str) -> Result<RollingWindow> {
    let nanos = match Freq::parse(span)? {
        Freq::Tick(nanos) => nanos,
        _ => {
            return Err(Error::InvalidArgument(format!(
                "rolling({span:?}): a time window needs a fixed span (e.g. '90s', '15min', '2h', '1D')"
            )))
        }
    };
    let extent = Extent::Time { nanos, on: on.to_string(), text: span.to_string() };
    Ok(RollingWindow {
        column: column.to_string(),
        extent,
        center: false,
        closed: Closed::Right,
        min_periods: 1,
    })
}

/// A rolling window waiting for its function (see [`rolling`], [`rolling_on`]).
#[derive(Debug, Clone)]
pub struct RollingWindow {
    column: String,
    extent: Extent,
    center: bool,
    closed: Closed,
    min_periods: usize,
}

impl RollingWindow {
    /// Centre each window on its row (pandas' `center=True`): `window / 2`
    /// rows before it and the rest after.
    pub fn center(mut self, center: bool) -> Self {
        self.center = center;
        self
    }

    /// Non-null values a window needs for a result (pandas' `min_periods`).
    pub fn min_periods(mut self, min_periods: usize) -> Self {
        self.min_periods = min_periods;
        self
    }

    /// Which ends of the window hold (pandas' `closed`; default right).
    pub fn closed(mut self, closed: Closed) -> Self {
        self.closed = closed;
        self
    }

    /// The window with its function `func`.
    pub fn apply(self, func: Rolling) -> WindowSpec {
        let RollingWindow { column, extent, center, closed, min_periods } = self;
        spec(WindowFunction::Rolling { extent, center, closed, min_periods, func }, &column)
    }

    /// `.sum()`.
    pub fn sum(self) -> WindowSpec {
        self.apply(Rolling::Sum)
    }

    /// `.mean()`.
    pub fn mean(self) -> WindowSpec {
        self.apply(Rolling::Mean)
    }

    /// `.count()`.
    pub fn count(self) -> WindowSpec {
        self.apply(Rolling::Count)
    }

    /// `.min()`.
    pub fn min(self) -> WindowSpec {
        self.apply(Rolling::Min)
    }

    /// `.max()`.
    pub fn max(self) -> WindowSpec {
        self.apply(Rolling::Max)
    }

    /// `.var()` (ddof 1).
    pub fn var(self) -> WindowSpec {
        self.apply(Rolling::Var)
    }

    /// `.std()` (ddof 1).
    pub fn std(self) -> WindowSpec {
        self.apply(Rolling::Std)
    }

    /// `.median()`.
    pub fn median(self) -> WindowSpec {
        self.apply(Rolling::Median)
    }
}
