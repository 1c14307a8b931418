//! A build side keyed by one integer column of a small range: the probe
//! looks a key up by its offset from the smallest key, with no hashing.
//!
//! A dimension table's key is often `1..=n` or close to it; then a table of
//! `max - min + 1` group ids costs a few bytes per build row, and a probe
//! row is a subtraction, a bounds check and a load, where interning it
//! would hash it and compare it with a stored key. (DuckDB calls this a
//! perfect hash join.)
//!
//! ```text
//! build keys  12 10 13 10      slots (min 10)  [g1, NONE, g0, g2]
//! probe keys  13 11 10    ─▶   groups           g2  NONE  g1
//! ```

use arrow::array::{Array, ArrayRef, AsArray, PrimitiveArray};
use arrow::datatypes::{
    ArrowPrimitiveType, DataType, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type,
    UInt8Type,
};

use super::hash::NONE;

/// `$body` with `$typed` the integer array `$key` as its primitive array
/// type `$t` (an integer type that widens to i64), `None` for another type.
macro_rules! with_integer {
    ($key:expr, |$typed:ident: $t:ident| $body:expr) => {
        match $key.data_type() {
            DataType::Int8 => with_integer!(@ $key, $typed, $t, Int8Type, $body),
            DataType::Int16 => with_integer!(@ $key, $typed, $t, Int16Type, $body),
            DataType::Int32 => with_integer!(@ $key, $typed, $t, Int32Type, $body),
            DataType::Int64 => with_integer!(@ $key, $typed, $t, Int64Type, $body),
            DataType::UInt8 => with_integer!(@ $key, $typed, $t, UInt8Type, $body),
            DataType::UInt16 => with_integer!(@ $key, $typed, $t, UInt16Type, $body),
            DataType::UInt32 => with_integer!(@ $key, $typed, $t, UInt32Type, $body),
            _ => None,
        }
    };
    (@ $key:expr, $typed:ident, $t:ident, $arrow:ty, $body:expr) => {{
        type $t = $arrow;
        let $typed = $key.as_primitive::<$t>();
        $body
    }};
}

/// How many slots a build row may cost at most: past this the range is
/// too sparse and interning is used instead.
const SLOTS_PER_ROW: usize = 4;

/// Ranges this small get a table whatever the number of build rows.
const ALWAYS_SLOTS: usize = 4_096;

/// The smallest valid key of `key` and how many slots its range takes,
/// when it is small enough (`None` for no valid key or too wide a range).
fn range<T>(key: &PrimitiveArray<T>) -> Option<(i64, usize)>
where
    T: ArrowPrimitiveType,
    T::Native: Into<i64>,
{
    let values = key.values();
    let (min, max) = (0..values.len())
        .filter(|&i| key.is_valid(i))
        .map(|i| values[i].into())
        .fold(None, |acc: Option<(i64, i64)>, v| {
            Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        })?;
    let span = usize::try_from(i128::from(max) - i128::from(min) + 1).ok()?;
    (span <= ALWAYS_SLOTS.max(SLOTS_PER_ROW.saturating_mul(values.len()))).then_some((min, span))
}

/// The build side's group ids (or rows, [`DenseKeys::unique`]) by key offset.
pub(super) struct DenseKeys {
    data_type: DataType,
    min: i64,
    /// The group of key `min + i`, `NONE` for a key the build side lacks.
    slots: Vec<u32>,
}

impl DenseKeys {
    /// A table for the build side `keys` whose rows have the groups
    /// `row_groups` (`NONE` for a null key), when the keys are one integer
    /// column of a range small enough; `None` otherwise.
    pub(super) fn new(keys: &[ArrayRef], row_groups: &[u32]) -> Option<Self> {
        let [key] = keys else { return None };
        with_integer!(key, |typed: T| Self::build::<T>(typed, row_groups))
    }

    fn build<T>(key: &PrimitiveArray<T>, row_groups: &[u32]) -> Option<Self>
    where
        T: ArrowPrimitiveType,
        T::Native: Into<i64>,
    {
        let (min, span) = range(key)?;
        let values = key.values();
        let mut slots = vec![NONE; span];
        for (i, &g) in row_groups.iter().enumerate() {
            if g != NONE {
                // A valid key (null keys' groups are NONE) within [min, max].
                let offset = (values[i].into() - min) as usize;
                slots[offset] = g;
            }
        }
        Some(DenseKeys { data_type: key.data_type().clone(), min, slots })
    }

    /// A table of build rows instead of groups, when `keys` is one integer
    /// column of a range small enough in which no key repeats (a dimension
    /// table's key); `None` otherwise. Its [`DenseKeys::probe`] gives each
    /// probe row its one build row, with no group table built at all.
    /// The build side has fewer than `NONE` rows (checked by `hash_join`).
    pub(super) fn unique(keys: &[ArrayRef]) -> Option<Self> {
        let [key] = keys else { return None };
        with_integer!(key, |typed: T| Self::build_unique::<T>(typed))
    }

    fn build_unique<T>(key: &PrimitiveArray<T>) -> Option<Self>
    where
        T: ArrowPrimitiveType,
        T::Native: Into<i64>,
    {
        let (min, span) = range(key)?;
        let mut slots = vec![NONE; span];
        for (row, v) in key.iter().enumerate() {
            if let Some(v) = v {
                // Within [min, max].
                let slot = &mut slots[(v.into() - min) as usize];
                if *slot != NONE {
                    return None;
                }
                *slot = row as u32;
            }
        }
        Some(DenseKeys { data_type: key.data_type().clone(), min, slots })
    }

    /// Each probe row's group (`NONE` for a null key or one the build side
    /// lacks), or `None` when the probe key is not one column of the build
    /// key's type.
    pub(super) fn probe(&self, keys: &[ArrayRef]) -> Option<Vec<u32>> {
        let [key] = keys else { return None };
        if key.data_type() != &self.data_type {
            return None;
        }
        with_integer!(key, |typed: T| Some(self.lookup::<T>(typed)))
    }

    fn lookup<T>(&self, key: &PrimitiveArray<T>) -> Vec<u32>
    where
        T: ArrowPrimitiveType,
        T::Native: Into<i64>,
    {
        let slot = |v: T::Native| -> u32 {
            // Wrapping: a key below `min` becomes a huge offset, past the table.
            let offset = v.into().wrapping_sub(self.min) as u64;
            usize::try_from(offset).ok().and_then(|o| self.slots.get(o)).copied().unwrap_or(NONE)
        };
        let mut groups: Vec<u32> = key.values().iter().map(|&v| slot(v)).collect();
        if let Some(nulls) = key.nulls().filter(|n| n.null_count() > 0) {
            for (g, valid) in groups.iter_mut().zip(nulls.iter()) {
                if !valid {
                    *g = NONE;
                }
            }
        }
        groups
    }
}
