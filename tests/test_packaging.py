"""The package as a whole: its types check, and a wheel installed away from the repository has all it needs."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_mypy_is_clean():
    result = subprocess.run([sys.executable, "-m", "mypy", "-p", "geo"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def test_a_wheel_installed_outside_the_repository_has_its_data(tmp_path):
    """`pip install` of a wheel (not an editable install) carries the gazetteer, the data tables, the templates
    and the vendored Leaflet: from a folder outside the repository it resolves a name, builds the seeds into the
    same map as the committed one, and keeps `geo gazetteer add` rows in that folder's gazetteer/local.csv.

    Offline: the wheel is built without build isolation (the test extra brings setuptools), installed with
    --no-index --no-deps into a new venv that sees this venv's site-packages through a .pth file (its
    dependencies are not installed again; the editable install's own finder is not run from there)."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "maps", "seeds", "tests", "bench", "build", "*.egg-info", "__pycache__", ".hypothesis",
        ".pytest_cache", "local.csv"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(pip + ["wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(tmp_path / "dist"),
                          str(src)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("geo_claims-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run([str(_venv_python(venv)), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    outer = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "click").is_dir())
    (Path(purelib) / "outer-venv.pth").write_text(f"{outer}\n", encoding="utf-8")
    subprocess.run([str(_venv_python(venv)), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "seeds", work / "seeds")
    env = {k: v for k, v in os.environ.items() if k != "GEO_GAZETTEER_DIR"}
    geo = str(venv / "bin" / "geo")

    def run(*args: str) -> str:
        result = subprocess.run([geo, *args], cwd=work, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    where = subprocess.run([str(_venv_python(venv)), "-c", "import geo; print(geo.__file__)"], cwd=work, env=env,
                           check=True, capture_output=True, text=True).stdout
    assert where.startswith(purelib), where
    assert "Sudzha / Суджа" in run("resolve", "Sudzha") and "51.19100, 35.27100" in run("resolve", "Sudzha")
    run("build")
    assert (work / "maps" / "index.html").read_bytes() == (ROOT / "maps" / "index.html").read_bytes()
    run("gazetteer", "add", "Skrylevka", "--lat", "51.55", "--lon", "35.20", "--source", "test", "--precision", "approximate")
    assert "local:skrylevka" in (work / "gazetteer" / "local.csv").read_text(encoding="utf-8")
    assert "local:skrylevka" in run("resolve", "Skrylevka")
