//! Frames from Python callables, one per partition, run lazily by the
//! engine: how `rusk.from_delayed` takes dask's `Delayed` objects (each
//! callable computes one and returns Arrow data).

use pyo3::prelude::*;

use crate::arrow_stream;
use crate::errors::IntoPy;
use crate::frame::Frame;

/// A frame whose partition `i` is what `parts[i]()` returns (any object
/// with `__arrow_c_stream__`), with the schema of `meta`.
#[pyfunction]
pub fn from_parts(parts: Vec<Py<PyAny>>, meta: &Bound<'_, PyAny>) -> PyResult<Frame> {
    let (schema, _) = arrow_stream::import(meta)?;
    let parts = parts
        .into_iter()
        .map(|part| {
            rusk::delayed("part", move || {
                Python::attach(|py| arrow_stream::import_batch(part.call0(py)?.bind(py)))
                    .map_err(|e| rusk::Error::InvalidArgument(e.to_string()))
            })
        })
        .collect();
    Ok(Frame { inner: rusk::from_delayed(parts, schema).py_err()? })
}
