//! Writers: one file per partition into a fresh directory, as Dask's
//! `to_parquet` / `to_csv` write `part-00000.parquet`, `part-00001.parquet`...
//!
//! The engine makes a [`PendingOutput`] once (a temporary sibling of the
//! destination), then each partition's task writes its own file into it
//! ([`write_parquet_file`], [`write_csv_file`]) under a [`part_file_name`],
//! so no partition waits for another and nothing is collected in one place;
//! the output is renamed to its destination when every task has written.

mod atomic;
mod csv;
mod parquet;

use std::path::Path;

use rusk_ops::{Error, Result};

pub use self::atomic::{is_temporary_output, PendingOutput};
pub use self::csv::{join_files, write_csv, write_csv_file};
pub use self::parquet::{join_parquet_files, write_parquet_file};

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
    fn part_names_sort_in_partition_order() {
        assert_eq!(part_file_name(0, "parquet"), "part-00000.parquet");
        assert_eq!(part_file_name(42, "csv"), "part-00042.csv");
        let mut names: Vec<String> = [10, 2, 100, 1].iter().map(|&i| part_file_name(i, "csv")).collect();
        names.sort();
        assert_eq!(names, ["part-00001.csv", "part-00002.csv", "part-00010.csv", "part-00100.csv"]);
    }
}
