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
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from .records import Article, Claim, Mention, Place
from .terminal import file_name

SCHEMA_VERSION = 6
TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
  stem TEXT PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL, publisher TEXT, published TEXT,
  published_source TEXT, url TEXT, title TEXT, extractor_version TEXT NOT NULL, size INTEGER, mtime_ns INTEGER,
  meta_mtime_ns INTEGER, language TEXT NOT NULL DEFAULT ''
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
  mention_end INTEGER NOT NULL, cue TEXT NOT NULL, rule TEXT NOT NULL, relayed_by TEXT, cue_en TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT 'en', PRIMARY KEY (article, seq)
);
CREATE TABLE IF NOT EXISTS claims (
  id INTEGER PRIMARY KEY, place_id TEXT NOT NULL REFERENCES places(id), mention TEXT NOT NULL, status TEXT NOT NULL,
  claimant TEXT NOT NULL, claimant_side TEXT NOT NULL, date TEXT, date_precision TEXT NOT NULL,
  article TEXT NOT NULL REFERENCES articles(stem), evidence TEXT NOT NULL, evidence_start INTEGER NOT NULL,
  evidence_end INTEGER NOT NULL, mention_start INTEGER NOT NULL, mention_end INTEGER NOT NULL, cue TEXT NOT NULL,
  rule TEXT NOT NULL, relayed_by TEXT, cue_en TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT 'en'
);
CREATE TABLE IF NOT EXISTS citations (
  claim_id INTEGER NOT NULL REFERENCES claims(id), article TEXT NOT NULL REFERENCES articles(stem),
  evidence TEXT NOT NULL, evidence_start INTEGER NOT NULL, PRIMARY KEY (claim_id, article)
);
CREATE TABLE IF NOT EXISTS map_parts (place_id TEXT PRIMARY KEY, version TEXT NOT NULL, part TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reference_layers (
  name TEXT PRIMARY KEY, folder TEXT NOT NULL, format TEXT NOT NULL, defaults TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS claims_place ON claims(place_id, date);
CREATE INDEX IF NOT EXISTS claims_key ON claims(place_id, status, claimant, date);
CREATE INDEX IF NOT EXISTS article_claims_key ON article_claims(place_id, status, claimant, date);
"""
# The columns of each table, in schema order; every insert names its columns from these.
META_COLUMNS = ("key", "value")
ARTICLE_COLUMNS = ("stem", "path", "content_hash", "publisher", "published", "published_source", "url", "title",
                   "extractor_version", "size", "mtime_ns", "meta_mtime_ns", "language")
PLACE_COLUMNS = ("id", "name_en", "name_ru", "name_uk", "lat", "lon", "country", "oblast", "raion", "precision",
                 "precision_source", "coord_source")
PLACE_NAME_COLUMNS = ("name", "place_id")
MENTION_COLUMNS = ("article", "start", "end", "text", "place_id", "candidates", "reason")
# A claim's own columns (`Claim` fields of the same names), shared by the per-article and the grouped claims.
CLAIM_COLUMNS = ("place_id", "mention", "status", "claimant", "claimant_side", "date", "date_precision", "evidence",
                 "evidence_start", "evidence_end", "mention_start", "mention_end", "cue", "rule", "relayed_by", "cue_en",
                 "language")
ARTICLE_CLAIM_COLUMNS = ("article", "seq", *CLAIM_COLUMNS)
GROUPED_CLAIM_COLUMNS = ("id", "article", *CLAIM_COLUMNS)  # claims: one per group, its earliest outlet's sentence
CITATION_COLUMNS = ("claim_id", "article", "evidence", "evidence_start")
REFERENCE_COLUMNS = ("name", "folder", "format", "defaults")


def _insert(table: str, columns: tuple[str, ...], conflict: str = "") -> str:
    """`INSERT [OR …] INTO table (columns) VALUES (?, …)`."""
    return (f"INSERT {conflict + ' ' if conflict else ''}INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


class GroupKey(NamedTuple):
    """What makes claims one claim repeated by several outlets (wire copies): same place, status, claimant, day.
    An undated claim is never merged across articles: its key carries its article (None for a dated one)."""

    place_id: str
    status: str
    claimant: str
    date: str | None
    article: str | None


def group_key(article: str, place_id: str, status: str, claimant: str, date: str | None) -> GroupKey:
    return GroupKey(place_id, status, claimant, date, article if date is None else None)


def claim_key(c: Claim) -> GroupKey:
    return group_key(c.article, c.place_id, c.status, c.claimant, c.date)


def migrate(db: sqlite3.Connection) -> None:
    """Bring a store to SCHEMA_VERSION. Everything in a store before version 5 is derived from the articles, so
    such a store (1: no per-article claims; 2: no file signatures; 4: no languages) is emptied and its articles
    are read again. 6 adds the reference layers, which are the user's (`geo reference add`): a version 5 store
    keeps everything and gains their table. The map's parts (`map_parts`) are a cache of what the claims give:
    a store without them gains the table and fills it at its next build."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"store schema version {version} is newer than this tool ({SCHEMA_VERSION})")
    if 0 < version < 5:
        for table in ("map_parts", "citations", "claims", "article_claims", "mentions", "articles", "place_names", "places", "meta"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in TABLES.split(";"):  # not executescript: it would commit the open transaction
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


WRITE_WAIT = 600.0  # seconds a build waits for another process's lock on the store, unless told otherwise


def _open_for_update(path: Path, wait: float = WRITE_WAIT, notify=None) -> sqlite3.Connection:
    """A connection with an open write transaction (one writer at a time; another waits up to `wait` seconds,
    and `notify` is told every few seconds that it does)."""
    db = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        try:
            _wait_loop(lambda: db.execute("BEGIN IMMEDIATE"), str(path), wait, notify)
        except sqlite3.OperationalError as exc:
            if _locked(exc):
                raise StoreError(f"{path}: locked by another process for {wait:.0f} s; try again when it is done, "
                                 "or wait longer with --wait SECONDS") from None
            raise
        db.execute(f"PRAGMA busy_timeout = {int(max(wait, 0.1) * 1000)}")  # the commit waits for readers too
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


class Transaction:
    """The open write transaction of `atomic`: `db` to read and write through, `discard()` to roll back."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.keep = True

    def discard(self) -> None:
        """Roll back instead of committing when the block ends: a build that changed nothing leaves the store
        file untouched, not even its change counter."""
        self.keep = False


@contextmanager
def atomic(path: Path, wait: float = WRITE_WAIT, notify=None) -> Iterator[Transaction]:
    """The store at `path` (created and migrated as needed) in one write transaction, like sqlite-utils'
    `Database.atomic()`: committed when the block ends, rolled back when it raises (or was discarded), so a
    failed or killed build leaves the store as it was. A lock another process holds is waited for (`wait`,
    `notify`: `_open_for_update`)."""
    db = _open_for_update(path, wait, notify)
    tx = Transaction(db)
    try:
        yield tx
        db.execute("COMMIT" if tx.keep else "ROLLBACK")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


def stored_articles(db: sqlite3.Connection) -> tuple[dict[str, Article], dict[str, tuple[str, str]]]:
    """The articles already read, in one pass: by absolute path (so `--articles seeds` and `./seeds` agree),
    with the file signature they were read with (their text is not needed), and stem → (content hash,
    extractor version)."""
    by_path: dict[str, Article] = {}
    versions: dict[str, tuple[str, str]] = {}
    absdir: dict[str, str] = {}  # a folder's absolute path, worked out once per folder, not once per article
    cur = db.cursor()
    cur.row_factory = None
    for (stem, path, content_hash, publisher, published, published_source, url, title, version, size, mtime_ns,
         meta_mtime_ns, language) in cur.execute(f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles"):
        head, tail = os.path.split(path)
        d = absdir.get(head)
        if d is None:
            d = absdir[head] = os.path.abspath(head or ".")
        by_path[os.path.join(d, tail)] = Article(
            stem=stem, path=path, text="", publisher=publisher, published=published, url=url, title=title,
            content_hash=content_hash, published_source=published_source or "meta",
            signature=(size or 0, mtime_ns or 0, meta_mtime_ns or 0), language=language or "")
        versions[stem] = (content_hash, version)
    return by_path, versions


def stored_files(db: sqlite3.Connection, version: str) -> dict[str, tuple[str, str, str]] | None:
    """Absolute path → (stem, path, content hash) of every stored article, when all of them were read with
    extractor `version` (else None: they are all read again, and a build needs `stored_articles`)."""
    if db.execute("SELECT 1 FROM articles WHERE extractor_version != ? LIMIT 1", (version,)).fetchone():
        return None
    out: dict[str, tuple[str, str, str]] = {}
    absdir: dict[str, str] = {}
    for stem, path, digest in db.execute("SELECT stem, path, content_hash FROM articles"):
        out[_absolute(path, absdir)] = (stem, path, digest)
    return out


def stored_hashes(path: Path) -> dict[str, str]:
    """Absolute path → content hash of every article in the store at `path`, or {} when there is no store to
    read (missing, locked, damaged): `geo add` looks for a copy of its text there before reading any file."""
    try:
        db = connect(path, wait=1.0)
    except (OSError, StoreError, sqlite3.Error):
        return {}
    try:
        rows = db.execute("SELECT path, content_hash FROM articles").fetchall()
    except sqlite3.Error:
        return {}
    finally:
        db.close()
    absdir: dict[str, str] = {}
    out: dict[str, str] = {}
    for p, digest in rows:
        out[_absolute(p, absdir)] = digest
    return out


def _absolute(path: str, absdir: dict[str, str]) -> str:
    """`os.path.abspath(path)`, each folder's worked out once (`absdir`): a store holds a hundred thousand paths."""
    head, _, tail = path.rpartition("/")
    d = absdir.get(head)
    if d is None:
        d = absdir[head] = os.path.abspath(head or ".")
    return d + "/" + tail if d != "/" else "/" + tail


def article_count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def get_meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute(_insert("meta", META_COLUMNS, "OR REPLACE"), (key, value))


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
    db.execute(_insert("articles", ARTICLE_COLUMNS), (
        # A file name that is not UTF-8 is stored with its bytes written as \xNN.
        a.stem, file_name(a.path), a.content_hash, a.publisher, a.published, a.published_source, a.url, a.title, version,
        *a.signature, a.language))
    db.executemany(_insert("mentions", MENTION_COLUMNS, "OR IGNORE"), [
        (m.article, m.start, m.end, m.text, m.place_id, json.dumps(list(m.candidates)), m.reason) for m in mentions])
    db.executemany(_insert("article_claims", ARTICLE_CLAIM_COLUMNS), [
        (c.article, n, *(getattr(c, col) for col in CLAIM_COLUMNS)) for n, c in enumerate(claims)])


def upsert_places(db: sqlite3.Connection, places: Iterable[Place], names: dict[str, list[str]]) -> None:
    db.executemany(_insert("places", PLACE_COLUMNS, "OR REPLACE"),
                   [tuple(getattr(p, col) for col in PLACE_COLUMNS) for p in places])
    db.executemany(_insert("place_names", PLACE_NAME_COLUMNS, "OR IGNORE"),
                   [(n, pid) for pid, ns in names.items() for n in ns])


def claim_keys_of(db: sqlite3.Connection, stems: Iterable[str]) -> set[GroupKey]:
    """The grouping keys of the stored claims of these articles (before they are removed or re-read)."""
    keys: set[GroupKey] = set()
    for stem in stems:
        for r in db.execute("SELECT article, place_id, status, claimant, date FROM article_claims WHERE article = ?", (stem,)):
            keys.add(group_key(*r))
    return keys


# The per-article claims as `_claim` reads them: the article, then CLAIM_COLUMNS.
_ARTICLE_CLAIMS = f"SELECT article, {', '.join(CLAIM_COLUMNS)} FROM article_claims"


def _claim(row: tuple) -> Claim:
    return Claim(article=row[0], **dict(zip(CLAIM_COLUMNS, row[1:])))


def _key_order(k: GroupKey) -> str:
    """The order groups are rebuilt in, so ids are numbered as they always were (`geo claims --format json`
    shows them): the text of the key as the store wrote it before it had a type, the article first for an
    undated claim."""
    return str((k.article, k.place_id, k.status, k.claimant, None) if k.date is None
               else (k.place_id, k.status, k.claimant, k.date))


def _insert_group(db: sqlite3.Connection, claims: list[Claim], published: dict[str, str]) -> None:
    """One grouped claim and its citations. The earliest outlet's sentence stands for the claim."""
    g = sorted(claims, key=lambda c: (published.get(c.article, ""), c.article, c.evidence_start, c.mention_start))
    c = g[0]
    cur = db.execute(_insert("claims", GROUPED_CLAIM_COLUMNS[1:]), (c.article, *(getattr(c, col) for col in CLAIM_COLUMNS)))
    db.executemany(_insert("citations", CITATION_COLUMNS, "OR IGNORE"),
                   [(cur.lastrowid, o.article, o.evidence, o.evidence_start) for o in g])


def regroup(db: sqlite3.Connection, touched: set[GroupKey] | None = None) -> None:
    """Bring the grouped claims and their citations up to date with the per-article claims.

    With `touched` (the grouping keys whose per-article claims changed), only those groups are rebuilt;
    otherwise all of them. Claim ids carry no meaning: readers order claims by `CLAIM_ORDER`.
    """
    if touched is None:
        published = {r[0]: r[1] or "" for r in db.execute("SELECT stem, published FROM articles")}
        db.execute("DELETE FROM citations")
        db.execute("DELETE FROM claims")
        # Streamed in grouping-key order, one group in memory at a time (a 100k-article store has
        # millions of per-article claims).
        cur = db.cursor()
        cur.row_factory = None
        rows = cur.execute(f"{_ARTICLE_CLAIMS} ORDER BY date IS NULL, "
                           "CASE WHEN date IS NULL THEN article END, place_id, status, claimant, date")
        group: list[Claim] = []
        key: GroupKey | None = None
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
        for k in sorted(touched, key=_key_order):
            if k.date is None:
                where = "article = ? AND place_id = ? AND status = ? AND claimant = ? AND date IS NULL"
                args: tuple = (k.article, k.place_id, k.status, k.claimant)
            else:
                where, args = "place_id = ? AND status = ? AND claimant = ? AND date = ?", k[:4]
            old = [r[0] for r in db.execute(f"SELECT id FROM claims WHERE {where}", args)]
            db.executemany("DELETE FROM citations WHERE claim_id = ?", [(i,) for i in old])
            db.executemany("DELETE FROM claims WHERE id = ?", [(i,) for i in old])
            claims = [_claim(tuple(r)) for r in db.execute(f"{_ARTICLE_CLAIMS} WHERE {where}", args)]
            if claims:
                # The publication days of these claims' articles only: a store's every article would cost more
                # than the few groups an added article touches.
                published = {r[0]: r[1] or "" for r in db.execute(
                    "SELECT stem, published FROM articles WHERE stem IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted({c.article for c in claims})),))}
                _insert_group(db, claims, published)
    db.execute("DELETE FROM places WHERE id NOT IN (SELECT place_id FROM article_claims)")
    db.execute("DELETE FROM place_names WHERE place_id NOT IN (SELECT id FROM places)")


READABLE_VERSIONS = (5, SCHEMA_VERSION)  # 5 differs only by the reference layers' table (none registered)


class StoreError(RuntimeError):
    """A store that cannot be read, with what is wrong and how to fix it, in one line."""


SQLITE_HEADER = b"SQLite format 3\x00"
READ_WAIT = 30.0  # seconds a reader waits for another process's lock, unless told otherwise (--wait)
NOTIFY_EVERY = 5.0  # seconds between "waiting for …" messages


def is_sqlite(path: Path) -> bool:
    """Whether `path` is a file that starts as a SQLite database does."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _locked(exc: sqlite3.Error) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _wait_loop(attempt, what: str, wait: float, notify) -> object:
    """`attempt()` again while it raises "database is locked", up to `wait` seconds, saying every few seconds that
    it waits (a lock held for less than a second goes unmentioned); its result, or the last lock error."""
    started = time.monotonic()
    next_note = started + 1.0
    while True:
        try:
            return attempt()
        except sqlite3.OperationalError as exc:
            if not _locked(exc):
                raise
            now = time.monotonic()
            if now - started >= wait:
                raise
            if notify is not None and now >= next_note:
                notify(f"waiting for {what}: locked by another process ({now - started:.0f} s of at most {wait:.0f} s)")
                next_note = now + NOTIFY_EVERY
            time.sleep(0.2)


def _check_file(path: Path) -> None:
    """One line of what is wrong with a file that cannot be a store, before SQLite sees it."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no store here (run `geo build` first)")
    if path.is_dir():
        inside = path / "claims.sqlite"
        hint = f"give --db {inside}" if inside.is_file() else "give --db the claims.sqlite that `geo build` wrote"
        raise StoreError(f"{path}: is a folder, not a store; {hint}")
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not head:
        raise StoreError(f"{path}: is empty, not a store; delete it and run `geo build` to make it again")
    if not head.startswith(SQLITE_HEADER):
        raise StoreError(f"{path}: is not a SQLite database, so not a store; give --db the claims.sqlite that "
                         "`geo build` wrote")
    # The header's page size and page count (valid when its version-valid-for number matches the change counter)
    # say how long the file must be: shorter is a truncated copy.
    page_size = int.from_bytes(head[16:18], "big") if len(head) >= 18 else 0
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big") if len(head) >= 100 and head[24:28] == head[92:96] else 0
    size = path.stat().st_size
    if len(head) < 100 or size < page_size * pages:
        raise StoreError(f"{path}: is damaged (truncated: {size} bytes of {max(page_size * pages, 100)}); delete it "
                         "and run `geo build` to make it again")


def _rolled_back(path: Path) -> bool:
    """Roll back a hot journal (left by a build killed mid-transaction) with a writable connection: SQLite does
    it on the first read. False when this process cannot write beside the store."""
    try:
        db = sqlite3.connect(path, timeout=1)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
        return True
    except sqlite3.Error:
        return False


def _open_checked(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(os.path.abspath(path))}?mode=ro"
    db = sqlite3.connect(uri, uri=True, timeout=0.1)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except BaseException:
        db.close()
        raise
    db.row_factory = sqlite3.Row
    ours = {"meta", "articles", "places", "claims", "citations"}
    problem = None
    if version > SCHEMA_VERSION:
        problem = (f"was written by a newer geo (store schema {version}; this one reads {SCHEMA_VERSION}); "
                   "upgrade geo to read it")
    elif not ours & tables:
        problem = ("is not a geo store (a SQLite database without its tables: another program's?); give --db the "
                   "claims.sqlite that `geo build` wrote")
    elif version not in READABLE_VERSIONS:
        problem = f"is an older store (schema {version}; this geo reads {SCHEMA_VERSION}); run `geo build` to update it"
    elif missing := sorted(ours - tables):
        problem = f"is damaged (no {', '.join(missing)} table); delete it and run `geo build` to make it again"
    if problem:
        db.close()
        raise StoreError(f"{path}: {problem}")
    return db


def connect(path: Path, wait: float = READ_WAIT, notify=None) -> sqlite3.Connection:
    """The store at `path`, read-only, checked: a SQLite file with this geo's schema (not a newer one). A hot
    journal is rolled back when this process can write beside the store; a lock another process holds is
    waited for up to `wait` seconds (`notify` is told every few seconds). Anything else raises `StoreError`
    (or FileNotFoundError) with one line of what is wrong and how to fix it."""
    path = Path(path)
    _check_file(path)
    recovered = False
    while True:
        try:
            db = _wait_loop(lambda: _open_checked(path), str(path), wait, notify)
            assert isinstance(db, sqlite3.Connection)
            # Later statements wait for a lock too (a build committing while this one reads).
            db.execute(f"PRAGMA busy_timeout = {int(max(wait, 0.1) * 1000)}")
            return db
        except StoreError:
            raise
        except sqlite3.OperationalError as exc:
            if _locked(exc):
                raise StoreError(f"{path}: locked by another process for {wait:.0f} s; try again when it is done, or "
                                 "wait longer with --wait SECONDS") from None
            if "readonly" in str(exc) and not recovered:  # a hot journal: a read-only connection cannot roll it back
                recovered = True
                if _rolled_back(path):
                    continue
                raise StoreError(f"{path}: has a hot journal ({path.name}-journal, left by an interrupted build) "
                                 "that this process cannot roll back (no write access); run `geo build` or make "
                                 "the folder writable") from None
            raise StoreError(f"{path}: cannot be read ({exc}); delete it and run `geo build` to make it "
                             "again") from None
        except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
            raise StoreError(f"{path}: is damaged ({exc}); delete it and run `geo build` to make it again") from None


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


# -- the build's report ------------------------------------------------------------------------------------
class ClaimSummary(NamedTuple):
    """A grouped claim as the build's change report names it."""

    date: str | None
    settlement: str
    status: str
    claimant: str
    side: str


def claim_summaries(db: sqlite3.Connection, place_ids: set[str] | None = None) -> list[ClaimSummary]:
    """The grouped claims about these places (all places: None), in `CLAIM_ORDER`."""
    where = ""
    args: tuple[str, ...] = ()
    if place_ids is not None:
        where, args = "WHERE c.place_id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(place_ids)),)
    return [ClaimSummary(*r) for r in db.execute(
        "SELECT c.date, p.name_en, c.status, c.claimant, c.claimant_side FROM claims c "
        f"JOIN places p ON p.id = c.place_id {where} ORDER BY {CLAIM_ORDER}", args)]


def counts(db: sqlite3.Connection) -> dict[str, int]:
    """How many articles, mentions and grouped claims the store holds, and how many settlements they are about."""
    return {
        "articles": db.execute("SELECT COUNT(*) FROM articles").fetchone()[0],
        "mentions": db.execute("SELECT COUNT(*) FROM mentions").fetchone()[0],
        "claims": db.execute("SELECT COUNT(*) FROM claims").fetchone()[0],
        "settlements": db.execute("SELECT COUNT(DISTINCT place_id) FROM claims").fetchone()[0],
    }


def unlocated_names(db: sqlite3.Connection) -> list[str]:
    """The names of the places claims are about that no source locates, alphabetically."""
    return [r[0] for r in db.execute("SELECT name_en FROM places WHERE precision = 'unlocated' ORDER BY name_en")]


# -- `geo claims` ------------------------------------------------------------------------------------------
def place_ids_named(db: sqlite3.Connection, folded: str) -> list[str]:
    """The places a folded spelling names, by id."""
    return [r[0] for r in db.execute("SELECT DISTINCT place_id FROM place_names WHERE name = ? ORDER BY place_id",
                                     (folded,))]


def place_names(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every (folded spelling, place id) the store knows."""
    return [(r[0], r[1]) for r in db.execute("SELECT name, place_id FROM place_names")]


def distinct_place_names(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT name FROM place_names")]


def places_by_id(db: sqlite3.Connection, ids: list[str]) -> list[sqlite3.Row]:
    """The stored places with these ids, by id."""
    return db.execute(f"SELECT * FROM places WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id", ids).fetchall()


# -- the map -----------------------------------------------------------------------------------------------
def all_places(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM places ORDER BY id").fetchall()


def article_sources(db: sqlite3.Connection, stems: Iterable[str] | None = None,
                    ) -> list[tuple[str, str | None, str | None, str, str | None, str | None]]:
    """(stem, publisher, url, path, title, published) of every article, or of these."""
    query = "SELECT stem, publisher, url, path, title, published FROM articles"
    if stems is None:
        return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in db.execute(query)]
    return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in db.execute(
        query + " WHERE stem IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(stems))),))]


# The columns the map shows, with each claim's citation count, in the readers' claim order (the articles'
# publisher and link are looked up per article by the caller rather than joined to every claim: a third faster).
MAP_CLAIM_COLUMNS = ("place_id", "date", "status", "claimant_side", "claimant", "article", "evidence",
                     "mention_offset", "mention_length", "citations", "cue", "cue_en", "language")
_MAP_CLAIMS = """
SELECT c.place_id, c.date, c.status, c.claimant_side, c.claimant, c.article, c.evidence,
       c.mention_start - c.evidence_start, c.mention_end - c.mention_start,
       (SELECT COUNT(*) FROM citations ci WHERE ci.claim_id = c.id), c.cue, c.cue_en, c.language
FROM claims c"""


def map_claim_rows(db: sqlite3.Connection, place_ids: Iterable[str] | None = None) -> Iterator[tuple]:
    """The grouped claims of these places (None: every claim) as plain tuples of `MAP_CLAIM_COLUMNS`."""
    cur = db.cursor()
    cur.row_factory = None
    if place_ids is None:
        return iter(cur.execute(f"{_MAP_CLAIMS} ORDER BY {CLAIM_ORDER}"))
    return iter(cur.execute(f"{_MAP_CLAIMS} WHERE c.place_id IN (SELECT value FROM json_each(?)) ORDER BY {CLAIM_ORDER}",
                            (json.dumps(sorted(set(place_ids))),)))


def map_parts(db: sqlite3.Connection, version: str) -> dict[str, str]:
    """The map's part of each place (`geo.map.parts`, as JSON) kept with this layout `version`."""
    return {r[0]: r[1] for r in db.execute("SELECT place_id, part FROM map_parts WHERE version = ?", (version,))}


def save_map_parts(db: sqlite3.Connection, version: str, parts: dict[str, str], keep: Iterable[str]) -> None:
    """Store these places' parts and drop those of every place not in `keep` (places no longer on the map)."""
    db.executemany(_insert("map_parts", ("place_id", "version", "part"), "OR REPLACE"),
                   [(pid, version, part) for pid, part in sorted(parts.items())])
    db.execute("DELETE FROM map_parts WHERE place_id NOT IN (SELECT value FROM json_each(?)) OR version != ?",
               (json.dumps(sorted(set(keep))), version))


# -- reference layers (`geo reference`) --------------------------------------------------------------------
def add_reference(db: sqlite3.Connection, name: str, folder: str, fmt: str, defaults: dict[str, str]) -> bool:
    """Register (or replace) a reference layer; True when it replaced one of that name."""
    existed = db.execute("SELECT 1 FROM reference_layers WHERE name = ?", (name,)).fetchone() is not None
    db.execute(_insert("reference_layers", REFERENCE_COLUMNS, "OR REPLACE"),
               (name, folder, fmt, json.dumps(defaults, sort_keys=True)))
    return existed


def remove_reference(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("DELETE FROM reference_layers WHERE name = ?", (name,)).rowcount > 0


def references(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """The registered reference layers, by name (none in a version 5 store)."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reference_layers'").fetchone() is None:
        return []
    cur = db.execute("SELECT * FROM reference_layers ORDER BY name")
    cur.row_factory = sqlite3.Row
    return cur.fetchall()
