"""The map page's data, read from the store: places, claims, unlocated names and base layers.

The records here are what the payload (`geo.map.payload`) is built from; the tests' fixture and the map bench
make the same records.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .. import store
from ..places.gazetteer import Gazetteer

STALE_DAYS = 30  # a side's status not re-asserted for this many days is drawn faded


class MapPlace(NamedTuple):
    """A located settlement on the map."""

    id: str
    name_en: str
    name_ru: str
    name_uk: str
    lat: float
    lon: float
    precision: str  # point | approximate | area
    precision_note: str  # "location approximate: …", or ""
    oblast: str
    raion: str
    spellings: tuple[str, ...]  # for the search box


class MapClaim(NamedTuple):
    """One claim as the page shows it."""

    place: int | None  # index into `MapData.places`; None: a settlement no source locates
    date: str | None  # YYYY-MM-DD; None: undated (in the ledger, moves no state)
    status: str
    side: str
    claimant: str
    publisher: str
    article: str
    url: str | None  # the article's http(s) URL; None for a local file (named, never linked: a relative link breaks
    # once the page is shared)
    evidence: str  # the quoted sentence
    hl: tuple[int, int] | None  # the mention's [start, end) in `evidence`
    citations: int  # outlets repeating the claim
    cue: str
    cue_en: str = ""  # the cue in English, shown beside a quote in another language
    language: str = "en"  # of the quote (the page sets `lang` on it)
    title: str = ""  # the article's title (the ledger's link text)
    published: str = ""  # the article's publication date, YYYY-MM-DD
    file: str = ""  # a local article's file name, when it has no URL


class Town(NamedTuple):
    """A gazetteer place with no claim in this store: labelled by size for orientation, found by the search."""

    name_en: str
    name_ru: str
    name_uk: str
    lat: float
    lon: float
    population: int  # 0 when unknown
    raion: str
    oblast: str


class Unlocated(NamedTuple):
    """A settlement named but not located, and its claims (indexes into `MapData.claims`)."""

    name: str
    claims: list[int]


@dataclass(frozen=True)
class MapData:
    places: list[MapPlace]
    claims: list[MapClaim]
    unlocated: list[Unlocated]
    first: str | None = None  # the slider's first and last day; None: the claims' own range
    last: str | None = None
    stale_days: int = STALE_DAYS
    towns: tuple[Town, ...] = ()
    references: tuple = ()  # `geo.map.reference.ReferenceMap`s of the registered reference layers
    reference_problems: tuple[str, ...] = ()  # "FILE: why" of each snapshot that could not be used
    # A store's claims of each located place as `geo.map.parts` keeps them, in `places` order; `claims` then
    # holds only the unlocated claims. None: every claim is in `claims`.
    parts: tuple[dict, ...] | None = None


def precision_note(row) -> str:
    if row["precision"] == "approximate":
        return f"location approximate: {row['precision_source']}"
    if row["precision"] == "area":
        return f"location approximate: within {row['raion'] or row['oblast']}" + (" raion" if row["raion"] else "")
    return ""


def towns(gaz: Gazetteer, claimed: set[str]) -> tuple[Town, ...]:
    """The located gazetteer places with no claim here, largest first (then by id), for labels and search."""
    rows = [p for p in gaz.places.values() if p.lat is not None and p.lon is not None and p.id not in claimed
            and p.precision != "area"]  # an area row sits at its raion's point: no place to label
    rows.sort(key=lambda p: (-(p.population or 0), p.id))
    return tuple(Town(p.name_en, p.name_ru, p.name_uk, round(p.lat, 5), round(p.lon, 5), p.population or 0,  # type: ignore[arg-type]
                      p.raion, p.oblast) for p in rows)


def _claims_of(db: sqlite3.Connection, place_ids: set[str] | None, index: dict[str, int]) -> list[tuple[str, MapClaim]]:
    """The map's claims of these places (None: all) with their place's id, in the readers' claim order."""
    rows = list(store.map_claim_rows(db, place_ids))
    articles = {stem: (publisher or "", url or None, title or "", published or "", "" if url else os.path.basename(path or ""))
                for stem, publisher, url, path, title, published in
                store.article_sources(db, None if place_ids is None else {r[5] for r in rows})}
    claims: list[tuple[str, MapClaim]] = []
    for (place_id, date, status, side, claimant, article, evidence, start, length, citations,
         cue, cue_en, language) in rows:
        publisher, link, title, published, file = articles[article]
        claims.append((place_id, MapClaim(index.get(place_id), date, status, side, claimant, publisher, article, link,
                                          evidence, (start, start + length), citations, cue, cue_en, language, title,
                                          published, file)))
    return claims


def _place_parts(db: sqlite3.Connection, ids: list[str], index: dict[str, int], touched: set[str] | None) -> tuple[dict, ...]:
    """Each located place's part (`geo.map.parts`): kept in the store, made again for the places whose claims
    this build changed (`touched`; None: all) or that have none kept, and stored for the next build."""
    from . import parts

    kept = {} if touched is None else store.map_parts(db, parts.VERSION)
    stale = {pid for pid in ids if touched is None or pid in touched or pid not in kept}
    made: dict[str, str] = {}
    if stale:
        mine: dict[str, list[MapClaim]] = {pid: [] for pid in stale}
        for pid, c in _claims_of(db, None if touched is None else stale, index):
            if pid in mine:  # all claims are read when all parts are made: the unlocated ones are not a part's
                mine[pid].append(c)
        for pid, claims in mine.items():
            made[pid] = parts.part_json(parts.part_of(claims, parts.ledger_order(claims)))
    store.save_map_parts(db, parts.VERSION, made, ids)
    return tuple(json.loads(made[pid] if pid in made else kept[pid]) for pid in ids)


def map_data(db: sqlite3.Connection, gaz: Gazetteer, map_dir: Path, touched: set[str] | None = None) -> tuple[MapData, dict]:
    """The page data from an open write transaction on the store (a build reads its own uncommitted state), and
    the base layers (oblast and raion outlines). `touched`: the places whose claims changed since the last build
    (None: any may have); the others' claims are read from their kept parts, not from the claims."""
    from .parts import day_range

    index: dict[str, int] = {}
    places: list[MapPlace] = []
    unlocated: dict[str, Unlocated] = {}
    for p in store.all_places(db):
        if p["lat"] is None:
            unlocated[p["id"]] = Unlocated(p["name_en"], [])
            continue
        index[p["id"]] = len(places)
        gp = gaz.places.get(p["id"])
        spellings = sorted(set(gaz.spellings_of(p["id"])) | {p["name_en"]} | ({gp.name_ru, gp.name_uk} - {""} if gp else set()))
        places.append(MapPlace(
            id=p["id"], name_en=p["name_en"], name_ru=p["name_ru"] or "", name_uk=p["name_uk"] or "",
            lat=p["lat"], lon=p["lon"], precision=p["precision"], precision_note=precision_note(p),
            oblast=p["oblast"] or "", raion=p["raion"] or "", spellings=tuple(spellings[:40])))
    located = _place_parts(db, [p.id for p in places], index, touched)
    claims: list[MapClaim] = []
    for pid, c in _claims_of(db, set(unlocated), index) if unlocated else ():
        unlocated[pid].claims.append(len(claims))
        claims.append(c)
    dated = {c.date for c in claims if c.date} | {d.isoformat() for d in day_range(located) or ()}
    from .reference import reference_maps

    refs, ref_problems = reference_maps(db, gaz.directory, map_dir / ".cache", [p.id for p in places])
    data = MapData(places=places, claims=claims, unlocated=sorted(unlocated.values(), key=lambda u: u.name),
                   first=min(dated) if dated else None, last=max(dated) if dated else None,
                   towns=towns(gaz, set(index) | set(unlocated)), references=refs,
                   reference_problems=tuple(ref_problems), parts=located)
    layers = json.loads((gaz.directory / "base_layers.json").read_text(encoding="utf-8"))
    orientation = gaz.directory / "orientation.json"  # the state border and rivers (gazetteer/orientation.py)
    if orientation.exists():
        layers.update(json.loads(orientation.read_text(encoding="utf-8")))
    return data, layers
