//! Groupby and reductions: a partial aggregate fused into every input task,
//! a tree of merges with fan-in `split_every`, and a finish.
//!
//! ```text
//! scan+partial_agg ×8 ─▶ merge ×1 (split_every 8) ─▶ finish
//! scan+partial_agg ×20 ─▶ merge ×3 ─▶ merge ×1 (split_every 8)
//! ```
//!
//! Merges are associative and keep their inputs in partition order, so any
//! tree gives the result one merge of everything would.

use arrow::record_batch::RecordBatch;
use rusk_ops::aggregate::state_schema;
use rusk_ops::Result;

use super::{elementwise, lower_node, Lowered};
use crate::graph::{ElementOp, MemoryBatch, TaskGraph, TaskOp};
use crate::plan::Aggregate;

pub(crate) fn lower_aggregate(agg: &Aggregate, split_every: usize, graph: &mut TaskGraph) -> Result<Lowered> {
    let input = lower_node(&agg.input, graph)?;
    let num_keys = agg.keys.len();
    let partial =
        ElementOp::AggregatePartial { keys: agg.keys.clone(), aggs: agg.aggs.clone(), options: agg.options };
    let mut level = if input.tasks.is_empty() {
        // Nothing to read (every partition pruned): merge an empty state, so
        // a reduction still gives its one row (a sum of nothing is 0).
        let schema = state_schema(&agg.input.schema(), &agg.keys, &agg.aggs)?;
        let stage = graph.add_stage("empty state");
        vec![graph.add_task(stage, 0, TaskOp::Memory(MemoryBatch(RecordBatch::new_empty(schema))), vec![])]
    } else {
        elementwise::fuse(graph, input, partial).tasks
    };
    let split_every = split_every.max(2);
    let mut depth = 0;
    loop {
        let stage =
            graph.add_stage(if depth == 0 { "merge_agg".to_string() } else { format!("merge_agg {depth}") });
        graph.stages[stage].detail = Some(format!("split_every {split_every}"));
        level = level
            .chunks(split_every)
            .enumerate()
            .map(|(i, chunk)| {
                let op = TaskOp::AggregateMerge { num_keys, aggs: agg.aggs.clone() };
                graph.add_task(stage, i, op, chunk.to_vec())
            })
            .collect();
        depth += 1;
        if level.len() == 1 {
            let id = level[0];
            graph.tasks[id].pipeline.push(ElementOp::AggregateFinish {
                num_keys,
                aggs: agg.aggs.clone(),
                names: agg.names.clone(),
                options: agg.options,
            });
            let name = format!("{}+finish_agg", graph.stages[stage].name);
            graph.stages[stage].name = name;
            return Ok(Lowered { tasks: level, stage });
        }
    }
}
