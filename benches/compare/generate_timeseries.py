"""Generate the sensor table of the time-series benchmark as a Parquet directory.

What: N readings (1e7 by default) of 100 sensors over 30 days, written as 8
Parquet files (pyarrow defaults: snappy) in time order to

    benches/data/ts_parquet/part-{0..7}.parquet    ts sensor v tag
    benches/data/ts.json                           what was generated

Why: benches/compare/timeseries.py times rusk and its peers on four
time-series and text queries over this table: a 1 h resample per sensor, a
1 h rolling mean per sensor, a regex filter on `tag`, and a cumsum in file
order.

How: from the repository root (benches/data is git-ignored),

    .venv/bin/python benches/compare/generate_timeseries.py                 # 1e7 rows, ~20 s
    .venv/bin/python benches/compare/generate_timeseries.py --rows 1000000  # a quick one

Columns:

- ts, timestamp[us] without a time zone: a reading every 30 days / N (259.2
  ms at 1e7), from 2026-01-01 00:00. So ts increases across the whole table
  (and within each sensor), as a time-window rolling needs in every engine.
  The spacing never divides 1 hour (the script checks), so no two readings
  are exactly 1 h apart: pandas' time window (t - 1h, t] and DuckDB's RANGE
  frame [t - 1h, t] hold the same rows.
- sensor, string "s000".."s099": each block of 100 consecutive readings is a
  random permutation of the 100 sensors, so sensors interleave and each
  reads once per 100 readings (every 26 s at 1e7, 43 min at 1e5): no
  sensor has an empty hour inside its span down to 1e5 rows, so a resample
  has the same rows in every engine (pandas fills empty bins, Polars and
  DuckDB do not).
- v, float64: 20 + 5 sin(day phase) + a sensor offset + noise, rounded to 3
  decimals; 1% nulls, at random.
- tag, string: a device tag of two letters from a-c and four digits
  ("ab0429"), one of 20,000 drawn per row; the benchmark's regex
  '^ab.*[79]$' matches about 2.2% of rows.

Seeded: the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
FILES = 8
SENSORS = 100
TAGS = 20_000
NULLS = 0.01  # the share of v that is null
SPAN_US = 30 * 24 * 3600 * 1_000_000  # 30 days
HOUR_US = 3600 * 1_000_000
START = np.datetime64("2026-01-01T00:00:00", "us")


def spacing(rows: int) -> int:
    """Microseconds between readings: 30 days / rows, moved off any divisor of an hour."""
    step = max(1, SPAN_US // rows)
    while HOUR_US % step == 0:
        step += 1
    return step


def sensors(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Sensor numbers, each block of SENSORS readings a random permutation of them."""
    blocks = -(-rows // SENSORS)
    return rng.permuted(np.tile(np.arange(SENSORS, dtype=np.int32), (blocks, 1)), axis=1).ravel()[:rows]


def tag_labels(rng: np.random.Generator) -> pa.Array:
    """TAGS distinct tags: two letters from a-c, four digits."""
    pairs = [a + b for a in "abc" for b in "abc"]
    codes = rng.choice(len(pairs) * 10_000, TAGS, replace=False)
    return pa.array([f"{pairs[c // 10_000]}{c % 10_000:04d}" for c in codes], pa.string())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="N, readings in all (default 1e7)")
    parser.add_argument("--out", type=Path, default=REPO / "benches" / "data", help="default benches/data")
    parser.add_argument("--seed", type=int, default=108)
    args = parser.parse_args()
    if args.rows < FILES * SENSORS:
        parser.error(f"need --rows >= {FILES * SENSORS}")

    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    n = args.rows
    step = spacing(n)
    ts = START + np.arange(n, dtype=np.int64) * np.timedelta64(step, "us")
    sensor = sensors(rng, n)
    sensor_labels = pa.array([f"s{i:03d}" for i in range(SENSORS)], pa.string())
    offsets = rng.normal(0, 3, SENSORS)
    day = (np.arange(n, dtype=np.int64) * step % (24 * HOUR_US)) / (24 * HOUR_US)
    v = np.round(20 + 5 * np.sin(2 * np.pi * day) + offsets[sensor] + rng.normal(0, 1, n), 3)
    tags = tag_labels(rng)
    table = pa.table({
        "ts": pa.array(ts, pa.timestamp("us")),
        "sensor": sensor_labels.take(sensor),
        "v": pa.array(v, mask=rng.random(n) < NULLS),
        "tag": tags.take(rng.integers(0, TAGS, n)),
    })

    directory = args.out / "ts_parquet"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    bounds = np.linspace(0, n, FILES + 1).astype(int)
    for i, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
        pq.write_table(table.slice(lo, hi - lo), directory / f"part-{i}.parquet")
    size = sum(f.stat().st_size for f in directory.iterdir())

    meta = {
        "table": f"sensors_{n:.0e}".replace("+0", "").replace("+", ""), "rows": n, "sensors": SENSORS,
        "tags": TAGS, "seed": args.seed, "files": FILES, "spacing_us": step, "span_days": 30,
        "nulls_v": int(table["v"].null_count), "parquet_bytes": size,
    }
    (args.out / "ts.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{meta['table']}: {n:,} rows in {FILES} files, {size / 2**20:.1f} MiB in {directory} "
          f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
