//! `median_approx` and `quantile_approx(q)`: quantiles estimated by a
//! t-digest (Dunning & Ertl, "Computing extremely accurate quantiles using
//! t-digests", 2019), whose state is bounded (at most 8 KiB a group while
//! its up to 500 distinct values are kept exactly, about 1 KiB once
//! compressed), beside the exact `median` / `quantile` whose state holds
//! every value.
//!
//! # Why a t-digest (and not KLL)
//!
//! - Deterministic: the same partitions give the same digest in every run
//!   (KLL compacts by coin flips; seeding them would tie results to the
//!   order of merges anyway).
//! - It answers with interpolated values, as pandas' linear method does
//!   (KLL returns stored samples), and is exact for small groups (below).
//! - Its error is relative to `q(1 − q)`, smallest at the tails (p99,
//!   p999), where KLL's uniform rank error is weakest.
//!
//! KLL has the provable worst case (rank error ε for every input); the
//! t-digest's bound is empirical: measured here (`sketch_tests`).
//!
//! # The digest
//!
//! A group keeps its non-NaN values' *centroids* (mean, weight), sorted by
//! mean, plus a buffer of new values, the exact min and max, and the NaN
//! count. A centroid is *pure* when all its values are equal: a value is a
//! pure centroid of weight 1, and pure centroids of one value combine
//! without loss. While a group has at most [`MAX_ITEMS`] (500) distinct
//! values every centroid stays pure, so **a group of at most 500 distinct
//! values is exact** (pandas' result to the last bit, whatever the number
//! of rows). Past that, adjacent centroids are combined while the combined
//! one spans at most one unit of the scale function
//! `k₁(q) = δ/2π · asin(2q − 1)`, δ = [`COMPRESSION`] = 100: a centroid at
//! the tails holds few values, one at the median at most π/δ ≈ 3 % of
//! them, so a digest has at most about δ mixed centroids. New values are
//! buffered and sorted in 2048 at a time. Merging digests merges their
//! sorted centroids and compresses the same way, so partial states merge
//! in any tree; results then differ from one pass only within the error
//! bound (a digest depends on the order values and states arrive in).
//!
//! # Quantiles, as pandas' linear interpolation
//!
//! pandas' `q` quantile of `n` values is at rank `q·(n − 1)` of the sorted
//! values (0-based), linear between neighbours. Here a pure centroid of
//! weight `w` after `c` values holds ranks `c ..= c + w − 1` exactly, a
//! mixed one stands at rank `c + (w − 1)/2`, the min at rank 0 and the max
//! at `n − 1`, and the quantile interpolates linearly between those
//! points. NaN (a value in rusk) ranks above every number, as in the exact
//! `median`: a rank that reaches the NaNs gives NaN. A group of no value
//! gives null.
//!
//! # State
//!
//! One `LargeBinary` per group: empty for no value; else a format byte,
//! the NaN count (`u64` LE), the min and max, then each centroid's mean
//! and weight (`f64` LE), the weight negated for a mixed centroid.

use std::f64::consts::PI;
use std::fmt;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field};

use super::accumulator::{for_each_valid, one, visit_numeric, GroupedAggregate, Num, NumericVisitor};
use super::function::{check_quantile, field, need_numeric, AggregateImpl};
use super::sketch_state::{merge_states, states_array, BinaryState};
use crate::error::{Error, Result};

/// δ: a compressed digest keeps at most about δ centroids (measured: ~55
/// for 1e5 values, 0.9 KiB); its rank error stayed below 0.2 % at the
/// quartiles and median and below 0.05 % at p0.1/p99.9 in
/// `sketch_tests`. 100 is the usual default (Dunning's reference
/// implementation, Elasticsearch).
const COMPRESSION: f64 = 100.0;
/// Distinct values (pure centroids) a digest keeps exact: past that
/// many, it compresses.
const MAX_ITEMS: usize = 500;
/// New values buffered before they are sorted in (as `u64` keys): the
/// merge and compression after each sort (two transcendental calls per
/// centroid) are paid once a buffer, and the buffer costs 16 KiB of memory
/// a group while a batch is aggregated. A smaller buffer was measurably
/// slower by a 100-group key, a larger one no faster (benches/README.md).
const BUFFER: usize = 2048;
/// The state's format byte.
const FORMAT: u8 = 1;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Centroid {
    mean: f64,
    weight: f64,
    /// All its values equal `mean`.
    pure: bool,
}

impl Centroid {
    fn value(mean: f64) -> Self {
        Centroid { mean, weight: 1.0, pure: true }
    }
}

/// One group's digest.
#[derive(Debug, Clone)]
pub(super) struct Digest {
    /// Sorted by mean (IEEE total order, so `-0.0` before `0.0`).
    centroids: Vec<Centroid>,
    /// Values (no NaN) not merged into `centroids` yet, as [`sort_key`]s.
    buffer: Vec<u64>,
    /// Smallest and largest number (meaningless while there is none).
    min: f64,
    max: f64,
    /// NaNs seen (they rank above every number and are not centroids).
    nans: u64,
}

impl Default for Digest {
    fn default() -> Self {
        Digest {
            centroids: Vec::new(),
            buffer: Vec::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            nans: 0,
        }
    }
}

/// The quantile one unit of `k₁` above quantile `q`: how far the centroid
/// starting at `q` may extend.
fn q_limit(q: f64) -> f64 {
    let k = COMPRESSION / (2.0 * PI) * (2.0 * q - 1.0).clamp(-1.0, 1.0).asin() + 1.0;
    if k >= COMPRESSION / 4.0 {
        return 1.0;
    }
    ((k * 2.0 * PI / COMPRESSION).sin() + 1.0) / 2.0
}

/// Dunning's merging pass, fed centroids in order: combines each with the
/// last one out when both are pure of one value (no loss), or, with
/// `k_limit`, while the combined one spans at most one unit of `k₁`.
struct Compressor {
    out: Vec<Centroid>,
    /// Total weight of the centroids fed (known up front).
    total: f64,
    /// Weight of the centroids before the last one out.
    before: f64,
    /// The cumulative weight the last one out may reach.
    limit: f64,
    k_limit: bool,
}

impl Compressor {
    fn new(total: f64, k_limit: bool, capacity: usize) -> Self {
        Compressor {
            out: Vec::with_capacity(capacity),
            total,
            before: 0.0,
            limit: total * q_limit(0.0),
            k_limit,
        }
    }

    #[inline]
    fn push(&mut self, c: Centroid) {
        let Some(cur) = self.out.last_mut() else {
            self.out.push(c);
            return;
        };
        let w = cur.weight + c.weight;
        if cur.pure && c.pure && cur.mean.to_bits() == c.mean.to_bits() {
            cur.weight = w;
        } else if self.k_limit && self.before + w <= self.limit {
            *cur = Centroid { mean: cur.mean + (c.mean - cur.mean) * (c.weight / w), weight: w, pure: false };
        } else {
            self.before += cur.weight;
            self.limit = self.total * q_limit(self.before / self.total);
            self.out.push(c);
        }
    }
}

/// `cs` (sorted) through a [`Compressor`].
fn compress(cs: &mut Vec<Centroid>, k_limit: bool) {
    if cs.len() <= 1 {
        return;
    }
    let total: f64 = cs.iter().map(|c| c.weight).sum();
    let mut k = Compressor::new(total, k_limit, cs.len());
    cs.iter().for_each(|&c| k.push(c));
    *cs = k.out;
}

/// A float as a `u64` whose order is the float's IEEE total order
/// (`f64::total_cmp`): integers sort faster than floats by a comparator.
#[inline(always)]
fn sort_key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

/// The float of a [`sort_key`].
#[inline(always)]
fn from_sort_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// `a` and `b` (each sorted by mean) merged, sorted.
fn merge_sorted(a: &[Centroid], b: impl ExactSizeIterator<Item = Centroid>) -> Vec<Centroid> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut a = a.iter().copied().peekable();
    for c in b {
        while let Some(x) = a.next_if(|x| x.mean.total_cmp(&c.mean).is_le()) {
            out.push(x);
        }
        out.push(c);
    }
    out.extend(a);
    out
}

impl Digest {
    #[inline(always)]
    pub(super) fn add(&mut self, v: f64) {
        if v.is_nan() {
            self.nans += 1;
            return;
        }
        self.buffer.push(sort_key(v));
        if self.buffer.len() >= BUFFER {
            self.flush();
        }
    }

    /// Sorts the buffer into the centroids (then [`Digest::compress_as_needed`]).
    pub(super) fn flush(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.sort_unstable();
        // Non-empty: checked above.
        self.min = self.min.min(from_sort_key(buffer[0]));
        self.max = self.max.max(from_sort_key(buffer[buffer.len() - 1]));
        let values = buffer.iter().map(|&k| Centroid::value(from_sort_key(k)));
        if self.centroids.iter().all(|c| c.pure) {
            self.centroids = merge_sorted(&self.centroids, values);
            self.compress_as_needed();
        } else {
            // Approximate already (the usual case of a big group): merge
            // and compress in one pass, as `compress_as_needed` would.
            let total = self.centroids.iter().map(|c| c.weight).sum::<f64>() + buffer.len() as f64;
            let mut k = Compressor::new(total, true, self.centroids.len() + 8);
            let mut old = self.centroids.iter().copied().peekable();
            for c in values {
                while let Some(x) = old.next_if(|x| x.mean.total_cmp(&c.mean).is_le()) {
                    k.push(x);
                }
                k.push(c);
            }
            old.for_each(|x| k.push(x));
            self.centroids = k.out;
        }
        buffer.clear();
        self.buffer = buffer;
    }

    /// Combines equal values; and, once the digest is approximate (more
    /// than [`MAX_ITEMS`] distinct values, or a mixed centroid already),
    /// compresses it under `k₁`. Always after new values or centroids
    /// came in: a value left alone between two big centroids would stand
    /// at a wrong rank.
    fn compress_as_needed(&mut self) {
        if self.centroids.iter().all(|c| c.pure) {
            compress(&mut self.centroids, false);
            if self.centroids.len() <= MAX_ITEMS {
                return;
            }
        }
        compress(&mut self.centroids, true);
    }

    /// Adds another digest's sorted centroids, min, max and NaNs.
    fn absorb(&mut self, cs: &[Centroid], min: f64, max: f64, nans: u64) {
        self.flush();
        self.nans += nans;
        if cs.is_empty() {
            return;
        }
        self.min = self.min.min(min);
        self.max = self.max.max(max);
        self.centroids = merge_sorted(&self.centroids, cs.iter().copied());
        self.compress_as_needed();
    }

    /// The quantile `q` (`None`: the median), after a flush.
    pub(super) fn quantile(&self, q: Option<f64>) -> Option<f64> {
        let numbers: f64 = self.centroids.iter().map(|c| c.weight).sum();
        let n = numbers + self.nans as f64;
        if n == 0.0 {
            return None;
        }
        let rank = q.unwrap_or(0.5) * (n - 1.0);
        if numbers == 0.0 || rank > numbers - 1.0 {
            // The rank reaches the NaNs (or interpolates towards one).
            return Some(f64::NAN);
        }
        // Linear between two points (rank, value), as pandas between its
        // two order statistics; the median's midpoint as pandas' `(a + b) / 2`.
        let between = |(r0, v0): (f64, f64), (r1, v1): (f64, f64)| {
            if r1 <= r0 {
                return v1;
            }
            let t = (rank - r0) / (r1 - r0);
            if q.is_none() && t == 0.5 {
                (v0 + v1) / 2.0
            } else {
                v0 + (v1 - v0) * t
            }
        };
        let mut prev = (0.0, self.min);
        let mut before = 0.0;
        for c in &self.centroids {
            let (first, last) = if c.pure {
                ((before, c.mean), (before + c.weight - 1.0, c.mean))
            } else {
                let at = (before + (c.weight - 1.0) / 2.0, c.mean);
                (at, at)
            };
            before += c.weight;
            if rank <= first.0 {
                return Some(between(prev, first).clamp(self.min, self.max));
            }
            if rank <= last.0 {
                return Some(c.mean);
            }
            prev = last;
        }
        Some(between(prev, (numbers - 1.0, self.max)).clamp(self.min, self.max))
    }
}

impl BinaryState for Digest {
    /// Appends the state bytes of a flushed digest.
    fn write_state(&self, out: &mut Vec<u8>) {
        if self.centroids.is_empty() && self.nans == 0 {
            return;
        }
        out.push(FORMAT);
        out.extend_from_slice(&self.nans.to_le_bytes());
        out.extend_from_slice(&self.min.to_le_bytes());
        out.extend_from_slice(&self.max.to_le_bytes());
        for c in &self.centroids {
            out.extend_from_slice(&c.mean.to_le_bytes());
            let w = if c.pure { c.weight } else { -c.weight };
            out.extend_from_slice(&w.to_le_bytes());
        }
    }

    /// Adds the digest of state bytes `bytes`.
    fn merge_state(&mut self, bytes: &[u8]) -> Result<()> {
        let bad =
            || Error::Internal(format!("a quantile_approx state of {} bytes (a bug in rusk)", bytes.len()));
        let [FORMAT, rest @ ..] = bytes else {
            return match bytes {
                [] => Ok(()),
                _ => Err(bad()),
            };
        };
        let (nans, rest) = rest.split_at_checked(8).ok_or_else(bad)?;
        let nans = nans.try_into().map(u64::from_le_bytes).map_err(|_| bad())?;
        if rest.len() < 16 || rest.len() % 16 != 0 {
            return Err(bad());
        }
        let floats: Vec<f64> = rest.chunks_exact(8).map(read_f64).collect();
        // At least the min and the max: `rest` holds 16 bytes or more.
        let cs: Vec<Centroid> = floats[2..]
            .chunks_exact(2)
            .map(|p| Centroid { mean: p[0], weight: p[1].abs(), pure: p[1] > 0.0 })
            .collect();
        if cs.iter().any(|c| c.weight.is_nan() || c.weight == 0.0 || c.mean.is_nan()) {
            return Err(bad());
        }
        self.absorb(&cs, floats[0], floats[1], nans);
        Ok(())
    }
}

/// Eight little-endian bytes (callers pass exactly eight).
fn read_f64(b: &[u8]) -> f64 {
    b.try_into().map_or(0.0, f64::from_le_bytes)
}

/// `median_approx` / `quantile_approx(q)` over all groups: one [`Digest`] a group.
pub(crate) struct QuantileApprox {
    /// `None` for the median.
    q: Option<f64>,
    digests: Vec<Digest>,
}

impl QuantileApprox {
    pub(crate) fn new(q: Option<f64>) -> Self {
        QuantileApprox { q, digests: Vec::new() }
    }

    fn grow(&mut self, n: usize) {
        if self.digests.len() < n {
            self.digests.resize_with(n, Digest::default);
        }
    }
}

impl NumericVisitor for QuantileApprox {
    fn visit<T: Num>(&mut self, values: &[T], nulls: Option<&NullBuffer>, groups: &[u32]) -> Result<()> {
        let digests = &mut self.digests;
        if groups.iter().any(|&g| g as usize >= digests.len()) {
            return Err(Error::Internal(format!("a group id past {} groups", digests.len())));
        }
        for_each_valid(values, nulls, groups, |g, v| digests[g].add(v.to_f64()));
        Ok(())
    }
}

impl GroupedAggregate for QuantileApprox {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.grow(n);
        visit_numeric(one(cols, groups)?.as_ref(), groups, self)
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        self.digests.iter_mut().for_each(Digest::flush);
        let capacity = self.digests.iter().map(|d| 25 + 16 * d.centroids.len()).sum();
        Ok(vec![states_array(&self.digests, capacity)?])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.grow(n);
        merge_states(&mut self.digests, st, groups, "quantile_approx")
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let out: Float64Array = self
            .digests
            .iter_mut()
            .map(|d| {
                d.flush();
                d.quantile(self.q)
            })
            .collect();
        Ok(Arc::new(out))
    }
}

/// `median_approx` and `quantile_approx(q)`: a t-digest a group.
pub(crate) struct QuantileApproxFunction {
    /// The quantile; `None` for the median.
    pub(crate) q: Option<f64>,
}

impl AggregateImpl for QuantileApproxFunction {
    /// The state holds a t-digest of up to 8 KiB.
    fn fixed_state(&self) -> bool {
        false
    }

    fn name(&self) -> &'static str {
        if self.q.is_some() {
            "quantile_approx"
        } else {
            "median_approx"
        }
    }

    fn output_type(&self, args: &[DataType]) -> Result<DataType> {
        need_numeric(self.name(), &args[0])?;
        Ok(DataType::Float64)
    }

    /// One opaque `LargeBinary` a group (see `sketch_state`).
    fn state_fields(&self, _args: &[DataType], _output: &DataType) -> Result<Vec<Field>> {
        self.q.map_or(Ok(()), check_quantile)?;
        Ok(vec![field("tdigest", DataType::LargeBinary, false)])
    }

    fn accumulator(&self, _state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        self.q.map_or(Ok(()), check_quantile)?;
        Ok(Box::new(QuantileApprox::new(self.q)))
    }

    fn fmt_call(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.q {
            Some(q) => write!(f, ".quantile_approx({q})"),
            None => write!(f, ".median_approx()"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k1_limits_are_small_at_the_tails() {
        // The first centroid of a million values holds about a thousand.
        let first = q_limit(0.0);
        assert!(first > 5e-4 && first < 2e-3, "{first}");
        // One in the middle at most ~π/δ of them.
        let mid = q_limit(0.5) - 0.5;
        assert!(mid > 0.02 && mid < 0.04, "{mid}");
        assert_eq!(q_limit(1.0), 1.0);
    }

    #[test]
    fn compression_keeps_weight_order_and_bounds_size() {
        let mut d = Digest::default();
        for i in 0..100_000 {
            d.add(((i * 7919) % 100_000) as f64);
        }
        d.flush();
        compress(&mut d.centroids, true);
        let total: f64 = d.centroids.iter().map(|c| c.weight).sum();
        assert_eq!(total, 100_000.0);
        assert!(d.centroids.len() <= 110, "{} centroids", d.centroids.len());
        assert!(d.centroids.windows(2).all(|w| w[0].mean <= w[1].mean));
        assert_eq!((d.min, d.max), (0.0, 99_999.0));
    }

    #[test]
    fn sort_keys_order_as_total_cmp() {
        let vs = [f64::NEG_INFINITY, -1e300, -1.5, -f64::MIN_POSITIVE, -0.0, 0.0, 1e-310, 2.0, f64::INFINITY];
        for w in vs.windows(2) {
            assert!(sort_key(w[0]) < sort_key(w[1]), "{} {}", w[0], w[1]);
        }
        for v in vs {
            assert_eq!(from_sort_key(sort_key(v)).to_bits(), v.to_bits());
        }
    }

    #[test]
    fn few_distinct_values_stay_exact() {
        // 1e5 values, 10 distinct: ten pure centroids, pandas' quantiles.
        let mut d = Digest::default();
        let mut all = Vec::new();
        for i in 0..100_000u64 {
            let v = (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 60) as f64 % 10.0;
            d.add(v);
            all.push(v);
        }
        d.flush();
        assert_eq!(d.centroids.len(), 10);
        all.sort_by(f64::total_cmp);
        for q in [0.0, 0.001, 0.25, 0.5, 0.75, 0.9, 0.999, 1.0] {
            let pos = q * (all.len() - 1) as f64;
            let (lo, hi) = (all[pos.floor() as usize], all[pos.ceil() as usize]);
            assert_eq!(d.quantile(Some(q)), Some(lo + (hi - lo) * (pos - pos.floor())), "q = {q}");
        }
    }

    #[test]
    fn states_round_trip_and_reject_garbage() {
        let mut d = Digest::default();
        for v in [3.0, f64::NAN, -0.0, 0.0, 7.5, 3.0] {
            d.add(v);
        }
        d.flush();
        let mut bytes = Vec::new();
        d.write_state(&mut bytes);
        assert_eq!(bytes.len(), 1 + 8 + 16 + 16 * 4);
        let mut e = Digest::default();
        e.merge_state(&bytes).unwrap();
        assert_eq!((e.centroids.clone(), e.min, e.max, e.nans), (d.centroids.clone(), d.min, d.max, d.nans));
        for bad in [&bytes[..5], &bytes[..9], &bytes[..bytes.len() - 1], &[9u8][..]] {
            assert!(matches!(Digest::default().merge_state(bad), Err(Error::Internal(_))));
        }
        Digest::default().merge_state(&[]).unwrap();
    }
}
