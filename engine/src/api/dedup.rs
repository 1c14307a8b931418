//! `df.drop_duplicates(subset, keep)` and `df.duplicated(subset, keep)`.

use std::sync::Arc;

use rusk_ops::dedup::Keep;
use rusk_ops::Result;

use super::DataFrame;
use crate::plan::{Dedup, DedupMode, LogicalPlan};

impl DataFrame {
    /// The rows that do not repeat an earlier (or later) row, as pandas'
    /// `df.drop_duplicates(subset, keep=keep)`: rows are equal when their
    /// `subset` columns are (every column when `None`), a null equal to a
    /// null; [`Keep::First`] keeps the first row of each, [`Keep::Last`] the
    /// last, [`Keep::None`] (pandas' `keep=False`) none of a repeated key.
    /// The rows keep their order and their partitions, whatever the
    /// partitioning.
    ///
    /// ```
    /// # fn main() -> rusk::Result<()> {
    /// let df = rusk::read_csv("fixtures/sales")?;
    /// let firsts = df.drop_duplicates(Some(&["region", "product"]), rusk::Keep::First)?;
    /// assert!(firsts.len()? <= 5 * 6); // four regions and null, six products
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// The frame is read twice: once for the `subset` columns, which are
    /// hash-shuffled with each row's position so that equal keys meet and
    /// are flagged in frame order, once for the rows, which take their
    /// flags back (see `lower::dedup`). No task holds more than a
    /// partition. A frame of one partition is done in one task.
    ///
    /// # Errors
    /// [`rusk_ops::Error::ColumnNotFound`] for an unknown column,
    /// [`rusk_ops::Error::InvalidArgument`] for an empty `subset`.
    pub fn drop_duplicates(&self, subset: Option<&[&str]>, keep: Keep) -> Result<DataFrame> {
        self.dedup(subset, keep, DedupMode::DropDuplicates)
    }

    /// Whether each row repeats an earlier (or later) row, as pandas'
    /// `df.duplicated(subset, keep=keep)` (see [`DataFrame::drop_duplicates`]
    /// for `subset` and `keep`): a frame of one boolean column, `duplicated`,
    /// one row per row of the frame, in its partitions and order (pandas
    /// returns a Series). `drop_duplicates` keeps the rows where it is false.
    ///
    /// # Errors
    /// As [`DataFrame::drop_duplicates`].
    pub fn duplicated(&self, subset: Option<&[&str]>, keep: Keep) -> Result<DataFrame> {
        self.dedup(subset, keep, DedupMode::Duplicated)
    }

    fn dedup(&self, subset: Option<&[&str]>, keep: Keep, mode: DedupMode) -> Result<DataFrame> {
        let subset = subset.map(|s| s.iter().map(|c| c.to_string()).collect());
        let node = Dedup::try_new(Arc::clone(self.plan()), subset, keep, mode)?;
        Ok(DataFrame::from_plan(LogicalPlan::Dedup(node)))
    }
}
