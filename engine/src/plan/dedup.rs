//! The dedup node: pandas' `drop_duplicates(subset, keep)` and
//! `duplicated(subset, keep)`.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
pub use rusk_ops::dedup::DedupMode;
use rusk_ops::dedup::{Keep, DUPLICATED};
use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use super::{LogicalPlan, Project};

/// The input's rows minus the duplicates, or a flag per row, in the input's
/// partitions and row order.
///
/// It has two inputs: the frame (`input`), and the frame's `subset` columns
/// (`keys`, a projection of the same frame). The frame is therefore read
/// twice, as `Transform` does: once for the keys, which are shuffled so
/// that equal keys meet and are flagged, once for the rows, which then take
/// their flags. Keeping the rows in memory meanwhile would hold the whole
/// frame; two inputs let the optimizer read only the keys the first time
/// (and, for `duplicated`, no column at all the second).
#[derive(Debug, Clone)]
pub struct Dedup {
    /// The frame.
    pub input: Arc<LogicalPlan>,
    /// The frame's `subset` columns, in that order.
    pub keys: Arc<LogicalPlan>,
    /// The columns that make a row a duplicate (all, when the user gave none).
    pub subset: Vec<String>,
    /// Whether `subset` was given (for the label; pandas' `subset=None` otherwise).
    pub subset_given: bool,
    /// Which row of a key is kept.
    pub keep: Keep,
    /// Rows or flags.
    pub mode: DedupMode,
    /// The output schema.
    pub schema: SchemaRef,
}

impl Dedup {
    /// Dedup of `input` by `subset` (every column when `None`; repeated
    /// names count once).
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column;
    /// [`Error::InvalidArgument`] for an empty subset (pandas fails too).
    pub fn try_new(
        input: Arc<LogicalPlan>,
        subset: Option<Vec<String>>,
        keep: Keep,
        mode: DedupMode,
    ) -> Result<Self> {
        let subset_given = subset.is_some();
        let names = match subset {
            Some(s) => s,
            None => input.schema().fields().iter().map(|f| f.name().clone()).collect(),
        };
        let mut subset: Vec<String> = Vec::with_capacity(names.len());
        for name in names {
            if !subset.contains(&name) {
                subset.push(name);
            }
        }
        let exprs = subset.iter().map(|c| Expr::Column(c.clone())).collect();
        let keys = Arc::new(LogicalPlan::Project(Project::try_new(Arc::clone(&input), exprs)?));
        Dedup::with_inputs(input, keys, subset, subset_given, keep, mode)
    }

    /// The same node over new inputs (a rule's rewrite of both sides).
    ///
    /// # Errors
    /// As [`Dedup::try_new`]; [`Error::Internal`] when `keys` is not the
    /// `subset` columns.
    pub fn with_new_inputs(&self, input: Arc<LogicalPlan>, keys: Arc<LogicalPlan>) -> Result<Self> {
        Dedup::with_inputs(input, keys, self.subset.clone(), self.subset_given, self.keep, self.mode)
    }

    fn with_inputs(
        input: Arc<LogicalPlan>,
        keys: Arc<LogicalPlan>,
        subset: Vec<String>,
        subset_given: bool,
        keep: Keep,
        mode: DedupMode,
    ) -> Result<Self> {
        if subset.is_empty() {
            return Err(Error::InvalidArgument(format!("{}: the subset of columns is empty", mode.method())));
        }
        let key_names: Vec<String> = keys.schema().fields().iter().map(|f| f.name().clone()).collect();
        if key_names != subset {
            return Err(Error::Internal(format!(
                "dedup: the keys' side has columns {key_names:?}, not the subset {subset:?}"
            )));
        }
        let schema = match mode {
            DedupMode::DropDuplicates => input.schema(),
            DedupMode::Duplicated => {
                Arc::new(Schema::new(vec![Field::new(DUPLICATED, DataType::Boolean, false)]))
            }
        };
        Ok(Dedup { input, keys, subset, subset_given, keep, mode, schema })
    }

    /// The line `explain` shows, in pandas' words, defaults left out:
    /// `DropDuplicates: subset=[a, b], keep=last (reads its input twice)`.
    pub fn label(&self) -> String {
        let name = match self.mode {
            DedupMode::DropDuplicates => "DropDuplicates",
            DedupMode::Duplicated => "Duplicated",
        };
        let mut options = Vec::new();
        if self.subset_given {
            options.push(format!("subset=[{}]", self.subset.join(", ")));
        }
        if self.keep != Keep::First {
            options.push(format!("keep={}", self.keep.name()));
        }
        let options = if options.is_empty() { String::new() } else { format!(" {}", options.join(", ")) };
        format!("{name}:{options} (reads its input twice)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::test_util::memory;

    fn node(subset: Option<&[&str]>, keep: Keep, mode: DedupMode) -> Result<Dedup> {
        Dedup::try_new(memory(), subset.map(|s| s.iter().map(|c| c.to_string()).collect()), keep, mode)
    }

    #[test]
    fn the_label_leaves_out_the_defaults() {
        let all = node(None, Keep::First, DedupMode::DropDuplicates).unwrap();
        assert_eq!(all.label(), "DropDuplicates: (reads its input twice)");
        assert_eq!(all.subset.len(), memory().schema().fields().len());
        let some = node(Some(&["a", "b", "a"]), Keep::None, DedupMode::Duplicated).unwrap();
        assert_eq!(some.label(), "Duplicated: subset=[a, b], keep=False (reads its input twice)");
        assert_eq!(some.schema.fields().len(), 1);
    }

    #[test]
    fn columns_are_checked_when_built() {
        assert!(matches!(
            node(Some(&["nope"]), Keep::First, DedupMode::DropDuplicates),
            Err(Error::ColumnNotFound { name, .. }) if name == "nope"
        ));
        assert!(matches!(node(Some(&[]), Keep::Last, DedupMode::Duplicated), Err(Error::InvalidArgument(_))));
    }
}
