//! The command line every bench binary shares (`h2o_groupby`, `h2o_join`,
//! `timeseries`): one question per process, `--query ID --mode e2e|mem
//! [--data DIR] [--threads N] [--warmup N] [--repeat N]` plus boolean flags
//! of its own, and the exit
//! statuses `benches/compare/*.py` read (0 ok, 1 a rusk error, 2 bad
//! arguments); and the allocator.

use std::path::PathBuf;
use std::process::ExitCode;

/// The allocator the `rusk` command uses, so that a bench times what a
/// user of the command gets (see the README's "Allocator").
#[global_allocator]
static ALLOCATOR: rusk::allocator::MiMalloc = rusk::allocator::MiMalloc;

/// Why a run failed; each kind has its own exit status.
pub enum Failure {
    /// Bad arguments (exit 2).
    Usage(String),
    /// rusk failed (exit 1).
    Rusk(rusk::Error),
}

impl From<rusk::Error> for Failure {
    fn from(err: rusk::Error) -> Self {
        Failure::Rusk(err)
    }
}

/// What the clock covers.
#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    /// Reading the Parquet files, the question and the computed result.
    EndToEnd,
    /// The question alone, over tables read into memory first (the h2o setting).
    InMemory,
}

/// The parsed command line.
pub struct Args {
    pub query: String,
    pub mode: Mode,
    pub data: PathBuf,
    pub threads: Option<usize>,
    /// Untimed runs before the timed ones, in this process (`--warmup`, default 0).
    pub warmup: usize,
    /// Timed runs (`--repeat`, default 1).
    pub repeat: usize,
    /// The boolean flags given, of those the binary knows.
    #[allow(dead_code)] // read by `flag`, which not every bench binary calls
    flags: Vec<&'static str>,
}

impl Args {
    /// True when `--flag` was given.
    #[allow(dead_code)] // not every bench binary takes flags
    pub fn flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }
}

/// The arguments, or `None` when `--help` or `--version` answered instead.
/// `flags` are the boolean flags this binary takes (e.g. `"--show"`).
pub fn parse_args(usage: &str, flags: &[&'static str]) -> Result<Option<Args>, Failure> {
    let (mut query, mut mode, mut threads) = (None, None, None);
    let (mut warmup, mut repeat) = (0, 1);
    let mut data = PathBuf::from("benches/data");
    let mut given = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value =
            |flag: &str| args.next().ok_or_else(|| Failure::Usage(format!("{flag} needs a value")));
        match arg.as_str() {
            "--query" => query = Some(value("--query")?),
            "--mode" => {
                mode = Some(match value("--mode")?.as_str() {
                    "e2e" => Mode::EndToEnd,
                    "mem" => Mode::InMemory,
                    other => {
                        return Err(Failure::Usage(format!("unknown mode {other:?}; modes are e2e, mem")))
                    }
                })
            }
            "--data" => data = PathBuf::from(value("--data")?),
            "--warmup" => {
                let n = value("--warmup")?;
                warmup = n
                    .parse::<usize>()
                    .map_err(|_| Failure::Usage(format!("--warmup {n:?}: expected a count")))?;
            }
            "--repeat" => {
                let n = value("--repeat")?;
                repeat =
                    n.parse::<usize>().ok().filter(|&n| n > 0).ok_or_else(|| {
                        Failure::Usage(format!("--repeat {n:?}: expected a positive integer"))
                    })?;
            }
            "--threads" => {
                let n = value("--threads")?;
                threads = Some(n.parse::<usize>().ok().filter(|&n| n > 0).ok_or_else(|| {
                    Failure::Usage(format!("--threads {n:?}: expected a positive integer"))
                })?);
            }
            "--version" => {
                println!("rusk {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "-h" | "--help" => {
                println!("{usage}");
                return Ok(None);
            }
            // `cargo bench` passes `--bench` to a harness-less target.
            "--bench" => {}
            other => match flags.iter().find(|f| **f == other) {
                Some(f) => given.push(*f),
                None => return Err(Failure::Usage(format!("unexpected argument {other:?}"))),
            },
        }
    }
    let query = query.ok_or_else(|| Failure::Usage("--query is required".into()))?;
    let mode = mode.ok_or_else(|| Failure::Usage("--mode is required".into()))?;
    Ok(Some(Args { query, mode, data, threads, warmup, repeat, flags: given }))
}

/// Runs `run` on the parsed arguments `--warmup` + `--repeat` times in
/// this process (each run prints its own JSON line; the drivers drop the
/// warm-ups', as they do for the peers, which run the same way), and maps
/// the outcome to the exit status, errors printed as `NAME: error: ...` on
/// stderr.
pub fn main_with(
    name: &str,
    usage: &str,
    flags: &[&'static str],
    run: impl Fn(&Args) -> Result<(), Failure>,
) -> ExitCode {
    rusk::allocator::tune(&rusk::Config::default());
    let all_runs = |a: Args| (0..a.warmup + a.repeat).try_for_each(|_| run(&a));
    match parse_args(usage, flags).and_then(|args| args.map_or(Ok(()), all_runs)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Rusk(err)) => {
            eprintln!("{name}: error: {err}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(why)) => {
            eprintln!("{usage}\n{name}: {why}");
            ExitCode::from(2)
        }
    }
}
