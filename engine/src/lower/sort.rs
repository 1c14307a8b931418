//! `sort_values`: a range shuffle, then a stable sort of each bucket.
//!
//! ```text
//! scan ×8 ─▶ range_sample ×8 ─▶ range_boundaries ×1 ─▶ range_split ×8 ─▶ concat+sort ×8
//! ```
//!
//! Boundaries drawn from a sample of every partition's keys cut the key
//! space into as many ranges as the input has partitions (or as a memory
//! budget asked for: `Sort::ranges`); each partition
//! sends each range's rows to that range's task, which sorts them. The
//! partitions of the result, in order, are the sorted frame, and no task
//! holds more than about one partition's worth of rows (more when a key
//! repeats a lot: equal keys never straddle two ranges). A receiver reads
//! its bucket of every split in partition order and splits keep row order,
//! so the stable sort keeps ties in the frame's row order, as pandas'
//! `kind="stable"`. One input partition sorts in one task, no shuffle.

use rusk_ops::Result;

use super::shuffle::{receive, split_by_range};
use super::{lower_node, Lowered};
use crate::graph::{ElementOp, TaskGraph, TaskOp};
use crate::plan::Sort;

pub(crate) fn lower_sort(sort: &Sort, graph: &mut TaskGraph) -> Result<Lowered> {
    let input = lower_node(&sort.input, graph)?;
    let schema = sort.input.schema();
    let n = sort.ranges.unwrap_or(input.tasks.len());
    if n <= 1 {
        // With no input task (every partition pruned) the concat is an empty batch.
        let stage = graph.add_stage("sort");
        let id = graph.add_task(stage, 0, TaskOp::Concat { schema }, input.tasks);
        graph.tasks[id].pipeline.push(ElementOp::Sort(sort.keys.clone()));
        return Ok(Lowered { tasks: vec![id], stage });
    }
    let splits = split_by_range(graph, &input.tasks, sort.keys.clone(), n);
    let (tasks, stage) = receive(graph, "concat+sort", "bucket j of every split".into(), &splits, n, || {
        TaskOp::Concat { schema: schema.clone() }
    });
    for &id in &tasks {
        graph.tasks[id].pipeline.push(ElementOp::Sort(sort.keys.clone()));
    }
    Ok(Lowered { tasks, stage })
}
