"""Store and rebuild benchmarks: full build, incremental add of one article, cold `geo claims`, peak memory.

    .venv/bin/python bench/store_bench.py --sizes 1000 10000 [100000]

Articles are synthetic but realistic (the sentence shapes of bench/extract_bench.py with random theatre
places, claimants and dates), written to bench/out/<N>/articles with their .meta.json files. Each build runs
as a separate `geo build` process; its peak memory is read from the kernel (ru_maxrss of the children).
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extract_bench import synthetic_articles  # noqa: E402

GEO = [sys.executable, "-m", "geo.cli"]


def write_articles(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, a in enumerate(synthetic_articles(n, seed=n)):
        (folder / f"{a.stem}.txt").write_text(a.text, encoding="utf-8")
        meta = {"url": f"https://example.org/{i}", "publisher": "Bench Wire", "published": a.published, "title": None}
        (folder / f"{a.stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """(seconds, peak MB of this child, output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    dt = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(proc.stdout + proc.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, max(peak, before) / 1024, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--reuse", action="store_true", help="keep articles already generated for a size")
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        base = ROOT / "bench" / "out" / str(n)
        arts, out = base / "articles", base / "maps"
        if args.reuse and arts.is_dir() and len(list(arts.glob("*.meta.json"))) == n:
            shutil.rmtree(out, ignore_errors=True)  # the same seeded articles: only the build starts afresh
            for extra in arts.glob("extra*"):
                extra.unlink()
        else:
            shutil.rmtree(base, ignore_errors=True)
            write_articles(arts, n)
        full, peak, output = timed(GEO + ["build", "--articles", str(arts), "--out", str(out)])
        counts = output.splitlines()[0]
        extra = base / "extra.txt"
        extra.write_text("Russian troops captured the village of Plekhovo on Friday, the Russian Defence Ministry said.")
        add, _, _ = timed(GEO + ["add", str(extra), "--publisher", "Bench Wire", "--published", "2025-03-29",
                                 "--articles", str(arts), "--out", str(out)])
        claims = min(timed(GEO + ["claims", "Plekhovo", "--db", str(out / "claims.sqlite")])[0] for _ in range(5))
        html_mb = (out / "index.html").stat().st_size / 1e6
        rows.append((n, full, add, claims, peak, html_mb, counts))
        print(f"{n:>7} articles: full build {full:.1f} s, add one {add:.2f} s, cold `geo claims` {claims:.2f} s, "
              f"peak {peak:.0f} MB, map {html_mb:.1f} MB  [{counts}]", flush=True)
    print("\n| articles | full build | add one article + rebuild | cold `geo claims` | peak memory (RSS) | map size |")
    print("|---|---|---|---|---|---|")
    for n, full, add, claims, peak, html_mb, _ in rows:
        print(f"| {n:,} | {full:.1f} s | {add:.2f} s | {claims:.2f} s | {peak:.0f} MB | {html_mb:.1f} MB |")


if __name__ == "__main__":
    main()
