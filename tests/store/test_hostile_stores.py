"""Exports safe to open and readers that survive every bad store: CSV cells that would start a formula,
an empty store in every format, `-o` naming a store; `geo claims` and `geo export` on a truncated, header-only,
random, empty, foreign, folder-shaped, newer or older store, a hot journal, and a lock held by another process."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo.cli import main

from conftest import CLAIM, GOOD, build_with, run_geo, write_article

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(runner, articles, tmp_path) -> Path:
    write_article(articles, "good", CLAIM)
    write_article(articles, "good2", GOOD)
    out = tmp_path / "out"
    assert build_with(runner, articles, out).exit_code == 0
    return out / "claims.sqlite"


# -- exports ------------------------------------------------------------------------------------------------
def test_csv_cells_that_would_start_a_formula_are_neutralised(runner, articles, tmp_path):
    write_article(articles, "f1", CLAIM, title="=HYPERLINK(\"http://evil.example\",\"click\")", publisher="+SUM(1,2)")
    write_article(articles, "f2", GOOD, title="-2+3", publisher="@cmd|' /C calc'!A0")
    write_article(articles, "f3", "Russian forces took Sudzha on Monday, the Russian Defence Ministry said.",
                  title="\tTabbed", publisher="\rReturn")
    out = tmp_path / "out"
    assert build_with(runner, articles, out).exit_code == 0
    db = str(out / "claims.sqlite")
    exported = runner.invoke(main, ["export", "--db", db, "--format", "csv"])
    claims_csv = runner.invoke(main, ["claims", "Plekhovo", "--db", db, "--format", "csv"])
    for output in (exported.output, claims_csv.output):
        rows = list(csv.reader(io.StringIO(output)))
        cells = [cell for row in rows for cell in row]
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)], output
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    titles = {r["publisher"] for r in rows}
    assert "'+SUM(1,2)" in titles and "'@cmd|' /C calc'!A0" in titles
    # The other formats keep the text as it is: they are not opened by spreadsheets.
    recs = [json.loads(x) for x in runner.invoke(main, ["export", "--db", db, "--format", "jsonl"]).output.splitlines()]
    assert "+SUM(1,2)" in {r["publisher"] for r in recs}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "geojson", "gpkg"])
def test_an_empty_store_exports_a_valid_empty_file(runner, articles, tmp_path, fmt):
    import pyogrio

    write_article(articles, "nothing", "Nothing happened anywhere today, officials said.")
    out = tmp_path / "out"
    assert build_with(runner, articles, out).exit_code == 0
    target = tmp_path / f"claims.{fmt}"
    result = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    if fmt == "jsonl":
        assert target.read_text() == ""
    elif fmt == "csv":
        assert target.read_text().count("\n") == 1 and target.read_text().startswith("claim_id,")
    elif fmt == "geojson":
        assert json.loads(target.read_text()) == {"type": "FeatureCollection", "features": []}
    else:
        assert [layer[0] for layer in pyogrio.list_layers(target)] == ["settlements", "claims", "citations"]
        assert all(len(pyogrio.read_dataframe(target, layer=name)) == 0 for name in ("settlements", "claims", "citations"))
        assert "status" in pyogrio.read_dataframe(target, layer="claims").columns


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "geojson", "gpkg"])
def test_export_refuses_to_overwrite_the_store_or_any_sqlite_file(runner, store, tmp_path, fmt):
    before = _digest(store)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    other_digest = _digest(other)
    for target in (store, store.parent / ".." / store.parent.name / store.name, other):
        result = runner.invoke(main, ["export", "--db", str(store), "--format", fmt, "-o", str(target)])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert "refused" in result.output and "Traceback" not in result.output
    assert _digest(store) == before and _digest(other) == other_digest
    if fmt == "gpkg":  # a GeoPackage it wrote before is replaced
        target = tmp_path / "claims.gpkg"
        for _ in range(2):
            assert runner.invoke(main, ["export", "--db", str(store), "--format", fmt, "-o", str(target)]).exit_code == 0


# -- readers ------------------------------------------------------------------------------------------------
def _bad_stores(store: Path, tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name → (a bad store, a word its one-line message must hold)."""
    data = store.read_bytes()
    made: dict[str, tuple[Path, str]] = {}

    def write(name: str, content: bytes, word: str) -> None:
        path = tmp_path / "bad" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
        made[name] = (path, word)

    write("truncated.sqlite", data[: len(data) // 3], "damaged")
    write("header_only.sqlite", data[:100], "damaged")
    write("random.sqlite", os.urandom(8192), "not a SQLite")
    write("empty.sqlite", b"", "empty")
    write("text.sqlite", b"article,claims\n1,2\n", "not a SQLite")
    foreign = tmp_path / "bad" / "foreign.sqlite"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    db.commit()
    db.close()
    made["foreign.sqlite"] = (foreign, "not a geo store")
    for name, version, word in (("newer.sqlite", 99, "newer"), ("older.sqlite", 3, "older")):
        path = tmp_path / "bad" / name
        path.write_bytes(data)
        db = sqlite3.connect(path)
        db.execute(f"PRAGMA user_version = {version}")
        db.commit()
        db.close()
        made[name] = (path, word)
    folder = tmp_path / "bad" / "folder.sqlite"
    folder.mkdir()
    made["folder.sqlite"] = (folder, "folder")
    return made


@pytest.mark.parametrize("command", [["claims", "Plekhovo"], ["export", "--format", "jsonl"],
                                     ["export", "--format", "gpkg", "-o", "{tmp}/x.gpkg"], ["resolve", "Plekhovo"]])
def test_a_bad_store_is_one_line_of_what_is_wrong_and_how_to_fix_it(runner, store, tmp_path, command):
    for name, (path, word) in _bad_stores(store, tmp_path).items():
        args = [a.replace("{tmp}", str(tmp_path)) for a in command]
        result = runner.invoke(main, [*args, "--db", str(path)])
        if command[0] == "resolve":  # answers from the gazetteer, and says the store could not be read
            assert result.exit_code == 0 and isinstance(result.exception, (SystemExit, type(None))), (name, result.output)
            assert "Plekhovo" in result.output
            continue
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (name, result.output)
        lines = [ln for ln in result.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and str(path) in lines[0] and word in lines[0], (name, result.output)
        assert "geo build" in lines[0] or "--db" in lines[0] or "upgrade" in lines[0], (name, result.output)


def _hot_journal(store: Path) -> None:
    """A build killed with -9 in the middle of its transaction: the store and a hot journal beside it."""
    code = (f"import os, signal, sqlite3\ndb = sqlite3.connect({str(store)!r}, isolation_level=None)\n"
            "db.execute('PRAGMA cache_size = 1')\ndb.execute('BEGIN IMMEDIATE')\n"
            "db.execute('DELETE FROM citations')\ndb.execute('DELETE FROM claims')\n"
            "db.execute('CREATE TABLE filler (x)')\n"
            "db.executemany('INSERT INTO filler VALUES (?)', [('x' * 900,)] * 2000)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    subprocess.run([sys.executable, "-c", code], check=False)


def test_a_hot_journal_is_rolled_back_by_a_reader(runner, store, tmp_path):
    before = runner.invoke(main, ["export", "--db", str(store), "--format", "jsonl"]).output
    _hot_journal(store)
    journal = store.with_name(store.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0
    for args in (["export", "--format", "jsonl"], ["claims", "Plekhovo"]):
        result = runner.invoke(main, [*args, "--db", str(store)])
        assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["export", "--db", str(store), "--format", "jsonl"]).output == before
    assert not journal.exists() or journal.stat().st_size == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_hot_journal_that_cannot_be_rolled_back_is_one_line(runner, store, tmp_path):
    _hot_journal(store)
    store.parent.chmod(0o555)
    try:
        result = runner.invoke(main, ["export", "--db", str(store), "--format", "jsonl"])
    finally:
        store.parent.chmod(0o755)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "hot journal" in result.output and "geo build" in result.output


def _hold_lock(store: Path, seconds: float, mode: str = "EXCLUSIVE") -> subprocess.Popen:
    code = (f"import sqlite3, sys, time\ndb = sqlite3.connect({str(store)!r}, isolation_level=None)\n"
            f"db.execute('BEGIN {mode}')\nprint('locked', flush=True)\ntime.sleep({seconds})\ndb.execute('ROLLBACK')\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_a_lock_held_by_another_process_is_waited_for_with_a_message_and_a_bound(store, tmp_path):
    holder = _hold_lock(store, 30)
    try:
        started = time.monotonic()
        result = run_geo("export", "--db", store, "--format", "jsonl", "--wait", "3")
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "waiting" in result.stderr and "locked" in result.stderr.splitlines()[-1] and "--wait" in result.stderr
    assert 2.5 < took < 20
    holder = _hold_lock(store, 3)  # released while the reader waits: it then reads
    try:
        result = run_geo("claims", "Plekhovo", "--db", store, "--wait", "30")
    finally:
        holder.wait()
    assert result.returncode == 0, result.stderr
    assert "Plekhovo" in result.stdout and "waiting" in result.stderr


def test_a_build_waiting_for_the_store_says_so(articles, store, tmp_path):
    holder = _hold_lock(store, 30, "IMMEDIATE")
    try:
        result = run_geo("build", "--articles", articles, "--out", store.parent, "--wait", "3")
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "waiting" in result.stderr and "nothing changed" in result.stderr
