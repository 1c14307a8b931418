//! Frames from files and from Arrow data, and the run settings.

use pyo3::prelude::*;
use rusk::CsvOptions;

use crate::arrow_stream;
use crate::errors::IntoPy;
use crate::frame::Frame;
use crate::value::data_type;

/// `read_csv` with the pandas options rusk reads: `sep`, `dtype` (column →
/// dtype name), `parse_dates`, `date_format`, `blocksize` (bytes),
/// `header` (whether the first line names the columns), `na_values`,
/// `keep_default_na`, `on_bad_lines` (`"error"` or `"skip"`).
#[pyfunction]
#[pyo3(signature = (path, sep=None, dtype=None, parse_dates=None, date_format=None, blocksize=None,
                    header=true, na_values=None, keep_default_na=true, on_bad_lines="error"))]
#[allow(clippy::too_many_arguments)]
pub fn read_csv(
    path: &str,
    sep: Option<char>,
    dtype: Option<Vec<(String, String)>>,
    parse_dates: Option<Vec<String>>,
    date_format: Option<String>,
    blocksize: Option<u64>,
    header: bool,
    na_values: Option<Vec<String>>,
    keep_default_na: bool,
    on_bad_lines: &str,
) -> PyResult<Frame> {
    let mut options = CsvOptions::default().header(header).keep_default_na(keep_default_na);
    if let Some(values) = na_values {
        options = options.na_values(values);
    }
    options = options.on_bad_lines(match on_bad_lines {
        "error" => rusk::OnBadLines::Error,
        "skip" => rusk::OnBadLines::Skip,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "on_bad_lines must be 'error' or 'skip', not {other:?}"
            )))
        }
    });
    if let Some(sep) = sep {
        let byte = u8::try_from(sep).ok().filter(u8::is_ascii).ok_or_else(|| {
            pyo3::exceptions::PyValueError::new_err(format!("sep must be one ASCII character, not {sep:?}"))
        })?;
        options = options.sep(byte);
    }
    for (column, name) in dtype.unwrap_or_default() {
        options = options.dtype(column, data_type(&name)?);
    }
    if let Some(columns) = parse_dates {
        options = options.parse_dates(columns);
    }
    if let Some(format) = date_format {
        options = options.date_format(format);
    }
    if blocksize.is_some() {
        options = options.blocksize(blocksize);
    }
    Ok(Frame { inner: rusk::read_csv_with(path, options).py_err()? })
}

#[pyfunction]
pub fn read_parquet(path: &str) -> PyResult<Frame> {
    Ok(Frame { inner: rusk::read_parquet(path).py_err()? })
}

/// A frame of the batches of any Arrow stream source, in `npartitions`.
#[pyfunction]
pub fn from_arrow(source: &Bound<'_, PyAny>, npartitions: usize) -> PyResult<Frame> {
    let (schema, batches) = arrow_stream::import(source)?;
    let frame = rusk::from_batches(schema, batches).py_err()?;
    Ok(Frame { inner: frame.repartition(npartitions).py_err()? })
}

#[pyfunction]
pub fn concat(frames: Vec<PyRef<'_, Frame>>) -> PyResult<Frame> {
    let frames: Vec<rusk::DataFrame> = frames.iter().map(|f| f.inner.clone()).collect();
    Ok(Frame { inner: rusk::concat(&frames).py_err()? })
}

/// The worker threads of every later run (`None`: one per core).
#[pyfunction]
#[pyo3(signature = (threads=None))]
pub fn set_threads(threads: Option<usize>) -> PyResult<()> {
    let config = rusk::config();
    rusk::set_config(match threads {
        Some(n) => config.with_threads(n),
        None => rusk::Config { threads: rusk::Config::default().threads, ..config },
    });
    Ok(())
}
