//! A partition-aligned join of two indexes (see `plan::align`).
//!
//! ```text
//! left ×L ──(one range: as is; several: range_split + pick ×ranges)──┐
//! right ×R ─(likewise)───────────────────────────────────────────────┴▶ hash_join ×ranges
//! ```
//!
//! Each range's join reads the left pieces then the right pieces that
//! reach it, in partition order. No row moves but to its range's join.

use std::collections::BTreeMap;

use rusk_ops::{Error, Result};

use super::{lower_node, Lowered};
use crate::graph::{MemoryBatch, TaskGraph, TaskId, TaskOp};
use crate::plan::align::AlignedLayout;
use crate::plan::{Join, LogicalPlan};

pub(crate) fn lower_aligned_join(join: &Join, graph: &mut TaskGraph) -> Result<Lowered> {
    let layout = join
        .aligned_layout()
        .ok_or_else(|| Error::Internal("an aligned join without an aligned layout (a bug in rusk)".into()))?;
    let left = pieces(graph, &join.left, &layout, &layout.left, "left")?;
    let right = pieces(graph, &join.right, &layout, &layout.right, "right")?;
    let stage = graph.add_stage("hash_join");
    graph.stages[stage].detail = Some(format!(
        "aligned on the index: {} key ranges from the divisions of both sides",
        layout.outputs.len()
    ));
    let tasks = layout
        .outputs
        .iter()
        .map(|r| {
            let l = left.get(r).cloned().unwrap_or_default();
            let rt = right.get(r).cloned().unwrap_or_default();
            let op = TaskOp::HashJoin {
                spec: join.spec.clone(),
                left_inputs: l.len(),
                left_schema: join.left.schema(),
                right_schema: join.right.schema(),
            };
            let mut inputs = l;
            inputs.extend(rt);
            graph.add_task(stage, *r, op, inputs)
        })
        .collect();
    Ok(Lowered { tasks, stage })
}

/// One side's tasks by the range they feed: a partition reaching one range
/// as is, one reaching several cut by the layout's boundaries.
fn pieces(
    graph: &mut TaskGraph,
    plan: &LogicalPlan,
    layout: &AlignedLayout,
    reach: &[Vec<usize>],
    side: &str,
) -> Result<BTreeMap<usize, Vec<TaskId>>> {
    let input = lower_node(plan, graph)?;
    if input.tasks.len() != reach.len() {
        return Err(Error::Internal(format!(
            "aligned join: the {side} side has {} partitions but divisions for {} (a bug in rusk)",
            input.tasks.len(),
            reach.len()
        )));
    }
    let index = plan.index().ok_or_else(|| {
        Error::Internal(format!("aligned join: the {side} side has no index (a bug in rusk)"))
    })?;
    let mut by_range: BTreeMap<usize, Vec<TaskId>> = BTreeMap::new();
    let mut cut: Option<(TaskId, usize, usize)> = None; // (boundaries task, split stage, pick stage)
    for (p, (&task, ranges)) in input.tasks.iter().zip(reach).enumerate() {
        match ranges.as_slice() {
            [] => {}
            [r] => by_range.entry(*r).or_default().push(task),
            many => {
                let (bt, split_stage, pick_stage) = match cut {
                    Some(c) => c,
                    None => {
                        let s = graph.add_stage(format!("{side} ranges"));
                        let b = layout.boundaries_batch(&index.column)?;
                        graph.stages[s].detail =
                            Some(format!("{} cuts from both sides' divisions", b.num_rows()));
                        let bt = graph.add_task(s, 0, TaskOp::Memory(MemoryBatch(b)), vec![]);
                        let split_stage = graph.add_stage(format!("{side} range_split"));
                        graph.stages[split_stage].detail =
                            Some("partitions that span several ranges, cut by key range".into());
                        let pick_stage = graph.add_stage(format!("{side} pick"));
                        let c = (bt, split_stage, pick_stage);
                        cut = Some(c);
                        c
                    }
                };
                let keys = vec![rusk_ops::sort::SortKey::new(index.column.clone())];
                let op = TaskOp::RangeSplit { keys, n: layout.buckets };
                let split = graph.add_task(split_stage, p, op, vec![task, bt]);
                for &r in many {
                    let pick = graph.add_bucket_task(
                        pick_stage,
                        r,
                        TaskOp::Concat { schema: plan.schema() },
                        vec![split],
                    );
                    by_range.entry(r).or_default().push(pick);
                }
            }
        }
    }
    Ok(by_range)
}
