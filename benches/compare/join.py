"""Time the h2o db-benchmark join questions and two sorts of 1e7 rows: rusk against its peers.

What: on the tables of benches/compare/generate_join.py (x: 1e7 rows;
small: 10, medium: 10,000, big: 1e7), in one run, each question by rusk
(through its Rust API, the bench target benches/h2o_join.rs), Polars (lazy
scan_parquet), DuckDB, pandas and Dask, and by the rusk command (the rusk-cli
column, end to end only: `rusk query x --join ... --analyze` or `--sort`, one
whole process per run timed from outside, start and exit included):

    q1 small inner on int (id1)        q5 big inner on int (id3)
    q2 medium inner on int (id2)       q6 big left on int (id3)
    q3 medium left on int (id2)        q7 big inner on string (id6)
    q4 medium inner on string (id5)    s1 sort x by id3 (int)
                                       s2 sort x by id1 desc, id6 (int, string)

q1..q5 are the h2o join questions; q6, q7 add a left and a string-key
big-big join. Prints the median seconds of --repeat runs after one warm-up,
every peer's ratio to Polars and rusk's to each peer, whether rusk meets the
targets of the issue (at or below Polars on the broadcast joins q1..q4,
within 1.5x of Polars on the big-big joins and the sorts, faster than pandas
and Dask everywhere), the peak RSS of each, and the machine.

Every answer is checked across peers, so a wrong join cannot look fast: a
join reports [rows, sum(v1), sum(v2)] of its result (sums to a relative
1e-9), a sort its first and last rows ([id1, id3, id6, v1]; both sorts
have unique keys, so there is one right answer). A disagreement marks the
cell with ✗ and is listed under the tables.

How: from the repository root,

    .venv/bin/python benches/compare/join.py                       # 1e7 rows, all peers
    .venv/bin/python benches/compare/join.py --rows 100000 --repeat 1 --peers polars,duckdb,pandas
    .venv/bin/python benches/compare/join.py --queries q1,q5,s1 --modes e2e,mem --json join.json

The data comes from generate_join.py, run by this script when DATA/join.json
is missing or was made for another --rows. rusk's bench binary is built by
`cargo build --release --bench h2o_join` (a second when up to date) unless
--rusk names one; if it does not build, rusk's cells read "skipped" and the
peers still run.

Each (peer, question, mode) is one child process, rusk's bench binary as the
Python peers: one untimed warm-up run, then --repeat runs, each timed
inside the process around the question alone (so process start and imports
are not counted); its peak RSS (ru_maxrss from wait4) covers all of them
and includes the interpreter. A child is killed after --timeout (default
120 s) per run; its cell reads >120.
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

from harness import (build_bench, built, child_runs, measure_command, in_process_args, machine_facts, run_child,
                     run_fields)

REPO = Path(__file__).resolve().parents[2]
PEERS = ["rusk", "rusk-cli", "polars", "duckdb", "pandas", "dask"]
MODES = {
    "e2e": "end to end: Parquet dirs → join or sort → the full result in memory",
    "mem": "in memory: the tables are read into memory before the clock starts (the h2o setting)",
}
# The tables' columns, as generate_join.py writes them.
COLUMNS = {
    "x": ["id1", "id2", "id3", "id4", "id5", "id6", "v1"],
    "small": ["id1", "id4", "v2"],
    "medium": ["id1", "id2", "id4", "id5", "v2"],
    "big": ["id1", "id2", "id3", "id4", "id5", "id6", "v2"],
}
SORT_CHECK = ["id1", "id3", "id6", "v1"]  # a sort's check: these values of its first and last rows


@dataclass(frozen=True)
class Query:
    id: str
    label: str
    right: str | None = None  # a join: the right table, key and how
    key: str | None = None
    how: str | None = None
    by: tuple[str, ...] = ()  # a sort: the columns and their directions
    ascending: tuple[bool, ...] = ()
    target: float = 1.0  # rusk's time over Polars' must be at most this

    @property
    def is_join(self) -> bool:
        return self.right is not None


def join(qid: str, label: str, right: str, key: str, how: str, target: float) -> Query:
    return Query(qid, label, right=right, key=key, how=how, target=target)


QUERIES = [
    join("q1", "q1 small inner on int", "small", "id1", "inner", 1.0),
    join("q2", "q2 medium inner on int", "medium", "id2", "inner", 1.0),
    join("q3", "q3 medium left on int", "medium", "id2", "left", 1.0),
    join("q4", "q4 medium inner on string", "medium", "id5", "inner", 1.0),
    join("q5", "q5 big inner on int", "big", "id3", "inner", 1.5),
    join("q6", "q6 big left on int", "big", "id3", "left", 1.5),
    join("q7", "q7 big inner on string", "big", "id6", "inner", 1.5),
    Query("s1", "s1 sort by id3", by=("id3",), ascending=(True,), target=1.5),
    Query("s2", "s2 sort by id1 desc, id6", by=("id1", "id6"), ascending=(False, True), target=1.5),
]


# --------------------------------------------------------------------------
# Children: one question by one Python peer, in its own process
# --------------------------------------------------------------------------


def table_dir(data: Path, name: str) -> Path:
    return data / f"join_{name}"


def check_row(values) -> list:
    """One row of SORT_CHECK as JSON values (numpy scalars become Python's)."""
    id1, id3, id6, v1 = values
    return [int(id1), int(id3), str(id6), float(v1)]


def run_polars(q: Query, data: Path, mode: str, threads: int | None):
    import polars as pl  # POLARS_MAX_THREADS is set by the parent: read at import

    def source(name: str):
        glob = f"{table_dir(data, name)}/*.parquet"
        return pl.read_parquet(glob).lazy() if mode == "mem" else pl.scan_parquet(glob)

    loaded = (source("x"), source(q.right) if q.is_join else None) if mode == "mem" else None
    started = time.perf_counter()
    x, y = loaded or (source("x"), source(q.right) if q.is_join else None)
    if q.is_join:
        result = x.join(y, on=q.key, how=q.how).collect()
    else:
        result = x.sort(list(q.by), descending=[not a for a in q.ascending]).collect()
    seconds = time.perf_counter() - started
    if q.is_join:
        check = [result.height, result["v1"].sum(), result["v2"].sum()]
    else:
        ends = result.select(SORT_CHECK)
        check = [check_row(ends.row(0)), check_row(ends.row(-1))]
    return seconds, result.shape, check


def duckdb_sql(q: Query, x: str, y: str | None) -> str:
    """The question as the h2o DuckDB solution writes it: x.* and the right
    table's other columns, renamed where x has the name."""
    if not q.is_join:
        order = ", ".join(f"{c} {'ASC' if a else 'DESC'}" for c, a in zip(q.by, q.ascending))
        return f"CREATE TABLE ans AS SELECT * FROM {x} ORDER BY {order}"
    others = [f"r.{c} AS r_{c}" if c in COLUMNS["x"] else f"r.{c}" for c in COLUMNS[q.right] if c != q.key]
    kind = "JOIN" if q.how == "inner" else "LEFT JOIN"
    return f"CREATE TABLE ans AS SELECT x.*, {', '.join(others)} FROM {x} AS x {kind} {y} AS r USING ({q.key})"


def run_duckdb(q: Query, data: Path, mode: str, threads: int | None):
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {threads}")
    sources = {name: f"read_parquet('{table_dir(data, name)}/*.parquet')"
               for name in ["x"] + ([q.right] if q.is_join else [])}
    if mode == "mem":
        for name, source in sources.items():
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM {source}")
        sources = {name: name for name in sources}
    sql = duckdb_sql(q, sources["x"], sources.get(q.right))
    started = time.perf_counter()
    con.execute(sql)  # the result is a table in DuckDB's memory, as in the h2o solution
    seconds = time.perf_counter() - started
    rows = con.execute("SELECT count(*) FROM ans").fetchone()[0]
    columns = len(con.execute("SELECT * FROM ans LIMIT 0").description)
    if q.is_join:
        check = list(con.execute("SELECT count(*), sum(v1), sum(v2) FROM ans").fetchone())
    else:  # a table keeps the order it was written in (preserve_insertion_order)
        cols = ", ".join(SORT_CHECK)
        check = [check_row(con.execute(f"SELECT {cols} FROM ans LIMIT 1").fetchone()),
                 check_row(con.execute(f"SELECT {cols} FROM ans LIMIT 1 OFFSET {rows - 1}").fetchone())]
    return seconds, (rows, columns), check


def pandas_check(q: Query, result) -> list:
    if q.is_join:
        return [len(result), float(result["v1"].sum()), float(result["v2"].sum())]
    ends = result[SORT_CHECK]
    return [check_row(ends.iloc[0].tolist()), check_row(ends.iloc[-1].tolist())]


def run_pandas(q: Query, data: Path, mode: str, threads: int | None):
    import pandas as pd
    import pyarrow as pa

    if threads:
        pa.set_cpu_count(threads)  # pandas itself is single-threaded; its Parquet reader is pyarrow

    def read():
        return pd.read_parquet(table_dir(data, "x")), pd.read_parquet(table_dir(data, q.right)) if q.is_join else None

    loaded = read() if mode == "mem" else None
    started = time.perf_counter()
    x, y = loaded or read()
    if q.is_join:  # the h2o pandas solution: x.merge(small, on='id1'), how='left' for q3
        result = x.merge(y, on=q.key, how=q.how)
    else:
        result = x.sort_values(list(q.by), ascending=list(q.ascending))
    seconds = time.perf_counter() - started
    return seconds, result.shape, pandas_check(q, result)


def run_dask(q: Query, data: Path, mode: str, threads: int | None):
    import dask
    import dask.dataframe as dd

    dask.config.set(scheduler="threads", **({"num_workers": threads} if threads else {}))
    if threads:
        import pyarrow as pa

        pa.set_cpu_count(threads)

    def read():
        x = dd.read_parquet(str(table_dir(data, "x")))
        y = dd.read_parquet(str(table_dir(data, q.right))) if q.is_join else None
        return (x.persist(), y.persist() if y is not None else None) if mode == "mem" else (x, y)

    loaded = read() if mode == "mem" else None
    started = time.perf_counter()
    x, y = loaded or read()
    if q.is_join:  # the h2o Dask solution: x.merge(small, on='id1').compute()
        result = x.merge(y, on=q.key, how=q.how).compute()
    else:
        ascending = q.ascending[0] if len(set(q.ascending)) == 1 else list(q.ascending)
        result = x.sort_values(list(q.by), ascending=ascending).compute()
    seconds = time.perf_counter() - started
    return seconds, result.shape, pandas_check(q, result)


CHILDREN = {"polars": run_polars, "duckdb": run_duckdb, "pandas": run_pandas, "dask": run_dask}


def child_main(peer: str, query_id: str, mode: str, args: argparse.Namespace) -> None:
    query = next(q for q in QUERIES if q.id == query_id)

    def once() -> dict:
        seconds, shape, check = CHILDREN[peer](query, args.data, mode, args.threads)
        return {"seconds": seconds, "rows": shape[0], "columns": shape[1], "check": check}

    child_runs(once, args.warmup, args.repeat)


# --------------------------------------------------------------------------
# Parent: data, build, spawn, time, measure
# --------------------------------------------------------------------------


def ensure_data(args: argparse.Namespace) -> dict:
    """DATA/join.json, after generating the tables if they are missing or of another size."""
    meta_path = args.data / "join.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
    present = all(any(table_dir(args.data, t).glob("*.parquet")) for t in COLUMNS)
    if meta is None or meta.get("rows") != args.rows or not present:
        cmd = [sys.executable, str(REPO / "benches" / "compare" / "generate_join.py"),
               "--rows", str(args.rows), "--out", str(args.data)]
        why = "missing" if meta is None or not present else f"made for {meta.get('rows'):,} rows"
        print(f"join.py: the join tables are {why}; " + shlex.join(cmd), file=sys.stderr)
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


def cli_command(q: Query, mode: str, args: argparse.Namespace) -> list[str] | str:
    """The rusk command running question `q` whole (`--analyze` prints per-stage figures, not
    rows), or why it cannot."""
    if mode != "e2e":
        return "the command reads its input every run"
    if q.is_join:
        flags = ["--join", str(table_dir(args.data, q.right)), "--on", q.key, "--how", q.how]
    else:
        flags = ["--sort", ",".join(c if up else f"{c}:desc" for c, up in zip(q.by, q.ascending))]
    threads = ["--threads", str(args.threads)] if args.threads else []
    return [str(args.cli), "query", str(table_dir(args.data, "x")), *flags, *threads, "--analyze"]


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
    run = run_child(cmd, env, args.repeat, args.timeout, "h2o_join" if peer == "rusk" else None)
    if run.unsupported:
        result["na"] = run.error
        print(f"  {mode:3} {q.id:3} {peer:7} n/a: {run.error}", file=sys.stderr)
        return result
    result.update(run_fields(run))
    shown = f"{result['median_s']:.3f} s" if result["median_s"] is not None else f"error: {result['error']}"
    print(f"  {mode:3} {q.id:3} {peer:7} {shown}  check {result['check']}", file=sys.stderr)
    return result


# --------------------------------------------------------------------------
# Checks and report
# --------------------------------------------------------------------------


def same(a, b) -> bool:
    """Checks agree: equal ints and strings, floats to a relative 1e-9."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(u, v) for u, v in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return (a is not None and b is not None
                and math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9))
    return a == b


def verdicts(results: list[dict]) -> dict[tuple[str, str], dict]:
    """For each (mode, query): the reference check (Polars', else the first
    peer's) and the peers whose check differs from it."""
    out: dict[tuple[str, str], dict] = {}
    for r in results:
        if r["check"] is None:
            continue
        v = out.setdefault((r["mode"], r["query"]), {"reference": None, "by": None, "wrong": []})
        if v["reference"] is None or (r["peer"] == "polars" and v["by"] != "polars"):
            v["reference"], v["by"] = r["check"], r["peer"]
    for r in results:
        v = out.get((r["mode"], r["query"]))
        if v and r["check"] is not None and not same(r["check"], v["reference"]):
            v["wrong"].append(r["peer"])
    return out


def time_cell(r: dict, wrong: bool, timeout: float) -> str:
    if r["skipped"]:
        return "skipped"
    if r["na"]:
        return "n/a"
    if r["timed_out"]:
        return f">{timeout:g}"
    if r["median_s"] is None:
        return "error"
    return f"{r['median_s']:.3f}" + (" ✗" if wrong else "")


def ratio(a: dict | None, b: dict | None) -> float | None:
    if a and b and a["median_s"] and b["median_s"]:
        return a["median_s"] / b["median_s"]
    return None


def target_cell(q: Query, by: dict, peers: list[str], wrong: list[str], timeout: float) -> str:
    """Whether rusk meets the issue's target: ≤ q.target × Polars, faster than pandas and Dask."""
    rusk = by.get("rusk")
    if rusk is None or rusk["median_s"] is None or "rusk" in wrong:
        return "–"
    verdict, known = True, True
    polars = ratio(rusk, by.get("polars"))
    if polars is None:
        known = False
    else:
        verdict &= polars <= q.target
    for p in ("pandas", "dask"):
        r = by.get(p)
        if r is None:
            continue
        if r["timed_out"]:
            continue  # slower than the timeout: rusk, which finished, is faster
        if r["median_s"] is None:
            known = False
        else:
            verdict &= rusk["median_s"] < r["median_s"]
    mark = "✓" if verdict and known else "✗" if not verdict else "?"
    return f"≤{q.target:g}× {mark}"


def fmt_ratio(v: float | None) -> str:
    return f"{v:.2f}" if v is not None else "–"


def times_table(results: list[dict], mode: str, peers: list[str], checks: dict, timeout: float) -> str:
    by = {(r["query"], r["peer"]): r for r in results if r["mode"] == mode}
    others = [p for p in peers if p != "polars"] if "polars" in peers else []
    rusk_vs = [p for p in peers if p not in ("rusk", "rusk-cli")] if "rusk" in peers else []
    header = (["question", "rows"] + [f"{p} s" for p in peers] + [f"{p}/polars" for p in others]
              + [f"rusk/{p}" for p in rusk_vs if p != "polars"] + (["target"] if "rusk" in peers else []))
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
        cells += [fmt_ratio(ratio(row[p], row["polars"])) for p in others]
        cells += [fmt_ratio(ratio(row["rusk"], row[p])) for p in rusk_vs if p != "polars"]
        if "rusk" in peers:
            cells.append(target_cell(q, row, peers, v["wrong"], timeout))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def rss_table(results: list[dict], mode: str, peers: list[str]) -> str:
    by = {(r["query"], r["peer"]): r for r in results if r["mode"] == mode}
    ratios = "rusk" in peers and "polars" in peers
    header = ["question"] + [f"{p} MB" for p in peers] + (["rusk/polars"] if ratios else [])
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for q in QUERIES:
        row = {p: by.get((q.id, p)) for p in peers}
        if not any(row.values()):
            continue
        cells = [q.label] + [f"{row[p]['peak_rss_mb']:.0f}" if row[p] and row[p]["peak_rss_mb"] else "–"
                             for p in peers]
        if ratios:
            a, b = row["rusk"], row["polars"]
            cells.append(f"{a['peak_rss_mb'] / b['peak_rss_mb']:.2f}"
                         if a and b and a["peak_rss_mb"] and b["peak_rss_mb"] else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine(args: argparse.Namespace, meta: dict) -> dict:
    return {
        **machine_facts(args.rusk, args.rusk_missing),
        "threads": args.threads or "default", "repeat": args.repeat, "timeout": args.timeout, "data": meta,
    }


def report(results: list[dict], peers: list[str], modes: list[str], info: dict) -> str:
    checks = verdicts(results)
    timeout = info["timeout"]
    tables = info["data"]["tables"]
    described = f"{info['data']['table']}: " + ", ".join(
        f"{name} {t['rows']:,} rows ({t['files']} file{'s' if t['files'] > 1 else ''}, "
        f"{t['parquet_bytes'] / 2**20:.0f} MiB)" for name, t in tables.items())
    parts = []
    for mode in modes:
        parts += [f"## joins and sorts, {MODES[mode]}: median of {info['repeat']} runs after a warm-up, seconds",
                  "", times_table(results, mode, peers, checks, timeout), ""]
    parts += [
        "peer/polars, rusk/peer < 1: faster than that peer. Differences under ~30% between runs are noise on "
        "a shared machine. `target`: rusk at most that many times Polars' time and faster than pandas and "
        f"Dask (✓ met, ✗ missed, ? not all measured). >{timeout:g}: killed after {timeout:g} s. ✗ after a "
        "time: that peer's answer differs (below). rows: the result's row count.", ""]
    for mode in modes:
        parts += [f"## peak RSS (MB), {'end to end' if mode == 'e2e' else 'in memory (the loaded tables included)'}",
                  "", rss_table(results, mode, peers), ""]
        by = {r["peer"]: r for r in results if r["mode"] == mode and r["query"] == "q5"}
        if by.get("rusk", {}).get("peak_rss_mb") and by.get("polars", {}).get("peak_rss_mb"):
            a, b = by["rusk"]["peak_rss_mb"], by["polars"]["peak_rss_mb"]
            parts += [f"Big-big join (q5), {mode}: peak RSS rusk {a:.0f} MB, Polars {b:.0f} MB ({a / b:.2f}×).", ""]
    parts += [
        "## machine", "",
        f"- {info['date']}; {info['nproc']} CPUs ({info['cpu']}); {info['platform']}",
        f"- threads: {info['threads']}; load average at the end: {info['load_average']} (1, 5, 15 min)",
        f"- data: {described}",
        "- " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
        + f" (h2o_join bench binary written {info['rusk_built']})",
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
        parts += ["", "**Answers disagree** (join: [rows, sum v1, sum v2]; sort: first and last "
                      f"[{', '.join(SORT_CHECK)}]):", "", *wrong]
    else:
        parts += ["- answers: every peer's check agrees with " + ("Polars'" if "polars" in peers else "the first's")
                  + " (join: rows, sum v1, sum v2; sort: first and last rows)"]
    notes = list(dict.fromkeys(r["skipped"] for r in results if r["skipped"]))
    notes += [f"{r['mode']} {r['query']} / {r['peer']} n/a: {r['na']}" for r in results if r["na"]]
    notes += [f"{r['mode']} {r['query']} / {r['peer']}: {r['error']}" for r in results if r["error"]]
    if notes:
        parts += ["", "## notes and errors", "", *[f"- {n}" for n in notes]]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000,
                        help="N, rows of x and big (default 1e7); the tables are generated if not of this size")
    parser.add_argument("--data", type=Path, default=REPO / "benches" / "data", help="default benches/data")
    parser.add_argument("--rusk", type=Path,
                        help="rusk's h2o_join bench binary (default: build it with "
                             "`cargo build --release --bench h2o_join` and use what cargo names)")
    parser.add_argument("--cli", type=Path, default=REPO / "target" / "release" / "rusk",
                        help="the rusk command for the rusk-cli column (default target/release/rusk)")
    parser.add_argument("--peers", default=",".join(PEERS), help=f"comma-separated subset of {','.join(PEERS)}")
    parser.add_argument("--queries", help="comma-separated subset of: " + ",".join(q.id for q in QUERIES))
    parser.add_argument("--modes", default="e2e", help="e2e (default), mem (tables loaded before the clock), or e2e,mem")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per question and peer (default 3)")
    parser.add_argument("--threads", type=int, help="threads for every peer (default: each peer's own default)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds before a run is killed (default 120)")
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
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - set(MODES):
        parser.error(f"modes are: {', '.join(MODES)}")
    queries = QUERIES
    if args.queries:
        wanted = [w.strip() for w in args.queries.split(",")]
        queries = [q for q in QUERIES if q.id in wanted]
        if len(queries) != len(wanted):
            parser.error(f"queries are: {', '.join(q.id for q in QUERIES)}")
    meta = ensure_data(args)

    args.rusk_missing = None
    if "rusk" in peers and args.rusk is None:
        args.rusk, args.rusk_missing = build_bench("h2o_join", "join.py")
        if args.rusk is None:
            print(f"join.py: {args.rusk_missing}", file=sys.stderr)
    elif args.rusk is None:
        args.rusk_missing = "rusk not among --peers"
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
