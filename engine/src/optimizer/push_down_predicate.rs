//! `push_down_predicate`: filters sink through projections and repartitions
//! into the scan, where they prune hive partitions and Parquet row groups and
//! run right after each read.
//!
//! ```text
//! Filter: total > 10 & year == 2024        Project: a, price * qty AS total
//!   Project: a, price * qty AS total   →     Scan: filters=[price * qty > 10, year == 2024]
//!     Scan
//! ```
//!
//! Through a projection, a conjunct's columns are replaced by the expressions
//! that compute them (expressions are pure, so this only moves work earlier).
//! Filters stop at limits (the first n rows of a filtered frame are not the
//! filtered first n rows) and at user functions (which may change anything).
//! They sink through sorts: a stable sort of the kept rows is the kept rows
//! of the stable sort.

use std::collections::HashMap;
use std::sync::Arc;

use rusk_ops::expr::Expr;
use rusk_ops::Result;

use super::{rewrite_bottom_up, OptimizerRule, Transformed};
use crate::plan::{Filter, LogicalPlan, Project, Repartition, Transform};

/// See the module docs.
#[derive(Debug, Default, Clone, Copy)]
pub struct PushDownPredicate;

impl OptimizerRule for PushDownPredicate {
    fn name(&self) -> &'static str {
        "push_down_predicate"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed> {
        rewrite_bottom_up(&plan, &mut |node| {
            let LogicalPlan::Filter(filter) = node.as_ref() else { return Ok(None) };
            push_filter(filter)
        })
    }
}

fn push_filter(filter: &Filter) -> Result<Option<LogicalPlan>> {
    let conjuncts: Vec<Expr> = filter.predicate.split_conjunction().into_iter().cloned().collect();
    match filter.input.as_ref() {
        LogicalPlan::Scan(scan) => {
            let mut filters = scan.filters.clone();
            filters.extend(conjuncts);
            Ok(Some(LogicalPlan::Scan(scan.with_filters(filters)?)))
        }
        LogicalPlan::Repartition(r) => {
            let below = Filter::try_new(Arc::clone(&r.input), filter.predicate.clone())?;
            Ok(Some(LogicalPlan::Repartition(Repartition {
                input: Arc::new(LogicalPlan::Filter(below)),
                npartitions: r.npartitions,
            })))
        }
        // A stable sort of the rows a filter keeps is the filtered stable
        // sort, and sorting fewer rows is cheaper.
        LogicalPlan::Sort(sort) => {
            let below = Filter::try_new(Arc::clone(&sort.input), filter.predicate.clone())?;
            Ok(Some(LogicalPlan::Sort(sort.with_input(Arc::new(LogicalPlan::Filter(below)))?)))
        }
        LogicalPlan::Project(project) => {
            let definitions: HashMap<String, Expr> =
                project.exprs.iter().map(|e| (e.output_name(), e.unalias().clone())).collect();
            let pushed: Vec<Expr> = conjuncts
                .iter()
                .map(|c| {
                    c.transform_up(&mut |e| match e {
                        Expr::Column(name) => definitions.get(&name).cloned().unwrap_or(Expr::Column(name)),
                        other => other,
                    })
                })
                .collect();
            let Some(predicate) = Expr::conjunction(pushed) else { return Ok(None) };
            let below = Filter::try_new(Arc::clone(&project.input), predicate)?;
            let project = Project::try_new(Arc::new(LogicalPlan::Filter(below)), project.exprs.clone())?;
            Ok(Some(LogicalPlan::Project(project)))
        }
        // A filter on plain key columns keeps or drops whole groups, which
        // does not change the top rows of the groups it keeps.
        LogicalPlan::TopN(t) => {
            let keys: Vec<String> = t
                .keys
                .iter()
                .filter_map(|k| if let Expr::Column(c) = k { Some(c.clone()) } else { None })
                .collect();
            push_some(
                &conjuncts,
                |c| keys.contains(c),
                |below| Ok(LogicalPlan::TopN(t.with_input(Arc::new(LogicalPlan::Filter(below)))?)),
                &t.input,
            )
        }
        // A filter on the frame's own columns picks rows, not groups: the
        // rows' side runs it first, the groupby still sees every row.
        LogicalPlan::Transform(t) => {
            let (names, schema) = (t.names(), t.input.schema());
            let own = |c: &String| !names.contains(c) && schema.field_with_name(c).is_ok();
            push_some(
                &conjuncts,
                own,
                |below| {
                    let rows = Arc::new(LogicalPlan::Filter(below));
                    Ok(LogicalPlan::Transform(Transform::try_new(
                        rows,
                        Arc::clone(&t.aggregated),
                        t.keys.clone(),
                    )?))
                },
                &t.input,
            )
        }
        // Each frame's part of the filter runs on it before the concat.
        LogicalPlan::Concat(c) => {
            let inputs = c
                .inputs
                .iter()
                .map(|i| {
                    Ok(Arc::new(LogicalPlan::Filter(Filter::try_new(
                        Arc::clone(i),
                        filter.predicate.clone(),
                    )?)))
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Some(LogicalPlan::Concat(c.with_inputs(inputs)?)))
        }
        LogicalPlan::Join(j) => push_into_join(&conjuncts, j),
        _ => Ok(None),
    }
}

/// A join's conjuncts that read one side's columns (under their own
/// names) move into that side, when the join keeps no unmatched row of
/// the other side that the filter would then wrongly keep: into the left
/// for inner, left, semi, anti and cross joins, into the right for inner,
/// right and cross. A conjunct on keys both sides share goes into both
/// sides, whatever the join type: paired rows have equal keys, so both
/// pass or both fail it, and an unmatched row's output key is its own.
fn push_into_join(conjuncts: &[Expr], join: &crate::plan::Join) -> Result<Option<LogicalPlan>> {
    use rusk_ops::join::JoinType::*;
    let how = join.spec.how;
    let (ls, rs) = (join.left.schema(), join.right.schema());
    let shared: Vec<&String> = (0..join.spec.left_on.len())
        .filter(|&i| join.spec.is_shared_key(i))
        .map(|i| &join.spec.left_on[i])
        .collect();
    // A name only one side has comes through unchanged.
    let only_left = |c: &String| ls.field_with_name(c).is_ok() && rs.field_with_name(c).is_err();
    let only_right = |c: &String| rs.field_with_name(c).is_ok() && ls.field_with_name(c).is_err();
    let left_ok = matches!(how, Inner | Left | Semi | Anti | Cross);
    let right_ok = matches!(how, Inner | Right | Cross);
    let is_shared = |c: &String| shared.contains(&c);
    let to_left = |c: &String| is_shared(c) || (left_ok && only_left(c));
    let to_right = |c: &String| is_shared(c) || (right_ok && only_right(c));
    let (mut left, mut right, mut kept) = (vec![], vec![], vec![]);
    for c in conjuncts {
        let cols = c.columns();
        let l = cols.iter().all(to_left);
        let r = cols.iter().all(to_right);
        if l {
            left.push(c.clone());
        }
        if r {
            right.push(c.clone());
        }
        if !l && !r {
            kept.push(c.clone());
        }
    }
    if left.is_empty() && right.is_empty() {
        return Ok(None);
    }
    let side = |input: &Arc<LogicalPlan>, pushed: Vec<Expr>| -> Result<Arc<LogicalPlan>> {
        Ok(match Expr::conjunction(pushed) {
            Some(p) => Arc::new(LogicalPlan::Filter(Filter::try_new(Arc::clone(input), p)?)),
            None => Arc::clone(input),
        })
    };
    let node = LogicalPlan::Join(join.with_inputs(side(&join.left, left)?, side(&join.right, right)?)?);
    Ok(Some(match Expr::conjunction(kept) {
        Some(rest) => LogicalPlan::Filter(Filter::try_new(Arc::new(node), rest)?),
        None => node,
    }))
}

/// Pushes the conjuncts whose columns all pass `movable` below a node (as
/// a filter over `input`, rebuilt into the node by `rebuild`); the others
/// stay above it. `None` when none moves.
fn push_some(
    conjuncts: &[Expr],
    movable: impl Fn(&String) -> bool,
    rebuild: impl FnOnce(Filter) -> Result<LogicalPlan>,
    input: &Arc<LogicalPlan>,
) -> Result<Option<LogicalPlan>> {
    let (pushed, kept): (Vec<Expr>, Vec<Expr>) =
        conjuncts.iter().cloned().partition(|c| c.columns().iter().all(&movable));
    let Some(predicate) = Expr::conjunction(pushed) else { return Ok(None) };
    let node = Arc::new(rebuild(Filter::try_new(Arc::clone(input), predicate)?)?);
    Ok(Some(match Expr::conjunction(kept) {
        Some(rest) => LogicalPlan::Filter(Filter::try_new(node, rest)?),
        None => Arc::unwrap_or_clone(node),
    }))
}

#[cfg(test)]
mod tests {
    use rusk_ops::expr::{col, lit};

    use super::*;
    use crate::explain::plan_tree;
    use crate::plan::test_util::memory;
    use crate::plan::Limit;

    fn filter(input: Arc<LogicalPlan>, p: Expr) -> Arc<LogicalPlan> {
        Arc::new(LogicalPlan::Filter(Filter::try_new(input, p).unwrap()))
    }

    #[test]
    fn sinks_through_a_sort() {
        let keys = vec![rusk_ops::sort::SortKey::new("b").ascending(false)];
        let sort = Arc::new(LogicalPlan::Sort(crate::plan::Sort::try_new(memory(), keys).unwrap()));
        let plan = filter(sort, col("a").gt(lit(1)));
        let t = PushDownPredicate.rewrite(Arc::clone(&plan)).unwrap();
        assert_eq!(
            plan_tree(&t.plan),
            "Sort: by=[b], ascending=False\n  Filter: a > 1\n    InMemory: 2 partitions, 6 rows\n"
        );
        assert_eq!(t.plan.schema(), plan.schema());
    }

    #[test]
    fn sinks_through_a_projection_substituting_computed_columns() {
        let project = Project::try_new(memory(), vec![col("a"), (col("b") * lit(2)).alias("d")]).unwrap();
        let plan = filter(Arc::new(LogicalPlan::Project(project)), col("d").gt(lit(1)) & col("a").lt(lit(3)));
        let t = PushDownPredicate.rewrite(Arc::clone(&plan)).unwrap();
        assert!(t.changed);
        assert_eq!(
            plan_tree(&t.plan),
            "Project: a, b * 2 AS d\n  Filter: b * 2 > 1 & a < 3\n    InMemory: 2 partitions, 6 rows\n"
        );
        assert_eq!(t.plan.schema(), plan.schema());
    }

    #[test]
    fn stops_at_a_limit() {
        let limit = Arc::new(LogicalPlan::Limit(Limit { input: memory(), n: 2 }));
        let plan = filter(limit, col("a").gt(lit(1)));
        assert!(!PushDownPredicate.rewrite(plan).unwrap().changed);
    }

    #[test]
    fn sinks_through_a_repartition() {
        let rep = Arc::new(LogicalPlan::Repartition(Repartition { input: memory(), npartitions: 3 }));
        let t = PushDownPredicate.rewrite(filter(rep, col("a").gt(lit(1)))).unwrap();
        assert_eq!(
            plan_tree(&t.plan),
            "Repartition: 3\n  Filter: a > 1\n    InMemory: 2 partitions, 6 rows\n"
        );
    }

    fn join(how: rusk_ops::join::JoinType) -> Arc<LogicalPlan> {
        // memory(): a, b, c; the right side renames c to d.
        let right = Project::try_new(memory(), vec![col("a"), col("c").alias("d")]).unwrap();
        let spec = rusk_ops::join::JoinSpec::new(how, vec!["a".into()], vec!["a".into()]);
        let node = crate::plan::Join::try_new(
            memory(),
            Arc::new(LogicalPlan::Project(right)),
            spec,
            crate::plan::JoinStrategy::Auto,
            None,
        )
        .unwrap();
        Arc::new(LogicalPlan::Join(node))
    }

    #[test]
    fn join_filters_sink_into_the_side_they_read_when_the_type_allows() {
        use rusk_ops::join::JoinType;
        let predicate = col("a").gt(lit(1)) & col("b").lt(lit(2.0)) & col("d").eq(lit("x"));
        // Left join: the shared key goes to both sides, b (left) down the
        // left, d (right) stays above: a left row without a match has d null.
        let plan = filter(join(JoinType::Left), predicate.clone());
        let t = PushDownPredicate.rewrite(Arc::clone(&plan)).unwrap();
        let text = plan_tree(&t.plan);
        assert!(text.starts_with("Filter: d == 'x'\n  Join: how=left"), "{text}");
        assert!(text.contains("    Filter: a > 1 & b < 2.0\n      InMemory"), "{text}");
        assert!(text.contains("    Filter: a > 1\n      Project: a, c AS d"), "{text}");
        assert_eq!(t.plan.schema(), plan.schema());
        // Inner: everything moves.
        let t = PushDownPredicate.rewrite(filter(join(JoinType::Inner), predicate.clone())).unwrap();
        let text = plan_tree(&t.plan);
        assert!(text.starts_with("Join: how=inner"), "{text}");
        assert!(text.contains("Filter: a > 1 & d == 'x'"), "{text}");
        // Outer: only the shared key moves, into both sides.
        let t = PushDownPredicate.rewrite(filter(join(JoinType::Outer), predicate)).unwrap();
        let text = plan_tree(&t.plan);
        assert!(text.starts_with("Filter: b < 2.0 & d == 'x'\n  Join: how=outer"), "{text}");
        assert_eq!(text.matches("Filter: a > 1\n").count(), 2, "{text}");
    }
}
