//! rusk's task graph for another scheduler (dask.distributed): each task as
//! JSON with its inputs, and the function a worker calls to run one.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList};
use rusk::graph::{ElementOp, Task};
use rusk::scheduler::{run_task as run_one, TaskOutput};

use crate::arrow_stream;
use crate::errors::IntoPy;
use crate::udf::partition_fn;

/// One task of a graph, for the Python side to turn into a dask task.
#[pyclass(module = "rusk._rusk", frozen, get_all)]
pub struct GraphTask {
    /// The task as JSON (its op, pipeline, inputs and bucket).
    pub json: String,
    /// The ids of its inputs' tasks.
    pub inputs: Vec<usize>,
    /// The bucket it reads from each input (a shuffle's receiving half).
    pub bucket: Option<usize>,
    /// Its stage's index and name.
    pub stage: (usize, String),
    /// The partition it computes within its stage.
    pub partition: usize,
    /// The user functions it calls, by name.
    pub functions: Vec<String>,
}

/// The optimized plan's task graph: its tasks in topological order and
/// the ids of the tasks whose outputs are the result's partitions.
pub fn task_graph(frame: &rusk::DataFrame) -> PyResult<(Vec<GraphTask>, Vec<usize>)> {
    let graph = frame.task_graph().py_err()?;
    let mut tasks = Vec::with_capacity(graph.tasks.len());
    for task in &graph.tasks {
        let json = serde_json_task(task)?;
        let functions = task
            .pipeline
            .iter()
            .filter_map(|step| match step {
                ElementOp::Map(f) | ElementOp::GroupApply { func: f, .. } => Some(f.name.clone()),
                _ => None,
            })
            .collect();
        tasks.push(GraphTask {
            json,
            inputs: task.inputs.clone(),
            bucket: task.bucket,
            stage: (task.stage, graph.stages[task.stage].name.clone()),
            partition: task.partition,
            functions,
        });
    }
    Ok((tasks, graph.outputs.clone()))
}

fn serde_json_task(task: &Task) -> PyResult<String> {
    serde_json::to_string(task).map_err(|e| PyValueError::new_err(format!("task to JSON: {e}")))
}

/// Runs one task of a graph on a worker; its errors name the task by
/// `label` (`stage[partition]`) as the threaded scheduler's do. `inputs`
/// are its inputs' outputs
/// as Arrow data, already narrowed to the task's bucket; `functions` maps
/// the names of the user functions it calls to their Python callers.
/// Returns an Arrow stream capsule, or a list of them (one per bucket) for
/// the sending half of a shuffle.
#[pyfunction]
pub fn run_task<'py>(
    py: Python<'py>,
    json: &str,
    label: &str,
    functions: &Bound<'py, PyDict>,
    inputs: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut task: Task =
        serde_json::from_str(json).map_err(|e| PyValueError::new_err(format!("not a rusk task: {e}")))?;
    for step in &mut task.pipeline {
        if let ElementOp::Map(f) | ElementOp::GroupApply { func: f, .. } = step {
            if let Some(caller) = functions.get_item(&f.name)? {
                *f = partition_fn(f.name.clone(), caller.unbind());
            }
        }
    }
    // The caller narrowed each input to the bucket already.
    task.bucket = None;
    let inputs = inputs
        .iter()
        .map(|input| Ok(TaskOutput::Batch(arrow_stream::import_batch(input)?)))
        .collect::<PyResult<Vec<_>>>()?;
    let partition = task.partition;
    let output = py.detach(|| run_one(&task, &inputs)).map_err(|e| e.with_task(label, partition)).py_err()?;
    match output {
        TaskOutput::Batch(batch) => Ok(arrow_stream::export(py, batch.schema(), vec![batch])?.into_any()),
        TaskOutput::Buckets(buckets) => {
            let capsules = buckets
                .iter()
                .map(|b| arrow_stream::export(py, b.schema(), vec![b.clone()]))
                .collect::<PyResult<Vec<Bound<'py, PyCapsule>>>>()?;
            Ok(PyList::new(py, capsules)?.into_any())
        }
    }
}
