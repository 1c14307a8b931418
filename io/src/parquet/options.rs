//! The options of `read_parquet`.

/// How to read a Parquet dataset.
///
/// Built with setters, as pandas' and Dask's keyword arguments:
///
/// ```
/// use rusk_io::ParquetOptions;
/// let opts = ParquetOptions::default().split_row_groups(Some(4));
/// assert_eq!(opts.split_row_groups, Some(4));
/// ```
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ParquetOptions {
    /// Row groups per partition: `None` (the default) makes one partition
    /// per file, `Some(k)` one per `k` consecutive row groups of a file, as
    /// Dask's `split_row_groups`. A partition never spans two files.
    pub split_row_groups: Option<usize>,
}

impl ParquetOptions {
    /// Sets [`ParquetOptions::split_row_groups`] (Dask's argument).
    ///
    /// `Some(0)` is refused when the dataset is opened
    /// ([`rusk_ops::Error::InvalidArgument`]).
    pub fn split_row_groups(mut self, row_groups: Option<usize>) -> Self {
        self.split_row_groups = row_groups;
        self
    }
}
