//! `head(n)` / `limit(n)`: the first n rows of each partition, then the
//! first n of their concatenation, in partition order.
//!
//! Computing only the partitions needed is the executor's job
//! (`execute::run_limit`): this lowering is the general graph, used when the
//! limit is not at the top of the plan.

use rusk_ops::Result;

use super::{elementwise, lower_node, Lowered};
use crate::graph::{ElementOp, TaskGraph, TaskOp};
use crate::plan::Limit;

pub(crate) fn lower_limit(limit: &Limit, graph: &mut TaskGraph) -> Result<Lowered> {
    let input = lower_node(&limit.input, graph)?;
    let input = elementwise::fuse(graph, input, ElementOp::Head(limit.n));
    let stage = graph.add_stage("limit");
    let id = graph.add_task(stage, 0, TaskOp::Concat { schema: limit.input.schema() }, input.tasks);
    graph.tasks[id].pipeline.push(ElementOp::Head(limit.n));
    Ok(Lowered { tasks: vec![id], stage })
}
