"""DataFrame and Series against pandas: selection, filters, assign, reductions."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest

import rusk


def same(got: pd.DataFrame, expected: pd.DataFrame, **kwargs) -> None:
    pdt.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), **kwargs)


def test_structure(df, pdf):
    assert list(df.columns) == list(pdf.columns)
    assert df.dtypes.to_dict() == pdf.dtypes.to_dict()
    assert len(df) == len(pdf)
    assert "npartitions" in repr(df) and "qty" in df._repr_html_()


def test_compute_is_the_data(df, pdf):
    same(df.compute(), pdf)
    assert df.to_arrow().num_rows == len(pdf)


def test_select_filter_query(df, pdf):
    same(df[["region", "qty"]].compute(), pdf[["region", "qty"]])
    same(df[(df.qty > 10) & (df.region == "north")].compute(), pdf[(pdf.qty > 10) & (pdf.region == "north")])
    same(df.query("qty > 10 and price < 50").compute(), pdf.query("qty > 10 and price < 50"))
    same(df[df["region"].isin(["east", "west"])].compute(), pdf[pdf["region"].isin(["east", "west"])])
    same(df[~df.qty.between(3, 9)].compute(), pdf[~pdf.qty.between(3, 9)])


def test_assign_rename_drop(df, pdf):
    got = df.assign(amount=df.qty * df.price, half=lambda d: d.price / 2, one=1).compute()
    expected = pdf.assign(amount=pdf.qty * pdf.price, half=pdf.price / 2, one=1)
    same(got, expected, check_dtype=False)
    assert str(got["one"].dtype) == "int64[pyarrow]"
    same(df.rename(columns={"qty": "quantity"}).compute(), pdf.rename(columns={"qty": "quantity"}))
    same(df.drop(columns=["date", "returned"]).compute(), pdf.drop(columns=["date", "returned"]))
    copy = df.repartition(2)
    copy["total"] = copy.qty * 2
    same(copy[["total"]].compute(), (pdf.qty * 2).rename("total").to_frame())


def test_series_arithmetic_and_methods(df, pdf):
    cases = [
        (lambda d: d.qty * 10 + d.price - 1, None),
        (lambda d: 2 - d.qty, None),
        (lambda d: d.price / d.qty, None),
        (lambda d: d.qty // 3, None),
        (lambda d: -d.price, None),
        (lambda d: d.qty.fillna(0), None),
        (lambda d: d.price.isna(), "bool[pyarrow]"),
        (lambda d: d.qty.astype("float64"), "double[pyarrow]"),
        (lambda d: d["product"].str.upper(), None),
        (lambda d: d["product"].str.contains("^g", regex=True), None),
        (lambda d: d["product"].str.len(), "int64[pyarrow]"),
        (lambda d: d["product"].str.replace("g", "G"), None),
    ]
    for build, dtype in cases:
        got, expected = build(df).compute(), build(pdf)
        if dtype is not None:
            expected = expected.astype(dtype)
        pdt.assert_series_equal(got, expected, check_names=False)


def test_reductions(df, pdf):
    for name in ["sum", "mean", "min", "max", "std", "var", "count", "nunique", "median"]:
        got, expected = getattr(df.price, name)().compute(), getattr(pdf.price, name)()
        assert got == pytest.approx(expected), name
    assert df.qty.quantile(0.25).compute() == pdf.qty.quantile(0.25)
    assert df.region.max().compute() == pdf.region.max()
    got = df[["qty", "price"]].sum().compute()
    pdt.assert_series_equal(got, pdf[["qty", "price"]].sum().astype("double[pyarrow]"))
    described = df[["qty", "price"]].describe().compute()
    expected = pdf[["qty", "price"]].describe()
    pdt.assert_frame_equal(described, expected, check_dtype=False, check_names=False, check_index_type=False)


def test_value_counts_and_unique(df, pdf):
    got = df.region.value_counts().compute()
    pdt.assert_series_equal(got, pdf.region.value_counts())
    assert df.region.unique().compute().tolist() == pd.Series(pdf.region.unique()).tolist()
    assert df.region.nunique().compute() == pdf.region.nunique()


def test_head_sort_nlargest_dedup(df, pdf):
    same(df.head(7), pdf.head(7))
    same(df.sort_values(["region", "price"], ascending=[True, False]).compute(),
         pdf.sort_values(["region", "price"], ascending=[True, False], kind="stable"))
    same(df.nlargest(5, "price").compute(), pdf.nlargest(5, "price"))
    same(df.nsmallest(5, "qty").compute(), pdf.nsmallest(5, "qty", keep="first"))
    same(df.drop_duplicates(subset=["region", "product"]).compute(),
         pdf.drop_duplicates(subset=["region", "product"]))


def test_set_index(df, pdf):
    got = df.set_index("order_id").compute()
    pdt.assert_frame_equal(got, pdf.set_index("order_id").sort_index())


def test_from_pandas_from_arrow_concat(pdf):
    frame = rusk.from_pandas(pdf, npartitions=5)
    assert frame.npartitions == 5
    same(frame.compute(), pdf)
    both = rusk.concat([frame, rusk.from_arrow(frame.to_arrow(), npartitions=2)])
    same(both.compute(), pd.concat([pdf, pdf]))


def test_read_csv(pdf):
    df = rusk.read_csv(rusk_root() / "fixtures" / "sales", parse_dates=["date"])
    expected = pd.read_csv(sorted((rusk_root() / "fixtures" / "sales").glob("*.csv"))[0],
                           parse_dates=["date"], dtype_backend="pyarrow")
    got = df.compute().head(len(expected))
    same(got[["order_id", "qty", "price"]], expected[["order_id", "qty", "price"]])
    assert str(got["date"].dtype).startswith("timestamp")


def rusk_root():
    from conftest import ROOT

    return ROOT


def test_to_parquet_and_csv_round_trip(df, pdf, tmp_path):
    df.to_parquet(tmp_path / "pq")
    same(rusk.read_parquet(tmp_path / "pq").compute(), pdf)
    df[["order_id", "qty"]].to_csv(tmp_path / "csv")
    same(rusk.read_csv(tmp_path / "csv").compute(), pdf[["order_id", "qty"]])


def test_explain_and_visualize(df, tmp_path):
    text = df[df.qty > 3].groupby("region").qty.sum().explain()
    assert "Aggregate" in text and "qty > 3" in text
    path = df.groupby("region").qty.sum().visualize(str(tmp_path / "graph.dot"))
    assert open(path).read().startswith("digraph")


def test_read_parquet_columns_and_filters_are_pushed_down(pdf):
    from conftest import SALES_PQ

    df = rusk.read_parquet(SALES_PQ, columns=["order_id", "qty"], filters=[("qty", ">", 10), ("region", "in", ["north"])])
    expected = pdf[(pdf.qty > 10) & pdf.region.isin(["north"])][["order_id", "qty"]]
    same(df.compute(), expected)
    plan = df.explain()
    assert "qty > 10" in plan and "columns=[order_id, qty" in plan.replace("'", "")


def test_one_thread_gives_the_same_result(df, pdf):
    rusk.config.set(threads=1)
    try:
        got = df.groupby("product").price.sum().compute()
    finally:
        rusk.config.set(threads=None)
    pdt.assert_series_equal(got, pdf.groupby("product").price.sum())


def test_string_views_and_dictionaries_compute_to_pandas_strings():
    import pyarrow as pa

    table = pa.table({
        "view": pa.array(["a", None, "ccc"], type=pa.string_view()),
        "dict": pa.array(["x", "y", "x"]).dictionary_encode(),
        "n": pa.array([1, 2, 3]),
    })
    got = rusk.from_arrow(table, npartitions=2).groupby("view", dropna=False).n.sum().compute()
    assert got.tolist() == [1, 3, 2] and got.index[:2].tolist() == ["a", "ccc"] and pd.isna(got.index[2])
    frame = rusk.from_arrow(table).compute()
    assert frame["view"].tolist()[0] == "a" and frame["dict"].tolist() == ["x", "y", "x"]


def test_read_csv_options_as_pandas(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b,c\n1,x,1.5\n-1,y,2.5\n3,,\n4,w,5.5,extra\n5,v,6.5\n")
    got = rusk.read_csv(path, usecols=["a", "b"], na_values=["-1"], on_bad_lines="skip").compute()
    # pandas with usecols keeps a row whose extra field is outside them;
    # rusk reads the row as bad either way, as pandas does without usecols.
    expected = pd.read_csv(path, na_values=["-1"], on_bad_lines="skip", dtype_backend="pyarrow")[["a", "b"]]
    same(got, expected, check_dtype=False)
    with pytest.raises(ValueError, match="data.csv"):
        rusk.read_csv(path).compute()
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("1,x\n2,y\n")
    got = rusk.read_csv(headerless, header=None).compute()
    expected = pd.read_csv(headerless, header=None, dtype_backend="pyarrow")
    assert got.shape == expected.shape and got.iloc[:, 0].tolist() == expected.iloc[:, 0].tolist()
