//! Parquet scans: footers, schema, row-group partitions, pruning by
//! statistics, and projected reads.
//!
//! - `options.rs`: [`ParquetOptions`], what `read_parquet` takes;
//! - `open.rs`: reads every footer once, merges the schemas, chooses how
//!   string columns decode (views, or dictionaries when every chunk is
//!   dictionary-encoded), cuts the files into partitions;
//! - `stats.rs`: row-group statistics as exactly comparable bounds;
//! - `prune.rs`: drops the row groups a filter rules out;
//! - `split.rs`: cuts partitions to a memory budget's size (runs of row
//!   groups, slices of one);
//! - `read.rs`: decodes one partition's projected columns into one batch;
//! - `choose.rs`: judges a filter's or a top-k's columns as they stream;
//! - `top.rs`: skips the row groups a top-k's bounds rule out;
//! - `dictionary.rs`: joins a dictionary column's row groups, merging
//!   their dictionaries;
//! - `views.rs`: drops the pages a string view column no longer needs.

mod choose;
mod dictionary;
mod open;
mod options;
mod prune;
mod read;
mod split;
mod stats;
mod top;
mod views;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use rusk_ops::expr::Expr;
use rusk_ops::Result;

pub(crate) use self::open::ParquetSource;
pub use self::options::ParquetOptions;
use crate::dataset::{Keep, ScanPartition, Source};
use crate::metrics::ScanMetrics;

impl Source for ParquetSource {
    fn schema(&self) -> SchemaRef {
        std::sync::Arc::clone(&self.schema)
    }

    fn partitions(&self) -> Vec<ScanPartition> {
        ParquetSource::partitions(self)
    }

    fn prune(&self, part: &ScanPartition, filters: &[Expr]) -> Result<Option<ScanPartition>> {
        prune::prune_partition(self, part, filters)
    }

    fn read(&self, part: &ScanPartition, projection: &[usize], metrics: &ScanMetrics) -> Result<RecordBatch> {
        read::read_partition(self, part, projection, None, metrics)
    }

    fn read_keeping(
        &self,
        part: &ScanPartition,
        projection: &[usize],
        keep: Keep<'_>,
        metrics: &ScanMetrics,
    ) -> Result<RecordBatch> {
        read::read_partition(self, part, projection, Some(keep), metrics)
    }

    fn split(
        &self,
        part: &ScanPartition,
        projection: &[usize],
        max_bytes: u64,
    ) -> Result<Vec<ScanPartition>> {
        split::split(self, part, projection, max_bytes)
    }

    fn stored_bytes(&self, part: &ScanPartition) -> u64 {
        split::stored_bytes(self, part)
    }

    fn row_group_count(&self) -> Option<usize> {
        Some(ParquetSource::row_group_count(self))
    }

    fn file_has_column(&self, path: &std::path::Path, name: &str) -> bool {
        self.files.iter().any(|f| f.source.path == path && f.reader.schema().field_with_name(name).is_ok())
    }
}

#[cfg(test)]
mod tests;
