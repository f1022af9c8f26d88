"""The SQLite store: articles, their mentions and claims, the places they resolve to, and the claims
grouped across outlets (one claim, several citations).

A build updates the store in one transaction: a build that fails or is killed leaves the store as it was
(SQLite rolls the transaction back), and `PRAGMA integrity_check` passes. The schema is versioned with
`PRAGMA user_version`; `migrate` brings an older store up to date. Queries open it read-only.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from .records import Article, Claim, Mention, Place

SCHEMA_VERSION = 3
TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
  stem TEXT PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL, publisher TEXT, published TEXT,
  published_source TEXT, url TEXT, title TEXT, extractor_version TEXT NOT NULL, size INTEGER, mtime_ns INTEGER,
  meta_mtime_ns INTEGER
);
CREATE TABLE IF NOT EXISTS places (
  id TEXT PRIMARY KEY, name_en TEXT NOT NULL, name_ru TEXT, name_uk TEXT, lat REAL, lon REAL, country TEXT,
  oblast TEXT, raion TEXT, precision TEXT NOT NULL, precision_source TEXT, coord_source TEXT
);
CREATE TABLE IF NOT EXISTS place_names (name TEXT NOT NULL, place_id TEXT NOT NULL, PRIMARY KEY (name, place_id));
CREATE TABLE IF NOT EXISTS mentions (
  article TEXT NOT NULL REFERENCES articles(stem) ON DELETE CASCADE, start INTEGER NOT NULL, end INTEGER NOT NULL,
  text TEXT NOT NULL, place_id TEXT, candidates TEXT NOT NULL, reason TEXT, PRIMARY KEY (article, start)
);
CREATE TABLE IF NOT EXISTS article_claims (
  article TEXT NOT NULL REFERENCES articles(stem) ON DELETE CASCADE, seq INTEGER NOT NULL,
  place_id TEXT NOT NULL, mention TEXT NOT NULL, status TEXT NOT NULL, claimant TEXT NOT NULL,
  claimant_side TEXT NOT NULL, date TEXT, date_precision TEXT NOT NULL, evidence TEXT NOT NULL,
  evidence_start INTEGER NOT NULL, evidence_end INTEGER NOT NULL, mention_start INTEGER NOT NULL,
  mention_end INTEGER NOT NULL, cue TEXT NOT NULL, rule TEXT NOT NULL, relayed_by TEXT, PRIMARY KEY (article, seq)
);
CREATE TABLE IF NOT EXISTS claims (
  id INTEGER PRIMARY KEY, place_id TEXT NOT NULL REFERENCES places(id), mention TEXT NOT NULL, status TEXT NOT NULL,
  claimant TEXT NOT NULL, claimant_side TEXT NOT NULL, date TEXT, date_precision TEXT NOT NULL,
  article TEXT NOT NULL REFERENCES articles(stem), evidence TEXT NOT NULL, evidence_start INTEGER NOT NULL,
  evidence_end INTEGER NOT NULL, mention_start INTEGER NOT NULL, mention_end INTEGER NOT NULL, cue TEXT NOT NULL,
  rule TEXT NOT NULL, relayed_by TEXT
);
CREATE TABLE IF NOT EXISTS citations (
  claim_id INTEGER NOT NULL REFERENCES claims(id), article TEXT NOT NULL REFERENCES articles(stem),
  evidence TEXT NOT NULL, evidence_start INTEGER NOT NULL, PRIMARY KEY (claim_id, article)
);
CREATE INDEX IF NOT EXISTS claims_place ON claims(place_id, date);
CREATE INDEX IF NOT EXISTS claims_key ON claims(place_id, status, claimant, date);
CREATE INDEX IF NOT EXISTS article_claims_key ON article_claims(place_id, status, claimant, date);
"""
CLAIM_COLUMNS = ("place_id", "mention", "status", "claimant", "claimant_side", "date", "date_precision", "evidence",
                 "evidence_start", "evidence_end", "mention_start", "mention_end", "cue", "rule", "relayed_by")


def _group_key(article: str, place_id: str, status: str, claimant: str, date: str | None) -> tuple:
    """Claims that are one claim repeated by several outlets (wire copies): same place, status, claimant, day.
    An undated claim is never merged across articles."""
    if date is None:
        return (article, place_id, status, claimant, None)
    return (place_id, status, claimant, date)


def key_place(key: tuple) -> str:
    """The place id of a grouping key."""
    return key[1] if key[-1] is None else key[0]


def claim_key(c: Claim) -> tuple:
    return _group_key(c.article, c.place_id, c.status, c.claimant, c.date)


def migrate(db: sqlite3.Connection) -> None:
    """Bring a store to SCHEMA_VERSION. Everything in a store is derived from the articles, so an older
    store (1: no per-article claims; 2: no file signatures) is emptied and its articles are read again."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"store schema version {version} is newer than this tool ({SCHEMA_VERSION})")
    if 0 < version < SCHEMA_VERSION:
        for table in ("citations", "claims", "article_claims", "mentions", "articles", "place_names", "places", "meta"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in TABLES.split(";"):  # not executescript: it would commit the open transaction
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def open_for_update(path: Path) -> sqlite3.Connection:
    """A connection with an open write transaction (one writer at a time; others wait)."""
    db = sqlite3.connect(path, timeout=600, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("BEGIN IMMEDIATE")
    migrate(db)
    return db


def stored_articles(db: sqlite3.Connection) -> tuple[dict[str, Article], dict[str, tuple[str, str]]]:
    """The articles already read, in one pass: by absolute path (so `--articles seeds` and `./seeds` agree),
    with the file signature they were read with (their text is not needed), and stem → (content hash,
    extractor version)."""
    by_path: dict[str, Article] = {}
    versions: dict[str, tuple[str, str]] = {}
    for r in db.execute("SELECT * FROM articles"):
        by_path[os.path.abspath(r["path"])] = Article(
            stem=r["stem"], path=r["path"], text="", publisher=r["publisher"], published=r["published"], url=r["url"],
            title=r["title"], content_hash=r["content_hash"], published_source=r["published_source"] or "meta",
            signature=(r["size"] or 0, r["mtime_ns"] or 0, r["meta_mtime_ns"] or 0))
        versions[r["stem"]] = (r["content_hash"], r["extractor_version"])
    return by_path, versions


def get_meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def remove_articles(db: sqlite3.Connection, stems: Iterable[str]) -> None:
    """Drop articles with their mentions and claims; the grouped claims are rebuilt by `regroup`."""
    stems = list(stems)
    # Grouped claims citing these articles go first (foreign keys); `regroup` rebuilds their groups.
    ids = {r[0] for s in stems for r in db.execute("SELECT claim_id FROM citations WHERE article = ?", (s,))}
    ids |= {r[0] for s in stems for r in db.execute("SELECT id FROM claims WHERE article = ?", (s,))}
    db.executemany("DELETE FROM citations WHERE claim_id = ?", [(i,) for i in ids])
    db.executemany("DELETE FROM claims WHERE id = ?", [(i,) for i in ids])
    db.executemany("DELETE FROM articles WHERE stem = ?", [(s,) for s in stems])


def add_article(db: sqlite3.Connection, a: Article, mentions: list[Mention], claims: list[Claim], version: str) -> None:
    db.execute("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", (
        a.stem, a.path, a.content_hash, a.publisher, a.published, a.published_source, a.url, a.title, version,
        *a.signature))
    db.executemany("INSERT OR IGNORE INTO mentions VALUES (?,?,?,?,?,?,?)", [
        (m.article, m.start, m.end, m.text, m.place_id, json.dumps(list(m.candidates)), m.reason) for m in mentions])
    db.executemany(f"INSERT INTO article_claims VALUES ({','.join('?' * (len(CLAIM_COLUMNS) + 2))})", [
        (c.article, n, *(getattr(c, col) for col in CLAIM_COLUMNS)) for n, c in enumerate(claims)])


def upsert_places(db: sqlite3.Connection, places: Iterable[Place], names: dict[str, list[str]]) -> None:
    db.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", [
        (p.id, p.name_en, p.name_ru, p.name_uk, p.lat, p.lon, p.country, p.oblast, p.raion, p.precision,
         p.precision_source, p.coord_source) for p in places])
    db.executemany("INSERT OR IGNORE INTO place_names VALUES (?,?)", [(n, pid) for pid, ns in names.items() for n in ns])


def claim_keys_of(db: sqlite3.Connection, stems: Iterable[str]) -> set[tuple]:
    """The grouping keys of the stored claims of these articles (before they are removed or re-read)."""
    keys: set[tuple] = set()
    for stem in stems:
        for r in db.execute("SELECT article, place_id, status, claimant, date FROM article_claims WHERE article = ?", (stem,)):
            keys.add(_group_key(*r))
    return keys


# The per-article claims as `_claim` reads them: the article, then CLAIM_COLUMNS.
_ARTICLE_CLAIMS = f"SELECT article, {', '.join(CLAIM_COLUMNS)} FROM article_claims"


def _claim(row: tuple) -> Claim:
    return Claim(article=row[0], **dict(zip(CLAIM_COLUMNS, row[1:])))


def _insert_group(db: sqlite3.Connection, claims: list[Claim], published: dict[str, str]) -> None:
    """One grouped claim and its citations. The earliest outlet's sentence stands for the claim."""
    g = sorted(claims, key=lambda c: (published.get(c.article, ""), c.article, c.evidence_start, c.mention_start))
    c = g[0]
    cur = db.execute("INSERT INTO claims VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
        c.place_id, c.mention, c.status, c.claimant, c.claimant_side, c.date, c.date_precision, c.article,
        c.evidence, c.evidence_start, c.evidence_end, c.mention_start, c.mention_end, c.cue, c.rule, c.relayed_by))
    db.executemany("INSERT OR IGNORE INTO citations VALUES (?,?,?,?)",
                   [(cur.lastrowid, o.article, o.evidence, o.evidence_start) for o in g])


def regroup(db: sqlite3.Connection, touched: set[tuple] | None = None) -> None:
    """Bring the grouped claims and their citations up to date with the per-article claims.

    With `touched` (the grouping keys whose per-article claims changed), only those groups are rebuilt;
    otherwise all of them. Claim ids carry no meaning: readers order claims by `CLAIM_ORDER`.
    """
    published = {r[0]: r[1] or "" for r in db.execute("SELECT stem, published FROM articles")}
    if touched is None:
        db.execute("DELETE FROM citations")
        db.execute("DELETE FROM claims")
        # Streamed in grouping-key order, one group in memory at a time (a 100k-article store has
        # millions of per-article claims).
        cur = db.cursor()
        cur.row_factory = None
        rows = cur.execute(f"{_ARTICLE_CLAIMS} ORDER BY date IS NULL, "
                           "CASE WHEN date IS NULL THEN article END, place_id, status, claimant, date")
        group: list[Claim] = []
        key = None
        for r in rows:
            c = _claim(r)
            k = claim_key(c)
            if k != key and group:
                _insert_group(db, group, published)
                group = []
            key = k
            group.append(c)
        if group:
            _insert_group(db, group, published)
    else:
        for key in sorted(touched, key=str):
            if key[-1] is None:
                where, args = "article = ? AND place_id = ? AND status = ? AND claimant = ? AND date IS NULL", key[:4]
            else:
                where, args = "place_id = ? AND status = ? AND claimant = ? AND date = ?", key
            old = [r[0] for r in db.execute(f"SELECT id FROM claims WHERE {where}", args)]
            db.executemany("DELETE FROM citations WHERE claim_id = ?", [(i,) for i in old])
            db.executemany("DELETE FROM claims WHERE id = ?", [(i,) for i in old])
            claims = [_claim(tuple(r)) for r in db.execute(f"{_ARTICLE_CLAIMS} WHERE {where}", args)]
            if claims:
                _insert_group(db, claims, published)
    db.execute("DELETE FROM places WHERE id NOT IN (SELECT place_id FROM article_claims)")
    db.execute("DELETE FROM place_names WHERE place_id NOT IN (SELECT id FROM places)")


def connect(path: Path) -> sqlite3.Connection:
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no store here (run `geo build` first)")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        raise RuntimeError(f"{path}: store schema version {version}, this tool reads {SCHEMA_VERSION}; run `geo build`")
    return db


# Readers order claims by content, never by id, so that an incremental build and a fresh one read alike.
CLAIM_ORDER = "c.date IS NULL, c.date, c.place_id, c.article, c.mention_start, c.claimant, c.status"
CLAIM_QUERY = """
SELECT c.*, a.publisher, a.published, a.url, a.title, p.name_en AS settlement, p.lat, p.lon, p.oblast, p.raion,
       p.precision, p.precision_source, (SELECT COUNT(*) FROM citations ci WHERE ci.claim_id = c.id) AS citations
FROM claims c JOIN articles a ON a.stem = c.article JOIN places p ON p.id = c.place_id
"""


def claims_for(db: sqlite3.Connection, place_ids: list[str]) -> list[sqlite3.Row]:
    marks = ",".join("?" * len(place_ids))
    return db.execute(CLAIM_QUERY + f" WHERE c.place_id IN ({marks}) ORDER BY {CLAIM_ORDER}",
                      place_ids).fetchall()


def all_claims(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute(CLAIM_QUERY + f" ORDER BY {CLAIM_ORDER}").fetchall()


def all_citations(db: sqlite3.Connection) -> dict[int, list[sqlite3.Row]]:
    out: dict[int, list[sqlite3.Row]] = {}
    for r in db.execute("SELECT ci.claim_id, ci.article, a.publisher, a.url FROM citations ci "
                        "JOIN articles a ON a.stem = ci.article ORDER BY ci.claim_id, ci.article"):
        out.setdefault(r["claim_id"], []).append(r)
    return out
