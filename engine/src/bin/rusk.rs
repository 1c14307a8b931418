//! The `rusk` command: a thin shell over the library. Flags become the same
//! calls a Rust user would make; the result prints as a table on a terminal
//! and as CSV otherwise.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rusk::{Config, DataFrame, Error, Result};

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
    },
    /// Print the first rows of a dataset (reads only the partitions needed).
    Head {
        /// A file, glob or directory of CSV or Parquet files.
        path: PathBuf,
        /// How many rows.
        #[arg(short, default_value_t = 5)]
        n: usize,
        /// Print CSV even on a terminal.
        #[arg(long)]
        csv: bool,
    },
    /// Run a query. Steps apply in this order whatever the order of the
    /// flags: scan, join, where, groupby + agg, sort, limit, select (the
    /// optimizer still pushes columns and filters into the scans).
    Query(QueryArgs),
}

#[derive(clap::Args)]
struct QueryArgs {
    /// A file, glob or directory of CSV or Parquet files.
    path: PathBuf,
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
    /// Fan-in of the groupby merge tree (default 8).
    #[arg(long, value_name = "N")]
    split_every: Option<usize>,
    /// Partitions of the groupby result (a shuffle when > 1; default: chosen
    /// from an estimate of the number of groups, see --explain)
    #[arg(long, value_name = "N")]
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
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Print the plan before and after optimization and the task graph, then stop.
    #[arg(long)]
    explain: bool,
    /// Run the query and print rows, bytes and time per stage instead of the result.
    #[arg(long)]
    analyze: bool,
    /// Write the task graph as Graphviz DOT to FILE.
    #[arg(long, value_name = "FILE")]
    dot: Option<PathBuf>,
    /// Write the result to this new directory, one file per partition, or to
    /// one file when the path ends in .csv or .parquet (matching --format).
    #[arg(long, value_name = "FILE_OR_DIR")]
    output: Option<PathBuf>,
    /// The format of --output.
    #[arg(long, value_enum, default_value_t = Format::Parquet)]
    format: Format,
    /// Memory budget for shuffle buckets, in MiB; beyond it they spill to
    /// Arrow IPC files in the temp directory (default: unbounded).
    #[arg(long, value_name = "MIB")]
    memory_limit: Option<usize>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Print CSV even on a terminal.
    #[arg(long)]
    csv: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Parquet,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`rusk ... | head`) is the reader's choice, not a failure.
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rusk: error: {}", e.to_string().replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Schema { path } => {
            let df = rusk::read(&path)?;
            let mut out = String::new();
            for (name, dtype) in df.dtypes() {
                out.push_str(&format!("{name}\t{dtype}\n"));
            }
            out.push_str(&format!("files\t{}\n", df.files().len()));
            out.push_str(&format!("partitions\t{}\n", df.npartitions()));
            print(&out)
        }
        Command::Head { path, n, csv } => show(&rusk::read(&path)?.head(n)?, csv),
        Command::Query(args) => query(args),
    }
}

fn query(args: QueryArgs) -> Result<()> {
    let mut config = Config::default();
    if let Some(threads) = args.threads {
        config = config.with_threads(threads);
    }
    if let Some(mib) = args.memory_limit {
        config = config.with_memory_limit(mib << 20);
    }
    rusk::set_config(config);
    let mut df = rusk::read(&args.path)?;
    match (&args.join, &args.on) {
        (Some(other), on) => {
            let how: rusk::JoinType = args.how.parse()?;
            let options = match (how, on) {
                (rusk::JoinType::Cross, None) => rusk::MergeOptions::cross(),
                (_, Some(keys)) => rusk::MergeOptions::on(keys.iter().map(|k| k.trim())).how(how),
                (_, None) => return Err(Error::InvalidArgument("--join needs --on (or --how cross)".into())),
            };
            df = df.merge(&rusk::read(other)?, options.strategy(args.join_strategy.parse()?))?;
        }
        (None, Some(_)) => return Err(Error::InvalidArgument("--on needs --join".into())),
        (None, None) => {}
    }
    if let Some(q) = &args.filter {
        df = df.query(q)?;
    }
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
            df = g.agg(aggs)?;
        }
        (None, Some(specs)) => {
            let aggs = specs.iter().map(|s| rusk::parse_agg(s)).collect::<Result<Vec<_>>>()?;
            df = df.agg(aggs)?;
        }
        (Some(_), None) => return Err(Error::InvalidArgument("--groupby needs --agg".into())),
        (None, None) => {}
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
        return print(&df.explain_analyze()?);
    }
    if let Some(dir) = &args.output {
        return match args.format {
            Format::Csv => df.to_csv(dir),
            Format::Parquet => df.to_parquet(dir),
        };
    }
    show(&df.compute()?, args.csv)
}

/// A table on a terminal, CSV otherwise.
fn show(df: &DataFrame, csv: bool) -> Result<()> {
    let stdout = std::io::stdout();
    if csv || !stdout.is_terminal() {
        let lock = std::io::BufWriter::new(stdout.lock());
        return rusk_io::write::write_csv(lock, df.batches(), true, b',');
    }
    print(&format!("{df}\n"))
}

fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| Error::io(e, "<stdout>"))
}
