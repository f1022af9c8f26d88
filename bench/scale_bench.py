"""Scale benchmarks: one article added to a large store, extraction on a Dask LocalCluster against the process
pool, and the map of a large store.

    .venv/bin/python bench/scale_bench.py add --articles 100000 [--pool 2000] [--runs 5]
    .venv/bin/python bench/scale_bench.py cluster --articles 2000 [--only pool local:2]
    .venv/bin/python bench/scale_bench.py map --claims 100000 1000000

`add`: N synthetic articles (bench/store_bench.py's, seeded by N) are written to bench/out/scale-N/articles, and a
store of them is made without extracting each one (a full build of 100,000 takes a quarter of an hour of both
cores, more on a shared machine): `--pool` of them are extracted for real, and every other article stores the
extraction of article `i % pool` with its dates moved on by `(i // pool) % 5` days and its quoted sentences marked
with `i // pool` (so claims group and quotes differ about as in a real corpus of that size: 100,000 articles give
about 100,000 grouped claims, as a real build of them did). The store's files, signatures
and extractor version are those of the files on disk, so `geo build` finds nothing to do; then each run adds one
article with `geo add` (a separate process) and times it, and times the `geo build` that follows a file dropped
into the folder.

`cluster`: a fresh build of N articles with `--scheduler local:2` (a LocalCluster of 2 worker processes) and with
the process pool (`geo build`'s default on 2 cores), each in its own process: articles per second, the peak RSS
of the client and of the largest worker, and per-worker throughput.

`map`: the map page (geo.map) at these many claims on 5,000 places (bench/map_bench.py's synthetic data):
Python render time, HTML size, first render and slider steps in Chromium.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

GEO = [sys.executable, "-m", "geo.cli"]


def _shift(day: str | None, k: int) -> str | None:
    return None if day is None else (date.fromisoformat(day) + timedelta(days=k)).isoformat()


def synthetic_store(arts: Path, out: Path, n: int, pool: int) -> None:
    """The store of `n` articles under `arts` (written when missing), as the module docstring says."""
    from store_bench import write_articles

    from geo import store
    from geo.ingest.articles import read_articles
    from geo.normalize import fold_name
    from geo.pipeline import extract_one, extractor_version, gazetteer_version
    from geo.places.gazetteer import load

    if not (arts.is_dir() and len(list(arts.glob("*.meta.json"))) == n):
        shutil.rmtree(arts, ignore_errors=True)
        t = time.perf_counter()
        write_articles(arts, n)
        print(f"wrote {n} articles in {time.perf_counter() - t:.0f} s", flush=True)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    gaz = load()
    version = f"{extractor_version()}+{gazetteer_version(gaz)}"
    t = time.perf_counter()
    articles, problems = read_articles(arts, keep_text=True)
    assert len(articles) == n, (len(articles), problems[:3])
    print(f"read {n} articles in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    extracted = [extract_one(a, gaz) for a in articles[:pool]]
    print(f"extracted {pool} articles in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    with store.atomic(out / "claims.sqlite") as tx:
        db = tx.db
        store.set_meta(db, "created_by", "geo build")
        for i, a in enumerate(articles):
            k = i // pool
            src = articles[i % pool]
            mentions, claims, places = extracted[i % pool]
            a = replace(a, text="", published=_shift(src.published, k % 5))
            mentions = [replace(m, article=a.stem) for m in mentions]
            claims = [replace(c, article=a.stem, date=_shift(c.date, k % 5),
                              evidence=c.evidence + (f" ({k})" if k else "")) for c in claims]
            store.add_article(db, a, mentions, claims, version)
            if i < pool:
                store.upsert_places(db, places.values(),
                                    {pid: gaz.spellings_of(pid) or [fold_name(p.name_en)] for pid, p in places.items()})
        store.regroup(db)
    print(f"stored in {time.perf_counter() - t:.0f} s: {store.counts(store.connect(out / 'claims.sqlite'))}", flush=True)


def restamp(db_path: Path) -> None:
    """Stamp a store made by an earlier run with this code's extractor version (`--reuse`: a change to the
    pipeline or store code would otherwise have the next build read all N articles again; the rows are the
    synthetic ones either way)."""
    import sqlite3

    from geo.pipeline import extractor_version, gazetteer_version
    from geo.places.gazetteer import load

    db = sqlite3.connect(db_path)
    with db:
        db.execute("UPDATE articles SET extractor_version = ?", (f"{extractor_version()}+{gazetteer_version(load())}",))
    db.close()


def timed(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    dt = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(proc.stdout + proc.stderr)
    return dt, proc.stdout


def bench_add(n: int, pool: int, runs: int, reuse: bool) -> None:
    base = ROOT / "bench" / "out" / f"scale-{n}"
    arts, out = base / "articles", base / "maps"
    for extra in [*arts.glob("extra*"), *arts.glob("new*")]:  # left by an earlier run
        extra.unlink()
    if not (reuse and (out / "claims.sqlite").exists()):
        synthetic_store(arts, out, n, pool)
    else:
        restamp(out / "claims.sqlite")
    first, output = timed(GEO + ["build", "--articles", str(arts), "--out", str(out)])
    print(f"first build (folder listed, map written): {first:.2f} s  [{output.splitlines()[0]}]", flush=True)
    again, output = timed(GEO + ["build", "--articles", str(arts), "--out", str(out)])
    print(f"build with nothing to do: {again:.2f} s", flush=True)
    adds, builds = [], []
    for r in range(runs):
        src = base / f"new{r}.txt"
        src.write_text(f"Russian troops captured the village of Plekhovo on Friday, the Russian Defence Ministry said. "
                       f"Run {r}.", encoding="utf-8")
        dt, output = timed(GEO + ["add", str(src), "--publisher", "Bench Wire", "--published", "2025-03-29",
                                  "--articles", str(arts), "--out", str(out)])
        assert "read 1 new or changed" in output, output
        adds.append(dt)
        drop = arts / f"extra{r}.txt"
        drop.write_text(f"Ukrainian forces retook Guyevo on Monday, Ukraine's General Staff said. Run {r}.",
                        encoding="utf-8")
        (arts / f"extra{r}.meta.json").write_text(json.dumps({"publisher": "Bench Wire", "published": "2025-03-30"}))
        dt, output = timed(GEO + ["build", "--articles", str(arts), "--out", str(out)])
        assert "read 1 new or changed" in output, output
        builds.append(dt)
        print(f"run {r}: geo add {adds[-1]:.2f} s, file dropped + geo build {builds[-1]:.2f} s", flush=True)
    html = (out / "index.html").stat().st_size / 1e6
    print(f"\n+1 article at {n:,}: geo add {min(adds):.2f}-{max(adds):.2f} s, geo build {min(builds):.2f}-"
          f"{max(builds):.2f} s (median {sorted(builds)[len(builds) // 2]:.2f} s); map {html:.1f} MB")


def watched(cmd: list[str]) -> tuple[float, float, float, str]:
    """(seconds, peak RSS MB of the command's own process, peak RSS MB of its largest descendant, output): the
    process tree sampled every 0.1 s (a Dask worker or a pool worker is a descendant of the build)."""
    import psutil

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    me = psutil.Process(proc.pid)
    client = worker = 0.0
    while proc.poll() is None:
        try:
            client = max(client, me.memory_info().rss / 2**20)
            for child in me.children(recursive=True):
                try:
                    if "nanny" not in " ".join(child.cmdline()):  # a nanny only watches its worker
                        worker = max(worker, child.memory_info().rss / 2**20)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        time.sleep(0.1)
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise SystemExit(out)
    return time.perf_counter() - t, client, worker, out


CONFIGS = {"pool": ("process pool (2 processes)", []), "local:1": ("LocalCluster, 1 worker", ["--scheduler", "local:1"]),
           "local:2": ("LocalCluster, 2 workers", ["--scheduler", "local:2"])}


def bench_cluster(n: int, only: list[str]) -> None:
    from store_bench import write_articles

    base = ROOT / "bench" / "out" / f"cluster-{n}"
    arts = base / "articles"
    if not (arts.is_dir() and len(list(arts.glob("*.meta.json"))) == n):
        shutil.rmtree(arts, ignore_errors=True)
        write_articles(arts, n)
    rows = []
    for label, extra in (CONFIGS[k] for k in only):
        out = base / "maps"
        shutil.rmtree(out, ignore_errors=True)
        dt, client, worker, output = watched(GEO + ["build", "--articles", str(arts), "--out", str(out), *extra])
        workers = int(extra[1].split(":")[1]) if extra else 2
        rows.append((label, dt, n / dt, n / dt / workers, client, worker))
        print(f"{label}: {dt:.1f} s, {n / dt:.1f} articles/s ({n / dt / workers:.1f} per worker), client peak "
              f"{client:.0f} MB, largest worker {worker:.0f} MB  [{output.splitlines()[0]}]", flush=True)
    print(f"\n| {n:,} articles, fresh build | wall time | articles/s | per worker | client peak RSS | worker peak RSS |")
    print("|---|---|---|---|---|---|")
    for label, dt, rate, per, client, worker in rows:
        print(f"| {label} | {dt:.1f} s | {rate:.1f} | {per:.1f} | {client:.0f} MB | {worker:.0f} MB |")


def ledger_time(browser, path: Path, place: int) -> float:
    """ms from selecting a place to its ledger showing its quotes (its chunk loaded from disk)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(path.as_uri(), wait_until="load", timeout=300_000)
    page.wait_for_selector("html[data-gc-ready='1']", timeout=300_000)
    ms = page.evaluate("""p => new Promise(done => {
        const app = window.geoApp, t = performance.now();
        app.on(() => { if (!document.querySelector('#gc-ledger').textContent.includes('loading the quote')) {
            done(performance.now() - t); } });
        app.select({kind: 'place', i: p});
    })""", place)
    ctx.close()
    return ms


def bench_map(sizes: list[int], places: int, steps: int) -> None:
    import tempfile

    from map_bench import ARGS, CHROMIUM, browse, synthetic
    from playwright.sync_api import sync_playwright

    from geo.map.page import render_map

    tmp = Path(tempfile.mkdtemp(prefix="scale_map_"))
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for m in sizes:
            data, base = synthetic(places, m)
            path = tmp / f"map_{m}.html"
            t = time.perf_counter()
            names = render_map(data, path, base, chunk_dir=tmp / "index-claims")
            py = time.perf_counter() - t
            busiest = max(range(places), key=lambda i: sum(1 for c in data.claims[:20000] if c.place == i))
            del data
            r = browse(browser, path, "ours", None, steps)
            r["ledger_ms"] = ledger_time(browser, path, busiest) if names else None
            chunk_mb = sum(f.stat().st_size for f in (tmp / "index-claims").glob("*.js")) / 1e6 if names else 0.0
            rows.append((m, path.stat().st_size / 1e6, len(names), chunk_mb, py, r))
            print(f"{places:,} places x {m:,} claims: page {path.stat().st_size / 1e6:.1f} MB + {len(names)} chunks "
                  f"{chunk_mb:.0f} MB, Python render {py:.1f} s, first render {r['first_ms'] / 1000:.2f} s, step mean "
                  f"{r['step_mean']:.1f} ms / max {r['step_max']:.1f} ms over {r['steps']} steps, ledger of the busiest "
                  f"place with its quotes {r['ledger_ms'] or 0:.0f} ms {r['errors'] or ''}", flush=True)
            path.unlink()
            shutil.rmtree(tmp / "index-claims", ignore_errors=True)
        browser.close()
    shutil.rmtree(tmp, ignore_errors=True)
    print("\n| places x claims | page | chunks | Python render | first render (Chromium) | slider step mean / max | "
          "ledger with quotes |")
    print("|---|---|---|---|---|---|---|")
    for m, mb, n_chunks, chunk_mb, py, r in rows:
        files = f"{n_chunks} files, {chunk_mb:.0f} MB" if n_chunks else "—"
        ledger = f"{r['ledger_ms']:.0f} ms" if r["ledger_ms"] else "in the page"
        print(f"| {places:,} x {m:,} | {mb:.1f} MB | {files} | {py:.1f} s | {r['first_ms'] / 1000:.2f} s | "
              f"{r['step_mean']:.1f} ms / {r['step_max']:.1f} ms | {ledger} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    a = sub.add_parser("add")
    a.add_argument("--articles", type=int, default=100_000)
    a.add_argument("--pool", type=int, default=2000)
    a.add_argument("--runs", type=int, default=5)
    a.add_argument("--reuse", action="store_true", help="keep the store made by an earlier run")
    c = sub.add_parser("cluster")
    c.add_argument("--articles", type=int, default=2000)
    c.add_argument("--only", nargs="+", choices=list(CONFIGS), default=list(CONFIGS),
                   help="which to run (at 100,000 articles each takes a quarter of an hour or more)")
    m = sub.add_parser("map")
    m.add_argument("--claims", type=int, nargs="+", default=[100_000, 1_000_000])
    m.add_argument("--places", type=int, default=5000)
    m.add_argument("--steps", type=int, default=100)
    args = ap.parse_args()
    if args.what == "map":
        bench_map(args.claims, args.places, args.steps)
    elif args.what == "add":
        bench_add(args.articles, args.pool, args.runs, args.reuse)
    elif args.what == "cluster":
        bench_cluster(args.articles, args.only)


if __name__ == "__main__":
    main()
