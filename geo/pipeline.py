"""The build: articles → mentions → places → claims → store → timeline → map and exports.

`build()` is what `geo build` runs. It never stops at a bad article: each one becomes a `Problem` line in
the report, and the store and map are replaced only when the new ones are complete.
"""
from __future__ import annotations

import csv
import fcntl
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .articles import Problem, read_article, scan
from .extract import EXTRACTOR_VERSION, Extractor
from .gazetteer import Gazetteer, load
from .mentions import finder_for
from .normalize import fold_name
from .records import Article, Claim, Mention, Place
from .resolve import named_raions, near, resolve_mentions


@dataclass
class Extraction:
    articles: list[Article] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class BuildReport:
    extraction: Extraction
    store: Path
    map: Path

    def summary_lines(self) -> list[str]:
        e = self.extraction
        settlements = {c.place_id for c in e.claims}
        unlocated = sorted({e.places[c.place_id].name_en for c in e.claims if e.places[c.place_id].precision == "unlocated"})
        lines = [f"articles: {len(e.articles)}, mentions: {len(e.mentions)}, claims: {len(e.claims)}, "
                 f"settlements with claims: {len(settlements)}"]
        if unlocated:
            lines.append(f"named, not yet located ({len(unlocated)}): " + ", ".join(unlocated))
        lines += [("skipped " if p.fatal else "warning ") + str(p) for p in e.problems]
        lines += [f"wrote {self.store} and {self.map}"]
        return lines


def read_articles(folder: Path) -> tuple[list[Article], list[Problem]]:
    files, problems = scan(folder)
    articles: list[Article] = []
    by_hash: dict[str, Article] = {}
    for path in files:
        article, probs = read_article(path)
        problems += probs
        if article is None:
            continue
        first = by_hash.get(article.content_hash)
        if first is not None:
            problems.append(Problem(str(path), f"same text as {first.path}: read once, as {first.stem}", fatal=False))
            continue
        by_hash[article.content_hash] = article
        articles.append(article)
    return articles, problems


def _area_points(gaz: Gazetteer) -> dict[str, tuple[str, float, float]]:
    """raion → (oblast, lat, lon) of its representative point (written by gazetteer/build.py)."""
    out: dict[str, tuple[str, float, float]] = {}
    with (gaz.directory / "area_points.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["raion"]:
                out[row["raion"]] = (row["oblast"], float(row["lat"]), float(row["lon"]))
    return out


def unlocated_place(gaz: Gazetteer, claim: Claim, text: str) -> Place:
    """A settlement the gazetteer lacks: kept, placed at its raion when the text names one nearby."""
    points = _area_points(gaz)
    for raion in near(named_raions(text), claim.mention_start):
        if raion in points:
            oblast, lat, lon = points[raion]
            return Place(id=claim.place_id, name_en=claim.mention, lat=lat, lon=lon, oblast=oblast, raion=raion,
                         precision="area", precision_source=f"{raion} raion named near it in {claim.article}; not in the gazetteer")
    return Place(id=claim.place_id, name_en=claim.mention, precision="unlocated",
                 precision_source="named in the text; not in the gazetteer")


def extract(articles: list[Article], gaz: Gazetteer) -> Extraction:
    finder = finder_for(gaz)
    extractor = Extractor(gaz)
    out = Extraction(articles=articles)
    for article in articles:
        mentions = resolve_mentions(gaz, article.text, finder.find(article.stem, article.text))
        out.mentions += mentions
        for claim in extractor.claims(article, mentions):
            out.claims.append(claim)
            if claim.place_id in gaz.places:
                out.places[claim.place_id] = gaz.places[claim.place_id]
            elif claim.place_id not in out.places:
                out.places[claim.place_id] = unlocated_place(gaz, claim, article.text)
    return out


@contextmanager
def build_lock(out_dir: Path, wait: bool = True):
    """One build per output folder at a time: a second one waits (or fails at once with wait=False)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".build.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise RuntimeError(f"{out_dir}: another `geo build` is running on this folder") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(articles_dir: Path, out_dir: Path, gazetteer_dir: Path | None = None, wait: bool = True) -> BuildReport:
    from . import mapview
    from .mapdata import map_data
    from .store import write_store

    render_map = mapview.render_map
    gaz = load(gazetteer_dir)
    articles, problems = read_articles(articles_dir)
    ex = extract(articles, gaz)
    ex.problems = problems + [Problem("gazetteer", w, fatal=False) for w in gaz.warnings]
    store_path, map_path = out_dir / "claims.sqlite", out_dir / "index.html"
    with build_lock(out_dir, wait):
        # Both files are written under temporary names and moved into place only when both are complete,
        # so a build that fails or is killed leaves the previous store and map as they were.
        store_tmp = store_path.with_name(f".{store_path.name}.{os.getpid()}.tmp")
        map_tmp = map_path.with_name(f".{map_path.name}.{os.getpid()}.tmp")
        try:
            names = {pid: gaz.spellings_of(pid) or [fold_name(p.name_en)] for pid, p in ex.places.items()}
            write_store(store_tmp, ex.articles, ex.mentions, ex.places.values(), ex.claims, EXTRACTOR_VERSION, names)
            data, layers = map_data(store_tmp, gaz)
            render_map(data, map_tmp, layers)
            os.replace(store_tmp, store_path)
            os.replace(map_tmp, map_path)
        finally:
            store_tmp.unlink(missing_ok=True)
            map_tmp.unlink(missing_ok=True)
    return BuildReport(ex, store_path, map_path)
