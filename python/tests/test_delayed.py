"""dask's delayed with rusk frames, both ways (issue 15's Python side)."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest

dask = pytest.importorskip("dask")

import rusk  # noqa: E402
from conftest import SALES_CSV  # noqa: E402


def test_to_delayed_gives_one_dask_delayed_per_partition(df, pdf):
    parts = df[df.qty > 3].to_delayed()
    assert len(parts) == df[df.qty > 3].npartitions
    computed = dask.compute(*parts, scheduler="sync")
    got = pd.concat(computed, ignore_index=True)
    pdt.assert_frame_equal(got, pdf[pdf.qty > 3].reset_index(drop=True))


def test_from_delayed_takes_dask_delayed_lazily(pdf):
    calls = []

    @dask.delayed
    def load(path):
        calls.append(path)
        frame = pd.read_csv(path, dtype_backend="pyarrow")
        return frame[["order_id", "region", "qty"]]

    files = sorted(SALES_CSV.glob("*.csv"))
    meta = pd.DataFrame({"order_id": pd.Series([], dtype="int64[pyarrow]"),
                         "region": pd.Series([], dtype="string[pyarrow]"),
                         "qty": pd.Series([], dtype="int64[pyarrow]")})
    frame = rusk.from_delayed([load(f) for f in files], meta=meta)
    assert calls == [] and frame.npartitions == 3
    got = frame.groupby("region").qty.sum().compute()
    expected = pd.concat([pd.read_csv(f, dtype_backend="pyarrow") for f in files]).groupby("region").qty.sum()
    # pandas' own read gives the region index a large_string type; equal values.
    pdt.assert_series_equal(got, expected, check_index_type=False)
    assert len(calls) == 3


def test_a_part_of_other_columns_is_an_error_naming_it():
    good = dask.delayed(lambda: pd.DataFrame({"a": [1, 2]}))()
    bad = dask.delayed(lambda: pd.DataFrame({"b": [3]}))()
    frame = rusk.from_delayed([good, bad])
    with pytest.raises(ValueError, match="part 1"):
        frame.compute()
