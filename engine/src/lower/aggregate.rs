//! Groupby and reductions: a partial aggregate fused into every input
//! task, then either a tree of merges into one finish task, or a shuffle of
//! the partial states into `split_out` buckets, each merged and finished by
//! its own task.
//!
//! ```text
//! tree:     scan+partial_agg ×20 ─▶ merge ×3 ─▶ merge+finish ×1   (split_every 8)
//! sorted:   scan+partial_agg ×8 ─▶ range_boundaries ×1 ─▶ range_split ×8 ─▶ merge+finish ×4
//!           (each split also reads its partial)
//! unsorted: scan+partial_agg ×8 ─▶ hash_split ×8 ─▶ merge+finish ×4
//! ```
//!
//! Merges are associative and keep their inputs in partition order, so any
//! tree gives the result one merge of everything would. A shuffle sends
//! every key to exactly one bucket, so each bucket's merge sees all of its
//! groups' states; with `sort`, buckets are key ranges, so the partitions in
//! order are the sorted result.

use arrow::record_batch::RecordBatch;
use rusk_ops::expr::Expr;
use rusk_ops::sort::SortKey;
use rusk_ops::Result;

use super::shuffle::{receive, split_by_hash, split_by_range};
use super::{elementwise, lower_node, Lowered};
use crate::graph::{ElementOp, MemoryBatch, TaskGraph, TaskId, TaskOp};
use crate::plan::Aggregate;

pub(crate) fn lower_aggregate(agg: &Aggregate, split_every: usize, graph: &mut TaskGraph) -> Result<Lowered> {
    let input = lower_node(&agg.input, graph)?;
    let partial =
        ElementOp::AggregatePartial { keys: agg.keys.clone(), aggs: agg.aggs.clone(), options: agg.options };
    let partials = if input.tasks.is_empty() {
        // Nothing to read (every partition pruned): merge an empty state, so
        // a reduction still gives its one row (a sum of nothing is 0).
        // The partial state of no rows holds the one group of a reduction.
        let empty = RecordBatch::new_empty(agg.input.schema());
        let state = rusk_ops::aggregate::partial(&empty, &agg.keys, &agg.aggs, agg.options)?;
        let stage = graph.add_stage("empty state");
        vec![graph.add_task(stage, 0, TaskOp::Memory(MemoryBatch(state)), vec![])]
    } else {
        elementwise::fuse(graph, input, partial).tasks
    };
    match agg.split_out.partitions() {
        Some(n) if n > 1 && !agg.keys.is_empty() => Ok(shuffle(agg, partials, n, graph)),
        _ => Ok(tree(agg, partials, split_every, graph)),
    }
}

/// Merges `level` in a tree of fan-in `split_every`, finishing at the root.
fn tree(agg: &Aggregate, mut level: Vec<TaskId>, split_every: usize, graph: &mut TaskGraph) -> Lowered {
    let split_every = split_every.max(2);
    let mut depth = 0;
    loop {
        let stage =
            graph.add_stage(if depth == 0 { "merge_agg".to_string() } else { format!("merge_agg {depth}") });
        graph.stages[stage].detail = Some(format!("split_every {split_every}"));
        level = level
            .chunks(split_every)
            .enumerate()
            .map(|(i, chunk)| graph.add_task(stage, i, merge_op(agg), chunk.to_vec()))
            .collect();
        depth += 1;
        if level.len() == 1 {
            graph.tasks[level[0]].pipeline.push(finish_op(agg));
            let name = format!("{}+finish_agg", graph.stages[stage].name);
            graph.stages[stage].name = name;
            return Lowered { tasks: level, stage };
        }
    }
}

/// Splits every partial state into `n` buckets by key (range when sorted,
/// hash otherwise), then merges and finishes each bucket.
fn shuffle(agg: &Aggregate, partials: Vec<TaskId>, n: usize, graph: &mut TaskGraph) -> Lowered {
    let keys: Vec<String> = agg.keys.iter().map(Expr::output_name).collect();
    let splits = if agg.options.sort {
        split_by_range(graph, &partials, keys.iter().map(SortKey::new).collect(), n)
    } else {
        split_by_hash(graph, &partials, keys, n)
    };
    let detail = format!("split_out {n}: bucket j of every split");
    let (tasks, stage) = receive(graph, "merge_agg+finish_agg", detail, &splits, n, || merge_op(agg));
    for &id in &tasks {
        graph.tasks[id].pipeline.push(finish_op(agg));
    }
    Lowered { tasks, stage }
}

fn merge_op(agg: &Aggregate) -> TaskOp {
    TaskOp::AggregateMerge { num_keys: agg.keys.len(), aggs: agg.aggs.clone() }
}

fn finish_op(agg: &Aggregate) -> ElementOp {
    ElementOp::AggregateFinish {
        num_keys: agg.keys.len(),
        aggs: agg.aggs.clone(),
        names: agg.names.clone(),
        options: agg.options,
    }
}
