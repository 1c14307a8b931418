"""rusk's errors as the Python exceptions a pandas user catches."""

from __future__ import annotations

import pytest

import rusk
from conftest import SALES_PQ


def test_unknown_column_is_a_key_error(df):
    with pytest.raises(KeyError, match="amout"):
        df["amout"]
    with pytest.raises(KeyError):
        df[["qty", "amout"]]
    with pytest.raises(AttributeError):
        df.amout


def test_missing_path_is_file_not_found():
    with pytest.raises(FileNotFoundError, match="no_such_dir"):
        rusk.read_parquet("no_such_dir")


def test_query_syntax_error_has_its_position(df):
    with pytest.raises(rusk.QuerySyntaxError) as raised:
        df.query("qty > > 3")
    assert raised.value.position == 6
    assert isinstance(raised.value, SyntaxError)


def test_bad_types_and_foreign_series_are_value_errors(df):
    with pytest.raises(ValueError, match="type error"):
        df.region > 3
    other = rusk.read_parquet(SALES_PQ)
    with pytest.raises(ValueError, match="another frame"):
        df.qty + other.qty
    with pytest.raises(ValueError):
        df["product"].str.contains("(")
    with pytest.raises(ValueError, match="ambiguous"):
        bool(df.qty > 3)


def test_bad_file_names_the_file(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "part-0.csv").write_text("a,b\n1,2\n3,x\n")
    df = rusk.read_csv(bad, dtype={"b": "int64"})
    with pytest.raises(ValueError, match="part-0.csv"):
        df.compute()
