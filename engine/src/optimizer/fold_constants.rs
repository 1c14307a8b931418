//! `fold_constants`: evaluates sub-expressions without columns once, at plan
//! time, and drops filters that are always true.
//!
//! ```text
//! Filter: a > 2 * 3 & True      →   Filter: a > 6
//! ```

use std::sync::Arc;

use arrow::datatypes::Schema;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use rusk_ops::expr::{evaluate, BinaryOp, Expr, ScalarValue};
use rusk_ops::Result;

use super::{rewrite_bottom_up, OptimizerRule, Transformed};
use crate::plan::{Filter, LogicalPlan, Project};

/// See the module docs.
#[derive(Debug, Default, Clone, Copy)]
pub struct FoldConstants;

impl OptimizerRule for FoldConstants {
    fn name(&self) -> &'static str {
        "fold_constants"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed> {
        rewrite_bottom_up(&plan, &mut |node| match node.as_ref() {
            LogicalPlan::Filter(f) => {
                let folded = fold(&f.predicate);
                let folded = drop_true_conjuncts(folded);
                match folded {
                    None => Ok(Some(f.input.as_ref().clone())),
                    Some(p) if p != f.predicate => {
                        Ok(Some(LogicalPlan::Filter(Filter::try_new(Arc::clone(&f.input), p)?)))
                    }
                    Some(_) => Ok(None),
                }
            }
            LogicalPlan::Project(p) => {
                let exprs: Vec<Expr> = p.exprs.iter().map(fold).collect();
                if exprs == p.exprs {
                    Ok(None)
                } else {
                    Ok(Some(LogicalPlan::Project(Project::try_new(Arc::clone(&p.input), exprs)?)))
                }
            }
            _ => Ok(None),
        })
    }
}

/// Folds every column-free sub-expression whose value keeps its type.
pub(crate) fn fold(expr: &Expr) -> Expr {
    expr.transform_up(&mut |e| {
        let foldable = !matches!(e, Expr::Column(_) | Expr::Literal(_) | Expr::Alias { .. })
            && e.children().iter().all(|c| matches!(c, Expr::Literal(_)));
        if foldable {
            if let Some(v) = evaluate_constant(&e) {
                return Expr::Literal(v);
            }
        }
        e
    })
}

/// The value of a column-free expression, if it has one of a literal's types.
fn evaluate_constant(e: &Expr) -> Option<ScalarValue> {
    let empty = Schema::empty();
    let data_type = e.data_type(&empty).ok()?;
    let options = RecordBatchOptions::new().with_row_count(Some(1));
    let batch = RecordBatch::try_new_with_options(Arc::new(empty), vec![], &options).ok()?;
    let array = evaluate(e, &batch).ok()?;
    let value = ScalarValue::try_from_array(array.as_ref(), 0).ok()?;
    // Folding must not change the expression's type (an int32 cast folded to
    // an int64 literal would change the schema).
    (value.data_type() == data_type).then_some(value)
}

/// Removes `True` conjuncts; `None` when nothing is left (the filter is moot).
fn drop_true_conjuncts(predicate: Expr) -> Option<Expr> {
    let kept: Vec<Expr> = predicate
        .split_conjunction()
        .into_iter()
        .filter(|c| **c != Expr::Literal(ScalarValue::Boolean(true)))
        .cloned()
        .collect();
    if kept.len() == predicate.split_conjunction().len() {
        return Some(predicate);
    }
    kept.into_iter().reduce(|a, b| Expr::binary(a, BinaryOp::And, b))
}

#[cfg(test)]
mod tests {
    use rusk_ops::expr::{col, lit};

    use super::*;
    use crate::explain::plan_tree;
    use crate::plan::test_util::memory;

    #[test]
    fn folds_literal_arithmetic_and_drops_true() {
        let input = memory();
        let pred = col("a").gt(lit(2) * lit(3)) & lit(true);
        let plan = Arc::new(LogicalPlan::Filter(Filter::try_new(input, pred).unwrap()));
        assert_eq!(plan_tree(&plan), "Filter: a > 2 * 3 & True\n  InMemory: 2 partitions, 6 rows\n");
        let t = FoldConstants.rewrite(Arc::clone(&plan)).unwrap();
        assert!(t.changed);
        assert_eq!(plan_tree(&t.plan), "Filter: a > 6\n  InMemory: 2 partitions, 6 rows\n");
        assert_eq!(t.plan.schema(), plan.schema());
    }

    #[test]
    fn an_always_true_filter_disappears() {
        let plan = Arc::new(LogicalPlan::Filter(Filter::try_new(memory(), lit(1).lt(lit(2))).unwrap()));
        let t = FoldConstants.rewrite(plan).unwrap();
        assert_eq!(plan_tree(&t.plan), "InMemory: 2 partitions, 6 rows\n");
    }

    #[test]
    fn leaves_column_expressions_alone() {
        let plan = Arc::new(LogicalPlan::Filter(Filter::try_new(memory(), col("a").gt(lit(1))).unwrap()));
        assert!(!FoldConstants.rewrite(plan).unwrap().changed);
    }
}
