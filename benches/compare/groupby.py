"""Time the ten h2o db-benchmark groupby questions on the G1 Parquet files: rusk against its peers.

What: q1..q10 of the h2o groupby task over benches/data/g1_parquet (made by
benches/compare/generate.py), and three queries of issue 12 over the same
files (topk: the 10 first rows by id3, every column; filter: `v1 > 2 and id4
<= 50` → sum v3 by id2; join: an inner join with the 1e5-row table g1_dim on
id6 → sum v1, sum w, count), each run by rusk (through its Rust API, the
bench target benches/h2o_groupby.rs), Polars (lazy), pandas, DuckDB and Dask,
and by the rusk command (the rusk-cli column: `rusk query ... --analyze`, one
whole process per run timed from outside, start and exit included, as a user
of the command sees it; q7..q9 n/a: its flags cannot say them),
in two modes, one table each:

- e2e: end to end: read the Parquet directory, group, aggregate, the full
  result in memory;
- mem: in memory (the h2o setting, and PEERS.md's q1..q10 rows): the table
  is read into memory before the clock starts; only the groupby is timed.

Prints the median seconds of --repeat runs after one warm-up, the ratios
rusk/peer (< 1: rusk is faster), the peak RSS of each, the result row
counts, and the machine.

Why: a claim about rusk's speed is a ratio against a peer measured in the same
run on the same files (../../../shared/PEERS.md), never a figure from elsewhere.

How: from the repository root, after generating the data once,

    .venv/bin/python benches/compare/groupby.py
    .venv/bin/python benches/compare/groupby.py --peers rusk,polars --repeat 1 --modes e2e
    .venv/bin/python benches/compare/groupby.py --queries q1,q3,q10 --threads 2 --json groupby.json

The script first runs `cargo build --release --bench h2o_groupby` (a second
when up to date) and uses the executable cargo names
(target/release/deps/h2o_groupby-HASH); `--rusk PATH` uses a given one
instead and builds nothing.

The peers run the h2o solutions (duckdblabs/db-benchmark, groupby-*.py) with
plain string keys and the files' int64/float64 columns. rusk runs the same
questions as the Polars solution writes them (`polars_query` below), e.g.
q7 `groupby(["id3"]).agg([("range_v1_v2", col("v1").max() - col("v2").min())])`
and q9 `corr(col("v1"), col("v2"))` squared by a projection over the result.
rusk groups with `sort(false)` and `dropna(false)`: no peer here sorts its
groups (pandas is called with sort=False, as in the h2o solution), and all
keep null keys. q8 is `filter(v3 notnull).groupby(id6).nlargest(2, "v3")`. A
question a peer cannot run shows n/a (exit status 3 of the bench binary).

Each (peer, query, mode) is one child process that runs the query once
untimed (the warm-up: the page cache, the allocator, thread pools, lazily
loaded code) and then --repeat times, each timed inside the process around
the query alone, rusk's bench binary exactly as the Python peers; so
process start, interpreter start and imports are not counted. The peak RSS
(ru_maxrss from wait4) is that child's over all its runs (it includes the
interpreter, ~100 MB for pandas and Dask, and in the in-memory mode the
whole table). No engine caches results between runs.
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

from harness import (build_bench, built, child_runs, measure_command, in_process_args, machine_facts, run_child,
                     run_fields)

REPO = Path(__file__).resolve().parents[2]
PEERS = ["rusk", "rusk-cli", "polars", "pandas", "duckdb", "dask"]
PYTHON_PEERS = PEERS[2:]
MODES = {
    "e2e": "end to end: Parquet dir → groupby → result in memory",
    "mem": "in memory: the Parquet read is done before the clock starts",
}
ID1_6 = ["id1", "id2", "id3", "id4", "id5", "id6"]


@dataclass(frozen=True)
class Query:
    id: str  # what --queries takes
    label: str  # what the tables show
    sql: str  # DuckDB, as in the h2o solution; {x} is the source


QUERIES = [
    Query("q1", "q1 sum v1 by id1",
          "SELECT id1, sum(v1) AS v1 FROM {x} GROUP BY id1"),
    Query("q2", "q2 sum v1 by id1, id2",
          "SELECT id1, id2, sum(v1) AS v1 FROM {x} GROUP BY id1, id2"),
    Query("q3", "q3 sum v1, mean v3 by id3",
          "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM {x} GROUP BY id3"),
    Query("q4", "q4 mean v1, v2, v3 by id4",
          "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM {x} GROUP BY id4"),
    Query("q5", "q5 sum v1, v2, v3 by id6",
          "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM {x} GROUP BY id6"),
    Query("q6", "q6 median v3, std v3 by id4, id5",
          "SELECT id4, id5, quantile_cont(v3, 0.5) AS median_v3, stddev(v3) AS sd_v3 FROM {x} GROUP BY id4, id5"),
    Query("q7", "q7 max v1 − min v2 by id3",
          "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM {x} GROUP BY id3"),
    Query("q8", "q8 two largest v3 by id6",
          "SELECT id6, unnest(max(v3, 2)) AS largest2_v3 FROM {x} WHERE v3 IS NOT NULL GROUP BY id6"),
    Query("q9", "q9 corr(v1, v2)² by id2, id4",
          "SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM {x} GROUP BY id2, id4"),
    Query("q10", "q10 sum v3, count v1 by id1..id6",
          "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM {x} "
          "GROUP BY id1, id2, id3, id4, id5, id6"),
    # Issue 12's queries beyond h2o's ten: a top-k, a filtered groupby, a star join.
    Query("topk", "top 10 rows by id3 (all columns)",
          "SELECT * FROM {x} ORDER BY id3 LIMIT 10"),
    Query("filter", "v1 > 2 and id4 <= 50 → sum v3 by id2",
          "SELECT id2, sum(v3) AS v3_sum FROM {x} WHERE v1 > 2 AND id4 <= 50 GROUP BY id2"),
    Query("join", "join 1e5-row dim on id6 → sum v1, sum w, count",
          "SELECT sum(v1) AS v1_sum, sum(w) AS w_sum, count(*) AS n FROM {x} JOIN {dim} USING (id6)"),
]

# The rusk command's flags for a question (a whole process per run, the
# `rusk-cli` column), where its flags can say it: q7's expression over two
# aggregates, q8's per-group top 2 and q9's correlation they cannot.
CLI = {
    "q1": ["--groupby", "id1", "--agg", "v1:sum"],
    "q2": ["--groupby", "id1,id2", "--agg", "v1:sum"],
    "q3": ["--groupby", "id3", "--agg", "v1:sum,v3:mean"],
    "q4": ["--groupby", "id4", "--agg", "v1:mean,v2:mean,v3:mean"],
    "q5": ["--groupby", "id6", "--agg", "v1:sum,v2:sum,v3:sum"],
    "q6": ["--groupby", "id4,id5", "--agg", "v3:median,v3:std"],
    "q10": ["--groupby", "id1,id2,id3,id4,id5,id6", "--agg", "v3:sum,v1:count"],
    "topk": ["--sort", "id3", "--limit", "10"],
    "filter": ["--where", "v1 > 2 and id4 <= 50", "--groupby", "id2", "--agg", "v3:sum"],
    "join": ["--join", "{dim}", "--on", "id6", "--agg", "v1:sum,w:sum,v1:size"],
}


# --------------------------------------------------------------------------
# Children: one query by one Python peer, in its own process
# --------------------------------------------------------------------------


def polars_query(pl, x, dim, qid: str):
    c = pl.col
    match qid:
        case "q1":
            return x.group_by("id1").agg(c("v1").sum().alias("v1_sum"))
        case "q2":
            return x.group_by(["id1", "id2"]).agg(c("v1").sum().alias("v1_sum"))
        case "q3":
            return x.group_by("id3").agg(c("v1").sum().alias("v1_sum"), c("v3").mean().alias("v3_mean"))
        case "q4":
            return x.group_by("id4").agg(c("v1").mean().alias("v1_mean"), c("v2").mean().alias("v2_mean"),
                                         c("v3").mean().alias("v3_mean"))
        case "q5":
            return x.group_by("id6").agg(c("v1").sum().alias("v1_sum"), c("v2").sum().alias("v2_sum"),
                                         c("v3").sum().alias("v3_sum"))
        case "q6":
            return x.group_by(["id4", "id5"]).agg(c("v3").median().alias("v3_median"), c("v3").std().alias("v3_std"))
        case "q7":
            return x.group_by("id3").agg((c("v1").max() - c("v2").min()).alias("range_v1_v2"))
        case "q8":
            return (x.drop_nulls("v3").group_by("id6").agg(c("v3").top_k(2).alias("largest2_v3"))
                    .explode("largest2_v3"))
        case "q9":
            return x.group_by(["id2", "id4"]).agg((pl.corr("v1", "v2", method="pearson") ** 2).alias("r2"))
        case "q10":
            return x.group_by(ID1_6).agg(c("v3").sum().alias("v3"), c("v1").count().alias("count"))
        case "topk":
            return x.sort("id3").head(10)
        case "filter":
            return x.filter((c("v1") > 2) & (c("id4") <= 50)).group_by("id2").agg(c("v3").sum().alias("v3_sum"))
        case "join":
            return x.join(dim, on="id6").select(c("v1").sum().alias("v1_sum"), c("w").sum().alias("w_sum"),
                                                pl.len().alias("n"))
    raise ValueError(qid)


def pandas_query(pd, x, dim, qid: str):
    def by(keys):
        return x.groupby(keys, as_index=False, sort=False, observed=True, dropna=False)

    match qid:
        case "q1":
            return by("id1").agg({"v1": "sum"})
        case "q2":
            return by(["id1", "id2"]).agg({"v1": "sum"})
        case "q3":
            return by("id3").agg({"v1": "sum", "v3": "mean"})
        case "q4":
            return by("id4").agg({"v1": "mean", "v2": "mean", "v3": "mean"})
        case "q5":
            return by("id6").agg({"v1": "sum", "v2": "sum", "v3": "sum"})
        case "q6":
            return by(["id4", "id5"]).agg({"v3": ["median", "std"]})
        case "q7":
            return (by("id3").agg({"v1": "max", "v2": "min"})
                    .assign(range_v1_v2=lambda a: a["v1"] - a["v2"])[["id3", "range_v1_v2"]])
        case "q8":
            return (x[~x["v3"].isna()][["id6", "v3"]].sort_values("v3", ascending=False)
                    .groupby("id6", as_index=False, sort=False, observed=True, dropna=False).head(2)
                    .reset_index(drop=True))
        case "q9":
            return (x[["id2", "id4", "v1", "v2"]]
                    .groupby(["id2", "id4"], as_index=False, sort=False, observed=True, dropna=False)
                    .apply(lambda g: g["v1"].corr(g["v2"]) ** 2).rename(columns={None: "r2"}))
        case "q10":
            return by(ID1_6).agg({"v3": "sum", "v1": "size"})
        case "topk":
            return x.sort_values("id3", kind="stable").head(10)
        case "filter":
            return (x.query("v1 > 2 and id4 <= 50")
                    .groupby("id2", as_index=False, sort=False, observed=True, dropna=False).agg({"v3": "sum"}))
        case "join":
            m = x.merge(dim, on="id6")
            return pd.DataFrame({"v1_sum": [m["v1"].sum()], "w_sum": [m["w"].sum()], "n": [len(m)]})
    raise ValueError(qid)


def dask_query(pd, x, dim, qid: str):
    """A dask DataFrame expression, computed by the caller."""

    def by(keys):
        return x.groupby(keys, dropna=False, observed=True)

    match qid:
        case "q1":
            return by("id1").agg({"v1": "sum"})
        case "q2":
            return by(["id1", "id2"]).agg({"v1": "sum"})
        case "q3":
            return by("id3").agg({"v1": "sum", "v3": "mean"})
        case "q4":
            return by("id4").agg({"v1": "mean", "v2": "mean", "v3": "mean"})
        case "q5":
            return by("id6").agg({"v1": "sum", "v2": "sum", "v3": "sum"})
        case "q6":
            return by(["id4", "id5"]).agg({"v3": ["median", "std"]}, shuffle_method="tasks")
        case "q7":
            return (by("id3").agg({"v1": "max", "v2": "min"})
                    .assign(range_v1_v2=lambda a: a["v1"] - a["v2"])[["range_v1_v2"]])
        case "q8":
            return (x[~x["v3"].isna()][["id6", "v3"]].groupby("id6", dropna=False, observed=True)
                    .apply(lambda g: g.nlargest(2, columns="v3"), meta={"v3": "float64"}, include_groups=False)
                    [["v3"]])
        case "q9":
            return (x[["id2", "id4", "v1", "v2"]].groupby(["id2", "id4"], dropna=False, observed=True)
                    .apply(lambda g: pd.Series({"r2": g.corr()["v1"]["v2"] ** 2}), meta={"r2": "float64"},
                           include_groups=False))
        case "q10":
            return by(ID1_6).agg({"v3": "sum", "v1": "size"}, split_out=x.npartitions)
        case "topk":
            return x.sort_values("id3").head(10, npartitions=-1, compute=False)
        case "filter":
            return x.query("v1 > 2 and id4 <= 50").groupby("id2", dropna=False, observed=True).agg({"v3": "sum"})
        case "join":
            # A one-row frame per partition, summed: sum v1, sum w, count.
            m = x.merge(dim, on="id6")
            return m.map_partitions(
                lambda p: pd.DataFrame({"v1_sum": [p["v1"].sum()], "w_sum": [p["w"].sum()], "n": [len(p)]}),
                meta={"v1_sum": "int64", "w_sum": "float64", "n": "int64"}).sum()
    raise ValueError(qid)


def run_polars(q: Query, directory: Path, mode: str, threads: int | None):
    import polars as pl  # POLARS_MAX_THREADS is set by the parent: read at import

    glob, dim_glob = f"{directory}/*.parquet", f"{directory.parent / 'g1_dim'}/*.parquet"
    x, dim = (pl.read_parquet(glob).lazy(), pl.read_parquet(dim_glob).lazy()) if mode == "mem" else (None, None)
    started = time.perf_counter()
    if x is None:
        x, dim = pl.scan_parquet(glob), pl.scan_parquet(dim_glob)
    result = polars_query(pl, x, dim, q.id).collect()
    return time.perf_counter() - started, result.shape


def run_pandas(q: Query, directory: Path, mode: str, threads: int | None):
    import pandas as pd
    import pyarrow as pa

    if threads:
        pa.set_cpu_count(threads)  # pandas itself is single-threaded; its Parquet reader is pyarrow
    dim_dir = directory.parent / "g1_dim"
    x, dim = (pd.read_parquet(directory), pd.read_parquet(dim_dir)) if mode == "mem" else (None, None)
    started = time.perf_counter()
    if x is None:
        x, dim = pd.read_parquet(directory), pd.read_parquet(dim_dir)
    result = pandas_query(pd, x, dim, q.id)
    return time.perf_counter() - started, result.shape


def run_duckdb(q: Query, directory: Path, mode: str, threads: int | None):
    import duckdb
    import pyarrow  # noqa: F401 -- else the first Arrow fetch imports it inside the timing

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {threads}")
    source = f"read_parquet('{directory}/*.parquet')"
    dim = f"read_parquet('{directory.parent / 'g1_dim'}/*.parquet')"
    if mode == "mem":
        con.execute(f"CREATE TABLE x AS SELECT * FROM {source}")
        con.execute(f"CREATE TABLE dim AS SELECT * FROM {dim}")
        source, dim = "x", "dim"
    started = time.perf_counter()
    table = con.sql(q.sql.format(x=source, dim=dim)).to_arrow_table()
    return time.perf_counter() - started, table.shape


def run_dask(q: Query, directory: Path, mode: str, threads: int | None):
    import dask
    import dask.dataframe as dd
    import pandas as pd

    dask.config.set(scheduler="threads", **({"num_workers": threads} if threads else {}))
    if threads:
        import pyarrow as pa

        pa.set_cpu_count(threads)
    dim_dir = str(directory.parent / "g1_dim")
    x, dim = (dd.read_parquet(str(directory)).persist(), pd.read_parquet(dim_dir)) if mode == "mem" else (None, None)
    started = time.perf_counter()
    if x is None:
        # The dimension table is small: a pandas frame, which Dask broadcasts.
        x, dim = dd.read_parquet(str(directory)), pd.read_parquet(dim_dir)
    result = dask_query(pd, x, dim, q.id).compute()
    if isinstance(result, pd.Series):  # the join's sums
        result = result.to_frame().T
    return time.perf_counter() - started, (len(result), len(result.columns) + result.index.nlevels)


CHILDREN = {"polars": run_polars, "pandas": run_pandas, "duckdb": run_duckdb, "dask": run_dask}


def child_main(peer: str, query_id: str, mode: str, args: argparse.Namespace) -> None:
    query = next(q for q in QUERIES if q.id == query_id)

    def once() -> dict:
        seconds, shape = CHILDREN[peer](query, args.data / "g1_parquet", mode, args.threads)
        return {"seconds": seconds, "rows": shape[0], "columns": shape[1]}

    child_runs(once, args.warmup, args.repeat)


# --------------------------------------------------------------------------
# Parent: spawn, time, measure
# --------------------------------------------------------------------------


def command(peer: str, q: Query, mode: str, args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The child's command line and environment: WARMUP + --repeat runs in one process."""
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
    if q.id not in CLI:
        return "the command's flags cannot say q7, q8 or q9"
    flags = [f.format(dim=args.data / "g1_dim") for f in CLI[q.id]]
    threads = ["--threads", str(args.threads)] if args.threads else []
    return [str(args.cli), "query", str(args.data / "g1_parquet"), *flags, *threads, "--analyze"]


def measure(peer: str, q: Query, mode: str, args: argparse.Namespace) -> dict:
    missing = peer == "rusk" and args.rusk is None
    result = {"query": q.id, "label": q.label, "peer": peer, "mode": mode,
              "command": None, "seconds": [],
              "median_s": None, "peak_rss_mb": None, "rows": None, "error": None, "na": None}
    if peer == "rusk-cli":
        return measure_command(result, cli_command(q, mode, args), args.repeat, args.timeout)
    if not missing:
        result["command"] = shlex.join(command(peer, q, mode, args)[0])
    if missing:
        result["error"] = args.rusk_missing
        return result
    cmd, env = command(peer, q, mode, args)
    run = run_child(cmd, env, args.repeat, args.timeout, "h2o_groupby" if peer == "rusk" else None)
    if run.unsupported:
        result["na"] = run.error
        print(f"  {mode:3} {q.id:5} {peer:7} n/a: {run.error}", file=sys.stderr)
        return result
    result.update(run_fields(run))
    shown = f"{result['median_s']:.3f} s" if result["median_s"] is not None else f"error: {result['error']}"
    print(f"  {mode:3} {q.id:5} {peer:7} {shown}", file=sys.stderr)
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


def row_counts(results: list[dict]) -> dict[str, set[int]]:
    """Every result row count reported for each query, over all peers and modes."""
    rows: dict[str, set[int]] = {}
    for r in results:
        if r["rows"] is not None:
            rows.setdefault(r["query"], set()).add(r["rows"])
    return rows


def table(results: list[dict], mode: str, peers: list[str], value: str, fmt, ratios: bool) -> str:
    by = {(r["query"], r["peer"]): r for r in results if r["mode"] == mode}
    queries = [q for q in QUERIES if any(r["query"] == q.id and r["mode"] == mode for r in results)]
    counts = row_counts(results)
    unit = "s" if value == "median_s" else "MB"
    header = ["query", "rows"] + [f"{p} {unit}" for p in peers]
    others = [p for p in ("polars", "duckdb", "pandas") if ratios and "rusk" in peers and p in peers]
    header += [f"rusk/{p}" for p in others]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for q in queries:
        n = counts.get(q.id, set())
        cells = [q.label, f"{next(iter(n)):,}" if len(n) == 1 else ("disagree" if n else "–")]
        for p in peers:
            r = by[(q.id, p)]
            v = r[value]
            cells.append("n/a¹" if r["na"] else fmt(v) if v is not None else "error")
        for p in others:
            a, b = by[(q.id, "rusk")]["median_s"], by[(q.id, p)]["median_s"]
            cells.append(f"{a / b:.2f}" if a and b else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(results: list[dict], peers: list[str], modes: list[str], info: dict) -> str:
    data = info["data"]
    described = (f"{data['table']}: {data['rows']:,} rows, {data.get('files', 8)} Parquet files "
                 f"({data['parquet_bytes'] / 2**20:.0f} MiB)") if isinstance(data, dict) else data
    titles = {"e2e": "groupby end to end (Parquet dir → groupby → result in memory)",
              "mem": "groupby in memory (the table is loaded before the clock starts: the h2o setting)"}
    parts = []
    for mode in modes:
        parts += [f"## {titles[mode]}: median of {info['repeat']} runs after a warm-up, seconds", "",
                  table(results, mode, peers, "median_s", lambda v: f"{v:.3f}", ratios=True), ""]
    if "rusk" in peers:
        parts += ["rusk/peer < 1: rusk is faster. Differences under ~30% between runs are noise on a "
                  "shared machine.", ""]
    missing = list(dict.fromkeys(r["na"] for r in results if r["na"]))  # the bench binary's reasons
    if missing:
        parts += ["¹ " + "; ".join(missing) + "."]
    parts += ["rows: the result's row count, the same for every peer and mode that reported one.", ""]
    for mode in modes:
        parts += [f"## peak RSS (MB), {'end to end' if mode == 'e2e' else 'in memory (the loaded table included)'}",
                  "", table(results, mode, peers, "peak_rss_mb", lambda v: f"{v:.0f}", ratios=False), ""]
    parts += [
        "## machine", "",
        f"- {info['date']}; {info['nproc']} CPUs ({info['cpu']}); {info['platform']}",
        f"- threads: {info['threads']}; load average at the end: {info['load_average']} (1, 5, 15 min)",
        f"- data: {described}",
        "- " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
        + f" (h2o_groupby bench binary written {info['rusk_built']})",
    ]
    if info.get("rusk_rebuilt"):
        parts += ["", f"**The rusk bench binary was rewritten during this run** (it was written "
                      f"{info['rusk_rebuilt']} at the start): rusk's cells may mix two builds."]
    disagree = []
    for q, n in row_counts(results).items():
        if len(n) > 1:
            got = ", ".join(f"{r['peer']}/{r['mode']} {r['rows']}" for r in results
                            if r["query"] == q and r["rows"] is not None)
            disagree.append(f"- {q}: {got}")
    if disagree:
        parts += ["", "**Result row counts disagree between peers:**", "", *disagree]
    errors = [f"- {r['mode']} {r['query']} / {r['peer']}: {r['error']}" for r in results if r["error"]]
    if errors:
        parts += ["", "## errors", "", *errors]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO / "benches" / "data", help="default benches/data")
    parser.add_argument("--rusk", type=Path,
                        help="rusk's h2o_groupby bench binary (default: build it with "
                             "`cargo build --release --bench h2o_groupby` and use what cargo names)")
    parser.add_argument("--cli", type=Path, default=REPO / "target" / "release" / "rusk",
                        help="the rusk command for the rusk-cli column (default target/release/rusk)")
    parser.add_argument("--peers", default=",".join(PEERS), help=f"comma-separated subset of {','.join(PEERS)}")
    parser.add_argument("--queries", help="comma-separated subset of: " + ",".join(q.id for q in QUERIES))
    parser.add_argument("--modes", default="e2e,mem",
                        help="e2e (end to end), mem (table loaded before the clock), or both (default e2e,mem)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query and peer (default 3)")
    parser.add_argument("--threads", type=int, help="threads for every peer (default: each peer's own default)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is killed (default 600)")
    parser.add_argument("--json", type=Path, help="also save the raw numbers here")
    parser.add_argument("--child", nargs=3, metavar=("PEER", "QUERY", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, default=0, help=argparse.SUPPRESS)  # a child's untimed runs
    args = parser.parse_args()

    if args.child:
        child_main(*args.child, args)
        return

    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = sorted(set(peers) - set(PEERS))
    if unknown:
        parser.error(f"unknown peers {unknown}; peers are {', '.join(PEERS)}")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - set(MODES):
        parser.error(f"modes are: {', '.join(MODES)}")
    queries = QUERIES
    if args.queries:
        wanted = [w.strip() for w in args.queries.split(",")]
        queries = [q for q in QUERIES if q.id in wanted]
        if len(queries) != len(wanted):
            parser.error(f"queries are: {', '.join(q.id for q in QUERIES)}")
    for needed in ("g1_parquet", "g1_dim"):
        if not any((args.data / needed).glob("*.parquet")):
            sys.exit(f"groupby.py: no parquet files in {args.data / needed}; run benches/compare/generate.py first")

    args.rusk_missing = None
    if "rusk" in peers and args.rusk is None:
        args.rusk, args.rusk_missing = build_bench("h2o_groupby", "groupby.py")
    elif args.rusk is None:
        args.rusk_missing = "rusk not among --peers"
    started_build = built(args.rusk)
    results = [measure(peer, q, mode, args) for mode in modes for q in queries for peer in peers]
    info = machine(args)
    if started_build != info["rusk_built"]:
        info["rusk_rebuilt"] = started_build
    print(report(results, peers, modes, info))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
