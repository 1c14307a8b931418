//! `nunique_approx`: the number of distinct non-null values of a group,
//! estimated by a HyperLogLog sketch whose state is bounded (at most
//! 4 KiB a group, whatever the data), beside the exact `nunique` whose
//! state holds every distinct value.
//!
//! # The sketch
//!
//! Each value is hashed to 64 bits (see [`hash_column`]); a group keeps
//! either a *sparse* set of 32-bit entries or *dense* registers:
//!
//! ```text
//! hash  |<- 12 bits ->|<------------------ 52 bits ------------------>|
//!        dense index   rank = leading zeros + 1 (1..=53)
//!       |<-------- 25 bits -------->|<------------ 39 bits ---------->|
//! entry  sparse index                r = leading zeros + 1 (1..=40)
//! ```
//!
//! - Sparse (HyperLogLog++'s idea, Heule et al. 2013): the distinct
//!   `index25 << 7 | r` entries, while there are at most [`SPARSE_MAX`]
//!   (1024 × 4 bytes, the size of the dense registers). The estimate is
//!   linear counting over 2²⁵ buckets, `m′·ln(m′ / (m′ − V))` for `V`
//!   distinct indexes: below 1024 values two values share an index with
//!   probability under 1.6 %, so a small group is counted exactly (or off
//!   by one, rarely).
//! - Dense: p = 12, 4096 one-byte registers, each the largest rank of the
//!   values indexed to it. The estimate is Ertl's improved estimator
//!   ("New cardinality estimation algorithms for HyperLogLog sketches",
//!   2017): no bias correction tables, unbiased from 0 to past 10¹⁸, with a
//!   standard error of 1.04/√4096 ≈ 1.6 %.
//!
//! A dense register is a function of the entry (the 13 bits under the
//! dense index and `r` give its rank), so the sketch of a set of values is
//! the same however the values arrived: sparse exactly when the set of
//! entries has at most [`SPARSE_MAX`] members, else the registers of that
//! set. Merging is a union of entries or a max of registers, so merged
//! partial states give the *identical* result to one pass over the data,
//! for any partitioning and merge tree.
//!
//! # State
//!
//! One `LargeBinary` per group: empty for no value; else a kind byte and
//! the precision, then the sorted entries (`u32` little-endian) or the 4096
//! registers. (`LargeBinary` so that many dense groups never overflow 32-bit
//! offsets.)
//!
//! # Semantics
//!
//! As the exact `nunique`, so that both count the same thing: nulls are
//! skipped, `-0.0` and `0.0` are one value, and NaN is one value (rusk's
//! readers give nulls for missing numbers, and a NaN left is a value, as
//! in the rest of rusk's aggregates; pandas' float64 `nunique` would skip
//! it); dictionaries count their values. No value gives 0.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array};
use arrow::compute::kernels::cast::cast;
use arrow::datatypes::*;
use arrow::row::{RowConverter, SortField};

use super::accumulator::{for_each_valid, one, GroupedAggregate};
use super::function::{field, AggregateImpl};
use super::sketch_state::{merge_states, states_array, BinaryState};
use crate::error::{Error, Result};

/// Dense precision: 2¹² registers, 1.04/√4096 ≈ 1.6 % standard error in
/// 4 KiB a group (p = 14 would give 0.8 % in 16 KiB).
const P: u32 = 12;
/// Number of dense registers.
const M: usize = 1 << P;
/// Bits of the sparse index: as HyperLogLog++, so that linear counting
/// over 2²⁵ buckets stays exact-ish far past where dense registers would.
const SPARSE_P: u32 = 25;
/// Most entries a sparse sketch keeps: 4 bytes each, the size of the dense
/// registers, so no state is ever larger than dense.
const SPARSE_MAX: usize = M / 4;
/// State kind bytes.
const KIND_SPARSE: u8 = 1;
const KIND_DENSE: u8 = 2;

// ---- hashing ----------------------------------------------------------------

/// Fixed seed (the digits of π), so a value hashes the same in every batch,
/// partition, run and process, and the sketch of a set never changes.
const SEED: u64 = 0x243f_6a88_85a3_08d3;
/// 2⁶⁴ / φ.
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;
/// An arbitrary odd constant (the digits of e) for the byte hash's halves.
const SECRET: u64 = 0xb7e1_5162_8aed_2a6b;

/// splitmix64's output function at position `x`: a bijection of `u64` (so
/// distinct integers never collide) whose every output bit depends on
/// every input bit, as HyperLogLog's index and rank both need. Consecutive
/// inputs are what splitmix64 is built for.
#[inline(always)]
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_mul(GOLDEN).wrapping_add(SEED);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The high and low halves of the full product, xor-ed (wyhash's step).
#[inline(always)]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Eight little-endian bytes (callers pass exactly eight; the fallback 0
/// is unreachable and only avoids a panic path).
#[inline(always)]
fn read_u64(b: &[u8]) -> u64 {
    b.try_into().map_or(0, u64::from_le_bytes)
}

/// The hash of a byte string: wyhash-style, one 128-bit multiply per 16
/// bytes, seeded by the length, then [`mix`]ed. Written here rather than
/// shared with the group tables so that a faster table hash can never
/// change a sketch.
#[inline]
fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = SEED ^ (bytes.len() as u64).wrapping_mul(GOLDEN);
    let mut chunks = bytes.chunks_exact(16);
    for c in &mut chunks {
        let (lo, hi) = c.split_at(8);
        h = fold(read_u64(lo) ^ h, read_u64(hi) ^ SECRET);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 16];
        buf[..rest.len()].copy_from_slice(rest);
        let (lo, hi) = buf.split_at(8);
        h = fold(read_u64(lo) ^ h, read_u64(hi) ^ SECRET);
    }
    mix(h)
}

/// A float's bits with `-0.0` as `0.0` and every NaN as one NaN, so values
/// equal for `nunique` hash equal.
#[inline(always)]
fn canonical_bits(v: f64) -> u64 {
    if v == 0.0 {
        0
    } else if v.is_nan() {
        f64::NAN.to_bits()
    } else {
        v.to_bits()
    }
}

/// Sets `out` to the hash of each row of `array` (whatever for null rows):
/// integers (and dates, times, decimals) by value, floats by
/// [`canonical_bits`], strings and binaries by their bytes, dictionaries by
/// their values; other types (nested, intervals) by their `RowConverter`
/// row. One match on the type per call, then a loop over a typed slice.
///
/// # Errors
/// A type `RowConverter` cannot encode.
pub(crate) fn hash_column(array: &dyn Array, out: &mut Vec<u64>) -> Result<()> {
    out.clear();
    out.reserve(array.len());
    // `as_primitive` and the other downcasts cannot panic: each arm
    // matched the type it downcasts to.
    macro_rules! signed {
        ($t:ty) => {
            out.extend(array.as_primitive::<$t>().values().iter().map(|&v| mix(v as i64 as u64)))
        };
    }
    macro_rules! unsigned {
        ($t:ty) => {
            out.extend(array.as_primitive::<$t>().values().iter().map(|&v| mix(v as u64)))
        };
    }
    use DataType as D;
    use IntervalUnit as I;
    use TimeUnit as T;
    match array.data_type() {
        D::Null => out.resize(array.len(), 0),
        D::Boolean => out.extend(array.as_boolean().values().iter().map(|b| mix(u64::from(b)))),
        D::Int8 => signed!(Int8Type),
        D::Int16 => signed!(Int16Type),
        D::Int32 => signed!(Int32Type),
        D::Int64 => signed!(Int64Type),
        D::UInt8 => unsigned!(UInt8Type),
        D::UInt16 => unsigned!(UInt16Type),
        D::UInt32 => unsigned!(UInt32Type),
        D::UInt64 => unsigned!(UInt64Type),
        D::Date32 => signed!(Date32Type),
        D::Date64 => signed!(Date64Type),
        D::Time32(T::Second) => signed!(Time32SecondType),
        D::Time32(T::Millisecond) => signed!(Time32MillisecondType),
        D::Time64(T::Microsecond) => signed!(Time64MicrosecondType),
        D::Time64(T::Nanosecond) => signed!(Time64NanosecondType),
        D::Timestamp(T::Second, _) => signed!(TimestampSecondType),
        D::Timestamp(T::Millisecond, _) => signed!(TimestampMillisecondType),
        D::Timestamp(T::Microsecond, _) => signed!(TimestampMicrosecondType),
        D::Timestamp(T::Nanosecond, _) => signed!(TimestampNanosecondType),
        D::Duration(T::Second) => signed!(DurationSecondType),
        D::Duration(T::Millisecond) => signed!(DurationMillisecondType),
        D::Duration(T::Microsecond) => signed!(DurationMicrosecondType),
        D::Duration(T::Nanosecond) => signed!(DurationNanosecondType),
        D::Interval(I::YearMonth) => signed!(IntervalYearMonthType),
        D::Decimal32(..) => signed!(Decimal32Type),
        D::Decimal64(..) => signed!(Decimal64Type),
        D::Decimal128(..) => out.extend(
            array
                .as_primitive::<Decimal128Type>()
                .values()
                .iter()
                .map(|&v| mix(v as u64 ^ mix((v >> 64) as u64))),
        ),
        D::Float16 => hash_column(cast(array, &D::Float64)?.as_ref(), out)?,
        D::Float32 => out.extend(
            array.as_primitive::<Float32Type>().values().iter().map(|&v| mix(canonical_bits(v.into()))),
        ),
        D::Float64 => {
            out.extend(array.as_primitive::<Float64Type>().values().iter().map(|&v| mix(canonical_bits(v))))
        }
        D::Utf8 => {
            out.extend(array.as_string::<i32>().iter().map(|s| hash_bytes(s.unwrap_or("").as_bytes())))
        }
        D::LargeUtf8 => {
            out.extend(array.as_string::<i64>().iter().map(|s| hash_bytes(s.unwrap_or("").as_bytes())))
        }
        D::Utf8View => {
            out.extend(array.as_string_view().iter().map(|s| hash_bytes(s.unwrap_or("").as_bytes())))
        }
        D::Binary => out.extend(array.as_binary::<i32>().iter().map(|s| hash_bytes(s.unwrap_or(&[])))),
        D::LargeBinary => out.extend(array.as_binary::<i64>().iter().map(|s| hash_bytes(s.unwrap_or(&[])))),
        D::BinaryView => out.extend(array.as_binary_view().iter().map(|s| hash_bytes(s.unwrap_or(&[])))),
        D::FixedSizeBinary(_) => {
            out.extend(array.as_fixed_size_binary().iter().map(|s| hash_bytes(s.unwrap_or(&[]))))
        }
        D::Dictionary(..) => {
            // Each dictionary value is hashed once; rows look theirs up.
            // Null keys and keys of null values are null rows
            // (`logical_nulls`), so their hash does not matter.
            let dict = array
                .as_any_dictionary_opt()
                .ok_or_else(|| Error::Internal(format!("a {} that is no dictionary", array.data_type())))?;
            if dict.values().is_empty() {
                // Every key is null (arrow's `normalized_keys` panics on an
                // empty dictionary): null rows, whose hash does not matter.
                out.extend(std::iter::repeat_n(0, array.len()));
                return Ok(());
            }
            let mut values = Vec::new();
            hash_column(dict.values().as_ref(), &mut values)?;
            out.extend(dict.normalized_keys().into_iter().map(|k| values.get(k).copied().unwrap_or(0)));
        }
        other => {
            // Equal values encode to equal rows, whatever the batch.
            let converter = RowConverter::new(vec![SortField::new(other.clone())])?;
            let rows = converter.convert_columns(&[arrow::array::make_array(array.to_data())])?;
            out.extend(rows.iter().map(|r| hash_bytes(r.as_ref())));
        }
    }
    if out.len() != array.len() {
        return Err(Error::Internal(format!("{} hashes for {} rows", out.len(), array.len())));
    }
    Ok(())
}

// ---- the sketch ---------------------------------------------------------------

/// The sparse entry of a hash: its top 25 bits, then the rank of the other 39.
#[inline(always)]
fn entry(h: u64) -> u32 {
    let index = (h >> (64 - SPARSE_P)) as u32;
    let r = (h << SPARSE_P).leading_zeros().min(64 - SPARSE_P) + 1;
    index << 7 | r
}

/// The dense register index and rank of a hash.
#[inline(always)]
fn dense(h: u64) -> (usize, u8) {
    ((h >> (64 - P)) as usize, ((h << P).leading_zeros().min(64 - P) + 1) as u8)
}

/// The dense register index and rank of a sparse entry: the same as
/// [`dense`] of any hash with that entry (tested), so a sketch made dense
/// from entries equals one fed the hashes directly.
#[inline(always)]
fn dense_of_entry(e: u32) -> (usize, u8) {
    const BETWEEN: u32 = SPARSE_P - P;
    let index = (e >> (7 + BETWEEN)) as usize;
    let between = (e >> 7) & ((1 << BETWEEN) - 1);
    let rank = if between != 0 { between.leading_zeros() - (32 - BETWEEN) + 1 } else { BETWEEN + (e & 0x7f) };
    (index, rank as u8)
}

/// One group's sketch.
#[derive(Debug, Clone)]
enum Sketch {
    /// Entries: `entries[..sorted]` sorted and distinct, then entries not
    /// yet sorted in. At most about 2 × [`SPARSE_MAX`] between compactions.
    Sparse { entries: Vec<u32>, sorted: usize },
    /// [`M`] registers.
    Dense(Box<[u8]>),
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch::Sparse { entries: Vec::new(), sorted: 0 }
    }
}

impl Sketch {
    #[inline(always)]
    fn insert(&mut self, h: u64) {
        match self {
            Sketch::Dense(regs) => {
                let (i, r) = dense(h);
                // `i < M`: it is the top `P` bits of a u64.
                if let Some(slot) = regs.get_mut(i) {
                    *slot = (*slot).max(r);
                }
            }
            Sketch::Sparse { entries, sorted } => {
                let e = entry(h);
                // Runs of one value are common (sorted or clustered data).
                if entries.last() != Some(&e) {
                    entries.push(e);
                    if entries.len() >= 2 * *sorted + 64 {
                        self.compact();
                    }
                }
            }
        }
    }

    /// Sorts and dedups a sparse sketch's entries, and makes it dense when
    /// more than [`SPARSE_MAX`] remain: the only place a sketch turns dense,
    /// so its form depends only on its set of entries.
    fn compact(&mut self) {
        if let Sketch::Sparse { entries, sorted } = self {
            if *sorted == entries.len() {
                return;
            }
            entries.sort_unstable();
            entries.dedup();
            *sorted = entries.len();
            if entries.len() > SPARSE_MAX {
                let mut regs = vec![0u8; M].into_boxed_slice();
                add_entries(&mut regs, entries);
                *self = Sketch::Dense(regs);
            }
        }
    }

    /// Adds a state's sorted entries.
    fn merge_entries(&mut self, other: &[u32]) {
        match self {
            Sketch::Dense(regs) => add_entries(regs, other),
            Sketch::Sparse { entries, .. } => {
                entries.extend_from_slice(other);
                self.compact();
            }
        }
    }

    /// Adds a state's registers.
    fn merge_registers(&mut self, other: &[u8]) {
        if let Sketch::Sparse { entries, .. } = self {
            // The other side had more than `SPARSE_MAX` entries, so the
            // union has too: dense, as one pass would have made it.
            let mut regs = vec![0u8; M].into_boxed_slice();
            add_entries(&mut regs, entries);
            *self = Sketch::Dense(regs);
        }
        if let Sketch::Dense(regs) = self {
            for (a, &b) in regs.iter_mut().zip(other) {
                *a = (*a).max(b);
            }
        }
    }

    /// The estimated number of distinct values (call [`Sketch::compact`] first).
    fn estimate(&self) -> f64 {
        match self {
            Sketch::Sparse { entries, .. } => {
                let mut distinct = 0usize;
                let mut last = None;
                for &e in entries {
                    let index = e >> 7;
                    if last != Some(index) {
                        distinct += 1;
                        last = Some(index);
                    }
                }
                linear_counting((1u64 << SPARSE_P) as f64, distinct as f64)
            }
            Sketch::Dense(regs) => ertl(regs),
        }
    }

    /// The length of [`Sketch::write_state`]'s bytes.
    fn state_len(&self) -> usize {
        match self {
            Sketch::Sparse { entries, .. } if entries.is_empty() => 0,
            Sketch::Sparse { entries, .. } => 2 + 4 * entries.len(),
            Sketch::Dense(_) => 2 + M,
        }
    }
}

impl BinaryState for Sketch {
    /// Appends the state bytes of a compacted sketch.
    fn write_state(&self, out: &mut Vec<u8>) {
        match self {
            Sketch::Sparse { entries, .. } if entries.is_empty() => {}
            Sketch::Sparse { entries, .. } => {
                out.extend_from_slice(&[KIND_SPARSE, P as u8]);
                for e in entries {
                    out.extend_from_slice(&e.to_le_bytes());
                }
            }
            Sketch::Dense(regs) => {
                out.extend_from_slice(&[KIND_DENSE, P as u8]);
                out.extend_from_slice(regs);
            }
        }
    }

    /// Adds the sketch of state bytes `bytes`.
    fn merge_state(&mut self, bytes: &[u8]) -> Result<()> {
        let bad =
            || Error::Internal(format!("a nunique_approx state of {} bytes (a bug in rusk)", bytes.len()));
        match bytes {
            [] => Ok(()),
            [KIND_SPARSE, p, rest @ ..] if u32::from(*p) == P && rest.len() % 4 == 0 => {
                let entries: Vec<u32> = rest.chunks_exact(4).map(read_u32).collect();
                self.merge_entries(&entries);
                Ok(())
            }
            [KIND_DENSE, p, rest @ ..] if u32::from(*p) == P && rest.len() == M => {
                self.merge_registers(rest);
                Ok(())
            }
            _ => Err(bad()),
        }
    }
}

/// Four little-endian bytes (callers pass exactly four).
#[inline(always)]
fn read_u32(b: &[u8]) -> u32 {
    b.try_into().map_or(0, u32::from_le_bytes)
}

fn add_entries(regs: &mut [u8], entries: &[u32]) {
    for &e in entries {
        let (i, r) = dense_of_entry(e);
        if let Some(slot) = regs.get_mut(i) {
            *slot = (*slot).max(r);
        }
    }
}

/// Linear counting: the expected number of values that leave `m - v` of
/// `m` buckets empty.
fn linear_counting(m: f64, v: f64) -> f64 {
    if v >= m {
        // Every bucket hit: out of linear counting's range (never for the
        // sparse form, which holds at most 1024 of 2²⁵).
        return m * m.ln();
    }
    m * (m / (m - v)).ln()
}

/// Ertl's improved raw estimator over the register histogram: exact for
/// empty registers (0), and unbiased without HyperLogLog++'s empirical
/// tables or a switch to linear counting.
fn ertl(regs: &[u8]) -> f64 {
    let q = 64 - P as usize;
    let mut hist = [0u32; 64];
    for &r in regs {
        hist[(r as usize).min(q + 1)] += 1;
    }
    let m = M as f64;
    let mut z = m * tau(1.0 - f64::from(hist[q + 1]) / m);
    for k in (1..=q).rev() {
        z = 0.5 * (z + f64::from(hist[k]));
    }
    z += m * sigma(f64::from(hist[0]) / m);
    if z <= 0.0 {
        // Every register saturated (p = 12 past ~10¹⁹ values, never with
        // 64-bit hashes): the classic raw estimate, finite.
        z = m * 2f64.powi(-(q as i32 + 1));
    }
    let alpha = 0.5 / std::f64::consts::LN_2;
    alpha * m * m / z
}

/// Ertl's σ(x) = x + Σ x^(2^k)·2^(k−1): the weight of the empty registers.
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let before = z;
        z += x * y;
        y += y;
        if z == before {
            return z;
        }
    }
}

/// Ertl's τ(x): the weight of the saturated registers (none for p = 12
/// below ~10¹⁸ values, where it is 0).
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let before = z;
        y *= 0.5;
        z -= (1.0 - x).powi(2) * y;
        if z == before {
            return z / 3.0;
        }
    }
}

// ---- the aggregate --------------------------------------------------------------

/// `nunique_approx` over all groups: one [`Sketch`] a group.
#[derive(Default)]
pub(crate) struct NuniqueApprox {
    sketches: Vec<Sketch>,
    /// Scratch: the hashes of a batch.
    hashes: Vec<u64>,
}

impl NuniqueApprox {
    fn grow(&mut self, n: usize) {
        if self.sketches.len() < n {
            self.sketches.resize_with(n, Sketch::default);
        }
    }
}

impl GroupedAggregate for NuniqueApprox {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.grow(n);
        let values = one(cols, groups)?;
        let mut hashes = std::mem::take(&mut self.hashes);
        hash_column(values.as_ref(), &mut hashes)?;
        let nulls = values.logical_nulls();
        let sketches = &mut self.sketches;
        if groups.iter().any(|&g| g as usize >= sketches.len()) {
            return Err(Error::Internal(format!("a group id past {} groups", sketches.len())));
        }
        for_each_valid(&hashes, nulls.as_ref(), groups, |g, h| sketches[g].insert(h));
        self.hashes = hashes;
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        self.sketches.iter_mut().for_each(Sketch::compact);
        let capacity = self.sketches.iter().map(Sketch::state_len).sum();
        Ok(vec![states_array(&self.sketches, capacity)?])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.grow(n);
        merge_states(&mut self.sketches, st, groups, "nunique_approx")
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let counts: Int64Array = self
            .sketches
            .iter_mut()
            .map(|s| {
                s.compact();
                Some(s.estimate().round() as i64)
            })
            .collect();
        Ok(Arc::new(counts))
    }
}

/// `nunique_approx`: a HyperLogLog sketch a group.
pub(crate) struct NuniqueApproxFunction;

impl AggregateImpl for NuniqueApproxFunction {
    /// The state holds a HyperLogLog sketch of up to 4 KiB.
    fn fixed_state(&self) -> bool {
        false
    }

    fn name(&self) -> &'static str {
        "nunique_approx"
    }

    fn output_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }

    fn output_nullable(&self) -> bool {
        false
    }

    /// One opaque `LargeBinary` a group (see `sketch_state`).
    fn state_fields(&self, _args: &[DataType], _output: &DataType) -> Result<Vec<Field>> {
        Ok(vec![field("hll", DataType::LargeBinary, false)])
    }

    fn accumulator(&self, _state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        Ok(Box::new(NuniqueApprox::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::tests::Rng;

    #[test]
    fn entries_give_the_registers_of_their_hashes() {
        let mut rng = Rng(7);
        for i in 0..200_000u64 {
            // Random hashes, and ones with long runs of zero bits.
            let h = match i % 4 {
                0 => rng.next(),
                1 => rng.next() >> (rng.below(64)),
                2 => rng.next() & !(((1u64 << 52) - 1) >> rng.below(53)),
                _ => rng.next() & (u64::MAX << 52 | ((1 << 39) - 1) >> rng.below(40)),
            };
            assert_eq!(dense_of_entry(entry(h)), dense(h), "hash {h:#x}");
        }
        assert_eq!(dense(0), (0, 53));
        assert_eq!(dense_of_entry(entry(0)), (0, 53));
    }

    #[test]
    fn equal_values_hash_equal() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let floats = arrow::array::Float64Array::from(vec![0.0, -0.0, f64::NAN, -f64::NAN, 1.5]);
        hash_column(&floats, &mut a).unwrap();
        assert_eq!(a[0], a[1]);
        assert_eq!(a[2], a[3]);
        assert_ne!(a[0], a[4]);
        let f32s = arrow::array::Float32Array::from(vec![0.0f32, -0.0, f32::NAN, -f32::NAN, 1.5]);
        hash_column(&f32s, &mut b).unwrap();
        assert_eq!(a, b);
        let utf8 = arrow::array::StringArray::from(vec!["a", "a rather long string, past 16 bytes"]);
        let view = arrow::array::StringViewArray::from(vec!["a", "a rather long string, past 16 bytes"]);
        hash_column(&utf8, &mut a).unwrap();
        hash_column(&view, &mut b).unwrap();
        assert_eq!(a, b);
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
        assert_ne!(hash_bytes(&[0u8; 16]), hash_bytes(&[0u8; 17]));
        // Pinned: a sketch must not change between versions.
        assert_eq!((mix(0), mix(1)), (0xe9e0_033e_3bad_af36, 0x2cb0_f69f_4abe_a221));
        assert_eq!(hash_bytes(b"id001"), 0x62b2_0b87_2d56_57d7);
        assert_eq!(hash_bytes(b"a rather long string, past 16 bytes"), 0x4916_3f5a_af76_fedc);
    }

    #[test]
    fn estimators_at_the_ends() {
        assert_eq!(ertl(&[0u8; M]), 0.0);
        assert_eq!(Sketch::default().estimate(), 0.0);
        // All registers at the maximum: the largest estimate, finite.
        assert!(ertl(&[53u8; M]).is_finite());
    }

    /// An empty dictionary (every key null) hashes without arrow's panic.
    #[test]
    fn an_empty_dictionary_hashes() {
        use arrow::array::{DictionaryArray, Int32Array, StringArray};
        let values: ArrayRef = std::sync::Arc::new(StringArray::from(Vec::<&str>::new()));
        let dict = DictionaryArray::new(Int32Array::from(vec![None, None, None]), values);
        let mut out = Vec::new();
        hash_column(&dict, &mut out).unwrap();
        assert_eq!(out.len(), 3);
        let empty = DictionaryArray::new(
            Int32Array::from(Vec::<i32>::new()),
            std::sync::Arc::new(StringArray::from(Vec::<&str>::new())) as ArrayRef,
        );
        hash_column(&empty, &mut out).unwrap();
        assert!(out.is_empty());
    }
}
