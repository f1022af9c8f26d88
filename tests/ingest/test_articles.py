"""Articles as they arrive: encodings (detected, repaired, refused), metadata, front matter, datelines and
impossible dates, files that are not articles (FIFOs, devices, links, binaries, giant files), saved web pages,
`geo add`."""
from __future__ import annotations

import errno
import json
import os
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from geo.cli import main
from geo.ingest.articles import read_article

from conftest import write_article, run_geo, build_with, settlements, output_line, CLAIM, GOOD


def _export(runner, out):
    return [json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output.splitlines()]


A1 = "Russian troops captured the village of Plekhovo on Friday, the Russian Defence Ministry said."


def test_encodings_are_detected(tmp_path):
    for name, data in {
        "u16.txt": CLAIM.encode("utf-16"),
        "bom.txt": b"\xef\xbb\xbf" + CLAIM.encode("utf-8"),
        "cp1251.txt": "Российские войска заняли село Плехово.".encode("cp1251"),
    }.items():
        (tmp_path / name).write_bytes(data)
        article, problems = read_article(tmp_path / name)
        assert article is not None, (name, problems)
    assert "Плехово" in read_article(tmp_path / "cp1251.txt")[0].text


def test_bad_files_are_named_and_the_rest_is_used(runner, articles, tmp_path):
    write_article(articles, "good", CLAIM)
    (articles / "empty.txt").write_text("")
    (articles / "blank.txt").write_text("   \n\t  ")
    (articles / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary")
    (articles / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    write_article(articles, "badmeta", CLAIM.replace("Plekhovo", "Goncharovka"))
    (articles / "badmeta.meta.json").write_text("{not json")
    write_article(articles, "types", CLAIM.replace("Plekhovo", "Guyevo"))
    (articles / "types.meta.json").write_text(json.dumps({"publisher": 5, "published": "2025-02-30", "colour": "red"}))
    (articles / "orphan.meta.json").write_text("{}")
    write_article(articles, "copy", CLAIM)  # same text as good.txt under another name
    out = tmp_path / "out"
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name, reason in [("empty.txt", "empty"), ("blank.txt", "empty"), ("scan.txt", "PDF"), ("image.txt", "binary"),
                         ("badmeta.meta.json", "unreadable"), ("types.meta.json", "not a real date"),
                         ("types.meta.json", "should be a string"), ("types.meta.json", "unknown key"),
                         ("orphan.meta.json", "no article"), ("copy.txt", "same text as")]:
        assert any(name in line and reason in line for line in lines), (name, reason, result.output)
    recs = [json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output.splitlines()]
    assert {r["settlement"] for r in recs} == {"Plekhovo", "Goncharovka", "Guyevo"}
    strict = build_with(runner, articles, out, "--strict")
    assert strict.exit_code == 1


def test_symlink_loop_and_unreadable_file(runner, articles, tmp_path):
    write_article(articles, "good", CLAIM)
    os.symlink(articles, articles / "loop")
    locked = write_article(articles, "locked", CLAIM.replace("Plekhovo", "Guyevo"))
    locked.chmod(0)
    try:
        result = build_with(runner, articles, tmp_path / "out")
    finally:
        locked.chmod(0o644)
    assert result.exit_code == 0
    assert "symlink loop" in result.output
    if os.geteuid() != 0:  # root reads every file
        assert "locked.txt" in result.output


def test_markdown_front_matter_and_dateline(tmp_path):
    md = tmp_path / "a.md"
    md.write_text("---\npublisher: Kyiv Post\npublished: 2025-03-08\n---\n" + CLAIM, encoding="utf-8")
    article, _ = read_article(md)
    assert article.publisher == "Kyiv Post" and article.published == "2025-03-08"
    assert article.text[article.text.index("Russian"):].startswith("Russian")
    txt = tmp_path / "b.txt"
    txt.write_text(CLAIM + "\nTyler Durden\nSat, 03/08/2025 – 10:00\n", encoding="utf-8")
    article, _ = read_article(txt)
    assert article.published == "2025-03-08" and article.published_source == "dateline"


def test_hidden_characters_do_not_hide_names(runner, articles, tmp_path):
    write_article(articles, "zw", CLAIM.replace("Plekhovo", "Plek\u200bho\u200dvo\u202e"))
    out = tmp_path / "out"
    assert build_with(runner, articles, out).exit_code == 0
    recs = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output
    assert json.loads(recs.splitlines()[0])["settlement"] == "Plekhovo"


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
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    assert output_line(result.output, "warning", "torn.txt", "invalid UTF-8")
    assert output_line(result.output, "skipped", "junk.txt", "not decodable")
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
    result = run_geo("build", "--articles", articles, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert output_line(out, "skipped", "pipe.txt", "not a regular file")
    assert output_line(out, "skipped", "zero.txt", "not a regular file")
    assert output_line(out, "skipped", "dangling.txt", "cannot be read")
    assert output_line(out, "warning", "fifo_meta.meta.json", "not a regular file")
    assert "articles: 2" in out and "claims: 2" in out


def test_unreadable_file_even_as_root(runner, articles, tmp_path, monkeypatch):
    """chmod 0 stops no root process (test_symlink_loop_and_unreadable_file covers it for other users): EACCES is simulated."""
    write_article(articles, "good", CLAIM)
    locked = write_article(articles, "locked", GOOD)
    real_open = open

    def denying_open(path, *args, **kwargs):
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("geo.ingest.articles.open", denying_open, raising=False)
    result = build_with(runner, articles, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert output_line(result.output, "skipped", "locked.txt", "cannot be read (Permission denied)")
    assert build_with(runner, articles, tmp_path / "out", "--strict").exit_code == 1


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
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    assert output_line(result.output, "warning", "meta_future.meta.json", "in the future")
    assert output_line(result.output, "warning", "fm.md", "front matter", "not a real date")
    assert output_line(result.output, "warning", "dateline.txt", "dateline", "in the future")
    db = sqlite3.connect(out / "claims.sqlite")
    assert db.execute("SELECT COUNT(*) FROM articles WHERE published IS NOT NULL").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM claims WHERE date > ?", (date.today().isoformat(),)).fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] >= 3
    db.close()


def test_a_50_mb_article_is_skipped_at_once_with_its_reason(runner, articles, tmp_path):
    write_article(articles, "good", CLAIM)
    sentence = "The weather in the region was cold and the roads were muddy, officials said on Tuesday.\n"
    with (articles / "huge.txt").open("w", encoding="utf-8") as fh:
        fh.write(sentence * (50_000_000 // len(sentence) + 1))
    assert (articles / "huge.txt").stat().st_size >= 50_000_000
    started = time.monotonic()
    result = build_with(runner, articles, tmp_path / "out")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert output_line(result.output, "skipped", "huge.txt", "too long for one article", "split it")
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
    result = build_with(runner, articles, tmp_path / "out")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert settlements(runner, tmp_path / "out") == {"Plekhovo"}
    # Sentences are cut at 600 characters, so the work is linear (about 0.2 MB/s of extraction here).
    assert elapsed < 120, f"{elapsed:.1f} s"


def test_geo_add_copies_with_metadata_and_rebuilds(runner, tmp_path):
    src = tmp_path / "incoming story.txt"
    src.write_text(A1, encoding="utf-8")
    articles, out = tmp_path / "seeds", tmp_path / "maps"
    result = runner.invoke(main, ["add", str(src), "--publisher", "Reuters", "--published", "2025-03-08",
                                  "--url", "https://example.org/a", "--articles", str(articles), "--out", str(out)])
    assert result.exit_code == 0, result.output
    meta = json.loads((articles / "incoming_story.meta.json").read_text())
    assert meta == {"url": "https://example.org/a", "publisher": "Reuters", "published": "2025-03-08", "title": None}
    assert "claims: 1" in result.output
    bad = runner.invoke(main, ["add", str(src), "--url", "javascript:alert(1)", "--articles", str(articles), "--out", str(out)])
    assert bad.exit_code == 2 and "not an http(s) URL" in bad.output


def test_html_article_is_read_with_its_metadata(runner, articles, tmp_path):
    articles.mkdir()
    (articles / "page.html").write_text(
        "<html><head><title>Russia says it retook Plekhovo</title>"
        '<meta property="og:site_name" content="Example News">'
        '<meta property="article:published_time" content="2025-03-08T10:00:00Z"></head>'
        "<body><nav>Home | World</nav><article><h1>Russia says it retook Plekhovo</h1>"
        f"<p>{A1}</p><p>The claim could not be independently verified.</p></article>"
        "<footer>© Example</footer></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", "--articles", str(articles), "--out", str(out)]).exit_code == 0
    rec = _export(runner, out)[0]
    assert rec["settlement"] == "Plekhovo" and rec["published"] == "2025-03-08" and rec["date"] == "2025-03-07"
    assert "Home | World" not in rec["evidence"]


@pytest.mark.parametrize("few", [64, 0])  # names put in one by one, or merged
def test_a_changed_folder_read_against_its_last_listing_lists_as_a_fresh_listing(tmp_path, monkeypatch, few):
    """Names added, removed, or turned from a file into a folder between two listings; metadata that gains or
    loses its article: the listing worked out from the last one is the one a full listing gives."""
    import random
    import shutil

    from geo.ingest import articles
    from geo.ingest.articles import _list_folder

    monkeypatch.setattr(articles, "_FEW", few)

    rng = random.Random(5)
    stems, suffixes = ["a", "b", "README", "x.y", ".", "İ", "Суджа"], [".txt", ".TXT", ".md", ".html", ".meta.json", ".json", ""]

    def change(d: Path) -> None:
        for _ in range(rng.randint(1, 6)):
            names = sorted(os.listdir(d))
            if names and rng.random() < 0.4:
                p = d / rng.choice(names)
                shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
                if rng.random() < 0.3:  # the same name, now of the other kind
                    p.mkdir() if rng.random() < 0.5 else p.write_text("y")
                continue
            name = rng.choice(stems) + rng.choice(stems[:2]) * rng.randint(0, 1) + rng.choice(suffixes)
            p = d / name
            if name in (".", "..") or os.path.lexists(p):
                continue
            r = rng.random()
            p.mkdir() if r < 0.15 else p.symlink_to(d) if r < 0.2 else p.write_text("x")

    for trial in range(150):
        d = tmp_path / f"t{trial}"
        d.mkdir()
        change(d)
        kept, _ = _list_folder(str(d), [])
        for _ in range(3):
            change(d)
            full, _ = _list_folder(str(d), [])
            again, _ = _list_folder(str(d), [], kept)
            assert again == full, sorted(os.listdir(d))
            kept = again
