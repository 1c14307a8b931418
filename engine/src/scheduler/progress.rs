//! A run's [`Progress`], kept by the scheduler and reported after each task
//! and when the run ends, however it ends.

use std::time::Instant;

use crate::graph::{TaskGraph, TaskId};
use crate::progress::{Progress, ProgressSink, StageProgress};

use super::scan_metrics::RunScans;

/// The counts of one run, reported to `sink` (nothing is counted when no
/// one receives them).
pub(super) struct RunProgress<'a> {
    sink: &'a ProgressSink,
    start: Instant,
    /// Each graph stage's place in `progress.stages`; `None` for a stage
    /// the run does not need.
    slot: Vec<Option<usize>>,
    progress: Progress,
}

impl<'a> RunProgress<'a> {
    /// Counts for the `needed` tasks of `graph`, and a first report (nothing done).
    pub(super) fn start(sink: &'a ProgressSink, graph: &TaskGraph, needed: &[bool]) -> Self {
        let mut slot = vec![None; graph.stages.len()];
        let mut progress = Progress::default();
        if sink.is_set() {
            let mut totals = vec![0usize; graph.stages.len()];
            for (task, _) in graph.tasks.iter().zip(needed).filter(|(_, &n)| n) {
                totals[task.stage] += 1;
            }
            for (stage, (&total, name)) in totals.iter().zip(&graph.stages).enumerate() {
                if total > 0 {
                    slot[stage] = Some(progress.stages.len());
                    progress.stages.push(StageProgress { name: name.name.clone(), done: 0, total });
                }
            }
            sink.report(&progress);
        }
        RunProgress { sink, start: Instant::now(), slot, progress }
    }

    /// Task `id` finished (with a result or an error): reports the counts.
    pub(super) fn task_finished(&mut self, graph: &TaskGraph, id: TaskId, scans: &RunScans, spilled: u64) {
        if !self.sink.is_set() {
            return;
        }
        if let Some(place) = graph.tasks.get(id).and_then(|t| self.slot[t.stage]) {
            self.progress.stages[place].done += 1;
        }
        self.refresh(scans, spilled);
        self.sink.report(&self.progress);
    }

    /// The run's last report.
    pub(super) fn finish(&mut self, scans: &RunScans, spilled: u64) {
        if !self.sink.is_set() || self.progress.finished {
            return;
        }
        self.refresh(scans, spilled);
        self.progress.finished = true;
        self.sink.report(&self.progress);
    }

    fn refresh(&mut self, scans: &RunScans, spilled: u64) {
        let counts = scans.counts();
        self.progress.rows_read = counts.iter().map(|(_, c)| c.rows_read).sum();
        self.progress.bytes_read = counts.iter().map(|(_, c)| c.bytes_read).sum();
        self.progress.bytes_spilled = spilled;
        self.progress.elapsed = self.start.elapsed();
    }
}
