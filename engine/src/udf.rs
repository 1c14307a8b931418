//! User functions that travel in plans and task graphs: a named `Arc`, so
//! graphs still print and compare. Below both `plan` and `graph`, which
//! hold them; a remote executor cannot run one (it is a Rust closure).

use std::fmt;
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use rusk_ops::Result;

/// A user function over a partition's batch, named for plans and errors.
#[derive(Clone)]
pub struct PartitionFn {
    /// The name shown by `explain` and in errors.
    pub name: String,
    /// The function.
    pub func: Arc<dyn Fn(RecordBatch) -> Result<RecordBatch> + Send + Sync>,
}

impl fmt::Debug for PartitionFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl PartialEq for PartitionFn {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && Arc::ptr_eq(&self.func, &other.func)
    }
}
