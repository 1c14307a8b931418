"""Time scan + filter + project on the G1 files: rusk against its peers.

What: six queries over benches/data/g1_csv and benches/data/g1_parquet (made
by benches/compare/generate.py), each run by rusk (through its Rust API, the
bench target benches/h2o_scan.rs), the rusk command (the rusk-cli column),
Polars, pandas, DuckDB and Dask. Every peer computes the full result in
memory (not a count), or writes it as one CSV file ("parquet to csv").
Prints the median wall seconds of --repeat runs after one warm-up, the ratios
rusk/peer (< 1: rusk is faster), the peak RSS of each, and the machine.

Why: a claim about rusk's speed is a ratio against a peer measured in the same
run on the same files (../../../shared/PEERS.md), never a figure from elsewhere.

How: from the repository root, after generating the data once,

    cargo build --release
    .venv/bin/python benches/compare/scan.py
    .venv/bin/python benches/compare/scan.py --threads 2 --peers rusk,polars --json scan.json

rusk and each Python peer run in one child process per query: a warm-up
run, then --repeat runs each timed inside the process around the query
alone, so process and interpreter start, imports and first-call costs do
not count (the RSS does include them, ~100 MB for pandas and Dask). The
script first runs `cargo build --release --bench h2o_scan` and uses the
executable cargo names; `--rusk PATH` uses a given one. rusk-cli is the
command a user runs: each run is a whole `rusk query ... --analyze` (or
`--output F.csv`) process, timed start to exit (after one untimed process
that warms the page cache), so its time includes process start (~10-20 ms)
and the first touch of all the memory it allocates.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import Run, build_bench, child_runs, in_process_args, machine_facts, process_runs, run_child, run_fields

REPO = Path(__file__).resolve().parents[2]
PEERS = ["rusk", "rusk-cli", "polars", "pandas", "duckdb", "dask"]


@dataclass(frozen=True)
class Query:
    name: str
    format: str  # csv | parquet
    where: str | None = None  # pandas query syntax, which rusk also speaks
    select: tuple[str, ...] = ()
    # Write the result as one CSV file (at `output_path`) instead of
    # holding it: issue 12's "result output".
    writes_csv: bool = False

    def sql(self, source: str) -> str:
        columns = ", ".join(self.select) or "*"
        where = f" WHERE {self.where}" if self.where else ""  # the predicates are valid SQL too
        return f"SELECT {columns} FROM {source}{where}"


QUERIES = [
    Query("load csv", "csv"),
    Query("csv filter+project", "csv", "v1 > 2 and id4 <= 50", ("id2", "v3")),
    Query("load parquet", "parquet"),
    # id6 is uniform in 1..N/K: at 1e7 rows, id6 <= 1000 keeps 1%; 2 of the 9 columns.
    Query("parquet filter+project", "parquet", "id6 <= 1000", ("id1", "v3")),
    # The same filter over two narrow columns: what pushdown reads is the
    # chunks of id6, id1 and v1 alone (v3 by itself is 39% of the file bytes).
    Query("parquet filter+project narrow", "parquet", "id6 <= 1000", ("id1", "v1")),
    # The whole table (1e7 rows x 9 columns) written as one CSV file.
    Query("parquet to csv", "parquet", writes_csv=True),
]


def output_path(peer: str) -> Path:
    """Where `peer` writes a CSV result: removed before each run, and after the last."""
    return Path(os.environ.get("TMPDIR", "/tmp")) / f"rusk-bench-{peer}-{os.getpid()}.csv"


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)


# --------------------------------------------------------------------------
# Children: one query by one Python peer, in its own process
# --------------------------------------------------------------------------


def run_polars(q: Query, directory: Path, threads: int | None):
    import polars as pl  # POLARS_MAX_THREADS is set by the parent: read at import

    scan = pl.scan_csv if q.format == "csv" else pl.scan_parquet
    if q.writes_csv:
        out = output_path("polars")
        remove(out)
        started = time.perf_counter()
        scan(f"{directory}/*.{q.format}").sink_csv(out)
        seconds = time.perf_counter() - started
        remove(out)
        return seconds, (None, None)
    started = time.perf_counter()
    frame = scan(f"{directory}/*.{q.format}")
    if q.where:
        frame = frame.filter(pl.sql_expr(q.where))
    if q.select:
        frame = frame.select(q.select)
    result = frame.collect()
    return time.perf_counter() - started, result.shape


def run_pandas(q: Query, directory: Path, threads: int | None):
    import pandas as pd
    import pyarrow as pa

    if threads:
        pa.set_cpu_count(threads)  # pandas itself is single-threaded; its Parquet reader is pyarrow
    read = pd.read_csv if q.format == "csv" else pd.read_parquet
    out = output_path("pandas")
    remove(out)
    started = time.perf_counter()
    frame = pd.concat([read(f) for f in sorted(directory.glob(f"*.{q.format}"))], ignore_index=True)
    if q.writes_csv:
        frame.to_csv(out, index=False)
        seconds = time.perf_counter() - started
        remove(out)
        return seconds, frame.shape
    if q.where:
        frame = frame.query(q.where)
    if q.select:
        frame = frame[list(q.select)]
    return time.perf_counter() - started, frame.shape


def run_duckdb(q: Query, directory: Path, threads: int | None):
    import duckdb
    import pyarrow  # noqa: F401 -- else the first Arrow fetch imports it inside the timing

    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    reader = "read_csv_auto" if q.format == "csv" else "read_parquet"
    if q.writes_csv:
        out = output_path("duckdb")
        remove(out)
        started = time.perf_counter()
        source = f"{reader}('{directory}/*.{q.format}')"
        con.execute(f"COPY ({q.sql(source)}) TO '{out}' (HEADER, DELIMITER ',')")
        seconds = time.perf_counter() - started
        remove(out)
        return seconds, (None, None)
    started = time.perf_counter()
    table = con.sql(q.sql(f"{reader}('{directory}/*.{q.format}')")).to_arrow_table()
    return time.perf_counter() - started, table.shape


def run_dask(q: Query, directory: Path, threads: int | None):
    import dask
    import dask.dataframe as dd

    dask.config.set(scheduler="threads", **({"num_workers": threads} if threads else {}))
    if threads:
        import pyarrow as pa

        pa.set_cpu_count(threads)
    started = time.perf_counter()
    if q.format == "csv":
        frame = dd.read_csv(f"{directory}/*.csv")
    else:
        frame = dd.read_parquet(str(directory))
    if q.writes_csv:
        out = output_path("dask")
        remove(out)
        frame.to_csv(str(out), single_file=True, index=False)
        seconds = time.perf_counter() - started
        remove(out)
        return seconds, (None, None)
    if q.where:
        frame = frame.query(q.where)
    if q.select:
        frame = frame[list(q.select)]
    result = frame.compute()
    return time.perf_counter() - started, result.shape


CHILDREN = {"polars": run_polars, "pandas": run_pandas, "duckdb": run_duckdb, "dask": run_dask}


def child_main(peer: str, query_name: str, args: argparse.Namespace) -> None:
    query = next(q for q in QUERIES if q.name == query_name)

    def once() -> dict:
        seconds, shape = CHILDREN[peer](query, args.data / f"g1_{query.format}", args.threads)
        return {"seconds": seconds, "rows": shape[0], "columns": shape[1]}

    child_runs(once, args.warmup, args.repeat)


# --------------------------------------------------------------------------
# Parent: spawn, time, measure
# --------------------------------------------------------------------------


def command(peer: str, q: Query, args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    directory = args.data / f"g1_{q.format}"
    env = dict(os.environ)
    if peer == "rusk":
        cmd = [str(args.rusk), "--query", q.name, "--mode", "e2e", "--data", str(args.data)]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        return cmd + in_process_args(args.repeat), env
    if peer == "rusk-cli":
        cmd = [str(args.cli), "query", str(directory)]
        if q.where:
            cmd += ["--where", q.where]
        if q.select:
            cmd += ["--select", ",".join(q.select)]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        if q.writes_csv:
            return cmd + ["--output", str(output_path("rusk"))], env
        return cmd + ["--analyze"], env
    if args.threads and peer == "polars":
        env["POLARS_MAX_THREADS"] = str(args.threads)
    cmd = [sys.executable, __file__, "--child", peer, q.name, "--data", str(args.data)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    return cmd + in_process_args(args.repeat), env


def rusk_runs(q: Query, args: argparse.Namespace) -> tuple[Run, str | None]:
    """The rusk command as a user runs it (see process_runs), and its --analyze text."""
    cmd, env = command("rusk-cli", q, args)
    done = process_runs(cmd, env, args.repeat, args.timeout, lambda: remove(output_path("rusk")))
    remove(output_path("rusk"))  # rusk never overwrites: each run writes a new file
    return done


def measure(peer: str, q: Query, args: argparse.Namespace) -> dict:
    if peer == "rusk" and args.rusk is None:
        return {"query": q.name, "peer": peer, "command": None, **run_fields(Run(error=args.rusk_missing))}
    cmd, env = command(peer, q, args)
    if peer == "rusk-cli":
        run, output = rusk_runs(q, args)
    else:
        run = run_child(cmd, env, args.repeat, args.timeout, "h2o_scan" if peer == "rusk" else None)
        output = None
    result = {
        "query": q.name, "peer": peer, "command": shlex.join(cmd),
        **run_fields(run),
    }
    if output:
        result["analyze"] = output
    shown = f"{result['median_s']:.3f} s" if result["median_s"] is not None else f"error: {result['error']}"
    print(f"  {q.name:29} {peer:8} {shown}", file=sys.stderr)
    return result


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def machine(args: argparse.Namespace) -> dict:
    meta = args.data / "g1.json"
    return {
        **machine_facts(args.rusk, args.rusk_missing),
        "threads": args.threads or "default", "repeat": args.repeat,
        "data": json.loads(meta.read_text()) if meta.exists() else str(args.data),
    }


def table(results: list[dict], peers: list[str], value: str, fmt, ratios: bool) -> str:
    by = {(r["query"], r["peer"]): r for r in results}
    unit = "s" if value == "median_s" else "MB"
    header = ["query"] + [f"{p} {unit}" for p in peers]
    others = [p for p in ("polars", "duckdb", "pandas") if ratios and "rusk" in peers and p in peers]
    header += [f"rusk/{p}" for p in others]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for q in dict.fromkeys(r["query"] for r in results):
        cells = [q]
        for p in peers:
            v = by[(q, p)][value]
            cells.append(fmt(v) if v is not None else "error")
        for p in others:
            a, b = by[(q, "rusk")]["median_s"], by[(q, p)]["median_s"]
            cells.append(f"{a / b:.2f}" if a and b else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(results: list[dict], peers: list[str], info: dict) -> str:
    data = info["data"]
    described = (f"{data['table']}: {data['rows']:,} rows, 8 CSV files ({data['csv_bytes'] / 2**20:.0f} MiB), "
                 f"8 Parquet files ({data['parquet_bytes'] / 2**20:.0f} MiB)") if isinstance(data, dict) else data
    rows = {}
    for r in results:
        if r["rows"] is not None:
            rows.setdefault(r["query"], set()).add(r["rows"])
    disagree = [f"{q}: {sorted(n)}" for q, n in rows.items() if len(n) > 1]
    parts = [
        f"## scan + filter + project: median of {info['repeat']} runs after a warm-up, wall seconds",
        "", table(results, peers, "median_s", lambda v: f"{v:.3f}", ratios=True), "",
        "rusk/peer < 1: rusk is faster. Differences under ~30% between runs are noise on a shared machine.",
        "", "## peak RSS (MB)", "", table(results, peers, "peak_rss_mb", lambda v: f"{v:.0f}", ratios=False), "",
        "## machine", "",
        f"- {info['date']}; {info['nproc']} CPUs ({info['cpu']}); {info['platform']}",
        f"- threads: {info['threads']}; load average at the end: {info['load_average']} (1, 5, 15 min)",
        f"- data: {described}",
        "- " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()),
    ]
    if disagree:
        parts += ["", "**Result row counts disagree between peers:** " + "; ".join(disagree)]
    errors = [f"- {r['query']} / {r['peer']}: {r['error']}" for r in results if r["error"]]
    if errors:
        parts += ["", "## errors", "", *errors]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO / "benches" / "data", help="default benches/data")
    parser.add_argument("--rusk", type=Path,
                        help="rusk's h2o_scan bench binary (default: build it with "
                             "`cargo build --release --bench h2o_scan` and use what cargo names)")
    parser.add_argument("--cli", type=Path, default=REPO / "target" / "release" / "rusk",
                        help="the rusk command for the rusk-cli column (default target/release/rusk)")
    parser.add_argument("--peers", default=",".join(PEERS), help=f"comma-separated subset of {','.join(PEERS)}")
    parser.add_argument("--queries", help="comma-separated subset of: " + ", ".join(q.name for q in QUERIES))
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query and peer (default 3)")
    parser.add_argument("--threads", type=int, help="threads for every peer (default: each peer's own default)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is killed (default 600)")
    parser.add_argument("--json", type=Path, help="also save the raw numbers here")
    parser.add_argument("--child", nargs=2, metavar=("PEER", "QUERY"), help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, default=0, help=argparse.SUPPRESS)  # a child's untimed runs
    args = parser.parse_args()

    if args.child:
        child_main(*args.child, args)
        return

    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = sorted(set(peers) - set(PEERS))
    if unknown:
        parser.error(f"unknown peers {unknown}; peers are {', '.join(PEERS)}")
    queries = QUERIES
    if args.queries:
        wanted = [w.strip() for w in args.queries.split(",")]
        queries = [q for q in QUERIES if q.name in wanted]
        if len(queries) != len(wanted):
            parser.error(f"queries are: {', '.join(q.name for q in QUERIES)}")
    for fmt in {q.format for q in queries}:
        if not any((args.data / f"g1_{fmt}").glob(f"*.{fmt}")):
            sys.exit(f"scan.py: no {fmt} files in {args.data / f'g1_{fmt}'}; run benches/compare/generate.py first")

    args.rusk_missing = None
    if "rusk" in peers and args.rusk is None:
        args.rusk, args.rusk_missing = build_bench("h2o_scan", "scan.py")
    results = [measure(peer, q, args) for q in queries for peer in peers]
    info = machine(args)
    print(report(results, peers, info))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
