//! The general path: several key columns (or one of a type without a fast
//! path) encoded by `arrow::row::RowConverter` into byte strings that
//! compare equal iff the keys are equal (nulls included), then hashed and
//! interned as bytes.

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};
use hashbrown::hash_table::{Entry, HashTable};

use super::hash::hash_bytes;
use super::next_id;
use crate::error::{Error, Result};

/// Group ids for rows of several keys.
#[derive(Debug)]
pub(super) struct RowTable {
    /// The key types (dictionaries already replaced by their value type).
    types: Vec<DataType>,
    converter: RowConverter,
    /// The encoded row of every group, back to back.
    bytes: Vec<u8>,
    /// Where group `g`'s row starts (`offsets[g]..offsets[g + 1]`).
    offsets: Vec<usize>,
    /// `(hash, group id)`.
    table: HashTable<(u64, u32)>,
    /// Scratch: the hashes of the batch being interned.
    hashes: Vec<u64>,
}

impl RowTable {
    /// A table for keys of `types`.
    ///
    /// # Errors
    /// [`Error::Type`] when a type cannot be a group key.
    pub(super) fn new(types: Vec<DataType>) -> Result<Self> {
        let fields: Vec<SortField> = types.iter().map(|t| SortField::new(t.clone())).collect();
        if !RowConverter::supports_fields(&fields) {
            let names: Vec<String> = types.iter().map(|t| t.to_string()).collect();
            return Err(Error::type_error(format!("cannot group by keys of types {}", names.join(", "))));
        }
        Ok(RowTable {
            types,
            converter: RowConverter::new(fields)?,
            bytes: Vec::new(),
            offsets: vec![0],
            table: HashTable::new(),
            hashes: Vec::new(),
        })
    }

    pub(super) fn num_groups(&self) -> usize {
        self.offsets.len() - 1
    }

    pub(super) fn types(&self) -> &[DataType] {
        &self.types
    }

    /// Appends the group id of each row of `columns` (of this table's types) to `out`.
    pub(super) fn intern(&mut self, columns: &[ArrayRef], out: &mut Vec<u32>) -> Result<()> {
        let rows = self.converter.convert_columns(columns)?;
        self.hashes.clear();
        self.hashes.extend(rows.iter().map(|r| hash_bytes(r.as_ref())));
        out.reserve(rows.num_rows());
        for (row, &h) in rows.iter().zip(&self.hashes) {
            let row = row.as_ref();
            let (bytes, offsets) = (&self.bytes, &self.offsets);
            let eq = |e: &(u64, u32)| {
                let g = e.1 as usize;
                e.0 == h && bytes[offsets[g]..offsets[g + 1]] == *row
            };
            let id = match self.table.entry(h, eq, |e| e.0) {
                Entry::Occupied(e) => e.get().1,
                Entry::Vacant(e) => {
                    let id = next_id(self.offsets.len() - 1)?;
                    e.insert((h, id));
                    self.bytes.extend_from_slice(row);
                    self.offsets.push(self.bytes.len());
                    id
                }
            };
            out.push(id);
        }
        Ok(())
    }

    /// The key columns of the groups, in group id order.
    pub(super) fn emit(&self) -> Result<Vec<ArrayRef>> {
        let parser = self.converter.parser();
        let rows = self.offsets.windows(2).map(|w| parser.parse(&self.bytes[w[0]..w[1]]));
        Ok(self.converter.convert_rows(rows)?)
    }
}

/// Whether the arrays' types are `types` (else they are cast first).
pub(super) fn same_types(columns: &[ArrayRef], types: &[DataType]) -> bool {
    columns.len() == types.len() && columns.iter().zip(types).all(|(c, t)| c.data_type() == t)
}
