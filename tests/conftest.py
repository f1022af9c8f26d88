from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from geo.cli import main
from geo.pipeline import extract
from geo.places.gazetteer import load
from geo.records import Article
from geo.store import connect

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# Property tests: a few hundred examples locally; `HYPOTHESIS_PROFILE=ci` (exported by scripts/test, the command
# CI runs) gives each 10,000.
settings.register_profile("ci", max_examples=10_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
CI_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") == "ci"


def property_settings(local_examples: int = 300) -> settings:
    """Settings of a property test: `local_examples` examples, or the ci profile's count under it."""
    return settings(max_examples=settings.get_profile("ci").max_examples if CI_PROFILE else local_examples,
                    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def write_article(folder: Path, stem: str, text: str, publisher: str | None = "Test Wire",
                  published: str | None = "2025-03-08", url: str | None = None, title: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.txt"
    path.write_text(text, encoding="utf-8")
    meta = {"url": url, "publisher": publisher, "published": published, "title": title}
    (folder / f"{stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory) -> Path:
    """`geo build` of the repository's seeds/ into a fresh folder (the real CLI)."""
    # The same layout as the repository (seeds/ beside maps/), so the map's links to local files are the same.
    base = tmp_path_factory.mktemp("seeds_build")
    shutil.copytree(ROOT / "seeds", base / "seeds")
    out = base / "maps"
    result = CliRunner().invoke(main, ["build", "--articles", str(base / "seeds"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    return tmp_path / "articles"


def copy_seeds(dest: Path) -> Path:
    shutil.copytree(ROOT / "seeds", dest)
    return dest


# Sentences that each make one claim.
CLAIM = "Russian troops captured the village of Plekhovo, the Russian Defence Ministry said on Saturday."
GOOD = "Ukrainian forces retook Guyevo on Monday, Ukraine's General Staff said."
LOCAL_HEADER = "id,name_en,name_ru,name_uk,alt_names,lat,lon,oblast,raion,precision,source,notes\n"


def geo_command() -> list[str]:
    script = Path(sys.executable).with_name("geo")
    return [str(script)] if script.exists() else [sys.executable, "-m", "geo.cli"]


def run_geo(*args, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real `geo` command in its own process."""
    return subprocess.run([*geo_command(), *map(str, args)], check=False, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def build_with(runner, articles, out, *extra):
    return runner.invoke(main, ["build", "--articles", str(articles), "--out", str(out), *extra])


def settlements(runner, out) -> set[str]:
    text = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output
    return {json.loads(line)["settlement"] for line in text.splitlines()}


def stored_claims(store: Path) -> set[tuple]:
    db = connect(store)
    try:
        return {tuple(r) for r in db.execute("SELECT place_id, status, claimant, date, article, mention_start FROM claims")}
    finally:
        db.close()


def output_line(output: str, *parts: str) -> str:
    """The one output line that holds every part."""
    lines = [ln for ln in output.splitlines() if all(p in ln for p in parts)]
    assert lines, (parts, output)
    return lines[0]


def integrity(store: Path) -> str:
    db = sqlite3.connect(store)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def leftovers(out: Path) -> list[str]:
    """Temporary files and journals a build left in its output folder."""
    return sorted(p.name for p in out.iterdir() if p.name.endswith((".tmp", "-journal", "-wal")) or ".tmp" in p.name)


def gazetteer_with_local(dest: Path, local: bytes | str | None) -> Path:
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


def extract_text(text: str, publisher: str = "Test Wire", published: str | None = "2025-03-08"):
    """Claims as (settlement, status, claimant, side, date)."""
    art = Article(stem="t", path="t.txt", text=text, publisher=publisher, published=published)
    ex = extract([art], load())
    return [(ex.places[c.place_id].name_en, c.status, c.claimant, c.claimant_side, c.date) for c in ex.claims], ex


def one_claim(text: str, **kw):
    claims, _ = extract_text(text, **kw)
    assert len(claims) == 1, claims
    return claims[0]
