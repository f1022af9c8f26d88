"""Exports: GeoJSON against RFC 7946, CSV columns, the GeoPackage, deterministic output, a full disk."""
from __future__ import annotations

import csv
import errno
import io
import json
import math
import shutil
from pathlib import Path

from click.testing import CliRunner
import pytest

from geo.cli import main

from conftest import ROOT, write_article, build_with, settlements, output_line, CLAIM


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


def _export_text(out, fmt="jsonl") -> str:
    return _export(out / "claims.sqlite", fmt)


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


def test_geopackage_export_opens_with_geopandas(runner, seeds_build, tmp_path):
    import geopandas as gpd
    import pyogrio

    target = tmp_path / "claims.gpkg"
    result = runner.invoke(main, ["export", "--db", str(seeds_build / "claims.sqlite"), "--format", "gpkg", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert [layer[0] for layer in pyogrio.list_layers(target)] == ["settlements", "claims", "citations"]
    settlements = gpd.read_file(target, layer="settlements")
    assert "Gornal" in set(settlements["settlement"]) and settlements.crs.to_epsg() == 4326
    gornal = settlements[settlements["settlement"] == "Gornal"].iloc[0]
    assert gornal["russia_status"] == "russia" and gornal["russia_since"] == "2025-04-26"
    assert len(pyogrio.read_dataframe(target, layer="claims")) == 6
    again = tmp_path / "again.gpkg"
    runner.invoke(main, ["export", "--db", str(seeds_build / "claims.sqlite"), "--format", "gpkg", "-o", str(again)])
    assert again.read_bytes() == target.read_bytes()


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "geojson"])
def test_disk_full_at_the_export_write(runner, articles, tmp_path, monkeypatch, fmt):
    write_article(articles, "good", CLAIM)
    out = tmp_path / "out"
    assert build_with(runner, articles, out).exit_code == 0
    target = tmp_path / f"claims.{fmt}"
    target.write_text("earlier export\n")
    real = Path.write_text

    def half_then_full(self, data, *args, **kwargs):
        real(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_then_full)
    result = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", fmt, "-o", str(target)])
    monkeypatch.undo()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert output_line(result.output, "could not write", target.name, "No space left")
    assert target.read_text() == "earlier export\n"  # no partial file in its place
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["articles", "out", target.name])


def test_geojson_and_csv_exports(seeds_build):
    """The seed claims, as GeoJSON features and CSV rows that agree with the JSON lines record by record (an
    empty export, or one that lost a coordinate or a column's value, fails)."""
    records = [json.loads(line) for line in _export_text(seeds_build, "jsonl").splitlines()]
    assert len(records) == 6
    gj = json.loads(_export_text(seeds_build, "geojson"))
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == len(records)
    for rec, feat in zip(records, gj["features"]):
        assert feat["properties"]["claim_id"] == rec["claim_id"] and feat["properties"]["settlement"] == rec["settlement"]
        if rec["lat"] is None:
            assert feat["geometry"] is None  # Skrylevka: kept, not placed
        else:
            assert feat["geometry"] == {"type": "Point", "coordinates": [round(rec["lon"], 6), round(rec["lat"], 6)]}
            assert 28 < rec["lon"] < 42 and 44 < rec["lat"] < 56  # the theatre, lon before lat
    assert sum(f["geometry"] is None for f in gj["features"]) == 1
    rows = list(csv.DictReader(io.StringIO(_export_text(seeds_build, "csv"))))
    assert len(rows) == len(records)
    for rec, row in zip(records, rows):
        assert (row["article"], row["settlement"], row["settlement_id"], row["status"], row["claimant_side"]) == (
            rec["article"], rec["settlement"], rec["settlement_id"], rec["status"], rec["claimant_side"])
        # ACLED-style columns carry the same values under ACLED's names.
        assert row["event_date"] == (rec["date"] or "") and row["source"] == rec["publisher"] and row["notes"] == rec["evidence"]
        assert row["geo_precision"] == ("" if rec["geo_precision"] is None else str(rec["geo_precision"]))


def test_exports_are_deterministic(seeds_build, tmp_path):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    out2 = tmp_path / "maps"
    result = CliRunner().invoke(main, ["build", "--articles", str(tmp_path / "seeds"), "--out", str(out2)])
    assert result.exit_code == 0
    assert (out2 / "index.html").read_bytes() == (seeds_build / "index.html").read_bytes()
    for fmt in ("jsonl", "csv", "geojson"):
        assert _export_text(out2, fmt) == _export_text(seeds_build, fmt)
