"""The map as an analyst uses it (issue 16), in Debian's Chromium: places sharing a point, conflicts within a side,
the day's news, the permalink, the phone layout, the ledger, orientation and search."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from map_fixture import base_layers, build_data  # noqa: E402
from test_map_browser import Page, browser  # noqa: E402,F401  (the shared Chromium fixture)

from geo.map.data import MapClaim, MapPlace, Town
from geo.map.page import render_map

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SUDZHANSKY = (51.25, 35.20)  # one raion point shared by three area places


def analyst_data():
    base = build_data()
    places = list(base.places)
    claims = list(base.claims)
    for name in ("Goncharovka", "Rubanshchina", "Darino"):
        places.append(MapPlace(id=f"wp:{name.lower()}", name_en=name, name_ru="", name_uk="", lat=SUDZHANSKY[0],
                               lon=SUDZHANSKY[1], precision="area", precision_note="location approximate: within Sudzhansky raion",
                               oblast="Kursk Oblast", raion="Sudzhansky", spellings=(name,)))
    g, r, d = len(places) - 3, len(places) - 2, len(places) - 1

    def claim(place, date, status, side, claimant, evidence, **kw):
        claims.append(MapClaim(place, date, status, side, claimant, kw.get("publisher", "TASS"), kw.get("article", f"x{len(claims)}"),
                               kw.get("url", f"https://example.org/x/{len(claims)}"), evidence, None, kw.get("citations", 1),
                               "liberated", title=kw.get("title", ""), published=kw.get("published", ""), file=kw.get("file", "")))

    claim(g, "2025-04-20", "russia", "russia", "Russian Defense Ministry", "Goncharovka was liberated.",
          title="Russia says it took Goncharovka", published="2025-04-21")
    claim(r, "2025-04-20", "ukraine", "ukraine", "Ukrainian General Staff", "Rubanshchina is held.", url=None, file="012_local.txt",
          title="Local report")
    claim(d, None, "russia", "russia", "Russian Defense Ministry", "Darino was liberated at some point.")  # undated only
    # a capture and "fighting continues" from the same side on the same day (the Gornal case)
    claim(1, "2025-04-26", "russia", "russia", "Gerasimov", "Gerasimov said Malaya Loknya was liberated.")
    for who in ("Two Majors", "Rybar", "Podolyaka"):
        claim(1, "2025-04-26", "contested", "russia", who, f"{who}: fighting continues in Malaya Loknya.")
    claim(1, "2025-04-26", "contested", "unknown", "a local resident", "Fighting goes on, a resident said.")
    towns = (Town("Kursk", "Курск", "Курськ", 51.7373, 36.1874, 440052, "", "Kursk Oblast"),
             Town("Tetkino", "Тёткино", "Тьоткіно", 51.2726, 34.2847, 4000, "Glushkovsky", "Kursk Oblast"),
             Town("Sumy", "Сумы", "Суми", 50.9077, 34.7981, 263000, "", "Sumy Oblast"))
    return replace(base, places=places, claims=claims, towns=towns)


def layers():
    b = base_layers()
    b["border"] = {"type": "MultiLineString", "coordinates": [[[34.0, 51.0], [35.0, 51.1], [36.0, 50.9]]]}
    b["rivers"] = {"type": "MultiLineString", "coordinates": [[[34.5, 51.6], [35.5, 51.4]]]}
    return b


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("analyst") / "index.html"
    render_map(analyst_data(), out, layers())
    return out


@pytest.fixture
def open_page(browser, page_file):  # noqa: F811
    pages = []

    def _open(hash_: str = "", width: int = 1280, height: int = 800) -> Page:
        p = _page(browser, page_file.as_uri() + hash_, width, height)
        pages.append(p)
        return p

    yield _open
    for p in pages:
        assert not p.errors, p.errors
        assert p.external == []
        p.close()


def _page(browser, url, width, height):  # noqa: F811
    """The shared Page at another viewport size."""
    class Sized(Page):
        def __init__(self):
            self.ctx = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 600,
                                           has_touch=width < 600)
            self.external, self.alerts, self.errors = [], [], []
            self.ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                           else (self.external.append(r.request.url), r.abort()))
            self.page = self.ctx.new_page()
            self.page.on("pageerror", lambda e: self.errors.append(str(e)))
            self.page.goto(url)
            self.page.wait_for_selector("html[data-gc-ready='1']", timeout=15000)
    return Sized()


def box(p, selector):
    return p.page.eval_on_selector(selector, "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }")


# ------------------------------------------------------------------ every place reachable
def test_places_sharing_a_point_are_spread_each_clickable_highlighted_and_deep_linked(open_page):
    p = open_page("#2025-04-27")
    slugs = ["goncharovka", "rubanshchina", "darino"]
    boxes = [box(p, f".gc-icon[data-slug='{s}']") for s in slugs]
    centres = {((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in boxes}
    assert len(centres) == 3  # three positions, not one
    for a in range(3):
        for b in range(a + 1, 3):
            ca, cb = boxes[a], boxes[b]
            assert abs((ca[0] + ca[2]) / 2 - (cb[0] + cb[2]) / 2) + abs((ca[1] + ca[3]) / 2 - (cb[1] + cb[3]) / 2) >= 12
    assert p.state("darino") == "undated"  # undated claims only: still drawn, so it can be clicked
    for slug in slugs:
        p.page.click(f".gc-icon[data-slug='{slug}']")
        assert p.page.get_attribute("#gc-ledger", "data-slug") == slug
        assert "gc-sel" in p.page.get_attribute(f".gc-icon[data-slug='{slug}']", "class")
        assert p.page.locator(".gc-icon.gc-sel").count() == 1
    q = open_page("#date=2025-04-27&place=darino")
    assert q.page.get_attribute("#gc-ledger", "data-slug") == "darino"
    assert "gc-sel" in q.page.get_attribute(".gc-icon[data-slug='darino']", "class")
    q.page.fill("#gc-search", "Rubansh")
    q.page.press("#gc-search", "Enter")
    assert q.page.get_attribute("#gc-ledger", "data-slug") == "rubanshchina"


# ------------------------------------------------------------------ conflicts within a side
def test_a_capture_is_not_hidden_by_fighting_claims_of_the_same_side(open_page):
    p = open_page("#date=2025-04-26&sides=russia")
    assert p.state("malaya-loknya") == "russia"
    assert "gm-conflict" in p.page.get_attribute(".gc-icon[data-slug='malaya-loknya'] .gm", "class")
    p.page.click(".gc-icon[data-slug='malaya-loknya']", force=True)
    summary = p.page.text_content("#gc-summary")
    assert "Russian side: Russian control claimed 2025-04-26, Gerasimov" in summary
    assert "sources disagree" in summary and "fighting reported (contested) (3 sources)" in summary
    assert "side not stated" in p.page.text_content("#gc-ledger")  # the resident's side, in words


# ------------------------------------------------------------------ words, swatches, legend, filter
def test_words_swatches_legend_and_a_real_disputed_filter(open_page):
    p = open_page("#2025-03-13")
    toggles = p.page.text_content("#gc-toggles")
    assert "Claimed by the Russian side" in toggles and "Russian claims" not in toggles
    assert p.page.locator("#gc-toggles label .gc-sw-side").count() == 3
    assert "Russian control claimed" in p.page.text_content("#gc-counts")
    legend = p.page.text_content("#gc-legend")
    for split in ("Russian / Ukrainian control", "Russian control / contested", "Ukrainian control / contested", "all three"):
        assert split in legend
    assert "state border" in legend and "rivers" in legend
    backgrounds = p.page.eval_on_selector_all("#gc-legend .gm-disputed", "els => els.map(e => e.style.background)")
    assert len(set(backgrounds)) == 4
    shown = p.page.eval_on_selector_all(".gc-icon", "els => els.filter(e => e.style.visibility !== 'hidden').length")
    p.page.check("#gc-only-disputed")
    visible = p.page.eval_on_selector_all(".gc-icon", "els => els.filter(e => e.style.visibility !== 'hidden').map(e => e.dataset.state)")
    assert visible == ["disputed"] and shown > 1
    assert "only=disputed" in p.page.evaluate("new Promise(r => setTimeout(() => r(location.hash), 150))")


# ------------------------------------------------------------------ the day's news, play, latest day
def test_the_days_news_lists_claims_and_changes_each_clickable(open_page):
    p = open_page()
    assert p.date_shown() == "2025-04-27"
    p.page.click("#gc-prev-day")
    assert p.date_shown() == "2025-04-26"
    # The day's news is drawn on the next animation frame after the step, not within it.
    p.page.wait_for_function("document.querySelector('#gc-news-claims').textContent.includes('Malaya Loknya')", timeout=5000)
    claims = p.page.text_content("#gc-news-claims")
    assert "Malaya Loknya" in claims and "Gerasimov" in claims and "Russian side" in claims
    changes = p.page.text_content("#gc-news-changes")
    assert "Malaya Loknya" in changes and "Since" not in changes
    assert "Changes since 2025-04-20" in p.page.text_content("#gc-news")
    p.page.click("#gc-news-claims button[data-slug='malaya-loknya']")
    assert p.page.get_attribute("#gc-ledger", "data-slug") == "malaya-loknya"
    assert p.page.is_disabled("#gc-next-day")  # no claim after 2025-04-26
    p.page.click("#gc-prev-day")
    assert p.date_shown() == "2025-04-20"


def test_play_has_a_speed_control(open_page):
    p = open_page("#2024-08-10")
    options = p.page.eval_on_selector_all("#gc-speed option", "els => els.map(e => e.textContent)")
    assert "1 day/s" in options and "30 days/s" in options and "claim days" in options
    p.page.select_option("#gc-speed", label="30 days/s")
    p.page.click("#gc-play")
    p.page.wait_for_function("document.getElementById('gc-date').textContent >= '2024-08-25'", timeout=5000)
    p.page.click("#gc-play")
    p.page.select_option("#gc-speed", label="claim days")
    p.set_date("2024-08-16")
    p.page.click("#gc-play")
    p.page.wait_for_function("document.getElementById('gc-date').textContent === '2024-09-01'", timeout=5000)  # the next claim day
    p.page.click("#gc-play")


# ------------------------------------------------------------------ permalink
def test_the_permalink_keeps_the_whole_view(open_page):
    p = open_page("#2025-03-13")
    p.page.uncheck("#gc-side-third_party")
    p.page.check("#gc-only-disputed")
    p.page.evaluate("geoApp.select({kind: 'place', i: 0})")
    p.page.evaluate("geoApp.map.setView([51.2, 35.2], 12, {animate: false})")
    p.page.wait_for_function("location.hash.includes('zoom=12')")
    h = p.page.evaluate("location.hash")
    assert h == "#date=2025-03-13&place=sudzha&zoom=12&at=51.2000,35.2000&sides=russia,ukraine&only=disputed"
    q = open_page(h)
    assert q.date_shown() == "2025-03-13"
    assert q.page.get_attribute("#gc-ledger", "data-slug") == "sudzha"
    assert q.page.evaluate("[geoApp.map.getZoom(), +geoApp.map.getCenter().lat.toFixed(4), +geoApp.map.getCenter().lng.toFixed(4)]") == [12, 51.2, 35.2]
    assert q.page.is_checked("#gc-side-russia") and not q.page.is_checked("#gc-side-third_party") and q.page.is_checked("#gc-only-disputed")
    assert q.page.is_hidden("#gc-notice")


def test_a_bad_link_says_what_it_could_not_use(open_page):
    p = open_page("#date=2025-13-45&place=darinoo&zoom=99&at=x&sides=martians&colour=red")
    notice = p.page.text_content("#gc-notice")
    for part in ("date=2025-13-45 is not a day", "place=darinoo: no settlement", "zoom=99 is not a zoom level",
                 "at=x is not latitude,longitude", "martians", "colour=red"):
        assert part in notice, part
    assert p.date_shown() == "2025-04-27"
    q = open_page("#2026-01-01")
    assert "after the last day of the data (2025-04-27)" in q.page.text_content("#gc-notice")
    assert q.date_shown() == "2025-04-27"
    r = open_page("#2023-01-01")
    assert "before the first day" in r.page.text_content("#gc-notice") and r.date_shown() == "2024-08-06"
    r.page.click("#gc-notice .gc-close")
    assert r.page.is_hidden("#gc-notice")


# ------------------------------------------------------------------ layout on a phone and a desktop
PANELS = ["#gc-search", "#gc-counts", "#gc-news", "#gc-toggles", "#gc-legend", "#gc-unlocated", "#gc-slider-panel",
          "#gc-ledger", "#gc-notice", ".leaflet-control-zoom", ".leaflet-control-attribution", ".leaflet-control-scale"]
VISIBLE_RECTS = """sels => sels.flatMap(sel => Array.from(document.querySelectorAll(sel))).filter(e => {
  const s = getComputedStyle(e); return s.display !== 'none' && s.visibility !== 'hidden' && !e.hidden && e.offsetParent !== null;
}).map(e => {
  // what the reader sees: the element's box clipped by every scrolling ancestor (a dock scrolls inside its cell)
  let r = e.getBoundingClientRect(), box = [r.left, r.top, r.right, r.bottom];
  for (let a = e.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (/(auto|scroll|hidden)/.test(s.overflow + s.overflowY)) {
      const q = a.getBoundingClientRect();
      box = [Math.max(box[0], q.left), Math.max(box[1], q.top), Math.min(box[2], q.right), Math.min(box[3], q.bottom)];
    }
  }
  return [e.id || e.className, box];
}).filter(x => x[1][2] - x[1][0] > 0 && x[1][3] - x[1][1] > 0)"""


def assert_no_overlap(p, width, height, what):
    rects = p.page.evaluate(VISIBLE_RECTS, PANELS)
    assert len(rects) >= 5, rects
    for name, (x0, y0, x1, y1) in rects:
        assert x0 >= -1 and y0 >= -1 and x1 <= width + 1 and y1 <= height + 1, (what, name, (x0, y0, x1, y1))
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            overlap = min(ra[2], rb[2]) - max(ra[0], rb[0]) > 0.5 and min(ra[3], rb[3]) - max(ra[1], rb[1]) > 0.5
            assert not overlap, (what, a, ra, b, rb)
    return rects


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_panels_never_overlap_and_the_slider_stays_visible(open_page, width, height, tmp_path):
    p = open_page("#2025-03-13", width, height)
    assert_no_overlap(p, width, height, "closed")
    heads = p.page.eval_on_selector_all(".gc-fold-head", "els => els.map(e => e.id)")
    assert len(heads) == 4
    for head in heads:  # each panel opened in turn (on a phone the others fold)
        if p.page.get_attribute(f"#{head}", "aria-expanded") == "false":
            p.page.click(f"#{head}")
        assert_no_overlap(p, width, height, head)
    p.page.click(".gc-icon[data-slug='sudzha']", force=True)
    p.page.wait_for_selector("#gc-ledger.open")
    rects = dict(assert_no_overlap(p, width, height, "ledger open"))
    assert "gc-slider-panel" in rects and "gc-ledger" in rects
    slider, ledger = rects["gc-slider-panel"], rects["gc-ledger"]
    if width < 600:  # a bottom sheet above the slider, the full width
        assert ledger[3] <= slider[1] and ledger[2] - ledger[0] > width * 0.9
        assert p.page.evaluate("getComputedStyle(document.querySelector('.leaflet-control-zoom')).display") == "none"
    breaks = p.page.evaluate("""() => Array.from(document.querySelectorAll('#gc-layout *')).filter(
        e => getComputedStyle(e).wordBreak === 'break-all' || getComputedStyle(e).overflowWrap === 'anywhere').length""")
    assert breaks == 0  # no mid-word breaks
    # the selected marker sits in the part of the map no panel covers
    sel = box(p, ".gc-icon.gc-sel")
    cx, cy = (sel[0] + sel[2]) / 2, (sel[1] + sel[3]) / 2
    for name, r in rects.items():
        assert not (r[0] < cx < r[2] and r[1] < cy < r[3]), (name, r, (cx, cy))
    shot = Path(os.environ.get("GC_SHOTS", tmp_path)) / f"analyst-{width}x{height}.png"
    p.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


# ------------------------------------------------------------------ ledger
def test_ledger_summary_titles_dates_local_files_and_hover_per_side(open_page):
    p = open_page("#date=2025-04-27&place=goncharovka")
    led = p.page.locator("#gc-ledger")
    assert "Russian side: Russian control claimed 2025-04-20" in p.page.text_content("#gc-summary")
    link = led.locator("a").first
    assert link.text_content() == "Russia says it took Goncharovka (2025-04-21)"
    assert "reported by" not in led.text_content()  # one outlet: nothing to say
    p.page.click(".gc-icon[data-slug='rubanshchina']")
    text = led.text_content()
    assert led.locator("a").count() == 0 and "Local report" in text and "local file 012_local.txt" in text
    p.page.click("#gc-ledger-close")
    p.page.hover(".gc-icon[data-slug='goncharovka']")
    tip = p.page.wait_for_selector(".leaflet-tooltip:has-text('Goncharovka')").text_content()
    assert "Russian side: Russian control claimed (2025-04-20)" in tip and "Ukrainian side: no claim yet" in tip
    p.page.click(".gc-icon[data-slug='goncharovka']")
    p.page.wait_for_timeout(300)  # a closed tooltip fades out for 200 ms
    tips = p.page.eval_on_selector_all(".leaflet-tooltip", "els => els.map(e => e.textContent)")
    assert not any(t.startswith("Goncharovka") for t in tips)  # the clicked place's tooltip closes
    # and no tooltip can lie over the ledger: the ledger is what the reader sees at every point of it
    assert p.page.evaluate("""() => { const r = document.getElementById('gc-ledger').getBoundingClientRect();
        return [[0.2, 0.2], [0.5, 0.5], [0.8, 0.8]].every(([fx, fy]) =>
          document.getElementById('gc-ledger').contains(document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height))); }""")


# ------------------------------------------------------------------ orientation and search
def test_border_rivers_and_towns_by_size(open_page):
    p = open_page("#2025-04-27")
    assert p.page.evaluate("Object.keys(geoApp.base).sort().join(',')") == "border,oblasts,raions,rivers"
    assert p.page.evaluate("geoApp.base.border.options.style.weight > geoApp.base.oblasts.options.style.weight")
    p.page.evaluate("geoApp.map.setView([51.4, 35.3], 8, {animate: false})")
    kursk = p.page.locator(".gc-label[data-town='Kursk'] span")
    assert kursk.count() == 1 and "gc-size-0" in kursk.get_attribute("class")
    p.page.evaluate("geoApp.map.setView([51.27, 34.28], 12, {animate: false})")
    assert p.page.locator(".gc-label[data-town='Tetkino']").count() == 1  # a village, labelled when zoomed in


def test_search_matches_as_the_cli_does_and_finds_places_with_no_claims(open_page):
    p = open_page()
    p.page.fill("#gc-search", "Sudzah")  # a typo: a close spelling, as `geo resolve Sudzah` suggests
    p.page.wait_for_selector("#gc-search-results li[data-slug='sudzha']")
    p.page.fill("#gc-search", "Tyotkino")  # no claims: the gazetteer's place, said so
    item = p.page.wait_for_selector("#gc-search-results li[data-town='Tetkino']")
    assert "no claims yet" in item.text_content()
    p.page.press("#gc-search", "Enter")
    assert "No claims yet" in p.page.text_content("#gc-ledger")
    p.page.fill("#gc-search", "Курськ")
    p.page.wait_for_selector("#gc-search-results li[data-town='Kursk']")


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="no node")
def test_the_page_folds_and_matches_names_as_the_cli_does():
    import difflib

    from geo.normalize import fold_name, skeleton

    names = ["Sudzha", "Суджа", "Hornal", "Gornal'", "Nikolayevo-Darino", "Mykolaivka", "Tyotkino", "Тёткино",
             "Oleshnya", "Oleshnia", "Fanaseyevka", "Zhuravka", "Shchukino", "Bol’shoye Soldatskoye", "Kazachya Loknya",
             "İstanbul", "Korenevo", "Snagost", "Lyubimovka", "Liubymivka", "Guevo", "Guyevo", "Gogolevka", "Pogrebki"]
    queries = ["sudzah", "gornall", "nikolaevo darino", "liubimovka", "tetkino", "kazachia loknia"]
    core = (ROOT / "geo" / "map" / "templates" / "map_core.js").read_text(encoding="utf-8")
    js = ("global.window = {}; eval(require('fs').readFileSync(0, 'utf8')); const GC = window.GeoClaims;"
          f"const names = {json.dumps(names)}, queries = {json.dumps(queries)};"
          "const keys = names.map(n => GC.fold(n));"
          "process.stderr.write(JSON.stringify([keys, names.map(n => GC.skeleton(n)), queries.map(q => GC.closeMatches(q, keys, 5, 0.6))]));")
    out = subprocess.run([NODE, "-e", js], input=core, capture_output=True, text=True, check=True).stderr
    folded, skeletons, close = json.loads(out)
    assert folded == [fold_name(n) for n in names]
    assert skeletons == [skeleton(n) for n in names]
    keys = [fold_name(n) for n in names]
    assert close == [difflib.get_close_matches(q, keys, 5, 0.6) for q in queries]
