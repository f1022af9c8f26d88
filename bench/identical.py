"""Are the tool's outputs byte-identical to a recorded baseline? (A check for refactors that must change nothing.)

    .venv/bin/python bench/identical.py --record     # write bench/identical.json from the current code
    .venv/bin/python bench/identical.py              # compare the current code with it; exit 1 on any difference

What it digests (sha256; no corpus text and no export is kept, only their digests):
- the seeds map: `geo build` of seeds/ (laid out as in the repository, seeds/ beside maps/) → index.html bytes,
  and the store through every export format (jsonl, csv, geojson, gpkg) and a dump of its tables (the columns
  that do not depend on the code's version, the file system or the clock; grouped claims by content, not id);
- the same for stores built from ../shared/corpus/{dev,dev2,dev-ruuk}/articles, and an incremental build of dev
  (half the articles, then the rest with a few removed and one changed), which runs the store's partial regroup;
- the build reports (paths replaced by placeholders), `geo eval --verbose` on each corpus, and a few
  `geo claims` / `geo resolve` answers;
- that a second build of an unchanged folder leaves the store file as it was (same bytes, same mtime).

The builds run in fixed folders under /tmp/geo-identical, so the map's relative links to the articles are the
same from run to run. A change made on purpose since the baseline is listed in INTENDED with the digest it
leads to and why; it is reported, and does not fail the comparison.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = ("dev", "dev2", "dev-ruuk")
BASELINE = Path(__file__).with_name("identical.json")
WORK = Path("/tmp/geo-identical")
GEO = [str(Path(sys.executable).with_name("geo"))]
# Store columns that record where and when a file was read or which code version read it, not what was extracted.
VOLATILE = {"articles": {"path", "extractor_version", "size", "mtime_ns", "meta_mtime_ns"}}


def sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def run(*args: str, cwd: Path | None = None) -> str:
    """Standard output and exit status of one `geo` command, with the work folder's paths made neutral."""
    p = subprocess.run(GEO + list(args), capture_output=True, text=True, cwd=cwd or ROOT)
    out = f"exit {p.returncode}\n{p.stdout}"
    return out.replace(str(WORK), "<work>").replace(str(SHARED.resolve()), "<shared>").replace(str(SHARED), "<shared>")


def store_dump(path: Path) -> str:
    """Every table's rows, sorted. Grouped claims are dumped without their id, and citations name their claim by
    its content: ids carry no meaning (readers order claims by content), and a partial regroup may number the
    groups it rebuilds in another order."""
    db = sqlite3.connect(path)
    lines = [f"user_version {db.execute('PRAGMA user_version').fetchone()[0]}"]
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for t in tables:
        cols = [r[1] for r in db.execute(f"PRAGMA table_info({t})")
                if r[1] not in VOLATILE.get(t, set()) and (t, r[1]) not in (("claims", "id"), ("citations", "claim_id"))]
        lines.append(f"table {t}: {', '.join(cols)}")
        select = ", ".join(f't."{c}"' for c in cols)
        source = f"{t} t"
        if t == "citations":
            select += ", c.place_id, c.status, c.claimant, c.date, c.article"
            source += " JOIN claims c ON c.id = t.claim_id"
        for row in db.execute(f"SELECT {select} FROM {source} ORDER BY {select}"):
            lines.append(json.dumps(row, ensure_ascii=False))
    db.close()
    return "\n".join(lines)


def digest_out(name: str, out: Path, results: dict[str, str]) -> None:
    db = out / "claims.sqlite"
    results[f"{name}/index.html"] = sha((out / "index.html").read_bytes())
    results[f"{name}/store-tables"] = sha(store_dump(db))
    for fmt in ("jsonl", "csv", "geojson"):
        results[f"{name}/export.{fmt}"] = sha(run("export", "--db", str(db), "--format", fmt))
    gpkg = out / "export.gpkg"
    gpkg.unlink(missing_ok=True)
    results[f"{name}/export.gpkg.stdout"] = sha(run("export", "--db", str(db), "--format", "gpkg", "-o", str(gpkg)))
    results[f"{name}/export.gpkg"] = sha(gpkg.read_bytes()) if gpkg.exists() else "not written"


def build(name: str, articles: Path, out: Path, results: dict[str, str]) -> None:
    results[f"{name}/build-report"] = sha(run("build", "--articles", str(articles), "--out", str(out)))
    digest_out(name, out, results)


def collect() -> dict[str, str]:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    results: dict[str, str] = {}
    # The seeds, as the repository lays them out.
    seeds = WORK / "seeds" / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    out = WORK / "seeds" / "maps"
    build("seeds", seeds, out, results)
    before = ((out / "claims.sqlite").read_bytes(), (out / "claims.sqlite").stat().st_mtime_ns)
    results["seeds/rebuild-report"] = sha(run("build", "--articles", str(seeds), "--out", str(out)))
    after = ((out / "claims.sqlite").read_bytes(), (out / "claims.sqlite").stat().st_mtime_ns)
    results["seeds/rebuild-leaves-store-untouched"] = str(before == after)
    for name in ("Sudzha", "Gornal", "Skrylevka", "Суджа", "Nowhereville"):
        results[f"seeds/claims {name}"] = sha(run("claims", name, "--db", str(out / "claims.sqlite"), "--format", "json")
                                              + run("claims", name, "--db", str(out / "claims.sqlite"), "--explain"))
    for name in ("Sudzha", "Lyubimovka", "Суджа", "Hornal", "Sudzhha"):
        results[f"resolve {name}"] = sha(run("resolve", name, "--explain"))
    for corpus in CORPORA:
        src = SHARED / "corpus" / corpus
        if not (src / "articles").is_dir():
            results[f"{corpus}"] = "missing"
            continue
        build(corpus, src / "articles", WORK / corpus / "maps", results)
        results[f"{corpus}/eval"] = sha(run("eval", "--articles", str(src / "articles"), "--truth", str(src / "truth.jsonl"),
                                            "--verbose"))
    # Incremental: half of dev, then all of it less three articles and with one changed.
    src = SHARED / "corpus" / "dev" / "articles"
    if src.is_dir():
        inc = WORK / "dev-incremental" / "articles"
        inc.mkdir(parents=True)
        texts = sorted(p for p in src.iterdir() if p.suffix == ".txt")
        for p in texts[: len(texts) // 2]:
            shutil.copy(p, inc / p.name)
            meta = p.with_name(p.stem + ".meta.json")
            if meta.exists():
                shutil.copy(meta, inc / meta.name)
        out = WORK / "dev-incremental" / "maps"
        results["dev-incremental/build-1-report"] = sha(run("build", "--articles", str(inc), "--out", str(out)))
        for p in texts[len(texts) // 2:]:
            shutil.copy(p, inc / p.name)
            meta = p.with_name(p.stem + ".meta.json")
            if meta.exists():
                shutil.copy(meta, inc / meta.name)
        for p in texts[:3]:
            (inc / p.name).unlink()
        changed = inc / texts[5].name
        changed.write_text(changed.read_text(encoding="utf-8").replace("Sudzha", "Plekhovo"), encoding="utf-8")
        build("dev-incremental", inc, out, results)
    return results


# digest key → (the digest the change leads to, why it changed).
INTENDED = {
    # Checked by putting the 4 old slugs back into the new page: it then has the baseline's digest.
    "dev2/index.html": ("3d525dbd00263285e46c618092c970ef1836efb191611f3126da15c1c0c51fa9",
                        "issue 12: the map's URL-hash slugs are place_slug() like every other slug; 4 gazetteer names "
                        "that mix a Cyrillic і into Latin keep it (bіlovodi, was blovodi)"),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--record", action="store_true", help=f"write the baseline ({BASELINE.name})")
    args = ap.parse_args()
    results = collect()
    if args.record:
        BASELINE.write_text(json.dumps(results, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {len(results)} digests in {BASELINE}")
        return 0
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    keys = sorted(set(baseline) | set(results))
    changed = [k for k in keys if baseline.get(k) != results.get(k)]
    intended = [k for k in changed if k in INTENDED and INTENDED[k][0] == results.get(k)]
    differ = [k for k in changed if k not in intended]
    for k in intended:
        print(f"CHANGED AS INTENDED  {k}: {INTENDED[k][1]}")
    for k in differ:
        print(f"DIFFERS  {k}: baseline {baseline.get(k)}, now {results.get(k)}")
    print(f"{len(keys) - len(changed)} of {len(keys)} identical, {len(intended)} changed as intended, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
