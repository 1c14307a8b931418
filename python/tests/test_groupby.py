"""groupby against pandas: results indexed by the keys, sorted by them."""

from __future__ import annotations

import pandas.testing as pdt


def test_named_and_dict_aggregations(df, pdf):
    got = df.groupby("region").agg(q=("qty", "sum"), p=("price", "mean")).compute()
    pdt.assert_frame_equal(got, pdf.groupby("region").agg(q=("qty", "sum"), p=("price", "mean")))
    got = df.groupby(["region", "product"]).agg({"qty": "max", "price": "min"}).compute()
    pdt.assert_frame_equal(got, pdf.groupby(["region", "product"]).agg({"qty": "max", "price": "min"}))


def test_list_aggregations_give_two_level_columns(df, pdf):
    got = df.groupby("region").agg({"qty": ["sum", "count"], "price": ["max"]}).compute()
    expected = pdf.groupby("region").agg({"qty": ["sum", "count"], "price": ["max"]})
    pdt.assert_frame_equal(got, expected)


def test_column_of_a_groupby(df, pdf):
    for name in ["sum", "mean", "min", "max", "count", "std", "nunique", "median"]:
        got = getattr(df.groupby("region").price, name)().compute()
        expected = getattr(pdf.groupby("region").price, name)()
        pdt.assert_series_equal(got, expected, check_dtype=name not in ("count", "nunique"))
    pdt.assert_series_equal(df.groupby("region")["qty"].mean().compute(), pdf.groupby("region")["qty"].mean())


def test_size_and_whole_groupby_reductions(df, pdf):
    pdt.assert_series_equal(df.groupby("region").size().compute(), pdf.groupby("region").size(),
                            check_dtype=False)
    sub = ["region", "qty", "price"]
    pdt.assert_frame_equal(df[sub].groupby("region").sum().compute(), pdf[sub].groupby("region").sum())


def test_split_out_and_split_every_do_not_change_the_result(df, pdf):
    expected = pdf.groupby("product").qty.sum()
    for split_out, split_every in [(1, 2), (3, 2), (4, 8)]:
        got = df.groupby("product", split_out=split_out, split_every=split_every).qty.sum().compute()
        pdt.assert_series_equal(got, expected)


def test_dropna_false_keeps_the_null_key(df, pdf):
    got = df.groupby("region", dropna=False).qty.sum().compute()
    expected = pdf.groupby("region", dropna=False).qty.sum()
    pdt.assert_series_equal(got, expected)


def test_transform_assigns_row_aligned(df, pdf):
    got = df.assign(m=df.groupby("region").price.transform("mean")).compute()
    expected = pdf.assign(m=pdf.groupby("region").price.transform("mean"))
    pdt.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))


def test_nlargest_per_group(df, pdf):
    got = df.groupby("region").price.nlargest(2).compute()
    expected = pdf.groupby("region").price.nlargest(2).droplevel(1)
    pdt.assert_series_equal(got, expected)
