//! Row-group statistics as comparable bounds.
//!
//! Parquet stores a min, a max, a null count (and, for floats, a NaN count)
//! per column chunk. [`ColumnStats::load`] extracts them with parquet's
//! `StatisticsConverter` for the row groups of one partition and turns each
//! bound into a [`Key`], a value that compares exactly with a literal of
//! another numeric type (an `Int32` column against `2.5`). These are
//! metadata-sized loops (one step per row group), not data loops.

use std::cmp::Ordering;

use arrow::array::{Array, BooleanArray};
use arrow::datatypes::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use rusk_ops::expr::ScalarValue;

use super::open::ParquetFile;

/// Nanoseconds in a day, to compare dates with timestamps.
const NANOS_PER_DAY: i128 = 86_400_000_000_000;

/// A bound or a literal, in a form that compares exactly across types.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Key {
    /// Any integer (all of `i64` and `u64` fit).
    Int(i128),
    /// A float (`Float32` widened exactly).
    Float(f64),
    /// A string, compared byte-wise as Parquet orders `UTF8`.
    Str(String),
    /// A boolean (`false < true`).
    Bool(bool),
    /// Days since 1970-01-01.
    Date(i64),
    /// Nanoseconds since the epoch (UTC), whatever the column's unit.
    Time(i128),
}

/// How a column's values compare, which decides how a literal is coerced.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ColumnKind {
    /// Signed or unsigned integers.
    Int,
    /// `Float32`: a literal may be compared in single precision.
    Float32,
    /// `Float64`.
    Float64,
    /// Strings.
    Str,
    /// Booleans.
    Bool,
    /// `Date32`.
    Date,
    /// Timestamps of this type.
    Timestamp(DataType),
    /// Anything else: only null counts are used.
    Other,
}

impl ColumnKind {
    fn of(data_type: &DataType) -> Self {
        match data_type {
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => ColumnKind::Int,
            DataType::Float32 => ColumnKind::Float32,
            DataType::Float64 => ColumnKind::Float64,
            DataType::Utf8 => ColumnKind::Str,
            DataType::Boolean => ColumnKind::Bool,
            DataType::Date32 => ColumnKind::Date,
            DataType::Timestamp(_, _) => ColumnKind::Timestamp(data_type.clone()),
            _ => ColumnKind::Other,
        }
    }

    /// True for the float kinds, whose chunks may hold NaN outside min/max.
    pub(crate) fn is_float(&self) -> bool {
        matches!(self, ColumnKind::Float32 | ColumnKind::Float64)
    }
}

/// The statistics of one column over the row groups of one partition
/// (index `i` of each vector is the partition's `i`-th row group).
#[derive(Debug)]
pub(crate) struct ColumnStats {
    /// How the column compares.
    pub(crate) kind: ColumnKind,
    /// Lower bounds (`None`: unknown).
    pub(crate) mins: Vec<Option<Key>>,
    /// Upper bounds (`None`: unknown).
    pub(crate) maxes: Vec<Option<Key>>,
    /// True where the min is a value of the chunk, not just a bound.
    pub(crate) min_exact: Vec<bool>,
    /// True where the max is a value of the chunk, not just a bound
    /// (false for truncated strings).
    pub(crate) max_exact: Vec<bool>,
    /// Nulls per row group (`None`: unknown).
    pub(crate) nulls: Vec<Option<u64>>,
    /// NaNs per row group (`Some(0)` for non-floats; `None`: unknown).
    pub(crate) nans: Vec<Option<u64>>,
    /// Rows per row group.
    pub(crate) rows: Vec<u64>,
}

impl ColumnStats {
    /// The statistics of column `name` of `file` for `row_groups`; `None`
    /// when the file lacks the column, it is nested, or its statistics do
    /// not convert (the row groups are then kept).
    pub(crate) fn load(file: &ParquetFile, name: &str, row_groups: &[usize]) -> Option<Self> {
        let metadata = file.reader.metadata();
        let schema = file.stats_schema.as_ref();
        let field = schema.field_with_name(name).ok()?;
        let kind = ColumnKind::of(field.data_type());
        let column_orders = metadata.file_metadata().column_orders().map(|o| o.as_slice());
        let converter = StatisticsConverter::try_new(name, schema, file.reader.parquet_schema())
            .ok()?
            .with_missing_null_counts_as_zero(false)
            .with_column_orders(column_orders);
        converter.parquet_column_index()?;
        let groups: Vec<_> = row_groups.iter().filter_map(|&i| metadata.row_groups().get(i)).collect();
        if groups.len() != row_groups.len() {
            return None;
        }
        let n = groups.len();
        let rows = groups.iter().map(|g| u64::try_from(g.num_rows()).unwrap_or(u64::MAX)).collect();
        let nulls = converter.row_group_null_counts(groups.iter().copied()).ok()?.iter().collect();
        let nans = if kind.is_float() {
            converter.row_group_nan_counts(groups.iter().copied()).ok()?.iter().collect()
        } else {
            vec![Some(0); n]
        };
        let (mins, maxes, min_exact, max_exact) = if kind == ColumnKind::Other {
            (vec![None; n], vec![None; n], vec![false; n], vec![false; n])
        } else {
            let mins = converter.row_group_mins(groups.iter().copied()).ok()?;
            let maxes = converter.row_group_maxes(groups.iter().copied()).ok()?;
            let exact = |a: BooleanArray| (0..n).map(|i| a.is_valid(i) && a.value(i)).collect::<Vec<_>>();
            let min_exact = exact(converter.row_group_is_min_value_exact(groups.iter().copied()).ok()?);
            let max_exact = exact(converter.row_group_is_max_value_exact(groups.iter().copied()).ok()?);
            let bounds = |a: &dyn Array, low: bool| -> Vec<Option<Key>> {
                (0..n)
                    .map(|i| {
                        let key = ScalarValue::try_from_array(a, i).ok().as_ref().and_then(key_of)?;
                        Some(widen_zero(key, low))
                    })
                    .collect()
            };
            (bounds(mins.as_ref(), true), bounds(maxes.as_ref(), false), min_exact, max_exact)
        };
        if [mins.len(), maxes.len(), min_exact.len(), max_exact.len()].iter().any(|&l| l != n) {
            return None;
        }
        let stats = ColumnStats { kind, mins, maxes, min_exact, max_exact, nulls, nans, rows };
        (stats.nulls.len() == n && stats.nans.len() == n).then_some(stats)
    }
}

/// A float bound of zero as the widest zero: a min of `-0.0`, a max of
/// `+0.0`. Writers may store either sign for a chunk of zeros, and a total
/// order (Arrow's float comparison) tells them apart.
fn widen_zero(key: Key, low: bool) -> Key {
    match key {
        // A float pattern compares with `==`, so this matches both zeros.
        Key::Float(0.0) => Key::Float(if low { -0.0 } else { 0.0 }),
        other => other,
    }
}

/// A statistics bound as a [`Key`] (`None` for types that are not compared).
pub(crate) fn key_of(value: &ScalarValue) -> Option<Key> {
    Some(match value {
        ScalarValue::Int64(v) => Key::Int((*v).into()),
        ScalarValue::UInt64(v) => Key::Int((*v).into()),
        ScalarValue::Float64(v) => Key::Float(*v),
        ScalarValue::Utf8(v) => Key::Str(v.clone()),
        ScalarValue::Boolean(v) => Key::Bool(*v),
        ScalarValue::Date32(v) => Key::Date((*v).into()),
        ScalarValue::Timestamp(v, unit, _) => Key::Time(to_nanos(*v, *unit)),
        // Durations are not pruned by.
        ScalarValue::Duration(..) => return None,
        ScalarValue::Null => return None,
    })
}

fn to_nanos(value: i64, unit: TimeUnit) -> i128 {
    i128::from(value) * i128::from(rusk_ops::time::nanos_per(unit))
}

/// The ways `literal` may be compared with a column of `kind`; empty when it
/// cannot be (the row groups are then kept). With several, a row group may
/// match if it may match any: the evaluator may compare a `Float32` column
/// in single precision (the literal rounded to `f32`) or in double.
pub(crate) fn literal_keys(kind: &ColumnKind, literal: &ScalarValue) -> Vec<Key> {
    match (kind, literal) {
        (ColumnKind::Int, ScalarValue::Int64(v)) => vec![Key::Int((*v).into())],
        (ColumnKind::Int, ScalarValue::UInt64(v)) => vec![Key::Int((*v).into())],
        (ColumnKind::Int, ScalarValue::Float64(v)) => vec![Key::Float(*v)],
        (ColumnKind::Float64, ScalarValue::Int64(v)) => vec![Key::Int((*v).into()), Key::Float(*v as f64)],
        (ColumnKind::Float64, ScalarValue::UInt64(v)) => vec![Key::Int((*v).into()), Key::Float(*v as f64)],
        (ColumnKind::Float64, ScalarValue::Float64(v)) => vec![Key::Float(*v)],
        (ColumnKind::Float32, ScalarValue::Int64(v)) => {
            vec![Key::Int((*v).into()), Key::Float(*v as f64), Key::Float(f64::from(*v as f32))]
        }
        (ColumnKind::Float32, ScalarValue::UInt64(v)) => {
            vec![Key::Int((*v).into()), Key::Float(*v as f64), Key::Float(f64::from(*v as f32))]
        }
        (ColumnKind::Float32, ScalarValue::Float64(v)) => {
            vec![Key::Float(*v), Key::Float(f64::from(*v as f32))]
        }
        (ColumnKind::Str, ScalarValue::Utf8(v)) => vec![Key::Str(v.clone())],
        (ColumnKind::Bool, ScalarValue::Boolean(v)) => vec![Key::Bool(*v)],
        (ColumnKind::Date, ScalarValue::Date32(v)) => vec![Key::Date((*v).into())],
        (ColumnKind::Date, ScalarValue::Utf8(s)) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => vec![Key::Date(d.signed_duration_since(epoch()).num_days())],
            Err(_) => vec![],
        },
        // Only a naive midnight is a date whichever way the evaluator
        // converts (a cast to date would drop a time of day).
        (ColumnKind::Date, ScalarValue::Timestamp(v, unit, None)) => {
            let nanos = to_nanos(*v, *unit);
            if nanos % NANOS_PER_DAY == 0 {
                i64::try_from(nanos / NANOS_PER_DAY).map_or(vec![], |d| vec![Key::Date(d)])
            } else {
                vec![]
            }
        }
        (ColumnKind::Timestamp(_), ScalarValue::Timestamp(v, unit, _)) => {
            vec![Key::Time(to_nanos(*v, *unit))]
        }
        (ColumnKind::Timestamp(_), ScalarValue::Date32(v)) => vec![Key::Time(i128::from(*v) * NANOS_PER_DAY)],
        // A string is parsed as the column's type, time zone included, as a
        // cast of the literal would.
        (ColumnKind::Timestamp(data_type), ScalarValue::Utf8(_)) => {
            match arrow::compute::cast(&literal.to_array(1), data_type) {
                Ok(a) if a.is_valid(0) => match ScalarValue::try_from_array(a.as_ref(), 0) {
                    Ok(ScalarValue::Timestamp(v, unit, _)) => vec![Key::Time(to_nanos(v, unit))],
                    _ => vec![],
                },
                _ => vec![],
            }
        }
        _ => vec![],
    }
}

fn epoch() -> chrono::NaiveDate {
    chrono::NaiveDate::default()
}

/// `a` against `b`, or `None` when they don't compare (other kinds, NaN, or
/// zeros of different signs, which IEEE calls equal and a total order does not).
pub(crate) fn compare(a: &Key, b: &Key) -> Option<Ordering> {
    match (a, b) {
        (Key::Int(x), Key::Int(y)) => Some(x.cmp(y)),
        (Key::Float(x), Key::Float(y)) => {
            if x.is_nan()
                || y.is_nan()
                || (*x == 0.0 && *y == 0.0 && x.is_sign_negative() != y.is_sign_negative())
            {
                None
            } else {
                Some(x.total_cmp(y))
            }
        }
        (Key::Int(x), Key::Float(y)) => compare_int_float(*x, *y),
        (Key::Float(x), Key::Int(y)) => compare_int_float(*y, *x).map(Ordering::reverse),
        (Key::Str(x), Key::Str(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Key::Bool(x), Key::Bool(y)) => Some(x.cmp(y)),
        (Key::Date(x), Key::Date(y)) => Some(x.cmp(y)),
        (Key::Time(x), Key::Time(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// An integer against a float, exactly (no rounding of either to the other).
fn compare_int_float(i: i128, f: f64) -> Option<Ordering> {
    if f.is_nan() || (f == 0.0 && f.is_sign_negative()) {
        return None;
    }
    if f == f64::INFINITY {
        return Some(Ordering::Less);
    }
    if f == f64::NEG_INFINITY {
        return Some(Ordering::Greater);
    }
    let floor = f.floor();
    // `as` saturates; every integer here is far inside i128's range, so a
    // saturated floor still orders correctly.
    let whole = floor as i128;
    Some(match i.cmp(&whole) {
        Ordering::Equal if f > floor => Ordering::Less,
        other => other,
    })
}

/// The upper bound `max` against `key`, when `max` may be a truncated
/// string: a string starting with the truncated max may lie above it, so
/// the max counts as greater. Other bounds compare as they are.
pub(crate) fn compare_max(max: &Key, exact: bool, key: &Key) -> Option<Ordering> {
    match (max, key) {
        (Key::Str(m), Key::Str(k)) if !exact && k.starts_with(m.as_str()) => Some(Ordering::Greater),
        _ => compare(max, key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_compare_exactly_with_floats() {
        assert_eq!(compare(&Key::Int(2), &Key::Float(2.5)), Some(Ordering::Less));
        assert_eq!(compare(&Key::Int(3), &Key::Float(2.5)), Some(Ordering::Greater));
        assert_eq!(compare(&Key::Int(2), &Key::Float(2.0)), Some(Ordering::Equal));
        assert_eq!(compare(&Key::Int(-3), &Key::Float(-2.5)), Some(Ordering::Less));
        assert_eq!(compare(&Key::Float(-2.5), &Key::Int(-3)), Some(Ordering::Greater));
        assert_eq!(compare(&Key::Int(i64::MAX.into()), &Key::Float(9.3e18)), Some(Ordering::Less));
        assert_eq!(compare(&Key::Int(u64::MAX.into()), &Key::Float(f64::INFINITY)), Some(Ordering::Less));
        assert_eq!(compare(&Key::Int(1), &Key::Float(f64::NAN)), None);
        assert_eq!(compare(&Key::Int(0), &Key::Float(-0.0)), None);
    }

    #[test]
    fn floats_refuse_nan_and_mixed_zeros() {
        assert_eq!(compare(&Key::Float(f64::NAN), &Key::Float(1.0)), None);
        assert_eq!(compare(&Key::Float(-0.0), &Key::Float(0.0)), None);
        assert_eq!(compare(&Key::Float(0.0), &Key::Float(0.0)), Some(Ordering::Equal));
        assert_eq!(compare(&Key::Float(1.0), &Key::Str("1".into())), None);
    }

    #[test]
    fn truncated_string_max_covers_its_extensions() {
        let max = Key::Str("abc".into());
        assert_eq!(compare_max(&max, false, &Key::Str("abcz".into())), Some(Ordering::Greater));
        assert_eq!(compare_max(&max, false, &Key::Str("abd".into())), Some(Ordering::Less));
        assert_eq!(compare_max(&max, true, &Key::Str("abcz".into())), Some(Ordering::Less));
    }

    #[test]
    fn literals_coerce_to_the_column() {
        assert_eq!(literal_keys(&ColumnKind::Int, &ScalarValue::Float64(2.5)), vec![Key::Float(2.5)]);
        assert_eq!(literal_keys(&ColumnKind::Date, &ScalarValue::from("2024-01-01")), vec![Key::Date(19723)]);
        assert!(literal_keys(&ColumnKind::Date, &ScalarValue::from("2024-01-01 12:00")).is_empty());
        let noon = ScalarValue::Timestamp(19723 * 86_400 + 43_200, TimeUnit::Second, None);
        assert!(literal_keys(&ColumnKind::Date, &noon).is_empty());
        let ts = ColumnKind::Timestamp(DataType::Timestamp(TimeUnit::Microsecond, None));
        assert_eq!(
            literal_keys(&ts, &ScalarValue::from("2024-01-01 12:00:00")),
            vec![Key::Time((19723 * 86_400 + 43_200) * 1_000_000_000)]
        );
        assert!(literal_keys(&ColumnKind::Str, &ScalarValue::Int64(1)).is_empty());
        assert_eq!(literal_keys(&ColumnKind::Float32, &ScalarValue::Float64(0.1)).len(), 2);
    }
}
