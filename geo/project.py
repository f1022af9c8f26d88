"""Where the project is: the folder `geo` is run in, or the nearest folder above it that holds a store.

`geo claims`, `geo export` and `geo resolve` read `maps/claims.sqlite` of the project they are run in, so they
work from any sub-folder; when there is none they say which folders they looked in.
"""
from __future__ import annotations

import os
from pathlib import Path

STORE = Path("maps") / "claims.sqlite"


class NoStore(FileNotFoundError):
    pass


def looked_in(start: Path | None = None) -> list[Path]:
    """The folders searched for `maps/claims.sqlite`: `start` (the current folder) and each one above it."""
    here = Path(start or Path.cwd()).resolve()
    return [here, *here.parents]


def find_store(start: Path | None = None) -> Path | None:
    """`maps/claims.sqlite` of the nearest folder at or above `start` that has one; `$GEO_DB` when set."""
    if os.environ.get("GEO_DB"):
        return Path(os.environ["GEO_DB"])
    for folder in looked_in(start):
        if (folder / STORE).is_file():
            return folder / STORE
    return None


def store_or_explain(db: Path | None, start: Path | None = None) -> Path:
    """`db` when given, else the project's store; raises `NoStore` naming where it looked."""
    if db is not None:
        if not Path(db).exists():
            raise NoStore(f"{db}: no store there (run `geo build` first, or give another --db)")
        return Path(db)
    found = find_store(start)
    if found is None:
        folders = looked_in(start)
        shown = ", ".join(str(f) for f in folders[:4]) + (f" and {len(folders) - 4} more above" if len(folders) > 4 else "")
        raise NoStore(f"no store found: looked for {STORE.as_posix()} in {shown}. Run `geo build` in the project "
                      "folder, or give --db PATH")
    return found
