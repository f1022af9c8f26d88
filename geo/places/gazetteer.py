"""The offline gazetteer: settlements, their spellings, and name look-up.

Loads `settlements.csv` and `spellings.tsv` (both built by `gazetteer/build.py`) and the user's own
`local.csv` (`geo.places.local`), which wins over the shipped rows.

Where they are: `$GEO_GAZETTEER_DIR` when set; else the `gazetteer/` folder of a source checkout (beside `geo/`),
with its `local.csv`; else, in an installed wheel, the run-time files of that folder shipped inside the package
(`setup.py` copies them to `geo/places/shipped/`), with the `gazetteer/local.csv` of the folder the tool
runs in (an installed package is no place for the user's rows).
"""
from __future__ import annotations

import csv
import difflib
import json
import os
from collections import defaultdict
from dataclasses import replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .fuzzy import FuzzyIndex

from ..normalize import fold_name, fold_names, skeleton, skeletons, strip_invisible
from ..records import Place

CHECKOUT_DIR = Path(__file__).resolve().parents[2] / "gazetteer"
SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"


def _default_dir() -> Path:
    if os.environ.get("GEO_GAZETTEER_DIR"):
        return Path(os.environ["GEO_GAZETTEER_DIR"])
    if SHIPPED_DIR.is_dir():  # an installed wheel (a checkout has no such folder)
        return SHIPPED_DIR
    return CHECKOUT_DIR


DEFAULT_DIR = _default_dir()
# Oblasts whose settlements the incursion and the border fighting concern; others are out of the theatre.
THEATRE_OBLASTS = {"Kursk Oblast", "Belgorod Oblast", "Bryansk Oblast", "Sumy Oblast"}


def local_path(directory: Path) -> Path:
    """The user's `local.csv` for a gazetteer folder: in it, or for the shipped one in `./gazetteer/`."""
    if Path(directory).resolve() == SHIPPED_DIR:
        return Path.cwd() / "gazetteer" / "local.csv"
    return Path(directory) / "local.csv"


def parse_float(v: str) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _int(v: str) -> int | None:
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return None


def place_from_row(row: dict[str, str]) -> Place:
    lat, lon = parse_float(row.get("lat", "")), parse_float(row.get("lon", ""))
    precision = row.get("precision") or ("point" if lat is not None else "unlocated")
    if lat is None or lon is None:
        lat = lon = None
        if precision != "area":
            precision = "unlocated"
    return Place(
        id=row["id"], name_en=row.get("name_en") or row.get("name_ru") or row["id"],
        name_ru=row.get("name_ru", ""), name_uk=row.get("name_uk", ""), lat=lat, lon=lon,
        country=row.get("country", "") or ("UA" if row.get("oblast") == "Sumy Oblast" else "RU"),
        oblast=row.get("oblast", ""), raion=row.get("raion", ""), kind=row.get("kind", ""),
        population=_int(row.get("population", "")), precision=precision,
        precision_source=row.get("precision_source") or row.get("source", ""),
        coord_source=row.get("coord_source") or row.get("source", ""),
        in_theatre=row.get("oblast", "") in THEATRE_OBLASTS,
    )


# A coarse box around the theatre (lat, lon); a coordinate outside it is a typo or swapped lat/lon.
THEATRE_BOX = (44.0, 56.0, 28.0, 42.0)


def in_box(lat: float, lon: float) -> bool:
    return THEATRE_BOX[0] < lat < THEATRE_BOX[1] and THEATRE_BOX[2] < lon < THEATRE_BOX[3]


@lru_cache(maxsize=8)
def boundaries(directory: Path, layer: str) -> list[tuple[str, Any]]:
    """(English name, prepared polygon) of each feature of `inputs/<layer>.geojson` ("oblasts" or "raions")."""
    from shapely.geometry import shape
    from shapely.prepared import prep

    features = json.loads((directory / "inputs" / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]
    return [(f["properties"]["name_en"], prep(shape(f["geometry"]))) for f in features]


class Gazetteer:
    """Places by id, and every known spelling → the ids it can mean."""

    def __init__(self, directory: Path | str | None = None, local: Path | None = None) -> None:
        self.directory = Path(directory or DEFAULT_DIR)
        self.local = local or local_path(self.directory)
        self.places: dict[str, Place] = {}
        self.names: dict[str, set[str]] = defaultdict(set)  # folded spelling → ids
        # folded spelling → its flag when every place that has it flags it: "slot" (counts only in a
        # settlement slot: "Sudden", "Green Way") or "word" (a Cyrillic form that is also an ordinary word)
        self.flags: dict[str, str] = {}
        self._unflagged: set[str] = set()
        self.alt_names: dict[str, list[str]] = defaultdict(list)
        self.warnings: list[str] = []
        self._load()

    # -- loading ------------------------------------------------------------------------------------
    def _load(self) -> None:
        settlements = self.directory / "settlements.csv"
        with settlements.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                self._add_row(row, settlements.name)
        spellings = self.directory / "spellings.tsv"
        unflagged = self._unflagged
        if spellings.exists():
            rows = []
            for line in spellings.read_text(encoding="utf-8").splitlines():
                pid, _, rest = line.partition("\t")
                spelling, _, flag = rest.partition("\t")
                if pid in self.places and spelling:
                    rows.append((pid, spelling, flag))
            for (pid, _, flag), key in zip(rows, fold_names([r[1] for r in rows])):
                self._add_spelling(key, pid, flag, unflagged)
        if self.local.exists():
            self._load_local(self.local)

    def _add_spelling(self, key: str, pid: str, flag: str, unflagged: set[str]) -> None:
        self.names[key].add(pid)
        if not flag:
            unflagged.add(key)
            self.flags.pop(key, None)
        elif key not in unflagged:
            self.flags[key] = min(self.flags.get(key, flag), flag)  # "slot" < "word": the stricter wins

    def _load_local(self, local: Path) -> None:
        """The user's rows. The file is edited by hand: a bad row (no id or name, a missing or unreadable
        coordinate, one outside the theatre's oblasts, an unknown precision) gives one warning naming the file
        and line and is skipped; the other rows load."""
        # Imported here: `local` builds on this module, and iuliia (spellings) is needed only for local rows.
        from .local import read_rows, row_problem, theatre_test
        from .spellings import place_spellings

        try:
            rows = read_rows(local)
        except (OSError, UnicodeDecodeError) as exc:
            self.warnings.append(f"{local}: unreadable ({getattr(exc, 'strerror', None) or exc}); none of its rows used")
            return
        inside = theatre_test(self.directory)
        for line, row in rows:
            # Invisible and direction characters pasted with a name would reorder it on the map.
            row = {k: strip_invisible(v) if isinstance(v, str) else v for k, v in row.items()}
            where = f"{local} line {line}"
            why = row_problem(row, inside)
            if why:
                label = (row.get("id") or row.get("name_en") or "").strip()
                self.warnings.append(f"{where}{f' ({label})' if label else ''}: {why}; row skipped")
                continue
            place = self._add_row(row, where)
            if place is None:
                continue
            alt = tuple(a for a in (row.get("alt_names") or "").split("|") if a)
            # The user's rows are inflected here, at load (the shipped ones were at build time).
            ps = place_spellings(place.name_ru, place.name_uk, place.name_en, alt)
            for s, flag in ps.names.items():
                self._add_spelling(fold_name(s), place.id, flag, self._unflagged)
            for s, flag in ps.calques.items():
                if fold_name(s) not in self.names:  # a translation never takes another place's name
                    self._add_spelling(fold_name(s), place.id, flag, self._unflagged)

    def _add_row(self, row: dict[str, str], where: str) -> Place | None:
        if not row.get("id") or not (row.get("name_en") or row.get("name_ru")):
            self.warnings.append(f"{where}: row without id or name skipped")
            return None
        place = place_from_row(row)
        if place.lat is not None and place.lon is not None and not in_box(place.lat, place.lon):
            self.warnings.append(f"{where}: {place.id} has a coordinate outside the theatre; kept unlocated")
            place = replace(place, lat=None, lon=None, precision="unlocated")
        self.places[place.id] = place
        for n in (place.name_en, place.name_ru, place.name_uk):
            if n:
                self.names[fold_name(n)].add(place.id)
        self.alt_names[place.id] = [a for a in (row.get("alt_names") or "").split("|") if a]
        return place

    # -- look-up ------------------------------------------------------------------------------------
    @cached_property
    def skeletons(self) -> dict[str, set[str]]:
        """Romanisation skeleton → ids, of the spellings that count anywhere (a translated "Sudden" or an
        ordinary word is no ground for a near spelling)."""
        out: dict[str, set[str]] = defaultdict(set)
        names = [name for name in self.names if name not in self.flags]
        for name, key in zip(names, skeletons(names)):
            if len(key) >= 3:
                out[key] |= self.names[name]
        return out

    def lookup(self, name: str) -> list[Place]:
        """Places a name can mean: exact spelling first, then the romanisation skeleton."""
        ids = self.names.get(fold_name(name))
        if not ids:
            ids = self.skeletons.get(skeleton(name), set())
        return sorted((self.places[i] for i in ids), key=lambda p: (not p.in_theatre, p.id))

    @cached_property
    def fuzzy(self) -> "FuzzyIndex":
        from .fuzzy import FuzzyIndex

        return FuzzyIndex(self.skeletons, {p.id for p in self.places.values() if p.in_theatre})

    @cached_property
    def region_centres(self) -> frozenset[str]:
        """Folded spellings of the towns that give their oblast its name (Kursk, Sumy, Belgorod, Bryansk): in
        English news "Kursk" alone is as often the region as the town."""
        short = {fold_name(o.split()[0]) for o in THEATRE_OBLASTS}
        ids = {p.id for p in self.places.values()
               if p.in_theatre and fold_name(p.name_en) in short and (p.population or 0) >= 100_000}
        return frozenset(name for name, pids in self.names.items() if pids & ids)

    def suggest(self, name: str, n: int = 5) -> list[str]:
        folded = fold_name(name)
        close = difflib.get_close_matches(folded, list(self.names), n=n * 3, cutoff=0.75)
        out: list[str] = []
        for c in close:
            for pid in sorted(self.names[c]):
                label = self.places[pid].name_en
                if label not in out:
                    out.append(label)
        return out[:n]

    @cached_property
    def _spellings_by_id(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for name, ids in sorted(self.names.items()):
            for pid in ids:
                out[pid].append(name)
        return out

    def spellings_of(self, place_id: str) -> list[str]:
        """Folded spellings of a place."""
        return self._spellings_by_id.get(place_id, [])

    @cached_property
    def area_points(self) -> dict[str, tuple[str, float, float]]:
        """raion → (oblast, lat, lon) of its representative point (written by gazetteer/build.py)."""
        out: dict[str, tuple[str, float, float]] = {}
        with (self.directory / "area_points.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["raion"]:
                    out[row["raion"]] = (row["oblast"], float(row["lat"]), float(row["lon"]))
        return out


_CACHE: dict[tuple[str, str], Gazetteer] = {}


def load(directory: Path | str | None = None, local: Path | str | None = None) -> Gazetteer:
    """The gazetteer of a folder (by default `DEFAULT_DIR`), loaded once per process."""
    resolved = Path(directory or DEFAULT_DIR).resolve()
    local_csv = Path(local).resolve() if local else local_path(resolved)
    key = (str(resolved), str(local_csv))
    if key not in _CACHE:
        _CACHE[key] = Gazetteer(resolved, local_csv)
    return _CACHE[key]


def forget(gaz: Gazetteer) -> None:
    """Drop a loaded gazetteer from the per-process cache (a cluster worker unloading one build's)."""
    for key, cached in list(_CACHE.items()):
        if cached is gaz:
            del _CACHE[key]
