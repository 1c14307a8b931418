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
//! estimate is above [`Config::split_out_groups`]. Under a memory budget
//! ([`Config::memory_limit`]) a partition also gets no more groups than
//! a task's share of the budget (`Config::task_memory_share`) holds (at the sample's bytes
//! per group): the merge of one output partition holds its groups' state
//! whole, so more groups than memory means more partitions, as Dask users
//! raise `split_out` by hand. The merges' inputs count too: a bucket's
//! merge reads its share of every partition's state (about the sample's
//! groups, times the partitions), and a merge of the tree reduce reads
//! `split_every` states whole, so under a budget the partitions are also
//! enough that a bucket's share of the states fits, and one output
//! partition is kept only when `split_every` states fit. A value the user gave always wins;
//! `explain()` prints the estimate and the choice.

use std::sync::Arc;

use rusk_ops::Result;

use super::Transformed;
use crate::config::{Config, MAX_CHOSEN_PARTITIONS};
use crate::plan::{Aggregate, GroupEstimate, LogicalPlan, SplitOut};

/// Estimates the groups of a groupby from a sample of its input: `None`
/// when there is nothing to sample. Injected by the caller (the executor
/// reads and groups a partition), so this rule itself reads no data.
pub type GroupSampler<'a> = &'a dyn Fn(&Aggregate, &Config) -> Result<Option<GroupEstimate>>;

/// Decides `split_out` for every groupby of `plan` that left it to rusk,
/// from the estimates of `sample`.
///
/// # Errors
/// Errors of `sample`.
pub fn choose_split_out(
    plan: Arc<LogicalPlan>,
    config: &Config,
    sample: GroupSampler,
) -> Result<Transformed> {
    let inputs: Vec<Transformed> = plan
        .inputs()
        .into_iter()
        .map(|i| choose_split_out(Arc::clone(i), config, sample))
        .collect::<Result<_>>()?;
    let mut changed = inputs.iter().any(|t| t.changed);
    let mut node = if changed {
        plan.with_new_inputs(inputs.into_iter().map(|t| t.plan).collect())?
    } else {
        plan.as_ref().clone()
    };
    if let LogicalPlan::Aggregate(agg) = &node {
        if agg.split_out == SplitOut::Auto && !agg.keys.is_empty() {
            if let Some(estimate) = sample(agg, config)? {
                let fan_in = agg.split_every.unwrap_or(config.split_every);
                let partitions = choose(&estimate, fan_in, config);
                node = LogicalPlan::Aggregate(
                    agg.clone().with_split_out(SplitOut::Chosen { partitions, estimate })?,
                );
                changed = true;
            }
        }
    }
    Ok(if changed { Transformed::yes(node) } else { Transformed::no(plan) })
}

/// The number of partitions for `estimate` groups, whose tree reduce
/// would merge `fan_in` states at a time.
fn choose(estimate: &GroupEstimate, fan_in: usize, config: &Config) -> usize {
    let share = config.task_memory_share();
    let bytes_per_group = estimate.bytes_per_group.max(1);
    let per_partition = share
        .map_or(config.split_out_groups, |share| config.split_out_groups.min(share / bytes_per_group))
        .max(1);
    // What one partition's state weighs, and all of them together.
    let state = estimate.sample_groups.saturating_mul(bytes_per_group);
    let states = state.saturating_mul(estimate.partitions as u64);
    let merge_fits = share.is_none_or(|share| state.saturating_mul(fan_in as u64) <= share);
    if estimate.groups <= per_partition && merge_fits {
        return 1;
    }
    let for_groups = estimate.groups.div_ceil(per_partition);
    let for_states = share.map_or(0, |share| states.div_ceil(share.max(1)));
    let wanted = usize::try_from(for_groups.max(for_states)).unwrap_or(MAX_CHOSEN_PARTITIONS);
    wanted.max(config.worker_threads()).min(MAX_CHOSEN_PARTITIONS)
}

#[cfg(test)]
mod tests {
    use rusk_ops::aggregate::GroupOptions;
    use rusk_ops::expr::col;

    use super::*;
    use crate::plan::test_util::memory;

    fn groupby() -> Arc<LogicalPlan> {
        let agg = Aggregate::try_new(
            memory(),
            vec![col("a")],
            vec![rusk_ops::aggregate::AggregateSpec {
                func: rusk_ops::expr::AggregateFunction::Size,
                args: vec![],
            }],
            vec!["n".into()],
            GroupOptions::default(),
            None,
        )
        .unwrap();
        Arc::new(LogicalPlan::Aggregate(agg))
    }

    fn estimate(groups: u64) -> GroupEstimate {
        GroupEstimate { groups, sample_rows: 10, sample_groups: 5, partitions: 2, bytes_per_group: 100 }
    }

    #[test]
    fn the_injected_estimate_decides_and_no_estimate_changes_nothing() {
        let config = Config { split_out_groups: 100, threads: Some(2), ..Config::default() };
        let many = choose_split_out(groupby(), &config, &|_, _| Ok(Some(estimate(1_000)))).unwrap();
        assert!(many.changed);
        let LogicalPlan::Aggregate(a) = many.plan.as_ref() else { panic!("an aggregate") };
        assert!(matches!(a.split_out, SplitOut::Chosen { partitions: 10, .. }), "{}", a.split_out);
        let few = choose_split_out(groupby(), &config, &|_, _| Ok(Some(estimate(50)))).unwrap();
        let LogicalPlan::Aggregate(a) = few.plan.as_ref() else { panic!("an aggregate") };
        assert!(matches!(a.split_out, SplitOut::Chosen { partitions: 1, .. }), "{}", a.split_out);
        let none = choose_split_out(groupby(), &config, &|_, _| Ok(None)).unwrap();
        assert!(!none.changed);
        assert_eq!(many.plan.schema(), groupby().schema());
    }

    /// Under a budget, a partition gets no more groups than a task's share
    /// of the budget holds at the estimated bytes per group.
    #[test]
    fn a_memory_budget_bounds_the_groups_of_a_partition() {
        let chosen = |config: &Config, groups: u64| {
            let plan = choose_split_out(groupby(), config, &|_, _| Ok(Some(estimate(groups)))).unwrap().plan;
            let LogicalPlan::Aggregate(a) = plan.as_ref() else { panic!("an aggregate") };
            match &a.split_out {
                SplitOut::Chosen { partitions, .. } => *partitions,
                other => panic!("{other}"),
            }
        };
        let config = Config { split_out_groups: 1_000_000, threads: Some(2), ..Config::default() };
        assert_eq!(chosen(&config, 50_000), 1);
        // A share of 100 KB: 1,000 groups of 100 bytes.
        let budget = config.clone().with_memory_limit(400_000 * crate::config::TASK_WORKING_FACTOR as usize);
        assert_eq!(chosen(&budget, 50_000), 50);
        assert_eq!(chosen(&budget, 900), 1);
        assert_eq!(chosen(&budget, 1_500), 2);
        // A bucket's share of every partition's state fits too: 1,000
        // groups a partition, 40 partitions, 100 bytes a group is 4 MB of
        // states, 40 shares of 100 KB; and 8 states of 200 KB do not fit
        // one merge, so even 900 groups shuffle.
        let big_states = |groups| GroupEstimate { sample_groups: 1_000, partitions: 40, ..estimate(groups) };
        let chosen_with = |config: &Config, estimate: GroupEstimate| {
            let plan = choose_split_out(groupby(), config, &|_, _| Ok(Some(estimate))).unwrap().plan;
            let LogicalPlan::Aggregate(a) = plan.as_ref() else { panic!("an aggregate") };
            a.split_out.partitions()
        };
        assert_eq!(chosen_with(&budget, big_states(1_500)), Some(40));
        assert_eq!(chosen_with(&budget, big_states(900)), Some(40));
        assert_eq!(chosen_with(&config, big_states(900)), Some(1), "no budget, no bound on the states");
        // Never more than MAX_CHOSEN_PARTITIONS, whatever the budget.
        assert_eq!(chosen(&config.clone().with_memory_limit(1), 50_000), MAX_CHOSEN_PARTITIONS);
    }
}
