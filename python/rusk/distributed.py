"""Running rusk's task graphs on dask.distributed.

rusk plans, optimizes and lowers a frame exactly as for its own threads;
the task graph (plain data: each task's op as JSON) becomes a dask graph
with one key per rusk task, ``(run_task, task_json, label, functions, *inputs)``.
A worker runs the task through the engine's own ``run_task`` with its
inputs as Arrow tables; a shuffle's sending task returns one table per
bucket and each receiver takes its bucket through a ``getitem`` key. Scans
reopen their files on the worker, so paths must be readable by every
worker. Python functions (``map_partitions``) travel with cloudpickle;
functions the engine holds as Rust closures cannot travel, and a graph
calling one is refused with a clear error.
"""

from __future__ import annotations

import itertools
import operator
import re

import pyarrow as pa

from . import _arrow, _rusk, _udf

_TOKENS = itertools.count()


def run_task(task_json: str, label: str, functions: dict, *inputs: pa.Table):
    """What a worker runs for one rusk task: Arrow tables in, a table out
    (or a list of them, one per bucket)."""
    try:
        out = _rusk.run_task(task_json, label, functions, [_arrow.aligned(t) for t in inputs])
    except FileNotFoundError as err:
        raise FileNotFoundError(
            f"{err} (on a dask worker: workers reopen a frame's files by path, so every path must be "
            "readable by every worker, as on a shared file system)"
        ) from err
    if isinstance(out, list):
        return [_arrow.table(c) for c in out]
    return _arrow.table(out)


def _slug(stage: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", stage).strip("-")[:40] or "task"


def dask_graph(inner) -> tuple[dict, list]:
    """The dask graph of a rusk frame's plan and the keys of its output
    partitions, in order."""
    tasks, outputs = inner.task_graph()
    token = f"{next(_TOKENS)}-{id(inner):x}"
    keys = [(f"rusk-{_slug(t.stage[1])}-{t.stage[0]}-{token}", i) for i, t in enumerate(tasks)]
    graph: dict = {}
    for i, task in enumerate(tasks):
        functions = {name: _udf.lookup(name) for name in task.functions}
        if task.bucket is None:
            args = [keys[j] for j in task.inputs]
        else:
            args = []
            for j in task.inputs:
                bucket_key = (f"rusk-bucket-{token}", j, task.bucket)
                graph[bucket_key] = (operator.getitem, keys[j], task.bucket)
                args.append(bucket_key)
        label = f"{task.stage[1]}[{task.partition}]"
        graph[keys[i]] = (run_task, task.json, label, functions, *args)
    return graph, [keys[o] for o in outputs]


def compute_on(client, inner) -> pa.Table:
    """Runs a frame's plan on a dask.distributed ``client``; its result."""
    graph, outputs = dask_graph(inner)
    parts = client.get(graph, outputs, sync=True)
    schema = _arrow.table(inner.meta()).schema
    return pa.concat_tables([p.cast(schema) if p.schema != schema else p for p in parts])
