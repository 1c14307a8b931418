"""rusk: a partitioned, lazy dataframe engine with dask.dataframe's API.

    import rusk
    df = rusk.read_parquet("data/")
    df[df.v1 > 2].groupby("id1").v3.mean().compute()

Frames and series are lazy; ``compute()`` runs the plan on rusk's threaded
engine (in Rust, without the GIL) and returns pandas objects with
pyarrow-backed dtypes. Data crosses between Python and the engine as Arrow,
without copying.
"""

from . import config
from ._rusk import QuerySyntaxError
from .frame import (
    DataFrame, concat, from_arrow, from_dask, from_delayed, from_pandas, merge, read_csv, read_parquet,
)
from .groupby import GroupBy, SeriesGroupBy
from .series import Scalar, Series
from .window import merge_asof

__all__ = [
    "DataFrame", "GroupBy", "QuerySyntaxError", "Scalar", "Series", "SeriesGroupBy",
    "concat", "config", "from_arrow", "from_dask", "from_delayed", "from_pandas", "merge", "merge_asof", "read_csv", "read_parquet",
]
