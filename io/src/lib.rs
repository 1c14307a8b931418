//! Scans and writers: from CSV and Parquet files, globs and directories to
//! Arrow record batches, and back.
//!
//! A [`Dataset`] is opened once, at build time: it lists the files, reads or
//! infers and merges their schemas, and cuts them into [`ScanPartition`]s
//! (byte ranges of CSV files, row groups of Parquet files). The engine asks
//! it which partitions a predicate can skip ([`Dataset::prune`]) and reads
//! each surviving partition in its own task ([`Dataset::read`]), projecting
//! only the columns the plan uses. Nothing here knows of plans or frames.
#![warn(missing_docs)]

pub mod csv;
pub mod dataset;
pub mod listing;
pub mod metrics;
pub mod parquet;
pub mod scan;
pub mod schema;
pub mod write;

pub use self::csv::{CsvOptions, DateErrors, OnBadLines};
pub use self::parquet::ParquetOptions;
pub use dataset::{infer_format, Dataset, FileFormat, PartitionRange, Pruned, ScanPartition};
pub use listing::SourceFile;
pub use metrics::{ScanCounts, ScanMetrics};
pub use scan::FileScan;
pub use write::{part_file_name, write_csv, write_csv_file, write_parquet_file, PendingOutput};
