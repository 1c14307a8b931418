//! Rewrite rules over the logical plan.
//!
//! Each rule is a struct in its own file with a `name()` (the name `explain`
//! prints) and a `rewrite`. [`optimize`] runs the rules in order, in passes,
//! until a pass changes nothing (at most [`MAX_PASSES`]); after every rule the
//! output schema must be unchanged, or the rule has a bug.

mod fold_constants;
mod fuse_filters;
mod prune_by_divisions;
mod push_down_limit;
mod push_down_predicate;
mod push_down_projection;
mod run_settings;
mod split_out;

pub use fold_constants::FoldConstants;
pub use fuse_filters::FuseFilters;
pub use prune_by_divisions::PruneByDivisions;
pub use push_down_limit::PushDownLimit;
pub use push_down_predicate::PushDownPredicate;
pub use push_down_projection::PushDownProjection;
pub use run_settings::{
    apply_split_every, choose_join_strategy, choose_scan_partitions, choose_sort_ranges, choose_window_reads,
    Destination,
};
pub use split_out::{choose_split_out, GroupSampler};

use std::sync::Arc;

use rusk_ops::{Error, Result};

use crate::plan::{same_columns, LogicalPlan};

/// Passes over the rule list before giving up on reaching a fixed point.
/// Every rule only moves nodes down or removes them, so real plans settle in
/// two or three passes; hitting the limit means two rules undo each other.
pub const MAX_PASSES: usize = 16;

/// A plan and whether a rule changed it.
#[derive(Debug, Clone)]
pub struct Transformed {
    /// The plan after the rule.
    pub plan: Arc<LogicalPlan>,
    /// True when the rule rewrote something.
    pub changed: bool,
}

impl Transformed {
    /// A changed plan.
    pub fn yes(plan: LogicalPlan) -> Self {
        Transformed { plan: Arc::new(plan), changed: true }
    }

    /// The plan as it was.
    pub fn no(plan: Arc<LogicalPlan>) -> Self {
        Transformed { plan, changed: false }
    }
}

/// A rewrite rule.
pub trait OptimizerRule: Send + Sync {
    /// The rule's name, a verb phrase like the file it lives in.
    fn name(&self) -> &'static str;
    /// Rewrites the whole plan (the rule walks it as it needs).
    ///
    /// # Errors
    /// When a rebuilt node does not type-check (a rule bug) or pruning fails.
    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed>;
}

/// The rules, in the order they run within a pass.
pub fn rules() -> Vec<Box<dyn OptimizerRule>> {
    vec![
        // First, so the rules below see literals instead of literal arithmetic
        // and always-true filters disappear.
        Box::new(FoldConstants),
        // Adjacent filters become one, so a predicate moves down in one piece.
        Box::new(FuseFilters),
        // Filters sink to the scan, where they prune files and row groups.
        Box::new(PushDownPredicate),
        // Filters have sunk onto the index they test (they stop there).
        Box::new(PruneByDivisions),
        // After predicates have moved: the columns filters need are known.
        Box::new(PushDownProjection),
        // Last: limits only merge and skip order-keeping repartitions.
        Box::new(PushDownLimit),
    ]
}

/// What [`optimize`] did.
#[derive(Debug, Clone)]
pub struct Optimized {
    /// The optimized plan.
    pub plan: Arc<LogicalPlan>,
    /// The rules that changed something, in the order they did.
    pub applied: Vec<&'static str>,
}

/// Runs every rule to a fixed point.
///
/// # Errors
/// A rule's error, or [`Error::Internal`] when a rule changed the schema or
/// the rules never settle.
pub fn optimize(plan: Arc<LogicalPlan>) -> Result<Optimized> {
    let rules = rules();
    let schema = plan.schema();
    let mut plan = plan;
    let mut applied = Vec::new();
    for _ in 0..MAX_PASSES {
        let mut changed = false;
        for rule in &rules {
            let t = rule.rewrite(Arc::clone(&plan))?;
            if t.changed {
                let new_schema = t.plan.schema();
                if !same_columns(&schema, &new_schema) {
                    return Err(Error::Internal(format!(
                        "rule {} changed the schema from {schema:?} to {new_schema:?}",
                        rule.name()
                    )));
                }
                applied.push(rule.name());
                changed = true;
                plan = t.plan;
            }
        }
        if !changed {
            return Ok(Optimized { plan, applied });
        }
    }
    Err(Error::Internal(format!("optimizer rules did not settle after {MAX_PASSES} passes: {applied:?}")))
}

/// Applies `f` to every node, inputs first; `f` returns `None` to keep a node.
pub(crate) fn rewrite_bottom_up(
    plan: &Arc<LogicalPlan>,
    f: &mut dyn FnMut(&Arc<LogicalPlan>) -> Result<Option<LogicalPlan>>,
) -> Result<Transformed> {
    let mut changed = false;
    let mut new_inputs = Vec::new();
    for input in plan.inputs() {
        let t = rewrite_bottom_up(input, f)?;
        changed |= t.changed;
        new_inputs.push(t.plan);
    }
    let node = if changed { Arc::new(plan.with_new_inputs(new_inputs)?) } else { Arc::clone(plan) };
    match f(&node)? {
        Some(rewritten) => Ok(Transformed::yes(rewritten)),
        None => Ok(Transformed { plan: node, changed }),
    }
}
