//! Decisions that depend on a run's settings, made once per run and stored
//! on the plan's nodes, so that explain, lowering and execution read the
//! same choice and no later step looks at a process-wide setting:
//!
//! - `choose_join_strategy`: broadcast, shuffle or aligned, from the sides'
//!   size estimates and [`Config::broadcast_threshold`];
//! - `apply_split_every`: the merge fan-in of each reduction the user left
//!   to the run ([`Config::split_every`]);
//! - `choose_sort_ranges`: under a memory budget, enough key ranges that
//!   one range of a sort fits a task's share of it;
//! - `choose_scan_partitions`: under a memory budget, scan partitions cut
//!   to a task's share of it, so that a file written in big pieces
//!   (a 1-million-row row group, a 64 MiB CSV block) does not make every
//!   task above it hold more than the budget allows;
//! - `choose_window_reads`: whether a window's prefix pass reads its
//!   frame twice (to hold no more than a partition) or once (when the
//!   result is held in memory anyway).
//!
//! ```text
//! Join: how=inner, on=[k]          Join: how=inner, on=[k],
//!   (undecided)              ──▶     decided=broadcast right (est. 3.1 MB ≤ 64 MiB)
//! ```

use std::sync::Arc;

use rusk_ops::Result;

use super::{rewrite_bottom_up, Transformed};
use crate::config::{Config, MAX_CHOSEN_PARTITIONS};
use crate::plan::estimate::estimate_bytes;
use crate::plan::{LogicalPlan, Project};
use rusk_ops::expr::Expr;

/// Where a run's result goes: what it may cost to hold a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Returned as batches (`compute`, `analyze`, a printed result), or a
    /// graph a caller runs (`task_graph`): the whole result is held.
    Memory,
    /// Written to files as it is made: nothing need hold the whole frame.
    Files,
}

/// Makes every window over a partition-local frame read it once and hold
/// its partitions until their carries are known, when the result stays in
/// memory and there is no memory budget: the result then holds the frame
/// (its columns are shared, not copied), and the second read of the
/// columns the pass needs cost a fifth of a 1e7-row cumsum's task time.
/// Under a budget, or writing files, the frame is read twice and no task
/// holds more than a partition (see `plan::Window`).
///
/// # Errors
/// Errors of rebuilding nodes (a bug).
pub fn choose_window_reads(plan: Arc<LogicalPlan>, config: &Config, to: Destination) -> Result<Transformed> {
    if config.memory_limit.is_some() || to == Destination::Files {
        return Ok(Transformed::no(plan));
    }
    rewrite_bottom_up(&plan, &mut |node| {
        Ok(match node.as_ref() {
            LogicalPlan::Window(w) if w.args.is_some() => Some(LogicalPlan::Window(w.read_once())),
            _ => None,
        })
    })
}

/// Decides how every join of `plan` runs, with `config`'s threshold. Runs
/// after every rewrite of the join's inputs (a new input clears the
/// decision: see `Join::decided`).
///
/// # Errors
/// Errors of rebuilding nodes (a bug).
pub fn choose_join_strategy(plan: Arc<LogicalPlan>, config: &Config) -> Result<Transformed> {
    rewrite_bottom_up(&plan, &mut |node| {
        Ok(match node.as_ref() {
            LogicalPlan::Join(j) if j.decided.is_none() => {
                let mut decided = j.clone();
                decided.decided = Some(j.strategy(config));
                Some(LogicalPlan::Join(decided))
            }
            _ => None,
        })
    })
}

/// Under a memory budget, gives every sort whose input is estimated larger
/// than its partitions' share of the budget (`Config::task_memory_share`)
/// enough key ranges that one range fits: a range is sorted whole by one
/// task. Without a budget, or an estimate, nothing changes.
///
/// # Errors
/// Errors of rebuilding nodes (a bug).
pub fn choose_sort_ranges(plan: Arc<LogicalPlan>, config: &Config) -> Result<Transformed> {
    let Some(share) = config.task_memory_share() else { return Ok(Transformed::no(plan)) };
    rewrite_bottom_up(&plan, &mut |node| {
        Ok(match node.as_ref() {
            LogicalPlan::Sort(s) if s.ranges.is_none() => {
                let wanted = estimate_bytes(&s.input).map_or(0, |bytes| bytes.div_ceil(share));
                let wanted =
                    usize::try_from(wanted).unwrap_or(MAX_CHOSEN_PARTITIONS).min(MAX_CHOSEN_PARTITIONS);
                (wanted > s.input.npartitions()).then(|| {
                    let mut s = s.clone();
                    s.ranges = Some(wanted);
                    LogicalPlan::Sort(s)
                })
            }
            _ => None,
        })
    })
}

/// Under a memory budget, cuts every scan's partitions so that each
/// decodes to at most a task's share of the budget, except below a
/// `set_index(sorted=True)`, whose divisions are those of its input's
/// partitions as they are. Without a budget nothing changes.
/// First of the run's choices: the others read the partitions it makes.
///
/// # Errors
/// Errors of reading a CSV file to find where records start.
pub fn choose_scan_partitions(plan: Arc<LogicalPlan>, config: &Config) -> Result<Transformed> {
    let Some(share) = config.task_memory_share() else { return Ok(Transformed::no(plan)) };
    size_scans(plan, share)
}

fn size_scans(plan: Arc<LogicalPlan>, max_bytes: u64) -> Result<Transformed> {
    match plan.as_ref() {
        LogicalPlan::SetIndex(s) if s.sorted => Ok(Transformed::no(plan)),
        LogicalPlan::Window(w) if w.args.is_some() => {
            Ok(match cut_read_twice(&w.input, w.windows.columns()?, max_bytes)? {
                Some((input, args)) => {
                    Transformed::yes(LogicalPlan::Window(w.with_new_inputs(input, Some(args))?))
                }
                None => Transformed::no(plan),
            })
        }
        LogicalPlan::Dedup(d) => Ok(match cut_read_twice(&d.input, d.subset.clone(), max_bytes)? {
            Some((input, keys)) => Transformed::yes(LogicalPlan::Dedup(d.with_new_inputs(input, keys)?)),
            None => Transformed::no(plan),
        }),
        LogicalPlan::Scan(scan) if scan.sized_to.is_none() => {
            let sized = scan.sized(max_bytes)?;
            Ok(if sized.npartitions() == scan.npartitions() {
                Transformed::no(plan)
            } else {
                Transformed::yes(LogicalPlan::Scan(sized))
            })
        }
        _ => {
            let inputs: Vec<Transformed> = plan
                .inputs()
                .into_iter()
                .map(|i| size_scans(Arc::clone(i), max_bytes))
                .collect::<Result<_>>()?;
            if !inputs.iter().any(|t| t.changed) {
                return Ok(Transformed::no(plan));
            }
            Ok(Transformed::yes(plan.with_new_inputs(inputs.into_iter().map(|t| t.plan).collect())?))
        }
    }
}

/// The frame of a node that reads it twice (a window's prefix pass,
/// `drop_duplicates`), cut, and its second read: the cut frame's columns
/// `second`; `None` when nothing was cut. The node pairs the two reads'
/// partitions, so they must be cut alike, and a narrower read would be cut
/// less: the second read decodes every column the first does.
fn cut_read_twice(
    frame: &Arc<LogicalPlan>,
    second: Vec<String>,
    max_bytes: u64,
) -> Result<Option<(Arc<LogicalPlan>, Arc<LogicalPlan>)>> {
    let cut = size_scans(Arc::clone(frame), max_bytes)?;
    if !cut.changed {
        return Ok(None);
    }
    let exprs = second.into_iter().map(Expr::Column).collect();
    let second = Arc::new(LogicalPlan::Project(Project::try_new(Arc::clone(&cut.plan), exprs)?));
    Ok(Some((cut.plan, second)))
}

/// Gives every groupby and top-n that left `split_every` to the run the
/// run's value.
///
/// # Errors
/// Errors of rebuilding nodes (a bug).
pub fn apply_split_every(plan: Arc<LogicalPlan>, config: &Config) -> Result<Transformed> {
    let fan_in = config.split_every;
    rewrite_bottom_up(&plan, &mut |node| {
        Ok(match node.as_ref() {
            LogicalPlan::Aggregate(a) if a.split_every.is_none() => {
                let mut a = a.clone();
                a.split_every = Some(fan_in);
                Some(LogicalPlan::Aggregate(a))
            }
            LogicalPlan::TopN(t) if t.split_every.is_none() => {
                let mut t = t.clone();
                t.split_every = Some(fan_in);
                Some(LogicalPlan::TopN(t))
            }
            _ => None,
        })
    })
}

#[cfg(test)]
mod tests {
    use rusk_ops::join::{JoinSpec, JoinType};

    use super::*;
    use crate::plan::test_util::memory;
    use crate::plan::{Chosen, Join, JoinStrategy};

    fn join() -> Arc<LogicalPlan> {
        let spec = JoinSpec::new(JoinType::Inner, vec!["a".into()], vec!["a".into()]);
        Arc::new(LogicalPlan::Join(
            Join::try_new(memory(), memory(), spec, JoinStrategy::Auto, None).unwrap(),
        ))
    }

    fn decided(plan: &LogicalPlan) -> Option<Chosen> {
        match plan {
            LogicalPlan::Join(j) => j.decided.clone(),
            _ => panic!("not a join"),
        }
    }

    #[test]
    fn the_run_threshold_decides_and_the_decision_is_kept() {
        let plan = join();
        assert_eq!(decided(&plan), None);
        let broadcast = choose_join_strategy(Arc::clone(&plan), &Config::default()).unwrap();
        assert!(broadcast.changed);
        assert!(matches!(decided(&broadcast.plan), Some(Chosen::Broadcast { .. })));
        let tiny = Config::default().with_broadcast_threshold(0);
        let shuffled = choose_join_strategy(Arc::clone(&plan), &tiny).unwrap();
        assert!(matches!(decided(&shuffled.plan), Some(Chosen::Shuffle { .. })));
        let label = match shuffled.plan.as_ref() {
            LogicalPlan::Join(j) => j.label(),
            _ => unreachable!(),
        };
        assert!(label.contains("strategy=shuffle into 2") && label.contains("> 0 B"), "{label}");
        // Decided once: a second pass changes nothing.
        let again = choose_join_strategy(Arc::clone(&broadcast.plan), &tiny).unwrap();
        assert!(!again.changed);
        assert_eq!(plan.schema(), broadcast.plan.schema());
    }
}
