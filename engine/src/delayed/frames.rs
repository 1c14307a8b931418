//! Frames and delayed values, both ways: a frame's partitions as delayed
//! batches, and delayed batches as a frame's partitions (Dask's
//! `to_delayed` / `from_delayed`).

use std::sync::Arc;

use arrow::array::{RecordBatch, UInt32Array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use rusk_ops::{Error, Result};

use super::{delayed, Delayed};
use crate::api::{from_batches, DataFrame};
use crate::config::config;
use crate::scheduler;

impl DataFrame {
    /// One delayed batch per partition of the frame's task graph (planned
    /// now, with the process-wide settings). Computing part `i` runs only
    /// the tasks partition `i` needs; computing several in one
    /// [`super::compute_all`] runs the tasks they share once per part.
    ///
    /// # Errors
    /// As [`DataFrame::task_graph`].
    pub fn to_delayed(&self) -> Result<Vec<Delayed<RecordBatch>>> {
        let graph = Arc::new(self.task_graph()?);
        Ok((0..graph.outputs.len())
            .map(|i| {
                let graph = Arc::clone(&graph);
                delayed("partition", move || {
                    let target = graph.outputs[i];
                    let mut out = scheduler::run_with(&graph, &[target], &config())?;
                    out.batches
                        .pop()
                        .ok_or_else(|| Error::Internal(format!("partition {i} computed nothing")))
                })
            })
            .collect())
    }
}

/// A frame whose partition `i` is `parts[i]`'s batch (Dask's
/// `from_delayed`): lazy until the frame is computed, each part computed
/// by the partition's task. A part whose batch does not have `schema` is
/// an error naming the part.
///
/// # Errors
/// [`Error::InvalidArgument`] for no parts.
pub fn from_delayed(parts: Vec<Delayed<RecordBatch>>, schema: SchemaRef) -> Result<DataFrame> {
    if parts.is_empty() {
        return Err(Error::InvalidArgument("from_delayed needs at least one part".into()));
    }
    // Each partition starts as its own index, which the function turns into
    // that part's batch; the empty batch (meta) into an empty `schema` one.
    let marker = Arc::new(Schema::new(vec![Field::new("part", DataType::UInt32, false)]));
    let markers = (0..parts.len())
        .map(|i| {
            let index = u32::try_from(i).map_err(|_| Error::InvalidArgument("too many parts".into()))?;
            Ok(RecordBatch::try_new(Arc::clone(&marker), vec![Arc::new(UInt32Array::from(vec![index]))])?)
        })
        .collect::<Result<Vec<_>>>()?;
    let parts = Arc::new(parts);
    from_batches(marker, markers)?.map_partitions("from_delayed", move |batch: RecordBatch| {
        let Some(index) = batch.column(0).as_any().downcast_ref::<UInt32Array>().filter(|a| a.len() == 1)
        else {
            return Ok(RecordBatch::new_empty(Arc::clone(&schema)));
        };
        let i = index.value(0) as usize;
        let part = &parts[i];
        // One thread: this already runs on one of the frame's.
        let out = part.compute_with(&config().with_threads(1))?;
        if out.schema().fields() != schema.fields() {
            return Err(Error::InvalidArgument(format!(
                "part {i} ({}) has the columns [{}], not the frame's [{}]",
                part.key(),
                columns(&out.schema()),
                columns(&schema)
            )));
        }
        Ok(out.with_schema(Arc::clone(&schema))?)
    })
}

/// `name: type, ...`, for a schema mismatch's message.
fn columns(schema: &Schema) -> String {
    let fields = schema.fields().iter().map(|f| format!("{}: {}", f.name(), f.data_type()));
    fields.collect::<Vec<_>>().join(", ")
}
