//! Whole-frame reductions with pandas' names: `df.sum()`, `df.mean()`, ...,
//! `df.describe()`, `df.value_counts(subset)`, `df.unique(column)`.
//!
//! Every one is a plan the groupby machinery already runs (a partial
//! aggregate per partition, a merge tree, a finish), so none collects the
//! input:
//!
//! ```text
//! df.sum()              Aggregate: keys=[], aggs=[sum(a) AS a, sum(b) AS b]
//! df.describe()         MapPartitions: describe          (8 rows from the one row)
//!                         Aggregate: keys=[], aggs=[count(a), mean(a), std(a), ...]
//! df.value_counts([k])  Sort: by=[count], ascending=False
//!                         Aggregate: keys=[k], aggs=[size() AS count], sort=False
//! df.unique(k)          Aggregate: keys=[k], aggs=[], sort=False, dropna=False
//! ```
//!
//! # Differences from pandas
//!
//! - pandas returns a Series indexed by column name; rusk returns a one-row
//!   frame with one column per input column the function takes, typed as
//!   the aggregate gives it (`sum` of int64 is int64, `mean` float64).
//! - Columns a function does not take are left out, as with
//!   `numeric_only=True`, except that booleans count as numbers (0 and 1)
//!   for `sum`, `mean`, `std`, `var`, `median` and `quantile`, as numpy's
//!   do; pandas' `numeric_only=True` drops them, and its Arrow-backed
//!   booleans have no `std`, `median` or `quantile`. `min`, `max`, `count`
//!   and `nunique` take every column, as pandas' default does.
//! - Missing values are Arrow nulls and are skipped. A NaN float is a value,
//!   as in pandas' Arrow-backed floats: `sum`, `mean`, `std`, `var`
//!   propagate it and `count`, `nunique` count it; but rusk's `min`, `max`,
//!   `median` and `quantile` rank NaN above every number (so `max` is NaN),
//!   where pandas' Arrow-backed floats skip it.
//! - `describe` covers the integer and float columns only (pandas also
//!   describes dates; booleans neither), and is an error for a frame with
//!   none (pandas then describes the strings: count, unique, top, freq).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow::compute::{cast, concat};
use arrow::datatypes::{DataType, Field, Schema};
use rusk_ops::expr::{size, AggregateFunction, Expr};
use rusk_ops::sort::SortKey;
use rusk_ops::{Error, Result};

use super::DataFrame;

/// The rows of `describe`, in pandas' order, and the function of each.
const DESCRIBE: [(&str, AggregateFunction); 8] = [
    ("count", AggregateFunction::Count),
    ("mean", AggregateFunction::Mean),
    ("std", AggregateFunction::Std { ddof: 1 }),
    ("min", AggregateFunction::Min),
    ("25%", AggregateFunction::Quantile(0.25)),
    ("50%", AggregateFunction::Quantile(0.5)),
    ("75%", AggregateFunction::Quantile(0.75)),
    ("max", AggregateFunction::Max),
];

impl DataFrame {
    /// The sum of each numeric (or boolean) column, as pandas' `df.sum()`:
    /// one row, nulls skipped, 0 for no value. See the module docs for how
    /// this differs from pandas' Series result.
    ///
    /// # Errors
    /// Errors of building the aggregate (none for a valid frame).
    pub fn sum(&self) -> Result<DataFrame> {
        self.reduce("sum")
    }

    /// The mean of each numeric column (`df.mean()`), null for no value.
    ///
    /// # Errors
    /// As [`DataFrame::sum`].
    pub fn mean(&self) -> Result<DataFrame> {
        self.reduce("mean")
    }

    /// The smallest value of each column (`df.min()`): numbers, strings,
    /// dates, booleans.
    ///
    /// # Errors
    /// As [`DataFrame::sum`].
    pub fn min(&self) -> Result<DataFrame> {
        self.reduce("min")
    }

    /// The largest value of each column (`df.max()`).
    ///
    /// # Errors
    /// As [`DataFrame::sum`].
    pub fn max(&self) -> Result<DataFrame> {
        self.reduce("max")
    }

    /// The number of non-null values of each column (`df.count()`).
    ///
    /// # Errors
    /// As [`DataFrame::sum`].
    pub fn count(&self) -> Result<DataFrame> {
        self.reduce("count")
    }

    /// The sample standard deviation (ddof=1) of each numeric column (`df.std()`).
    ///
    /// # Errors
    /// As [`DataFrame::sum`].
    pub fn std(&self) -> Result<DataFrame> {
        self.reduce("std")
    }

    /// The sample variance (ddof=1) of each numeric column (`df.var()`).
    ///
    /// # Errors
    /// As [`DataFrame::sum`].
    pub fn var(&self) -> Result<DataFrame> {
        self.reduce("var")
    }

    /// The number of distinct non-null values of each column (`df.nunique()`).
    /// Exact: each partition's distinct values travel to the merge.
    ///
    /// # Errors
    /// As [`DataFrame::sum`].
    pub fn nunique(&self) -> Result<DataFrame> {
        self.reduce("nunique")
    }

    /// The median of each numeric column (`df.median()`). Exact: the values
    /// travel to the merge, so memory grows with the data.
    ///
    /// # Errors
    /// As [`DataFrame::sum`].
    pub fn median(&self) -> Result<DataFrame> {
        self.reduce("median")
    }

    /// The `q` quantile of each numeric column, linearly interpolated
    /// (`df.quantile(q)`, one row). Exact, as [`DataFrame::median`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `q` outside `[0, 1]`.
    pub fn quantile(&self, q: f64) -> Result<DataFrame> {
        check_q(q)?;
        self.agg(self.each_column(AggregateFunction::Quantile(q)))
    }

    /// Summary statistics of each integer and float column, as pandas'
    /// `df.describe()`: a first column `statistic` (count, mean, std, min,
    /// 25%, 50%, 75%, max), then one float64 column per described column.
    ///
    /// One pass: a single whole-frame aggregate computes the 8 statistics
    /// of every column (one row), and a one-task step reshapes that row into
    /// 8 rows.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when no column is an integer or float, or
    /// one is named `statistic`.
    pub fn describe(&self) -> Result<DataFrame> {
        let schema = self.schema();
        let described: Vec<String> = schema
            .fields()
            .iter()
            .filter(|f| f.data_type().is_integer() || f.data_type().is_floating())
            .map(|f| f.name().clone())
            .collect();
        if described.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "describe: no integer or float column; columns are: {}",
                self.columns().join(", ")
            )));
        }
        if described.iter().any(|c| c == "statistic") {
            return Err(Error::InvalidArgument(
                "describe: a column is named \"statistic\", the name of the statistics' column; rename it"
                    .into(),
            ));
        }
        // Hidden names by position: the user's column names may be anything.
        let aggs: Vec<(String, Expr)> = described
            .iter()
            .enumerate()
            .flat_map(|(i, column)| {
                DESCRIBE.iter().enumerate().map(move |(j, (_, func))| {
                    (format!("__describe_{i}_{j}"), Expr::Aggregate { func: *func, args: vec![col(column)] })
                })
            })
            .collect();
        let stats = self.agg(aggs)?;
        stats.map_partitions("describe", move |batch| reshape_describe(&batch, &described))
    }

    /// How many rows hold each distinct combination of `subset` (all
    /// columns when empty), as pandas' `df.value_counts(subset)`: the
    /// subset's columns, then `count`, most frequent first; equal counts in
    /// the order their combination first appears (pandas 3's stable sort).
    /// Rows with a null in the subset are dropped (`dropna=True`); NaN is a
    /// value, as in pandas' Arrow-backed floats.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column;
    /// [`Error::InvalidArgument`] when a column is named `count`.
    pub fn value_counts<I, S>(&self, subset: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut keys: Vec<String> = subset.into_iter().map(Into::into).collect();
        if keys.is_empty() {
            keys = self.columns();
        }
        // One output partition: a hash shuffle (`split_out` > 1) would keep
        // the first-appearance order only within each bucket, and the ties
        // of the sort below follow that order.
        let counts = self.groupby(keys)?.sort(false).split_out(1).agg([("count", size())])?;
        counts.sort_by_keys(vec![SortKey::new("count").ascending(false)])
    }

    /// The distinct values of `column` in the order they first appear, null
    /// included (once), as pandas' `df[column].unique()`; a one-column frame.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column.
    pub fn unique(&self, column: &str) -> Result<DataFrame> {
        // One output partition, as in `value_counts`: the order is global.
        self.groupby([column])?.sort(false).dropna(false).split_out(1).agg(Vec::<(String, Expr)>::new())
    }

    /// `func` (a pandas name) over every column it takes: a groupby by
    /// nothing, through [`super::GroupBy::agg_all`].
    fn reduce(&self, func: &str) -> Result<DataFrame> {
        self.groupby(Vec::<String>::new())?.agg_all(func)
    }

    /// `(column, func(column))` for every column `func` takes, chosen as
    /// [`super::GroupBy::agg_all`] chooses them (for a function it cannot
    /// name with its argument, like `quantile(q)`).
    fn each_column(&self, func: AggregateFunction) -> Vec<(String, Expr)> {
        let schema = self.schema();
        schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), Expr::Aggregate { func, args: vec![col(f.name())] }))
            .filter(|(_, e)| e.data_type(&schema).is_ok())
            .collect()
    }
}

fn col(name: &str) -> Expr {
    Expr::Column(name.to_string())
}

/// pandas' check of `quantile(q)`.
pub(crate) fn check_q(q: f64) -> Result<()> {
    if (0.0..=1.0).contains(&q) {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!("quantile: q must be in [0, 1], got {q}")))
    }
}

/// The one-row batch of `describe`'s aggregate (8 columns per described
/// column, in [`DESCRIBE`]'s order) as 8 rows: `statistic`, then each
/// column's 8 values as float64. An empty batch (the schema probe of
/// `map_partitions`) gives an empty batch of the same schema.
fn reshape_describe(batch: &RecordBatch, described: &[String]) -> Result<RecordBatch> {
    let rows = batch.num_rows();
    if rows > 1 || batch.num_columns() != described.len() * DESCRIBE.len() {
        return Err(Error::Internal(format!(
            "describe: expected one row of {} statistics, got {rows} row(s) of {} (a bug in rusk)",
            described.len() * DESCRIBE.len(),
            batch.num_columns()
        )));
    }
    let names = if rows == 0 { vec![] } else { DESCRIBE.iter().map(|(n, _)| *n).collect() };
    let mut fields = vec![Field::new("statistic", DataType::Utf8, false)];
    let mut columns: Vec<ArrayRef> = vec![Arc::new(StringArray::from(names))];
    for (i, name) in described.iter().enumerate() {
        let stats = batch.columns()[i * DESCRIBE.len()..(i + 1) * DESCRIBE.len()]
            .iter()
            .map(|a| cast(a.as_ref(), &DataType::Float64))
            .collect::<std::result::Result<Vec<ArrayRef>, _>>()?;
        let refs: Vec<&dyn Array> = stats.iter().map(AsRef::as_ref).collect();
        fields.push(Field::new(name, DataType::Float64, true));
        columns.push(concat(&refs)?);
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?)
}
