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

/// Keeps freed memory for reuse for [`KEEP_FREED_MS`] before returning it
/// to the kernel. Call it first thing in `main`.
pub fn tune() {
    // SAFETY: `mi_option_set` only stores an integer in mimalloc's option
    // table; any option number and value is accepted.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, KEEP_FREED_MS) };
}
