//! Lowering: the optimized logical plan becomes a task graph.
//!
//! Each node lowers in its own function to one stage of tasks, one per
//! partition. Row-wise nodes (filter, project, map_partitions, a per-partition
//! head) do not make stages of their own: they append a step to the pipeline
//! of the tasks below them, so `scan → filter → project` runs as one task per
//! partition that never materializes the intermediate batches.

mod aggregate;
mod align;
mod apply;
mod concat;
mod dedup;
mod elementwise;
mod index;
mod join;
mod limit;
mod reduce;
mod repartition;
mod shuffle;
mod sort;
mod source;
mod top_n;
mod transform;
mod window;
mod write;

pub use write::{lower_write, WriteLayout};

use crate::config::DEFAULT_SPLIT_EVERY;
use crate::graph::{ElementOp, StageId, TaskGraph, TaskId};
use crate::plan::LogicalPlan;
use rusk_ops::Result;

/// The tasks producing a lowered node's partitions, in partition order.
#[derive(Debug, Clone)]
pub(crate) struct Lowered {
    /// One task per output partition.
    pub tasks: Vec<TaskId>,
    /// Their stage.
    pub stage: StageId,
}

/// Lowers `plan` into a graph whose outputs are the plan's partitions.
///
/// # Errors
/// Errors of pruning scans (evaluating filters on statistics).
pub fn lower(plan: &LogicalPlan) -> Result<TaskGraph> {
    let mut graph = TaskGraph::default();
    let out = lower_node(plan, &mut graph)?;
    graph.outputs = out.tasks;
    // Partitions pruned by the index's divisions leave tasks no output needs.
    graph.retain_needed();
    checked(graph)
}

/// Debug builds (every test run) check that each graph they lower survives
/// serialization unchanged: the graph is the seam another scheduler takes
/// rusk's work through, so nothing may lower to an op that does not travel.
fn checked(graph: TaskGraph) -> Result<TaskGraph> {
    if cfg!(debug_assertions) {
        graph.check_round_trip()?;
    }
    Ok(graph)
}

/// Lowers one node (and, recursively, its inputs) into `graph`.
pub(crate) fn lower_node(plan: &LogicalPlan, graph: &mut TaskGraph) -> Result<Lowered> {
    match plan {
        LogicalPlan::Scan(scan) => source::lower_scan(scan, graph),
        LogicalPlan::InMemory(mem) => Ok(source::lower_in_memory(mem, graph)),
        LogicalPlan::Filter(f) => {
            let input = lower_node(&f.input, graph)?;
            Ok(elementwise::fuse(graph, input, ElementOp::Filter(f.predicate.clone())))
        }
        LogicalPlan::Project(p) => {
            let input = lower_node(&p.input, graph)?;
            Ok(elementwise::fuse(graph, input, ElementOp::Project(p.exprs.clone())))
        }
        LogicalPlan::MapPartitions(m) => {
            let input = lower_node(&m.input, graph)?;
            Ok(elementwise::fuse(graph, input, ElementOp::Map(m.func.clone())))
        }
        LogicalPlan::Limit(l) => limit::lower_limit(l, graph),
        LogicalPlan::Repartition(r) => repartition::lower_repartition(r, graph),
        LogicalPlan::Aggregate(a) => {
            aggregate::lower_aggregate(a, a.split_every.unwrap_or(DEFAULT_SPLIT_EVERY), graph)
        }
        LogicalPlan::TopN(t) => top_n::lower_top_n(t, t.split_every.unwrap_or(DEFAULT_SPLIT_EVERY), graph),
        LogicalPlan::Transform(t) => transform::lower_transform(t, graph),
        LogicalPlan::Sort(s) => sort::lower_sort(s, graph),
        LogicalPlan::GroupApply(a) => apply::lower_group_apply(a, graph),
        LogicalPlan::Join(j) => join::lower_join(j, graph),
        LogicalPlan::AsofJoin(j) => join::lower_asof_join(j, graph),
        LogicalPlan::Concat(c) => concat::lower_concat(c, graph),
        LogicalPlan::Dedup(d) => dedup::lower_dedup(d, graph),
        LogicalPlan::SetIndex(s) => index::lower_set_index(s, graph),
        LogicalPlan::Window(w) => window::lower_window(w, graph),
    }
}
