"""The real CLI, driven with CliRunner on articles written by the tests."""
from __future__ import annotations

import csv
import json
import re
import shutil

from geo.cli import main

from conftest import CLAIM as CLAIM_TEXT, ROOT, write_article

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


# -- the CLI as an analyst uses it (issue 16) -------------------------------------------------------------
def test_version_and_help_texts_are_whole_with_an_example(runner):
    from importlib.metadata import version

    assert runner.invoke(main, ["--version"]).output.strip() == f"geo {version('geo-claims')}"
    top = runner.invoke(main, ["--help"], terminal_width=100).output
    assert "..." not in top.split("Commands:")[1]  # no summary cut short in the command list
    for cmd in ("build", "add", "claims", "export", "resolve", "eval", "gazetteer"):
        assert f"  {cmd} " in top
        text = runner.invoke(main, [cmd, "--help"], terminal_width=100).output
        before_options = text.split("Options:")[0].rstrip()
        example = before_options.split("Example:")[-1]
        assert "Example:" in before_options and example.strip().startswith("geo "), cmd
        for line in text.splitlines():
            if line.lstrip().startswith("--") and "  " in line.strip():
                assert len(line.strip().split("  ", 1)) == 2, (cmd, line)  # every option has its help
    assert "Only new or changed articles are read" in runner.invoke(main, ["build", "--help"]).output
    add_help = runner.invoke(main, ["add", "--help"], terminal_width=100).output
    for option in ("--publisher", "--published", "--url", "--title"):
        line = next(x for x in add_help.splitlines() if x.strip().startswith(option))
        assert len(line.split()) > 2, line


def test_claims_table_has_a_header_sides_in_words_and_fits_100_columns(runner, seeds_build):
    out = runner.invoke(main, ["claims", "Gornal", "--db", str(seeds_build / "claims.sqlite")]).output
    lines = out.splitlines()
    assert lines[0].startswith("Gornal (Sudzhansky, Kursk)")
    header = next(x for x in lines if x.startswith("DATE"))
    assert "CLAIMED STATUS" in header and "CLAIMANT SIDE" in header and "CLAIMED BY" in header
    assert "Russian side" in out and "Russian control" in out and "(russia)" not in out
    assert max(len(x) for x in lines) <= 100


def test_claims_csv_and_json(runner, seeds_build):
    import io

    db = str(seeds_build / "claims.sqlite")
    rows = list(csv.DictReader(io.StringIO(runner.invoke(main, ["claims", "Gornal", "--db", db, "--format", "csv"]).output)))
    assert rows and rows[0]["date"] == "2025-04-26" and rows[0]["claimant_side"] == "russia" and rows[0]["status"] == "russia"
    assert json.loads(runner.invoke(main, ["claims", "Gornal", "--db", db, "--format", "json"]).output)[0]["cue"] == "liberated"


def test_an_unknown_name_gets_one_suggestion_per_place(runner, seeds_build):
    for cmd in (["claims", "Sudzah", "--db", str(seeds_build / "claims.sqlite")], ["resolve", "Sudzah"]):
        result = runner.invoke(main, cmd)
        assert result.exit_code == 1
        assert "did you mean: Sudzha (Sudzhansky, Kursk)" in result.output, result.output
        assert result.output.count("Sudzha (Sudzhansky, Kursk)") == 1


def test_homonyms_are_chosen_by_raion_or_id_in_claims_and_resolve(runner, articles, tmp_path):
    for stem, (text, pub) in HOMONYMS.items():
        write_article(articles, stem, text, publisher="Reuters", published=pub)
    out = tmp_path / "out"
    _build(runner, articles, out)
    db = str(out / "claims.sqlite")
    ambiguous = runner.invoke(main, ["claims", "Viktorovka", "--db", db])
    assert ambiguous.exit_code == 1 and '"Viktorovka (Korenevsky)"' in ambiguous.output
    ids = dict(re.findall(r"\((\w+), Kursk\) \[([^\]]+)\]", ambiguous.output))
    for raion in ("Korenevsky", "Sudzhansky"):
        by_name = runner.invoke(main, ["claims", f"Viktorovka ({raion})", "--db", db])
        assert by_name.exit_code == 0 and by_name.output.startswith(f"Viktorovka ({raion}, Kursk)"), by_name.output
        by_id = runner.invoke(main, ["claims", ids[raion], "--db", db])
        assert by_id.output == by_name.output
        resolved = runner.invoke(main, ["resolve", f"Viktorovka ({raion})"])
        assert resolved.exit_code == 0 and len(resolved.output.splitlines()) == 1 and f"{raion} raion" in resolved.output
        assert ids[raion] in runner.invoke(main, ["resolve", ids[raion]]).output
    assert "Sudzhansky" in runner.invoke(main, ["claims", "Viktorovka (Sudzha district)", "--db", db]).output
    wrong = runner.invoke(main, ["claims", "Viktorovka (Glushkovsky)", "--db", db])
    assert wrong.exit_code == 1 and "Viktorovka (Korenevsky, Kursk)" in wrong.output


def test_resolve_and_claims_give_one_answer_for_a_name_only_the_store_knows(runner, seeds_build):
    db = str(seeds_build / "claims.sqlite")
    assert "Skrylevka" in runner.invoke(main, ["claims", "Skrylevka", "--db", db]).output
    resolved = runner.invoke(main, ["resolve", "Skrylevka", "--db", db])
    assert resolved.exit_code == 0 and "unlocated:skrylevka" in resolved.output and "not in the gazetteer" in resolved.output


def test_the_store_of_the_project_is_found_from_a_subfolder_or_the_places_looked_are_named(runner, seeds_build, tmp_path,
                                                                                         monkeypatch):
    project = seeds_build.parent
    sub = project / "notes" / "deep"
    sub.mkdir(parents=True)
    monkeypatch.delenv("GEO_DB", raising=False)
    monkeypatch.chdir(sub)
    assert "Gerasimov" in runner.invoke(main, ["claims", "Gornal"]).output
    assert runner.invoke(main, ["export", "--format", "jsonl"]).output.count("\n") == 6
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(main, ["claims", "Gornal"])
    assert result.exit_code == 1 and "no store found" in result.output and str(elsewhere) in result.output


def test_add_refuses_an_article_already_there_and_names_it(runner, tmp_path):
    src = tmp_path / "in" / "report.txt"
    src.parent.mkdir()
    src.write_text(CLAIM_TEXT, encoding="utf-8")
    folder, out = tmp_path / "articles", tmp_path / "maps"
    first = runner.invoke(main, ["add", str(src), "--articles", str(folder), "--out", str(out), "--published", "2025-03-08"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(main, ["add", str(src), "--articles", str(folder), "--out", str(out)])
    assert again.exit_code == 1 and str(folder / "report.txt") in again.output and "already in" in again.output
    assert sorted(p.name for p in folder.iterdir()) == ["report.meta.json", "report.txt"]
    rebuilt = runner.invoke(main, ["build", "--articles", str(folder), "--out", str(out)])
    assert "warning" not in rebuilt.output


def test_add_finds_copies_the_store_knows_and_copies_it_does_not(runner, tmp_path):
    """A stored article is found by its stored text (no file read), a file dropped in since the last build by its
    bytes, and a stored file changed since is read again, not trusted."""
    folder, out = tmp_path / "articles", tmp_path / "maps"
    folder.mkdir()
    (folder / "stored.txt").write_text(CLAIM_TEXT, encoding="utf-8")
    assert runner.invoke(main, ["build", "--articles", str(folder), "--out", str(out)]).exit_code == 0
    (folder / "dropped.txt").write_text("Fighting went on near Sudzha, the governor said.", encoding="utf-8")
    for text, twin in ((CLAIM_TEXT, "stored.txt"), ("Fighting went on near Sudzha, the governor said.", "dropped.txt")):
        src = tmp_path / "in.txt"
        src.write_text(text, encoding="utf-8")
        result = runner.invoke(main, ["add", str(src), "--articles", str(folder), "--out", str(out)])
        assert result.exit_code == 1 and str(folder / twin) in result.output, result.output
    (folder / "stored.txt").write_text("Another text altogether about Guyevo.", encoding="utf-8")  # the store is now behind
    src.write_text(CLAIM_TEXT, encoding="utf-8")
    result = runner.invoke(main, ["add", str(src), "--articles", str(folder), "--out", str(out), "--published", "2025-03-08"])
    assert result.exit_code == 0 and "added" in result.output, result.output


def test_week_and_month_claims_export_the_start_of_their_period(runner, articles, tmp_path):
    write_article(articles, "m", "Russian forces liberated Plekhovo in November, the Russian Defence Ministry said.",
                  published="2024-12-09")
    write_article(articles, "w", "Ukrainian forces took control of Guyevo last week, Ukraine's General Staff said.",
                  published="2024-08-22")
    out = tmp_path / "out"
    _build(runner, articles, out)
    recs = [json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output.splitlines()]
    got = {r["article"]: (r["date"], r["date_precision"]) for r in recs}
    assert got["m"] == ("2024-11-01", "month"), got
    assert got["w"] == ("2024-08-12", "week"), got  # the Monday of the week before publication
    rows = list(csv.DictReader(runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "csv"]).output.splitlines()))
    assert {(r["event_date"], r["time_precision"]) for r in rows} == {("2024-11-01", "3"), ("2024-08-12", "2")}
