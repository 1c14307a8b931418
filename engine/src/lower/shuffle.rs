//! The two halves of a shuffle, shared by every node that moves rows
//! between partitions (groupby with `split_out`, `apply`, `sort_values`).
//!
//! ```text
//! by range: inputs ×P ─▶ range_sample ×P ─▶ range_boundaries ×1 ─▶ range_split ×P ─┐
//!           (each split also reads its input)                                     ├─▶ receiver j reads bucket j of every split, ×n
//! by hash:  inputs ×P ─▶ hash_split ×P ────────────────────────────────────────────┘
//! ```
//!
//! A receiver reads its bucket of the splits in partition order, and a split
//! keeps its rows in order, so rows with equal keys stay in input order.

use rusk_ops::sort::SortKey;

use crate::graph::{TaskGraph, TaskId, TaskOp};

/// Splits every input task's batch into `n` buckets by key range, from
/// boundaries drawn from all of them; the split tasks, in input order.
pub(crate) fn split_by_range(
    graph: &mut TaskGraph,
    inputs: &[TaskId],
    keys: Vec<SortKey>,
    n: usize,
) -> Vec<TaskId> {
    let stage = graph.add_stage("range_sample");
    graph.stages[stage].detail = Some("evenly spaced keys of each input".into());
    let of = inputs.len();
    let samples = inputs
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let op = TaskOp::RangeSample { keys: keys.clone(), n, inputs: of };
            graph.add_task(stage, i, op, vec![t])
        })
        .collect();
    let stage = graph.add_stage("range_boundaries");
    graph.stages[stage].detail = Some(format!("sampled keys → ≤{} boundaries", n.saturating_sub(1)));
    let boundaries = graph.add_task(stage, 0, TaskOp::RangeBoundaries { keys: keys.clone(), n }, samples);
    split_by_boundaries(graph, inputs, keys, n, boundaries)
}

/// Splits every input task's batch into `n` buckets by the boundaries the
/// task `boundaries` outputs (at most `n - 1` rows of the key columns);
/// the split tasks, in input order.
pub(crate) fn split_by_boundaries(
    graph: &mut TaskGraph,
    inputs: &[TaskId],
    keys: Vec<SortKey>,
    n: usize,
    boundaries: TaskId,
) -> Vec<TaskId> {
    let stage = graph.add_stage("range_split");
    graph.stages[stage].detail = Some(format!("by key range into {n}"));
    inputs
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            graph.add_task(stage, i, TaskOp::RangeSplit { keys: keys.clone(), n }, vec![t, boundaries])
        })
        .collect()
}

/// Splits every input task's batch into `n` buckets by key hash; the split
/// tasks, in input order.
pub(crate) fn split_by_hash(
    graph: &mut TaskGraph,
    inputs: &[TaskId],
    keys: Vec<String>,
    n: usize,
) -> Vec<TaskId> {
    let stage = graph.add_stage("hash_split");
    graph.stages[stage].detail = Some(format!("by key hash into {n}"));
    inputs
        .iter()
        .enumerate()
        .map(|(i, &t)| graph.add_task(stage, i, TaskOp::HashSplit { keys: keys.clone(), n }, vec![t]))
        .collect()
}

/// The receiving half: task `j` of a new stage `name` runs `op` over bucket
/// `j` of every split; the tasks, in bucket order.
pub(crate) fn receive(
    graph: &mut TaskGraph,
    name: &str,
    detail: String,
    splits: &[TaskId],
    n: usize,
    op: impl Fn() -> TaskOp,
) -> (Vec<TaskId>, crate::graph::StageId) {
    let stage = graph.add_stage(name);
    graph.stages[stage].detail = Some(detail);
    let tasks = (0..n).map(|j| graph.add_bucket_task(stage, j, op(), splits.to_vec())).collect();
    (tasks, stage)
}
