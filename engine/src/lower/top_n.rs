//! Per-group top-n (`nlargest`, `nsmallest`, `head`) as a tree reduce, the
//! shape of an aggregate's: no shuffle, at most `n` rows a group in flight.
//!
//! ```text
//! scan+top_n ×8 ─▶ merge_top_n+finish_top_n ×1                 (split_every 8)
//! scan+top_n ×20 ─▶ merge_top_n ×3 ─▶ merge_top_n+finish_top_n ×1
//! ```
//!
//! Each input task keeps its partition's candidates (computed keys are
//! added first, by a fused projection); each merge concatenates its inputs
//! in partition order and re-selects. Keeping that order is what makes
//! ties and `head` follow the frame's row order (see `rusk_ops::top_n`).

use arrow::record_batch::RecordBatch;
use rusk_ops::Result;

use super::{elementwise, lower_node, Lowered};
use crate::graph::{ElementOp, MemoryBatch, TaskGraph, TaskOp};
use crate::plan::TopN;

pub(crate) fn lower_top_n(node: &TopN, split_every: usize, graph: &mut TaskGraph) -> Result<Lowered> {
    let input = lower_node(&node.input, graph)?;
    let spec = node.spec();
    let mut level = if input.tasks.is_empty() {
        // Nothing to read (every partition pruned): finish no candidates.
        let stage = graph.add_stage("no candidates");
        let empty = MemoryBatch(RecordBatch::new_empty(node.schema.clone()));
        vec![graph.add_task(stage, 0, TaskOp::Memory(empty), vec![])]
    } else {
        let input = match node.output_exprs() {
            Some(exprs) => elementwise::fuse(graph, input, ElementOp::Project(exprs)),
            None => input,
        };
        elementwise::fuse(graph, input, ElementOp::TopNCandidates(spec.clone())).tasks
    };
    let split_every = split_every.max(2);
    let mut depth = 0;
    loop {
        let name = if depth == 0 { "merge_top_n".to_string() } else { format!("merge_top_n {depth}") };
        let stage = graph.add_stage(name);
        graph.stages[stage].detail =
            Some(format!("{} {} a group, split_every {split_every}", spec.order.name(), spec.n));
        level = level
            .chunks(split_every)
            .enumerate()
            .map(|(i, chunk)| {
                let op = TaskOp::TopNMerge { schema: node.schema.clone(), spec: spec.clone() };
                graph.add_task(stage, i, op, chunk.to_vec())
            })
            .collect();
        depth += 1;
        if level.len() == 1 {
            graph.tasks[level[0]].pipeline.push(ElementOp::TopNFinish(spec));
            let name = format!("{}+finish_top_n", graph.stages[stage].name);
            graph.stages[stage].name = name;
            return Ok(Lowered { tasks: level, stage });
        }
    }
}
