//! CSV output that reads like pandas' `to_csv(index=False)`.
//!
//! pandas' forms, where they differ from Arrow's writer (arrow-csv writes
//! `true`, `1e16`, ISO `T` timestamps): booleans `True`/`False`; floats in
//! Python's shortest round-trip `repr` (`0.1`, `3.0`, `1e+16`, `1e-05`), NaN
//! and null both empty (pandas has one missing value); dates `2024-01-01`;
//! timestamps `2024-01-01 12:00:00`, with as many fraction digits (0, 3, 6
//! or 9) as the column needs and date-only when every time is midnight,
//! zoned ones in their local time with the offset (`-05:00`);
//! timedeltas `0 days 01:30:00`, `-1 days +23:00:00.500000` (pandas' one
//! format per column, see `rusk_ops::time::TimedeltaFormat`);
//! strings quoted only when they hold the separator, a quote or a line break
//! (Python's `QUOTE_MINIMAL`); a lone empty field written `""` so that the
//! line is not blank.
//!
//! Each column of a chunk of rows is formatted whole (one type dispatch per
//! column, then a loop over its values) into one text buffer with row ends;
//! rows are then stitched together by copying slices.

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::*;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use rusk_ops::time::{offset_name, TimedeltaFormat, Zone};
use rusk_ops::{Error, Result};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::create_new;

/// Rows formatted at a time: bounds the text buffers (a few MB) whatever
/// the size of the batch.
const CHUNK_ROWS: usize = 64 * 1024;

/// Writes `batch` as a new CSV file at `path`, the header line first when
/// `header` (a part of one file after the first is written without).
///
/// # Errors
/// [`Error::OutputExists`] if `path` exists (never overwritten),
/// [`Error::Io`] on a failed write, and [`write_csv`]'s errors.
pub fn write_csv_file(path: &Path, batch: &RecordBatch, sep: u8, header: bool) -> Result<()> {
    let file = create_new(path)?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    let written = write_to(&mut writer, std::slice::from_ref(batch), header, sep, path)
        .and_then(|()| writer.flush().map_err(|e| Error::io(e, path)));
    if written.is_err() {
        // A partial file would read back as if it were the whole partition.
        let _ = std::fs::remove_file(path);
    }
    written
}

/// Joins the files `parts`, in order, into the new file `path` (the copy
/// stays in the kernel where it can: `copy_file_range` on Linux), then
/// removes them: how the partitions of a one-file CSV output, written in
/// parallel, become the file without the result ever being in memory.
///
/// # Errors
/// [`Error::OutputExists`] if `path` exists; [`Error::Io`] naming the file
/// that failed. A partial `path` is removed.
pub fn join_files(parts: &[PathBuf], path: &Path) -> Result<()> {
    let mut out = create_new(path)?;
    let joined = parts.iter().try_for_each(|part| {
        let mut input = std::fs::File::open(part).map_err(|e| Error::io(e, part))?;
        std::io::copy(&mut input, &mut out).map_err(|e| Error::io(e, path))?;
        std::fs::remove_file(part).map_err(|e| Error::io(e, part))
    });
    if joined.is_err() {
        let _ = std::fs::remove_file(path);
    }
    joined
}

/// Writes `batches` as CSV to `writer`: a header line of the column names
/// (of the first batch) when `header`, then one line per row, fields
/// separated by `sep`, lines ended by `\n`.
///
/// # Errors
/// [`Error::Io`] when the writer fails (the path reads `<writer>`),
/// [`Error::InvalidArgument`] for a `sep` that is a quote or a line break,
/// [`Error::Arrow`] for a column type Arrow cannot display.
pub fn write_csv<W: Write>(mut writer: W, batches: &[RecordBatch], header: bool, sep: u8) -> Result<()> {
    write_to(&mut writer, batches, header, sep, Path::new("<writer>"))?;
    writer.flush().map_err(|e| Error::io(e, "<writer>"))
}

fn write_to(
    writer: &mut dyn Write,
    batches: &[RecordBatch],
    header: bool,
    sep: u8,
    path: &Path,
) -> Result<()> {
    if matches!(sep, b'"' | b'\n' | b'\r') || !sep.is_ascii() {
        return Err(Error::InvalidArgument(format!("CSV separator {:?} is not usable", sep as char)));
    }
    let io_error = |e: std::io::Error| Error::io(e, PathBuf::from(path));
    let mut out = Vec::new();
    if header {
        if let Some(first) = batches.first() {
            let schema = first.schema();
            for (i, field) in schema.fields().iter().enumerate() {
                if i > 0 {
                    out.push(sep);
                }
                push_text(&mut out, field.name(), sep);
            }
            if schema.fields().len() == 1 && schema.field(0).name().is_empty() {
                out.extend_from_slice(b"\"\"");
            }
            out.push(b'\n');
        }
    }
    writer.write_all(&out).map_err(io_error)?;
    // Chunks of rows are formatted in parallel, a window at a time, and
    // written in order: the text of a window is all that is held.
    let chunks: Vec<(&RecordBatch, usize, usize)> = batches
        .iter()
        .flat_map(|batch| {
            (0..batch.num_rows())
                .step_by(CHUNK_ROWS)
                .map(move |o| (batch, o, CHUNK_ROWS.min(batch.num_rows() - o)))
        })
        .collect();
    let window = 2 * rayon::current_num_threads().max(1);
    for group in chunks.chunks(window) {
        let texts: Vec<Result<Vec<u8>>> =
            group.par_iter().map(|&(batch, offset, len)| format_chunk(batch, offset, len, sep)).collect();
        for text in texts {
            writer.write_all(&text?).map_err(io_error)?;
        }
    }
    Ok(())
}

/// Rows `offset..offset + len` of `batch` as CSV lines.
fn format_chunk(batch: &RecordBatch, offset: usize, len: usize, sep: u8) -> Result<Vec<u8>> {
    let mut columns: Vec<ColumnText> = Vec::with_capacity(batch.num_columns());
    for column in batch.columns() {
        let mut text = ColumnText::default();
        format_column(&column.slice(offset, len), sep, &mut text)?;
        columns.push(text);
    }
    let mut out = Vec::new();
    stitch_rows(&mut columns, len, sep, &mut out);
    Ok(out)
}

/// One column of a chunk as text: row `i` is `bytes[ends[i-1]..ends[i]]`.
#[derive(Debug, Default)]
struct ColumnText {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl ColumnText {
    /// Ends the current field.
    fn end(&mut self) {
        self.ends.push(self.bytes.len());
    }

    fn field(&self, row: usize) -> &[u8] {
        let (start, end) = self.span(row);
        &self.bytes[start..end]
    }

    /// Where row `row`'s field lies in `bytes`.
    fn span(&self, row: usize) -> (usize, usize) {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        (start, self.ends[row])
    }
}

/// The bytes a short field is copied in: one fixed-size block (two vector
/// moves) instead of a `memcpy` call per field, which was a sixth of
/// writing h2o's 1e7 rows.
const BLOCK: usize = 32;

/// Appends `rows` lines made of the columns' fields.
///
/// Each field of at most [`BLOCK`] bytes is copied as a whole block from its
/// start (its column's bytes are padded so the block stays inside them)
/// into an output sized with room for the overrun; the next field
/// overwrites what the block carried past the field's end, and the output
/// is cut to the bytes written.
fn stitch_rows(columns: &mut [ColumnText], rows: usize, sep: u8, out: &mut Vec<u8>) {
    let text: usize = columns.iter().map(|c| c.bytes.len()).sum();
    for column in columns.iter_mut() {
        column.bytes.resize(column.bytes.len() + BLOCK, 0);
    }
    // Python's csv module quotes a lone empty field so the line isn't blank.
    let lone = columns.len() == 1;
    let base = out.len();
    out.resize(base + text + rows * (columns.len() + 1 + 2 * usize::from(lone)) + BLOCK, 0);
    let buf = &mut out[base..];
    let mut at = 0;
    for row in 0..rows {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                buf[at] = sep;
                at += 1;
            }
            let (start, end) = column.span(row);
            let len = end - start;
            if len <= BLOCK {
                buf[at..at + BLOCK].copy_from_slice(&column.bytes[start..start + BLOCK]);
            } else {
                buf[at..at + len].copy_from_slice(&column.bytes[start..end]);
            }
            at += len;
            if lone && len == 0 {
                buf[at..at + 2].copy_from_slice(b"\"\"");
                at += 2;
            }
        }
        buf[at] = b'\n';
        at += 1;
    }
    out.truncate(base + at);
}

/// Formats every value of `array` into `text`, one field per row.
fn format_column(array: &ArrayRef, sep: u8, text: &mut ColumnText) -> Result<()> {
    text.ends.reserve(array.len());
    match array.data_type() {
        DataType::Null => (0..array.len()).for_each(|_| text.end()),
        DataType::Boolean => {
            let a = array.as_boolean();
            for i in 0..a.len() {
                if a.is_valid(i) {
                    text.bytes.extend_from_slice(if a.value(i) { b"True" } else { b"False" });
                }
                text.end();
            }
        }
        DataType::Int8 => format_integers(array.as_primitive::<Int8Type>(), text),
        DataType::Int16 => format_integers(array.as_primitive::<Int16Type>(), text),
        DataType::Int32 => format_integers(array.as_primitive::<Int32Type>(), text),
        DataType::Int64 => format_integers(array.as_primitive::<Int64Type>(), text),
        DataType::UInt8 => format_integers(array.as_primitive::<UInt8Type>(), text),
        DataType::UInt16 => format_integers(array.as_primitive::<UInt16Type>(), text),
        DataType::UInt32 => format_integers(array.as_primitive::<UInt32Type>(), text),
        DataType::UInt64 => format_integers(array.as_primitive::<UInt64Type>(), text),
        DataType::Float16 => format_floats(array.as_primitive::<Float16Type>(), text, f32::from),
        DataType::Float32 => format_floats(array.as_primitive::<Float32Type>(), text, |v| v),
        DataType::Float64 => format_floats(array.as_primitive::<Float64Type>(), text, |v| v),
        DataType::Utf8 => format_strings(array.as_string::<i32>().iter(), sep, text),
        DataType::LargeUtf8 => format_strings(array.as_string::<i64>().iter(), sep, text),
        DataType::Utf8View => format_strings(array.as_string_view().iter(), sep, text),
        DataType::Dictionary(_, _) => {
            // Format each distinct value once, then copy it per row.
            let dict = array.as_any_dictionary();
            let mut values = ColumnText::default();
            format_column(dict.values(), sep, &mut values)?;
            // `normalized_keys` asserts a non-empty dictionary; with no
            // values every row is null.
            let keys = if dict.values().is_empty() { vec![0; dict.len()] } else { dict.normalized_keys() };
            for (i, &key) in keys.iter().enumerate() {
                if dict.keys().is_valid(i) && key < values.ends.len() {
                    text.bytes.extend_from_slice(values.field(key));
                }
                text.end();
            }
        }
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            for v in a.iter() {
                if let Some(days) = v {
                    push_date(&mut text.bytes, days);
                }
                text.end();
            }
        }
        DataType::Date64 => {
            let a = array.as_primitive::<Date64Type>();
            for v in a.iter() {
                if let Some(ms) = v {
                    let days = ms.div_euclid(86_400_000);
                    push_date(&mut text.bytes, i32::try_from(days).unwrap_or(i32::MAX));
                }
                text.end();
            }
        }
        DataType::Timestamp(unit, tz) => {
            let (values, per_second) = match unit {
                TimeUnit::Second => {
                    (array.as_primitive::<TimestampSecondType>().iter().collect::<Vec<_>>(), 1)
                }
                TimeUnit::Millisecond => {
                    (array.as_primitive::<TimestampMillisecondType>().iter().collect(), 1_000)
                }
                TimeUnit::Microsecond => {
                    (array.as_primitive::<TimestampMicrosecondType>().iter().collect(), 1_000_000)
                }
                TimeUnit::Nanosecond => {
                    (array.as_primitive::<TimestampNanosecondType>().iter().collect(), 1_000_000_000)
                }
            };
            format_timestamps(&values, per_second, tz.as_deref(), text);
        }
        DataType::Duration(unit) => {
            // As pandas writes a timedelta64 column: one format for the chunk.
            let counts = arrow::compute::cast(array, &DataType::Int64)?;
            let counts = counts.as_primitive::<Int64Type>();
            let format = TimedeltaFormat::for_column(counts.iter().flatten(), *unit);
            let mut value = String::new();
            for v in counts.iter() {
                if let Some(v) = v {
                    value.clear();
                    format.write(&mut value, v, *unit);
                    push_text(&mut text.bytes, &value, sep);
                }
                text.end();
            }
        }
        DataType::Time32(_) | DataType::Time64(_) => {
            let nanos = arrow::compute::cast(array, &DataType::Time64(TimeUnit::Nanosecond))?;
            for v in nanos.as_primitive::<Time64NanosecondType>().iter() {
                if let Some(ns) = v {
                    push_time_of_day(&mut text.bytes, ns);
                }
                text.end();
            }
        }
        _ => {
            // Decimals, nested types: Arrow's display, quoted as needed.
            let options = FormatOptions::default().with_null("");
            let formatter = ArrayFormatter::try_new(array.as_ref(), &options)?;
            let mut value = String::new();
            for i in 0..array.len() {
                value.clear();
                let _ = write!(value, "{}", formatter.value(i));
                push_text(&mut text.bytes, &value, sep);
                text.end();
            }
        }
    }
    Ok(())
}

/// Integers in decimal, by `itoa`: `write!` through `fmt` was a sixth of
/// writing the h2o table as CSV.
fn format_integers<T: ArrowPrimitiveType>(array: &arrow::array::PrimitiveArray<T>, text: &mut ColumnText)
where
    T::Native: itoa::Integer,
{
    let mut digits = itoa::Buffer::new();
    for v in array.iter() {
        if let Some(v) = v {
            text.bytes.extend_from_slice(digits.format(v).as_bytes());
        }
        text.end();
    }
}

/// Floats as Python's `repr` (what pandas writes): the shortest digits
/// that read back as the same float, the closest to it when two are as
/// short (ryu; Rust's `Debug` breaks that tie the other way, e.g.
/// `22526843708404.063` where Python writes `...062`), in fixed notation
/// from 1e-4 to below 1e16 and as `1.5e-07` / `1e+16` outside. NaN is
/// missing, so empty.
fn format_floats<T: ArrowPrimitiveType, F: ryu::Float + FloatLike>(
    array: &arrow::array::PrimitiveArray<T>,
    text: &mut ColumnText,
    to_float: impl Fn(T::Native) -> F,
) {
    let mut buffer = ryu::Buffer::new();
    for v in array.iter() {
        if let Some(v) = v.map(&to_float).filter(|v| !v.nan()) {
            if v.infinite() {
                text.bytes.extend_from_slice(if v.negative() { b"-inf" } else { b"inf" });
            } else {
                push_python_float(&mut text.bytes, buffer.format_finite(v));
            }
        }
        text.end();
    }
}

/// The floats [`format_floats`] formats.
trait FloatLike: Copy {
    fn nan(self) -> bool;
    fn infinite(self) -> bool;
    fn negative(self) -> bool;
}

macro_rules! float_like {
    ($t:ty) => {
        impl FloatLike for $t {
            fn nan(self) -> bool {
                self.is_nan()
            }
            fn infinite(self) -> bool {
                self.is_infinite()
            }
            fn negative(self) -> bool {
                self.is_sign_negative()
            }
        }
    };
}
float_like!(f32);
float_like!(f64);

/// Appends the finite float ryu wrote as `shortest` (`1.0`, `0.00001`,
/// `1.5e-7`, `1e16`, ...) as Python's `repr` writes it.
fn push_python_float(out: &mut Vec<u8>, shortest: &str) {
    let (negative, unsigned) = match shortest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, shortest),
    };
    if !unsigned.contains('e') && !unsigned.starts_with("0.000") {
        // Fixed notation from 1e-4 up, as Python's (ryu writes `1e16` and
        // up with an exponent, and never pads the integer part).
        out.extend_from_slice(shortest.as_bytes());
        return;
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The significant digits, and where the decimal point falls among them.
    let digits: Vec<u8> = whole.bytes().chain(fraction.bytes()).collect();
    let leading = digits.iter().take_while(|&&d| d == b'0').count();
    let trailing = digits[leading..].iter().rev().take_while(|&&d| d == b'0').count();
    let significant = &digits[leading..digits.len() - trailing];
    // Lengths of a float's text: far from overflowing an i32.
    let point = whole.len() as i32 + exponent - leading as i32;
    if negative {
        out.push(b'-');
    }
    if significant.is_empty() {
        out.extend_from_slice(b"0.0");
        return;
    }
    let scientific = point - 1;
    if (-4..16).contains(&scientific) {
        let n = significant.len() as i32;
        if point <= 0 {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', (-point) as usize));
            out.extend_from_slice(significant);
        } else if point >= n {
            out.extend_from_slice(significant);
            out.extend(std::iter::repeat_n(b'0', (point - n) as usize));
            out.extend_from_slice(b".0");
        } else {
            let (int, frac) = significant.split_at(point as usize);
            out.extend_from_slice(int);
            out.push(b'.');
            out.extend_from_slice(frac);
        }
    } else {
        out.push(significant[0]);
        if significant.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&significant[1..]);
        }
        out.push(b'e');
        out.push(if scientific < 0 { b'-' } else { b'+' });
        let magnitude = scientific.unsigned_abs();
        if magnitude < 10 {
            out.push(b'0');
        }
        out.extend_from_slice(itoa::Buffer::new().format(magnitude).as_bytes());
    }
}

fn format_strings<'a>(values: impl Iterator<Item = Option<&'a str>>, sep: u8, text: &mut ColumnText) {
    for v in values {
        if let Some(v) = v {
            push_text(&mut text.bytes, v, sep);
        }
        text.end();
    }
}

/// Appends `value`, quoted (quotes doubled) only when it holds the
/// separator, a quote or a line break.
fn push_text(out: &mut Vec<u8>, value: &str, sep: u8) {
    let bytes = value.as_bytes();
    if bytes.iter().any(|&b| b == sep || b == b'"' || b == b'\n' || b == b'\r') {
        out.push(b'"');
        for &b in bytes {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(bytes);
    }
}

/// Appends `YYYY-MM-DD` for days since 1970-01-01.
fn push_date(out: &mut Vec<u8>, days: i32) {
    match days
        .checked_add(rusk_ops::time::UNIX_EPOCH_DAYS_FROM_CE)
        .and_then(NaiveDate::from_num_days_from_ce_opt)
    {
        // Digit by digit: chrono's `format` parses its pattern per value,
        // a third of the time of writing a timestamp column.
        Some(date) if (0..=9999).contains(&date.year()) => {
            // In 0..=9999: checked above.
            push_digits(out, date.year() as u32, 4);
            out.push(b'-');
            push_digits(out, date.month(), 2);
            out.push(b'-');
            push_digits(out, date.day(), 2);
        }
        // A sign and more digits, as chrono writes them.
        Some(date) => {
            let _ = write!(out, "{}", date.format("%Y-%m-%d"));
        }
        // Out of chrono's range (beyond ±262 000 years): the raw number.
        None => {
            let _ = write!(out, "{days}");
        }
    }
}

/// Appends `value` in decimal, zero-padded to `width` digits (a wider
/// value keeps all its digits).
fn push_digits(out: &mut Vec<u8>, value: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut v = value;
    let mut n = 0;
    while v > 0 || n < width {
        digits[9 - n] = b'0' + (v % 10) as u8;
        v /= 10;
        n += 1;
    }
    out.extend_from_slice(&digits[10 - n..]);
}

/// Appends `HH:MM:SS`, and `.ffffff` when there is a fraction (Python's
/// `datetime.time` has microseconds).
fn push_time_of_day(out: &mut Vec<u8>, nanos: i64) {
    // Below a day's seconds and a second's nanoseconds: remainders (a
    // time of day is under 24 h).
    let seconds = nanos.div_euclid(1_000_000_000).rem_euclid(86_400) as u32;
    let fraction = nanos.rem_euclid(1_000_000_000) as u32;
    push_digits(out, seconds / 3600, 2);
    out.push(b':');
    push_digits(out, seconds / 60 % 60, 2);
    out.push(b':');
    push_digits(out, seconds % 60, 2);
    if fraction != 0 {
        out.push(b'.');
        push_digits(out, fraction / 1000, 6);
    }
}

/// Timestamps as pandas writes a `datetime64` column: one precision for the
/// whole column (seconds, or 3, 6 or 9 fraction digits: the finest any value
/// needs), date only when every naive value is at midnight, and after a
/// zoned value its local time and the offset in force then
/// (`2024-03-10 01:30:00-05:00`). A zone rusk does not know is written in
/// UTC with `+00:00`: the same instants, in another zone than pandas'.
fn format_timestamps(values: &[Option<i64>], per_second: i64, tz: Option<&str>, text: &mut ColumnText) {
    let utc = || Zone::parse("UTC").ok();
    let zone = tz.and_then(|tz| Zone::parse(tz).ok().or_else(utc));
    let per_day = 86_400 * per_second;
    let present = values.iter().flatten();
    let dates_only = tz.is_none() && present.clone().all(|v| v.rem_euclid(per_day) == 0);
    let digits = present
        .map(|v| {
            let fraction = v.rem_euclid(per_second);
            match per_second {
                _ if fraction == 0 => 0,
                1_000 => 3,
                1_000_000 if fraction % 1_000 == 0 => 3,
                1_000_000 => 6,
                _ if fraction % 1_000_000 == 0 => 3,
                _ if fraction % 1_000 == 0 => 6,
                _ => 9,
            }
        })
        .max()
        .unwrap_or(0);
    for v in values {
        let Some(v) = *v else {
            text.end();
            continue;
        };
        let seconds = v.div_euclid(per_second);
        let fraction = v.rem_euclid(per_second);
        let offset = zone.as_ref().map(|z| z.offset_at(seconds).unwrap_or(0));
        let local = seconds + offset.unwrap_or(0);
        let days = local.div_euclid(86_400);
        push_date(&mut text.bytes, i32::try_from(days).unwrap_or(i32::MAX));
        if !dates_only {
            // In 0..86_400: a remainder.
            let second_of_day = local.rem_euclid(86_400) as u32;
            text.bytes.push(b' ');
            push_digits(&mut text.bytes, second_of_day / 3600, 2);
            text.bytes.push(b':');
            push_digits(&mut text.bytes, second_of_day / 60 % 60, 2);
            text.bytes.push(b':');
            push_digits(&mut text.bytes, second_of_day % 60, 2);
            if digits > 0 {
                let nanos = fraction * (1_000_000_000 / per_second);
                // Below 10^9: a fraction of a second in nanoseconds.
                let scaled = (nanos / 10_i64.pow(9 - digits)) as u32;
                text.bytes.push(b'.');
                push_digits(&mut text.bytes, scaled, digits as usize);
            }
        }
        if let Some(offset) = offset {
            text.bytes.extend_from_slice(offset_name(i32::try_from(offset).unwrap_or(0)).as_bytes());
        }
        text.end();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::*;

    use super::*;

    /// Every float of fixtures/expected/float_repr.txt (edge cases, data-like
    /// values at every magnitude, random bits) written as Python's repr.
    #[test]
    fn floats_are_written_as_python_repr_writes_them() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/expected/float_repr.txt");
        let expected = std::fs::read_to_string(path).unwrap();
        let mut buffer = ryu::Buffer::new();
        let mut checked = 0;
        for line in expected.lines() {
            let (hex, want) = line.split_once(' ').unwrap();
            let value = f64::from_bits(u64::from_str_radix(hex, 16).unwrap());
            let mut got = Vec::new();
            super::push_python_float(&mut got, buffer.format_finite(value));
            assert_eq!(String::from_utf8(got).unwrap(), want, "{hex}");
            checked += 1;
        }
        assert_eq!(checked, 4000);
    }

    fn csv(columns: Vec<(&str, ArrayRef)>) -> String {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let mut out = Vec::new();
        write_csv(&mut out, &[batch], true, b',').unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Fields either side of the block a short field is copied in, in
    /// every column order, over more rows than one chunk formats.
    #[test]
    fn fields_of_every_length_are_stitched_whole() {
        let lengths = [0, 1, 31, 32, 33, 100, 7];
        let n = CHUNK_ROWS + 5;
        let field = |i: usize, salt: usize| -> String {
            let len = lengths[(i + salt) % lengths.len()];
            (0..len).map(|k| char::from(b'a' + ((i + k + salt) % 26) as u8)).collect()
        };
        let a: ArrayRef = Arc::new(StringArray::from_iter_values((0..n).map(|i| field(i, 0))));
        let b: ArrayRef = Arc::new(StringArray::from_iter_values((0..n).map(|i| field(i, 3))));
        let mut want = String::from("a,b\n");
        for i in 0..n {
            want.push_str(&format!("{},{}\n", field(i, 0), field(i, 3)));
        }
        assert_eq!(csv(vec![("a", Arc::clone(&a)), ("b", b)]), want);
        let mut lone = String::from("a\n");
        for i in 0..n {
            let f = field(i, 0);
            lone.push_str(if f.is_empty() { "\"\"" } else { &f });
            lone.push('\n');
        }
        assert_eq!(csv(vec![("a", a)]), lone);
    }

    #[test]
    fn values_are_written_as_pandas_writes_them() {
        let text = csv(vec![
            (
                "f",
                Arc::new(Float64Array::from(vec![
                    Some(1.5),
                    Some(0.1),
                    Some(3.0),
                    None,
                    Some(1e16),
                    Some(f64::NAN),
                ])),
            ),
            (
                "b",
                Arc::new(BooleanArray::from(vec![
                    Some(true),
                    Some(false),
                    None,
                    Some(true),
                    Some(false),
                    None,
                ])),
            ),
            (
                "s",
                Arc::new(StringArray::from(vec![
                    Some("a,b"),
                    Some("x\"y"),
                    Some(""),
                    None,
                    Some("l\nb"),
                    Some(" sp "),
                ])),
            ),
            (
                "d",
                Arc::new(Date32Array::from(vec![
                    Some(19723),
                    None,
                    Some(0),
                    Some(-1),
                    Some(19723),
                    Some(19724),
                ])),
            ),
            (
                "i",
                Arc::new(Int64Array::from(vec![Some(1), None, Some(-3), Some(0), Some(i64::MAX), Some(5)])),
            ),
            ("e", Arc::new(Float32Array::from(vec![0.1, 1.0, 1e-5, -2.5, 1e20, f32::INFINITY]))),
        ]);
        let expected = [
            "f,b,s,d,i,e",
            "1.5,True,\"a,b\",2024-01-01,1,0.1",
            "0.1,False,\"x\"\"y\",,,1.0",
            "3.0,,,1970-01-01,-3,1e-05",
            ",True,,1969-12-31,0,-2.5",
            "1e+16,False,\"l\nb\",2024-01-01,9223372036854775807,1e+20",
            ",, sp ,2024-01-02,5,inf",
        ];
        assert_eq!(text, expected.join("\n") + "\n");
    }

    #[test]
    fn timestamps_take_the_precision_the_column_needs() {
        let noon = 1_704_110_400_i64; // 2024-01-01 12:00:00
        let ts = |values: Vec<Option<i64>>| -> ArrayRef { Arc::new(TimestampMillisecondArray::from(values)) };
        assert_eq!(
            csv(vec![("t", ts(vec![Some(noon * 1000), None, Some(noon * 1000 + 500)]))]),
            "t\n2024-01-01 12:00:00.000\n\"\"\n2024-01-01 12:00:00.500\n"
        );
        assert_eq!(csv(vec![("t", ts(vec![Some(noon * 1000)]))]), "t\n2024-01-01 12:00:00\n");
        let midnight = (noon - 43_200) * 1000;
        assert_eq!(csv(vec![("t", ts(vec![Some(midnight), None]))]), "t\n2024-01-01\n\"\"\n");
        let ns: ArrayRef = Arc::new(TimestampNanosecondArray::from(vec![noon * 1_000_000_000 + 1_500]));
        assert_eq!(csv(vec![("t", ns)]), "t\n2024-01-01 12:00:00.000001500\n");
        let us: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![noon * 1_000_000 + 250]));
        assert_eq!(csv(vec![("t", us)]), "t\n2024-01-01 12:00:00.000250\n");
        let before: ArrayRef = Arc::new(TimestampSecondArray::from(vec![-1]));
        assert_eq!(csv(vec![("t", before)]), "t\n1969-12-31 23:59:59\n");
        let utc: ArrayRef = Arc::new(TimestampSecondArray::from(vec![noon - 43_200]).with_timezone("UTC"));
        assert_eq!(csv(vec![("t", utc)]), "t\n2024-01-01 00:00:00+00:00\n");
        let paris: ArrayRef = Arc::new(TimestampSecondArray::from(vec![noon]).with_timezone("+01:00"));
        assert_eq!(csv(vec![("t", paris)]), "t\n2024-01-01 13:00:00+01:00\n");
    }

    #[test]
    fn zoned_timestamps_are_written_in_their_zone() {
        // 2024-03-10 06:30 and 07:30 UTC: either side of New York's spring forward.
        let at = 1_710_052_200_i64;
        let ny: ArrayRef = Arc::new(
            TimestampMicrosecondArray::from(vec![
                Some(at * 1_000_000),
                None,
                Some((at + 3600) * 1_000_000 + 500_000),
            ])
            .with_timezone("America/New_York"),
        );
        assert_eq!(
            csv(vec![("t", ny)]),
            "t\n2024-03-10 01:30:00.000-05:00\n\"\"\n2024-03-10 03:30:00.500-04:00\n"
        );
        let paris: ArrayRef = Arc::new(
            TimestampSecondArray::from(vec![at - 27_000, -3_786_825_600]).with_timezone("Europe/Paris"),
        );
        assert_eq!(csv(vec![("t", paris)]), "t\n2024-03-10 00:00:00+01:00\n1850-01-01 00:09:21+00:09:21\n");
        let utc: ArrayRef = Arc::new(TimestampSecondArray::from(vec![at]).with_timezone("utc"));
        assert_eq!(csv(vec![("t", utc)]), "t\n2024-03-10 06:30:00+00:00\n");
    }

    #[test]
    fn string_views_and_dictionaries_write_as_strings() {
        let view: ArrayRef = Arc::new(StringViewArray::from(vec![Some("a"), None, Some("b;c")]));
        let dict: ArrayRef =
            Arc::new(vec![Some("x"), Some("x"), None].into_iter().collect::<DictionaryArray<Int32Type>>());
        let batch = RecordBatch::try_from_iter(vec![("v", view), ("d", dict)]).unwrap();
        let mut out = Vec::new();
        write_csv(&mut out, &[batch.clone(), batch.slice(1, 2)], false, b';').unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a;x\n;x\n\"b;c\";\n;x\n\"b;c\";\n");
    }

    #[test]
    fn dates_are_written_as_chrono_formats_them() {
        for days in
            [-719_162, -719_163, -700_000, -1, 0, 1, 19_782, 2_932_896, 2_932_897, 100_000_000, i32::MAX]
        {
            let mut fast = Vec::new();
            push_date(&mut fast, days);
            let want = match days
                .checked_add(rusk_ops::time::UNIX_EPOCH_DAYS_FROM_CE)
                .and_then(NaiveDate::from_num_days_from_ce_opt)
            {
                Some(date) => date.format("%Y-%m-%d").to_string(),
                None => days.to_string(),
            };
            assert_eq!(String::from_utf8(fast).unwrap(), want, "day {days}");
        }
        let mut digits = Vec::new();
        push_digits(&mut digits, 7, 2);
        push_digits(&mut digits, 123, 2);
        push_digits(&mut digits, 0, 6);
        push_digits(&mut digits, u32::MAX, 4);
        assert_eq!(String::from_utf8(digits).unwrap(), "07123000000".to_string() + &u32::MAX.to_string());
    }

    #[test]
    fn other_types_and_odd_headers() {
        let time: ArrayRef = Arc::new(Time64MicrosecondArray::from(vec![43_200_000_000, 3_723_500_000]));
        let decimal: ArrayRef =
            Arc::new(Decimal128Array::from(vec![Some(150), None]).with_precision_and_scale(5, 2).unwrap());
        let text = csv(vec![("a,b", time), ("", decimal)]);
        assert_eq!(text, "\"a,b\",\n12:00:00,1.50\n01:02:03.500000,\n");
        let err = write_csv(Vec::new(), &[], true, b'"').unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    }

    #[test]
    fn timedeltas_are_written_as_pandas_writes_them() {
        // pandas 3.1: pd.DataFrame({...}).to_csv(index=False) of the same columns.
        let ms: ArrayRef =
            Arc::new(DurationMillisecondArray::from(vec![Some(5_400_000), Some(-86_399_500), None]));
        let s: ArrayRef = Arc::new(DurationSecondArray::from(vec![Some(-3_600), Some(3_600), Some(0)]));
        let days: ArrayRef =
            Arc::new(DurationNanosecondArray::from(vec![Some(86_400_000_000_000), None, Some(0)]));
        let text = csv(vec![("ms", ms), ("s", s), ("days", days)]);
        assert_eq!(
            text,
            "ms,s,days\n0 days 01:30:00.000000,-1 days +23:00:00,1 days\n\
             -1 days +00:00:00.500000,0 days 01:00:00,\n,0 days 00:00:00,0 days\n"
        );
        let ns: ArrayRef = Arc::new(DurationNanosecondArray::from(vec![-1]));
        assert_eq!(csv(vec![("ns", ns)]), "ns\n-1 days +23:59:59.999999999\n");
        // A separator inside the text is quoted.
        let mut out = Vec::new();
        let batch =
            RecordBatch::try_from_iter([("d", Arc::new(DurationSecondArray::from(vec![1])) as ArrayRef)])
                .unwrap();
        write_csv(&mut out, &[batch], false, b' ').unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "\"0 days 00:00:01\"\n");
    }

    #[test]
    fn file_is_new_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part-00000.csv");
        let rows = 200_000;
        let batch = RecordBatch::try_from_iter(vec![(
            "x",
            Arc::new(Int64Array::from_iter_values(0..rows)) as ArrayRef,
        )])
        .unwrap();
        write_csv_file(&path, &batch, b',', true).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), rows as usize + 1);
        assert_eq!((lines[0], lines[1], lines[rows as usize]), ("x", "0", "199999"));
        let err = write_csv_file(&path, &batch, b',', true).unwrap_err();
        assert!(matches!(err, Error::OutputExists { .. }), "{err}");
    }
}
