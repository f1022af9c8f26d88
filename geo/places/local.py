"""The user's own gazetteer rows, `gazetteer/local.csv`: its columns, the check of a row, reading and appending.

Rows come from `geo gazetteer add` (validated against the boundary polygons before they are written), from the
online geocoder's cached answers (`geocoder.with_fallback`), or from the user's hand; a local row wins over a
shipped one with the same id.
"""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from pathlib import Path

from ..normalize import place_slug
from ..text import decode  # the same encodings as articles (a spreadsheet may save Windows-1251)
from .gazetteer import Gazetteer, boundaries, in_box, local_path, parse_float
from . import gazetteer as gazetteer_module

COLUMNS = ["id", "name_en", "name_ru", "name_uk", "alt_names", "lat", "lon", "oblast", "raion",
           "precision", "source", "notes"]
PRECISIONS = {"", "point", "approximate", "area"}

Inside = Callable[[float, float], bool]  # (lat, lon) → inside the theatre's oblasts?


class LocalAddError(ValueError):
    pass


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of each row, decoded like an article; raises OSError or UnicodeDecodeError when the
    file cannot be read. The line number is the row's last line (a quoted value may span several)."""
    reader = csv.DictReader(io.StringIO(decode(path.read_bytes()), newline=""))
    return [(reader.line_num, row) for row in reader]


def append(path: Path, row: dict[str, str]) -> None:
    """Add one row (a header first when the file is new)."""
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        if new:
            w.writeheader()
        w.writerow(row)


def theatre_test(directory: Path) -> Inside:
    """A test `(lat, lon) -> bool`: inside one of the oblast polygons `geo gazetteer add` accepts (those of
    inputs/oblasts.geojson), or only inside the coarse box when the polygons are not there."""
    if not (directory / "inputs" / "oblasts.geojson").exists():
        return in_box
    from shapely.geometry import Point

    shapes = boundaries(directory, "oblasts")
    return lambda lat, lon: in_box(lat, lon) and any(s.contains(Point(lon, lat)) for _, s in shapes)


def row_problem(row: dict, inside: Inside) -> str | None:
    """Why a row of local.csv cannot be used, or None."""
    if None in row:  # more fields than the header names: a comma inside an unquoted value shifted the columns
        return f"{len(row[None])} field(s) more than the header; quote values that contain commas"
    if not (row.get("id") or "").strip() or not ((row.get("name_en") or "").strip() or (row.get("name_ru") or "").strip()):
        return "no id or no name"
    raw_lat, raw_lon = (row.get("lat") or "").strip(), (row.get("lon") or "").strip()
    if not raw_lat or not raw_lon:
        return f"missing coordinate (lat {raw_lat!r}, lon {raw_lon!r})"
    lat, lon = parse_float(raw_lat), parse_float(raw_lon)
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return f"coordinate is not a number (lat {raw_lat!r}, lon {raw_lon!r})"
    if not inside(lat, lon):
        hint = "; lat and lon swapped?" if inside(lon, lat) else ""
        return f"coordinate {lat}, {lon} is outside the theatre's oblasts{hint}"
    if (row.get("precision") or "").strip() not in PRECISIONS:
        return f"unknown precision {row.get('precision')!r} (point, approximate or area)"
    return None


def locate(lat: float, lon: float, directory: Path) -> tuple[str | None, str]:
    """(oblast, raion) of a point by the boundary polygons; oblast None outside the theatre's oblasts."""
    from shapely.geometry import Point

    pt = Point(lon, lat)
    oblast = next((name for name, poly in boundaries(directory, "oblasts") if poly.contains(pt)), None)
    raion = next((name for name, poly in boundaries(directory, "raions") if poly.contains(pt)), "")
    return oblast, raion


def add_local(name: str, lat: float, lon: float, source: str, raion: str = "", precision: str = "point",
              name_ru: str = "", name_uk: str = "", directory: Path | str | None = None) -> dict[str, str]:
    """`geo gazetteer add`: validate a settlement against the boundary polygons and append it to local.csv."""
    directory = Path(directory or gazetteer_module.DEFAULT_DIR)
    if not source.strip():
        raise LocalAddError("a --source is required: where does the coordinate come from?")
    oblast, found_raion = locate(lat, lon, directory)
    if oblast is None:
        raise LocalAddError(f"{lat}, {lon} is outside the theatre's oblasts")
    if raion:
        known = {name for name, _ in boundaries(directory, "raions")}
        if raion not in known and oblast != "Sumy Oblast":
            raise LocalAddError(f"unknown raion {raion!r}; use an English name from raions.geojson, e.g. Sudzhansky")
        if raion in known and found_raion != raion:
            raise LocalAddError(f"{lat}, {lon} is not inside {raion} raion (it falls in {found_raion or oblast})")
    raion = raion or found_raion
    path = local_path(directory)
    candidates = Gazetteer(directory, path).lookup(name)
    for p in candidates:
        if p.raion == raion and p.lat is not None and p.lon is not None and p.precision == "point" and precision == "point":
            from geopy.distance import distance

            if distance((p.lat, p.lon), (lat, lon)).km < 1.0:
                raise LocalAddError(f"{name} is already in the gazetteer as {p.id} ({p.lat}, {p.lon})")
    # A local row with the id of a shipped one corrects it; otherwise it is new.
    same = [p for p in candidates if p.raion == raion]
    ident = same[0].id if same else "local:" + place_slug(name)
    row = {"id": ident, "name_en": name, "name_ru": name_ru or (same[0].name_ru if same else ""),
           "name_uk": name_uk or (same[0].name_uk if same else ""), "alt_names": "", "lat": f"{lat:.5f}",
           "lon": f"{lon:.5f}", "oblast": oblast, "raion": raion, "precision": precision, "source": source, "notes": ""}
    append(path, row)
    return row
