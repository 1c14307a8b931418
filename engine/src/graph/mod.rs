//! The task graph: what the scheduler runs, as plain data.
//!
//! A task is an operation description ([`TaskOp`]) plus the ids of its
//! inputs; nothing in it is a closure but user functions, which travel as
//! named `Arc`s. That keeps graphs printable and comparable in tests, and
//! leaves room for another scheduler (a distributed one) to run them.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use rusk_io::{Dataset, ScanPartition};
use rusk_ops::aggregate::{AggregateSpec, GroupOptions};
use rusk_ops::expr::Expr;

use crate::plan::PartitionFn;

/// Index of a task in [`TaskGraph::tasks`].
pub type TaskId = usize;

/// Index of a stage in [`TaskGraph::stages`].
pub type StageId = usize;

/// A dataset shared by the scan tasks of a graph; equal when it is the same dataset.
#[derive(Clone)]
pub struct DatasetRef(pub Arc<Dataset>);

impl PartialEq for DatasetRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for DatasetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.path().display())
    }
}

/// A step applied to one batch, row-wise: the fusable part of a task.
#[derive(Debug, Clone, PartialEq)]
pub enum ElementOp {
    /// Keep the rows where the predicate is true.
    Filter(Expr),
    /// Compute these columns.
    Project(Vec<Expr>),
    /// Keep the first `n` rows.
    Head(usize),
    /// Apply a user function.
    Map(PartitionFn),
    /// Turn the batch into a groupby's partial state (the first phase).
    AggregatePartial {
        /// Group keys.
        keys: Vec<Expr>,
        /// Aggregates.
        aggs: Vec<AggregateSpec>,
        /// `sort`/`dropna`.
        options: GroupOptions,
    },
    /// Turn a merged state into the result (the last phase).
    AggregateFinish {
        /// How many leading state columns are keys.
        num_keys: usize,
        /// Aggregates.
        aggs: Vec<AggregateSpec>,
        /// Their output names.
        names: Vec<String>,
        /// `sort`/`dropna`.
        options: GroupOptions,
    },
}

impl ElementOp {
    /// The short name used in stage labels.
    pub fn name(&self) -> &'static str {
        match self {
            ElementOp::Filter(_) => "filter",
            ElementOp::Project(_) => "project",
            ElementOp::Head(_) => "head",
            ElementOp::Map(_) => "map_partitions",
            ElementOp::AggregatePartial { .. } => "partial_agg",
            ElementOp::AggregateFinish { .. } => "finish_agg",
        }
    }
}

/// What a task does to its inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskOp {
    /// Reads a partition of a dataset (no inputs).
    Scan {
        /// The dataset.
        dataset: DatasetRef,
        /// Which part of which file.
        partition: ScanPartition,
        /// The columns to read.
        columns: Vec<String>,
    },
    /// A batch held in memory (no inputs).
    Memory(MemoryBatch),
    /// Concatenates its inputs in order (repartition to fewer partitions, limit).
    Concat {
        /// The output schema (needed when there are no inputs).
        schema: SchemaRef,
    },
    /// Piece `index` of `of` equal row ranges of its one input (repartition to more).
    Split {
        /// Which piece.
        index: usize,
        /// How many pieces.
        of: usize,
    },
    /// Merges the groupby states of its inputs (a node of the tree reduce).
    AggregateMerge {
        /// How many leading state columns are keys.
        num_keys: usize,
        /// Aggregates.
        aggs: Vec<AggregateSpec>,
    },
    /// Writes its one input to a file and outputs an empty batch.
    Write {
        /// The file.
        path: PathBuf,
        /// The format.
        format: WriteFormat,
    },
}

/// The file formats tasks write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteFormat {
    /// CSV, pandas-style values.
    Csv,
    /// Parquet.
    Parquet,
}

/// An in-memory batch; compared by identity of its data, printed by its size.
#[derive(Clone)]
pub struct MemoryBatch(pub RecordBatch);

impl PartialEq for MemoryBatch {
    fn eq(&self, other: &Self) -> bool {
        self.0.num_rows() == other.0.num_rows()
            && self.0.columns().iter().zip(other.0.columns()).all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

impl fmt::Debug for MemoryBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rows", self.0.num_rows())
    }
}

/// One unit of work: an op over inputs, then a fused pipeline of row-wise steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// The source of the task's batch.
    pub op: TaskOp,
    /// Row-wise steps applied to the op's output, in order (fused stages).
    pub pipeline: Vec<ElementOp>,
    /// The tasks whose outputs `op` consumes, in order.
    pub inputs: Vec<TaskId>,
    /// The stage the task belongs to.
    pub stage: StageId,
    /// The partition the task computes within its stage.
    pub partition: usize,
}

/// Tasks that do the same thing to different partitions.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// What the stage does, e.g. `scan parquet+filter+project`.
    pub name: String,
    /// Why, when a choice was made (e.g. the split of a repartition).
    pub detail: Option<String>,
}

/// A DAG of tasks in topological order (every input's id is below its consumer's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskGraph {
    /// The tasks.
    pub tasks: Vec<Task>,
    /// The stages, in the order they were created.
    pub stages: Vec<Stage>,
    /// The tasks whose outputs are the result's partitions, in order.
    pub outputs: Vec<TaskId>,
}

impl TaskGraph {
    /// Adds a stage and returns its id.
    pub fn add_stage(&mut self, name: impl Into<String>) -> StageId {
        self.stages.push(Stage { name: name.into(), detail: None });
        self.stages.len() - 1
    }

    /// Adds a task and returns its id.
    pub fn add_task(&mut self, stage: StageId, partition: usize, op: TaskOp, inputs: Vec<TaskId>) -> TaskId {
        self.tasks.push(Task { op, pipeline: vec![], inputs, stage, partition });
        self.tasks.len() - 1
    }

    /// The ids of the tasks of `stage`.
    pub fn stage_tasks(&self, stage: StageId) -> impl Iterator<Item = TaskId> + '_ {
        self.tasks.iter().enumerate().filter(move |(_, t)| t.stage == stage).map(|(i, _)| i)
    }

    /// The label of a task, as shown in errors and DOT: `stage[partition]`.
    pub fn task_label(&self, id: TaskId) -> String {
        let task = &self.tasks[id];
        format!("{}[{}]", self.stages[task.stage].name, task.partition)
    }
}
