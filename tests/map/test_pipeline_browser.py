"""End to end in the real browser: articles → `geo build` → the page; the slider moves colours and the ledger."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from geo.cli import main

from conftest import ROOT, write_article
from test_map_browser import Page, browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser

# Three days of claims about one village, from both sides, written for this test.
ARTICLES = [
    ("d1", "Ukrainian forces took control of the village of Plekhovo, Ukraine's General Staff said on Monday.", "2024-12-02"),
    ("d2", "Russian troops captured Plekhovo, the Russian Defence Ministry said on Friday.", "2024-12-06"),
    ("d3", "Fighting continues near Plekhovo, Ukraine's General Staff said on Wednesday.", "2024-12-11"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    for stem, text, pub in ARTICLES:
        write_article(folder, stem, text, publisher="Test Wire", published=pub)
    out = tmp_path_factory.mktemp("maps")
    result = CliRunner().invoke(main, ["build", "--articles", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "index.html"


def test_slider_moves_colours_and_ledger_of_a_built_map(browser, built):  # noqa: F811
    p = Page(browser, built.as_uri())
    try:
        p.set_date("2024-12-02")
        assert p.state("plekhovo").startswith("ukraine")
        p.set_date("2024-12-06")
        # Russia now claims it, Ukraine's claim of Monday still stands: the sides disagree.
        assert p.counts()["disputed"] == 1
        p.page.click(".gc-icon[data-slug='plekhovo']")
        ledger = p.page.text_content("#gc-ledger")
        assert "Russian Defense Ministry" in ledger and "General Staff" in ledger
        p.set_date("2024-12-11")
        assert p.counts()["contested"] + p.counts()["disputed"] >= 1
        assert p.external == [] and p.errors == []
    finally:
        p.close()


def test_committed_seeds_map_opens_offline(browser):  # noqa: F811
    p = Page(browser, (ROOT / "maps" / "index.html").as_uri() + "#2025-04-26/gornal")
    try:
        assert p.date_shown().strip().startswith("2025-04-26")
        assert p.state("gornal").startswith("russia")
        assert "Gerasimov" in p.page.text_content("#gc-ledger")
        assert p.external == []
    finally:
        p.close()


def test_a_local_article_is_named_not_linked(browser):  # noqa: F811
    """A relative link to ../seeds/ breaks once the page is shared: the ledger names the file instead."""
    p = Page(browser, (ROOT / "maps" / "index.html").as_uri() + "#2025-04-26/gornal")
    try:
        assert p.page.locator("#gc-ledger a[href*='seeds/']").count() == 0
        assert all(h.startswith("https://") for h in p.page.eval_on_selector_all("#gc-ledger a", "els => els.map(a => a.href)"))
        assert "local file 004_30918cf3994168c8.txt" in p.page.text_content("#gc-ledger")
    finally:
        p.close()


def test_a_russian_quote_keeps_its_language_and_shows_its_cue_in_english(browser, tmp_path):  # noqa: F811
    folder = tmp_path / "articles"
    folder.mkdir()
    write_article(folder, "ru1", "Российские военные освободили Плехово, сообщило Минобороны России.",
                  publisher="Тестовое агентство", published="2024-12-06")
    write_article(folder, "en1", "Fighting continues near Plekhovo, Ukraine's General Staff said on Wednesday.",
                  published="2024-12-11")
    out = tmp_path / "maps"
    result = CliRunner().invoke(main, ["build", "--articles", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    p = Page(browser, (out / "index.html").as_uri() + "#2024-12-11/plekhovo")
    try:
        langs = p.page.eval_on_selector_all("#gc-ledger blockquote", "els => els.map(e => e.getAttribute('lang'))")
        assert sorted(langs) == ["en", "ru"]
        ledger = p.page.text_content("#gc-ledger")
        assert "освободили" in ledger and "(liberated)" in ledger  # the quote as written, its cue in English
        assert p.errors == []
    finally:
        p.close()
