//! Runs a task graph on a rayon thread pool.
//!
//! The calling thread coordinates: it keeps the ready tasks in a priority
//! queue, hands at most `threads` of them to the pool at a time, and collects
//! their results from a channel. Two rules bound memory:
//! - **depth first**: among ready tasks, the one deepest in the graph runs
//!   first (as Dask orders its graphs), so partitions flow through to their
//!   consumers instead of piling up at the sources;
//! - **free early**: an intermediate result is dropped as soon as its last
//!   consumer has run.
//!
//! Some outputs wait for many others (a shuffle's buckets, a range
//! shuffle's inputs); with a memory limit, held outputs beyond it spill to
//! disk (`spill`).
//!
//! The first error stops the scheduling of new tasks; the ones in flight are
//! awaited and the error returns, naming the task and partition. A
//! cancellation ([`Config::cancel`]) stops it the same way, checked before
//! each task starts.

mod dedup;
mod ledger;
mod pool;
mod progress;
mod run_task;
mod scan_metrics;
mod spill;
mod task;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use arrow::record_batch::RecordBatch;
use rusk_ops::{Error, Result};

use crate::config::Config;
use crate::graph::{TaskGraph, TaskId};
use ledger::Ledger;
pub use ledger::{MemoryStats, StageMemory};
use progress::RunProgress;
pub use run_task::{run_task, TaskOutput};
pub use scan_metrics::RunMetrics;
pub(crate) use scan_metrics::RunScans;
use spill::Held;
pub use spill::SpillStats;
use spill::SpillStore;

/// What one task produced, for `explain(analyze)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskStats {
    /// Output rows.
    pub rows: usize,
    /// Output bytes (Arrow buffers).
    pub bytes: usize,
    /// Time the task ran.
    pub elapsed: Duration,
}

/// The results of a run: the target tasks' outputs and every task's stats.
#[derive(Debug, Default)]
pub struct RunOutput {
    /// One batch per target, in the order asked.
    pub batches: Vec<RecordBatch>,
    /// Stats of each task that ran (indexed by task id).
    pub stats: Vec<Option<TaskStats>>,
    /// What was spilled to stay within the memory limit.
    pub spill: SpillStats,
    /// What each scanned dataset read in this run.
    pub scans: Vec<(std::sync::Arc<rusk_io::Dataset>, rusk_io::ScanCounts)>,
    /// What the task outputs held in memory, in all and by stage.
    pub memory: MemoryStats,
}

/// Runs the tasks `targets` need, on `threads` threads, and returns the
/// targets' outputs.
///
/// # Errors
/// The first task error, with the task's label and partition in its location.
pub fn run(graph: &TaskGraph, targets: &[TaskId], threads: usize) -> Result<RunOutput> {
    run_with(graph, targets, &Config::default().with_threads(threads))
}

/// The worker pool of `threads` threads that runs tasks (built once per
/// thread count, then reused), for work a caller runs beside a graph's,
/// such as the command formatting its CSV output.
///
/// # Errors
/// [`Error::Internal`] when the threads cannot start.
pub fn thread_pool(threads: usize) -> Result<std::sync::Arc<rayon::ThreadPool>> {
    pool::get(threads)
}

/// [`run`] with `config`'s threads, memory limit and cancellation.
///
/// # Errors
/// As [`run`]; [`Error::Io`] naming a spill file that could not be written;
/// [`Error::InvalidArgument`] for settings [`Config::check`] refuses;
/// [`Error::Cancelled`] when `config.cancel` is set before the last task
/// starts (the spill directory is removed either way).
pub fn run_with(graph: &TaskGraph, targets: &[TaskId], config: &Config) -> Result<RunOutput> {
    config.check()?;
    let n = graph.tasks.len();
    let threads = config.worker_threads();
    let pool = pool::get(threads)?;

    // Which tasks are needed, how many consumers each has, and reverse edges.
    let mut needed = vec![false; n];
    let mut stack: Vec<TaskId> = targets.to_vec();
    while let Some(id) = stack.pop() {
        if id >= n {
            return Err(Error::Internal(format!("task {id} is not in the graph")));
        }
        if !needed[id] {
            needed[id] = true;
            stack.extend(&graph.tasks[id].inputs);
        }
    }
    let mut consumers_left = vec![0usize; n];
    let mut inputs_left = vec![0usize; n];
    let mut consumers: Vec<Vec<TaskId>> = vec![vec![]; n];
    let mut depth = vec![0usize; n];
    for id in (0..n).filter(|&i| needed[i]) {
        let task = &graph.tasks[id];
        inputs_left[id] = task.inputs.len();
        for &input in &task.inputs {
            if input >= id {
                return Err(Error::Internal("task graph is not in topological order".into()));
            }
            consumers_left[input] += 1;
            consumers[input].push(id);
            depth[id] = depth[id].max(depth[input] + 1);
        }
    }
    for &t in targets {
        consumers_left[t] += 1;
    }

    // Deepest first, then lowest id (partition order within a stage).
    let mut ready: BinaryHeap<(usize, Reverse<TaskId>)> =
        (0..n).filter(|&i| needed[i] && inputs_left[i] == 0).map(|i| (depth[i], Reverse(i))).collect();
    let mut results: Vec<Option<Held>> = vec![None; n];
    let mut stats: Vec<Option<TaskStats>> = vec![None; n];
    let (tx, rx) = mpsc::channel::<(TaskId, Result<TaskOutput>, Duration)>();
    let mut in_flight = 0usize;
    let mut first_error: Option<Error> = None;
    // Dropped on every way out of this function, panics included, which
    // removes the spill directory.
    let mut spill = SpillStore::new(config.held_outputs_limit(), config.spill_dir.clone());
    let mut ledger = Ledger::new(graph);
    // The run's own scan counters and progress, reported on every way out too.
    let mut report = ReportOnDrop {
        scans: RunScans::for_graph(graph, &needed),
        sink: &config.run_metrics,
        progress: RunProgress::start(&config.progress, graph, &needed),
        spilled: 0,
    };

    loop {
        if first_error.is_none() && config.cancel.is_cancelled() {
            // Checked between tasks: those in flight finish (or fail) first.
            first_error = Some(Error::Cancelled);
        }
        while first_error.is_none() && in_flight < threads {
            let Some((_, Reverse(id))) = ready.pop() else { break };
            let task = graph.tasks[id].clone();
            let metrics = report.scans.of_task(graph, id);
            let mut inputs = Vec::with_capacity(task.inputs.len());
            for &i in &task.inputs {
                let output =
                    results[i].as_ref().ok_or_else(|| Error::Internal(format!("input {i} missing")))?;
                // Read on the worker: a spilled bucket comes from disk.
                inputs.push(output.clone());
            }
            let tx = tx.clone();
            pool.spawn(move || {
                let start = Instant::now();
                let run = || {
                    let batches = inputs.iter().map(|o| o.read(task.bucket)).collect::<Result<Vec<_>>>()?;
                    drop(inputs);
                    task::execute(&task, batches, metrics.as_deref())
                };
                let result = catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|panic| {
                    Err(Error::Internal(format!("task panicked: {}", panic_message(&panic))))
                });
                // The receiver outlives every task it waits for; a send can
                // only fail after an early return, when nobody needs the result.
                let _ = tx.send((id, result, start.elapsed()));
            });
            in_flight += 1;
        }
        if in_flight == 0 {
            break;
        }
        let (id, result, elapsed) = next_result(&rx)?;
        in_flight -= 1;
        match result {
            Ok(output) => {
                let (rows, bytes) = output.size();
                stats[id] = Some(TaskStats { rows, bytes, elapsed });
                results[id] = Some(Held::Output(output));
                ledger.hold(id, bytes);
                for &input in &graph.tasks[id].inputs {
                    consumers_left[input] -= 1;
                    if consumers_left[input] == 0 {
                        results[input] = None;
                        spill.release(input);
                        ledger.release(input, 0);
                    }
                }
                match spill.admit(id, bytes, &mut results) {
                    Ok(spilled) => {
                        spilled.into_iter().for_each(|(victim, disk)| ledger.release(victim, disk))
                    }
                    Err(e) => {
                        first_error
                            .get_or_insert(e.with_task(graph.task_label(id), graph.tasks[id].partition));
                    }
                }
                for &c in &consumers[id] {
                    inputs_left[c] -= 1;
                    if inputs_left[c] == 0 {
                        ready.push((depth[c], Reverse(c)));
                    }
                }
            }
            Err(e) => {
                if first_error.is_none() {
                    let task = &graph.tasks[id];
                    first_error = Some(e.with_task(graph.task_label(id), task.partition));
                }
            }
        }
        report.spilled = spill.bytes_written();
        report.progress.task_finished(graph, id, &report.scans, report.spilled);
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    let batches = targets
        .iter()
        .map(|&t| match &results[t] {
            Some(output) => output.read(None),
            None => Err(Error::Internal(format!("target {t} did not run"))),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(RunOutput {
        batches,
        stats,
        spill: spill.stats(),
        scans: report.scans.counts(),
        memory: ledger.stats(),
    })
}

/// A run's scan counters, added to the caller's [`RunMetrics`] when the run
/// ends, however it ends, and its progress, whose last report is made then.
struct ReportOnDrop<'a> {
    scans: RunScans,
    sink: &'a RunMetrics,
    progress: RunProgress<'a>,
    /// Bytes spilled as of the last task that finished.
    spilled: u64,
}

impl Drop for ReportOnDrop<'_> {
    fn drop(&mut self) {
        self.progress.finish(&self.scans, self.spilled);
        self.sink.add(&self.scans.counts());
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// The next finished task's message. A run started from inside a task
/// (a user function that computes a frame, a delayed part) runs on a pool
/// thread: blocking it would leave its own tasks no thread to run on once
/// every pool thread waits so (a deadlock), so it runs pending pool work
/// while it waits instead.
fn next_result<T>(rx: &mpsc::Receiver<T>) -> Result<T> {
    let closed = || Error::Internal("scheduler channel closed".into());
    if rayon::current_thread_index().is_none() {
        return rx.recv().map_err(|_| closed());
    }
    loop {
        match rx.try_recv() {
            Ok(message) => return Ok(message),
            Err(mpsc::TryRecvError::Disconnected) => return Err(closed()),
            Err(mpsc::TryRecvError::Empty) => {
                if rayon::yield_now() != Some(rayon::Yield::Executed) {
                    match rx.recv_timeout(Duration::from_millis(1)) {
                        Ok(message) => return Ok(message),
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        Err(mpsc::RecvTimeoutError::Disconnected) => return Err(closed()),
                    }
                }
            }
        }
    }
}
