//! The fast path for one string key (`Utf8`, `LargeUtf8`, `Utf8View`).
//!
//! Each string gets a 128-bit *encoding* shaped like an Arrow view: its
//! length in the low 32 bits, then for strings of at most 12 bytes the bytes
//! themselves (zero-padded), for longer ones a 4-byte prefix. Two short
//! strings are equal iff their encodings are, so for `Utf8View` (whose
//! inline views *are* the encoding) grouping short strings never touches
//! the string bytes: one `u128` to hash and one to compare. Long strings
//! hash their bytes and compare encoding, then bytes.

use arrow::array::{
    Array, ArrayRef, AsArray, GenericStringArray, LargeStringArray, OffsetSizeTrait, StringArray,
    StringViewArray, StringViewBuilder,
};
use arrow::buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::DataType;
use hashbrown::hash_table::{Entry, HashTable};

use super::hash::{hash_bytes, hash_u128};
use super::{next_id, single_null};
use crate::error::{Error, Result};

/// The longest string a view (and an encoding) holds inline.
const INLINE: u32 = 12;

/// Whether one key of type `dt` takes this path.
pub(super) fn is_string_key(dt: &DataType) -> bool {
    matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// The encoding of `bytes` (see the module doc).
#[inline(always)]
fn encode(bytes: &[u8]) -> u128 {
    let len = bytes.len();
    let mut buf = [0u8; 16];
    // A string longer than u32::MAX bytes cannot be in an Arrow array, so
    // the length fits; the prefix is at most 12 (or 4) bytes.
    buf[..4].copy_from_slice(&(len as u32).to_le_bytes());
    let take = if len <= INLINE as usize { len } else { 4 };
    buf[4..4 + take].copy_from_slice(&bytes[..take]);
    u128::from_le_bytes(buf)
}

/// The encoding of a view: the view itself for an inline string (with the
/// padding masked, which the format asks to be zero but a writer may not
/// have zeroed), its length and prefix for a long one.
#[inline(always)]
fn encode_view(view: u128) -> u128 {
    let len = view as u32;
    if len <= INLINE {
        let keep = 32 + 8 * len;
        // keep <= 128; at 128 the mask is all ones.
        let mask = if keep >= 128 { u128::MAX } else { (1u128 << keep) - 1 };
        view & mask
    } else {
        view & u128::from(u64::MAX)
    }
}

#[inline(always)]
fn hash_of(enc: u128, bytes: impl FnOnce() -> u64) -> u64 {
    if (enc as u32) <= INLINE {
        hash_u128(enc)
    } else {
        bytes()
    }
}

/// Group ids for one string key.
#[derive(Debug)]
pub(super) struct StringTable {
    /// `Utf8`, `LargeUtf8` or `Utf8View`: the type the keys come out as.
    data_type: DataType,
    /// The encoding of each group's key, by group id.
    enc: Vec<u128>,
    /// The bytes of every group's key, back to back.
    bytes: Vec<u8>,
    /// Where group `g`'s bytes start (`offsets[g]..offsets[g + 1]`).
    offsets: Vec<usize>,
    /// `(hash, group id)`.
    table: HashTable<(u64, u32)>,
    /// The group of null keys, once seen.
    null_group: Option<u32>,
    /// Scratch: the hashes of the batch being interned.
    hashes: Vec<u64>,
}

impl StringTable {
    pub(super) fn new(data_type: DataType) -> Self {
        StringTable {
            data_type,
            enc: Vec::new(),
            bytes: Vec::new(),
            offsets: vec![0],
            table: HashTable::new(),
            null_group: None,
            hashes: Vec::new(),
        }
    }

    pub(super) fn num_groups(&self) -> usize {
        self.enc.len()
    }

    pub(super) fn data_type(&self) -> &DataType {
        &self.data_type
    }

    /// Appends the group id of each row of `array` (any string type) to `out`.
    pub(super) fn intern(&mut self, array: &dyn Array, out: &mut Vec<u32>) -> Result<()> {
        match array.data_type() {
            DataType::Utf8View => {
                let a = array.as_string_view();
                self.intern_source(&ViewSource { views: a.views(), array: a }, a.nulls(), out)
            }
            DataType::Utf8 => self.intern_offsets(array.as_string::<i32>(), out),
            DataType::LargeUtf8 => self.intern_offsets(array.as_string::<i64>(), out),
            other => Err(Error::Internal(format!("string group table given {other}"))),
        }
    }

    fn intern_offsets<O: OffsetSizeTrait>(
        &mut self,
        array: &GenericStringArray<O>,
        out: &mut Vec<u32>,
    ) -> Result<()> {
        let source = OffsetSource { offsets: array.value_offsets(), data: array.value_data() };
        self.intern_source(&source, array.nulls(), out)
    }

    fn intern_source<S: Source>(&mut self, s: &S, nulls: Option<&NullBuffer>, out: &mut Vec<u32>) -> Result<()> {
        let len = s.len();
        let nulls = nulls.filter(|n| n.null_count() > 0);
        // Hash the whole batch first, then probe in a second loop. A null
        // slot may hold any view, so it is not read.
        self.hashes.clear();
        match nulls {
            None => self.hashes.extend((0..len).map(|i| hash_of(s.enc(i), || hash_bytes(s.bytes(i))))),
            Some(n) => self.hashes.extend(
                (0..len).map(|i| if n.is_valid(i) { hash_of(s.enc(i), || hash_bytes(s.bytes(i))) } else { 0 }),
            ),
        }
        out.reserve(len);
        for i in 0..len {
            if nulls.is_some_and(|n| n.is_null(i)) {
                out.push(self.null_group()?);
                continue;
            }
            let h = self.hashes[i];
            let enc = s.enc(i);
            let short = (enc as u32) <= INLINE;
            let cand: &[u8] = if short { &[] } else { s.bytes(i) };
            let (encs, bytes, offsets) = (&self.enc, &self.bytes, &self.offsets);
            let eq = |e: &(u64, u32)| {
                let g = e.1 as usize;
                e.0 == h && encs[g] == enc && (short || bytes[offsets[g]..offsets[g + 1]] == *cand)
            };
            let id = match self.table.entry(h, eq, |e| e.0) {
                Entry::Occupied(e) => e.get().1,
                Entry::Vacant(e) => {
                    let id = next_id(self.enc.len())?;
                    e.insert((h, id));
                    self.enc.push(enc);
                    self.bytes.extend_from_slice(if short { s.bytes(i) } else { cand });
                    self.offsets.push(self.bytes.len());
                    id
                }
            };
            out.push(id);
        }
        Ok(())
    }

    fn null_group(&mut self) -> Result<u32> {
        if let Some(g) = self.null_group {
            return Ok(g);
        }
        let id = next_id(self.enc.len())?;
        // An empty string's encoding; never compared, as no probe finds it.
        self.enc.push(0);
        self.offsets.push(self.bytes.len());
        self.null_group = Some(id);
        Ok(id)
    }

    /// The key of each group, in group id order, as this table's type.
    pub(super) fn emit(&self) -> Result<ArrayRef> {
        let n = self.enc.len();
        let nulls = single_null(n, self.null_group);
        Ok(match &self.data_type {
            DataType::Utf8 => std::sync::Arc::new(StringArray::try_new(self.offsets::<i32>()?, self.data(), nulls)?),
            DataType::LargeUtf8 => {
                std::sync::Arc::new(LargeStringArray::try_new(self.offsets::<i64>()?, self.data(), nulls)?)
            }
            _ => {
                let mut b = StringViewBuilder::with_capacity(n);
                for g in 0..n {
                    if self.null_group == Some(g as u32) {
                        b.append_null();
                    } else {
                        let s = std::str::from_utf8(&self.bytes[self.offsets[g]..self.offsets[g + 1]])
                            .map_err(|e| Error::Internal(format!("group key is not UTF-8: {e}")))?;
                        b.append_value(s);
                    }
                }
                std::sync::Arc::new(b.finish())
            }
        })
    }

    fn data(&self) -> Buffer {
        Buffer::from_slice_ref(&self.bytes)
    }

    fn offsets<O: OffsetSizeTrait>(&self) -> Result<OffsetBuffer<O>> {
        let offsets = self
            .offsets
            .iter()
            .map(|&o| O::from_usize(o).ok_or_else(|| Error::InvalidArgument(too_long(&self.data_type))))
            .collect::<Result<Vec<O>>>()?;
        // Non-empty, starting at 0 and non-decreasing by construction, so
        // `OffsetBuffer::new` (which asserts it) cannot panic.
        Ok(OffsetBuffer::new(ScalarBuffer::from(offsets)))
    }
}

fn too_long(dt: &DataType) -> String {
    format!("the group keys hold more than 2 GiB of text, too much for {dt}; use LargeUtf8 or Utf8View")
}

/// Where a batch's strings come from.
trait Source {
    fn len(&self) -> usize;
    /// The encoding of row `i`'s string.
    fn enc(&self, i: usize) -> u128;
    /// The bytes of row `i`'s string.
    fn bytes(&self, i: usize) -> &[u8];
}

struct ViewSource<'a> {
    views: &'a [u128],
    array: &'a StringViewArray,
}

impl Source for ViewSource<'_> {
    fn len(&self) -> usize {
        self.views.len()
    }
    #[inline(always)]
    fn enc(&self, i: usize) -> u128 {
        encode_view(self.views[i])
    }
    #[inline(always)]
    fn bytes(&self, i: usize) -> &[u8] {
        self.array.value(i).as_bytes()
    }
}

struct OffsetSource<'a, O> {
    offsets: &'a [O],
    data: &'a [u8],
}

impl<O: OffsetSizeTrait> Source for OffsetSource<'_, O> {
    fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    #[inline(always)]
    fn enc(&self, i: usize) -> u128 {
        encode(self.bytes(i))
    }
    #[inline(always)]
    fn bytes(&self, i: usize) -> &[u8] {
        &self.data[self.offsets[i].as_usize()..self.offsets[i + 1].as_usize()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_and_byte_encodings_agree() {
        for s in ["", "a", "id001", "exactly12byt", "thirteen byte", "a much longer string than that"] {
            let views = StringViewArray::from_iter_values([s]);
            assert_eq!(encode_view(views.views()[0]), encode(s.as_bytes()), "{s:?}");
        }
    }
}
