//! Python functions as rusk partition functions. A function crosses as a
//! Python callable taking an Arrow stream capsule (the partition) and
//! returning Arrow data (`rusk._udf.PartitionCaller` converts to and from
//! pandas); rusk's worker threads take the GIL only for the call.

use std::sync::Arc;

use arrow::array::RecordBatch;
use pyo3::prelude::*;
use rusk::udf::PartitionFn;

use crate::arrow_stream;

/// `caller` as the partition function `name`.
pub fn partition_fn(name: String, caller: Py<PyAny>) -> PartitionFn {
    let func = move |batch: RecordBatch| -> rusk::Result<RecordBatch> {
        Python::attach(|py| -> PyResult<RecordBatch> {
            let capsule = arrow_stream::export(py, batch.schema(), vec![batch])?;
            let out = caller.call1(py, (capsule,))?;
            arrow_stream::import_batch(out.bind(py))
        })
        // The scheduler wraps this as `Error::User` naming the function.
        .map_err(|e| rusk::Error::InvalidArgument(e.to_string()))
    };
    PartitionFn { name, func: Arc::new(func) }
}
