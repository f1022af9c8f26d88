"""Read articles from a folder: `.txt`/`.md` (optional front matter) and `.html`, each with an optional
`.meta.json` beside it. Bytes are decoded by detection (BOM, UTF-8, UTF-16, Windows-1251), not assumed.
Every file that cannot be used yields one `Problem` naming the file and the reason; the rest go on.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .dates import dateline
from .normalize import INVISIBLE
from .records import Article

TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
META_KEYS = {"url", "publisher", "published", "title"}
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str
    fatal: bool = True  # False: the article was used, with a warning

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def decode(data: bytes) -> str:
    """Decode article bytes: BOMs, then UTF-8, then UTF-16 without BOM, then Windows-1251."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if len(data) >= 4 and data[1::2].count(0) > len(data) // 4:
        return data.decode("utf-16-le", errors="strict")
    if len(data) >= 4 and data[0::2].count(0) > len(data) // 4:
        return data.decode("utf-16-be", errors="strict")
    text = data.decode("cp1251")
    # cp1251 decodes any byte; accept it only if the result reads like Russian or plain text.
    letters = sum(c.isalpha() for c in text)
    cyr = sum("а" <= c.lower() <= "я" for c in text)
    if letters and (cyr / letters > 0.5 or all(c.isprintable() or c.isspace() for c in text)):
        return text
    raise UnicodeDecodeError("cp1251", data, 0, 1, "not text in any known encoding")


def _looks_binary(data: bytes) -> str | None:
    if data.startswith(b"%PDF"):
        return "a PDF file, not text"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b")):
        return "a binary file (image or archive), not text"
    head = data[:4096]
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1::2].count(0) > len(head) // 4
                                or head[0::2].count(0) > len(head) // 4):
        return "binary data, not text"
    return None


def read_meta(path: Path) -> tuple[dict[str, str | None], list[str]]:
    """Metadata from `<stem>.meta.json`; returns (meta, warnings). Bad fields are dropped with a warning."""
    warnings: list[str] = []
    try:
        raw = json.loads(decode(path.read_bytes()))
    except (OSError, ValueError) as exc:
        return {}, [f"{path.name}: metadata unreadable ({type(exc).__name__}: {str(exc)[:80]}); using none"]
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
        meta[key] = value
    pub = meta.get("published")
    if pub:
        try:
            d = date.fromisoformat(pub[:10])
            if d > date.today():
                warnings.append(f"{path.name}: published date {pub} is in the future; ignored")
                meta["published"] = None
            else:
                meta["published"] = d.isoformat()
        except ValueError:
            warnings.append(f"{path.name}: published date {pub!r} is not a real date; ignored")
            meta["published"] = None
    url = meta.get("url")
    if url and not re.match(r"^https?://", url, re.I):
        warnings.append(f"{path.name}: url {url[:60]!r} is not http(s); ignored")
        meta["url"] = None
    return meta, warnings


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _front_matter(text: str) -> tuple[str, dict[str, str]]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return text, {}
    meta = {}
    for line in m.group(1).splitlines():
        k, _, v = line.partition(":")
        if k.strip() in META_KEYS and v.strip():
            meta[k.strip()] = v.strip().strip("\"'")
    # Blank out the front matter instead of cutting it, so offsets stay those of the file.
    return " " * m.end() + text[m.end():], meta


def _html_text(raw: str) -> tuple[str, dict[str, str]]:
    import trafilatura  # only when HTML articles are present

    extracted = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    if extracted is None:
        return "", {}
    data = extracted if isinstance(extracted, dict) else extracted.as_dict()
    meta = {k: data.get(src) for k, src in (("title", "title"), ("published", "date"), ("url", "url"), ("publisher", "sitename"))}
    return data.get("text") or "", {k: v for k, v in meta.items() if v}


_DROP_INVISIBLE = {ord(c): None for c in INVISIBLE}


def clean_text(text: str) -> str:
    """Drop invisible and direction-control characters: they hide names from matching and can reorder display."""
    return text.translate(_DROP_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")


def read_article(path: Path) -> tuple[Article | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(str(path), f"too large ({size // 1_000_000} MB > {MAX_BYTES // 1_000_000} MB)")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), f"cannot be read ({exc.strerror or exc})")]
    why = _looks_binary(data)
    if why:
        return None, [Problem(str(path), why)]
    try:
        text = decode(data)
    except UnicodeDecodeError:
        return None, [Problem(str(path), "not decodable as UTF-8, UTF-16 or Windows-1251")]
    meta_path = path.with_name(path.name[: -len(path.suffix)] + ".meta.json")
    meta: dict[str, str | None] = {}
    if meta_path.exists():
        meta, warns = read_meta(meta_path)
        problems += [Problem(str(meta_path), w.split(": ", 1)[1], fatal=False) for w in warns]
    extra: dict[str, str] = {}
    if path.suffix.lower() in (".html", ".htm"):
        text, extra = _html_text(text)
    elif path.suffix.lower() == ".md":
        text, extra = _front_matter(text)
    text = clean_text(text)
    if not text.strip():
        return None, problems + [Problem(str(path), "empty (no text)")]
    for k, v in extra.items():
        if not meta.get(k):
            meta[k] = v
    published, source = meta.get("published"), "meta"
    if not published:
        published, source = dateline(text), "dateline"
        if published is None:
            source = "none"
    stem = path.name[: -len(path.suffix)]
    article = Article(
        stem=stem, path=str(path), text=text, publisher=meta.get("publisher"), published=published,
        url=meta.get("url"), title=meta.get("title"),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(), published_source=source,
    )
    return article, problems


def scan(folder: Path) -> tuple[list[Path], list[Problem]]:
    """Article files under `folder` (sorted, symlink loops and unreadable folders reported, not fatal)."""
    files: list[Path] = []
    problems: list[Problem] = []
    seen_dirs: set[tuple[int, int]] = set()

    def walk(d: Path) -> None:
        try:
            st = d.stat()
        except OSError as exc:
            problems.append(Problem(str(d), f"cannot be opened ({exc.strerror or exc})"))
            return
        if (st.st_dev, st.st_ino) in seen_dirs:
            problems.append(Problem(str(d), "symlink loop; skipped"))
            return
        seen_dirs.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(str(d), f"cannot be listed ({exc.strerror or exc})"))
            return
        for e in entries:
            p = Path(e.path)
            try:
                if e.is_dir():
                    walk(p)
                elif e.name.endswith(".meta.json"):
                    stem = e.name[: -len(".meta.json")]
                    if not any((p.parent / (stem + s)).exists() for s in TEXT_SUFFIXES):
                        problems.append(Problem(str(p), "metadata with no article beside it", fatal=False))
                elif p.suffix.lower() in TEXT_SUFFIXES and not e.name.lower().startswith("readme"):
                    files.append(p)
            except OSError as exc:
                problems.append(Problem(str(p), f"cannot be read ({exc.strerror or exc})"))

    if not folder.is_dir():
        return [], [Problem(str(folder), "is not a folder")]
    walk(folder)
    return files, problems
