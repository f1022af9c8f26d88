"""Synthetic reference snapshots for the tests, written by the tests (nothing of DeepState's or ISW's is shipped):
a Ukrainian-held polygon in the Kursk oblast that grows over Guyevo, then over Sudzha, and shrinks back over a
month, in both formats, with the articles whose claims it confirms or not."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import write_article

# (lon_min, lat_min, lon_max, lat_max) boxes. Guyevo is at (35.269, 51.092), Sudzha at (35.271, 51.191),
# Plekhovo at (35.333, 51.100): outside every box.
GUYEVO = (35.20, 51.05, 35.30, 51.13)
GUYEVO_AND_SUDZHA = (35.20, 51.05, 35.30, 51.22)
ELSEWHERE = (35.00, 51.00, 35.01, 51.01)  # covers no place: the map still has a polygon that day
SNAPSHOTS = [  # day, the Ukrainian-held box
    ("2024-08-01", ELSEWHERE),
    ("2024-08-05", GUYEVO),
    ("2024-08-10", GUYEVO_AND_SUDZHA),
    ("2024-08-11", GUYEVO_AND_SUDZHA),  # unchanged: shares its geometry with the day before
    ("2024-08-20", GUYEVO),
    ("2024-08-30", ELSEWHERE),
]
# Claims (stem, sentence, day) and what the reference makes of each (the lead in days; None: never confirmed).
ARTICLES = [
    ("r1", "Russian troops captured the village of Plekhovo, the Russian Defence Ministry said.", "2024-08-02"),   # lead 0
    ("u1", "Ukrainian forces took control of Guyevo, Ukraine's General Staff said.", "2024-08-06"),             # lead 0
    ("u2", "Ukrainian forces took control of Sudzha, Ukraine's General Staff said.", "2024-08-07"),             # lead 3
    ("r2", "Russian troops captured the village of Sudzha, the Russian Defence Ministry said.", "2024-08-12"),  # lead 8
    ("r3", "Russian troops captured the village of Guyevo, the Russian Defence Ministry said.", "2024-08-15"),  # lead 15
    ("u3", "Ukrainian forces took control of Plekhovo, Ukraine's General Staff said.", "2024-08-21"),           # never
]


def box(b: tuple[float, float, float, float], z: bool = False) -> dict:
    x0, y0, x1, y1 = b
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [[[*pt, 0] if z else pt for pt in ring]]}


def write_articles(folder: Path) -> Path:
    for stem, text, day in ARTICLES:
        write_article(folder, stem, text, publisher="Test Wire", published=day)
    return folder


def generic_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for day, b in SNAPSHOTS:
        doc = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"controller": "ukraine"}, "geometry": box(b)}]}
        (folder / f"{day}-kursk.geojson").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def unix(day: str) -> int:
    return int(dt.datetime.fromisoformat(day + "T12:00:00+00:00").timestamp())


def deepstate_feature(status: str, geometry: dict, fill: str = "#01579b") -> dict:
    return {"type": "Feature", "geometry": geometry,
            "properties": {"name": f"Звільнено /// Liberated /// geoJSON.status.{status}", "fill": fill,
                           "fill-opacity": 0.3, "stroke": fill}}


def deepstate_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for day, b in SNAPSHOTS:
        doc = {"type": "FeatureCollection", "features": [
            deepstate_feature("dismissed", box(b, z=True)),
            # a unit's position: a point, not control
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.25, 51.15, 0]},
             "properties": {"name": "Бригада /// Brigade /// geoJSON.units.brigade"}},
        ]}
        (folder / f"{unix(day)}.geojson").write_text(json.dumps(doc), encoding="utf-8")
    return folder
