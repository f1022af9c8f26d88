"""Reference layers: `geo assess` of 300 snapshots × 2,000 places, and the map payload of 300 snapshots.

    .venv/bin/python bench/reference_bench.py [--snapshots 300] [--places 2000] [--claims-per-place 5]

The snapshots are synthetic, in DeepState's raw format (nothing of DeepState's is used): a Ukrainian-held area
around Sudzha of 1,500 vertices (about DeepState's detail), growing for a month and then shrinking, each day's
change confined to one sector of the front as real fronts move; grey contested patches along it; a third of the
days republish the day before unchanged. The places are the gazetteer's located settlements nearest Sudzha
(padded with synthetic points around it when it has fewer); each gets dated claims of both sides. Written to bench/out/reference/ (a store made through geo.store).

Timed, each as its own `geo assess` process (interpreter start and imports included): cold (no cache: every
file parsed) and warm (the cache of parsed snapshots in the store's .cache/ folder). The payload is the ``r``
entry the page would carry (geo/map/reference.py), as JSON bytes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import store  # noqa: E402
from geo.places.gazetteer import load  # noqa: E402
from geo.records import Article, Claim, Place  # noqa: E402

CENTRE = (35.27, 51.19)  # Sudzha (lon, lat)
VERTICES = 1500


def radius_fn(rng: random.Random):
    """A wobbly outline: radius (degrees) per angle, as a base shape."""
    harm = [(k, rng.uniform(-0.12, 0.12) / k ** 0.5, rng.uniform(0, 2 * math.pi)) for k in range(2, 40)]
    return lambda t: 1 + sum(a * math.sin(k * t + ph) for k, a, ph in harm)


def snapshots(n: int, seed: int = 7):
    """[(unix time, [(status, ring)])]: the held area grows for 30 days, then shrinks; one sector moves a day."""
    rng = random.Random(seed)
    base = radius_fn(rng)
    # fronts follow fields, tree lines and streams: a fixed jag of up to ±0.4% of the radius per vertex
    jag = [rng.uniform(-0.004, 0.004) for _ in range(VERTICES)]
    scale = [0.02] * VERTICES  # degrees of radius per vertex
    day0 = dt.datetime(2024, 8, 6, 18, tzinfo=dt.timezone.utc)
    out = []
    for d in range(n):
        if d == 0 or rng.random() > 1 / 3:  # a third of the days: the map republished unchanged
            grow = 1.06 if d < 30 else 0.993
            sector = rng.randrange(VERTICES)
            width = rng.randrange(40, 200)
            for k in range(sector - width, sector + width):
                i = k % VERTICES
                w = 0.5 + 0.5 * math.cos(math.pi * (k - sector) / width)
                scale[i] = min(0.45, max(0.01, scale[i] * (1 + (grow - 1) * w * 3)))
            # neighbours pulled together, so the outline stays a plausible front
            scale = [(scale[i - 1] + 2 * scale[i] + scale[(i + 1) % VERTICES]) / 4 for i in range(VERTICES)]
        ring = []
        for i in range(VERTICES):
            t = 2 * math.pi * i / VERTICES
            r = scale[i] * base(t) + jag[i] * (1 + 20 * scale[i])
            ring.append([round(CENTRE[0] + 1.6 * r * math.cos(t), 6), round(CENTRE[1] + r * math.sin(t), 6), 0])
        ring.append(ring[0])
        parts = [("dismissed", ring)]
        for g in range(3):  # grey patches where the front runs
            t = 2 * math.pi * ((d // 7 + g * 97) % VERTICES) / VERTICES
            r = scale[int(t / 2 / math.pi * VERTICES) % VERTICES] * base(t)
            cx, cy = CENTRE[0] + 1.6 * r * math.cos(t), CENTRE[1] + r * math.sin(t)
            patch = [[round(cx + 0.012 * math.cos(a / 10 * 2 * math.pi), 6), round(cy + 0.008 * math.sin(a / 10 * 2 * math.pi), 6), 0]
                     for a in range(10)]
            parts.append(("unknown", patch + [patch[0]]))
        out.append((int((day0 + dt.timedelta(days=d)).timestamp()), parts))
    return out


def write_snapshots(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for unix, parts in snapshots(n):
        feats = [{"type": "Feature", "properties": {"name": f"x /// y /// geoJSON.status.{status}", "fill": "#01579b"},
                  "geometry": {"type": "Polygon", "coordinates": [ring]}} for status, ring in parts]
        feats.append({"type": "Feature", "properties": {"name": "unit /// unit /// geoJSON.units.x"},
                      "geometry": {"type": "Point", "coordinates": [35.2, 51.2, 0]}})
        (folder / f"{unix}.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")


def write_store(path: Path, n_places: int, per_place: int, days: int) -> int:
    gaz = load()
    located = [p for p in gaz.places.values() if p.lat is not None and p.lon is not None and p.precision != "area"]
    located.sort(key=lambda p: ((p.lon - CENTRE[0]) * 0.63) ** 2 + (p.lat - CENTRE[1]) ** 2)  # type: ignore[operator]
    places = located[:n_places]
    # the gazetteer has fewer located places than that near Sudzha: the rest are synthetic points around it
    pad = random.Random(2)
    places += [Place(f"bench:{i}", f"Bench {i}", lat=round(pad.uniform(50.9, 51.5), 5), lon=round(pad.uniform(34.7, 35.9), 5),
                     country="RU", oblast="Kursk Oblast") for i in range(n_places - len(places))]
    rng = random.Random(1)
    art = Article(stem="bench", path="bench.txt", text="", published="2024-08-06", content_hash="x")
    claims = []
    for p in places:
        for _ in range(per_place):
            side = rng.choice(["russia", "ukraine"])
            day = (dt.date(2024, 8, 6) + dt.timedelta(days=rng.randrange(days))).isoformat()
            claims.append(Claim("bench", p.id, p.name_en, rng.choice(["russia", "ukraine", "contested"]),
                                f"Bench {side} {rng.randrange(5)}", side, day, "day", "e", 0, 1, 0, 1, "cue", "rule"))
    path.unlink(missing_ok=True)
    with store.atomic(path) as tx:
        store.add_article(tx.db, art, [], claims, "bench")
        store.upsert_places(tx.db, places, {p.id: [p.name_en.lower()] for p in places})
        store.regroup(tx.db)
    return len(places)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--snapshots", type=int, default=300)
    ap.add_argument("--places", type=int, default=2000)
    ap.add_argument("--claims-per-place", type=int, default=5)
    ap.add_argument("--browser", action="store_true", help="also time the page with the layer in Chromium")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each timing (the machine is shared: min and median)")
    args = ap.parse_args()
    out = ROOT / "bench" / "out" / "reference"
    shutil.rmtree(out, ignore_errors=True)
    snaps, db = out / "snapshots", out / "maps" / "claims.sqlite"
    write_snapshots(snaps, args.snapshots)
    db.parent.mkdir(parents=True)
    n_places = write_store(db, args.places, args.claims_per_place, args.snapshots)
    size = sum(f.stat().st_size for f in snaps.iterdir())
    geo = [sys.executable, "-m", "geo.cli"]
    added = subprocess.run([*geo, "reference", "add", "bench", str(snaps), "--format", "deepstate", "--db", str(db)],
                           capture_output=True, text=True, check=True)
    print(added.stdout.strip())
    for cache in ("cold", "warm"):
        times = []
        for _ in range(args.repeat):
            if cache == "cold":
                shutil.rmtree(db.parent / ".cache", ignore_errors=True)
            t = time.perf_counter()
            res = subprocess.run([*geo, "assess", "--db", str(db), "--format", "json"], capture_output=True, text=True,
                                 check=True)
            times.append(time.perf_counter() - t)
        rows = json.loads(res.stdout)
        compared = sum(r["compared"] for r in rows if r["group"] == "side")
        print(f"geo assess, {cache} cache: min {min(times):.2f} s, median {statistics.median(times):.2f} s of {args.repeat} "
              f"({args.snapshots} snapshots of {VERTICES} vertices, {size / 1e6:.1f} MB of GeoJSON; {n_places} places; "
              f"{compared} claims compared)")

    from geo.map.reference import reference_maps
    from geo.map.payload import payload_json
    from geo.places import gazetteer as gz

    conn = store.connect(db)
    ids = [r["id"] for r in store.all_places(conn)]
    t = time.perf_counter()
    maps, _ = reference_maps(conn, gz.DEFAULT_DIR, db.parent / ".cache", ids)
    secs = time.perf_counter() - t
    r = maps[0].payload
    total = len(payload_json({"r": [r]}).encode())
    states = len(payload_json({"s": r["s"]}).encode())
    print(f"map payload of the layer: {total / 1e6:.2f} MB ({len(r['d'])} snapshots, {len(r['k'])} distinct, "
          f"{len(r['q'])} distinct polygons; of it {states / 1e6:.2f} MB the per-place states), built in {secs:.2f} s")
    from geo.reference.assess import layers_of, load_states

    raw = load_states(conn, layers_of(conn), gz.DEFAULT_DIR, db.parent / ".cache")[0]
    verts = sum(len(g.exterior.coords) for s in raw.loaded.snapshots for _, g in s.parts)
    print(f"unsimplified: {verts} vertices in all snapshots; drawn: "
          f"{sum(len(ring) // 2 for q in r['q'] for ring in q[1:])} vertices in the distinct polygons")
    if args.browser:
        page_timing(conn, db.parent)
    conn.close()


def page_timing(conn, out: Path) -> None:
    """The built page with the layer in headless Chromium: its size, load, and the cost of a slider step."""
    from playwright.sync_api import sync_playwright

    from geo.map.data import map_data
    from geo.map.page import render_map

    data, layers = map_data(conn, load(), out)
    page = out / "index.html"
    render_map(data, page, layers, cache_dir=out / ".cache")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1280, "height": 800})
        t = time.perf_counter()
        tab.goto(page.as_uri())
        tab.wait_for_selector("html[data-gc-ready='1']", timeout=60000)
        load_s = time.perf_counter() - t
        steps = tab.evaluate("""() => { var a = window.geoApp, out = [];
            for (var d = 0; d < a.nDays; d++) { var t = performance.now(); a.setDay(d);
              document.body.getBoundingClientRect(); out.push(performance.now() - t); }
            return out; }""")
        browser.close()
    print(f"page with the layer: {page.stat().st_size / 1e6:.2f} MB, ready in {load_s:.2f} s; slider step over "
          f"{len(steps)} days: mean {statistics.mean(steps):.1f} ms, max {max(steps):.1f} ms")


if __name__ == "__main__":
    main()
