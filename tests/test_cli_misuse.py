"""The CLI misused: `geo add` of a FIFO or with a FIFO beside it as metadata, dates in the future or before any
news, `geo eval` with a bad truth file, `geo claims` and `geo resolve` with an argument that is not UTF-8, and
`geo build --wait` bounding the wait for another build. Each is one line and an exit status, never a traceback
or a hang (subprocesses with timeouts)."""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from geo.cli import main

from conftest import CLAIM, geo_command, run_geo, write_article


def test_add_of_a_fifo_says_it_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = run_geo("add", fifo, "--articles", tmp_path / "articles", "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 2 and "not a regular file" in result.stderr, result.stderr
    missing = run_geo("add", tmp_path / "nothing.txt", "--articles", tmp_path / "articles", "--out", tmp_path / "out")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_add_with_a_fifo_as_its_metadata_does_not_hang(tmp_path):
    src = tmp_path / "in" / "story.txt"
    src.parent.mkdir()
    src.write_text(CLAIM)
    os.mkfifo(tmp_path / "in" / "story.meta.json")
    result = run_geo("add", src, "--publisher", "Wire", "--articles", tmp_path / "articles", "--out", tmp_path / "out",
                     timeout=60)
    assert result.returncode == 0, result.stderr
    assert "story.meta.json" in result.stdout and "not a regular file" in result.stdout
    assert json.loads((tmp_path / "articles" / "story.meta.json").read_text())["publisher"] == "Wire"


def test_add_with_bad_metadata_beside_it_keeps_the_good_fields(runner, tmp_path):
    src = tmp_path / "in" / "story.txt"
    src.parent.mkdir()
    src.write_text(CLAIM)
    (tmp_path / "in" / "story.meta.json").write_text(json.dumps({"publisher": "Wire", "published": "2999-01-01",
                                                                   "title": 5}))
    result = runner.invoke(main, ["add", str(src), "--articles", str(tmp_path / "articles"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    meta = json.loads((tmp_path / "articles" / "story.meta.json").read_text())
    assert meta["publisher"] == "Wire" and meta["published"] is None and meta["title"] is None
    assert "in the future" in result.output and "should be a string" in result.output


@pytest.mark.parametrize("value, says", [("9999-01-01", "in the future"), ("2999-12-31", "in the future"),
                                         ("0001-01-01", "before 1900"), ("2025-02-30", "not a date"),
                                         ("yesterday", "not a date")])
def test_add_published_is_checked_and_said_in_words(runner, tmp_path, value, says):
    src = tmp_path / "story.txt"
    src.write_text(CLAIM)
    result = runner.invoke(main, ["add", str(src), "--published", value, "--articles", str(tmp_path / "articles"),
                                  "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and says in result.output, result.output
    assert not (tmp_path / "articles").exists()


def _truth_cases(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = {"article": "a", "settlement": "Plekhovo", "mention": "Plekhovo", "status": "russia", "claimant": "MoD",
            "claimant_side": "russia", "date": None, "evidence": "…"}
    cases = {
        "not_json": ('{"article": "a", ' + "\n", "line 1: not JSON"),
        "second_line": (json.dumps(good) + "\n{oops}\n", "line 2: not JSON"),
        "array": ("[1, 2]\n", "line 1: not a JSON object"),
        "missing": (json.dumps({"article": "a"}) + "\n", "line 1: no settlement"),
        "wrong_type": (json.dumps({**good, "status": 3}) + "\n", "status should be text"),
        "empty": ("", "no truth rows"),
        "deep": ("[" * 100_000 + "]" * 100_000 + "\n", "line 1: not JSON"),
    }
    made = {}
    for name, (text, says) in cases.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text(text)
        made[name] = (path, says)
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\x00")
    made["binary"] = (binary, "binary.jsonl")
    return made


def test_eval_with_a_bad_truth_file_is_one_line(runner, tmp_path):
    write_article(tmp_path / "articles", "a", CLAIM)
    for name, (path, says) in _truth_cases(tmp_path).items():
        result = runner.invoke(main, ["eval", "--articles", str(tmp_path / "articles"), "--truth", str(path)])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (name, result.output)
        lines = [ln for ln in result.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and says in lines[0] and path.name in lines[0], (name, result.output)


def test_claims_and_resolve_with_an_argument_that_is_not_utf8(seeds_build):
    store = seeds_build / "claims.sqlite"
    for args in ([b"claims", b"Sud\xffzha", b"--db"], [b"resolve", b"Gor\xe9nal", b"--db"], [b"claims", b"\xff\xfe", b"--db"]):
        cmd = [os.fsencode(c) for c in geo_command()] + args + [os.fsencode(store)]
        result = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
        stderr = result.stderr.decode("utf-8", "replace")
        assert result.returncode == 1 and "Traceback" not in stderr, stderr
        assert "unknown settlement" in stderr + result.stdout.decode("utf-8", "replace")


def test_a_second_build_waits_at_most_wait_seconds_and_says_so(tmp_path):
    import fcntl

    articles, out = tmp_path / "articles", tmp_path / "out"
    write_article(articles, "a", CLAIM)
    out.mkdir()
    with open(out / ".build.lock", "w") as fh:  # as a running build holds it
        fcntl.flock(fh, fcntl.LOCK_EX)
        started = time.monotonic()
        result = run_geo("build", "--articles", articles, "--out", out, "--wait", "3", timeout=60)
        took = time.monotonic() - started
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "waiting for another `geo build`" in result.stderr and "--wait" in result.stderr.splitlines()[-1]
    assert 2.5 < took < 30 and not (out / "claims.sqlite").exists()
