"""One bad file never stops a build, and nothing from a file reaches the terminal raw: metadata nested 100,000
deep, lone surrogates, names that are not UTF-8, dates at the edge of the calendar, folders a thousand deep, links
out of the folder or back into it, UTF-32, mixed encodings, two files of one name, an output folder inside the
articles, and file names or texts carrying newlines, escape sequences and bidi controls."""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from geo.cli import main
from geo.ingest import articles as ingest
from geo.terminal import visible

from conftest import CLAIM, GOOD, build_with, output_line, run_geo, write_article

SUDZHA = "Russian troops took Sudzha on Monday, the Russian Defence Ministry said."


def _export(runner, out: Path) -> list[dict]:
    result = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return [json.loads(x) for x in result.output.splitlines()]


def _stored(out: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(out / "claims.sqlite")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_bad_metadata_costs_its_metadata_not_the_build(runner, articles, tmp_path):
    write_article(articles, "deep", CLAIM)
    (articles / "deep.meta.json").write_text("[" * 100_000 + "]" * 100_000)
    write_article(articles, "deepobj", GOOD)
    (articles / "deepobj.meta.json").write_text('{"title": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001)
    write_article(articles, "surrogate", SUDZHA)
    (articles / "surrogate.meta.json").write_text('{"title": "Sud\\ud800zha", "publisher": "Wire\\udfff", '
                                                  '"published": "2025-03-08"}')
    out = tmp_path / "out"
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    assert output_line(result.output, "warning", "deep.meta.json", "nested too deeply")
    assert output_line(result.output, "warning", "deepobj.meta.json", "nested too deeply")
    assert output_line(result.output, "warning", "surrogate.meta.json", "title", "lone surrogate")
    assert output_line(result.output, "warning", "surrogate.meta.json", "publisher", "lone surrogate")
    assert {r["settlement"] for r in _export(runner, out)} == {"Plekhovo", "Guyevo", "Sudzha"}
    assert _stored(out, "SELECT title, publisher FROM articles WHERE stem = 'surrogate'") == [("Sud\ufffdzha", "Wire\ufffd")]


def test_a_file_name_that_is_not_utf8_is_stored_as_valid_text(runner, articles, tmp_path):
    write_article(articles, "good", CLAIM)
    raw = os.fsencode(articles) + b"/caf\xe9-\xff.txt"
    with open(raw, "w") as fh:
        fh.write(GOOD)
    with open(os.fsencode(articles) + b"/caf\xe9-\xfe.txt", "w") as fh:  # a second one: the two stay apart
        fh.write(SUDZHA)
    out = tmp_path / "out"
    for _ in range(2):  # the second build finds the same files (and must not fail on their stored names)
        result = run_geo("build", "--articles", articles, "--out", out)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    first = run_geo("build", "--articles", articles, "--out", out)
    assert "caf\\xe9-\\xff.txt" in first.stdout and "not UTF-8" in first.stdout
    stems = {r[0] for r in _stored(out, "SELECT stem FROM articles")}
    assert stems == {"good", "caf\\xe9-\\xff", "caf\\xe9-\\xfe"}
    assert {r["settlement"] for r in _export(runner, out)} == {"Plekhovo", "Guyevo", "Sudzha"}


def test_publication_dates_at_the_edge_of_the_calendar(runner, articles, tmp_path):
    write_article(articles, "ancient", CLAIM.replace("on Saturday", "yesterday"), published="0001-01-01")
    write_article(articles, "early", GOOD, published="1899-12-31")
    write_article(articles, "last", SUDZHA, published="9999-12-31")
    out = tmp_path / "out"
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    assert output_line(result.output, "warning", "ancient.meta.json", "0001-01-01", "before 1900")
    assert output_line(result.output, "warning", "early.meta.json", "before 1900")
    assert output_line(result.output, "warning", "last.meta.json", "in the future")
    assert {r["settlement"] for r in _export(runner, out)} == {"Plekhovo", "Guyevo", "Sudzha"}


def test_any_failure_reading_or_extracting_one_article_is_that_articles_problem(runner, articles, tmp_path, monkeypatch):
    """Fault injection: failures no input foresaw today (a parser's bug, a date rule at the calendar's edge)."""
    from geo import pipeline

    write_article(articles, "good", CLAIM)
    write_article(articles, "overflow", GOOD)
    (articles / "page.html").write_text(f"<html><body><p>{SUDZHA}</p></body></html>")
    real_extract, real_html = pipeline.extract_one, ingest._html_text

    def extract_one(article, gaz):
        if article.stem == "overflow":
            raise OverflowError("date value out of range")
        return real_extract(article, gaz)

    def html_text(raw):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pipeline, "extract_one", extract_one)
    monkeypatch.setattr(ingest, "_html_text", html_text)
    out = tmp_path / "out"
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    assert output_line(result.output, "skipped", "overflow.txt", "extraction failed", "OverflowError")
    assert output_line(result.output, "skipped", "page.html", "nested too deeply")
    assert {r["settlement"] for r in _export(runner, out)} == {"Plekhovo"}
    assert build_with(runner, articles, out, "--strict").exit_code == 1
    monkeypatch.setattr(pipeline, "extract_one", real_extract)
    monkeypatch.setattr(ingest, "_html_text", real_html)
    again = build_with(runner, articles, out)  # the skipped ones are read again once they can be
    assert {r["settlement"] for r in _export(runner, out)} == {"Plekhovo", "Guyevo", "Sudzha"}, again.output


def _nest(top: Path, depth: int, name: str, text: str) -> None:
    """`top/d/d/…/d/name`, `depth` folders deep (made and removed by changing into them: the path is longer than
    many calls accept)."""
    here = os.getcwd()
    try:
        os.chdir(top)
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        Path(name).write_text(text)
    finally:
        os.chdir(here)


def _unnest(top: Path) -> None:
    """Remove what `_nest` made, without recursion (shutil.rmtree, and so pytest's clean-up of old temporary
    folders, would hit Python's recursion limit)."""
    here = os.getcwd()
    try:
        os.chdir(top)
        depth = 0
        while os.path.isdir("d"):
            os.chdir("d")
            depth += 1
        for name in os.listdir("."):
            os.unlink(name)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(here)


@pytest.fixture
def deep_articles(tmp_path):
    articles = tmp_path / "articles"
    write_article(articles, "top", CLAIM)
    _nest(articles, 1100, "bottom.txt", GOOD)
    yield articles
    _unnest(articles)


def test_folders_1100_deep_and_links_out_of_the_folder_or_back_into_it(runner, tmp_path, deep_articles):
    articles = deep_articles
    outside = tmp_path / "outside"
    write_article(outside, "elsewhere", SUDZHA)
    os.symlink("..", articles / "parent")
    os.symlink(outside, articles / "out_link")
    os.symlink(articles, articles / "loop")
    inner = articles / "zz_inner"
    write_article(inner, "inner", SUDZHA.replace("Sudzha", "Gornal"))
    os.symlink(inner, articles / "a_inner_link")  # inside the folder: followed once, the folder not read twice
    out = tmp_path / "out"
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    assert output_line(result.output, "warning", "parent", "outside the articles folder", "not followed")
    assert output_line(result.output, "warning", "out_link", "outside the articles folder", "not followed")
    assert output_line(result.output, "warning", "loop", "symlink loop", "not followed")
    assert output_line(result.output, "zz_inner", "already read")
    assert {r["settlement"] for r in _export(runner, out)} == {"Plekhovo", "Guyevo", "Gornal"}
    assert "articles: 3" in result.output


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_is_read(runner, articles, tmp_path, encoding):
    articles.mkdir()
    (articles / "wide.txt").write_bytes(SUDZHA.encode(encoding))
    (articles / "wide_ru.txt").write_bytes("Российские войска заняли село Плехово, сообщили в Минобороны России."
                                           .encode(encoding))
    out = tmp_path / "out"
    result = build_with(runner, articles, out)
    assert result.exit_code == 0 and "skipped" not in result.output, result.output
    assert {r["settlement"] for r in _export(runner, out)} == {"Sudzha", "Plekhovo"}


def test_a_file_mixing_utf8_and_cp1251_keeps_both_parts_and_says_so(runner, articles, tmp_path):
    articles.mkdir()
    head = "Российские войска заняли село Плехово, сообщили в Минобороны России.\n"
    tail = "Украинские военные вернули Гуево, заявили в Генштабе ВСУ.\n"
    (articles / "pasted.txt").write_bytes(head.encode("utf-8") + tail.encode("cp1251"))
    (articles / "pasted2.txt").write_bytes(tail.encode("cp1251") + head.encode("utf-8"))
    for name in ("pasted.txt", "pasted2.txt"):
        article, problems = ingest.read_article(articles / name)
        assert article is not None and "Плехово" in article.text and "Гуево" in article.text, name
        assert any("mixes UTF-8 and Windows-1251" in p.reason and not p.fatal for p in problems), problems
    result = build_with(runner, articles, tmp_path / "out")
    assert output_line(result.output, "warning", "pasted.txt", "mixes UTF-8 and Windows-1251")


def test_two_files_of_one_name_are_one_problem_not_a_failed_build(runner, articles, tmp_path):
    write_article(articles, "x", CLAIM)
    (articles / "x.md").write_text(GOOD)
    write_article(articles / "sub", "x", SUDZHA)
    result = build_with(runner, articles, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert output_line(result.output, "skipped", "same name as")
    assert len(_export(runner, tmp_path / "out")) == 1


@pytest.mark.parametrize("inside", [False, True])
def test_an_output_folder_in_the_articles_folder_is_refused(runner, articles, tmp_path, inside):
    write_article(articles, "good", CLAIM)
    out = articles / "maps" if inside else articles
    result = build_with(runner, articles, out)
    assert result.exit_code == 2
    assert ("is inside the articles folder" if inside else "is the articles folder") in result.output
    assert not (out / "index.html").exists() and not (out / "claims.sqlite").exists()


# -- terminal-safe messages ---------------------------------------------------------------------------------
def test_visible_shows_controls_bidi_and_escapes():
    assert visible("a\nb\rc\x1b[2J\u202ed\u2066\x00\x7f\x85") == "a\\nb\\rc\\x1b[2J\\u202ed\\u2066\\x00\\x7f\\x85"
    assert visible("Суджа — “quoted” café\u00a0x") == "Суджа — “quoted” café\u00a0x"
    assert visible(visible("x\ny")) == "x\\ny"
    assert visible("bad\udcff") == "bad\\xff"


@pytest.mark.parametrize("name", ["x\nskipped FORGED.txt", "clear\x1b[2J\x1b]0;owned\x07.txt", "ret\rwarning fake.txt",
                                  "rev\u202etxt.exe.txt", "zero\u200bwidth\u2028line.txt"])
def test_a_file_name_cannot_forge_or_hide_a_line_of_the_report(tmp_path, name):
    articles = tmp_path / "articles"
    write_article(articles, "good", CLAIM)
    (articles / name).write_text("")  # empty: reported with its name
    result = run_geo("build", "--articles", articles, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert not any(line.startswith(("skipped FORGED", "warning fake")) for line in lines), result.stdout
    assert not any(c in result.stdout for c in "\x1b\r\x07\u202e\u200b\u2028"), repr(result.stdout)
    assert output_line(result.stdout, "skipped", visible(name), "empty")


def test_article_text_reaches_the_terminal_without_escape_sequences(runner, articles, tmp_path):
    write_article(articles, "esc", "\x1b[2J\x1b[31mRussian troops captured the village of Plekhovo\x1b[0m, the Russian "
                                   "Defence Ministry said on Saturday.", title="Plekhovo\u202e taken", publisher="Wire\x1b[1m")
    out = tmp_path / "out"
    assert build_with(runner, articles, out).exit_code == 0
    table = runner.invoke(main, ["claims", "Plekhovo", "--db", str(out / "claims.sqlite")])
    assert table.exit_code == 0 and "Plekhovo" in table.output
    assert "\x1b" not in table.output and "\u202e" not in table.output
    assert _stored(out, "SELECT title, publisher FROM articles") == [("Plekhovo taken", "Wire[1m")]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "\u202e" not in page and "\x1b" not in page
