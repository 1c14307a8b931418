//! Frame-order methods by a prefix pass (see `plan::Window`):
//!
//! ```text
//! scan+project+window_summary ×p ─▶ window_carry ×1 ─┐
//! scan ×p ─────────────────────────────────────────▶ window ×p   (task i: partition i and the carries)
//! ```

use super::{elementwise, lower_node, Lowered};
use crate::graph::{ElementOp, TaskGraph, TaskOp};
use crate::plan::Window;
use rusk_ops::{Error, Result};

pub(crate) fn lower_window(node: &Window, graph: &mut TaskGraph) -> Result<Lowered> {
    let args = lower_node(&node.args, graph)?;
    let summaries = elementwise::fuse(graph, args, ElementOp::WindowSummary(node.windows.clone()));
    let rows = lower_node(&node.input, graph)?;
    let p = rows.tasks.len();
    if summaries.tasks.len() != p {
        return Err(Error::Internal(format!(
            "a window's two reads have {} and {p} partitions",
            summaries.tasks.len()
        )));
    }
    let stage = graph.add_stage("window");
    if p == 0 {
        return Ok(Lowered { tasks: vec![], stage });
    }
    let carry_stage = graph.add_stage("window_carry");
    graph.stages[carry_stage].detail = Some(format!("prefix pass over {p} partitions"));
    let carry = graph.add_task(
        carry_stage,
        0,
        TaskOp::WindowCarry { windows: node.windows.clone() },
        summaries.tasks,
    );
    let tasks = rows
        .tasks
        .iter()
        .enumerate()
        .map(|(i, &row)| {
            let op = TaskOp::WindowApply {
                windows: node.windows.clone(),
                names: node.names.clone(),
                partition: i,
            };
            graph.add_task(stage, i, op, vec![row, carry])
        })
        .collect();
    Ok(Lowered { tasks, stage })
}
