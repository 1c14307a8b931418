//! Reading one partition: some row groups of one file, only the projected
//! columns, cast to the merged schema, as one batch.
//!
//! The columns are decoded in two groups, so that nothing is decoded into
//! a buffer that is then copied, and no dictionary is rebuilt:
//!
//! ```text
//!   other columns ──── one decoder, one batch of all the rows ──────┐
//!                                                                    ├─ one batch
//!   dictionary columns ── a decoder per row group ── merged keys ───┘
//! ```
//!
//! arrow-rs keeps a dictionary column's keys only while a batch reads from
//! one dictionary, and each row group has its own: a batch that spans two
//! row groups is expanded to strings and hashed back into a dictionary
//! (`DictionaryBuffer::spill_values`, then `pack_values_from_offsets`),
//! several times slower than keeping the keys. So dictionary columns are
//! read a row group at a time and their keys joined (`dictionary.rs`). The
//! other columns are read as one batch, which fills each column's buffer
//! once: a batch per row group and `concat_batches` copies every byte again
//! and faults in twice the memory. (Measured: benches/README.md.)
//!
//! A dictionary column's batch is at most [`SELECTED_INPUT_ROWS`] rows even
//! so: arrow-rs (60) grows a batch's keys by exactly each page's rows, so a
//! batch of a whole row group copied its keys once per page (pyarrow
//! writes pages of 20,000 rows: 32 copies of a growing buffer for a
//! 625,000-row row group, a tenth of a Parquet read's time). The batches
//! of one row group share its dictionary and their keys are joined.

use std::sync::Arc;

use arrow::array::{
    new_empty_array, new_null_array, Array, ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions,
    RecordBatchReader,
};
use arrow::compute::cast;
use arrow::datatypes::{DataType, FieldRef, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReaderBuilder, RowSelection, RowSelector};
use parquet::arrow::ProjectionMask;
use rusk_ops::{Error, Result};

use super::choose::Chooser;
use super::dictionary::{concat_batches, concat_dictionaries};
use super::open::{ParquetFile, ParquetSource};
use super::top::TopSkip;
use super::views::without_unused_buffers;
use crate::dataset::{Keep, PartitionRange, ScanPartition};
use crate::metrics::ScanMetrics;

/// Reads `part`: the columns of the merged schema at `projection`, in that
/// order; a column the file lacks is all null, one of another type is cast.
///
/// Only the projected columns' chunks of the partition's row groups are
/// decoded, and only their compressed sizes are counted in
/// [`ScanMetrics::add_bytes`].
///
/// # Errors
/// [`Error::Io`] when the file does not open, [`Error::Parquet`] naming the
/// file when it does not decode, [`Error::Arrow`] when a column does not cast
/// to its merged type, [`Error::Internal`] for a partition or projection
/// this source did not make.
pub(crate) fn read_partition(
    source: &ParquetSource,
    part: &ScanPartition,
    projection: &[usize],
    keep: Option<Keep<'_>>,
    metrics: &ScanMetrics,
) -> Result<RecordBatch> {
    let file = source.file(part)?;
    let path = file.source.path.as_path();
    let (row_groups, slice) = match &part.range {
        PartitionRange::RowGroups(row_groups) => (row_groups.as_slice(), None),
        PartitionRange::RowSlice { row_group, start, end } => {
            (std::slice::from_ref(row_group), Some((*start, *end)))
        }
        PartitionRange::Bytes { .. } | PartitionRange::Decoded { .. } => {
            return Err(Error::Internal(format!("parquet partition with a byte range: {part:?}")));
        }
    };
    let metadata = file.reader.metadata();
    if let Some(bad) = row_groups.iter().find(|&&rg| rg >= metadata.num_row_groups()) {
        return Err(Error::Internal(format!(
            "row group {bad} of {} asked for, the file has {}",
            path.display(),
            metadata.num_row_groups()
        )));
    }
    let fields: Vec<FieldRef> = projection
        .iter()
        .map(|&i| {
            source.schema.fields().get(i).cloned().ok_or_else(|| {
                Error::Internal(format!(
                    "projection index {i} beyond {} columns",
                    source.schema.fields().len()
                ))
            })
        })
        .collect::<Result<_>>()?;

    // The file's root columns the projection names, in file order (the
    // order the decoder yields them in).
    let file_schema = file.reader.schema();
    let mut roots: Vec<usize> = fields.iter().filter_map(|f| file_schema.index_of(f.name()).ok()).collect();
    roots.sort_unstable();
    roots.dedup();
    let parquet_schema = file.reader.parquet_schema();
    // The projected chunks' stored bytes of row group `rg` (in range: checked above).
    let chunk_bytes = |rg: usize| -> i64 {
        let chunks = metadata.row_group(rg).columns().iter().enumerate();
        chunks
            .filter(|(leaf, _)| roots.binary_search(&parquet_schema.get_column_root_idx(*leaf)).is_ok())
            .map(|(_, chunk)| chunk.compressed_size())
            .sum()
    };
    let mut bytes: i64 = row_groups.iter().map(|&rg| chunk_bytes(rg)).sum();
    let mut rows: i64 = row_groups.iter().map(|&rg| metadata.row_group(rg).num_rows()).sum();

    // A slice reads its rows of its row group: a selection of them.
    let base = match slice {
        None => None,
        Some((start, end)) if start <= end && end <= u64::try_from(rows).unwrap_or(0) => {
            let (start, end) = (start as usize, end as usize);
            let all = rows as usize;
            let runs =
                [RowSelector::skip(start), RowSelector::select(end - start), RowSelector::skip(all - end)];
            // Its share of the chunks' bytes.
            bytes = bytes * (end - start) as i64 / rows.max(1);
            rows = (end - start) as i64;
            Some(RowSelection::from(runs.into_iter().filter(|r| r.row_count > 0).collect::<Vec<_>>()))
        }
        Some((start, end)) => {
            return Err(Error::Internal(format!("rows {start}..{end} of a row group of {rows} asked for")));
        }
    };
    let num_rows = usize::try_from(rows).map_err(|_| Error::parquet(format!("row count {rows}"), path))?;
    // Row groups a top-k skipped by their statistics are not counted as read.
    let mut skipped: Vec<usize> = Vec::new();
    let batch = if rows == 0 || roots.is_empty() {
        // Nothing to decode (the footer counted the rows): the file is not
        // even opened again.
        let projected = file_schema.project(&roots)?;
        let decoded: Vec<(String, ArrayRef)> =
            projected.fields().iter().map(|f| (f.name().clone(), new_empty_array(f.data_type()))).collect();
        let batch = assemble(&fields, &decoded, num_rows, path)?;
        match keep {
            Some(keep) => keep.apply(&batch)?,
            None => batch,
        }
    } else {
        // Row groups holding rows: an empty one yields no batch anyway.
        let non_empty: Vec<usize> =
            row_groups.iter().copied().filter(|&rg| metadata.row_group(rg).num_rows() > 0).collect();
        let read = Read { file, non_empty, base, num_rows };
        match keep {
            Some(keep) => read.chosen(&fields, &roots, keep, &mut skipped)?,
            None => assemble(&fields, &read.decode(&roots, None)?, num_rows, path)?,
        }
    };
    if slice.is_some() && !skipped.is_empty() {
        // The slice's one row group.
        (bytes, rows) = (0, 0);
    } else {
        bytes -= skipped.iter().map(|&rg| chunk_bytes(rg)).sum::<i64>();
        rows -= skipped.iter().map(|&rg| metadata.row_group(rg).num_rows()).sum::<i64>();
    }

    metrics.add_file();
    metrics.add_row_groups((row_groups.len() - skipped.len()) as u64);
    metrics.add_rows(u64::try_from(rows).unwrap_or(0));
    metrics.add_bytes(u64::try_from(bytes).unwrap_or(0));
    Ok(batch)
}

/// `batch`'s columns with their names, as [`assemble`] takes them.
fn named_columns(batch: &RecordBatch) -> Vec<(String, ArrayRef)> {
    batch
        .schema()
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(f, c)| (f.name().clone(), Arc::clone(c)))
        .collect()
}

/// The partition's projected `fields` from the decoded columns (by file
/// name): each cast to its merged type, a column the file lacks all null.
fn assemble(
    fields: &[FieldRef],
    decoded: &[(String, ArrayRef)],
    num_rows: usize,
    path: &std::path::Path,
) -> Result<RecordBatch> {
    if let Some((name, bad)) = decoded.iter().find(|(_, c)| c.len() != num_rows) {
        return Err(Error::parquet(
            format!("{num_rows} rows were expected but {} were decoded of column {name}", bad.len()),
            path,
        ));
    }
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(fields.len());
    for field in fields {
        let column = match decoded.iter().find(|(name, _)| name == field.name()) {
            Some((_, c)) if c.data_type() == field.data_type() => Arc::clone(c),
            Some((_, c)) => cast(c, field.data_type())
                .map_err(|e| Error::from(e).with_file(path).with_column(field.name()))?,
            None => new_null_array(field.data_type(), num_rows),
        };
        columns.push(column);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(num_rows));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields.to_vec())), columns, &options)?)
}

/// Below this share of a partition's rows passing its filter, the other
/// columns are decoded for those rows alone (late materialization); above
/// it, arrow-rs's row selection (a run list built from the mask, then
/// turned back into a mask) costs more than decoding every row and
/// filtering. Measured on 1e7 h2o rows: 30% kept, 0.095 s with a
/// selection, 0.078 s without; 10% kept, 0.07 s with, 0.10 s without
/// (0.5 until 2026-12-07).
const LATE_MATERIALIZATION_SHARE: f64 = 0.2;

/// About how many input rows a decode with a row selection reads per batch
/// (65,536 took the regex bench's read from 0.14 to 0.10 s; 16,384 and
/// 262,144 were slower).
const SELECTED_INPUT_ROWS: usize = 65_536;

/// The decoding of some row groups of one file, or of a slice of one.
struct Read<'a> {
    file: &'a ParquetFile,
    /// The row groups holding rows, in order.
    non_empty: Vec<usize>,
    /// The rows of a slice of one row group, or `None` for all.
    base: Option<RowSelection>,
    /// The rows read.
    num_rows: usize,
}

impl Read<'_> {
    /// The rows to decode: the partition's, or those `mask` (over the
    /// partition's rows) holds true for.
    fn selection(&self, mask: Option<&BooleanArray>) -> Option<RowSelection> {
        let mask = mask.map(|m| RowSelection::from_filters(std::slice::from_ref(m)));
        match (&self.base, mask) {
            (None, mask) => mask,
            (Some(base), None) => Some(base.clone()),
            (Some(base), Some(mask)) => Some(base.and_then(&mask)),
        }
    }

    /// Rows a batch of a decode with `mask` holds: every row at once
    /// without one; with one, the kept rows of about
    /// [`SELECTED_INPUT_ROWS`] input rows (see [`decode`]).
    fn batch_size(all: usize, mask: Option<&BooleanArray>) -> usize {
        match mask {
            None => all.max(1),
            Some(mask) => mask.true_count().div_ceil(all.div_ceil(SELECTED_INPUT_ROWS).max(1)).max(1),
        }
    }

    /// The root columns `roots` (file order) of every row, or of the rows
    /// `selected` holds true for.
    fn decode(&self, roots: &[usize], selected: Option<&BooleanArray>) -> Result<Vec<(String, ArrayRef)>> {
        let (file, path) = (self.file, self.file.source.path.as_path());
        let metadata = file.reader.metadata();
        let file_schema = file.reader.schema();
        let (dictionary, other): (Vec<usize>, Vec<usize>) = roots
            .iter()
            .partition(|&&i| matches!(file_schema.field(i).data_type(), DataType::Dictionary(_, _)));
        let mut decoded = Vec::with_capacity(roots.len());
        if !other.is_empty() {
            let batch_size = Self::batch_size(self.num_rows, selected);
            let batch = decode(file, &other, self.non_empty.clone(), batch_size, self.selection(selected))?;
            for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
                let column = without_unused_buffers(column).unwrap_or_else(|| Arc::clone(column));
                decoded.push((field.name().clone(), column));
            }
        }
        if !dictionary.is_empty() {
            let mut pieces: Vec<Vec<ArrayRef>> =
                vec![Vec::with_capacity(self.non_empty.len()); dictionary.len()];
            let mut offset = 0;
            let single = self.non_empty.len() == 1;
            for &rg in &self.non_empty {
                let (selection, batch_size) = if single {
                    // The partition's rows, perhaps a slice of the row group.
                    (self.selection(selected), Self::batch_size(self.num_rows, selected))
                } else {
                    // Several row groups, so no slice of one.
                    let rows = metadata.row_group(rg).num_rows();
                    let len = usize::try_from(rows)
                        .map_err(|_| Error::parquet(format!("row count {rows}"), path))?;
                    let mask = selected.map(|s| s.slice(offset, len));
                    offset += len;
                    let selection =
                        mask.as_ref().map(|m| RowSelection::from_filters(std::slice::from_ref(m)));
                    (selection, Self::batch_size(len, mask.as_ref()))
                };
                let batch_size = batch_size.min(SELECTED_INPUT_ROWS);
                let batch = decode(file, &dictionary, vec![rg], batch_size, selection)?;
                for (column, piece) in batch.columns().iter().zip(&mut pieces) {
                    piece.push(Arc::clone(column));
                }
            }
            for (&root, piece) in dictionary.iter().zip(&pieces) {
                let name = file_schema.field(root).name();
                let column = concat_dictionaries(piece).map_err(|e| e.with_file(path).with_column(name))?;
                decoded.push((name.clone(), column));
            }
        }
        Ok(decoded)
    }

    /// The rows of `fields` that `keep` keeps. The columns it reads are
    /// streamed first, a row group at a time, in batches judged as they
    /// come (`choose.rs`); a top-k skips the row groups whose statistics
    /// prove they hold no winner (`top.rs`), adding them to `skipped`. When
    /// few rows are kept, the others are decoded for those rows alone, so
    /// a selective choice does not pay for decoding every column of every
    /// row.
    fn chosen(
        &self,
        fields: &[FieldRef],
        roots: &[usize],
        keep: Keep<'_>,
        skipped: &mut Vec<usize>,
    ) -> Result<RecordBatch> {
        let path = self.file.source.path.as_path();
        let file_schema = self.file.reader.schema();
        let by = keep.columns();
        let (by_roots, rest): (Vec<usize>, Vec<usize>) =
            roots.iter().partition(|&&i| by.contains(file_schema.field(i).name()));
        if by_roots.is_empty() {
            let batch = assemble(fields, &self.decode(roots, None)?, self.num_rows, path)?;
            return keep.apply(&batch);
        }
        let by_fields: Vec<FieldRef> = fields.iter().filter(|f| by.contains(f.name())).cloned().collect();
        let by_schema = Arc::new(Schema::new(by_fields.clone()));
        let skip = match keep {
            Keep::Top(top) => top.keys.first().and_then(|first| {
                let read_type = by_fields.iter().find(|f| f.name() == &first.column)?.data_type();
                TopSkip::new(self.file, &self.non_empty, top, read_type)
            }),
            Keep::Where(_) => None,
        };
        let mut chooser = Chooser::new(keep);
        let mut offset = 0;
        for (i, &rg) in self.non_empty.iter().enumerate() {
            if let Some(skip) = &skip {
                let rows = self.rows_of(rg)?;
                chooser.settle(rows)?;
                skip.publish(chooser.worst());
                if skip.skips(i, chooser.worst()) {
                    offset += rows;
                    skipped.push(rg);
                    continue;
                }
            }
            self.stream(&by_roots, rg, |decoded| {
                let rows = decoded.num_rows();
                chooser.push(&assemble(&by_fields, &named_columns(&decoded), rows, path)?, offset)?;
                offset += rows;
                Ok(())
            })?;
        }
        if let Some(skip) = &skip {
            // For the partitions still to come.
            chooser.settle(usize::MAX)?;
            skip.publish(chooser.worst());
        }
        if offset != self.num_rows {
            return Err(Error::parquet(
                format!("{} rows were expected but {offset} were decoded", self.num_rows),
                path,
            ));
        }
        let (kept_by, mask) = chooser.finish(&by_schema, self.num_rows)?;
        let kept = kept_by.num_rows();
        let mut kept_columns = named_columns(&kept_by);
        // With no row kept the other columns are not opened: `assemble`
        // makes them empty.
        if !rest.is_empty() && kept > 0 {
            if kept as f64 > LATE_MATERIALIZATION_SHARE * self.num_rows as f64 {
                for (name, column) in self.decode(&rest, None)? {
                    kept_columns.push((name, arrow::compute::filter(column.as_ref(), &mask)?));
                }
            } else {
                kept_columns.extend(self.decode(&rest, Some(&mask))?);
            }
        }
        assemble(fields, &kept_columns, kept, path)
    }

    /// The rows of row group `rg` this read reads: the slice's, or all.
    fn rows_of(&self, rg: usize) -> Result<usize> {
        if self.base.is_some() {
            return Ok(self.num_rows);
        }
        let rows = self.file.reader.metadata().row_group(rg).num_rows();
        usize::try_from(rows).map_err(|_| Error::parquet(format!("row count {rows}"), &self.file.source.path))
    }

    /// Decodes the root columns `roots` of row group `rg` (the slice's rows
    /// of it, for a slice) in batches of about [`SELECTED_INPUT_ROWS`]
    /// rows, in row order, handing each to `each`. When a column is
    /// dictionary encoded the row group is one batch instead: its keys are
    /// kept (see the module's note), and a choice that evaluates a
    /// dictionary's entries once (a regex, `isin`) does so once per row
    /// group, not once per slice of it (measured: the regex bench's read
    /// took 0.19 s in slices, 0.10 s by row group).
    fn stream(
        &self,
        roots: &[usize],
        rg: usize,
        mut each: impl FnMut(RecordBatch) -> Result<()>,
    ) -> Result<()> {
        let file_schema = self.file.reader.schema();
        let dictionary =
            roots.iter().any(|&i| matches!(file_schema.field(i).data_type(), DataType::Dictionary(_, _)));
        let (file, base) = (self.file, self.selection(None));
        if dictionary {
            return each(decode(file, roots, vec![rg], SELECTED_INPUT_ROWS, base)?);
        }
        for_each_batch(file, roots, vec![rg], SELECTED_INPUT_ROWS, base, &mut each).map(drop)
    }
}

/// Decodes the root columns `roots` of `row_groups` (the rows `selection`
/// holds, when given) as one batch, decoded `batch_size` rows at a time.
/// Read whole, the batch size is every row, so the decoder yields one batch
/// and nothing is concatenated. With a filter's selection, a batch of
/// every row would first decode every row of the row groups into buffers
/// that grow to their full size, to keep a few of them; batches of about
/// SELECTED_INPUT_ROWS input rows reuse small buffers, and only the kept
/// rows are joined at the end ([`Read::batch_size`]). Dictionary columns
/// are read in batches of at most that many rows (see the module's note).
fn decode(
    file: &ParquetFile,
    roots: &[usize],
    row_groups: Vec<usize>,
    batch_size: usize,
    selection: Option<RowSelection>,
) -> Result<RecordBatch> {
    let path = file.source.path.as_path();
    let mut batches = Vec::new();
    let schema = for_each_batch(file, roots, row_groups, batch_size, selection, &mut |batch| {
        batches.push(batch);
        Ok(())
    })?;
    concat_batches(&schema, &batches).map_err(|e| e.with_file(path))
}

/// Decodes the root columns `roots` of `row_groups` in batches of
/// `batch_size` rows (of the rows `selection` holds, when given), handing
/// each to `each`; the batches' schema.
fn for_each_batch(
    file: &ParquetFile,
    roots: &[usize],
    row_groups: Vec<usize>,
    batch_size: usize,
    selection: Option<RowSelection>,
    each: &mut impl FnMut(RecordBatch) -> Result<()>,
) -> Result<SchemaRef> {
    let path = file.source.path.as_path();
    let reader = file.open()?;
    let handle = reader.try_clone().map_err(|e| Error::io(e, path))?;
    let mask = ProjectionMask::roots(file.reader.parquet_schema(), roots.iter().copied());
    let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(reader, file.reader.clone())
        .with_projection(mask)
        .with_row_groups(row_groups)
        .with_batch_size(batch_size);
    if let Some(selection) = selection {
        builder = builder.with_row_selection(selection);
    }
    let decoder = builder.build().map_err(|e| Error::parquet(e, path))?;
    let schema = decoder.schema();
    for batch in decoder {
        match batch {
            Ok(batch) => each(batch)?,
            Err(e) => {
                // A file rewritten during the read: its error is not this file's.
                file.source.check(&handle)?;
                return Err(Error::parquet(e, path));
            }
        }
    }
    // Nor are its rows.
    file.source.check(&handle)?;
    Ok(schema)
}
