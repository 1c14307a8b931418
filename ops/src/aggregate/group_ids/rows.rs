//! The general path: several key columns (or one of a type without a fast
//! path) encoded by `arrow::row::RowConverter` into byte strings that
//! compare equal iff the keys are equal (nulls included), then hashed and
//! interned as bytes.

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};
use hashbrown::hash_table::HashTable;

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
}

/// Rows hashed ahead of probing.
const CHUNK: usize = 1024;

impl RowTable {
    /// A table for keys of `types`.
    ///
    /// # Errors
    /// [`Error::Type`] when a type cannot be a group key.
    pub(super) fn new(types: Vec<DataType>) -> Result<Self> {
        let fields: Vec<SortField> = types.iter().map(|t| SortField::new(t.clone())).collect();
        if !RowConverter::supports_fields(&fields) {
            let names: Vec<String> = types.iter().map(crate::dtype::pandas_dtype).collect();
            return Err(Error::type_error(format!("cannot group by keys of types {}", names.join(", "))));
        }
        Ok(RowTable {
            types,
            converter: RowConverter::new(fields)?,
            bytes: Vec::new(),
            offsets: vec![0],
            table: HashTable::new(),
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
        out.reserve(rows.num_rows());
        // Hash a chunk, then probe it (see the primitive table).
        let mut hashes = [0u64; CHUNK];
        let mut rows_left = rows.iter();
        let mut chunk = Vec::with_capacity(CHUNK);
        loop {
            chunk.clear();
            chunk.extend(rows_left.by_ref().take(CHUNK));
            if chunk.is_empty() {
                break;
            }
            for (h, row) in hashes.iter_mut().zip(&chunk) {
                *h = hash_bytes(row.as_ref());
            }
            for (row, &h) in chunk.iter().zip(&hashes) {
                let row = row.as_ref();
                let (bytes, offsets) = (&self.bytes, &self.offsets);
                let eq = |e: &(u64, u32)| {
                    let g = e.1 as usize;
                    e.0 == h && bytes[offsets[g]..offsets[g + 1]] == *row
                };
                let id = match self.table.find(h, eq) {
                    Some(e) => e.1,
                    None => {
                        let id = next_id(self.offsets.len() - 1)?;
                        self.table.insert_unique(h, (h, id), |e| e.0);
                        self.bytes.extend_from_slice(row);
                        self.offsets.push(self.bytes.len());
                        id
                    }
                };
                out.push(id);
            }
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
