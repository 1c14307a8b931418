//! `to_csv(dir)` / `to_parquet(dir)`: a write task per partition, so the
//! result is never collected in one place.

use std::path::Path;

use rusk_io::write::part_file_name;
use rusk_ops::Result;

use super::{checked, lower_node};
use arrow::record_batch::RecordBatch;

use crate::graph::{MemoryBatch, TaskGraph, TaskOp, WriteFormat};
use crate::plan::LogicalPlan;

/// Lowers `plan` and writes each of its partitions to `dir/part-NNNNN.ext`,
/// or, with `single_file`, its one partition to the file `dir`.
///
/// # Errors
/// As [`super::lower`].
pub fn lower_write(
    plan: &LogicalPlan,
    dir: &Path,
    format: WriteFormat,
    single_file: bool,
) -> Result<TaskGraph> {
    let mut graph = TaskGraph::default();
    let mut input = lower_node(plan, &mut graph)?;
    if input.tasks.is_empty() {
        // Every partition was pruned: still write one file with the columns,
        // so the output reads back as an empty frame rather than no files.
        let empty = RecordBatch::new_empty(plan.schema());
        input.tasks.push(graph.add_task(input.stage, 0, TaskOp::Memory(MemoryBatch(empty)), vec![]));
    }
    let ext = match format {
        WriteFormat::Csv => "csv",
        WriteFormat::Parquet => "parquet",
    };
    let stage = graph.add_stage(format!("write {ext}"));
    graph.outputs = input
        .tasks
        .iter()
        .enumerate()
        .map(|(i, &src)| {
            let path = if single_file { dir.to_path_buf() } else { dir.join(part_file_name(i, ext)) };
            let op = TaskOp::Write { path, format };
            graph.add_task(stage, i, op, vec![src])
        })
        .collect();
    checked(graph)
}
