//! Skipping a top-k's row groups by their statistics: a row group whose
//! first key cannot beat the `n`-th best row found so far, by this
//! partition or by another of the same top-k ([`TopBounds`]), is never
//! decoded.
//!
//! ```text
//! ascending:  skip when min > bound, or min == bound and a tie loses
//! descending: skip when max < bound, or max == bound and a tie loses
//! ```
//!
//! A tie loses when the sort has one key and the bound is this partition's
//! or an earlier one's: its `n` rows come first, and ties go to the earlier
//! row. With more keys a tie may still win on the next key. Nulls sort last
//! whenever a bound exists (`RunningHead::worst`), so they never win; a
//! float row group that may hold NaN is always read.
//!
//! On the h2o table (`--sort id3 --limit 10`, id3 drawn from 1e5 values in
//! 16 row groups), every row group's min is the smallest value and the
//! first row group read holds ten of it: the other fifteen are skipped.

use std::cmp::Ordering;

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;
use rusk_ops::expr::ScalarValue;

use super::open::ParquetFile;
use super::stats::{compare, compare_max, key_of, ColumnStats};
use crate::scan::{SharedBound, TopRows};

/// What a top-k's read knows to skip its partition's row groups by.
pub(crate) struct TopSkip<'a> {
    /// The first key's statistics over the partition's row groups read.
    stats: ColumnStats,
    ascending: bool,
    /// One key: a tie with an earlier bound loses.
    one_key: bool,
    shared: Option<&'a SharedBound>,
}

impl<'a> TopSkip<'a> {
    /// The skipping of `row_groups` of `file` for `top`, whose first key is
    /// read as `read_type`; `None` when the statistics cannot decide (no
    /// key, nulls first, statistics missing, or a cast that may reorder).
    pub(crate) fn new(
        file: &ParquetFile,
        row_groups: &[usize],
        top: &'a TopRows,
        read_type: &DataType,
    ) -> Option<Self> {
        let first = top.keys.first()?;
        if first.nulls_first {
            return None;
        }
        let stored = file.reader.schema().field_with_name(&first.column).ok()?.data_type().clone();
        if !same_order(&stored, read_type) {
            return None;
        }
        let stats = ColumnStats::load(file, &first.column, row_groups)?;
        Some(TopSkip {
            stats,
            ascending: first.ascending,
            one_key: top.keys.len() == 1,
            shared: top.shared.as_ref(),
        })
    }

    /// Whether row group `i` (of those given to [`TopSkip::new`]) cannot
    /// hold a winning row, given this partition's bound so far (`own`, the
    /// first key of its `n`-th best row) and the shared ones.
    pub(crate) fn skips(&self, i: usize, own: Option<&ArrayRef>) -> bool {
        if own.and_then(scalar).is_some_and(|b| self.proves(i, &b, self.one_key)) {
            return true;
        }
        let Some(shared) = self.shared else { return false };
        let mut skip = false;
        shared.bounds.for_each(|partition, bound| {
            skip = skip || self.proves(i, bound, self.one_key && partition <= shared.partition);
        });
        skip
    }

    /// Shares this partition's bound with the other partitions.
    pub(crate) fn publish(&self, own: Option<&ArrayRef>) {
        if let (Some(shared), Some(bound)) = (self.shared, own.and_then(scalar)) {
            shared.bounds.publish(shared.partition, bound);
        }
    }

    /// Whether no row of row group `i` beats `bound` (`ties_lose`: nor
    /// equals it).
    fn proves(&self, i: usize, bound: &ScalarValue, ties_lose: bool) -> bool {
        let Some(bound) = key_of(bound) else { return false };
        if self.stats.nans.get(i) != Some(&Some(0)) {
            return false;
        }
        // How the row group's best possible key compares with the bound:
        // Greater when it is worse.
        let best = if self.ascending {
            self.stats.mins.get(i).and_then(|m| m.as_ref()).and_then(|m| compare(m, &bound))
        } else {
            let exact = self.stats.max_exact.get(i).copied().unwrap_or(false);
            let max = self.stats.maxes.get(i).and_then(|m| m.as_ref());
            max.and_then(|m| compare_max(m, exact, &bound)).map(Ordering::reverse)
        };
        match best {
            Some(Ordering::Greater) => true,
            Some(Ordering::Equal) => ties_lose,
            _ => false,
        }
    }
}

/// A one-value bound as a scalar.
fn scalar(bound: &ArrayRef) -> Option<ScalarValue> {
    ScalarValue::try_from_array(bound.as_ref(), 0).ok().filter(|s| !matches!(s, ScalarValue::Null))
}

/// Whether values stored as `stored` and read as `read` keep their order
/// and ties exactly (the bounds are the stored values, the sort sees the
/// read ones): the same type, strings as any string type, integers
/// widened.
fn same_order(stored: &DataType, read: &DataType) -> bool {
    let string = |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
    stored == read || (string(stored) && string(read)) || (stored.is_integer() && read.is_integer())
}
