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
//! - anything else ([`rows`]): `RowConverter` rows, hashed as bytes.
//!
//! Every path hashes the whole batch first and probes in a second loop.
//! A null key is a group of its own (the caller drops null keys before
//! interning when `dropna`). Dictionary keys come out as plain values of
//! the dictionary's value type: a state's keys mix dictionaries of
//! different batches, which share no codes.

mod hash;
mod primitive;
mod rows;
mod strings;

use arrow::array::{Array, ArrayRef, AsArray, DictionaryArray, UInt32Array};
use arrow::buffer::{BooleanBuffer, NullBuffer};
use arrow::compute::kernels::cast::cast;
use arrow::datatypes::{ArrowDictionaryKeyType, ArrowNativeType, DataType};

pub(crate) use hash::hash_u64;
use primitive::{is_primitive_key, PrimitiveTable};
use rows::{same_types, RowTable};
use strings::{is_string_key, StringTable};

use crate::error::{Error, Result};

/// The group ids of the keys seen so far.
#[derive(Debug)]
pub(crate) struct GroupIds {
    table: Table,
}

#[derive(Debug)]
enum Table {
    /// No key: one group.
    Unit,
    Primitive(PrimitiveTable),
    Strings(StringTable),
    Rows(RowTable),
}

/// The type a key of type `dt` comes out as: a dictionary's value type,
/// else `dt`.
pub(crate) fn key_output_type(dt: &DataType) -> DataType {
    match dt {
        DataType::Dictionary(_, v) => v.as_ref().clone(),
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
            _ => Table::Rows(RowTable::new(types)?),
        };
        Ok(GroupIds { table })
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
            Table::Unit | Table::Rows(_) => Err(Error::Internal("single-key path on a multi-key table".into())),
        }
    }

    /// A dictionary key: the values the batch uses are interned once each,
    /// in the order the batch first uses them (so ids stay in first-seen
    /// order), then every row's code is looked up.
    fn intern_dictionary<K: ArrowDictionaryKeyType>(
        &mut self,
        dict: &DictionaryArray<K>,
        out: &mut Vec<u32>,
    ) -> Result<()> {
        const UNSET: u32 = u32::MAX;
        let values = dict.values();
        let nv = values.len();
        let codes = dict.keys().values();
        let code_nulls = dict.keys().nulls().filter(|n| n.null_count() > 0);
        // Slot `nv` stands for a null code.
        let mut local = vec![UNSET; nv + 1];
        let mut order: Vec<Option<u32>> = Vec::new();
        let slot = |i: usize| -> Result<usize> {
            if code_nulls.is_some_and(|n| n.is_null(i)) {
                return Ok(nv);
            }
            let c = codes[i].as_usize();
            if c >= nv {
                return Err(Error::InvalidArgument(format!(
                    "dictionary code {c} out of range for {nv} values"
                )));
            }
            Ok(c)
        };
        for i in 0..codes.len() {
            let s = slot(i)?;
            if local[s] == UNSET {
                local[s] = next_id(order.len())?;
                order.push(if s == nv { None } else { Some(next_id(s)?) });
            }
        }
        let used = arrow::compute::take(values.as_ref(), &UInt32Array::from(order), None)?;
        let mut ids = Vec::with_capacity(used.len());
        self.intern_one(used.as_ref(), &mut ids)?;
        out.reserve(codes.len());
        for i in 0..codes.len() {
            out.push(ids[local[slot(i)?] as usize]);
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
        }
    }
}

/// The next group id after `len` groups.
fn next_id(len: usize) -> Result<u32> {
    u32::try_from(len).map_err(|_| Error::InvalidArgument("more than 4294967295 groups".into()))
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
