//! The one error type of rusk, shared by every crate.
//!
//! Users match on the variant; the message says what went wrong, where
//! (file, partition, line, column, task) and what exists instead.

use std::fmt;
use std::path::PathBuf;

use arrow::datatypes::DataType;
use arrow::error::ArrowError;

/// `Result` with rusk's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where an error happened, as far as it is known.
///
/// A scan knows the file and line, an expression the column, the scheduler
/// the task and partition; each layer fills what it knows with the `with_*`
/// methods of [`Error`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file being read or written.
    pub file: Option<PathBuf>,
    /// The partition (0-based) of the frame the task worked on.
    pub partition: Option<usize>,
    /// The line (1-based, counting the header) in a text file.
    pub line: Option<u64>,
    /// The column name.
    pub column: Option<String>,
    /// The task that failed, as shown by `explain`.
    pub task: Option<String>,
}

impl Location {
    /// A location in `file`.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location { file: Some(file.into()), ..Default::default() }
    }

    fn is_empty(&self) -> bool {
        *self == Location::default()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(file) = &self.file {
            parts.push(format!("file {}", file.display()));
        }
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(column) = &self.column {
            parts.push(format!("column {column:?}"));
        }
        if let Some(partition) = self.partition {
            parts.push(format!("partition {partition}"));
        }
        if let Some(task) = &self.task {
            parts.push(format!("task {task}"));
        }
        write!(f, "{}", parts.join(", "))
    }
}

/// Appends ` (at <location>)` when anything of the location is known.
struct At<'a>(&'a Location);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            Ok(())
        } else {
            write!(f, " (at {})", self.0)
        }
    }
}

/// A long text shown as the [`Excerpt::WIDTH`] characters around a position,
/// quoted, with `…` where it was cut: a 100 KB query must not fill the
/// terminal to say where its error is.
struct Excerpt<'a> {
    text: &'a str,
    /// 0-based character offset.
    at: usize,
}

impl Excerpt<'_> {
    /// Characters shown of a long text (about a terminal line).
    const WIDTH: usize = 80;
}

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.text.chars().count();
        if len <= Self::WIDTH {
            return write!(f, "{:?}", self.text);
        }
        let start = self.at.saturating_sub(Self::WIDTH / 2).min(len - Self::WIDTH);
        let shown: String = self.text.chars().skip(start).take(Self::WIDTH).collect();
        let before = if start > 0 { "…" } else { "" };
        let after = if start + Self::WIDTH < len { "…" } else { "" };
        write!(f, "{before}{shown:?}{after} ({len} characters)")
    }
}

/// Everything that can go wrong in rusk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A column named in an expression, a selection or an option does not exist.
    #[error("column {name:?} not found; columns are: {}", available.join(", "))]
    ColumnNotFound {
        /// The name asked for.
        name: String,
        /// The columns that exist where it was asked for.
        available: Vec<String>,
    },

    /// A merge key is missing from one side of a merge.
    #[error("merge key {name:?} not found on the {side} side; its columns are: {}", available.join(", "))]
    MergeKeyNotFound {
        /// `"left"` or `"right"`.
        side: String,
        /// The key asked for.
        name: String,
        /// That side's columns.
        available: Vec<String>,
    },

    /// An operation does not apply to the types it was given.
    #[error("type error: {message}{}", At(location))]
    Type {
        /// What was expected and what was found.
        message: String,
        /// Where, when it is known.
        location: Box<Location>,
    },

    /// A value in a file does not parse as its column's type.
    #[error("cannot parse {value:?} as {}{}", crate::dtype::pandas_dtype(data_type), At(location))]
    Parse {
        /// The text that did not parse.
        value: String,
        /// The type of its column.
        data_type: DataType,
        /// File, line and column.
        location: Box<Location>,
    },

    /// A CSV row with more or fewer fields than the header.
    #[error("malformed row: expected {expected} fields, found {found}{}", At(location))]
    MalformedRow {
        /// Fields in the header (or the first row).
        expected: usize,
        /// Fields in this row.
        found: usize,
        /// File and line.
        location: Box<Location>,
    },

    /// A quoted CSV field that never closes: read on, it would swallow the
    /// rest of the file into one value.
    #[error("unterminated quoted field: the quote opened here is never closed{}", At(location))]
    UnterminatedQuote {
        /// The file and the line where the quote opened.
        location: Box<Location>,
    },

    /// A file differs from what it was when the dataset was opened (planned
    /// partitions would read the wrong bytes).
    #[error("file changed since it was opened: {} ({detail}); read it again", path.display())]
    FileChanged {
        /// The file.
        path: PathBuf,
        /// What differs: size, modification time, Parquet footer.
        detail: String,
    },

    /// A file in a dataset directory that no reader takes.
    #[error(
        "{} is not a {expected} file; remove it from the directory or name the files to read with a glob",
        path.display()
    )]
    UnsupportedFile {
        /// The file.
        path: PathBuf,
        /// What the directory was read as (`CSV or Parquet`, `CSV`, ...).
        expected: String,
    },

    /// A directory holds files of more than one format and none was asked for.
    #[error(
        "{} holds both CSV files ({csv}) and Parquet files ({parquet}); read one format with \
         read_csv / read_parquet (CLI: --format-in csv|parquet)",
        path.display()
    )]
    MixedFormats {
        /// The directory.
        path: PathBuf,
        /// How many CSV files, and the first.
        csv: String,
        /// How many Parquet files, and the first.
        parquet: String,
    },

    /// A `key=value` directory names a column the files hold too: which
    /// value is the row's would be a guess (pyarrow refuses it as well).
    #[error(
        "hive partition key {column:?} is also a column of {}; rename the directory or the column",
        file.display()
    )]
    HiveColumnClash {
        /// The key and column name.
        column: String,
        /// A file under such a directory that has the column.
        file: PathBuf,
    },

    /// Two input files disagree on a column's type.
    #[error(
        "schemas conflict on column {column:?}: {left_type} in {} but {right_type} in {}",
        left_file.display(),
        right_file.display()
    )]
    SchemaConflict {
        /// The column.
        column: String,
        /// The first file and its type for the column.
        left_file: PathBuf,
        /// The column's type in `left_file`.
        left_type: DataType,
        /// The conflicting file.
        right_file: PathBuf,
        /// The column's type in `right_file`.
        right_type: DataType,
    },

    /// A path does not exist.
    #[error("path not found: {}", path.display())]
    PathNotFound {
        /// The path as given.
        path: PathBuf,
    },

    /// A directory or glob matched no file of the expected kind.
    #[error("no {kind} files found at {}", path.display())]
    NoFiles {
        /// The directory or glob.
        path: PathBuf,
        /// What was looked for, e.g. `*.csv`.
        kind: String,
    },

    /// An output path exists already; rusk never overwrites data.
    #[error("output path exists: {} (remove it or choose another)", path.display())]
    OutputExists {
        /// The path.
        path: PathBuf,
    },

    /// A query string (pandas' `query` syntax) does not parse.
    #[error("query syntax error at position {position} of {}: {message}", Excerpt { text: query, at: *position })]
    QuerySyntax {
        /// The query text.
        query: String,
        /// 0-based character offset of the problem.
        position: usize,
        /// What was expected.
        message: String,
    },

    /// An argument or option has a value that cannot be used.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// The operating system refused a read or write.
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// A Parquet file could not be read or written.
    #[error("parquet error: {message}{}", At(location))]
    Parquet {
        /// The decoder's message.
        message: String,
        /// Where.
        location: Box<Location>,
    },

    /// An Arrow kernel failed (overflow, division by zero, bad cast...).
    #[error("{source}{}", At(location))]
    Arrow {
        /// The kernel's error.
        #[source]
        source: ArrowError,
        /// Where, when it is known.
        location: Box<Location>,
    },

    /// A user function (`map_partitions`) failed.
    #[error("user function {name:?} failed: {message}{}", At(location))]
    User {
        /// The name the function was registered with.
        name: String,
        /// Its message.
        message: String,
        /// Where.
        location: Box<Location>,
    },

    /// The run was cancelled (its cancellation flag was set, as the CLI does
    /// on Ctrl-C) before it finished: no new task started, and its
    /// temporary outputs and spill files were removed.
    #[error("run cancelled before it finished; its temporary output and spill files were removed")]
    Cancelled,

    /// A broken invariant: a bug in rusk, never the user's fault.
    #[error("internal error: {0} (a bug in rusk)")]
    Internal(String),
}

impl From<ArrowError> for Error {
    fn from(source: ArrowError) -> Self {
        Error::Arrow { source, location: Box::default() }
    }
}

impl Error {
    /// A [`Error::Type`] with no location yet.
    pub fn type_error(message: impl Into<String>) -> Self {
        Error::Type { message: message.into(), location: Box::default() }
    }

    /// A [`Error::MergeKeyNotFound`]: `name` is not among the columns of
    /// the merge's `side` (`"left"` or `"right"`), whose schema is `schema`.
    pub fn merge_key_not_found(side: &str, name: &str, schema: &arrow::datatypes::Schema) -> Self {
        Error::MergeKeyNotFound {
            side: side.to_string(),
            name: name.to_string(),
            available: schema.fields().iter().map(|f| f.name().clone()).collect(),
        }
    }

    /// A [`Error::Parquet`] in `file`.
    ///
    /// The parquet crate's own `Parquet error: ` prefix is dropped, since
    /// the variant already says `parquet error:`.
    pub fn parquet(message: impl fmt::Display, file: impl Into<PathBuf>) -> Self {
        let message = message.to_string();
        let message = match message.strip_prefix("Parquet error: ") {
            Some(rest) => rest.to_string(),
            None => message,
        };
        Error::Parquet { message, location: Box::new(Location::file(file)) }
    }

    /// An [`Error::Io`] on `path`.
    pub fn io(source: std::io::Error, path: impl Into<PathBuf>) -> Self {
        Error::Io { path: path.into(), source }
    }

    /// Where the error happened, for the variants that carry a location.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Type { location, .. }
            | Error::Parse { location, .. }
            | Error::MalformedRow { location, .. }
            | Error::UnterminatedQuote { location }
            | Error::Parquet { location, .. }
            | Error::Arrow { location, .. }
            | Error::User { location, .. } => Some(location),
            _ => None,
        }
    }

    fn location_mut(&mut self) -> Option<&mut Location> {
        match self {
            Error::Type { location, .. }
            | Error::Parse { location, .. }
            | Error::MalformedRow { location, .. }
            | Error::UnterminatedQuote { location }
            | Error::Parquet { location, .. }
            | Error::Arrow { location, .. }
            | Error::User { location, .. } => Some(location),
            _ => None,
        }
    }

    /// Records the file, unless a deeper layer already did.
    pub fn with_file(mut self, file: impl Into<PathBuf>) -> Self {
        if let Some(loc) = self.location_mut() {
            loc.file.get_or_insert_with(|| file.into());
        }
        self
    }

    /// Records the column, unless a deeper layer already did.
    pub fn with_column(mut self, column: impl Into<String>) -> Self {
        if let Some(loc) = self.location_mut() {
            loc.column.get_or_insert_with(|| column.into());
        }
        self
    }

    /// Records the task and partition that failed (the scheduler calls this).
    pub fn with_task(mut self, task: impl Into<String>, partition: usize) -> Self {
        if let Some(loc) = self.location_mut() {
            loc.task.get_or_insert_with(|| task.into());
            loc.partition.get_or_insert(partition);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_not_found_lists_the_columns() {
        let err =
            Error::ColumnNotFound { name: "amout".into(), available: vec!["amount".into(), "region".into()] };
        assert_eq!(err.to_string(), "column \"amout\" not found; columns are: amount, region");
    }

    #[test]
    fn location_is_filled_once_from_the_deepest_layer() {
        let err = Error::Parse {
            value: "x1".into(),
            data_type: DataType::Int64,
            location: Box::new(Location { line: Some(7), ..Default::default() }),
        }
        .with_file("a.csv")
        .with_column("v1")
        .with_file("ignored.csv")
        .with_task("scan-csv", 2);
        let loc = err.location().unwrap();
        assert_eq!(loc.file.as_deref(), Some(std::path::Path::new("a.csv")));
        assert_eq!(loc.partition, Some(2));
        assert_eq!(
            err.to_string(),
            "cannot parse \"x1\" as int64 (at file a.csv, line 7, column \"v1\", partition 2, task scan-csv)"
        );
    }

    #[test]
    fn parquet_errors_say_parquet_once() {
        let err = Error::parquet("Parquet error: Invalid Parquet file. Corrupt footer", "a.parquet");
        assert_eq!(
            err.to_string(),
            "parquet error: Invalid Parquet file. Corrupt footer (at file a.parquet)"
        );
    }

    #[test]
    fn query_syntax_points_at_the_position() {
        let err =
            Error::QuerySyntax { query: "a > > 3".into(), position: 4, message: "expected a value".into() };
        assert_eq!(err.to_string(), "query syntax error at position 4 of \"a > > 3\": expected a value");
    }

    #[test]
    fn a_long_query_shows_only_the_text_around_the_error() {
        let query = format!("{}a > > 3{}", "x == 1 and ".repeat(10_000), " and y == 2".repeat(10_000));
        let position = 110_004;
        let err = Error::QuerySyntax { query: query.clone(), position, message: "expected a value".into() };
        let text = err.to_string();
        assert!(text.len() < 200, "{text}");
        assert!(text.contains("a > > 3"), "{text}");
        assert!(text.starts_with("query syntax error at position 110004 of …\""), "{text}");
        assert!(text.ends_with(&format!("… ({} characters): expected a value", query.len())), "{text}");
    }
}
