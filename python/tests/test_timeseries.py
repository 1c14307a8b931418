"""Window methods, rolling, resample, merge_asof and .dt against pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import rusk


@pytest.fixture(scope="module")
def readings() -> pd.DataFrame:
    """500 readings of 3 sensors over 3 days, in time order (numpy dtypes,
    which pandas' resample and time windows take)."""
    rng = np.random.default_rng(7)
    n = 500
    seconds = np.sort(rng.integers(0, 3 * 86_400, n))
    return pd.DataFrame({
        "ts": pd.Timestamp("2024-03-09") + pd.to_timedelta(seconds, unit="s"),
        "sensor": rng.choice(["a", "b", "c"], n),
        "v": rng.normal(size=n).round(3),
    })


@pytest.fixture(params=[1, 3, 8], ids=lambda n: f"npartitions={n}")
def rdf(request, readings) -> rusk.DataFrame:
    return rusk.from_pandas(readings, npartitions=request.param)


def values(series: pd.Series) -> pd.Series:
    """A series compared by value: float64 with NaN for missing, default index."""
    return series.astype("float64").reset_index(drop=True)


def test_cumulative_shift_diff_match_pandas(df, pdf):
    for name, args in [("cumsum", ()), ("cummax", ()), ("cummin", ()), ("shift", (2,)), ("diff", (1,)),
                       ("pct_change", (1,))]:
        got = getattr(df.price, name)(*args).compute()
        expected = getattr(pdf.price, name)(*args)
        pdt.assert_series_equal(values(got), values(expected), check_names=False, obj=name)


def test_assign_reads_the_columns_as_they_were(df, pdf):
    got = df.assign(c=df.qty.cumsum(), qty=df.qty.diff(), b=df.qty + 1, s=(df.qty * 2).shift(1)).compute()
    expected = pdf.assign(c=pdf.qty.cumsum(), qty=pdf.qty.diff(), b=pdf.qty + 1, s=(pdf.qty * 2).shift(1))
    pdt.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)
    assert list(got.columns) == list(expected.columns)


def test_per_group_windows_stay_aligned_with_the_rows(df, pdf):
    for name in ["cumsum", "shift", "diff"]:
        got = getattr(df.groupby("region").qty, name)().compute()
        expected = getattr(pdf.groupby("region").qty, name)()
        pdt.assert_series_equal(values(got), values(expected), check_names=False, obj=name)


def test_row_rolling(df, pdf):
    for name in ["sum", "mean", "min", "max", "std", "count"]:
        got = getattr(df.price.rolling(4, min_periods=2), name)().compute()
        expected = getattr(pdf.price.rolling(4, min_periods=2), name)()
        pdt.assert_series_equal(values(got), values(expected), check_names=False, obj=name)
    got = df.price.rolling(3, center=True).mean().compute()
    pdt.assert_series_equal(values(got), values(pdf.price.rolling(3, center=True).mean()), check_names=False)


def test_time_rolling_on_a_column(rdf, readings):
    got = rdf.v.rolling("2h", on="ts").mean().compute()
    expected = readings.rolling("2h", on="ts").v.mean()
    pdt.assert_series_equal(values(got), values(expected), check_names=False)
    frame = rdf.rolling("90min", on="ts").sum().compute()
    pdt.assert_series_equal(values(frame.v), values(readings.rolling("90min", on="ts").v.sum()), check_names=False)


def test_group_rolling_is_sorted_by_key(rdf, readings):
    got = rdf.groupby("sensor").v.rolling(3).mean().compute()
    expected = readings.groupby("sensor").v.rolling(3).mean().droplevel(1)
    pdt.assert_series_equal(values(got), values(expected), check_names=False)
    assert got.index.tolist() == expected.index.tolist()


def test_resample(rdf, readings):
    got = rdf.resample("6h", on="ts").v.mean().compute()
    expected = readings.resample("6h", on="ts").v.mean()
    pdt.assert_series_equal(values(got), values(expected), check_names=False)
    assert list(got.index.astype("datetime64[ns]")) == list(expected.index)
    got = rdf.resample("1D", on="ts").agg(total=("v", "sum"), n=("v", "count")).compute()
    expected = readings.resample("1D", on="ts").agg(total=("v", "sum"), n=("v", "count"))
    pdt.assert_frame_equal(got.reset_index(drop=True).astype("float64"),
                           expected.reset_index(drop=True).astype("float64"))


def test_groupby_resample(rdf, readings):
    got = rdf.groupby("sensor").resample("12h", on="ts").v.sum().compute()
    expected = readings.groupby("sensor").resample("12h", on="ts").v.sum()
    pdt.assert_series_equal(values(got), values(expected), check_names=False)
    assert [k for k, _ in got.index] == [k for k, _ in expected.index]


def test_merge_asof(readings):
    quotes = readings.iloc[::5][["ts", "sensor", "v"]].rename(columns={"v": "quote"})
    trades = readings.iloc[2::7][["ts", "sensor", "v"]]
    got = rusk.merge_asof(rusk.from_pandas(trades, npartitions=3), rusk.from_pandas(quotes, npartitions=2),
                          on="ts", by="sensor", tolerance=pd.Timedelta("2h")).compute()
    expected = pd.merge_asof(trades, quotes, on="ts", by="sensor", tolerance=pd.Timedelta("2h"))
    pdt.assert_series_equal(values(got.quote), values(expected.quote), check_names=False)
    assert len(got) == len(trades)


def test_dt_accessor(rdf, readings):
    pdt.assert_series_equal(values(rdf.ts.dt.hour.compute()), values(readings.ts.dt.hour), check_names=False)
    floored = rdf.ts.dt.floor("h").compute().astype("datetime64[ns]").reset_index(drop=True)
    pdt.assert_series_equal(floored, readings.ts.dt.floor("h").astype("datetime64[ns]"), check_names=False)
    days = rdf[rdf.ts.dt.day_of_week == 5].compute()
    assert len(days) == (readings.ts.dt.day_of_week == 5).sum()
