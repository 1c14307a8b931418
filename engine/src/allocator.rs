//! The allocator the `rusk` command and the bench binaries install, and how
//! it is tuned. The library itself sets no allocator: a program that uses
//! rusk picks its own.
//!
//! mimalloc rather than the system allocator: glibc hands large blocks back
//! to the kernel on free, so every batch-sized buffer paid fresh page
//! faults (a third of the time of a 1e7-row join or groupby was the
//! kernel's).

pub use mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e` in
/// mimalloc.h, v2.1 and v3): the milliseconds a freed page is kept before
/// it is handed back to the kernel. libmimalloc-sys does not name it.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory is kept for reuse: 10 s, jemalloc's default
/// decay (the allocator Polars installs). With mimalloc's 1 s a query run
/// again in the same process faulted in its buffers afresh (a fifth of a
/// warm 1e7-row Parquet read was the kernel clearing pages).
const KEEP_FREED_MS: std::ffi::c_long = 10_000;

/// The environment variable that makes mimalloc commit its arenas as they
/// are used rather than whole, read once when it starts (before `main`;
/// setting the option later leaves the first arena as it was). Committed
/// whole, an arena's freed pages are reset with `MADV_FREE` and stay in the
/// resident set until the kernel wants them; committed as used, they are
/// decommitted and leave it. Under a budget that is the difference
/// between a 1e6-row sort at `--memory-limit 32` peaking at 105 MB and at
/// 71 MB; without one, lazy commits cost h2o q3 a fifth of its time. So
/// the command starts itself again with it set when given a budget.
pub const LAZY_ARENAS: (&str, &str) = ("MIMALLOC_ARENA_EAGER_COMMIT", "0");

/// Sets how long freed memory is kept for reuse before it goes back to the
/// kernel, for a run with `config`'s budget and threads: [`KEEP_FREED_MS`]
/// without a budget; under one, [`budgeted_purge_delay_ms`]. The
/// environment's `MIMALLOC_PURGE_DELAY`, when set, wins (mimalloc reads it
/// itself). Call it first thing in `main`, and again once the budget is
/// known. Set after memory was freed, a shorter delay did not hold (an
/// arena's first purge keeps the delay it was scheduled with), so the
/// `rusk` command passes the budget's delay through the environment when it
/// starts itself again for a budget; this call is the fallback.
pub fn tune(config: &crate::Config) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    let delay = match config.memory_limit {
        None => KEEP_FREED_MS,
        Some(budget) => budgeted_purge_delay_ms(budget, config.worker_threads()),
    };
    // SAFETY: `mi_option_set` only stores an integer in mimalloc's option
    // table; any option number and value is accepted.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, delay) };
}

/// How long freed memory is kept under a budget of `budget` bytes shared
/// by `threads` threads: a millisecond per ten MiB of the budget a thread
/// has. Resident memory is what the user asked to bound, but handing every
/// freed page back at once made half of a budgeted run system time (h2o
/// q3 over 1e8 CSV rows at a 1 GiB budget, 2 threads: 30.9 s, 29.9 s of
/// it system, 672 MiB peak; keeping freed pages 50 ms: 20.0 s, 751 MiB).
/// What is kept grows with the delay and the threads freeing (measured:
/// about 1.2 MB per millisecond per thread), so this keeps about an eighth
/// of the budget (1e7-row q10, sort and join at 256 MiB, 2 threads, 12 ms:
/// 20–30% faster, peaks 233–282 MB instead of 218–261).
pub fn budgeted_purge_delay_ms(budget: usize, threads: usize) -> std::ffi::c_long {
    let per_thread_mib = budget / threads.max(1) / (1 << 20);
    std::ffi::c_long::try_from(per_thread_mib / 10).unwrap_or(std::ffi::c_long::MAX)
}
