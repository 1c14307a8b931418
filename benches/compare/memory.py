"""Larger than memory under a memory budget (issue 13): rusk, Polars, DuckDB and Dask on 1e8 rows.

What: the h2o groupby table G1 at --rows N (default 1e8: ~2 GB of Parquet,
~8 GB as Arrow in memory) and a dimension table, then five queries, each by
each engine in a fresh process of its own, reading the Parquet directory and
writing its whole result to a file (never collected in the measuring
process):

    q1    sum v1 by id1                           → CSV      (K rows)
    q3    sum v1, mean v3 by id3                  → CSV      (N/K rows)
    q10   sum v3, count v1 by id1..id6            → Parquet  (~N rows)
    sort  the whole table sorted by v3            → Parquet  (N rows)
    join  x inner join dim on id6                 → Parquet  (N rows)

Per (query, engine): the process's wall time, start to exit (the Python
engines' include starting the interpreter and importing, 0.3-1.5 s), its
peak RSS in MiB (run under `/usr/bin/time -f '%e %M'`, which reads it with
wait4; without /usr/bin/time a small Python launcher does the same), and how
it ended (ok, exit status and last line, killed by a signal, or killed at
--timeout, its RSS then unknown). A failure is recorded, never fatal.

The budget (--budget-mib, default 1024 MiB) is given to the engines that take
one: rusk `--memory-limit M` (spills to TMPDIR beyond it), DuckDB `SET
memory_limit='M MiB'` and `temp_directory`. Polars (streaming engine,
`sink_*`) and Dask (threaded scheduler) have no memory budget: they run with
their defaults and spill directory (POLARS_TEMP_DIR, dask's
temporary_directory) pointed at the run's temp dir, and their peak RSS shows
what they needed. Every engine gets every core (rusk and Polars by default,
DuckDB `SET threads`, Dask's threaded scheduler by default).

Data, generated once into --data (default benches/data/mem_<rows>) unless
DATA/mem.json describes the same arguments:

    x_parquet/part-NNNNN.parquet   G1 in max(8, N/5e6) files, row groups of 1,048,576 rows (pyarrow defaults: snappy)
    x_csv/part-NNNNN.csv           the same rows as CSV (for --input csv)
    dim_parquet/part-NNNNN.parquet dim: id6 int64 unique (1..dim_rows, shuffled), w float64 in [0, 1)
    mem.json                       what was generated

x is made chunk by chunk with generate.py's g1_part (at most 5e6 rows at a
time), so generating never holds the table. Its columns are generate.py's:
id1, id2 strings of K values; id3 strings of N/K values; id4, id5 int64 in
1..K; id6 int64 in 1..N/K; v1 int64 1..5, v2 int64 1..15, v3 float64.

The join: issue 13 asks for a join with a 1e7-row table of unique keys. x's
only integer column with a wide range is id6 (1..N/K, 1e6 values at 1e8), so
dim holds every key 1..--dim-rows (default N/10: 1e7 rows at 1e8) once,
shuffled, named id6 as in x (`rusk query --on` takes one name for both
sides). Each x row matches exactly one dim row (at most one when --dim-rows
is below N/K), so the inner join has N rows; 90% of dim's keys find no x row,
as in a build side larger than the probe's key range.

Checked: after each run the driver reads the output back with DuckDB SQL
(nothing big is loaded in Python): its row count and sums (q1: sum v1_sum,
sum v1_sum²; q3: sum v1_sum, sum v3_mean; q10: sum v3_sum, sum v1_count;
sort: sum v3, sum v1; join: sum v3, sum w), compared across engines to a
relative 1e-9; for the sort it also streams the v3 column (pyarrow, one
batch at a time) and checks it never decreases. An engine whose answer
differs from the others' is named in the `answers agree` column. Each output
is deleted once checked (at 1e8 the big ones are 2-3 GB each).

How: from the repository root,

    .venv/bin/python benches/compare/memory.py                     # 1e8 rows: ~9 GB of data, hours
    .venv/bin/python benches/compare/memory.py --generate-only     # just the data
    .venv/bin/python benches/compare/memory.py --rows 1000000 --budget-mib 64 --data /tmp/memtest
    .venv/bin/python benches/compare/memory.py --engines rusk,duckdb --queries sort,join --json mem.json

Disk: generation refuses to start with less than N/1e8 × 9 GB free where
--data lives (x as Parquet and CSV and dim: ~7 GB at 1e8). The queries then
need room for one output at a time (up to ~3 GB at 1e8) and for spill files
(up to about the table's in-memory size, ~8 GB at 1e8, for the sort and the
join): the driver warns when less than N/1e8 × 12 GB is free then. Outputs
and spill files go to a temp dir DATA/run-XXXX, removed at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from generate import g1_part, labels
from harness import Finished, drain, machine_facts

REPO = Path(__file__).resolve().parents[2]
ENGINES = ["rusk", "polars", "duckdb", "dask"]
CHUNK_ROWS = 5_000_000  # at most this many rows of x in memory while generating
MIN_FILES = 8  # x's files even when small, so every engine has partitions to run in parallel
ROW_GROUP = 1_048_576
GEN_BYTES_PER_ROW = 90  # disk needed to generate: ~9 GB at 1e8 (x as Parquet and CSV, dim)
RUN_BYTES_PER_ROW = 120  # free disk wanted for the queries: outputs and spill, ~12 GB at 1e8
KEYS6 = ["id1", "id2", "id3", "id4", "id5", "id6"]
GNU_TIME = Path("/usr/bin/time")
# Where /usr/bin/time is missing: the same job, as `python -c LAUNCHER STATS CMD...`. Either way the
# query runs in a child of a small process: on Linux a child's ru_maxrss starts at its parent's RSS
# when it forked (exec keeps the high-water mark), so wait4 on a child of this driver (which holds
# DuckDB, pyarrow and numpy, ~200 MB) would report at least the driver's RSS.
LAUNCHER = r"""
import os, sys, time
stats, cmd = sys.argv[1], sys.argv[2:]
started = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    except OSError as err:
        sys.stderr.write(f"cannot run {cmd[0]}: {err.strerror}\n")
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(stats, "w") as f:
    if os.WIFSIGNALED(status):
        f.write(f"Command terminated by signal {os.WTERMSIG(status)}\n")
    f.write(f"{time.monotonic() - started:.2f} {usage.ru_maxrss}\n")
sys.exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
"""


@dataclass(frozen=True)
class Query:
    id: str
    label: str
    output: str  # "csv" or "parquet"
    check_sql: str  # over `out`: [rows, sum, sum], what the engines' answers must agree on


QUERIES = [
    Query("q1", "q1 sum v1 by id1", "csv",
          "SELECT count(*), sum(v1_sum)::DOUBLE, sum(v1_sum::DOUBLE * v1_sum) FROM out"),
    Query("q3", "q3 sum v1, mean v3 by id3", "csv",
          "SELECT count(*), sum(v1_sum)::DOUBLE, sum(v3_mean) FROM out"),
    Query("q10", "q10 sum v3, count v1 by id1..id6", "parquet",
          "SELECT count(*), sum(v3_sum), sum(v1_count)::DOUBLE FROM out"),
    Query("sort", "sort by v3", "parquet", "SELECT count(*), sum(v3), sum(v1)::DOUBLE FROM out"),
    Query("join", "x join dim on id6", "parquet", "SELECT count(*), sum(v3), sum(w) FROM out"),
]
BY_ID = {q.id: q for q in QUERIES}


@dataclass
class Result:
    """One query by one engine: one child process, its output checked."""
    query: str
    engine: str
    command: str
    status: str = "ok"  # ok | timeout | killed (SIGNAL) | exit N | not run
    error: str | None = None  # what a failed child said last
    wall_s: float | None = None  # process start to exit
    query_s: float | None = None  # a Python engine's own time around the query, imports excluded
    peak_rss_mb: float | None = None
    output_bytes: int | None = None
    check: list | None = None  # [rows, sum, sum] of the output, see Query.check_sql
    ordered: bool | None = None  # the sort: v3 never decreases in the output

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def tables(data: Path) -> dict[str, Path]:
    return {"x_parquet": data / "x_parquet", "x_csv": data / "x_csv", "dim": data / "dim_parquet"}


def wanted_meta(args: argparse.Namespace) -> dict:
    return {"rows": args.rows, "groups": args.groups, "dim_rows": args.dim_rows, "seed": args.seed}


def existing_ancestor(path: Path) -> Path:
    path = path.resolve()
    while not path.exists():
        path = path.parent
    return path


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(existing_ancestor(path)).free


def dir_bytes(directory: Path) -> int:
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())


def ensure_data(args: argparse.Namespace) -> dict:
    """DATA/mem.json, after generating the tables unless it describes these arguments."""
    meta_path = args.data / "mem.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
    present = all(d.is_dir() and any(d.iterdir()) for d in tables(args.data).values())
    if meta is not None and present and all(meta.get(k) == v for k, v in wanted_meta(args).items()):
        print(f"memory.py: using the data in {args.data} ({meta_path.name} matches)", file=sys.stderr)
        return meta
    need, free = args.rows * GEN_BYTES_PER_ROW, free_bytes(args.data)
    if free < need:
        sys.exit(f"memory.py: generating {args.rows:,} rows needs about {need / 1e9:.1f} GB free where "
                 f"{args.data} lives; {free / 1e9:.1f} GB is free. Free some space, or point --data "
                 "at a larger disk, or use fewer --rows.")
    return generate(args)


def generate(args: argparse.Namespace) -> dict:
    """Writes x (Parquet and CSV, chunk by chunk) and dim into DATA, then DATA/mem.json."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    started = time.perf_counter()
    args.data.mkdir(parents=True, exist_ok=True)
    (args.data / "mem.json").unlink(missing_ok=True)  # written last: a half-made directory has none
    dirs = tables(args.data)
    for directory in dirs.values():
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)

    files = max(MIN_FILES, math.ceil(args.rows / CHUNK_ROWS))
    print(f"memory.py: generating {args.rows:,} rows of x in {files} files, dim of {args.dim_rows:,} rows, "
          f"into {args.data}", file=sys.stderr)
    rng = np.random.default_rng(args.seed)
    id_labels = labels("id%03d", args.groups)
    id3_labels = labels("id%010d", max(1, args.rows // args.groups))
    csv_options = pacsv.WriteOptions(quoting_style="none", quoting_header="none")  # as generate.py
    arrow_bytes = 0
    bounds = np.linspace(0, args.rows, files + 1).astype(np.int64)
    for i, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:])):
        part = g1_part(rng, int(stop - start), args.groups, id_labels, id3_labels)
        arrow_bytes += part.nbytes
        pq.write_table(part, dirs["x_parquet"] / f"part-{i:05d}.parquet", row_group_size=ROW_GROUP)
        pacsv.write_csv(part, dirs["x_csv"] / f"part-{i:05d}.csv", csv_options)
        del part
        print(f"  x: {stop:,} of {args.rows:,} rows", file=sys.stderr)

    # dim: its own generator, so x's bytes do not depend on it.
    dim_rng = np.random.default_rng(args.seed + 1)
    keys = dim_rng.permutation(np.arange(1, args.dim_rows + 1, dtype=np.int64))
    for i, start in enumerate(range(0, args.dim_rows, CHUNK_ROWS)):
        chunk = keys[start:start + CHUNK_ROWS]
        dim = pa.table({"id6": chunk, "w": np.round(dim_rng.random(len(chunk)), 6)})
        pq.write_table(dim, dirs["dim"] / f"part-{i:05d}.parquet", row_group_size=ROW_GROUP)

    meta = {
        **wanted_meta(args), "files": files, "row_group_rows": ROW_GROUP, "x_arrow_bytes": arrow_bytes,
        "x_parquet_bytes": dir_bytes(dirs["x_parquet"]), "x_csv_bytes": dir_bytes(dirs["x_csv"]),
        "dim_parquet_bytes": dir_bytes(dirs["dim"]),
    }
    (args.data / "mem.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"memory.py: x {args.rows:,} rows (Parquet {meta['x_parquet_bytes'] / 2**20:.1f} MiB, CSV "
          f"{meta['x_csv_bytes'] / 2**20:.1f} MiB, {arrow_bytes / 2**20:.1f} MiB as Arrow), dim "
          f"{args.dim_rows:,} rows ({meta['dim_parquet_bytes'] / 2**20:.1f} MiB) in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return meta


def warm_cache(meta_dirs: list[Path]) -> None:
    """Reads the input files once, untimed, so the first engine does not pay for a cold page cache."""
    for directory in meta_dirs:
        for f in sorted(directory.iterdir()):
            with f.open("rb") as handle:
                while handle.read(8 << 20):
                    pass


# --------------------------------------------------------------------------
# Children: one query by one engine, in a process of its own
# --------------------------------------------------------------------------


def source_glob(data: Path, fmt: str) -> str:
    return f"{tables(data)['x_' + fmt]}/*.{fmt}"


def rusk_command(q: Query, args: argparse.Namespace, out: Path) -> list[str]:
    x = tables(args.data)["x_" + args.input]
    # No --format-in: it would apply to --join's Parquet directory too; rusk tells x's format by extension.
    cmd = [str(args.rusk), "query", str(x)]
    cmd += {
        "q1": ["--groupby", "id1", "--agg", "v1:sum"],
        "q3": ["--groupby", "id3", "--agg", "v1:sum,v3:mean"],
        "q10": ["--groupby", ",".join(KEYS6), "--agg", "v3:sum,v1:count"],
        "sort": ["--sort", "v3"],
        "join": ["--join", str(tables(args.data)["dim"]), "--on", "id6"],
    }[q.id]
    return cmd + ["--memory-limit", str(args.budget_mib), "--output", str(out), "--no-progress"]


def run_polars(q: Query, data: Path, fmt: str, out: Path, spill: Path, budget_mib: int) -> None:
    import polars as pl  # POLARS_TEMP_DIR is set by the parent; Polars takes no memory budget

    x = (pl.scan_csv if fmt == "csv" else pl.scan_parquet)(source_glob(data, fmt))
    if q.id == "q1":
        frame = x.group_by("id1").agg(pl.col("v1").sum().alias("v1_sum"))
    elif q.id == "q3":
        frame = x.group_by("id3").agg(pl.col("v1").sum().alias("v1_sum"), pl.col("v3").mean().alias("v3_mean"))
    elif q.id == "q10":
        frame = x.group_by(KEYS6).agg(pl.col("v3").sum().alias("v3_sum"), pl.col("v1").count().alias("v1_count"))
    elif q.id == "sort":
        frame = x.sort("v3")
    else:
        frame = x.join(pl.scan_parquet(f"{tables(data)['dim']}/*.parquet"), on="id6", how="inner")
    if q.output == "csv":
        frame.sink_csv(out, engine="streaming")
    else:
        frame.sink_parquet(out, engine="streaming")


def duckdb_sql(q: Query, x: str, dim: str) -> str:
    return {
        "q1": f"SELECT id1, sum(v1) AS v1_sum FROM {x} GROUP BY id1",
        "q3": f"SELECT id3, sum(v1) AS v1_sum, avg(v3) AS v3_mean FROM {x} GROUP BY id3",
        "q10": f"SELECT {', '.join(KEYS6)}, sum(v3) AS v3_sum, count(v1) AS v1_count FROM {x} "
               f"GROUP BY {', '.join(KEYS6)}",
        "sort": f"SELECT * FROM {x} ORDER BY v3",
        "join": f"SELECT * FROM {x} AS x JOIN {dim} AS dim USING (id6)",
    }[q.id]


def run_duckdb(q: Query, data: Path, fmt: str, out: Path, spill: Path, budget_mib: int) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{budget_mib}MiB'")
    con.execute(f"SET temp_directory = '{spill}'")
    con.execute(f"SET threads = {len(os.sched_getaffinity(0))}")
    con.execute("SET enable_progress_bar = false")
    reader = "read_csv" if fmt == "csv" else "read_parquet"
    x = f"{reader}('{source_glob(data, fmt)}')"
    dim = f"read_parquet('{tables(data)['dim']}/*.parquet')"
    options = "FORMAT CSV, HEADER" if q.output == "csv" else "FORMAT PARQUET"
    con.execute(f"COPY ({duckdb_sql(q, x, dim)}) TO '{out}' ({options})")


def run_dask(q: Query, data: Path, fmt: str, out: Path, spill: Path, budget_mib: int) -> None:
    import dask
    import dask.dataframe as dd

    # The threaded scheduler, every core; Dask takes no memory budget there.
    dask.config.set({"scheduler": "threads", "temporary_directory": str(spill)})
    x = dd.read_csv(source_glob(data, fmt)) if fmt == "csv" else dd.read_parquet(str(tables(data)["x_parquet"]))
    if q.id == "q1":
        frame = x.groupby("id1")["v1"].sum().to_frame("v1_sum").reset_index()
    elif q.id == "q3":
        frame = x.groupby("id3").agg({"v1": "sum", "v3": "mean"})
        frame = frame.rename(columns={"v1": "v1_sum", "v3": "v3_mean"}).reset_index()
    elif q.id == "q10":
        frame = x.groupby(KEYS6).agg({"v3": "sum", "v1": "count"})
        frame = frame.rename(columns={"v3": "v3_sum", "v1": "v1_count"}).reset_index()
    elif q.id == "sort":
        frame = x.sort_values("v3")
    else:
        frame = x.merge(dd.read_parquet(str(tables(data)["dim"])), on="id6", how="inner")
    if q.output == "csv":
        frame.to_csv(str(out), single_file=True, index=False)
    else:
        frame.to_parquet(str(out), write_index=False)  # a directory, part.0.parquet ...


CHILDREN = {"polars": run_polars, "duckdb": run_duckdb, "dask": run_dask}


def child_main(engine: str, query: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    CHILDREN[engine](BY_ID[query], args.data, args.input, args.out, args.spill, args.budget_mib)
    print(json.dumps({"seconds": time.perf_counter() - started}), flush=True)


# --------------------------------------------------------------------------
# The driver: one child per (query, engine), then its output checked
# --------------------------------------------------------------------------


def output_files(out: Path) -> list[Path]:
    """The output's files in order: one file, or a directory's files (Dask's part.0, part.1, ... by number)."""
    if out.is_file():
        return [out]
    number = re.compile(r"(\d+)")
    return sorted((f for f in out.rglob("*") if f.is_file() and not f.name.startswith((".", "_"))),
                  key=lambda f: [int(t) if t.isdigit() else t for t in number.split(f.name)])


def check_output(q: Query, out: Path, con) -> tuple[list, bool | None]:
    """[rows, sum, sum] of the output by DuckDB SQL, and for the sort whether v3 never decreases."""
    files = [str(f) for f in output_files(out)]
    if not files:
        raise RuntimeError("no output file")
    reader = "read_csv" if q.output == "csv" else "read_parquet"
    listed = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    header = ", header = true" if q.output == "csv" else ""
    con.execute(f"CREATE OR REPLACE VIEW out AS SELECT * FROM {reader}({listed}{header})")
    rows, a, b = con.execute(q.check_sql).fetchone()
    check = [int(rows), float(a or 0.0), float(b or 0.0)]
    ordered = None
    if q.id == "sort":
        import numpy as np
        import pyarrow.parquet as pq

        ordered, last = True, -math.inf
        for f in files:
            for batch in pq.ParquetFile(f).iter_batches(batch_size=1 << 20, columns=["v3"]):
                v = batch.column(0).to_numpy(zero_copy_only=False)
                if len(v) and (v[0] < last or bool(np.any(v[1:] < v[:-1]))):
                    ordered = False
                    break
                last = v[-1] if len(v) else last
            if not ordered:
                break
    return check, ordered


def run_measured(cmd: list[str], env: dict[str, str], timeout: float, stats: Path) -> Finished | str:
    """Runs `cmd` under /usr/bin/time -f '%e %M' (else LAUNCHER), killed with its process group after
    `timeout` s: its wall time (measured here), peak RSS (the measuring process's wait4 on it; None
    when killed at the timeout) and exit status (a signal's as -N); or why it did not start."""
    if GNU_TIME.exists():
        wrapped = [str(GNU_TIME), "-f", "%e %M", "-o", str(stats), *cmd]
    else:
        wrapped = [sys.executable, "-c", LAUNCHER, str(stats), *cmd]
    stats.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(wrapped, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)  # its own process group, killed whole at the timeout
    except OSError as err:
        return f"{wrapped[0]}: {err.strerror}"
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    with proc:
        timer.start()
        out, err = drain(proc)
        returncode = proc.wait()
        wall = time.perf_counter() - started
        timer.cancel()
    lines = stats.read_text().splitlines() if stats.exists() else []
    peak_rss_mb = None
    try:
        peak_rss_mb = int(lines[-1].split()[1]) / 1024  # KiB
    except (IndexError, ValueError):
        pass
    for line in lines:
        if line.startswith("Command terminated by signal"):
            returncode = -int(line.split()[-1])
    stats.unlink(missing_ok=True)
    return Finished(out, err, returncode, peak_rss_mb, wall, timed_out.is_set())


def what_failed(done: Finished) -> str:
    """A failed child's message: the last line of stderr naming an error (a Python traceback's last
    line may be followed by hints, as DuckDB's), else the last line."""
    lines = [line.strip() for line in done.err.splitlines() if line.strip()]
    named = [line for line in lines if re.search(r"error|exception|killed", line, re.IGNORECASE)]
    return named[-1] if named else done.last_line()


def status_of(done: Finished) -> str:
    if done.timed_out:
        return "timeout"
    if done.returncode < 0:
        try:
            return f"killed ({signal.Signals(-done.returncode).name})"
        except ValueError:
            return f"killed (signal {-done.returncode})"
    return "ok" if done.returncode == 0 else f"exit {done.returncode}"


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def measure(q: Query, engine: str, args: argparse.Namespace, run_dir: Path, con) -> Result:
    out = run_dir / f"{engine}-{q.id}.{q.output}"
    spill = run_dir / f"spill-{engine}-{q.id}"
    remove(out)
    remove(spill)
    spill.mkdir()
    env = {**os.environ, "TMPDIR": str(spill), "POLARS_TEMP_DIR": str(spill)}
    if engine == "rusk":
        cmd = rusk_command(q, args, out)
    else:
        cmd = [sys.executable, __file__, "--child", engine, q.id, "--data", str(args.data), "--input", args.input,
               "--budget-mib", str(args.budget_mib), "--out", str(out), "--spill", str(spill)]
    result = Result(q.id, engine, shlex.join(cmd))
    try:
        if engine == "rusk" and not args.rusk.exists():
            result.status, result.error = "not run", f"{args.rusk} not found (cargo build --release)"
            return result
        done = run_measured(cmd, env, args.timeout, run_dir / f"{engine}-{q.id}.time")
        if isinstance(done, str):
            result.status, result.error = "not run", done
            return result
        result.wall_s, result.peak_rss_mb = done.wall_s, done.peak_rss_mb
        result.status = status_of(done)
        if not result.ok:
            result.error = (f"killed after {args.timeout:g} s" if done.timed_out else what_failed(done))[:300]
            return result
        for line in done.out.splitlines():
            if line.startswith("{"):
                result.query_s = json.loads(line).get("seconds")
        if not out.exists():
            result.status, result.error = "no output", f"{out.name} was not written"
            return result
        result.output_bytes = dir_bytes(out) if out.is_dir() else out.stat().st_size
        try:
            result.check, result.ordered = check_output(q, out, con)
        except Exception as err:  # an unreadable output is that engine's failure, not the driver's
            result.status, result.error = "bad output", f"{type(err).__name__}: {err}"[:300]
        return result
    finally:
        remove(out)
        remove(spill)
        shown = "" if result.wall_s is None else f"{result.wall_s:.2f} s" + (
            f", {result.peak_rss_mb:.0f} MiB" if result.peak_rss_mb is not None else "")
        print(f"  {q.id:5} {engine:7} {result.status:12} {shown} {result.error or ''}", file=sys.stderr)


def same(a: list, b: list) -> bool:
    """Checks agree: equal row counts, sums to a relative 1e-9."""
    return a[0] == b[0] and all(math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-9) for u, v in zip(a[1:], b[1:]))


def agreement(results: list[Result]) -> tuple[str, list[str]]:
    """The `answers agree` cell for one query's results, and the engines whose answer is wrong: the
    answer most engines gave is the reference (ties: the first engine's)."""
    checked = [r for r in results if r.ok and r.check is not None]
    if not checked:
        return "–", []
    reference = max(checked, key=lambda r: sum(same(r.check, o.check) for o in checked)).check
    wrong = [r.engine for r in checked if not same(r.check, reference) or r.ordered is False]
    unsorted = [r.engine for r in checked if r.ordered is False]
    of = f" ({len(checked)} of {len(results)} ran)" if len(checked) < len(results) else ""
    if len(checked) == 1:
        return "– (one answer)" + of, wrong
    if not wrong:
        return "✓" + of, []
    return "✗ " + ", ".join(e + (" unsorted" if e in unsorted else "") for e in wrong) + of, wrong


def time_cell(r: Result | None, timeout: float) -> str:
    if r is None:
        return "–"
    if r.status == "timeout":
        return f">{timeout:g}"
    if not r.ok:
        return r.status
    return f"{r.wall_s:.2f}"


def rss_cell(r: Result | None, budget_mib: int) -> str:
    if r is None or r.peak_rss_mb is None:
        return "–"
    over = " †" if r.peak_rss_mb > budget_mib else ""
    return f"{r.peak_rss_mb:.0f}{over}"


def report(results: list[Result], engines: list[str], queries: list[Query], info: dict) -> str:
    header = ["query"] + [c for e in engines for c in (f"{e} s", f"{e} RSS MiB")] + ["answers agree"]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 2) + "|---|"]
    wrong_lines = []
    for q in queries:
        by = {r.engine: r for r in results if r.query == q.id}
        cell, wrong = agreement(list(by.values()))
        cells = [q.label] + [c for e in engines
                             for c in (time_cell(by.get(e), info["timeout"]), rss_cell(by.get(e), info["budget_mib"]))]
        lines.append("| " + " | ".join(cells + [cell]) + " |")
        if wrong:
            wrong_lines.append(f"- {q.id}: " + "; ".join(
                f"{r.engine} {json.dumps(r.check)}" + (" (unsorted)" if r.ordered is False else "")
                for r in by.values() if r.check is not None))
    data = info["data"]
    parts = [
        f"## larger than memory: {data['rows']:,} rows, budget {info['budget_mib']} MiB, {info['input']} input", "",
        *lines, "",
        "Seconds: each query's process, start to exit (the Python engines' include interpreter start and "
        "imports). RSS: that process's peak (`/usr/bin/time`'s %M, ru_maxrss from wait4) in MiB; † above the budget "
        f"({info['budget_mib']} MiB), which only rusk (`--memory-limit`) and DuckDB (`memory_limit`) are given. "
        f">{info['timeout']:g}: killed at --timeout. answers agree: every engine's output has the same rows "
        "and sums (and the sort's v3 never decreases).", "",
        "## machine", "",
        f"- {info['date']}; {info['nproc']} CPUs ({info['cpu']}); {info['mem_total_gb']:.1f} GB RAM; "
        f"{info['platform']}",
        f"- load average at the end: {info['load_average']} (1, 5, 15 min)",
        f"- data: {info['data_dir']}: x {data['rows']:,} rows in {data['files']} files (Parquet "
        f"{data['x_parquet_bytes'] / 2**20:.0f} MiB, CSV {data['x_csv_bytes'] / 2**20:.0f} MiB, "
        f"{data['x_arrow_bytes'] / 2**20:.0f} MiB as Arrow), K = {data['groups']}; dim {data['dim_rows']:,} rows",
        "- " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
        + f" (rusk binary written {info['rusk_built']})",
    ]
    if wrong_lines:
        parts += ["", "**Answers disagree** ([rows, sum, sum] of each output, see the docstring):", "",
                  *wrong_lines]
    errors = [f"- {r.query} / {r.engine}: {r.status}: {r.error}" for r in results if r.error]
    if errors:
        parts += ["", "## failures", "", *errors]
    return "\n".join(parts)


def mem_total_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024 / 1e9
    except OSError:
        pass
    return float("nan")


def parse_list(value: str, allowed: list[str], what: str, parser: argparse.ArgumentParser) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    if not items or set(items) - set(allowed):
        parser.error(f"{what} are: {', '.join(allowed)}")
    return [a for a in allowed if a in items]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000_000, help="N, rows of x (default 1e8)")
    parser.add_argument("--data", type=Path, help="where the tables are (default benches/data/mem_<rows>)")
    parser.add_argument("--budget-mib", type=int, default=1024,
                        help="memory budget in MiB for rusk (--memory-limit) and DuckDB (memory_limit); default 1024")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated subset of {','.join(ENGINES)}")
    parser.add_argument("--queries", default=",".join(BY_ID), help=f"comma-separated subset of {','.join(BY_ID)}")
    parser.add_argument("--input", choices=["parquet", "csv"], default="parquet",
                        help="read x from its Parquet (default) or CSV directory")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a query is killed (default 1800)")
    parser.add_argument("--generate-only", action="store_true", help="generate the data (if needed) and stop")
    parser.add_argument("--json", type=Path, help="also write the results and the machine here")
    parser.add_argument("--rusk", type=Path, default=REPO / "target" / "release" / "rusk",
                        help="the rusk command (default target/release/rusk)")
    parser.add_argument("--groups", type=int, default=100, help="K, as generate.py (default 100)")
    parser.add_argument("--dim-rows", type=int, help="rows (unique keys 1..this) of dim (default N/10)")
    parser.add_argument("--seed", type=int, default=108)
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "QUERY"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)  # a child's output path
    parser.add_argument("--spill", type=Path, help=argparse.SUPPRESS)  # a child's spill directory
    args = parser.parse_args()
    if args.child:
        child_main(*args.child, args)
        return

    if args.rows < MIN_FILES or args.groups < 1:
        parser.error(f"need --rows >= {MIN_FILES} and --groups >= 1")
    args.dim_rows = args.dim_rows or max(1, args.rows // 10)
    args.data = (args.data or REPO / "benches" / "data" / f"mem_{args.rows}").resolve()
    engines = parse_list(args.engines, ENGINES, "engines", parser)
    queries = [BY_ID[q] for q in parse_list(args.queries, list(BY_ID), "queries", parser)]

    meta = ensure_data(args)
    if args.generate_only:
        return
    if free_bytes(args.data) < args.rows * RUN_BYTES_PER_ROW:
        print(f"memory.py: warning: {free_bytes(args.data) / 1e9:.1f} GB free where {args.data} lives; the "
              f"outputs and spill files may need up to ~{args.rows * RUN_BYTES_PER_ROW / 1e9:.1f} GB",
              file=sys.stderr)
    import duckdb  # the driver's own, for reading outputs back

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    dirs = tables(args.data)
    warm_cache([dirs["x_" + args.input], dirs["dim"]])
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=args.data))
    results: list[Result] = []
    try:
        con.execute(f"SET temp_directory = '{run_dir / 'check-spill'}'")
        for q in queries:
            for engine in engines:
                results.append(measure(q, engine, args, run_dir, con))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)

    info = {
        **machine_facts(args.rusk if args.rusk.exists() else None, f"{args.rusk} not found"),
        "mem_total_gb": mem_total_gb(), "budget_mib": args.budget_mib, "timeout": args.timeout,
        "input": args.input, "data_dir": str(args.data), "data": meta,
    }
    print(report(results, engines, queries, info))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": [asdict(r) for r in results]}, indent=2) + "\n")


if __name__ == "__main__":
    main()
