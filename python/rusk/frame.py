"""``DataFrame``: a lazy rusk frame with dask.dataframe's names.

Every method builds the engine's plan; ``compute()`` runs it (threads, no
GIL) and returns pandas. rusk frames have no row index: a groupby result
remembers its keys and ``compute()`` makes them the index, as pandas does;
``set_index`` sorts and partitions by a column and makes it the index of
the computed frame.
"""

from __future__ import annotations

import os
from typing import Iterable

import pandas as pd
import pyarrow as pa

from . import _arrow, _compute, _rusk, _udf
from ._methods import REDUCTIONS, ROLLING, by_name
from .series import Series


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


@by_name(REDUCTIONS, "_reduce")
class DataFrame:
    """A lazy, partitioned frame; see the module docs."""

    def __init__(self, inner, index: list[str] | None = None, post=None):
        self._f = inner
        # Columns `compute()` makes the pandas index (a groupby's keys).
        self._index = index or []
        # What `compute()` does last to the pandas frame (squeeze a result
        # into a Series, two-level columns); kept only by `head`.
        self._post = post

    def _same_index(self, inner) -> DataFrame:
        """A frame of the same rows' kind: keeps the index columns."""
        return DataFrame(inner, self._index)

    # -- structure ------------------------------------------------------
    @property
    def columns(self) -> pd.Index:
        return pd.Index([c for c in self._f.columns if c not in self._index])

    @property
    def _meta(self) -> pd.DataFrame:
        """An empty pandas frame of the result's columns and dtypes (Dask's meta)."""
        return _arrow.empty_frame(self._f.meta())

    @property
    def dtypes(self) -> pd.Series:
        return self._meta.dtypes

    @property
    def npartitions(self) -> int:
        return self._f.npartitions

    @property
    def index(self) -> list[str]:
        """The columns the computed frame is indexed by (empty: a default index)."""
        return list(self._index)

    def __repr__(self) -> str:
        return f"rusk.DataFrame, npartitions={self.npartitions}\n{self._f!r}"

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th>{name}</th><td>{dtype}</td></tr>" for name, dtype in self._f.dtypes)
        return (
            f"<div><strong>rusk DataFrame Structure</strong> ({self.npartitions} partitions, lazy)"
            f"<table><tr><th>column</th><th>dtype</th></tr>{rows}</table></div>"
        )

    def __len__(self) -> int:
        return self._f.len()

    # -- selection ------------------------------------------------------
    def __getitem__(self, key):
        if isinstance(key, str):
            return Series(self._f.series(key))
        if isinstance(key, Series):
            return self._same_index(self._f.filter(key._s))
        if isinstance(key, (list, tuple, pd.Index)):
            return DataFrame(self._f.select(self._index + [k for k in key if k not in self._index]), self._index)
        raise TypeError(f"cannot index a rusk DataFrame with {type(key).__name__}")

    def __getattr__(self, name: str) -> Series:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._f.columns:
            return Series(self._f.series(name))
        raise AttributeError(f"rusk DataFrame has no attribute or column {name!r}")

    def __setitem__(self, name: str, value) -> None:
        self._f = self.assign(**{name: value})._f

    def query(self, expr: str) -> DataFrame:
        return self._same_index(self._f.query(expr))

    def assign(self, **columns) -> DataFrame:
        """New or replaced columns, in order, as pandas' ``assign``: each a
        Series of this frame (or a groupby ``transform`` or window method of
        one), a scalar, or a callable of the frame as assigned so far. A
        series is this frame's column as it was, even after an earlier
        assignment replaced that column, as in pandas."""
        origin = frame = self._f
        staged: list[tuple[str, str]] = []
        for i, (name, value) in enumerate(columns.items()):
            if callable(value) and not isinstance(value, Series):
                frame = _settle(frame, staged)
                staged, origin = [], frame
                value = value(DataFrame(frame, self._index))
            if not isinstance(value, Series):
                frame = _settle(frame, staged)
                staged, origin = [], frame
                frame = frame.with_scalar(name, value)
                continue
            # Staged under a temporary name: a later series of `origin`
            # still reads the columns as they were.
            temp = f"__rusk_assign_{i}"
            if value._attach is not None:
                source, attach = value._attach
                if not source.same_plan(origin):
                    raise ValueError(
                        f"{name!r}: a groupby transform or window method can be assigned only to the frame "
                        "it was computed from"
                    )
                frame = attach(frame, temp)
            else:
                if not value._s.frame().same_plan(origin):
                    raise ValueError(
                        f"{name!r}: series {value.name!r} belongs to another frame; rusk has no index to align "
                        "rows on, so assign takes series of this frame (join the frames first)"
                    )
                frame = frame.with_series_expr(temp, value._s)
            staged.append((name, temp))
        return self._same_index(_settle(frame, staged))

    def rename(self, columns: dict[str, str]) -> DataFrame:
        index = [columns.get(c, c) for c in self._index]
        return DataFrame(self._f.rename(list(columns.items())), index)

    def drop(self, columns) -> DataFrame:
        return self._same_index(self._f.drop(_as_list(columns)))

    def repartition(self, npartitions: int) -> DataFrame:
        return self._same_index(self._f.repartition(npartitions))

    # -- groupby and reductions -------------------------------------------
    def groupby(self, by, sort: bool = True, dropna: bool = True, split_out=None, split_every=None):
        from .groupby import GroupBy

        return GroupBy(self, _as_list(by), sort=sort, dropna=dropna, split_out=split_out, split_every=split_every)

    def resample(self, rule: str, on: str | None = None, **options):
        """pandas' ``resample(rule, on=...)`` (``closed``, ``label``,
        ``origin``, ``offset``); ``on`` is required, as rusk has no index."""
        from .window import Resampler

        return Resampler(self, [], rule, on, **options)

    def rolling(self, window, on=None, min_periods=None, center=False, closed=None):
        """Rolling windows over every column but ``on``; take a column
        (``df.rolling(3).v``) for a series, or a method for all of them."""
        return _FrameRolling(self, window, on, min_periods, center, closed)

    def _reduce(self, func: str, q: float | None = None) -> DataFrame:
        return DataFrame(self._f.reduce(func, q), post=_row)

    def quantile(self, q: float = 0.5):
        return self._reduce("quantile", q)

    def describe(self) -> DataFrame:
        return DataFrame(self._f.reduce("describe"), index=["statistic"])

    # -- joins, sorting, rows -------------------------------------------
    def merge(self, right: DataFrame, how: str = "inner", on=None, left_on=None, right_on=None,
              suffixes=("_x", "_y"), broadcast=None, npartitions=None) -> DataFrame:
        """pandas' merge; ``broadcast`` as Dask's (``None``: rusk broadcasts
        a side small enough, ``True``: broadcast, ``False``: hash-shuffle
        both sides, into ``npartitions`` buckets when given)."""
        if on is not None:
            left_on = right_on = _as_list(on)
        elif left_on is None and right_on is None and how != "cross":
            left_on = right_on = [c for c in self._f.columns if c in right._f.columns]
        return DataFrame(self._f.merge(right._f, how, _as_list(left_on), _as_list(right_on), tuple(suffixes),
                                       broadcast, npartitions))

    def sort_values(self, by, ascending=True, na_position: str = "last") -> DataFrame:
        by = _as_list(by)
        ascending = [ascending] * len(by) if isinstance(ascending, bool) else list(ascending)
        if na_position not in ("first", "last"):
            raise ValueError(f"na_position must be 'first' or 'last', not {na_position!r}")
        return self._same_index(self._f.sort_values(by, ascending, na_position == "first"))

    def set_index(self, column: str, sorted: bool = False) -> DataFrame:
        return DataFrame(self._f.set_index(column, sorted), [column])

    def reset_index(self) -> DataFrame:
        inner = self._f.reset_index() if self._f.index() is not None else self._f
        return DataFrame(inner)

    def drop_duplicates(self, subset=None, keep="first") -> DataFrame:
        subset = None if subset is None else _as_list(subset)
        return self._same_index(self._f.drop_duplicates(subset, keep))

    def nlargest(self, n: int, columns: str) -> DataFrame:
        return self._same_index(self._f.nlargest(n, columns, True))

    def nsmallest(self, n: int, columns: str) -> DataFrame:
        return self._same_index(self._f.nlargest(n, columns, False))

    def head(self, n: int = 5) -> pd.DataFrame:
        """The first ``n`` rows, computed (as Dask's ``head``)."""
        return DataFrame(self._f.limit(n), self._index, self._post).compute()

    # -- running and writing ----------------------------------------------
    def map_partitions(self, func, *args, meta=None, **kwargs) -> DataFrame:
        """``func(partition, *args, **kwargs)`` on every partition (a pandas
        frame with pyarrow dtypes), returning a pandas frame or series. The
        result's columns and dtypes are those of ``func`` on an empty frame,
        as Dask infers ``meta``, or those of ``meta`` (a pandas frame)."""
        caller = _udf.PartitionCaller(func, args, kwargs, meta)
        return DataFrame(self._f.map_partitions(caller.name, caller))

    def to_arrow(self, scheduler=None) -> pa.Table:
        """Runs the plan; the result as a pyarrow Table (index columns included)."""
        return _compute.run(self._f, scheduler)

    def compute(self, scheduler=None):
        """Runs the plan (on rusk's threads, or on a ``distributed.Client``
        given as ``scheduler`` or set with ``rusk.config.set``); a pandas
        DataFrame with pyarrow-backed dtypes (indexed by the groupby keys or
        ``set_index`` column, if any), or a pandas Series for a reduction or
        ``value_counts``."""
        frame = _arrow.to_pandas(self.to_arrow(scheduler))
        if self._index:
            frame = frame.set_index(self._index)
        return frame if self._post is None else self._post(frame)

    def to_dask(self):
        """A ``dask.dataframe.DataFrame`` whose partitions are this frame's
        output partitions, computed by rusk's tasks in the same dask graph."""
        import dask
        import dask.dataframe as dd
        from dask.delayed import Delayed

        from . import distributed

        graph, outputs = distributed.dask_graph(self._f)
        index = list(self._index)
        parts = [dask.delayed(_pandas_part)(Delayed(key, graph), index) for key in outputs]
        meta = self._meta.set_index(index) if index else self._meta
        return dd.from_delayed(parts, meta=meta, verify_meta=False)

    def to_delayed(self) -> list:
        """One dask ``Delayed`` per output partition (computing to a pandas
        frame), so dask's own ``delayed`` composes with rusk frames."""
        import dask
        from dask.delayed import Delayed

        from . import distributed

        graph, outputs = distributed.dask_graph(self._f)
        return [dask.delayed(_pandas_part)(Delayed(key, graph), list(self._index)) for key in outputs]

    def to_parquet(self, path: str) -> None:
        self._f.to_parquet(str(path))

    def to_csv(self, path: str) -> None:
        self._f.to_csv(str(path))

    def explain(self) -> str:
        return self._f.explain()

    def explain_analyze(self) -> str:
        return self._f.explain_analyze()

    def visualize(self, filename: str = "rusk.dot") -> str:
        """Writes the task graph as Graphviz DOT to ``filename``; with an
        ``.svg`` or ``.png`` name, renders it with Graphviz' ``dot``, which
        must then be installed (as Dask's ``visualize``)."""
        from . import _graphviz

        return _graphviz.write(self._f, str(filename))


class _FrameRolling:
    def __init__(self, df: DataFrame, window, on, min_periods, center, closed):
        self._df = df
        self._options = dict(window=window, on=on, min_periods=min_periods, center=center, closed=closed)

    def __getitem__(self, column: str):
        return self._df[column].rolling(**self._options)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._df._f.columns:
            return self[name]
        if name in ROLLING:
            return lambda: self._all(name)
        raise AttributeError(name)

    def _all(self, func: str) -> DataFrame:
        from .window import method

        on = self._options["on"]
        numeric = [c for c, t in self._df._f.dtypes if c != on and t.startswith(("int", "uint", "float"))]
        temps = [f"__rusk_rolling_{c}" for c in numeric]
        methods = [method(t, c, f"rolling_{func}", **self._options) for t, c in zip(temps, numeric)]
        inner = self._df._f.assign_window([], methods)
        return DataFrame(_settle(inner, list(zip(numeric, temps))).select(([on] if on else []) + numeric))


def _settle(frame, staged: list[tuple[str, str]]):
    """Each staged temporary column set as its name (in place when the
    frame has it), then the temporaries dropped."""
    for name, temp in staged:
        frame = frame.with_series(name, frame.series(temp))
    return frame.drop([temp for _, temp in staged]) if staged else frame


def _pandas_part(table: pa.Table, index: list[str]) -> pd.DataFrame:
    frame = _arrow.to_pandas(table)
    return frame.set_index(index) if index else frame


def _row(frame: pd.DataFrame) -> pd.Series:
    """A whole-frame reduction's one row, as pandas' Series by column name."""
    row = frame.iloc[0]
    row.name = None
    return row


# -- constructors --------------------------------------------------------------

def _absolute(path) -> str:
    """An absolute path: a cluster's workers reopen the files by it,
    whatever their working directory."""
    return os.path.abspath(os.fspath(path))


def read_csv(path, sep: str | None = None, dtype: dict | None = None, parse_dates=None,
             date_format: str | None = None, blocksize: int | None = None, header="infer", usecols=None,
             na_values=None, keep_default_na: bool = True, on_bad_lines: str = "error") -> DataFrame:
    """A lazy frame of a CSV file, directory or glob (one partition per file,
    or per ``blocksize`` bytes), read with pandas' rules. ``header``:
    ``"infer"`` or ``0`` (the first line names the columns) or ``None``
    (numbered columns); ``usecols`` selects columns (read only those);
    ``on_bad_lines``: ``"error"`` (the default: an error naming the file
    and line) or ``"skip"`` (drop the row, as pandas does; a row with more
    fields than the header is bad whatever ``usecols`` says, where pandas
    keeps it when the extra field is outside ``usecols``)."""
    if header not in ("infer", 0, None):
        raise ValueError("rusk's read_csv takes header='infer', 0 or None")
    dtype_pairs = None if dtype is None else [(k, str(v)) for k, v in dtype.items()]
    parse_dates = None if parse_dates is None else _as_list(parse_dates)
    na_values = None if na_values is None else [str(v) for v in _as_list(na_values)]
    frame = DataFrame(_rusk.read_csv(_absolute(path), sep, dtype_pairs, parse_dates, date_format, blocksize,
                                     header is not None, na_values, keep_default_na, on_bad_lines))
    return frame if usecols is None else frame[_as_list(usecols)]


def read_parquet(path, columns=None, filters=None) -> DataFrame:
    """A lazy frame of a Parquet file, directory or glob. ``columns`` and
    ``filters`` (``[("col", op, value), ...]``, all must hold) are pushed
    into the scan as any selection and filter are."""
    df = DataFrame(_rusk.read_parquet(_absolute(path)))
    for column, op, value in filters or []:
        series = df[column]
        mask = {
            "==": series.__eq__, "=": series.__eq__, "!=": series.__ne__, "<": series.__lt__,
            "<=": series.__le__, ">": series.__gt__, ">=": series.__ge__,
            "in": series.isin, "not in": lambda v: ~series.isin(v),
        }.get(op)
        if mask is None:
            raise ValueError(f"unknown filter operator {op!r}")
        df = df[mask(value)]
    if columns is not None:
        df = df[_as_list(columns)]
    return df


def from_arrow(data, npartitions: int = 1) -> DataFrame:
    """A frame of Arrow data (a pyarrow Table or RecordBatchReader, or any
    object with ``__arrow_c_stream__``), split into ``npartitions``."""
    table = data if isinstance(data, pa.Table) else pa.table(data)
    return DataFrame(_rusk.from_arrow(_arrow.aligned(table), npartitions))


def from_pandas(df: pd.DataFrame, npartitions: int = 1) -> DataFrame:
    """A frame of a pandas DataFrame (its index is dropped, as rusk has
    none: ``reset_index()`` it first to keep it), in ``npartitions``."""
    return from_arrow(pa.Table.from_pandas(df, preserve_index=False), npartitions)


def from_dask(ddf, npartitions: int | None = None) -> DataFrame:
    """A rusk frame of a dask.dataframe's data. The dask frame is computed
    into this process first (its index dropped), so this is for data that
    fits in memory; read the files with rusk instead where it does not."""
    return from_pandas(ddf.compute(), npartitions=npartitions or ddf.npartitions)


def from_delayed(parts, meta: pd.DataFrame | None = None) -> DataFrame:
    """A frame whose partitions are dask ``Delayed`` objects that compute
    to pandas frames (or Arrow tables), computed lazily, each when its
    partition's task runs (with dask's synchronous scheduler). The columns
    are ``meta``'s, or the first part's (computed now, as Dask does without
    ``meta``); a part of other columns is an error naming it."""
    parts = list(parts)
    if meta is None:
        if not parts:
            raise ValueError("from_delayed needs at least one part")
        meta = _as_arrow(parts[0].compute(scheduler="sync")).slice(0, 0)
    schema_source = _as_arrow(meta)
    callers = [_DelayedPart(part, schema_source.schema) for part in parts]
    return DataFrame(_rusk.from_parts(callers, schema_source))


class _DelayedPart:
    """Computes one dask Delayed into Arrow of the frame's schema."""

    def __init__(self, part, schema: pa.Schema):
        self.part, self.schema = part, schema

    def __call__(self) -> pa.Table:
        table = _as_arrow(self.part.compute(scheduler="sync"))
        return table.cast(self.schema) if table.schema.names == self.schema.names else table


def _as_arrow(data) -> pa.Table:
    if isinstance(data, pd.DataFrame):
        return pa.Table.from_pandas(data, preserve_index=False)
    return data if isinstance(data, pa.Table) else pa.table(data)


def concat(frames: Iterable[DataFrame]) -> DataFrame:
    """The frames one after the other (their partitions, in order)."""
    return DataFrame(_rusk.concat([f._f for f in frames]))


def merge(left: DataFrame, right: DataFrame, **kwargs) -> DataFrame:
    return left.merge(right, **kwargs)
