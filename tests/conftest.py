from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from geo.cli import main

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
