"""Shared fixtures: the repository's sales data, as rusk and as pandas reads it.

pandas is the oracle: each test computes the same thing with pandas
(pyarrow-backed dtypes, which keep nulls apart from NaN as rusk does) and
compares with ``pandas.testing``. Frames are tried under several partition
counts, as a result must not depend on them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet  # noqa: F401  (pa.parquet)
import pytest

import rusk

ROOT = Path(__file__).resolve().parents[2]
SALES_PQ = ROOT / "fixtures" / "sales_parquet"
SALES_CSV = ROOT / "fixtures" / "sales"


def pandas_sales() -> pd.DataFrame:
    """The sales Parquet files in name order, strings decoded, as pandas."""
    tables = [pa.parquet.read_table(f) for f in sorted(SALES_PQ.glob("*.parquet"))]
    table = pa.concat_tables(tables)
    return rusk._arrow.to_pandas(table)


@pytest.fixture(scope="session")
def pdf() -> pd.DataFrame:
    return pandas_sales()


@pytest.fixture(params=[None, 1, 4, 7], ids=lambda n: f"npartitions={n}")
def df(request) -> rusk.DataFrame:
    frame = rusk.read_parquet(SALES_PQ)
    return frame if request.param is None else frame.repartition(request.param)
