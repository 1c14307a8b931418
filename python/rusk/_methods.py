"""Methods by name: pandas spells the same reductions on frames, series,
groupbys, resamplers and rolling windows. Each class says which it has and
the one method they all go through, instead of a dozen one-line methods."""

from __future__ import annotations

REDUCTIONS = ("sum", "mean", "min", "max", "count", "std", "var", "median", "nunique")
GROUP_REDUCTIONS = REDUCTIONS + ("first", "last")
ROLLING = ("sum", "mean", "count", "min", "max", "std", "var", "median")


def by_name(names, via: str):
    """A class decorator adding, for each of ``names``, a method that
    returns ``self.<via>(name)``."""

    def add(cls):
        for name in names:
            setattr(cls, name, _method(name, via))
        return cls

    return add


def _method(name: str, via: str):
    def method(self):
        return getattr(self, via)(name)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"pandas' ``{name}()``."
    return method
