"""Read articles from a folder: `.txt`/`.md` (optional front matter) and `.html`, each with an optional
`.meta.json` beside it. Bytes are decoded by detection (`geo.text`: BOM, UTF-8, UTF-16, Windows-1251).
Every file that cannot be used yields one `Problem` naming the file and the reason; the rest go on.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import operator
import os
import re
import stat
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..normalize import INVISIBLE
from ..records import Article
from ..terminal import file_name, valid_unicode, visible
from ..text import decode, decode_noting, utf16_without_bom, utf32_without_bom, LANGUAGES, detect_language
from .datelines import dateline
from .unwrap import unwrap

TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
META_KEYS = {"url", "publisher", "published", "title", "language"}
MAX_BYTES = 64 * 1024 * 1024  # a saved web page with inline images can be large; its text is far smaller
# Text beyond this is not one news article (a dump, a log, a whole archive in one file): it is skipped with a
# reason instead of holding the build for minutes (extraction runs at roughly 0.2 MB of text per second).
MAX_CHARS = 8_000_000
MAX_META_BYTES = 1024 * 1024
EARLIEST = date(1900, 1, 1)  # an earlier publication date is a placeholder or a typo, not a day of news


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str
    fatal: bool = True  # False: the article was used, with a warning

    def __str__(self) -> str:
        # Safe for a terminal: a newline or an escape sequence in a file name cannot forge or hide a line.
        return visible(f"{self.path}: {self.reason}")


def _looks_binary(data: bytes) -> str | None:
    if data.startswith(b"%PDF"):
        return "a PDF file, not text"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b")):
        return "a binary file (image or archive), not text"
    head = data[:4096]
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
                                or utf16_without_bom(head) or utf32_without_bom(head)):
        return "binary data, not text"
    return None


def meta_path_of(article: Path) -> Path:
    """The `.meta.json` file that goes with an article file: `x.txt` → `x.meta.json`."""
    return article.with_name(article.name[: -len(article.suffix)] + ".meta.json")


def is_http_url(url: str) -> bool:
    return re.match(r"^https?://", url, re.I) is not None


def check_published(value: str) -> tuple[str | None, str | None]:
    """(YYYY-MM-DD or None, warning or None) for a publication date from metadata, front matter, a saved
    page or a dateline: an impossible day (2025-02-30) or a day after today is dropped with a reason."""
    try:
        d = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None, f"published date {value[:40]!r} is not a real date; ignored"
    if d > date.today():
        return None, f"published date {value[:40]} is in the future; ignored"
    if d < EARLIEST:  # 0001-01-01 is a real day, but no news article's, and a day before it does not exist
        return None, f"published date {value[:40]} is before {EARLIEST.year}; ignored"
    return d.isoformat(), None


class _TooLarge(OSError):
    pass


def _read_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A FIFO, a device (/dev/zero behind a symlink) or
    a socket would block or never end: they raise instead of being read."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise IsADirectoryError(21, "not a regular file") if stat.S_ISDIR(st.st_mode) else OSError(0, "not a regular file")
    if st.st_size > limit:
        raise _TooLarge(0, f"too large ({st.st_size / 1e6:.0f} MB > {limit / 1e6:.0f} MB)")
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise _TooLarge(0, f"too large (more than {limit / 1e6:.0f} MB)")
    return data


def read_meta(path: Path) -> tuple[dict[str, str | None], list[str]]:
    """Metadata from `<stem>.meta.json`; returns (meta, warnings). Bad fields are dropped with a warning."""
    warnings: list[str] = []
    try:
        raw = json.loads(decode(_read_file(path, MAX_META_BYTES)))
    except OSError as exc:
        return {}, [f"{path.name}: metadata unreadable ({_why_unreadable(exc)}); using none"]
    except ValueError as exc:
        return {}, [f"{path.name}: metadata unreadable ({type(exc).__name__}: {str(exc)[:80]}); using none"]
    except RecursionError:
        return {}, [f"{path.name}: metadata unreadable (nested too deeply); using none"]
    if not isinstance(raw, dict):
        return {}, [f"{path.name}: metadata is not a JSON object; using none"]
    meta: dict[str, str | None] = {}
    for key, value in raw.items():
        if key not in META_KEYS:
            warnings.append(f"{path.name}: unknown key {key!r} ignored")
            continue
        if value is not None and not isinstance(value, str):
            warnings.append(f"{path.name}: {key} should be a string, got {type(value).__name__}; ignored")
            continue
        if value is not None:
            value, bad = valid_unicode(value)  # a JSON "\ud800" escape: not text SQLite or UTF-8 can hold
            if bad:
                warnings.append(f"{path.name}: {key} holds {bad} lone surrogate(s), not valid Unicode; replaced by U+FFFD")
        meta[key] = value
    if published := meta.get("published"):
        meta["published"], why = check_published(published)
        if why:
            warnings.append(f"{path.name}: {why}")
    url = meta.get("url")
    if url and not is_http_url(url):
        warnings.append(f"{path.name}: url {url[:60]!r} is not http(s); ignored")
        meta["url"] = None
    lang = meta.get("language")
    if lang is not None and lang.strip().lower() not in LANGUAGES:
        warnings.append(f"{path.name}: language {lang[:20]!r} is not one of {', '.join(LANGUAGES)}; detected from the text instead")
        meta["language"] = None
    elif lang:
        meta["language"] = lang.strip().lower()
    return meta, warnings


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _front_matter(text: str) -> tuple[str, dict[str, str | None]]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return text, {}
    meta: dict[str, str | None] = {}
    for line in m.group(1).splitlines():
        k, _, v = line.partition(":")
        if k.strip() in META_KEYS and v.strip():
            meta[k.strip()] = v.strip().strip("\"'")
    # Blank out the front matter instead of cutting it, so offsets stay those of the file.
    return " " * m.end() + text[m.end():], meta


def _html_text(raw: str) -> tuple[str, dict[str, str | None]]:
    import trafilatura  # only when HTML articles are present

    extracted = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    if extracted is None:
        return "", {}
    data = extracted if isinstance(extracted, dict) else extracted.as_dict()
    meta = {k: data.get(src) for k, src in (("title", "title"), ("published", "date"), ("url", "url"), ("publisher", "sitename"))}
    return data.get("text") or "", {k: v for k, v in meta.items() if v}


_DROP_INVISIBLE: dict[int, str | None] = {ord(c): None for c in INVISIBLE}
# Control characters other than tab and line breaks: an escape sequence (ESC[2J) reaching a terminal through a
# quoted sentence, or junk a bad copy left; a form feed is a line break.
_DROP_INVISIBLE.update({c: None for c in [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0)]})
_DROP_INVISIBLE[0x0C] = "\n"


def clean_text(text: str) -> str:
    """Drop invisible, direction-control and control characters: they hide names from matching, reorder display
    or steer a terminal."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP_INVISIBLE)


def read_article(path: Path) -> tuple[Article | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        data = _read_file(path, MAX_BYTES)
    except OSError as exc:
        return None, [Problem(str(path), _why_unreadable(exc))]
    why = _looks_binary(data)
    if why:
        return None, [Problem(str(path), why)]
    try:
        text, note = decode_noting(data)
    except UnicodeDecodeError:
        return None, [Problem(str(path), "not decodable as UTF-8, UTF-16 or Windows-1251")]
    if note:
        problems.append(Problem(str(path), note, fatal=False))
    meta_path = meta_path_of(path)
    meta: dict[str, str | None] = {}
    if meta_path.exists():
        meta, warns = read_meta(meta_path)
        problems += [Problem(str(meta_path), w.split(": ", 1)[1], fatal=False) for w in warns]
    extra: dict[str, str | None] = {}
    if path.suffix.lower() in (".html", ".htm"):
        text, extra = _html_text(text)
    elif path.suffix.lower() == ".md":
        text, extra = _front_matter(text)
    text = unwrap(clean_text(text))  # hard-wrapped lines joined back into sentences (same length: offsets hold)
    if not text.strip():
        return None, problems + [Problem(str(path), "empty (no text)")]
    if len(text) > MAX_CHARS:
        return None, problems + [Problem(str(path), f"too long for one article ({len(text) / 1e6:.1f} million characters "
                                                    f"> {MAX_CHARS / 1e6:.0f} million); split it into articles")]
    if given := extra.get("published"):  # front matter and saved pages are checked like .meta.json
        where = "front matter" if path.suffix.lower() == ".md" else "page metadata"
        extra["published"], why = check_published(given)
        if why:
            problems.append(Problem(str(path), f"{where}: {why}", fatal=False))
    for k, v in extra.items():
        if v and not meta.get(k):
            meta[k] = v
    # A bidi override or a zero-width character in a title or a publisher would reorder or hide the map's
    # ledger line and the terminal's; a newline would break either.
    meta = {k: " ".join(clean_text(v).split()) if isinstance(v, str) else v for k, v in meta.items()}
    if (link := meta.get("url")) and not is_http_url(link):
        meta["url"] = None
    published, source = meta.get("published"), "meta"
    if not published:
        published, source = dateline(text), "dateline"
        if published is not None:
            published, why = check_published(published)
            if why:
                problems.append(Problem(str(path), f"dateline: {why}", fatal=False))
        if published is None:
            source = "none"
    stem = file_name(path.name[: -len(path.suffix)])  # the store's key: valid Unicode even for a name that is not UTF-8
    if stem != path.name[: -len(path.suffix)]:
        problems.append(Problem(str(path), f"file name is not UTF-8; stored as {stem}{file_name(path.suffix)}", fatal=False))
    article = Article(
        stem=stem, path=str(path), text=text, publisher=meta.get("publisher"), published=published,
        url=meta.get("url"), title=meta.get("title"),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(), published_source=source,
        language=meta.get("language") or detect_language(text),
    )
    return article, problems


def read_article_safely(path: Path) -> tuple[Article | None, list[Problem]]:
    """`read_article`, with any failure (a bug met by a file no one foresaw) as the file's one problem: one bad
    file never stops a build."""
    try:
        return read_article(path)
    except RecursionError:
        return None, [Problem(str(path), "could not be read (nested too deeply); skipped")]
    except Exception as exc:  # noqa: BLE001 - by design: any failure is this one file's
        return None, [Problem(str(path), f"could not be read ({type(exc).__name__}: {str(exc)[:120]}); skipped")]


def _why_unreadable(exc: OSError) -> str:
    if isinstance(exc, _TooLarge):
        return exc.strerror or "too large"  # always set by _read_file
    if isinstance(exc, IsADirectoryError) or exc.strerror == "not a regular file":
        return "not a regular file (a FIFO, a device or a folder)"
    return f"cannot be read ({exc.strerror or exc})"


# A folder as a build listed it: its modification time; in name order, its article files ("f" + name),
# sub-folders ("d" + name; "l" + name for a link to one) and metadata files with no article ("m" + name); and,
# in name order, every other name in it (the metadata beside articles, files that are not articles), so that a
# folder that changed is read against what it held (`_list_folder`). A folder's mtime changes whenever an entry is
# added, removed or renamed, so a folder whose mtime is the recorded one need not be listed again (`listings.py`
# keeps them between builds).
Listing = tuple[int, list[str], list[str]]
# A folder changed this recently may change again within the same tick of its file system's clock without its
# mtime moving: its listing is kept with mtime -1 (listed again next time), as git treats "racy" index entries.
RACY_NS = 2_000_000_000
_META = ".meta.json"
_NAME = operator.itemgetter(slice(1, None))  # an entry's name, without its kind
_FEW = 64  # names changed in a folder up to which each is put in or out by bisection (each moves the whole list)


def _is_article_name(n: str) -> bool:
    """An article file's name, by its extension as os.path.splitext reads it (leading dots are not one)."""
    i = n.rfind(".")
    return i > 0 and n[i:].lower() in TEXT_SUFFIXES and bool(n[:i].lstrip(".")) and n[:6].lower() != "readme"


def _paired(stem: str, names: set[str]) -> bool:
    """Whether an article file (or anything named like one: a folder x.txt counts) sits beside `stem`.meta.json."""
    return any(stem + suffix in names for suffix in TEXT_SUFFIXES)


def _list_folder(d: str, problems: list[Problem], kept: Listing | None = None) -> tuple[Listing | None, bool]:
    """(`d` in Listing form with mtime 0, or None if it cannot be listed; whether every entry could be read).
    Written for a folder of a hundred thousand articles: only an entry's kind (from the listing itself, no
    `stat`) is asked of the system; with `kept` (how the folder was last listed), only the names added or
    removed since, and the metadata beside them, are looked at again."""
    try:
        with os.scandir(d) as it:
            entries = list(it)
    except OSError as exc:
        problems.append(Problem(d, f"cannot be listed ({exc.strerror or exc})"))
        return None, False
    folders: dict[str, str] = {}
    unreadable: list[tuple[str, str]] = []
    for e in entries:
        try:
            if e.is_dir():
                folders[e.name] = "l" if e.is_symlink() else "d"
        except OSError as exc:
            unreadable.append((e.name, f"cannot be read ({exc.strerror or exc})"))
    now = {e.name for e in entries}
    if not unreadable and kept is not None:
        again = _changed_since(kept, now, folders)
        if again is not None:
            return again, True
    for n, why in sorted(unreadable):
        problems.append(Problem(os.path.join(d, n), why))
    bad = {n for n, _ in unreadable}
    out, others = _classify(sorted(now - bad), folders, now)
    return (0, out, others), not unreadable


def _classify(names: list[str], folders: dict[str, str], now: set[str]) -> tuple[list[str], list[str]]:
    """`names` (in name order) as Listing entries and as the other names, in a folder that holds `now` (its
    sub-folders: `folders`)."""
    entries: list[str] = []
    others: list[str] = []
    for n in names:
        kind = folders.get(n)
        if kind is not None:
            entries.append(kind + n)
        elif n.endswith(_META):
            if _paired(n[:-10], now):
                others.append(n)
            else:
                entries.append("m" + n)
        elif _is_article_name(n):
            entries.append("f" + n)
        else:
            others.append(n)
    return entries, others


def _changed_since(kept: Listing, now: set[str], folders: dict[str, str]) -> Listing | None:
    """The folder's listing worked out from `kept` and the names it holds `now` (its sub-folders: `folders`),
    looking again only at the names that came, went or changed kind; None when most of it changed."""
    _, entries, others = kept
    before = set(others)
    before.update(map(_NAME, entries))
    touched = before ^ now
    was_folder = {e[1:]: e[0] for e in entries if e[0] in ("d", "l")}
    touched |= {n for n, k in was_folder.items() if folders.get(n) != k}
    touched |= {n for n, k in folders.items() if was_folder.get(n) != k}
    if len(touched) > 1000 + len(now) // 10:
        return None  # listing it whole is as quick
    # A metadata file is an orphan or not by the article files beside it: those of a touched stem are looked at again.
    for n in list(touched):
        i = n.rfind(".")
        if i >= 0 and n[i:] in TEXT_SUFFIXES:
            touched.add(n[:i] + _META)
    came_entries, came_others = _classify(sorted(touched & now), folders, now)
    if len(touched) > _FEW:  # many: filtered and merged in one pass each
        entries = sorted([e for e in entries if e[1:] not in touched] + came_entries, key=_NAME)
        others = sorted([n for n in others if n not in touched] + came_others)
        return 0, entries, others
    entries, others = list(entries), list(others)
    for n in touched:  # a few names of a hundred thousand: out and in by bisection
        k = bisect.bisect_left(entries, n, key=_NAME)
        if k < len(entries) and entries[k][1:] == n:
            del entries[k]
        k = bisect.bisect_left(others, n)
        if k < len(others) and others[k] == n:
            del others[k]
    for e in came_entries:
        bisect.insort(entries, e, key=_NAME)
    for n in came_others:
        bisect.insort(others, n)
    return 0, entries, others


def scan(folder: Path, listings: dict[str, Listing] | None = None) -> tuple[list[tuple[str, str]], list[Problem]]:
    """Article files under `folder` as (path, absolute path), sorted, in depth-first order. The walk is
    iterative (a folder nested a thousand deep costs no recursion) and follows no link into a folder it has
    already entered (a loop) or out of `folder`: each link not followed is reported, as is each folder that
    cannot be listed. `listings`: the folders as the last scan listed them, by absolute path; a folder whose
    mtime is unchanged is taken from there instead of listed, and `listings` is replaced by this scan's."""
    files: list[tuple[str, str]] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return [], [Problem(str(folder), "is not a folder")]
    root = os.path.realpath(folder)
    seen_dirs: set[tuple[int, int]] = set()
    old = dict(listings or {})
    new: dict[str, Listing] = {}

    def enter(d: str, absd: str, linked: bool) -> list[str] | None:
        """The entries of folder `d` (Listing form), or None (with its problem) when it is not to be walked."""
        try:
            st = os.stat(d)
        except OSError as exc:
            problems.append(Problem(d, f"cannot be opened ({exc.strerror or exc})"))
            return None
        if linked:
            real = os.path.realpath(d)
            if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
                problems.append(Problem(d, f"link to a folder outside the articles folder ({real}); not followed",
                                        fatal=False))
                return None
        if (st.st_dev, st.st_ino) in seen_dirs:
            problems.append(Problem(d, "link to a folder already read (a symlink loop); not followed" if linked
                                    else "folder already read through a link; not read again", fatal=False))
            return None
        seen_dirs.add((st.st_dev, st.st_ino))
        kept = old.get(absd)
        if kept is not None and kept[0] == st.st_mtime_ns and st.st_mtime_ns >= 0:
            new[absd] = kept
            return kept[1]
        listed, complete = _list_folder(d, problems, kept)
        if listed is None:
            return None
        try:  # trusted next time only if nothing moved while it was listed and it is not "racy"
            settled = complete and os.stat(d).st_mtime_ns == st.st_mtime_ns and \
                time.time_ns() - st.st_mtime_ns > RACY_NS
        except OSError:
            settled = False
        new[absd] = (st.st_mtime_ns if settled else -1, listed[1], listed[2])
        return listed[1]

    top, abstop = str(folder), os.path.abspath(folder)
    first = enter(top, abstop, False)
    # A stack of (a folder, its absolute path, its entries, the next one to look at): depth first, in name order,
    # the order the recursive walk had (it decides which of two copies of one text is read).
    stack: list[tuple[str, str, list[str], int]] = [(top, abstop, first, 0)] if first is not None else []
    while stack:
        d, absd, entries, i = stack[-1]
        n = len(entries)
        j = i
        while j < n and entries[j][0] == "f":
            j += 1
        if j > i:  # a run of article files, in one step (a folder may hold a hundred thousand)
            pre, apre = os.path.join(d, ""), os.path.join(absd, "")
            files.extend([(pre + e[1:], apre + e[1:]) for e in entries[i:j]])
        if j == n:
            stack.pop()
            continue
        stack[-1] = (d, absd, entries, j + 1)
        kind, name = entries[j][0], entries[j][1:]
        path = os.path.join(d, name)
        if kind in "dl":
            inner = enter(path, os.path.join(absd, name), kind == "l")
            if inner is not None:
                stack.append((path, os.path.join(absd, name), inner, 0))
        else:  # "m"; article files were taken above
            problems.append(Problem(path, "metadata with no article beside it", fatal=False))
    if listings is not None:
        listings.clear()
        listings.update(new)
    return files, problems


def read_articles(folder: Path, known: dict[str, Article] | None = None, keep_text: bool = True,
                  listings: dict[str, Listing] | None = None) -> tuple[list[Article], list[Problem]]:
    """Every usable article under `folder`. `known`: articles already stored, by absolute path and file
    signature; a file whose size and modification time are unchanged is taken from there instead of read again.
    `listings`: as `scan`'s, updated in place.
    With keep_text=False the texts are dropped once hashed (extraction reads each again, one at a time:
    a hundred thousand texts need not sit in memory together)."""
    files, problems = scan(folder, listings)
    articles: list[Article] = []
    by_hash: dict[str, Article] = {}
    by_stem: dict[str, Article] = {}
    known = known or {}
    for name, abspath in files:
        path = Path(name)
        try:
            st = os.stat(path)
        except OSError:
            st = None
        try:
            meta_sig = os.stat(meta_path_of(path)).st_mtime_ns
        except OSError:
            meta_sig = 0
        stored = known.get(abspath)
        article: Article | None
        probs: list[Problem]
        if st is not None and stored is not None and stored.signature == (st.st_size, st.st_mtime_ns, meta_sig):
            article, probs = stored, []
        else:
            article, probs = read_article_safely(path)
            if article is not None and st is not None:
                article = replace(article, signature=(st.st_size, st.st_mtime_ns, meta_sig))
        problems += probs
        if article is None:
            continue
        first = by_hash.get(article.content_hash)
        if first is not None:
            problems.append(Problem(str(path), f"same text as {first.path}: read once, as {first.stem}", fatal=False))
            continue
        if (named := by_stem.get(article.stem)) is not None:  # x.txt beside x.md, or sub/x.txt: one name in the store
            problems.append(Problem(str(path), f"same name as {named.path} (an article is known by its name without "
                                               "the extension); rename one"))
            continue
        by_hash[article.content_hash] = article
        by_stem[article.stem] = article
        articles.append(article if keep_text or not article.text else replace(article, text=""))
    return articles, problems


def read_new_articles(folder: Path, stored: dict[str, tuple[str, str, str]],
                      listings: dict[str, Listing] | None = None) -> tuple[list[Article], set[str], list[Problem]]:
    """`read_articles` for a large corpus, trusting the store: a file already stored (`stored`: absolute path
    → (stem, path, content hash)) is taken as it was read without looking at it, so a build costs what was added
    or removed, not the corpus (a file rewritten in place is found by `read_articles`: `geo build --recheck`).
    Returns the articles of the files not stored (without their text), the stems of the stored files still
    there, and the problems, as `read_articles` would (the first of two files with one text or name is kept)."""
    files, problems = scan(folder, listings)
    # Read the files not stored. A stored file has its own text and name among the stored ones, so it can only
    # clash with a new file: the walk below, in the order `read_articles` keeps, need look at only the new files
    # and the stored ones that share a text or a name with one of them; every other stored file is kept as is.
    fresh: dict[int, tuple[Article | None, list[Problem]]] = {}
    article: Article | None
    for k, (name, abspath) in enumerate(files):
        if abspath in stored:
            continue
        path = Path(name)
        article, probs = read_article_safely(path)
        if article is not None:
            try:
                meta_sig = os.stat(meta_path_of(path)).st_mtime_ns
            except OSError:
                meta_sig = 0
            try:
                st = os.stat(path)
                article = replace(article, signature=(st.st_size, st.st_mtime_ns, meta_sig))
            except OSError:
                pass
        fresh[k] = (article, probs)
    texts = {a.content_hash for a, _ in fresh.values() if a is not None}
    names = {a.stem for a, _ in fresh.values() if a is not None}
    kept = {row[0] for _, abspath in files if (row := stored.get(abspath)) is not None}
    walk = sorted([*fresh, *(k for k, (_, abspath) in enumerate(files) if (row := stored.get(abspath)) is not None
                             and (row[2] in texts or row[0] in names))]) if fresh else []
    articles: list[Article] = []
    by_hash: dict[str, tuple[str, str]] = {}  # content hash → (stem, path) of the first file with it
    by_stem: dict[str, str] = {}  # stem → path of the first file with it
    for k in walk:
        name, abspath = files[k]
        article = None
        if k in fresh:
            article, probs = fresh[k]
            problems += probs
            if article is None:
                continue
            stem, first_path, digest = article.stem, name, article.content_hash
        else:
            stem, first_path, digest = stored[abspath]
            kept.discard(stem)  # kept again below unless a new file came first with its text or name
        first = by_hash.get(digest)
        if first is not None:
            problems.append(Problem(name, f"same text as {first[1]}: read once, as {first[0]}", fatal=False))
            continue
        if (named := by_stem.get(stem)) is not None:
            problems.append(Problem(name, f"same name as {named} (an article is known by its name without the "
                                          "extension); rename one"))
            continue
        by_hash[digest] = (stem, first_path)
        by_stem[stem] = first_path
        if article is None:
            kept.add(stem)
        else:
            articles.append(replace(article, text=""))
    return articles, kept, problems
