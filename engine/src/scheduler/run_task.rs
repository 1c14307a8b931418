//! One task run on its own, outside the scheduler: the seam another
//! scheduler (dask.distributed) runs rusk's task graphs through, with the
//! graph as data ([`crate::graph::TaskGraph::to_json`]).

use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use rusk_io::ScanMetrics;
use rusk_ops::{Error, Result};

use crate::graph::Task;

/// What a task outputs: one batch, or, for the sending half of a shuffle,
/// one batch per bucket. Bucket `j` is read by the tasks whose
/// [`Task::bucket`] is `Some(j)`: a shuffle's outputs are addressed as
/// (task, bucket).
#[derive(Debug, Clone)]
pub enum TaskOutput {
    /// One batch.
    Batch(RecordBatch),
    /// One batch per bucket.
    Buckets(Arc<[RecordBatch]>),
}

impl TaskOutput {
    /// The rows and Arrow bytes held (each buffer counted once: buckets
    /// are slices of one batch).
    pub fn size(&self) -> (usize, usize) {
        match self {
            TaskOutput::Batch(b) => (b.num_rows(), super::spill::held_bytes(std::slice::from_ref(b))),
            TaskOutput::Buckets(bs) => {
                (bs.iter().map(RecordBatch::num_rows).sum(), super::spill::held_bytes(bs))
            }
        }
    }

    /// What a consumer whose [`Task::bucket`] is `bucket` reads: the whole
    /// batch (`None`), or one bucket.
    ///
    /// # Errors
    /// [`Error::Internal`] for a bucket of a batch, the batch of buckets,
    /// or a bucket that does not exist.
    pub fn read(&self, bucket: Option<usize>) -> Result<RecordBatch> {
        match (self, bucket) {
            (TaskOutput::Batch(b), None) => Ok(b.clone()),
            (TaskOutput::Buckets(bs), Some(j)) => {
                bs.get(j).cloned().ok_or_else(|| Error::Internal(format!("no bucket {j}")))
            }
            (TaskOutput::Batch(_), Some(_)) => Err(Error::Internal("a bucket read of a batch".into())),
            (TaskOutput::Buckets(_), None) => Err(Error::Internal("a batch read of buckets".into())),
        }
    }
}

/// Runs `task` on its inputs' outputs (`inputs[i]` is what task
/// `task.inputs[i]` output) and returns its output. Scans read their file
/// (reopening it if the graph was deserialized); their reads are not
/// counted anywhere.
///
/// # Errors
/// [`Error::InvalidArgument`] when `inputs` does not match `task.inputs`,
/// and the task's own errors (a user function of a deserialized graph
/// fails: see [`crate::udf::PartitionFn`]).
pub fn run_task(task: &Task, inputs: &[TaskOutput]) -> Result<TaskOutput> {
    if inputs.len() != task.inputs.len() {
        return Err(Error::InvalidArgument(format!(
            "a task of {} inputs given {} outputs",
            task.inputs.len(),
            inputs.len()
        )));
    }
    let batches = inputs.iter().map(|o| o.read(task.bucket)).collect::<Result<Vec<_>>>()?;
    super::task::execute(task, batches, Some(&ScanMetrics::default()))
}
