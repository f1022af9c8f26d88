"""Extraction on a Dask cluster (dask.distributed): `geo build --scheduler tcp://HOST:8786` or `local:N`.

The build process stays the one writer of the store: it sends batches of articles (with their text, so workers
need no view of the articles folder) to the cluster and takes the results back in input order, so the store,
the map and the exports are the bytes a serial build writes.

* Each worker loads the gazetteer once, in `GazetteerPlugin.setup`, and checks that its package and gazetteer
  are the client's (`version`): a worker with other rules or other data would store other claims, so its
  tasks fail instead.
* A worker lost mid-build (killed, out of memory, its machine gone) costs its tasks a rerun elsewhere: the
  scheduler reschedules them (up to `distributed.scheduler.allowed-failures` times, then the build fails and
  the store stays as it was). A task is a pure function of its batch, and every result is checked against
  the batch it answers, so a rerun can neither lose nor change a claim.
* At most `window` batches are in flight, so memory on the client stays bounded whatever the corpus size.
"""
from __future__ import annotations

import logging
import re
import signal
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from distributed import Client, LocalCluster, WorkerPlugin, get_worker

from .places.gazetteer import Gazetteer, load
from .records import Article

BATCH = 32  # articles per task: about half a second of extraction, so scheduling costs little
_LOCAL = re.compile(r"local:(\d+)")
_REMOTE = re.compile(r"(tcp|tls|inproc|ucx|ws|wss)://\S+")


def check_scheduler(value: str) -> str:
    """`value` if it names a scheduler `geo build` can use (`local:N` with N ≥ 1, or an address such as
    `tcp://host:8786`); ValueError otherwise."""
    m = _LOCAL.fullmatch(value)
    if m and int(m.group(1)) >= 1:
        return value
    if not m and _REMOTE.fullmatch(value):
        return value
    raise ValueError(f"{value!r}: expected local:N (N ≥ 1 workers on this machine) or an address like tcp://host:8786")


class GazetteerPlugin(WorkerPlugin):
    """Loads the gazetteer once per worker (again when a worker is replaced) and keeps it for its tasks.

    It carries the client's `local.csv` (the user's rows live beside the client, not on the workers) and the
    folder of the client's gazetteer, used when the worker sees the same path (a LocalCluster, a shared
    file system); otherwise the worker's own (a wheel ships it, or `GEO_GAZETTEER_DIR`).
    """

    def __init__(self, version: str, directory: str, local_csv: bytes | None) -> None:
        self.version = version
        self.directory = directory
        self.local_csv = local_csv
        self.gazetteer: Gazetteer | None = None
        self.error: str | None = None
        self.loads = 0  # gazetteer loads and tasks run on this worker (the tests check: one load, many tasks)
        self.tasks = 0

    def setup(self, worker: Any) -> None:
        from .pipeline import extractor_version, gazetteer_version
        from .places.mentions import finder_for

        # The user's rows, written where this worker keeps its files (the name `local.csv` is part of the
        # gazetteer's version).
        folder = Path(tempfile.mkdtemp(prefix="geo-gazetteer-", dir=getattr(worker, "local_directory", None)))
        local = folder / "local.csv"
        if self.local_csv is not None:
            local.write_bytes(self.local_csv)
        directory = self.directory if Path(self.directory, "settlements.csv").is_file() else None
        gaz = load(directory, local)
        self.loads += 1
        finder_for(gaz)  # the name automaton, built here once rather than in the first task
        mine = f"{extractor_version()}+{gazetteer_version(gaz)}"
        if mine != self.version:
            self.error = (f"worker {getattr(worker, 'address', '?')} has extractor and gazetteer version {mine}, "
                          f"the build {self.version}: install the same geo-claims on the workers")
        self.gazetteer = gaz
        self._folder = folder

    def teardown(self, worker: Any) -> None:
        import shutil

        from .places.gazetteer import forget
        from .places.mentions import finder_for

        if self.gazetteer is not None:
            forget(self.gazetteer)  # this build's gazetteer leaves the worker's memory with it
            finder_for.cache_clear()
        shutil.rmtree(self._folder, ignore_errors=True)
        self.gazetteer = None


def extract_batch(batch: list[Article], name: str) -> list[tuple[Article, Any]]:
    """A task: the extraction of each article of the batch (which carry their text), with the gazetteer the
    worker's plugin loaded."""
    from .pipeline import extract_safely

    plugin = get_worker().plugins[name]
    assert isinstance(plugin, GazetteerPlugin)
    if plugin.error or plugin.gazetteer is None:
        raise RuntimeError(plugin.error or "the gazetteer plugin did not load")
    plugin.tasks += 1
    return [(replace(a, text=""), extract_safely(a, plugin.gazetteer)) for a in batch]


@contextmanager
def connect(scheduler: str) -> Iterator[Client]:
    """A client of the cluster `scheduler` names; for `local:N`, of a LocalCluster of N worker processes on the
    loopback interface, shut down afterwards."""
    m = _LOCAL.fullmatch(check_scheduler(scheduler))
    if m is None:
        with Client(scheduler, timeout="20s") as client:
            yield client
        return
    # One thread per worker: extraction holds the GIL, so threads would only share one core.
    with _ctrl_c_ignored():  # the workers start ignoring Ctrl-C (a disposition they inherit): it is the build's
        cluster = LocalCluster(n_workers=int(m.group(1)), threads_per_worker=1, processes=True, host="127.0.0.1",
                               scheduler_port=0, dashboard_address=None, silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        yield client


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """SIGINT ignored while the block runs (in the main thread; elsewhere nothing changes). A terminal sends Ctrl-C
    to the whole process group: worker processes started here would each print a KeyboardInterrupt traceback,
    while the build stops them itself (`geo.interrupt`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def extract_on_cluster(articles: list[Article], gaz: Gazetteer, version: str, scheduler: str,
                       load_text: Callable[[Article], Article | None],
                       progress: Callable[[], None] | None = None,
                       batch_size: int | None = None) -> Iterator[tuple[Article, Any]]:
    """(article, (mentions, claims, places)) for every article, in input order, extracted on the cluster;
    None in place of the extraction for an article whose file could no longer be read (`load_text`)."""
    with connect(scheduler) as client:
        yield from _stream(client, articles, gaz, version, load_text, progress, batch_size or BATCH)


def _stream(client: Client, articles: list[Article], gaz: Gazetteer, version: str,
            load_text: Callable[[Article], Article | None], progress: Callable[[], None] | None,
            batch_size: int) -> Iterator[tuple[Article, Any]]:
    local = gaz.local.read_bytes() if gaz.local.is_file() else None
    # One plugin per build, under its own name: two builds sharing a cluster never unload each other's.
    name = f"geo-gazetteer-{uuid.uuid4().hex[:12]}"
    client.register_plugin(GazetteerPlugin(version, str(gaz.directory), local), name=name)
    threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or 1
    window = 3 * threads  # enough queued work that no worker waits on the client
    starts = range(0, len(articles), batch_size)
    futures: dict[int, tuple[Any, list[Article], list[Article | None]]] = {}
    submitted = 0

    def submit(i: int) -> None:
        chunk = articles[starts[i]:starts[i] + batch_size]
        loaded = [load_text(a) for a in chunk]
        ready = [a for a in loaded if a is not None]
        key = f"{name}-batch-{i}"
        # retries: a task that raised (a full temporary disk on a worker) runs once more; a lost worker's tasks
        # are rerun by the scheduler without counting here.
        fut = client.submit(extract_batch, ready, name, key=key, pure=False, retries=1) if ready else None
        futures[i] = (fut, chunk, loaded)

    try:
        for i in range(len(starts)):
            while submitted < len(starts) and submitted < i + window:
                submit(submitted)
                submitted += 1
            fut, chunk, loaded = futures.pop(i)
            results = iter(fut.result() if fut is not None else [])
            del fut  # released: the scheduler forgets the task and the worker its result
            for article, read in zip(chunk, loaded):
                if read is None:
                    yield article, None
                    continue
                done, extraction = next(results)
                if done.stem != read.stem or done.content_hash != read.content_hash:
                    raise RuntimeError(f"the cluster answered batch {i} with {done.stem} for {read.stem}")
                yield done, extraction
                if progress:
                    progress()
    finally:
        for fut, _, _ in futures.values():
            if fut is not None:
                fut.cancel()
        try:
            client.unregister_worker_plugin(name)
        except Exception:  # a cluster going away as the build ends: nothing left to clean
            pass
