//! Finding the files of a dataset: a file, a glob or a directory tree, and
//! the hive-style `key=value` directories on the way.
//!
//! ```text
//! data/                      <- root (the directory, or a glob's fixed prefix)
//!   year=2024/month=01/      <- hive: [("year", "2024"), ("month", "01")]
//!     part-0.csv
//!     _SUCCESS               <- skipped: `_` and `.` names are metadata
//!   .tmp/part-9.csv          <- skipped
//! ```
//!
//! Skipping `_`/`.` names follows Spark, pyarrow and Dask, whose writers put
//! markers (`_SUCCESS`, `_metadata`, `.crc`) and temporary files there.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use arrow::array::{new_null_array, ArrayRef, Float64Array, Int64Array, StringArray};
use arrow::compute::kernels::cast_utils::Parser;
use arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema};
use rusk_ops::{Error, Location, Result};

/// The directory value Hive and Spark write for a null partition key.
pub const HIVE_NULL: &str = "__HIVE_DEFAULT_PARTITION__";

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceFile {
    /// Its path.
    pub path: PathBuf,
    /// Its size in bytes, when listed.
    pub size: u64,
    /// Its modification time, when listed (where the platform has one).
    pub modified: Option<SystemTime>,
    /// The `key=value` pairs of the directories between the dataset root and
    /// the file, outermost first, values URL-decoded (a value of
    /// [`HIVE_NULL`] stands for null).
    pub hive: Vec<(String, String)>,
}

impl SourceFile {
    /// The file at `path` as it is now.
    fn listed(path: PathBuf, meta: &std::fs::Metadata, hive: Vec<(String, String)>) -> Self {
        SourceFile { path, size: meta.len(), modified: meta.modified().ok(), hive }
    }

    /// The file at `path` as it is now, without hive pairs.
    ///
    /// # Errors
    /// [`Error::Io`] when it cannot be looked at.
    pub fn at(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        let meta = std::fs::metadata(&path).map_err(|e| Error::io(e, &path))?;
        Ok(SourceFile::listed(path, &meta, Vec::new()))
    }

    /// Opens the file for reading, checking that it is still as listed.
    ///
    /// # Errors
    /// [`Error::Io`] when it does not open, [`Error::FileChanged`] when its
    /// size or modification time differ from the listing's.
    pub fn open(&self) -> Result<File> {
        let file = File::open(&self.path).map_err(|e| Error::io(e, &self.path))?;
        self.check(&file)?;
        Ok(file)
    }

    /// Checks that `file` (this file, opened) still has the listed size and
    /// modification time. A task reads the byte ranges or row groups planned
    /// from the listed file: a file rewritten since would give rows of
    /// another file, or lose some, without a word. Called when a read starts
    /// and again when it ends, so a rewrite during the read is caught too.
    ///
    /// # Errors
    /// [`Error::FileChanged`] naming the file and what differs; [`Error::Io`]
    /// when its metadata cannot be read.
    pub fn check(&self, file: &File) -> Result<()> {
        let meta = file.metadata().map_err(|e| Error::io(e, &self.path))?;
        let changed = |detail: String| Err(Error::FileChanged { path: self.path.clone(), detail });
        if meta.len() != self.size {
            return changed(format!("size {} bytes, was {}", meta.len(), self.size));
        }
        if meta.modified().ok() != self.modified {
            return changed("modified since it was listed".to_string());
        }
        Ok(())
    }
}

/// Lists the files at `path`, sorted by path.
///
/// - A file is taken whatever its extension (the user named it).
/// - A glob (`data/*.csv`, `data/**/*.parquet`) takes every file it matches,
///   and every file with one of `extensions` under a directory it matches.
///   Wildcards do not match names starting with `.` or `_` (a component
///   spelled out in the pattern may).
/// - A directory is searched recursively for files whose name ends in `.`
///   and one of `kinds.read` (compared case-insensitively), skipping names
///   starting with `.` or `_` and files of `kinds.skip` (another reader's).
///   Any other file is an error: rusk never reads a silent subset.
///
/// The `key=value` directories between the root (the directory, or the
/// glob's part before its first wildcard) and each file fill
/// [`SourceFile::hive`].
///
/// # Errors
/// [`Error::PathNotFound`] when `path` (or the glob's fixed prefix) does not
/// exist, [`Error::NoFiles`] when nothing matches, [`Error::UnsupportedFile`]
/// for a file in a directory that neither `kinds.read` nor `kinds.skip`
/// names, [`Error::InvalidArgument`] for a malformed glob, [`Error::Io`]
/// when a directory cannot be read.
pub fn list_files(path: &Path, kinds: &FileKinds) -> Result<Vec<SourceFile>> {
    let text = path.to_string_lossy();
    if text.contains(['*', '?', '[']) {
        return list_glob(path, &text, kinds);
    }
    let meta = std::fs::metadata(path).map_err(|_| Error::PathNotFound { path: path.to_path_buf() })?;
    if meta.is_file() {
        return Ok(vec![SourceFile::listed(path.to_path_buf(), &meta, Vec::new())]);
    }
    if !meta.is_dir() {
        // A device or a pipe (`/dev/null`) is neither a file to cut into
        // partitions nor a directory to list: say so, not "Not a directory".
        return Err(Error::InvalidArgument(format!(
            "{} is not a CSV or Parquet file, nor a directory of them",
            path.display()
        )));
    }
    let mut files = Vec::new();
    let mut visited = HashSet::new();
    walk(path, path, kinds, &mut files, &mut visited)?;
    if files.is_empty() {
        return Err(Error::NoFiles { path: path.to_path_buf(), kind: kind_of(kinds.read) });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// `*.csv, *.tsv or *.txt`, as [`Error::NoFiles`] prints it.
fn kind_of(extensions: &[&str]) -> String {
    let globs: Vec<String> = extensions.iter().map(|e| format!("*.{e}")).collect();
    match globs.split_last() {
        None => "matching".to_string(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_')
}

/// Whether the name of `path` ends in `.` and one of `extensions` (which
/// may have dots of their own: `csv.gz`), whatever the case.
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()) else {
        return false;
    };
    extensions.iter().any(|ext| {
        name.len() > ext.len() + 1
            && name.ends_with(&ext.to_ascii_lowercase())
            && name.as_bytes()[name.len() - ext.len() - 1] == b'.'
    })
}

/// Which files a directory walk reads, and which it passes over.
#[derive(Debug, Clone, Copy)]
pub struct FileKinds<'a> {
    /// Extensions of the files to read (`csv`, `csv.gz`, ...).
    pub read: &'a [&'a str],
    /// Extensions of files another reader takes: passed over in silence.
    pub skip: &'a [&'a str],
    /// What the files read are, for errors: `CSV`, `Parquet`.
    pub name: &'a str,
}

/// Adds the files under `dir` to `out`; `visited` (canonical directories)
/// stops symlink cycles.
fn walk(
    root: &Path,
    dir: &Path,
    kinds: &FileKinds,
    out: &mut Vec<SourceFile>,
    visited: &mut HashSet<PathBuf>,
) -> Result<()> {
    let canonical = std::fs::canonicalize(dir).map_err(|e| Error::io(e, dir))?;
    if !visited.insert(canonical) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(e, dir))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(e, dir))?;
        let name = entry.file_name();
        if is_hidden(&name.to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        // `metadata` follows symlinks; a dangling link is skipped, not fatal.
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_dir() {
            walk(root, &path, kinds, out, visited)?;
        } else if meta.is_file() && has_extension(&path, kinds.read) {
            let hive = hive_pairs(root, &path);
            out.push(SourceFile::listed(path, &meta, hive));
        } else if !has_extension(&path, kinds.skip) {
            return Err(Error::UnsupportedFile { path, expected: kinds.name.to_string() });
        }
    }
    Ok(())
}

fn list_glob(path: &Path, pattern: &str, kinds: &FileKinds) -> Result<Vec<SourceFile>> {
    // The root is the part before the first component with a wildcard.
    let mut root = PathBuf::new();
    let mut literal = HashSet::new();
    let mut in_prefix = true;
    for component in path.components() {
        let text = component.as_os_str().to_string_lossy();
        let wild = text.contains(['*', '?', '[']);
        if wild {
            in_prefix = false;
        } else {
            literal.insert(text.to_string());
        }
        if in_prefix {
            root.push(component);
        }
    }
    let probe = if root.as_os_str().is_empty() { Path::new(".") } else { root.as_path() };
    if !probe.exists() {
        return Err(Error::PathNotFound { path: root });
    }
    let options = glob::MatchOptions { require_literal_leading_dot: true, ..Default::default() };
    let matches = glob::glob_with(pattern, options)
        .map_err(|e| Error::InvalidArgument(format!("bad glob pattern {pattern:?}: {e}")))?;
    let mut files = Vec::new();
    let mut visited = HashSet::new();
    for entry in matches {
        let found = entry.map_err(|e| {
            let at = e.path().to_path_buf();
            Error::io(e.into(), at)
        })?;
        let below_root = found.strip_prefix(&root).unwrap_or(&found);
        let skipped = below_root.components().any(|c| match c {
            Component::Normal(name) => {
                let name = name.to_string_lossy();
                is_hidden(&name) && !literal.contains(name.as_ref())
            }
            _ => false,
        });
        if skipped {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&found) else { continue };
        if meta.is_dir() {
            walk(&root, &found, kinds, &mut files, &mut visited)?;
        } else if meta.is_file() {
            let hive = hive_pairs(&root, &found);
            files.push(SourceFile::listed(found, &meta, hive));
        }
    }
    if files.is_empty() {
        return Err(Error::NoFiles { path: path.to_path_buf(), kind: "matching".to_string() });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    Ok(files)
}

/// The `key=value` directories between `root` and `file`.
fn hive_pairs(root: &Path, file: &Path) -> Vec<(String, String)> {
    let relative = file.strip_prefix(root).unwrap_or(file);
    let Some(dirs) = relative.parent() else { return Vec::new() };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for component in dirs.components() {
        let Component::Normal(name) = component else { continue };
        let name = name.to_string_lossy();
        let Some((key, value)) = name.split_once('=') else { continue };
        if key.is_empty() {
            continue;
        }
        let (key, value) = (url_decode(key), url_decode(value));
        // A key repeated deeper overrides the outer one.
        pairs.retain(|(k, _)| *k != key);
        pairs.push((key, value));
    }
    pairs
}

/// Decodes `%xx` escapes (as Hive, Spark and pyarrow write `/`, `=`, `%`
/// and spaces in values); a malformed escape is kept as it is.
fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How a hive value reads: as pyarrow and Dask infer partition types.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum HiveKind {
    Int,
    Float,
    Text,
}

fn hive_kind(value: &str) -> HiveKind {
    if Int64Type::parse(value).is_some() && !value.contains(char::is_whitespace) {
        HiveKind::Int
    } else if is_decimal_number(value) {
        HiveKind::Float
    } else {
        HiveKind::Text
    }
}

/// `1.5`, `-2e3`, but not `nan` or `inf`, which as directory names are words.
fn is_decimal_number(value: &str) -> bool {
    value.bytes().any(|b| b.is_ascii_digit())
        && value.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && value.parse::<f64>().is_ok()
}

/// The schema of the hive columns of `files`: one nullable field per key, in
/// order of first appearance; `Int64` when every value is an integer (so
/// `month=01` is 1, as pyarrow and Dask read it), else `Float64` when every
/// value is a number, else `Utf8`. [`HIVE_NULL`] values and files without
/// the key (at another depth) are nulls and do not vote; a key with only
/// nulls is `Utf8`.
///
/// # Errors
/// None today; `Result` leaves room for checks across files.
pub fn hive_schema(files: &[SourceFile]) -> Result<Schema> {
    let mut keys: Vec<(&str, Option<HiveKind>)> = Vec::new();
    for file in files {
        for (key, value) in &file.hive {
            let kind = (value != HIVE_NULL).then(|| hive_kind(value));
            match keys.iter_mut().find(|(k, _)| k == key) {
                Some((_, acc)) => *acc = (*acc).max(kind),
                None => keys.push((key, kind)),
            }
        }
    }
    let fields: Vec<Field> = keys
        .into_iter()
        .map(|(key, kind)| {
            let data_type = match kind {
                Some(HiveKind::Int) => DataType::Int64,
                Some(HiveKind::Float) => DataType::Float64,
                Some(HiveKind::Text) | None => DataType::Utf8,
            };
            Field::new(key, data_type, true)
        })
        .collect();
    Ok(Schema::new(fields))
}

/// A hive value repeated `rows` times as `data_type` (nulls for [`HIVE_NULL`]).
///
/// # Errors
/// [`Error::Parse`] when `value` is not a `data_type`, and the cast errors of
/// types other than `Int64`, `Float64` and `Utf8`.
pub fn hive_value_array(value: &str, data_type: &DataType, rows: usize) -> Result<ArrayRef> {
    if value == HIVE_NULL {
        return Ok(new_null_array(data_type, rows));
    }
    let parse_error = || Error::Parse {
        value: value.to_string(),
        data_type: data_type.clone(),
        location: Box::new(Location::default()),
    };
    let array: ArrayRef = match data_type {
        DataType::Int64 => {
            let v = Int64Type::parse(value).ok_or_else(parse_error)?;
            Arc::new(Int64Array::from_value(v, rows))
        }
        DataType::Float64 => {
            let v = Float64Type::parse(value).ok_or_else(parse_error)?;
            Arc::new(Float64Array::from(vec![v; rows]))
        }
        DataType::Utf8 => Arc::new(StringArray::from_iter_values(std::iter::repeat_n(value, rows))),
        other => {
            let text: ArrayRef = Arc::new(StringArray::from_iter_values(std::iter::repeat_n(value, rows)));
            let options = arrow::compute::CastOptions { safe: false, ..Default::default() };
            arrow::compute::cast_with_options(&text, other, &options).map_err(|_| parse_error())?
        }
    };
    Ok(array)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};
    use std::fs;

    const CSV: &FileKinds = &FileKinds { read: &["csv", "tsv", "txt"], skip: &["parquet"], name: "CSV" };

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "a\n1\n").unwrap();
    }

    fn names(root: &Path, files: &[SourceFile]) -> Vec<String> {
        files
            .iter()
            .map(|f| f.path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
            .collect()
    }

    #[test]
    fn a_file_is_taken_whatever_its_extension() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "data.dat");
        let files = list_files(&dir.path().join("data.dat"), CSV).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].size, 4);
        assert!(files[0].hive.is_empty());
    }

    #[test]
    fn a_directory_is_searched_recursively_sorted_skipping_hidden() {
        let dir = tempfile::tempdir().unwrap();
        for rel in [
            "b.csv",
            "a.CSV",
            "sub/c.tsv",
            "sub/deeper/d.txt",
            "e.parquet",
            "_SUCCESS",
            ".x.csv",
            "_tmp/f.csv",
            ".git/g.csv",
            "sub/_h.csv",
        ] {
            touch(dir.path(), rel);
        }
        let files = list_files(dir.path(), CSV).unwrap();
        assert_eq!(names(dir.path(), &files), ["a.CSV", "b.csv", "sub/c.tsv", "sub/deeper/d.txt"]);
    }

    #[test]
    fn globs_match_files_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        for rel in ["x/a.csv", "x/b.csv", "x/c.txt", "x/.d.csv", "x/_e.csv", "x/n/f.csv", "x/k=1/g.csv"] {
            touch(dir.path(), rel);
        }
        let root = dir.path();
        let star = list_files(&root.join("x/*.csv"), CSV).unwrap();
        assert_eq!(names(root, &star), ["x/a.csv", "x/b.csv"]);
        let deep = list_files(&root.join("x/**/*.csv"), CSV).unwrap();
        assert_eq!(names(root, &deep), ["x/a.csv", "x/b.csv", "x/k=1/g.csv", "x/n/f.csv"]);
        assert_eq!(deep[2].hive, [("k".to_string(), "1".to_string())]);
        // A glob matching a directory lists it.
        let dirs = list_files(&root.join("x/k=*"), CSV).unwrap();
        assert_eq!(names(root, &dirs), ["x/k=1/g.csv"]);
        assert_eq!(dirs[0].hive, [("k".to_string(), "1".to_string())]);
        // An underscore name spelled out in the pattern is taken.
        let literal = list_files(&root.join("x/_e.csv"), CSV).unwrap();
        assert_eq!(names(root, &literal), ["x/_e.csv"]);
    }

    #[test]
    fn nothing_matching_is_no_files() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "a.parquet");
        match list_files(dir.path(), CSV) {
            Err(Error::NoFiles { path, kind }) => {
                assert_eq!(path, dir.path());
                assert_eq!(kind, "*.csv, *.tsv or *.txt");
            }
            other => panic!("expected NoFiles, got {other:?}"),
        }
        let glob = dir.path().join("*.csv");
        match list_files(&glob, CSV) {
            Err(Error::NoFiles { path, .. }) => assert_eq!(path, glob),
            other => panic!("expected NoFiles, got {other:?}"),
        }
    }

    #[test]
    fn a_missing_path_or_glob_base_is_path_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.csv");
        match list_files(&missing, CSV) {
            Err(Error::PathNotFound { path }) => assert_eq!(path, missing),
            other => panic!("expected PathNotFound, got {other:?}"),
        }
        let base = dir.path().join("nope");
        match list_files(&base.join("*.csv"), CSV) {
            Err(Error::PathNotFound { path }) => assert_eq!(path, base),
            other => panic!("expected PathNotFound, got {other:?}"),
        }
    }

    #[test]
    fn hive_pairs_are_url_decoded_and_at_any_depth() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "year=2024/month=01/a.csv");
        touch(dir.path(), "year=2024/month=02/city=New%20York/b.csv");
        touch(dir.path(), "year=__HIVE_DEFAULT_PARTITION__/c.csv");
        touch(dir.path(), "plain/d.csv");
        let files = list_files(dir.path(), CSV).unwrap();
        let pairs = |i: usize| -> Vec<(&str, &str)> {
            files[i].hive.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
        };
        assert_eq!(names(dir.path(), &files)[3], "year=__HIVE_DEFAULT_PARTITION__/c.csv");
        assert_eq!(pairs(0), [] as [(&str, &str); 0]);
        assert_eq!(pairs(1), [("year", "2024"), ("month", "01")]);
        assert_eq!(pairs(2), [("year", "2024"), ("month", "02"), ("city", "New York")]);
        assert_eq!(pairs(3), [("year", HIVE_NULL)]);

        let schema = hive_schema(&files).unwrap();
        let fields: Vec<(&str, &DataType, bool)> =
            schema.fields().iter().map(|f| (f.name().as_str(), f.data_type(), f.is_nullable())).collect();
        assert_eq!(
            fields,
            [
                ("year", &DataType::Int64, true),
                ("month", &DataType::Int64, true),
                ("city", &DataType::Utf8, true)
            ]
        );
    }

    #[test]
    fn url_decode_keeps_malformed_escapes() {
        assert_eq!(url_decode("a%2Fb%3d"), "a/b=");
        assert_eq!(url_decode("100%"), "100%");
        assert_eq!(url_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn hive_types_are_int_then_float_then_string() {
        let file = |pairs: &[(&str, &str)]| SourceFile {
            path: PathBuf::from("f"),
            size: 0,
            modified: None,
            hive: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        };
        let files = [
            file(&[("i", "1"), ("f", "1"), ("s", "1"), ("n", HIVE_NULL), ("w", "nan")]),
            file(&[("i", "-20"), ("f", "2.5"), ("s", "x"), ("n", HIVE_NULL), ("w", "1")]),
        ];
        let schema = hive_schema(&files).unwrap();
        let types: Vec<&DataType> = schema.fields().iter().map(|f| f.data_type()).collect();
        assert_eq!(
            types,
            [&DataType::Int64, &DataType::Float64, &DataType::Utf8, &DataType::Utf8, &DataType::Utf8]
        );
    }

    #[test]
    fn hive_value_arrays() {
        let a = hive_value_array("01", &DataType::Int64, 3).unwrap();
        assert_eq!(a.as_primitive::<Int64Type>().values().to_vec(), [1, 1, 1]);
        let a = hive_value_array("2.5", &DataType::Float64, 2).unwrap();
        assert_eq!(a.as_primitive::<Float64Type>().values().to_vec(), [2.5, 2.5]);
        let a = hive_value_array("x y", &DataType::Utf8, 2).unwrap();
        assert_eq!(a.as_string::<i32>().value(1), "x y");
        let a = hive_value_array(HIVE_NULL, &DataType::Int64, 2).unwrap();
        assert_eq!(a.null_count(), 2);
        let a = hive_value_array("7", &DataType::Int32, 0).unwrap();
        assert_eq!(a.len(), 0);
        match hive_value_array("x", &DataType::Int64, 1) {
            Err(Error::Parse { value, data_type, .. }) => {
                assert_eq!(value, "x");
                assert_eq!(data_type, DataType::Int64);
            }
            other => panic!("expected a parse error, got {other:?}"),
        }
    }
}
