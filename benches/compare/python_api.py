"""rusk's Python package, measured: its overhead over the Rust API, and rusk
against dask.dataframe on the same dask.distributed cluster.

What (issue 14's "measured"):
- overhead: h2o q1 and q3 (benches/data/g1_parquet) and join q2 (x 1e7 ×
  medium 1e4 on id2, benches/data/join_*), end to end from the Parquet
  files, through the Rust API (the bench binaries h2o_groupby / h2o_join,
  timed in their process) and through the Python package (timed in this
  process), each after one warm-up, medians. The Python figure is given
  twice: to a pyarrow Table (`to_arrow()`: the engine plus the Arrow
  hand-over) and to pandas (`compute()`: plus pandas' conversion).
- cluster: on one LocalCluster (2 worker processes, 1 thread each), rusk
  (`compute(scheduler=client)`) against dask.dataframe for q1, q3, a
  shuffle join (x ⋈ big on id3, both 1e6 by default) and a sort by v3;
  and rusk's own threads (2) in this process for the same queries.

How, from the repository root, with the package built in release mode into
the bench environment (`VIRTUAL_ENV=$PWD/.venv maturin develop --release -m
python/Cargo.toml`) and the data generated (see README.md here):

    .venv/bin/python benches/compare/python_api.py overhead --repeat 5
    .venv/bin/python benches/compare/python_api.py cluster --data benches/data_1e6 --repeat 3

The cluster part wants g1_parquet and join_x / join_big under --data (made
by generate.py --rows N --out DIR and generate_join.py --rows N --out DIR).
Results print as markdown tables with the date and machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

import rusk  # noqa: E402


def timed(run, repeat: int) -> float:
    """The median seconds of `repeat` runs after one warm-up."""
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# -- the queries, in rusk's Python API and in dask's ---------------------------

def rusk_query(data: Path, qid: str):
    """A lazy rusk frame for `qid`, read from the files (end to end)."""
    if qid in ("q1", "q3"):
        x = rusk.read_parquet(data / "g1_parquet")
        by = x.groupby("id1" if qid == "q1" else "id3", sort=False, dropna=False)
        if qid == "q1":
            return by.agg(v1_sum=("v1", "sum"))
        return by.agg(v1_sum=("v1", "sum"), v3_mean=("v3", "mean"))
    x = rusk.read_parquet(data / "join_x")
    if qid == "join q2":
        return x.merge(rusk.read_parquet(data / "join_medium"), on="id2")
    if qid == "join big":
        return x.merge(rusk.read_parquet(data / "join_big"), on="id3")
    if qid == "sort v3":
        return rusk.read_parquet(data / "g1_parquet").sort_values("v3")
    raise ValueError(qid)


def dask_query(data: Path, qid: str):
    import dask.dataframe as dd

    if qid in ("q1", "q3"):
        x = dd.read_parquet(str(data / "g1_parquet"))
        if qid == "q1":
            return x.groupby("id1", dropna=False, observed=True).agg({"v1": "sum"})
        return x.groupby("id3", dropna=False, observed=True).agg({"v1": "sum", "v3": "mean"})
    if qid == "join big":
        x, big = dd.read_parquet(str(data / "join_x")), dd.read_parquet(str(data / "join_big"))
        return x.merge(big, on="id3", shuffle_method="tasks")
    if qid == "sort v3":
        return dd.read_parquet(str(data / "g1_parquet")).sort_values("v3")
    raise ValueError(qid)


# -- overhead -------------------------------------------------------------------

def rust_seconds(target: str, qid: str, data: Path, repeat: int, threads: int | None) -> float:
    binary, why = harness.build_bench(target, "python_api.py")
    if binary is None:
        raise SystemExit(why)
    cmd = [str(binary), "--query", qid, "--mode", "e2e", "--data", str(data), "--warmup", "1",
           "--repeat", str(repeat)]
    if threads:
        cmd += ["--threads", str(threads)]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return statistics.median(json.loads(line)["seconds"] for line in out.splitlines() if line.strip())


def overhead(args) -> None:
    if args.threads:
        rusk.config.set(threads=args.threads)
    rows = []
    for qid, target, bench_id in [("q1", "h2o_groupby", "q1"), ("q3", "h2o_groupby", "q3"),
                                  ("join q2", "h2o_join", "q2")]:
        rust = rust_seconds(target, bench_id, args.data, args.repeat, args.threads)
        arrow = timed(lambda: rusk_query(args.data, qid).to_arrow(), args.repeat)
        pandas = timed(lambda: rusk_query(args.data, qid).compute(), args.repeat)
        rows.append((qid, rust, arrow, pandas))
        print(f"{qid}: rust {rust:.3f} s, python→arrow {arrow:.3f}, python→pandas {pandas:.3f}", file=sys.stderr)
    print("| query | Rust API s | Python → Arrow s | overhead | Python → pandas s | overhead |")
    print("|---|---:|---:|---:|---:|---:|")
    for qid, rust, arrow, pandas in rows:
        print(f"| {qid} | {rust:.3f} | {arrow:.3f} | {arrow / rust - 1:+.1%} | {pandas:.3f} | {pandas / rust - 1:+.1%} |")
    print_facts()


# -- cluster --------------------------------------------------------------------

def cluster(args) -> None:
    import dask
    from distributed import Client, LocalCluster

    queries = ["q1", "q3", "join big", "sort v3"]
    rows = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc, \
            Client(lc) as client:
        for qid in queries:
            on_cluster = timed(lambda: rusk_query(args.data, qid).to_arrow(scheduler=client), args.repeat)
            with dask.config.set(scheduler=client):
                peer = timed(lambda: dask_query(args.data, qid).compute(), args.repeat)
            rows.append([qid, on_cluster, peer])
            print(f"{qid}: rusk on cluster {on_cluster:.3f} s, dask {peer:.3f} s", file=sys.stderr)
    rusk.config.set(threads=2)
    for row in rows:
        row.append(timed(lambda: rusk_query(args.data, row[0]).to_arrow(), args.repeat))
    print("| query | rusk on the cluster s | dask.dataframe on the cluster s | dask ÷ rusk | rusk threads (2) s |")
    print("|---|---:|---:|---:|---:|")
    for qid, on_cluster, peer, threads in rows:
        print(f"| {qid} | {on_cluster:.3f} | {peer:.3f} | {peer / on_cluster:.1f} | {threads:.3f} |")
    print_facts()


def print_facts() -> None:
    facts = harness.machine_facts(None, "the Python package (in this process)")
    print(f"\n{json.dumps(facts)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["overhead", "cluster"])
    parser.add_argument("--data", type=Path, default=harness.REPO / "benches" / "data")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    overhead(args) if args.part == "overhead" else cluster(args)


if __name__ == "__main__":
    main()
