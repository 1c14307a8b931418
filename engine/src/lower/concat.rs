//! `rusk::concat`: the inputs' partitions, in order, under one stage.
//!
//! Each input partition passes through a one-input concat task (which
//! hands its batch on without copying), so the output partitions form one
//! stage whose tasks later row-wise steps can fuse into.

use rusk_ops::Result;

use super::{lower_node, Lowered};
use crate::graph::{TaskGraph, TaskOp};
use crate::plan::Concat;

pub(crate) fn lower_concat(concat: &Concat, graph: &mut TaskGraph) -> Result<Lowered> {
    let mut inputs = Vec::new();
    for plan in &concat.inputs {
        inputs.extend(lower_node(plan, graph)?.tasks);
    }
    let stage = graph.add_stage("concat");
    graph.stages[stage].detail = Some(format!("{} frames", concat.inputs.len()));
    let tasks = inputs
        .iter()
        .enumerate()
        .map(|(i, &t)| graph.add_task(stage, i, TaskOp::Concat { schema: concat.schema.clone() }, vec![t]))
        .collect();
    Ok(Lowered { tasks, stage })
}
