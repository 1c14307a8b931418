//! `df.groupby(keys).agg(...)` and whole-frame reductions.

use std::sync::Arc;

use rusk_ops::aggregate::{AggregateSpec, GroupOptions};
use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use super::DataFrame;
use crate::plan::{Aggregate, LogicalPlan, Project};

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
}

impl GroupBy {
    pub(crate) fn new(df: DataFrame, keys: Vec<Expr>) -> Result<Self> {
        let schema = df.schema();
        for k in &keys {
            k.data_type(&schema)?;
        }
        Ok(GroupBy { df, keys, options: GroupOptions::default(), split_every: None })
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
        aggregate(&self.df, self.keys.clone(), aggs, self.options, self.split_every)
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
}

/// Builds `Aggregate` (+ a `Project` when an output is an expression over aggregates).
pub(crate) fn aggregate<I, S>(
    df: &DataFrame,
    keys: Vec<Expr>,
    outputs: I,
    options: GroupOptions,
    split_every: Option<usize>,
) -> Result<DataFrame>
where
    I: IntoIterator<Item = (S, Expr)>,
    S: Into<String>,
{
    let outputs: Vec<(String, Expr)> = outputs.into_iter().map(|(n, e)| (n.into(), e)).collect();
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
                let hidden = format!("__{name}_{}", specs.len());
                specs.push(AggregateSpec { func, args });
                names.push(hidden.clone());
                Expr::Column(hidden)
            }
            other => other,
        });
        final_exprs.push(Expr::Alias { expr: Box::new(rewritten), name: name.clone() });
    }
    let node = Aggregate::try_new(Arc::clone(df.plan()), keys.clone(), specs, names, options, split_every)?;
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
        bad("unknown function; one of sum, mean, count, size, min, max, var, std, first, last, nunique, median, quantile, prod, any, all")
    })?;
    match (&mut f, arg) {
        (AggregateFunction::Quantile(q), Some(a)) => {
            *q = a
                .parse()
                .ok()
                .filter(|q: &f64| (0.0..=1.0).contains(q))
                .ok_or_else(|| bad("quantile needs q in [0, 1]"))?;
        }
        (_, Some(_)) => return Err(bad("only quantile takes '=q'")),
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
