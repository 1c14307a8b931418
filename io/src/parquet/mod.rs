//! Parquet scans. STUB.

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use crate::dataset::{ScanPartition, Source};
use crate::listing::SourceFile;
use crate::metrics::ScanMetrics;

/// Options of `read_parquet`. STUB.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParquetOptions {}

/// The Parquet half of a dataset. STUB.
#[derive(Debug)]
pub(crate) struct ParquetSource {}

impl ParquetSource {
    pub(crate) fn open(_files: &[SourceFile], _opts: ParquetOptions) -> Result<Self> {
        Err(Error::Internal("parquet not implemented".into()))
    }
}

impl Source for ParquetSource {
    fn schema(&self) -> SchemaRef {
        SchemaRef::new(arrow::datatypes::Schema::empty())
    }
    fn partitions(&self) -> Vec<ScanPartition> {
        vec![]
    }
    fn prune(&self, part: &ScanPartition, _filters: &[Expr]) -> Result<Option<ScanPartition>> {
        Ok(Some(part.clone()))
    }
    fn read(&self, _part: &ScanPartition, _projection: &[usize], _metrics: &ScanMetrics) -> Result<RecordBatch> {
        Err(Error::Internal("parquet not implemented".into()))
    }
}

