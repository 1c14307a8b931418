//! The [`GroupedAggregate`] trait every aggregate's accumulator implements
//! (made by its function: see `function`), and the typed-slice helpers the
//! implementations share.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::buffer::NullBuffer;
use arrow::compute::kernels::cast::cast;
use arrow::datatypes::*;

use crate::error::{Error, Result};

/// One aggregate over all the groups of a groupby, updated a batch at a time.
///
/// `groups[i]` is the group of row `i` and `n` the number of groups so far
/// (ids are dense, so an implementation keeps one slot per group in plain
/// vectors and grows them to `n`). Every call handles a whole batch with a
/// loop over typed slices; no call is made per row.
pub(crate) trait GroupedAggregate: Send {
    /// Adds the rows of the argument columns `cols` (a partial).
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()>;
    /// The state columns, one row per group: what a partial task emits.
    /// By default the result itself, for the aggregates whose state is
    /// their result (sum, min, max, first, last, any, all).
    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.finish()?])
    }
    /// Adds the rows of state columns `st` (a merge); called with the
    /// states of the partitions in order, left to right. By default an
    /// update over the state, for the aggregates whose state is their result.
    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.update(st, groups, n)
    }
    /// The result column, one row per group (pandas' semantics live here).
    fn finish(&mut self) -> Result<ArrayRef>;
}

/// The one column an aggregate of one argument takes.
pub(crate) fn one<'a>(cols: &'a [ArrayRef], groups: &[u32]) -> Result<&'a ArrayRef> {
    match cols {
        [c] if c.len() == groups.len() => Ok(c),
        [c] => Err(Error::Internal(format!("{} rows but {} group ids", c.len(), groups.len()))),
        _ => Err(Error::Internal(format!("expected 1 column, got {}", cols.len()))),
    }
}

/// `cols` as exactly `N` columns of `groups.len()` rows.
pub(crate) fn columns<'a, const N: usize>(cols: &'a [ArrayRef], groups: &[u32]) -> Result<&'a [ArrayRef; N]> {
    let c: &[ArrayRef; N] =
        cols.try_into().map_err(|_| Error::Internal(format!("expected {N} columns, got {}", cols.len())))?;
    if c.iter().any(|a| a.len() != groups.len()) {
        return Err(Error::Internal("state columns and group ids of different lengths".into()));
    }
    Ok(c)
}

/// A number as the aggregates read it. Conversions follow numpy's casts:
/// integer sums wrap, floats keep NaN (a NaN is a value here, not missing).
pub(crate) trait Num: Copy + Send + 'static {
    fn to_f64(self) -> f64;
    fn to_i64(self) -> i64;
    fn to_u64(self) -> u64;
    fn is_nonzero(self) -> bool;
}

macro_rules! num_int {
    ($($t:ty),*) => {$(
        impl Num for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn to_i64(self) -> i64 { self as i64 }
            #[inline(always)]
            fn to_u64(self) -> u64 { self as u64 }
            #[inline(always)]
            fn is_nonzero(self) -> bool { self != 0 }
        }
    )*};
}

num_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! num_float {
    ($($t:ty),*) => {$(
        impl Num for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn to_i64(self) -> i64 { self as i64 }
            #[inline(always)]
            fn to_u64(self) -> u64 { self as u64 }
            #[inline(always)]
            fn is_nonzero(self) -> bool { self != 0.0 }
        }
    )*};
}

num_float!(f32, f64);

/// An aggregate's loop over one numeric column, monomorphized per type.
pub(crate) trait NumericVisitor {
    fn visit<T: Num>(&mut self, values: &[T], nulls: Option<&NullBuffer>, groups: &[u32]) -> Result<()>;
}

/// Calls `v.visit` with `array`'s values as a typed slice: one match on the
/// type per batch. Booleans are read as 0/1 (`u8`); float16 and decimals as
/// float64 and dictionaries as their values (both through arrow's `cast`).
///
/// # Errors
/// [`Error::Type`] for a non-numeric array.
pub(crate) fn visit_numeric(array: &dyn Array, groups: &[u32], v: &mut impl NumericVisitor) -> Result<()> {
    if array.len() != groups.len() {
        return Err(Error::Internal(format!("{} rows but {} group ids", array.len(), groups.len())));
    }
    // `as_primitive` cannot panic: each arm matched the type it downcasts to.
    macro_rules! go {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            v.visit(a.values(), a.nulls(), groups)
        }};
    }
    match array.data_type() {
        DataType::Int8 => go!(Int8Type),
        DataType::Int16 => go!(Int16Type),
        DataType::Int32 => go!(Int32Type),
        DataType::Int64 => go!(Int64Type),
        DataType::UInt8 => go!(UInt8Type),
        DataType::UInt16 => go!(UInt16Type),
        DataType::UInt32 => go!(UInt32Type),
        DataType::UInt64 => go!(UInt64Type),
        DataType::Float32 => go!(Float32Type),
        DataType::Float64 => go!(Float64Type),
        DataType::Boolean => visit_numeric(cast(array, &DataType::UInt8)?.as_ref(), groups, v),
        DataType::Dictionary(_, value) => visit_numeric(cast(array, value)?.as_ref(), groups, v),
        DataType::Float16
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..)
        | DataType::Null => visit_numeric(cast(array, &DataType::Float64)?.as_ref(), groups, v),
        other => {
            Err(Error::type_error(format!("expected numbers, got {}", crate::dtype::pandas_dtype(other))))
        }
    }
}

/// Calls `f(group, value)` for every non-null row: the inner loop of most
/// aggregates, inlined into each caller.
#[inline(always)]
pub(crate) fn for_each_valid<T: Copy>(
    values: &[T],
    nulls: Option<&NullBuffer>,
    groups: &[u32],
    mut f: impl FnMut(usize, T),
) {
    match nulls.filter(|n| n.null_count() > 0) {
        None => {
            for (&g, &v) in groups.iter().zip(values) {
                f(g as usize, v);
            }
        }
        Some(n) => {
            for ((&g, &v), valid) in groups.iter().zip(values).zip(n.iter()) {
                if valid {
                    f(g as usize, v);
                }
            }
        }
    }
}

/// Folds the non-null `values` with `op` over eight interleaved lanes, then
/// the lanes together: the loop of a single group (a whole-frame
/// reduction), where one accumulator would make every row wait for the
/// previous one. `init` must be `op`'s identity (it also stands in for nulls).
#[inline(always)]
pub(crate) fn fold_lanes<T: Copy, A: Copy>(
    values: &[T],
    nulls: Option<&NullBuffer>,
    init: A,
    conv: impl Fn(T) -> A,
    op: impl Fn(A, A) -> A,
) -> A {
    let mut lanes = [init; 8];
    match nulls.filter(|n| n.null_count() > 0) {
        None => {
            let mut chunks = values.chunks_exact(8);
            for c in &mut chunks {
                for (l, &v) in lanes.iter_mut().zip(c) {
                    *l = op(*l, conv(v));
                }
            }
            for (l, &v) in lanes.iter_mut().zip(chunks.remainder()) {
                *l = op(*l, conv(v));
            }
        }
        Some(n) => {
            for (i, (&v, valid)) in values.iter().zip(n.iter()).enumerate() {
                let l = &mut lanes[i % 8];
                *l = op(*l, if valid { conv(v) } else { init });
            }
        }
    }
    lanes.into_iter().fold(init, &op)
}

/// `array` as its dictionary's values (other arrays as they are).
pub(crate) fn unpack_dictionary(array: &ArrayRef) -> Result<ArrayRef> {
    match array.data_type() {
        DataType::Dictionary(_, v) => Ok(cast(array, v)?),
        _ => Ok(std::sync::Arc::clone(array)),
    }
}

/// `array` cast to `to` when it has another type.
pub(crate) fn cast_to(array: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    if array.data_type() == to {
        Ok(std::sync::Arc::clone(array))
    } else {
        Ok(cast(array, to)?)
    }
}

/// `values` reordered by group, keeping row order within a group (a
/// counting sort): `(offsets, sorted)` where group `g`'s values are
/// `sorted[offsets[g]..offsets[g + 1]]`. `groups` are below `n`.
pub(crate) fn sort_by_group<T: Copy + Default>(
    groups: &[u32],
    values: &[T],
    n: usize,
) -> (Vec<usize>, Vec<T>) {
    let mut offsets = vec![0usize; n + 1];
    for &g in groups {
        offsets[g as usize + 1] += 1;
    }
    for g in 0..n {
        offsets[g + 1] += offsets[g];
    }
    let mut next = offsets.clone();
    let mut sorted = vec![T::default(); values.len()];
    for (&g, &v) in groups.iter().zip(values) {
        let slot = &mut next[g as usize];
        sorted[*slot] = v;
        *slot += 1;
    }
    (offsets, sorted)
}
