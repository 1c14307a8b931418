"""Order-dependent series methods (cumulative, shift, diff, rolling),
resample, and ``merge_asof``, as pandas and Dask spell them.

A window method's result is a column computed in row order over the whole
frame (each partition reaching back into the ones before it as far as the
window needs), so it is a new frame; assigning it to the frame it came from
(``df.assign(c=df.v.cumsum())``) adds the column to that frame's rows.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pyarrow as pa

from ._methods import GROUP_REDUCTIONS, ROLLING, by_name


def method(name: str, column: str, func: str, periods: int = 1, window=None, on=None,
           min_periods=None, center: bool = False, closed=None) -> SimpleNamespace:
    """A window method as the engine takes it (``rusk._rusk.Frame.assign_window``)."""
    return SimpleNamespace(name=name, column=column, func=func, periods=periods, window=window, on=on,
                           min_periods=min_periods, center=center, closed=closed)


def windowed(series, func: str, keys=(), **options):
    """``series``' window method ``func`` as a series over a new frame that
    ``assign`` adds back to the series' own frame."""
    from .series import Series

    source = series._s.frame()
    name = series.name

    def attach(frame, out_name):
        # Computed under a temporary name, then set as `out_name` (in place
        # when the frame has it, as pandas' assign), the temporaries dropped.
        result, input_column, temporaries = "__rusk_window", name, ["__rusk_window"]
        if not series._s.is_column:
            input_column = "__rusk_window_input"
            frame = frame.with_series_expr(input_column, series._s)
            temporaries.append(input_column)
        frame = frame.assign_window(list(keys), [method(result, input_column, func, **options)])
        return frame.with_series(out_name, frame.series(result)).drop(temporaries)

    return Series(attach(source, name).series(name), attach=(source, attach))


@by_name(ROLLING, "_apply")
class SeriesRolling:
    """``s.rolling(window, on=, min_periods=, center=, closed=)``: its
    methods give the rolling aggregate for every row."""

    def __init__(self, series, window, on=None, min_periods=None, center=False, closed=None,
                 keys=()):
        self._series, self._keys = series, keys
        self._options = dict(window=window, on=on, min_periods=min_periods, center=center, closed=closed)

    def _apply(self, name: str):
        return windowed(self._series, f"rolling_{name}", self._keys, **self._options)


@by_name(ROLLING, "_apply")
class GroupRolling:
    """``df.groupby(k).v.rolling(...)``: rows sorted by key (stably), the
    rolling aggregate per group, indexed by the keys (pandas adds the
    original row label as a last level; rusk has none)."""

    def __init__(self, frame, keys: list[str], column: str, window, on=None, min_periods=None,
                 center=False, closed=None):
        self._frame, self._keys, self._column = frame, keys, column
        self._options = dict(window=window, on=on, min_periods=min_periods, center=center, closed=closed)

    def _apply(self, name: str):
        from .frame import DataFrame

        temp = "__rusk_rolling"
        m = method(temp, self._column, f"rolling_{name}", **self._options)
        inner = self._frame._f.groupby_rolling(self._keys, [m]).select(self._keys + [temp])
        column = self._column
        return DataFrame(inner.rename([(temp, column)]), index=self._keys, post=lambda frame: frame[column])


@by_name(GROUP_REDUCTIONS, "agg")
class Resampler:
    """``df.resample(rule, on=...)`` or ``df.groupby(k).resample(rule,
    on=...)``: bins sorted within each group, empty bins inside a group's
    span present, results indexed by the keys and the bin."""

    _OPTIONS = ("closed", "label", "origin", "offset")

    def __init__(self, frame, keys: list[str], rule: str, on: str, selection=None, **options):
        if on is None:
            raise ValueError("rusk's resample needs on=, the datetime column (rusk has no index)")
        self._frame, self._keys, self._selection = frame, keys, selection
        self._spec = SimpleNamespace(rule=rule, on=on, **{k: options.get(k) for k in self._OPTIONS})

    def __getitem__(self, column):
        return Resampler(self._frame, self._keys, self._spec.rule, self._spec.on, column,
                         **{k: getattr(self._spec, k) for k in self._OPTIONS})

    def __getattr__(self, name):
        if not name.startswith("_") and name in self._frame._f.columns:
            return self[name]
        raise AttributeError(name)

    def _run(self, specs, post=None):
        from .frame import DataFrame

        inner = self._frame._f.resample(self._keys, self._spec, specs)
        return DataFrame(inner, index=self._keys + [self._spec.on], post=post)

    def agg(self, arg=None, **named):
        """``agg("mean")``, ``agg({"v": "sum"})`` or ``agg(v_sum=("v", "sum"))``."""
        if named:
            return self._run([(out, column, func) for out, (column, func) in named.items()])
        if isinstance(arg, dict):
            return self._run([(c, c, f) for c, f in arg.items()])
        if isinstance(arg, str):
            if isinstance(self._selection, str):
                column = self._selection
                return self._run([(column, column, arg)], post=lambda frame: frame[column])
            columns = self._selection or [
                c for c in self._frame._f.columns if c not in self._keys and c != self._spec.on
            ]
            return self._run([(c, c, arg) for c in columns])
        raise TypeError("agg takes a function name, a dict or named aggregations")

    def size(self):
        return self._run([("size", self._spec.on, "size")], post=lambda frame: frame["size"].rename(None))


def merge_asof(left, right, on=None, left_on=None, right_on=None, by=None, left_by=None, right_by=None,
               suffixes=("_x", "_y"), tolerance=None, allow_exact_matches=True, direction="backward"):
    """pandas' ``merge_asof``: each left row with the nearest right row by
    ``on`` (backward, forward or nearest), within ``by`` groups. The result
    keeps the left rows in their order; neither side needs to be sorted.
    ``tolerance`` is a number in ``on``'s units, or a ``pd.Timedelta`` for
    a datetime ``on``."""
    from .frame import DataFrame, _as_list

    left_on, right_on = (on, on) if on is not None else (left_on, right_on)
    left_by = _as_list(by if by is not None else left_by)
    right_by = _as_list(by if by is not None else right_by)
    if tolerance is not None and not isinstance(tolerance, (int, float)):
        unit = left._meta[left_on].dtype.pyarrow_dtype
        tolerance = _in_unit(pd.Timedelta(tolerance), unit)
    asof = SimpleNamespace(left_on=left_on, right_on=right_on, left_by=left_by, right_by=right_by,
                           direction=direction, tolerance=None if tolerance is None else float(tolerance),
                           allow_exact_matches=allow_exact_matches, suffixes=tuple(suffixes))
    return DataFrame(left._f.merge_asof(right._f, asof))


def _in_unit(delta: pd.Timedelta, arrow_type) -> float:
    if pa.types.is_timestamp(arrow_type):
        per = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1}[arrow_type.unit]
        return delta.value / per
    if pa.types.is_date(arrow_type):
        return delta.value / 86_400e9
    raise TypeError(f"a Timedelta tolerance needs a datetime column, not {arrow_type}")
