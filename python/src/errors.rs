//! rusk's errors as the Python exceptions a pandas user expects, each
//! carrying rusk's message (which names the file, line, column or
//! partition).

use pyo3::exceptions::{PyFileExistsError, PyFileNotFoundError, PyKeyError, PyKeyboardInterrupt};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PySyntaxError, PyValueError};
use pyo3::prelude::*;
use rusk::Error;

pyo3::create_exception!(
    _rusk,
    QuerySyntaxError,
    PySyntaxError,
    "A query string does not parse; `position` is the offset of the error."
);

/// The Python exception for a rusk error.
pub fn to_py(error: Error) -> PyErr {
    let message = error.to_string();
    match error {
        Error::PathNotFound { .. } | Error::NoFiles { .. } => PyFileNotFoundError::new_err(message),
        Error::OutputExists { .. } => PyFileExistsError::new_err(message),
        Error::ColumnNotFound { .. } | Error::MergeKeyNotFound { .. } => PyKeyError::new_err(message),
        Error::QuerySyntax { position, .. } => Python::attach(|py| {
            let err = QuerySyntaxError::new_err(message);
            // An attribute set on a fresh exception object cannot fail but
            // for memory; then the error still carries its message.
            let _ = err.value(py).setattr("position", position);
            err
        }),
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            PyFileNotFoundError::new_err(message)
        }
        Error::Io { .. } => PyOSError::new_err(message),
        Error::Cancelled => PyKeyboardInterrupt::new_err(message),
        Error::Internal(_) => PyRuntimeError::new_err(message),
        _ => PyValueError::new_err(message),
    }
}

/// `?` for rusk results inside Python-facing functions.
pub trait IntoPy<T> {
    /// The value, or the error as a Python exception.
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for rusk::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
