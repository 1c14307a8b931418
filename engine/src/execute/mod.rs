//! From a logical plan to batches: optimize, lower, schedule.

mod plan_for_run;

use std::sync::Arc;

use arrow::compute::concat_batches;
use arrow::record_batch::RecordBatch;
use rusk_io::{Dataset, ScanCounts};
use rusk_ops::Result;

use crate::config::Config;
use crate::graph::{ElementOp, TaskGraph};
use crate::lower::lower;
use crate::optimizer::Destination;
use crate::plan::LogicalPlan;
use crate::scheduler::{self, MemoryStats, SpillStats, TaskStats};
pub(crate) use plan_for_run::plan_for_run;

/// What a run produced: the partitions, and what `explain(analyze)` reports.
pub(crate) struct Executed {
    /// The result's partitions, in order.
    pub batches: Vec<RecordBatch>,
    /// The graph that ran (the last wave's graph, for a limit).
    pub graph: TaskGraph,
    /// Per-task stats of that graph.
    pub stats: Vec<Option<TaskStats>>,
    /// What the run spilled to disk.
    pub spill: SpillStats,
    /// What its task outputs held in memory.
    pub memory: MemoryStats,
    /// The plan that ran (optimized, with its choices made).
    pub plan: Arc<LogicalPlan>,
    /// What each scanned dataset read in this run (an entry per wave, for
    /// a limit: see [`scanned`]).
    pub scans: Vec<(Arc<Dataset>, ScanCounts)>,
}

/// Optimizes and runs `plan`.
pub(crate) fn execute(plan: &Arc<LogicalPlan>, config: &Config) -> Result<Executed> {
    let optimized = plan_for_run(Arc::clone(plan), config, Destination::Memory)?.plan;
    if let LogicalPlan::Limit(limit) = optimized.as_ref() {
        if limit.input.is_partition_local() {
            return run_limit(&optimized, &limit.input, limit.n, config);
        }
    }
    let graph = lower(&optimized)?;
    let out = scheduler::run_with(&graph, &graph.outputs, config)?;
    Ok(Executed {
        batches: out.batches,
        graph,
        stats: out.stats,
        spill: out.spill,
        memory: out.memory,
        plan: optimized,
        scans: out.scans,
    })
}

/// `head(n)` over partitions that can be computed one at a time: runs them in
/// waves of `threads` partitions, in order, and stops as soon as n rows are
/// in hand, so a head of a large directory reads only its first files.
fn run_limit(
    plan: &Arc<LogicalPlan>,
    input: &Arc<LogicalPlan>,
    n: usize,
    config: &Config,
) -> Result<Executed> {
    let mut graph = lower(input)?;
    for &id in &graph.outputs {
        graph.tasks[id].pipeline.push(ElementOp::Head(n));
    }
    let outputs = graph.outputs.clone();
    let wave = config.worker_threads();
    let mut batches = Vec::new();
    let mut stats = vec![None; graph.tasks.len()];
    let mut rows = 0;
    let mut scans: Vec<(Arc<Dataset>, ScanCounts)> = Vec::new();
    // The waves run one after another: a run's peak is its largest wave's.
    let mut memory = MemoryStats::default();
    for chunk in outputs.chunks(wave) {
        if rows >= n {
            break;
        }
        // Partition-local: no shuffle, so nothing to spill.
        let out = scheduler::run_with(&graph, chunk, config)?;
        for (i, s) in out.stats.into_iter().enumerate() {
            if s.is_some() {
                stats[i] = s;
            }
        }
        for b in out.batches {
            rows += b.num_rows();
            batches.push(b);
        }
        scans.extend(out.scans);
        memory.peak_held = memory.peak_held.max(out.memory.peak_held);
        memory.stages.resize(out.memory.stages.len(), Default::default());
        for (all, wave) in memory.stages.iter_mut().zip(&out.memory.stages) {
            all.peak_held = all.peak_held.max(wave.peak_held);
        }
    }
    let schema = input.schema();
    let all = concat_batches(&schema, &batches)?;
    let head = all.slice(0, n.min(all.num_rows()));
    Ok(Executed {
        batches: vec![head],
        graph,
        stats,
        spill: SpillStats::default(),
        memory,
        plan: Arc::clone(plan),
        scans,
    })
}

/// What `dataset` read in a run, summed over the run's entries (`Executed::scans`).
pub(crate) fn scanned(scans: &[(Arc<Dataset>, ScanCounts)], dataset: &Arc<Dataset>) -> ScanCounts {
    let mut sum = ScanCounts::default();
    for (_, c) in scans.iter().filter(|(d, _)| Arc::ptr_eq(d, dataset)) {
        sum += *c;
    }
    sum
}
