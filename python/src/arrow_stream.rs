//! Arrow across the boundary through the C stream interface (the Arrow
//! PyCapsule protocol): record batches leave as an `arrow_array_stream`
//! capsule that pyarrow imports without copying, and arrive from any object
//! with `__arrow_c_stream__` (a pyarrow Table, a RecordBatchReader, a
//! Polars frame) the same way. No row is pickled or copied.

use std::ffi::CStr;

use arrow::array::{RecordBatch, RecordBatchIterator, RecordBatchReader};
use arrow::compute::concat_batches;
use arrow::datatypes::SchemaRef;
use arrow::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// The capsule name the protocol requires.
const STREAM: &CStr = c"arrow_array_stream";

/// `batches` as a stream capsule; the consumer moves the stream out, and a
/// capsule never consumed releases it when Python frees the capsule.
pub fn export(
    py: Python<'_>,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
) -> PyResult<Bound<'_, PyCapsule>> {
    let reader = RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
    let stream = FFI_ArrowArrayStream::new(Box::new(reader));
    PyCapsule::new_with_value(py, stream, STREAM)
}

/// The schema and batches of any object with `__arrow_c_stream__`.
pub fn import(source: &Bound<'_, PyAny>) -> PyResult<(SchemaRef, Vec<RecordBatch>)> {
    if !source.hasattr("__arrow_c_stream__")? {
        return Err(PyTypeError::new_err(format!(
            "expected Arrow data (an object with __arrow_c_stream__, such as a pyarrow Table), got {}",
            source.get_type().name()?
        )));
    }
    let capsule = source.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let pointer = capsule.pointer_checked(Some(STREAM))?;
    // SAFETY: the protocol guarantees an `arrow_array_stream` capsule holds
    // an `ArrowArrayStream`; `from_raw` moves it out and marks the
    // capsule's copy released, so the capsule's destructor does nothing.
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(pointer.as_ptr().cast()) };
    let reader =
        RecordBatchStreamReader::try_new(stream).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let schema = reader.schema();
    let batches = reader.collect::<Result<Vec<_>, _>>().map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok((schema, batches))
}

/// The one batch of any object with `__arrow_c_stream__` (its batches
/// concatenated; an empty one of its schema when it has none).
pub fn import_batch(source: &Bound<'_, PyAny>) -> PyResult<RecordBatch> {
    let (schema, batches) = import(source)?;
    concat_batches(&schema, &batches).map_err(|e| PyValueError::new_err(e.to_string()))
}
