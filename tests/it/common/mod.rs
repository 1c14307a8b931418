//! Shared helpers of the integration tests: the pandas oracle's cases
//! (`fixtures/expected/cases.tsv`), reading its expected CSVs, rendering
//! rusk's results to comparable text, and comparing the two without Python.
//!
//! Compiled once, in the one integration-test binary (`tests/it/main.rs`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rusk::arrow::array::{Array, AsArray, RecordBatch};
use rusk::arrow::datatypes::{DataType, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type};
use rusk::arrow::datatypes::{UInt16Type, UInt32Type, UInt64Type, UInt8Type};
use rusk::arrow::util::display::array_value_to_string;
use rusk::{CsvOptions, DataFrame};

mod resample_spec;
pub use resample_spec::{resample_specs, ResampleSpec};

/// Relative tolerance of float comparisons: pandas writes the shortest
/// round-trip text, rusk may sum in another order.
pub const FLOAT_TOLERANCE: f64 = 1e-9;

/// The repository root (the root package's manifest directory).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `rel` (e.g. `fixtures/sales`) under the repository root.
pub fn fixture(rel: &str) -> PathBuf {
    root().join(rel)
}

/// The names in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Partition counts a result must not depend on (one-row and empty
/// partitions appear at the larger counts).
pub const NPARTITIONS: [usize; 5] = [1, 2, 3, 7, 16];

/// Merge-tree fan-ins a result must not depend on (2: the deepest tree;
/// 8: the default).
pub const SPLIT_EVERY: [usize; 3] = [2, 3, 8];

/// Thread counts a result must not depend on.
pub const THREADS: [usize; 2] = [1, 4];

/// One run of an invariance sweep: a label for failure messages, the
/// partition count to `repartition` the input into, and the run's `Config`.
pub type Run = (String, usize, rusk::Config);

/// Every partitioning and run setting a result with a merge tree (a
/// groupby, a reduction, a top-n, a transform) must not depend on:
/// `NPARTITIONS × SPLIT_EVERY × THREADS`, `split_every` as a run setting.
pub fn partitionings() -> Vec<Run> {
    let mut all = Vec::new();
    for n in NPARTITIONS {
        for split_every in SPLIT_EVERY {
            for threads in THREADS {
                let how = format!("repartition({n}) split_every={split_every} threads={threads}");
                let config = rusk::Config { split_every, ..rusk::Config::default().with_threads(threads) };
                all.push((how, n, config));
            }
        }
    }
    all
}

/// Every partitioning and thread count a result without a merge tree (a
/// sort, a shuffle, a concat, `apply`, `drop_duplicates`) must not depend
/// on: `NPARTITIONS × THREADS`. No `split_every`: such a graph never reads
/// it, so sweeping it would only rerun the same graph.
pub fn partitionings_no_tree() -> Vec<Run> {
    let mut all = Vec::new();
    for n in NPARTITIONS {
        for threads in THREADS {
            let how = format!("repartition({n}) threads={threads}");
            all.push((how, n, rusk::Config::default().with_threads(threads)));
        }
    }
    all
}

/// The runs of a property test over one random frame of `drawn`
/// partitions (drawn at random, empty and one-row ones too), for a result
/// with a merge tree: (label, `None` to run the frame as drawn or `Some(n)`
/// to `repartition` it into n, the run's `Config`). The drawn partitions
/// run under every `SPLIT_EVERY × THREADS`; each of `NPARTITIONS` with
/// `split_every` 3 and the default threads. Not the full product for both:
/// a property runs this for each of its 48 to 64 generated frames.
pub fn property_runs(drawn: usize) -> Vec<(String, Option<usize>, rusk::Config)> {
    let mut all = Vec::new();
    for split_every in SPLIT_EVERY {
        for threads in THREADS {
            let how = format!("{drawn} partitions, split_every={split_every}, threads={threads}");
            let config = rusk::Config { split_every, ..rusk::Config::default().with_threads(threads) };
            all.push((how, None, config));
        }
    }
    for n in NPARTITIONS {
        let how = format!("repartition({n}), split_every=3");
        all.push((how, Some(n), rusk::Config { split_every: 3, ..rusk::Config::default() }));
    }
    all
}

/// The task graph's stages of `df` and their task counts (the chain
/// `explain` prints), for assertions on graph shapes.
pub fn stages(df: &DataFrame) -> Vec<(String, usize)> {
    df.stages().expect("the plan lowers")
}

/// The built `rusk` binary, run from the repository root.
pub fn rusk_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rusk"));
    cmd.current_dir(root());
    cmd.env("RUST_BACKTRACE", "0");
    cmd
}

/// Runs `rusk args...` from the repository root and waits for it.
pub fn rusk(args: &[&str]) -> Output {
    rusk_cmd().args(args).output().expect("the rusk binary runs")
}

/// Runs `rusk args`, which must succeed without writing to stderr; its
/// output parsed as CSV.
pub fn rusk_csv(args: &[String]) -> Result<Table, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = rusk(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || !stderr.is_empty() {
        return Err(format!("rusk {args:?} ({:?}): {stderr}", out.status.code()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    parse_csv(&text).map_err(|e| format!("rusk {args:?}: output is not CSV ({e}): {text:?}"))
}

/// The input format of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `read_csv_with`.
    Csv,
    /// `read_parquet`.
    Parquet,
}

/// One line of `fixtures/expected/cases.tsv`.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case name; its result is `expected/<name>.csv`.
    pub name: String,
    /// How to read `path`.
    pub format: Format,
    /// The dataset, relative to the repository root.
    pub path: String,
    /// Read options, `(key, value)`.
    pub options: Vec<(String, String)>,
    /// New columns, `(name, pandas eval expression)`, applied in order.
    pub assign: Vec<(String, String)>,
    /// A pandas query string, empty for none.
    pub query: String,
    /// The columns kept, in order; empty for all.
    pub select: Vec<String>,
}

/// Splits `text` on `sep`, dropping empty pieces.
fn pieces(text: &str, sep: char) -> impl Iterator<Item = &str> {
    text.split(sep).filter(|p| !p.is_empty())
}

/// `key=value` at the first `=` (names may hold spaces, values may hold `=`).
fn key_value(text: &str, what: &str, case: &str) -> (String, String) {
    let (k, v) = text
        .split_once('=')
        .unwrap_or_else(|| panic!("cases.tsv: case {case}: {what} {text:?} is not `name=value`"));
    (k.to_string(), v.to_string())
}

/// All cases of the manifest, in file order. Panics on a malformed line, so
/// a broken manifest fails loudly instead of testing less.
pub fn cases() -> Vec<Case> {
    cases_in("fixtures/expected/cases.tsv")
}

/// The cases of another manifest in the same format (`rel` under the
/// repository root); a case named `dir/name` expects `fixtures/expected/dir/name.csv`.
pub fn cases_in(rel: &str) -> Vec<Case> {
    let path = fixture(rel);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header = lines.next().expect("cases.tsv has a header line");
    assert_eq!(
        header.split('\t').collect::<Vec<_>>(),
        ["name", "format", "path", "options", "assign", "query", "select"],
        "cases.tsv header changed"
    );
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 7, "cases.tsv line {}: expected 7 tab-separated fields, got {}", i + 2, f.len());
        let name = f[0].to_string();
        let format = match f[1] {
            "csv" => Format::Csv,
            "parquet" => Format::Parquet,
            other => panic!("cases.tsv: case {name}: unknown format {other:?}"),
        };
        out.push(Case {
            format,
            path: f[2].to_string(),
            options: pieces(f[3], ';').map(|kv| key_value(kv, "option", &name)).collect(),
            assign: pieces(f[4], ';').map(|kv| key_value(kv, "assign", &name)).collect(),
            query: f[5].to_string(),
            select: pieces(f[6], ',').map(str::to_string).collect(),
            name,
        });
    }
    out
}

impl Case {
    /// The dataset, read with the case's options (nothing computed yet).
    pub fn read(&self) -> rusk::Result<DataFrame> {
        self.read_with_blocksize(None)
    }

    /// [`Case::read`], CSV files cut into partitions of `blocksize` bytes
    /// when given (Parquet ignores it).
    pub fn read_with_blocksize(&self, blocksize: Option<u64>) -> rusk::Result<DataFrame> {
        let path = fixture(&self.path);
        match self.format {
            Format::Parquet => {
                assert!(self.options.is_empty(), "case {}: no Parquet options are supported", self.name);
                rusk::read_parquet(path)
            }
            Format::Csv => {
                let mut options = CsvOptions::default();
                if blocksize.is_some() {
                    options = options.blocksize(blocksize);
                }
                for (key, value) in &self.options {
                    options = match key.as_str() {
                        "parse_dates" => options.parse_dates(value.split(',')),
                        "dtype" => rusk::parse_dtypes(value)
                            .unwrap_or_else(|e| panic!("case {}: dtype {value:?}: {e}", self.name))
                            .into_iter()
                            .fold(options, |o, (column, dtype)| o.dtype(column, dtype)),
                        other => panic!("case {}: unknown read option {other:?}", self.name),
                    };
                }
                rusk::read_csv_with(path, options)
            }
        }
    }

    /// assign (in order) → query → select on `df`, as the oracle does.
    pub fn apply(&self, df: DataFrame) -> rusk::Result<DataFrame> {
        let mut df = df;
        for (name, expr) in &self.assign {
            df = df.with_column(name.as_str(), rusk::query::parse_query(expr)?)?;
        }
        if !self.query.is_empty() {
            df = df.query(&self.query)?;
        }
        if !self.select.is_empty() {
            df = df.select(self.select.iter().map(String::as_str))?;
        }
        Ok(df)
    }

    /// The case's lazy result: read → assign → query → select.
    pub fn frame(&self) -> rusk::Result<DataFrame> {
        self.apply(self.read()?)
    }

    /// pandas' result, `expected/<name>.csv`.
    pub fn expected(&self) -> Table {
        let path = fixture(&format!("fixtures/expected/{}.csv", self.name));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        parse_csv(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The `rusk query` arguments computing this case, when the CLI can
    /// (it has no assign and no read options).
    pub fn cli_args(&self) -> Option<Vec<String>> {
        if !self.assign.is_empty() || !self.options.is_empty() {
            return None;
        }
        let mut args = vec!["query".to_string(), self.path.clone(), "--csv".to_string()];
        // `--where=Q`: a query may start with `-` (`-price < -50`), which
        // as a separate argument reads as a flag.
        if !self.query.is_empty() {
            args.push(format!("--where={}", self.query));
        }
        if !self.select.is_empty() {
            args.push(format!("--select={}", self.select.join(",")));
        }
        Some(args)
    }
}

/// A result as text: column names and rows of fields (empty = null).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The header.
    pub columns: Vec<String>,
    /// The rows, each as wide as `columns`.
    pub rows: Vec<Vec<String>>,
}

/// Parses CSV text (RFC 4180 quoting, `\n` or `\r\n` line ends) with a
/// header line; every row must be as wide as the header.
pub fn parse_csv(text: &str) -> Result<Table, String> {
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut at_record_start = true;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => in_quotes = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_record_start = true;
                continue;
            }
            _ => field.push(c),
        }
        at_record_start = false;
    }
    if in_quotes {
        return Err("unterminated quoted field".into());
    }
    if !at_record_start {
        record.push(field);
        records.push(record);
    }
    let mut records = records.into_iter();
    let columns = records.next().ok_or("no header line")?;
    let rows: Vec<Vec<String>> = records.collect();
    for (i, row) in rows.iter().enumerate() {
        if row.len() != columns.len() {
            return Err(format!("row {i} has {} fields, the header {}", row.len(), columns.len()));
        }
    }
    Ok(Table { columns, rows })
}

/// A computed frame as text (its batches in order).
pub fn table_of(df: &DataFrame) -> Table {
    Table { columns: df.columns(), rows: render_batches(df.batches()) }
}

/// The rows of `batches`, in order, each value rendered by [`render`].
pub fn render_batches(batches: &[RecordBatch]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for batch in batches {
        for i in 0..batch.num_rows() {
            rows.push(batch.columns().iter().map(|a| render(a.as_ref(), i)).collect());
        }
    }
    rows
}

/// One value as pandas' `to_csv` would write it, near enough for
/// [`cells_match`]: null (and NaN) empty, integers plain, floats in Rust's
/// shortest round-trip form (always with a `.` or exponent, like Python's
/// `repr`), booleans `True`/`False`, dates `YYYY-MM-DD`.
pub fn render(array: &dyn Array, i: usize) -> String {
    if array.is_null(i) {
        return String::new();
    }
    fn float(v: f64) -> String {
        if v.is_nan() {
            String::new()
        } else {
            format!("{v:?}")
        }
    }
    match array.data_type() {
        DataType::Int8 => array.as_primitive::<Int8Type>().value(i).to_string(),
        DataType::Int16 => array.as_primitive::<Int16Type>().value(i).to_string(),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(i).to_string(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(i).to_string(),
        DataType::UInt8 => array.as_primitive::<UInt8Type>().value(i).to_string(),
        DataType::UInt16 => array.as_primitive::<UInt16Type>().value(i).to_string(),
        DataType::UInt32 => array.as_primitive::<UInt32Type>().value(i).to_string(),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(i).to_string(),
        DataType::Float32 => float(f64::from(array.as_primitive::<Float32Type>().value(i))),
        DataType::Float64 => float(array.as_primitive::<Float64Type>().value(i)),
        DataType::Boolean => if array.as_boolean().value(i) { "True" } else { "False" }.to_string(),
        DataType::Utf8 => array.as_string::<i32>().value(i).to_string(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(i).to_string(),
        DataType::Utf8View => array.as_string_view().value(i).to_string(),
        DataType::Duration(unit) => {
            let count = rusk::arrow::compute::cast(&array.slice(i, 1), &DataType::Int64)
                .map(|a| a.as_primitive::<Int64Type>().value(0))
                .unwrap_or_default();
            duration_text(i128::from(count) * nanos_per(*unit))
        }
        // Dates, timestamps, dictionaries: arrow's display, normalized by
        // `normalize_datetime` when compared.
        _ => array_value_to_string(array, i).unwrap_or_else(|e| format!("<undisplayable: {e}>")),
    }
}

/// `2024-06-01T00:00:00.000` → `2024-06-01`; `… 12:30:00.500` →
/// `… 12:30:00.5`; anything that is not a date or timestamp unchanged.
pub fn normalize_datetime(s: &str) -> String {
    let b = s.as_bytes();
    let is_date = b.len() >= 10
        && b[..10]
            .iter()
            .enumerate()
            .all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !is_date {
        return s.to_string();
    }
    if b.len() == 10 {
        return s.to_string();
    }
    if !matches!(b[10], b'T' | b' ') {
        return s.to_string();
    }
    let (date, time) = (&s[..10], &s[11..]);
    let mut time = time.to_string();
    if let Some((whole, frac)) = time.clone().split_once('.') {
        let frac = frac.trim_end_matches('0');
        time = if frac.is_empty() { whole.to_string() } else { format!("{whole}.{frac}") };
    }
    if time == "00:00:00" {
        date.to_string()
    } else {
        format!("{date} {time}")
    }
}

fn nanos_per(unit: rusk::arrow::datatypes::TimeUnit) -> i128 {
    use rusk::arrow::datatypes::TimeUnit;
    match unit {
        TimeUnit::Second => 1_000_000_000,
        TimeUnit::Millisecond => 1_000_000,
        TimeUnit::Microsecond => 1_000,
        TimeUnit::Nanosecond => 1,
    }
}

const DAY_NANOS: i128 = 86_400 * 1_000_000_000;

/// A duration as pandas writes one with nine decimals:
/// `-1 days +23:00:00.000000000`.
fn duration_text(nanos: i128) -> String {
    let (days, rest) = (nanos.div_euclid(DAY_NANOS), nanos.rem_euclid(DAY_NANOS));
    let (seconds, fraction) = (rest / 1_000_000_000, rest % 1_000_000_000);
    let sign = if nanos < 0 { "+" } else { "" };
    format!(
        "{days} days {sign}{:02}:{:02}:{:02}.{fraction:09}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The nanoseconds of pandas' timedelta text (`1 days`, `0 days 01:30:00`,
/// `-1 days +23:59:59.500000`), read here rather than by rusk's own parser
/// so that the oracle does not check rusk with rusk.
pub fn duration_nanos(s: &str) -> Option<i128> {
    let (days, rest) = s.split_once(" days")?;
    let days: i128 = days.parse().ok()?;
    let clock = rest.trim_start().trim_start_matches('+');
    if clock.is_empty() {
        return Some(days * DAY_NANOS);
    }
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let parts: Vec<i128> = hms.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let [h, m, sec] = parts.as_slice() else { return None };
    if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction: i128 = format!("{fraction:0<9}").parse().ok()?;
    Some(days * DAY_NANOS + ((h * 60 + m) * 60 + sec) * 1_000_000_000 + fraction)
}

/// An integer written as integers are (`-12`): no `.`, no exponent.
fn is_int_text(s: &str) -> bool {
    let digits = s.strip_prefix('-').or_else(|| s.strip_prefix('+')).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())
}

fn parse_float(s: &str) -> Option<f64> {
    match s {
        "inf" | "+inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok().filter(|v: &f64| v.is_finite()),
    }
}

/// Whether pandas' text `expected` and rusk's text `got` are the same value:
/// equal text; the same date or timestamp; `True`/`true`; the same integer;
/// the same timedelta however many decimals it is written with; or floats
/// within [`FLOAT_TOLERANCE`] (relative). An integer never
/// matches a float (`6` vs `6.0`): that is a dtype difference.
pub fn cells_match(expected: &str, got: &str) -> bool {
    if expected == got {
        return true;
    }
    if expected.is_empty() || got.is_empty() {
        return false;
    }
    let bool_text = |s: &str| match s {
        "True" | "true" => Some(true),
        "False" | "false" => Some(false),
        _ => None,
    };
    if let (Some(a), Some(b)) = (bool_text(expected), bool_text(got)) {
        return a == b;
    }
    if normalize_datetime(expected) == normalize_datetime(got) {
        return true;
    }
    if let (Some(a), Some(b)) = (duration_nanos(expected), duration_nanos(got)) {
        return a == b;
    }
    match (is_int_text(expected), is_int_text(got)) {
        (true, true) => expected.parse::<i128>().ok() == got.parse::<i128>().ok(),
        (false, false) => match (parse_float(expected), parse_float(got)) {
            (Some(a), Some(b)) => a == b || (a - b).abs() <= FLOAT_TOLERANCE * a.abs().max(b.abs()),
            _ => false,
        },
        _ => false,
    }
}

/// Compares rusk's result with pandas' row by row, in order, and the column
/// names. `Err` lists the differences (at most 12 cells), naming the case,
/// the row (0-based, and its line in the expected file) and the column.
pub fn compare(case: &str, expected: &Table, got: &Table) -> Result<(), String> {
    let mut msg = String::new();
    if expected.columns != got.columns {
        let _ = writeln!(
            msg,
            "case {case}: columns differ: expected {:?}, got {:?}",
            expected.columns, got.columns
        );
        return Err(msg);
    }
    if expected.rows.len() != got.rows.len() {
        let _ = writeln!(msg, "case {case}: expected {} rows, got {}", expected.rows.len(), got.rows.len());
    }
    let mut shown = 0;
    for (r, (e_row, g_row)) in expected.rows.iter().zip(&got.rows).enumerate() {
        if g_row.len() != e_row.len() {
            let _ = writeln!(msg, "case {case}: row {r}: {} fields, expected {}", g_row.len(), e_row.len());
            shown += 1;
            continue;
        }
        for ((col, e), g) in expected.columns.iter().zip(e_row).zip(g_row) {
            if !cells_match(e, g) {
                if shown < 12 {
                    let _ = writeln!(
                        msg,
                        "case {case}: row {r} (line {} of the expected file), column {col:?}: expected {e:?}, got {g:?}",
                        r + 2
                    );
                }
                shown += 1;
            }
        }
    }
    if shown > 12 {
        let _ = writeln!(msg, "case {case}: ... {} differing cells in all", shown);
    }
    if expected.rows.len() != got.rows.len() {
        // The first row only one side has, to show where they part.
        let n = expected.rows.len().min(got.rows.len());
        if let Some(row) = expected.rows.get(n) {
            let _ = writeln!(msg, "case {case}: first missing row {n}: {row:?}");
        }
        if let Some(row) = got.rows.get(n) {
            let _ = writeln!(msg, "case {case}: first extra row {n}: {row:?}");
        }
    }
    if msg.is_empty() {
        Ok(())
    } else {
        Err(msg)
    }
}

/// A CSV under the repository root (e.g. `fixtures/expected/groupby/x.csv`) as a [`Table`].
pub fn read_table(rel: &str) -> Table {
    let path = fixture(rel);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_csv(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One line of `fixtures/expected/groupby/cases.tsv`: read → query →
/// `groupby(keys, sort, dropna)` → `agg(aggs)` (written by
/// `fixtures/groupby_generate.py`).
#[derive(Debug, Clone)]
pub struct GroupCase {
    /// The case name; its result is `expected/groupby/<name>.csv`.
    pub name: String,
    /// How to read `path`.
    pub format: Format,
    /// The dataset, relative to the repository root.
    pub path: String,
    /// A pandas query applied before grouping, empty for none.
    pub query: String,
    /// The group keys; none for a whole-frame reduction (one row).
    pub keys: Vec<String>,
    /// The aggregations in the CLI's form, `column:function[=q]`.
    pub aggs: Vec<String>,
    /// pandas' `groupby(sort=)`.
    pub sort: bool,
    /// pandas' `groupby(dropna=)`.
    pub dropna: bool,
}

/// All cases of the groupby manifest, in file order; panics on a malformed line.
pub fn group_cases() -> Vec<GroupCase> {
    let path = fixture("fixtures/expected/groupby/cases.tsv");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header = lines.next().expect("groupby/cases.tsv has a header line");
    assert_eq!(
        header.split('\t').collect::<Vec<_>>(),
        ["name", "format", "path", "query", "keys", "aggs", "sort", "dropna"],
        "groupby/cases.tsv header changed"
    );
    let flag = |text: &str, what: &str, case: &str| match text {
        "True" => true,
        "False" => false,
        other => panic!("groupby/cases.tsv: case {case}: {what} is {other:?}, not True/False"),
    };
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 8, "groupby/cases.tsv line {}: expected 8 fields, got {}", i + 2, f.len());
        let name = f[0].to_string();
        let format = match f[1] {
            "csv" => Format::Csv,
            "parquet" => Format::Parquet,
            other => panic!("groupby/cases.tsv: case {name}: unknown format {other:?}"),
        };
        out.push(GroupCase {
            format,
            path: f[2].to_string(),
            query: f[3].to_string(),
            keys: pieces(f[4], ',').map(str::to_string).collect(),
            aggs: pieces(f[5], ',').map(str::to_string).collect(),
            sort: flag(f[6], "sort", &name),
            dropna: flag(f[7], "dropna", &name),
            name,
        });
    }
    out
}

impl GroupCase {
    /// The case's dataset as a plain [`Case`] (no options, assigns or selection).
    fn scan_case(&self) -> Case {
        Case {
            name: self.name.clone(),
            format: self.format,
            path: self.path.clone(),
            options: vec![],
            assign: vec![],
            query: self.query.clone(),
            select: vec![],
        }
    }

    /// The dataset after the query, not grouped yet.
    pub fn input(&self) -> rusk::Result<DataFrame> {
        self.scan_case().frame()
    }

    /// [`GroupCase::input`], CSV files cut into partitions of `blocksize` bytes.
    pub fn input_with_blocksize(&self, blocksize: u64) -> rusk::Result<DataFrame> {
        let case = self.scan_case();
        case.apply(case.read_with_blocksize(Some(blocksize))?)
    }

    /// `aggs` parsed as the CLI parses them: `(output name, expression)`.
    pub fn parsed_aggs(&self) -> rusk::Result<Vec<(String, rusk::Expr)>> {
        self.aggs.iter().map(|s| rusk::parse_agg(s)).collect()
    }

    /// The case's groupby (or whole-frame reduction) over `df`, with the merge
    /// tree's fan-in when given.
    pub fn aggregate(&self, df: &DataFrame, split_every: Option<usize>) -> rusk::Result<DataFrame> {
        self.aggregate_split(df, split_every, None)
    }

    /// As [`GroupCase::aggregate`], with the result in `split_out` partitions.
    pub fn aggregate_split(
        &self,
        df: &DataFrame,
        split_every: Option<usize>,
        split_out: Option<usize>,
    ) -> rusk::Result<DataFrame> {
        let aggs = self.parsed_aggs()?;
        if self.keys.is_empty() && split_every.is_none() && split_out.is_none() {
            return df.agg(aggs);
        }
        // No keys: a groupby by nothing is `df.agg`, and takes `split_every`.
        let mut g = df.groupby(self.keys.iter().map(String::as_str))?.sort(self.sort).dropna(self.dropna);
        if let Some(n) = split_every {
            g = g.split_every(n);
        }
        if let Some(n) = split_out {
            g = g.split_out(n);
        }
        g.agg(aggs)
    }

    /// The lazy result with the default settings.
    pub fn frame(&self) -> rusk::Result<DataFrame> {
        self.aggregate(&self.input()?, None)
    }

    /// pandas' result, `expected/groupby/<name>.csv`.
    pub fn expected(&self) -> Table {
        read_table(&format!("fixtures/expected/groupby/{}.csv", self.name))
    }

    /// The `rusk query` arguments computing this case (CSV output).
    pub fn cli_args(&self) -> Vec<String> {
        let mut args = vec!["query".to_string(), self.path.clone(), "--csv".to_string()];
        if !self.query.is_empty() {
            args.push(format!("--where={}", self.query));
        }
        if !self.keys.is_empty() {
            args.push(format!("--groupby={}", self.keys.join(",")));
        }
        args.push(format!("--agg={}", self.aggs.join(",")));
        args
    }
}
