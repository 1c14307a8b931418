"""Where a plan runs: rusk's threads, or a dask.distributed cluster."""

from __future__ import annotations

import pyarrow as pa

from . import _arrow, config


def run(inner, scheduler=None) -> pa.Table:
    """Runs a frame's plan with ``scheduler`` (or ``rusk.config``'s); the
    result as one pyarrow Table."""
    if scheduler is None:
        scheduler = config.get("scheduler")
    if scheduler is None or scheduler in ("threads", "threading"):
        return _arrow.table(inner.compute())
    if hasattr(scheduler, "get") and hasattr(scheduler, "gather"):
        from . import distributed

        return distributed.compute_on(scheduler, inner)
    raise ValueError(f"unknown scheduler {scheduler!r}: use 'threads' or a distributed.Client")
