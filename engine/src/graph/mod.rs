//! The task graph: what the scheduler runs, as plain data.
//!
//! A task is an operation description ([`TaskOp`]) plus the ids of its
//! inputs, and every op serializes (serde; [`TaskGraph::to_json`]): a scan
//! is a description of one part of one file that any process can reopen
//! ([`rusk_io::FileScan`]), an in-memory batch travels as Arrow IPC, and a
//! shuffle's outputs are addressed as (task, bucket) through
//! [`Task::bucket`]. User functions are the one exception: they travel by
//! name only ([`Task::calls_user_function`]). With
//! [`crate::scheduler::run_task`], that is the seam by which another
//! scheduler (dask.distributed) runs rusk's graphs.

use std::path::PathBuf;

use arrow::datatypes::SchemaRef;
use rusk_io::FileScan;
use rusk_ops::aggregate::{AggregateSpec, GroupOptions};
use rusk_ops::expr::Expr;
use rusk_ops::join::{AsofSpec, JoinSpec};
use rusk_ops::sort::SortKey;
use rusk_ops::top_n::TopNSpec;
use serde::{Deserialize, Serialize};

use crate::udf::PartitionFn;

mod dedup;
mod wire;

pub use dedup::{DedupStep, DedupTask};
pub use wire::MemoryBatch;

/// Index of a task in [`TaskGraph::tasks`].
pub type TaskId = usize;

/// Index of a stage in [`TaskGraph::stages`].
pub type StageId = usize;

/// A step applied to one batch, row-wise: the fusable part of a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
        /// May a batch whose keys barely repeat pass on as one state per
        /// row (`rusk_ops::aggregate::partial_or_rows`)? Only where every
        /// state is merged with others before the finish: a shuffle's.
        may_pass_rows: bool,
    },
    /// Call a user function on each group of the batch (whole groups:
    /// the batch is one bucket of a shuffle by key).
    GroupApply {
        /// The key columns.
        keys: Vec<String>,
        /// The function.
        func: PartitionFn,
        /// `sort`/`dropna`.
        options: GroupOptions,
        /// Keys put in front of the function's output.
        prepended: Vec<String>,
        /// The output schema (of an empty result).
        schema: SchemaRef,
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
    /// Keep at most `n` candidate rows per group (a top-n's first phase).
    TopNCandidates(TopNSpec),
    /// Order the merged candidates into the result (a top-n's last phase).
    TopNFinish(TopNSpec),
    /// Sort the whole batch by these keys, ties in row order (`sort_values`).
    Sort(Vec<SortKey>),
    /// The first `n` rows of that sort, the others never ordered
    /// (`sort_values(by).head(n)`).
    SortHead {
        /// The keys, as for `Sort`.
        keys: Vec<SortKey>,
        /// Rows kept.
        n: usize,
    },
    /// A step of `drop_duplicates` / `duplicated`.
    Dedup(DedupStep),
    /// A partition's summary for a window's prefix pass (its totals and
    /// last rows: `rusk_ops::window::summarize`).
    WindowSummary(rusk_ops::window::Windows),
    /// Adds a row for every empty bin inside each group's span of a
    /// finished resample (keys, then the bin, then the aggregates).
    FillBins {
        /// How many group keys come before the bin column.
        group_keys: usize,
        /// The bins.
        bins: rusk_ops::time::Bins,
        /// The aggregate columns (by index) that read a value in an empty
        /// bin (0 for a count or a sum, 1 for a product); the others null.
        fills: Vec<(usize, i64)>,
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
            ElementOp::GroupApply { .. } => "group_apply",
            ElementOp::TopNCandidates(_) => "top_n",
            ElementOp::TopNFinish(_) => "finish_top_n",
            ElementOp::Sort(_) => "sort",
            ElementOp::SortHead { .. } => "sort_head",
            ElementOp::Dedup(step) => step.name(),
            ElementOp::FillBins { .. } => "fill_bins",
            ElementOp::WindowSummary(_) => "window_summary",
        }
    }
}

/// What a task does to its inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TaskOp {
    /// Reads a partition of a dataset (no inputs).
    Scan(Box<FileScan>),
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
    /// Splits its one input into `n` buckets by the hash of `keys` (the
    /// sending half of a hash shuffle; outputs buckets).
    HashSplit {
        /// The key columns.
        keys: Vec<String>,
        /// How many buckets.
        n: usize,
    },
    /// The sample of its one input's keys that `RangeBoundaries` draws from
    /// (for a range shuffle): a few rows, so that the boundaries never need
    /// every input whole at once.
    RangeSample {
        /// The key columns and their order.
        keys: Vec<SortKey>,
        /// How many buckets.
        n: usize,
        /// How many inputs the shuffle has (each samples its share).
        inputs: usize,
    },
    /// Draws at most `n - 1` bucket boundaries from its inputs, the
    /// `RangeSample`s of every input of a range shuffle.
    RangeBoundaries {
        /// The key columns and their order.
        keys: Vec<SortKey>,
        /// How many buckets.
        n: usize,
    },
    /// Splits its first input into `n` buckets by the boundaries its second
    /// input holds (the sending half of a range shuffle; outputs buckets).
    RangeSplit {
        /// The key columns and their order.
        keys: Vec<SortKey>,
        /// How many buckets.
        n: usize,
    },
    /// Re-selects the top-n candidates of its inputs' concatenation (a
    /// node of a top-n's tree reduce).
    TopNMerge {
        /// The candidates' schema (needed to concatenate).
        schema: SchemaRef,
        /// The top-n.
        spec: TopNSpec,
    },
    /// Gives each row of its first input (a partition) the values of its
    /// group's row in its second (a groupby's result, keys first): a
    /// transform's broadcast.
    Broadcast {
        /// The group keys, over the partition.
        keys: Vec<Expr>,
    },
    /// Joins its inputs: the first `left_inputs` are pieces of the left side
    /// (concatenated), the rest pieces of the right side (a broadcast join
    /// has one of each; a shuffle join's bucket task reads bucket `j` of
    /// every split of both sides).
    HashJoin {
        /// Keys, join type, suffixes, indicator.
        spec: JoinSpec,
        /// How many leading inputs are the left side's.
        left_inputs: usize,
        /// The left side's schema (needed when it has no piece).
        left_schema: SchemaRef,
        /// The right side's schema.
        right_schema: SchemaRef,
    },
    /// Matches each row of its first input (a left partition) with the
    /// nearest row of its second (the whole right side, sorted): `merge_asof`.
    AsofJoin {
        /// Keys, direction, tolerance, suffixes.
        spec: AsofSpec,
    },
    /// Folds the window summaries of every partition, its inputs in
    /// partition order, into what each partition carries in (the prefix
    /// pass: `rusk_ops::window::carries`).
    WindowCarry {
        /// The methods and their groups.
        windows: rusk_ops::window::Windows,
    },
    /// Its first input is partition `partition`, its second the carries:
    /// the partition with the window's columns.
    WindowApply {
        /// The methods and their groups.
        windows: rusk_ops::window::Windows,
        /// The new columns' names.
        names: Vec<String>,
        /// Which partition.
        partition: usize,
    },
    /// A task of `drop_duplicates` / `duplicated` (its route outputs buckets).
    Dedup(DedupTask),
    /// Writes its one input to a file and outputs an empty batch.
    Write {
        /// The file.
        path: PathBuf,
        /// The format.
        format: WriteFormat,
        /// Whether a CSV file starts with the header line (every part of a
        /// directory does; of one file's parts, the first only).
        #[serde(default = "yes")]
        header: bool,
    },
    /// Joins the files its inputs (`Write` tasks) wrote, in order, into
    /// one new file and removes them: one-file output (CSV: their bytes;
    /// Parquet: their row groups).
    JoinFiles {
        /// The parts, in order.
        parts: Vec<PathBuf>,
        /// The file.
        path: PathBuf,
        /// Their format.
        #[serde(default = "csv")]
        format: WriteFormat,
    },
}

fn yes() -> bool {
    true
}

fn csv() -> WriteFormat {
    WriteFormat::Csv
}

/// The file formats tasks write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteFormat {
    /// CSV, pandas-style values.
    Csv,
    /// Parquet.
    Parquet,
}

/// One unit of work: an op over inputs, then a fused pipeline of row-wise steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The source of the task's batch.
    pub op: TaskOp,
    /// Row-wise steps applied to the op's output, in order (fused stages).
    pub pipeline: Vec<ElementOp>,
    /// The tasks whose outputs `op` consumes, in order.
    pub inputs: Vec<TaskId>,
    /// For the receiving half of a shuffle: the bucket this task reads from
    /// each of its inputs (which output buckets); `None` for whole outputs.
    pub bucket: Option<usize>,
    /// The stage the task belongs to.
    pub stage: StageId,
    /// The partition the task computes within its stage.
    pub partition: usize,
}

impl Task {
    /// Whether the task calls a user function (`map_partitions`, a
    /// groupby `apply`): its code is a closure of this process, which a
    /// serialized graph names but does not carry, so a remote executor
    /// must refuse such a task or supply the function itself.
    pub fn calls_user_function(&self) -> bool {
        self.pipeline.iter().any(|step| matches!(step, ElementOp::Map(_) | ElementOp::GroupApply { .. }))
    }
}

/// Tasks that do the same thing to different partitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// What the stage does, e.g. `scan parquet+filter+project`.
    pub name: String,
    /// Why, when a choice was made (e.g. the split of a repartition).
    pub detail: Option<String>,
}

/// A DAG of tasks in topological order (every input's id is below its consumer's).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
        self.tasks.push(Task { op, pipeline: vec![], inputs, bucket: None, stage, partition });
        self.tasks.len() - 1
    }

    /// Adds a task reading bucket `bucket` of each of `inputs` (a shuffle's
    /// receiving half) and returns its id.
    pub fn add_bucket_task(
        &mut self,
        stage: StageId,
        bucket: usize,
        op: TaskOp,
        inputs: Vec<TaskId>,
    ) -> TaskId {
        let id = self.add_task(stage, bucket, op, inputs);
        self.tasks[id].bucket = Some(bucket);
        id
    }

    /// The ids of the tasks of `stage`.
    pub fn stage_tasks(&self, stage: StageId) -> impl Iterator<Item = TaskId> + '_ {
        self.tasks.iter().enumerate().filter(move |(_, t)| t.stage == stage).map(|(i, _)| i)
    }

    /// Drops the tasks no output needs (the reads of partitions pruned by
    /// an index's divisions), renumbering the others in order; stages stay.
    pub fn retain_needed(&mut self) {
        let n = self.tasks.len();
        let mut needed = vec![false; n];
        let mut stack = self.outputs.clone();
        while let Some(id) = stack.pop() {
            if id < n && !needed[id] {
                needed[id] = true;
                stack.extend(&self.tasks[id].inputs);
            }
        }
        if needed.iter().all(|&b| b) {
            return;
        }
        let mut new_id = vec![0; n];
        let mut next = 0;
        for (id, &keep) in needed.iter().enumerate() {
            new_id[id] = next;
            next += usize::from(keep);
        }
        let tasks = std::mem::take(&mut self.tasks);
        self.tasks = tasks
            .into_iter()
            .zip(&needed)
            .filter(|(_, &keep)| keep)
            .map(|(mut t, _)| {
                t.inputs.iter_mut().for_each(|i| *i = new_id[*i]);
                t
            })
            .collect();
        self.outputs.iter_mut().for_each(|o| *o = new_id[*o]);
    }

    /// The label of a task, as shown in errors and DOT: `stage[partition]`.
    pub fn task_label(&self, id: TaskId) -> String {
        let task = &self.tasks[id];
        format!("{}[{}]", self.stages[task.stage].name, task.partition)
    }
}
