//! The fast path for one primitive key (integers, floats, dates, times,
//! timestamps, durations): the key's bits are the hash table entry, so a
//! probe touches one cache line and compares one `u64`.

use arrow::array::{Array, ArrayRef, ArrowPrimitiveType, AsArray, PrimitiveArray};
use arrow::buffer::{NullBuffer, ScalarBuffer};
use arrow::datatypes::*;

use super::hash::hash_u64;
use super::table::{Probe, Slot, Table};
use super::{next_id, single_null};
use crate::error::{Error, Result};

/// A native key type as 64 bits, and back. Floats are normalized so that
/// `-0.0` and `0.0` are one group and every NaN is one group (the values
/// compare equal, as in pandas' hash tables).
pub(crate) trait KeyBits: Copy {
    /// True for integers, whose bits (as `i64`) keep the values' order and
    /// distance, so a small range of them can index an array.
    const INTEGER: bool;
    /// The bits the table stores.
    fn to_key_bits(self) -> u64;
    /// The value back from its bits.
    fn from_key_bits(bits: u64) -> Self;
}

macro_rules! key_bits_int {
    ($($t:ty),*) => {$(
        impl KeyBits for $t {
            const INTEGER: bool = true;
            #[inline(always)]
            fn to_key_bits(self) -> u64 {
                // Sign-extends signed types; the round trip truncates back.
                self as i64 as u64
            }
            #[inline(always)]
            fn from_key_bits(bits: u64) -> Self {
                bits as $t
            }
        }
    )*};
}

key_bits_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl KeyBits for f32 {
    const INTEGER: bool = false;
    #[inline(always)]
    fn to_key_bits(self) -> u64 {
        let v = if self == 0.0 {
            0.0
        } else if self.is_nan() {
            f32::NAN
        } else {
            self
        };
        u64::from(v.to_bits())
    }
    #[inline(always)]
    fn from_key_bits(bits: u64) -> Self {
        f32::from_bits(bits as u32)
    }
}

impl KeyBits for f64 {
    const INTEGER: bool = false;
    #[inline(always)]
    fn to_key_bits(self) -> u64 {
        let v = if self == 0.0 {
            0.0
        } else if self.is_nan() {
            f64::NAN
        } else {
            self
        };
        v.to_bits()
    }
    #[inline(always)]
    fn from_key_bits(bits: u64) -> Self {
        f64::from_bits(bits)
    }
}

/// Calls `$m!(ArrowType)` for the primitive types this path takes, or
/// evaluates `$other` for any other type.
macro_rules! dispatch_key_primitive {
    ($dt:expr, $m:ident, $other:expr) => {{
        use arrow::datatypes::{DataType as D, TimeUnit as U};
        match $dt {
            D::Int8 => $m!(Int8Type),
            D::Int16 => $m!(Int16Type),
            D::Int32 => $m!(Int32Type),
            D::Int64 => $m!(Int64Type),
            D::UInt8 => $m!(UInt8Type),
            D::UInt16 => $m!(UInt16Type),
            D::UInt32 => $m!(UInt32Type),
            D::UInt64 => $m!(UInt64Type),
            D::Float32 => $m!(Float32Type),
            D::Float64 => $m!(Float64Type),
            D::Date32 => $m!(Date32Type),
            D::Date64 => $m!(Date64Type),
            D::Time32(U::Second) => $m!(Time32SecondType),
            D::Time32(U::Millisecond) => $m!(Time32MillisecondType),
            D::Time64(U::Microsecond) => $m!(Time64MicrosecondType),
            D::Time64(U::Nanosecond) => $m!(Time64NanosecondType),
            D::Timestamp(U::Second, _) => $m!(TimestampSecondType),
            D::Timestamp(U::Millisecond, _) => $m!(TimestampMillisecondType),
            D::Timestamp(U::Microsecond, _) => $m!(TimestampMicrosecondType),
            D::Timestamp(U::Nanosecond, _) => $m!(TimestampNanosecondType),
            D::Duration(U::Second) => $m!(DurationSecondType),
            D::Duration(U::Millisecond) => $m!(DurationMillisecondType),
            D::Duration(U::Microsecond) => $m!(DurationMicrosecondType),
            D::Duration(U::Nanosecond) => $m!(DurationNanosecondType),
            _ => $other,
        }
    }};
}

/// Whether one key of type `dt` takes this path.
pub(super) fn is_primitive_key(dt: &DataType) -> bool {
    macro_rules! yes {
        ($t:ty) => {
            true
        };
    }
    dispatch_key_primitive!(dt, yes, false)
}

/// Group ids for one primitive key.
#[derive(Debug)]
pub(super) struct PrimitiveTable {
    /// The key's type (the output keeps it, time zone included).
    data_type: DataType,
    /// The key bits of each group, by group id (0 for the null group).
    keys: Vec<u64>,
    /// `(key bits, group id)`; the hash is recomputed from the bits on growth.
    table: Table<PrimitiveSlot>,
    /// The group of null keys, once seen.
    null_group: Option<u32>,
}

/// Batches shorter than this take the hash path (the range scan and the
/// array would not pay).
const SMALL_RANGE_MIN_ROWS: usize = 4096;

/// The widest range of integer keys the array path takes (64K `u32`s: in
/// L2), and never more than one slot per 8 rows.
const SMALL_RANGE_MAX: usize = 1 << 16;

/// Rows hashed and gathered ahead of resolving (44 KiB on the stack).
const CHUNK: usize = 1024;

/// A key's bits and its group.
#[derive(Debug, Clone, Copy)]
struct PrimitiveSlot {
    bits: u64,
    id: u32,
}

impl Slot for PrimitiveSlot {
    const EMPTY: Self = PrimitiveSlot { bits: 0, id: u32::MAX };
    #[inline(always)]
    fn id(&self) -> u32 {
        self.id
    }
    #[inline(always)]
    fn hash(&self) -> u64 {
        hash_u64(self.bits)
    }
}

impl PrimitiveTable {
    pub(super) fn new(data_type: DataType) -> Self {
        PrimitiveTable { data_type, keys: Vec::new(), table: Table::new(), null_group: None }
    }

    pub(super) fn num_groups(&self) -> usize {
        self.keys.len()
    }

    pub(super) fn data_type(&self) -> &DataType {
        &self.data_type
    }

    /// Appends the group id of each row of `array` (of this table's type) to `out`.
    pub(super) fn intern(&mut self, array: &dyn Array, out: &mut Vec<u32>) -> Result<()> {
        macro_rules! go {
            ($t:ty) => {
                match array.as_primitive_opt::<$t>() {
                    Some(a) => self.intern_typed::<$t>(a, out),
                    None => Err(mismatch(&self.data_type, array.data_type())),
                }
            };
        }
        dispatch_key_primitive!(&self.data_type, go, Err(mismatch(&self.data_type, array.data_type())))
    }

    fn intern_typed<T>(&mut self, array: &PrimitiveArray<T>, out: &mut Vec<u32>) -> Result<()>
    where
        T: ArrowPrimitiveType,
        T::Native: KeyBits,
    {
        self.intern_values(array.values(), array.nulls(), out)
    }

    /// Appends the group id of each of `values` (null where `nulls` says) to `out`.
    pub(super) fn intern_values<N: KeyBits>(
        &mut self,
        values: &[N],
        nulls: Option<&NullBuffer>,
        out: &mut Vec<u32>,
    ) -> Result<()> {
        let nulls = nulls.filter(|n| n.null_count() > 0);
        if N::INTEGER
            && values.len() >= SMALL_RANGE_MIN_ROWS
            && self.intern_small_range(values, nulls, out)?
        {
            return Ok(());
        }
        // Per chunk: hash every row (no dependency between rows, so it
        // pipelines), gather each row's home slot, then resolve (see `table`).
        let mut hashes = [0u64; CHUNK];
        let mut first = [[PrimitiveSlot::EMPTY; 2]; CHUNK];
        let mut ids = [0u32; CHUNK];
        for (c, chunk) in values.chunks(CHUNK).enumerate() {
            self.table.reserve(chunk.len());
            for (h, v) in hashes.iter_mut().zip(chunk) {
                *h = hash_u64(v.to_key_bits());
            }
            let gather = !self.table.fits_l1();
            if gather {
                for (f, &h) in first.iter_mut().zip(&hashes) {
                    *f = self.table.pair(self.table.home(h));
                }
            }
            for (k, ((&v, &h), id)) in chunk.iter().zip(&hashes).zip(&mut ids).enumerate() {
                let bits = v.to_key_bits();
                let [f, g] = if gather { first[k] } else { self.table.pair(self.table.home(h)) };
                *id = if nulls.is_some_and(|n| n.is_null(c * CHUNK + k)) {
                    self.null_group()?
                } else if f.id != u32::MAX && f.bits == bits {
                    f.id
                } else if f.id != u32::MAX && g.id != u32::MAX && g.bits == bits {
                    g.id
                } else {
                    match self.table.probe(h, |s| s.bits == bits) {
                        Probe::Found(slot) => slot.id,
                        Probe::Vacant(at) => {
                            let id = next_id(self.keys.len())?;
                            self.keys.push(bits);
                            self.table.insert_at(at, PrimitiveSlot { bits, id });
                            id
                        }
                    }
                };
            }
            out.extend_from_slice(&ids[..chunk.len()]);
        }
        Ok(())
    }

    /// Integer keys spanning a small range (h2o's id4: 1..=100): each row's
    /// group comes from an array indexed by `value - min`, filled from the
    /// hash table once per distinct value, so a row costs one L1 load
    /// instead of a hash and a probe. False (nothing done) when the range is
    /// too wide for that to pay.
    fn intern_small_range<N: KeyBits>(
        &mut self,
        values: &[N],
        nulls: Option<&NullBuffer>,
        out: &mut Vec<u32>,
    ) -> Result<bool> {
        let (min, max) = values.iter().fold((i64::MAX, i64::MIN), |(lo, hi), v| {
            (lo.min(v.to_key_bits() as i64), hi.max(v.to_key_bits() as i64))
        });
        let span = i128::from(max) - i128::from(min);
        let limit = (values.len() / 8).min(SMALL_RANGE_MAX);
        if span < 0 || span >= limit as i128 {
            return Ok(false);
        }
        let mut local = vec![u32::MAX; span as usize + 1];
        out.reserve(values.len());
        for (i, v) in values.iter().enumerate() {
            if nulls.is_some_and(|n| n.is_null(i)) {
                out.push(self.null_group()?);
                continue;
            }
            // In range: min <= bits <= max, and span fits `local`.
            let at = (v.to_key_bits() as i64).wrapping_sub(min) as usize;
            let id = match local.get(at).copied() {
                Some(id) if id != u32::MAX => id,
                _ => {
                    let id = self.resolve(v.to_key_bits())?;
                    if let Some(slot) = local.get_mut(at) {
                        *slot = id;
                    }
                    id
                }
            };
            out.push(id);
        }
        Ok(true)
    }

    /// The group of one key's bits, added if new.
    fn resolve(&mut self, bits: u64) -> Result<u32> {
        self.table.reserve(1);
        match self.table.probe(hash_u64(bits), |s| s.bits == bits) {
            Probe::Found(slot) => Ok(slot.id),
            Probe::Vacant(at) => {
                let id = next_id(self.keys.len())?;
                self.keys.push(bits);
                self.table.insert_at(at, PrimitiveSlot { bits, id });
                Ok(id)
            }
        }
    }

    fn null_group(&mut self) -> Result<u32> {
        if let Some(g) = self.null_group {
            return Ok(g);
        }
        let id = next_id(self.keys.len())?;
        self.keys.push(0);
        self.null_group = Some(id);
        Ok(id)
    }

    /// The key of each group, in group id order.
    pub(super) fn emit(&self) -> Result<ArrayRef> {
        macro_rules! go {
            ($t:ty) => {
                self.emit_typed::<$t>()
            };
        }
        dispatch_key_primitive!(
            &self.data_type,
            go,
            Err(Error::Internal(format!("primitive group table of type {}", self.data_type)))
        )
    }

    fn emit_typed<T>(&self) -> Result<ArrayRef>
    where
        T: ArrowPrimitiveType,
        T::Native: KeyBits,
    {
        let values: ScalarBuffer<T::Native> =
            self.keys.iter().map(|&b| T::Native::from_key_bits(b)).collect();
        let nulls: Option<NullBuffer> = single_null(self.keys.len(), self.null_group);
        // `with_data_type` cannot fail: `data_type` is the type `T` was
        // dispatched from (it only adds the unit or time zone back).
        let array = PrimitiveArray::<T>::try_new(values, nulls)?.with_data_type(self.data_type.clone());
        Ok(std::sync::Arc::new(array))
    }
}

fn mismatch(want: &DataType, got: &DataType) -> Error {
    Error::Internal(format!("group key of type {got} given to a table of type {want}"))
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::DataType;

    use super::*;

    /// The ids of `values` through the hash path only (batches below the
    /// small-range threshold), one short slice at a time.
    fn hashed(values: &[i64], nulls: Option<&NullBuffer>) -> Vec<u32> {
        let mut table = PrimitiveTable::new(DataType::Int64);
        let mut out = Vec::new();
        for (i, chunk) in values.chunks(SMALL_RANGE_MIN_ROWS - 1).enumerate() {
            let start = i * (SMALL_RANGE_MIN_ROWS - 1);
            let n = nulls.map(|n| n.slice(start, chunk.len()));
            table.intern_values(chunk, n.as_ref(), &mut out).unwrap();
        }
        out
    }

    #[test]
    fn the_small_range_path_gives_the_hash_paths_ids() {
        // Keys in -50..=49 (negative ones too) with nulls, and a second
        // batch that widens the range past the array path.
        let values: Vec<i64> = (0..20_000i64).map(|i| (i * 7919 % 100) - 50).collect();
        let valid: Vec<bool> = (0..20_000).map(|i| i % 13 != 0).collect();
        let nulls = NullBuffer::from(valid);
        let mut table = PrimitiveTable::new(DataType::Int64);
        let mut out = Vec::new();
        assert!(table.intern_small_range(&values, Some(&nulls), &mut out).unwrap());
        let mut wide: Vec<i64> = values.clone();
        wide[5] = i64::MAX;
        wide[6] = i64::MIN;
        table.intern_values(&wide, None, &mut out).unwrap();
        let all: Vec<i64> = values.iter().chain(&wide).copied().collect();
        let all_valid: Vec<bool> = (0..40_000).map(|i| i >= 20_000 || i % 13 != 0).collect();
        assert_eq!(out, hashed(&all, Some(&NullBuffer::from(all_valid))));
        assert!(!PrimitiveTable::new(DataType::Int64)
            .intern_small_range(&wide, None, &mut Vec::new())
            .unwrap());
    }
}
