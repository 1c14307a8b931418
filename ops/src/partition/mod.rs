//! Splitting a batch into buckets: the sending half of every shuffle.
//!
//! A shuffle moves rows between partitions: each input task splits its batch
//! into `n` buckets, and task `j` of the next stage reads bucket `j` of every
//! input. Two ways to choose a row's bucket:
//!
//! - **by hash** of its key columns (`hash.rs`, `split.rs`): equal keys meet
//!   in one bucket whatever partition they came from; groupby with
//!   `split_out` and (later) joins use it;
//! - **by range** of its keys (`range.rs`): bucket `j` holds the keys between
//!   two boundaries drawn from a sample, so the buckets, in order, are in key
//!   order: a sorted groupby and `sort_values` use it.
//!
//! `bounds.rs` finds a column's smallest and largest keys (a division).
//! `groups.rs` cuts a batch into its groups (for `groupby(..).apply`).
//!
//! All reorder the batch once (a stable counting sort of row indices and
//! one `take`), then hand out zero-copy slices.

mod bounds;
mod groups;
mod hash;
mod range;
mod split;

pub use bounds::{key_bounds, missing_mask, KeyBounds};
pub use groups::split_groups;
pub use hash::hash_rows;
pub use range::{range_boundaries, range_sample, range_split};
pub use split::{hash_split, split_by_bucket};
