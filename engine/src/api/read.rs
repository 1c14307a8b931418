//! `read_csv`, `read_parquet` and in-memory frames.

use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use rusk_io::{CsvOptions, Dataset, FileFormat, ParquetOptions};
use rusk_ops::{Error, Result};

use super::DataFrame;
use crate::plan::{InMemory, LogicalPlan, Scan};

/// A lazy frame over the CSV files at `path` (a file, a glob like
/// `data/*.csv`, or a directory searched recursively), with pandas' defaults.
///
/// The schema is inferred from the first rows of each file and merged across
/// files (int and float give float; a column missing from a file is null
/// there); each file is cut into partitions of about 64 MiB.
///
/// # Errors
/// A missing path, no matching files, conflicting schemas, or an unreadable header.
pub fn read_csv(path: impl AsRef<Path>) -> Result<DataFrame> {
    read_csv_with(path, CsvOptions::default())
}

/// [`read_csv`] with options (`sep`, `usecols`, `dtype`, `parse_dates`,
/// `na_values`, `blocksize`, `on_bad_lines`, ...).
///
/// # Errors
/// As [`read_csv`].
pub fn read_csv_with(path: impl AsRef<Path>, options: CsvOptions) -> Result<DataFrame> {
    open(path.as_ref(), FileFormat::Csv(options))
}

/// A lazy frame over the Parquet files at `path` (a file, a glob or a
/// directory; `key=value` directories become columns), one partition per file.
///
/// # Errors
/// A missing path, no matching files, conflicting schemas, or an unreadable footer.
pub fn read_parquet(path: impl AsRef<Path>) -> Result<DataFrame> {
    read_parquet_with(path, ParquetOptions::default())
}

/// [`read_parquet`] with options (`split_row_groups`).
///
/// # Errors
/// As [`read_parquet`].
pub fn read_parquet_with(path: impl AsRef<Path>, options: ParquetOptions) -> Result<DataFrame> {
    open(path.as_ref(), FileFormat::Parquet(options))
}

/// A lazy frame over `path`, CSV or Parquet by its files' extensions:
/// Parquet when every file is `.parquet`/`.parq`, CSV when none is (a file
/// named directly is CSV whatever its extension). Default options.
///
/// # Errors
/// [`rusk_ops::Error::MixedFormats`] when a directory or glob holds both
/// (read one with [`read_csv`] or [`read_parquet`]), and as those.
pub fn read(path: impl AsRef<Path>) -> Result<DataFrame> {
    read_with(path, ReadOptions::default())
}

/// The reader of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// [`read_csv_with`].
    Csv,
    /// [`read_parquet`].
    Parquet,
}

/// Options of [`read_with`]: the reader (by the path when `None`) and the
/// CSV options, if any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    /// Forces the reader; `None` chooses as [`read`] does.
    pub format: Option<InputFormat>,
    /// Options for a CSV input; an error for a Parquet one, rather than
    /// silently unused.
    pub csv: Option<CsvOptions>,
}

/// [`read`] with a forced reader and CSV options (the CLI's `--format-in`,
/// `--blocksize`, `--on-bad-lines`, `--dtype`).
///
/// # Errors
/// As [`read_csv`] and [`read_parquet`]; [`Error::InvalidArgument`] when
/// CSV options are given for an input read as Parquet.
pub fn read_with(path: impl AsRef<Path>, options: ReadOptions) -> Result<DataFrame> {
    let path = path.as_ref();
    let format = match options.format {
        Some(f) => f,
        None => match rusk_io::infer_format(path)? {
            FileFormat::Parquet(_) => InputFormat::Parquet,
            FileFormat::Csv(_) => InputFormat::Csv,
        },
    };
    match format {
        InputFormat::Csv => read_csv_with(path, options.csv.unwrap_or_default()),
        InputFormat::Parquet => no_csv_options(path, options.csv.as_ref()).and_then(|()| read_parquet(path)),
    }
}

/// Refuses CSV options for `path`, read as Parquet.
fn no_csv_options(path: &Path, csv: Option<&CsvOptions>) -> Result<()> {
    match csv {
        None => Ok(()),
        Some(_) => Err(Error::InvalidArgument(format!(
            "CSV options (blocksize, on_bad_lines, dtype) do not apply to {}: it is read as Parquet",
            path.display()
        ))),
    }
}

fn open(path: &Path, format: FileFormat) -> Result<DataFrame> {
    let dataset = Arc::new(Dataset::open(path, format)?);
    Ok(DataFrame::from_plan(LogicalPlan::Scan(Scan::try_new(dataset)?)))
}

/// A frame over batches already in memory, one partition per batch.
///
/// # Errors
/// [`rusk_ops::Error::Type`] when a batch's schema differs from `schema`.
pub fn from_batches(schema: SchemaRef, batches: Vec<RecordBatch>) -> Result<DataFrame> {
    Ok(DataFrame::from_plan(LogicalPlan::InMemory(InMemory::try_new(schema, batches)?)))
}
