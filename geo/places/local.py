"""`geo gazetteer add`: the user's own additions in `gazetteer/local.csv`, validated before they are written."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from . import gazetteer as gazetteer_module
from .gazetteer import LOCAL_COLUMNS, Gazetteer, boundaries
from ..normalize import fold_name


class LocalAddError(ValueError):
    pass


def locate(lat: float, lon: float, directory: Path) -> tuple[str | None, str]:
    """(oblast, raion) of a point by the boundary polygons; oblast None outside the theatre's oblasts."""
    from shapely.geometry import Point

    pt = Point(lon, lat)
    oblast = next((name for name, poly in boundaries(directory, "oblasts") if poly.contains(pt)), None)
    raion = next((name for name, poly in boundaries(directory, "raions") if poly.contains(pt)), "")
    return oblast, raion


def add_local(name: str, lat: float, lon: float, source: str, raion: str = "", precision: str = "point",
              name_ru: str = "", name_uk: str = "", directory=None) -> dict[str, str]:
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
    candidates = Gazetteer(directory).lookup(name)
    for p in candidates:
        if p.raion == raion and p.lat is not None and p.precision == "point" and precision == "point":
            from geopy.distance import distance

            if distance((p.lat, p.lon), (lat, lon)).km < 1.0:
                raise LocalAddError(f"{name} is already in the gazetteer as {p.id} ({p.lat}, {p.lon})")
    # A local row with the id of a shipped one corrects it; otherwise it is new.
    same = [p for p in candidates if p.raion == raion]
    ident = same[0].id if same else "local:" + re.sub(r"[^a-z0-9]+", "-", fold_name(name)).strip("-")
    row = {"id": ident, "name_en": name, "name_ru": name_ru or (same[0].name_ru if same else ""),
           "name_uk": name_uk or (same[0].name_uk if same else ""), "alt_names": "", "lat": f"{lat:.5f}",
           "lon": f"{lon:.5f}", "oblast": oblast, "raion": raion, "precision": precision, "source": source, "notes": ""}
    path = directory / "local.csv"
    new = not path.exists()
    with path.open("a", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, LOCAL_COLUMNS, lineterminator="\n")
        if new:
            w.writeheader()
        w.writerow(row)
    return row
