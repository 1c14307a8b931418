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

use std::sync::Arc;

use arrow::array::{
    new_empty_array, new_null_array, ArrayRef, RecordBatch, RecordBatchOptions, RecordBatchReader,
};
use arrow::compute::{cast, concat_batches};
use arrow::datatypes::{DataType, FieldRef, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use rusk_ops::{Error, Result};

use super::dictionary::concat_dictionaries;
use super::open::{ParquetFile, ParquetSource};
use super::views::without_unused_buffers;
use crate::dataset::{PartitionRange, ScanPartition};
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
    metrics: &ScanMetrics,
) -> Result<RecordBatch> {
    let file = source
        .files
        .get(part.file)
        .ok_or_else(|| Error::Internal(format!("parquet partition of unknown file {}", part.file)))?;
    let path = file.source.path.as_path();
    let PartitionRange::RowGroups(row_groups) = &part.range else {
        return Err(Error::Internal(format!("parquet partition with a byte range: {part:?}")));
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
    let mut bytes: i64 = 0;
    let mut rows: i64 = 0;
    for &rg in row_groups {
        // In range: checked above.
        let row_group = metadata.row_group(rg);
        rows += row_group.num_rows();
        for (leaf, chunk) in row_group.columns().iter().enumerate() {
            if roots.binary_search(&parquet_schema.get_column_root_idx(leaf)).is_ok() {
                bytes += chunk.compressed_size();
            }
        }
    }

    let decoded: Vec<(String, ArrayRef)> = if rows == 0 || roots.is_empty() {
        // Nothing to decode (the footer counted the rows): the file is not
        // even opened again.
        let projected = file_schema.project(&roots)?;
        projected.fields().iter().map(|f| (f.name().clone(), new_empty_array(f.data_type()))).collect()
    } else {
        // Row groups holding rows: an empty one yields no batch anyway.
        let non_empty: Vec<usize> =
            row_groups.iter().copied().filter(|&rg| metadata.row_group(rg).num_rows() > 0).collect();
        let (dictionary, other): (Vec<usize>, Vec<usize>) = if non_empty.len() > 1 {
            roots
                .iter()
                .partition(|&&i| matches!(file_schema.field(i).data_type(), DataType::Dictionary(_, _)))
        } else {
            (vec![], roots.clone())
        };
        let mut decoded = Vec::with_capacity(roots.len());
        if !other.is_empty() {
            let batch = decode(file, &other, non_empty.clone(), rows)?;
            for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
                let column = without_unused_buffers(column)
                    .map_err(|e| e.with_file(path).with_column(field.name()))?
                    .unwrap_or_else(|| Arc::clone(column));
                decoded.push((field.name().clone(), column));
            }
        }
        if !dictionary.is_empty() {
            let mut pieces: Vec<Vec<ArrayRef>> = vec![Vec::with_capacity(non_empty.len()); dictionary.len()];
            for &rg in &non_empty {
                let batch = decode(file, &dictionary, vec![rg], metadata.row_group(rg).num_rows())?;
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
        decoded
    };
    let num_rows = usize::try_from(rows).map_err(|_| Error::parquet(format!("row count {rows}"), path))?;
    if let Some((name, bad)) = decoded.iter().find(|(_, c)| c.len() != num_rows) {
        return Err(Error::parquet(
            format!(
                "row groups {row_groups:?} hold {rows} rows but {} were decoded of column {name}",
                bad.len()
            ),
            path,
        ));
    }

    let mut columns: Vec<ArrayRef> = Vec::with_capacity(fields.len());
    for field in &fields {
        let column = match decoded.iter().find(|(name, _)| name == field.name()) {
            Some((_, c)) if c.data_type() == field.data_type() => Arc::clone(c),
            Some((_, c)) => cast(c, field.data_type())
                .map_err(|e| Error::from(e).with_file(path).with_column(field.name()))?,
            None => new_null_array(field.data_type(), num_rows),
        };
        columns.push(column);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(num_rows));
    let batch = RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?;

    metrics.add_file();
    metrics.add_row_groups(row_groups.len() as u64);
    metrics.add_rows(num_rows as u64);
    metrics.add_bytes(u64::try_from(bytes).unwrap_or(0));
    Ok(batch)
}

/// Decodes the root columns `roots` of `row_groups` (which hold `rows` rows)
/// as one batch: the batch size is `rows`, so the decoder sizes each column
/// exactly once and yields one batch.
fn decode(file: &ParquetFile, roots: &[usize], row_groups: Vec<usize>, rows: i64) -> Result<RecordBatch> {
    let path = file.source.path.as_path();
    let reader = file.open()?;
    let handle = reader.try_clone().map_err(|e| Error::io(e, path))?;
    let mask = ProjectionMask::roots(file.reader.parquet_schema(), roots.iter().copied());
    let batch_size = usize::try_from(rows).unwrap_or(usize::MAX).max(1);
    let decoder = ParquetRecordBatchReaderBuilder::new_with_metadata(reader, file.reader.clone())
        .with_projection(mask)
        .with_row_groups(row_groups)
        .with_batch_size(batch_size)
        .build()
        .map_err(|e| Error::parquet(e, path))?;
    let schema = decoder.schema();
    let decoded = decoder.collect::<Result<Vec<_>, _>>();
    // A file rewritten during the read: its error, or its rows, are not this file's.
    file.source.check(&handle)?;
    let mut batches = decoded.map_err(|e| Error::parquet(e, path))?;
    match batches.len() {
        0 => Ok(RecordBatch::new_empty(schema)),
        1 => batches.pop().ok_or_else(|| Error::Internal("a batch vanished (a bug in rusk)".into())),
        // Not expected with a batch size of all the rows; still correct.
        _ => concat_batches(&schema, &batches).map_err(|e| Error::from(e).with_file(path)),
    }
}
