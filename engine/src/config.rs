//! Settings of a computation: threads, merge fan-in, memory.

use std::path::PathBuf;
use std::sync::RwLock;

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
    /// Memory budget in bytes for shuffle buckets held between a shuffle's
    /// two halves; `None` (the default) means unbounded. Beyond it, the
    /// largest held bucket outputs spill to Arrow IPC files under
    /// [`Config::spill_dir`], read back by the tasks that need them. Other
    /// intermediate results are bounded by scheduling (threads × partition
    /// size), not by this budget.
    pub memory_limit: Option<usize>,
    /// Where spill files go: a fresh `rusk-spill-<pid>-<n>` directory inside
    /// it, made at the first spill of a run and removed when the run ends
    /// (on success, error or panic). `None` means [`std::env::temp_dir`]
    /// (Dask's `temporary-directory`).
    pub spill_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threads: None,
            split_every: 8,
            split_out_groups: 1_000_000,
            broadcast_threshold: 64 << 20,
            memory_limit: None,
            spill_dir: None,
        }
    }
}

impl Config {
    /// The same settings with `threads` workers.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.max(1));
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

    /// The same settings with spill files under `dir` (see [`Config::spill_dir`]).
    pub fn with_spill_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spill_dir = Some(dir.into());
        self
    }

    /// The number of worker threads to use.
    pub fn worker_threads(&self) -> usize {
        self.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

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
