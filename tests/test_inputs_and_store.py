"""Articles as they arrive (encodings, bad metadata, junk files), the store, citations and atomic writes."""
from __future__ import annotations

import json
import os
import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from geo.ingest.articles import read_article
from geo.cli import main
from geo.places.gazetteer import load
from geo.pipeline import extract
from geo.records import Article
from geo.store import SCHEMA_VERSION

from conftest import property_settings, write_article

CLAIM = "Russian troops captured the village of Plekhovo, the Russian Defence Ministry said on Saturday."


def _build(runner, articles, out, *extra):
    return runner.invoke(main, ["build", "--articles", str(articles), "--out", str(out), *extra])


def test_encodings_are_detected(tmp_path):
    for name, data in {
        "u16.txt": CLAIM.encode("utf-16"),
        "bom.txt": b"\xef\xbb\xbf" + CLAIM.encode("utf-8"),
        "cp1251.txt": "Российские войска заняли село Плехово.".encode("cp1251"),
    }.items():
        (tmp_path / name).write_bytes(data)
        article, problems = read_article(tmp_path / name)
        assert article is not None, (name, problems)
    assert "Плехово" in read_article(tmp_path / "cp1251.txt")[0].text


def test_bad_files_are_named_and_the_rest_is_used(runner, articles, tmp_path):
    write_article(articles, "good", CLAIM)
    (articles / "empty.txt").write_text("")
    (articles / "blank.txt").write_text("   \n\t  ")
    (articles / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary")
    (articles / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    write_article(articles, "badmeta", CLAIM.replace("Plekhovo", "Goncharovka"))
    (articles / "badmeta.meta.json").write_text("{not json")
    write_article(articles, "types", CLAIM.replace("Plekhovo", "Guyevo"))
    (articles / "types.meta.json").write_text(json.dumps({"publisher": 5, "published": "2025-02-30", "colour": "red"}))
    (articles / "orphan.meta.json").write_text("{}")
    write_article(articles, "copy", CLAIM)  # same text as good.txt under another name
    out = tmp_path / "out"
    result = _build(runner, articles, out)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name, reason in [("empty.txt", "empty"), ("blank.txt", "empty"), ("scan.txt", "PDF"), ("image.txt", "binary"),
                         ("badmeta.meta.json", "unreadable"), ("types.meta.json", "not a real date"),
                         ("types.meta.json", "should be a string"), ("types.meta.json", "unknown key"),
                         ("orphan.meta.json", "no article"), ("copy.txt", "same text as")]:
        assert any(name in line and reason in line for line in lines), (name, reason, result.output)
    recs = [json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output.splitlines()]
    assert {r["settlement"] for r in recs} == {"Plekhovo", "Goncharovka", "Guyevo"}
    strict = _build(runner, articles, out, "--strict")
    assert strict.exit_code == 1


def test_symlink_loop_and_unreadable_file(runner, articles, tmp_path):
    write_article(articles, "good", CLAIM)
    os.symlink(articles, articles / "loop")
    locked = write_article(articles, "locked", CLAIM.replace("Plekhovo", "Guyevo"))
    locked.chmod(0)
    try:
        result = _build(runner, articles, tmp_path / "out")
    finally:
        locked.chmod(0o644)
    assert result.exit_code == 0
    assert "symlink loop" in result.output
    if os.geteuid() != 0:  # root reads every file
        assert "locked.txt" in result.output


def test_markdown_front_matter_and_dateline(tmp_path):
    md = tmp_path / "a.md"
    md.write_text("---\npublisher: Kyiv Post\npublished: 2025-03-08\n---\n" + CLAIM, encoding="utf-8")
    article, _ = read_article(md)
    assert article.publisher == "Kyiv Post" and article.published == "2025-03-08"
    assert article.text[article.text.index("Russian"):].startswith("Russian")
    txt = tmp_path / "b.txt"
    txt.write_text(CLAIM + "\nTyler Durden\nSat, 03/08/2025 – 10:00\n", encoding="utf-8")
    article, _ = read_article(txt)
    assert article.published == "2025-03-08" and article.published_source == "dateline"


def test_hidden_characters_do_not_hide_names(runner, articles, tmp_path):
    write_article(articles, "zw", CLAIM.replace("Plekhovo", "Plek\u200bho\u200dvo\u202e"))
    out = tmp_path / "out"
    assert _build(runner, articles, out).exit_code == 0
    recs = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output
    assert json.loads(recs.splitlines()[0])["settlement"] == "Plekhovo"


def test_store_schema_and_citations(runner, articles, tmp_path):
    # One claim repeated by two outlets is one claim with two citations.
    write_article(articles, "wire1", CLAIM, publisher="Reuters")
    write_article(articles, "wire2", "In other news. " + CLAIM, publisher="Yahoo News (Reuters copy)")
    out = tmp_path / "out"
    assert _build(runner, articles, out).exit_code == 0
    db = sqlite3.connect(out / "claims.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM citations").fetchone()[0] == 2
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rec = json.loads(runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output)
    assert [c["article"] for c in rec["citations"]] == ["wire1", "wire2"]


def test_failed_build_keeps_the_previous_store_and_map(runner, articles, tmp_path, monkeypatch):
    write_article(articles, "good", CLAIM)
    out = tmp_path / "out"
    assert _build(runner, articles, out).exit_code == 0
    before = (out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()
    write_article(articles, "more", CLAIM.replace("Plekhovo", "Guyevo"))

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("geo.map.page.render_map", disk_full)
    result = _build(runner, articles, out)
    assert result.exit_code != 0 and "No space left" in result.output
    assert (out / "index.html").read_bytes() == before[1]
    # The store is replaced only after the map is written.
    db = sqlite3.connect(out / "claims.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (out / "claims.sqlite").read_bytes() == before[0]


@property_settings(300)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400),
       st.sampled_from(["Sudzha", "Plekhovo", "Гуево", "Hornal", "Pravda", "<b>Kursk</b>"]))
def test_extractor_never_raises_and_keeps_offsets_inside(text, name):
    article_text = f"{text} Russian troops captured {name}. {text}"
    art = Article(stem="p", path="p.txt", text=article_text, publisher="Test", published="2025-03-08")
    ex = extract([art], load())
    for c in ex.claims:
        assert 0 <= c.evidence_start <= c.mention_start < c.mention_end <= c.evidence_end <= len(article_text)
        assert article_text[c.mention_start:c.mention_end] in c.evidence
        assert article_text[c.evidence_start:c.evidence_end] == c.evidence  # the sentence, where it stands
        assert c.date is None or c.date <= "2025-03-08"
