"""Reading reference snapshots: one file → the dated snapshots it holds, each a list of (controller, polygon).

Two formats:

* ``generic``: GeoJSON, one file per snapshot named ``YYYY-MM-DD*.geojson`` (or a ``date`` property on each
  feature, which lets one file hold several snapshots), a ``controller`` property per polygon: ``russia``,
  ``ukraine`` or ``contested``.
* ``deepstate``: the raw FeatureCollection of DeepState's map API, one file per snapshot named by its Unix time
  (``1725222208.geojson``); each feature's ``name`` ends in ``geoJSON.status.<key>``. Point features (units,
  airfields) are not control and are left out.

A file that cannot be used raises `SnapshotError` with one line saying why; the caller names the file.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONTROLLERS = ("russia", "ukraine", "contested")
FORMATS = ("deepstate", "generic")
_DATED_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
_UNIX_NAME = re.compile(r"(\d{9,11})(?:\.\d+)?")

# DeepState's status keys (the last part of a feature's name) and the controller each means. Its map marks
# Russian-held land (occupied, with the ORDLO and Crimea areas held since before 2022), grey contested land, and
# Ukrainian-held land: `dismissed` is land freed (fill #0f9d58 in Ukraine in 2022) or, in Russia (fill #01579b),
# held by Ukraine; `liberated` is land freed. Any other key stops the file: a new key would otherwise be read
# as the wrong side.
DEEPSTATE_STATUS = {
    "occupied": "russia", "occupied_to_24": "russia", "ordlo": "russia", "crimea": "russia",
    "unknown": "contested",
    "dismissed": "ukraine", "liberated": "ukraine", "free": "ukraine",
}
# A point no DeepState polygon covers is held by the country it is in.
DEEPSTATE_DEFAULTS = {"RU": "russia", "UA": "ukraine"}


class SnapshotError(ValueError):
    """A file that cannot be used as a snapshot; the message is one line."""


@dataclass(frozen=True)
class Snapshot:
    """The control a reference map drew on one day: (controller, polygonal shapely geometry) parts."""

    date: str  # YYYY-MM-DD
    source: str  # the file's name
    parts: tuple[tuple[str, Any], ...]


def _day(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _polygon(rings: Any) -> Any:
    """A shapely Polygon from GeoJSON rings, through numpy (shapely's `shape` walks every coordinate in Python,
    which costs seconds over 300 detailed snapshots). A third coordinate (DeepState's 0) is dropped."""
    import numpy as np
    import shapely

    if not isinstance(rings, list) or not rings:
        raise ValueError("a polygon needs at least its outline")
    arrays = []
    for ring in rings:
        try:
            a = np.asarray(ring, dtype=float)
        except ValueError:  # positions of mixed dimension: their first two values
            a = np.asarray([p[:2] if isinstance(p, list) else p for p in ring], dtype=float)
        if a.ndim != 2 or a.shape[1] < 2 or len(a) < 4:
            raise ValueError("a ring needs four or more [longitude, latitude] positions")
        arrays.append(a[:, :2])
    holes = [shapely.linearrings(h) for h in arrays[1:]]
    return shapely.polygons(shapely.linearrings(arrays[0]), holes=holes or None)


def _geometry(raw: Any, n: int) -> Any | None:
    """The polygonal part of a GeoJSON geometry (None when it has none: a point, a line), 2-D; SnapshotError
    when it cannot be read. A self-intersecting outline is used as drawn (a point is inside by the usual
    crossing rule); the map repairs it before simplifying."""
    import shapely
    from shapely.geometry import shape

    if not isinstance(raw, dict) or "type" not in raw:
        raise SnapshotError(f"feature {n}: no geometry")
    kind = raw["type"]
    if kind in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        return None
    try:
        if kind == "Polygon":
            geom = _polygon(raw.get("coordinates"))
        elif kind == "MultiPolygon":
            coords = raw.get("coordinates")
            if not isinstance(coords, list) or not coords:
                raise ValueError("a multipolygon needs its polygons")
            geom = shapely.multipolygons([_polygon(p) for p in coords])
        else:
            geom = shapely.force_2d(shape(raw))
    except Exception as exc:  # numpy and shapely raise several types for malformed coordinates
        raise SnapshotError(f"feature {n}: bad geometry ({str(exc).splitlines()[0][:80]})") from None
    if geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)) or minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise SnapshotError(f"feature {n}: bad geometry (coordinates are not longitude, latitude)")
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else shapely.union_all(polys)


def _features(path: Path) -> list[Any]:
    data = path.read_bytes()
    if not data.strip():
        raise SnapshotError("empty file")
    try:
        doc = json.loads(data)
    except RecursionError:
        raise SnapshotError("not JSON (nested too deeply)") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"not JSON ({str(exc)[:80]})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise SnapshotError("not a GeoJSON FeatureCollection")
    return doc["features"]


def _props(feature: Any, n: int) -> dict:
    if not isinstance(feature, dict):
        raise SnapshotError(f"feature {n}: not a GeoJSON feature")
    props = feature.get("properties")
    return props if isinstance(props, dict) else {}


def read_generic(path: Path) -> list[Snapshot]:
    named = _DATED_NAME.match(path.name)
    file_day = _day(named.group(1)) if named else None
    by_day: dict[str, list[tuple[str, Any]]] = {}
    for n, feature in enumerate(_features(path), start=1):
        props = _props(feature, n)
        day = file_day
        if day is None:
            value = props.get("date")
            day = _day(value[:10]) if isinstance(value, str) else None
            if day is None:
                raise SnapshotError(f"no date: name the file YYYY-MM-DD….geojson or give each feature a date "
                                    f"(feature {n} has {'none' if value is None else repr(value)[:40]})")
        geom = _geometry(feature.get("geometry"), n)
        if geom is None:
            continue
        controller = props.get("controller")
        if controller not in CONTROLLERS:
            raise SnapshotError(f"feature {n}: unknown controller {str(controller)[:40]!r} "
                                f"(one of {', '.join(CONTROLLERS)})")
        by_day.setdefault(day, []).append((controller, geom))
    if not by_day:
        raise SnapshotError("no control polygons")
    return [Snapshot(day, path.name, tuple(parts)) for day, parts in sorted(by_day.items())]


def deepstate_key(name: Any) -> str | None:
    """The status key of a DeepState feature name ("<uk> /// <en> /// geoJSON.status.<key>")."""
    if not isinstance(name, str):
        return None
    last = name.split("///")[-1].strip()
    return last[len("geoJSON.status."):] if last.startswith("geoJSON.status.") else None


def read_deepstate(path: Path) -> list[Snapshot]:
    named = _UNIX_NAME.fullmatch(path.stem)
    if not named:
        raise SnapshotError("no date: a DeepState snapshot is named by its Unix time (1725222208.geojson)")
    day = dt.datetime.fromtimestamp(int(named.group(1)), dt.timezone.utc).date().isoformat()
    parts: list[tuple[str, Any]] = []
    for n, feature in enumerate(_features(path), start=1):
        props = _props(feature, n)
        geom = _geometry(feature.get("geometry"), n)
        if geom is None:
            continue  # units, airfields, lines: not control
        key = deepstate_key(props.get("name"))
        if key not in DEEPSTATE_STATUS:
            raise SnapshotError(f"feature {n}: unknown status key {str(key if key is not None else props.get('name'))[:60]!r}")
        parts.append((DEEPSTATE_STATUS[key], geom))
    if not parts:
        raise SnapshotError("no control polygons")
    return [Snapshot(day, path.name, tuple(parts))]


READERS = {"generic": read_generic, "deepstate": read_deepstate}


def snapshot_files(folder: Path) -> list[Path]:
    """The folder's .geojson (and .json) files, by name."""
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in (".geojson", ".json") and p.is_file())


def parse_defaults(text: str | None) -> dict[str, str]:
    """`RU=russia,UA=ukraine` → {"RU": "russia", "UA": "ukraine"}; ValueError naming the bad part."""
    out: dict[str, str] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        country, _, controller = item.partition("=")
        country, controller = country.strip().upper(), controller.strip().lower()
        if not re.fullmatch(r"[A-Z]{2}", country) or controller not in CONTROLLERS:
            raise ValueError(f"{item.strip()!r}: give COUNTRY=CONTROLLER, e.g. RU=russia,UA=ukraine "
                             f"(controllers: {', '.join(CONTROLLERS)})")
        out[country] = controller
    return out
