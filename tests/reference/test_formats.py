"""Whatever a snapshot file holds, reading it gives snapshots or one line saying why not (never a crash)."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from geo.reference.formats import SnapshotError, read_deepstate, read_generic

from conftest import CI_PROFILE

_junk = st.one_of(st.none(), st.booleans(), st.integers(-300, 300), st.floats(allow_nan=True), st.text(max_size=6),
                  st.lists(st.integers(-300, 300), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
_number = st.one_of(st.floats(-200, 200), st.integers(-200, 200))
_box = st.tuples(st.floats(-190, 190), st.floats(-95, 95), st.floats(0, 2), st.floats(0, 2), st.booleans()).map(
    lambda b: {"type": "Polygon", "coordinates": [[[b[0], b[1], 0], [b[0] + b[2], b[1]], [b[0] + b[2], b[1] + b[3]],
                                                   [b[0], b[1]]] + ([[b[0], b[1]]] if b[4] else [])]})
_broken = st.fixed_dictionaries({
    "type": st.sampled_from(["Polygon", "MultiPolygon", "GeometryCollection", "Point", "LineString", "Circle"]),
    "coordinates": st.one_of(_junk, st.lists(st.lists(st.lists(st.one_of(_number, st.text(max_size=1)), max_size=3),
                                                      max_size=5), max_size=2))})
_props = st.fixed_dictionaries({
    "controller": st.sampled_from(["russia", "ukraine", "contested", "russia", "x", None]),
    "date": st.sampled_from(["2024-08-01", "2024-08-01T10:00:00Z", "2024-08-02", "2024-13-01", "", None, 5]),
    "name": st.sampled_from(["a /// b /// geoJSON.status.occupied", "geoJSON.status.dismissed", "geoJSON.status.unknown",
                             "x /// geoJSON.status.mystery", "", None])})


def mostly(good, bad, odds: int = 4):
    """`good` `odds` times in `odds + 1`, else `bad` (st.one_of would draw each alike)."""
    return st.integers(0, odds).flatmap(lambda k: bad if k == 0 else good)


_feature = mostly(st.fixed_dictionaries({"type": st.just("Feature"), "geometry": mostly(_box, st.one_of(_broken, _junk), 2),
                                         "properties": mostly(_props, _junk)}), _junk, 8)
_collection = st.fixed_dictionaries({"type": st.just("FeatureCollection"), "features": st.lists(_feature, max_size=4)})
_document = mostly(_collection, st.one_of(_junk, st.fixed_dictionaries({
    "type": st.sampled_from(["FeatureCollection", "Feature"]), "features": _junk})))
FOLDER = Path(tempfile.mkdtemp(prefix="geo-snapshots-"))
READ: set[str] = set()  # the files that gave snapshots: the strategy reaches good files too


# The ci profile's 10,000 examples would take minutes here; 1,000 under it.
@settings(max_examples=1000 if CI_PROFILE else 300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=_document, raw=st.binary(max_size=40), use_raw=st.integers(0, 9))
def test_any_file_is_snapshots_or_one_line(doc, raw, use_raw):
    data = raw if use_raw == 0 else json.dumps(doc, allow_nan=True).encode()
    for name, reader in (("2024-08-01.geojson", read_generic), ("1725222208.geojson", read_deepstate),
                         ("undated.geojson", read_generic)):
        path = FOLDER / name
        path.write_bytes(data)
        try:
            snaps = reader(path)
        except SnapshotError as exc:
            assert str(exc) and "\n" not in str(exc)
            continue
        READ.add(name)
        assert snaps
        for s in snaps:
            assert s.parts
            for controller, geom in s.parts:
                assert controller in ("russia", "ukraine", "contested")
                assert geom.geom_type in ("Polygon", "MultiPolygon") and not geom.is_empty


def test_the_strategy_reaches_usable_snapshots():
    """Runs after the property test (file order): its examples included files that gave snapshots."""
    assert {"2024-08-01.geojson", "1725222208.geojson"} <= READ
