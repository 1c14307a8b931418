//! Choosing how many partitions a groupby's result gets, from an estimate
//! of its number of groups: the one planning step that reads data.
//!
//! Dask's most common groupby failure is a high-cardinality key squeezed
//! into one output partition, because `split_out` had to be set by hand.
//! Here, a groupby without `split_out` groups the keys of its first input
//! partition (the keys only: a fraction of the query's work), estimates the
//! groups of the whole input from the sample's groups and how many of them
//! were seen once (the GEE estimator of Charikar et al.: `√(N/n)·f₁ + (d −
//! f₁)`, within a factor `√(N/n)` in the worst case, close when keys repeat
//! within partitions), and shuffles into
//! `max(⌈estimate / Config::split_out_groups⌉, threads)` partitions when the
//! estimate is above [`Config::split_out_groups`]. A value the user gave
//! always wins; `explain()` prints the estimate and the choice.

use std::sync::Arc;

use arrow::array::AsArray;
use arrow::datatypes::Int64Type;
use rusk_ops::aggregate::{AggregateSpec, GroupOptions};
use rusk_ops::expr::{AggregateFunction, Expr};
use rusk_ops::{Error, Result};

use super::{optimize, Transformed};
use crate::config::Config;
use crate::graph::ElementOp;
use crate::lower::lower;
use crate::plan::{Aggregate, GroupEstimate, LogicalPlan, Project, SplitOut};
use crate::scheduler;

/// The most partitions a choice makes: beyond this, tasks are too small.
const MAX_SPLIT_OUT: usize = 1024;

/// Decides `split_out` for every groupby of `plan` that left it to rusk.
///
/// # Errors
/// Errors of reading and grouping the sample.
pub fn choose_split_out(plan: Arc<LogicalPlan>, config: &Config) -> Result<Transformed> {
    let inputs: Vec<Transformed> =
        plan.inputs().into_iter().map(|i| choose_split_out(Arc::clone(i), config)).collect::<Result<_>>()?;
    let mut changed = inputs.iter().any(|t| t.changed);
    let mut node = if changed {
        plan.with_new_inputs(inputs.into_iter().map(|t| t.plan).collect())?
    } else {
        plan.as_ref().clone()
    };
    if let LogicalPlan::Aggregate(agg) = &node {
        if agg.split_out == SplitOut::Auto && !agg.keys.is_empty() {
            if let Some(estimate) = estimate_groups(agg, config)? {
                let partitions = choose(&estimate, config);
                node = LogicalPlan::Aggregate(
                    agg.clone().with_split_out(SplitOut::Chosen { partitions, estimate })?,
                );
                changed = true;
            }
        }
    }
    Ok(if changed { Transformed::yes(node) } else { Transformed::no(plan) })
}

/// The number of partitions for `estimate` groups.
fn choose(estimate: &GroupEstimate, config: &Config) -> usize {
    let per_partition = config.split_out_groups.max(1);
    if estimate.groups <= per_partition {
        return 1;
    }
    let wanted = usize::try_from(estimate.groups.div_ceil(per_partition)).unwrap_or(MAX_SPLIT_OUT);
    wanted.max(config.worker_threads()).min(MAX_SPLIT_OUT)
}

/// Groups the keys of the first input partition and extrapolates; `None`
/// when there is nothing to choose (one input partition) or no cheap sample
/// (an input that is itself a shuffle or reduction).
fn estimate_groups(agg: &Aggregate, config: &Config) -> Result<Option<GroupEstimate>> {
    let partitions = agg.input.npartitions();
    if partitions < 2 || !agg.input.is_partition_local() {
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
    Ok(Some(GroupEstimate {
        groups: groups.clamp(sample_groups, total_rows.max(sample_groups)),
        sample_rows,
        sample_groups,
        partitions,
    }))
}
