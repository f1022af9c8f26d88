"""A reference layer on the built map, in the real browser: the snapshot of the slider day under the markers
with its age, a toggle, the ledger line, and the mark on markers whose claims differ from it."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from geo.cli import main

from reference_snapshots import generic_folder, write_articles
from test_map_browser import Page, browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("ref")
    articles, out = write_articles(base / "articles"), base / "maps"
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--articles", str(articles), "--out", str(out)]).exit_code == 0
    added = runner.invoke(main, ["reference", "add", "Assessed", str(generic_folder(base / "snaps")), "--format", "generic",
                                 "--default", "RU=russia,UA=ukraine", "--db", str(out / "claims.sqlite")])
    assert added.exit_code == 0, added.output
    result = runner.invoke(main, ["build", "--articles", str(articles), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "index.html"


def _paths(p: Page) -> list[str]:
    return p.page.eval_on_selector_all(".leaflet-gcRef-pane path", "els => els.map(e => e.getAttribute('class'))")


def _ref(p: Page, slug: str) -> str:
    return p.page.get_attribute(f".gc-icon[data-slug='{slug}']", "data-ref")


def test_the_layer_of_the_day_its_age_and_the_disagreement_mark(browser, built):  # noqa: F811
    p = Page(browser, built.as_uri())
    try:
        p.set_date("2024-08-07")
        assert p.page.text_content("#gc-ref-age-0") == "snapshot of 2024-08-05 (2 days old)"
        assert len(_paths(p)) == 1 and "gc-ref-ukraine" in _paths(p)[0]
        # Kyiv claims Sudzha; the reference still draws it Russian-held (outside the polygon, in Russia): marked
        assert p.state("sudzha") == "ukraine" and _ref(p, "sudzha") == "differs"
        assert _ref(p, "guyevo") == ""  # claimed Ukrainian, drawn Ukrainian-held
        assert p.page.locator(".gc-icon[data-slug='sudzha'] .gm-refdiff").count() == 1
        p.page.click(".gc-icon[data-slug='sudzha']")
        assert "Assessed on this day: Russian-held (snapshot of 2024-08-05)" in p.page.text_content("#gc-ledger")
        p.set_date("2024-08-10")  # the polygon grew over Sudzha: the claim is confirmed
        assert p.page.text_content("#gc-ref-age-0") == "snapshot of 2024-08-10 (0 days old)"
        assert _ref(p, "sudzha") == ""
        assert "Assessed on this day: Ukrainian-held (snapshot of 2024-08-10)" in p.page.text_content("#gc-ledger")
        # an unchanged snapshot shares its geometry with the day before
        assert p.page.evaluate("(() => { var r = geoApp.refs[0]; return [r.of[2] === r.of[3], r.parts.length]; })()") == [True, 3]
        p.set_date("2024-08-12")  # Moscow claims Sudzha back while the reference still draws it Ukrainian-held
        assert p.state("sudzha") == "disputed" and _ref(p, "sudzha") == "differs"
        # the toggle hides the layer and its marks
        p.page.click("#gc-ref-0")
        assert _paths(p) == [] and _ref(p, "sudzha") == ""
        p.page.click("#gc-ref-0")
        assert len(_paths(p)) == 1 and _ref(p, "sudzha") == "differs"
        # only the Russian side shown: its claim on Sudzha still runs ahead of the reference
        p.page.click("#gc-side-ukraine")
        assert p.state("sudzha") == "russia" and _ref(p, "sudzha") == "differs"
        p.set_date("2024-08-20")
        assert _ref(p, "sudzha") == "" and p.page.text_content("#gc-ref-age-0").startswith("snapshot of 2024-08-20")
        p.set_date("2024-08-02")
        assert p.page.text_content("#gc-ref-age-0") == "snapshot of 2024-08-01 (1 day old)"
        assert p.external == [] and p.errors == []
    finally:
        p.close()


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_the_reference_panel_keeps_the_layout(browser, built, width, height):  # noqa: F811
    from test_analyst_browser import PANELS, VISIBLE_RECTS, _page

    p = _page(browser, built.as_uri() + "#date=2024-08-07&place=sudzha", width, height)
    try:
        p.page.wait_for_selector("#gc-ledger.open")
        if p.page.get_attribute("#gc-refs-head", "aria-expanded") == "false":
            p.page.click("#gc-refs-head")
        rects = p.page.evaluate(VISIBLE_RECTS, PANELS + ["#gc-refs"])
        assert any(name == "gc-refs" for name, _ in rects), rects
        for i, (a, ra) in enumerate(rects):
            assert ra[0] >= -1 and ra[1] >= -1 and ra[2] <= width + 1 and ra[3] <= height + 1, (a, ra)
            for b, rb in rects[i + 1:]:
                assert not (min(ra[2], rb[2]) - max(ra[0], rb[0]) > 0.5 and min(ra[3], rb[3]) - max(ra[1], rb[1]) > 0.5), (a, ra, b, rb)
        assert "Assessed on this day: Russian-held" in p.page.text_content("#gc-ledger")
        assert p.errors == [] and p.external == []
    finally:
        p.close()


def test_the_permalink_names_the_layers_shown(browser, built):  # noqa: F811
    p = Page(browser, built.as_uri() + "#date=2024-08-07")
    try:
        p.page.click("#gc-ref-0")
        p.page.wait_for_function("location.hash.indexOf('refs=none') >= 0")
        assert p.page.evaluate("location.hash").startswith("#date=2024-08-07")
    finally:
        p.close()
    p = Page(browser, built.as_uri() + "#date=2024-08-07&place=sudzha&refs=none")
    try:
        assert _paths(p) == [] and not p.page.is_checked("#gc-ref-0") and _ref(p, "sudzha") == ""
        assert "Assessed on this day: Russian-held" in p.page.text_content("#gc-ledger")  # the ledger still says it
    finally:
        p.close()
    p = Page(browser, built.as_uri() + "#date=2024-08-07&refs=Assessed")
    try:
        assert len(_paths(p)) == 1 and p.page.is_checked("#gc-ref-0")
    finally:
        p.close()
    p = Page(browser, built.as_uri() + "#date=2024-08-07&refs=DeepState")
    try:
        assert '"DeepState" is not a reference map of this page' in p.page.text_content("#gc-notice")
        assert len(_paths(p)) == 1 and p.date_shown().strip().startswith("2024-08-07")
        assert p.errors == []
    finally:
        p.close()
