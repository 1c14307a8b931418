//! CSV scans. STUB.

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use crate::dataset::{ScanPartition, Source};
use crate::listing::SourceFile;
use crate::metrics::ScanMetrics;

/// What to do with a row whose field count differs from the header's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnBadLines {
    /// Fail, naming the file and line (pandas' default).
    #[default]
    Error,
    /// Drop the row and count it.
    Skip,
}

/// Options of `read_csv`. STUB.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CsvOptions {}

/// The CSV half of a dataset. STUB.
#[derive(Debug)]
pub(crate) struct CsvSource {}

impl CsvSource {
    pub(crate) fn open(_files: &[SourceFile], _opts: CsvOptions) -> Result<Self> {
        Err(Error::Internal("csv not implemented".into()))
    }
}

impl Source for CsvSource {
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
        Err(Error::Internal("csv not implemented".into()))
    }
}
