//! Frame-order methods as new columns: pandas'
//! `df.assign(c=df.v.cumsum(), d=df.v.diff())`.

use std::sync::Arc;

use rusk_ops::window::{Cumulative, Rolling, WindowFunction, WindowSpec};
use rusk_ops::Result;

use super::DataFrame;
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
        let (names, specs): (Vec<String>, Vec<WindowSpec>) =
            columns.into_iter().map(|(n, s)| (n.into(), s)).unzip();
        let node = Window::try_new(Arc::clone(self.plan()), specs, names)?;
        Ok(DataFrame::from_plan(LogicalPlan::Window(node)))
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
///
pub fn rolling(column: &str, window: usize) -> RollingWindow {
    RollingWindow { column: column.to_string(), window, center: false, min_periods: window }
}

/// A rolling window waiting for its function (see [`rolling`]).
#[derive(Debug, Clone)]
pub struct RollingWindow {
    column: String,
    window: usize,
    center: bool,
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

    fn with(self, func: Rolling) -> WindowSpec {
        let (window, center, min_periods) = (self.window, self.center, self.min_periods);
        spec(WindowFunction::Rolling { window, center, min_periods, func }, &self.column)
    }

    /// `.sum()`.
    pub fn sum(self) -> WindowSpec {
        self.with(Rolling::Sum)
    }

    /// `.mean()`.
    pub fn mean(self) -> WindowSpec {
        self.with(Rolling::Mean)
    }

    /// `.count()`.
    pub fn count(self) -> WindowSpec {
        self.with(Rolling::Count)
    }

    /// `.min()`.
    pub fn min(self) -> WindowSpec {
        self.with(Rolling::Min)
    }

    /// `.max()`.
    pub fn max(self) -> WindowSpec {
        self.with(Rolling::Max)
    }

    /// `.var()` (ddof 1).
    pub fn var(self) -> WindowSpec {
        self.with(Rolling::Var)
    }

    /// `.std()` (ddof 1).
    pub fn std(self) -> WindowSpec {
        self.with(Rolling::Std)
    }

    /// `.median()`.
    pub fn median(self) -> WindowSpec {
        self.with(Rolling::Median)
    }
}
