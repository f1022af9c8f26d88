"""Benchmark the map page (geo/map/) against folium's TimestampedGeoJson.

    .venv/bin/python bench/map_bench.py                      # default sizes, prints a table
    .venv/bin/python bench/map_bench.py --sizes 2000x50000 --write-readme
    .venv/bin/python bench/map_bench.py --tsgj-assets /tmp/tsgj

For every size N places x M claims (synthetic, seeded) it measures

* HTML size and Python render time;
* time to first render in headless Chromium (navigation start -> page ready, markers styled);
* mean / max slider-step time: ``setDay(d)`` + a forced style/layout flush, stepping through
  every day of the range (for ours) or ``timeDimension.setCurrentTimeIndex`` until ``timeload``
  (for TimestampedGeoJson).

TimestampedGeoJson (one feature per claim, the natural encoding) needs ~20 CDN assets
(jQuery, jQuery UI, moment, iso8601-js-period, Leaflet.TimeDimension, folium's default
Bootstrap/Font Awesome...).  The bench never touches the network: with ``--tsgj-assets DIR``
(a folder holding ``npm pack`` outputs unpacked as ``<name>-<version>/package``, see
bench/README.md) the needed JS files are served from disk through Playwright's request
routing and everything else is answered with an empty 200; without it, only the
TimestampedGeoJson HTML size is reported ("cannot render offline").
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.map.data import MapClaim, MapData, MapPlace, Unlocated  # noqa: E402
from geo.map.page import render_map  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
FIRST, LAST = date(2024, 8, 6), date(2025, 4, 27)
WORDS = ("forces troops village district control liberated advanced captured fighting near "
         "reported ministry statement the of and in after said defence general staff").split()


# --------------------------------------------------------------------------- data
def synthetic(n_places: int, n_claims: int, seed: int = 7) -> tuple[MapData, dict]:
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    places = []
    for i in range(n_places):
        name = f"Place {i}"
        places.append(MapPlace(
            id=f"gn:{i}", name_en=name, name_ru=f"Место {i}", name_uk=f"Місце {i}",
            lat=round(rng.uniform(47.0, 52.5), 5), lon=round(rng.uniform(31.0, 39.5), 5),
            precision=rng.choice(["point"] * 8 + ["approximate", "area"]),
            precision_note="", oblast=f"Oblast {i % 12}", raion=f"Raion {i % 97}",
            spellings=(name, f"Plase {i}", f"Mesto {i}"),
        ))
    claims = []
    for j in range(n_claims):
        p = rng.randrange(n_places)
        words = [rng.choice(WORDS) for _ in range(rng.randint(10, 22))]
        at = rng.randrange(len(words))
        words.insert(at, places[p].name_en)
        ev = " ".join(words).capitalize() + "."
        start = ev.find(places[p].name_en)
        claims.append(MapClaim(
            place=p if rng.random() > 0.02 else None,
            date=(FIRST + timedelta(days=rng.randrange(span + 1))).isoformat() if rng.random() > 0.03 else None,
            status=rng.choice(["russia", "russia", "ukraine", "ukraine", "contested"]),
            side=rng.choice(["russia", "ukraine", "third_party"]),
            claimant=rng.choice(["Russian Defense Ministry", "Ukrainian General Staff", "ISW", "DeepState"]),
            publisher=rng.choice(["Reuters", "AP", "AFP", "BBC", "Kyiv Independent", "TASS"]),
            article=f"{j % 5000:04d}_a", url=f"https://example.org/{j % 5000}",
            evidence=ev, hl=(start, start + len(places[p].name_en)),
            citations=rng.randint(0, 6), cue=rng.choice(["liberated", "captured", "fighting"]),
        ))
    unl: dict[str, list[int]] = {}
    for j, c in enumerate(claims):
        if c.place is None:
            unl.setdefault(f"Unlocated {j % 50}", []).append(j)
    data = MapData(first=FIRST.isoformat(), last=LAST.isoformat(), stale_days=30, places=places,
                   unlocated=[Unlocated(k, v) for k, v in sorted(unl.items())], claims=claims)
    base = {"oblasts": {"type": "FeatureCollection", "features": []},
            "raions": {"type": "FeatureCollection", "features": []}}
    return data, base


def render_tsgj(data: MapData, out: Path) -> None:
    import folium
    from folium.plugins import TimestampedGeoJson

    colour = {"russia": "#d7191c", "ukraine": "#2166c4", "contested": "#f08c00"}
    feats = []
    for c in data.claims:
        if c.place is None or c.date is None:
            continue
        pl = data.places[c.place]
        feats.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [pl.lon, pl.lat]},
            "properties": {"times": [c.date], "icon": "circle",
                           "iconstyle": {"fillColor": colour[c.status], "fillOpacity": 0.8,
                                         "stroke": "false", "radius": 6},
                           "popup": pl.name_en},
        })
    m = folium.Map(location=[50, 35], zoom_start=6, tiles=None)
    TimestampedGeoJson({"type": "FeatureCollection", "features": feats}, period="P1D",
                       duration=None, add_last_point=False, auto_play=False, loop=False,
                       date_options="YYYY-MM-DD").add_to(m)
    m.save(str(out))


# --------------------------------------------------------------------------- browser
ASSET_MAP = {  # CDN URL pattern -> path inside --tsgj-assets
    r"/leaflet@[\d.]+/dist/leaflet\.js": None,  # vendored Leaflet
    r"jquery/3\.7\.1/jquery\.min\.js|jquery-3\.7\.1\.min\.js": "jquery-3.7.1/package/dist/jquery.min.js",
    r"iso8601-js-period@0\.2\.1/iso8601\.min\.js": "iso8601-js-period-0.2.1/package/iso8601.js",
    r"leaflet-timedimension@1\.1\.1/dist/leaflet\.timedimension\.min\.js":
        "leaflet-timedimension-1.1.1/package/dist/leaflet.timedimension.min.js",
    r"leaflet-timedimension@1\.1\.1/dist/leaflet\.timedimension\.control\.css":
        "leaflet-timedimension-1.1.1/package/dist/leaflet.timedimension.control.css",
    r"moment\.js/2\.18\.1/moment\.min\.js": "moment-2.18.1/package/min/moment.min.js",
    r"/leaflet@[\d.]+/dist/leaflet\.css": "LEAFLET_CSS",
}


def make_router(assets: Path | None, log: list):
    def route(r):
        url = r.request.url
        log.append(url)
        if assets is None:
            return r.abort()
        for pat, rel in ASSET_MAP.items():
            if re.search(pat, url):
                if rel is None:
                    body = (ROOT / "geo/map/vendor/leaflet/leaflet.js").read_bytes()
                elif rel == "LEAFLET_CSS":
                    body = (ROOT / "geo/map/vendor/leaflet/leaflet.css").read_bytes()
                else:
                    body = (assets / rel).read_bytes()
                ctype = "text/css" if url.endswith(".css") else "application/javascript"
                return r.fulfill(status=200, body=body, content_type=ctype)
        return r.fulfill(status=200, body=b"", content_type="text/plain")  # bootstrap, fonts...
    return route


STEP_OURS = """(n) => {
  const app = window.geoApp, N = Math.min(n, app.nDays - 1), t = [];
  app.setDay(0); document.body.offsetHeight;
  for (let d = 1; d <= N; d++) {
    const t0 = performance.now();
    app.setDay(d); document.body.offsetHeight;
    t.push(performance.now() - t0);
  }
  return t;
}"""

STEP_TSGJ = """async (n) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const td = map.timeDimension, times = td.getAvailableTimes(), N = Math.min(n, times.length - 1), t = [];
  const step = (i) => new Promise(res => {
    const t0 = performance.now();
    td.once('timeload', () => { document.body.offsetHeight; res(performance.now() - t0); });
    td.setCurrentTimeIndex(i);
  });
  await step(0);
  for (let i = 1; i <= N; i++) { t.push(await step(i)); }
  return t;
}"""


def browse(browser, path: Path, kind: str, assets: Path | None, steps: int) -> dict:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    log: list = []
    # Every request but the page's own files from disk (routed, those too went through this process and were
    # timed as the page's: a 16 MB page opened a second later than a browser opens it).
    ctx.route(re.compile(r"^(?!file:)"), make_router(assets if kind == "tsgj" else None, log))
    page = ctx.new_page()
    errors: list = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    t0 = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load", timeout=300_000)
    if kind == "ours":
        page.wait_for_selector("html[data-gc-ready='1']", timeout=300_000)
    else:
        page.wait_for_function("Object.values(window).some(v => v instanceof L.Map && v.timeDimension)",
                               timeout=300_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    first = (time.perf_counter() - t0) * 1000
    ts = page.evaluate(STEP_OURS if kind == "ours" else STEP_TSGJ, steps)
    ctx.close()
    return {"first_ms": first, "step_mean": sum(ts) / len(ts), "step_max": max(ts), "steps": len(ts),
            "requests": len(log), "errors": errors[:3]}


# --------------------------------------------------------------------------- main
def run(sizes, steps: int, assets: Path | None) -> list[dict]:
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="map_bench_"))
    from playwright.sync_api import sync_playwright

    # "the libraries": the same page with no place and no claim (Leaflet, our JS/CSS, controls)
    empty = MapData(first=FIRST.isoformat(), last=LAST.isoformat(), places=[], claims=[], unlocated=[])
    render_map(empty, tmp / "ours_empty.html", synthetic(1, 0)[1])
    render_tsgj(empty, tmp / "tsgj_empty.html")
    lib = {"geo.map": (tmp / "ours_empty.html").stat().st_size,
           "TimestampedGeoJson": (tmp / "tsgj_empty.html").stat().st_size}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for n, m in sizes:
            data, base = synthetic(n, m)
            ours = tmp / f"ours_{n}_{m}.html"
            t0 = time.perf_counter()
            render_map(data, ours, base)
            py_ms = (time.perf_counter() - t0) * 1000
            r = browse(browser, ours, "ours", None, steps)
            size = ours.stat().st_size
            rows.append({"impl": "geo.map", "N": n, "M": m, "bytes": size, "lib_bytes": lib["geo.map"],
                         "per_claim": (size - lib["geo.map"]) / m, "py_ms": py_ms, **r})
            print(json.dumps(rows[-1]), flush=True)

            tj = tmp / f"tsgj_{n}_{m}.html"
            t0 = time.perf_counter()
            render_tsgj(data, tj)
            py_ms = (time.perf_counter() - t0) * 1000
            size = tj.stat().st_size
            row = {"impl": "TimestampedGeoJson", "N": n, "M": m, "bytes": size, "lib_bytes": lib["TimestampedGeoJson"],
                   "per_claim": (size - lib["TimestampedGeoJson"]) / m, "py_ms": py_ms}
            if assets is not None:
                row.update(browse(browser, tj, "tsgj", assets, steps))
            else:
                row.update({"first_ms": None, "step_mean": None, "step_max": None, "steps": 0,
                            "requests": len(re.findall(r'(?:src|href)="https?://', tj.read_text())),
                            "errors": ["cannot render offline (CDN assets)"]})
            rows.append(row)
            print(json.dumps(rows[-1]), flush=True)
        browser.close()
    return rows


def fmt(v, unit=""):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.1f}{unit}" if v < 100 else f"{v:,.0f}{unit}"
    return f"{v:,}{unit}"


def table(rows) -> str:
    out = ["| places × claims | implementation | HTML size | bytes / claim | Python render | first render (Chromium) "
           "| slider step mean / max | CDN requests |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        step = "—" if r["step_mean"] is None else f"{fmt(r['step_mean'], ' ms')} / {fmt(r['step_max'], ' ms')}"
        first = fmt(r["first_ms"], " ms") if r["first_ms"] is not None else "cannot render offline"
        out.append(f"| {r['N']:,} × {r['M']:,} | {r['impl']} | {r['bytes'] / 1e6:.2f} MB | {r['per_claim']:.0f} "
                   f"| {fmt(r['py_ms'], ' ms')} "
                   f"| {first} | {step} | {r['requests']} |")
    return "\n".join(out)


MAP_SECTION = """## Map page (`geo/map/`) vs folium `TimestampedGeoJson`

Produced by `.venv/bin/python bench/map_bench.py --tsgj-assets /tmp/tsgj --write-readme`
(headless Debian Chromium, synthetic seeded data over 2024-08-06..2025-04-27 = 265 days; every
slider step of the range is timed: `setDay(d)` + a forced style/layout flush for ours,
`setCurrentTimeIndex(i)` until `timeload` for TimestampedGeoJson).

{table}

"bytes / claim" is (HTML size − size of the same page with no place and no claim) / claims: for
geo.map the subtracted part is Leaflet 1.9.4 (JS + CSS with its images as data: URIs), our
JS/CSS and the controls, {ours_lib}; for TimestampedGeoJson it is folium's page skeleton (its
libraries are CDN links, not in the file).  Claims are synthetic: 10-22 words of evidence each, so
about 127 of geo.map's bytes per claim are the quoted sentence itself.

* **geo.map** is one offline file; 0 requests.  The payload is column-oriented
  (`geo/map/payload.py` docstring): claims sorted by place and day, days as deltas, status and side
  in one small integer, claimant / publisher / cue interned in a string table, article name and
  URL in an article table, repeated evidence sentences stored once, the search index rebuilt in
  the browser from the names.  The page decodes it once at load into per-place, per-side
  interval lists; a step is one binary search per place and side and restyles only markers
  whose state changed.
* The base layer is the gazetteer's raion outlines (thin, dashed), oblast outlines, the RU–UA
  state border and the main rivers (`gazetteer/orientation.json`).  Labels: the gazetteer's towns
  by size (cities always, towns from zoom 7, villages from 11) and, on pages of up to 300 places,
  the places with claims (from zoom 10 on larger ones); ≤ 300 at once (`GeoClaims.LABELS`), a label
  overlapping one already placed is skipped; built on `moveend` only, never on a slider step.
  The day's news panel is drawn on the next animation frame (once per frame however many steps
  a drag or play makes) from the day's claims only; it is not part of the step figure.
* Timings come from a shared machine (load average ~3.5 during the last run), so they move
  between runs: five more runs of the 2,000 × 50,000 page gave a step mean of 6–11 ms and a max
  of 17–36 ms, the same range as the previous (per-claim-array) payload measured alongside.
* **TimestampedGeoJson** is encoded the natural way (one feature per dated claim, `duration=None`
  so earlier claims stay shown - it has no notion of "status holds until the side's next
  claim", disputes, or undated claims).  It pulls its JS/CSS from CDNs (the "CDN requests"
  column), so it **cannot render offline**; for the timing the bench served the needed files
  from npm packages unpacked in `/tmp/tsgj` (`npm pack jquery@3.7.1 iso8601-js-period@0.2.1
  leaflet-timedimension@1.1.1 moment@2.18.1`, each untarred into `<name>-<version>/`) through
  Playwright request routing, and answered the rest (Bootstrap, Font Awesome, jQuery UI...)
  with empty responses.  Without `--tsgj-assets` only its HTML size is measured.
"""

BEGIN, END = "<!-- map-bench:begin -->", "<!-- map-bench:end -->"


def write_readme(text: str, ours_lib: str = "") -> None:
    path = ROOT / "bench" / "README.md"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{MAP_SECTION.format(table=text, ours_lib=ours_lib)}\n{END}"
    if BEGIN in old and END in old:
        new = old[: old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100x1000,500x10000,2000x50000", help="NxM,NxM,...")
    ap.add_argument("--steps", type=int, default=264, help="slider steps to time")
    ap.add_argument("--tsgj-assets", type=Path, default=None, help="unpacked npm packages for TimestampedGeoJson")
    ap.add_argument("--write-readme", action="store_true", help="replace the table in bench/README.md")
    a = ap.parse_args()
    sizes = [tuple(int(x) for x in s.split("x")) for s in a.sizes.split(",")]
    rows = run(sizes, a.steps, a.tsgj_assets)
    t = table(rows)
    print(t)
    if a.write_readme:
        write_readme(t, f"{rows[0]['lib_bytes'] / 1e3:.0f} kB" if rows else "")


if __name__ == "__main__":
    main()
