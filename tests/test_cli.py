"""The real CLI, driven with CliRunner on articles written by the tests."""
from __future__ import annotations

import csv
import json
import shutil

from geo.cli import main

from conftest import ROOT, write_article

HOMONYMS = {
    "a1": ("Russia's Defence Ministry said on Saturday its troops had liberated the village of Viktorovka "
           "in the Korenevsky district of the Kursk region.", "2024-09-14"),
    "a2": ("The Russian Defence Ministry said on Saturday its forces retook the village of Viktorovka in the "
           "Sudzha district, north of Sudzha.", "2025-03-08"),
}


def _build(runner, articles, out):
    result = runner.invoke(main, ["build", "--articles", str(articles), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result


def test_build_prints_a_summary(runner, seeds_build, tmp_path):
    result = _build(runner, ROOT / "seeds", tmp_path / "out")
    assert "articles: 5" in result.output and "claims: 6" in result.output
    assert "named, not yet located" in result.output and "Skrylevka" in result.output


def test_claims_by_any_spelling(runner, seeds_build):
    db = str(seeds_build / "claims.sqlite")
    for name in ("Sudzha", "Суджа", "Sudja", "sudzha"):
        result = runner.invoke(main, ["claims", name, "--db", db])
        assert result.exit_code == 0, (name, result.output)
        assert "Sudzha" in result.output and "AFP" in result.output
    result = runner.invoke(main, ["claims", "Hornal", "--db", db])
    assert "Gerasimov" in result.output


def test_claims_json_and_explain(runner, seeds_build):
    db = str(seeds_build / "claims.sqlite")
    rows = json.loads(runner.invoke(main, ["claims", "Gornal", "--db", db, "--format", "json"]).output)
    assert rows[0]["date"] == "2025-04-26" and rows[0]["cue"] == "liberated"
    explained = runner.invoke(main, ["claims", "Gornal", "--db", db, "--explain"]).output
    assert "cue: 'liberated'" in explained and "rule:" in explained


def test_unknown_name_says_so_and_suggests(runner, seeds_build):
    result = runner.invoke(main, ["claims", "Gornall", "--db", str(seeds_build / "claims.sqlite")])
    # A near spelling still finds the place through its romanisation skeleton.
    assert result.exit_code == 0 and "Gornal" in result.output
    result = runner.invoke(main, ["claims", "Qwertyville", "--db", str(seeds_build / "claims.sqlite")])
    assert result.exit_code == 1 and "unknown settlement 'Qwertyville'" in result.output


def test_homonyms_resolved_by_district_and_listed_when_ambiguous(runner, articles, tmp_path):
    for stem, (text, pub) in HOMONYMS.items():
        write_article(articles, stem, text, publisher="Reuters", published=pub)
    out = tmp_path / "out"
    _build(runner, articles, out)
    recs = [json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output.splitlines()]
    raions = {r["article"]: r["raion"] for r in recs}
    assert raions == {"a1": "Korenevsky", "a2": "Sudzhansky"}
    result = runner.invoke(main, ["claims", "Viktorovka", "--db", str(out / "claims.sqlite")])
    assert result.exit_code == 1 and "ambiguous" in result.output
    assert "Korenevsky" in result.output and "Sudzhansky" in result.output


def test_resolve_lists_candidates_with_coordinates(runner):
    result = runner.invoke(main, ["resolve", "Sudzha"])
    assert result.exit_code == 0 and "Sudzhansky" in result.output and "51." in result.output
    result = runner.invoke(main, ["resolve", "Lyubimovka", "--explain"])
    assert "Korenevsky" in result.output and "Bolshesoldatsky" in result.output
    assert "several places share this name" in result.output
    result = runner.invoke(main, ["resolve", "Nowhereovka"])
    assert result.exit_code == 1 and "unknown settlement" in result.output


def test_export_writes_a_file(runner, seeds_build, tmp_path):
    target = tmp_path / "claims.csv"
    result = runner.invoke(main, ["export", "--db", str(seeds_build / "claims.sqlite"), "--format", "csv", "-o", str(target)])
    assert result.exit_code == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 6 and {r["settlement"] for r in rows} >= {"Gornal", "Sudzha", "Skrylevka"}


def test_export_without_store_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(main, ["export", "--db", str(tmp_path / "none.sqlite"), "--format", "jsonl"])
    assert result.exit_code != 0 and "none.sqlite" in result.output


def test_gazetteer_add_places_an_unlocated_settlement(runner, tmp_path, monkeypatch):
    gaz_dir = tmp_path / "gazetteer"
    shutil.copytree(ROOT / "gazetteer", gaz_dir, ignore=shutil.ignore_patterns("local.csv"))
    monkeypatch.setattr("geo.places.gazetteer.DEFAULT_DIR", gaz_dir)
    from geo.places import gazetteer as gz

    monkeypatch.setattr(gz, "_CACHE", {})
    bad = runner.invoke(main, ["gazetteer", "add", "Skrylevka", "--lat", "55.75", "--lon", "37.6", "--source", "x"])
    assert bad.exit_code != 0 and "outside the theatre" in bad.output
    wrong_raion = runner.invoke(main, ["gazetteer", "add", "Skrylevka", "--lat", "51.19", "--lon", "35.27",
                                       "--source", "test", "--raion", "Korenevsky"])
    assert wrong_raion.exit_code != 0 and "not inside Korenevsky" in wrong_raion.output
    dup = runner.invoke(main, ["gazetteer", "add", "Sudzha", "--lat", "51.1914", "--lon", "35.2706", "--source", "test"])
    assert dup.exit_code != 0 and "already in the gazetteer" in dup.output
    ok = runner.invoke(main, ["gazetteer", "add", "Skrylevka", "--lat", "51.55", "--lon", "35.20",
                              "--source", "test fixture", "--precision", "approximate"])
    assert ok.exit_code == 0, ok.output
    row = next(csv.DictReader((gaz_dir / "local.csv").open(encoding="utf-8")))
    assert row["name_en"] == "Skrylevka" and row["source"] == "test fixture" and row["raion"] == "Lgovsky"
    out = tmp_path / "out"
    _build(runner, ROOT / "seeds", out)
    rec = next(json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output.splitlines()
               if json.loads(x)["settlement"] == "Skrylevka")
    assert rec["lat"] == 51.55 and rec["location_precision"] == "approximate" and rec["geo_precision"] == 2


def test_gazetteer_add_keeps_cyrillic_names_apart(runner, tmp_path, monkeypatch):
    """Two settlements added by their Russian names get two ids (an ASCII-only slug made both `local:`)."""
    gaz_dir = tmp_path / "gazetteer"
    shutil.copytree(ROOT / "gazetteer", gaz_dir, ignore=shutil.ignore_patterns("local.csv", "curated", "build*"))
    monkeypatch.setattr("geo.places.gazetteer.DEFAULT_DIR", gaz_dir)
    for name, lat in (("Суджанка", "51.55"), ("Гуевка", "51.58")):
        result = runner.invoke(main, ["gazetteer", "add", name, "--lat", lat, "--lon", "35.20", "--source", "test"])
        assert result.exit_code == 0, result.output
    ids = [r["id"] for r in csv.DictReader((gaz_dir / "local.csv").open(encoding="utf-8"))]
    assert ids == ["local:суджанка", "local:гуевка"]
    from geo.places.gazetteer import Gazetteer

    gaz = Gazetteer(gaz_dir)
    assert {p.id for p in gaz.lookup("Суджанка")} == {"local:суджанка"} and {p.id for p in gaz.lookup("Гуевка")} == {"local:гуевка"}
