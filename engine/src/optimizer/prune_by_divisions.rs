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
