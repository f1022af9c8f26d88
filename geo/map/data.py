"""The map page's data, read from the store: places, claims, unlocated names and base layers."""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from ..places.gazetteer import Gazetteer
from .payload import CLAIM_FIELDS
from .. import store

STALE_DAYS = 30  # a side's status not re-asserted for this many days is drawn faded


def precision_note(row) -> str:
    if row["precision"] == "approximate":
        return f"location approximate: {row['precision_source']}"
    if row["precision"] == "area":
        return f"location approximate: within {row['raion'] or row['oblast']}" + (" raion" if row["raion"] else "")
    return ""


def article_link(url: str | None, path: str, map_dir: Path) -> str | None:
    """The article's URL, or else the local file relative to the map (so the page links to what was read)."""
    if url:
        return url
    if not path:
        return None
    rel = os.path.relpath(path, map_dir).replace(os.sep, "/")
    return quote(rel, safe="/._-~")


def map_data(db: sqlite3.Connection, gaz: Gazetteer, map_dir: Path) -> tuple[dict, dict]:
    """The page data from an open store connection (a build reads its own uncommitted state)."""
    places = store.all_places(db)
    index: dict[str, int] = {}
    out_places = []
    unlocated: dict[str, dict] = {}
    for p in places:
        if p["lat"] is None:
            unlocated[p["id"]] = {"name": p["name_en"], "claims": []}
            continue
        index[p["id"]] = len(out_places)
        gp = gaz.places.get(p["id"])
        spellings = sorted(set(gaz.spellings_of(p["id"])) | {p["name_en"]} | ({gp.name_ru, gp.name_uk} - {""} if gp else set()))
        out_places.append({
            "id": p["id"], "name_en": p["name_en"], "name_ru": p["name_ru"] or "", "name_uk": p["name_uk"] or "",
            "lat": p["lat"], "lon": p["lon"], "precision": p["precision"], "precision_note": precision_note(p),
            "oblast": p["oblast"] or "", "raion": p["raion"] or "", "spellings": spellings[:40],
        })
    claims: list[tuple] = []  # in mapview.CLAIM_FIELDS order
    articles = {stem: (publisher or "", article_link(url, path, map_dir))
                for stem, publisher, url, path in store.article_sources(db)}
    for (place_id, date, status, side, claimant, article, evidence, start, length, citations,
         cue) in store.map_claim_rows(db):
        publisher, link = articles[article]
        claims.append((index.get(place_id), date, status, side, claimant, publisher, article, link, evidence,
                       (start, start + length), citations, cue))
        if place_id in unlocated:
            unlocated[place_id]["claims"].append(len(claims) - 1)
    dated = {c[1] for c in claims if c[1]}
    data = {
        "first": min(dated) if dated else None, "last": max(dated) if dated else None, "stale_days": STALE_DAYS,
        "places": out_places, "claims": claims, "claim_fields": CLAIM_FIELDS,
        "unlocated": sorted(unlocated.values(), key=lambda u: u["name"]),
    }
    layers = json.loads((gaz.directory / "base_layers.json").read_text(encoding="utf-8"))
    return data, layers
