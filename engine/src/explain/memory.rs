//! What each stage holds in memory while it runs, and whether the memory
//! budget bounds it: the question to answer before running a query on data
//! larger than memory.
//!
//! A stage is one of three kinds:
//! - **partition**: it holds about one partition (its input and output),
//!   so threads × partition size bounds it;
//! - **spills**: it holds outputs across tasks (a shuffle's buckets, held
//!   until the last split has run), which spill beyond the budget;
//! - **one bucket**: it holds one bucket or key range of a shuffle whole
//!   (a sort's range, a bucket's groups or build rows), whose count a
//!   budget sizes so that one fits a task's share; only the rows of one
//!   key, which never straddle two buckets, can exceed it;
//! - **grows**: it holds something that grows with the data, and the
//!   budget does not bound it (a tree merge's groups, a broadcast side).

use std::fmt::Write;

use crate::graph::{DedupTask, ElementOp, Task, TaskGraph, TaskOp, WriteFormat};
use crate::plan::estimate::format_bytes;

/// How a stage's memory is bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// About one partition per running task.
    Partition,
    /// Outputs held across tasks, spilled beyond the budget.
    Spills,
    /// One bucket of a shuffle whole, its rows as the string names: the
    /// buckets are sized to the budget, but for one key's rows.
    Bucket(&'static str),
    /// Grows with what the string names; the budget does not bound it.
    Grows(&'static str),
}

/// What each stage holds and how it is bounded, one line per stage,
/// under a heading naming the budget (`memory_limit`, bytes).
pub fn memory_summary(graph: &TaskGraph, memory_limit: Option<usize>) -> String {
    let budget = match memory_limit {
        Some(bytes) => format!("budget {}", format_bytes(bytes as u64)),
        None => "no budget, nothing spills".to_string(),
    };
    let mut out = format!("\n== Memory: {budget} ==\n");
    for (stage_id, stage) in graph.stages.iter().enumerate() {
        let tasks: Vec<&Task> = graph.tasks.iter().filter(|t| t.stage == stage_id).collect();
        let Some(first) = tasks.first() else { continue };
        let (holds, bound) = stage_memory(first);
        let bound = match bound {
            Bound::Partition => "bounded by the partition size".to_string(),
            Bound::Spills if memory_limit.is_some() => "spills beyond the budget".to_string(),
            Bound::Spills => "held whole (set a memory limit to spill)".to_string(),
            Bound::Bucket(what) if memory_limit.is_some() => {
                format!("{what}, sized to the budget; only one key's rows can exceed it")
            }
            Bound::Bucket(what) => format!("grows with {what} (set a memory limit to size it)"),
            Bound::Grows(what) => format!("grows with {what}; the budget does not bound it"),
        };
        let _ = writeln!(out, "{} ×{}: {holds} [{bound}]", stage.name, tasks.len());
    }
    out
}

/// What a task of a stage holds, and how that is bounded: its op's, unless
/// a step of its pipeline holds more.
pub fn stage_memory(task: &Task) -> (&'static str, Bound) {
    for step in &task.pipeline {
        match step {
            ElementOp::AggregatePartial { .. } => {
                return ("one partition and its groups' state", Bound::Partition);
            }
            ElementOp::Sort(_) if task.bucket.is_some() => {
                return ("one key range of the sort", Bound::Bucket("the rows of one key range"));
            }
            ElementOp::GroupApply { .. } => {
                return ("whole groups of one bucket", Bound::Grows("the rows of one bucket's groups"));
            }
            _ => {}
        }
    }
    match &task.op {
        TaskOp::Scan(_) | TaskOp::Memory(_) | TaskOp::Split { .. } | TaskOp::Write { .. } => {
            ("one partition", Bound::Partition)
        }
        TaskOp::JoinFiles { format: WriteFormat::Csv, .. } => {
            ("nothing: the files are copied by the kernel", Bound::Partition)
        }
        TaskOp::JoinFiles { format: WriteFormat::Parquet, .. } => {
            ("one file footer and a copy buffer", Bound::Partition)
        }
        TaskOp::WindowApply { .. } => ("one partition and what the window carries in", Bound::Partition),
        TaskOp::WindowCarry { .. } => ("a summary of each partition", Bound::Partition),
        TaskOp::RangeSample { .. } => ("one partition", Bound::Partition),
        TaskOp::RangeBoundaries { .. } => ("a sample of every partition's keys", Bound::Partition),
        TaskOp::HashSplit { .. } | TaskOp::RangeSplit { .. } => {
            ("its buckets, held until every split has run", Bound::Spills)
        }
        TaskOp::Dedup(DedupTask::Route { .. }) => {
            ("its buckets, held until every split has run", Bound::Spills)
        }
        TaskOp::Dedup(DedupTask::Apply { .. }) => ("one partition and its flags", Bound::Partition),
        TaskOp::Concat { .. } => ("all its inputs at once", Bound::Grows("its inputs' rows")),
        TaskOp::AggregateMerge { .. } if task.bucket.is_some() => {
            ("the merged state of one bucket", Bound::Bucket("the groups of one bucket"))
        }
        TaskOp::AggregateMerge { .. } => {
            ("the merged state of its inputs", Bound::Grows("the number of groups"))
        }
        TaskOp::TopNMerge { .. } => {
            ("the candidates of its inputs", Bound::Grows("the number of groups × n"))
        }
        TaskOp::Broadcast { .. } => {
            ("one partition and the groupby result", Bound::Grows("the number of groups"))
        }
        TaskOp::HashJoin { .. } if task.bucket.is_some() => {
            ("one bucket of each side", Bound::Bucket("the build rows of one bucket"))
        }
        TaskOp::HashJoin { .. } => {
            ("the join's build side and one probe piece", Bound::Grows("the build side's rows"))
        }
        TaskOp::AsofJoin { .. } => {
            ("one left partition and the whole right side", Bound::Grows("the right side's rows"))
        }
    }
}
