//! A run's scan counters: one [`ScanMetrics`] per dataset the run reads,
//! made when the run starts and handed to its scan tasks. A dataset keeps
//! no counters of its own, so two runs of one frame, at once or one after
//! the other, each count exactly what they read.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rusk_io::{Dataset, ScanCounts, ScanMetrics};

use crate::graph::{TaskGraph, TaskId, TaskOp};

/// The counters of one run, by dataset.
#[derive(Debug, Default)]
pub(crate) struct RunScans {
    scans: Vec<(Arc<Dataset>, Arc<ScanMetrics>)>,
}

impl RunScans {
    /// Counters for every dataset the `needed` tasks of `graph` scan.
    pub(crate) fn for_graph(graph: &TaskGraph, needed: &[bool]) -> Self {
        let mut scans: Vec<(Arc<Dataset>, Arc<ScanMetrics>)> = Vec::new();
        for (task, _) in graph.tasks.iter().zip(needed).filter(|(_, &n)| n) {
            if let TaskOp::Scan(scan) = &task.op {
                if let Some(dataset) = scan.opened() {
                    if !scans.iter().any(|(d, _)| Arc::ptr_eq(d, dataset)) {
                        scans.push((Arc::clone(dataset), Arc::default()));
                    }
                }
            }
        }
        RunScans { scans }
    }

    /// The counters task `id` of `graph` counts into, if it is a scan: its
    /// dataset's, or uncounted ones for a scan of a deserialized graph
    /// (which has no open dataset to count by).
    pub(crate) fn of_task(&self, graph: &TaskGraph, id: TaskId) -> Option<Arc<ScanMetrics>> {
        match &graph.tasks.get(id)?.op {
            TaskOp::Scan(scan) => match scan.opened() {
                Some(dataset) => {
                    self.scans.iter().find(|(d, _)| Arc::ptr_eq(d, dataset)).map(|(_, m)| Arc::clone(m))
                }
                None => Some(Arc::default()),
            },
            _ => None,
        }
    }

    /// What each dataset read, in the order the graph first scans them.
    pub(crate) fn counts(&self) -> Vec<(Arc<Dataset>, ScanCounts)> {
        self.scans.iter().map(|(d, m)| (Arc::clone(d), m.snapshot())).collect()
    }
}

/// Where a caller collects the scan counts of the runs made with a
/// [`crate::Config`] (`Config::with_run_metrics`): a run adds what it read
/// when it ends, successful or not. The CLI's `--on-bad-lines warn` reads
/// the bad lines a run skipped from it. Clones share the collection; two
/// are equal when they are the same collection (or both unset).
#[derive(Debug, Clone, Default)]
pub struct RunMetrics(Option<Arc<Mutex<Vec<Scanned>>>>);

/// A dataset's path and what a run read of it.
type Scanned = (PathBuf, ScanCounts);

impl RunMetrics {
    /// A new, empty collection.
    pub fn new() -> Self {
        RunMetrics(Some(Arc::default()))
    }

    /// What the runs read so far, one entry per dataset per run, by the
    /// dataset's path.
    pub fn scans(&self) -> Vec<Scanned> {
        match &self.0 {
            Some(all) => all.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone(),
            None => Vec::new(),
        }
    }

    /// Adds a run's counts.
    pub(crate) fn add(&self, counts: &[(Arc<Dataset>, ScanCounts)]) {
        if let Some(all) = &self.0 {
            let mut all = all.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            all.extend(counts.iter().map(|(d, c)| (d.path().to_path_buf(), *c)));
        }
    }
}

impl PartialEq for RunMetrics {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for RunMetrics {}
