"""`geo add`: copy an article into the articles folder with its metadata, so the next build reads it."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import date
from pathlib import Path

from .articles import TEXT_SUFFIXES, is_http_url, meta_path_of


class AddError(ValueError):
    """A usage error (a missing file, an unsupported type, a bad option value)."""


class AlreadyAdded(AddError):
    """The article's text is already in the folder."""


def same_text_in(folder: Path, src: Path) -> Path | None:
    """An article file of `folder` with the same bytes as `src` (a second `geo add` of one file), or None."""
    if not folder.is_dir():
        return None
    data = src.read_bytes()
    digest = hashlib.sha256(data).digest()
    for other in sorted(folder.iterdir()):
        if other.suffix.lower() in TEXT_SUFFIXES and other.is_file() and other.stat().st_size == len(data):
            if hashlib.sha256(other.read_bytes()).digest() == digest:
                return other
    return None


def add_article(src: Path, folder: Path, publisher: str | None = None, published: str | None = None,
                url: str | None = None, title: str | None = None) -> Path:
    """Copy `src` into `folder` under a free name and write its `.meta.json`; returns the new path."""
    if not src.is_file():
        raise AddError(f"{src}: no such file")
    suffix = src.suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        raise AddError(f"{src}: unsupported type {suffix or '(none)'}; use .txt, .md or .html")
    if published:
        try:
            if date.fromisoformat(published) > date.today():
                raise AddError(f"--published {published} is in the future")
        except ValueError:
            raise AddError(f"--published {published!r} is not a date (YYYY-MM-DD)") from None
    if url and not is_http_url(url):
        raise AddError(f"--url {url!r} is not an http(s) URL")
    twin = same_text_in(folder, src)
    if twin is not None:
        raise AlreadyAdded(f"{src}: already in {folder} as {twin} (same text); not added again")
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", src.stem).strip("._") or "article"
    dest, n = folder / f"{stem}{suffix}", 2
    while dest.exists() or meta_path_of(dest).exists():
        dest, n = folder / f"{stem}_{n}{suffix}", n + 1
    shutil.copyfile(src, dest)
    meta = {"url": url, "publisher": publisher, "published": published, "title": title}
    side = meta_path_of(src)
    if side.exists():  # metadata that came with the file fills what the options leave open
        try:
            given = json.loads(side.read_text(encoding="utf-8"))
            meta = {k: meta[k] or (given.get(k) if isinstance(given.get(k), str) else None) for k in meta}
        except ValueError:
            pass
    meta_path_of(dest).write_text(
        json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return dest
