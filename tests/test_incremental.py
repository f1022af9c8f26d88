"""Regenerating when articles are added, changed or removed; `geo add`; HTML input; GeoPackage export."""
from __future__ import annotations

import json
import sqlite3

import pytest

from geo.cli import main
from geo.places.gazetteer import load
from geo.pipeline import build, build_lock, extract_many

from conftest import ROOT, write_article

A1 = "Russian troops captured the village of Plekhovo on Friday, the Russian Defence Ministry said."
A2 = "Ukrainian forces retook Plekhovo on Monday, Ukraine's General Staff said."
A3 = "Fighting continued near Guyevo on Tuesday, the Russian Defence Ministry said."


def _export(runner, out):
    return [json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output.splitlines()]


def test_only_new_and_changed_articles_are_read(runner, articles, tmp_path):
    write_article(articles, "a1", A1, published="2025-03-08")
    out = tmp_path / "out"
    first = build(articles, out)
    assert first.changes.read == ["a1"] and first.counts["claims"] == 1
    write_article(articles, "a2", A2, published="2025-03-11")
    second = build(articles, out)
    assert second.changes.read == ["a2"] and second.counts["claims"] == 2
    assert any("Plekhovo (ukraine claims): none → ukraine" in s for s in second.changes.state_changes)
    assert [c[1:] for c in second.changes.new_claims] == [("Plekhovo", "ukraine", "General Staff of the Armed Forces of Ukraine")]
    third = build(articles, out)
    assert third.changes.read == [] and third.changes.new_claims == [] and third.counts["claims"] == 2
    (articles / "a1.txt").write_text(A1.replace("Plekhovo", "Guyevo"), encoding="utf-8")
    fourth = build(articles, out)
    assert fourth.changes.read == ["a1"]
    assert {c[1] for c in fourth.changes.dropped_claims} == {"Plekhovo"} and {c[1] for c in fourth.changes.new_claims} == {"Guyevo"}


def test_unchanged_files_are_not_read_again_whatever_the_folder_is_called(articles, tmp_path, monkeypatch):
    """A file whose size and times are unchanged is taken from the store, whether the folder is given as an
    absolute or a relative path."""
    write_article(articles, "a1", A1)
    write_article(articles, "a3", A3)
    out = tmp_path / "out"
    build(articles, out)
    reads = []
    import geo.ingest.articles

    real = geo.ingest.articles.read_article
    monkeypatch.setattr(geo.ingest.articles, "read_article", lambda path: reads.append(path) or real(path))
    monkeypatch.chdir(articles.parent)
    again = build(type(articles)(articles.name), out)
    assert again.changes.read == [] and reads == []
    (articles / "a3.txt").write_text(A3.replace("Guyevo", "Plekhovo"), encoding="utf-8")
    assert build(type(articles)(articles.name), out).changes.read == ["a3"] and len(reads) == 2  # hashed, then extracted


def test_deleted_article_takes_its_claims_with_it(runner, articles, tmp_path):
    write_article(articles, "a1", A1)
    write_article(articles, "a3", A3)
    out = tmp_path / "out"
    build(articles, out)
    (articles / "a3.txt").unlink()
    (articles / "a3.meta.json").unlink()
    report = build(articles, out)
    assert report.changes.removed == ["a3"]
    assert {r["settlement"] for r in _export(runner, out)} == {"Plekhovo"}
    db = sqlite3.connect(out / "claims.sqlite")
    assert db.execute("SELECT COUNT(*) FROM articles WHERE stem = 'a3'").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM mentions WHERE article = 'a3'").fetchone()[0] == 0


def test_incremental_equals_fresh(runner, articles, tmp_path):
    write_article(articles, "a1", A1)
    inc = tmp_path / "inc"
    build(articles, inc)
    write_article(articles, "a2", A2, published="2025-03-11")
    write_article(articles, "a3", A3, published="2025-03-11")
    build(articles, inc)
    fresh = tmp_path / "fresh"
    build(articles, fresh)
    assert _export(runner, inc) == _export(runner, fresh)
    assert (inc / "index.html").read_bytes() == (fresh / "index.html").read_bytes()


def test_parallel_extraction_equals_serial(articles):
    texts = [A1, A2, A3]
    arts = []
    from geo.records import Article

    for i in range(240):
        arts.append(Article(stem=f"s{i:03d}", path="", text=texts[i % 3] + f" Item {i}.", publisher="W", published="2025-03-12"))
    gaz = load()
    serial = [r for _, r in extract_many(arts, gaz, workers=1)]
    parallel = [r for _, r in extract_many(arts, gaz, workers=2)]
    assert serial == parallel


def test_a_second_build_waits_or_says_one_is_running(tmp_path):
    out = tmp_path / "out"
    with build_lock(out):
        with pytest.raises(RuntimeError, match="another `geo build` is running"):
            with build_lock(out, wait=False):
                pass


def test_geo_add_copies_with_metadata_and_rebuilds(runner, tmp_path):
    src = tmp_path / "incoming story.txt"
    src.write_text(A1, encoding="utf-8")
    articles, out = tmp_path / "seeds", tmp_path / "maps"
    result = runner.invoke(main, ["add", str(src), "--publisher", "Reuters", "--published", "2025-03-08",
                                  "--url", "https://example.org/a", "--articles", str(articles), "--out", str(out)])
    assert result.exit_code == 0, result.output
    meta = json.loads((articles / "incoming_story.meta.json").read_text())
    assert meta == {"url": "https://example.org/a", "publisher": "Reuters", "published": "2025-03-08", "title": None}
    assert "claims: 1" in result.output
    bad = runner.invoke(main, ["add", str(src), "--url", "javascript:alert(1)", "--articles", str(articles), "--out", str(out)])
    assert bad.exit_code == 2 and "not an http(s) URL" in bad.output


def test_html_article_is_read_with_its_metadata(runner, articles, tmp_path):
    articles.mkdir()
    (articles / "page.html").write_text(
        "<html><head><title>Russia says it retook Plekhovo</title>"
        '<meta property="og:site_name" content="Example News">'
        '<meta property="article:published_time" content="2025-03-08T10:00:00Z"></head>'
        "<body><nav>Home | World</nav><article><h1>Russia says it retook Plekhovo</h1>"
        f"<p>{A1}</p><p>The claim could not be independently verified.</p></article>"
        "<footer>© Example</footer></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", "--articles", str(articles), "--out", str(out)]).exit_code == 0
    rec = _export(runner, out)[0]
    assert rec["settlement"] == "Plekhovo" and rec["published"] == "2025-03-08" and rec["date"] == "2025-03-07"
    assert "Home | World" not in rec["evidence"]


def test_geopackage_export_opens_with_geopandas(runner, seeds_build, tmp_path):
    import geopandas as gpd
    import pyogrio

    target = tmp_path / "claims.gpkg"
    result = runner.invoke(main, ["export", "--db", str(seeds_build / "claims.sqlite"), "--format", "gpkg", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert [layer[0] for layer in pyogrio.list_layers(target)] == ["settlements", "claims", "citations"]
    settlements = gpd.read_file(target, layer="settlements")
    assert "Gornal" in set(settlements["settlement"]) and settlements.crs.to_epsg() == 4326
    gornal = settlements[settlements["settlement"] == "Gornal"].iloc[0]
    assert gornal["russia_status"] == "russia" and gornal["russia_since"] == "2025-04-26"
    assert len(pyogrio.read_dataframe(target, layer="claims")) == 6
    again = tmp_path / "again.gpkg"
    runner.invoke(main, ["export", "--db", str(seeds_build / "claims.sqlite"), "--format", "gpkg", "-o", str(again)])
    assert again.read_bytes() == target.read_bytes()


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


def test_new_extractor_or_gazetteer_version_rereads_everything(articles, tmp_path, monkeypatch):
    write_article(articles, "a1", A1)
    write_article(articles, "a3", A3)
    out = tmp_path / "out"
    build(articles, out)
    assert build(articles, out).changes.read == []
    monkeypatch.setattr("geo.pipeline.extractor_version", lambda: "changed-rules")
    again = build(articles, out)
    assert again.changes.read == ["a1", "a3"] and again.counts["claims"] == 2


def test_the_extractor_version_covers_every_module_a_build_extracts_with():
    """Every module of the package that extraction and the store load is in the fingerprint (a change to it
    re-reads stored articles), found by running an extraction in a fresh process, not by a list."""
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "import geo.store\n"
        "from geo.pipeline import extract_one, row_shaping_files\n"
        "from geo.places.gazetteer import load\n"
        "from geo.records import Article\n"
        "text = ('Russian forces captured Plekhovo and Lyubimovka in the Sudzha district on Friday, '\n"
        "        'the Russian Defence Ministry said. Ukrainian-held Sudzha was shelled.')\n"
        "extract_one(Article(stem='t', path='t.txt', text=text, publisher='Reuters', published='2025-03-08'), load())\n"
        "loaded = {Path(m.__file__).resolve() for n, m in list(sys.modules.items())\n"
        "          if (n == 'geo' or n.startswith('geo.')) and getattr(m, '__file__', None)}\n"
        "covered = {p.resolve() for p in row_shaping_files()}\n"
        "print(json.dumps(sorted(str(p) for p in loaded - covered)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert json.loads(out) == [str((ROOT / "geo" / "__init__.py").resolve())]  # the package's docstring only
