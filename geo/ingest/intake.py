"""`geo add`: copy an article into the articles folder with its metadata, so the next build reads it."""
from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import date
from pathlib import Path

from .articles import (EARLIEST, MAX_BYTES, TEXT_SUFFIXES, _read_file, is_http_url, meta_path_of, read_article_safely,
                       read_meta)


class AddError(ValueError):
    """A usage error (a missing file, an unsupported type, a bad option value)."""


class AlreadyAdded(AddError):
    """The article's text is already in the folder."""


def same_text_in(folder: Path, src: Path, stored: dict[str, str] | None = None) -> Path | None:
    """An article file of `folder` with the same bytes as `src` (a second `geo add` of one file), or None.
    `stored`: absolute path → content hash of the articles a build stored (`store.stored_hashes`); a stored file
    is then compared by the hash of its text, not read, so a folder of a hundred thousand costs a listing."""
    if not folder.is_dir():
        return None
    data = _read_file(src, MAX_BYTES)
    digest = hashlib.sha256(data).digest()
    text = None
    if stored:
        article, _ = read_article_safely(src)
        text = article.content_hash if article is not None else None
    base = os.path.join(os.path.abspath(folder), "")
    same: list[tuple[str, bool]] = []  # (name, whether its stored text is src's: confirmed by reading it)
    with os.scandir(folder) as it:
        for e in it:
            name = e.name
            dot = name.rfind(".")
            if not 0 < dot < len(name) - 1 or name[dot:].lower() not in TEXT_SUFFIXES:  # Path.suffix, in short
                continue
            known = stored.get(base + name) if stored else None
            if known is not None:
                if known == text:
                    same.append((e.name, True))
                continue
            try:
                if e.is_file() and e.stat().st_size == len(data):
                    same.append((e.name, False))
            except OSError:
                continue  # gone or unreadable meanwhile: not a copy of it
    for name, by_text in sorted(same):
        other = folder / name
        if by_text:  # the store's record of it may be old: its text now
            again, _ = read_article_safely(other)
            if again is not None and again.content_hash == text:
                return other
            continue
        try:
            if hashlib.sha256(other.read_bytes()).digest() == digest:
                return other
        except OSError:
            continue
    return None


def add_article(src: Path, folder: Path, publisher: str | None = None, published: str | None = None,
                url: str | None = None, title: str | None = None, notes: list[str] | None = None,
                stored: dict[str, str] | None = None) -> Path:
    """Copy `src` into `folder` under a free name and write its `.meta.json`; returns the new path. Warnings
    about the metadata beside `src` are appended to `notes`; `stored` as `same_text_in`'s."""
    notes = notes if notes is not None else []
    if not src.exists():
        raise AddError(f"{src}: no such file")
    if not src.is_file():  # a FIFO or a device would block the copy or never end
        raise AddError(f"{src}: not a regular file (a FIFO, a device or a folder); save the article as a file first")
    suffix = src.suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        raise AddError(f"{src}: unsupported type {suffix or '(none)'}; use .txt, .md or .html")
    if published:
        try:
            day = date.fromisoformat(published)
        except ValueError:
            raise AddError(f"--published {published!r} is not a date (YYYY-MM-DD)") from None
        if day > date.today():
            raise AddError(f"--published {published} is in the future")
        if day < EARLIEST:
            raise AddError(f"--published {published} is before {EARLIEST.year}, not a day of news")
    if url and not is_http_url(url):
        raise AddError(f"--url {url!r} is not an http(s) URL")
    twin = same_text_in(folder, src, stored)
    if twin is not None:
        raise AlreadyAdded(f"{src}: already in {folder} as {twin} (same text); not added again")
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", src.stem).strip("._") or "article"
    dest, n = folder / f"{stem}{suffix}", 2
    while dest.exists() or meta_path_of(dest).exists():
        dest, n = folder / f"{stem}_{n}{suffix}", n + 1
    dest.write_bytes(_read_file(src, MAX_BYTES))
    meta: dict[str, str | None] = {"url": url, "publisher": publisher, "published": published, "title": title}
    side = meta_path_of(src)
    if side.exists() or side.is_symlink():  # metadata that came with the file fills what the options leave open
        # Read as a build reads it: a FIFO is not waited on, bad fields are dropped with a warning.
        given, warnings = read_meta(side)
        for warning in warnings:
            notes.append(warning)
        meta = {k: meta[k] or given.get(k) for k in meta}
    meta_path_of(dest).write_text(
        json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return dest
