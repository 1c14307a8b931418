//! `df.resample(rule, on)` and `df.groupby(keys).resample(rule, on)`:
//! aggregates per time bin (and group), as pandas'.
//!
//! A resample is a groupby whose last key is each row's time bin: every
//! partition aggregates its rows by (group, bin), the partial states merge
//! in the tree reduce, and the finish adds a row for every empty bin inside
//! each group's span. No sorted index and no known divisions are needed,
//! and no partition is gathered before it is reduced.

use rusk_ops::aggregate::GroupOptions;
use rusk_ops::expr::{AggregateFunction, Expr, ScalarFunction};
use rusk_ops::time::{Bins, Freq, Origin};
use rusk_ops::{Error, Result};

use super::groupby::aggregate;
use super::hidden::fresh_name;
use super::DataFrame;
use crate::plan::{LogicalPlan, Project, SplitOut};
use std::sync::Arc;

/// A frame binned by time, waiting for its aggregations (pandas'
/// `Resampler`).
#[derive(Debug, Clone)]
pub struct Resampler {
    df: DataFrame,
    keys: Vec<Expr>,
    on: String,
    bins: Bins,
    split_out: usize,
}

impl DataFrame {
    /// Bins the rows by the timestamp column `on` with pandas' `rule`
    /// ("90s", "15min", "h", "D", "W", "W-MON", "MS", "ME", "QS", "QE",
    /// "YS", "YE") and pandas' defaults for `closed` and `label`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a rule rusk does not read.
    pub fn resample(&self, rule: &str, on: &str) -> Result<Resampler> {
        Resampler::new(self.clone(), vec![], rule, on)
    }
}

impl super::GroupBy {
    /// Bins each group's rows by the timestamp column `on` (see
    /// [`DataFrame::resample`]): `groupby(keys).resample(rule, on=on)`.
    ///
    /// # Errors
    /// As [`DataFrame::resample`].
    pub fn resample(&self, rule: &str, on: &str) -> Result<Resampler> {
        Resampler::new(self.frame().clone(), self.keys().to_vec(), rule, on)
    }
}

impl Resampler {
    fn new(df: DataFrame, keys: Vec<Expr>, rule: &str, on: &str) -> Result<Self> {
        df.col(on)?;
        Ok(Resampler { df, keys, on: on.to_string(), bins: Bins::new(Freq::parse(rule)?), split_out: 1 })
    }

    /// The result in `n` partitions (Dask's `split_out`), for many groups
    /// times many bins: the partial states are shuffled by ranges of the
    /// group keys, each partition merging and filling whole groups, in
    /// key order. Without group keys the result stays one partition.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for zero.
    pub fn split_out(mut self, n: usize) -> Result<Self> {
        if n == 0 {
            return Err(Error::InvalidArgument("split_out must be at least 1".into()));
        }
        self.split_out = n;
        Ok(self)
    }

    /// Which edge of a bin belongs to it: `"left"` or `"right"`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for another side.
    pub fn closed(mut self, side: &str) -> Result<Self> {
        self.bins.closed_right = right(side, "closed")?;
        Ok(self)
    }

    /// Which edge names a bin: `"left"` or `"right"`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for another side.
    pub fn label(mut self, side: &str) -> Result<Self> {
        self.bins.label_right = right(side, "label")?;
        Ok(self)
    }

    /// Where fixed-frequency bins count from: `"start_day"` (the default:
    /// midnight of each group's first day), `"start"` (each group's first
    /// time) or `"epoch"`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for another origin.
    pub fn origin(mut self, origin: &str) -> Result<Self> {
        self.bins.origin = match origin {
            "start_day" => Origin::StartDay,
            "start" => Origin::Start,
            "epoch" => Origin::Epoch,
            other => {
                return Err(Error::InvalidArgument(format!(
                    "resample origin {other:?}: rusk takes 'start_day', 'start' or 'epoch'"
                )))
            }
        };
        Ok(self)
    }

    /// Shifts the bins by a fixed length ("2min", "1h").
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a malformed length; [`Resampler::agg`]
    /// refuses an offset on a calendar rule.
    pub fn offset(mut self, offset: &str) -> Result<Self> {
        self.bins.offset = match Freq::parse(offset)?.fixed_nanos() {
            Some(nanos) => nanos,
            None => {
                return Err(Error::InvalidArgument(format!(
                    "resample offset {offset:?} is not a fixed length"
                )))
            }
        };
        Ok(self)
    }

    /// Named aggregations, as [`super::GroupBy::agg`]. The result has the
    /// group keys, the bin (named as `on`, labelled as `label` says), then
    /// one column per aggregation; groups sorted by key, bins in order,
    /// and every empty bin inside a group's span present (0 for counts and
    /// sums, null for the rest). Rows whose key or time is null are left
    /// out, as pandas does.
    ///
    /// # Errors
    /// As [`super::GroupBy::agg`]; [`Error::Type`] when `on` is not a
    /// datetime column. A zoned column bins in its local time, as pandas
    /// (see `rusk_ops::time::Bins`); the bin column keeps the zone.
    pub fn agg<I, S>(&self, aggs: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = (S, Expr)>,
        S: Into<String>,
    {
        self.bins.check()?;
        // pandas takes a bin's rows in time order: its first and last are
        // by time, not by row.
        let on = Expr::Column(self.on.clone());
        let aggs: Vec<(String, Expr)> = aggs
            .into_iter()
            .map(|(name, expr)| {
                let by_time = expr.transform_up(&mut |e| match e {
                    Expr::Aggregate { func: AggregateFunction::First, mut args } => {
                        args.push(on.clone());
                        Expr::Aggregate { func: AggregateFunction::FirstBy, args }
                    }
                    Expr::Aggregate { func: AggregateFunction::Last, mut args } => {
                        args.push(on.clone());
                        Expr::Aggregate { func: AggregateFunction::LastBy, args }
                    }
                    other => other,
                });
                (name.into(), by_time)
            })
            .collect();
        let (df, bin_args) = self.with_firsts()?;
        let bin = Expr::Function {
            func: ScalarFunction::TimeBin { bins: self.bins, by_first: bin_args.len() == 2 },
            args: bin_args,
        };
        let mut keys = self.keys.clone();
        keys.push(Expr::Alias { expr: Box::new(bin), name: self.on.clone() });
        let options = GroupOptions { sort: true, dropna: true };
        let grouped = aggregate(&df, keys, aggs, options, None, SplitOut::Given(self.split_out))?;
        let plan = match grouped.plan().as_ref() {
            LogicalPlan::Aggregate(a) => LogicalPlan::Aggregate(a.clone().with_fill_bins(self.bins)?),
            LogicalPlan::Project(p) => match p.input.as_ref() {
                LogicalPlan::Aggregate(a) => {
                    let filled = LogicalPlan::Aggregate(a.clone().with_fill_bins(self.bins)?);
                    LogicalPlan::Project(Project::try_new(Arc::new(filled), p.exprs.clone())?)
                }
                _ => return Err(Error::Internal("a resample's aggregate under its projection".into())),
            },
            _ => return Err(Error::Internal("a resample's plan is an aggregate".into())),
        };
        Ok(DataFrame::from_plan(plan))
    }
}

impl Resampler {
    /// The frame to bin, and the bin's arguments: `on`, and where the bins
    /// count from each group's first time (see `Bins::needs_first`), a
    /// column holding it. That column comes from a groupby of the frame
    /// broadcast back to its rows (`transform`), so the frame is read
    /// twice and nothing is gathered.
    fn with_firsts(&self) -> Result<(DataFrame, Vec<Expr>)> {
        let on = Expr::Column(self.on.clone());
        let schema = self.df.schema();
        let on_type = on.data_type(&schema)?;
        if !self.bins.needs_first(&on_type)? {
            return Ok((self.df.clone(), vec![on]));
        }
        let name = fresh_name("first", |n| schema.index_of(n).is_ok());
        let groups = super::GroupBy::new(self.df.clone(), self.keys.clone())?;
        let framed = groups.transform([(name.clone(), on.clone().min())])?;
        Ok((framed, vec![on, Expr::Column(name)]))
    }

    /// pandas' `ohlc()` of each column: its first, largest, smallest and
    /// last value in each bin (by time), as `{column}_open`, `_high`,
    /// `_low`, `_close`.
    ///
    /// # Errors
    /// As [`Resampler::agg`].
    pub fn ohlc(&self, columns: &[&str]) -> Result<DataFrame> {
        self.agg(columns.iter().flat_map(|c| ohlc(c)))
    }
}

/// The four aggregations of pandas' `ohlc()` of `column`, named
/// `{column}_open`, `_high`, `_low`, `_close` (first, max, min, last; in a
/// resample, first and last by time). The CLI's `--agg v:ohlc`.
pub fn ohlc(column: &str) -> [(String, Expr); 4] {
    let v = || Expr::Column(column.to_string());
    [
        (format!("{column}_open"), v().first()),
        (format!("{column}_high"), v().max()),
        (format!("{column}_low"), v().min()),
        (format!("{column}_close"), v().last()),
    ]
}

fn right(side: &str, what: &str) -> Result<bool> {
    match side {
        "left" => Ok(false),
        "right" => Ok(true),
        other => Err(Error::InvalidArgument(format!("resample {what} {other:?}: use 'left' or 'right'"))),
    }
}
