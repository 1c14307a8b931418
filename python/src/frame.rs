//! `Frame`: rusk's lazy `DataFrame` for the Python `DataFrame` to wrap.
//! Every method builds a plan; `compute` runs it with the GIL released.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use rusk::{Keep, MergeOptions, NaPosition, SortOptions};

use crate::arrow_stream;
use crate::errors::IntoPy;
use crate::series::Series;

/// A lazy frame.
#[pyclass(module = "rusk._rusk", frozen)]
pub struct Frame {
    pub inner: rusk::DataFrame,
}

fn wrap(inner: rusk::DataFrame) -> Frame {
    Frame { inner }
}

/// pandas' `keep=` of `drop_duplicates`: `"first"`, `"last"` or `False`.
fn keep(value: &Bound<'_, PyAny>) -> PyResult<Keep> {
    if let Ok(false) = value.extract::<bool>() {
        return Ok(Keep::None);
    }
    match value.extract::<String>()?.as_str() {
        "first" => Ok(Keep::First),
        "last" => Ok(Keep::Last),
        other => Err(PyValueError::new_err(format!("keep must be 'first', 'last' or False, not {other:?}"))),
    }
}

/// What a groupby computes: named aggregations, or one function over every
/// column it takes.
#[derive(FromPyObject)]
pub enum Aggs {
    Named(Vec<(String, String, String)>),
    All(String),
}

/// `(output, column, function)` triples as named aggregate expressions.
fn named_aggs(aggs: Vec<(String, String, String)>) -> PyResult<Vec<(String, rusk::Expr)>> {
    aggs.into_iter()
        .map(|(name, column, func)| Ok((name, rusk::parse_agg(&format!("{column}:{func}")).py_err()?.1)))
        .collect()
}

impl Frame {
    fn grouped(
        &self,
        keys: Vec<String>,
        sort: bool,
        dropna: bool,
        split_out: Option<usize>,
        split_every: Option<usize>,
    ) -> PyResult<rusk::GroupBy> {
        let mut groupby = self.inner.groupby(keys).py_err()?.sort(sort).dropna(dropna);
        if let Some(n) = split_out {
            groupby = groupby.split_out(n);
        }
        if let Some(n) = split_every {
            groupby = groupby.split_every(n);
        }
        Ok(groupby)
    }
}

#[pymethods]
impl Frame {
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.inner.columns()
    }

    /// Each column's name and pandas dtype name.
    #[getter]
    fn dtypes(&self) -> Vec<(String, String)> {
        self.inner.dtypes()
    }

    #[getter]
    fn npartitions(&self) -> usize {
        self.inner.npartitions()
    }

    /// The schema as an empty Arrow stream (Dask's `meta`).
    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        arrow_stream::export(py, self.inner.schema(), Vec::new())
    }

    fn series(&self, name: &str) -> PyResult<Series> {
        Ok(Series { inner: self.inner.series(name).py_err()? })
    }

    fn select(&self, columns: Vec<String>) -> PyResult<Frame> {
        Ok(wrap(self.inner.select(columns).py_err()?))
    }

    fn query(&self, expr: &str) -> PyResult<Frame> {
        Ok(wrap(self.inner.query(expr).py_err()?))
    }

    fn filter(&self, mask: &Series) -> PyResult<Frame> {
        Ok(wrap(self.inner.filter_series(&mask.inner).py_err()?))
    }

    fn with_series(&self, name: &str, series: &Series) -> PyResult<Frame> {
        Ok(wrap(self.inner.with_series(name, &series.inner).py_err()?))
    }

    /// `caller` (a `rusk._udf.PartitionCaller`) over every partition; the
    /// output schema from its call on an empty partition, as Dask's `meta`.
    fn map_partitions(&self, name: &str, caller: Py<PyAny>) -> PyResult<Frame> {
        let func = crate::udf::partition_fn(name.to_string(), caller);
        Ok(wrap(self.inner.map_partitions(func.name.clone(), move |b| (func.func)(b)).py_err()?))
    }

    /// Window methods (cumulative, shift, diff, rolling): new columns in
    /// row order; per group of `keys` when given (pandas'
    /// `df.groupby(k).v.cumsum()`, aligned with the rows).
    fn assign_window(&self, keys: Vec<String>, methods: Vec<crate::window::Method>) -> PyResult<Frame> {
        let specs = methods.iter().map(crate::window::Method::spec).collect::<PyResult<Vec<_>>>()?;
        let result = if keys.is_empty() {
            self.inner.assign_window(specs)
        } else {
            self.inner.groupby(keys).py_err()?.assign_window(specs)
        };
        Ok(wrap(result.py_err()?))
    }

    /// pandas' `df.groupby(keys).rolling(...)`: rows sorted by key, each
    /// with its columns and the methods' columns.
    fn groupby_rolling(&self, keys: Vec<String>, methods: Vec<crate::window::Method>) -> PyResult<Frame> {
        let specs = methods.iter().map(crate::window::Method::spec).collect::<PyResult<Vec<_>>>()?;
        Ok(wrap(self.inner.groupby(keys).py_err()?.rolling(specs).py_err()?))
    }

    /// Resample (per group of `keys`, if any) with named aggregations.
    fn resample(
        &self,
        keys: Vec<String>,
        resample: crate::window::Resample,
        aggs: Vec<(String, String, String)>,
    ) -> PyResult<Frame> {
        let resampler = resample.resampler(&self.inner, keys)?;
        Ok(wrap(resampler.agg(named_aggs(aggs)?).py_err()?))
    }

    fn merge_asof(&self, right: &Frame, asof: crate::window::Asof) -> PyResult<Frame> {
        Ok(wrap(self.inner.merge_asof(&right.inner, asof.options()?).py_err()?))
    }

    /// A constant column (pandas' `df.assign(c=1)`).
    fn with_scalar(&self, name: &str, value: &Bound<'_, PyAny>) -> PyResult<Frame> {
        let value = crate::value::scalar(value)?;
        Ok(wrap(self.inner.with_column(name, rusk::lit(value)).py_err()?))
    }

    /// `series`' expression as the column `name`, without checking that the
    /// series comes from this frame: for the Python side, which has checked
    /// that this frame holds the series' frame's rows and columns (the
    /// series' frame plus columns `assign` is adding).
    fn with_series_expr(&self, name: &str, series: &Series) -> PyResult<Frame> {
        Ok(wrap(self.inner.with_column(name, series.inner.expr().clone()).py_err()?))
    }

    /// Whether `other` is the same plan (the same frame, not an equal one).
    fn same_plan(&self, other: &Frame) -> bool {
        std::sync::Arc::ptr_eq(self.inner.plan(), other.inner.plan())
    }

    fn rename(&self, mapping: Vec<(String, String)>) -> PyResult<Frame> {
        Ok(wrap(self.inner.rename(mapping).py_err()?))
    }

    fn drop(&self, columns: Vec<String>) -> PyResult<Frame> {
        Ok(wrap(self.inner.drop(columns).py_err()?))
    }

    fn repartition(&self, npartitions: usize) -> PyResult<Frame> {
        Ok(wrap(self.inner.repartition(npartitions).py_err()?))
    }

    fn limit(&self, n: usize) -> Frame {
        wrap(self.inner.limit(n))
    }

    /// Named aggregations `(output, column, function)`, the function as
    /// the command line's `--agg` writes it (`sum`, `quantile=0.9`, `size`),
    /// or one function's name over every column it takes (pandas'
    /// `groupby(keys).sum()`).
    #[pyo3(signature = (keys, aggs, sort=true, dropna=true, split_out=None, split_every=None))]
    fn groupby_agg(
        &self,
        keys: Vec<String>,
        aggs: Aggs,
        sort: bool,
        dropna: bool,
        split_out: Option<usize>,
        split_every: Option<usize>,
    ) -> PyResult<Frame> {
        let groupby = self.grouped(keys, sort, dropna, split_out, split_every)?;
        let result = match aggs {
            Aggs::Named(aggs) => groupby.agg(named_aggs(aggs)?),
            Aggs::All(func) => groupby.agg_all(&func),
        };
        Ok(wrap(result.py_err()?))
    }

    /// pandas' `groupby(keys).transform(func)` of `(output, column, function)`.
    fn groupby_transform(&self, keys: Vec<String>, aggs: Vec<(String, String, String)>) -> PyResult<Frame> {
        Ok(wrap(self.inner.groupby(keys).py_err()?.transform(named_aggs(aggs)?).py_err()?))
    }

    fn groupby_nlargest(&self, keys: Vec<String>, n: usize, column: &str, largest: bool) -> PyResult<Frame> {
        let groupby = self.inner.groupby(keys).py_err()?;
        let result = if largest { groupby.nlargest(n, column) } else { groupby.nsmallest(n, column) };
        Ok(wrap(result.py_err()?))
    }

    /// A whole-frame reduction by pandas' name (`sum`, ..., `describe`).
    #[pyo3(signature = (func, q=None))]
    fn reduce(&self, func: &str, q: Option<f64>) -> PyResult<Frame> {
        let df = &self.inner;
        let result = match func {
            "quantile" => df.quantile(q.unwrap_or(0.5)),
            "describe" => df.describe(),
            // `df.sum()` and the others are this: a groupby by nothing.
            name => df.groupby(Vec::<String>::new()).py_err()?.agg_all(name),
        };
        Ok(wrap(result.py_err()?))
    }

    /// `broadcast`: Dask's argument (`None` lets rusk choose by size,
    /// `True` broadcasts a side, `False` hash-shuffles both into
    /// `npartitions` buckets).
    #[pyo3(signature = (right, how, left_on, right_on, suffixes, broadcast=None, npartitions=None))]
    #[allow(clippy::too_many_arguments)]
    fn merge(
        &self,
        right: &Frame,
        how: &str,
        left_on: Vec<String>,
        right_on: Vec<String>,
        suffixes: (String, String),
        broadcast: Option<bool>,
        npartitions: Option<usize>,
    ) -> PyResult<Frame> {
        let how = how.parse().py_err()?;
        let options = if how == rusk::JoinType::Cross {
            MergeOptions::cross()
        } else {
            MergeOptions::left_right_on(left_on, right_on).how(how)
        };
        let mut options = options.suffixes(suffixes.0, suffixes.1).strategy(match broadcast {
            None => rusk::JoinStrategy::Auto,
            Some(true) => rusk::JoinStrategy::Broadcast,
            Some(false) => rusk::JoinStrategy::Shuffle,
        });
        if let Some(n) = npartitions {
            options = options.npartitions(n);
        }
        Ok(wrap(self.inner.merge(&right.inner, options).py_err()?))
    }

    fn sort_values(&self, by: Vec<String>, ascending: Vec<bool>, na_first: bool) -> PyResult<Frame> {
        let by: Vec<&str> = by.iter().map(String::as_str).collect();
        let na = if na_first { NaPosition::First } else { NaPosition::Last };
        let options = SortOptions::default().ascending(ascending).na_position(na);
        Ok(wrap(self.inner.sort_values_with(&by, options).py_err()?))
    }

    fn nlargest(&self, n: usize, column: &str, largest: bool) -> PyResult<Frame> {
        let result = if largest { self.inner.nlargest(n, column) } else { self.inner.nsmallest(n, column) };
        Ok(wrap(result.py_err()?))
    }

    #[pyo3(signature = (subset, keep))]
    fn drop_duplicates(&self, subset: Option<Vec<String>>, keep: &Bound<'_, PyAny>) -> PyResult<Frame> {
        let subset: Option<Vec<&str>> = subset.as_ref().map(|s| s.iter().map(String::as_str).collect());
        Ok(wrap(self.inner.drop_duplicates(subset.as_deref(), self::keep(keep)?).py_err()?))
    }

    fn set_index(&self, column: &str, sorted: bool) -> PyResult<Frame> {
        Ok(wrap(self.inner.set_index(column, sorted).py_err()?))
    }

    fn index(&self) -> Option<String> {
        self.inner.index()
    }

    fn reset_index(&self) -> PyResult<Frame> {
        Ok(wrap(self.inner.reset_index().py_err()?))
    }

    fn len(&self, py: Python<'_>) -> PyResult<usize> {
        py.detach(|| self.inner.len()).py_err()
    }

    /// Runs the plan (without the GIL); the result as an Arrow stream.
    pub fn compute<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let computed = py.detach(|| self.inner.compute()).py_err()?;
        arrow_stream::export(py, computed.schema(), computed.batches().to_vec())
    }

    fn explain(&self) -> PyResult<String> {
        self.inner.explain().py_err()
    }

    fn explain_analyze(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| self.inner.explain_analyze()).py_err()
    }

    fn visualize(&self, path: &str) -> PyResult<()> {
        self.inner.visualize(path).py_err()
    }

    fn to_parquet(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        py.detach(|| self.inner.to_parquet(path)).py_err()
    }

    fn to_csv(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        py.detach(|| self.inner.to_csv(path)).py_err()
    }

    /// The task graph, for a cluster: see `distributed::task_graph`.
    fn task_graph(&self) -> PyResult<(Vec<crate::distributed::GraphTask>, Vec<usize>)> {
        crate::distributed::task_graph(&self.inner)
    }

    /// The lazy structure, as `repr` prints it.
    fn __repr__(&self) -> String {
        format!("{}", self.inner)
    }
}
