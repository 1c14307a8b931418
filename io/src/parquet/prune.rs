//! Row-group pruning: dropping the row groups whose statistics prove that a
//! filter cannot hold on any of their rows.
//!
//! Each filter is walked once per partition into one "may match" flag per
//! row group:
//!
//! ```text
//! a > 5            keep unless max <= 5
//! 5 > a            as a < 5: keep unless min >= 5
//! a == 5           keep unless 5 < min or 5 > max
//! a != 5           keep unless min == max == 5 (both exact)
//! a.between(l, h)  keep unless max < l or min > h
//! a.isin([..])     keep unless every value is outside [min, max]
//! a.isnull()       keep unless the null count is 0
//! a.notnull()      keep unless every row is null
//! p & q            keep if both may match;  p | q  keep if either may
//! anything else    keep
//! ```
//!
//! Unknown statistics, a column the file lacks, a literal that does not
//! compare with the column: keep. A comparison never holds on a null, so a
//! row group of nulls only is dropped by all but `isnull` (and `isin` with a
//! null). Floats may hold NaN outside [min, max] (Parquet leaves NaN out of
//! the bounds); Arrow's total order puts NaN above (and -NaN below)
//! everything while IEEE makes every comparison but `!=` false, so
//! `< <= > >= !=` keep a row group that may hold NaN, whatever the
//! evaluator's convention; `==`, `between` and `isin` can't match NaN under
//! either unless a literal is NaN.

use std::collections::HashMap;

use rusk_ops::expr::{BinaryOp, Expr, ScalarValue};
use rusk_ops::{Error, Result};

use super::open::{ParquetFile, ParquetSource};
use super::stats::{compare, compare_max, literal_keys, ColumnStats, Key};
use crate::dataset::{PartitionRange, ScanPartition};
use std::cmp::Ordering;

/// `part` with the row groups `filters` (all must hold) rule out removed;
/// `None` when none is left.
///
/// # Errors
/// [`Error::Internal`] for a partition this source did not make.
pub(crate) fn prune_partition(
    source: &ParquetSource,
    part: &ScanPartition,
    filters: &[Expr],
) -> Result<Option<ScanPartition>> {
    let row_groups = match &part.range {
        PartitionRange::RowGroups(row_groups) => row_groups.as_slice(),
        PartitionRange::RowSlice { row_group, .. } => std::slice::from_ref(row_group),
        PartitionRange::Bytes { .. } | PartitionRange::Decoded { .. } => {
            return Err(Error::Internal(format!("parquet partition with a byte range: {part:?}")));
        }
    };
    if filters.is_empty() || row_groups.is_empty() {
        return Ok(Some(part.clone()));
    }
    let file = source.file(part)?;
    let mut pruner = Pruner { file, row_groups, stats: HashMap::new() };
    let mut keep = vec![true; row_groups.len()];
    for filter in filters {
        let may = pruner.may_match(filter);
        keep.iter_mut().zip(may).for_each(|(k, m)| *k &= m);
    }
    let kept: Vec<usize> = row_groups.iter().zip(&keep).filter(|(_, &k)| k).map(|(&rg, _)| rg).collect();
    Ok(match &part.range {
        // A slice is kept whole or not at all, as its row group.
        PartitionRange::RowSlice { .. } => (!kept.is_empty()).then(|| part.clone()),
        _ => (!kept.is_empty())
            .then_some(ScanPartition { file: part.file, range: PartitionRange::RowGroups(kept) }),
    })
}

/// The statistics of one partition's row groups, loaded per column on demand.
struct Pruner<'a> {
    file: &'a ParquetFile,
    row_groups: &'a [usize],
    stats: HashMap<String, Option<ColumnStats>>,
}

impl Pruner<'_> {
    fn all(&self, value: bool) -> Vec<bool> {
        vec![value; self.row_groups.len()]
    }

    fn column(&mut self, name: &str) -> Option<&ColumnStats> {
        let (file, row_groups) = (self.file, self.row_groups);
        self.stats
            .entry(name.to_string())
            .or_insert_with(|| ColumnStats::load(file, name, row_groups))
            .as_ref()
    }

    /// Per row group: false when `expr` is proven false or null on every row.
    fn may_match(&mut self, expr: &Expr) -> Vec<bool> {
        match expr.unalias() {
            Expr::Binary { left, op: BinaryOp::And, right } => {
                let (l, r) = (self.may_match(left), self.may_match(right));
                l.into_iter().zip(r).map(|(a, b)| a && b).collect()
            }
            Expr::Binary { left, op: BinaryOp::Or, right } => {
                let (l, r) = (self.may_match(left), self.may_match(right));
                l.into_iter().zip(r).map(|(a, b)| a || b).collect()
            }
            Expr::Binary { left, op, right } if op.is_comparison() => match (left.unalias(), right.unalias())
            {
                (Expr::Column(name), Expr::Literal(v)) => self.comparison(name, *op, v),
                (Expr::Literal(v), Expr::Column(name)) => self.comparison(name, op.swap(), v),
                _ => self.all(true),
            },
            Expr::Between { expr, low, high } => match (expr.unalias(), low.unalias(), high.unalias()) {
                (Expr::Column(name), Expr::Literal(l), Expr::Literal(h)) => self.between(name, l, h),
                _ => self.all(true),
            },
            Expr::IsIn { expr, list, negated: false } => match expr.unalias() {
                Expr::Column(name) => self.isin(name, list),
                _ => self.all(true),
            },
            Expr::IsNull(e) => match e.unalias() {
                Expr::Column(name) => self.is_null(name),
                _ => self.all(true),
            },
            Expr::IsNotNull(e) => match e.unalias() {
                Expr::Column(name) => self.is_not_null(name),
                _ => self.all(true),
            },
            // `isnull` and `notnull` are never null, so `~` swaps them exactly.
            Expr::Not(e) => match e.unalias() {
                Expr::IsNull(c) => self.may_match(&Expr::IsNotNull(c.clone())),
                Expr::IsNotNull(c) => self.may_match(&Expr::IsNull(c.clone())),
                _ => self.all(true),
            },
            Expr::Literal(ScalarValue::Boolean(false) | ScalarValue::Null) => self.all(false),
            _ => self.all(true),
        }
    }

    /// `name op literal`.
    fn comparison(&mut self, name: &str, op: BinaryOp, literal: &ScalarValue) -> Vec<bool> {
        let n = self.row_groups.len();
        let Some(stats) = self.column(name) else { return vec![true; n] };
        let keys = literal_keys(&stats.kind, literal);
        if keys.is_empty() {
            return vec![true; n];
        }
        let nan_may_match = stats.kind.is_float()
            && (has_nan(&keys)
                || matches!(
                    op,
                    BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq | BinaryOp::NotEq
                ));
        (0..n)
            .map(|i| {
                if only_nulls(stats, i) {
                    return false;
                }
                if nan_may_match && stats.nans[i] != Some(0) {
                    return true;
                }
                keys.iter().any(|k| bounds_may_satisfy(stats, i, op, k))
            })
            .collect()
    }

    /// `low <= name <= high`.
    fn between(&mut self, name: &str, low: &ScalarValue, high: &ScalarValue) -> Vec<bool> {
        let n = self.row_groups.len();
        let Some(stats) = self.column(name) else { return vec![true; n] };
        let (lows, highs) = (literal_keys(&stats.kind, low), literal_keys(&stats.kind, high));
        if lows.is_empty() || highs.is_empty() {
            return vec![true; n];
        }
        let nan_may_match = stats.kind.is_float() && (has_nan(&lows) || has_nan(&highs));
        (0..n)
            .map(|i| {
                !only_nulls(stats, i)
                    && (nan_may_match && stats.nans[i] != Some(0)
                        || lows.iter().any(|l| bounds_may_satisfy(stats, i, BinaryOp::GtEq, l))
                            && highs.iter().any(|h| bounds_may_satisfy(stats, i, BinaryOp::LtEq, h)))
            })
            .collect()
    }

    /// `name.isin(list)`: a null matches only a null in the list.
    fn isin(&mut self, name: &str, list: &[ScalarValue]) -> Vec<bool> {
        let n = self.row_groups.len();
        let Some(stats) = self.column(name) else { return vec![true; n] };
        let mut keys = Vec::new();
        for value in list.iter().filter(|v| !v.is_null()) {
            let k = literal_keys(&stats.kind, value);
            if k.is_empty() {
                return vec![true; n];
            }
            keys.extend(k);
        }
        let has_null = list.iter().any(ScalarValue::is_null);
        let nan_may_match = stats.kind.is_float() && has_nan(&keys);
        (0..n)
            .map(|i| {
                (has_null && stats.nulls[i] != Some(0))
                    || (nan_may_match && stats.nans[i] != Some(0))
                    || (!only_nulls(stats, i)
                        && keys.iter().any(|k| bounds_may_satisfy(stats, i, BinaryOp::Eq, k)))
            })
            .collect()
    }

    /// `name.isnull()`. For floats a NaN also keeps the row group, in case
    /// the evaluator follows pandas, for which NaN is missing.
    fn is_null(&mut self, name: &str) -> Vec<bool> {
        let n = self.row_groups.len();
        let Some(stats) = self.column(name) else { return vec![true; n] };
        (0..n).map(|i| stats.nulls[i] != Some(0) || stats.nans[i] != Some(0)).collect()
    }

    /// `name.notnull()`.
    fn is_not_null(&mut self, name: &str) -> Vec<bool> {
        let n = self.row_groups.len();
        let Some(stats) = self.column(name) else { return vec![true; n] };
        (0..n).map(|i| !only_nulls(stats, i)).collect()
    }
}

/// True when a literal is NaN, which equals a NaN in Arrow's total order.
fn has_nan(keys: &[Key]) -> bool {
    keys.iter().any(|k| matches!(k, Key::Float(f) if f.is_nan()))
}

/// True when row group `i` is known to hold nulls only (or no row at all).
fn only_nulls(stats: &ColumnStats, i: usize) -> bool {
    stats.rows[i] == 0 || stats.nulls[i] == Some(stats.rows[i])
}

/// False when the bounds of row group `i` prove that no non-null, non-NaN
/// value satisfies `value op key`.
fn bounds_may_satisfy(stats: &ColumnStats, i: usize, op: BinaryOp, key: &Key) -> bool {
    let min = stats.mins[i].as_ref().and_then(|m| compare(m, key));
    let max = stats.maxes[i].as_ref().and_then(|m| compare_max(m, stats.max_exact[i], key));
    use Ordering::{Equal, Greater, Less};
    match op {
        BinaryOp::Eq => min != Some(Greater) && max != Some(Less),
        // Only strings are truncated in statistics; other bounds are values.
        BinaryOp::NotEq => {
            let exact = !matches!(key, Key::Str(_)) || (stats.min_exact[i] && stats.max_exact[i]);
            !(exact && min == Some(Equal) && max == Some(Equal))
        }
        BinaryOp::Lt => !matches!(min, Some(Greater | Equal)),
        BinaryOp::LtEq => min != Some(Greater),
        BinaryOp::Gt => !matches!(max, Some(Less | Equal)),
        BinaryOp::GtEq => max != Some(Less),
        _ => true,
    }
}
