//! Joins of two batches: pandas' `merge` on equal keys (`hash.rs`), and
//! `merge_asof` on the nearest key (`asof.rs`).
//!
//! A join kernel sees two whole batches: the engine has already brought the
//! rows that can match into the same task (by broadcasting the small side,
//! or by hash-shuffling both sides on their keys), so nothing here knows of
//! partitions.
//!
//! - `types.rs`: how (`JoinType`), the join's description (`JoinSpec`);
//! - `schema.rs`: the output columns, as pandas names and orders them;
//! - `keys.rs`: the common type of a pair of key columns;
//! - `hash.rs`: `merge` on equal keys ([`hash_join`]);
//! - `dense.rs`: its probe by key offset for a small-range integer key;
//! - `asof.rs`: `merge_asof` ([`asof_join`], [`AsofSpec`]).

mod asof;
mod dense;
mod hash;
mod keys;
mod schema;
#[cfg(test)]
mod timing;
mod types;

pub use asof::{asof_join, asof_schema, AsofDirection, AsofSpec};
pub use hash::hash_join;
pub use keys::{cast_keys, common_key_type};
pub use schema::{indicator_type, join_schema};
pub use types::{JoinSpec, JoinType, INDICATOR_BOTH, INDICATOR_LEFT_ONLY, INDICATOR_RIGHT_ONLY};
