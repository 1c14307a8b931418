//! Python scalars as rusk literals, and dtype names as Arrow types.

use arrow::datatypes::DataType;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};
use rusk::ScalarValue;

use crate::errors::IntoPy;

/// A Python scalar: `None`, a bool, an int, a float or a str.
pub fn scalar(value: &Bound<'_, PyAny>) -> PyResult<ScalarValue> {
    if value.is_none() {
        Ok(ScalarValue::Null)
    } else if value.is_instance_of::<PyBool>() {
        Ok(ScalarValue::Boolean(value.extract()?))
    } else if value.is_instance_of::<PyInt>() {
        match value.extract::<i64>() {
            Ok(v) => Ok(ScalarValue::Int64(v)),
            Err(_) => Ok(ScalarValue::UInt64(value.extract()?)),
        }
    } else if value.is_instance_of::<PyFloat>() {
        Ok(ScalarValue::Float64(value.extract()?))
    } else if value.is_instance_of::<PyString>() {
        Ok(ScalarValue::Utf8(value.extract()?))
    } else {
        Err(PyTypeError::new_err(format!(
            "unsupported value {} of type {}: expected None, bool, int, float or str",
            value.repr()?,
            value.get_type().name()?
        )))
    }
}

/// A pandas dtype name (`"int64"`, `"float64"`, `"string"`, `"bool"`,
/// `"datetime64[ns]"`, ...) as its Arrow type, as `read_csv`'s `dtype=`
/// reads it.
pub fn data_type(name: &str) -> PyResult<DataType> {
    let mut pairs = rusk::parse_dtypes(&format!("_:{name}")).py_err()?;
    match pairs.pop() {
        Some((_, data_type)) if pairs.is_empty() => Ok(data_type),
        _ => Err(pyo3::exceptions::PyValueError::new_err(format!("unknown dtype {name:?}"))),
    }
}
