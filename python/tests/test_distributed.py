"""rusk's task graphs on a dask.distributed LocalCluster: the same results
as rusk's threads and pandas, run on the workers, surviving a killed worker."""

from __future__ import annotations

import os
import signal
import threading
import time

import pandas.testing as pdt
import pytest

distributed = pytest.importorskip("distributed")

import rusk  # noqa: E402
from conftest import SALES_PQ  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, silence_logs=40
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture
def sales():
    return rusk.read_parquet(SALES_PQ).repartition(6)


def test_groupbys_equal_pandas_and_the_threads(client, sales, pdf):
    q1 = sales.groupby("region").qty.sum()
    pdt.assert_series_equal(q1.compute(scheduler=client), pdf.groupby("region").qty.sum())
    q3 = sales.groupby(["region", "product"], split_out=3).agg(q=("qty", "sum"), p=("price", "mean"))
    expected = pdf.groupby(["region", "product"]).agg(q=("qty", "sum"), p=("price", "mean"))
    pdt.assert_frame_equal(q3.compute(scheduler=client), expected)
    pdt.assert_frame_equal(q3.compute(scheduler=client), q3.compute())


def test_shuffle_join_and_sort(client, sales, pdf):
    counts = sales.groupby("product").agg(n=("qty", "count")).reset_index()
    joined = sales.merge(counts, on="product", broadcast=False, npartitions=4).sort_values(["order_id"])
    assert "shuffle" in joined.explain()
    got = joined.compute(scheduler=client).reset_index(drop=True)
    pdt.assert_frame_equal(got, joined.compute().reset_index(drop=True))
    assert len(got) == len(pdf)
    ordered = sales.sort_values(["price", "order_id"]).compute(scheduler=client).reset_index(drop=True)
    expected = pdf.sort_values(["price", "order_id"], kind="stable").reset_index(drop=True)
    pdt.assert_frame_equal(ordered, expected)


def test_resample_on_the_cluster(client, tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(3)
    seconds = np.sort(rng.integers(0, 2 * 86_400, 300))
    readings = pd.DataFrame({"ts": pd.Timestamp("2024-03-30") + pd.to_timedelta(seconds, unit="s"),
                             "sensor": rng.choice(["a", "b"], 300), "v": rng.normal(size=300).round(3)})
    frame = rusk.from_pandas(readings, npartitions=4)
    got = frame.groupby("sensor").resample("6h", on="ts").v.mean().compute(scheduler=client)
    expected = readings.groupby("sensor").resample("6h", on="ts").v.mean()
    np.testing.assert_allclose(got.astype("float64"), expected.astype("float64"), equal_nan=True)
    assert [k for k, _ in got.index] == [k for k, _ in expected.index]


def test_a_file_gone_from_a_worker_says_paths_must_be_shared(client, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(SALES_PQ, data)
    frame = rusk.read_parquet(data)
    shutil.rmtree(data)
    with pytest.raises(FileNotFoundError, match="part-.*readable by every worker"):
        frame.qty.sum().compute(scheduler=client)


def test_the_tasks_run_on_the_workers(client, sales):
    with distributed.get_task_stream(client) as stream:
        sales.groupby("region").qty.sum().compute(scheduler=client)
    rusk_tasks = [t for t in stream.data if "rusk-" in str(t["key"])]
    assert rusk_tasks, "no rusk task in the task stream"
    workers = set(client.scheduler_info()["workers"])
    assert {t["worker"] for t in rusk_tasks} <= workers


def test_config_set_scheduler_and_python_functions_travel(client, sales, pdf):
    doubled = sales.map_partitions(lambda p: p.assign(x=p.qty * 2))
    rusk.config.set(scheduler=client)
    try:
        assert doubled.x.sum().compute() == (pdf.qty * 2).sum()
    finally:
        rusk.config.set(scheduler=None)


def test_engine_closures_are_refused_clearly(client, sales):
    with pytest.raises(ValueError, match="cannot travel to a cluster"):
        sales[["qty", "price"]].describe().compute(scheduler=client)


def test_a_bad_file_is_the_same_error_as_locally(client, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "part-0.csv").write_text("a,b\n1,2\n3,x\n")
    df = rusk.read_csv(bad, dtype={"b": "int64"})
    with pytest.raises(ValueError) as local:
        df.compute()
    with pytest.raises(ValueError) as remote:
        df.compute(scheduler=client)
    assert str(remote.value) == str(local.value)


def test_to_dask_composes_with_dask(client, sales, pdf):
    ddf = sales.groupby("region").agg(q=("qty", "sum")).to_dask()
    got = (ddf.q * 2).compute()
    pdt.assert_series_equal(got, pdf.groupby("region").qty.sum().rename("q") * 2)
    back = rusk.from_dask(sales[["order_id", "qty"]].to_dask())
    assert back.qty.sum().compute() == pdf.qty.sum()


def test_a_killed_worker_still_gives_the_right_answer(client, sales, pdf):
    def slow(p):
        time.sleep(0.3)
        return p

    frame = sales.map_partitions(slow).groupby("region").qty.sum()
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    killer = threading.Timer(0.4, os.kill, (victim, signal.SIGKILL))
    killer.start()
    try:
        got = frame.compute(scheduler=client)
    finally:
        killer.join()
    pdt.assert_series_equal(got, pdf.groupby("region").qty.sum())
    # The killed process is gone (its nanny starts a new one); the scheduler
    # may take a moment to drop it.
    deadline = time.monotonic() + 30
    while True:
        try:
            if victim not in client.run(os.getpid).values():
                break
        except Exception:  # a worker leaving during the call
            pass
        assert time.monotonic() < deadline, "the killed worker is still listed"
        time.sleep(0.2)
