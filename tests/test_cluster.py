"""`geo build --scheduler`: extraction on a Dask cluster (LocalClusters of 2 worker processes on loopback) writes
the bytes a serial build writes; a worker killed mid-build costs its tasks a rerun, never a claim; each worker
loads the gazetteer once."""
from __future__ import annotations

import os
import random
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo import cluster
from geo.cli import main
from geo.pipeline import build, extractor_version, gazetteer_version
from geo.places.gazetteer import load

from conftest import write_article

distributed = pytest.importorskip("distributed")

SHAPES = [
    "The Russian Defence Ministry said on {day} that its troops had captured the village of {p}.",
    "Ukrainian forces retook {p} on {day}, Ukraine's General Staff said.",
    "Fighting continued near {p} on {day}, the Institute for the Study of War reported.",
    "Residents of {p} were evacuated as shelling hit the area.",
]
PLACES = ["Plekhovo", "Guyevo", "Sudzha", "Sverdlikovo", "Malaya Loknya", "Kazachya Loknya", "Martynovka", "Nikolayevo-Darino"]
DAYS = ["Monday", "Tuesday", "Friday", "Saturday"]


def _corpus(folder: Path, n: int) -> Path:
    rnd = random.Random(n)
    for i in range(n):
        text = " ".join(rnd.choice(SHAPES).format(p=rnd.choice(PLACES), day=rnd.choice(DAYS)) for _ in range(6))
        write_article(folder, f"c{i:04d}", text + f" Report {i}.", published=f"2025-03-{1 + i % 27:02d}",
                      url=f"https://example.org/{i}")
    return folder


def _exports(out: Path) -> dict[str, str]:
    runner = CliRunner()
    texts = {}
    for fmt in ("jsonl", "csv", "geojson"):
        result = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", fmt])
        assert result.exit_code == 0, result.output
        texts[fmt] = result.output
    return texts


@pytest.fixture(scope="module")
def local_cluster():
    """A LocalCluster of 2 worker processes (each under a nanny, which restarts a killed one)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  scheduler_port=0, dashboard_address=None) as lc:
        yield lc


@contextmanager
def _hook(monkeypatch, on_result):
    """Calls `on_result(n)` after the n-th article's result reaches the build (through its progress bar)."""
    calls = [0]

    @contextmanager
    def progress(total, enabled):
        def advance():
            calls[0] += 1
            on_result(calls[0])
        yield advance

    monkeypatch.setattr("geo.pipeline._progress", progress)
    yield calls


def test_cluster_build_is_byte_identical_to_a_serial_one(tmp_path):
    """`--scheduler local:2` (the CLI starting its own LocalCluster of 2 workers) against a serial build of the
    same folder: the store, the map and every export are the same bytes."""
    articles = _corpus(tmp_path / "articles", 90)
    serial, dask = tmp_path / "serial", tmp_path / "dask"
    build(articles, serial, workers=1)
    result = CliRunner().invoke(main, ["build", "--articles", str(articles), "--out", str(dask), "--scheduler", "local:2"])
    assert result.exit_code == 0, result.output
    assert "claims: +" in result.output
    assert (dask / "claims.sqlite").read_bytes() == (serial / "claims.sqlite").read_bytes()
    assert (dask / "index.html").read_bytes() == (serial / "index.html").read_bytes()
    assert _exports(dask) == _exports(serial)


def test_each_worker_loads_the_gazetteer_once(tmp_path, local_cluster, monkeypatch):
    articles = _corpus(tmp_path / "articles", 60)
    monkeypatch.setattr(cluster, "BATCH", 4)  # 15 tasks for 2 workers
    seen: dict = {}

    def look(n):
        if n == 60:  # the last result: the build's plugin is still registered
            with distributed.Client(local_cluster.scheduler_address) as client:
                seen.update(client.run(lambda dask_worker: [(p.loads, p.tasks) for name, p in dask_worker.plugins.items()
                                                            if name.startswith("geo-gazetteer-")]))

    with _hook(monkeypatch, look):
        build(articles, tmp_path / "out", scheduler=local_cluster.scheduler_address)
    assert len(seen) == 2
    assert all(len(plugins) == 1 and plugins[0][0] == 1 for plugins in seen.values()), seen
    assert sum(plugins[0][1] for plugins in seen.values()) == 15, seen  # every task ran on a loaded worker
    with distributed.Client(local_cluster.scheduler_address) as client:  # the build unloaded its plugin
        assert all(not any(n.startswith("geo-gazetteer-") for n in names) for names in
                   client.run(lambda dask_worker: list(dask_worker.plugins)).values())


def test_a_worker_killed_mid_build_costs_a_retry_not_a_claim(tmp_path, local_cluster, monkeypatch):
    articles = _corpus(tmp_path / "articles", 120)
    build(articles, tmp_path / "serial", workers=1)
    monkeypatch.setattr(cluster, "BATCH", 4)
    killed: list[int] = []

    def kill(n):
        """At the first result, kill a worker that holds some of the batches the build has yet to take back.
        The build has submitted more batches than it has taken (`window`) and holds their futures, so each
        of them is either running or finished and kept in a worker's memory until the build takes it: there
        is always such a worker, however fast the workers are (a worker that only ran tasks would do: its
        results are lost with it and computed again)."""
        if killed:
            return
        pending = {k for keys in [*monitor.processing().values(), *monitor.has_what().values()] for k in keys
                   if k.startswith("geo-gazetteer-") and not k.endswith("-batch-0")}
        holders = sorted(w for w, keys in [*monitor.processing().items(), *monitor.has_what().items()]
                         if pending & set(keys))
        assert holders, "the build had no batch in flight"
        killed.append(monitor.run(os.getpid, workers=[holders[0]])[holders[0]])
        os.kill(killed[0], signal.SIGKILL)

    with distributed.Client(local_cluster.scheduler_address) as monitor, _hook(monkeypatch, kill):
        report = build(articles, tmp_path / "dask", scheduler=local_cluster.scheduler_address)
        assert killed
        with pytest.raises(ProcessLookupError):
            os.kill(killed[0], 0)
        assert len(report.changes.read) == 120
        assert (tmp_path / "dask" / "claims.sqlite").read_bytes() == (tmp_path / "serial" / "claims.sqlite").read_bytes()
        assert _exports(tmp_path / "dask") == _exports(tmp_path / "serial")
        monitor.wait_for_workers(2, timeout=120)  # the nanny brought the worker back, for the tests after this one


def test_a_worker_with_other_rules_or_data_refuses_work(tmp_path):
    """A worker whose package or gazetteer differ from the build's would store other claims: its plugin says so
    and its tasks fail, so the build fails and the store stays as it was."""
    gaz = load()
    right = f"{extractor_version()}+{gazetteer_version(gaz)}"

    class Worker:
        local_directory = str(tmp_path)
        address = "tcp://127.0.0.1:1"

    ok = cluster.GazetteerPlugin(right, str(gaz.directory), None)
    ok.setup(Worker())
    assert ok.error is None and ok.gazetteer is not None and ok.loads == 1
    ok.teardown(Worker())
    wrong = cluster.GazetteerPlugin("0000+0000", str(gaz.directory), None)
    wrong.setup(Worker())
    assert wrong.error and "install the same geo-claims" in wrong.error


def test_the_scheduler_option_is_checked():
    assert cluster.check_scheduler("local:2") == "local:2"
    assert cluster.check_scheduler("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    for bad in ("local:0", "local:", "localhost:8786", "8786", "tcp://"):
        with pytest.raises(ValueError):
            cluster.check_scheduler(bad)
    result = CliRunner().invoke(main, ["build", "--articles", ".", "--out", "x", "--scheduler", "local:zero"])
    assert result.exit_code == 2 and "expected local:N" in result.output
