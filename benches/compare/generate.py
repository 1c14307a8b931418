"""Generate the h2o db-benchmark groupby table G1 as CSV and Parquet directories.

What: the table of the h2o db-benchmark groupby task ("G1_1e7_1e2" by default:
1e7 rows, 100 groups), written as 8 CSV files to benches/data/g1_csv/ and as
the same rows in 8 Parquet files (pyarrow defaults: snappy) to
benches/data/g1_parquet/, plus benches/data/g1.json describing what was made,
and a dimension table for the star join of groupby.py's `join` question:
benches/data/g1_dim/part-0.parquet, one row per id6 value (1..N/K, shuffled)
with a float64 weight w.

Why: benches/compare/scan.py times rusk and its peers on these files; the
table is the one the peers' published figures use (../../../shared/PEERS.md,
from h2oai/db-benchmark's groupby-datagen.R), so numbers can be compared.

How: from the repository root (benches/data is git-ignored),

    .venv/bin/python benches/compare/generate.py               # 1e7 rows, ~490 MB CSV
    .venv/bin/python benches/compare/generate.py --rows 100000 # a quick one

Columns, as in groupby-datagen.R with N rows and K groups (all uniform draws):
id1, id2 strings id001..idK; id3 strings id0000000001..id(N/K); id4, id5
int64 in 1..K; id6 int64 in 1..N/K; v1 int64 in 1..5; v2 int64 in 1..15; v3
float64 uniform in [0, 100) rounded to 6 decimals. Seeded: the same
arguments give the same files.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
FILES = 8


def labels(fmt: str, count: int) -> pa.Array:
    """The `count` string labels fmt % 1 .. fmt % count."""
    return pa.array([fmt % i for i in range(1, count + 1)], pa.string())


def g1_part(rng: np.random.Generator, rows: int, groups: int, id_labels: pa.Array, id3_labels: pa.Array) -> pa.Table:
    """`rows` rows of G1. Strings are `take`s from the label arrays, so no
    Python string is built per row."""
    big = len(id3_labels)  # N/K

    def draw(high: int) -> np.ndarray:  # uniform in 1..high
        return rng.integers(1, high + 1, rows, dtype=np.int64)

    return pa.table({
        "id1": id_labels.take(draw(groups) - 1),
        "id2": id_labels.take(draw(groups) - 1),
        "id3": id3_labels.take(draw(big) - 1),
        "id4": draw(groups),
        "id5": draw(groups),
        "id6": draw(big),
        "v1": draw(5),
        "v2": draw(15),
        "v3": np.round(rng.random(rows) * 100, 6),
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="N, rows in all (default 1e7)")
    parser.add_argument("--groups", type=int, default=100, help="K, groups of id1, id2, id4, id5 (default 100)")
    parser.add_argument("--out", type=Path, default=REPO / "benches" / "data", help="default benches/data")
    parser.add_argument("--seed", type=int, default=108)
    args = parser.parse_args()
    if args.rows < FILES or args.groups < 1:
        parser.error(f"need --rows >= {FILES} and --groups >= 1")

    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    id_labels = labels("id%03d", args.groups)
    id3_labels = labels("id%010d", max(1, args.rows // args.groups))
    csv_dir, parquet_dir = args.out / "g1_csv", args.out / "g1_parquet"
    for directory in (csv_dir, parquet_dir):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)

    # The h2o files are unquoted; no value here needs quotes.
    csv_options = pacsv.WriteOptions(quoting_style="none", quoting_header="none")
    bounds = np.linspace(0, args.rows, FILES + 1).astype(int)
    for i, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:])):
        part = g1_part(rng, stop - start, args.groups, id_labels, id3_labels)
        pacsv.write_csv(part, csv_dir / f"part-{i}.csv", csv_options)
        pq.write_table(part, parquet_dir / f"part-{i}.parquet")

    # Drawn from a generator of its own, so that G1's bytes do not depend on it.
    dim_rng = np.random.default_rng(args.seed + 1)
    dim_rows = max(1, args.rows // args.groups)
    dim_dir = args.out / "g1_dim"
    shutil.rmtree(dim_dir, ignore_errors=True)
    dim_dir.mkdir(parents=True)
    dim = pa.table({
        "id6": pa.array(dim_rng.permutation(np.arange(1, dim_rows + 1, dtype=np.int64))),
        "w": pa.array(np.round(dim_rng.random(dim_rows), 6)),
    })
    pq.write_table(dim, dim_dir / "part-0.parquet")

    def size(directory: Path) -> int:
        return sum(f.stat().st_size for f in directory.iterdir())

    meta = {
        "table": f"G1_{args.rows:.0e}_{args.groups:.0e}".replace("+0", "").replace("+", ""),
        "rows": args.rows, "groups": args.groups, "seed": args.seed, "files": FILES,
        "csv_bytes": size(csv_dir), "parquet_bytes": size(parquet_dir),
    }
    (args.out / "g1.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{meta['table']}: {args.rows:,} rows in {FILES} files; "
          f"CSV {meta['csv_bytes'] / 2**20:.1f} MiB in {csv_dir}, "
          f"Parquet {meta['parquet_bytes'] / 2**20:.1f} MiB in {parquet_dir} "
          f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
