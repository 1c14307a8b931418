//! The logical plan: what the user asked for, as a tree of nodes.
//!
//! Each node knows its schema when it is built, so `df.select(["nope"])`
//! fails at once, as pandas users expect. Nodes are immutable and shared
//! behind `Arc`; rules rewrite a plan by building new nodes.

mod aggregate;
pub mod align;
mod apply;
mod asof;
mod concat;
mod dedup;
pub mod estimate;
mod index;
mod join;
mod nodes;
mod sort;
#[cfg(test)]
pub(crate) mod test_util;
mod top_n;
mod transform;
mod window;

pub use crate::udf::PartitionFn;
pub use aggregate::{Aggregate, GroupEstimate, SplitOut};
pub use apply::GroupApply;
pub use asof::AsofJoin;
pub use concat::Concat;
pub use dedup::{Dedup, DedupMode};
pub use index::{may_match, Divisions, IndexInfo, SetIndex};
pub use join::{Chosen, Join, JoinStrategy, Side};
pub use nodes::{Filter, InMemory, Limit, MapPartitions, Project, Repartition, Scan};
pub use sort::Sort;
pub use top_n::TopN;
pub use transform::Transform;
pub use window::Window;

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use rusk_ops::Result;

/// A node of the logical plan.
#[derive(Debug, Clone)]
pub enum LogicalPlan {
    /// Files read through a `rusk_io::Dataset`.
    Scan(Scan),
    /// Batches already in memory, one per partition.
    InMemory(InMemory),
    /// Keeps the rows where a predicate is true.
    Filter(Filter),
    /// Computes the output columns from expressions (select, assign, drop, rename).
    Project(Project),
    /// The first `n` rows, in partition order.
    Limit(Limit),
    /// Regroups rows into another number of partitions, keeping their order.
    Repartition(Repartition),
    /// A user function applied to every partition.
    MapPartitions(MapPartitions),
    /// Groupby + aggregation, or a whole-frame reduction.
    Aggregate(Aggregate),
    /// Per-group `nlargest` / `nsmallest` / `head`.
    TopN(TopN),
    /// A groupby's aggregates broadcast back to the rows.
    Transform(Transform),
    /// The rows in the order of key columns (`sort_values`).
    Sort(Sort),
    /// A user function over each group (`groupby(..).apply`).
    GroupApply(GroupApply),
    /// Two frames' rows paired by equal keys (`merge`).
    Join(Join),
    /// Each left row with its nearest right row (`merge_asof`).
    AsofJoin(AsofJoin),
    /// Frames stacked vertically (`rusk::concat`).
    Concat(Concat),
    /// `drop_duplicates` / `duplicated` (reads its input twice).
    Dedup(Dedup),
    /// A column marked as the index, with its divisions (`set_index`).
    SetIndex(SetIndex),
    /// Frame-order methods as new columns (`cumsum`, `shift`, `diff`, ...).
    Window(Window),
}

impl LogicalPlan {
    /// The schema of the node's output.
    pub fn schema(&self) -> SchemaRef {
        match self {
            LogicalPlan::Scan(n) => n.schema(),
            LogicalPlan::InMemory(n) => n.schema(),
            LogicalPlan::Filter(n) => n.input.schema(),
            LogicalPlan::Project(n) => Arc::clone(&n.schema),
            LogicalPlan::Limit(n) => n.input.schema(),
            LogicalPlan::Repartition(n) => n.input.schema(),
            LogicalPlan::MapPartitions(n) => Arc::clone(&n.schema),
            LogicalPlan::Aggregate(n) => Arc::clone(&n.schema),
            LogicalPlan::TopN(n) => Arc::clone(&n.schema),
            LogicalPlan::Transform(n) => Arc::clone(&n.schema),
            LogicalPlan::Sort(n) => n.input.schema(),
            LogicalPlan::GroupApply(n) => Arc::clone(&n.schema),
            LogicalPlan::Join(n) => Arc::clone(&n.schema),
            LogicalPlan::AsofJoin(n) => Arc::clone(&n.schema),
            LogicalPlan::Concat(n) => Arc::clone(&n.schema),
            LogicalPlan::Dedup(n) => Arc::clone(&n.schema),
            LogicalPlan::SetIndex(n) => n.schema(),
            LogicalPlan::Window(n) => Arc::clone(&n.schema),
        }
    }

    /// Whether the plan calls a user function (`map_partitions`,
    /// `from_delayed`) anywhere: code with effects the engine cannot see,
    /// which it must not run more often than the plan says.
    pub fn calls_user_function(&self) -> bool {
        matches!(self, LogicalPlan::MapPartitions(_)) || self.inputs().iter().any(|i| i.calls_user_function())
    }

    /// The node's inputs.
    pub fn inputs(&self) -> Vec<&Arc<LogicalPlan>> {
        match self {
            LogicalPlan::Scan(_) | LogicalPlan::InMemory(_) => vec![],
            LogicalPlan::Filter(n) => vec![&n.input],
            LogicalPlan::Project(n) => vec![&n.input],
            LogicalPlan::Limit(n) => vec![&n.input],
            LogicalPlan::Repartition(n) => vec![&n.input],
            LogicalPlan::MapPartitions(n) => vec![&n.input],
            LogicalPlan::Aggregate(n) => vec![&n.input],
            LogicalPlan::TopN(n) => vec![&n.input],
            LogicalPlan::Transform(n) => vec![&n.input, &n.aggregated],
            LogicalPlan::Sort(n) => vec![&n.input],
            LogicalPlan::GroupApply(n) => vec![&n.input],
            LogicalPlan::Join(n) => vec![&n.left, &n.right],
            LogicalPlan::AsofJoin(n) => vec![&n.left, &n.right],
            LogicalPlan::Concat(n) => n.inputs.iter().collect(),
            LogicalPlan::Dedup(n) => vec![&n.input, &n.keys],
            LogicalPlan::SetIndex(n) => vec![&n.input],
            LogicalPlan::Window(n) => std::iter::once(&n.input).chain(&n.args).collect(),
        }
    }

    /// The same node over new inputs (one per input, in order).
    ///
    /// # Errors
    /// When the new inputs' schemas don't fit the node (a rule's bug).
    pub fn with_new_inputs(&self, inputs: Vec<Arc<LogicalPlan>>) -> Result<LogicalPlan> {
        let mut inputs = inputs.into_iter();
        let mut next = || {
            inputs.next().ok_or_else(|| rusk_ops::Error::Internal("with_new_inputs: too few inputs".into()))
        };
        Ok(match self {
            LogicalPlan::Scan(_) | LogicalPlan::InMemory(_) => self.clone(),
            LogicalPlan::Filter(n) => LogicalPlan::Filter(Filter::try_new(next()?, n.predicate.clone())?),
            LogicalPlan::Project(n) => LogicalPlan::Project(Project::try_new(next()?, n.exprs.clone())?),
            LogicalPlan::Limit(n) => LogicalPlan::Limit(Limit { input: next()?, n: n.n }),
            LogicalPlan::Repartition(n) => {
                LogicalPlan::Repartition(Repartition { input: next()?, npartitions: n.npartitions })
            }
            LogicalPlan::MapPartitions(n) => LogicalPlan::MapPartitions(MapPartitions {
                input: next()?,
                func: n.func.clone(),
                schema: Arc::clone(&n.schema),
            }),
            LogicalPlan::Aggregate(n) => LogicalPlan::Aggregate(n.with_input(next()?)?),
            LogicalPlan::TopN(n) => LogicalPlan::TopN(n.with_input(next()?)?),
            LogicalPlan::Transform(n) => {
                LogicalPlan::Transform(Transform::try_new(next()?, next()?, n.keys.clone())?)
            }
            LogicalPlan::Sort(n) => LogicalPlan::Sort(n.with_input(next()?)?),
            LogicalPlan::GroupApply(n) => LogicalPlan::GroupApply(n.with_input(next()?)?),
            LogicalPlan::Join(n) => LogicalPlan::Join(n.with_inputs(next()?, next()?)?),
            LogicalPlan::AsofJoin(n) => LogicalPlan::AsofJoin(n.with_inputs(next()?, next()?)?),
            LogicalPlan::Concat(n) => LogicalPlan::Concat(
                n.with_inputs((0..n.inputs.len()).map(|_| next()).collect::<Result<_>>()?)?,
            ),
            LogicalPlan::Dedup(n) => LogicalPlan::Dedup(n.with_new_inputs(next()?, next()?)?),
            LogicalPlan::SetIndex(n) => LogicalPlan::SetIndex(n.with_input(next()?)?),
            LogicalPlan::Window(n) => {
                let input = next()?;
                let args = if n.args.is_some() { Some(next()?) } else { None };
                LogicalPlan::Window(n.with_new_inputs(input, args)?)
            }
        })
    }

    /// The number of partitions the node's output will have.
    pub fn npartitions(&self) -> usize {
        match self {
            LogicalPlan::Scan(n) => n.npartitions(),
            LogicalPlan::InMemory(n) => n.batches.len(),
            LogicalPlan::Filter(n) => n.input.npartitions(),
            LogicalPlan::Project(n) => n.input.npartitions(),
            LogicalPlan::Limit(_) => 1,
            LogicalPlan::Repartition(n) => n.npartitions,
            LogicalPlan::MapPartitions(n) => n.input.npartitions(),
            LogicalPlan::Aggregate(n) => n.split_out.partitions().unwrap_or(1),
            LogicalPlan::TopN(_) => 1,
            LogicalPlan::Transform(n) => n.input.npartitions(),
            // One range of keys per input partition (see `lower::sort`).
            LogicalPlan::Sort(n) => n.ranges.unwrap_or_else(|| n.input.npartitions()).max(1),
            LogicalPlan::GroupApply(n) => n.partitions,
            LogicalPlan::Join(n) => n.npartitions(),
            LogicalPlan::AsofJoin(n) => n.left.npartitions(),
            LogicalPlan::Concat(n) => n.inputs.iter().map(|i| i.npartitions()).sum(),
            LogicalPlan::Dedup(n) => n.input.npartitions(),
            LogicalPlan::SetIndex(n) => n.npartitions(),
            LogicalPlan::Window(n) => n.input.npartitions(),
        }
    }

    /// True when output partition `i` depends only on input partition `i` of
    /// every source below, so partitions can be computed one at a time
    /// (what lets `head` stop early).
    pub fn is_partition_local(&self) -> bool {
        match self {
            LogicalPlan::Scan(_) | LogicalPlan::InMemory(_) => true,
            LogicalPlan::Filter(_) | LogicalPlan::Project(_) | LogicalPlan::MapPartitions(_) => {
                self.inputs().iter().all(|i| i.is_partition_local())
            }
            LogicalPlan::Limit(_) | LogicalPlan::Repartition(_) | LogicalPlan::Aggregate(_) => false,
            // A row's group aggregate depends on every partition.
            LogicalPlan::TopN(_) | LogicalPlan::Transform(_) => false,
            // Every output row may come from any partition.
            LogicalPlan::Sort(_) => false,
            LogicalPlan::GroupApply(_) => false,
            // Every row needs the whole other side.
            LogicalPlan::Join(_) | LogicalPlan::AsofJoin(_) => false,
            // Output partition i is some input's partition, not input i.
            LogicalPlan::Concat(_) => false,
            // A row's flag depends on the rows of every partition.
            LogicalPlan::Dedup(_) => false,
            // Sorted and unpruned, it keeps its input's partitions.
            LogicalPlan::SetIndex(n) => n.sorted && n.kept.is_none() && n.input.is_partition_local(),
            // A row's value depends on the rows before it, in every partition.
            LogicalPlan::Window(_) => false,
        }
    }
}

/// Same names and types in the same order (nullability may tighten).
pub(crate) fn same_columns(a: &arrow::datatypes::Schema, b: &arrow::datatypes::Schema) -> bool {
    a.fields().len() == b.fields().len()
        && a.fields()
            .iter()
            .zip(b.fields())
            .all(|(x, y)| x.name() == y.name() && x.data_type() == y.data_type())
}
