//! Row-wise nodes fuse into the tasks below them.

use super::Lowered;
use crate::graph::{ElementOp, TaskGraph};

/// Appends `op` to the pipeline of every task of `input` and names the
/// stage after it (`scan csv+filter+project`).
///
/// Fusing in place is sound because plans are trees: the tasks of `input`
/// were made for this consumer alone.
pub(crate) fn fuse(graph: &mut TaskGraph, input: Lowered, op: ElementOp) -> Lowered {
    let suffix = op.name();
    for &id in &input.tasks {
        graph.tasks[id].pipeline.push(op.clone());
    }
    let stage = &mut graph.stages[input.stage];
    if !stage.name.ends_with(suffix) {
        stage.name = format!("{}+{}", stage.name, suffix);
    }
    input
}
