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

use super::hash::{hash_bytes, hash_u128};
use super::table::{Probe, Slot, Table};
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

/// The encoding of a view: the view itself for an inline string (arrow
/// checks that an inline view is zero past its string, see arrow-data's
/// `validate_string_view`), its length and prefix for a long one.
#[inline(always)]
fn encode_view(view: u128) -> u128 {
    if (view as u32) <= INLINE {
        view
    } else {
        view & u128::from(u64::MAX)
    }
}

/// [`encode_view`] of a view-shaped value whose bytes past the string are
/// not zero (16 bytes loaded from a string's start): masked to the string.
#[inline(always)]
fn encode_masked(raw: u128) -> u128 {
    let len = raw as u32;
    if len < INLINE {
        raw & ((1u128 << (32 + 8 * len)) - 1)
    } else {
        encode_view(raw)
    }
}

/// An entry of the table: the top half of its key's hash and its group id.
///
/// Eight bytes, so that 1e5 groups take a 2 MiB table (and 1.6 MiB of
/// encodings beside it) rather than the 8 MiB of slots holding the
/// encoding inline: a probe's cache miss is what grouping by a string
/// costs, and a smaller table misses less. The table is given only the
/// top half of each hash ([`table_hash`]), so the slot recovers it whole
/// when the table grows.
#[derive(Debug, Clone, Copy)]
struct StringSlot {
    tag: u32,
    id: u32,
}

impl Slot for StringSlot {
    const EMPTY: Self = StringSlot { tag: 0, id: u32::MAX };
    #[inline(always)]
    fn id(&self) -> u32 {
        self.id
    }
    #[inline(always)]
    fn hash(&self) -> u64 {
        u64::from(self.tag) << 32
    }
}

/// The hash the table places a key by: the top half of its hash, which
/// its slot keeps as the tag (a table of up to 2^32 slots takes a home
/// from the top bits alone).
#[inline(always)]
fn table_hash(hash: u64) -> u64 {
    hash & !u64::from(u32::MAX)
}

#[inline(always)]
fn tag(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// Whether occupied `slot` may hold the key of table hash `h` and encoding
/// `enc`: its tag and its group's encoding agree (the key itself for a
/// short string; a long one compares its bytes too). A slot is written
/// after its group's encoding is pushed, so `encs` has its id.
#[inline(always)]
fn same_key(encs: &[u128], slot: StringSlot, h: u64, enc: u128) -> bool {
    slot.tag == tag(h) && encs[slot.id as usize] == enc
}

/// Group ids for one string key.
#[derive(Debug)]
pub(super) struct StringTable {
    /// `Utf8`, `LargeUtf8` or `Utf8View`: the type the keys come out as.
    data_type: DataType,
    /// The bytes of every group's key, back to back.
    bytes: Vec<u8>,
    /// Where group `g`'s bytes start (`offsets[g]..offsets[g + 1]`).
    offsets: Vec<usize>,
    /// Each group's encoding, by group id (the null group's is 0 and
    /// never compared: its keys do not reach the table).
    encs: Vec<u128>,
    table: Table<StringSlot>,
    /// The group of null keys, once seen.
    null_group: Option<u32>,
}

impl StringTable {
    pub(super) fn new(data_type: DataType) -> Self {
        StringTable {
            data_type,
            bytes: Vec::new(),
            offsets: vec![0],
            encs: Vec::new(),
            table: Table::new(),
            null_group: None,
        }
    }

    pub(super) fn num_groups(&self) -> usize {
        self.offsets.len() - 1
    }

    pub(super) fn data_type(&self) -> &DataType {
        &self.data_type
    }

    /// Appends the group id of each row of `array` (any string type) to `out`.
    pub(super) fn intern(&mut self, array: &dyn Array, out: &mut Vec<u32>) -> Result<()> {
        // The `as_*` downcasts cannot panic: each arm matched its type.
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

    fn intern_source<S: Source>(
        &mut self,
        s: &S,
        nulls: Option<&NullBuffer>,
        out: &mut Vec<u32>,
    ) -> Result<()> {
        let len = s.len();
        let nulls = nulls.filter(|n| n.null_count() > 0);
        // Per chunk: encode and hash every row, gather each row's home
        // slot, then resolve (see `table`). A null slot may hold any view:
        // it is not read.
        let mut hashes = [0u64; CHUNK];
        let mut encs = [0u128; CHUNK];
        let mut first = [[StringSlot::EMPTY; 2]; CHUNK];
        let mut ids = [0u32; CHUNK];
        for start in (0..len).step_by(CHUNK) {
            let end = (start + CHUNK).min(len);
            self.table.reserve(end - start);
            for ((h, e), i) in hashes.iter_mut().zip(encs.iter_mut()).zip(start..end) {
                if nulls.is_some_and(|n| n.is_null(i)) {
                    continue;
                }
                *e = s.enc(i);
                *h = table_hash(if (*e as u32) <= INLINE { hash_u128(*e) } else { hash_bytes(s.bytes(i)) });
            }
            let gather = !self.table.fits_l1();
            if gather {
                for (f, &h) in first.iter_mut().zip(&hashes[..end - start]) {
                    *f = self.table.pair(self.table.home(h));
                }
            }
            for (k, (((&h, &enc), i), id)) in
                hashes.iter().zip(&encs).zip(start..end).zip(&mut ids).enumerate()
            {
                let [f, g] = if gather { first[k] } else { self.table.pair(self.table.home(h)) };
                let short = (enc as u32) <= INLINE;
                let holds = |e: StringSlot| e.id != u32::MAX && same_key(&self.encs, e, h, enc);
                *id = if nulls.is_some_and(|n| n.is_null(i)) {
                    self.null_group()?
                } else if short && holds(f) {
                    f.id
                } else if short && f.id != u32::MAX && holds(g) {
                    g.id
                } else {
                    self.find_or_insert(h, enc, s, i)?
                };
            }
            out.extend_from_slice(&ids[..end - start]);
        }
        Ok(())
    }

    #[inline(always)]
    fn find_or_insert<S: Source>(&mut self, h: u64, enc: u128, s: &S, i: usize) -> Result<u32> {
        let short = (enc as u32) <= INLINE;
        let (bytes, offsets, encs) = (&self.bytes, &self.offsets, &self.encs);
        let eq = |e: &StringSlot| {
            same_key(encs, *e, h, enc)
                && (short || bytes[offsets[e.id as usize]..offsets[e.id as usize + 1]] == *s.bytes(i))
        };
        match self.table.probe(h, eq) {
            Probe::Found(slot) => Ok(slot.id),
            Probe::Vacant(at) => {
                let id = next_id(self.num_groups())?;
                self.bytes.extend_from_slice(s.bytes(i));
                self.offsets.push(self.bytes.len());
                self.encs.push(enc);
                self.table.insert_at(at, StringSlot { tag: tag(h), id });
                Ok(id)
            }
        }
    }

    fn null_group(&mut self) -> Result<u32> {
        if let Some(g) = self.null_group {
            return Ok(g);
        }
        let id = next_id(self.num_groups())?;
        self.offsets.push(self.bytes.len());
        self.encs.push(0);
        self.null_group = Some(id);
        Ok(id)
    }

    /// The key of each group, in group id order, as this table's type.
    pub(super) fn emit(&self) -> Result<ArrayRef> {
        let n = self.num_groups();
        let nulls = single_null(n, self.null_group);
        Ok(match &self.data_type {
            DataType::Utf8 => {
                std::sync::Arc::new(StringArray::try_new(self.offsets::<i32>()?, self.data(), nulls)?)
            }
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

/// Rows hashed and gathered ahead of resolving (46 KiB on the stack).
const CHUNK: usize = 512;

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
        let start = self.offsets[i].as_usize();
        let len = self.offsets[i + 1].as_usize() - start;
        // Most strings have 16 bytes of data after their start: one
        // fixed-size load, shifted past the length and masked to it.
        match self.data.get(start..start + 16) {
            Some(raw) => {
                let raw = raw.try_into().map_or(0, u128::from_le_bytes);
                encode_masked((raw << 32) | len as u128)
            }
            None => encode(&self.data[start..start + len]),
        }
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
