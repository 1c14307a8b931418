//! `df.groupby(keys).agg(...)` and whole-frame reductions.

use std::sync::Arc;

use rusk_ops::aggregate::{AggregateSpec, GroupOptions};
use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use super::DataFrame;
use crate::plan::{Aggregate, LogicalPlan, Project, SplitOut};

/// A frame grouped by keys, waiting for its aggregations (pandas' `DataFrameGroupBy`).
///
/// Computing it runs a partial aggregate in every input task, merges the
/// partial states in a tree of fan-in `split_every`, then finishes: memory
/// grows with the number of groups, not of rows. `median`, `quantile` and
/// `nunique` are exact: their states hold the group's values (or distinct
/// values), so their memory grows with the data.
#[derive(Debug, Clone)]
pub struct GroupBy {
    df: DataFrame,
    keys: Vec<Expr>,
    options: GroupOptions,
    split_every: Option<usize>,
    split_out: SplitOut,
}

impl GroupBy {
    pub(crate) fn new(df: DataFrame, keys: Vec<Expr>) -> Result<Self> {
        let schema = df.schema();
        for k in &keys {
            k.data_type(&schema)?;
        }
        Ok(GroupBy {
            df,
            keys,
            options: GroupOptions::default(),
            split_every: None,
            split_out: SplitOut::Auto,
        })
    }

    /// The frame being grouped.
    pub(crate) fn frame(&self) -> &DataFrame {
        &self.df
    }

    /// The group keys.
    pub(crate) fn keys(&self) -> &[Expr] {
        &self.keys
    }

    /// Whether rows with a null key are dropped (`dropna(true)`, the default).
    pub(crate) fn drops_null_keys(&self) -> bool {
        self.options.dropna
    }

    /// Sort the result by the keys (default true, as pandas), nulls last;
    /// false keeps the order in which groups first appear.
    pub fn sort(mut self, sort: bool) -> Self {
        self.options.sort = sort;
        self
    }

    /// Drop groups whose key is null (default true, as pandas).
    pub fn dropna(mut self, dropna: bool) -> Self {
        self.options.dropna = dropna;
        self
    }

    /// Fan-in of the merge tree (Dask's `split_every`; default from [`crate::Config`]).
    pub fn split_every(mut self, split_every: usize) -> Self {
        self.split_every = Some(split_every);
        self
    }

    /// The number of partitions of the result (Dask's `split_out`). More
    /// than one shuffles the partial states by key, so no task holds every
    /// group. Unset, rusk estimates the number of groups from a sample of
    /// the first partition and chooses (see `explain()`); a value given here
    /// always wins. With `sort` (the default) the partitions are key ranges
    /// and the result is sorted across them; with `sort(false)`, they are
    /// hash buckets and groups keep their first-seen order only within each.
    pub fn split_out(mut self, split_out: usize) -> Self {
        self.split_out = SplitOut::Given(split_out);
        self
    }

    /// Named aggregations, as pandas' `agg(name=("col", "func"))`: each
    /// `(name, expr)` where `expr` holds aggregates, e.g.
    /// `("v1_sum", col("v1").sum())` or `("range", col("v1").max() - col("v2").min())`.
    /// The result has the key columns, then one column per aggregation.
    ///
    /// # Errors
    /// Unknown columns, aggregates over types they don't take, an expression
    /// without an aggregate, duplicate names.
    pub fn agg<I, S>(&self, aggs: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = (S, Expr)>,
        S: Into<String>,
    {
        aggregate(&self.df, self.keys.clone(), aggs, self.options, self.split_every, self.split_out.clone())
    }

    /// pandas' `groupby(keys).apply(f)`: `f` gets each group's rows (every
    /// column, in row order) and returns a batch; the results are
    /// concatenated, groups in key order (or first-seen order within each
    /// output partition with `sort(false)`), each result row after its
    /// group's key columns unless `f` returns them itself. The output
    /// schema is `f`'s on an empty batch, so `f` must accept one.
    ///
    /// The escape hatch: every row is shuffled by key so that each group is
    /// whole in one task, then `f` runs once per group. Far slower than
    /// [`GroupBy::agg`], which reduces each partition before moving
    /// anything; use it for what aggregates cannot say. The keys must be
    /// plain columns. The result has `split_out` partitions (default: the
    /// input's).
    ///
    /// # Errors
    /// Keys that are not plain columns, `f`'s error on the empty batch.
    pub fn apply<F>(&self, name: impl Into<String>, f: F) -> Result<DataFrame>
    where
        F: Fn(arrow::record_batch::RecordBatch) -> Result<arrow::record_batch::RecordBatch>
            + Send
            + Sync
            + 'static,
    {
        let keys = self
            .keys
            .iter()
            .map(|k| match k {
                Expr::Column(c) => Ok(c.clone()),
                other => Err(Error::InvalidArgument(format!(
                    "apply groups by columns; assign `{other}` to a column first"
                ))),
            })
            .collect::<Result<Vec<_>>>()?;
        let partitions = self.split_out.partitions().unwrap_or_else(|| self.df.plan().npartitions().max(1));
        let func = crate::plan::PartitionFn { name: name.into(), func: Arc::new(f) };
        let node = crate::plan::GroupApply::try_new(
            Arc::clone(self.df.plan()),
            keys,
            func,
            self.options,
            partitions,
        )?;
        Ok(DataFrame::from_plan(LogicalPlan::GroupApply(node)))
    }

    /// One aggregation of every non-key column by its pandas name (`"sum"`,
    /// `"mean"`, ...), as `df.groupby(k).sum()`; columns the function does
    /// not take (strings for `sum`) are left out, as pandas' `numeric_only`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown function name.
    pub fn agg_all(&self, func: &str) -> Result<DataFrame> {
        let f = rusk_ops::expr::AggregateFunction::from_name(func)
            .ok_or_else(|| Error::InvalidArgument(format!("unknown aggregation {func:?}")))?;
        let keys: Vec<String> = self.keys.iter().map(Expr::output_name).collect();
        let schema = self.df.schema();
        let aggs: Vec<(String, Expr)> = schema
            .fields()
            .iter()
            .filter(|field| !keys.contains(field.name()))
            .map(|field| {
                let args = if f.arity() == 0 { vec![] } else { vec![Expr::Column(field.name().clone())] };
                (field.name().clone(), Expr::Aggregate { func: f, args })
            })
            .filter(|(_, e)| e.data_type(&schema).is_ok())
            .collect();
        self.agg(aggs)
    }

    /// The rows with the `n` largest values of `column` in each group, as
    /// pandas' `df.groupby(k)[column].nlargest(n)` (with every column of
    /// the row, not just `column`): groups sorted by key (first-seen order
    /// with `sort(false)`), each group's rows largest first; on ties the
    /// earlier row wins (`keep="first"`). Null and NaN rank below every
    /// value, so a group with fewer than `n` values is filled with its
    /// first missing ones, as pandas does. The columns are the frame's, in
    /// order, after any computed key; one partition.
    ///
    /// Runs without a shuffle: each partition keeps at most `n` candidate
    /// rows a group and a tree of merges (fan-in `split_every`) re-selects,
    /// so memory grows with `n × groups`. Select columns after it
    /// (`.nlargest(2, "v3")?.select(["id6", "v3"])`) and only those are read.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`]; [`Error::Type`] when `column` is not a
    /// number, date, time or timestamp (pandas refuses strings too).
    pub fn nlargest(&self, n: usize, column: &str) -> Result<DataFrame> {
        self.top_n(n, rusk_ops::top_n::TopNOrder::Largest, Some(column))
    }

    /// The rows with the `n` smallest values of `column` in each group
    /// (pandas' `nsmallest`); as [`GroupBy::nlargest`], smallest first.
    ///
    /// # Errors
    /// As [`GroupBy::nlargest`].
    pub fn nsmallest(&self, n: usize, column: &str) -> Result<DataFrame> {
        self.top_n(n, rusk_ops::top_n::TopNOrder::Smallest, Some(column))
    }

    /// The first `n` rows of each group, in the frame's row order (pandas'
    /// `GroupBy.head`, which does not reorder; `sort` has no effect). Rows
    /// whose key is null are dropped unless `dropna(false)`. The h2o
    /// benchmark's `sort_values(v).groupby(k).head(2)` is
    /// [`GroupBy::nlargest`] here, which needs no sort. One partition,
    /// computed as a tree reduce like [`GroupBy::nlargest`].
    ///
    /// # Errors
    /// As [`DataFrame::groupby`] (none once the groupby is built).
    pub fn head(&self, n: usize) -> Result<DataFrame> {
        self.top_n(n, rusk_ops::top_n::TopNOrder::First, None)
    }

    fn top_n(&self, n: usize, order: rusk_ops::top_n::TopNOrder, column: Option<&str>) -> Result<DataFrame> {
        let node = crate::plan::TopN::try_new(
            Arc::clone(self.df.plan()),
            self.keys.clone(),
            column.map(String::from),
            n,
            order,
            self.options,
            self.split_every,
        )?;
        Ok(DataFrame::from_plan(LogicalPlan::TopN(node)))
    }

    /// The frame with new columns holding each row's group aggregates, as
    /// pandas' `df.assign(v3_mean=df.groupby(k)["v3"].transform("mean"))`:
    /// `transform([("v3_mean", col("v3").mean())])`. Each `(name, expr)` is
    /// as in [`GroupBy::agg`]; a name that is already a column replaces it
    /// in place, others are appended. The rows keep their order and
    /// partitions, so the new columns are usable at once:
    /// `.assign([("dev", col("v3") - col("v3_mean"))])`. A row whose key is
    /// null gets nulls (pandas' NaN), unless `dropna(false)`, where the
    /// null key is a group.
    ///
    /// The frame is read twice: once for the groupby (partial, merge tree,
    /// finish), once for the rows, each partition looking its keys up in
    /// the groupby's result (as Dask's `transform` does).
    ///
    /// # Errors
    /// As [`GroupBy::agg`].
    pub fn transform<I, S>(&self, aggs: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = (S, Expr)>,
        S: Into<String>,
    {
        // The groups' order does not matter to a lookup: skip the sort. The
        // lookup reads the groups as one batch, so unless asked otherwise
        // they are merged into one partition, not shuffled and gathered again.
        let mut grouped = self.clone().sort(false);
        if grouped.split_out == SplitOut::Auto {
            grouped.split_out = SplitOut::Given(1);
        }
        let groups = grouped.agg(aggs)?;
        let node = crate::plan::Transform::try_new(
            Arc::clone(self.df.plan()),
            Arc::clone(groups.plan()),
            self.keys.clone(),
        )?;
        Ok(DataFrame::from_plan(LogicalPlan::Transform(node)))
    }
}

/// Builds `Aggregate` (+ a `Project` when an output is an expression over aggregates).
pub(crate) fn aggregate<I, S>(
    df: &DataFrame,
    keys: Vec<Expr>,
    outputs: I,
    options: GroupOptions,
    split_every: Option<usize>,
    split_out: SplitOut,
) -> Result<DataFrame>
where
    I: IntoIterator<Item = (S, Expr)>,
    S: Into<String>,
{
    let outputs: Vec<(String, Expr)> = outputs.into_iter().map(|(n, e)| (n.into(), e)).collect();
    // Names the aggregate's output has besides the hidden ones.
    let visible: Vec<String> =
        keys.iter().map(Expr::output_name).chain(outputs.iter().map(|(n, _)| n.clone())).collect();
    let mut specs: Vec<AggregateSpec> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut needs_project = false;
    let mut final_exprs = Vec::with_capacity(outputs.len());
    for (name, expr) in &outputs {
        let expr = expr.unalias().clone();
        if !expr.has_aggregate() {
            return Err(Error::InvalidArgument(format!(
                "{name}: `{expr}` has no aggregate (use e.g. col(\"v\").sum())"
            )));
        }
        if let Expr::Aggregate { func, args } = &expr {
            specs.push(AggregateSpec { func: *func, args: args.clone() });
            names.push(name.clone());
            final_exprs.push(Expr::Column(name.clone()));
            continue;
        }
        // An expression over aggregates: compute each aggregate under a
        // hidden name, then the expression over those columns.
        needs_project = true;
        let rewritten = expr.transform_up(&mut |e| match e {
            Expr::Aggregate { func, args } => {
                let hidden = super::hidden::fresh_name(&format!("__{name}_{}", specs.len()), |n| {
                    visible.iter().any(|v| v == n) || names.iter().any(|v| v == n)
                });
                specs.push(AggregateSpec { func, args });
                names.push(hidden.clone());
                Expr::Column(hidden)
            }
            other => other,
        });
        final_exprs.push(Expr::Alias { expr: Box::new(rewritten), name: name.clone() });
    }
    let node = Aggregate::try_new(Arc::clone(df.plan()), keys.clone(), specs, names, options, split_every)?
        .with_split_out(split_out)?;
    let mut plan = LogicalPlan::Aggregate(node);
    if needs_project {
        let mut exprs: Vec<Expr> = keys.iter().map(|k| Expr::Column(k.output_name())).collect();
        exprs.extend(final_exprs);
        plan = LogicalPlan::Project(Project::try_new(Arc::new(plan), exprs)?);
    }
    Ok(DataFrame::from_plan(plan))
}

/// Parses an aggregation written `column:function` (the CLI's `--agg`
/// form: `v1:sum`, `v3:std`, `id:size`, `v3:quantile=0.9`) into its output
/// name, `column_function`, and its expression.
///
/// # Errors
/// [`Error::InvalidArgument`] for a malformed spec or an unknown function.
pub fn parse_agg(spec: &str) -> Result<(String, Expr)> {
    use rusk_ops::expr::AggregateFunction;
    let bad =
        |why: &str| Error::InvalidArgument(format!("aggregation {spec:?}: {why} (expected column:function)"));
    let (column, func) = spec.split_once(':').ok_or_else(|| bad("no ':'"))?;
    let (column, func) = (column.trim(), func.trim());
    if column.is_empty() {
        return Err(bad("no column"));
    }
    let (func_name, arg) = match func.split_once('=') {
        Some((f, a)) => (f, Some(a)),
        None => (func, None),
    };
    let mut f = AggregateFunction::from_name(func_name).ok_or_else(|| {
        bad("unknown function; one of sum, mean, count, size, min, max, var, std, first, last, nunique, median, quantile, prod, any, all, nunique_approx, median_approx, quantile_approx")
    })?;
    match (&mut f, arg) {
        (AggregateFunction::Quantile(q) | AggregateFunction::QuantileApprox(q), Some(a)) => {
            *q = a
                .parse()
                .ok()
                .filter(|q: &f64| (0.0..=1.0).contains(q))
                .ok_or_else(|| bad("quantile needs q in [0, 1]"))?;
        }
        (_, Some(_)) => return Err(bad("only quantile and quantile_approx take '=q'")),
        _ => {}
    }
    if f == AggregateFunction::Corr {
        return Err(bad("corr takes two columns; use the API"));
    }
    let args = if f.arity() == 0 { vec![] } else { vec![Expr::Column(column.to_string())] };
    let name = match arg {
        Some(a) => format!("{column}_{func_name}_{a}"),
        None => format!("{column}_{func_name}"),
    };
    Ok((name, Expr::Aggregate { func: f, args }))
}
