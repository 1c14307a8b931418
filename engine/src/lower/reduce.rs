//! The one reduction pattern: chunk → combine (a tree of fan-in
//! `split_every`, or a shuffle into buckets) → finish, as Dask's
//! `ApplyConcatApply` + `TreeReduce` and DataFusion's Partial/Final
//! aggregates. Groupby, whole-frame reductions and per-group top-n lower
//! through it; each describes its three steps in a [`Reduction`].
//!
//! ```text
//! tree:    input+chunk ×20 ─▶ combine ×3 ─▶ combine+finish ×1      (split_every 8)
//! shuffle: input+chunk ×8 ─▶ split ×8 ─▶ combine+finish ×n         (bucket j of every split)
//! ```
//!
//! Combines are associative and keep their inputs in partition order, so
//! any tree gives what one combine of everything would.

use arrow::record_batch::RecordBatch;
use rusk_ops::Result;

use super::shuffle::receive;
use super::{elementwise, Lowered};
use crate::graph::{ElementOp, MemoryBatch, TaskGraph, TaskId, TaskOp};

/// The three steps of a reduction and how its stages are named.
pub(crate) struct Reduction {
    /// The name in its stages' names: `agg` gives `merge_agg`, `finish_agg`.
    pub name: &'static str,
    /// What its combine stages print besides the fan-in.
    pub detail: Option<String>,
    /// Fused into every input task: a partition to its state.
    pub chunk: ElementOp,
    /// Combines states (in partition order) into one.
    pub combine: TaskOp,
    /// Fused into the last combine: a state to the result.
    pub finish: ElementOp,
}

impl Reduction {
    /// The states of `input`'s partitions: `chunk` fused into each, or,
    /// when every partition was pruned, one task holding `empty_state()`,
    /// the state of no rows (a sum of nothing is still 0).
    ///
    /// # Errors
    /// Those of `empty_state`.
    pub(crate) fn chunks(
        &self,
        input: Lowered,
        graph: &mut TaskGraph,
        empty_state: impl FnOnce() -> Result<RecordBatch>,
    ) -> Result<Vec<TaskId>> {
        if input.tasks.is_empty() {
            let stage = graph.add_stage(format!("empty {}", self.name));
            let state = MemoryBatch(empty_state()?);
            Ok(vec![graph.add_task(stage, 0, TaskOp::Memory(state), vec![])])
        } else {
            Ok(elementwise::fuse(graph, input, self.chunk.clone()).tasks)
        }
    }

    /// Combines `level` in a tree of fan-in `split_every` (at least 2),
    /// finishing at the root: one output partition.
    pub(crate) fn tree(&self, mut level: Vec<TaskId>, split_every: usize, graph: &mut TaskGraph) -> Lowered {
        let split_every = split_every.max(2);
        let mut depth = 0;
        loop {
            let merge = format!("merge_{}", self.name);
            let stage = graph.add_stage(if depth == 0 { merge } else { format!("{merge} {depth}") });
            graph.stages[stage].detail = Some(match &self.detail {
                Some(detail) => format!("{detail}, split_every {split_every}"),
                None => format!("split_every {split_every}"),
            });
            level = level
                .chunks(split_every)
                .enumerate()
                .map(|(i, chunk)| graph.add_task(stage, i, self.combine.clone(), chunk.to_vec()))
                .collect();
            depth += 1;
            if level.len() == 1 {
                graph.tasks[level[0]].pipeline.push(self.finish.clone());
                let name = format!("{}+finish_{}", graph.stages[stage].name, self.name);
                graph.stages[stage].name = name;
                return Lowered { tasks: level, stage };
            }
        }
    }

    /// Combines and finishes bucket `j` of every split in `splits` (a
    /// shuffle of the states into `n` buckets by key), one task a bucket:
    /// `n` output partitions.
    pub(crate) fn buckets(
        &self,
        splits: &[TaskId],
        n: usize,
        detail: String,
        graph: &mut TaskGraph,
    ) -> Lowered {
        let name = format!("merge_{0}+finish_{0}", self.name);
        let (tasks, stage) = receive(graph, &name, detail, splits, n, || self.combine.clone());
        for &id in &tasks {
            graph.tasks[id].pipeline.push(self.finish.clone());
        }
        Lowered { tasks, stage }
    }
}
