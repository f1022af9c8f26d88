"""`geo export --format geojson` is valid RFC 7946 GeoJSON (checked by the rules of the RFC, written out here)."""
from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from geo.cli import main

GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON (RFC 8259, required by RFC 7946 section 1)")


def _position(pos, where: str) -> list[str]:
    # 3.1.1: two or three numbers, longitude then latitude, WGS 84 (section 4).
    if not isinstance(pos, list) or len(pos) not in (2, 3):
        return [f"{where}: a position is an array of 2 or 3 numbers"]
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in pos):
        return [f"{where}: a position holds finite numbers only"]
    lon, lat = pos[0], pos[1]
    errors = []
    if not -180 <= lon <= 180:
        errors.append(f"{where}: longitude {lon} out of range")
    if not -90 <= lat <= 90:
        errors.append(f"{where}: latitude {lat} out of range")
    return errors


def rfc7946_errors(text: str) -> list[str]:
    """Every way `text` breaks RFC 7946 for a FeatureCollection of Point or null geometries."""
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        return [str(exc)]
    errors = []
    if text.startswith("\ufeff"):
        errors.append("a byte order mark is not allowed (section 11)")
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return errors + ["top level is not a FeatureCollection"]
    if "crs" in doc:
        errors.append("'crs' is not a member of RFC 7946 GeoJSON (section 4)")
    if not isinstance(doc.get("features"), list):
        return errors + ["'features' must be an array (3.3)"]
    for i, f in enumerate(doc["features"]):
        where = f"feature {i}"
        if not isinstance(f, dict) or f.get("type") != "Feature":
            errors.append(f"{where}: type must be 'Feature' (3.2)")
            continue
        if "crs" in f:
            errors.append(f"{where}: 'crs' member")
        if "geometry" not in f or "properties" not in f:
            errors.append(f"{where}: 'geometry' and 'properties' are required members (3.2)")
        if "id" in f and not isinstance(f["id"], (str, int, float)):
            errors.append(f"{where}: id must be a string or number (3.2)")
        if f.get("properties") is not None and not isinstance(f["properties"], dict):
            errors.append(f"{where}: properties must be an object or null (3.2)")
        g = f.get("geometry")
        if g is None:
            continue
        if not isinstance(g, dict) or g.get("type") not in GEOMETRY_TYPES:
            errors.append(f"{where}: geometry must be a GeoJSON geometry object or null (3.1)")
            continue
        if g["type"] != "Point":
            errors.append(f"{where}: this export writes points only, got {g['type']}")
            continue
        errors += _position(g.get("coordinates"), where)
    return errors


def _export(db, fmt="geojson", *extra) -> str:
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", fmt, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_validator_catches_what_rfc7946_forbids():
    good = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.3, 51.2]}, "properties": {}},
        {"type": "Feature", "geometry": None, "properties": None}]}
    assert rfc7946_errors(json.dumps(good)) == []
    bad = [
        dict(good, crs={"type": "name", "properties": {"name": "EPSG:4326"}}),
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.3, 251.2]}, "properties": {}}]},
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]},
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.3]}, "properties": {}}]},
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Circle"}, "properties": {}}]},
    ]
    for doc in bad:
        assert rfc7946_errors(json.dumps(doc)), doc
    assert rfc7946_errors('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
                          '{"type": "Point", "coordinates": [NaN, 51]}, "properties": {}}]}')


def test_seed_export_is_rfc7946(seeds_build, tmp_path):
    text = _export(seeds_build / "claims.sqlite")
    assert rfc7946_errors(text) == []
    doc = json.loads(text)
    south, north, west, east = 44.0, 56.0, 28.0, 42.0  # around the theatre's oblasts
    for f in doc["features"]:
        if f["geometry"]:
            lon, lat = f["geometry"]["coordinates"]
            # longitude first: a swapped pair would fall far outside the theatre
            assert west <= lon <= east and south <= lat <= north, f["properties"]["settlement"]
            assert all(len(repr(x).split(".")[-1]) <= 6 for x in (lon, lat))
    # The file form is UTF-8 without a byte order mark, and GDAL reads it as WGS 84 points.
    out = tmp_path / "claims.geojson"
    _export(seeds_build / "claims.sqlite", "geojson", "-o", str(out))
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and rfc7946_errors(raw.decode("utf-8")) == []
    gpd = pytest.importorskip("geopandas")
    frame = gpd.read_file(out)
    assert len(frame) == len(doc["features"]) and frame.crs.to_epsg() == 4326
