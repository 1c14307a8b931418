"""Python functions over partitions (``map_partitions``), as Dask runs them.

A :class:`PartitionCaller` is what the engine calls with each partition (an
Arrow stream): it hands the function a pandas frame (pyarrow dtypes) and
returns the result as Arrow, cast to the schema of the function's result
on an empty frame (Dask's ``meta``), or of the ``meta`` the user gave.
Callers are registered by name, so a cluster run finds the function for
each task that names it; they travel to workers with cloudpickle, as
Dask's functions do.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pyarrow as pa

from . import _arrow

_REGISTRY: dict[str, PartitionCaller] = {}
_COUNTER = itertools.count()


class PartitionCaller:
    def __init__(self, func, args, kwargs, meta):
        self.func, self.args, self.kwargs = func, args, kwargs
        self.schema = None if meta is None else _table(meta, None).schema
        name = getattr(func, "__name__", "function")
        self.name = f"{name}-py{next(_COUNTER)}"
        _REGISTRY[self.name] = self

    def __call__(self, capsule) -> pa.Table:
        frame = _arrow.to_pandas(_arrow.table(capsule))
        table = _table(self.func(frame, *self.args, **self.kwargs), self.schema)
        if self.schema is None:
            # The first call is the engine's, on an empty partition: meta.
            self.schema = table.schema
        return table


def _table(result, schema) -> pa.Table:
    if isinstance(result, pd.Series):
        result = result.to_frame()
    if not isinstance(result, pd.DataFrame):
        raise TypeError(f"map_partitions functions must return a pandas DataFrame or Series, not {type(result).__name__}")
    return pa.Table.from_pandas(result, schema=schema, preserve_index=False)


def lookup(name: str) -> PartitionCaller:
    """The caller registered as ``name``; a function the engine itself
    holds (a Rust closure) is not here and cannot go to a cluster."""
    caller = _REGISTRY.get(name)
    if caller is None:
        raise ValueError(
            f"the task graph calls {name!r}, a function in rusk's own process (a Rust closure), "
            "which cannot travel to a cluster; compute this frame with the threaded scheduler"
        )
    return caller
