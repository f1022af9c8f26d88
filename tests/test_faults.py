"""Bad input, faults and hostile text (issue #7), without the browser.

Cases already tested elsewhere are not repeated here: empty, whitespace-only, PDF and image files, a .meta.json
that is not JSON or has wrong types, an impossible date or an unknown key, metadata with no article, the same
text under two names, UTF-16 with a BOM and Windows-1251 (test_inputs_and_store.py); an article deleted between
two builds (test_incremental.py); the map write failing with ENOSPC (test_inputs_and_store.py).
"""
from __future__ import annotations

import errno
import itertools
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

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.claims import dates
from geo.ingest.datelines import dateline
from geo.cli import main
from geo.normalize import INVISIBLE, fold, fold_name
from geo.store import connect

from conftest import ROOT, property_settings, write_article

CLAIM = "Russian troops captured the village of Plekhovo, the Russian Defence Ministry said on Saturday."
GOOD = "Ukrainian forces retook Guyevo on Monday, Ukraine's General Staff said."


def _geo() -> list[str]:
    script = Path(sys.executable).with_name("geo")
    return [str(script)] if script.exists() else [sys.executable, "-m", "geo.cli"]


def _run(*args, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real `geo` command in its own process."""
    return subprocess.run([*_geo(), *map(str, args)], check=False, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def _build(runner, articles, out, *extra):
    return runner.invoke(main, ["build", "--articles", str(articles), "--out", str(out), *extra])


def _settlements(runner, out) -> set[str]:
    text = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output
    return {json.loads(line)["settlement"] for line in text.splitlines()}


def _claims(store: Path) -> set[tuple]:
    db = connect(store)
    try:
        return {tuple(r) for r in db.execute("SELECT place_id, status, claimant, date, article, mention_start FROM claims")}
    finally:
        db.close()


def _line(output: str, *parts: str) -> str:
    """The one output line that holds every part."""
    lines = [ln for ln in output.splitlines() if all(p in ln for p in parts)]
    assert lines, (parts, output)
    return lines[0]


def _integrity(store: Path) -> str:
    db = sqlite3.connect(store)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def _leftovers(out: Path) -> list[str]:
    """Temporary files and journals a build left in its output folder."""
    return sorted(p.name for p in out.iterdir() if p.name.endswith((".tmp", "-journal", "-wal")) or ".tmp" in p.name)


def _gazetteer_with_local(dest: Path, local: bytes | str | None) -> Path:
    """A gazetteer folder: the shipped files (linked) and a local.csv of the test's own."""
    dest.mkdir(parents=True)
    for entry in (ROOT / "gazetteer").iterdir():
        if entry.name != "local.csv":
            (dest / entry.name).symlink_to(entry.resolve())
    if local is not None:
        (dest / "local.csv").write_bytes(local.encode("utf-8") if isinstance(local, str) else local)
    return dest


@pytest.fixture
def use_gazetteer(monkeypatch):
    """Point the CLI (in this process) at another gazetteer folder."""
    from geo.places import gazetteer as gz

    def _use(directory: Path) -> None:
        monkeypatch.setattr(gz, "DEFAULT_DIR", directory)
        monkeypatch.setattr(gz, "_CACHE", {})

    return _use


LOCAL_HEADER = "id,name_en,name_ru,name_uk,alt_names,lat,lon,oblast,raion,precision,source,notes\n"


# ------------------------------------------------------------------ encodings and files that are not articles
def test_invalid_utf8_keeps_the_text_and_says_so(runner, articles, tmp_path):
    articles.mkdir()
    text = "Российские войска заняли село Плехово, сообщило Минобороны России в субботу. " * 3
    data = text.encode("utf-8")
    (articles / "torn.txt").write_bytes(data[:41] + b"\xff\xfe\xc3" + data[41:])  # UTF-8 with corrupt bytes
    (articles / "torn.meta.json").write_text(json.dumps({"published": "2025-03-08"}))
    (articles / "junk.txt").write_bytes(b"Russian \x98\x98 troops \x81")  # no encoding reads these bytes
    u16 = "Российские войска заняли село Гуево — сообщило Минобороны России."
    (articles / "le.txt").write_bytes(u16.encode("utf-16-le"))  # UTF-16 without a byte order mark
    (articles / "be.txt").write_bytes(u16.replace("Гуево", "Плехово").encode("utf-16-be"))
    out = tmp_path / "out"
    result = _build(runner, articles, out)
    assert result.exit_code == 0, result.output
    assert _line(result.output, "warning", "torn.txt", "invalid UTF-8")
    assert _line(result.output, "skipped", "junk.txt", "not decodable")
    assert not any(("le.txt" in ln or "be.txt" in ln) for ln in result.output.splitlines()), result.output
    db = sqlite3.connect(out / "claims.sqlite")
    mentions = {r[0] for r in db.execute("SELECT text FROM mentions")}
    torn = {r[0] for r in db.execute("SELECT text FROM mentions WHERE article = 'torn'")}
    db.close()
    assert {"Плехово", "Гуево"} <= mentions  # the text was read as UTF-8 / UTF-16, not as Windows-1251 mojibake
    assert torn == {"Плехово"}


def test_fifo_device_dangling_link_and_unreadable_file_are_skipped(tmp_path):
    """As a subprocess with a timeout: before the fix a FIFO blocked the build forever and /dev/zero filled memory."""
    articles = tmp_path / "articles"
    write_article(articles, "good", CLAIM)
    os.mkfifo(articles / "pipe.txt")
    os.symlink("/dev/zero", articles / "zero.txt")
    os.symlink(tmp_path / "nowhere.txt", articles / "dangling.txt")
    write_article(articles, "fifo_meta", GOOD)
    (articles / "fifo_meta.meta.json").unlink()
    os.mkfifo(articles / "fifo_meta.meta.json")
    result = _run("build", "--articles", articles, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert _line(out, "skipped", "pipe.txt", "not a regular file")
    assert _line(out, "skipped", "zero.txt", "not a regular file")
    assert _line(out, "skipped", "dangling.txt", "cannot be read")
    assert _line(out, "warning", "fifo_meta.meta.json", "not a regular file")
    assert "articles: 2" in out and "claims: 2" in out


def test_unreadable_file_even_as_root(runner, articles, tmp_path, monkeypatch):
    """chmod 0 stops no root process (test_inputs_and_store covers it for other users): EACCES is simulated."""
    write_article(articles, "good", CLAIM)
    locked = write_article(articles, "locked", GOOD)
    real_open = open

    def denying_open(path, *args, **kwargs):
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("geo.ingest.articles.open", denying_open, raising=False)
    result = _build(runner, articles, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert _line(result.output, "skipped", "locked.txt", "cannot be read (Permission denied)")
    assert _build(runner, articles, tmp_path / "out", "--strict").exit_code == 1


# ------------------------------------------------------------------ dates from metadata, front matter, datelines
def test_future_and_impossible_publication_dates_are_dropped(runner, articles, tmp_path):
    future = (date.today() + timedelta(days=400)).isoformat()
    write_article(articles, "meta_future", CLAIM, published=future)
    # Front matter with an impossible day: before the fix it reached the extractor and crashed the whole build.
    (articles / "fm.md").write_text(f"---\npublished: 2025-02-30\npublisher: Wire\n---\n{GOOD}\n", encoding="utf-8")
    year = date.today().year + 3
    (articles / "dateline.txt").write_text(
        f"Published on March 8, {year}\nRussian forces captured Guyevo on Saturday, the Russian Defence Ministry said.\n",
        encoding="utf-8")
    out = tmp_path / "out"
    result = _build(runner, articles, out)
    assert result.exit_code == 0, result.output
    assert _line(result.output, "warning", "meta_future.meta.json", "in the future")
    assert _line(result.output, "warning", "fm.md", "front matter", "not a real date")
    assert _line(result.output, "warning", "dateline.txt", "dateline", "in the future")
    db = sqlite3.connect(out / "claims.sqlite")
    assert db.execute("SELECT COUNT(*) FROM articles WHERE published IS NOT NULL").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM claims WHERE date > ?", (date.today().isoformat(),)).fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] >= 3
    db.close()


# ------------------------------------------------------------------ size
def test_a_50_mb_article_is_skipped_at_once_with_its_reason(runner, articles, tmp_path):
    write_article(articles, "good", CLAIM)
    sentence = "The weather in the region was cold and the roads were muddy, officials said on Tuesday.\n"
    with (articles / "huge.txt").open("w", encoding="utf-8") as fh:
        fh.write(sentence * (50_000_000 // len(sentence) + 1))
    assert (articles / "huge.txt").stat().st_size >= 50_000_000
    started = time.monotonic()
    result = _build(runner, articles, tmp_path / "out")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert _line(result.output, "skipped", "huge.txt", "too long for one article", "split it")
    assert "claims: 1" in result.output
    assert elapsed < 30, f"{elapsed:.1f} s"


def test_one_line_of_5_mb_is_read_in_bounded_time(runner, articles, tmp_path):
    filler = "the roads were muddy and the weather was cold, officials said on Tuesday; "
    line = filler * (5_000_000 // len(filler)) + CLAIM  # no line break anywhere
    articles.mkdir()
    (articles / "oneline.txt").write_text(line, encoding="utf-8")
    (articles / "oneline.meta.json").write_text(json.dumps({"publisher": "Wire", "published": "2025-03-08"}))
    assert len(line) > 5_000_000 and "\n" not in line
    started = time.monotonic()
    result = _build(runner, articles, tmp_path / "out")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert _settlements(runner, tmp_path / "out") == {"Plekhovo"}
    # Sentences are cut at 600 characters, so the work is linear (about 0.2 MB/s of extraction here).
    assert elapsed < 120, f"{elapsed:.1f} s"


def test_an_article_naming_5000_places(runner, articles, tmp_path, use_gazetteer):
    """5,000 settlements (the user's local.csv rows, all located) in one article: every one is found and mapped."""
    syllables = ["ka", "lo", "mi", "ne", "ro", "sa", "tu", "vo", "zy", "che"]
    names = ["".join(t).capitalize() + "ovka" for t in itertools.product(syllables, repeat=4)][:5000]
    rng = random.Random(5000)
    rows = "".join(f"local:t{i},{n},,,,{rng.uniform(51.5, 52.0):.5f},{rng.uniform(35.5, 36.5):.5f},Kursk Oblast,,point,test,\n"
                   for i, n in enumerate(names))
    use_gazetteer(_gazetteer_with_local(tmp_path / "gazetteer", LOCAL_HEADER + rows))
    write_article(articles, "many", " ".join(f"Russian troops captured the village of {n}." for n in names))
    out = tmp_path / "out"
    started = time.monotonic()
    result = _build(runner, articles, out)
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "settlements with claims: 5000" in result.output and "not yet located" not in result.output
    html = (out / "index.html").read_text(encoding="utf-8")
    assert names[0] in html and names[-1] in html
    assert elapsed < 120, f"{elapsed:.1f} s"


# ------------------------------------------------------------------ names
def test_regex_and_html_metacharacters_in_names(runner, articles, tmp_path, use_gazetteer):
    odd = "Nova [Test] (Ville)*+?"
    html_name = "Bolota <b>&amp; Co"
    local = (LOCAL_HEADER + f'local:odd,"{odd}",,,,51.60000,35.90000,Kursk Oblast,,point,test,\n'
             f'local:html,"{html_name}",,,,51.70000,35.80000,Kursk Oblast,,point,test,\n')
    use_gazetteer(_gazetteer_with_local(tmp_path / "gazetteer", local))
    write_article(articles, "a(b)[c]*+?{2}|^$\\", f"Russian troops captured {odd}, the Russian Defence Ministry said on Saturday.")
    write_article(articles, "<b>&amp;'\"", f"Russian troops captured {html_name}, the Russian Defence Ministry said on Friday.")
    write_article(articles, ".*", CLAIM)
    out = tmp_path / "out"
    result = _build(runner, articles, out)
    assert result.exit_code == 0, result.output
    assert _settlements(runner, out) == {odd, html_name, "Plekhovo"}
    db = str(out / "claims.sqlite")
    for name in (odd, html_name):
        shown = runner.invoke(main, ["claims", name, "--db", db])
        assert shown.exit_code == 0 and name in shown.output, shown.output
    for query in ("(", "[", ".*", "*", "\\", "<script>alert(1)</script>", "%s%n", "' OR 1=1 --"):
        for command in (["claims", query, "--db", db], ["resolve", query]):
            r = runner.invoke(main, command)
            assert r.exit_code in (0, 1), (command, r.output)
            assert r.exception is None or isinstance(r.exception, SystemExit), (command, r.exception)


def test_right_to_left_and_zero_width_characters_inside_place_names(runner, articles, tmp_path, use_gazetteer):
    # In the gazetteer (the user's row) and in the text: marks, isolates, embeddings, a soft hyphen, a BOM.
    use_gazetteer(_gazetteer_with_local(
        tmp_path / "gazetteer", LOCAL_HEADER + "local:zw,Zo\u200bri\u2067ne\u2069vka,,,,51.60000,35.90000,Kursk Oblast,,point,test,\n"))
    write_article(articles, "rtl", "קרב. Russian troops captured Ple\u200fkho\u00advo and \u202bСуд\u2060жа\u202c, "
                                   "the Russian Defence Ministry said on Saturday. الجيش")
    write_article(articles, "zw", "Russian troops captured Zorinevka on Friday, the Russian Defence Ministry said.")
    out = tmp_path / "out"
    result = _build(runner, articles, out)
    assert result.exit_code == 0, result.output
    text = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output
    recs = [json.loads(line) for line in text.splitlines()]
    assert {r["settlement"] for r in recs} == {"Plekhovo", "Sudzha", "Zorinevka"}
    assert {r["mention"] for r in recs} >= {"Plekhovo", "Суджа", "Zorinevka"}
    for r in recs:  # nothing invisible or direction-changing reaches the evidence shown on the map
        assert not any(c in r["evidence"] for c in INVISIBLE), r["evidence"]


# ------------------------------------------------------------------ the user's gazetteer rows
def test_bad_local_gazetteer_rows_are_named_and_skipped(runner, articles, tmp_path, use_gazetteer):
    rows = [
        "local:good,Goodovka,,,,51.60000,35.90000,Kursk Oblast,,point,test,",        # line 2: loads
        "local:nolat,Nolatovka,,,,,35.90000,Kursk Oblast,,point,test,",               # 3: no latitude
        "local:nolon,Nolonovka,,,,51.60000,,Kursk Oblast,,point,test,",               # 4: no longitude
        "local:text,Textovka,,,,north,35.9,Kursk Oblast,,point,test,",                # 5: not a number
        "local:nan,Nanovka,,,,nan,inf,Kursk Oblast,,point,test,",                     # 6: not finite
        "local:moscow,Moskvovka,,,,55.75000,37.62000,Kursk Oblast,,point,test,",      # 7: outside the oblasts
        "local:far,Farovka,,,,10.00000,10.00000,Kursk Oblast,,point,test,",           # 8: far outside
        "local:swap,Swapovka,,,,35.90000,51.60000,Kursk Oblast,,point,test,",         # 9: lat and lon swapped
        "local:prec,Precovka,,,,51.60000,35.90000,Kursk Oblast,,exact,test,",         # 10: unknown precision
        "local:extra,Extrovka,,,,51.6,35.9,Kursk Oblast,,point,test, with, commas",   # 11: shifted columns
        ",Noidovka,,,,51.60000,35.90000,Kursk Oblast,,point,test,",                   # 12: no id
    ]
    gaz = _gazetteer_with_local(tmp_path / "gazetteer", LOCAL_HEADER + "\n".join(rows) + "\n")
    use_gazetteer(gaz)
    names = ["Goodovka", "Nolatovka", "Nolonovka", "Textovka", "Nanovka", "Moskvovka", "Farovka", "Swapovka",
             "Precovka", "Extrovka", "Noidovka"]
    write_article(articles, "a", " ".join(f"Russian troops captured the village of {n}." for n in names))
    out = tmp_path / "out"
    result = _build(runner, articles, out)
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.output.splitlines() if "local.csv" in ln]
    assert len(warnings) == 10, warnings
    local = str(gaz / "local.csv")
    for line_no, reason in [(3, "missing coordinate"), (4, "missing coordinate"), (5, "not a number"),
                            (6, "not a number"), (7, "outside the theatre"), (8, "outside the theatre"),
                            (9, "swapped"), (10, "unknown precision"), (11, "more than the header"), (12, "no id")]:
        line = _line(result.output, f"{local} line {line_no}", reason)
        assert line.startswith("warning ") and line.endswith("row skipped"), line
    recs = [json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output.splitlines()]
    by_name = {r["settlement"]: r for r in recs}
    assert by_name["Goodovka"]["lat"] == 51.6  # the good row loaded
    # The skipped rows' names are not the user's places: their claims are kept, unlocated.
    assert all(by_name[n]["lat"] is None for n in names[1:] if n in by_name)


def test_local_gazetteer_with_a_bom_or_in_windows_1251_loads(tmp_path):
    from geo.places.gazetteer import Gazetteer

    row = "local:bom,Bomovka,Бомовка,,,51.60000,35.90000,Kursk Oblast,,point,test,\n"
    g = Gazetteer(_gazetteer_with_local(tmp_path / "g1", b"\xef\xbb\xbf" + (LOCAL_HEADER + row).encode("utf-8")))
    assert "local:bom" in g.places and not g.warnings
    g = Gazetteer(_gazetteer_with_local(tmp_path / "g2", (LOCAL_HEADER + row).encode("cp1251")))
    assert g.places["local:bom"].name_ru == "Бомовка" and not g.warnings
    g = Gazetteer(_gazetteer_with_local(tmp_path / "g3", b"\x00\x01\x02binary\x98"))
    assert len(g.warnings) == 1 and "local.csv" in g.warnings[0] and "unreadable" in g.warnings[0]


# ------------------------------------------------------------------ exit status
def test_exit_status_0_with_warnings_1_strict_2_usage(runner, articles, tmp_path):
    write_article(articles, "good", CLAIM)
    write_article(articles, "dated", GOOD)
    (articles / "dated.meta.json").write_text(json.dumps({"published": "2025-02-30", "colour": "red"}))
    out = tmp_path / "out"
    warned = _build(runner, articles, out)
    assert warned.exit_code == 0 and _line(warned.output, "warning", "dated.meta.json")
    # --strict: warnings alone are not a failure; a skipped file is.
    assert _build(runner, articles, out, "--strict").exit_code == 0
    (articles / "empty.txt").write_text("")
    skipped = _build(runner, articles, out, "--strict")
    assert skipped.exit_code == 1 and _line(skipped.output, "skipped", "empty.txt")
    assert _build(runner, articles, out).exit_code == 0
    before = (out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()
    unknown = _build(runner, articles, out, "--frobnicate")
    assert unknown.exit_code == 2 and "No such option" in unknown.output
    # A missing folder is a usage error; before the fix it built an empty map and emptied the store.
    missing = _build(runner, tmp_path / "no such folder", out)
    assert missing.exit_code == 2 and "does not exist" in missing.output
    not_a_folder = _build(runner, articles / "good.txt", out)
    assert not_a_folder.exit_code == 2
    assert ((out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()) == before
    assert runner.invoke(main, ["export", "--format", "xml"]).exit_code == 2
    # And as the real command, in its own process.
    assert _run("build", "--articles", articles, "--out", out).returncode == 0
    assert _run("build", "--articles", articles, "--out", out, "--strict").returncode == 1
    assert _run("build", "--articles", tmp_path / "nope", "--out", out).returncode == 2


# ------------------------------------------------------------------ full disk
@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"),
                                   sqlite3.OperationalError("database or disk is full")])
def test_disk_full_at_the_store_write(runner, articles, tmp_path, monkeypatch, error):
    write_article(articles, "good", CLAIM)
    out = tmp_path / "out"
    assert _build(runner, articles, out).exit_code == 0
    before = (out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()
    write_article(articles, "more", GOOD)

    def full(*args, **kwargs):
        raise error

    monkeypatch.setattr("geo.store.add_article", full)
    result = _build(runner, articles, out)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output  # no traceback
    assert _line(result.output, "Error", "build failed, nothing changed", "full" if isinstance(error, sqlite3.Error) else "No space")
    assert ((out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()) == before
    assert not _leftovers(out)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "geojson"])
def test_disk_full_at_the_export_write(runner, articles, tmp_path, monkeypatch, fmt):
    write_article(articles, "good", CLAIM)
    out = tmp_path / "out"
    assert _build(runner, articles, out).exit_code == 0
    target = tmp_path / f"claims.{fmt}"
    target.write_text("earlier export\n")
    real = Path.write_text

    def half_then_full(self, data, *args, **kwargs):
        real(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_then_full)
    result = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", fmt, "-o", str(target)])
    monkeypatch.undo()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert _line(result.output, "could not write", target.name, "No space left")
    assert target.read_text() == "earlier export\n"  # no partial file in its place
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["articles", "out", target.name])


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


def test_a_really_full_disk(tiny_disk, articles, tmp_path):
    write_article(articles, "good", CLAIM, url="https://example.org/1")
    out = tiny_disk / "maps"
    assert _run("build", "--articles", articles, "--out", out).returncode == 0
    before = (out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()
    write_article(articles, "more", GOOD, url="https://example.org/2", published="2025-03-11")
    for leave in (150_000, 0):  # room for the store's change but not the map; no room at all
        filler = _fill(tiny_disk, leave)
        result = _run("build", "--articles", articles, "--out", out)
        assert result.returncode == 1, (leave, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and "build failed, nothing changed" in result.stderr, result.stderr
        assert ((out / "claims.sqlite").read_bytes(), (out / "index.html").read_bytes()) == before
        assert _integrity(out / "claims.sqlite") == "ok"
        assert not _leftovers(out)
        exported = _run("export", "--db", out / "claims.sqlite", "--format", "csv", "-o", tiny_disk / "claims.csv")
        if exported.returncode != 0:  # the store's claims may still fit when a little room is left
            assert "Traceback" not in exported.stderr and "No space left" in exported.stderr
            assert not (tiny_disk / "claims.csv").exists()
        (tiny_disk / "claims.csv").unlink(missing_ok=True)
        filler.unlink()
    result = _run("build", "--articles", articles, "--out", out)
    assert result.returncode == 0 and "claims: 2" in result.stdout, result.stdout + result.stderr


# ------------------------------------------------------------------ concurrency and kills
def _articles_for_kills(folder: Path, n: int, tag: str) -> None:
    places = ["Plekhovo", "Guyevo", "Sudzha", "Goncharovka", "Makhnovka", "Gornal", "Malaya Loknya", "Martynovka"]
    for i in range(n):
        place = places[i % len(places)]
        day = (date(2025, 1, 6) + timedelta(days=i)).isoformat()
        text = (f"Russian troops captured the village of {place}, the Russian Defence Ministry said on Saturday. "
                f"Ukrainian forces said fighting continued near {places[(i + 3) % len(places)]}. Report {tag}{i}.")
        write_article(folder, f"{tag}{i:03d}", text, publisher=f"Wire {i % 4}", published=day,
                      url=f"https://example.org/{tag}/{i}")


def test_two_builds_at_once(tmp_path):
    articles = tmp_path / "articles"
    _articles_for_kills(articles, 30, "c")
    out, fresh = tmp_path / "maps", tmp_path / "fresh"
    procs = [subprocess.Popen([*_geo(), "build", "--articles", str(articles), "--out", str(out)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], results
    # One did the work; the other waited for it and found nothing new.
    assert sorted("read 30 new" in r[0] for r in results) == [False, True], results
    assert _run("build", "--articles", articles, "--out", fresh).returncode == 0
    assert _claims(out / "claims.sqlite") == _claims(fresh / "claims.sqlite")
    assert (out / "index.html").read_bytes() == (fresh / "index.html").read_bytes()
    assert _integrity(out / "claims.sqlite") == "ok"


KILL_TRIALS = 20


def test_a_build_killed_at_random_points_leaves_the_old_or_the_new(tmp_path):
    """SIGKILL at 20 random moments of an incremental build: the store opens, passes integrity_check and
    holds the old or the new claims; index.html is the old map or the new one, byte for byte, never partial;
    and the next build finishes the job."""
    articles, out, saved = tmp_path / "articles", tmp_path / "maps", tmp_path / "saved"
    _articles_for_kills(articles, 6, "old")
    assert _run("build", "--articles", articles, "--out", out).returncode == 0
    old_claims, old_map = _claims(out / "claims.sqlite"), (out / "index.html").read_bytes()
    shutil.copytree(out, saved)
    # The change: 40 new articles, one changed, one deleted.
    _articles_for_kills(articles, 40, "new")
    (articles / "old001.txt").write_text("Ukrainian forces retook Guyevo on Monday, Ukraine's General Staff said.")
    (articles / "old002.txt").unlink()
    (articles / "old002.meta.json").unlink()
    started = time.monotonic()
    assert _run("build", "--articles", articles, "--out", out).returncode == 0
    duration = time.monotonic() - started
    new_claims, new_map = _claims(out / "claims.sqlite"), (out / "index.html").read_bytes()
    assert new_claims != old_claims and new_map != old_map

    rng = random.Random(7)
    outcomes = []
    for trial in range(KILL_TRIALS):
        shutil.rmtree(out)
        shutil.copytree(saved, out)
        delay = rng.uniform(0, duration)
        proc = subprocess.Popen([*_geo(), "build", "--articles", str(articles), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        where = f"trial {trial}, killed after {delay:.2f} s of {duration:.2f} s"
        claims = _claims(out / "claims.sqlite")  # the store opens with the tool's own reader
        assert _integrity(out / "claims.sqlite") == "ok", where
        assert claims in (old_claims, new_claims), where
        page = (out / "index.html").read_bytes()
        assert page in (old_map, new_map), where
        left = _leftovers(out)
        outcomes.append(("finished" if finished else "killed", "new store" if claims == new_claims else "old store",
                         "new map" if page == new_map else "old map")
                        + (("inside the write transaction",) if any(n.endswith("-journal") for n in left) else ())
                        + (("map half written",) if any(".tmp" in n for n in left) else ()))
        # The next build completes what the killed one began.
        assert _run("build", "--articles", articles, "--out", out).returncode == 0, where
        assert _claims(out / "claims.sqlite") == new_claims and (out / "index.html").read_bytes() == new_map, where
    killed = [o for o in outcomes if o[0] == "killed"]
    assert len(killed) >= KILL_TRIALS // 2, outcomes
    print("kill outcomes:", {k: outcomes.count(k) for k in sorted(set(outcomes))})


# ------------------------------------------------------------------ properties
_NAMEISH = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@property_settings(300)
@given(_NAMEISH)
def test_name_folding_is_idempotent(name):
    once = fold(name)
    assert len(once) == len(name)  # offsets in folded text are offsets in the article
    assert fold(once) == once
    folded = fold_name(name)
    assert fold_name(folded) == folded
    assert fold_name(once) == folded


_DAY = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
_MONTH_WORDS = ["January", "Jan.", "February", "Feb", "March", "Mar.", "April", "May", "June", "July", "August",
                "Aug.", "September", "Sept.", "October", "November", "Dec."]
_PIECES = st.one_of(
    st.builds(lambda d, m, y: f"{d} {m}" + (f", {y}" if y else ""), st.integers(0, 35), st.sampled_from(_MONTH_WORDS),
              st.one_of(st.none(), st.integers(2000, 2099))),
    st.builds(lambda m, d, y: f"{m} {d}" + (f", {y}" if y else ""), st.sampled_from(_MONTH_WORDS), st.integers(0, 35),
              st.one_of(st.none(), st.integers(2000, 2099))),
    st.builds(lambda m, d, d2: f"{m} {d}-{d2}", st.sampled_from(_MONTH_WORDS), st.integers(1, 31), st.integers(1, 35)),
    st.builds(lambda m, d, y: f"{m}/{d}/{y}", st.integers(0, 13), st.integers(0, 32), st.integers(2000, 2099)),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(2000, 2099), st.integers(0, 13), st.integers(0, 32)),
    st.sampled_from(["on Monday", "Tuesday night", "last Sunday", "yesterday", "today", "overnight", "the day before",
                     "on the same day", "later that day", "earlier this month", "last week", "On", "By", ",", ".",
                     "captured", "liberated", "said", "Sudzha", "in March", "since August 2024"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
)
_SENTENCE = st.lists(_PIECES, max_size=8).map(" ".join)


@property_settings(300)
@given(_SENTENCE, _SENTENCE, st.one_of(st.none(), _DAY), st.integers(0, 200))
def test_date_resolution_never_moves_a_claim_after_publication(earlier, sentence, published, cue_pos):
    """A claim's date, however the sentence and the one before it name days, is never after publication: the
    extractor's own per-article context is fed both sentences (so the lead, the narrative day, the last day
    named and, with no publication date, the latest full date printed all come from them) and asked."""
    pub = published.isoformat() if published else None
    context = dates.ArticleDates(pub, earlier + "\n" + sentence, [earlier, sentence])
    context.read(earlier)
    context.read(sentence)
    r = context.claim_date(min(cue_pos, len(sentence)))
    if r.date is not None:
        day = date.fromisoformat(r.date)  # a real day
        assert published is None or day <= published, (r, earlier, sentence)
        assert r.precision == "day"
    assert context.lead is None or (published is not None and context.lead.date <= pub)
    dateline(earlier + "\n" + sentence)  # never raises
