"""The articles folder's sub-folders as the last build listed them (`articles.Listing`), kept in
`OUT/.cache/folders.json` so a build lists only the folders whose entries changed.

A cache, not part of the store: the listing holds folder times, which two builds of the same articles may see
differently (a folder changed within `articles.RACY_NS` of a build is kept as "list again"), and the store stays
the same bytes for the same articles. It describes the file system, not the store, so it is written as soon as
a folder was read, whether or not the build then commits; a missing or unreadable cache only costs a full listing.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from .articles import Listing

VERSION = 2  # 2: with the names that are not entries, to read a changed folder against


def load(path: Path) -> dict[str, Listing]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("v") != VERSION:
            return {}
        return {str(k): (int(v[0]), [str(e) for e in v[1]], [str(e) for e in v[2]]) for k, v in raw["folders"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return {}


def save(path: Path, old: dict[str, Listing], new: dict[str, Listing]) -> None:
    """Write `new` when it differs from `old` (what `load` gave), through a temporary file."""
    if new == old:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        # ASCII JSON: a file name that is not UTF-8 (a lone surrogate in Python) round-trips as a \u escape.
        tmp.write_text(json.dumps({"v": VERSION, "folders": {k: [m, e, o] for k, (m, e, o) in sorted(new.items())}},
                                  separators=(",", ":")), encoding="ascii")
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass  # a cache that cannot be written only costs time
