"""Rebuilds that follow what changed, not the corpus: folders whose entries did not change are not listed
again, a large store takes its stored files as read (`geo build --recheck` looks at every file), and an
incremental build writes the map and exports a fresh build writes."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import geo.ingest.articles as ingest
from geo import pipeline
from geo.cli import main

from conftest import write_article

A1 = "Russian troops captured the village of Plekhovo on Friday, the Russian Defence Ministry said."
A2 = "Ukrainian forces retook Plekhovo on Monday, Ukraine's General Staff said."
A3 = "Fighting continued near Guyevo on Tuesday, the Russian Defence Ministry said."
A4 = "Russian forces took Sverdlikovo on Saturday, the Russian Defence Ministry said."


def _age(folder: Path) -> None:
    """Move the times of the folders changed in the last few seconds 10 s into the past: a folder changed within
    RACY_NS of a build is listed again by the next one, and the tests would otherwise wait that long."""
    now = time.time_ns()
    for d in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        if now - d.stat().st_mtime_ns < 5_000_000_000:
            os.utime(d, ns=(now - 10_000_000_000,) * 2)


def _build(articles: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["build", "--articles", str(articles), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _outputs(out: Path) -> dict[str, bytes]:
    runner = CliRunner()
    texts = {"index.html": (out / "index.html").read_bytes()}
    for fmt in ("jsonl", "csv", "geojson"):
        result = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", fmt])
        assert result.exit_code == 0, result.output
        texts[fmt] = result.output.encode()
    return texts


@pytest.fixture
def listed(monkeypatch) -> list[str]:
    """The folders each scan lists (rather than taking them from the store)."""
    calls: list[str] = []
    real = ingest._list_folder

    def spy(d, problems, kept=None):
        calls.append(os.path.basename(d))
        return real(d, problems, kept)

    monkeypatch.setattr(ingest, "_list_folder", spy)
    return calls


def test_only_folders_whose_entries_changed_are_listed(tmp_path, listed):
    articles, out = tmp_path / "articles", tmp_path / "out"
    write_article(articles / "2025-03-07", "a1", A1)
    write_article(articles / "2025-03-08", "a3", A3)
    (articles / "2025-03-08" / "orphan.meta.json").write_text("{}")
    _age(articles)
    first = _build(articles, out)
    assert sorted(listed) == ["2025-03-07", "2025-03-08", "articles"]
    listed.clear()
    again = _build(articles, out)
    assert listed == []  # every folder taken from the store
    assert "orphan.meta.json: metadata with no article beside it" in again  # its warnings with it
    assert again.splitlines()[0] == first.splitlines()[0]
    write_article(articles / "2025-03-09", "a2", A2, published="2025-03-11")
    _age(articles)
    third = _build(articles, out)
    # The new folder and its parent (which gained an entry); not the two unchanged folders.
    assert sorted(listed) == ["2025-03-09", "articles"]
    assert "read 1 new or changed article(s), removed 0" in third
    listed.clear()
    (articles / "2025-03-07" / "a1.txt").unlink()
    (articles / "2025-03-07" / "a1.meta.json").unlink()
    _age(articles)
    fourth = _build(articles, out)
    assert listed == ["2025-03-07"] and "removed 1" in fourth
    fresh = tmp_path / "fresh"
    _build(articles, fresh)
    assert _outputs(out) == _outputs(fresh)


def test_a_folder_changed_just_before_a_build_is_listed_again_by_the_next(tmp_path, listed):
    """Its mtime could still move within the same tick of the file system's clock without changing: it is
    kept as `racy` (mtime -1) and listed again."""
    articles, out = tmp_path / "articles", tmp_path / "out"
    write_article(articles, "a1", A1)
    _build(articles, out)
    _build(articles, out)
    assert listed == ["articles", "articles"]
    _age(articles)
    _build(articles, out)
    _build(articles, out)
    assert listed == ["articles"] * 3


def test_a_large_store_trusts_its_files_and_recheck_finds_an_edit_in_place(tmp_path, monkeypatch, listed):
    monkeypatch.setattr(pipeline, "TRUST_FROM", 2)  # "large" from two stored articles
    reads: list[str] = []
    real = ingest.read_article
    monkeypatch.setattr(ingest, "read_article", lambda path: reads.append(path.name) or real(path))
    articles, out = tmp_path / "articles", tmp_path / "out"
    write_article(articles, "a1", A1)
    write_article(articles, "a3", A3)
    _age(articles)
    _build(articles, out)
    reads.clear()
    listed.clear()
    stats: list[str] = []
    real_stat = os.stat
    with monkeypatch.context() as m:
        m.setattr(os, "stat", lambda p, *a, **k: stats.append(os.fspath(p)) or real_stat(p, *a, **k))
        _build(articles, out)
    assert str(articles) in stats  # the folder's time, to know its entries are unchanged
    assert [s for s in stats if s.startswith(str(articles)) and s != str(articles)] == []  # but no file's
    assert reads == [] and listed == []
    # Rewritten in place: the folder's entries are the same, so only --recheck looks.
    (articles / "a3.txt").write_text(A3.replace("Guyevo", "Plekhovo"), encoding="utf-8")
    _age(articles)
    assert "read 0 new or changed" in _build(articles, out)
    assert "read 1 new or changed" in _build(articles, out, "--recheck")
    # A new file and a deleted one are found without it.
    write_article(articles, "a4", A4, published="2025-03-09")
    (articles / "a1.txt").unlink()
    (articles / "a1.meta.json").unlink()
    (articles / "z3.txt").write_text(A3.replace("Guyevo", "Plekhovo"), encoding="utf-8")  # a3's text again
    out_text = _build(articles, out)
    assert "read 1 new or changed article(s), removed 1" in out_text
    assert f"z3.txt: same text as {articles / 'a3.txt'}: read once, as a3" in out_text
    # A new file that comes first in the walk with a stored file's text: the stored one is now the copy.
    (articles / "a0.txt").write_text((articles / "a4.txt").read_text(encoding="utf-8"), encoding="utf-8")
    out_text = _build(articles, out)
    assert f"a4.txt: same text as {articles / 'a0.txt'}: read once, as a0" in out_text
    assert "read 1 new or changed article(s), removed 1" in out_text
    fresh = tmp_path / "fresh"
    _build(articles, fresh)
    assert _outputs(out) == _outputs(fresh)


def test_a_small_store_still_finds_an_edit_in_place(tmp_path):
    articles, out = tmp_path / "articles", tmp_path / "out"
    write_article(articles, "a1", A1)
    write_article(articles, "a3", A3)
    _age(articles)
    _build(articles, out)
    (articles / "a3.txt").write_text(A3.replace("Guyevo", "Plekhovo"), encoding="utf-8")
    _age(articles)
    assert "read 1 new or changed" in _build(articles, out)
