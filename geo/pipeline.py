"""The build: articles → mentions → places → claims → store → timeline → map and exports.

`build()` is what `geo build` runs. It never stops at a bad article: each one becomes a `Problem` line in
the report, and the store and map are replaced only when the new ones are complete.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import store
from .claims.extractor import article_claims, prepare as prepare_claims
from .ingest import articles as ingest
from .ingest import listings as folders
from .ingest.articles import Problem
from .normalize import fold_name
from .places import morph
from .places.gazetteer import Gazetteer, load
from .places.mentions import finder_for
from .places.resolve import country_of_name, resolve_mentions
from .records import Article, Claim, Mention, Place


@dataclass
class Extraction:
    articles: list[Article] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)


@dataclass
class Changes:
    """What a build changed, for the report."""

    read: list[str] = field(default_factory=list)  # articles (re)read: new or changed
    removed: list[str] = field(default_factory=list)  # articles gone from the folder
    new_claims: list[tuple] = field(default_factory=list)  # (date, settlement, status, claimant)
    dropped_claims: list[tuple] = field(default_factory=list)
    state_changes: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    counts: dict[str, int]
    unlocated: list[str]
    problems: list[Problem]
    changes: Changes
    store: Path
    map: Path

    def summary_lines(self, limit: int = 20) -> list[str]:
        c, ch = self.counts, self.changes
        lines = [f"articles: {c['articles']}, mentions: {c['mentions']}, claims: {c['claims']}, "
                 f"settlements with claims: {c['settlements']}",
                 f"read {len(ch.read)} new or changed article(s), removed {len(ch.removed)}; "
                 f"claims: +{len(ch.new_claims)} -{len(ch.dropped_claims)}"]
        for label, items in (("new claim", ch.new_claims), ("removed claim", ch.dropped_claims)):
            for item in items[:limit]:
                lines.append(f"  {label}: {item[0] or 'undated'} {item[1]}: {item[2]} per {item[3]}")
            if len(items) > limit:
                lines.append(f"  … and {len(items) - limit} more {label}s")
        lines += [f"  state changed: {s}" for s in ch.state_changes[:limit]]
        if len(ch.state_changes) > limit:
            lines.append(f"  … and {len(ch.state_changes) - limit} more state changes")
        if self.unlocated:
            more = len(self.unlocated) - limit
            lines.append(f"named, not yet located ({len(self.unlocated)}): " + ", ".join(self.unlocated[:limit])
                         + (f", … and {more} more (the map's panel lists them all)" if more > 0 else ""))
        lines += [("skipped " if p.fatal else "warning ") + str(p) for p in self.problems]
        lines += [f"wrote {self.store} and {self.map}"]
        return lines


def extract_one(article: Article, gaz: Gazetteer) -> tuple[list[Mention], list[Claim], dict[str, Place]]:
    """One article's resolved mentions, claims, and the places those claims are about."""
    mentions = resolve_mentions(gaz, article.text, finder_for(gaz).find(article.stem, article.text))
    claims, places = article_claims(article, mentions, lambda name: country_of_name(gaz, name))
    return mentions, claims, places


class ExtractionFailed(str):
    """In place of an extraction: why the article's extraction raised (its one problem; the build goes on)."""


def extract_safely(article: Article, gaz: Gazetteer):
    """`extract_one`, or an `ExtractionFailed` reason when it raises: a text no rule foresaw (a date at the edge
    of the calendar, a sentence too deep for a regular expression) costs that article, not the build."""
    try:
        return extract_one(article, gaz)
    except RecursionError:
        return ExtractionFailed("its extraction failed (nested too deeply); skipped")
    except Exception as exc:  # noqa: BLE001 - by design: any failure is this one article's
        return ExtractionFailed(f"its extraction failed ({type(exc).__name__}: {str(exc)[:120]}); skipped")


def extract(articles: list[Article], gaz: Gazetteer) -> Extraction:
    out = Extraction(articles=articles)
    for article in articles:
        done = extract_safely(article, gaz)
        if isinstance(done, ExtractionFailed):
            continue
        mentions, claims, places = done
        out.mentions += mentions
        out.claims += claims
        out.places.update(places)
    return out


_WORKER_GAZ: Gazetteer | None = None


def _worker_init(gaz_dir: str, local_csv: str) -> None:
    global _WORKER_GAZ
    from .interrupt import ignore_in_worker  # not at the top: it shapes no row (the extractor version's test)

    ignore_in_worker()
    _WORKER_GAZ = load(gaz_dir, local_csv)


def _loaded(article: Article) -> Article | None:
    """The article with its text, read again from its file if it came without (None: it can no longer be read)."""
    if article.text:
        return article
    fresh, _ = ingest.read_article_safely(Path(article.path))
    return replace(fresh, signature=article.signature) if fresh is not None and fresh.text else None


def _extract_loaded(article: Article, gaz: Gazetteer):
    """(the article as read, without its text; its extraction), or (article, None) if it could not be read."""
    loaded = _loaded(article)
    if loaded is None:
        return article, None
    return replace(loaded, text=""), extract_safely(loaded, gaz)


def _worker(article: Article):
    assert _WORKER_GAZ is not None, "set by _worker_init in each worker process"
    return _extract_loaded(article, _WORKER_GAZ)


PARALLEL_FROM = 200  # below this many articles, worker start-up costs more than it saves


def extract_many(articles: list[Article], gaz: Gazetteer, workers: int | None = None, progress=None,
                 scheduler: str | None = None, version: str | None = None):
    """Extract articles in worker processes when there are many, or on a Dask cluster (`scheduler`:
    `geo.cluster`); results come back in input order, so the output is identical to a serial run. Yields
    (article, (mentions, claims, places)), with None in place of the extraction for an article whose file could
    no longer be read."""
    if scheduler is not None:
        from .cluster import extract_on_cluster

        yield from extract_on_cluster(articles, gaz, version or f"{extractor_version()}+{gazetteer_version(gaz)}",
                                      scheduler, _loaded, progress)
        return
    workers = workers or os.cpu_count() or 1
    if len(articles) < PARALLEL_FROM or workers < 2:
        for a in articles:
            yield _extract_loaded(a, gaz)
            if progress:
                progress()
        return
    import multiprocessing

    from .interrupt import hold, release

    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else multiprocessing.get_context()
    if ctx.get_start_method() == "fork":
        # Compiled and loaded once here, inherited by every worker (copy-on-write) instead of once in each.
        prepare_claims()
        if any(a.language in ("ru", "uk") for a in articles):
            for lang in ("ru", "uk"):
                morph.analyzer(lang)
    # Ctrl-C and SIGTERM wait while the workers are forked (each unblocks them once it ignores Ctrl-C): a signal
    # taken half-way through would leave a worker that no one terminates.
    held = hold()
    try:
        pool = ctx.Pool(workers, initializer=_worker_init, initargs=(str(gaz.directory), str(gaz.local)))
    except BaseException:
        if held:
            release()
        raise
    with pool:
        if held:
            release()  # a signal that arrived meanwhile is raised here, and the pool is terminated
        # Small chunks: the last ones end together (a worker left with sixteen articles was a quarter second alone).
        for result in pool.imap(_worker, articles, chunksize=4):
            yield result
            if progress:
                progress()


class FolderClash(ValueError):
    """The output folder is the articles folder or inside it (a usage error)."""


def check_folders(articles_dir: Path, out_dir: Path) -> None:
    """Refuse an output folder that is the articles folder or inside it: the next build would read its own
    map (index.html) and page cache as articles."""
    articles_real, out_real = os.path.realpath(articles_dir), os.path.realpath(out_dir)
    if out_real == articles_real or out_real.startswith(articles_real.rstrip(os.sep) + os.sep):
        where = "is" if out_real == articles_real else "is inside"
        raise FolderClash(f"--out {out_dir} {where} the articles folder ({articles_dir}): later builds would read the map and "
                          "its cache as articles; write the map to a folder outside the articles (e.g. --out maps)")


@contextmanager
def build_lock(out_dir: Path, wait: bool = True, lock_wait: float = store.WRITE_WAIT, notify=None):
    """One build per output folder at a time: a second one waits up to `lock_wait` seconds, saying so every few
    seconds through `notify` (or fails at once with wait=False)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".build.lock", "w") as fh:
        started = time.monotonic()
        next_note = started + 1.0
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                now = time.monotonic()
                if not wait:
                    raise RuntimeError(f"{out_dir}: another `geo build` is running on this folder") from None
                if now - started >= lock_wait:
                    raise RuntimeError(f"{out_dir}: another `geo build` has been running on this folder for "
                                       f"{lock_wait:.0f} s; try again when it is done, or wait longer with --wait "
                                       "SECONDS") from None
                if notify is not None and now >= next_note:
                    notify(f"waiting for another `geo build` on {out_dir} to finish ({now - started:.0f} s of at "
                           f"most {lock_wait:.0f} s)")
                    next_note = now + store.NOTIFY_EVERY
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fingerprint(paths: list[Path], root: Path | None = None) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update((p.relative_to(root).as_posix() if root else p.name).encode())
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()[:16]


# What shapes the rows a build stores: the stages up to the store, whole folders with their data tables (a
# module added to a stage is covered without being listed), the records and helpers they share, and the
# build and store code that put the rows together. Not the map, exports or queries: they only read.
ROW_SHAPING = ("ingest", "places", "claims", "records.py", "normalize.py", "text.py", "terminal.py", "months.py",
               "folded.py", "prefilter.py", "pipeline.py", "store.py")


def row_shaping_files() -> list[Path]:
    here = Path(__file__).parent
    files: list[Path] = []
    for name in ROW_SHAPING:
        path = here / name
        if path.is_dir():
            # Not bytecode, nor an installed wheel's copy of the gazetteer (gazetteer_version covers it).
            files += sorted(p for p in path.rglob("*") if p.is_file() and not {"__pycache__", "shipped"} & set(
                p.relative_to(here).parts) and p.suffix != ".pyc")
        else:
            files.append(path)
    return files


def extractor_version() -> str:
    """Changes whenever the code or the data tables that shape stored rows change, so stored articles are
    read again."""
    return _fingerprint(row_shaping_files(), Path(__file__).parent)


def gazetteer_version(gaz: Gazetteer) -> str:
    d = gaz.directory
    # The local.csv the gazetteer read: in its folder, or for an installed wheel's in ./gazetteer/.
    return _fingerprint([d / "settlements.csv", d / "spellings.tsv", gaz.local, d / "area_points.csv"])


def _snapshot(db, place_ids: set[str] | None = None) -> tuple[set[tuple], dict[tuple[str, str], tuple[str, str]]]:
    """The grouped claims' keys (date, place, status, claimant) and each (place, side)'s latest dated
    (status, date), for the given places or for all. The change report compares two snapshots."""
    keys: set[tuple] = set()
    state: dict[tuple[str, str], tuple[str, str]] = {}
    for c in store.claim_summaries(db, place_ids):
        keys.add((c.date, c.settlement, c.status, c.claimant))
        if c.date is not None:
            state[(c.settlement, c.side)] = (c.status, c.date)
    return keys, state


# From this many stored articles, a build takes the stored files of the articles folder as they were read
# without looking at each (`ingest.read_new_articles`): with folders listed only where they changed, adding an
# article to a large corpus costs what the article costs. Below it, checking every file's size and times costs
# under 0.2 s and finds a file rewritten in place. `recheck` checks every file whatever the size.
TRUST_FROM = 10_000


def build(articles_dir: Path, out_dir: Path, gazetteer_dir: Path | None = None, wait: bool = True,
          workers: int | None = None, show_progress: bool = False, scheduler: str | None = None,
          lock_wait: float = store.WRITE_WAIT, notify=None, recheck: bool = False) -> BuildReport:
    """Bring OUT/claims.sqlite and OUT/index.html up to date with the articles in `articles_dir`.

    Only new or changed articles (by content hash, extractor and gazetteer version) are read again; the
    store is updated in one transaction, the map written under a temporary name and moved into place; the
    transaction commits only once the map is complete, so a failed build leaves both as they were.
    `scheduler` (`local:N`, `tcp://host:port`) extracts on a Dask cluster instead of local processes.
    Another build on `out_dir`, or another process's lock on the store, is waited for up to `lock_wait` seconds
    each, with a message through `notify` every few seconds.
    `recheck`: list every folder and check every file's size and times, even in a large store (`TRUST_FROM`).
    """
    from . import interrupt
    from .map import page
    from .map.data import map_data

    if not Path(articles_dir).is_dir():
        # Reading nothing would count every stored article as deleted.
        raise FileNotFoundError(f"{articles_dir}: no such folder of articles")
    check_folders(Path(articles_dir), Path(out_dir))
    gaz = load(gazetteer_dir)
    store_path, map_path = out_dir / "claims.sqlite", out_dir / "index.html"
    folders_cache = out_dir / ".cache" / "folders.json"
    with build_lock(out_dir, wait, lock_wait, notify):
        for stale in out_dir.glob(f".{map_path.name}.*.tmp"):  # left by a build that was killed
            stale.unlink(missing_ok=True)
        map_tmp = map_path.with_name(f".{map_path.name}.{os.getpid()}.tmp")
        chunk_dir = out_dir / "index-claims"  # a large store's map loads its claims' details from here
        held = False
        try:
            # The store commits when this block ends, after the new map is complete.
            with store.atomic(store_path, lock_wait, notify) as tx:
                db = tx.db
                version = f"{extractor_version()}+{gazetteer_version(gaz)}"
                listed = folders.load(folders_cache)
                listings = {} if recheck else dict(listed)  # this build's, once the folder is read
                files = None if recheck or store.article_count(db) < TRUST_FROM else store.stored_files(db, version)
                if files is not None:
                    articles, kept, problems = ingest.read_new_articles(articles_dir, files, listings)
                    stored = {stem: (digest, version) for stem, _, digest in files.values()}
                    current = kept | {a.stem for a in articles}
                else:
                    known, stored = store.stored_articles(db)
                    articles, problems = ingest.read_articles(articles_dir, known, keep_text=False, listings=listings)
                    current = {a.stem for a in articles}
                folders.save(folders_cache, listed, listings)
                problems += [Problem("gazetteer", w, fatal=False) for w in gaz.warnings]
                new_store = store.get_meta(db, "created_by") is None
                if new_store:
                    store.set_meta(db, "created_by", "geo build")
                changes = Changes()
                changes.removed = sorted(set(stored) - current)
                todo = [a for a in articles if stored.get(a.stem) != (a.content_hash, version)]
                gone = changes.removed + [a.stem for a in todo if a.stem in stored]
                # Regroup only the claims these articles touch, unless most of the store is being re-read.
                incremental = len(todo) + len(gone) < max(50, len(stored) // 4)
                touched = store.claim_keys_of(db, gone) if incremental else None
                # The change report compares the grouped claims before and after, of the touched places only
                # when the build is incremental (grouped claims change only in remove_articles and regroup).
                seen = {k.place_id for k in touched} if touched is not None else None
                before_keys, before_state = _snapshot(db, seen)
                store.remove_articles(db, gone)
                with _progress(len(todo), show_progress) as advance, \
                        closing(extract_many(todo, gaz, workers, advance, scheduler, version)) as extracted:
                    # closing: an interrupted build stops its worker processes at once, not when collected
                    for article, extraction in extracted:
                        if extraction is None:
                            problems.append(Problem(article.path, "could no longer be read; skipped"))
                            continue
                        if isinstance(extraction, ExtractionFailed):
                            problems.append(Problem(article.path, str(extraction)))
                            continue
                        mentions, claims, places = extraction
                        store.add_article(db, article, mentions, claims, version)
                        changes.read.append(article.stem)
                        if touched is not None:
                            touched |= {store.claim_key(c) for c in claims}
                        names = {pid: gaz.spellings_of(pid) or [fold_name(p.name_en)] for pid, p in places.items()}
                        store.upsert_places(db, places.values(), names)
                if touched is not None:
                    assert seen is not None  # set whenever touched is
                    more = {k.place_id for k in touched} - seen
                    keys, state = _snapshot(db, more)
                    before_keys |= keys
                    before_state.update(state)
                    seen |= more
                store.regroup(db, touched)
                after_keys, after_state = _snapshot(db, seen)
                changes.new_claims = sorted(after_keys - before_keys, key=str)
                changes.dropped_claims = sorted(before_keys - after_keys, key=str)
                for key in sorted(set(before_state) | set(after_state)):
                    old, new = before_state.get(key), after_state.get(key)
                    if old != new and (old or (None,))[0] != (new or (None,))[0]:
                        changes.state_changes.append(
                            f"{key[0]} ({key[1]} claims): {old[0] if old else 'none'} → {new[0] if new else 'none'}"
                            + (f" as of {new[1]}" if new else ""))
                data, layers = map_data(db, gaz, out_dir, seen)
                for line in data.reference_problems:
                    path, _, reason = line.partition(": ")
                    problems.append(Problem(path, f"{reason}; reference snapshot skipped", fatal=False))
                chunk_files = page.render_map(data, map_tmp, layers, cache_dir=out_dir / ".cache", chunk_dir=chunk_dir)
                counts = store.counts(db)
                unlocated = store.unlocated_names(db)
                if not (changes.read or changes.removed or new_store):
                    tx.discard()  # nothing read or removed: leave the store file untouched
                # From the commit to the map's move into place, Ctrl-C and SIGTERM wait: both change or neither.
                held = interrupt.hold()
            os.replace(map_tmp, map_path)
            interrupt.mark_completed()
            page.prune_chunks(chunk_dir, chunk_files)
        finally:
            map_tmp.unlink(missing_ok=True)
            if held:
                interrupt.release()
    return BuildReport(counts, unlocated, problems, changes, store_path, map_path)


@contextmanager
def _progress(total: int, enabled: bool):
    """A rich progress bar on standard error when there is more than a moment of work."""
    if not enabled or total < 50:
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("reading articles", total=total)
        yield lambda: bar.advance(task)
