//! Time series from Python: window methods (cumulative, shift, diff,
//! rolling), resample, and `merge_asof`, from pandas' arguments.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rusk::{AsofDirection, AsofOptions, Closed, RollingWindow, WindowSpec};

use crate::errors::IntoPy;

/// A window method as Python describes it: the column, the method, and
/// the arguments the method takes.
#[derive(FromPyObject)]
pub struct Method {
    /// The output column's name.
    pub name: String,
    /// The input column.
    pub column: String,
    /// `cumsum`, `cumprod`, `cummax`, `cummin`, `shift`, `diff`,
    /// `pct_change`, or `rolling_<sum|mean|count|min|max|std|var|median>`.
    pub func: String,
    /// `periods` of shift / diff / pct_change.
    pub periods: i64,
    /// A rolling window: rows, or a time span over `on` (`"2h"`).
    pub window: Option<Window>,
    /// The time column of a time window.
    pub on: Option<String>,
    pub min_periods: Option<usize>,
    pub center: bool,
    pub closed: Option<String>,
}

#[derive(FromPyObject)]
pub enum Window {
    Rows(usize),
    Span(String),
}

fn closed(side: &str) -> PyResult<Closed> {
    match side {
        "right" => Ok(Closed::Right),
        "left" => Ok(Closed::Left),
        "both" => Ok(Closed::Both),
        "neither" => Ok(Closed::Neither),
        _ => Err(PyValueError::new_err(format!("closed must be right, left, both or neither, not {side:?}"))),
    }
}

impl Method {
    /// The rusk window spec, named.
    pub fn spec(&self) -> PyResult<(String, WindowSpec)> {
        let c = self.column.as_str();
        let spec = match self.func.as_str() {
            "cumsum" => rusk::cumsum(c),
            "cumprod" => rusk::cumprod(c),
            "cummax" => rusk::cummax(c),
            "cummin" => rusk::cummin(c),
            "shift" => rusk::shift(c, self.periods),
            "diff" => rusk::diff(c, self.periods),
            "pct_change" => rusk::pct_change(c, self.periods),
            rolling => match rolling.strip_prefix("rolling_") {
                Some(method) => self.rolling(method)?,
                None => return Err(PyValueError::new_err(format!("unknown window method {rolling:?}"))),
            },
        };
        Ok((self.name.clone(), spec))
    }

    fn rolling(&self, method: &str) -> PyResult<WindowSpec> {
        let mut window: RollingWindow = match (&self.window, &self.on) {
            (Some(Window::Rows(n)), None) => rusk::rolling(&self.column, *n),
            (Some(Window::Span(span)), Some(on)) => rusk::rolling_on(&self.column, span, on).py_err()?,
            (Some(Window::Span(_)), None) => {
                return Err(PyValueError::new_err("a time window needs on=, the datetime column"))
            }
            (Some(Window::Rows(_)), Some(_)) => {
                return Err(PyValueError::new_err("on= goes with a time window (\"2h\"), not a row count"))
            }
            (None, _) => return Err(PyValueError::new_err("rolling needs a window")),
        };
        window = window.center(self.center);
        if let Some(n) = self.min_periods {
            window = window.min_periods(n);
        }
        if let Some(side) = &self.closed {
            window = window.closed(closed(side)?);
        }
        Ok(match method {
            "sum" => window.sum(),
            "mean" => window.mean(),
            "count" => window.count(),
            "min" => window.min(),
            "max" => window.max(),
            "std" => window.std(),
            "var" => window.var(),
            "median" => window.median(),
            _ => return Err(PyValueError::new_err(format!("unknown rolling method {method:?}"))),
        })
    }
}

/// pandas' `resample(rule, on=, closed=, label=, origin=, offset=)`.
#[derive(FromPyObject)]
pub struct Resample {
    pub rule: String,
    pub on: String,
    pub closed: Option<String>,
    pub label: Option<String>,
    pub origin: Option<String>,
    pub offset: Option<String>,
}

impl Resample {
    /// The resampler of `frame` grouped by `keys` (none: the whole frame).
    pub fn resampler(&self, frame: &rusk::DataFrame, keys: Vec<String>) -> PyResult<rusk::Resampler> {
        let mut r = if keys.is_empty() {
            frame.resample(&self.rule, &self.on).py_err()?
        } else {
            frame.groupby(keys).py_err()?.resample(&self.rule, &self.on).py_err()?
        };
        if let Some(side) = &self.closed {
            r = r.closed(side).py_err()?;
        }
        if let Some(side) = &self.label {
            r = r.label(side).py_err()?;
        }
        if let Some(origin) = &self.origin {
            r = r.origin(origin).py_err()?;
        }
        if let Some(offset) = &self.offset {
            r = r.offset(offset).py_err()?;
        }
        Ok(r)
    }
}

/// pandas' `merge_asof` arguments.
#[derive(FromPyObject)]
pub struct Asof {
    pub left_on: String,
    pub right_on: String,
    pub left_by: Vec<String>,
    pub right_by: Vec<String>,
    pub direction: String,
    pub tolerance: Option<f64>,
    pub allow_exact_matches: bool,
    pub suffixes: (String, String),
}

impl Asof {
    pub fn options(&self) -> PyResult<AsofOptions> {
        let direction: AsofDirection = self.direction.parse().py_err()?;
        let mut options = AsofOptions::left_right_on(self.left_on.clone(), self.right_on.clone())
            .left_right_by(self.left_by.clone(), self.right_by.clone())
            .direction(direction)
            .allow_exact_matches(self.allow_exact_matches)
            .suffixes(self.suffixes.0.clone(), self.suffixes.1.clone());
        if let Some(t) = self.tolerance {
            options = options.tolerance(t);
        }
        Ok(options)
    }
}
