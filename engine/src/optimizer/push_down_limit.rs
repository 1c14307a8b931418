//! `push_down_limit`: nested limits keep the smaller, and a repartition under
//! a limit is moot (it keeps row order, and the limit's output is one partition).
//! A limit never moves below a sort: the head of a sort is the top n rows,
//! the sort of a head is not.
//!
//! ```text
//! Limit: 5                  Limit: 5
//!   Repartition: 4    →       Scan
//!     Limit: 10
//!       Scan
//! ```

use std::sync::Arc;

use rusk_ops::Result;

use super::{rewrite_bottom_up, OptimizerRule, Transformed};
use crate::plan::{Limit, LogicalPlan};

/// See the module docs.
#[derive(Debug, Default, Clone, Copy)]
pub struct PushDownLimit;

impl OptimizerRule for PushDownLimit {
    fn name(&self) -> &'static str {
        "push_down_limit"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed> {
        rewrite_bottom_up(&plan, &mut |node| {
            let LogicalPlan::Limit(outer) = node.as_ref() else { return Ok(None) };
            Ok(match outer.input.as_ref() {
                LogicalPlan::Limit(inner) => Some(LogicalPlan::Limit(Limit {
                    input: Arc::clone(&inner.input),
                    n: outer.n.min(inner.n),
                })),
                LogicalPlan::Repartition(r) => {
                    Some(LogicalPlan::Limit(Limit { input: Arc::clone(&r.input), n: outer.n }))
                }
                _ => None,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::plan_tree;
    use crate::plan::test_util::memory;
    use crate::plan::Repartition;

    #[test]
    fn limits_merge_through_repartitions() {
        let inner = Arc::new(LogicalPlan::Limit(Limit { input: memory(), n: 10 }));
        let rep = Arc::new(LogicalPlan::Repartition(Repartition { input: inner, npartitions: 4 }));
        let outer = Arc::new(LogicalPlan::Limit(Limit { input: rep, n: 5 }));
        let mut plan = outer;
        while let Ok(t) = PushDownLimit.rewrite(Arc::clone(&plan)) {
            if !t.changed {
                break;
            }
            plan = t.plan;
        }
        assert_eq!(plan_tree(&plan), "Limit: 5\n  InMemory: 2 partitions, 6 rows\n");
    }

    /// A head after a sort is the top n: the limit must stay above the sort.
    #[test]
    fn a_limit_stays_above_a_sort() {
        let sort = crate::plan::Sort::try_new(memory(), vec![rusk_ops::sort::SortKey::new("a")]).unwrap();
        let plan = Arc::new(LogicalPlan::Limit(Limit { input: Arc::new(LogicalPlan::Sort(sort)), n: 2 }));
        assert!(!PushDownLimit.rewrite(plan).unwrap().changed);
    }
}
