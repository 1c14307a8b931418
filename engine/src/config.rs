//! Settings of a computation: threads, merge fan-in, memory, cancellation.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use rusk_ops::{Error, Result};

use crate::progress::{Progress, ProgressSink};
use crate::scheduler::RunMetrics;

/// The most worker threads a run may ask for. Far beyond any core count
/// (a thread per core is the default; more only helps a run waiting on
/// slow disks), and low enough that starting the pool stays instant:
/// thread start-up grows faster than linearly with the count, and
/// `--threads 100000` hung for minutes before this limit.
pub const MAX_THREADS: usize = 1024;

/// The most partitions rusk chooses for a groupby's result, a shuffle
/// join or a sort (from group estimates or the memory budget): beyond
/// this, tasks are too small to pay for themselves.
pub(crate) const MAX_CHOSEN_PARTITIONS: usize = 1024;

/// The fan-in of merge trees unless a run or a groupby says otherwise
/// (Dask's default `split_every`).
pub const DEFAULT_SPLIT_EVERY: usize = 8;

/// How rusk computes. Read the process-wide settings with [`config`], change
/// them with [`set_config`], or pass a `Config` to one computation with
/// `DataFrame::compute_with`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Worker threads; `None` means one per core.
    pub threads: Option<usize>,
    /// Fan-in of the merge tree of reductions (Dask's `split_every`).
    pub split_every: usize,
    /// Groups per result partition: a groupby without `split_out` whose
    /// estimated number of groups is above this shuffles its result into
    /// `⌈groups / split_out_groups⌉` partitions (at least one per thread).
    pub split_out_groups: u64,
    /// A join side estimated at most this many bytes is broadcast to every
    /// partition of the other side instead of shuffling both (default 64 MiB).
    pub broadcast_threshold: u64,
    /// Memory budget in bytes; `None` (the default) means unbounded. The
    /// task outputs a run holds (a shuffle's buckets, the inputs of a
    /// range shuffle waiting for its boundaries, results) stay within it:
    /// beyond it the largest spill to Arrow IPC files under
    /// [`Config::spill_dir`], read back by the tasks that need them. It
    /// also steers `split_out` and the join strategy so that what one task
    /// holds fits a share of it. A running task's own working memory is
    /// not bounded by it (see the README's "Memory budget").
    pub memory_limit: Option<usize>,
    /// Where spill files go: a fresh `rusk-spill-<pid>-<n>` directory inside
    /// it, made at the first spill of a run and removed when the run ends
    /// (on success, error or panic). `None` means [`std::env::temp_dir`]
    /// (Dask's `temporary-directory`).
    pub spill_dir: Option<PathBuf>,
    /// Cancels the run when set: the scheduler starts no new task, awaits
    /// those in flight and returns [`Error::Cancelled`]; spill files and
    /// temporary outputs are removed on the way out. Unset by default.
    pub cancel: Cancel,
    /// Where each run made with these settings adds what its scans read
    /// (see [`RunMetrics`]); unset by default. `analyze` reports a run's
    /// counts without it.
    pub run_metrics: RunMetrics,
    /// Where each run reports its progress (tasks done per stage, rows and
    /// bytes read, bytes spilled); nowhere by default.
    pub progress: ProgressSink,
}

/// A cancellation flag shared by whoever may cancel a run (a signal handler,
/// another thread) and the runs that watch it.
///
/// Two `Cancel`s are equal when they are the same flag (or both unset).
#[derive(Debug, Clone, Default)]
pub struct Cancel(Option<Arc<AtomicBool>>);

impl Cancel {
    /// A cancellation watching `flag` (set it to `true` to cancel); the
    /// shape `signal_hook::flag::register` takes.
    pub fn new(flag: Arc<AtomicBool>) -> Self {
        Cancel(Some(flag))
    }

    /// Whether the run has been cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// [`Error::Cancelled`] once cancelled.
    ///
    /// # Errors
    /// [`Error::Cancelled`] when the flag is set.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            return Err(Error::Cancelled);
        }
        Ok(())
    }
}

impl PartialEq for Cancel {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Cancel {}

impl Default for Config {
    fn default() -> Self {
        Config {
            threads: None,
            split_every: DEFAULT_SPLIT_EVERY,
            split_out_groups: 1_000_000,
            broadcast_threshold: 64 << 20,
            memory_limit: None,
            spill_dir: None,
            cancel: Cancel::default(),
            run_metrics: RunMetrics::default(),
            progress: ProgressSink::default(),
        }
    }
}

impl Config {
    /// The same settings with `threads` workers, from 1 to [`MAX_THREADS`]
    /// (checked when a run starts, see [`Config::check`]).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// The same settings with joins broadcasting sides of at most `bytes`.
    pub fn with_broadcast_threshold(mut self, bytes: u64) -> Self {
        self.broadcast_threshold = bytes;
        self
    }

    /// The same settings with a memory budget of `bytes` for shuffle buckets
    /// (see [`Config::memory_limit`]).
    pub fn with_memory_limit(mut self, bytes: usize) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// The same settings with a memory budget of `mib` MiB (the CLI's
    /// `--memory-limit`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `mib` MiB do not fit in a `usize` of
    /// bytes (the shift once wrapped such values to a budget of 0).
    pub fn with_memory_limit_mib(self, mib: usize) -> Result<Self> {
        let bytes = mib.checked_mul(1 << 20).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "memory limit of {mib} MiB is too large (at most {} MiB)",
                usize::MAX >> 20
            ))
        })?;
        Ok(self.with_memory_limit(bytes))
    }

    /// The same settings with spill files under `dir` (see [`Config::spill_dir`]).
    pub fn with_spill_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spill_dir = Some(dir.into());
        self
    }

    /// The same settings, cancelled when `cancel` is (see [`Config::cancel`]).
    pub fn with_cancel(mut self, cancel: Cancel) -> Self {
        self.cancel = cancel;
        self
    }

    /// The same settings, each run adding its scan counts to `metrics`.
    pub fn with_run_metrics(mut self, metrics: RunMetrics) -> Self {
        self.run_metrics = metrics;
        self
    }

    /// The same settings, drawing each run's progress on stderr when `on`
    /// (bars on a terminal, a line per finished stage otherwise), as Dask's
    /// `ProgressBar`; reporting nowhere when not.
    pub fn with_progress(mut self, on: bool) -> Self {
        self.progress = if on { ProgressSink::stderr() } else { ProgressSink::default() };
        self
    }

    /// The same settings, each run reporting its [`Progress`] to `callback`
    /// after each task, and once more when it ends.
    pub fn with_progress_callback(mut self, callback: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = ProgressSink::callback(callback);
        self
    }

    /// Checks the settings a run cannot use; every run calls it first.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `threads` of 0 (rusk has no "0 means
    /// default": leave `threads` unset for one per core) or above
    /// [`MAX_THREADS`].
    pub fn check(&self) -> Result<()> {
        match self.threads {
            Some(0) => Err(Error::InvalidArgument(
                "threads must be at least 1 (leave it unset for one per core)".into(),
            )),
            Some(n) if n > MAX_THREADS => Err(Error::InvalidArgument(format!(
                "threads must be at most {MAX_THREADS}, got {n} (leave it unset for one per core)"
            ))),
            _ => Ok(()),
        }
    }

    /// The bytes of task outputs held for their consumers beyond which the
    /// largest spill to disk: half the budget, the other half being the
    /// running tasks' ([`Config::task_memory_share`]). `None` without a
    /// budget.
    pub fn held_outputs_limit(&self) -> Option<usize> {
        self.memory_limit.map(|budget| (budget / 2).max(1))
    }

    /// What one task's input may weigh under the memory budget: half of
    /// the budget (the other half for held outputs) shared by the worker
    /// threads, over [`TASK_WORKING_FACTOR`]; at least a byte. `None`
    /// without a budget. Sizes scan partitions, `split_out`, join buckets,
    /// broadcasts and sort ranges.
    pub fn task_memory_share(&self) -> Option<u64> {
        self.memory_limit
            .map(|budget| (budget as u64 / 2 / self.worker_threads() as u64 / TASK_WORKING_FACTOR).max(1))
    }

    /// The number of worker threads to use.
    pub fn worker_threads(&self) -> usize {
        self.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

/// How many times its input a running task holds at its peak: the input,
/// a copy or a hash table about as big (a split's buckets, a sort's
/// reordered rows, a merge's table of distinct keys), its output, and an
/// encoder's or a concatenation's buffer. Measured on h2o q10 at a 64 MiB
/// budget: a bucket's merge peaked at about 4 times its input.
pub const TASK_WORKING_FACTOR: u64 = 4;

static CONFIG: RwLock<Option<Config>> = RwLock::new(None);

/// The process-wide settings.
pub fn config() -> Config {
    // A poisoned lock only means a writer panicked mid-assignment of a plain
    // value; the value is still whole, so read through it.
    let guard = CONFIG.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    guard.clone().unwrap_or_default()
}

/// Replaces the process-wide settings.
pub fn set_config(config: Config) {
    let mut guard = CONFIG.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    *guard = Some(config);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_are_checked_when_a_run_starts() {
        assert!(Config::default().check().is_ok());
        assert!(Config::default().with_threads(MAX_THREADS).check().is_ok());
        for n in [0, MAX_THREADS + 1, 100_000] {
            let err = Config::default().with_threads(n).check().unwrap_err();
            assert!(matches!(&err, Error::InvalidArgument(m) if m.contains("threads")), "{err}");
        }
    }

    #[test]
    fn a_memory_limit_in_mib_never_wraps() {
        assert_eq!(Config::default().with_memory_limit_mib(3).unwrap().memory_limit, Some(3 << 20));
        let err = Config::default().with_memory_limit_mib(usize::MAX >> 19).unwrap_err();
        assert!(matches!(&err, Error::InvalidArgument(m) if m.contains("too large")), "{err}");
    }

    #[test]
    fn cancels_compare_by_identity() {
        let flag = Arc::new(AtomicBool::new(false));
        let cancel = Cancel::new(Arc::clone(&flag));
        assert_eq!(cancel, cancel.clone());
        assert_ne!(cancel, Cancel::new(Arc::new(AtomicBool::new(false))));
        assert_eq!(Cancel::default(), Cancel::default());
        assert!(cancel.check().is_ok());
        flag.store(true, Ordering::Relaxed);
        assert!(matches!(cancel.check(), Err(Error::Cancelled)));
    }
}
