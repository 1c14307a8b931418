"""``df.groupby(by)``: dask.dataframe's groupby over rusk's aggregate.

Results are lazy frames whose ``compute()`` is indexed by the keys, sorted
by them (``sort=True``, the default), as pandas gives them. A function by
name (``"sum"``) over the whole groupby takes the columns it applies to, as
pandas' ``numeric_only=True`` (rusk's ``agg_all``).
"""

from __future__ import annotations

import pandas as pd

from ._methods import GROUP_REDUCTIONS, by_name
from .frame import DataFrame, _as_list
from .series import Series


@by_name(GROUP_REDUCTIONS, "agg")
class GroupBy:
    """A grouping of a frame's rows; aggregate it with ``agg`` or a
    reduction method, or take a column (``gb.v`` or ``gb["v"]``)."""

    def __init__(self, df: DataFrame, by: list[str], sort=True, dropna=True, split_out=None,
                 split_every=None, selection: list[str] | None = None):
        self._df, self._by, self._selection = df, by, selection
        self._options = dict(sort=sort, dropna=dropna, split_out=split_out, split_every=split_every)

    def __getitem__(self, key):
        if isinstance(key, str):
            return SeriesGroupBy(self, key)
        return GroupBy(self._df, self._by, selection=_as_list(key), **self._options)

    def __getattr__(self, name: str):
        if not name.startswith("_") and name in self._df._f.columns:
            return SeriesGroupBy(self, name)
        raise AttributeError(name)

    def _frame(self, specs, post=None) -> DataFrame:
        inner = self._df._f.groupby_agg(self._by, specs, **self._options)
        return DataFrame(inner, index=list(self._by), post=post)

    def _columns(self) -> list[str]:
        return self._selection or [c for c in self._df._f.columns if c not in self._by]

    def agg(self, arg=None, **named) -> DataFrame:
        """``agg("sum")``, ``agg(["sum", "mean"])``, ``agg({"v": "sum",
        "w": ["min", "max"]})`` or ``agg(v_sum=("v", "sum"))``; a list gives
        pandas' two-level columns ``(column, function)``."""
        if named:
            return self._frame([(out, column, func) for out, (column, func) in named.items()])
        if isinstance(arg, str):
            if self._selection is None:
                inner = self._df._f.groupby_agg(self._by, arg, **self._options)
                return DataFrame(inner, index=list(self._by))
            return self._frame([(c, c, arg) for c in self._selection])
        if isinstance(arg, dict):
            pairs = [(c, f) for c, funcs in arg.items() for f in _as_list(funcs)]
            nested = any(isinstance(funcs, (list, tuple)) for funcs in arg.values())
        elif isinstance(arg, (list, tuple)):
            pairs, nested = [(c, f) for c in self._columns() for f in arg], True
        else:
            raise TypeError("agg takes a function name, a list of them, a dict or named aggregations")
        if not nested:
            return self._frame([(c, c, f) for c, f in pairs])
        specs = [(f"{c}\x1f{f}", c, f) for c, f in pairs]
        return self._frame(specs, post=_two_level_columns)

    aggregate = agg

    def resample(self, rule: str, on: str | None = None, **options):
        """pandas' ``groupby(keys).resample(rule, on=...)``."""
        from .window import Resampler

        return Resampler(self._df, list(self._by), rule, on, **options)

    def size(self) -> DataFrame:
        """Rows per group: a pandas Series on ``compute()`` (unnamed, as pandas')."""
        return self._frame([("size", self._by[0], "size")], post=_unnamed("size"))


@by_name(GROUP_REDUCTIONS, "agg")
class SeriesGroupBy:
    """One column of a groupby: its results compute to pandas Series."""

    def __init__(self, groupby: GroupBy, column: str):
        self._gb, self._column = groupby, column

    def agg(self, func) -> DataFrame:
        if isinstance(func, (list, tuple)):
            return self._gb._frame([(f, self._column, f) for f in func])
        return self._gb._frame([(self._column, self._column, func)], post=_squeeze(self._column))

    aggregate = agg

    def size(self):
        return self._gb.size()

    def nlargest(self, n: int = 5) -> DataFrame:
        """The ``n`` largest values per group, largest first, indexed by the
        keys (pandas adds the original row index as a second level; rusk has none)."""
        return self._top(n, True)

    def nsmallest(self, n: int = 5) -> DataFrame:
        return self._top(n, False)

    def _top(self, n: int, largest: bool) -> DataFrame:
        gb = self._gb
        inner = gb._df._f.groupby_nlargest(gb._by, n, self._column, largest)
        inner = inner.select(gb._by + [self._column])
        return DataFrame(inner, index=list(gb._by), post=_squeeze(self._column))

    def transform(self, func: str) -> Series:
        """Each row's group aggregate, row-aligned with the frame: assign it
        to the frame it came from (``df.assign(m=df.groupby("k").v.transform("mean"))``)."""
        gb, column = self._gb, self._column
        source = gb._df._f

        def attach(frame, name):
            return frame.groupby_transform(gb._by, [(name, column, func)])

        return Series(attach(source, column).series(column), attach=(source, attach))

    def _window(self, func: str, **options) -> Series:
        from .window import windowed

        return windowed(self._gb._df[self._column], func, self._gb._by, **options)

    def cumsum(self) -> Series:
        """Running totals within each group, aligned with the frame's rows."""
        return self._window("cumsum")

    def cumprod(self) -> Series:
        return self._window("cumprod")

    def cummax(self) -> Series:
        return self._window("cummax")

    def cummin(self) -> Series:
        return self._window("cummin")

    def shift(self, periods: int = 1) -> Series:
        return self._window("shift", periods=periods)

    def diff(self, periods: int = 1) -> Series:
        return self._window("diff", periods=periods)

    def rolling(self, window, on=None, min_periods=None, center=False, closed=None):
        """Per-group rolling windows (see ``rusk.window.GroupRolling``)."""
        from .window import GroupRolling

        return GroupRolling(self._gb._df, list(self._gb._by), self._column, window, on, min_periods, center,
                            closed)


def _two_level_columns(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = pd.MultiIndex.from_tuples([tuple(c.split("\x1f")) for c in frame.columns])
    return frame


def _squeeze(column: str):
    return lambda frame: frame[column]


def _unnamed(column: str):
    def post(frame: pd.DataFrame) -> pd.Series:
        series = frame[column]
        series.name = None
        return series

    return post
