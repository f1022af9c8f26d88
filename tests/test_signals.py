"""Ctrl-C (SIGINT to the process group, as a terminal sends it) and SIGTERM (to the build alone) in the middle of a
build's extraction: one line, exit 130 or 143, the old store and map as they were, no worker left behind; a
reader that stops reading (`geo export | head`) ends the export quietly."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import geo_command, leftovers, run_geo, write_article

N = 260  # above pipeline.PARALLEL_FROM: extraction runs in worker processes


def _articles(folder: Path, variant: str, n: int = N) -> None:
    for i in range(n):
        day = (date(2024, 8, 1) + timedelta(days=i)).isoformat()
        write_article(folder, f"a{i:03d}", f"Russian troops captured the village of Plekhovo, the Russian Defence "
                                           f"Ministry said in its {variant} report number {i}.", published=day)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("signals")
    _articles(base / "articles", "first")
    result = run_geo("build", "--articles", base / "articles", "--out", base / "out", timeout=600)
    assert result.returncode == 0, result.stderr
    return base


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _session(sid: int) -> list[int]:
    """The processes still alive in session `sid`."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields after the name: state, ppid, pgrp, session
            alive.append(int(entry))
    return alive


def _children(pid: int) -> list[int]:
    """The child processes of `pid`, of any of its threads (Dask starts its workers from another thread)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*") if Path(f"/proc/{pid}/task").exists() else []:
        try:
            found += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_mid_build_keeps_the_old_store_and_map(built, tmp_path, signum, status):
    articles, out = tmp_path / "articles", tmp_path / "out"
    shutil.copytree(built / "out", out)
    _articles(articles, "second")  # every text changed: all are extracted again, in worker processes
    store, page = out / "claims.sqlite", out / "index.html"
    before = (_digest(store), _digest(page))
    proc = subprocess.Popen([*geo_command(), "build", "--articles", str(articles), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not _children(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the worker pool has started: extraction is under way
    assert proc.poll() is None, proc.communicate()
    time.sleep(0.5)
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)  # as Ctrl-C in a terminal: the build and its workers
    else:
        os.kill(proc.pid, signum)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == status, (stdout, stderr)
    assert stderr.strip().splitlines()[-1] == "interrupted: nothing changed", stderr
    assert "Traceback" not in stderr and "Aborted" not in stderr, stderr
    assert (_digest(store), _digest(page)) == before
    assert leftovers(out) == []
    deadline = time.monotonic() + 10
    while _session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session(proc.pid) == []  # no worker left running


def _interrupt_until_done(proc: subprocess.Popen, signum: int, group: bool) -> tuple[str, str]:
    """Send `signum` every 2 s until the build ends (a Dask cluster ignores Ctrl-C while it starts its workers)."""
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, signum) if group else os.kill(proc.pid, signum)
        except ProcessLookupError:
            break
        try:
            return proc.communicate(timeout=2)
        except subprocess.TimeoutExpired:
            continue
    return proc.communicate(timeout=60)


def test_ctrl_c_during_a_build_on_a_local_dask_cluster(built, tmp_path):
    articles, out = tmp_path / "articles", tmp_path / "out"
    shutil.copytree(built / "out", out)
    _articles(articles, "third", 4 * N)  # enough for the extraction to outlast the cluster's start
    store, page = out / "claims.sqlite", out / "index.html"
    before = (_digest(store), _digest(page))
    proc = subprocess.Popen([*geo_command(), "build", "--articles", str(articles), "--out", str(out), "--scheduler",
                             "local:2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(_children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the cluster's worker processes are starting
    stdout, stderr = _interrupt_until_done(proc, signal.SIGINT, group=True)
    assert proc.returncode == 130, (stdout, stderr)
    assert stderr.strip().splitlines()[-1] == "interrupted: nothing changed", stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert (_digest(store), _digest(page)) == before
    deadline = time.monotonic() + 20
    while _session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session(proc.pid) == []


def test_a_reader_that_stops_reading_ends_the_export_quietly(built):
    for args in (["export", "--format", "jsonl"], ["export", "--format", "csv"], ["claims", "Plekhovo"]):
        proc = subprocess.Popen([*geo_command(), *args, "--db", str(built / "out" / "claims.sqlite")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline()
        proc.stdout.close()  # as `| head -1` does
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        proc.wait(timeout=60)
        assert "Traceback" not in stderr and "Error" not in stderr, stderr
        assert proc.returncode in (0, 1, 141), (args, proc.returncode, stderr)
