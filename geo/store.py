"""The SQLite store: articles, mentions, places, claims and their citations.

A store is written whole into a temporary file beside the target and moved into place with `os.replace`,
so a build killed at any point leaves the previous store intact. Queries open it read-only.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from .records import Article, Claim, Mention, Place

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
  stem TEXT PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL, publisher TEXT, published TEXT,
  published_source TEXT, url TEXT, title TEXT, extractor_version TEXT NOT NULL
);
CREATE TABLE places (
  id TEXT PRIMARY KEY, name_en TEXT NOT NULL, name_ru TEXT, name_uk TEXT, lat REAL, lon REAL, country TEXT,
  oblast TEXT, raion TEXT, precision TEXT NOT NULL, precision_source TEXT, coord_source TEXT
);
CREATE TABLE mentions (
  article TEXT NOT NULL REFERENCES articles(stem), start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
  place_id TEXT, candidates TEXT NOT NULL, reason TEXT, PRIMARY KEY (article, start)
);
CREATE TABLE claims (
  id INTEGER PRIMARY KEY, place_id TEXT NOT NULL REFERENCES places(id), mention TEXT NOT NULL, status TEXT NOT NULL,
  claimant TEXT NOT NULL, claimant_side TEXT NOT NULL, date TEXT, date_precision TEXT NOT NULL,
  article TEXT NOT NULL REFERENCES articles(stem), evidence TEXT NOT NULL, evidence_start INTEGER NOT NULL,
  evidence_end INTEGER NOT NULL, mention_start INTEGER NOT NULL, mention_end INTEGER NOT NULL, cue TEXT NOT NULL,
  rule TEXT NOT NULL, relayed_by TEXT
);
CREATE TABLE citations (
  claim_id INTEGER NOT NULL REFERENCES claims(id), article TEXT NOT NULL REFERENCES articles(stem),
  evidence TEXT NOT NULL, evidence_start INTEGER NOT NULL, PRIMARY KEY (claim_id, article)
);
CREATE TABLE place_names (name TEXT NOT NULL, place_id TEXT NOT NULL REFERENCES places(id), PRIMARY KEY (name, place_id));
CREATE INDEX claims_place ON claims(place_id, date);
"""


def claim_key(c: Claim) -> tuple:
    """Claims that are one claim repeated by several outlets (wire copies): same place, status, claimant, day."""
    if c.date is None:
        return (c.article, c.place_id, c.status, c.claimant, None)
    return (c.place_id, c.status, c.claimant, c.date)


def write_store(path: Path, articles: list[Article], mentions: list[Mention], places: Iterable[Place],
                claims: list[Claim], extractor_version: str, names: dict[str, list[str]]) -> None:
    """Write a complete store at `path` (a new file: callers write to a temporary name and move it into place).

    `names`: the folded spellings of each place, so that queries need no gazetteer.
    """
    Path(path).unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("INSERT INTO meta VALUES ('extractor_version', ?)", (extractor_version,))
        db.executemany("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?)", [
            (a.stem, a.path, a.content_hash, a.publisher, a.published, a.published_source, a.url, a.title,
             extractor_version) for a in sorted(articles, key=lambda a: a.stem)])
        db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", [
            (p.id, p.name_en, p.name_ru, p.name_uk, p.lat, p.lon, p.country, p.oblast, p.raion, p.precision,
             p.precision_source, p.coord_source) for p in sorted(places, key=lambda p: p.id)])
        db.executemany("INSERT OR IGNORE INTO place_names VALUES (?,?)",
                       sorted((n, pid) for pid, ns in names.items() for n in ns))
        db.executemany("INSERT OR IGNORE INTO mentions VALUES (?,?,?,?,?,?,?)", [
            (m.article, m.start, m.end, m.text, m.place_id, json.dumps(list(m.candidates)), m.reason) for m in mentions])
        published = {a.stem: a.published or "" for a in articles}
        groups: dict[tuple, list[Claim]] = {}
        for c in sorted(claims, key=lambda c: (published.get(c.article, ""), c.article, c.evidence_start, c.mention_start)):
            groups.setdefault(claim_key(c), []).append(c)
        ordered = sorted(groups.values(), key=lambda g: (g[0].date or "9999", g[0].place_id, g[0].article, g[0].mention_start))
        for n, group in enumerate(ordered, start=1):
            c = group[0]
            db.execute("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
                n, c.place_id, c.mention, c.status, c.claimant, c.claimant_side, c.date, c.date_precision, c.article,
                c.evidence, c.evidence_start, c.evidence_end, c.mention_start, c.mention_end, c.cue, c.rule, c.relayed_by))
            for other in group:
                db.execute("INSERT OR IGNORE INTO citations VALUES (?,?,?,?)",
                           (n, other.article, other.evidence, other.evidence_start))
        db.commit()
    finally:
        db.close()


def connect(path: Path) -> sqlite3.Connection:
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no store here (run `geo build` first)")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        raise RuntimeError(f"{path}: store schema version {version}, this tool reads {SCHEMA_VERSION}; rebuild it")
    return db


CLAIM_QUERY = """
SELECT c.*, a.publisher, a.published, a.url, a.title, p.name_en AS settlement, p.lat, p.lon, p.oblast, p.raion,
       p.precision, p.precision_source, (SELECT COUNT(*) FROM citations ci WHERE ci.claim_id = c.id) AS citations
FROM claims c JOIN articles a ON a.stem = c.article JOIN places p ON p.id = c.place_id
"""


def claims_for(db: sqlite3.Connection, place_ids: list[str]) -> list[sqlite3.Row]:
    marks = ",".join("?" * len(place_ids))
    return db.execute(CLAIM_QUERY + f" WHERE c.place_id IN ({marks}) ORDER BY c.date IS NULL, c.date, c.id",
                      place_ids).fetchall()


def all_claims(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute(CLAIM_QUERY + " ORDER BY c.id").fetchall()


def citations_for(db: sqlite3.Connection, claim_id: int) -> list[sqlite3.Row]:
    return db.execute("SELECT ci.article, a.publisher, a.url FROM citations ci JOIN articles a ON a.stem = ci.article "
                      "WHERE ci.claim_id = ? ORDER BY ci.article", (claim_id,)).fetchall()
