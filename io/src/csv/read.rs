//! Reading one partition: its lines, decoded by arrow-csv with the merged
//! schema, into one `RecordBatch` of the projected columns.
//!
//! ```text
//! read_lines ─► decode (no null regex) ─ok─► null tokens / NaN ─► add missing columns
//!                  │err
//!                  ▼
//!               bad lines? ─ error ─► MalformedRow (file line)
//!                  │ skip: cut them, count them
//!                  ▼
//!               decode (null regex) ─ok─► (as above)
//!                  │err
//!                  ▼
//!               first bad value ─► Parse (file line, column)
//! ```
//!
//! Measured on 1e6 rows of the h2o groupby shape (3 string, 6 int, 1 float
//! columns, 58 MB), one thread, release build, this 2-core machine: see
//! [`BATCH_ROWS`] and `na.rs` for what the choices saved.

use std::sync::Arc;

use arrow::array::{new_null_array, ArrayRef, RecordBatch, RecordBatchOptions};
use arrow::compute::concat_batches;
use arrow::csv::ReaderBuilder;
use arrow::datatypes::{Schema, SchemaRef};
use arrow::error::ArrowError;
use regex::Regex;
use rusk_ops::{Error, Location, Result};

use super::options::{CsvOptions, OnBadLines};
use super::partition::{self, Lines};
use super::{bad_lines, locate, CsvFile, CsvSource};
use crate::metrics::ScanMetrics;

/// Rows per arrow-csv batch before the partition's batches are concatenated.
///
/// arrow-csv sizes its buffers by the batch (offsets and text for
/// rows × columns), so one batch for a whole 64 MiB partition would zero
/// hundreds of MB; batches of 64k rows stay in cache and the final
/// concatenation costs less than what they save.
pub(super) const BATCH_ROWS: usize = 65_536;

impl CsvSource {
    /// Reads the lines starting in `start..end` of file `file`, keeping the
    /// merged columns at `projection`.
    pub(super) fn read_range(
        &self,
        file: &CsvFile,
        start: u64,
        end: u64,
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
        metrics.add_file();
        metrics.add_bytes(end.saturating_sub(start));
        let lines = partition::read_lines(&file.path, start, end, file.data_start)?;
        let decoded = if file.decode_schema.fields().is_empty() {
            // A file without columns (empty, or blank lines): no rows either.
            RecordBatch::new_empty(Arc::new(Schema::empty()))
        } else {
            self.decode_lines(file, &lines, &file_projection, metrics)?
        };
        let rows = decoded.num_rows();
        let mut decoded_columns = decoded.columns().iter();
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(projection.len());
        for (&i, field) in projection.iter().zip(&fields) {
            let array = match file.columns.get(i) {
                Some(Some(_)) => {
                    let array = decoded_columns
                        .next()
                        .ok_or_else(|| Error::Internal("csv decode returned too few columns".into()))?;
                    self.nulls.apply(Arc::clone(array))
                }
                _ => new_null_array(field.data_type(), rows),
            };
            arrays.push(array);
        }
        metrics.add_rows(rows as u64);
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arrays, &options)?)
    }

    /// Decodes `lines` (fast, then on failure carefully, see the module docs).
    fn decode_lines(
        &self,
        file: &CsvFile,
        lines: &Lines,
        projection: &[usize],
        metrics: &ScanMetrics,
    ) -> Result<RecordBatch> {
        let data = lines.data();
        let schema = &file.decode_schema;
        let first_error = match decode(schema, &self.opts, projection, self.nulls.decode_regex(), data) {
            Ok(batch) => return Ok(batch),
            Err(e) => e,
        };
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
                            file: Some(file.path.clone()),
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
        match decode(schema, &self.opts, projection, Some(self.nulls.regex()), clean) {
            Ok(batch) => Ok(batch),
            Err(second_error) => {
                match locate::first_bad_value(data, &self.opts, schema, projection, &self.nulls) {
                    Some(bad) => {
                        let line = self.file_line(file, lines, bad.row_start)?;
                        Err(Error::Parse {
                            value: bad.value,
                            data_type: bad.data_type,
                            location: Box::new(Location {
                                file: Some(file.path.clone()),
                                line: Some(line),
                                column: Some(schema.field(bad.column).name().clone()),
                                ..Default::default()
                            }),
                        })
                    }
                    // Nothing found that the checks know of: arrow's own words.
                    None => {
                        let source = if bad.is_empty() { first_error } else { second_error };
                        Err(Error::Arrow { source, location: Box::new(Location::file(&file.path)) })
                    }
                }
            }
        }
    }

    /// The line in the file of the row whose span starts at `at` in `lines`.
    fn file_line(&self, file: &CsvFile, lines: &Lines, at: usize) -> Result<u64> {
        let before = partition::newlines_before(&file.path, lines.file_offset)?;
        Ok(before + bad_lines::line_of(lines.data(), at))
    }
}

/// Rows per batch for `len` bytes of `columns` columns: [`BATCH_ROWS`], or
/// fewer when the data cannot hold that many rows (arrow-csv allocates for
/// a full batch up front, which small partitions should not pay for). A row
/// takes at least one byte per column (delimiters and its line end), the
/// last row one less.
fn batch_rows(len: usize, columns: usize) -> usize {
    (len / columns.max(1) + 1).min(BATCH_ROWS)
}

/// Decodes `data` (whole lines, no header) with arrow-csv into one batch of
/// the `projection` of `schema`; `null_regex` `None` keeps arrow-csv's
/// "empty is null".
pub(super) fn decode(
    schema: &SchemaRef,
    opts: &CsvOptions,
    projection: &[usize],
    null_regex: Option<&Regex>,
    data: &[u8],
) -> std::result::Result<RecordBatch, ArrowError> {
    let mut builder = ReaderBuilder::new(Arc::clone(schema))
        .with_header(false)
        .with_delimiter(opts.sep)
        .with_quote(opts.quote)
        .with_projection(projection.to_vec())
        .with_batch_size(batch_rows(data.len(), schema.fields().len()));
    if let Some(regex) = null_regex {
        builder = builder.with_null_regex(regex.clone());
    }
    let mut decoder = builder.build_decoder();
    let mut batches = Vec::new();
    let mut rest = data;
    loop {
        let consumed = decoder.decode(rest)?;
        rest = rest.get(consumed..).unwrap_or_default();
        // An empty `rest` tells the decoder the input ended (finishing a
        // last line without a newline); a full decoder must be flushed.
        if consumed == 0 || decoder.capacity() == 0 {
            match decoder.flush()? {
                Some(batch) => batches.push(batch),
                None if consumed == 0 => break,
                None => {}
            }
        }
    }
    let projected = Arc::new(schema.project(projection)?);
    match batches.len() {
        0 => Ok(RecordBatch::new_empty(projected)),
        1 => Ok(batches.swap_remove(0)),
        _ => concat_batches(&projected, &batches),
    }
}
