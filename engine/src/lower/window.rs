//! Frame-order methods by a prefix pass (see `plan::Window`). Over a
//! partition-local input (a scan and row-wise steps) the frame is read
//! twice, since reading again costs less than holding it:
//!
//! ```text
//! scan+project+window_summary ×p ─▶ window_carry ×1 ─┐
//! scan ×p ─────────────────────────────────────────▶ window ×p   (task i: partition i and the carries)
//! ```
//!
//! Over any other input (a sort, a groupby, another window) it is computed
//! once and its partitions are held from their summaries to their window
//! tasks: computing it twice would repeat its shuffle, and a chain of
//! windows would compute its source 2^k times.

use super::{elementwise, lower_node, Lowered};
use crate::graph::{ElementOp, TaskGraph, TaskOp};
use crate::plan::Window;
use rusk_ops::{Error, Result};

pub(crate) fn lower_window(node: &Window, graph: &mut TaskGraph) -> Result<Lowered> {
    let summary = ElementOp::WindowSummary(node.windows.clone());
    let (rows, summaries) = if let Some(args) = &node.args {
        let args = lower_node(args, graph)?;
        let summaries = elementwise::fuse(graph, args, summary);
        (lower_node(&node.input, graph)?, summaries.tasks)
    } else {
        let rows = lower_node(&node.input, graph)?;
        let stage = graph.add_stage("window_summary");
        let schema = node.input.schema();
        let summaries = rows
            .tasks
            .iter()
            .enumerate()
            .map(|(i, &row)| {
                let id = graph.add_task(stage, i, TaskOp::Concat { schema: schema.clone() }, vec![row]);
                graph.tasks[id].pipeline.push(summary.clone());
                id
            })
            .collect();
        (rows, summaries)
    };
    let p = rows.tasks.len();
    if summaries.len() != p {
        return Err(Error::Internal(format!(
            "a window's two reads have {} and {p} partitions",
            summaries.len()
        )));
    }
    let stage = graph.add_stage("window");
    if p == 0 {
        return Ok(Lowered { tasks: vec![], stage });
    }
    let carry_stage = graph.add_stage("window_carry");
    graph.stages[carry_stage].detail = Some(format!("prefix pass over {p} partitions"));
    let carry =
        graph.add_task(carry_stage, 0, TaskOp::WindowCarry { windows: node.windows.clone() }, summaries);
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
