//! The sort node: `df.sort_values(by, ascending, na_position)`.

use std::sync::Arc;

use rusk_ops::sort::{check_sort_keys, SortKey};
use rusk_ops::{Error, Result};

use super::LogicalPlan;

/// The input's rows ordered by `keys`, ties in input order (pandas'
/// `kind="stable"`), nulls and NaN where each key says. The schema is the
/// input's; the output is one partition (see `lower::sort` for how it is
/// computed).
#[derive(Debug, Clone)]
pub struct Sort {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// The key columns, most significant first, each with its order.
    pub keys: Vec<SortKey>,
    /// How many key ranges (result partitions) the range shuffle cuts:
    /// `None` for as many as the input has partitions; more when a memory
    /// budget asks for ranges that fit a task's share of it
    /// (`choose_sort_ranges`, made per run).
    pub ranges: Option<usize>,
}

impl Sort {
    /// Checks the keys against the input's schema.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for no key; [`Error::ColumnNotFound`] for an
    /// unknown column; [`Error::Type`] for a column that cannot be ordered.
    pub fn try_new(input: Arc<LogicalPlan>, keys: Vec<SortKey>) -> Result<Self> {
        if keys.is_empty() {
            return Err(Error::InvalidArgument("sort_values needs at least one column in `by`".into()));
        }
        check_sort_keys(&input.schema(), &keys)?;
        Ok(Sort { input, keys, ranges: None })
    }

    /// The same node over a new input.
    ///
    /// # Errors
    /// As [`Sort::try_new`].
    pub fn with_input(&self, input: Arc<LogicalPlan>) -> Result<Self> {
        Sort::try_new(input, self.keys.clone())
    }

    /// The key columns' names, in order.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.column.as_str())
    }

    /// The line `explain` prints, in pandas' words, defaults left out:
    /// `Sort: by=[a, b], ascending=[True, False], na_position=first`.
    pub fn label(&self) -> String {
        let by: Vec<&str> = self.columns().collect();
        let mut s = format!("Sort: by=[{}]", by.join(", "));
        let py = |b: bool| if b { "True" } else { "False" };
        if self.keys.iter().any(|k| !k.ascending) {
            let ascending: Vec<&str> = self.keys.iter().map(|k| py(k.ascending)).collect();
            if ascending.len() == 1 {
                s.push_str(", ascending=False");
            } else {
                s.push_str(&format!(", ascending=[{}]", ascending.join(", ")));
            }
        }
        let position = |k: &SortKey| if k.nulls_first { "first" } else { "last" };
        if self.keys.iter().all(|k| k.nulls_first) {
            s.push_str(", na_position=first");
        } else if self.keys.iter().any(|k| k.nulls_first) {
            let each: Vec<&str> = self.keys.iter().map(position).collect();
            s.push_str(&format!(", na_position=[{}]", each.join(", ")));
        }
        if let Some(n) = self.ranges {
            s.push_str(&format!(", ranges={n} (memory budget)"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::test_util::memory;

    fn label(keys: Vec<SortKey>) -> String {
        Sort::try_new(memory(), keys).unwrap().label()
    }

    #[test]
    fn the_label_leaves_out_the_defaults() {
        assert_eq!(label(vec![SortKey::new("a")]), "Sort: by=[a]");
        assert_eq!(label(vec![SortKey::new("a").ascending(false)]), "Sort: by=[a], ascending=False");
        assert_eq!(
            label(vec![
                SortKey::new("a").nulls_first(true),
                SortKey::new("b").ascending(false).nulls_first(true)
            ]),
            "Sort: by=[a, b], ascending=[True, False], na_position=first"
        );
        assert_eq!(
            label(vec![SortKey::new("a"), SortKey::new("c").nulls_first(true)]),
            "Sort: by=[a, c], na_position=[last, first]"
        );
    }

    #[test]
    fn keys_are_checked_when_built() {
        assert!(matches!(Sort::try_new(memory(), vec![]), Err(Error::InvalidArgument(_))));
        assert!(matches!(
            Sort::try_new(memory(), vec![SortKey::new("nope")]),
            Err(Error::ColumnNotFound { name, .. }) if name == "nope"
        ));
    }
}
