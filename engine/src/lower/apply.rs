//! `groupby(keys).apply(f)`: shuffle the rows by key so that every group is
//! whole in one task, then call `f` on each group there.
//!
//! ```text
//! sorted:   scan ×8 ─▶ range_sample ×8 ─▶ range_boundaries ×1 ─▶ range_split ×8 ─▶ concat+group_apply ×8
//! unsorted: scan ×8 ─▶ hash_split ×8 ─▶ concat+group_apply ×8
//! ```
//!
//! Unlike an aggregate, nothing is reduced before the shuffle: every row
//! moves, and a task holds whole groups, so one huge group is one task's
//! memory. That is the price of an arbitrary function.

use rusk_ops::sort::SortKey;
use rusk_ops::Result;

use super::shuffle::{receive, split_by_hash, split_by_range};
use super::{lower_node, Lowered};
use crate::graph::{ElementOp, TaskGraph, TaskOp};
use crate::plan::GroupApply;

pub(crate) fn lower_group_apply(apply: &GroupApply, graph: &mut TaskGraph) -> Result<Lowered> {
    let input = lower_node(&apply.input, graph)?;
    let schema = apply.input.schema();
    let n = apply.partitions;
    let step = ElementOp::GroupApply {
        keys: apply.keys.clone(),
        func: apply.func.clone(),
        options: apply.options,
        prepended: apply.prepended.clone(),
        schema: std::sync::Arc::clone(&apply.schema),
    };
    if n == 1 {
        let stage = graph.add_stage("concat+group_apply");
        let id = graph.add_task(stage, 0, TaskOp::Concat { schema }, input.tasks);
        graph.tasks[id].pipeline.push(step);
        return Ok(Lowered { tasks: vec![id], stage });
    }
    let splits = if apply.options.sort {
        split_by_range(graph, &input.tasks, apply.keys.iter().map(SortKey::new).collect(), n)
    } else {
        split_by_hash(graph, &input.tasks, apply.keys.clone(), n)
    };
    let detail = format!("bucket j of every split, {}", apply.func.name);
    let (tasks, stage) = receive(graph, "concat+group_apply", detail, &splits, n, || TaskOp::Concat {
        schema: schema.clone(),
    });
    for &id in &tasks {
        graph.tasks[id].pipeline.push(step.clone());
    }
    Ok(Lowered { tasks, stage })
}
