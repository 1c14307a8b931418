//! Writers: one file per partition into a fresh directory, as Dask's
//! `to_parquet` / `to_csv` write `part-00000.parquet`, `part-00001.parquet`...
//!
//! The engine calls [`prepare_output_dir`] once, then each partition's task
//! writes its own file ([`write_parquet_file`], [`write_csv_file`]) under a
//! [`part_file_name`], so no partition waits for another and nothing is
//! collected in one place.

mod csv;
mod parquet;

use std::path::Path;

use rusk_ops::{Error, Result};

pub use self::csv::{write_csv, write_csv_file};
pub use self::parquet::write_parquet_file;

/// Creates the output directory `path` (and its parents).
///
/// # Errors
/// [`Error::OutputExists`] when anything exists at `path`, even an empty
/// directory: rusk never overwrites or mixes with earlier output.
/// [`Error::Io`] when the directory cannot be created.
pub fn prepare_output_dir(path: &Path) -> Result<()> {
    // `symlink_metadata` so that a dangling link counts as existing too.
    if path.symlink_metadata().is_ok() {
        return Err(Error::OutputExists { path: path.to_path_buf() });
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(e, parent))?;
    }
    // `create_dir`, not `create_dir_all`: if another writer created the
    // directory since the check above, this fails instead of sharing it.
    std::fs::create_dir(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::OutputExists { path: path.to_path_buf() },
        _ => Error::io(e, path),
    })
}

/// The file name of partition `index`: `part-00000.csv`. Five digits, as
/// Spark and Dask write them, so that listing the directory sorted by name
/// reads the partitions back in order (up to 100 000 of them; beyond, the
/// number grows wider and sorts after).
pub fn part_file_name(index: usize, ext: &str) -> String {
    format!("part-{index:05}.{ext}")
}

/// Creates `path` for writing, refusing to replace an existing file.
fn create_new(path: &Path) -> Result<std::fs::File> {
    std::fs::File::create_new(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::OutputExists { path: path.to_path_buf() },
        _ => Error::io(e, path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_dir_is_created_once_and_never_reused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b/out");
        prepare_output_dir(&out).unwrap();
        assert!(out.is_dir());
        let err = prepare_output_dir(&out).unwrap_err();
        assert!(matches!(&err, Error::OutputExists { path } if path == &out), "{err}");
        let file = dir.path().join("file.csv");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(prepare_output_dir(&file), Err(Error::OutputExists { .. })));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    }

    #[test]
    fn part_names_sort_in_partition_order() {
        assert_eq!(part_file_name(0, "parquet"), "part-00000.parquet");
        assert_eq!(part_file_name(42, "csv"), "part-00042.csv");
        let mut names: Vec<String> = [10, 2, 100, 1].iter().map(|&i| part_file_name(i, "csv")).collect();
        names.sort();
        assert_eq!(names, ["part-00001.csv", "part-00002.csv", "part-00010.csv", "part-00100.csv"]);
    }
}
