"""The SQLite store: its schema and citations, and migration of an older store."""
from __future__ import annotations

import json
import sqlite3

from geo.cli import main
from geo.pipeline import build
from geo.store import SCHEMA_VERSION

from conftest import ROOT, write_article, build_with, CLAIM


def test_store_schema_and_citations(runner, articles, tmp_path):
    # One claim repeated by two outlets is one claim with two citations.
    write_article(articles, "wire1", CLAIM, publisher="Reuters")
    write_article(articles, "wire2", "In other news. " + CLAIM, publisher="Yahoo News (Reuters copy)")
    out = tmp_path / "out"
    assert build_with(runner, articles, out).exit_code == 0
    db = sqlite3.connect(out / "claims.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM citations").fetchone()[0] == 2
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rec = json.loads(runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output)
    assert [c["article"] for c in rec["citations"]] == ["wire1", "wire2"]


def test_a_version_1_store_is_migrated(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "claims.sqlite").write_bytes((ROOT / "tests" / "data" / "store_v1.sqlite").read_bytes())
    report = build(ROOT / "seeds", out)
    db = sqlite3.connect(out / "claims.sqlite")
    from geo.store import SCHEMA_VERSION

    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert report.counts["claims"] == 6 and len(report.changes.read) == 5
