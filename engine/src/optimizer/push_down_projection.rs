//! `push_down_projection`: each node computes only the columns someone above
//! it uses, and the scan reads only those.
//!
//! ```text
//! Project: id2, v3                       Project: id2, v3
//!   Filter: v1 > 2                  →      Filter: v1 > 2
//!     Scan: csv (9 columns)                  Scan: csv, columns=[id2, v1, v3] 3/9
//! ```
//!
//! Walks the plan top-down carrying the set of columns needed above; unused
//! expressions of a projection are dropped, a projection that passes its input
//! through unchanged disappears, and a user function needs all its input.

use std::collections::BTreeSet;
use std::sync::Arc;

use rusk_ops::Result;

use super::{OptimizerRule, Transformed};
use crate::plan::{DedupMode, Filter, Limit, LogicalPlan, MapPartitions, Project, Repartition, Transform};

/// See the module docs.
#[derive(Debug, Default, Clone, Copy)]
pub struct PushDownProjection;

impl OptimizerRule for PushDownProjection {
    fn name(&self) -> &'static str {
        "push_down_projection"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed> {
        prune(&plan, None)
    }
}

/// Rewrites `plan` to produce at least `required` (all columns when `None`).
fn prune(plan: &Arc<LogicalPlan>, required: Option<&BTreeSet<String>>) -> Result<Transformed> {
    match plan.as_ref() {
        LogicalPlan::Scan(scan) => {
            let Some(required) = required else { return Ok(Transformed::no(Arc::clone(plan))) };
            let schema = scan.schema();
            let kept: Vec<String> =
                schema.fields().iter().map(|f| f.name().clone()).filter(|n| required.contains(n)).collect();
            if kept.len() == schema.fields().len() {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::Scan(scan.with_columns(kept))))
        }
        LogicalPlan::InMemory(_) => Ok(Transformed::no(Arc::clone(plan))),
        LogicalPlan::Filter(f) => {
            let below = required.map(|r| {
                let mut r = r.clone();
                r.extend(f.predicate.columns());
                r
            });
            let t = prune(&f.input, below.as_ref())?;
            if !t.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::Filter(Filter::try_new(t.plan, f.predicate.clone())?)))
        }
        LogicalPlan::Project(p) => {
            let exprs: Vec<_> = match required {
                Some(r) => p.exprs.iter().filter(|e| r.contains(&e.output_name())).cloned().collect(),
                None => p.exprs.clone(),
            };
            let below: BTreeSet<String> = exprs.iter().flat_map(|e| e.columns()).collect();
            let t = prune(&p.input, Some(&below))?;
            let input_names: Vec<String> =
                t.plan.schema().fields().iter().map(|f| f.name().clone()).collect();
            let passes_through = exprs.len() == input_names.len()
                && exprs
                    .iter()
                    .zip(&input_names)
                    .all(|(e, n)| matches!(e, rusk_ops::expr::Expr::Column(c) if c == n));
            if passes_through {
                return Ok(Transformed { plan: t.plan, changed: true });
            }
            if !t.changed && exprs.len() == p.exprs.len() {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::Project(Project::try_new(t.plan, exprs)?)))
        }
        LogicalPlan::Limit(l) => {
            let t = prune(&l.input, required)?;
            if !t.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::Limit(Limit { input: t.plan, n: l.n })))
        }
        LogicalPlan::Repartition(r) => {
            let t = prune(&r.input, required)?;
            if !t.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::Repartition(Repartition {
                input: t.plan,
                npartitions: r.npartitions,
            })))
        }
        LogicalPlan::Aggregate(a) => {
            let mut below = BTreeSet::new();
            for e in a.keys.iter().chain(a.aggs.iter().flat_map(|s| s.args.iter())) {
                below.extend(e.columns());
            }
            let t = prune(&a.input, Some(&below))?;
            if !t.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::Aggregate(a.with_input(t.plan)?)))
        }
        LogicalPlan::TopN(n) => {
            // The columns asked for, and those that pick the rows.
            let below = required.map(|r| {
                let mut r = r.clone();
                r.extend(n.used_columns());
                r
            });
            let t = prune(&n.input, below.as_ref())?;
            if !t.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::TopN(n.with_input(t.plan)?)))
        }
        LogicalPlan::Transform(n) => {
            // The rows' side needs the columns asked for (but the new ones)
            // and the keys; the groupby's side, what its aggregates read.
            let names = n.names();
            let below = required.map(|r| {
                let mut r: BTreeSet<String> = r.iter().filter(|c| !names.contains(c)).cloned().collect();
                r.extend(n.keys.iter().flat_map(|k| k.columns()));
                r
            });
            let rows = prune(&n.input, below.as_ref())?;
            let groups = prune(&n.aggregated, None)?;
            if !rows.changed && !groups.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            let node = Transform::try_new(rows.plan, groups.plan, n.keys.clone())?;
            Ok(Transformed::yes(LogicalPlan::Transform(node)))
        }
        LogicalPlan::Sort(n) => {
            // The columns asked for, and the keys that order the rows.
            let below = required.map(|r| {
                let mut r = r.clone();
                r.extend(n.columns().map(str::to_string));
                r
            });
            let t = prune(&n.input, below.as_ref())?;
            if !t.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::Sort(n.with_input(t.plan)?)))
        }
        LogicalPlan::GroupApply(a) => {
            // The user function sees every column.
            let t = prune(&a.input, None)?;
            if !t.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::GroupApply(a.with_input(t.plan)?)))
        }
        LogicalPlan::Dedup(n) => {
            // The rows' side needs what is asked for (`duplicated` outputs
            // none of its columns); the keys' side keeps the subset.
            let rows = match n.mode {
                DedupMode::DropDuplicates => prune(&n.input, required)?,
                DedupMode::Duplicated => prune(&n.input, Some(&BTreeSet::new()))?,
            };
            let keys = prune(&n.keys, Some(&n.subset.iter().cloned().collect()))?;
            if !rows.changed && !keys.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::Dedup(n.with_new_inputs(rows.plan, keys.plan)?)))
        }
        LogicalPlan::Window(n) => {
            // The rows' side needs what is asked for, less the new columns,
            // plus the columns the pass reads; the summaries' side only those.
            let args: BTreeSet<String> = n.windows.columns()?.into_iter().collect();
            let rows_needed = required.map(|r| {
                let mut need: BTreeSet<String> = r.iter().filter(|c| !n.names.contains(c)).cloned().collect();
                need.extend(args.iter().cloned());
                need
            });
            let rows = prune(&n.input, rows_needed.as_ref())?;
            let summaries = prune(&n.args, Some(&args))?;
            if !rows.changed && !summaries.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::Window(n.with_new_inputs(rows.plan, summaries.plan)?)))
        }
        LogicalPlan::MapPartitions(m) => {
            let t = prune(&m.input, None)?;
            if !t.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::MapPartitions(MapPartitions {
                input: t.plan,
                func: m.func.clone(),
                schema: Arc::clone(&m.schema),
            })))
        }
        LogicalPlan::Join(j) => {
            // Each side keeps the keys and what the output columns asked
            // for come from (both sides of a name they share, so the
            // suffixes stay as they were).
            let (left, right) = match required {
                Some(r) => {
                    let (l, r) = j.required_inputs(r);
                    (prune(&j.left, Some(&l))?, prune(&j.right, Some(&r))?)
                }
                None => (prune(&j.left, None)?, prune(&j.right, None)?),
            };
            if !left.changed && !right.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::Join(j.with_inputs(left.plan, right.plan)?)))
        }
        LogicalPlan::AsofJoin(j) => {
            let (left, right) = (prune(&j.left, None)?, prune(&j.right, None)?);
            if !left.changed && !right.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::AsofJoin(j.with_inputs(left.plan, right.plan)?)))
        }
        LogicalPlan::SetIndex(n) => {
            // The columns asked for, and the index.
            let below = required.map(|r| {
                let mut r = r.clone();
                r.insert(n.column.clone());
                r
            });
            let t = prune(&n.input, below.as_ref())?;
            if !t.changed {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            Ok(Transformed::yes(LogicalPlan::SetIndex(n.with_input(t.plan)?)))
        }
        LogicalPlan::Concat(c) => {
            // Every input is of the concat's schema, so each keeps the same
            // columns in the same order.
            let pruned = c.inputs.iter().map(|i| prune(i, required)).collect::<Result<Vec<_>>>()?;
            if pruned.iter().all(|t| !t.changed) {
                return Ok(Transformed::no(Arc::clone(plan)));
            }
            let inputs = pruned.into_iter().map(|t| t.plan).collect();
            Ok(Transformed::yes(LogicalPlan::Concat(crate::plan::Concat::try_new(inputs, c.ignore_index)?)))
        }
    }
}

#[cfg(test)]
mod tests {
    use rusk_ops::expr::{col, lit};

    use super::*;
    use crate::explain::plan_tree;
    use crate::plan::test_util::memory;

    /// Above a sort only `c` is used; below it, `c` and the key `a`.
    #[test]
    fn a_sort_keeps_its_keys_below_it() {
        let inner = Project::try_new(memory(), vec![col("a"), col("b"), col("c")]).unwrap();
        let keys = vec![rusk_ops::sort::SortKey::new("a").nulls_first(true)];
        let sort = crate::plan::Sort::try_new(Arc::new(LogicalPlan::Project(inner)), keys).unwrap();
        let plan = Arc::new(LogicalPlan::Project(
            Project::try_new(Arc::new(LogicalPlan::Sort(sort)), vec![col("c")]).unwrap(),
        ));
        let t = PushDownProjection.rewrite(Arc::clone(&plan)).unwrap();
        assert_eq!(
            plan_tree(&t.plan),
            "Project: c\n  Sort: by=[a], na_position=first\n    Project: a, c\n      InMemory: 2 partitions, 6 rows\n"
        );
        assert_eq!(t.plan.schema(), plan.schema());
    }

    /// `duplicated` outputs none of its input's columns: its rows' side
    /// keeps none, its keys' side the subset.
    #[test]
    fn a_dedup_keeps_its_subset_on_the_keys_side() {
        use crate::plan::{Dedup, DedupMode};
        use rusk_ops::dedup::Keep;
        let subset = Some(vec!["c".to_string(), "a".to_string()]);
        let node = Dedup::try_new(memory(), subset.clone(), Keep::Last, DedupMode::Duplicated).unwrap();
        let plan = Arc::new(LogicalPlan::Dedup(node));
        let t = PushDownProjection.rewrite(Arc::clone(&plan)).unwrap();
        assert_eq!(
            plan_tree(&t.plan),
            "Duplicated: subset=[c, a], keep=last (reads its input twice)\n  InMemory: 2 partitions, 6 rows\n  Project: c, a\n    InMemory: 2 partitions, 6 rows\n"
        );
        assert_eq!(t.plan.schema(), plan.schema());
        // drop_duplicates under a selection: the rows' side keeps what is
        // selected (in memory, nothing to prune; scans: tests/it/dedup.rs).
        let node = Dedup::try_new(memory(), subset, Keep::First, DedupMode::DropDuplicates).unwrap();
        let selected =
            Project::try_new(Arc::new(LogicalPlan::Dedup(node)), vec![(col("b") + lit(1)).alias("x")])
                .unwrap();
        let plan = Arc::new(LogicalPlan::Project(selected));
        let t = PushDownProjection.rewrite(Arc::clone(&plan)).unwrap();
        assert_eq!(
            plan_tree(&t.plan),
            "Project: b + 1 AS x\n  DropDuplicates: subset=[c, a] (reads its input twice)\n    InMemory: 2 partitions, 6 rows\n    Project: c, a\n      InMemory: 2 partitions, 6 rows\n"
        );
        assert_eq!(t.plan.schema(), plan.schema());
    }

    #[test]
    fn drops_unused_expressions_and_identity_projections() {
        let inner =
            Project::try_new(memory(), vec![col("a"), col("b"), (col("a") + lit(1)).alias("x")]).unwrap();
        let outer =
            Project::try_new(Arc::new(LogicalPlan::Project(inner)), vec![col("a"), col("b")]).unwrap();
        let plan = Arc::new(LogicalPlan::Project(outer));
        let t = PushDownProjection.rewrite(Arc::clone(&plan)).unwrap();
        assert!(t.changed);
        assert_eq!(plan_tree(&t.plan), "Project: a, b\n  InMemory: 2 partitions, 6 rows\n");
        assert_eq!(t.plan.schema(), plan.schema());
    }

    #[test]
    fn a_plan_using_everything_is_unchanged() {
        let p = Project::try_new(memory(), vec![col("c"), col("a"), col("b")]).unwrap();
        assert!(!PushDownProjection.rewrite(Arc::new(LogicalPlan::Project(p))).unwrap().changed);
    }
}
