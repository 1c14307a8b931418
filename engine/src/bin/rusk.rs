//! The `rusk` command: a thin shell over the library. Flags become the same
//! calls a Rust user would make; the result prints as a table on a terminal
//! and as CSV otherwise.
//!
//! Exit status: 0 on success (a closed stdout pipe included), 2 on an error
//! (`rusk: error: ...` on stderr, clap's usage errors too), 130 after SIGINT
//! and 143 after SIGTERM (128 + the signal, as a shell reports a process
//! the signal killed). A first SIGINT/SIGTERM cancels the run: no task
//! starts after it, temporary outputs and spill files are removed, and the
//! exit follows; a second one exits at once.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use rusk::{
    Cancel, Config, CsvOptions, DataFrame, DateErrors, Error, InputFormat, OnBadLines, ReadOptions, Result,
    RunMetrics,
};

/// See `rusk::allocator` for why.
#[global_allocator]
static ALLOCATOR: rusk::allocator::MiMalloc = rusk::allocator::MiMalloc;

/// A partitioned, lazy dataframe engine: query CSV and Parquet directories.
#[derive(Parser)]
#[command(name = "rusk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
// One value, parsed once per run: the size of the `query` variant costs nothing.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Print the columns, dtypes, files and partitions of a dataset.
    Schema {
        /// A file, glob or directory of CSV or Parquet files.
        path: PathBuf,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Print the first rows of a dataset (reads only the partitions needed).
    Head {
        /// A file, glob or directory of CSV or Parquet files.
        path: PathBuf,
        /// How many rows.
        #[arg(short, default_value_t = 5, value_parser = count, allow_negative_numbers = true)]
        n: usize,
        /// Print CSV even on a terminal.
        #[arg(long)]
        csv: bool,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Run a query. Steps apply in this order whatever the order of the
    /// flags: scan, join, eval, where, groupby/resample/rolling + agg, sort, limit, select (the
    /// optimizer still pushes columns and filters into the scans).
    Query(QueryArgs),
}

/// How inputs are read: PATH, and the `--join` input.
#[derive(clap::Args)]
struct InputArgs {
    /// Read the inputs as csv or parquet, whatever their names (default: by
    /// extension; a directory is Parquet if it holds Parquet files).
    #[arg(long, value_enum, value_name = "FORMAT")]
    format_in: Option<Format>,
    /// CSV input: bytes of text per partition, e.g. 64MiB (the default),
    /// 1MB (10^6), 512KiB, 1GB, or plain bytes.
    #[arg(long, value_name = "SIZE", allow_hyphen_values = true)]
    blocksize: Option<String>,
    /// CSV input: a row with too many or too few fields is an error (the
    /// default), skipped, or skipped with a count per input on stderr (warn).
    #[arg(long, value_enum, value_name = "WHAT")]
    on_bad_lines: Option<BadLines>,
    /// CSV input: read a column as a pandas dtype instead of inferring it,
    /// `column:dtype` (int64, float64, string/str/object, bool,
    /// datetime64[ns], date, decimal(p,s), ...); repeat the flag or separate
    /// pairs with commas.
    #[arg(long, value_name = "COL:TYPE")]
    dtype: Vec<String>,
    /// CSV input: read these columns as timestamps (pandas' `parse_dates`),
    /// comma-separated: ISO dates (2024-01-31, 2024-01-31 10:00:00), or
    /// --date-format's.
    #[arg(long, value_delimiter = ',', value_name = "COLS")]
    parse_dates: Vec<String>,
    /// CSV input: the format of the --parse-dates columns, in strftime
    /// codes (pandas' `date_format`), e.g. "%d/%m/%Y %H:%M".
    #[arg(long, value_name = "FMT", allow_hyphen_values = true)]
    date_format: Option<String>,
    /// CSV input: a --parse-dates value that is not a date is an error
    /// naming its file, line and column (raise, the default), null
    /// (coerce, pandas' `errors="coerce"`), or null with a count per input
    /// on stderr (warn).
    #[arg(long, value_enum, value_name = "WHAT")]
    date_errors: Option<DateErrorsArg>,
}

#[derive(Clone, Copy, ValueEnum)]
enum BadLines {
    Error,
    Skip,
    Warn,
}

#[derive(Clone, Copy, ValueEnum)]
enum DateErrorsArg {
    Raise,
    Coerce,
    Warn,
}

#[derive(clap::Args)]
struct QueryArgs {
    /// A file, glob or directory of CSV or Parquet files.
    path: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    /// Join with this file, glob or directory (CSV or Parquet) before the other steps.
    #[arg(long, value_name = "OTHER")]
    join: Option<PathBuf>,
    /// The join's key columns, comma-separated, which both sides have (with --join).
    #[arg(long, value_delimiter = ',', value_name = "KEYS")]
    on: Option<Vec<String>>,
    /// The join type: inner, left, right, outer, semi, anti or cross (default inner).
    #[arg(long, value_name = "HOW", default_value = "inner")]
    how: String,
    /// How the join runs: auto (broadcast a small side, else shuffle), broadcast or shuffle.
    #[arg(long, value_name = "STRATEGY", default_value = "auto")]
    join_strategy: String,
    /// Add or replace a column, as pandas' `df.eval("NAME = EXPR")`: EXPR in
    /// the --where syntax, or one frame-order method call on a column
    /// (cumsum(), cumprod(), cummax(), cummin(), shift(n), diff(n),
    /// pct_change(n)). Repeatable, applied in order after --join and before
    /// --where, so a later one (and --where) may use an earlier column.
    #[arg(long, value_name = "NAME = EXPR", allow_hyphen_values = true)]
    eval: Vec<String>,
    /// Keep rows matching a pandas query expression, e.g. "v1 > 2 and id4 <= 50".
    #[arg(long = "where", value_name = "EXPR", allow_hyphen_values = true)]
    filter: Option<String>,
    /// Group by these columns, comma-separated (with --agg).
    #[arg(long, value_delimiter = ',', value_name = "KEYS")]
    groupby: Option<Vec<String>>,
    /// Aggregations, comma-separated `column:function` (sum, mean, count, size,
    /// min, max, var, std, first, last, nunique, median, quantile[=q], prod,
    /// any, all); output columns are named `column_function`. Without
    /// --groupby, reduces the whole frame to one row.
    #[arg(long, value_delimiter = ',', value_name = "SPECS")]
    agg: Option<Vec<String>>,
    /// Aggregate per time bin of --time with pandas' rule ("h", "15min",
    /// "D", "W", "MS", "ME", ...), per --groupby group if given; output
    /// columns: the keys, the --time column (the bin), then --agg's.
    #[arg(long, value_name = "RULE")]
    resample: Option<String>,
    /// Add a rolling window's --agg columns (`column:function`: sum, mean,
    /// count, min, max, var, std, median; named `column_rolling_function`)
    /// to every row: WINDOW rows (`3`) or a span of --time (`2h`, which
    /// needs the column increasing), per --groupby group if given (rows
    /// then sorted by key, as pandas' `groupby(keys).rolling(...)`).
    #[arg(long, value_name = "WINDOW")]
    rolling: Option<String>,
    /// Values a --rolling window needs for a result (default: the window's
    /// rows, or 1 for a time window, as pandas).
    #[arg(long, value_name = "N", value_parser = count, allow_negative_numbers = true)]
    min_periods: Option<usize>,
    /// The datetime column --resample bins or a --rolling span covers (pandas' `on=`).
    #[arg(long, value_name = "COL")]
    time: Option<String>,
    /// Which edge of a --resample bin belongs to it: left or right (default:
    /// pandas' for the rule); which ends a --rolling window holds: right
    /// (default), left, both or neither.
    #[arg(long, value_name = "SIDE")]
    closed: Option<String>,
    /// Which edge names a --resample bin: left or right (default: pandas' for the rule).
    #[arg(long, value_name = "SIDE")]
    label: Option<String>,
    /// Where --resample's fixed-length bins count from: start_day (default:
    /// midnight of each group's first day), start (its first time) or epoch.
    #[arg(long, value_name = "ORIGIN")]
    origin: Option<String>,
    /// A length ("30min") --resample's fixed-length bins are shifted by.
    #[arg(long, value_name = "LENGTH")]
    offset: Option<String>,
    /// Fan-in of the groupby merge tree (default 8).
    #[arg(long, value_name = "N", value_parser = count, allow_negative_numbers = true)]
    split_every: Option<usize>,
    /// Partitions of the groupby result (a shuffle when > 1; default: chosen
    /// from an estimate of the number of groups, see --explain), or of the
    /// --resample result (default 1; shuffled by the --groupby keys)
    #[arg(long, value_name = "N", value_parser = count, allow_negative_numbers = true)]
    split_out: Option<usize>,
    /// Sort the result by these columns, comma-separated, each `column`,
    /// `column:asc` or `column:desc`; nulls (and NaN) last, ties in input
    /// order. Sorts after --groupby/--agg and before --limit (so with it:
    /// the top N) and --select (so it may use a column not selected).
    #[arg(long, value_delimiter = ',', value_name = "COLS")]
    sort: Option<Vec<String>>,
    /// Keep these columns, comma-separated, in this order.
    #[arg(long, value_delimiter = ',', value_name = "COLS")]
    select: Option<Vec<String>>,
    /// Keep the first N rows (input order, like pandas' head).
    #[arg(long, value_name = "N", value_parser = count, allow_negative_numbers = true)]
    limit: Option<usize>,
    /// Print the plan before and after optimization and the task graph, then
    /// stop (not with --output).
    #[arg(long)]
    explain: bool,
    /// Run the query and print rows, bytes and time per stage instead of the
    /// result (not with --output).
    #[arg(long)]
    analyze: bool,
    /// Write the task graph as Graphviz DOT to FILE, a new file.
    #[arg(long, value_name = "FILE")]
    dot: Option<PathBuf>,
    /// Write the result to this new directory, one file per partition, or to
    /// one file when the path ends in .csv or .parquet. Written under a
    /// hidden temporary name beside it and renamed when complete, so the
    /// path appears whole or not at all.
    #[arg(long, value_name = "FILE_OR_DIR")]
    output: Option<PathBuf>,
    /// The format of --output (default: by its extension, .csv or .parquet;
    /// parquet for a directory). An extension naming the other format is an
    /// error.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Memory budget, in MiB: held task outputs beyond it spill to Arrow
    /// IPC files in the temp directory, and split_out and joins are sized
    /// to it (default: unbounded).
    #[arg(long, value_name = "MIB", value_parser = count, allow_negative_numbers = true)]
    memory_limit: Option<usize>,
    /// Worker threads, 1 to 1024 (default: one per core; 0 is an error).
    #[arg(long, value_name = "N", value_parser = count, allow_negative_numbers = true)]
    threads: Option<usize>,
    /// Print CSV even on a terminal.
    #[arg(long)]
    csv: bool,
    /// Show progress on stderr: bars on a terminal (the default there), a
    /// line per finished stage otherwise.
    #[arg(long, overrides_with = "no_progress")]
    progress: bool,
    /// Show no progress, even on a terminal.
    #[arg(long, overrides_with = "progress")]
    no_progress: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Parquet,
}

/// A count flag's value: clap's own message for `--limit -1` suggests
/// `-- -1`, which is no answer.
fn count(text: &str) -> std::result::Result<usize, String> {
    text.trim().parse().map_err(|_| format!("takes a non-negative integer, got {text:?}"))
}

fn main() -> ExitCode {
    restart_for_a_budget();
    rusk::allocator::tune(&rusk::Config::default());
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let signals = match Signals::install() {
        Ok(signals) => signals,
        Err(e) => return report(&e),
    };
    match run(cli, &signals) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`rusk ... | head`) is the reader's choice, not a failure.
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Error::Cancelled) => {
            let (name, code) = signals.received();
            eprintln!("rusk: interrupted by {name}; no output was written");
            ExitCode::from(code)
        }
        Err(e) => report(&e),
    }
}

fn report(e: &Error) -> ExitCode {
    eprintln!("rusk: error: {}", e.to_string().replace('\n', " "));
    ExitCode::from(2)
}

/// clap's errors as rusk's (`rusk: error: ...` on one line, status 2);
/// `--help` and `--version` print as clap prints them, with status 0.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
        || (e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand && e.exit_code() == 0)
    {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let text = e.render().to_string();
    let mut message = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if !message.is_empty() {
            message.push_str(if message.ends_with(':') { " " } else { "; " });
        }
        message.push_str(line.strip_prefix("error: ").unwrap_or(line));
    }
    eprintln!("rusk: error: {message} (see rusk --help)");
    ExitCode::from(2)
}

/// SIGINT and SIGTERM: the first cancels the run (the scheduler checks
/// between tasks, temporary outputs and spill files are removed by the
/// error's way out), the second exits at once.
struct Signals {
    cancel: Arc<AtomicBool>,
    /// The exit status for the last signal received: 128 + its number.
    status: Arc<AtomicUsize>,
}

impl Signals {
    fn install() -> Result<Self> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let cancel = Arc::new(AtomicBool::new(false));
        let status = Arc::new(AtomicUsize::new(0));
        for (signal, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            let code = 128 + signal;
            let failed = |e: std::io::Error| Error::io(e, format!("<{name} handler>"));
            // The shutdown goes first: it sees the flag still unset on the
            // first signal, and set on the second (signal-hook's pattern).
            signal_hook::flag::register_conditional_shutdown(signal, code, Arc::clone(&cancel))
                .map_err(failed)?;
            signal_hook::flag::register_usize(signal, Arc::clone(&status), code as usize).map_err(failed)?;
            signal_hook::flag::register(signal, Arc::clone(&cancel)).map_err(failed)?;
        }
        Ok(Signals { cancel, status })
    }

    fn cancel(&self) -> Cancel {
        Cancel::new(Arc::clone(&self.cancel))
    }

    /// The signal that cancelled the run and the exit status it gives.
    fn received(&self) -> (&'static str, u8) {
        match self.status.load(Ordering::SeqCst) {
            143 => ("SIGTERM", 143),
            _ => ("SIGINT", 130),
        }
    }
}

fn run(cli: Cli, signals: &Signals) -> Result<()> {
    match cli.command {
        Command::Schema { path, input } => {
            rusk::set_config(Config::default().with_cancel(signals.cancel()));
            let df = read(&path, &input)?;
            let mut out = String::new();
            for (name, dtype) in df.dtypes() {
                out.push_str(&format!("{name}\t{dtype}\n"));
            }
            out.push_str(&format!("files\t{}\n", df.files().len()));
            out.push_str(&format!("partitions\t{}\n", df.npartitions()));
            print(&out)
        }
        Command::Head { path, n, csv, input } => {
            let metrics = RunMetrics::new();
            rusk::set_config(
                Config::default().with_cancel(signals.cancel()).with_run_metrics(metrics.clone()),
            );
            let df = read(&path, &input)?;
            let head = df.head(n)?;
            warn_bad_lines(&metrics, &input);
            show(&head, csv, &signals.cancel())
        }
        Command::Query(args) => query(args, signals),
    }
}

/// Reads `path` as `input` says: the reader, and the CSV options if any.
fn read(path: &Path, input: &InputArgs) -> Result<DataFrame> {
    let mut csv: Option<CsvOptions> = None;
    if let Some(size) = &input.blocksize {
        csv = Some(csv.unwrap_or_default().blocksize(Some(rusk::parse_size(size)?)));
    }
    if let Some(what) = input.on_bad_lines {
        let how = match what {
            BadLines::Error => OnBadLines::Error,
            BadLines::Skip | BadLines::Warn => OnBadLines::Skip,
        };
        csv = Some(csv.unwrap_or_default().on_bad_lines(how));
    }
    for spec in &input.dtype {
        for (column, dtype) in rusk::parse_dtypes(spec)? {
            csv = Some(csv.unwrap_or_default().dtype(column, dtype));
        }
    }
    if !input.parse_dates.is_empty() {
        csv = Some(csv.unwrap_or_default().parse_dates(input.parse_dates.iter().map(|c| c.trim())));
    }
    if let Some(format) = &input.date_format {
        csv = Some(csv.unwrap_or_default().date_format(format));
    }
    if let Some(what) = input.date_errors {
        let errors = match what {
            DateErrorsArg::Raise => DateErrors::Raise,
            DateErrorsArg::Coerce | DateErrorsArg::Warn => DateErrors::Coerce,
        };
        csv = Some(csv.unwrap_or_default().date_errors(errors));
    }
    let format = input.format_in.map(|f| match f {
        Format::Csv => InputFormat::Csv,
        Format::Parquet => InputFormat::Parquet,
    });
    rusk::read_with(path, ReadOptions { format, csv })
}

/// Under `--on-bad-lines warn`, the rows each input skipped in the run
/// (`metrics`), and under `--date-errors warn` the values read as null
/// instead of dates, on stderr. Counted per input (a file, glob or
/// directory), not per file: the scan counters are kept per dataset.
fn warn_bad_lines(metrics: &RunMetrics, input: &InputArgs) {
    let mut totals: Vec<(std::path::PathBuf, rusk::ScanCounts)> = Vec::new();
    for (path, counts) in metrics.scans() {
        match totals.iter_mut().find(|(p, _)| *p == path) {
            Some((_, total)) => *total += counts,
            None => totals.push((path, counts)),
        }
    }
    for (path, counts) in &totals {
        let n = counts.bad_lines_skipped;
        if n > 0 && matches!(input.on_bad_lines, Some(BadLines::Warn)) {
            eprintln!("rusk: warning: skipped {n} bad line(s) in {} (--on-bad-lines warn)", path.display());
        }
        let n = counts.dates_coerced;
        if n > 0 && matches!(input.date_errors, Some(DateErrorsArg::Warn)) {
            eprintln!(
                "rusk: warning: read {n} value(s) that are not dates as null in {} (--date-errors warn)",
                path.display()
            );
        }
    }
}

/// `--rolling WINDOW --agg column:function,...`: every row with one window
/// column per spec, per `--groupby` group if given.
fn rolling(df: DataFrame, args: &QueryArgs, window: &str) -> Result<DataFrame> {
    let specs = args.agg.as_ref().ok_or_else(|| Error::InvalidArgument("--rolling needs --agg".into()))?;
    if args.label.is_some() || args.origin.is_some() || args.offset.is_some() {
        return Err(Error::InvalidArgument("--label, --origin and --offset go with --resample".into()));
    }
    let closed = match &args.closed {
        None => rusk::Closed::Right,
        Some(side) => rusk::Closed::from_name(side).ok_or_else(|| {
            Error::InvalidArgument(format!("--closed {side:?}: use right, left, both or neither"))
        })?,
    };
    let mut columns = Vec::with_capacity(specs.len());
    for spec in specs {
        let (column, function) = spec.trim().split_once(':').ok_or_else(|| {
            Error::InvalidArgument(format!("--agg {spec:?}: write column:function, e.g. v:mean"))
        })?;
        let (column, function) = (column.trim(), function.trim());
        let func = rusk::Rolling::from_name(function).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "--agg {spec:?}: a rolling window takes sum, mean, count, min, max, var, std or median"
            ))
        })?;
        let mut w = match (window.parse::<usize>(), &args.time) {
            (Ok(rows), _) => rusk::rolling(column, rows),
            (Err(_), Some(time)) => rusk::rolling_on(column, window, time)?,
            (Err(_), None) => {
                return Err(Error::InvalidArgument(format!(
                    "--rolling {window:?}: a time span needs --time (or give a number of rows)"
                )))
            }
        };
        if let Some(n) = args.min_periods {
            w = w.min_periods(n);
        }
        columns.push((format!("{column}_rolling_{function}"), w.closed(closed).apply(func)));
    }
    match &args.groupby {
        Some(keys) => df.groupby(keys.iter().map(|k| k.trim()))?.rolling(columns),
        None => df.assign_window(columns),
    }
}

fn query(args: QueryArgs, signals: &Signals) -> Result<()> {
    if args.output.is_some() && (args.explain || args.analyze) {
        let flag = if args.explain { "--explain" } else { "--analyze" };
        return Err(Error::InvalidArgument(format!(
            "{flag} prints a report instead of the result, so it does not write --output; run them separately"
        )));
    }
    let metrics = RunMetrics::new();
    let mut config = Config::default().with_cancel(signals.cancel()).with_run_metrics(metrics.clone());
    if let Some(threads) = args.threads {
        config = config.with_threads(threads);
    }
    if let Some(mib) = args.memory_limit {
        config = config.with_memory_limit_mib(mib)?;
        rusk::allocator::tune(&config);
    }
    let show_progress = !args.no_progress && (args.progress || std::io::stderr().is_terminal());
    if show_progress {
        config = config.with_progress(true);
    }
    config.check()?;
    rusk::set_config(config);
    let input = read(&args.path, &args.input)?;
    let mut df = input.clone();
    match (&args.join, &args.on) {
        (Some(other), on) => {
            let how: rusk::JoinType = args.how.parse()?;
            let options = match (how, on) {
                (rusk::JoinType::Cross, None) => rusk::MergeOptions::cross(),
                (_, Some(keys)) => rusk::MergeOptions::on(keys.iter().map(|k| k.trim())).how(how),
                (_, None) => return Err(Error::InvalidArgument("--join needs --on (or --how cross)".into())),
            };
            df = df.merge(&read(other, &args.input)?, options.strategy(args.join_strategy.parse()?))?;
        }
        (None, Some(_)) => return Err(Error::InvalidArgument("--on needs --join".into())),
        (None, None) => {}
    }
    for assignment in &args.eval {
        df = df.eval(assignment)?;
    }
    if let Some(q) = &args.filter {
        df = df.query(q)?;
    }
    if let Some(rule) = &args.resample {
        let time =
            args.time.as_deref().ok_or_else(|| Error::InvalidArgument("--resample needs --time".into()))?;
        let specs =
            args.agg.as_ref().ok_or_else(|| Error::InvalidArgument("--resample needs --agg".into()))?;
        // `v:ohlc` is four aggregations: v_open, v_high, v_low, v_close.
        let mut aggs = Vec::with_capacity(specs.len());
        for spec in specs {
            match spec.trim().strip_suffix(":ohlc") {
                Some(column) => aggs.extend(rusk::ohlc(column.trim())),
                None => aggs.push(rusk::parse_agg(spec)?),
            }
        }
        let mut r = match &args.groupby {
            Some(keys) => df.groupby(keys.iter().map(|k| k.trim()))?.resample(rule, time)?,
            None => df.resample(rule, time)?,
        };
        if let Some(side) = &args.closed {
            r = r.closed(side)?;
        }
        if let Some(side) = &args.label {
            r = r.label(side)?;
        }
        if let Some(origin) = &args.origin {
            r = r.origin(origin)?;
        }
        if let Some(offset) = &args.offset {
            r = r.offset(offset)?;
        }
        if let Some(n) = args.split_out {
            r = r.split_out(n)?;
        }
        df = r.agg(aggs)?;
    } else if let Some(window) = &args.rolling {
        df = rolling(df, &args, window)?;
    } else if args.time.is_some() || args.closed.is_some() || args.label.is_some() {
        return Err(Error::InvalidArgument("--time and --closed go with --resample or --rolling".into()));
    } else if args.origin.is_some() || args.offset.is_some() {
        return Err(Error::InvalidArgument("--origin and --offset go with --resample".into()));
    } else if args.min_periods.is_some() {
        return Err(Error::InvalidArgument("--min-periods goes with --rolling".into()));
    } else {
        df = group(df, &args)?;
    }
    if let Some(specs) = &args.sort {
        let keys = specs.iter().map(|s| rusk::parse_sort(s)).collect::<Result<Vec<_>>>()?;
        let by: Vec<&str> = keys.iter().map(|(c, _)| c.as_str()).collect();
        let ascending: Vec<bool> = keys.iter().map(|(_, a)| *a).collect();
        df = df.sort_values(&by, &ascending)?;
    }
    if let Some(n) = args.limit {
        df = df.limit(n);
    }
    if let Some(cols) = &args.select {
        df = df.select(cols.iter().map(|c| c.trim()))?;
    }
    if let Some(dot) = &args.dot {
        df.visualize(dot)?;
    }
    if args.explain {
        return print(&df.explain()?);
    }
    if args.analyze {
        let mut report = df.explain_analyze()?;
        if let Some(bytes) = peak_rss() {
            report.push_str(&format!("peak RSS of the process: {bytes} bytes\n"));
        }
        return print(&report);
    }
    if let Some(path) = &args.output {
        let written = match args.format.unwrap_or_else(|| format_of(path)) {
            Format::Csv => df.to_csv(path),
            Format::Parquet => df.to_parquet(path),
        };
        warn_bad_lines(&metrics, &args.input);
        if written.is_ok() && show_progress {
            // Where the memory went is part of what progress shows; with
            // the result on stdout, the line would come before its last rows.
            if let Some(bytes) = peak_rss() {
                let size = rusk::plan::estimate::format_bytes(bytes);
                eprintln!("rusk: peak RSS of the process: {bytes} bytes ({size})");
            }
        }
        return written;
    }
    let result = df.compute()?;
    warn_bad_lines(&metrics, &args.input);
    show(&result, args.csv, &signals.cancel())
}

/// The output format an `--output` path names: `.csv` is CSV, anything
/// else (`.parquet`, a directory) Parquet.
fn format_of(path: &Path) -> Format {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("csv" | "tsv") => Format::Csv,
        _ => Format::Parquet,
    }
}

/// A table on a terminal, CSV otherwise; a cancellation stops between
/// slices.
fn show(df: &DataFrame, csv: bool, cancel: &Cancel) -> Result<()> {
    let stdout = std::io::stdout();
    if csv || !stdout.is_terminal() {
        return write_csv_ordered(std::io::BufWriter::new(stdout.lock()), df.batches(), cancel);
    }
    print(&format!("{df}\n"))
}

/// Rows of CSV text one thread formats at a time for [`write_csv_ordered`].
const CSV_SLICE_ROWS: usize = 65_536;

/// `batches` as CSV (with a header) to `out`: slices of
/// [`CSV_SLICE_ROWS`] rows are formatted in parallel, a window of two per
/// thread at a time, and written in order, so the text of a long result
/// (1e7 rows: ~0.6 GB) is neither formatted by one thread nor held whole.
fn write_csv_ordered(mut out: impl Write, batches: &[RecordBatch], cancel: &Cancel) -> Result<()> {
    let to_stdout = |e: std::io::Error| Error::io(e, "<stdout>");
    match batches.first() {
        // The header alone (the first batch's columns, no rows).
        Some(first) => rusk_io::write::write_csv(&mut out, &[first.slice(0, 0)], true, b',')?,
        None => return rusk_io::write::write_csv(out, batches, true, b','),
    }
    let slices: Vec<RecordBatch> = batches
        .iter()
        .flat_map(|b| {
            (0..b.num_rows())
                .step_by(CSV_SLICE_ROWS)
                .map(|at| b.slice(at, CSV_SLICE_ROWS.min(b.num_rows() - at)))
        })
        .collect();
    let threads = rusk::config().worker_threads();
    let pool = rusk::scheduler::thread_pool(threads)?;
    for window in slices.chunks(2 * threads) {
        cancel.check()?;
        let texts: Vec<Result<Vec<u8>>> = pool.install(|| {
            window
                .par_iter()
                .map(|slice| {
                    let mut text = Vec::new();
                    rusk_io::write::write_csv(&mut text, std::slice::from_ref(slice), false, b',')?;
                    Ok(text)
                })
                .collect()
        });
        for text in texts {
            out.write_all(&text?).map_err(to_stdout)?;
        }
    }
    out.flush().map_err(to_stdout)
}

/// A command given `--memory-limit` starts itself again with mimalloc's
/// arenas committed as used ([`rusk::allocator::LAZY_ARENAS`]) and freed
/// memory kept for [`rusk::allocator::budgeted_purge_delay_ms`]: options
/// mimalloc reads from the environment before `main` (set later, the
/// delay does not hold: an arena's first purge keeps the delay it was
/// scheduled with). Not when the first variable is set already; should
/// starting again fail, it runs as it is.
fn restart_for_a_budget() {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let (name, value) = rusk::allocator::LAZY_ARENAS;
        let Some(mib) = flag_value("--memory-limit") else { return };
        if std::env::var_os(name).is_some() {
            return;
        }
        let Ok(exe) = std::env::current_exe() else { return };
        let mut args = std::env::args_os();
        let mut again = std::process::Command::new(exe);
        if let Some(arg0) = args.next() {
            again.arg0(arg0);
        }
        again.args(args).env(name, value);
        // A value clap refuses later is left to it.
        let threads = flag_value("--threads")
            .map(|t| t.parse::<usize>().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()));
        if let (Ok(mib), Some(threads), None) =
            (mib.parse::<usize>(), threads, std::env::var_os("MIMALLOC_PURGE_DELAY"))
        {
            let delay = rusk::allocator::budgeted_purge_delay_ms(mib.saturating_mul(1 << 20), threads);
            again.env("MIMALLOC_PURGE_DELAY", delay.to_string());
        }
        // Returns only if the program could not be started again.
        let _ = again.exec();
    }
}

/// The value given to `flag` (`--flag V` or `--flag=V`), before clap
/// parses the command line; the last one, as clap takes it.
fn flag_value(flag: &str) -> Option<String> {
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let mut found = None;
    for (i, arg) in args.iter().enumerate() {
        if arg == flag {
            found = Some(args.get(i + 1).cloned().unwrap_or_default());
        } else if let Some(v) = arg.strip_prefix(flag).and_then(|rest| rest.strip_prefix('=')) {
            found = Some(v.to_string());
        }
    }
    found
}

/// The most resident memory this process has had (Linux's `VmHWM`), to
/// set beside the bytes the run's outputs held: the difference is the
/// running tasks' working memory and the allocator's. `None` where the
/// system does not say.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| Error::io(e, "<stdout>"))
}

/// `--groupby` + `--agg`, or `--agg` alone (a whole-frame reduction).
fn group(df: DataFrame, args: &QueryArgs) -> Result<DataFrame> {
    match (&args.groupby, &args.agg) {
        (Some(keys), Some(specs)) => {
            let aggs = specs.iter().map(|s| rusk::parse_agg(s)).collect::<Result<Vec<_>>>()?;
            let mut g = df.groupby(keys.iter().map(|k| k.trim()))?;
            if let Some(n) = args.split_out {
                g = g.split_out(n);
            }
            if let Some(n) = args.split_every {
                g = g.split_every(n);
            }
            g.agg(aggs)
        }
        (None, Some(specs)) => {
            let aggs = specs.iter().map(|s| rusk::parse_agg(s)).collect::<Result<Vec<_>>>()?;
            df.agg(aggs)
        }
        (Some(_), None) => Err(Error::InvalidArgument("--groupby needs --agg".into())),
        (None, None) => Ok(df),
    }
}
