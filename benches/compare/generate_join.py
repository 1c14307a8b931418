"""Generate the h2o db-benchmark join tables (x, small, medium, big) as Parquet directories.

What: the four tables of the h2o db-benchmark join task ("J1_1e7_NA_0_0" by
default: x of 1e7 rows joined with small (N/1e6 = 10 rows), medium (N/1e3 =
10,000 rows) and big (N = 1e7 rows)), as in h2oai/db-benchmark's
_data/join-datagen.R with 0% NAs and random row order, written to

    benches/data/join_x/part-{0..7}.parquet       id1 id2 id3 id4 id5 id6 v1
    benches/data/join_small/part-0.parquet        id1 id4 v2
    benches/data/join_medium/part-0.parquet       id1 id2 id4 id5 v2
    benches/data/join_big/part-{0..7}.parquet     id1 id2 id3 id4 id5 id6 v2
    benches/data/join.json                        what was generated

(pyarrow defaults: snappy). Why: benches/compare/join.py times rusk and its
peers on the h2o join questions and on sorts of x.

How: from the repository root (benches/data is git-ignored),

    .venv/bin/python benches/compare/generate_join.py               # 1e7 rows, about a minute
    .venv/bin/python benches/compare/generate_join.py --rows 100000 # a quick one

Keys, as join-datagen.R makes them. For each key column, with n its number of
distinct values on the right (id1: N/1e6, id2: N/1e3, id3: N), a random
permutation of 1..1.1n is cut into three sets: "common" (0.9n keys), "left
only" (0.1n) and "right only" (0.1n). Then

- x (the left side, N rows): id1, id2, id3 each draw from common + left
  only, every key of that set at least once (id3: exactly once, since the
  set has N keys), in random order. So id3 is unique in x, and 10% of x's
  distinct keys of each column have no match on the right.
- small: id1 = common + right only of id1's keys, each exactly once.
- medium: id1 from id1's common + right only (with repeats), id2 = common +
  right only of id2's keys, each exactly once (unique).
- big: id1, id2 as medium's, id3 = common + right only of id3's keys,
  each exactly once (unique).
- id4, id5, id6 are the strings "id<id1>", "id<id2>", "id<id3>" of the same
  row (so a join on id5 matches the rows a join on id2 does).
- v1 (x) and v2 (small, medium, big) are uniform in [0, 100), rounded to 6
  decimals.

So every right table is unique in the join key of its question (small in
id1, medium in id2/id5, big in id3/id6): an inner join of x keeps the ~90%
of x's rows whose key is common, a left join keeps all N. No NAs (the
db-benchmark's default 0%). The integer columns are written as int64.

Sizes below 1e7 rows (the R script refuses them) keep the same structure
with small and medium of at least 10 rows: --rows 100000 gives small 10,
medium 100, big 100,000. Seeded: the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
FILES = 8  # x and big; small and medium are one file each


def split_xlr(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """join-datagen.R's split_xlr: a permutation of 1..n+2*(n/10) cut into
    common (n - n/10 keys), left only (n/10) and right only (n/10)."""
    side = max(1, n // 10)
    common = n - side
    key = rng.permutation(np.arange(1, n + side + 1, dtype=np.int64))
    return {"x": key[:common], "l": key[common:n], "r": key[n:]}


def sample_all(rng: np.random.Generator, keys: np.ndarray, size: int) -> np.ndarray:
    """join-datagen.R's sample_all: every key at least once, the rest drawn
    with replacement, shuffled."""
    assert len(keys) <= size
    y = np.concatenate([keys, rng.choice(keys, size - len(keys), replace=True)])
    rng.shuffle(y)
    return y


def labels(ints: np.ndarray) -> pa.Array:
    """The strings "id<i>" ("%.0f" of an integer in R), built by Arrow kernels, not per row in Python."""
    return pc.utf8_replace_slice(pc.cast(pa.array(ints), pa.string()), 0, 0, "id")


def uniform(rng: np.random.Generator, rows: int) -> np.ndarray:
    return np.round(rng.random(rows) * 100, 6)


def table(ids: dict[str, np.ndarray], value: str, v: np.ndarray) -> pa.Table:
    """Columns as join-datagen.R orders them: id1..id3 present, their strings id4..id6, then the value."""
    cols: dict[str, pa.Array] = {name: pa.array(a) for name, a in ids.items()}
    for i, s in (("id1", "id4"), ("id2", "id5"), ("id3", "id6")):
        if i in ids:
            cols[s] = labels(ids[i])
    cols[value] = pa.array(v)
    return pa.table(cols)


def write(t: pa.Table, directory: Path, files: int) -> int:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    bounds = np.linspace(0, t.num_rows, files + 1).astype(int)
    for i, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:])):
        pq.write_table(t.slice(start, stop - start), directory / f"part-{i}.parquet")
    return sum(f.stat().st_size for f in directory.iterdir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="N, rows of x and big (default 1e7)")
    parser.add_argument("--out", type=Path, default=REPO / "benches" / "data", help="default benches/data")
    parser.add_argument("--seed", type=int, default=108)
    args = parser.parse_args()
    n = args.rows
    if n < 100:
        parser.error("need --rows >= 100")
    n_small, n_medium = max(10, n // 1_000_000), max(10, n // 1_000)

    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    key1, key2, key3 = split_xlr(rng, n_small), split_xlr(rng, n_medium), split_xlr(rng, n)

    def lhs(k: dict[str, np.ndarray], size: int) -> np.ndarray:
        return sample_all(rng, np.concatenate([k["x"], k["l"]]), size)

    def rhs(k: dict[str, np.ndarray], size: int) -> np.ndarray:
        return sample_all(rng, np.concatenate([k["x"], k["r"]]), size)

    tables = {}
    tables["x"] = table({"id1": lhs(key1, n), "id2": lhs(key2, n), "id3": lhs(key3, n)}, "v1", uniform(rng, n))
    tables["small"] = table({"id1": rhs(key1, n_small)}, "v2", uniform(rng, n_small))
    tables["medium"] = table({"id1": rhs(key1, n_medium), "id2": rhs(key2, n_medium)}, "v2",
                             uniform(rng, n_medium))
    tables["big"] = table({"id1": rhs(key1, n), "id2": rhs(key2, n), "id3": rhs(key3, n)}, "v2", uniform(rng, n))

    def sci(v: int) -> str:
        return f"{v:.0e}".replace("+0", "").replace("+", "")

    meta = {"table": f"J1_{sci(n)}_NA_0_0", "rows": n, "seed": args.seed, "nas": 0, "sorted": False,
            "tables": {}}
    for name, t in tables.items():
        directory = args.out / f"join_{name}"
        files = FILES if name in ("x", "big") else 1
        size = write(t, directory, files)
        meta["tables"][name] = {"dir": directory.name, "rows": t.num_rows, "columns": t.column_names,
                                "files": files, "parquet_bytes": size}
    (args.out / "join.json").write_text(json.dumps(meta, indent=2) + "\n")
    shown = ", ".join(f"{k} {v['rows']:,} rows ({v['parquet_bytes'] / 2**20:.1f} MiB)"
                      for k, v in meta["tables"].items())
    print(f"{meta['table']}: {shown} in {args.out}/join_* ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
