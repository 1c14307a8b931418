//! `rusk._rusk`: the Rust half of the Python package. The Python half
//! (`python/rusk/`) gives it dask.dataframe's names; planning, optimizing
//! and running stay in the engine, and data crosses as Arrow streams.

mod accessors;
mod arrow_stream;
mod delayed;
mod distributed;
mod errors;
mod frame;
mod read;
mod series;
mod udf;
mod value;
mod window;

use pyo3::prelude::*;

/// mimalloc, as the `rusk` command uses (see `rusk::allocator`): with the
/// system allocator every batch-sized buffer paid fresh page faults (a 1e7
/// row join took 30–40% longer through Python than through Rust). Python's
/// own objects keep Python's allocator; this serves the engine's buffers.
#[global_allocator]
static GLOBAL: rusk::allocator::MiMalloc = rusk::allocator::MiMalloc;

#[pymodule]
fn _rusk(m: &Bound<'_, PyModule>) -> PyResult<()> {
    rusk::allocator::tune(&rusk::Config::default());
    m.add_class::<frame::Frame>()?;
    m.add_class::<series::Series>()?;
    m.add_class::<distributed::GraphTask>()?;
    m.add("QuerySyntaxError", m.py().get_type::<errors::QuerySyntaxError>())?;
    m.add_function(wrap_pyfunction!(read::read_csv, m)?)?;
    m.add_function(wrap_pyfunction!(read::read_parquet, m)?)?;
    m.add_function(wrap_pyfunction!(read::from_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(read::concat, m)?)?;
    m.add_function(wrap_pyfunction!(read::set_threads, m)?)?;
    m.add_function(wrap_pyfunction!(distributed::run_task, m)?)?;
    m.add_function(wrap_pyfunction!(delayed::from_parts, m)?)?;
    Ok(())
}
