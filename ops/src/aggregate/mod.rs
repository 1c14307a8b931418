//! Grouped aggregation in three phases: a *partial* state per input batch, a
//! *merge* of states (the tree reduce), and a *finish* to pandas' results.
//!
//! ```text
//! batch ──partial──▶ state ─┐
//! batch ──partial──▶ state ─┼─merge──▶ state ──finish──▶ result
//! batch ──partial──▶ state ─┘   (fan-in split_every, repeated as a tree)
//! ```
//!
//! A state batch holds the distinct keys seen (one column per key, named as
//! the key expressions' output names) followed by each aggregate's state
//! columns; merging state batches is associative, so any tree of merges
//! gives the same result, whatever the partitioning.

mod types;

pub use types::{output_nullable, output_type};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::{Error, Result};
use crate::expr::{AggregateFunction, Expr};

/// One aggregate of a groupby: a function over argument expressions, which
/// are evaluated on the input batch.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateSpec {
    /// The function.
    pub func: AggregateFunction,
    /// Its arguments (none for `size`, two for `corr`).
    pub args: Vec<Expr>,
}

/// How [`finish`] shapes the result, as pandas' `groupby(sort=, dropna=)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupOptions {
    /// Sort the groups by key (nulls last); otherwise first-seen order.
    pub sort: bool,
    /// Drop groups whose key has a null.
    pub dropna: bool,
}

impl Default for GroupOptions {
    fn default() -> Self {
        GroupOptions { sort: true, dropna: true }
    }
}

/// The schema of the state batches of `keys` and `aggs` over `input`. STUB.
///
/// # Errors
/// Unknown columns or types an aggregate does not take.
pub fn state_schema(
    _input: &arrow::datatypes::Schema,
    _keys: &[Expr],
    _aggs: &[AggregateSpec],
) -> Result<SchemaRef> {
    Err(Error::Internal("aggregation not implemented".into()))
}

/// The partial state of one input batch. STUB.
///
/// # Errors
/// Evaluation errors of keys and arguments.
pub fn partial(
    _batch: &RecordBatch,
    _keys: &[Expr],
    _aggs: &[AggregateSpec],
    _options: GroupOptions,
) -> Result<RecordBatch> {
    Err(Error::Internal("aggregation not implemented".into()))
}

/// Merges state batches into one. STUB.
///
/// # Errors
/// States of mismatched schemas.
pub fn merge(_states: &[RecordBatch], _num_keys: usize, _aggs: &[AggregateSpec]) -> Result<RecordBatch> {
    Err(Error::Internal("aggregation not implemented".into()))
}

/// The result from a merged state: key columns, then one column per aggregate. STUB.
///
/// # Errors
/// A state of the wrong shape.
pub fn finish(
    _state: &RecordBatch,
    _num_keys: usize,
    _aggs: &[AggregateSpec],
    _names: &[String],
    _options: GroupOptions,
) -> Result<RecordBatch> {
    Err(Error::Internal("aggregation not implemented".into()))
}
