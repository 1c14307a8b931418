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

use super::reduce::Reduction;
use super::{elementwise, lower_node, Lowered};
use crate::graph::{ElementOp, TaskGraph, TaskOp};
use crate::plan::TopN;

pub(crate) fn lower_top_n(node: &TopN, split_every: usize, graph: &mut TaskGraph) -> Result<Lowered> {
    let mut input = lower_node(&node.input, graph)?;
    if let (Some(exprs), false) = (node.output_exprs(), input.tasks.is_empty()) {
        // Computed keys first, by a fused projection.
        input = elementwise::fuse(graph, input, ElementOp::Project(exprs));
    }
    let spec = node.spec();
    let reduction = Reduction {
        name: "top_n",
        detail: Some(format!("{} {} a group", spec.order.name(), spec.n)),
        chunk: ElementOp::TopNCandidates(spec.clone()),
        combine: TaskOp::TopNMerge { schema: node.schema.clone(), spec: spec.clone() },
        finish: ElementOp::TopNFinish(spec),
    };
    // No candidates of nothing.
    let candidates = reduction.chunks(input, graph, || Ok(RecordBatch::new_empty(node.schema.clone())))?;
    Ok(reduction.tree(candidates, split_every, graph))
}
