//! Thread pools, built once per thread count and reused across runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::{ThreadPool, ThreadPoolBuilder};
use rusk_ops::{Error, Result};

static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();

/// The pool with `threads` threads.
pub(super) fn get(threads: usize) -> Result<Arc<ThreadPool>> {
    let pools = POOLS.get_or_init(Mutex::default);
    let mut pools = pools.lock().map_err(|_| Error::Internal("thread pool registry poisoned".into()))?;
    if let Some(pool) = pools.get(&threads) {
        return Ok(Arc::clone(pool));
    }
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("rusk-worker-{i}"))
        .build()
        .map_err(|e| Error::Internal(format!("cannot start {threads} threads: {e}")))?;
    let pool = Arc::new(pool);
    pools.insert(threads, Arc::clone(&pool));
    Ok(pool)
}
