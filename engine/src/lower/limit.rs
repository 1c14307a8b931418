//! `head(n)` / `limit(n)`: the first n rows of each partition, then the
//! first n of their concatenation, in partition order.
//!
//! Computing only the partitions needed is the executor's job
//! (`execute::run_limit`): this lowering is the general graph, used when the
//! limit is not at the top of the plan.
//!
//! A limit of a sort is a top-k: each partition keeps the first n rows of
//! its own stable sort, and one task the first n of theirs, concatenated in
//! partition order. No shuffle, and no row after the n-th is ordered:
//!
//! ```text
//! scan+sort_head ×P ─▶ concat+sort_head ×1
//! ```
//!
//! The global first n are among the partitions' first n, and the last
//! sort's ties keep partition order, then each partition's: the stable
//! sort's first n rows exactly. A partition that is a plain file scan
//! picks its n rows inside the read (`FileScan::top`): Parquet decodes the
//! key columns, then the other columns for those n rows alone. The scans
//! share their bounds so far (`TopBounds`), so that Parquet skips the row
//! groups whose statistics prove no winner is in them.

use std::sync::Arc;

use rusk_io::scan::{SharedBound, TopBounds, TopRows};
use rusk_ops::Result;

use super::{elementwise, lower_node, Lowered};

use crate::graph::{ElementOp, TaskGraph, TaskId, TaskOp};
use crate::plan::{Limit, LogicalPlan};

pub(crate) fn lower_limit(limit: &Limit, graph: &mut TaskGraph) -> Result<Lowered> {
    if let LogicalPlan::Sort(sort) = limit.input.as_ref() {
        let head = ElementOp::SortHead { keys: sort.keys.clone(), n: limit.n };
        let input = lower_node(&sort.input, graph)?;
        let bounds = Arc::new(TopBounds::new(input.tasks.len()));
        for (partition, &id) in input.tasks.iter().enumerate() {
            let shared = SharedBound { bounds: Arc::clone(&bounds), partition };
            choose_in_scan(graph, id, TopRows { keys: sort.keys.clone(), n: limit.n, shared: Some(shared) });
        }
        let input = elementwise::fuse(graph, input, head.clone());
        let stage = graph.add_stage("sort_head");
        let id = graph.add_task(stage, 0, TaskOp::Concat { schema: sort.input.schema() }, input.tasks);
        graph.tasks[id].pipeline.push(head);
        return Ok(Lowered { tasks: vec![id], stage });
    }
    let input = lower_node(&limit.input, graph)?;
    let input = elementwise::fuse(graph, input, ElementOp::Head(limit.n));
    let stage = graph.add_stage("limit");
    let id = graph.add_task(stage, 0, TaskOp::Concat { schema: limit.input.schema() }, input.tasks);
    graph.tasks[id].pipeline.push(ElementOp::Head(limit.n));
    Ok(Lowered { tasks: vec![id], stage })
}

/// Makes task `id`, when it is a plain scan (no filter, no steps after it)
/// that reads every key, keep only its `top` rows itself.
fn choose_in_scan(graph: &mut TaskGraph, id: TaskId, top: TopRows) {
    let task = &mut graph.tasks[id];
    if !task.pipeline.is_empty() {
        return;
    }
    if let TaskOp::Scan(scan) = &mut task.op {
        if scan.filter.is_none() && top.keys.iter().all(|k| scan.columns.contains(&k.column)) {
            scan.top = Some(top);
        }
    }
}
