//! `set_index`: sorted input passes through; otherwise a range shuffle by
//! boundaries fixed when the node was built, then a sort of each bucket.
//!
//! ```text
//! sorted:    input ×P ─▶ (kept partitions only, index column moved first)
//! shuffled:  input ×P ─▶ range_split ×P ─▶ concat+sort ×kept
//!            divisions ×1 (the boundaries, in memory) ─┘
//! ```
//!
//! The boundaries are data in the plan (they define the divisions), so no
//! task samples the keys again. Partitions pruned by `prune_by_divisions`
//! get no task: for sorted input their reads never run (`lower` drops the
//! tasks no output needs); for a shuffle every input is still read and
//! split, but only the kept buckets are sorted.

use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use super::elementwise::fuse;
use super::shuffle::split_by_boundaries;
use super::{lower_node, Lowered};
use crate::graph::{ElementOp, MemoryBatch, TaskGraph, TaskOp};
use crate::plan::SetIndex;

pub(crate) fn lower_set_index(node: &SetIndex, graph: &mut TaskGraph) -> Result<Lowered> {
    let input = lower_node(&node.input, graph)?;
    let kept = node.kept_partitions();
    let schema = node.input.schema();
    let first = schema.fields().first().map(|f| f.name().as_str());
    let reorder = (first != Some(node.column.as_str())).then(|| {
        ElementOp::Project(node.schema().fields().iter().map(|f| Expr::Column(f.name().clone())).collect())
    });
    let parts = node.divisions.len();
    let lowered = if node.sorted {
        if input.tasks.len() != parts {
            return Err(Error::Internal(format!(
                "set_index: {} partitions but divisions for {parts} (a bug in rusk)",
                input.tasks.len()
            )));
        }
        let tasks = kept.iter().filter_map(|&i| input.tasks.get(i).copied()).collect();
        Lowered { tasks, stage: input.stage }
    } else {
        let key = vec![node.key()];
        let (tasks, stage) = match node.boundaries.as_ref().filter(|b| b.num_rows() > 0) {
            Some(boundaries) => {
                let stage = graph.add_stage("divisions");
                graph.stages[stage].detail =
                    Some(format!("{} boundaries, drawn by set_index", boundaries.num_rows()));
                let bt = graph.add_task(stage, 0, TaskOp::Memory(MemoryBatch(boundaries.clone())), vec![]);
                let splits = split_by_boundaries(graph, &input.tasks, key.clone(), parts, bt);
                let stage = graph.add_stage("concat+sort");
                graph.stages[stage].detail = Some("index partition j: bucket j of every split".into());
                let tasks = kept
                    .iter()
                    .map(|&j| {
                        graph.add_bucket_task(
                            stage,
                            j,
                            TaskOp::Concat { schema: schema.clone() },
                            splits.clone(),
                        )
                    })
                    .collect();
                (tasks, stage)
            }
            None => {
                let stage = graph.add_stage("sort");
                let tasks = if kept.is_empty() {
                    vec![]
                } else {
                    vec![graph.add_task(stage, 0, TaskOp::Concat { schema: schema.clone() }, input.tasks)]
                };
                (tasks, stage)
            }
        };
        for &id in &tasks {
            graph.tasks[id].pipeline.push(ElementOp::Sort(key.clone()));
        }
        Lowered { tasks, stage }
    };
    Ok(match reorder {
        Some(op) => fuse(graph, lowered, op),
        None => lowered,
    })
}
