"""Time four time-series and text queries over a 1e7-row sensor table: rusk against its peers.

What: on the table of benches/compare/generate_timeseries.py (1e7 readings of
100 sensors over 30 days, ts increasing, in 8 Parquet files), in one run,
each query by rusk (through its Rust API, the bench target
benches/timeseries.rs), Polars (lazy), DuckDB, pandas and Dask:

    resample   1 h mean of v per sensor (pandas' groupby("sensor").resample("h", on="ts"))
    rolling    1 h rolling mean of v per sensor (groupby("sensor").rolling("1h", on="ts"))
    regex      the rows whose tag matches '^ab.*[79]$' (~2% of them)
    cumsum     v's running total in file order, as a new column

Prints the median seconds of --repeat runs after one warm-up, rusk's time
over the best peer's, whether rusk meets issue 11's target (at or below the
faster of Polars and DuckDB, faster than pandas and Dask), the peak RSS of
each, and the machine.

Every answer is checked across peers, so a wrong or partial answer cannot
look fast: each run reports [rows, non-null values, sum] of its result's new
column (resample, rolling: v_mean; cumsum: c) or [rows, sum(v)] of the
filtered rows (regex), sums to a relative 1e-9. A disagreement marks the
cell with ✗ and is listed under the tables.

How: from the repository root,

    .venv/bin/python benches/compare/timeseries.py                         # 1e7 rows, all peers
    .venv/bin/python benches/compare/timeseries.py --rows 1000000 --repeat 1
    .venv/bin/python benches/compare/timeseries.py --peers rusk,duckdb --queries resample,rolling --modes mem

The data comes from generate_timeseries.py, run by this script when
DATA/ts.json is missing or was made for another --rows. rusk's bench binary
is built by `cargo build --release --bench timeseries` (a second when up to
date) unless --rusk names one; if it does not build, rusk's cells read
"skipped" and the peers still run.

Each (peer, query, mode) is one child process, rusk's bench binary as the
Python peers: one untimed warm-up run, then --repeat runs, each timed inside
the process around the query alone (so process start and imports are not
counted); its peak RSS (ru_maxrss from wait4) covers all of them and
includes the interpreter. A child is killed after --timeout (default 300 s)
per run; its cell reads >300.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import (build_bench, built, child_runs, in_process_args, machine_facts, measure_command, run_child,
                     run_fields)

REPO = Path(__file__).resolve().parents[2]
PEERS = ["rusk", "rusk-cli", "polars", "duckdb", "pandas", "dask"]
MODES = {
    "e2e": "end to end: Parquet dir → query → the full result in memory",
    "mem": "in memory: the table is read into memory before the clock starts",
}
PATTERN = "^ab.*[79]$"  # the regex query's pattern: ~2.2% of the tags (see generate_timeseries.py)


@dataclass(frozen=True)
class Query:
    id: str  # what --queries takes, and the bench binary's --query
    label: str  # what the tables show


QUERIES = [
    Query("resample", "resample 1 h mean per sensor"),
    Query("rolling", "rolling 1 h mean per sensor"),
    Query("regex", "regex filter on tag"),
    Query("cumsum", "cumsum in file order"),
]


# --------------------------------------------------------------------------
# Children: one query by one Python peer, in its own process
# --------------------------------------------------------------------------


def source_dir(data: Path) -> Path:
    return data / "ts_parquet"


def column_check(rows: int, values) -> list:
    """[rows, non-null values, their sum] of a result's new column (a pandas Series)."""
    return [int(rows), int(values.count()), float(values.sum())]


def run_polars(qid: str, data: Path, mode: str, threads: int | None):
    import polars as pl  # POLARS_MAX_THREADS is set by the parent: read at import

    glob = f"{source_dir(data)}/*.parquet"
    loaded = pl.read_parquet(glob).lazy() if mode == "mem" else None
    started = time.perf_counter()
    x = loaded if loaded is not None else pl.scan_parquet(glob)
    v = pl.col("v")
    match qid:
        case "resample":  # truncate + group_by: ~30x faster than group_by_dynamic here (see the README)
            q = (x.group_by("sensor", pl.col("ts").dt.truncate("1h")).agg(v.mean().alias("v_mean"))
                 .sort("sensor", "ts"))
        case "rolling":
            # A window expression over each sensor's rows, the rows in file order: about 5x faster
            # than x.rolling("ts", period="1h", group_by="sensor") here (see the README).
            q = x.select("sensor", "ts", v.rolling_mean_by("ts", window_size="1h").over("sensor").alias("v_mean"))
        case "regex":
            q = x.filter(pl.col("tag").str.contains(PATTERN))
        case "cumsum":
            q = x.with_columns(v.cum_sum().alias("c"))
        case _:
            raise ValueError(qid)
    result = q.collect()
    seconds = time.perf_counter() - started
    if qid == "regex":
        check = [result.height, float(result["v"].sum())]
    else:
        new = result["c" if qid == "cumsum" else "v_mean"]
        check = [result.height, new.count(), float(new.sum())]
    return seconds, result.shape, check


def duckdb_sql(qid: str, x: str, order: str) -> str:
    """The query as SQL over the source `x`; `order` is x's file order.

    The result is a table in DuckDB's memory, as the h2o DuckDB solutions
    keep theirs."""
    match qid:
        case "resample":
            body = (f"SELECT sensor, date_trunc('hour', ts) AS ts, avg(v) AS v_mean FROM {x} "
                    "GROUP BY ALL ORDER BY sensor, ts")
        case "rolling":
            # RANGE frames include the row exactly 1 h back, pandas' (t - 1h, t] does not: the
            # data has no two readings exactly 1 h apart (see generate_timeseries.py).
            body = ("SELECT sensor, ts, avg(v) OVER (PARTITION BY sensor ORDER BY ts "
                    f"RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW) AS v_mean FROM {x}")
        case "regex":
            body = f"SELECT * FROM {x} WHERE regexp_matches(tag, '{PATTERN}')"
        case "cumsum":
            # pandas' cumsum (and Polars') is null where v is null; SUM OVER skips the null but
            # still gives the running total there.
            body = (f"SELECT ts, sensor, v, tag, CASE WHEN v IS NULL THEN NULL ELSE "
                    f"sum(v) OVER (ORDER BY {order} ROWS UNBOUNDED PRECEDING) END AS c FROM {x}")
        case _:
            raise ValueError(qid)
    return f"CREATE TABLE ans AS {body}"


def run_duckdb(qid: str, data: Path, mode: str, threads: int | None):
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {threads}")
    files = f"'{source_dir(data)}/*.parquet'"
    # File order: the files by name (part-0..part-7), then the rows within each; only
    # cumsum reads it, the other queries would carry the two extra columns for nothing.
    ordered = f"read_parquet({files}, filename = true, file_row_number = true)"
    order = "filename, file_row_number"
    source = ordered if qid == "cumsum" else f"read_parquet({files})"
    if mode == "mem":
        con.execute(f"CREATE TABLE x AS SELECT ts, sensor, v, tag FROM {ordered} ORDER BY {order}")
        source, order = "x", "rowid"  # a table keeps its insertion order
    started = time.perf_counter()
    con.execute(duckdb_sql(qid, source, order))
    seconds = time.perf_counter() - started
    column = "c" if qid == "cumsum" else "v_mean"
    if qid == "regex":
        check = list(con.execute("SELECT count(*), sum(v) FROM ans").fetchone())
    else:
        check = list(con.execute(f"SELECT count(*), count({column}), sum({column}) FROM ans").fetchone())
    columns = len(con.execute("SELECT * FROM ans LIMIT 0").description)
    return seconds, (check[0], columns), check


def pandas_query(x, qid: str):
    match qid:
        case "resample":  # a Series indexed by (sensor, ts): groups sorted, bins sorted
            return x.groupby("sensor").resample("h", on="ts")["v"].mean()
        case "rolling":  # a Series indexed by (sensor, row): rows sorted by sensor
            return x.groupby("sensor").rolling("1h", on="ts")["v"].mean()
        case "regex":
            return x[x["tag"].str.contains(PATTERN, regex=True)]
        case "cumsum":
            return x.assign(c=x["v"].cumsum())
    raise ValueError(qid)


def pandas_check(qid: str, result) -> list:
    if qid == "regex":
        return [len(result), float(result["v"].sum())]
    return column_check(len(result), result["c"] if qid == "cumsum" else result)


def run_pandas(qid: str, data: Path, mode: str, threads: int | None):
    import pandas as pd
    import pyarrow as pa

    if threads:
        pa.set_cpu_count(threads)  # pandas itself is single-threaded; its Parquet reader is pyarrow
    loaded = pd.read_parquet(source_dir(data)) if mode == "mem" else None
    started = time.perf_counter()
    x = loaded if loaded is not None else pd.read_parquet(source_dir(data))
    result = pandas_query(x, qid)
    seconds = time.perf_counter() - started
    shape = (len(result), 1 if result.ndim == 1 else result.shape[1])
    return seconds, shape, pandas_check(qid, result)


def dask_query(x, qid: str):
    """A dask DataFrame expression, computed by the caller. x is indexed by ts for rolling."""
    match qid:
        case "resample":
            # Dask has no groupby(...).resample, and its resample wants a sorted
            # DatetimeIndex without groups: a Dask user floors ts and groups by it.
            return x.assign(ts=x["ts"].dt.floor("h")).groupby(["sensor", "ts"])["v"].mean()
        case "rolling":
            # groupby(...).rolling needs a DatetimeIndex: ts, read as the index with its
            # divisions (the files are in time order), so each partition overlaps the previous.
            return x.groupby("sensor")["v"].rolling("1h").mean()
        case "regex":
            return x[x["tag"].str.contains(PATTERN, regex=True)]
        case "cumsum":
            return x.assign(c=x["v"].cumsum())
    raise ValueError(qid)


def run_dask(qid: str, data: Path, mode: str, threads: int | None):
    import dask
    import dask.dataframe as dd

    dask.config.set(scheduler="threads", **({"num_workers": threads} if threads else {}))
    if threads:
        import pyarrow as pa

        pa.set_cpu_count(threads)

    def read():
        if qid == "rolling":
            x = dd.read_parquet(str(source_dir(data)), index="ts", calculate_divisions=True)
        else:
            x = dd.read_parquet(str(source_dir(data)))
        return x.persist() if mode == "mem" else x

    loaded = read() if mode == "mem" else None
    started = time.perf_counter()
    x = loaded if loaded is not None else read()
    result = dask_query(x, qid).compute()
    seconds = time.perf_counter() - started
    if qid == "resample":
        result = result.sort_index()  # what pandas gives; after the clock, as no check needs it
    shape = (len(result), 1 if result.ndim == 1 else result.shape[1])
    return seconds, shape, pandas_check(qid, result)


CHILDREN = {"polars": run_polars, "duckdb": run_duckdb, "pandas": run_pandas, "dask": run_dask}


def child_main(peer: str, query_id: str, mode: str, args: argparse.Namespace) -> None:
    def once() -> dict:
        seconds, shape, check = CHILDREN[peer](query_id, args.data, mode, args.threads)
        return {"seconds": seconds, "rows": shape[0], "columns": shape[1], "check": check}

    child_runs(once, args.warmup, args.repeat)


# --------------------------------------------------------------------------
# Parent: data, build, spawn, time, measure
# --------------------------------------------------------------------------


def ensure_data(args: argparse.Namespace) -> dict:
    """DATA/ts.json, after generating the table if it is missing or of another size."""
    meta_path = args.data / "ts.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
    present = any(source_dir(args.data).glob("*.parquet"))
    if meta is None or meta.get("rows") != args.rows or not present:
        cmd = [sys.executable, str(REPO / "benches" / "compare" / "generate_timeseries.py"),
               "--rows", str(args.rows), "--out", str(args.data)]
        why = "missing" if meta is None or not present else f"made for {meta.get('rows'):,} rows"
        print(f"timeseries.py: the sensor table is {why}; " + shlex.join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=sys.stderr)
        meta = json.loads(meta_path.read_text())
    return meta


def command(peer: str, q: Query, mode: str, args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if peer == "rusk":
        cmd = [str(args.rusk), "--query", q.id, "--mode", mode, "--data", str(args.data)]
    else:
        if args.threads and peer == "polars":
            env["POLARS_MAX_THREADS"] = str(args.threads)
        cmd = [sys.executable, __file__, "--child", peer, q.id, mode, "--data", str(args.data)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    return cmd + in_process_args(args.repeat), env


# The rusk command's flags for each query (the rusk-cli column).
CLI = {
    "resample": ["--resample", "h", "--time", "ts", "--groupby", "sensor", "--agg", "v:mean"],
    "rolling": ["--rolling", "1h", "--time", "ts", "--groupby", "sensor", "--agg", "v:mean"],
    "regex": ["--where", f'tag.str.contains("{PATTERN}")'],
    "cumsum": ["--eval", "c = v.cumsum()"],
}


def cli_command(q: Query, mode: str, args: argparse.Namespace) -> list[str] | str:
    """The rusk command running query `q` whole (`--analyze` prints per-stage figures, not rows),
    or why it cannot."""
    if mode != "e2e":
        return "the command reads its input every run"
    threads = ["--threads", str(args.threads)] if args.threads else []
    return [str(args.cli), "query", str(source_dir(args.data)), *CLI[q.id], *threads, "--analyze"]


def measure(peer: str, q: Query, mode: str, args: argparse.Namespace) -> dict:
    result = {"query": q.id, "label": q.label, "peer": peer, "mode": mode, "command": None, "seconds": [],
              "median_s": None, "peak_rss_mb": None, "rows": None, "check": None,
              "error": None, "timed_out": False, "na": None, "skipped": None}
    if peer == "rusk-cli":
        return measure_command(result, cli_command(q, mode, args), args.repeat, args.timeout)
    if peer == "rusk" and args.rusk is None:
        result["skipped"] = args.rusk_missing
        return result
    cmd, env = command(peer, q, mode, args)
    result["command"] = shlex.join(cmd)
    run = run_child(cmd, env, args.repeat, args.timeout, "timeseries" if peer == "rusk" else None)
    if run.unsupported:
        result["na"] = run.error
        print(f"  {mode:3} {q.id:8} {peer:7} n/a: {run.error}", file=sys.stderr)
        return result
    result.update(run_fields(run))
    shown = f"{result['median_s']:.3f} s" if result["median_s"] is not None else f"error: {result['error']}"
    print(f"  {mode:3} {q.id:8} {peer:7} {shown}  check {result['check']}", file=sys.stderr)
    return result


# --------------------------------------------------------------------------
# Checks and report
# --------------------------------------------------------------------------


def same(a, b) -> bool:
    """Checks agree: equal ints, floats to a relative 1e-9."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(u, v) for u, v in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return (a is not None and b is not None
                and math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9))
    return a == b


def verdicts(results: list[dict]) -> dict[tuple[str, str], dict]:
    """For each (mode, query): the reference check (pandas', the semantics every
    engine follows here, else the first peer's) and the peers whose check differs."""
    out: dict[tuple[str, str], dict] = {}
    for r in results:
        if r["check"] is None:
            continue
        v = out.setdefault((r["mode"], r["query"]), {"reference": None, "by": None, "wrong": []})
        if v["reference"] is None or (r["peer"] == "pandas" and v["by"] != "pandas"):
            v["reference"], v["by"] = r["check"], r["peer"]
    for r in results:
        v = out.get((r["mode"], r["query"]))
        if v and r["check"] is not None and not same(r["check"], v["reference"]):
            v["wrong"].append(r["peer"])
    return out


def time_cell(r: dict | None, wrong: bool, timeout: float) -> str:
    if r is None:
        return "–"
    if r["skipped"]:
        return "skipped"
    if r["na"]:
        return "n/a"
    if r["timed_out"]:
        return f">{timeout:g}"
    if r["median_s"] is None:
        return "error"
    return f"{r['median_s']:.3f}" + (" ✗" if wrong else "")


def best_peer(row: dict, wrong: list[str]) -> tuple[str, float] | None:
    """The fastest peer other than rusk with a right answer, and its time."""
    timed = [(p, r["median_s"]) for p, r in row.items()
             if p not in ("rusk", "rusk-cli") and r and r["median_s"] is not None and p not in wrong]
    return min(timed, key=lambda t: t[1]) if timed else None


def target_cell(row: dict, wrong: list[str]) -> str:
    """Issue 11's target: at or below the faster of Polars and DuckDB, faster than pandas and Dask."""
    rusk = row.get("rusk")
    if rusk is None or rusk["median_s"] is None or "rusk" in wrong:
        return "–"
    verdict, known = True, True
    for p in ("polars", "duckdb", "pandas", "dask"):
        r = row.get(p)
        if r is None or r["timed_out"]:
            continue  # not run, or slower than the timeout: rusk, which finished, is faster
        if r["median_s"] is None or p in wrong:
            known = False
        elif p in ("polars", "duckdb"):
            verdict &= rusk["median_s"] <= r["median_s"]
        else:
            verdict &= rusk["median_s"] < r["median_s"]
    return "✓" if verdict and known else "✗" if not verdict else "?"


def times_table(results: list[dict], mode: str, peers: list[str], checks: dict, timeout: float) -> str:
    by = {(r["query"], r["peer"]): r for r in results if r["mode"] == mode}
    with_rusk = "rusk" in peers
    header = ["query", "rows"] + [f"{p} s" for p in peers]
    header += ["rusk ÷ best peer", "target"] if with_rusk else []
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for q in QUERIES:
        row = {p: by.get((q.id, p)) for p in peers}
        if not any(row.values()):
            continue
        v = checks.get((mode, q.id), {"reference": None, "wrong": []})
        rows = next((r["rows"] for p, r in row.items() if r and r["rows"] is not None and p not in v["wrong"]),
                    None)
        cells = [q.label, f"{rows:,}" if rows is not None else "–"]
        cells += [time_cell(row[p], p in v["wrong"], timeout) for p in peers]
        if with_rusk:
            best = best_peer(row, v["wrong"])
            rusk = row["rusk"]
            ok = rusk and rusk["median_s"] is not None and "rusk" not in v["wrong"]
            cells.append(f"{rusk['median_s'] / best[1]:.2f} ({best[0]})" if ok and best else "–")
            cells.append(target_cell(row, v["wrong"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def rss_table(results: list[dict], mode: str, peers: list[str]) -> str:
    by = {(r["query"], r["peer"]): r for r in results if r["mode"] == mode}
    header = ["query"] + [f"{p} MB" for p in peers]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for q in QUERIES:
        row = {p: by.get((q.id, p)) for p in peers}
        if not any(row.values()):
            continue
        cells = [q.label] + [f"{row[p]['peak_rss_mb']:.0f}" if row[p] and row[p]["peak_rss_mb"] else "–"
                             for p in peers]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine(args: argparse.Namespace, meta: dict) -> dict:
    return {
        **machine_facts(args.rusk, args.rusk_missing),
        "load_average_start": args.load_start,
        "threads": args.threads or "default", "repeat": args.repeat, "timeout": args.timeout, "data": meta,
    }


def report(results: list[dict], peers: list[str], modes: list[str], info: dict) -> str:
    checks = verdicts(results)
    timeout = info["timeout"]
    data = info["data"]
    described = (f"{data['table']}: {data['rows']:,} rows of {data['sensors']} sensors over "
                 f"{data['span_days']} days, {data['files']} Parquet files ({data['parquet_bytes'] / 2**20:.0f} MiB)")
    parts = []
    for mode in modes:
        parts += [f"## time series, {MODES[mode]}: median of {info['repeat']} runs after a warm-up, seconds",
                  "", times_table(results, mode, peers, checks, timeout), ""]
    parts += [
        "rusk ÷ best peer < 1: rusk is faster than every peer. `target` (issue 11): rusk at or below the "
        "faster of Polars and DuckDB and faster than pandas and Dask (✓ met, ✗ missed, ? not all measured). "
        f"Differences under ~30% between runs are noise on a shared machine. >{timeout:g}: killed after "
        f"{timeout:g} s. ✗ after a time: that peer's answer differs (below). rows: the result's row count.", ""]
    for mode in modes:
        parts += [f"## peak RSS (MB), {'end to end' if mode == 'e2e' else 'in memory (the loaded table included)'}",
                  "", rss_table(results, mode, peers), ""]
    parts += [
        "## machine", "",
        f"- {info['date']}; {info['nproc']} CPUs ({info['cpu']}); {info['platform']}",
        f"- threads: {info['threads']}; load average at the start: {info['load_average_start']}, at the end: "
        f"{info['load_average']} (1, 5, 15 min)",
        f"- data: {described}",
        "- " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
        + f" (timeseries bench binary written {info['rusk_built']})",
    ]
    if info.get("rusk_rebuilt"):
        parts += ["", f"**The rusk bench binary was rewritten during this run** (it was written "
                      f"{info['rusk_rebuilt']} at the start): rusk's cells may mix two builds."]
    wrong = []
    for (mode, qid), v in checks.items():
        if v["wrong"]:
            got = "; ".join(f"{r['peer']} {json.dumps(r['check'])}" for r in results
                            if r["mode"] == mode and r["query"] == qid and r["check"] is not None)
            wrong.append(f"- {mode} {qid}: {got}")
    if wrong:
        parts += ["", "**Answers disagree** (resample, rolling: [rows, non-null v_mean, sum v_mean]; regex: "
                      "[rows, sum v]; cumsum: [rows, non-null c, sum c]):", "", *wrong]
    elif checks:
        parts += ["- answers: every peer's check agrees with " + ("pandas'" if "pandas" in peers else "the first's")
                  + " (rows, and the new column's non-null count and sum; regex: rows, sum v)"]
    notes = list(dict.fromkeys(r["skipped"] for r in results if r["skipped"]))
    notes += [f"{r['mode']} {r['query']} / {r['peer']} n/a: {r['na']}" for r in results if r["na"]]
    notes += [f"{r['mode']} {r['query']} / {r['peer']}: {r['error']}" for r in results if r["error"]]
    if notes:
        parts += ["", "## notes and errors", "", *[f"- {n}" for n in notes]]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000,
                        help="readings in the table (default 1e7); it is generated if not of this size")
    parser.add_argument("--data", type=Path, default=REPO / "benches" / "data", help="default benches/data")
    parser.add_argument("--rusk", type=Path,
                        help="rusk's timeseries bench binary (default: build it with "
                             "`cargo build --release --bench timeseries` and use what cargo names)")
    parser.add_argument("--cli", type=Path, default=REPO / "target" / "release" / "rusk",
                        help="the rusk command for the rusk-cli column (default target/release/rusk)")
    parser.add_argument("--peers", default=",".join(PEERS), help=f"comma-separated subset of {','.join(PEERS)}")
    parser.add_argument("--queries", help="comma-separated subset of: " + ",".join(q.id for q in QUERIES))
    parser.add_argument("--modes", default="e2e,mem",
                        help="e2e (end to end), mem (table loaded before the clock), or both (default e2e,mem)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query and peer (default 3)")
    parser.add_argument("--threads", type=int, help="threads for every peer (default: each peer's own default)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run is killed (default 300)")
    parser.add_argument("--json", type=Path, help="also save the raw numbers here")
    parser.add_argument("--child", nargs=3, metavar=("PEER", "QUERY", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, default=0, help=argparse.SUPPRESS)  # a child's untimed runs
    args = parser.parse_args()

    if args.child:
        child_main(*args.child, args)
        return

    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    if not peers or set(peers) - set(PEERS):
        parser.error(f"peers are: {', '.join(PEERS)}")
    peers = [p for p in PEERS if p in peers]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - set(MODES):
        parser.error(f"modes are: {', '.join(MODES)}")
    queries = QUERIES
    if args.queries:
        wanted = [w.strip() for w in args.queries.split(",")]
        queries = [q for q in QUERIES if q.id in wanted]
        if len(queries) != len(wanted):
            parser.error(f"queries are: {', '.join(q.id for q in QUERIES)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    meta = ensure_data(args)

    args.rusk_missing = None
    if "rusk" in peers and args.rusk is None:
        args.rusk, args.rusk_missing = build_bench("timeseries", "timeseries.py")
        if args.rusk is None:
            print(f"timeseries.py: {args.rusk_missing}", file=sys.stderr)
    elif args.rusk is None:
        args.rusk_missing = "rusk not among --peers"
    args.load_start = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    started_build = built(args.rusk)
    results = [measure(peer, q, mode, args) for mode in modes for q in queries for peer in peers]
    info = machine(args, meta)
    if started_build != info["rusk_built"]:
        info["rusk_rebuilt"] = started_build
    print(report(results, peers, modes, info))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
