"""map_partitions with Python functions, meta inferred as Dask infers it."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest



def test_a_function_over_every_partition(df, pdf):
    got = df.map_partitions(lambda p, k: p.assign(x=p.qty * k), 3).compute()
    expected = pdf.assign(x=pdf.qty * 3)
    pdt.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))


def test_meta_from_an_empty_frame_or_given(df):
    counted = df.map_partitions(lambda p: pd.DataFrame({"rows": [len(p)]}, dtype="int64[pyarrow]"))
    assert list(counted.columns) == ["rows"]
    assert counted.compute()["rows"].sum() == 600
    given = df.map_partitions(lambda p: p[["qty"]].astype("float64"), meta=pd.DataFrame({"qty": pd.Series([], dtype="float64")}))
    assert str(given.dtypes["qty"]) == "double[pyarrow]"
    assert given.compute()["qty"].sum() == df.qty.sum().compute()


def test_an_error_in_the_function_names_it(df):
    def boom(p):
        if len(p):
            raise RuntimeError("bad partition")
        return p

    with pytest.raises(ValueError, match="boom.*bad partition"):
        df.map_partitions(boom).compute()
