"""`geo build` end to end: the seeds reproduce the committed map and store; only new and changed articles are
read; removed ones take their claims; versions; exit status; a full disk; two builds at once; builds killed at
random points."""
from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner
from hypothesis import strategies as st
import pytest

from geo.cli import main
from geo.pipeline import build, build_lock, extract_many
from geo.places.gazetteer import load
from geo.records import Article
from geo.store import CLAIM_ORDER

from conftest import ROOT, geo_command, write_article, run_geo, build_with, stored_claims, output_line, integrity, leftovers, CLAIM, GOOD


A1 = "Russian troops captured the village of Plekhovo on Friday, the Russian Defence Ministry said."

A2 = "Ukrainian forces retook Plekhovo on Monday, Ukraine's General Staff said."

A3 = "Fighting continued near Guyevo on Tuesday, the Russian Defence Ministry said."


def _export(runner, out):
    return [json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output.splitlines()]


# (article prefix, settlement, allowed statuses, claimant must contain, side, allowed dates)
EXPECTED = [
    ("002", "Skrylevka", {"russia"}, "Defense Ministry", "russia", {"2024-08-14"}),
    ("002", "Levshinka", {"russia"}, "Defense Ministry", "russia", {"2024-08-14"}),
    ("003", "Ulanok", {"contested", "russia"}, "Defense Ministry", "russia", {"2025-02-06"}),
    ("003", "Cherkasskaya Konopelka", {"contested", "russia"}, "Defense Ministry", "russia", {"2025-02-06"}),
    ("003", "Sudzha", {"ukraine"}, "AFP", "third_party", {"2025-02-06", "2025-02-07"}),
    ("004", "Gornal", {"russia"}, "Gerasimov", "russia", {"2025-04-26"}),
]


def _export_text(out, fmt="jsonl") -> str:
    result = CliRunner().invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def tiny_disk():
    """A 2 MB tmpfs, when this process may mount one (root); the test is skipped otherwise."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    where = Path(tempfile.mkdtemp(prefix="geo-tiny-disk-", dir="/tmp"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], check=False, capture_output=True, text=True)
    if done.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.strip()}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], check=False)
        where.rmdir()


def _fill(disk: Path, leave: int) -> Path:
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    filler = disk / "filler"
    with filler.open("ab") as fh:
        fh.write(b"\0" * max(0, free - leave))
    return filler


def _articles_for_kills(folder: Path, n: int, tag: str) -> None:
    places = ["Plekhovo", "Guyevo", "Sudzha", "Goncharovka", "Makhnovka", "Gornal", "Malaya Loknya", "Martynovka"]
    for i in range(n):
        place = places[i % len(places)]
        day = (date(2025, 1, 6) + timedelta(days=i)).isoformat()
        text = (f"Russian troops captured the village of {place}, the Russian Defence Ministry said on Saturday. "
                f"Ukrainian forces said fighting continued near {places[(i + 3) % len(places)]}. Report {tag}{i}.")
        write_article(folder, f"{tag}{i:03d}", text, publisher=f"Wire {i % 4}", published=day,
                      url=f"https://example.org/{tag}/{i}")


KILL_TRIALS = 20


def test_only_new_and_changed_articles_are_read(runner, articles, tmp_path):
    write_article(articles, "a1", A1, published="2025-03-08")
    out = tmp_path / "out"
    first = build(articles, out)
    assert first.changes.read == ["a1"] and first.counts["claims"] == 1
    write_article(articles, "a2", A2, published="2025-03-11")
    second = build(articles, out)
    assert second.changes.read == ["a2"] and second.counts["claims"] == 2
    assert any("Plekhovo (ukraine claims): none → ukraine" in s for s in second.changes.state_changes)
    assert [c[1:] for c in second.changes.new_claims] == [("Plekhovo", "ukraine", "General Staff of the Armed Forces of Ukraine")]
    third = build(articles, out)
    assert third.changes.read == [] and third.changes.new_claims == [] and third.counts["claims"] == 2
    (articles / "a1.txt").write_text(A1.replace("Plekhovo", "Guyevo"), encoding="utf-8")
    fourth = build(articles, out)
    assert fourth.changes.read == ["a1"]
    assert {c[1] for c in fourth.changes.dropped_claims} == {"Plekhovo"} and {c[1] for c in fourth.changes.new_claims} == {"Guyevo"}


def test_unchanged_files_are_not_read_again_whatever_the_folder_is_called(articles, tmp_path, monkeypatch):
    """A file whose size and times are unchanged is taken from the store, whether the folder is given as an
    absolute or a relative path."""
    write_article(articles, "a1", A1)
    write_article(articles, "a3", A3)
    out = tmp_path / "out"
    build(articles, out)
    reads = []
    import geo.ingest.articles

    real = geo.ingest.articles.read_article
    monkeypatch.setattr(geo.ingest.articles, "read_article", lambda path: reads.append(path) or real(path))
    monkeypatch.chdir(articles.parent)
    again = build(type(articles)(articles.name), out)
    assert again.changes.read == [] and reads == []
    (articles / "a3.txt").write_text(A3.replace("Guyevo", "Plekhovo"), encoding="utf-8")
    assert build(type(articles)(articles.name), out).changes.read == ["a3"] and len(reads) == 2  # hashed, then extracted


def test_deleted_article_takes_its_claims_with_it(runner, articles, tmp_path):
    write_article(articles, "a1", A1)
    write_article(articles, "a3", A3)
    out = tmp_path / "out"
    build(articles, out)
    (articles / "a3.txt").unlink()
    (articles / "a3.meta.json").unlink()
    report = build(articles, out)
    assert report.changes.removed == ["a3"]
    assert {r["settlement"] for r in _export(runner, out)} == {"Plekhovo"}
    db = sqlite3.connect(out / "claims.sqlite")
    assert db.execute("SELECT COUNT(*) FROM articles WHERE stem = 'a3'").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM mentions WHERE article = 'a3'").fetchone()[0] == 0


def test_incremental_equals_fresh(runner, articles, tmp_path):
    write_article(articles, "a1", A1)
    inc = tmp_path / "inc"
    build(articles, inc)
    write_article(articles, "a2", A2, published="2025-03-11")
    write_article(articles, "a3", A3, published="2025-03-11")
    build(articles, inc)
    fresh = tmp_path / "fresh"
    build(articles, fresh)
    assert _export(runner, inc) == _export(runner, fresh)
    assert (inc / "index.html").read_bytes() == (fresh / "index.html").read_bytes()


def test_parallel_extraction_equals_serial(articles):
    texts = [A1, A2, A3]
    arts = []
    from geo.records import Article

    for i in range(240):
        arts.append(Article(stem=f"s{i:03d}", path="", text=texts[i % 3] + f" Item {i}.", publisher="W", published="2025-03-12"))
    gaz = load()
    serial = [r for _, r in extract_many(arts, gaz, workers=1)]
    parallel = [r for _, r in extract_many(arts, gaz, workers=2)]
    assert serial == parallel


def test_a_second_build_waits_or_says_one_is_running(tmp_path):
    out = tmp_path / "out"
    with build_lock(out):
        with pytest.raises(RuntimeError, match="another `geo build` is running"):
            with build_lock(out, wait=False):
                pass


def test_new_extractor_or_gazetteer_version_rereads_everything(articles, tmp_path, monkeypatch):
    write_article(articles, "a1", A1)
    write_article(articles, "a3", A3)
    out = tmp_path / "out"
    build(articles, out)
    assert build(articles, out).changes.read == []
    monkeypatch.setattr("geo.pipeline.extractor_version", lambda: "changed-rules")
    again = build(articles, out)
    assert again.changes.read == ["a1", "a3"] and again.counts["claims"] == 2


def test_the_extractor_version_covers_every_module_a_build_extracts_with():
    """Every module of the package that extraction and the store load is in the fingerprint (a change to it
    re-reads stored articles), found by running an extraction in a fresh process, not by a list."""
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "import geo.store\n"
        "from geo.pipeline import extract_one, row_shaping_files\n"
        "from geo.places.gazetteer import load\n"
        "from geo.records import Article\n"
        "text = ('Russian forces captured Plekhovo and Lyubimovka in the Sudzha district on Friday, '\n"
        "        'the Russian Defence Ministry said. Ukrainian-held Sudzha was shelled.')\n"
        "extract_one(Article(stem='t', path='t.txt', text=text, publisher='Reuters', published='2025-03-08'), load())\n"
        "loaded = {Path(m.__file__).resolve() for n, m in list(sys.modules.items())\n"
        "          if (n == 'geo' or n.startswith('geo.')) and getattr(m, '__file__', None)}\n"
        "covered = {p.resolve() for p in row_shaping_files()}\n"
        "print(json.dumps(sorted(str(p) for p in loaded - covered)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert json.loads(out) == [str((ROOT / "geo" / "__init__.py").resolve())]  # the package's docstring only


def test_export_holds_exactly_the_six_seed_claims(seeds_build):
    records = [json.loads(line) for line in _export_text(seeds_build).splitlines()]
    assert len(records) == len(EXPECTED)
    for prefix, settlement, statuses, claimant, side, days in EXPECTED:
        hits = [r for r in records if r["article"].startswith(prefix) and r["settlement"] == settlement]
        assert len(hits) == 1, (settlement, records)
        r = hits[0]
        assert r["status"] in statuses and claimant in r["claimant"] and r["claimant_side"] == side
        assert r["date"] in days
        for key in ("settlement_id", "mention", "lat", "lon", "oblast", "published", "publisher", "evidence"):
            assert key in r
        assert r["mention"] in r["evidence"]


def test_no_claims_about_places_only_mentioned(seeds_build):
    names = {json.loads(line)["settlement"] for line in _export_text(seeds_build).splitlines()}
    for only_mentioned in ("Kursk", "Kyiv", "Kiev", "Moscow", "Vladivostok", "Rome", "Istanbul", "Sumy", "Donetsk"):
        assert only_mentioned not in names


def test_unlocated_settlement_is_kept_without_a_coordinate(seeds_build):
    records = [json.loads(line) for line in _export_text(seeds_build).splitlines()]
    sk = next(r for r in records if r["settlement"] == "Skrylevka")
    assert sk["lat"] is None and sk["lon"] is None and sk["geo_precision"] is None
    assert sk["location_precision"] == "unlocated"


def test_claims_gornal_shows_gerasimov(seeds_build):
    result = CliRunner().invoke(main, ["claims", "Gornal", "--db", str(seeds_build / "claims.sqlite")])
    assert result.exit_code == 0, result.output
    assert "2025-04-26" in result.output and "Gerasimov" in result.output and "Russian side" in result.output


def test_committed_map_and_store_are_reproduced(seeds_build):
    """`geo build` reproduces maps/index.html byte for byte and the committed store's claims exactly."""
    assert (seeds_build / "index.html").read_bytes() == (ROOT / "maps" / "index.html").read_bytes()
    q = ("SELECT place_id, mention, status, claimant, claimant_side, date, article, evidence, cue FROM claims c "
         f"ORDER BY {CLAIM_ORDER}")
    fresh = sqlite3.connect(seeds_build / "claims.sqlite").execute(q).fetchall()
    committed = sqlite3.connect(ROOT / "maps" / "claims.sqlite").execute(q).fetchall()
    assert fresh == committed


def test_exit_status_0_with_warnings_1_strict_2_usage(runner, articles, tmp_path):
    write_article(articles, "good", CLAIM)
    write_article(articles, "dated", GOOD)
    (articles / "dated.meta.json").write_text(json.dumps({"published": "2025-02-30", "colour": "red"}))
    out = tmp_path / "out"
    warned = build_with(runner, articles, out)
    assert warned.exit_code == 0 and output_line(warned.output, "warning", "dated.meta.json")
    # --strict: warnings alone are not a failure; a skipped file is.
    assert build_with(runner, articles, out, "--strict").exit_code == 0
    (articles / "empty.txt").write_text("")
    skipped = build_with(runner, articles, out, "--strict")
    assert skipped.exit_code == 1 and output_line(skipped.output, "skipped", "empty.txt")
    assert build_with(runner, articles, out).exit_code == 0
    before = (out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()
    unknown = build_with(runner, articles, out, "--frobnicate")
    assert unknown.exit_code == 2 and "No such option" in unknown.output
    # A missing folder is a usage error; before the fix it built an empty map and emptied the store.
    missing = build_with(runner, tmp_path / "no such folder", out)
    assert missing.exit_code == 2 and "does not exist" in missing.output
    not_a_folder = build_with(runner, articles / "good.txt", out)
    assert not_a_folder.exit_code == 2
    assert ((out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()) == before
    assert runner.invoke(main, ["export", "--format", "xml"]).exit_code == 2
    # And as the real command, in its own process.
    assert run_geo("build", "--articles", articles, "--out", out).returncode == 0
    assert run_geo("build", "--articles", articles, "--out", out, "--strict").returncode == 1
    assert run_geo("build", "--articles", tmp_path / "nope", "--out", out).returncode == 2


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"),
                                   sqlite3.OperationalError("database or disk is full")])
def test_disk_full_at_the_store_write(runner, articles, tmp_path, monkeypatch, error):
    write_article(articles, "good", CLAIM)
    out = tmp_path / "out"
    assert build_with(runner, articles, out).exit_code == 0
    before = (out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()
    write_article(articles, "more", GOOD)

    def full(*args, **kwargs):
        raise error

    monkeypatch.setattr("geo.store.add_article", full)
    result = build_with(runner, articles, out)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output  # no traceback
    assert output_line(result.output, "Error", "build failed, nothing changed", "full" if isinstance(error, sqlite3.Error) else "No space")
    assert ((out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()) == before
    assert not leftovers(out)


def test_a_really_full_disk(tiny_disk, articles, tmp_path):
    write_article(articles, "good", CLAIM, url="https://example.org/1")
    out = tiny_disk / "maps"
    assert run_geo("build", "--articles", articles, "--out", out).returncode == 0
    before = (out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()
    write_article(articles, "more", GOOD, url="https://example.org/2", published="2025-03-11")
    for leave in (150_000, 0):  # room for the store's change but not the map; no room at all
        filler = _fill(tiny_disk, leave)
        result = run_geo("build", "--articles", articles, "--out", out)
        assert result.returncode == 1, (leave, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and "build failed, nothing changed" in result.stderr, result.stderr
        assert ((out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()) == before
        assert integrity(out / "claims.sqlite") == "ok"
        assert not leftovers(out)
        exported = run_geo("export", "--db", out / "claims.sqlite", "--format", "csv", "-o", tiny_disk / "claims.csv")
        if exported.returncode != 0:  # the store's claims may still fit when a little room is left
            assert "Traceback" not in exported.stderr and "No space left" in exported.stderr
            assert not (tiny_disk / "claims.csv").exists()
        (tiny_disk / "claims.csv").unlink(missing_ok=True)
        filler.unlink()
    result = run_geo("build", "--articles", articles, "--out", out)
    assert result.returncode == 0 and "claims: 2" in result.stdout, result.stdout + result.stderr


def test_two_builds_at_once(tmp_path):
    articles = tmp_path / "articles"
    _articles_for_kills(articles, 30, "c")
    out, fresh = tmp_path / "maps", tmp_path / "fresh"
    procs = [subprocess.Popen([*geo_command(), "build", "--articles", str(articles), "--out", str(out)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], results
    # One did the work; the other waited for it and found nothing new.
    assert sorted("read 30 new" in r[0] for r in results) == [False, True], results
    assert run_geo("build", "--articles", articles, "--out", fresh).returncode == 0
    assert stored_claims(out / "claims.sqlite") == stored_claims(fresh / "claims.sqlite")
    assert (out / "index.html").read_bytes() == (fresh / "index.html").read_bytes()
    assert integrity(out / "claims.sqlite") == "ok"


def test_a_build_killed_at_random_points_leaves_the_old_or_the_new(tmp_path):
    """SIGKILL at 20 random moments of an incremental build: the store opens, passes integrity_check and
    holds the old or the new claims; index.html is the old map or the new one, byte for byte, never partial;
    and the next build finishes the job."""
    articles, out, saved = tmp_path / "articles", tmp_path / "maps", tmp_path / "saved"
    _articles_for_kills(articles, 6, "old")
    assert run_geo("build", "--articles", articles, "--out", out).returncode == 0
    old_claims, old_map = stored_claims(out / "claims.sqlite"), (out / "index.html").read_bytes()
    shutil.copytree(out, saved)
    # The change: 40 new articles, one changed, one deleted.
    _articles_for_kills(articles, 40, "new")
    (articles / "old001.txt").write_text("Ukrainian forces retook Guyevo on Monday, Ukraine's General Staff said.")
    (articles / "old002.txt").unlink()
    (articles / "old002.meta.json").unlink()
    started = time.monotonic()
    assert run_geo("build", "--articles", articles, "--out", out).returncode == 0
    duration = time.monotonic() - started
    new_claims, new_map = stored_claims(out / "claims.sqlite"), (out / "index.html").read_bytes()
    assert new_claims != old_claims and new_map != old_map

    rng = random.Random(7)
    outcomes = []
    for trial in range(KILL_TRIALS):
        shutil.rmtree(out)
        shutil.copytree(saved, out)
        delay = rng.uniform(0, duration)
        proc = subprocess.Popen([*geo_command(), "build", "--articles", str(articles), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        where = f"trial {trial}, killed after {delay:.2f} s of {duration:.2f} s"
        claims = stored_claims(out / "claims.sqlite")  # the store opens with the tool's own reader
        assert integrity(out / "claims.sqlite") == "ok", where
        assert claims in (old_claims, new_claims), where
        page = (out / "index.html").read_bytes()
        assert page in (old_map, new_map), where
        left = leftovers(out)
        outcomes.append(("finished" if finished else "killed", "new store" if claims == new_claims else "old store",
                         "new map" if page == new_map else "old map")
                        + (("inside the write transaction",) if any(n.endswith("-journal") for n in left) else ())
                        + (("map half written",) if any(".tmp" in n for n in left) else ()))
        # The next build completes what the killed one began.
        assert run_geo("build", "--articles", articles, "--out", out).returncode == 0, where
        assert stored_claims(out / "claims.sqlite") == new_claims and (out / "index.html").read_bytes() == new_map, where
    killed = [o for o in outcomes if o[0] == "killed"]
    assert len(killed) >= KILL_TRIALS // 2, outcomes
    print("kill outcomes:", {k: outcomes.count(k) for k in sorted(set(outcomes))})


def test_failed_build_keeps_the_previous_store_and_map(runner, articles, tmp_path, monkeypatch):
    write_article(articles, "good", CLAIM)
    out = tmp_path / "out"
    assert build_with(runner, articles, out).exit_code == 0
    before = (out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()
    write_article(articles, "more", CLAIM.replace("Plekhovo", "Guyevo"))

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("geo.map.page.render_map", disk_full)
    result = build_with(runner, articles, out)
    assert result.exit_code != 0 and "No space left" in result.output
    assert (out / "index.html").read_bytes() == before[1]
    # The store is replaced only after the map is written.
    db = sqlite3.connect(out / "claims.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (out / "claims.sqlite").read_bytes() == before[0]
