//! `groupby(k).transform(...)`: the groupby, then every partition of the
//! frame looks its rows' groups up in the groupby's one-partition result.
//!
//! ```text
//! scan+partial_agg ×8 ─▶ merge_agg+finish_agg ×1 ─┐
//! scan ×8 ────────────────────────────────────────┴▶ broadcast ×8
//! ```
//!
//! The frame is lowered twice, so it is read twice (once for the groupby,
//! once for the rows), as Dask's `transform` does. The groupby is lowered
//! first so that its scans get the lower task ids: the scheduler runs them
//! first, and the second reads flow straight into their broadcasts instead
//! of waiting in memory for the groupby.

use rusk_ops::Result;

use super::{lower_node, Lowered};
use crate::graph::{TaskGraph, TaskOp};
use crate::plan::Transform;

pub(crate) fn lower_transform(node: &Transform, graph: &mut TaskGraph) -> Result<Lowered> {
    let groups = lower_node(&node.aggregated, graph)?;
    let groups = match groups.tasks.as_slice() {
        [one] => *one,
        // A groupby of several partitions (split_out): every row may need
        // any group, so they are gathered in one batch.
        many => {
            let stage = graph.add_stage("concat groups");
            let op = TaskOp::Concat { schema: node.aggregated.schema() };
            graph.add_task(stage, 0, op, many.to_vec())
        }
    };
    let input = lower_node(&node.input, graph)?;
    let stage = graph.add_stage("broadcast");
    graph.stages[stage].detail =
        Some(format!("each row's group from the groupby: {}", node.names().join(", ")));
    let tasks = input
        .tasks
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            graph.add_task(stage, i, TaskOp::Broadcast { keys: node.keys.clone() }, vec![t, groups])
        })
        .collect();
    Ok(Lowered { tasks, stage })
}
