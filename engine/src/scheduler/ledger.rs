//! The bytes a run holds in task outputs (Arrow buffers): now, at its peak,
//! and by stage, with what each stage spilled, for `explain_analyze`.

use crate::graph::{TaskGraph, TaskId};

/// What a stage's outputs held in memory and wrote to spill files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageMemory {
    /// The most bytes the stage's outputs held in memory at once.
    pub peak_held: usize,
    /// Bytes of its outputs written to spill files.
    pub spilled: u64,
}

/// What a run's task outputs held in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryStats {
    /// The most bytes all held outputs took at once.
    pub peak_held: usize,
    /// Each stage's, indexed by stage id.
    pub stages: Vec<StageMemory>,
}

/// Counts the bytes of the outputs a run holds as they come and go.
pub(super) struct Ledger {
    /// Each task's stage.
    stage_of: Vec<usize>,
    /// Bytes each task's output holds in memory now.
    held: Vec<usize>,
    /// Bytes each stage's outputs hold now.
    stage_now: Vec<usize>,
    now: usize,
    stats: MemoryStats,
}

impl Ledger {
    pub(super) fn new(graph: &TaskGraph) -> Self {
        Ledger {
            stage_of: graph.tasks.iter().map(|t| t.stage).collect(),
            held: vec![0; graph.tasks.len()],
            stage_now: vec![0; graph.stages.len()],
            now: 0,
            stats: MemoryStats { peak_held: 0, stages: vec![StageMemory::default(); graph.stages.len()] },
        }
    }

    /// Task `id`'s output, of `bytes`, is held.
    pub(super) fn hold(&mut self, id: TaskId, bytes: usize) {
        let stage = self.stage_of[id];
        self.held[id] += bytes;
        self.stage_now[stage] += bytes;
        self.now += bytes;
        let peak = &mut self.stats.stages[stage].peak_held;
        *peak = (*peak).max(self.stage_now[stage]);
        self.stats.peak_held = self.stats.peak_held.max(self.now);
    }

    /// Task `id`'s output left memory: dropped, or spilled (`disk` bytes
    /// written for it).
    pub(super) fn release(&mut self, id: TaskId, disk: u64) {
        let stage = self.stage_of[id];
        let bytes = std::mem::take(&mut self.held[id]);
        self.stage_now[stage] -= bytes;
        self.now -= bytes;
        self.stats.stages[stage].spilled += disk;
    }

    pub(super) fn stats(&self) -> MemoryStats {
        self.stats.clone()
    }
}
