"""``Series``: one lazy column of a frame, as dask.dataframe's ``df["v"]``.

Operators, comparisons, ``.str``, ``.dt`` and the element-wise methods build
on the engine's expression; reductions return a lazy :class:`Scalar`;
``compute()`` gives a pandas Series.

rusk has no row index to align on, so two series combine only when they
come from the same frame (anything else raises ``ValueError``; join the
frames first), and computed series carry a default index.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import _arrow, _compute
from ._methods import REDUCTIONS, by_name
from . import window as _window



def _operand(other: Any) -> Any:
    return other._s if isinstance(other, Series) else other


@by_name(REDUCTIONS, "_reduce")
class Series:
    """A lazy column; see the module docs."""

    def __init__(self, inner, attach=None):
        self._s = inner
        # For a series computed over a new frame from another (a groupby
        # transform, a window method): (the source frame, a function of a
        # frame and a name that adds the series to it as that column), so
        # `source.assign(x=series)` works as in pandas.
        self._attach = attach

    # -- structure ------------------------------------------------------
    @property
    def name(self) -> str:
        return self._s.name

    @property
    def dtype(self) -> str:
        return self._s.dtype

    @property
    def npartitions(self) -> int:
        return self._s.npartitions

    def rename(self, name: str) -> Series:
        return Series(self._s.rename(name))

    def to_frame(self):
        from .frame import DataFrame

        return DataFrame(self._s.to_frame())

    def __repr__(self) -> str:
        return f"rusk.Series<{self.name}, dtype={self.dtype}, npartitions={self.npartitions}>"

    def __bool__(self):
        raise ValueError(
            "the truth value of a lazy rusk Series is ambiguous: use & | ~ for logic, "
            "or compute() it first"
        )

    # -- operators ------------------------------------------------------
    def _op(self, op: str, other: Any) -> Series:
        return Series(self._s.binary(op, _operand(other)))

    def __add__(self, other):
        return self._op("+", other)

    def __radd__(self, other):
        return self._op("+", other)

    def __sub__(self, other):
        return self._op("-", other)

    def __rsub__(self, other):
        return Series(self._s.negate().binary("+", _operand(other)))

    def __mul__(self, other):
        return self._op("*", other)

    def __rmul__(self, other):
        return self._op("*", other)

    def __truediv__(self, other):
        return self._op("/", other)

    def __floordiv__(self, other):
        return self._op("//", other)

    def __mod__(self, other):
        return self._op("%", other)

    def __and__(self, other):
        return self._op("&", other)

    def __rand__(self, other):
        return self._op("&", other)

    def __or__(self, other):
        return self._op("|", other)

    def __ror__(self, other):
        return self._op("|", other)

    def __eq__(self, other):  # type: ignore[override]
        return self._op("==", other)

    def __ne__(self, other):  # type: ignore[override]
        return self._op("!=", other)

    def __lt__(self, other):
        return self._op("<", other)

    def __le__(self, other):
        return self._op("<=", other)

    def __gt__(self, other):
        return self._op(">", other)

    def __ge__(self, other):
        return self._op(">=", other)

    def __invert__(self):
        return Series(self._s.invert())

    def __neg__(self):
        return Series(self._s.negate())

    __hash__ = None  # type: ignore[assignment]  (== builds a series, as in pandas)

    def __getitem__(self, mask: Series) -> Series:
        if not isinstance(mask, Series):
            raise TypeError("a rusk Series is indexed by a boolean Series of the same frame")
        return Series(self._s.filter(mask._s))

    # -- element-wise methods ---------------------------------------------
    def isin(self, values) -> Series:
        return Series(self._s.isin(list(values)))

    def between(self, left, right, inclusive: str = "both") -> Series:
        if inclusive != "both":
            raise ValueError("rusk's between is inclusive='both' only; compare with < and > instead")
        return Series(self._s.between(_operand(left), _operand(right)))

    def isnull(self) -> Series:
        return Series(self._s.isnull())

    isna = isnull

    def notnull(self) -> Series:
        return Series(self._s.notnull())

    notna = notnull

    def fillna(self, value) -> Series:
        return Series(self._s.fillna(_operand(value)))

    def astype(self, dtype) -> Series:
        return Series(self._s.astype(str(dtype)))

    @property
    def str(self) -> StrAccessor:
        return StrAccessor(self)

    @property
    def dt(self) -> DtAccessor:
        return DtAccessor(self)

    # -- order-dependent methods -------------------------------------------
    def cumsum(self) -> Series:
        return _window.windowed(self, "cumsum")

    def cumprod(self) -> Series:
        return _window.windowed(self, "cumprod")

    def cummax(self) -> Series:
        return _window.windowed(self, "cummax")

    def cummin(self) -> Series:
        return _window.windowed(self, "cummin")

    def shift(self, periods: int = 1) -> Series:
        return _window.windowed(self, "shift", periods=periods)

    def diff(self, periods: int = 1) -> Series:
        return _window.windowed(self, "diff", periods=periods)

    def pct_change(self, periods: int = 1) -> Series:
        return _window.windowed(self, "pct_change", periods=periods)

    def rolling(self, window, on=None, min_periods=None, center=False, closed=None):
        """Windows of ``window`` rows, or of a time span (``"2h"``) over the
        datetime column ``on`` of the same frame (rusk has no index)."""
        return _window.SeriesRolling(self, window, on, min_periods, center, closed)

    # -- reductions -----------------------------------------------------
    def _reduce(self, func: str, q: float | None = None) -> Scalar:
        return Scalar(Series(self._s.reduce(func, q)))

    def quantile(self, q: float = 0.5) -> Scalar:
        return self._reduce("quantile", q)

    def unique(self) -> Series:
        """The distinct values in first-appearance order, null once (a lazy
        Series, as Dask's; pandas returns an array)."""
        return Series(self._s.unique())

    def value_counts(self):
        """Counts per value, most frequent first (a lazy result whose
        ``compute()`` is a pandas Series indexed by the values, named ``count``)."""
        from .frame import DataFrame

        return DataFrame(self._s.value_counts(), index=[self.name], post=lambda frame: frame["count"])

    # -- running --------------------------------------------------------
    def compute(self, scheduler=None) -> pd.Series:
        """Runs the plan (see ``DataFrame.compute`` for ``scheduler``); the
        values as a pandas Series (pyarrow dtypes)."""
        frame = _arrow.to_pandas(_compute.run(self._s.to_frame(), scheduler))
        return frame[frame.columns[0]]

    def head(self, n: int = 5) -> pd.Series:
        return self.to_frame().head(n)[self.name]

    def explain(self) -> str:
        return self.to_frame().explain()


class Scalar:
    """A lazy reduction, as Dask's ``Scalar``: ``compute()`` gives the value."""

    def __init__(self, series: Series):
        self._series = series

    def compute(self, scheduler=None):
        values = self._series.compute(scheduler)
        value = values.iloc[0]
        return None if pd.isna(value) else value

    def explain(self) -> str:
        return self._series.explain()

    def __repr__(self) -> str:
        return f"rusk.Scalar<{self._series.name}, dtype={self._series.dtype}>"


class StrAccessor:
    """pandas' ``.str`` methods; each returns a lazy Series."""

    def __init__(self, series: Series):
        self._series = series

    def _call(self, method: str, **kwargs) -> Series:
        return Series(self._series._s.str_method(method, kwargs))

    def len(self):
        return self._call("len")

    def lower(self):
        return self._call("lower")

    def upper(self):
        return self._call("upper")

    def strip(self, to_strip=None):
        return self._call("strip", to_strip=to_strip)

    def lstrip(self, to_strip=None):
        return self._call("lstrip", to_strip=to_strip)

    def rstrip(self, to_strip=None):
        return self._call("rstrip", to_strip=to_strip)

    def startswith(self, pat, na=None):
        return self._call("startswith", pat=pat, na=na)

    def endswith(self, pat, na=None):
        return self._call("endswith", pat=pat, na=na)

    def contains(self, pat, case=True, regex=True, na=None):
        return self._call("contains", pat=pat, case=case, regex=regex, na=na)

    def match(self, pat, case=True, na=None):
        return self._call("match", pat=pat, case=case, na=na)

    def fullmatch(self, pat, case=True, na=None):
        return self._call("fullmatch", pat=pat, case=case, na=na)

    def replace(self, pat, repl, n=-1, case=True, regex=False):
        return self._call("replace", pat=pat, repl=repl, n=n, case=case, regex=regex)

    def slice(self, start=None, stop=None, step=None):
        return self._call("slice", start=start, stop=stop, step=step)

    def get(self, i):
        return self._call("get", i=i)

    def zfill(self, width):
        return self._call("zfill", width=width)


class DtAccessor:
    """pandas' ``.dt`` properties and methods; each returns a lazy Series."""

    _FIELDS = (
        "year", "month", "day", "hour", "minute", "second", "microsecond", "nanosecond",
        "dayofweek", "day_of_week", "weekday", "dayofyear", "day_of_year", "quarter",
        "days_in_month", "daysinmonth", "is_month_start", "is_month_end", "date", "time",
    )

    def __init__(self, series: Series):
        self._series = series

    def _call(self, method: str, **kwargs) -> Series:
        return Series(self._series._s.dt_method(method, kwargs))

    def __getattr__(self, name: str) -> Series:
        if name in DtAccessor._FIELDS:
            return self._call(name)
        raise AttributeError(f"rusk's .dt has no {name!r}")

    def floor(self, freq):
        return self._call("floor", freq=freq)

    def ceil(self, freq):
        return self._call("ceil", freq=freq)

    def round(self, freq):
        return self._call("round", freq=freq)

    def strftime(self, date_format):
        return self._call("strftime", date_format=date_format)

    def tz_convert(self, tz):
        return self._call("tz_convert", tz=tz)
