//! `Series`: rusk's lazy column, with the operators, reductions and the
//! `str` / `dt` accessors the Python `Series` forwards to.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rusk::{Expr, ScalarValue};

use crate::errors::IntoPy;
use crate::frame::Frame;
use crate::value::{data_type, scalar};

/// A lazy column of a frame.
#[pyclass(module = "rusk._rusk", frozen)]
pub struct Series {
    pub inner: rusk::Series,
}

fn wrap(inner: rusk::Series) -> Series {
    Series { inner }
}

/// The right side of an operation: a series of the same frame or a scalar.
fn operand(other: &Bound<'_, PyAny>) -> PyResult<Operand> {
    match other.cast::<Series>() {
        Ok(series) => Ok(Operand::Series(series.get().inner.clone())),
        Err(_) => Ok(Operand::Scalar(scalar(other)?)),
    }
}

enum Operand {
    Series(rusk::Series),
    Scalar(ScalarValue),
}

impl rusk::Operand for Operand {
    fn operand_for(self, left: &rusk::Series) -> rusk::Result<Expr> {
        match self {
            Operand::Series(s) => s.operand_for(left),
            Operand::Scalar(v) => v.operand_for(left),
        }
    }
}

#[pymethods]
impl Series {
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// The Arrow type's pandas name (`int64`, `string`, ...).
    #[getter]
    fn dtype(&self) -> String {
        rusk::display::dtype_name(self.inner.data_type())
    }

    /// Whether it is a column of its frame as it stands (not an expression).
    #[getter]
    fn is_column(&self) -> bool {
        matches!(self.inner.expr(), rusk::Expr::Column(c) if c == self.inner.name())
    }

    #[getter]
    fn npartitions(&self) -> usize {
        self.inner.npartitions()
    }

    fn rename(&self, name: &str) -> Series {
        wrap(self.inner.rename(name))
    }

    fn to_frame(&self) -> PyResult<Frame> {
        Ok(Frame { inner: self.inner.to_frame().py_err()? })
    }

    fn frame(&self) -> Frame {
        Frame { inner: self.inner.frame().clone() }
    }

    /// `op` is one of `+ - * / // % & | == != < <= > >=`.
    fn binary(&self, op: &str, other: &Bound<'_, PyAny>) -> PyResult<Series> {
        let (s, o) = (&self.inner, operand(other)?);
        let result = match op {
            "+" => s + o,
            "-" => s - o,
            "*" => s * o,
            "/" => s / o,
            "//" => s.floordiv(o),
            "%" => s % o,
            "&" => s & o,
            "|" => s | o,
            "==" => s.eq(o),
            "!=" => s.ne(o),
            "<" => s.lt(o),
            "<=" => s.le(o),
            ">" => s.gt(o),
            ">=" => s.ge(o),
            _ => return Err(PyValueError::new_err(format!("unknown operator {op:?}"))),
        };
        Ok(wrap(result.py_err()?))
    }

    fn invert(&self) -> PyResult<Series> {
        Ok(wrap((!&self.inner).py_err()?))
    }

    fn negate(&self) -> PyResult<Series> {
        Ok(wrap((-&self.inner).py_err()?))
    }

    fn isin(&self, values: Vec<Bound<'_, PyAny>>) -> PyResult<Series> {
        let values = values.iter().map(scalar).collect::<PyResult<Vec<_>>>()?;
        Ok(wrap(self.inner.isin(values).py_err()?))
    }

    fn between(&self, low: &Bound<'_, PyAny>, high: &Bound<'_, PyAny>) -> PyResult<Series> {
        Ok(wrap(self.inner.between(operand(low)?, operand(high)?).py_err()?))
    }

    fn isnull(&self) -> PyResult<Series> {
        Ok(wrap(self.inner.isnull().py_err()?))
    }

    fn notnull(&self) -> PyResult<Series> {
        Ok(wrap(self.inner.notnull().py_err()?))
    }

    fn fillna(&self, value: &Bound<'_, PyAny>) -> PyResult<Series> {
        Ok(wrap(self.inner.fillna(operand(value)?).py_err()?))
    }

    fn astype(&self, dtype: &str) -> PyResult<Series> {
        Ok(wrap(self.inner.astype(data_type(dtype)?).py_err()?))
    }

    fn filter(&self, mask: &Series) -> PyResult<Series> {
        Ok(wrap(self.inner.filter(&mask.inner).py_err()?))
    }

    /// A reduction by pandas' name (`sum`, ..., `quantile` with `q`).
    #[pyo3(signature = (func, q=None))]
    fn reduce(&self, func: &str, q: Option<f64>) -> PyResult<Series> {
        let s = &self.inner;
        let result = match func {
            "sum" => s.sum(),
            "mean" => s.mean(),
            "min" => s.min(),
            "max" => s.max(),
            "std" => s.std(),
            "var" => s.var(),
            "count" => s.count(),
            "nunique" => s.nunique(),
            "median" => s.median(),
            "quantile" => s.quantile(q.unwrap_or(0.5)),
            _ => return Err(PyValueError::new_err(format!("unknown reduction {func:?}"))),
        };
        Ok(wrap(result.py_err()?))
    }

    fn unique(&self) -> PyResult<Series> {
        Ok(wrap(self.inner.unique().py_err()?))
    }

    fn value_counts(&self) -> PyResult<Frame> {
        Ok(Frame { inner: self.inner.value_counts().py_err()? })
    }

    /// The `str` method `method` with pandas' keyword arguments.
    fn str_method(&self, method: &str, kwargs: &Bound<'_, PyDict>) -> PyResult<Series> {
        let args = crate::accessors::Args::new(method, kwargs)?;
        Ok(wrap(self.inner.str(|s| crate::accessors::str_method(s, &args)).py_err()?))
    }

    /// The `dt` method or property `method` with pandas' keyword arguments.
    fn dt_method(&self, method: &str, kwargs: &Bound<'_, PyDict>) -> PyResult<Series> {
        let args = crate::accessors::Args::new(method, kwargs)?;
        Ok(wrap(self.inner.dt(|d| crate::accessors::dt_method(d, &args)).py_err()?))
    }
}
