//! Several key columns: each column's ids from its own table, then the
//! tuple of column ids interned by one table.
//!
//! A column's ids are dense, so `n` distinct values need `⌈log2 n⌉` bits,
//! and the tuple packs into one integer (column 0 in the low bits):
//!
//! ```text
//! id1 (100) id2 (100) id3 (1e5) id4 (100) id5 (100) id6 (1e5)
//!    7    +    7    +   17    +    7    +    7    +   17    = 62 bits: one u64
//! ```
//!
//! The packed tuple picks the table, by its width in bits:
//!
//! - at most [`DIRECT_BITS`]: an array indexed by the tuple (no hash, no
//!   compare; two 100-value keys are 14 bits, a 64 KiB array);
//! - at most 64 or 128: a hash table of `u64` or `u128` keys, probed as the
//!   primitive path probes (hash a chunk, gather home slots, resolve);
//! - wider: a hash of the ids, compared against each group's stored ids.
//!
//! So every row costs one probe of one table whatever the number of keys.
//! Widths grow as columns see new values: the table is then rebuilt from
//! its groups' tuples, in id order (ids never change). A column's width
//! only grows when its count passes a power of two, so rebuilds cost at
//! most about twice the final number of groups in all.

use arrow::array::ArrayRef;

use super::hash::{hash_u128, hash_u64};
use super::table::{Probe, Slot, Table};
use super::{dictionary_of, next_id, GroupIds};
use crate::error::{Error, Result};

/// The widest tuple looked up in a plain array: 2¹⁶ `u32`s, 256 KiB (L2).
const DIRECT_BITS: u32 = 16;

/// Rows per block: each column's ids for a block stay in L2 until packed.
const BLOCK: usize = 8192;

/// Several keys: one table per column, one table of their id tuples.
#[derive(Debug)]
pub(super) struct MultiTable {
    columns: Vec<GroupIds>,
    /// Bits of each column's id in a packed tuple.
    widths: Vec<u32>,
    tuples: Tuples,
    /// Scratch: each column's ids of a block, and the packed tuples.
    column_ids: Vec<Vec<u32>>,
    packed: Vec<u128>,
    narrow: Vec<u64>,
}

/// The tuple table, by the packed width (see the module doc).
#[derive(Debug)]
enum Tuples {
    Direct(Direct),
    Narrow(Packed<u64>),
    Wide(Packed<u128>),
    Long(Long),
}

/// The bits that hold ids `0..n`.
pub(super) fn bits_for(n: usize) -> u32 {
    if n <= 1 {
        0
    } else {
        usize::BITS - (n - 1).leading_zeros()
    }
}

impl MultiTable {
    pub(super) fn new(columns: Vec<GroupIds>) -> Self {
        let k = columns.len();
        MultiTable {
            columns,
            widths: vec![0; k],
            tuples: Tuples::Direct(Direct::new(0)),
            column_ids: vec![Vec::new(); k],
            packed: Vec::new(),
            narrow: Vec::new(),
        }
    }

    pub(super) fn num_columns(&self) -> usize {
        self.columns.len()
    }

    pub(super) fn num_groups(&self) -> usize {
        match &self.tuples {
            Tuples::Direct(t) => t.keys.len(),
            Tuples::Narrow(t) => t.keys.len(),
            Tuples::Wide(t) => t.keys.len(),
            Tuples::Long(t) => t.num_groups,
        }
    }

    pub(super) fn intern(&mut self, keys: &[ArrayRef], num_rows: usize, out: &mut Vec<u32>) -> Result<()> {
        if keys.len() != self.columns.len() {
            return Err(Error::Internal("multi-key table given keys of another arity".into()));
        }
        out.reserve(num_rows);
        let mut start = 0;
        while start < num_rows {
            let len = BLOCK.min(num_rows - start);
            for ((column, key), ids) in self.columns.iter_mut().zip(keys).zip(&mut self.column_ids) {
                if len == num_rows {
                    column.intern(std::slice::from_ref(key), len, ids)?;
                } else {
                    column.intern(&[key.slice(start, len)], len, ids)?;
                }
            }
            let grown = self.columns.iter().zip(&self.widths).any(|(c, &w)| bits_for(c.num_groups()) > w);
            if grown {
                self.relayout()?;
            }
            self.intern_block(len, out)?;
            start += len;
        }
        Ok(())
    }

    /// Rebuilds the tuple table for the columns' current counts.
    fn relayout(&mut self) -> Result<()> {
        let tuples = self.decode()?;
        self.widths = self.columns.iter().map(|c| bits_for(c.num_groups())).collect();
        let total: u32 = self.widths.iter().sum();
        let n = tuples.first().map_or(0, Vec::len);
        let mut fresh = if total <= DIRECT_BITS {
            Tuples::Direct(Direct::new(total))
        } else if total <= 64 {
            Tuples::Narrow(Packed::new())
        } else if total <= 128 {
            Tuples::Wide(Packed::new())
        } else {
            Tuples::Long(Long::new(self.columns.len()))
        };
        // Every group again, in id order, so each gets its old id back.
        let mut ids = Vec::with_capacity(n);
        let mut start = 0;
        while start < n {
            let len = BLOCK.min(n - start);
            let block: Vec<&[u32]> = tuples.iter().map(|c| &c[start..start + len]).collect();
            ids.clear();
            intern_tuples(
                &mut fresh,
                &self.widths,
                &block,
                len,
                &mut self.packed,
                &mut self.narrow,
                &mut ids,
            )?;
            if ids.iter().zip(start as u32..).any(|(&a, b)| a != b) {
                return Err(Error::Internal("a rebuilt tuple table renumbered its groups".into()));
            }
            start += len;
        }
        self.tuples = fresh;
        Ok(())
    }

    fn intern_block(&mut self, len: usize, out: &mut Vec<u32>) -> Result<()> {
        let block: Vec<&[u32]> = self.column_ids.iter().map(|c| &c[..len]).collect();
        intern_tuples(&mut self.tuples, &self.widths, &block, len, &mut self.packed, &mut self.narrow, out)
    }

    /// Each column's id of every group (one `Vec` per column, by group id).
    fn decode(&self) -> Result<Vec<Vec<u32>>> {
        let shifts = shifts(&self.widths);
        let fields = |j: usize| -> Vec<u32> {
            let (s, w) = (shifts[j], self.widths[j]);
            match &self.tuples {
                Tuples::Direct(t) => t.keys.iter().map(|&k| field(u128::from(k), s, w)).collect(),
                Tuples::Narrow(t) => t.keys.iter().map(|&k| field(u128::from(k), s, w)).collect(),
                Tuples::Wide(t) => t.keys.iter().map(|&k| field(k, s, w)).collect(),
                Tuples::Long(t) => t.ids.iter().skip(j).step_by(self.columns.len()).copied().collect(),
            }
        };
        let out: Vec<Vec<u32>> = (0..self.columns.len()).map(fields).collect();
        if out.iter().any(|c| c.len() != self.num_groups()) {
            return Err(Error::Internal("tuple table of uneven columns".into()));
        }
        Ok(out)
    }

    /// Each column's keys, by group id.
    pub(super) fn emit(&self) -> Result<Vec<ArrayRef>> {
        self.emit_as(&vec![false; self.columns.len()])
    }

    /// Each column's keys, by group id; column `i` as a dictionary of its
    /// distinct keys when `dictionary[i]` (see [`GroupIds::emit_states`]).
    pub(super) fn emit_as(&self, dictionary: &[bool]) -> Result<Vec<ArrayRef>> {
        self.columns
            .iter()
            .zip(self.decode()?)
            .zip(dictionary.iter().chain(std::iter::repeat(&false)))
            .map(|((column, ids), &as_dictionary)| {
                let distinct = column.emit()?.pop().ok_or_else(|| Error::Internal("key column".into()))?;
                if as_dictionary {
                    return dictionary_of(ids, distinct);
                }
                Ok(arrow::compute::take(distinct.as_ref(), &arrow::array::UInt32Array::from(ids), None)?)
            })
            .collect()
    }
}

/// Where each column's field starts in a packed tuple.
fn shifts(widths: &[u32]) -> Vec<u32> {
    widths
        .iter()
        .scan(0, |at, &w| {
            let s = *at;
            *at += w;
            Some(s)
        })
        .collect()
}

/// The field of `width` bits at `shift`.
#[inline(always)]
fn field(key: u128, shift: u32, width: u32) -> u32 {
    // A field at 128 has width 0 (the widths sum to at most 128 here).
    let v = key.checked_shr(shift).unwrap_or(0);
    (v & ((1u128 << width) - 1)) as u32
}

/// Appends the group id of each of `len` tuples (column `j`'s ids in
/// `cols[j]`) to `out`, `packed` and `narrow` being scratch.
fn intern_tuples(
    tuples: &mut Tuples,
    widths: &[u32],
    cols: &[&[u32]],
    len: usize,
    packed: &mut Vec<u128>,
    narrow: &mut Vec<u64>,
    out: &mut Vec<u32>,
) -> Result<()> {
    if let Tuples::Long(t) = tuples {
        return t.intern(cols, len, out);
    }
    // Pack: one pass per column over the block (the widths sum to ≤ 128,
    // and an id fits its width, so fields do not overlap).
    packed.clear();
    packed.resize(len, 0);
    let mut shift = 0;
    for (ids, &w) in cols.iter().zip(widths) {
        if w > 0 {
            for (p, &id) in packed.iter_mut().zip(*ids) {
                *p |= u128::from(id) << shift;
            }
        }
        shift += w;
    }
    match tuples {
        Tuples::Wide(t) => t.intern(packed, out),
        Tuples::Narrow(t) => {
            narrow.clear();
            narrow.extend(packed.iter().map(|&p| p as u64));
            t.intern(narrow, out)
        }
        Tuples::Direct(t) => t.intern(packed, out),
        Tuples::Long(_) => Err(Error::Internal("unreachable tuple table".into())),
    }
}

/// Tuples of at most [`DIRECT_BITS`] bits: the packed tuple indexes an array.
#[derive(Debug)]
struct Direct {
    /// Group id by packed tuple (`u32::MAX`: none yet).
    index: Vec<u32>,
    /// The packed tuple of each group.
    keys: Vec<u32>,
}

impl Direct {
    fn new(bits: u32) -> Self {
        Direct { index: vec![u32::MAX; 1 << bits], keys: Vec::new() }
    }

    fn intern(&mut self, packed: &[u128], out: &mut Vec<u32>) -> Result<()> {
        for &p in packed {
            // `p` < 2^DIRECT_BITS: the fields fit their widths.
            let slot = self.index.get_mut(p as usize).ok_or_else(|| Error::Internal("tuple index".into()))?;
            if *slot == u32::MAX {
                *slot = next_id(self.keys.len())?;
                self.keys.push(p as u32);
            }
            out.push(*slot);
        }
        Ok(())
    }
}

/// A packed tuple: `u64` or `u128`.
trait PackedKey: Copy + Eq + std::fmt::Debug {
    const ZERO: Self;
    fn hash(self) -> u64;
}

impl PackedKey for u64 {
    const ZERO: Self = 0;
    #[inline(always)]
    fn hash(self) -> u64 {
        hash_u64(self)
    }
}

impl PackedKey for u128 {
    const ZERO: Self = 0;
    #[inline(always)]
    fn hash(self) -> u64 {
        hash_u128(self)
    }
}

#[derive(Debug, Clone, Copy)]
struct PackedSlot<K> {
    key: K,
    id: u32,
}

impl<K: PackedKey> Slot for PackedSlot<K> {
    const EMPTY: Self = PackedSlot { key: K::ZERO, id: u32::MAX };
    #[inline(always)]
    fn id(&self) -> u32 {
        self.id
    }
    #[inline(always)]
    fn hash(&self) -> u64 {
        self.key.hash()
    }
}

/// Rows hashed and gathered ahead of resolving (≤ 68 KiB on the stack).
const CHUNK: usize = 512;

/// Packed tuples in a hash table.
#[derive(Debug)]
struct Packed<K: PackedKey> {
    /// The packed tuple of each group.
    keys: Vec<K>,
    table: Table<PackedSlot<K>>,
}

impl<K: PackedKey> Packed<K> {
    fn new() -> Self {
        Packed { keys: Vec::new(), table: Table::new() }
    }

    /// As the primitive path's `intern_values` (see `table`), without nulls.
    fn intern(&mut self, packed: &[K], out: &mut Vec<u32>) -> Result<()> {
        let mut hashes = [0u64; CHUNK];
        let mut first = [[PackedSlot::<K>::EMPTY; 2]; CHUNK];
        for chunk in packed.chunks(CHUNK) {
            self.table.reserve(chunk.len());
            for (h, &k) in hashes.iter_mut().zip(chunk) {
                *h = k.hash();
            }
            let gather = !self.table.fits_l1();
            if gather {
                for (f, &h) in first.iter_mut().zip(&hashes) {
                    *f = self.table.pair(self.table.home(h));
                }
            }
            for (k, (&key, &h)) in chunk.iter().zip(&hashes).enumerate() {
                let [f, g] = if gather { first[k] } else { self.table.pair(self.table.home(h)) };
                let id = if f.id != u32::MAX && f.key == key {
                    f.id
                } else if f.id != u32::MAX && g.id != u32::MAX && g.key == key {
                    g.id
                } else {
                    match self.table.probe(h, |s| s.key == key) {
                        Probe::Found(slot) => slot.id,
                        Probe::Vacant(at) => {
                            let id = next_id(self.keys.len())?;
                            self.keys.push(key);
                            self.table.insert_at(at, PackedSlot { key, id });
                            id
                        }
                    }
                };
                out.push(id);
            }
        }
        Ok(())
    }
}

/// Tuples wider than 128 bits: a hash of the ids in the table, the ids of
/// each group in an arena (compared on a hash match).
#[derive(Debug)]
struct Long {
    k: usize,
    /// The `k` column ids of each group, back to back.
    ids: Vec<u32>,
    num_groups: usize,
    table: Table<LongSlot>,
}

#[derive(Debug, Clone, Copy)]
struct LongSlot {
    hash: u64,
    id: u32,
}

impl Slot for LongSlot {
    const EMPTY: Self = LongSlot { hash: 0, id: u32::MAX };
    #[inline(always)]
    fn id(&self) -> u32 {
        self.id
    }
    #[inline(always)]
    fn hash(&self) -> u64 {
        self.hash
    }
}

impl Long {
    fn new(k: usize) -> Self {
        Long { k, ids: Vec::new(), num_groups: 0, table: Table::new() }
    }

    fn intern(&mut self, cols: &[&[u32]], len: usize, out: &mut Vec<u32>) -> Result<()> {
        self.table.reserve(len);
        for i in 0..len {
            let h = cols.iter().fold(0u64, |h, c| hash_u64(h ^ u64::from(c[i])));
            let (ids, k) = (&self.ids, self.k);
            let eq = |s: &LongSlot| {
                let at = s.id as usize * k;
                s.hash == h && cols.iter().zip(&ids[at..at + k]).all(|(c, &g)| c[i] == g)
            };
            let id = match self.table.probe(h, eq) {
                Probe::Found(slot) => slot.id,
                Probe::Vacant(at) => {
                    let id = next_id(self.num_groups)?;
                    self.ids.extend(cols.iter().map(|c| c[i]));
                    self.num_groups += 1;
                    self.table.insert_at(at, LongSlot { hash: h, id });
                    id
                }
            };
            out.push(id);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use arrow::array::{Array, AsArray, Int64Array};
    use arrow::datatypes::{DataType, Int64Type};

    use super::*;

    /// Batches whose columns see more values batch after batch, so the
    /// table goes through every layout; ids checked against a map.
    fn check(k: usize, ranges: &[u64], rows: usize) {
        let types = vec![DataType::Int64; k];
        let mut ids = GroupIds::new(&types).unwrap();
        let mut want: HashMap<Vec<Option<i64>>, u32> = HashMap::new();
        let mut order: Vec<Vec<Option<i64>>> = Vec::new();
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut out = Vec::new();
        for &range in ranges {
            let cols: Vec<Vec<Option<i64>>> = (0..k)
                .map(|_| {
                    (0..rows).map(|_| if next(50) == 0 { None } else { Some(next(range) as i64) }).collect()
                })
                .collect();
            let arrays: Vec<ArrayRef> =
                cols.iter().map(|c| Arc::new(Int64Array::from(c.clone())) as ArrayRef).collect();
            ids.intern(&arrays, rows, &mut out).unwrap();
            for (i, &got) in out.iter().enumerate() {
                let row: Vec<Option<i64>> = cols.iter().map(|c| c[i]).collect();
                let n = want.len() as u32;
                let id = *want.entry(row.clone()).or_insert_with(|| {
                    order.push(row);
                    n
                });
                assert_eq!(got, id);
            }
        }
        assert_eq!(ids.num_groups(), order.len());
        let keys = ids.emit().unwrap();
        for (j, key) in keys.iter().enumerate() {
            let got: Vec<Option<i64>> = key.as_primitive::<Int64Type>().iter().collect();
            let col: Vec<Option<i64>> = order.iter().map(|r| r[j]).collect();
            assert_eq!(got, col);
            assert_eq!(key.len(), order.len());
        }
    }

    #[test]
    fn tuples_keep_first_seen_ids_through_every_layout() {
        // Direct (≤ 16 bits), then u64, then u128 tuples; blocks span batches.
        check(3, &[2, 4, 30, 1000, 100_000], 20_000);
        // Past 128 bits: 20 columns of up to 300 values (9 bits each).
        check(20, &[1, 3, 300, 300], 3000);
        // Many rows of few groups, over several blocks.
        check(2, &[3, 3], 3 * BLOCK + 5);
    }

    #[test]
    fn widths_hold_the_ids() {
        assert_eq!((bits_for(0), bits_for(1), bits_for(2), bits_for(3), bits_for(256)), (0, 0, 1, 2, 8));
        assert_eq!(bits_for(257), 9);
        assert_eq!(field(0b1011_0100, 2, 4), 0b1101);
        assert_eq!(field(u128::MAX, 128, 0), 0);
        assert_eq!(shifts(&[3, 0, 5]), vec![0, 3, 3]);
    }
}
