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

use std::collections::HashMap;
use std::sync::Arc;

use rusk_ops::expr::Expr;
use rusk_ops::Result;

use super::{rewrite_bottom_up, OptimizerRule, Transformed};
use crate::plan::{Filter, LogicalPlan, Project, Repartition};

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
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use rusk_ops::expr::{col, lit};

    use super::*;
    use crate::explain::plan_tree;
    use crate::optimizer::test_util::memory;
    use crate::plan::Limit;

    fn filter(input: Arc<LogicalPlan>, p: Expr) -> Arc<LogicalPlan> {
        Arc::new(LogicalPlan::Filter(Filter::try_new(input, p).unwrap()))
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
}
