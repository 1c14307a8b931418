//! The fast path for plain CSV: no quotes, `Int64`, `Float64` and `Utf8`
//! columns, pandas' default missing values. Each block of whole lines is
//! split with `memchr` and every projected field is parsed straight into
//! the partition's final buffers; the other fields are only skipped.
//!
//! Anything it does not know how to read exactly as arrow-csv would
//! (a quote character, a lone `\r`, a blank line, a row of the wrong width,
//! invalid UTF-8, a value that does not parse, over 2 GiB of text in a
//! column) gives up on the whole partition, which is then read again by the
//! arrow-csv path of `read.rs`: that path, not this one, reports errors.
//!
//! What it saves over that path, measured on the h2o rows: benches/README.md.

use std::sync::Arc;

use arrow::array::StringArray;
use arrow::array::{ArrayRef, Float64Array, Int64Array, NullBufferBuilder, RecordBatch, RecordBatchOptions};
use arrow::buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow::compute::kernels::cast_utils::Parser;
use arrow::datatypes::{DataType, Float64Type, Int64Type, SchemaRef};
use memchr::{memchr, memchr_iter, memrchr};
use rusk_ops::{Error, Result};

use super::na::NullValues;
use super::options::CsvOptions;
use super::read::Chunks;

/// The fast path cannot read this partition exactly: read it the slow way.
#[derive(Debug)]
struct GiveUp;

type Step = std::result::Result<(), GiveUp>;

/// Whether the fast path can read columns `projection` of `schema` at all.
pub(super) fn applies(schema: &SchemaRef, projection: &[usize], nulls: &NullValues) -> bool {
    #[cfg(test)]
    if test_hooks::OFF.with(std::cell::Cell::get) {
        return false;
    }
    let width = schema.fields().len();
    // The regex-free null rule must be exact ("" and the tokens in text only).
    if width == 0 || nulls.decode_regex().is_some() {
        return false;
    }
    let mut seen = vec![false; width];
    projection.iter().all(|&i| {
        let fresh = seen.get(i).is_some_and(|s| !s);
        if let Some(s) = seen.get_mut(i) {
            *s = true;
        }
        fresh && matches!(schema.field(i).data_type(), DataType::Int64 | DataType::Float64 | DataType::Utf8)
    })
}

/// One column of the file, as the fast path fills it.
enum Column {
    /// Not projected: only tokenized.
    Skip,
    Int64 {
        values: Vec<i64>,
        nulls: NullBufferBuilder,
    },
    /// `nan`: whether a value that parses to NaN is missing.
    Float64 {
        values: Vec<f64>,
        nulls: NullBufferBuilder,
        nan: bool,
    },
    Utf8 {
        offsets: Vec<i32>,
        values: Vec<u8>,
        nulls: NullBufferBuilder,
    },
}

/// Powers of ten exact in an `f64`.
const POW10: [f64; 16] =
    [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// `-?[0-9]{1,18}`, which cannot overflow; anything else goes to arrow's parser.
#[inline]
fn parse_i64(field: &[u8]) -> Option<i64> {
    let (negative, digits) = match field.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, field),
    };
    if digits.is_empty() || digits.len() > 18 {
        return slow_i64(field);
    }
    let mut v: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return slow_i64(field);
        }
        v = v * 10 + i64::from(d);
    }
    Some(if negative { -v } else { v })
}

#[cold]
fn slow_i64(field: &[u8]) -> Option<i64> {
    Int64Type::parse(std::str::from_utf8(field).ok()?)
}

/// `-?[0-9]+(\.[0-9]+)?` of at most 15 digits, exact by Clinger's fast
/// path (the mantissa and the power of ten are exact, the division rounds
/// once), as lexical (arrow's parser) rounds; anything else goes to arrow's parser.
#[inline]
fn parse_f64(field: &[u8]) -> Option<f64> {
    let (negative, text) = match field.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, field),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut fraction: Option<usize> = None;
    for &b in text {
        let d = b.wrapping_sub(b'0');
        if d <= 9 {
            mantissa = mantissa * 10 + u64::from(d);
            digits += 1;
            if digits > 15 {
                return slow_f64(field);
            }
        } else if b == b'.' && fraction.is_none() {
            fraction = Some(digits);
        } else {
            return slow_f64(field);
        }
    }
    let scale = match fraction {
        // "1." and ".5" are rarer spellings: let lexical decide.
        Some(at) if at == 0 || at == digits => return slow_f64(field),
        Some(at) => digits - at,
        None if digits == 0 => return slow_f64(field),
        None => 0,
    };
    let v = mantissa as f64 / *POW10.get(scale)?;
    Some(if negative { -v } else { v })
}

#[cold]
fn slow_f64(field: &[u8]) -> Option<f64> {
    Float64Type::parse(std::str::from_utf8(field).ok()?)
}

impl Column {
    fn new(data_type: &DataType, nan: bool) -> Self {
        let nulls = NullBufferBuilder::new(0);
        match data_type {
            DataType::Int64 => Column::Int64 { values: Vec::new(), nulls },
            DataType::Float64 => Column::Float64 { values: Vec::new(), nulls, nan },
            _ => Column::Utf8 { offsets: vec![0], values: Vec::new(), nulls },
        }
    }

    /// Room for `rows` more rows of `bytes` more bytes of text.
    fn reserve(&mut self, rows: usize, bytes: usize) {
        match self {
            Column::Skip => {}
            Column::Int64 { values, .. } => values.reserve(rows),
            Column::Float64 { values, .. } => values.reserve(rows),
            Column::Utf8 { offsets, values, .. } => {
                offsets.reserve(rows);
                values.reserve(bytes);
            }
        }
    }

    #[inline]
    fn push(&mut self, field: &[u8], na: &NullValues) -> Step {
        match self {
            Column::Skip => {}
            Column::Int64 { values, nulls } => {
                if field.is_empty() {
                    values.push(0);
                    nulls.append_null();
                } else {
                    values.push(parse_i64(field).ok_or(GiveUp)?);
                    nulls.append_non_null();
                }
            }
            Column::Float64 { values, nulls, nan } => {
                if field.is_empty() {
                    values.push(0.0);
                    nulls.append_null();
                } else {
                    let v = parse_f64(field).ok_or(GiveUp)?;
                    values.push(v);
                    nulls.append(!(*nan && v.is_nan()));
                }
            }
            Column::Utf8 { offsets, values, nulls } => {
                if field.is_empty() || na.is_token(field) {
                    nulls.append_null();
                } else {
                    values.extend_from_slice(field);
                    nulls.append_non_null();
                }
                // Checked against i32::MAX after each block.
                offsets.push(values.len() as i32);
            }
        }
        Ok(())
    }

    fn text_len(&self) -> usize {
        match self {
            Column::Utf8 { values, .. } => values.len(),
            _ => 0,
        }
    }

    fn finish(self) -> Result<ArrayRef> {
        Ok(match self {
            Column::Skip => return Err(Error::Internal("csv fast path: unprojected column finished".into())),
            Column::Int64 { values, mut nulls } => {
                Arc::new(Int64Array::new(ScalarBuffer::from(values), nulls.finish()))
            }
            Column::Float64 { values, mut nulls, .. } => {
                Arc::new(Float64Array::new(ScalarBuffer::from(values), nulls.finish()))
            }
            Column::Utf8 { offsets, values, mut nulls } => {
                // Offsets start at 0 and never decrease, and the text is
                // UTF-8 cut at ASCII separators: the array is valid.
                let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
                Arc::new(StringArray::try_new(offsets, Buffer::from_vec(values), nulls.finish())?)
            }
        })
    }
}

/// Bit `i` set where `bytes[i]` (of 64) is `sep` or `\n`, eight bytes at a
/// time (SWAR): `memchr2` per field paid a call and a vector setup for
/// every few bytes.
#[inline]
fn ends_mask(bytes: &[u8], sep: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // 0x80 in each zero byte of `x`, exactly (no borrow between bytes).
    let zero_bytes = |x: u64| !(((x & LOW7).wrapping_add(LOW7)) | x) & !LOW7;
    let (seps, newlines) = (ONES * u64::from(sep), ONES * u64::from(b'\n'));
    let mut mask = 0u64;
    for (w, word) in bytes.chunks_exact(8).take(8).enumerate() {
        let mut le = [0u8; 8];
        le.copy_from_slice(word);
        let x = u64::from_le_bytes(le);
        let hits = zero_bytes(x ^ seps) | zero_bytes(x ^ newlines);
        // Gathers the eight 0x80 flags into one byte (a move-mask).
        let packed = (hits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= packed << (8 * w);
    }
    mask
}

/// Splits blocks of whole lines into the columns.
struct Tokenizer<'a> {
    sep: u8,
    quote: u8,
    columns: Vec<Column>,
    na: &'a NullValues,
    rows: usize,
}

impl Tokenizer<'_> {
    /// Reads `block`, whole lines each ending in `\n`.
    fn block(&mut self, block: &[u8]) -> Step {
        if memchr(self.quote, block).is_some() || std::str::from_utf8(block).is_err() {
            return Err(GiveUp);
        }
        // arrow-csv ends lines at `\r`, `\n` or `\r\n`: only the last is handled here.
        let crlf = memchr(b'\r', block).is_some();
        if crlf && memchr_iter(b'\r', block).any(|i| block.get(i + 1) != Some(&b'\n')) {
            return Err(GiveUp);
        }
        let width = self.columns.len();
        let mut start = 0;
        let mut column = 0;
        let mut base = 0;
        while base < block.len() {
            let mut mask = match block.get(base..base + 64) {
                Some(bytes) => ends_mask(bytes, self.sep),
                None => {
                    // The tail, padded with bytes that end nothing.
                    let tail = block.get(base..).unwrap_or_default();
                    let pad = if self.sep == b' ' { b'x' } else { b' ' };
                    let mut bytes = [pad; 64];
                    bytes.get_mut(..tail.len()).ok_or(GiveUp)?.copy_from_slice(tail);
                    ends_mask(&bytes, self.sep)
                }
            };
            while mask != 0 {
                let at = base + mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let line_end = block.get(at) == Some(&b'\n');
                let mut end = at;
                if line_end && crlf && end > start && block.get(end - 1) == Some(&b'\r') {
                    end -= 1;
                }
                // A blank line: arrow-csv skips it (and a one-column file would be ambiguous).
                if line_end && column == 0 && end == start {
                    return Err(GiveUp);
                }
                let field = block.get(start..end).ok_or(GiveUp)?;
                self.columns.get_mut(column).ok_or(GiveUp)?.push(field, self.na)?;
                column += 1;
                start = at + 1;
                if line_end {
                    if column != width {
                        return Err(GiveUp);
                    }
                    column = 0;
                    self.rows += 1;
                }
            }
            base += 64;
        }
        if column != 0 || start != block.len() {
            return Err(GiveUp);
        }
        if self.columns.iter().any(|c| c.text_len() > i32::MAX as usize) {
            return Err(GiveUp);
        }
        Ok(())
    }
}

/// Decodes the whole lines of `input` with `schema` (the file's columns)
/// into one batch of its `projection`, or `None` when the fast path cannot
/// (the caller then reads `input` again the slow way); `size_hint` is about
/// how many bytes `input` holds.
pub(super) fn decode(
    schema: &SchemaRef,
    opts: &CsvOptions,
    projection: &[usize],
    na: &NullValues,
    input: &mut impl Chunks,
    size_hint: u64,
) -> Result<Option<RecordBatch>> {
    let mut columns: Vec<Column> = schema.fields().iter().map(|_| Column::Skip).collect();
    for &i in projection {
        if let Some(c) = columns.get_mut(i) {
            *c = Column::new(schema.field(i).data_type(), na.nan_is_null());
        }
    }
    let mut tok = Tokenizer { sep: opts.sep, quote: opts.quote, columns, na, rows: 0 };
    let mut carry: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    let mut reserved = false;
    let mut started = false;
    loop {
        let chunk = input.next_chunk()?;
        if chunk.is_empty() {
            if !carry.is_empty() {
                // The last line, without its newline.
                carry.push(b'\n');
                if tok.block(&carry).is_err() {
                    return Ok(None);
                }
            }
            break;
        }
        let mut rest = chunk;
        if !started {
            // A header ending in `\r\n` is read up to its `\r`: the data may start with the `\n`.
            if let Some((b'\n', after)) = rest.split_first() {
                rest = after;
            }
            started = true;
        }
        if !carry.is_empty() {
            match memchr(b'\n', rest) {
                Some(i) => {
                    carry.extend_from_slice(rest.get(..=i).unwrap_or_default());
                    if tok.block(&carry).is_err() {
                        return Ok(None);
                    }
                    seen += carry.len();
                    carry.clear();
                    rest = rest.get(i + 1..).unwrap_or_default();
                }
                None => {
                    carry.extend_from_slice(rest);
                    continue;
                }
            }
        }
        if let Some(i) = memrchr(b'\n', rest) {
            let lines = rest.get(..=i).unwrap_or_default();
            if tok.block(lines).is_err() {
                return Ok(None);
            }
            seen += lines.len();
            rest = rest.get(i + 1..).unwrap_or_default();
        }
        carry.extend_from_slice(rest);
        if !reserved && seen > 0 && tok.rows > 0 && size_hint > 0 {
            // Room for the rest, by the bytes per row so far, plus slack.
            let scale = size_hint as f64 / seen as f64 * 1.1;
            let rows = (tok.rows as f64 * scale) as usize + 64;
            for c in &mut tok.columns {
                let bytes = (c.text_len() as f64 * scale) as usize + 64;
                c.reserve(rows.saturating_sub(tok.rows), bytes.saturating_sub(c.text_len()));
            }
            reserved = true;
        }
    }
    let rows = tok.rows;
    let mut columns: Vec<Option<Column>> = tok.columns.into_iter().map(Some).collect();
    let mut arrays = Vec::with_capacity(projection.len());
    for &i in projection {
        let column = columns.get_mut(i).and_then(Option::take);
        let column =
            column.ok_or_else(|| Error::Internal("csv fast path: projection repeats a column".into()))?;
        arrays.push(column.finish()?);
    }
    #[cfg(test)]
    test_hooks::USED.with(|n| n.set(n.get() + 1));
    let out_schema = Arc::new(schema.project(projection)?);
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(Some(RecordBatch::try_new_with_options(out_schema, arrays, &options)?))
}

/// Switches for tests, per thread: turn the fast path off, count its reads.
#[cfg(test)]
pub(super) mod test_hooks {
    use std::cell::Cell;

    thread_local! {
        pub(in super::super) static OFF: Cell<bool> = const { Cell::new(false) };
        pub(in super::super) static USED: Cell<usize> = const { Cell::new(0) };
    }

    /// `f` with the fast path off.
    pub(in super::super) fn slow<T>(f: impl FnOnce() -> T) -> T {
        OFF.with(|off| off.set(true));
        let out = f();
        OFF.with(|off| off.set(false));
        out
    }

    /// `f`, and how many partitions the fast path read during it.
    pub(in super::super) fn counted<T>(f: impl FnOnce() -> T) -> (T, usize) {
        let before = USED.with(Cell::get);
        let out = f();
        (out, USED.with(Cell::get) - before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;
    use arrow::datatypes::{Field, Schema};

    /// Text handed out `size` bytes at a time.
    struct Pieces<'a> {
        text: &'a [u8],
        size: usize,
    }

    impl Chunks for Pieces<'_> {
        fn next_chunk(&mut self) -> Result<&[u8]> {
            let n = self.size.min(self.text.len());
            let (piece, rest) = self.text.split_at(n);
            self.text = rest;
            Ok(piece)
        }
    }

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("s", DataType::Utf8, true),
            Field::new("i", DataType::Int64, true),
            Field::new("f", DataType::Float64, true),
        ]))
    }

    fn read(text: &[u8], projection: &[usize], size: usize) -> Option<RecordBatch> {
        let na = NullValues::new(&CsvOptions::default()).unwrap();
        na.plan_fast_path(&schema());
        assert!(applies(&schema(), projection, &na));
        let mut input = Pieces { text, size };
        decode(&schema(), &CsvOptions::default(), projection, &na, &mut input, text.len() as u64).unwrap()
    }

    #[test]
    fn any_chunking_gives_the_same_batch() {
        let text = b"a,1,1.5\r\nNA,-2,-0.25\r\n,,\r\nbb,3,NaN\r\nc,-9223372036854775808,1e3\r\nd,007,12345678901234567\r\nlast,4,.5";
        let whole = read(text, &[0, 1, 2], usize::MAX).unwrap();
        assert_eq!(whole.num_rows(), 7);
        let s = whole.column(0).as_string::<i32>();
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [Some("a"), None, None, Some("bb"), Some("c"), Some("d"), Some("last")]
        );
        let i = whole.column(1).as_primitive::<Int64Type>();
        assert_eq!(
            i.iter().collect::<Vec<_>>(),
            [Some(1), Some(-2), None, Some(3), Some(i64::MIN), Some(7), Some(4)]
        );
        let f = whole.column(2).as_primitive::<Float64Type>();
        assert_eq!(
            f.iter().collect::<Vec<_>>(),
            [Some(1.5), Some(-0.25), None, None, Some(1000.0), Some(12345678901234567.0), Some(0.5)]
        );
        for size in [1, 2, 3, 7, 64] {
            assert_eq!(read(text, &[0, 1, 2], size).unwrap(), whole, "chunks of {size}");
        }
        let projected = read(text, &[2, 0], 5).unwrap();
        assert_eq!(projected.schema().field(0).name(), "f");
        assert_eq!(projected.column(0), whole.column(2));
        assert_eq!(projected.column(1), whole.column(0));
        assert_eq!(read(text, &[], 4).unwrap().num_rows(), 7);
    }

    #[test]
    fn ends_mask_marks_separators_and_newlines() {
        let mut bytes = [b'a'; 64];
        for i in [0, 7, 8, 9, 31, 56, 63] {
            bytes[i] = if i % 2 == 0 { b',' } else { b'\n' };
        }
        bytes[20] = 0xff;
        bytes[21] = b',' + 128;
        let want = [0, 7, 8, 9, 31, 56, 63].iter().fold(0u64, |m, i| m | 1 << i);
        assert_eq!(ends_mask(&bytes, b','), want);
    }

    #[test]
    fn floats_round_as_arrow_does() {
        for text in
            ["0.1", "-0.0", "123456.789012", "99.999999", "0.000001", "1.", "+2", "1E-7", "inf", "-nan"]
        {
            assert_eq!(
                parse_f64(text.as_bytes()).map(f64::to_bits),
                Float64Type::parse(text).map(f64::to_bits),
                "{text}"
            );
        }
        for text in ["0", "-12", "+3", " 4", "99999999999999999999", "-", "1.0", "9223372036854775807"] {
            assert_eq!(parse_i64(text.as_bytes()), Int64Type::parse(text), "{text}");
        }
    }

    #[test]
    fn gives_up_on_what_it_does_not_read() {
        for text in [
            &b"\"a\",1,2\n"[..],
            b"a,1,2\n\nb,3,4\n",
            b"a,1,2\rb,3,4\n",
            b"a,1\n",
            b"a,1,2,3\n",
            b"a,x,2\n",
            b"a,NA,2\n",
            b"\xff,1,2\n",
        ] {
            assert!(read(text, &[1], 3).is_none(), "{:?}", String::from_utf8_lossy(text));
        }
    }
}
