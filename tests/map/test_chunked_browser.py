"""A large store's map (geo/map/chunks.py): `geo build` writes a page that loads its claims' quotes and sources
in chunk scripts from index-claims/ beside it; opened from disk (file://) in Chromium, the slider and markers
work at once and the ledger shows a place's quotes once its chunk has loaded. A rebuild writes the same files a
fresh build writes and leaves no chunk the page does not name. (The size it starts at is lowered here.)"""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.map import chunks

from conftest import write_article
from test_map_browser import Page, browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser

ARTICLES = [
    ("d1", "Ukrainian forces took control of the village of Plekhovo, Ukraine's General Staff said on Monday.", "2024-12-02"),
    ("d2", "Russian troops captured Plekhovo, the Russian Defence Ministry said on Friday.", "2024-12-06"),
    ("d3", "Fighting continues near Guyevo, Ukraine's General Staff said on Wednesday.", "2024-12-11"),
    ("d4", "Russian troops captured the village of Sverdlikovo <b>bold</b>, the Russian Defence Ministry said on Friday.",
     "2024-12-13"),
]


def _build(folder, out):
    result = CliRunner().invoke(main, ["build", "--articles", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output


def _files(out) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in [out / "index.html", *sorted((out / "index-claims").iterdir())]}


@pytest.fixture
def chunked(monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_FROM", 2)  # a "large" store from two claims on
    monkeypatch.setattr(chunks, "CHUNK_CLAIMS", 2)


def test_a_large_store_writes_chunks_beside_the_page_and_rebuilds_alike(tmp_path, chunked):
    folder, out, fresh = tmp_path / "articles", tmp_path / "out", tmp_path / "fresh"
    for stem, text, pub in ARTICLES[:3]:
        write_article(folder, stem, text, publisher="Test Wire", published=pub)
    _build(folder, out)
    first = _files(out)
    assert len(first) == 1 + 2  # the page and two chunks of (up to) two claims
    page = first["index.html"].decode()
    assert "Russian troops captured" not in page and "took control" in page  # quotes in chunks (a cue is not)
    assert all(re.fullmatch(rb"GeoClaims\.chunk\(\{.*\}\);\n", body, re.S) for name, body in first.items() if name != "index.html")
    stem, text, pub = ARTICLES[3]
    write_article(folder, stem, text, publisher="Test Wire", published=pub)
    _build(folder, out)
    _build(folder, fresh)
    assert _files(out) == _files(fresh)  # and no chunk of the first page is left behind


def test_a_small_store_keeps_one_file(tmp_path):
    folder, out = tmp_path / "articles", tmp_path / "out"
    for stem, text, pub in ARTICLES:
        write_article(folder, stem, text, publisher="Test Wire", published=pub)
    _build(folder, out)
    assert not (out / "index-claims").exists() and "Russian troops captured" in (out / "index.html").read_text()


def test_a_chunked_map_opens_from_disk_and_loads_a_places_quotes(browser, tmp_path, chunked):  # noqa: F811
    folder, out = tmp_path / "articles", tmp_path / "maps"
    for stem, text, pub in ARTICLES:
        write_article(folder, stem, text, publisher="Test Wire", published=pub, url=f"https://example.org/{stem}")
    _build(folder, out)
    assert len(list((out / "index-claims").iterdir())) == 2
    p = Page(browser, (out / "index.html").as_uri())
    try:
        assert p.page.evaluate("() => window.geoApp.chunkData.filter(Boolean).length") == 0  # nothing loaded yet
        p.set_date("2024-12-06")
        assert p.counts()["disputed"] == 1  # the slider and markers need no chunk
        p.page.click(".gc-icon[data-slug='plekhovo']")
        p.page.wait_for_function("() => document.querySelector('#gc-ledger').textContent.includes('Russian troops captured')")
        ledger = p.page.text_content("#gc-ledger")
        assert "Russian Defense Ministry" in ledger and "took control of the village" in ledger
        assert "loading the quote" not in ledger
        p.set_date("2024-12-13")
        p.page.click(".gc-icon[data-slug='sverdlikovo']")
        p.page.wait_for_function("() => document.querySelector('#gc-ledger').textContent.includes('<b>bold</b>')")
        assert p.page.locator("#gc-ledger b", has_text="bold").count() == 0  # the quote is text, never markup
        assert p.external == [] and p.errors == []
    finally:
        p.close()


def test_a_missing_chunk_folder_is_said_plainly(browser, tmp_path, chunked):  # noqa: F811
    folder, out = tmp_path / "articles", tmp_path / "maps"
    for stem, text, pub in ARTICLES[:2]:
        write_article(folder, stem, text, publisher="Test Wire", published=pub)
    _build(folder, out)
    for f in (out / "index-claims").iterdir():
        f.unlink()
    p = Page(browser, (out / "index.html").as_uri())
    try:
        p.page.click(".gc-icon[data-slug='plekhovo']")
        p.page.wait_for_function("() => document.body.textContent.includes('keep the folder index-claims beside this page')")
        assert p.external == []
    finally:
        p.close()
