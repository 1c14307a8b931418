//! Dense group ids: each row of a batch's keys becomes a `u32` naming its
//! group, handed out 0, 1, 2, ... in the order keys are first seen.
//!
//! ```text
//! keys  "b" "a" "b" null "c" "a"         table (kept across calls)
//! ids    0   1   0   2    3   1    ─▶    "b"→0 "a"→1 null→2 "c"→3
//! ```
//!
//! A table is fed batch after batch (the states of a merge, in partition
//! order), so ids stay dense and in first-seen order over all of them; that
//! order is `sort=False`'s output order. Paths, picked once per table:
//!
//! - no key: every row is group 0 (a whole-frame reduction);
//! - one primitive key ([`primitive`]): the value's bits are the entry;
//! - one string key ([`strings`]): inline views hash and compare as `u128`;
//! - a dictionary key: each dictionary value used by the batch is interned
//!   once (in first-seen order), then codes map to ids by a lookup;
//! - one key of another type ([`rows`]): `RowConverter` rows, hashed as bytes;
//! - several keys ([`tuples`]): each column gets ids from its own table
//!   (any of the above), then the tuple of column ids, packed into one
//!   integer of `Σ log2(column's count)` bits, is interned by one table: an
//!   array for tuples of ≤ 16 bits, a `u64` or `u128` hash table, or ids
//!   compared in an arena past 128 bits. A group's key columns are read back
//!   from its packed tuple.
//!
//! Why one tuple table: combining the columns pairwise (`(ids so far,
//! next id)` interned per column) costs a probe per extra column, and at
//! high cardinality each pair table is millions of entries, so each probe
//! is a cache miss: h2o q10 (six keys, 1e7 rows, ~1e7 groups) spent most
//! of its time there. Packing also beats `RowConverter` rows (every column
//! keeps its fast path). `timing` measures q10's partial, merge and
//! `finish` with `sort` (the sort: see [`order`]) and 1e4-group keys; the
//! tuple table made the first three much faster and was a wash on the
//! small keys (benches/README.md has the numbers).
//!
//! Every path hashes a chunk of rows first and probes in a second loop.
//! A null key is a group of its own (the caller drops null keys before
//! interning when `dropna`). Dictionary keys come out as plain values of
//! the dictionary's value type: a state's keys mix dictionaries of
//! different batches, which share no codes.

mod hash;
mod order;
mod primitive;
mod rows;
mod strings;
mod table;
#[cfg(test)]
mod timing;
mod tuples;

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, DictionaryArray, Int32Array, UInt32Array};
use arrow::buffer::{BooleanBuffer, NullBuffer};
use arrow::compute::kernels::cast::cast;
use arrow::datatypes::{ArrowDictionaryKeyType, ArrowNativeType, DataType, Int32Type};

pub(crate) use hash::{hash_bytes, hash_u64};
pub(crate) use order::sort_keys_to_indices;
pub(crate) use primitive::KeyBits;
use primitive::{is_primitive_key, PrimitiveTable};
use rows::{same_types, RowTable};
use strings::{is_string_key, StringTable};
use tuples::MultiTable;

use crate::error::{Error, Result};

/// The group ids of the keys seen so far.
#[derive(Debug)]
pub(crate) struct GroupIds {
    table: Table,
    /// The code → id map of the last dictionary interned.
    dictionary: Option<DictionaryMap>,
}

/// Group ids of a dictionary's codes (slot `values.len()`: the null code).
#[derive(Debug)]
struct DictionaryMap {
    values: ArrayRef,
    ids: Vec<u32>,
    /// How many slots hold an id.
    mapped: usize,
}

/// No group id: a slot not mapped yet.
const UNSET: u32 = u32::MAX;
/// A slot whose value is being interned.
const PENDING: u32 = u32::MAX - 1;

#[derive(Debug)]
enum Table {
    /// No key: one group.
    Unit,
    Primitive(PrimitiveTable),
    Strings(StringTable),
    /// One key of a type without a fast path.
    Rows(RowTable),
    Multi(Box<MultiTable>),
}

/// The type a key of type `dt` comes out as: a dictionary's value type,
/// else `dt`.
pub(crate) fn key_output_type(dt: &DataType) -> DataType {
    match dt {
        DataType::Dictionary(_, v) => v.as_ref().clone(),
        other => other.clone(),
    }
}

/// The type a key of type `dt` has in aggregation states: a dictionary
/// stays one, with `Int32` codes, so that a merge of states interns each
/// distinct value once per state rather than once per group (h2o q10's
/// merge spent most of its time hashing the same strings again); others
/// as [`key_output_type`].
pub(crate) fn key_state_type(dt: &DataType) -> DataType {
    match dt {
        DataType::Dictionary(_, v) => DataType::Dictionary(Box::new(DataType::Int32), v.clone()),
        other => other.clone(),
    }
}

impl GroupIds {
    /// A table for keys of `types` (dictionary types are grouped by value).
    ///
    /// # Errors
    /// [`Error::Type`] when the types cannot be group keys.
    pub(crate) fn new(types: &[DataType]) -> Result<Self> {
        let types: Vec<DataType> = types.iter().map(key_output_type).collect();
        let table = match types.as_slice() {
            [] => Table::Unit,
            [t] if is_primitive_key(t) => Table::Primitive(PrimitiveTable::new(t.clone())),
            [t] if is_string_key(t) => Table::Strings(StringTable::new(t.clone())),
            [_] => Table::Rows(RowTable::new(types)?),
            several => Table::Multi(Box::new(MultiTable::new(
                several.iter().map(|t| GroupIds::new(std::slice::from_ref(t))).collect::<Result<_>>()?,
            ))),
        };
        Ok(GroupIds { table, dictionary: None })
    }

    /// How many groups have been seen. A table without keys always has
    /// its one group, even before any row: a whole-frame reduction of no
    /// rows still gives one row.
    pub(crate) fn num_groups(&self) -> usize {
        match &self.table {
            Table::Unit => 1,
            Table::Primitive(t) => t.num_groups(),
            Table::Strings(t) => t.num_groups(),
            Table::Rows(t) => t.num_groups(),
            Table::Multi(t) => t.num_groups(),
        }
    }

    /// Sets `out` to the group id of each of the `num_rows` rows of `keys`,
    /// adding the groups not seen before.
    ///
    /// # Errors
    /// Keys of other types than the table's that do not cast to them, and
    /// more than `u32::MAX` groups.
    pub(crate) fn intern(&mut self, keys: &[ArrayRef], num_rows: usize, out: &mut Vec<u32>) -> Result<()> {
        out.clear();
        if keys.iter().any(|k| k.len() != num_rows) {
            return Err(Error::Internal("group keys of different lengths".into()));
        }
        match (&mut self.table, keys) {
            (Table::Unit, []) => {
                out.resize(num_rows, 0);
                Ok(())
            }
            (Table::Multi(t), keys) if keys.len() == t.num_columns() => t.intern(keys, num_rows, out),
            (Table::Rows(t), keys) => {
                if same_types(keys, t.types()) {
                    t.intern(keys, out)
                } else {
                    let cast_keys = keys
                        .iter()
                        .zip(t.types())
                        .map(|(k, ty)| Ok(cast(k, ty)?))
                        .collect::<Result<Vec<ArrayRef>>>()?;
                    t.intern(&cast_keys, out)
                }
            }
            (_, [key]) => self.intern_one(key.as_ref(), out),
            _ => Err(Error::Internal(format!("{} key columns given to a table of other arity", keys.len()))),
        }
    }

    /// One key column into a primitive or string table.
    fn intern_one(&mut self, key: &dyn Array, out: &mut Vec<u32>) -> Result<()> {
        if let DataType::Dictionary(k, _) = key.data_type() {
            macro_rules! dict {
                ($t:ty) => {
                    match key.as_dictionary_opt::<$t>() {
                        Some(d) => self.intern_dictionary(d, out),
                        None => Err(Error::Internal("dictionary downcast failed".into())),
                    }
                };
            }
            use arrow::datatypes::*;
            return match k.as_ref() {
                DataType::Int8 => dict!(Int8Type),
                DataType::Int16 => dict!(Int16Type),
                DataType::Int32 => dict!(Int32Type),
                DataType::Int64 => dict!(Int64Type),
                DataType::UInt8 => dict!(UInt8Type),
                DataType::UInt16 => dict!(UInt16Type),
                DataType::UInt32 => dict!(UInt32Type),
                DataType::UInt64 => dict!(UInt64Type),
                other => Err(Error::type_error(format!("dictionary keys of type {other}"))),
            };
        }
        match &mut self.table {
            Table::Primitive(t) => {
                if key.data_type() == t.data_type() {
                    t.intern(key, out)
                } else {
                    let c = cast(key, &t.data_type().clone())?;
                    t.intern(c.as_ref(), out)
                }
            }
            Table::Strings(t) => {
                if is_string_key(key.data_type()) {
                    t.intern(key, out)
                } else {
                    let c = cast(key, &t.data_type().clone())?;
                    t.intern(c.as_ref(), out)
                }
            }
            Table::Unit | Table::Rows(_) | Table::Multi(_) => {
                Err(Error::Internal("single-key path on a multi-key table".into()))
            }
        }
    }

    /// A dictionary key: the values the batch uses are interned once each,
    /// in the order the batch first uses them (so ids stay in first-seen
    /// order), then every row's code is looked up. The code → id map is
    /// kept for the next call: slices and takes of one dictionary array
    /// share its values, so a multi-key table's blocks and a merge's
    /// pieces of one state intern each value once, not once per block.
    fn intern_dictionary<K: ArrowDictionaryKeyType>(
        &mut self,
        dict: &DictionaryArray<K>,
        out: &mut Vec<u32>,
    ) -> Result<()> {
        let values = dict.values();
        let nv = values.len();
        let codes = dict.keys().values();
        let code_nulls = dict.keys().nulls().filter(|n| n.null_count() > 0);
        // Slot `nv` stands for a null code.
        let slot = |i: usize, c: &K::Native| {
            if code_nulls.is_some_and(|n| n.is_null(i)) {
                nv
            } else {
                c.as_usize()
            }
        };
        let mut map = match self.dictionary.take() {
            Some(map) if Arc::ptr_eq(&map.values, values) => map,
            _ => DictionaryMap { values: Arc::clone(values), ids: vec![UNSET; nv + 1], mapped: 0 },
        };
        // The first use of each slot not mapped yet, in row order.
        let mut order: Vec<usize> = Vec::new();
        if map.mapped < nv + 1 {
            for (i, c) in codes.iter().enumerate() {
                let s = slot(i, c);
                // A valid code is in range: `DictionaryArray` checks it.
                let Some(id) = map.ids.get_mut(s) else { return Err(bad_code(s, nv)) };
                if *id == UNSET {
                    *id = PENDING;
                    order.push(s);
                }
            }
        }
        if !order.is_empty() {
            let pick = |s: usize| u32::try_from(s).map_err(|_| bad_code(s, nv));
            let picks: UInt32Array = order
                .iter()
                .map(|&s| if s == nv { Ok(None) } else { pick(s).map(Some) })
                .collect::<Result<_>>()?;
            let used = arrow::compute::take(values.as_ref(), &picks, None)?;
            let mut ids = Vec::with_capacity(used.len());
            self.intern_one(used.as_ref(), &mut ids)?;
            for (&s, id) in order.iter().zip(ids) {
                map.ids[s] = id;
            }
            map.mapped += order.len();
        }
        let start = out.len();
        out.extend(codes.iter().enumerate().map(|(i, c)| map.ids.get(slot(i, c)).copied().unwrap_or(UNSET)));
        self.dictionary = Some(map);
        if out[start..].iter().any(|&id| id >= PENDING) {
            return Err(bad_code(nv + 1, nv));
        }
        Ok(())
    }

    /// The key columns of every group, in group id order (none without keys).
    ///
    /// # Errors
    /// Text keys too long for their offset type.
    pub(crate) fn emit(&self) -> Result<Vec<ArrayRef>> {
        match &self.table {
            Table::Unit => Ok(vec![]),
            Table::Primitive(t) => Ok(vec![t.emit()?]),
            Table::Strings(t) => Ok(vec![t.emit()?]),
            Table::Rows(t) => t.emit(),
            Table::Multi(t) => t.emit(),
        }
    }
}

impl GroupIds {
    /// As [`emit`](Self::emit), but column `i` comes out as a dictionary
    /// of [`key_state_type`] when `types[i]` is one: the codes are the
    /// column's own ids, the values its distinct keys, so nothing is copied
    /// per group. A code whose value is null is itself null.
    ///
    /// # Errors
    /// As `emit`, and a column of more than `i32::MAX` distinct values.
    pub(crate) fn emit_states(&self, types: &[DataType]) -> Result<Vec<ArrayRef>> {
        let dictionary: Vec<bool> = types.iter().map(|t| matches!(t, DataType::Dictionary(_, _))).collect();
        match &self.table {
            Table::Multi(t) => t.emit_as(&dictionary),
            _ if dictionary == [true] => {
                let values = self.emit()?.pop().ok_or_else(|| Error::Internal("key column".into()))?;
                dictionary_of((0..values.len()).map(next_id).collect::<Result<_>>()?, values).map(|d| vec![d])
            }
            _ => self.emit(),
        }
    }
}

/// The dictionary of `values` at codes `ids` (`Int32` codes).
pub(super) fn dictionary_of(ids: Vec<u32>, values: ArrayRef) -> Result<ArrayRef> {
    let too_many = || Error::InvalidArgument("more than 2147483647 distinct values in a key column".into());
    let codes =
        ids.iter().map(|&i| i32::try_from(i).map_err(|_| too_many())).collect::<Result<Vec<i32>>>()?;
    let nulls = values.logical_nulls().filter(|n| n.null_count() > 0).map(|value_nulls| {
        NullBuffer::new(BooleanBuffer::from_iter(ids.iter().map(|&i| value_nulls.is_valid(i as usize))))
    });
    let codes = Int32Array::new(codes.into(), nulls);
    Ok(Arc::new(DictionaryArray::<Int32Type>::try_new(codes, values)?))
}

fn bad_code(code: usize, nv: usize) -> Error {
    Error::InvalidArgument(format!("dictionary code {code} out of range for {nv} values"))
}

/// The next group id after `len` groups.
pub(crate) fn next_id(len: usize) -> Result<u32> {
    // The two highest values stay free, as markers (`UNSET`, `PENDING`).
    u32::try_from(len)
        .ok()
        .filter(|&id| id < PENDING)
        .ok_or_else(|| Error::InvalidArgument("more than 4294967293 groups".into()))
}

/// A validity buffer of `n` slots with only `null` (if any) null.
fn single_null(n: usize, null: Option<u32>) -> Option<NullBuffer> {
    let g = null? as usize;
    let mut bits = vec![true; n];
    if let Some(b) = bits.get_mut(g) {
        *b = false;
    }
    Some(NullBuffer::new(BooleanBuffer::from(bits)))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::*;
    use arrow::datatypes::{DataType, Int16Type, Int32Type};

    use super::*;

    /// The ids of each batch in turn, and the keys emitted at the end.
    fn run(types: &[DataType], batches: &[Vec<ArrayRef>]) -> (Vec<Vec<u32>>, Vec<ArrayRef>) {
        let mut ids = GroupIds::new(types).unwrap();
        let mut all = Vec::new();
        for b in batches {
            let mut out = vec![99];
            let rows = b.first().map_or(3, |c| c.len());
            ids.intern(b, rows, &mut out).unwrap();
            all.push(out);
        }
        assert_eq!(ids.num_groups(), ids.emit().unwrap().first().map_or(1, |c| c.len()));
        (all, ids.emit().unwrap())
    }

    #[test]
    fn ids_are_dense_in_first_seen_order_across_batches() {
        let a: ArrayRef = Arc::new(Int32Array::from(vec![Some(7), Some(3), None, Some(7)]));
        let b: ArrayRef = Arc::new(Int32Array::from(vec![Some(5), None, Some(3)]));
        let (ids, keys) = run(&[DataType::Int32], &[vec![a], vec![b]]);
        assert_eq!(ids, vec![vec![0, 1, 2, 0], vec![3, 2, 1]]);
        assert_eq!(keys[0].as_ref(), &Int32Array::from(vec![Some(7), Some(3), None, Some(5)]) as &dyn Array);
    }

    #[test]
    fn no_key_is_one_group() {
        let (ids, keys) = run(&[], &[vec![], vec![]]);
        assert_eq!(ids, vec![vec![0, 0, 0], vec![0, 0, 0]]);
        assert!(keys.is_empty());
        assert_eq!(GroupIds::new(&[]).unwrap().num_groups(), 1);
    }

    #[test]
    fn strings_of_equal_prefix_and_length_differ() {
        // Long strings sharing length and 4-byte prefix, and short ones
        // differing in their last byte.
        let v = vec![
            Some("prefix-aaaaaaaaaa"),
            Some("prefix-aaaaaaaaab"),
            Some("abcdefghijkl"),
            Some("abcdefghijkm"),
            Some("prefix-aaaaaaaaab"),
            Some(""),
            None,
            Some("abcdefghijkl"),
        ];
        let want = vec![0, 1, 2, 3, 1, 4, 5, 2];
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(v.clone())),
            Arc::new(LargeStringArray::from(v.clone())),
            Arc::new(StringViewArray::from(v.clone())),
        ];
        for a in arrays {
            let t = a.data_type().clone();
            let (ids, keys) = run(std::slice::from_ref(&t), &[vec![Arc::clone(&a)]]);
            assert_eq!(ids[0], want, "{t}");
            let distinct = vec![
                Some("prefix-aaaaaaaaaa"),
                Some("prefix-aaaaaaaaab"),
                Some("abcdefghijkl"),
                Some("abcdefghijkm"),
                Some(""),
                None,
            ];
            let want_keys = arrow::compute::cast(&StringArray::from(distinct), &t).unwrap();
            assert_eq!(&keys[0], &want_keys);
        }
        // A Utf8 table takes views, and the other way round: a string is a string.
        let mut ids = GroupIds::new(&[DataType::Utf8]).unwrap();
        let mut out = Vec::new();
        ids.intern(&[Arc::new(StringViewArray::from(v.clone()))], 8, &mut out).unwrap();
        ids.intern(&[Arc::new(StringArray::from(v.clone()))], 8, &mut out).unwrap();
        assert_eq!(out, want);
        assert_eq!(ids.num_groups(), 6);
    }

    #[test]
    fn many_groups_grow_the_table_within_a_chunk() {
        let n = 50_000;
        let ints: ArrayRef =
            Arc::new(Int64Array::from_iter_values((0..n).map(|i| (i * 7919) % 20_011 - 10_000)));
        let strs: ArrayRef =
            Arc::new(StringViewArray::from_iter_values((0..n).map(|i| format!("k{}", i % 20_011))));
        let long: ArrayRef = Arc::new(StringArray::from_iter_values(
            (0..n).map(|i| format!("longer than 12: {}", i % 20_011)),
        ));
        for a in [ints, strs, long] {
            let (ids, keys) =
                run(&[a.data_type().clone()], &[vec![Arc::clone(&a)], vec![a.slice(100, 1000)]]);
            assert_eq!(keys[0].len(), 20_011);
            // Equal keys, equal ids; every id maps back to its key.
            let taken =
                arrow::compute::take(keys[0].as_ref(), &UInt32Array::from(ids[0].clone()), None).unwrap();
            assert_eq!(&taken, &a);
            assert_eq!(ids[1], ids[0][100..1100]);
        }
    }

    #[test]
    fn dictionaries_group_by_value_across_dictionaries() {
        let a: DictionaryArray<Int16Type> = vec![Some("x"), None, Some("y"), Some("x")].into_iter().collect();
        // Another dictionary, other codes, an unused value and a null value.
        let values = StringArray::from(vec![Some("unused"), Some("y"), None, Some("z")]);
        let b = DictionaryArray::<Int16Type>::try_new(Int16Array::from(vec![1, 3, 2, 1]), Arc::new(values))
            .unwrap();
        let t = a.data_type().clone();
        let (ids, keys) = run(&[t], &[vec![Arc::new(a)], vec![Arc::new(b)]]);
        assert_eq!(ids, vec![vec![0, 1, 2, 0], vec![2, 3, 1, 2]]);
        assert_eq!(
            keys[0].as_ref(),
            &StringArray::from(vec![Some("x"), None, Some("y"), Some("z")]) as &dyn Array
        );
        // Dictionary keys of other types, and an integer dictionary.
        let c: DictionaryArray<Int32Type> = vec!["p", "q", "p"].into_iter().collect();
        let (ids, _) = run(&[c.data_type().clone()], &[vec![Arc::new(c)]]);
        assert_eq!(ids[0], vec![0, 1, 0]);
        let d = DictionaryArray::<Int32Type>::try_new(
            Int32Array::from(vec![1, 0, 1]),
            Arc::new(Int64Array::from(vec![10, 20])),
        )
        .unwrap();
        let (ids, keys) = run(&[d.data_type().clone()], &[vec![Arc::new(d)]]);
        assert_eq!(ids[0], vec![0, 1, 0]);
        assert_eq!(keys[0].as_ref(), &Int64Array::from(vec![20, 10]) as &dyn Array);
    }

    #[test]
    fn slices_of_one_dictionary_reuse_its_map_and_match_plain_keys() {
        // Values with a null, codes with nulls; sliced, interleaved with
        // another dictionary, and sliced again: ids as for plain strings.
        let values: ArrayRef =
            Arc::new(StringArray::from(vec![Some("p"), None, Some("q"), Some("r"), Some("s")]));
        let codes =
            Int32Array::from(vec![Some(3), None, Some(0), Some(3), Some(1), Some(2), None, Some(4), Some(0)]);
        let a = DictionaryArray::<Int32Type>::try_new(codes, Arc::clone(&values)).unwrap();
        let other: DictionaryArray<Int32Type> = vec![Some("s"), Some("t"), None].into_iter().collect();
        let pieces: Vec<ArrayRef> =
            vec![Arc::new(a.slice(0, 3)), Arc::new(a.slice(3, 4)), Arc::new(other), Arc::new(a.slice(6, 3))];
        let plain: Vec<ArrayRef> =
            pieces.iter().map(|p| arrow::compute::cast(p, &DataType::Utf8).unwrap()).collect();
        let dict_type = pieces[0].data_type().clone();
        let (dict_ids, dict_keys) =
            run(&[dict_type], &pieces.iter().map(|p| vec![Arc::clone(p)]).collect::<Vec<_>>());
        let (plain_ids, plain_keys) =
            run(&[DataType::Utf8], &plain.iter().map(|p| vec![Arc::clone(p)]).collect::<Vec<_>>());
        assert_eq!(dict_ids, plain_ids);
        assert_eq!(dict_ids, vec![vec![0, 1, 2], vec![0, 1, 3, 1], vec![4, 5, 1], vec![1, 4, 2]]);
        assert_eq!(dict_keys, plain_keys);
    }

    #[test]
    fn several_keys_combine_per_column_ids() {
        let k1: ArrayRef =
            Arc::new(StringViewArray::from(vec![Some("a"), Some("a"), None, Some("b"), None, Some("a")]));
        let k2: ArrayRef =
            Arc::new(Int64Array::from(vec![Some(1), Some(2), Some(1), Some(1), Some(1), Some(1)]));
        let k3: ArrayRef = Arc::new(BooleanArray::from(vec![
            Some(true),
            Some(true),
            Some(true),
            None,
            Some(true),
            Some(false),
        ]));
        let types = [k1.data_type().clone(), k2.data_type().clone(), k3.data_type().clone()];
        let (ids, keys) = run(
            &types,
            &[
                vec![Arc::clone(&k1), Arc::clone(&k2), Arc::clone(&k3)],
                vec![k1.slice(4, 2), k2.slice(4, 2), k3.slice(4, 2)],
            ],
        );
        assert_eq!(ids, vec![vec![0, 1, 2, 3, 2, 4], vec![2, 4]]);
        assert_eq!(
            keys[0].as_ref(),
            &StringViewArray::from(vec![Some("a"), Some("a"), None, Some("b"), Some("a")]) as &dyn Array
        );
        assert_eq!(keys[1].as_ref(), &Int64Array::from(vec![1, 2, 1, 1, 1]) as &dyn Array);
        assert_eq!(
            keys[2].as_ref(),
            &BooleanArray::from(vec![Some(true), Some(true), Some(true), None, Some(false)]) as &dyn Array
        );
    }

    #[test]
    fn keys_without_a_fast_path_use_rows() {
        let d: ArrayRef = Arc::new(
            Decimal128Array::from(vec![Some(5), None, Some(5), Some(1)])
                .with_precision_and_scale(10, 3)
                .unwrap(),
        );
        let (ids, keys) = run(&[d.data_type().clone()], &[vec![Arc::clone(&d)]]);
        assert_eq!(ids[0], vec![0, 1, 0, 2]);
        assert_eq!(keys[0].data_type(), d.data_type());
    }
}
