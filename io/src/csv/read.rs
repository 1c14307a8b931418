//! Reading one partition: its lines, decoded by arrow-csv with the merged
//! schema, into one `RecordBatch` of the projected columns.
//!
//! ```text
//! RangeReader (1 MiB chunks) ─► decode, no null regex (8k-row batches)
//!   ─► null tokens / NaN ─► BatchAppender ─ok─► add missing columns
//!        │ any decode error: read the range into memory and start over
//!        ▼
//!     bad lines? ─ error ─► MalformedRow (file line)
//!        │ skip: cut them, count them
//!        ▼
//!     decode with the null regex ─ok─► (as above)
//!        │err
//!        ▼
//!     first bad value ─► Parse (file line, column)
//!
//! then parse_dates columns (decoded as text) ─► timestamps (`dates.rs`)
//!        │ a value that is not a date: coerce ─► null, counted
//!        ▼ raise
//!     first bad value ─► Parse (file line, column)
//! ```
//!
//! Why this shape: a range read whole and cut into batches that are
//! concatenated at the end holds the partition twice, so it costs both
//! time and peak memory; streamed small batches appended as they come
//! (`append.rs`) do not. arrow-csv's null regex, run on every field, makes
//! a decode much slower, so it is used only when needed (`na.rs`).
//! Parsing only the projected columns makes a narrow read much cheaper.
//!
//! Plain partitions (no quotes; `Int64`, `Float64`, `Utf8` columns; default
//! NA strings) first go through `fast.rs`, which gives up to the path above
//! on anything unusual. The measurements behind all of this are in
//! benches/README.md.

use std::sync::Arc;

use arrow::array::{new_null_array, ArrayRef, RecordBatch, RecordBatchOptions};
use arrow::csv::reader::Decoder;
use arrow::csv::ReaderBuilder;
use arrow::datatypes::{Schema, SchemaRef};
use arrow::error::ArrowError;
use regex::Regex;
use rusk_ops::{Error, Location, Result};

use super::append::BatchAppender;
use super::dates::{self, DateColumns};
use super::options::{CsvOptions, DateErrors, OnBadLines};
use super::partition::{self, Lines, RangeReader};
use super::{bad_lines, fast, locate, CsvFile, CsvSource};
use crate::dataset::PartitionRange;
use crate::metrics::ScanMetrics;

/// Rows per arrow-csv batch, appended to the partition's output one by one.
///
/// arrow-csv sizes its buffers by the batch (field offsets and text for
/// rows × columns): 8k rows of 9 columns keep them around 1 MB, in cache;
/// larger batches (64k rows: 9 MB) and one batch for a whole partition ran
/// slower (benches/README.md).
pub(super) const BATCH_ROWS: usize = 8192;

/// Why a decode stopped.
enum Failure {
    /// The data: worth a careful second look.
    Decode(ArrowError),
    /// Anything else (I/O): reported as it is.
    Fatal(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Fatal(e)
    }
}

impl From<ArrowError> for Failure {
    fn from(e: ArrowError) -> Self {
        Failure::Decode(e)
    }
}

/// A source of text chunks for the decoder; an empty chunk ends it.
pub(super) trait Chunks {
    fn next_chunk(&mut self) -> Result<&[u8]>;
}

impl Chunks for RangeReader {
    fn next_chunk(&mut self) -> Result<&[u8]> {
        RangeReader::next_chunk(self)
    }
}

/// Text already in memory, as one chunk.
struct InMemory<'a>(Option<&'a [u8]>);

impl Chunks for InMemory<'_> {
    fn next_chunk(&mut self) -> Result<&[u8]> {
        Ok(self.0.take().unwrap_or_default())
    }
}

impl CsvSource {
    /// Reads the lines starting in `start..end` of file `file`, keeping the
    /// merged columns at `projection`.
    pub(super) fn read_range(
        &self,
        file: &CsvFile,
        range: &PartitionRange,
        projection: &[usize],
        metrics: &ScanMetrics,
    ) -> Result<RecordBatch> {
        let mut fields = Vec::with_capacity(projection.len());
        let mut file_projection = Vec::with_capacity(projection.len());
        for &i in projection {
            let field = self.schema.fields().get(i).ok_or_else(|| {
                Error::Internal(format!("projection index {i} beyond {} columns", self.schema.fields().len()))
            })?;
            fields.push(Arc::clone(field));
            if let Some(Some(column)) = file.columns.get(i) {
                file_projection.push(*column);
            }
        }
        // Bytes of text (compressed files: unknown, 0, until read).
        let size_hint = match *range {
            PartitionRange::Bytes { start, end } => end.saturating_sub(start),
            _ => 0,
        };
        metrics.add_file();
        metrics.add_bytes(size_hint);
        let dialect = (self.opts.sep, self.opts.quote);
        let decoded = if file.decode_schema.fields().is_empty() {
            // A file without columns (empty, or blank lines): no rows either.
            RecordBatch::new_empty(Arc::new(Schema::empty()))
        } else {
            let schema = &file.decode_schema;
            let fast = if fast::applies(schema, &file_projection, &self.nulls) {
                let mut input = RangeReader::open(&file.source, range, dialect)?;
                fast::decode(schema, &self.opts, &file_projection, &self.nulls, &mut input, size_hint)?
            } else {
                None
            };
            match fast {
                Some(batch) => batch,
                // Not plain enough (or a value in error): arrow-csv reads it, and reports.
                None => {
                    let mut input = RangeReader::open(&file.source, range, dialect)?;
                    let regex = self.nulls.decode_regex();
                    match self.decode(file, &file_projection, regex, &mut input, size_hint) {
                        Ok(batch) => {
                            self.check_quotes(file, input.open_quote())?;
                            batch
                        }
                        Err(Failure::Fatal(e)) => return Err(e),
                        Err(Failure::Decode(first_error)) => {
                            let lines = partition::read_lines(&file.source, range, dialect)?;
                            // An open quote swallowed what follows it: that is the error.
                            self.check_quotes(file, lines.open_quote)?;
                            self.decode_carefully(file, &lines, &file_projection, metrics, first_error)?
                        }
                    }
                }
            }
        };
        let decoded = self.convert_dates(file, range, &file_projection, decoded, metrics)?;
        let rows = decoded.num_rows();
        let mut decoded_columns = decoded.columns().iter();
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(projection.len());
        for (&i, field) in projection.iter().zip(&fields) {
            let array = match file.columns.get(i) {
                Some(Some(_)) => Arc::clone(
                    decoded_columns
                        .next()
                        .ok_or_else(|| Error::Internal("csv decode returned too few columns".into()))?,
                ),
                _ => new_null_array(field.data_type(), rows),
            };
            arrays.push(array);
        }
        metrics.add_rows(rows as u64);
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arrays, &options)?)
    }

    /// Decodes `lines` after a first decode failed with `first_error`:
    /// bad lines, the null regex, then the exact place of the error.
    fn decode_carefully(
        &self,
        file: &CsvFile,
        lines: &Lines,
        projection: &[usize],
        metrics: &ScanMetrics,
        first_error: ArrowError,
    ) -> Result<RecordBatch> {
        let data = lines.data();
        let schema = &file.decode_schema;
        // From here on, only files with errors (or NA tokens in typed columns) pay.
        let expected = schema.fields().len();
        let bad = bad_lines::find(data, &self.opts, expected);
        let kept;
        let mut clean = data;
        if let Some(first) = bad.first() {
            match self.opts.on_bad_lines {
                OnBadLines::Error => {
                    let line = self.file_line(file, lines, first.start)?;
                    return Err(Error::MalformedRow {
                        expected,
                        found: first.found,
                        location: Box::new(Location {
                            file: Some(file.source.path.clone()),
                            line: Some(line),
                            ..Default::default()
                        }),
                    });
                }
                OnBadLines::Skip => {
                    metrics.add_bad_lines(bad.len() as u64);
                    kept = bad_lines::without(data, &bad);
                    clean = &kept;
                }
            }
        } else {
            // Not a bad line, so a value that only the regex reads as null,
            // or a real parse error: later partitions go straight to the regex.
            self.nulls.give_up_fast_path();
        }
        let second = self.decode(
            file,
            projection,
            Some(self.nulls.regex()),
            &mut InMemory(Some(clean)),
            clean.len() as u64,
        );
        match second {
            Ok(batch) => Ok(batch),
            Err(Failure::Fatal(e)) => Err(e),
            Err(Failure::Decode(second_error)) => {
                let dates = self.checked_dates(file);
                match locate::first_bad_value(data, &self.opts, schema, projection, &self.nulls, dates) {
                    Some(bad) => {
                        let line = self.file_line(file, lines, bad.row_start)?;
                        Err(Error::Parse {
                            value: bad.value,
                            data_type: bad.data_type,
                            location: Box::new(Location {
                                file: Some(file.source.path.clone()),
                                line: Some(line),
                                column: Some(schema.field(bad.column).name().clone()),
                                ..Default::default()
                            }),
                        })
                    }
                    // Nothing found that the checks know of: arrow's own words.
                    None => {
                        let source = if bad.is_empty() { first_error } else { second_error };
                        Err(Error::Arrow { source, location: Box::new(Location::file(&file.source.path)) })
                    }
                }
            }
        }
    }

    /// The date columns whose bad values are errors: `file`'s, unless
    /// `date_errors` coerces them.
    fn checked_dates<'a>(&self, file: &'a CsvFile) -> &'a DateColumns {
        static NONE: std::sync::OnceLock<DateColumns> = std::sync::OnceLock::new();
        match self.opts.date_errors {
            DateErrors::Raise => &file.dates,
            DateErrors::Coerce => NONE.get_or_init(DateColumns::default),
        }
    }

    /// `decoded` (columns `projection` of `file`, read from `range`) with
    /// its date columns converted from text to timestamps. Values that are
    /// not dates are counted and nulled under [`DateErrors::Coerce`];
    /// otherwise the first one, in row order, is the error.
    fn convert_dates(
        &self,
        file: &CsvFile,
        range: &PartitionRange,
        projection: &[usize],
        decoded: RecordBatch,
        metrics: &ScanMetrics,
    ) -> Result<RecordBatch> {
        if !file.dates.any() || !projection.iter().any(|&c| file.dates.get(c).is_some()) {
            return Ok(decoded);
        }
        let mut fields = Vec::with_capacity(projection.len());
        let mut columns = Vec::with_capacity(projection.len());
        let mut failed = 0;
        for ((&c, column), field) in projection.iter().zip(decoded.columns()).zip(decoded.schema().fields()) {
            match file.dates.get(c) {
                Some(parser) => {
                    let converted = dates::convert(column, parser)?;
                    failed += converted.failed;
                    fields.push(Arc::new(
                        field.as_ref().clone().with_data_type(converted.values.data_type().clone()),
                    ));
                    columns.push(converted.values);
                }
                None => {
                    fields.push(Arc::clone(field));
                    columns.push(Arc::clone(column));
                }
            }
        }
        if failed > 0 {
            match self.opts.date_errors {
                DateErrors::Coerce => metrics.add_dates_coerced(failed),
                DateErrors::Raise => return Err(self.bad_date(file, range, projection)),
            }
        }
        let options = RecordBatchOptions::new().with_row_count(Some(decoded.num_rows()));
        Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?)
    }

    /// The error for the first value of `range` in a date column of
    /// `projection` that is not a date.
    fn bad_date(&self, file: &CsvFile, range: &PartitionRange, projection: &[usize]) -> Error {
        let found =
            partition::read_lines(&file.source, range, (self.opts.sep, self.opts.quote)).and_then(|lines| {
                let schema = &file.decode_schema;
                match locate::first_bad_value(
                    lines.data(),
                    &self.opts,
                    schema,
                    projection,
                    &self.nulls,
                    &file.dates,
                ) {
                    Some(bad) => Ok(Error::Parse {
                        value: bad.value,
                        data_type: bad.data_type,
                        location: Box::new(Location {
                            file: Some(file.source.path.clone()),
                            line: Some(self.file_line(file, &lines, bad.row_start)?),
                            column: Some(schema.field(bad.column).name().clone()),
                            ..Default::default()
                        }),
                    }),
                    None => Err(Error::Internal(format!(
                        "a date in {} did not parse, and no bad value was found again (a bug in rusk)",
                        file.source.path.display()
                    ))),
                }
            });
        found.unwrap_or_else(|e| e)
    }

    /// An [`Error::UnterminatedQuote`] if a quoted field opened at
    /// `open_quote` (an offset in `file`'s text) is still open at the end.
    fn check_quotes(&self, file: &CsvFile, open_quote: Option<u64>) -> Result<()> {
        match open_quote {
            None => Ok(()),
            Some(at) => Err(Error::UnterminatedQuote {
                location: Box::new(Location {
                    file: Some(file.source.path.clone()),
                    line: Some(partition::newlines_before(&file.source.path, at)? + 1),
                    ..Default::default()
                }),
            }),
        }
    }

    /// The line in the file of the row whose span starts at `at` in `lines`.
    fn file_line(&self, file: &CsvFile, lines: &Lines, at: usize) -> Result<u64> {
        let before = partition::newlines_before(&file.source.path, lines.file_offset)?;
        Ok(before + bad_lines::line_of(lines.data(), at))
    }
}

/// Rows per batch for `len` bytes of `columns` columns: [`BATCH_ROWS`], or
/// fewer when the data cannot hold that many rows (arrow-csv allocates for
/// a full batch up front, which small partitions should not pay for). A row
/// takes at least one byte per column (delimiters and its line end), the
/// last row one less.
fn batch_rows(len: u64, columns: usize) -> usize {
    usize::try_from(len / columns.max(1) as u64 + 1).map_or(BATCH_ROWS, |rows| rows.min(BATCH_ROWS))
}

/// An arrow-csv decoder of the `projection` of `schema`; `null_regex`
/// `None` keeps arrow-csv's "empty is null".
fn decoder(
    schema: &SchemaRef,
    opts: &CsvOptions,
    projection: &[usize],
    null_regex: Option<&Regex>,
    batch_rows: usize,
) -> Decoder {
    let mut builder = ReaderBuilder::new(Arc::clone(schema))
        .with_header(false)
        .with_delimiter(opts.sep)
        .with_quote(opts.quote)
        .with_projection(projection.to_vec())
        .with_batch_size(batch_rows);
    if let Some(regex) = null_regex {
        builder = builder.with_null_regex(regex.clone());
    }
    builder.build_decoder()
}

impl CsvSource {
    /// Decodes the whole lines of `input` with `file`'s schema into one batch
    /// of its `projection`, nulling tokens and NaNs batch by batch;
    /// `size_hint` is about how many bytes `input` holds (0: unknown).
    fn decode(
        &self,
        file: &CsvFile,
        projection: &[usize],
        null_regex: Option<&Regex>,
        input: &mut impl Chunks,
        size_hint: u64,
    ) -> std::result::Result<RecordBatch, Failure> {
        let schema = &file.decode_schema;
        let rows_per_batch =
            if size_hint == 0 { BATCH_ROWS } else { batch_rows(size_hint, schema.fields().len()) };
        let mut decoder = decoder(schema, &self.opts, projection, null_regex, rows_per_batch);
        let mut out = BatchAppender::new(Arc::new(schema.project(projection)?));
        let mut decoded_bytes = 0u64;
        let mut reserved = false;
        // csv-core drops a UTF-8 BOM at the start of every input it is
        // given, but this input starts mid-file (a file's own BOM is skipped
        // with its header), where a BOM is data, as pandas reads it: fed on
        // its own, a first byte cannot be taken for a BOM.
        let mut first = true;
        loop {
            let chunk = input.next_chunk()?;
            let at_end = chunk.is_empty();
            let mut rest = chunk;
            loop {
                let piece = match rest.split_first() {
                    Some((&0xEF, _)) if first => &rest[..1],
                    _ => rest,
                };
                first = first && rest.is_empty();
                let consumed = decoder.decode(piece)?;
                rest = rest.get(consumed..).unwrap_or_default();
                decoded_bytes += consumed as u64;
                // An empty chunk tells the decoder the input ended (finishing
                // a last line without a newline); a full decoder must flush.
                if decoder.capacity() == 0 || (at_end && consumed == 0) {
                    match decoder.flush()? {
                        Some(batch) => {
                            out.push(&batch, |array| self.nulls.apply(array))?;
                            if !reserved && size_hint > 0 && decoded_bytes > 0 {
                                // Room for the rest, by the bytes per row so far, plus slack.
                                let rows = out.rows() as f64 * size_hint as f64 / decoded_bytes as f64;
                                out.reserve((rows * 1.1) as usize + 64);
                                reserved = true;
                            }
                        }
                        None if at_end => return Ok(out.finish()?),
                        None => {}
                    }
                } else if consumed == 0 && !rest.is_empty() {
                    return Err(Failure::Fatal(Error::Internal("csv decoder made no progress".into())));
                }
                if rest.is_empty() && !at_end {
                    break;
                }
            }
        }
    }
}
