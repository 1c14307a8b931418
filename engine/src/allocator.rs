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
/// kernel: [`KEEP_FREED_MS`], or not at all under a memory budget
/// (`budget` is `Config::memory_limit`), where resident memory is what the
/// user asked to bound (h2o q10 at a 128 MiB budget: 1.18 GB peak RSS
/// keeping freed pages 10 s, 0.78 GB returning them at once). The
/// environment's `MIMALLOC_PURGE_DELAY`, when set, wins (mimalloc reads it
/// itself). Call it first thing in `main`, and again once the budget is
/// known.
pub fn tune(budget: Option<usize>) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    let delay = if budget.is_some() { 0 } else { KEEP_FREED_MS };
    // SAFETY: `mi_option_set` only stores an integer in mimalloc's option
    // table; any option number and value is accepted.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, delay) };
}
