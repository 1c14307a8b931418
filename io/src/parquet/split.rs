//! Cutting Parquet partitions to a size: runs of whole row groups where
//! they fit, slices of a row group where one alone does not.
//!
//! Sizes are estimated from the footer: a column chunk decodes to its
//! uncompressed size, but to at least its fixed width a row (a dictionary-
//! or run-length-encoded chunk is small on disk and in its pages, not in
//! Arrow: a string becomes a 16-byte view, an integer its full width).
//!
//! Reading a slice costs little more than its share of the row group:
//! arrow-rs skips the pages before the slice by their headers (their row
//! counts), decompressing only the page the slice starts in.

use parquet::basic::Type as PhysicalType;
use parquet::file::metadata::RowGroupMetaData;
use rusk_ops::{Error, Result};

use super::open::{ParquetFile, ParquetSource};
use crate::dataset::{PartitionRange, ScanPartition};

/// `part` cut into partitions whose root columns at `projection` (indices
/// into the merged schema) decode to about `max_bytes` or less each.
///
/// # Errors
/// [`Error::Internal`] for a partition this source did not make.
pub(crate) fn split(
    source: &ParquetSource,
    part: &ScanPartition,
    projection: &[usize],
    max_bytes: u64,
) -> Result<Vec<ScanPartition>> {
    let file = source.file(part)?;
    let PartitionRange::RowGroups(row_groups) = &part.range else {
        // A slice is cut once, when it is made.
        return Ok(vec![part.clone()]);
    };
    let names: Vec<&str> =
        projection.iter().filter_map(|&i| source.schema.fields().get(i)).map(|f| f.name().as_str()).collect();
    let roots: Vec<usize> = names.iter().filter_map(|n| file.reader.schema().index_of(n).ok()).collect();
    let metadata = file.reader.metadata();
    let max_bytes = max_bytes.max(1);
    let mut out = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    let mut run_bytes = 0u64;
    let whole = |run: Vec<usize>| ScanPartition { file: part.file, range: PartitionRange::RowGroups(run) };
    for &rg in row_groups {
        let meta = metadata.row_groups().get(rg).ok_or_else(|| {
            Error::Internal(format!("row group {rg} of {} asked for", metadata.num_row_groups()))
        })?;
        let bytes = decoded_bytes(file, meta, &roots);
        if !run.is_empty() && run_bytes.saturating_add(bytes) > max_bytes {
            out.push(whole(std::mem::take(&mut run)));
            run_bytes = 0;
        }
        let rows = u64::try_from(meta.num_rows()).unwrap_or(0);
        let slices = bytes.div_ceil(max_bytes).min(rows);
        if slices <= 1 {
            run.push(rg);
            run_bytes += bytes;
            continue;
        }
        if !run.is_empty() {
            out.push(whole(std::mem::take(&mut run)));
            run_bytes = 0;
        }
        // Slices as equal as rows allow: slice i is rows i·r/k .. (i+1)·r/k.
        out.extend((0..slices).map(|i| ScanPartition {
            file: part.file,
            range: PartitionRange::RowSlice {
                row_group: rg,
                start: i * rows / slices,
                end: (i + 1) * rows / slices,
            },
        }));
    }
    if !run.is_empty() || out.is_empty() {
        out.push(whole(run));
    }
    Ok(out)
}

/// The compressed bytes of `part`'s column chunks (a slice: its share of
/// its row group's).
pub(crate) fn stored_bytes(source: &ParquetSource, part: &ScanPartition) -> u64 {
    let Ok(file) = source.file(part) else { return 0 };
    let metadata = file.reader.metadata();
    let compressed = |rg: usize| {
        metadata.row_groups().get(rg).map_or(0, |m| u64::try_from(m.compressed_size()).unwrap_or(0))
    };
    match &part.range {
        PartitionRange::RowGroups(rgs) => rgs.iter().map(|&rg| compressed(rg)).sum(),
        PartitionRange::RowSlice { row_group, start, end } => {
            let rows = metadata.row_groups().get(*row_group).map_or(0, |m| m.num_rows().max(0) as u64);
            compressed(*row_group).saturating_mul(end.saturating_sub(*start)) / rows.max(1)
        }
        PartitionRange::Bytes { .. } | PartitionRange::Decoded { .. } => 0,
    }
}

/// About how many bytes the root columns `roots` (the file's) of one row
/// group decode to.
fn decoded_bytes(file: &ParquetFile, meta: &RowGroupMetaData, roots: &[usize]) -> u64 {
    let rows = u64::try_from(meta.num_rows()).unwrap_or(0);
    let schema = file.reader.parquet_schema();
    meta.columns()
        .iter()
        .enumerate()
        .filter(|(leaf, _)| roots.contains(&schema.get_column_root_idx(*leaf)))
        .map(|(_, chunk)| {
            let width = match chunk.column_type() {
                PhysicalType::BOOLEAN => 1,
                PhysicalType::INT32 | PhysicalType::FLOAT => 4,
                PhysicalType::INT64 | PhysicalType::DOUBLE => 8,
                PhysicalType::INT96 | PhysicalType::BYTE_ARRAY => 16,
                PhysicalType::FIXED_LEN_BYTE_ARRAY => {
                    u64::try_from(chunk.column_descr().type_length()).unwrap_or(16)
                }
            };
            u64::try_from(chunk.uncompressed_size()).unwrap_or(0).max(rows.saturating_mul(width))
        })
        .sum()
}
