//! `fuse_filters`: adjacent filters become one conjunction.
//!
//! ```text
//! Filter: b < 2            Filter: a > 1 & b < 2
//!   Filter: a > 1     →      Scan
//!     Scan
//! ```

use std::sync::Arc;

use rusk_ops::expr::BinaryOp;
use rusk_ops::expr::Expr;
use rusk_ops::Result;

use super::{rewrite_bottom_up, OptimizerRule, Transformed};
use crate::plan::{Filter, LogicalPlan};

/// See the module docs.
#[derive(Debug, Default, Clone, Copy)]
pub struct FuseFilters;

impl OptimizerRule for FuseFilters {
    fn name(&self) -> &'static str {
        "fuse_filters"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed> {
        rewrite_bottom_up(&plan, &mut |node| {
            let LogicalPlan::Filter(outer) = node.as_ref() else { return Ok(None) };
            let LogicalPlan::Filter(inner) = outer.input.as_ref() else { return Ok(None) };
            // The inner predicate first: it ran first, and `&` is evaluated left to right.
            let both = Expr::binary(inner.predicate.clone(), BinaryOp::And, outer.predicate.clone());
            Ok(Some(LogicalPlan::Filter(Filter::try_new(Arc::clone(&inner.input), both)?)))
        })
    }
}

#[cfg(test)]
mod tests {
    use rusk_ops::expr::{col, lit};

    use super::*;
    use crate::explain::plan_tree;
    use crate::plan::test_util::memory;

    #[test]
    fn three_filters_become_one() {
        let f1 = Arc::new(LogicalPlan::Filter(Filter::try_new(memory(), col("a").gt(lit(1))).unwrap()));
        let f2 = Arc::new(LogicalPlan::Filter(Filter::try_new(f1, col("b").lt(lit(2))).unwrap()));
        let f3 = Arc::new(LogicalPlan::Filter(Filter::try_new(f2, col("c").eq(lit("x"))).unwrap()));
        let t = FuseFilters.rewrite(Arc::clone(&f3)).unwrap();
        assert_eq!(
            plan_tree(&t.plan),
            "Filter: a > 1 & b < 2 & c == 'x'\n  InMemory: 2 partitions, 6 rows\n"
        );
        assert_eq!(t.plan.schema(), f3.schema());
    }
}
