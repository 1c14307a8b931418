//! Planning for a run: the pure rewrite rules, then the decisions that
//! need the run's settings or a look at the data, in that order. This is
//! where the optimizer's choices meet the executor: the group estimate of
//! `choose_split_out` reads and groups a partition of the input, which only
//! the executor can do, so it is injected from here into the rule.

use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::datatypes::Int64Type;
use rusk_ops::aggregate::{AggregateSpec, GroupOptions};
use rusk_ops::expr::{AggregateFunction, Expr};
use rusk_ops::{Error, Result};

use crate::config::Config;
use crate::graph::ElementOp;
use crate::lower::lower;
use crate::optimizer::{
    apply_split_every, choose_join_strategy, choose_scan_partitions, choose_sort_ranges, choose_split_out,
    choose_window_reads, optimize, Destination, Optimized,
};
use crate::plan::{Aggregate, GroupEstimate, LogicalPlan, Project};
use crate::scheduler;

/// [`optimize`], then the choices of a run: scan partitions cut to a
/// memory budget, `split_out` from a sample of the data
/// ([`estimate_groups`]), the merge fan-in, the join strategies, a sort's
/// key ranges from `config`, and how often a window reads its frame for a
/// result going `to` memory or files. What a plan goes through before it
/// is lowered to run or explained.
///
/// # Errors
/// As [`optimize`], and errors of reading the sample.
pub(crate) fn plan_for_run(plan: Arc<LogicalPlan>, config: &Config, to: Destination) -> Result<Optimized> {
    let mut optimized = optimize(plan)?;
    // Not listed as applied: the partitions show on the scan's line.
    optimized.plan = choose_scan_partitions(optimized.plan, config)?.plan;
    let chosen = choose_split_out(Arc::clone(&optimized.plan), config, &estimate_groups)?;
    if chosen.changed {
        optimized.applied.push("choose_split_out");
        optimized.plan = chosen.plan;
    }
    // Last, once the inputs are final (a rebuilt join forgets its decision).
    // Not listed as applied: their choices show on the nodes' lines.
    optimized.plan = apply_split_every(optimized.plan, config)?.plan;
    optimized.plan = choose_join_strategy(optimized.plan, config)?.plan;
    optimized.plan = choose_sort_ranges(optimized.plan, config)?.plan;
    optimized.plan = choose_window_reads(optimized.plan, config, to)?.plan;
    Ok(optimized)
}

/// Groups the keys of the first input partition and extrapolates; `None`
/// when there is nothing to choose (one input partition), no cheap sample
/// (an input that is itself a shuffle or reduction), or a sample would call
/// a user function (the run would call it on the first partition a second
/// time: a `map_partitions` with effects, a `from_delayed` part, would see
/// it twice). Without an estimate the groupby keeps one output partition.
pub(crate) fn estimate_groups(agg: &Aggregate, config: &Config) -> Result<Option<GroupEstimate>> {
    let partitions = agg.input.npartitions();
    if partitions < 2 || !agg.input.is_partition_local() || agg.input.calls_user_function() {
        return Ok(None);
    }
    let names: Vec<String> = agg.keys.iter().map(Expr::output_name).collect();
    let exprs: Vec<Expr> = agg
        .keys
        .iter()
        .zip(&names)
        .map(|(k, name)| match k {
            Expr::Column(_) => k.clone(),
            _ => Expr::Alias { expr: Box::new(k.clone()), name: name.clone() },
        })
        .collect();
    let keys_only = LogicalPlan::Project(Project::try_new(Arc::clone(&agg.input), exprs)?);
    let mut graph = lower(&optimize(Arc::new(keys_only))?.plan)?;
    let first = *graph.outputs.first().ok_or_else(|| Error::Internal("a sample of no partitions".into()))?;
    graph.tasks[first].pipeline.push(ElementOp::AggregatePartial {
        keys: names.into_iter().map(Expr::Column).collect(),
        aggs: vec![AggregateSpec { func: AggregateFunction::Size, args: vec![] }],
        options: GroupOptions { sort: false, dropna: agg.options.dropna },
        may_pass_rows: false,
    });
    let out = scheduler::run_with(&graph, &[first], config)?;
    let state = out.batches.first().ok_or_else(|| Error::Internal("the sample did not run".into()))?;
    let sizes = state
        .columns()
        .last()
        .and_then(|c| c.as_primitive_opt::<Int64Type>())
        .ok_or_else(|| Error::Internal("a size state that is not int64".into()))?;
    let sample_groups = sizes.len() as u64;
    let sample_rows = sizes.values().iter().map(|&s| s.max(0) as u64).sum::<u64>();
    let once = sizes.values().iter().filter(|&&s| s == 1).count() as f64;
    let total_rows = sample_rows.saturating_mul(partitions as u64);
    let scale = (partitions as f64).sqrt();
    let groups = (scale * once + (sample_groups as f64 - once)).round() as u64;
    // The sample's state is the keys and a size: its keys' bytes per
    // group, and 16 for each aggregate's state.
    let key_bytes = state.get_array_memory_size().saturating_sub(sizes.get_array_memory_size()) as u64;
    let bytes_per_group = key_bytes / sample_groups.max(1) + 16 * agg.aggs.len() as u64;
    Ok(Some(GroupEstimate {
        groups: groups.clamp(sample_groups, total_rows.max(sample_groups)),
        sample_rows,
        sample_groups,
        partitions,
        bytes_per_group,
    }))
}
