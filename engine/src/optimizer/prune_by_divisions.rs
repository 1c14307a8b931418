//! `prune_by_divisions`: a filter on the index of a `set_index` with
//! known divisions keeps only the partitions whose bounds allow a match;
//! the others are never read.
//!
//! ```text
//! Filter: k >= 250                     Filter: k >= 250
//!   SetIndex: k, sorted=True      →      SetIndex: k, sorted=True, partitions=2/3
//!     Scan: csv (3 files)                  Scan: csv (3 files)
//! ```
//!
//! The filter stays: a kept partition may still hold rows it drops. See
//! `plan::may_match` for what each predicate proves. Filters sink to the
//! `SetIndex` through projections (`push_down_predicate`) but never below
//! it: pushed into a scan they could prune its partitions and misalign the
//! divisions.

use std::sync::Arc;

use rusk_ops::Result;

use super::{rewrite_bottom_up, OptimizerRule, Transformed};
use crate::plan::{may_match, Filter, LogicalPlan};

/// See the module docs.
#[derive(Debug, Default, Clone, Copy)]
pub struct PruneByDivisions;

impl OptimizerRule for PruneByDivisions {
    fn name(&self) -> &'static str {
        "prune_by_divisions"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed> {
        rewrite_bottom_up(&plan, &mut |node| {
            let LogicalPlan::Filter(filter) = node.as_ref() else { return Ok(None) };
            let LogicalPlan::SetIndex(set) = filter.input.as_ref() else { return Ok(None) };
            let divisions = set.output_divisions()?;
            let may = may_match(&filter.predicate, &set.column, &divisions)?;
            if may.iter().all(|&m| m) {
                return Ok(None);
            }
            let kept: Vec<usize> =
                set.kept_partitions().into_iter().zip(may).filter(|(_, m)| *m).map(|(p, _)| p).collect();
            let input = Arc::new(LogicalPlan::SetIndex(set.with_kept(kept)));
            Ok(Some(LogicalPlan::Filter(Filter::try_new(input, filter.predicate.clone())?)))
        })
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{ArrayRef, Int64Array};
    use rusk_ops::expr::{col, lit};

    use super::*;
    use crate::explain::plan_tree;
    use crate::plan::test_util::memory;
    use crate::plan::{Divisions, SetIndex};

    /// `memory()` (two partitions, a = 1..3 each) indexed by `a`, with
    /// made-up divisions [1, 3] and [4, 6] (null-free).
    fn indexed() -> Arc<LogicalPlan> {
        let min: ArrayRef = Arc::new(Int64Array::from(vec![1, 4]));
        let max: ArrayRef = Arc::new(Int64Array::from(vec![3, 6]));
        let d = Arc::new(Divisions::try_new(min, max, vec![false, false]).unwrap());
        Arc::new(LogicalPlan::SetIndex(SetIndex::try_new(memory(), "a".into(), true, None, d).unwrap()))
    }

    fn filter(p: rusk_ops::expr::Expr) -> Arc<LogicalPlan> {
        Arc::new(LogicalPlan::Filter(Filter::try_new(indexed(), p).unwrap()))
    }

    #[test]
    fn keeps_the_partitions_the_filter_may_match() {
        let plan = filter(col("a").gt(lit(3)) & col("b").lt(lit(2.0)));
        let t = PruneByDivisions.rewrite(Arc::clone(&plan)).unwrap();
        assert_eq!(
            plan_tree(&t.plan),
            "Filter: a > 3 & b < 2.0\n  SetIndex: a, sorted=True, partitions=1/2\n    InMemory: 2 partitions, 6 rows\n"
        );
        assert_eq!(t.plan.schema(), plan.schema());
        assert_eq!(t.plan.npartitions(), 1);
        // Again: nothing left to prune.
        assert!(!PruneByDivisions.rewrite(t.plan).unwrap().changed);
    }

    #[test]
    fn keeps_everything_it_cannot_decide() {
        for p in [col("a").gt(lit(0)), col("b").gt(lit(100.0)), col("a").gt(lit(3)) | col("a").lt(lit(2))] {
            assert!(!PruneByDivisions.rewrite(filter(p)).unwrap().changed);
        }
        let none = PruneByDivisions.rewrite(filter(col("a").eq(lit(10)))).unwrap();
        assert_eq!(none.plan.npartitions(), 0);
    }
}
