"""The map page's data, read from the store: places, claims, unlocated names and base layers."""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from .gazetteer import Gazetteer
from .store import all_claims

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
    rows = all_claims(db)
    paths = {r[0]: r[1] for r in db.execute("SELECT stem, path FROM articles")}
    places = db.execute("SELECT * FROM places ORDER BY id").fetchall()
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
    claims = []
    for r in rows:
        start = r["mention_start"] - r["evidence_start"]
        claims.append({
            "place": index.get(r["place_id"]), "date": r["date"], "status": r["status"], "side": r["claimant_side"],
            "claimant": r["claimant"], "publisher": r["publisher"] or "", "article": r["article"],
            "url": article_link(r["url"], paths.get(r["article"], ""), map_dir),
            "evidence": r["evidence"], "hl": [start, start + (r["mention_end"] - r["mention_start"])],
            "citations": r["citations"], "cue": r["cue"],
        })
        if r["place_id"] in unlocated:
            unlocated[r["place_id"]]["claims"].append(len(claims) - 1)
    dated = sorted(c["date"] for c in claims if c["date"])
    data = {
        "first": dated[0] if dated else None, "last": dated[-1] if dated else None, "stale_days": STALE_DAYS,
        "places": out_places, "claims": claims,
        "unlocated": sorted(unlocated.values(), key=lambda u: u["name"]),
    }
    layers = json.loads((gaz.directory / "base_layers.json").read_text(encoding="utf-8"))
    return data, layers
