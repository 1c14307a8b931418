//! Finding the files of a dataset: a file, a glob or a directory tree, and
//! the hive-style `key=value` directories on the way.

use std::path::{Path, PathBuf};

use arrow::array::ArrayRef;
use arrow::datatypes::{DataType, Schema};
use rusk_ops::{Error, Result};

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Its path.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// The `key=value` pairs of the directories between the dataset root and the file.
    pub hive: Vec<(String, String)>,
}

/// Lists the files at `path` with one of `extensions`. STUB.
pub fn list_files(path: &Path, _extensions: &[&str]) -> Result<Vec<SourceFile>> {
    let meta = std::fs::metadata(path).map_err(|_| Error::PathNotFound { path: path.to_path_buf() })?;
    Ok(vec![SourceFile { path: path.to_path_buf(), size: meta.len(), hive: vec![] }])
}

/// The schema of the hive columns of `files`. STUB.
pub fn hive_schema(_files: &[SourceFile]) -> Result<Schema> {
    Ok(Schema::empty())
}

/// A hive value repeated `rows` times as `data_type`. STUB.
pub fn hive_value_array(value: &str, data_type: &DataType, rows: usize) -> Result<ArrayRef> {
    let a = rusk_ops::expr::ScalarValue::Utf8(value.to_string()).to_array(rows);
    Ok(arrow::compute::cast(&a, data_type)?)
}
