//! The driver the fuzz harnesses share: seeded cases, a supervising parent
//! process that notices panics, crashes and hangs, and crash files.
//!
//! ```text
//! fuzz_x DURATION [SEED]   parent: runs children until DURATION is up
//!   └─ fuzz_x child SEED FIRST DEADLINE WORKDIR
//!        for i in FIRST..: prints "C i", runs case i under catch_unwind,
//!        prints "F i why" for a panic or a failed check
//! fuzz_x repro SEED CASE   runs one case in this process, saves its input
//! ```
//!
//! Case `i` of seed `s` is generated from its own generator (seeded by `s`
//! and `i`), so `repro` rebuilds any case exactly. A child that dies (stack
//! overflow, abort) or prints nothing for `FUZZ_TIMEOUT` seconds (a hang:
//! the parent kills it) fails the case it last announced, and a new child
//! carries on with the next one: a hung case never keeps burning a core.
//!
//! `FUZZ_STACK_KB` overrides the stack of the thread that runs cases (a
//! tiny one makes deep inputs overflow: a check that crashes are caught).
//!
//! Failing inputs are saved in `fuzz-crashes/` (or `$FUZZ_CRASH_DIR`),
//! at most [`SAVED_PER_KIND`] per kind of failure (the panic's location, or
//! the start of the check's message).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Inputs saved per kind of failure; later ones of the same kind are counted only.
pub const SAVED_PER_KIND: usize = 3;

/// SplitMix64 (Steele, Lea, Flood 2014): fast, seedable, good enough to
/// pick test inputs; rand is not a dependency of rusk.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The generator of case `case` of a run seeded with `seed`.
    pub fn for_case(seed: u64, case: u64) -> Self {
        let mut mix = Rng(seed ^ case.wrapping_mul(0xD1B5_4A32_D192_ED03));
        Rng(mix.next_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True once in `n` times.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a harness fuzzes.
pub trait Target: Sync {
    /// One input, with everything needed to run it.
    type Case: Sync;

    /// The harness's name, which prefixes crash files.
    fn name(&self) -> &'static str;

    /// The case drawn from `rng`.
    fn generate(&self, rng: &mut Rng) -> Self::Case;

    /// Runs a case; `Err` is a failed check (a panic is caught by the
    /// driver). `work` is a scratch directory of this process.
    fn run(&self, case: &Self::Case, work: &Path) -> Result<(), String>;

    /// Writes the case's input next to `stem` (adding extensions); returns
    /// the files written.
    fn save(&self, case: &Self::Case, stem: &Path) -> std::io::Result<Vec<PathBuf>>;

    /// Stack of the thread that runs cases.
    fn stack_size(&self) -> usize {
        8 << 20
    }
}

/// Parses `30`, `45s`, `10m`, `2h` (seconds without a unit).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = number.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

fn usage(name: &str) -> ! {
    eprintln!("usage: {name} DURATION [SEED]   (DURATION: 90, 30s, 10m, 1h)");
    eprintln!("       {name} repro SEED CASE  (runs and saves one case)");
    std::process::exit(2)
}

fn parse_seed(text: &str) -> Option<u64> {
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// Runs the command line: parent, child or repro.
pub fn main<T: Target>(target: T) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = target.name();
    match args.first().map(String::as_str) {
        Some("child") => {
            let (Some(seed), Some(first), Some(deadline), Some(work)) = (
                args.get(1).and_then(|s| parse_seed(s)),
                args.get(2).and_then(|s| s.parse().ok()),
                args.get(3).and_then(|s| s.parse().ok()),
                args.get(4),
            ) else {
                usage(name)
            };
            child(&target, seed, first, deadline, Path::new(work));
        }
        Some("repro") => {
            let (Some(seed), Some(case)) =
                (args.get(1).and_then(|s| parse_seed(s)), args.get(2).and_then(|s| s.parse().ok()))
            else {
                usage(name)
            };
            repro(&target, seed, case);
        }
        Some(duration) => {
            let Some(duration) = parse_duration(duration) else { usage(name) };
            let seed = match args.get(1) {
                Some(s) => parse_seed(s).unwrap_or_else(|| usage(name)),
                None => SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64),
            };
            let failures = parent(&target, seed, duration);
            std::process::exit(i32::from(failures > 0));
        }
        None => usage(name),
    }
}

fn crash_dir() -> PathBuf {
    std::env::var_os("FUZZ_CRASH_DIR").map_or_else(|| PathBuf::from("fuzz-crashes"), PathBuf::from)
}

fn save_case<T: Target>(target: &T, seed: u64, case: u64, why: &str) -> Vec<PathBuf> {
    let dir = crash_dir();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return Vec::new();
    }
    let stem = dir.join(format!("{}-{seed:#x}-{case}", target.name()));
    let input = target.generate(&mut Rng::for_case(seed, case));
    let mut saved = match target.save(&input, &stem) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("cannot save {}: {e}", stem.display());
            Vec::new()
        }
    };
    let note = stem.with_extension("why.txt");
    let text = format!(
        "{why}\nreproduce: cargo run --release --example {} -- repro {seed:#x} {case}\n",
        target.name()
    );
    if std::fs::write(&note, text).is_ok() {
        saved.push(note);
    }
    saved
}

/// The kind of a failure, to group repeats: a panic's location, or the
/// start of a check's message.
fn kind_of(why: &str) -> String {
    if let Some(rest) = why.strip_prefix("panic at ") {
        return rest.split(|c: char| c.is_whitespace()).next().unwrap_or(rest).to_string();
    }
    // A check's message without its numbers (rows, offsets, blocksizes, pids).
    why.chars().filter(|c| !c.is_ascii_digit()).take(48).collect()
}

fn stack_size<T: Target>(target: &T) -> usize {
    std::env::var("FUZZ_STACK_KB")
        .ok()
        .and_then(|kb| kb.parse::<usize>().ok())
        .map_or(target.stack_size(), |kb| kb << 10)
}

/// The last panic's message and location, set by the child's hook.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn child<T: Target>(target: &T, seed: u64, first: u64, deadline_unix_ms: u128, work: &Path) {
    std::panic::set_hook(Box::new(|info| {
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => (*s).to_string(),
            None => info.payload().downcast_ref::<String>().cloned().unwrap_or_default(),
        };
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("panic at {at} {message}"));
        }
    }));
    let now_ms = || SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    std::thread::scope(|scope| {
        let runner = std::thread::Builder::new().stack_size(stack_size(target)).spawn_scoped(scope, || {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let mut case = first;
            while now_ms() < deadline_unix_ms {
                // Announced before it runs: if the process dies, the parent knows which case killed it.
                if writeln!(out, "C {case}").and_then(|()| out.flush()).is_err() {
                    return;
                }
                let input = target.generate(&mut Rng::for_case(seed, case));
                let failed = match catch_unwind(AssertUnwindSafe(|| target.run(&input, work))) {
                    Ok(Ok(())) => None,
                    Ok(Err(check)) => Some(check),
                    Err(_) => Some(
                        LAST_PANIC.lock().ok().and_then(|mut p| p.take()).unwrap_or_else(|| "panic".into()),
                    ),
                };
                if let Some(why) = failed {
                    let line = why.replace(['\n', '\r'], "\\n");
                    if writeln!(out, "F {case} {line}").and_then(|()| out.flush()).is_err() {
                        return;
                    }
                }
                case += 1;
            }
        });
        if let Err(e) = runner {
            eprintln!("cannot start the runner thread: {e}");
        }
    });
}

/// The parent's tally.
#[derive(Default)]
struct Tally {
    executions: u64,
    failures: u64,
    kinds: BTreeMap<String, (u64, Vec<PathBuf>, String)>,
}

impl Tally {
    fn fail<T: Target>(&mut self, target: &T, seed: u64, case: u64, why: &str) {
        self.failures += 1;
        let entry = self.kinds.entry(kind_of(why)).or_insert_with(|| (0, Vec::new(), why.to_string()));
        entry.0 += 1;
        let first_of_kind = entry.0 == 1;
        if entry.0 as usize <= SAVED_PER_KIND {
            let saved = save_case(target, seed, case, why);
            entry.1.extend(saved.iter().cloned());
            let files: Vec<String> = saved.iter().map(|p| p.display().to_string()).collect();
            eprintln!("[{}] FAIL case {case}: {why}\n    saved: {}", target.name(), files.join(" "));
        } else if first_of_kind {
            eprintln!("[{}] FAIL case {case}: {why}", target.name());
        }
    }
}

fn spawn_child(seed: u64, first: u64, deadline_unix_ms: u128, work: &Path) -> std::io::Result<Child> {
    Command::new(std::env::current_exe()?)
        .arg("child")
        .arg(format!("{seed:#x}"))
        .arg(first.to_string())
        .arg(deadline_unix_ms.to_string())
        .arg(work)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
}

fn parent<T: Target>(target: &T, seed: u64, duration: Duration) -> u64 {
    let name = target.name();
    let timeout = std::env::var("FUZZ_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(20), Duration::from_secs);
    eprintln!("[{name}] seed {seed:#x}, {}s, hang timeout {}s", duration.as_secs(), timeout.as_secs());
    let start = Instant::now();
    let deadline = start + duration;
    let deadline_unix_ms =
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis()) + duration.as_millis();
    let work = std::env::temp_dir().join(format!("rusk-{name}-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&work) {
        eprintln!("[{name}] cannot create {}: {e}", work.display());
        return 1;
    }
    let mut tally = Tally::default();
    let mut next = 0u64;
    let mut last_report = Instant::now();
    let mut restarts = 0u64;
    'children: while Instant::now() < deadline {
        let mut process = match spawn_child(seed, next, deadline_unix_ms, &work) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("[{name}] cannot start a child: {e}");
                tally.failures += 1;
                break;
            }
        };
        let Some(stdout) = process.stdout.take() else { break };
        let (lines, received) = channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut current: Option<u64> = None;
        loop {
            if last_report.elapsed() >= Duration::from_secs(60) {
                last_report = Instant::now();
                let secs = start.elapsed().as_secs_f64();
                eprintln!(
                    "[{name}] {:.0}s: {} executions ({:.0}/s), {} failures",
                    secs,
                    tally.executions,
                    tally.executions as f64 / secs,
                    tally.failures
                );
            }
            match received.recv_timeout(timeout) {
                Ok(line) => {
                    let mut parts = line.splitn(3, ' ');
                    let (tag, case) = (parts.next(), parts.next().and_then(|c| c.parse::<u64>().ok()));
                    match (tag, case) {
                        (Some("C"), Some(case)) => {
                            tally.executions += 1;
                            current = Some(case);
                            next = case + 1;
                        }
                        (Some("F"), Some(case)) => {
                            tally.fail(target, seed, case, parts.next().unwrap_or(""));
                        }
                        _ => eprintln!("[{name}] child said: {line}"),
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    // No word for `timeout`: the current case hangs.
                    let _ = process.kill();
                    let _ = process.wait();
                    let _ = reader.join();
                    if let Some(case) = current {
                        tally.fail(target, seed, case, &format!("hang: no result in {}s", timeout.as_secs()));
                    }
                    restarts += 1;
                    continue 'children;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = process.wait();
                    let _ = reader.join();
                    match status {
                        Ok(s) if s.success() => break 'children,
                        other => {
                            let how = match other {
                                Ok(s) => format!("{s}"),
                                Err(e) => e.to_string(),
                            };
                            if let Some(case) = current {
                                tally.fail(target, seed, case, &format!("crash: process died ({how})"));
                            }
                            restarts += 1;
                            continue 'children;
                        }
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "[{name}] done: seed {seed:#x}, {secs:.0}s, {} executions ({:.0}/s), {} failures, {restarts} restarts",
        tally.executions,
        tally.executions as f64 / secs.max(1e-9),
        tally.failures
    );
    for (kind, (count, files, example)) in &tally.kinds {
        eprintln!("  {count} x {kind}\n    e.g. {example}");
        for f in files {
            eprintln!("    {}", f.display());
        }
    }
    tally.failures
}

fn repro<T: Target>(target: &T, seed: u64, case: u64) {
    let saved = save_case(target, seed, case, "repro");
    for f in &saved {
        eprintln!("saved {}", f.display());
    }
    let input = target.generate(&mut Rng::for_case(seed, case));
    let work = std::env::temp_dir().join(format!("rusk-{}-repro-{}", target.name(), std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&work) {
        eprintln!("cannot create {}: {e}", work.display());
        std::process::exit(2);
    }
    let result = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(stack_size(target))
            .spawn_scoped(scope, || target.run(&input, &work))
            .map(|h| h.join())
    });
    let _ = std::fs::remove_dir_all(&work);
    match result {
        Ok(Ok(Ok(()))) => eprintln!("case {case} passes"),
        Ok(Ok(Err(why))) => {
            eprintln!("case {case} fails: {why}");
            std::process::exit(1);
        }
        Ok(Err(_)) => {
            eprintln!("case {case} panicked");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("cannot start the runner thread: {e}");
            std::process::exit(2);
        }
    }
}
