//! `DataFrame`: a lazy plan with pandas' methods.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use rusk_io::metrics::ScanCounts;
use rusk_io::write::PendingOutput;
use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use super::GroupBy;
use crate::config::{config, Config};
use crate::display::{dtype_name, format_frame, format_lazy, DisplayOptions};
use crate::execute::{execute, plan_for_run, scanned};
use crate::explain::{
    analyze_report, memory_summary, node_label, plan_tree, stage_counts, stage_summary, to_dot,
};
use crate::graph::{TaskGraph, WriteFormat};
use crate::lower::{lower, lower_write, WriteLayout};
use crate::optimizer::Destination;
use crate::plan::{Filter, InMemory, Limit, LogicalPlan, MapPartitions, PartitionFn, Project, Repartition};
use crate::query::parse_query;
use crate::scheduler;

/// Where a one-file output's parts are written: a hidden sibling.
fn parts_dir(path: &Path) -> std::path::PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.parts"))
}

/// The format an output path's extension names, if any.
fn other_format_extension(ext: &str) -> Option<&'static str> {
    match ext {
        "csv" | "tsv" => Some("csv"),
        "parquet" | "parq" => Some("parquet"),
        _ => None,
    }
}

/// A partitioned, lazy table: a logical plan and the schema it produces.
///
/// Every method returns a new frame with a bigger plan; nothing is read until
/// [`DataFrame::compute`] (or `head`, `len`, `to_parquet`, ...). Schema and
/// type errors surface when the method is called, not at compute time.
///
/// Missing values are Arrow nulls, not NaN: comparisons with a null are null
/// and filters drop them, as with pandas' nullable (`pyarrow`) dtypes.
#[derive(Clone)]
pub struct DataFrame {
    plan: Arc<LogicalPlan>,
}

impl DataFrame {
    pub(crate) fn from_plan(plan: LogicalPlan) -> Self {
        DataFrame { plan: Arc::new(plan) }
    }

    /// The logical plan (for tools that print or inspect it).
    pub fn plan(&self) -> &Arc<LogicalPlan> {
        &self.plan
    }

    /// The Arrow schema of the result.
    pub fn schema(&self) -> SchemaRef {
        self.plan.schema()
    }

    /// The column names, in order.
    pub fn columns(&self) -> Vec<String> {
        self.schema().fields().iter().map(|f| f.name().clone()).collect()
    }

    /// Each column's name and its pandas-style dtype name (`int64`, `string`, ...).
    pub fn dtypes(&self) -> Vec<(String, String)> {
        self.schema().fields().iter().map(|f| (f.name().clone(), dtype_name(f.data_type()))).collect()
    }

    /// The number of partitions (after pruning by pushed-down filters is known
    /// only once the plan is optimized; this is the count before).
    pub fn npartitions(&self) -> usize {
        self.plan.npartitions()
    }

    /// A column as an expression, checked now (pandas' `df["a"]`).
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`], listing the columns that exist.
    pub fn col(&self, name: &str) -> Result<Expr> {
        let expr = Expr::Column(name.to_string());
        expr.data_type(&self.schema())?;
        Ok(expr)
    }

    /// The frame with only `columns`, in that order (pandas' `df[["a", "b"]]`).
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column.
    pub fn select<I, S>(&self, columns: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let exprs = columns.into_iter().map(|c| Expr::Column(c.into())).collect();
        self.project(exprs)
    }

    /// The rows where `predicate` is true (null counts as false).
    ///
    /// # Errors
    /// Unknown columns, or a predicate that is not boolean.
    pub fn filter(&self, predicate: Expr) -> Result<DataFrame> {
        Ok(self.with_plan(LogicalPlan::Filter(Filter::try_new(Arc::clone(&self.plan), predicate)?)))
    }

    /// The rows where a pandas query string holds: `"a > 3 and b == 'x'"`.
    ///
    /// # Errors
    /// [`Error::QuerySyntax`] with the position, then as [`DataFrame::filter`].
    pub fn query(&self, query: &str) -> Result<DataFrame> {
        self.filter(parse_query(query)?)
    }

    /// Adds or replaces columns computed from expressions, in order, as
    /// pandas' `assign(name=expr, ...)`: a later expression sees the earlier ones.
    ///
    /// # Errors
    /// Unknown columns or type errors in an expression.
    pub fn assign<I, S>(&self, columns: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = (S, Expr)>,
        S: Into<String>,
    {
        let mut df = self.clone();
        for (name, expr) in columns {
            df = df.with_column(name, expr)?;
        }
        Ok(df)
    }

    /// Adds (at the end) or replaces (in place) one column: Polars' spelling
    /// of a one-column [`DataFrame::assign`].
    ///
    /// # Errors
    /// Unknown columns or type errors in `expr`.
    pub fn with_column(&self, name: impl Into<String>, expr: Expr) -> Result<DataFrame> {
        let name = name.into();
        let named = match &expr {
            Expr::Column(c) if *c == name => expr,
            _ => Expr::Alias { expr: Box::new(expr.unalias().clone()), name: name.clone() },
        };
        let mut exprs: Vec<Expr> = self.columns().into_iter().map(Expr::Column).collect();
        match exprs.iter().position(|e| e.output_name() == name) {
            Some(i) => exprs[i] = named,
            None => exprs.push(named),
        }
        self.project(exprs)
    }

    /// The frame without `columns`.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column (as pandas' default `errors="raise"`).
    pub fn drop<I, S>(&self, columns: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let dropped: HashSet<String> = columns.into_iter().map(Into::into).collect();
        for name in &dropped {
            self.col(name)?;
        }
        self.select(self.columns().into_iter().filter(|c| !dropped.contains(c)))
    }

    /// The frame with columns renamed, `(old, new)` pairs.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown old name; duplicate names.
    pub fn rename<I, S, T>(&self, mapping: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = (S, T)>,
        S: Into<String>,
        T: Into<String>,
    {
        let mapping: Vec<(String, String)> = mapping.into_iter().map(|(a, b)| (a.into(), b.into())).collect();
        for (old, _) in &mapping {
            self.col(old)?;
        }
        let exprs = self
            .columns()
            .into_iter()
            .map(|c| match mapping.iter().find(|(old, _)| *old == c) {
                Some((_, new)) if new != &c => {
                    Expr::Alias { expr: Box::new(Expr::Column(c)), name: new.clone() }
                }
                _ => Expr::Column(c),
            })
            .collect();
        self.project(exprs)
    }

    /// Groups the rows by the columns `keys` (pandas' `groupby(by)`); see [`GroupBy`].
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown key.
    pub fn groupby<I, S>(&self, keys: I) -> Result<GroupBy>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        GroupBy::new(self.clone(), keys.into_iter().map(|k| Expr::Column(k.into())).collect())
    }

    /// Groups the rows by expressions (e.g. `col("v1") % 2`, named by their alias).
    ///
    /// # Errors
    /// Unknown columns or type errors in a key.
    pub fn groupby_exprs(&self, keys: Vec<Expr>) -> Result<GroupBy> {
        GroupBy::new(self.clone(), keys)
    }

    /// Reduces the whole frame to one row of named aggregations, as pandas'
    /// `df.agg(...)`: `df.agg([("total", col("v1").sum()), ("n", rusk::size())])`.
    ///
    /// # Errors
    /// As [`GroupBy::agg`].
    pub fn agg<I, S>(&self, aggs: I) -> Result<DataFrame>
    where
        I: IntoIterator<Item = (S, Expr)>,
        S: Into<String>,
    {
        super::groupby::aggregate(
            self,
            vec![],
            aggs,
            rusk_ops::aggregate::GroupOptions::default(),
            None,
            crate::plan::SplitOut::Auto,
        )
    }

    /// The first `n` rows as a lazy frame of one partition.
    pub fn limit(&self, n: usize) -> DataFrame {
        self.with_plan(LogicalPlan::Limit(Limit { input: Arc::clone(&self.plan), n }))
    }

    /// Computes the first `n` rows, reading only the partitions needed (in
    /// waves of one partition per thread), as Dask's `head`.
    ///
    /// # Errors
    /// Errors of the partitions read.
    pub fn head(&self, n: usize) -> Result<DataFrame> {
        self.limit(n).compute()
    }

    /// The number of rows (computed; reads no column it does not need to).
    ///
    /// # Errors
    /// Errors of the scan.
    pub fn len(&self) -> Result<usize> {
        let counted = self.project(vec![])?;
        let executed = execute(&counted.plan, &config())?;
        Ok(executed.batches.iter().map(RecordBatch::num_rows).sum())
    }

    /// True when the frame has no rows (computed, as [`DataFrame::len`]).
    ///
    /// # Errors
    /// As [`DataFrame::len`].
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// The same rows in `npartitions` partitions, in the same order.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for 0.
    pub fn repartition(&self, npartitions: usize) -> Result<DataFrame> {
        if npartitions == 0 {
            return Err(Error::InvalidArgument("repartition needs at least one partition".into()));
        }
        Ok(self
            .with_plan(LogicalPlan::Repartition(Repartition { input: Arc::clone(&self.plan), npartitions })))
    }

    /// Applies `f` to every partition's batch. The output schema is found by
    /// calling `f` on an empty batch, as Dask infers `meta`, so `f` must
    /// accept one.
    ///
    /// # Errors
    /// `f`'s error on the empty batch.
    pub fn map_partitions<F>(&self, name: impl Into<String>, f: F) -> Result<DataFrame>
    where
        F: Fn(RecordBatch) -> Result<RecordBatch> + Send + Sync + 'static,
    {
        let func = PartitionFn { name: name.into(), func: Arc::new(f) };
        let schema = self.schema();
        let empty = RecordBatch::new_empty(Arc::clone(&schema));
        let meta = (func.func)(empty)?;
        Ok(self.with_plan(LogicalPlan::MapPartitions(MapPartitions {
            input: Arc::clone(&self.plan),
            func,
            schema: meta.schema(),
        })))
    }

    /// Runs the plan with the process-wide [`Config`] and returns the result
    /// as an in-memory frame (one batch per partition) that prints like pandas.
    ///
    /// # Errors
    /// The first error of any task, naming the task, file and row.
    pub fn compute(&self) -> Result<DataFrame> {
        self.compute_with(&config())
    }

    /// [`DataFrame::compute`] with explicit settings (threads, ...).
    ///
    /// # Errors
    /// As [`DataFrame::compute`].
    pub fn compute_with(&self, config: &Config) -> Result<DataFrame> {
        if let LogicalPlan::InMemory(_) = self.plan.as_ref() {
            return Ok(self.clone());
        }
        let executed = execute(&self.plan, config)?;
        from_result(self.schema(), executed.batches)
    }

    /// Runs the plan and returns its partitions as Arrow batches.
    ///
    /// # Errors
    /// As [`DataFrame::compute`].
    pub fn collect(&self) -> Result<Vec<RecordBatch>> {
        Ok(self.compute()?.batches().to_vec())
    }

    /// The batches of a computed frame (empty for a lazy one).
    pub fn batches(&self) -> &[RecordBatch] {
        match self.plan.as_ref() {
            LogicalPlan::InMemory(m) => &m.batches,
            _ => &[],
        }
    }

    /// Writes one CSV file per partition into the new directory `dir`
    /// (`part-00000.csv`, ...), each by a task of the graph: the result is
    /// never collected in one place. A path ending in `.csv` is written as
    /// one file instead (as Dask's `single_file=True`): each partition is
    /// written to a part file in parallel (the header in the first), then
    /// the parts are joined in order into the file, so the result is never
    /// in memory there either.
    ///
    /// The output is written under a temporary name beside `dir`
    /// (`.NAME.tmp-<pid>-<n>`, hidden from rusk's and Dask's readers) and
    /// renamed to `dir` when complete: nothing appears at `dir` before the
    /// whole output is there, even if the process is killed.
    ///
    /// # Errors
    /// [`Error::OutputExists`] if `dir` exists; [`Error::InvalidArgument`]
    /// for a path ending in the other format's extension (`.parquet`,
    /// `.parq`); [`Error::Cancelled`] when the run's [`Config::cancel`] is
    /// set; the first task error. The temporary output is removed on every
    /// error.
    pub fn to_csv(&self, dir: impl AsRef<Path>) -> Result<()> {
        self.to_csv_with(dir, &config())
    }

    /// [`DataFrame::to_csv`] with explicit settings.
    ///
    /// # Errors
    /// As [`DataFrame::to_csv`].
    pub fn to_csv_with(&self, dir: impl AsRef<Path>, config: &Config) -> Result<()> {
        self.write(dir.as_ref(), WriteFormat::Csv, config)
    }

    /// Writes one Parquet file per partition into the new directory `dir`,
    /// or one file when `dir` ends in `.parquet` (see [`DataFrame::to_csv`]).
    ///
    /// # Errors
    /// As [`DataFrame::to_csv`] (here `.csv` and `.tsv` are the other
    /// format's extensions).
    pub fn to_parquet(&self, dir: impl AsRef<Path>) -> Result<()> {
        self.to_parquet_with(dir, &config())
    }

    /// [`DataFrame::to_parquet`] with explicit settings.
    ///
    /// # Errors
    /// As [`DataFrame::to_parquet`].
    pub fn to_parquet_with(&self, dir: impl AsRef<Path>, config: &Config) -> Result<()> {
        self.write(dir.as_ref(), WriteFormat::Parquet, config)
    }

    fn write(&self, path: &Path, format: WriteFormat, config: &Config) -> Result<()> {
        config.check()?;
        let (ext, other) = match format {
            WriteFormat::Csv => ("csv", "parquet"),
            WriteFormat::Parquet => ("parquet", "csv"),
        };
        let path_ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let single_file = path_ext.as_deref() == Some(ext);
        if path_ext.as_deref().is_some_and(|e| other_format_extension(e) == Some(other)) {
            // `to_parquet("x.csv")` once made a directory named x.csv.
            return Err(Error::InvalidArgument(format!(
                "{} ends in .{} but the output format is {ext}; name it .{ext}, or a directory",
                path.display(),
                path_ext.unwrap_or_default()
            )));
        }
        // Everything is written under a temporary sibling name, renamed to
        // `path` when complete; dropped on any error (or cancellation) it
        // removes what was written. See `rusk_io::write::PendingOutput`.
        // A one-file output's parts go to a temporary directory that is
        // never committed: dropped, on success or error, it removes what is left.
        let (pending, parts) = match single_file {
            false => (PendingOutput::dir(path)?, None),
            true => (PendingOutput::file(path)?, Some(PendingOutput::dir(&parts_dir(path))?)),
        };
        let layout = match &parts {
            Some(parts) => WriteLayout::JoinedParts { parts: parts.path() },
            None => WriteLayout::Parts,
        };
        let o = plan_for_run(Arc::clone(&self.plan), config, Destination::Files)?;
        let graph = lower_write(&o.plan, pending.path(), format, layout)?;
        scheduler::run_with(&graph, &graph.outputs, config)?;
        // A cancellation after the last task still leaves no output.
        config.cancel.check()?;
        pending.commit()
    }

    /// The files the frame reads, in order.
    pub fn files(&self) -> Vec<std::path::PathBuf> {
        scans(&self.plan).iter().flat_map(|d| d.files().iter().map(|f| f.path.clone())).collect()
    }

    /// The plan before and after optimization, the rules that fired, and the
    /// task graph by stage.
    ///
    /// # Errors
    /// Errors of optimizing or lowering (pruning reads statistics).
    pub fn explain(&self) -> Result<String> {
        self.explain_with(&config())
    }

    /// [`DataFrame::explain`] with explicit settings: the plan and graph
    /// `compute_with` would run with them.
    ///
    /// # Errors
    /// As [`DataFrame::explain`].
    pub fn explain_with(&self, config: &Config) -> Result<String> {
        let optimized = plan_for_run(Arc::clone(&self.plan), config, Destination::Memory)?;
        let graph = lower(&optimized.plan)?;
        let rules =
            if optimized.applied.is_empty() { "none".to_string() } else { optimized.applied.join(", ") };
        Ok(format!(
            "== Logical plan ==\n{}\n== Optimized plan ==\n{}\n== Rules applied ==\n{rules}\n\n== Task graph ==\n{}{}",
            plan_tree(&self.plan),
            plan_tree(&optimized.plan),
            stage_summary(&graph),
            memory_summary(&graph, config.memory_limit)
        ))
    }

    /// The task graph [`DataFrame::compute`] runs, as plain data: its
    /// outputs are the result's partitions, in order. It serializes
    /// ([`TaskGraph::to_json`]) and runs whole ([`crate::scheduler::run_with`])
    /// or task by task ([`crate::scheduler::run_task`]), in this process or
    /// another.
    ///
    /// # Errors
    /// As [`DataFrame::explain`].
    pub fn task_graph(&self) -> Result<TaskGraph> {
        self.task_graph_with(&config())
    }

    /// [`DataFrame::task_graph`] with explicit settings: the graph
    /// `compute_with(config)` runs.
    ///
    /// # Errors
    /// As [`DataFrame::explain`].
    pub fn task_graph_with(&self, config: &Config) -> Result<TaskGraph> {
        lower(&plan_for_run(Arc::clone(&self.plan), config, Destination::Memory)?.plan)
    }

    /// The task graph's stages and their task counts, in order: the chain
    /// `explain` prints (`scan csv ×3 → merge_agg+finish_agg ×1`), as data.
    ///
    /// # Errors
    /// As [`DataFrame::explain`].
    pub fn stages(&self) -> Result<Vec<(String, usize)>> {
        self.stages_with(&config())
    }

    /// [`DataFrame::stages`] with explicit settings.
    ///
    /// # Errors
    /// As [`DataFrame::explain`].
    pub fn stages_with(&self, config: &Config) -> Result<Vec<(String, usize)>> {
        Ok(stage_counts(&self.task_graph_with(config)?))
    }

    /// Runs the plan and reports, per stage, the tasks, rows, bytes and time,
    /// and what the scans read (the text of [`DataFrame::analyze`]).
    ///
    /// # Errors
    /// As [`DataFrame::compute`].
    pub fn explain_analyze(&self) -> Result<String> {
        let a = self.analyze()?;
        let mut out = format!("== Optimized plan ==\n{}\n== Stages ==\n{}", a.optimized_plan, a.stages);
        for (path, c) in &a.scans {
            out.push_str(&format!(
                "scan {}: files_opened={} row_groups={} rows_read={} bytes_read={}",
                path.display(),
                c.files_opened,
                c.row_groups_read,
                c.rows_read,
                c.bytes_read,
            ));
            // Shown only when it happened: values `date_errors=coerce` turned to nulls.
            if c.dates_coerced > 0 {
                out.push_str(&format!(" dates_coerced={}", c.dates_coerced));
            }
            out.push('\n');
        }
        if a.spill.buckets > 0 {
            out.push_str(&format!(
                "spilled: {} buckets of {} shuffle outputs, {:.1} MB to disk in {} files\n",
                a.spill.buckets,
                a.spill.outputs,
                a.spill.bytes as f64 / 1e6,
                a.spill.files,
            ));
        }
        out.push_str(&format!("result: {} rows in {} partitions\n", a.rows, a.partitions));
        Ok(out)
    }

    /// Runs the plan and measures it: what each scan read (files, row groups,
    /// rows, bytes: the proof that pushdown worked) and each stage's output.
    ///
    /// # Errors
    /// As [`DataFrame::compute`].
    pub fn analyze(&self) -> Result<Analysis> {
        self.analyze_with(&config())
    }

    /// [`DataFrame::analyze`] with explicit settings (threads, memory limit, ...).
    ///
    /// # Errors
    /// As [`DataFrame::compute`].
    pub fn analyze_with(&self, config: &Config) -> Result<Analysis> {
        let executed = execute(&self.plan, config)?;
        // The run's own counters: concurrent runs of this frame do not mix.
        let scans = scans(&self.plan)
            .iter()
            .map(|ds| (ds.path().to_path_buf(), scanned(&executed.scans, ds)))
            .collect();
        Ok(Analysis {
            optimized_plan: plan_tree(&executed.plan),
            stages: analyze_report(&executed.graph, &executed.stats, &executed.memory),
            memory: executed.memory.clone(),
            scans,
            rows: executed.batches.iter().map(RecordBatch::num_rows).sum(),
            partitions: executed.batches.len(),
            spill: executed.spill,
        })
    }

    /// Writes the task graph as Graphviz DOT to the new file `path` (like
    /// Dask's `visualize`), whole or not at all, as [`DataFrame::to_csv`].
    ///
    /// # Errors
    /// [`Error::OutputExists`] if `path` exists (never overwritten, as no
    /// output of rusk is); errors of lowering, or of writing the file.
    pub fn visualize(&self, path: impl AsRef<Path>) -> Result<()> {
        self.visualize_with(path, &config())
    }

    /// [`DataFrame::visualize`] with explicit settings: the graph
    /// `compute_with` would run with them.
    ///
    /// # Errors
    /// As [`DataFrame::visualize`].
    pub fn visualize_with(&self, path: impl AsRef<Path>, config: &Config) -> Result<()> {
        let path = path.as_ref();
        let pending = PendingOutput::file(path)?;
        let graph = lower(&plan_for_run(Arc::clone(&self.plan), config, Destination::Memory)?.plan)?;
        std::fs::write(pending.path(), to_dot(&graph)).map_err(|e| Error::io(e, path))?;
        pending.commit()
    }

    pub(crate) fn project(&self, exprs: Vec<Expr>) -> Result<DataFrame> {
        Ok(self.with_plan(LogicalPlan::Project(Project::try_new(Arc::clone(&self.plan), exprs)?)))
    }

    pub(crate) fn with_plan(&self, plan: LogicalPlan) -> DataFrame {
        DataFrame { plan: Arc::new(plan) }
    }
}

/// What [`DataFrame::analyze`] measured.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The optimized plan, as `explain` prints it.
    pub optimized_plan: String,
    /// One line per stage: tasks, rows, bytes, time.
    pub stages: String,
    /// What each scanned dataset read during the run, by its path.
    pub scans: Vec<(std::path::PathBuf, ScanCounts)>,
    /// Rows in the result.
    pub rows: usize,
    /// Partitions in the result.
    pub partitions: usize,
    /// What the run spilled to disk to stay within the memory limit.
    pub spill: crate::scheduler::SpillStats,
    /// What the task outputs held in memory, in all and by stage.
    pub memory: crate::scheduler::MemoryStats,
}

/// The in-memory frame holding a run's batches, under the plan's schema.
///
/// A result with no partition (every file pruned) gets one empty partition,
/// so that it still prints and writes its columns.
fn from_result(schema: SchemaRef, mut batches: Vec<RecordBatch>) -> Result<DataFrame> {
    if batches.is_empty() {
        batches.push(RecordBatch::new_empty(Arc::clone(&schema)));
    }
    let batches = batches
        .into_iter()
        .map(|b| {
            let options = RecordBatchOptions::new().with_row_count(Some(b.num_rows()));
            RecordBatch::try_new_with_options(Arc::clone(&schema), b.columns().to_vec(), &options)
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(DataFrame::from_plan(LogicalPlan::InMemory(InMemory::try_new(schema, batches)?)))
}

/// The datasets scanned by a plan, each once: a dataset read twice (a
/// window's frame and its summed columns, a frame joined with itself)
/// shares one set of counters, so `analyze` reports it once.
fn scans(plan: &LogicalPlan) -> Vec<Arc<rusk_io::Dataset>> {
    fn visit(plan: &LogicalPlan, out: &mut Vec<Arc<rusk_io::Dataset>>) {
        if let LogicalPlan::Scan(s) = plan {
            if !out.iter().any(|d| Arc::ptr_eq(d, &s.dataset)) {
                out.push(Arc::clone(&s.dataset));
            }
        }
        for input in plan.inputs() {
            visit(input, out);
        }
    }
    let mut out = Vec::new();
    visit(plan, &mut out);
    out
}

impl fmt::Display for DataFrame {
    /// A computed frame prints like pandas; a lazy one prints its structure, like Dask.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.plan.as_ref() {
            LogicalPlan::InMemory(m) => {
                write!(f, "{}", format_frame(&m.schema(), &m.batches, &DisplayOptions::default()))
            }
            _ => write!(f, "{}", format_lazy(&self.schema(), self.npartitions())),
        }
    }
}

impl fmt::Debug for DataFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DataFrame({})", node_label(&self.plan))
    }
}
