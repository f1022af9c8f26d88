"""The map page in headless Chromium (Debian's /usr/bin/chromium via Playwright), offline."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from map_fixture import XSS_EVIDENCE, XSS_NAME, base_layers, build_data  # noqa: E402

from geo.map.page import render_map
from geo.map.payload import build_payload, payload_json  # noqa: E402

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("map") / "index.html"
    render_map(build_data(), out, base_layers())
    return out


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("no /usr/bin/chromium")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class Page:
    """A page with every non-file request aborted and counted, alerts and errors recorded."""

    def __init__(self, browser, url: str, init_script: str = "", **ctx):
        self.ctx = browser.new_context(viewport={"width": 1280, "height": 800}, **ctx)
        self.external: list[str] = []
        self.alerts: list[str] = []  # dialogs shown, and pop-up windows opened
        self.errors: list[str] = []

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                self.external.append(r.request.url)
                r.abort()

        self.ctx.route("**/*", route)
        self.page = self.ctx.new_page()
        self.page.on("dialog", lambda d: (self.alerts.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("popup", lambda p: self.alerts.append("popup " + p.url))
        self.page.add_init_script(init_script or
                                  "window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };")
        self.page.goto(url)
        self.page.wait_for_selector("html[data-gc-ready='1']", timeout=15000)

    def state(self, slug: str) -> str:
        return self.page.get_attribute(f".gc-icon[data-slug='{slug}']", "data-state")

    def counts(self) -> dict:
        el = self.page.locator("#gc-counts")
        return {k: int(el.get_attribute(f"data-{k}")) for k in ("russia", "ukraine", "contested", "disputed")}

    def set_date(self, iso: str) -> None:
        self.page.evaluate("iso => window.geoApp.setDate(iso)", iso)

    def slide_to(self, day: int) -> None:
        self.page.eval_on_selector("#gc-slider", "(el, d) => { el.value = String(d); el.dispatchEvent(new Event('input')); }", day)

    def date_shown(self) -> str:
        return self.page.text_content("#gc-date")

    def close(self):
        self.ctx.close()


@pytest.fixture
def open_page(browser, page_file):
    pages = []

    def _open(hash_: str = "", **ctx) -> Page:
        p = Page(browser, page_file.as_uri() + hash_, **ctx)
        pages.append(p)
        return p

    yield _open
    for p in pages:
        assert not p.errors, p.errors
        p.close()


def day_index(iso: str, first: str = "2024-08-06") -> int:
    from datetime import date

    return (date.fromisoformat(iso) - date.fromisoformat(first)).days


# ------------------------------------------------------------------ tests
def test_offline_no_external_requests(open_page, page_file):
    html = page_file.read_text(encoding="utf-8")
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?:', html)
    p = open_page()
    p.page.wait_for_timeout(300)
    assert p.external == []
    assert p.page.locator(".gc-icon").count() == 4
    assert p.page.evaluate("typeof L") == "object"
    assert p.date_shown() == "2025-04-27"  # opens on the latest day
    # with the OSM layer ticked the page asks for tiles (and we abort them): proves the toggle works
    p.page.check("#gc-osm")
    p.page.wait_for_timeout(300)
    assert p.external and all("tile.openstreetmap.org" in u for u in p.external)


def test_slider_changes_colours_and_counts(open_page):
    p = open_page()
    p.slide_to(0)
    assert p.state("sudzha") == "none"
    assert p.counts() == {"russia": 0, "ukraine": 0, "contested": 0, "disputed": 0}
    p.slide_to(day_index("2024-08-20"))
    assert p.date_shown() == "2024-08-20"
    assert p.state("sudzha") == "ukraine"
    assert p.counts()["ukraine"] == 1
    assert "1 Ukrainian control claimed" in p.page.text_content("#gc-counts")
    p.slide_to(day_index("2024-12-05"))
    assert p.state("plekhovo") == "russia"
    assert p.state("malaya-loknya") == "contested"
    assert p.counts() == {"russia": 2, "ukraine": 1, "contested": 1, "disputed": 0}
    # the dot's class follows the state
    cls = p.page.get_attribute(".gc-icon[data-slug='sudzha'] .gm", "class")
    assert "gm-ukraine" in cls
    # arrow keys step one day
    p.page.click("#gc-date")
    p.page.keyboard.press("ArrowRight")
    assert p.date_shown() == "2024-12-06"
    p.page.keyboard.press("ArrowLeft")
    p.page.keyboard.press("ArrowLeft")
    assert p.date_shown() == "2024-12-04"


def test_stale_and_approximate(open_page):
    p = open_page()
    p.set_date("2024-08-20")
    assert "gm-stale" not in p.page.get_attribute(".gc-icon[data-slug='sudzha'] .gm", "class")
    p.set_date("2024-10-20")  # > 30 days after the only Sudzha claim
    assert "gm-stale" in p.page.get_attribute(".gc-icon[data-slug='sudzha'] .gm", "class")
    p.set_date("2024-12-05")
    assert "gm-approx" in p.page.get_attribute(".gc-icon[data-slug='plekhovo'] .gm", "class")
    p.page.hover(".gc-icon[data-slug='plekhovo']")
    tip = p.page.wait_for_selector(".leaflet-tooltip")
    assert "location approximate: within Sudzhansky raion" in tip.text_content()


def test_toggle_side_hides_it(open_page):
    p = open_page()
    p.set_date("2024-12-05")
    assert p.state("plekhovo") == "russia"  # third-party report
    p.page.uncheck("#gc-side-third_party")
    assert p.state("plekhovo") == "undated"  # its Ukrainian claim is undated: drawn, so it can be clicked
    p.page.uncheck("#gc-side-ukraine")
    assert p.state("plekhovo") == "none"
    assert not p.page.is_visible(".gc-icon[data-slug='plekhovo']")
    p.page.check("#gc-side-ukraine")
    p.page.uncheck("#gc-side-ukraine")
    assert p.state("sudzha") == "none"
    assert p.state("malaya-loknya") == "contested"
    p.page.click("#gc-combined")
    assert p.state("plekhovo") == "russia" and p.state("sudzha") == "ukraine"


def test_disputed_marker_when_sides_disagree(open_page):
    p = open_page()
    p.set_date("2025-03-13")  # Ukraine's 2024-08-15 claim vs Russia's 2025-03-13 claim
    assert p.state("sudzha") == "disputed"
    assert p.counts()["disputed"] == 1
    bg = p.page.eval_on_selector(".gc-icon[data-slug='sudzha'] .gm", "e => e.style.background")
    assert "linear-gradient" in bg
    # one side only: no dispute
    p.page.uncheck("#gc-side-ukraine")
    assert p.state("sudzha") == "russia"
    p.page.check("#gc-side-ukraine")
    p.set_date("2025-03-12")
    assert p.state("sudzha") == "ukraine"


def test_hash_round_trip(open_page):
    p = open_page("#2025-03-13/sudzha")
    assert p.date_shown() == "2025-03-13"
    assert p.page.evaluate("document.getElementById('gc-slider').value") == str(day_index("2025-03-13"))
    ledger = p.page.locator("#gc-ledger")
    assert "open" in ledger.get_attribute("class")
    assert ledger.get_attribute("data-slug") == "sudzha"
    text = ledger.text_content()
    assert "Суджа" in text and "Russian Defense Ministry" in text
    assert "2025-03-14" not in text  # claims after the slider date are not listed
    # moving the slider and clicking another marker rewrites the hash
    p.slide_to(day_index("2024-12-05"))
    p.page.click(".gc-icon[data-slug='plekhovo']", force=True)
    p.page.wait_for_function("location.hash.startsWith('#date=2024-12-05&place=plekhovo&zoom=')")
    # the rewritten hash, loaded afresh, gives the same view
    h = p.page.evaluate("location.hash")
    q = open_page(h)
    assert q.date_shown() == "2024-12-05"
    assert q.page.get_attribute("#gc-ledger", "data-slug") == "plekhovo"
    assert "undated" in q.page.text_content("#gc-ledger")
    # editing the hash by hand is followed too
    q.page.evaluate("location.hash = '#2024-08-20/sudzha'")
    q.page.wait_for_function("document.getElementById('gc-date').textContent === '2024-08-20'")
    assert q.page.get_attribute("#gc-ledger", "data-slug") == "sudzha"


def test_play_pause(open_page):
    p = open_page("#2024-08-10")
    p.page.click("#gc-play")
    p.page.wait_for_function("document.getElementById('gc-date').textContent > '2024-08-11'")
    p.page.click("#gc-play")
    shown = p.date_shown()
    p.page.wait_for_timeout(600)
    assert p.date_shown() == shown


def test_ledger_contents(open_page):
    p = open_page("#2025-03-13/sudzha")
    led = p.page.locator("#gc-ledger")
    assert led.locator("mark").first.text_content() == "Sudzha"
    assert "reported by 5 outlets" in led.text_content() and "repeated by" not in led.text_content()
    assert "reported by 1 outlet" not in led.text_content()
    hrefs = [a.get_attribute("href") for a in led.locator("a").all()]
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    p.page.click("#gc-ledger-close")
    assert "open" not in (led.get_attribute("class") or "")


def test_time_zone_does_not_shift_dates(open_page):
    for tz in ("America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago"):
        p = open_page("#2025-03-13/sudzha", timezone_id=tz)
        assert p.page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == tz
        assert p.date_shown() == "2025-03-13"
        assert p.state("sudzha") == "disputed"
        p.slide_to(0)
        assert p.date_shown() == "2024-08-06"
        assert p.page.text_content(".gc-range span") == "2024-08-06"


def test_search_any_spelling(open_page):
    p = open_page()
    p.page.fill("#gc-search", "sudja")
    p.page.wait_for_selector("#gc-search-results li[data-slug='sudzha']")
    p.page.fill("#gc-search", "Плехово")
    p.page.press("#gc-search", "Enter")
    assert p.page.get_attribute("#gc-ledger", "data-slug") == "plekhovo"
    assert p.page.evaluate("geoApp.map.getZoom()") >= 10
    p.page.fill("#gc-search", "mala lokn")
    p.page.press("#gc-search", "Enter")
    assert p.page.get_attribute("#gc-ledger", "data-slug") == "malaya-loknya"


def test_unlocated_panel(open_page):
    p = open_page()
    p.set_date("2025-02-01")
    p.page.click("#gc-unlocated-head")
    p.page.click("#gc-unlocated li button >> text=Nikolaevo-Darino")
    text = p.page.text_content("#gc-ledger")
    assert "not yet located" in text and "Forces liberated Nikolaevo-Darino." in text


def test_xss_payloads_stay_text(open_page):
    p = open_page("#2024-10-05/" + "xss-img-src-x-onerror-alert-1-ville")
    led = p.page.locator("#gc-ledger")
    assert "open" in led.get_attribute("class")
    text = led.text_content()
    assert XSS_NAME in text
    assert "<script>alert(1)</script>" in text
    assert '"><svg onload=alert(1)>' in text and "${alert(1)}" in text and "&lt;b&gt;" in text
    assert "{{7*7}}" in text and "{% if 1 %}x{% endif %} {# c #} {{ self.__init__ }}" in text
    # javascript:/data: URLs are never links
    assert led.locator("a").count() == 0
    assert p.page.locator("#gc-ledger script, #gc-ledger img, #gc-ledger svg, #gc-ledger b:has-text('bold')").count() == 0
    # unlocated hostile name, search box with hostile text
    p.page.click("#gc-unlocated-head")
    assert "<svg onload=alert(1)>Foo" in p.page.text_content("#gc-unlocated")
    p.page.fill("#gc-search", "</script><script>alert(1)</script>")
    p.page.press("#gc-search", "Enter")
    p.page.hover(".gc-icon[data-slug='xss-img-src-x-onerror-alert-1-ville']", force=True)
    p.page.wait_for_timeout(200)
    assert p.page.evaluate("window.__alerts") == []
    assert p.alerts == []
    assert p.page.locator("img[src='x'], svg[onload]").count() == 0
    assert p.external == []


def test_settlement_labels(open_page):
    """Base-layer labels: name_en as text (never markup), only when zoomed in or few are in view."""
    p = open_page("#2025-03-13")
    label = p.page.locator(".gc-label[data-slug='sudzha']")
    assert label.text_content() == "Sudzha"
    xss = p.page.locator(".gc-label[data-slug='xss-img-src-x-onerror-alert-1-ville']")
    assert xss.text_content() == XSS_NAME
    assert p.page.locator(".gc-label img, .gc-label script, .gc-label svg").count() == 0
    # places with no claim yet still get a label (the labels are base layer, not claims)
    p.set_date("2024-08-06")
    assert p.page.locator(".gc-label").count() == 4
    assert p.page.evaluate("window.__alerts") == [] and not p.errors


def test_embedded_json_is_escaped(page_file):
    html = page_file.read_text(encoding="utf-8")
    blob = re.search(r'<script type="application/json" id="gc-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in blob and ">" not in blob and "&" not in blob
    assert "\u2028" not in blob and "\u2029" not in blob
    data = json.loads(blob)
    assert XSS_EVIDENCE in data["c"]["e"]
    assert html.count("<script>alert(1)</script>") == 0
    assert "javascript:alert" not in blob and "data:text/html" not in blob


def test_deterministic_bytes(tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    render_map(build_data(), a, base_layers())
    render_map(build_data(), b, base_layers())
    assert a.read_bytes() == b.read_bytes()
    assert not re.search(r"[0-9a-f]{32}", a.read_text(encoding="utf-8"))  # no folium uuid ids
    assert payload_json(build_payload(build_data())) == payload_json(build_payload(build_data()))


def _png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """(width, height, RGB(A) pixels) of an 8-bit, non-interlaced PNG such as Chromium's screenshots."""
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, [tuple(row[i:i + 3]) for row in rows for i in range(0, stride, bpp)]


def test_screenshot(open_page, tmp_path):
    """What a reader sees: the page draws at the viewport's size, and a settlement's marker is painted in the
    colour of the status claimed as of the slider's date (Malaya Loknya: contested orange, then Russian red)."""
    p = open_page("#2025-03-13")
    p.page.click("#gc-unlocated-head")
    p.page.wait_for_timeout(200)
    shot = tmp_path / "map.png"
    p.page.screenshot(path=str(shot))
    assert _png_pixels(shot.read_bytes())[:2] == (1280, 800)
    marker = p.page.locator(".gc-icon[data-slug='malaya-loknya']")

    def pixels_of(colour: int) -> int:
        rgb = (colour >> 16, (colour >> 8) & 255, colour & 255)
        _, _, pixels = _png_pixels(marker.screenshot())
        return sum(1 for px in pixels if all(abs(a - b) < 12 for a, b in zip(px, rgb)))

    assert pixels_of(0xd7191c) > 10 and pixels_of(0xf08c00) == 0
    p.set_date("2024-09-15")  # Russia then said only that fighting went on there: contested, orange
    p.page.wait_for_timeout(100)
    assert pixels_of(0xf08c00) > 10 and pixels_of(0xd7191c) == 0


def test_deterministic_across_processes(tmp_path):
    """Different hash seeds (set/dict order) must not change a byte."""
    import os
    import subprocess

    code = (
        "import sys; sys.path.insert(0, 'tests/map');"
        "from pathlib import Path; from map_fixture import build_data, base_layers;"
        "from geo.map.page import render_map;"
        "render_map(build_data(), Path(sys.argv[1]), base_layers())"
    )
    root = Path(__file__).resolve().parents[2]
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"p{seed}.html"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-c", code, str(out)], cwd=root, env=env, check=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_slider_steps_over_2000_places_50000_claims(browser, tmp_path):
    """A big page steps through every day and draws every place (its speed is bench/map_bench.py's: a timed
    assertion here would fail on a busy machine, not on slow code)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from map_bench import STEP_OURS, synthetic

    data, base = synthetic(2000, 50000)
    out = tmp_path / "big.html"
    render_map(data, out, base)
    p = Page(browser, out.as_uri())
    try:
        steps = p.page.evaluate(STEP_OURS, 264)
        assert len(steps) == 264 and all(s >= 0 for s in steps)
        assert p.page.locator(".gc-icon").count() == 2000
        # 2,000 settlements in view at the fitted zoom: no labels; zoomed in: a bounded few
        assert p.page.locator(".gc-label").count() == 0
        p.page.evaluate("() => { const m = geoApp.map; m.setView([50, 35], 10, {animate: false}); }")
        p.page.wait_for_function("+geoApp.map.getContainer().getAttribute('data-gc-labels') > 0")
        n = p.page.locator(".gc-label").count()
        assert 0 < n <= 300
        assert p.external == [] and not p.errors
    finally:
        p.close()
