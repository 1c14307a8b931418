"""Run settings, as ``dask.config.set``: ``rusk.config.set(threads=4)``,
``rusk.config.set(scheduler=client)`` for a dask.distributed cluster."""

from __future__ import annotations

from . import _rusk

_UNSET = object()
_settings: dict = {"scheduler": None}


def set(threads=_UNSET, scheduler=_UNSET) -> None:  # noqa: A001 (dask's name)
    """``threads``: rusk's worker threads in this process (``None``: one per
    core). ``scheduler``: where ``compute()`` runs by default: ``None`` or
    ``"threads"`` for rusk's own threads, or a ``distributed.Client``."""
    if threads is not _UNSET:
        _rusk.set_threads(threads)
    if scheduler is not _UNSET:
        _settings["scheduler"] = scheduler


def get(name: str):
    """The current value of a setting (``"scheduler"``)."""
    return _settings[name]
