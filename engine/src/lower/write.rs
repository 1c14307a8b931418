//! `to_csv(dir)` / `to_parquet(dir)`: a write task per partition, so the
//! result is never collected in one place.

use std::path::Path;

use rusk_io::write::part_file_name;
use rusk_ops::Result;

use super::{checked, lower_node};
use arrow::record_batch::RecordBatch;

use crate::graph::{MemoryBatch, TaskGraph, TaskOp, WriteFormat};
use crate::plan::LogicalPlan;

/// How a write lays out its output.
#[derive(Debug, Clone, Copy)]
pub enum WriteLayout<'a> {
    /// Each partition to `dir/part-NNNNN.ext`.
    Parts,
    /// Each partition to `parts/part-NNNNN.ext` in parallel (a CSV header
    /// in the first only), then the parts joined in order into the file
    /// `dir`: one file without the result ever in memory.
    JoinedParts {
        /// A directory for the parts, removed by the caller.
        parts: &'a Path,
    },
}

/// Lowers `plan` and writes its partitions as `layout` says.
///
/// # Errors
/// As [`super::lower`].
pub fn lower_write(
    plan: &LogicalPlan,
    dir: &Path,
    format: WriteFormat,
    layout: WriteLayout<'_>,
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
    let mut parts = Vec::new();
    let writes: Vec<_> = input
        .tasks
        .iter()
        .enumerate()
        .map(|(i, &src)| {
            let (path, header) = match layout {
                WriteLayout::Parts => (dir.join(part_file_name(i, ext)), true),
                WriteLayout::JoinedParts { parts: into } => (into.join(part_file_name(i, ext)), i == 0),
            };
            parts.push(path.clone());
            graph.add_task(stage, i, TaskOp::Write { path, format, header }, vec![src])
        })
        .collect();
    graph.outputs = match layout {
        WriteLayout::JoinedParts { .. } => {
            let join = graph.add_stage("join files");
            let op = TaskOp::JoinFiles { parts, path: dir.to_path_buf(), format };
            vec![graph.add_task(join, 0, op, writes)]
        }
        _ => writes,
    };
    checked(graph)
}
