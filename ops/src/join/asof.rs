//! pandas' `merge_asof`: each left row with the right row whose `on` key is
//! the nearest before it (or after it, or either), within its `by` group.
//!
//! Both sides are sorted by `on` (checked), so within a group the left
//! rows' keys only grow, and the right row a left row takes only moves
//! forward: one cursor per group walks the group's right rows once.
//!
//! ```text
//! right on (group a)  1   3   3   7          backward: last ≤ x
//! left x              2   3   5   9          forward:  first ≥ x
//! backward            1   3'  3'  7          nearest:  the closer, ties backward
//! forward             3   3   7   -          (3' is the last of the two 3s,
//! nearest             1   3'  3'  7           forward's 3 the first, as pandas)
//! ```
//!
//! The `by` keys get dense group ids from the groupby's table
//! ([`GroupIds`]), the right rows are bucketed per group in row order (so
//! in `on` order), and the walk is O(left + right): no hashing of `on`.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::kernels::cast::cast;
use arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema, SchemaRef, UInt64Type};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

use super::hash::{buckets, indices, take_rows, unset_null_keys, NONE};
use super::keys::common_key_type;
use crate::aggregate::group_ids::GroupIds;
use crate::error::{Error, Result};

/// Which right row an asof join takes for a left key `x` (pandas' `direction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum AsofDirection {
    /// The last right row whose key is ≤ `x`.
    #[default]
    Backward,
    /// The first right row whose key is ≥ `x`.
    Forward,
    /// The closer of those two; on a tie, the backward one (as pandas).
    Nearest,
}

impl AsofDirection {
    /// The name pandas uses.
    pub fn name(self) -> &'static str {
        match self {
            AsofDirection::Backward => "backward",
            AsofDirection::Forward => "forward",
            AsofDirection::Nearest => "nearest",
        }
    }
}

impl fmt::Display for AsofDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AsofDirection {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "backward" => AsofDirection::Backward,
            "forward" => AsofDirection::Forward,
            "nearest" => AsofDirection::Nearest,
            other => {
                return Err(Error::InvalidArgument(format!(
                    "unknown merge_asof direction {other:?}; expected backward, forward or nearest"
                )))
            }
        })
    }
}

/// An asof join of a left and a right batch, as pandas' `merge_asof`
/// describes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AsofSpec {
    /// The left's ordered key (integers, floats, dates or timestamps).
    pub left_on: String,
    /// The right's ordered key, compared with `left_on`.
    pub right_on: String,
    /// Left columns that must equal `by_right` for rows to match (pandas'
    /// `by` / `left_by`); empty for none.
    pub by_left: Vec<String>,
    /// Right columns paired with `by_left`.
    pub by_right: Vec<String>,
    /// Which right row a left row takes.
    pub direction: AsofDirection,
    /// The largest distance `|left on - right on|` of a match, in the raw
    /// units of the keys' common type: a timestamp's `i64` in its time unit
    /// (nanoseconds when the two sides' units differ), days for `Date32`,
    /// milliseconds for `Date64`, the number itself for numbers. pandas
    /// takes a `Timedelta` here; the engine converts it. `None`: any distance.
    pub tolerance: Option<f64>,
    /// Whether a right key equal to the left key matches (pandas'
    /// `allow_exact_matches`, default true); false makes ≤ and ≥ strict.
    pub allow_exact_matches: bool,
    /// Appended to the names of columns both sides have (default `("_x", "_y")`).
    pub suffixes: (String, String),
}

impl AsofSpec {
    /// A backward asof join on `left_on` and `right_on`, no `by`, no
    /// tolerance, exact matches allowed, suffixes `_x` and `_y`: pandas'
    /// defaults.
    pub fn new(left_on: impl Into<String>, right_on: impl Into<String>) -> Self {
        AsofSpec {
            left_on: left_on.into(),
            right_on: right_on.into(),
            by_left: vec![],
            by_right: vec![],
            direction: AsofDirection::Backward,
            tolerance: None,
            allow_exact_matches: true,
            suffixes: ("_x".into(), "_y".into()),
        }
    }
}

/// The schema of [`asof_join`]: the left columns, then the right ones
/// except `right_on` when it is named as `left_on` and the `by` keys named
/// as their left partners (pandas keeps one of each). Other names on both
/// sides get the suffixes; right columns are nullable (a left row may
/// match nothing).
///
/// # Errors
/// [`Error::ColumnNotFound`] for an unknown `on` or `by` column;
/// [`Error::Type`] for `on` keys that are not numbers, dates or timestamps
/// of comparable types, or `by` keys that do not compare;
/// [`Error::InvalidArgument`] for `by` lists of different lengths, a
/// negative or NaN tolerance, and overlapping names without suffixes.
pub fn asof_schema(left: &Schema, right: &Schema, spec: &AsofSpec) -> Result<SchemaRef> {
    on_type(left, right, spec)?;
    by_types(left, right, spec)?;
    if let Some(t) = spec.tolerance {
        if t.is_nan() || t < 0.0 {
            return Err(Error::InvalidArgument(format!("merge_asof: tolerance must be positive, got {t}")));
        }
    }
    let dropped = |name: &str| {
        (name == spec.right_on && spec.right_on == spec.left_on)
            || spec.by_left.iter().zip(&spec.by_right).any(|(l, r)| r == name && l == r)
    };
    let right_kept: Vec<&Field> =
        right.fields().iter().map(AsRef::as_ref).filter(|f| !dropped(f.name())).collect();
    let overlaps = |name: &str| {
        left.fields().iter().any(|f| f.name() == name) && right_kept.iter().any(|f| f.name() == name)
    };
    let (left_suffix, right_suffix) = (&spec.suffixes.0, &spec.suffixes.1);
    let mut fields = Vec::with_capacity(left.fields().len() + right_kept.len());
    for f in left.fields() {
        if overlaps(f.name()) {
            fields.push(f.as_ref().clone().with_name(format!("{}{left_suffix}", f.name())));
        } else {
            fields.push(f.as_ref().clone());
        }
    }
    for f in &right_kept {
        let name = if overlaps(f.name()) { format!("{}{right_suffix}", f.name()) } else { f.name().clone() };
        fields.push(f.to_owned().clone().with_name(name).with_nullable(true));
    }
    let mut seen = std::collections::HashSet::new();
    for f in &fields {
        if !seen.insert(f.name().as_str()) {
            let why = if left_suffix.is_empty() && right_suffix.is_empty() {
                "columns overlap but no suffix specified"
            } else {
                "choose other suffixes"
            };
            return Err(Error::InvalidArgument(format!(
                "merge_asof: the output would have two columns named {:?} ({why})",
                f.name()
            )));
        }
    }
    Ok(Arc::new(Schema::new(fields)))
}

/// The common type of the two `on` keys, checked to be ordered numbers.
fn on_type(left: &Schema, right: &Schema, spec: &AsofSpec) -> Result<DataType> {
    let l = left
        .field_with_name(&spec.left_on)
        .map_err(|_| Error::merge_key_not_found("left", &spec.left_on, left))?;
    let r = right
        .field_with_name(&spec.right_on)
        .map_err(|_| Error::merge_key_not_found("right", &spec.right_on, right))?;
    let common = common_key_type(l.data_type(), r.data_type());
    match common {
        Some(t) if on_kind(&t).is_some() => Ok(t),
        _ => Err(Error::type_error(format!(
            "merge_asof on left column {:?} ({}) and right column {:?} ({}): the keys must be numbers, dates \
             or timestamps of comparable types",
            spec.left_on,
            crate::dtype::pandas_dtype(l.data_type()),
            spec.right_on,
            crate::dtype::pandas_dtype(r.data_type())
        ))),
    }
}

fn by_types(left: &Schema, right: &Schema, spec: &AsofSpec) -> Result<Vec<DataType>> {
    if spec.by_left.len() != spec.by_right.len() {
        return Err(Error::InvalidArgument(format!(
            "merge_asof: left_by has {} columns and right_by {}; they must pair up",
            spec.by_left.len(),
            spec.by_right.len()
        )));
    }
    spec.by_left
        .iter()
        .zip(&spec.by_right)
        .map(|(l, r)| {
            let lf = left.field_with_name(l).map_err(|_| Error::merge_key_not_found("left", l, left))?;
            let rf = right.field_with_name(r).map_err(|_| Error::merge_key_not_found("right", r, right))?;
            common_key_type(lf.data_type(), rf.data_type()).ok_or_else(|| {
                Error::type_error(format!(
                    "merge_asof by left column {l:?} ({}) and right column {r:?} ({}): their values never compare",
                    crate::dtype::pandas_dtype(lf.data_type()),
                    crate::dtype::pandas_dtype(rf.data_type())
                ))
            })
        })
        .collect()
}

fn not_found(name: &str, schema: &Schema) -> Error {
    Error::ColumnNotFound {
        name: name.to_string(),
        available: schema.fields().iter().map(|f| f.name().clone()).collect(),
    }
}

/// How `on` values of a common type are compared: as `i64` (signed
/// integers, dates, timestamps: their raw values), `u64` or `f64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnKind {
    Signed,
    Unsigned,
    Float,
}

fn on_kind(t: &DataType) -> Option<OnKind> {
    use DataType::*;
    match t {
        Int8 | Int16 | Int32 | Int64 | Date32 | Date64 | Timestamp(_, _) => Some(OnKind::Signed),
        UInt8 | UInt16 | UInt32 | UInt64 => Some(OnKind::Unsigned),
        Float16 | Float32 | Float64 => Some(OnKind::Float),
        _ => None,
    }
}

/// Every row of `left`, in order, with the columns of the right row it
/// takes by `spec` (nulls where it takes none), with the schema of
/// [`asof_schema`].
///
/// A left row takes, among the right rows of equal `by` keys, the last one
/// whose `on` is ≤ its own (backward), the first one ≥ (forward), or the
/// closer of those (nearest, ties to backward); with `allow_exact_matches`
/// false, < and > instead; with a tolerance, only one within it. Among
/// right rows of equal `on`, backward takes the last and forward the first,
/// as pandas does. A null in a `by` key matches nothing (pandas would match
/// NaN with NaN).
///
/// # Errors
/// Those of [`asof_schema`]; [`Error::InvalidArgument`] when a side's `on`
/// column holds a null or NaN, or is not sorted ascending (naming the side,
/// the column and the first row out of order); Arrow's cast errors.
pub fn asof_join(left: &RecordBatch, right: &RecordBatch, spec: &AsofSpec) -> Result<RecordBatch> {
    let schema = asof_schema(&left.schema(), &right.schema(), spec)?;
    let on = on_type(&left.schema(), &right.schema(), spec)?;
    let by = by_types(&left.schema(), &right.schema(), spec)?;
    for (batch, side) in [(left, "left"), (right, "right")] {
        if batch.num_rows() >= NONE as usize {
            return Err(Error::InvalidArgument(format!(
                "merge_asof: the {side} side has {} rows; at most {} per side",
                batch.num_rows(),
                NONE - 1
            )));
        }
    }
    let left_on = on_values(column(left, &spec.left_on)?, &on, "left", &spec.left_on)?;
    let right_on = on_values(column(right, &spec.right_on)?, &on, "right", &spec.right_on)?;
    let (left_groups, right_groups, groups) = by_groups(left, right, spec, &by)?;
    let (offsets, rows) = buckets(&right_groups, groups);
    let walk = Walk { offsets: &offsets, rows: &rows, groups: &left_groups, spec };
    let taken = match (&left_on, &right_on) {
        (OnValues::Signed(l), OnValues::Signed(r)) => walk.run(l.values(), r.values()),
        (OnValues::Unsigned(l), OnValues::Unsigned(r)) => walk.run(l.values(), r.values()),
        (OnValues::Float(l), OnValues::Float(r)) => walk.run(l.values(), r.values()),
        _ => return Err(Error::Internal("asof keys of two kinds (a bug in rusk)".into())),
    };
    let taken = indices(taken);
    let mut columns: Vec<ArrayRef> = left.columns().to_vec();
    let right_schema = right.schema();
    for (field, col) in right_schema.fields().iter().zip(right.columns()) {
        let name = field.name();
        let dropped = (*name == spec.right_on && spec.right_on == spec.left_on)
            || spec.by_left.iter().zip(&spec.by_right).any(|(l, r)| r == name && l == r);
        if !dropped {
            columns.push(take_rows(col, &taken)?);
        }
    }
    if columns.len() != schema.fields().len() {
        return Err(Error::Internal(format!(
            "merge_asof built {} columns for a schema of {} (a bug in rusk)",
            columns.len(),
            schema.fields().len()
        )));
    }
    let options = RecordBatchOptions::new().with_row_count(Some(left.num_rows()));
    Ok(RecordBatch::try_new_with_options(schema, columns, &options)?)
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| not_found(name, &batch.schema()))
}

/// An `on` column as comparable values.
enum OnValues {
    Signed(arrow::array::Int64Array),
    Unsigned(arrow::array::UInt64Array),
    Float(arrow::array::Float64Array),
}

/// `array` (an `on` column) in the common type `on`, as raw values,
/// checked: no null or NaN, sorted ascending.
fn on_values(array: &ArrayRef, on: &DataType, side: &str, name: &str) -> Result<OnValues> {
    if array.logical_null_count() > 0 {
        return Err(Error::InvalidArgument(format!(
            "merge_asof: merge keys contain null values on {side} side (column {name:?})"
        )));
    }
    let array = cast(array, on)?;
    if array.logical_null_count() > 0 {
        return Err(Error::InvalidArgument(format!(
            "merge_asof: the {side} column {name:?} has values that do not fit {on}, the type both keys compare as"
        )));
    }
    let values = match on_kind(on) {
        Some(OnKind::Signed) => {
            // Dates and timestamps cast to their raw `i64` (days for `Date32`).
            let raw = match on {
                DataType::Date32 => cast(&cast(&array, &DataType::Int32)?, &DataType::Int64)?,
                _ => cast(&array, &DataType::Int64)?,
            };
            OnValues::Signed(raw.as_primitive::<Int64Type>().clone())
        }
        Some(OnKind::Unsigned) => {
            OnValues::Unsigned(cast(&array, &DataType::UInt64)?.as_primitive::<UInt64Type>().clone())
        }
        Some(OnKind::Float) => {
            let f = cast(&array, &DataType::Float64)?.as_primitive::<Float64Type>().clone();
            if f.values().iter().any(|v| v.is_nan()) {
                return Err(Error::InvalidArgument(format!(
                    "merge_asof: merge keys contain null values on {side} side (column {name:?} holds NaN)"
                )));
            }
            OnValues::Float(f)
        }
        None => return Err(Error::type_error(format!("merge_asof on keys of type {on}"))),
    };
    let unsorted = match &values {
        OnValues::Signed(a) => first_descent(a.values()),
        OnValues::Unsigned(a) => first_descent(a.values()),
        OnValues::Float(a) => first_descent(a.values()),
    };
    if let Some(row) = unsorted {
        return Err(Error::InvalidArgument(format!(
            "merge_asof: {side} keys must be sorted: column {name:?} decreases at row {row}"
        )));
    }
    Ok(values)
}

/// The first row whose value is below the one before it.
fn first_descent<T: PartialOrd>(values: &[T]) -> Option<usize> {
    values.windows(2).position(|w| w[1] < w[0]).map(|i| i + 1)
}

/// Each left and right row's `by` group (`NONE` for a null key: it matches
/// nothing), and the number of groups the right side has. Without `by`,
/// every row is group 0.
fn by_groups(
    left: &RecordBatch,
    right: &RecordBatch,
    spec: &AsofSpec,
    types: &[DataType],
) -> Result<(Vec<u32>, Vec<u32>, usize)> {
    if types.is_empty() {
        return Ok((vec![0; left.num_rows()], vec![0; right.num_rows()], 1));
    }
    let keys = |batch: &RecordBatch, names: &[String]| -> Result<Vec<ArrayRef>> {
        names.iter().map(|n| column(batch, n).cloned()).collect()
    };
    let (left_keys, right_keys) = (keys(left, &spec.by_left)?, keys(right, &spec.by_right)?);
    let mut table = GroupIds::new(types)?;
    let mut right_groups = Vec::with_capacity(right.num_rows());
    table.intern(&right_keys, right.num_rows(), &mut right_groups)?;
    let groups = table.num_groups();
    let mut left_groups = Vec::with_capacity(left.num_rows());
    table.intern(&left_keys, left.num_rows(), &mut left_groups)?;
    unset_null_keys(&right_keys, &mut right_groups);
    unset_null_keys(&left_keys, &mut left_groups);
    Ok((left_groups, right_groups, groups))
}

/// An `on` value: ordered, with an exact distance.
trait OnValue: Copy + PartialOrd {
    /// `|a - b|`, exact for integers.
    type Distance: Copy + PartialOrd;
    fn distance(a: Self, b: Self) -> Self::Distance;
    fn within(d: Self::Distance, tolerance: f64) -> bool;
}

impl OnValue for i64 {
    type Distance = u64;
    fn distance(a: i64, b: i64) -> u64 {
        a.abs_diff(b)
    }
    fn within(d: u64, tolerance: f64) -> bool {
        d as f64 <= tolerance
    }
}

impl OnValue for u64 {
    type Distance = u64;
    fn distance(a: u64, b: u64) -> u64 {
        a.abs_diff(b)
    }
    fn within(d: u64, tolerance: f64) -> bool {
        d as f64 <= tolerance
    }
}

impl OnValue for f64 {
    type Distance = f64;
    fn distance(a: f64, b: f64) -> f64 {
        (a - b).abs()
    }
    fn within(d: f64, tolerance: f64) -> bool {
        d <= tolerance
    }
}

/// The merge walk: right rows bucketed by group, left rows' groups.
struct Walk<'a> {
    offsets: &'a [u32],
    rows: &'a [u32],
    groups: &'a [u32],
    spec: &'a AsofSpec,
}

impl Walk<'_> {
    /// The right row each left row takes (`NONE` for none).
    fn run<T: OnValue>(&self, left: &[T], right: &[T]) -> Vec<u32> {
        let num_groups = self.offsets.len().saturating_sub(1);
        let strict = !self.spec.allow_exact_matches;
        let direction = self.spec.direction;
        let tolerance = self.spec.tolerance;
        // Per group, how many of its right rows lie before the left key
        // (≤ it, or < it when strict): the backward candidate is the last
        // of them. And how many lie strictly before the forward candidate
        // (< the key, or ≤ when strict). Both only grow: the left keys of a
        // group come in ascending order.
        let mut before = vec![0u32; num_groups];
        let mut below = vec![0u32; num_groups];
        let mut out = Vec::with_capacity(left.len());
        for (&g, &x) in self.groups.iter().zip(left) {
            let g = g as usize;
            let (Some(&start), Some(&end)) = (self.offsets.get(g), self.offsets.get(g + 1)) else {
                out.push(NONE);
                continue;
            };
            let bucket = &self.rows[start as usize..end as usize];
            let key = |c: u32| right[bucket[c as usize] as usize];
            let backward = if direction == AsofDirection::Forward {
                None
            } else {
                let c = &mut before[g];
                while (*c as usize) < bucket.len() && (key(*c) < x || (!strict && key(*c) == x)) {
                    *c += 1;
                }
                c.checked_sub(1)
            };
            let forward = if direction == AsofDirection::Backward {
                None
            } else {
                let c = &mut below[g];
                while (*c as usize) < bucket.len() && (key(*c) < x || (strict && key(*c) == x)) {
                    *c += 1;
                }
                Some(*c).filter(|&c| (c as usize) < bucket.len())
            };
            let pick = match (backward, forward) {
                (Some(b), Some(f)) => {
                    if T::distance(x, key(b)) <= T::distance(key(f), x) {
                        Some(b)
                    } else {
                        Some(f)
                    }
                }
                (b, f) => b.or(f),
            };
            let pick = pick.filter(|&c| tolerance.is_none_or(|t| T::within(T::distance(x, key(c)), t)));
            out.push(pick.map_or(NONE, |c| bucket[c as usize]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{
        Date32Array, Float64Array, Int32Array, Int64Array, StringArray, TimestampMillisecondArray,
    };

    use super::*;
    use crate::join::hash::tests::rows;

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(columns).unwrap()
    }

    fn names(batch: &RecordBatch) -> Vec<String> {
        batch.schema().fields().iter().map(|f| f.name().clone()).collect()
    }

    /// Right `t v`: 1 10, 3 20, 3 30, 7 40; left `t`: 0 2 3 5 9.
    fn sides() -> (RecordBatch, RecordBatch) {
        let right = batch(vec![
            ("t", Arc::new(Int64Array::from(vec![1, 3, 3, 7]))),
            ("v", Arc::new(Int64Array::from(vec![10, 20, 30, 40]))),
        ]);
        let left = batch(vec![("t", Arc::new(Int64Array::from(vec![0, 2, 3, 5, 9])))]);
        (left, right)
    }

    /// The `v` each left row takes.
    fn taken(left: &RecordBatch, right: &RecordBatch, spec: &AsofSpec) -> Vec<String> {
        let out = asof_join(left, right, spec).unwrap();
        assert_eq!(out.num_rows(), left.num_rows());
        rows(&out.project(&[out.num_columns() - 1]).unwrap())
    }

    /// Expected values, checked with pandas 2 `merge_asof`.
    #[test]
    fn each_direction_with_and_without_exact_matches() {
        let (left, right) = sides();
        let cases = [
            (AsofDirection::Backward, true, ["-", "10", "30", "30", "40"]),
            (AsofDirection::Backward, false, ["-", "10", "10", "30", "40"]),
            (AsofDirection::Forward, true, ["10", "20", "20", "40", "-"]),
            (AsofDirection::Forward, false, ["10", "20", "40", "40", "-"]),
            (AsofDirection::Nearest, true, ["10", "10", "30", "30", "40"]),
            (AsofDirection::Nearest, false, ["10", "10", "10", "30", "40"]),
        ];
        for (direction, allow_exact_matches, want) in cases {
            let spec = AsofSpec { direction, allow_exact_matches, ..AsofSpec::new("t", "t") };
            assert_eq!(taken(&left, &right, &spec), want, "{direction} exact={allow_exact_matches}");
        }
        let out = asof_join(&left, &right, &AsofSpec::new("t", "t")).unwrap();
        assert_eq!(names(&out), ["t", "v"]);
        assert!(out.schema().field(1).is_nullable());
    }

    #[test]
    fn tolerance_bounds_the_distance() {
        let (left, right) = sides();
        let cases = [
            (AsofDirection::Backward, ["-", "10", "30", "-", "-"]),
            (AsofDirection::Forward, ["10", "20", "20", "-", "-"]),
            (AsofDirection::Nearest, ["10", "10", "30", "-", "-"]),
        ];
        for (direction, want) in cases {
            let spec = AsofSpec { direction, tolerance: Some(1.0), ..AsofSpec::new("t", "t") };
            assert_eq!(taken(&left, &right, &spec), want, "{direction}");
        }
        let spec = AsofSpec { tolerance: Some(-1.0), ..AsofSpec::new("t", "t") };
        assert!(matches!(asof_join(&left, &right, &spec), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn by_groups_match_within_their_group() {
        let right = batch(vec![
            ("t", Arc::new(Int64Array::from(vec![1, 2, 3, 4]))),
            ("g", Arc::new(StringArray::from(vec!["a", "b", "a", "b"]))),
            ("v", Arc::new(Int64Array::from(vec![10, 20, 30, 40]))),
        ]);
        let left = batch(vec![
            ("t", Arc::new(Int32Array::from(vec![2, 3, 4, 5, 6]))),
            ("g", Arc::new(StringArray::from(vec![Some("a"), Some("a"), Some("b"), Some("c"), None]))),
        ]);
        let spec =
            AsofSpec { by_left: vec!["g".into()], by_right: vec!["g".into()], ..AsofSpec::new("t", "t") };
        let out = asof_join(&left, &right, &spec).unwrap();
        assert_eq!(names(&out), ["t", "g", "v"]);
        assert_eq!(rows(&out), ["2 a 10", "3 a 30", "4 b 40", "5 c -", "6 - -"]);
        let spec = AsofSpec { direction: AsofDirection::Forward, ..spec };
        assert_eq!(
            rows(&asof_join(&left, &right, &spec).unwrap()),
            ["2 a 30", "3 a 30", "4 b 40", "5 c -", "6 - -"]
        );
        // Sliced sides: right 2 b, 3 a, 4 b; left 3 a, 4 b.
        let spec = AsofSpec { direction: AsofDirection::Backward, ..spec };
        let out = asof_join(&left.slice(1, 2), &right.slice(1, 3), &spec).unwrap();
        assert_eq!(rows(&out), ["3 a 30", "4 b 40"]);
        // Different `on` and `by` names keep both; overlaps get suffixes.
        let right = batch(vec![
            ("time", Arc::clone(right.column(0))),
            ("grp", Arc::clone(right.column(1))),
            ("g", Arc::clone(right.column(2))),
        ]);
        let spec = AsofSpec {
            by_left: vec!["g".into()],
            by_right: vec!["grp".into()],
            suffixes: ("_l".into(), "_r".into()),
            ..AsofSpec::new("t", "time")
        };
        let out = asof_join(&left, &right, &spec).unwrap();
        assert_eq!(names(&out), ["t", "g_l", "time", "grp", "g_r"]);
        assert_eq!(rows(&out)[..3], ["2 a 1 a 10", "3 a 3 a 30", "4 b 4 b 40"]);
    }

    #[test]
    fn empty_sides() {
        let (left, right) = sides();
        assert_eq!(taken(&left, &right.slice(0, 0), &AsofSpec::new("t", "t")), ["-"; 5]);
        assert!(taken(&left.slice(0, 0), &right, &AsofSpec::new("t", "t")).is_empty());
        assert!(taken(&left.slice(0, 0), &right.slice(0, 0), &AsofSpec::new("t", "t")).is_empty());
    }

    #[test]
    fn dates_timestamps_and_floats() {
        // Timestamps in ms: tolerance in ms.
        let right = batch(vec![
            ("t", Arc::new(TimestampMillisecondArray::from(vec![1_000, 5_000]))),
            ("v", Arc::new(Int64Array::from(vec![1, 2]))),
        ]);
        let left = batch(vec![("t", Arc::new(TimestampMillisecondArray::from(vec![1_500, 4_000, 6_000])))]);
        let spec = AsofSpec {
            tolerance: Some(1_000.0),
            direction: AsofDirection::Nearest,
            ..AsofSpec::new("t", "t")
        };
        assert_eq!(taken(&left, &right, &spec), ["1", "2", "2"]);
        // Dates: tolerance in days.
        let right = batch(vec![
            ("d", Arc::new(Date32Array::from(vec![10, 20]))),
            ("v", Arc::new(Int64Array::from(vec![1, 2]))),
        ]);
        let left = batch(vec![("d", Arc::new(Date32Array::from(vec![12, 25])))]);
        let spec = AsofSpec { tolerance: Some(3.0), ..AsofSpec::new("d", "d") };
        assert_eq!(taken(&left, &right, &spec), ["1", "-"]);
        // An integer key against a float one.
        let right = batch(vec![
            ("t", Arc::new(Float64Array::from(vec![0.5, 2.5]))),
            ("v", Arc::new(Int64Array::from(vec![1, 2]))),
        ]);
        let left = batch(vec![("t", Arc::new(Int64Array::from(vec![1, 2, 3])))]);
        let spec = AsofSpec { direction: AsofDirection::Nearest, ..AsofSpec::new("t", "t") };
        assert_eq!(taken(&left, &right, &spec), ["1", "2", "2"]);
        let strings = batch(vec![("t", Arc::new(StringArray::from(vec!["a"])))]);
        assert!(matches!(asof_join(&strings, &strings, &AsofSpec::new("t", "t")), Err(Error::Type { .. })));
    }

    #[test]
    fn unsorted_or_null_keys_are_errors_naming_the_side() {
        let (left, right) = sides();
        let unsorted = batch(vec![("t", Arc::new(Int64Array::from(vec![1, 3, 2])))]);
        let err = asof_join(&unsorted, &right, &AsofSpec::new("t", "t")).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)));
        assert!(
            err.to_string().contains("left keys must be sorted: column \"t\" decreases at row 2"),
            "{err}"
        );
        let err = asof_join(
            &left,
            &unsorted.with_schema(right.schema().project(&[0]).unwrap().into()).unwrap(),
            &AsofSpec::new("t", "t"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("right keys must be sorted"), "{err}");
        let nulls = batch(vec![("t", Arc::new(Int64Array::from(vec![Some(1), None])))]);
        let err = asof_join(
            &left,
            &batch(vec![("t", Arc::clone(nulls.column(0))), ("v", Arc::new(Int64Array::from(vec![1, 2])))]),
            &AsofSpec::new("t", "t"),
        )
        .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)));
        assert!(err.to_string().contains("null values on right side (column \"t\")"), "{err}");
        let nan = batch(vec![("t", Arc::new(Float64Array::from(vec![1.0, f64::NAN])))]);
        let err = asof_join(&nan, &right, &AsofSpec::new("t", "t")).unwrap_err();
        assert!(err.to_string().contains("null values on left side"), "{err}");
        assert!(matches!(
            asof_join(&left, &right, &AsofSpec::new("nope", "t")),
            Err(Error::MergeKeyNotFound { side, name, .. }) if side == "left" && name == "nope"
        ));
        let spec = AsofSpec { by_left: vec!["t".into()], ..AsofSpec::new("t", "t") };
        assert!(matches!(asof_join(&left, &right, &spec), Err(Error::InvalidArgument(_))));
        assert_eq!("nearest".parse::<AsofDirection>().unwrap(), AsofDirection::Nearest);
        assert!(matches!("closest".parse::<AsofDirection>(), Err(Error::InvalidArgument(_))));
    }
}
