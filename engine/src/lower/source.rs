//! Sources: a task per scan partition or in-memory batch.

use rusk_ops::expr::Expr;
use rusk_ops::Result;

use super::Lowered;
use crate::graph::{ElementOp, MemoryBatch, TaskGraph, TaskOp};
use crate::plan::{InMemory, Scan};

/// One task per partition left after pruning; pushed filters run inside
/// the read (Parquet then decodes the other columns for the kept rows
/// alone), and the final column selection in the same task, right after.
pub(crate) fn lower_scan(scan: &Scan, graph: &mut TaskGraph) -> Result<Lowered> {
    let mut name = format!("scan {}", scan.dataset.format().name());
    let read_columns = scan.read_columns();
    let filter = Expr::conjunction(scan.filters.iter().cloned());
    let output: Vec<String> = scan.schema().fields().iter().map(|f| f.name().clone()).collect();
    let mut pipeline = Vec::new();
    if filter.is_some() {
        name.push_str("+filter");
    }
    if output != read_columns {
        pipeline.push(ElementOp::Project(output.into_iter().map(Expr::Column).collect()));
        name.push_str("+project");
    }
    let stage = graph.add_stage(name);
    let mut tasks = Vec::with_capacity(scan.pruned.partitions.len());
    for (i, part) in scan.pruned.partitions.iter().enumerate() {
        let op = TaskOp::Scan(Box::new(scan.dataset.scan(part, read_columns.clone(), filter.clone())?));
        let id = graph.add_task(stage, i, op, vec![]);
        graph.tasks[id].pipeline = pipeline.clone();
        tasks.push(id);
    }
    Ok(Lowered { tasks, stage })
}

/// One task per in-memory batch.
pub(crate) fn lower_in_memory(mem: &InMemory, graph: &mut TaskGraph) -> Lowered {
    let stage = graph.add_stage("from memory");
    let tasks = mem
        .batches
        .iter()
        .enumerate()
        .map(|(i, b)| graph.add_task(stage, i, TaskOp::Memory(MemoryBatch(b.clone())), vec![]))
        .collect();
    Lowered { tasks, stage }
}
