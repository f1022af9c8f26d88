"""Reference layers through the real CLI: `geo reference add/list/remove` and `geo assess`, on synthetic
snapshots of both formats, with bad snapshots skipped one line each."""
from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from geo.cli import main

from conftest import build_with
from reference_snapshots import box, deepstate_feature, deepstate_folder, generic_folder, write_articles, unix


@pytest.fixture
def project(runner, tmp_path):
    articles = write_articles(tmp_path / "articles")
    out = tmp_path / "maps"
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    return tmp_path, out / "claims.sqlite"


def _add(runner, db, name, folder, fmt, *extra):
    return runner.invoke(main, ["reference", "add", name, str(folder), "--format", fmt, "--db", str(db), *extra])


def _assess(runner, db, *extra):
    result = runner.invoke(main, ["assess", "--db", str(db), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return {(r["reference"], r["group"], r["name"]): r for r in json.loads(result.stdout)}


EXPECTED_SIDES = {
    # compared, on the day, within 7, within 30, confirmed later, median lead, never confirmed
    "ukraine": (3, 1, 2, 2, 1, 3.0, 1),
    "russia": (3, 1, 1, 3, 2, 11.5, 0),
}


def _figures(row):
    return (row["compared"], row["agree_on_day"], row["agree_within_7"], row["agree_within_30"], row["agreed_later"],
            row["median_lead"], row["never_confirmed"])


@pytest.mark.parametrize("fmt", ["generic", "deepstate"])
def test_assess_gives_agreement_and_lead(runner, project, fmt):
    base, db = project
    folder = generic_folder(base / "ref") if fmt == "generic" else deepstate_folder(base / "ref")
    extra = ["--default", "RU=russia,UA=ukraine"] if fmt == "generic" else []
    result = _add(runner, db, "ref", folder, fmt, *extra)
    assert result.exit_code == 0, result.output
    assert "added ref: " + fmt + ", 6 snapshot(s), 2024-08-01 to 2024-08-30" in result.output
    rows = _assess(runner, db)
    for side, figures in EXPECTED_SIDES.items():
        assert _figures(rows[("ref", "side", side)]) == figures, side
    assert _figures(rows[("ref", "claimant", "Russian Defense Ministry")]) == EXPECTED_SIDES["russia"]
    # the table says the same for a reader
    table = runner.invoke(main, ["assess", "--db", str(db)]).output
    assert "ref: 6 snapshot(s), 2024-08-01 to 2024-08-30" in table
    line = next(ln for ln in table.splitlines() if "Russian side" in ln and "Defense" not in ln)
    assert "3 (100%)" in line and "11.5 (2)" in line and "1 (33%)" in line, table


def test_generic_without_default_compares_only_covered_places(runner, project):
    base, db = project
    assert _add(runner, db, "ref", generic_folder(base / "ref"), "generic").exit_code == 0
    rows = _assess(runner, db)
    # only Guyevo on 08-06 (covered, agrees), Sudzha on 08-12 and Guyevo on 08-15 (covered, Ukrainian-held) are compared
    assert _figures(rows[("ref", "side", "ukraine")]) == (1, 1, 1, 1, 0, None, 0)
    assert _figures(rows[("ref", "side", "russia")])[:1] == (2,)
    table = runner.invoke(main, ["assess", "--db", str(db)]).output
    assert "3 dated claim(s) not compared" in table


def test_bad_snapshots_are_skipped_one_line_each(runner, project):
    base, db = project
    folder = deepstate_folder(base / "ds")
    (folder / "snapshot.geojson").write_text('{"type": "FeatureCollection", "features": []}')  # no date
    (folder / f"{unix('2024-08-03')}.geojson").write_text("")  # empty
    bad_geom = {"type": "FeatureCollection", "features": [
        deepstate_feature("occupied", {"type": "Polygon", "coordinates": [[[35.1, 51.1], [35.2]]]})]}
    (folder / f"{unix('2024-08-04')}.geojson").write_text(json.dumps(bad_geom))
    unknown = {"type": "FeatureCollection", "features": [deepstate_feature("mystery", box((35.2, 51.0, 35.3, 51.3)))]}
    (folder / f"{unix('2024-08-06')}.geojson").write_text(json.dumps(unknown))
    result = _add(runner, db, "ds", folder, "deepstate")
    assert result.exit_code == 0, result.output
    skipped = [ln for ln in result.output.splitlines() if ln.startswith("skipped ")]
    assert len(skipped) == 4, result.output
    assert any("snapshot.geojson: no date" in ln for ln in skipped)
    assert any(f"{unix('2024-08-03')}.geojson: empty file" in ln for ln in skipped)
    assert any(f"{unix('2024-08-04')}.geojson: feature 1: bad geometry" in ln for ln in skipped)
    assert any(f"{unix('2024-08-06')}.geojson: feature 1: unknown status key 'mystery'" in ln for ln in skipped)
    assert "6 snapshot(s)" in result.output  # the good ones are all used
    # the figures are those of the good snapshots alone; the build names the skipped files as warnings
    assert _figures(_assess(runner, db)[("ds", "side", "russia")]) == EXPECTED_SIDES["russia"]
    build = build_with(runner, base / "articles", db.parent)
    assert build.exit_code == 0 and build.output.count("snapshot skipped") == 4, build.output
    generic = base / "gen"
    generic.mkdir()
    (generic / "notes.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"controller": "ukraine"}, "geometry": box((35.2, 51.0, 35.3, 51.3))}]}))
    (generic / "2024-08-09.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"controller": "ours"}, "geometry": box((35.2, 51.0, 35.3, 51.3))}]}))
    refused = _add(runner, db, "gen", generic, "generic")
    assert refused.exit_code == 1 and "nothing registered" in refused.output
    assert "notes.geojson: no date" in refused.output and "unknown controller 'ours'" in refused.output


def test_generic_dates_per_feature(runner, project):
    base, db = project
    folder = base / "one"
    folder.mkdir()
    feats = [{"type": "Feature", "properties": {"controller": "ukraine", "date": day}, "geometry": box(b)}
             for day, b in [("2024-08-01", (35.0, 51.0, 35.01, 51.01)), ("2024-08-05", (35.20, 51.05, 35.30, 51.13))]]
    (folder / "history.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    result = _add(runner, db, "one", folder, "generic", "--default", "RU=russia")
    assert result.exit_code == 0 and "2 snapshot(s), 2024-08-01 to 2024-08-05" in result.output, result.output


def test_list_remove_and_errors(runner, project):
    base, db = project
    assert _add(runner, db, "ref", generic_folder(base / "ref"), "generic", "--default", "RU=russia").exit_code == 0
    listed = runner.invoke(main, ["reference", "list", "--db", str(db)])
    assert listed.exit_code == 0 and "ref: generic, 6 snapshot(s)" in listed.output and "RU=russia" in listed.output
    assert _add(runner, db, "x", base / "ref", "generic", "--default", "RU=ours").exit_code == 1
    assert _add(runner, db, "bad name!", base / "ref", "generic").exit_code == 1
    unknown = runner.invoke(main, ["assess", "--db", str(db), "--reference", "nope"])
    assert unknown.exit_code == 1 and "no reference layer named 'nope'" in unknown.output
    assert runner.invoke(main, ["reference", "remove", "ref", "--db", str(db)]).output == "removed ref\n"
    assert runner.invoke(main, ["reference", "remove", "ref", "--db", str(db)]).exit_code == 1
    none = runner.invoke(main, ["assess", "--db", str(db)])
    assert none.exit_code == 1 and "no reference layers" in none.output


def test_assess_csv_never_starts_a_formula(runner, project):
    base, db = project
    assert _add(runner, db, "ref", generic_folder(base / "ref"), "generic", "--default", "RU=russia,UA=ukraine").exit_code == 0
    text = runner.invoke(main, ["assess", "--db", str(db), "--format", "csv"]).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["name"] for r in rows if r["group"] == "side"} == {"russia", "ukraine"}
    assert all(not r["name"].startswith(("=", "+", "-", "@")) for r in rows)


def test_a_version_5_store_keeps_its_claims(runner, project):
    base, db = project
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    conn.execute("DROP TABLE reference_layers")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    assert runner.invoke(main, ["claims", "Sudzha", "--db", str(db)]).exit_code == 0  # still readable
    assert _add(runner, db, "ref", generic_folder(base / "ref"), "generic").exit_code == 0
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
    assert conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == before > 0
    conn.close()


def test_only_a_registered_layer_changes_the_map(runner, project):
    base, db = project
    out = db.parent
    before = (out / "index.html").read_bytes()
    assert _add(runner, db, "ref", generic_folder(base / "ref"), "generic").exit_code == 0
    assert build_with(runner, base / "articles", out).exit_code == 0
    with_layer = (out / "index.html").read_bytes()
    assert with_layer != before and b"gc-refs" in with_layer and b'"r":[{' in with_layer
    assert build_with(runner, base / "articles", out).exit_code == 0
    assert (out / "index.html").read_bytes() == with_layer  # deterministic, from the cache as from the files
    assert runner.invoke(main, ["reference", "remove", "ref", "--db", str(db)]).exit_code == 0
    assert build_with(runner, base / "articles", out).exit_code == 0
    assert (out / "index.html").read_bytes() == before


def test_exports_carry_the_reference_beside_each_claim(runner, project):
    base, db = project
    plain = runner.invoke(main, ["export", "--db", str(db), "--format", "csv"]).stdout
    assert "ref_" not in plain
    assert _add(runner, db, "ds", deepstate_folder(base / "ds"), "deepstate").exit_code == 0
    recs = [json.loads(line) for line in runner.invoke(main, ["export", "--db", str(db), "--format", "jsonl"]).stdout.splitlines()]
    by = {(r["settlement"], r["date"]): r for r in recs}
    sudzha = by[("Sudzha", "2024-08-07")]
    assert (sudzha["ref_ds"], sudzha["ref_ds_snapshot"], sudzha["ref_ds_agreed"], sudzha["ref_ds_lead"]) == (
        "russia", "2024-08-05", "2024-08-10", 3)
    plekhovo = by[("Plekhovo", "2024-08-21")]
    assert (plekhovo["ref_ds"], plekhovo["ref_ds_agreed"], plekhovo["ref_ds_lead"]) == ("russia", None, None)
    rows = list(csv.DictReader(io.StringIO(runner.invoke(main, ["export", "--db", str(db), "--format", "csv"]).stdout)))
    assert {r["ref_ds_lead"] for r in rows} == {"0", "3", "8", "15", ""}
    out = base / "claims.gpkg"
    assert runner.invoke(main, ["export", "--db", str(db), "--format", "gpkg", "-o", str(out)]).exit_code == 0
    conn = sqlite3.connect(out)
    assert conn.execute("SELECT ref_ds, ref_ds_lead FROM claims WHERE settlement = 'Sudzha' ORDER BY date").fetchall() == [
        ("russia", 3), ("ukraine", 8)]
    conn.close()


def test_snapshots_are_cached_by_file_signature(runner, project):
    from geo.reference import index

    base, db = project
    folder = generic_folder(base / "ref")
    assert _add(runner, db, "ref", folder, "generic", "--default", "RU=russia,UA=ukraine").exit_code == 0
    caches = list((db.parent / ".cache").glob("reference-*.npz"))
    assert len(caches) == 1
    index._MEMO.clear()  # as a new process: read from the cache, not the files
    assert _figures(_assess(runner, db)[("ref", "side", "russia")]) == EXPECTED_SIDES["russia"]
    # a changed file is read again: the 08-20 snapshot now still holds Sudzha, so Moscow's claim waits until 08-30
    (folder / "2024-08-20-kursk.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"controller": "ukraine"}, "geometry": box((35.20, 51.05, 35.30, 51.22))},
        {"type": "Feature", "properties": {"controller": "ukraine"}, "geometry": box((35.00, 51.00, 35.01, 51.01))}]}))
    index._MEMO.clear()
    assert _assess(runner, db)[("ref", "side", "russia")]["median_lead"] == 16.5  # leads 18 and 15
    # a damaged cache only costs time
    caches[0].write_bytes(b"not a cache")
    index._MEMO.clear()
    assert _assess(runner, db)[("ref", "side", "russia")]["median_lead"] == 16.5


def test_geo_claims_says_what_the_reference_drew(runner, project):
    base, db = project
    before = runner.invoke(main, ["claims", "Sudzha", "--db", str(db)]).output
    assert "on this day" not in before
    assert _add(runner, db, "ds", deepstate_folder(base / "ds"), "deepstate").exit_code == 0
    table = runner.invoke(main, ["claims", "Sudzha", "--db", str(db)]).output
    assert "ds on this day: Russian-held (snapshot of 2024-08-05); agreed 2024-08-10, 3 days later" in table
    assert "ds on this day: Ukrainian-held (snapshot of 2024-08-11); agreed 2024-08-20, 8 days later" in table
    rows = list(csv.DictReader(io.StringIO(runner.invoke(main, ["claims", "Sudzha", "--db", str(db), "--format", "csv"]).stdout)))
    assert [(r["date"], r["ref_ds"], r["ref_ds_lead"]) for r in rows] == [("2024-08-07", "russia", "3"), ("2024-08-12", "ukraine", "8")]
    plekhovo = runner.invoke(main, ["claims", "Plekhovo", "--db", str(db)]).output
    assert "(snapshot of 2024-08-01); agrees" in plekhovo and "never agreed" in plekhovo


def test_a_claimant_name_cannot_steer_the_terminal(runner, project):
    from rich.console import Console

    from geo.reference.assess import Assessment, Row, print_table

    console = Console(width=100, record=True, force_terminal=False)
    print_table(Assessment([Row("ref", "claimant", "Evil\x1b[2J [bold]x[/bold]\nforged", "russia", compared=1)], {}, [],
                           {"ref": (1, "2024-08-01", "2024-08-01")}), console)
    text = console.export_text()
    # shown as written (the markup literally, the escape as \x1b), the cell cut to its column
    assert "\x1b" not in text and "\\x1b[2J" in text and "[bold]x[/bo" in text
    assert not any(line.startswith("forged") for line in text.splitlines())
