//! rusk's integration tests, as one test binary: each former
//! `tests/<name>.rs` is the module `<name>` here, and the shared helpers
//! (`common`, `join_common`, `reductions_common`) are compiled once for all
//! of them. A new test file goes in this directory with a `mod` line below.
//! A result that must not depend on partitioning, `split_every` or threads
//! loops over `common::partitionings()` or a sibling of it, so widening a
//! sweep is one edit in `common`.
//!
//! The tests of all modules run in one process, in parallel: none may
//! change process-wide state (`rusk::set_config`, environment variables,
//! the current directory, signal handlers); each passes its settings as a
//! per-run `Config` and sets a child process's environment on its
//! `Command`. Run one module with `cargo test --test it <name>::`.

mod common;
mod join_common;
mod reductions_common;

mod accounting;
mod apply;
mod approx;
mod asof_concat;
mod budget_rss;
mod cli;
mod cli_trust;
mod dates;
mod dedup;
mod delayed;
mod errors;
mod eval;
mod groupby;
mod groupby_cli;
mod index;
mod join_cli;
mod merge;
mod merge_properties;
mod oracle;
mod output;
mod progress;
mod properties;
mod pushdown;
mod reductions;
mod resample;
mod series;
mod sort;
mod sort_cli;
mod spill;
mod task_graph;
mod timedelta;
mod top_n;
mod transform;
mod trust;
mod tz;
mod window;
