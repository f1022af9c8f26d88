"""The offline gazetteer: settlements, their spellings, and name look-up.

Loads `gazetteer/settlements.csv` and `gazetteer/spellings.tsv` (both built by `gazetteer/build.py`) and
the user's own `gazetteer/local.csv`, which wins over the shipped rows.
"""
from __future__ import annotations

import csv
import difflib
import io
import math
import os
from collections import defaultdict
from dataclasses import replace
from functools import cached_property, lru_cache
from pathlib import Path

from ..normalize import fold_name, skeleton, strip_invisible
from ..records import Place
from ..text import decode  # the same encodings as articles (a spreadsheet may save Windows-1251)

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DIR = Path(os.environ.get("GEO_GAZETTEER_DIR", REPO_ROOT / "gazetteer"))
# Oblasts whose settlements the incursion and the border fighting concern; others are out of the theatre.
THEATRE_OBLASTS = {"Kursk Oblast", "Belgorod Oblast", "Bryansk Oblast", "Sumy Oblast"}
LOCAL_COLUMNS = ["id", "name_en", "name_ru", "name_uk", "alt_names", "lat", "lon", "oblast", "raion",
                 "precision", "source", "notes"]


def _float(v: str) -> float | None:
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
    lat, lon = _float(row.get("lat", "")), _float(row.get("lon", ""))
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


LOCAL_PRECISIONS = {"", "point", "approximate", "area"}
# A coarse box around the theatre (lat, lon); a coordinate outside it is a typo or swapped lat/lon.
THEATRE_BOX = (44.0, 56.0, 28.0, 42.0)


def _in_box(lat: float, lon: float) -> bool:
    return THEATRE_BOX[0] < lat < THEATRE_BOX[1] and THEATRE_BOX[2] < lon < THEATRE_BOX[3]


@lru_cache(maxsize=8)
def boundaries(directory: Path, layer: str) -> list[tuple[str, object]]:
    """(English name, prepared polygon) of each feature of `inputs/<layer>.geojson` ("oblasts" or "raions")."""
    import json

    from shapely.geometry import shape
    from shapely.prepared import prep

    features = json.loads((directory / "inputs" / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]
    return [(f["properties"]["name_en"], prep(shape(f["geometry"]))) for f in features]


def _theatre_test(directory: Path):
    """A test `(lat, lon) -> bool`: inside one of the oblast polygons `geo gazetteer add` accepts (those of
    inputs/oblasts.geojson), or only inside the coarse box when the polygons are not there."""
    if not (directory / "inputs" / "oblasts.geojson").exists():
        return _in_box
    from shapely.geometry import Point

    shapes = boundaries(directory, "oblasts")
    return lambda lat, lon: _in_box(lat, lon) and any(s.contains(Point(lon, lat)) for _, s in shapes)


def _local_row_problem(row: dict, inside) -> str | None:
    """Why a row of local.csv cannot be used, or None."""
    if None in row:  # more fields than the header names: a comma inside an unquoted value shifted the columns
        return f"{len(row[None])} field(s) more than the header; quote values that contain commas"
    if not (row.get("id") or "").strip() or not ((row.get("name_en") or "").strip() or (row.get("name_ru") or "").strip()):
        return "no id or no name"
    raw_lat, raw_lon = (row.get("lat") or "").strip(), (row.get("lon") or "").strip()
    if not raw_lat or not raw_lon:
        return f"missing coordinate (lat {raw_lat!r}, lon {raw_lon!r})"
    lat, lon = _float(raw_lat), _float(raw_lon)
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return f"coordinate is not a number (lat {raw_lat!r}, lon {raw_lon!r})"
    if not inside(lat, lon):
        hint = "; lat and lon swapped?" if inside(lon, lat) else ""
        return f"coordinate {lat}, {lon} is outside the theatre's oblasts{hint}"
    if (row.get("precision") or "").strip() not in LOCAL_PRECISIONS:
        return f"unknown precision {row.get('precision')!r} (point, approximate or area)"
    return None


class Gazetteer:
    """Places by id, and every known spelling → the ids it can mean."""

    def __init__(self, directory: Path | str = DEFAULT_DIR) -> None:
        self.directory = Path(directory)
        self.places: dict[str, Place] = {}
        self.names: dict[str, set[str]] = defaultdict(set)  # folded spelling → ids
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
        if spellings.exists():
            for line in spellings.read_text(encoding="utf-8").splitlines():
                pid, _, spelling = line.partition("\t")
                if pid in self.places and spelling:
                    self.names[fold_name(spelling)].add(pid)
        local = self.directory / "local.csv"
        if local.exists():
            self._load_local(local)

    def _load_local(self, local: Path) -> None:
        """The user's rows. The file is edited by hand: a bad row (no id or name, a missing or unreadable
        coordinate, one outside the theatre's oblasts, an unknown precision) gives one warning naming the file
        and line and is skipped; the other rows load."""
        from .spellings import (
            english_spellings,  # iuliia only when the user has local rows
        )

        try:
            text = decode(local.read_bytes())
        except (OSError, UnicodeDecodeError) as exc:
            self.warnings.append(f"{local}: unreadable ({getattr(exc, 'strerror', None) or exc}); none of its rows used")
            return
        reader = csv.DictReader(io.StringIO(text, newline=""))
        inside = _theatre_test(self.directory)
        for row in reader:
            # Invisible and direction characters pasted with a name would reorder it on the map.
            row = {k: strip_invisible(v) if isinstance(v, str) else v for k, v in row.items()}
            where = f"{local} line {reader.line_num}"
            why = _local_row_problem(row, inside)
            if why:
                label = (row.get("id") or row.get("name_en") or "").strip()
                self.warnings.append(f"{where}{f' ({label})' if label else ''}: {why}; row skipped")
                continue
            place = self._add_row(row, where)
            if place is None:
                continue
            alt = tuple(a for a in (row.get("alt_names") or "").split("|") if a)
            for s in english_spellings(place.name_ru, place.name_uk, place.name_en, alt):
                self.names[fold_name(s)].add(place.id)

    def _add_row(self, row: dict[str, str], where: str) -> Place | None:
        if not row.get("id") or not (row.get("name_en") or row.get("name_ru")):
            self.warnings.append(f"{where}: row without id or name skipped")
            return None
        place = place_from_row(row)
        if place.lat is not None and not _in_box(place.lat, place.lon):
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
        out: dict[str, set[str]] = defaultdict(set)
        for name, ids in self.names.items():
            key = skeleton(name)
            if len(key) >= 3:
                out[key] |= ids
        return out

    def lookup(self, name: str) -> list[Place]:
        """Places a name can mean: exact spelling first, then the romanisation skeleton."""
        ids = self.names.get(fold_name(name))
        if not ids:
            ids = self.skeletons.get(skeleton(name), set())
        return sorted((self.places[i] for i in ids), key=lambda p: (not p.in_theatre, p.id))

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


_CACHE: dict[str, Gazetteer] = {}


def load(directory: Path | str | None = None) -> Gazetteer:
    key = str(Path(directory or DEFAULT_DIR).resolve())
    if key not in _CACHE:
        _CACHE[key] = Gazetteer(key)
    return _CACHE[key]
