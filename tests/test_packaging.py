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


def _pins() -> dict[str, str]:
    from packaging.utils import canonicalize_name

    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_the_lock_pins_every_distribution_the_project_needs():
    """constraints.txt (the lock scripts/build-map, scripts/test and so CI install from) pins every distribution in
    the requirement tree of the project and its test extra, at the version installed here; a requirement added
    without refreshing the lock (./scripts/lock) fails here. lxml_html_clean, which trafilatura needs to read
    saved pages but does not declare, is among them."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = _pins()
    todo: list[tuple[str, frozenset[str]]] = [("geo-claims", frozenset({"test"}))]
    seen: set[str] = set()
    missing, wrong = [], []
    while todo:
        name, extras = todo.pop()
        for text in metadata.requires(name) or []:
            req = Requirement(text)
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in (extras | {""})):
                continue
            key = canonicalize_name(req.name)
            if key not in pins:
                missing.append(f"{req.name} (needed by {name})")
            elif metadata.version(req.name) != pins[key]:
                wrong.append(f"{req.name} {metadata.version(req.name)} installed, {pins[key]} locked")
            if key not in seen or req.extras:
                seen.add(key)
                todo.append((req.name, frozenset(req.extras)))
    assert not missing and not wrong, (missing, wrong)
    assert "lxml-html-clean" in seen
    for script in ("build-map", "test"):
        assert "-c constraints.txt" in (ROOT / "scripts" / script).read_text(encoding="utf-8"), script


def test_a_saved_web_page_is_read():
    """The first `.html` article of a fresh install used to abort the build (lxml.html.clean had become a separate
    project that nothing installed): a page saved by a browser, in Windows-1251 with its scripts, styles and
    navigation, gives its article text and metadata."""
    from geo.ingest.articles import read_article

    import tempfile

    page = ("<!DOCTYPE html><html lang='ru'><head><meta charset='windows-1251'><title>Минобороны: Плехово</title>"
            "<style>body{font:14px serif}</style><script>var a = 1 < 2;</script>"
            "<meta property='og:site_name' content='Пример'>"
            "<meta property='article:published_time' content='2025-03-08T09:00:00+03:00'></head>"
            "<body><nav><a href='/'>Главная</a> | <a href='/w'>Мир</a></nav><article><h1>Минобороны: Плехово</h1>"
            "<p>Российские войска освободили село Плехово Курской области, сообщило Минобороны России в субботу.</p>"
            "<p>Эти данные невозможно независимо проверить.</p></article><footer>© Пример</footer></body></html>")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "saved.html"
        path.write_bytes(page.encode("cp1251"))
        article, problems = read_article(path)
    assert article is not None, problems
    assert "освободили село Плехово" in article.text and "Главная" not in article.text
    assert article.published == "2025-03-08" and article.publisher == "Пример"
