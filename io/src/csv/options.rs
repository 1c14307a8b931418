//! The options of `read_csv`, named as pandas and Dask name them.

use arrow::datatypes::{DataType, TimeUnit};

/// The strings pandas reads as missing unless `keep_default_na=False`
/// (`pandas._libs.parsers.STR_NA_VALUES`).
pub const DEFAULT_NA_VALUES: &[&str] = &[
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
    "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// Dask's default `blocksize`: 64 MiB of text per partition.
pub const DEFAULT_BLOCKSIZE: u64 = 64 * 1024 * 1024;

/// Rows sampled per file to infer column types (pandas reads all rows; Dask
/// samples the first file's first 256 KB; rusk samples every file so that a
/// type seen only in a later file is caught when the dataset is opened).
pub const DEFAULT_INFER_ROWS: usize = 1000;

/// The type `parse_dates` gives a column: naive nanosecond timestamps, as
/// pandas' `datetime64[ns]` (values with a UTC offset get a zone: see
/// `infer::parse_dates_type`).
pub const PARSE_DATES_TYPE: DataType = DataType::Timestamp(TimeUnit::Nanosecond, None);

/// What to do with a row whose field count differs from the header's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum OnBadLines {
    /// Fail, naming the file and line (pandas' default).
    #[default]
    Error,
    /// Drop the row and count it in [`crate::ScanMetrics`].
    Skip,
}

/// What to do with a `parse_dates` value that is not a date (pandas'
/// `to_datetime(errors=...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum DateErrors {
    /// Fail, naming the file, line, column and value (pandas' `errors="raise"`).
    #[default]
    Raise,
    /// Read it as null and count it in [`crate::ScanMetrics`] (pandas'
    /// `errors="coerce"`, which gives `NaT` and counts nothing).
    Coerce,
}

/// Options of `read_csv`.
///
/// Built from [`CsvOptions::default`] with setters that take and return
/// `self`, named after pandas' `read_csv` arguments (and Dask's `blocksize`):
///
/// ```
/// # use rusk_io::{CsvOptions, OnBadLines};
/// # use arrow::datatypes::DataType;
/// let opts = CsvOptions::default()
///     .sep(b';')
///     .usecols(["id", "when", "amount"])
///     .dtype("id", DataType::Utf8)
///     .parse_dates(["when"])
///     .na_values(["-"])
///     .on_bad_lines(OnBadLines::Skip);
/// assert_eq!(opts.sep, b';');
/// ```
///
/// Where rusk departs from pandas: missing values are Arrow nulls (never
/// NaN, even in float columns: a `NaN` in the text is missing, as in pandas);
/// without a header the columns are named `"0"`, `"1"`, ... (strings, where
/// pandas uses integers); a row with fewer fields than the header is a bad
/// line (pandas pads it with NaN).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CsvOptions {
    /// The field delimiter (pandas' `sep`), `b','` by default.
    pub sep: u8,
    /// The quote character, `b'"'` by default; a doubled quote inside a
    /// quoted field is a literal quote.
    pub quote: u8,
    /// Whether the first line names the columns (`header=0` in pandas,
    /// `false` is `header=None`). `true` by default.
    pub header: bool,
    /// The columns to read, `None` for all (pandas' `usecols`).
    pub usecols: Option<Vec<String>>,
    /// Column types that replace the inferred ones (pandas' `dtype`).
    pub dtype: Vec<(String, DataType)>,
    /// Columns read as [`PARSE_DATES_TYPE`] (pandas' `parse_dates`).
    pub parse_dates: Vec<String>,
    /// The format of every `parse_dates` column (pandas' `date_format`), in
    /// strftime codes; `None` reads ISO dates (see [`CsvOptions::parse_dates`]).
    pub date_format: Option<String>,
    /// Formats of single `parse_dates` columns, overriding `date_format`
    /// (pandas' `date_format={column: format}`).
    pub date_formats: Vec<(String, String)>,
    /// What a `parse_dates` value that does not parse becomes.
    pub date_errors: DateErrors,
    /// Extra strings read as missing (pandas' `na_values`).
    pub na_values: Vec<String>,
    /// Whether [`DEFAULT_NA_VALUES`] are missing too (pandas' `keep_default_na`).
    pub keep_default_na: bool,
    /// Bytes of text per partition; `None` reads each file as one partition
    /// (Dask's `blocksize`). [`DEFAULT_BLOCKSIZE`] by default.
    pub blocksize: Option<u64>,
    /// What to do with a row of the wrong width (pandas' `on_bad_lines`).
    pub on_bad_lines: OnBadLines,
    /// Rows per file sampled to infer types ([`DEFAULT_INFER_ROWS`]).
    pub infer_rows: usize,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            sep: b',',
            quote: b'"',
            header: true,
            usecols: None,
            dtype: Vec::new(),
            parse_dates: Vec::new(),
            date_format: None,
            date_formats: Vec::new(),
            date_errors: DateErrors::Raise,
            na_values: Vec::new(),
            keep_default_na: true,
            blocksize: Some(DEFAULT_BLOCKSIZE),
            on_bad_lines: OnBadLines::Error,
            infer_rows: DEFAULT_INFER_ROWS,
        }
    }
}

impl CsvOptions {
    /// Sets the field delimiter (`sep=`).
    pub fn sep(mut self, sep: u8) -> Self {
        self.sep = sep;
        self
    }

    /// Sets the quote character (`quotechar=`).
    pub fn quote(mut self, quote: u8) -> Self {
        self.quote = quote;
        self
    }

    /// Whether the first line is a header (`header=0` / `header=None`).
    pub fn header(mut self, header: bool) -> Self {
        self.header = header;
        self
    }

    /// Reads only these columns (`usecols=`); they keep the files' order.
    pub fn usecols<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.usecols = Some(columns.into_iter().map(Into::into).collect());
        self
    }

    /// Reads `column` as `data_type` instead of inferring it (`dtype={column: ...}`);
    /// call once per column.
    pub fn dtype(mut self, column: impl Into<String>, data_type: DataType) -> Self {
        let column = column.into();
        self.dtype.retain(|(c, _)| *c != column);
        self.dtype.push((column, data_type));
        self
    }

    /// Reads these columns as timestamps (`parse_dates=[...]`): `YYYY-MM-DD`,
    /// `YYYY-MM-DD HH:MM:SS[.fff]`, with a space or `T`. As in pandas,
    /// values that all carry one UTC offset (`-05:00`, `Z`) give a column
    /// in that zone (`datetime64[ns, -05:00]`, `UTC`); rusk reads values
    /// with different offsets as UTC instants, where pandas keeps text.
    pub fn parse_dates<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.parse_dates.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Reads the `parse_dates` columns with this format (`date_format=`):
    /// chrono's strftime codes, which are Python's for the common ones
    /// (`%d/%m/%Y %H:%M`, `%Y%m%d`, `%b %d %Y %I:%M %p`, `%S.%f`). The whole
    /// value must match, as in pandas; missing time fields are 0; `%z`
    /// converts to UTC (the column stays naive, where pandas would keep
    /// the offset).
    ///
    /// Values that do not match are errors unless
    /// [`CsvOptions::date_errors`] coerces them.
    pub fn date_format(mut self, format: impl Into<String>) -> Self {
        self.date_format = Some(format.into());
        self
    }

    /// Reads `column` (one of the `parse_dates`) with this format, whatever
    /// [`CsvOptions::date_format`] says (`date_format={column: format}`).
    pub fn date_format_for(mut self, column: impl Into<String>, format: impl Into<String>) -> Self {
        let column = column.into();
        self.date_formats.retain(|(c, _)| *c != column);
        self.date_formats.push((column, format.into()));
        self
    }

    /// What a `parse_dates` value that is not a date becomes (pandas'
    /// `to_datetime(errors=)`): an error naming the file, line, column and
    /// value ([`DateErrors::Raise`], the default), or null
    /// ([`DateErrors::Coerce`]), counted as `dates_coerced` in the scan's
    /// metrics (`explain_analyze`, and the CLI's `--date-errors warn`).
    ///
    /// pandas' `read_csv` leaves such a column as strings, without a
    /// warning; rusk fails instead, so a column asked for as dates is dates.
    pub fn date_errors(mut self, errors: DateErrors) -> Self {
        self.date_errors = errors;
        self
    }

    /// Also reads these strings as missing (`na_values=[...]`), in every column.
    pub fn na_values<I, S>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.na_values.extend(values.into_iter().map(Into::into));
        self
    }

    /// Whether pandas' default missing-value strings apply (`keep_default_na=`).
    pub fn keep_default_na(mut self, keep: bool) -> Self {
        self.keep_default_na = keep;
        self
    }

    /// Bytes per partition, `None` for one partition per file (`blocksize=`).
    ///
    /// Files are cut every `blocksize` bytes, as in Dask, and each cut then
    /// moves to the next record start (found by a scan of the file's quotes
    /// when it is opened), so a quoted field holding newlines is never cut
    /// in two. A compressed file is always one partition.
    pub fn blocksize(mut self, blocksize: Option<u64>) -> Self {
        self.blocksize = blocksize;
        self
    }

    /// Fail on (default) or skip rows of the wrong width (`on_bad_lines=`).
    pub fn on_bad_lines(mut self, on_bad_lines: OnBadLines) -> Self {
        self.on_bad_lines = on_bad_lines;
        self
    }

    /// Rows sampled per file for type inference.
    pub fn infer_rows(mut self, rows: usize) -> Self {
        self.infer_rows = rows;
        self
    }

    /// Whether `dtype` names `column`.
    pub(crate) fn has_dtype(&self, column: &str) -> bool {
        self.dtype.iter().any(|(c, _)| c == column)
    }

    /// The type `dtype` or `parse_dates` forces on `column`, if any.
    pub(crate) fn forced_type(&self, column: &str) -> Option<DataType> {
        if let Some((_, t)) = self.dtype.iter().find(|(c, _)| c == column) {
            return Some(t.clone());
        }
        self.parse_dates.iter().any(|c| c == column).then_some(PARSE_DATES_TYPE)
    }

    /// The `parse_dates` columns that are read as text and converted by
    /// `dates.rs` (all of them, unless `dtype` gives one another type),
    /// each with its format.
    pub(crate) fn date_columns(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.parse_dates.iter().filter(|c| !self.dtype.iter().any(|(d, _)| d == *c)).map(|c| {
            let own = self.date_formats.iter().find(|(d, _)| d == c).map(|(_, f)| f.as_str());
            (c.as_str(), own.or(self.date_format.as_deref()))
        })
    }

    /// Whether `column` is read at all (`usecols`).
    pub(crate) fn uses(&self, column: &str) -> bool {
        self.usecols.as_ref().is_none_or(|cols| cols.iter().any(|c| c == column))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_pandas_and_dask() {
        let o = CsvOptions::default();
        assert_eq!((o.sep, o.quote, o.header, o.keep_default_na), (b',', b'"', true, true));
        assert_eq!(o.blocksize, Some(64 << 20));
        assert_eq!(o.infer_rows, 1000);
        assert_eq!(o.on_bad_lines, OnBadLines::Error);
        assert_eq!(DEFAULT_NA_VALUES.len(), 19);
    }

    #[test]
    fn dtype_replaces_and_dates_force_timestamps() {
        let o = CsvOptions::default()
            .dtype("a", DataType::Int32)
            .dtype("a", DataType::Utf8)
            .parse_dates(["d"])
            .usecols(["a", "d"]);
        assert_eq!(o.forced_type("a"), Some(DataType::Utf8));
        assert_eq!(o.forced_type("d"), Some(PARSE_DATES_TYPE));
        assert_eq!(o.forced_type("x"), None);
        assert!(o.uses("a") && !o.uses("x"));
        assert!(CsvOptions::default().uses("anything"));
    }

    #[test]
    fn date_formats_apply_per_column() {
        let o = CsvOptions::default()
            .parse_dates(["a", "b", "c"])
            .date_format("%d/%m/%Y")
            .date_format_for("b", "%Y%m%d")
            .date_format_for("b", "%Y.%m.%d")
            .dtype("c", DataType::Utf8);
        let columns: Vec<_> = o.date_columns().collect();
        assert_eq!(columns, [("a", Some("%d/%m/%Y")), ("b", Some("%Y.%m.%d"))]);
        assert_eq!(o.date_errors, DateErrors::Raise);
        let plain = CsvOptions::default().parse_dates(["a"]);
        assert_eq!(plain.date_columns().collect::<Vec<_>>(), [("a", None)]);
    }
}
