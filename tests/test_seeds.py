"""The seeds: the built map holds exactly the six seed claims, and `geo build` reproduces the committed map."""
from __future__ import annotations

import json
import shutil
import sqlite3

from click.testing import CliRunner

from geo.cli import main
from geo.store import CLAIM_ORDER

from conftest import ROOT

# (article prefix, settlement, allowed statuses, claimant must contain, side, allowed dates)
EXPECTED = [
    ("002", "Skrylevka", {"russia"}, "Defense Ministry", "russia", {"2024-08-14"}),
    ("002", "Levshinka", {"russia"}, "Defense Ministry", "russia", {"2024-08-14"}),
    ("003", "Ulanok", {"contested", "russia"}, "Defense Ministry", "russia", {"2025-02-06"}),
    ("003", "Cherkasskaya Konopelka", {"contested", "russia"}, "Defense Ministry", "russia", {"2025-02-06"}),
    ("003", "Sudzha", {"ukraine"}, "AFP", "third_party", {"2025-02-06", "2025-02-07"}),
    ("004", "Gornal", {"russia"}, "Gerasimov", "russia", {"2025-04-26"}),
]


def _export(out, fmt="jsonl") -> str:
    result = CliRunner().invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.output


def test_export_holds_exactly_the_six_seed_claims(seeds_build):
    records = [json.loads(line) for line in _export(seeds_build).splitlines()]
    assert len(records) == len(EXPECTED)
    for prefix, settlement, statuses, claimant, side, days in EXPECTED:
        hits = [r for r in records if r["article"].startswith(prefix) and r["settlement"] == settlement]
        assert len(hits) == 1, (settlement, records)
        r = hits[0]
        assert r["status"] in statuses and claimant in r["claimant"] and r["claimant_side"] == side
        assert r["date"] in days
        for key in ("settlement_id", "mention", "lat", "lon", "oblast", "published", "publisher", "evidence"):
            assert key in r
        assert r["mention"] in r["evidence"]


def test_no_claims_about_places_only_mentioned(seeds_build):
    names = {json.loads(line)["settlement"] for line in _export(seeds_build).splitlines()}
    for only_mentioned in ("Kursk", "Kyiv", "Kiev", "Moscow", "Vladivostok", "Rome", "Istanbul", "Sumy", "Donetsk"):
        assert only_mentioned not in names


def test_unlocated_settlement_is_kept_without_a_coordinate(seeds_build):
    records = [json.loads(line) for line in _export(seeds_build).splitlines()]
    sk = next(r for r in records if r["settlement"] == "Skrylevka")
    assert sk["lat"] is None and sk["lon"] is None and sk["geo_precision"] is None
    assert sk["location_precision"] == "unlocated"


def test_claims_gornal_shows_gerasimov(seeds_build):
    result = CliRunner().invoke(main, ["claims", "Gornal", "--db", str(seeds_build / "claims.sqlite")])
    assert result.exit_code == 0, result.output
    assert "2025-04-26" in result.output and "Gerasimov" in result.output and "russia" in result.output


def test_committed_map_and_store_are_reproduced(seeds_build):
    """`geo build` reproduces maps/index.html byte for byte and the committed store's claims exactly."""
    assert (seeds_build / "index.html").read_bytes() == (ROOT / "maps" / "index.html").read_bytes()
    q = ("SELECT place_id, mention, status, claimant, claimant_side, date, article, evidence, cue FROM claims c "
         f"ORDER BY {CLAIM_ORDER}")
    fresh = sqlite3.connect(seeds_build / "claims.sqlite").execute(q).fetchall()
    committed = sqlite3.connect(ROOT / "maps" / "claims.sqlite").execute(q).fetchall()
    assert fresh == committed


def test_exports_are_deterministic(seeds_build, tmp_path):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    out2 = tmp_path / "maps"
    result = CliRunner().invoke(main, ["build", "--articles", str(tmp_path / "seeds"), "--out", str(out2)])
    assert result.exit_code == 0
    assert (out2 / "index.html").read_bytes() == (seeds_build / "index.html").read_bytes()
    for fmt in ("jsonl", "csv", "geojson"):
        assert _export(out2, fmt) == _export(seeds_build, fmt)


def test_geojson_and_csv_exports(seeds_build):
    gj = json.loads(_export(seeds_build, "geojson"))
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 6
    located = [f for f in gj["features"] if f["geometry"]]
    assert all(-180 <= f["geometry"]["coordinates"][0] <= 180 for f in located)
    assert any(f["geometry"] is None for f in gj["features"])  # Skrylevka: kept, not placed
    header = _export(seeds_build, "csv").splitlines()[0].split(",")
    for col in ("article", "settlement", "settlement_id", "status", "claimant_side", "event_date", "geo_precision", "source", "notes"):
        assert col in header
