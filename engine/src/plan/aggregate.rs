//! The aggregate node: groupby + agg, or a whole-frame reduction (no keys).

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use rusk_ops::aggregate::{output_nullable, AggregateSpec, GroupOptions};
use rusk_ops::expr::Expr;
use rusk_ops::time::Bins;
use rusk_ops::{Error, Result};

use super::LogicalPlan;

/// Groups rows by `keys` and computes `aggs` per group: the keys' columns,
/// then one column per aggregate, named `names`.
#[derive(Debug, Clone)]
pub struct Aggregate {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// The group keys (no keys: one group, the whole frame).
    pub keys: Vec<Expr>,
    /// The aggregates.
    pub aggs: Vec<AggregateSpec>,
    /// The aggregates' output names.
    pub names: Vec<String>,
    /// `sort` and `dropna`, as pandas' groupby.
    pub options: GroupOptions,
    /// Fan-in of the merge tree; `None` takes the config's.
    pub split_every: Option<usize>,
    /// How many partitions the result has (more than one: a shuffle).
    pub split_out: SplitOut,
    /// A resample: the last key is the time bin, and every empty bin
    /// inside each group's span gets a row (see [`Aggregate::with_fill_bins`]).
    pub fill_bins: Option<Bins>,
    /// The output schema.
    pub schema: SchemaRef,
}

impl Aggregate {
    /// Types the keys and aggregates over the input.
    ///
    /// # Errors
    /// Unknown columns, aggregates over types they don't take, duplicate
    /// output names, an aggregate used as a key.
    pub fn try_new(
        input: Arc<LogicalPlan>,
        keys: Vec<Expr>,
        aggs: Vec<AggregateSpec>,
        names: Vec<String>,
        options: GroupOptions,
        split_every: Option<usize>,
    ) -> Result<Self> {
        let in_schema = input.schema();
        let mut fields = Vec::with_capacity(keys.len() + aggs.len());
        for k in &keys {
            if k.has_aggregate() {
                return Err(Error::InvalidArgument(format!("a group key cannot be an aggregate: {k}")));
            }
            // Dictionary keys come out of the kernels decoded (one value per group).
            let data_type = match k.data_type(&in_schema)? {
                DataType::Dictionary(_, value) => *value,
                other => other,
            };
            fields.push(Field::new(k.output_name(), data_type, true));
        }
        if names.len() != aggs.len() {
            return Err(Error::Internal("one name per aggregate".into()));
        }
        for (spec, name) in aggs.iter().zip(&names) {
            let call = Expr::Aggregate { func: spec.func, args: spec.args.clone() };
            for arg in &spec.args {
                if arg.has_aggregate() {
                    return Err(Error::InvalidArgument(format!("aggregates cannot nest: {call}")));
                }
            }
            let data_type = call.data_type(&in_schema).map_err(|e| match e {
                Error::Type { message, location } => {
                    Error::Type { message: format!("{message} in `{call}`"), location }
                }
                other => other,
            })?;
            fields.push(Field::new(name, data_type, output_nullable(&spec.func)));
        }
        let mut seen = std::collections::HashSet::new();
        for f in &fields {
            if !seen.insert(f.name().clone()) {
                return Err(Error::InvalidArgument(format!("duplicate output column {:?}", f.name())));
            }
        }
        if split_every.is_some_and(|s| s < 2) {
            return Err(Error::InvalidArgument("split_every must be at least 2".into()));
        }
        Ok(Aggregate {
            input,
            keys,
            aggs,
            names,
            options,
            split_every,
            split_out: SplitOut::Auto,
            fill_bins: None,
            schema: Arc::new(Schema::new(fields)),
        })
    }

    /// The same node with `split_out`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for zero partitions.
    pub fn with_split_out(mut self, split_out: SplitOut) -> Result<Self> {
        if split_out.partitions() == Some(0) {
            return Err(Error::InvalidArgument("split_out must be at least 1".into()));
        }
        self.split_out = split_out;
        Ok(self)
    }

    /// The same node as a resample's: its last key is the time bin of
    /// `bins`, and the result gets a row for every empty bin inside each
    /// group's span, as pandas gives it. Filling needs each group's bins
    /// together and in order: with `split_out` above 1 the partial states
    /// are shuffled by key ranges of the group keys alone (not the bin), so
    /// each group lands whole in one partition; without group keys the one
    /// group is merged into one partition (a tree reduce).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a node without keys.
    pub fn with_fill_bins(mut self, bins: Bins) -> Result<Self> {
        if self.keys.is_empty() {
            return Err(Error::InvalidArgument("a resample groups by its time bin".into()));
        }
        self.fill_bins = Some(bins);
        if self.keys.len() == 1 {
            self.split_out = SplitOut::Given(1);
        }
        Ok(self)
    }

    /// What an empty bin reads in each aggregate column (by index in the
    /// output): 0 for counts and sums, 1 for products, null for the rest.
    pub fn empty_bin_fills(&self) -> Vec<(usize, i64)> {
        use rusk_ops::expr::AggregateFunction as F;
        let offset = self.keys.len();
        self.aggs
            .iter()
            .enumerate()
            .filter_map(|(i, spec)| match spec.func {
                F::Count | F::Size | F::Sum | F::Nunique | F::NuniqueApprox => Some((offset + i, 0)),
                F::Prod => Some((offset + i, 1)),
                _ => None,
            })
            .collect()
    }

    /// The same node over a new input.
    ///
    /// # Errors
    /// As [`Aggregate::try_new`].
    pub fn with_input(&self, input: Arc<LogicalPlan>) -> Result<Self> {
        Aggregate::try_new(
            input,
            self.keys.clone(),
            self.aggs.clone(),
            self.names.clone(),
            self.options,
            self.split_every,
        )?
        .with_split_out(self.split_out.clone())
        .map(|node| Aggregate { fill_bins: self.fill_bins, ..node })
    }
}

/// The number of partitions of a groupby's result, and who chose it.
///
/// One partition: partial states merge in a tree into one task. More: the
/// partial states are shuffled by key into that many buckets, each merged
/// and finished by its own task, so no task ever holds every group (by key
/// range when the result is sorted, so the partitions in order are sorted;
/// by key hash otherwise).
#[derive(Debug, Clone, PartialEq)]
pub enum SplitOut {
    /// Not given: the planner estimates the number of groups from a sample
    /// and chooses (one partition when it has not, e.g. before planning).
    Auto,
    /// Given by the user (`GroupBy::split_out`): always wins.
    Given(usize),
    /// Chosen by the planner.
    Chosen {
        /// The partitions.
        partitions: usize,
        /// What the choice rests on.
        estimate: GroupEstimate,
    },
}

impl SplitOut {
    /// The number of partitions, once known.
    pub fn partitions(&self) -> Option<usize> {
        match self {
            SplitOut::Auto => None,
            SplitOut::Given(n) => Some(*n),
            SplitOut::Chosen { partitions, .. } => Some(*partitions),
        }
    }
}

impl std::fmt::Display for SplitOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SplitOut::Auto => write!(f, "auto"),
            SplitOut::Given(n) => write!(f, "{n} (given)"),
            SplitOut::Chosen { partitions, estimate } => write!(f, "{partitions} (chosen: {estimate})"),
        }
    }
}

/// An estimate of a groupby's number of groups, from the groups of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupEstimate {
    /// The estimated number of groups of the whole input.
    pub groups: u64,
    /// Rows in the sample.
    pub sample_rows: u64,
    /// Groups in the sample.
    pub sample_groups: u64,
    /// Input partitions (the sample is the first one's).
    pub partitions: usize,
    /// About how many bytes one group's state takes (its keys as the
    /// sample held them, and 16 per aggregate): what a memory budget
    /// divides by to bound the groups of one output partition.
    pub bytes_per_group: u64,
}

impl std::fmt::Display for GroupEstimate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "~{} groups of ~{} bytes estimated from {} groups in {} sampled rows of partition 1 of {}",
            self.groups, self.bytes_per_group, self.sample_groups, self.sample_rows, self.partitions
        )
    }
}
