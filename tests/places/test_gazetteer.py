"""The gazetteer: spellings, the table of real-usage spellings, homonyms, geopy interface, data checks, and the
user's local.csv (bad rows named and skipped, any encoding)."""
from __future__ import annotations

import csv
import json

from shapely.geometry import Point, shape

from geo.cli import main
from geo.places.gazetteer import load
from geo.places.mentions import finder_for
from geo.places.resolve import resolve_mentions
from geo.places.spellings import english_spellings, kmu2010

from conftest import ROOT, write_article, build_with, output_line, gazetteer_with_local, LOCAL_HEADER


TABLE = ROOT / "tests" / "data" / "spellings.tsv"


def _table() -> list[tuple[str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            spelling, pid, context = (line.split("\t") + ["", ""])[:3]
            rows.append((spelling, pid, context))
    return rows


def _resolve_in_text(spelling: str, context: str) -> str | None:
    """Resolve a spelling the way an article would: found in a sentence, then disambiguated by context."""
    gaz = load()
    if context.endswith(" of"):
        text = f"Russian troops captured {context} {spelling}, the ministry said."
    else:
        text = f"Russian troops captured {spelling} {context}, the ministry said."
    mentions = resolve_mentions(gaz, text, finder_for(gaz).find("t", text))
    hit = next((m for m in mentions if m.start == text.index(spelling)), None)
    return hit.place_id if hit else None


def test_spelling_table_accuracy():
    rows = _table()
    assert len(rows) >= 150
    wrong = [(s, pid, _resolve_in_text(s, ctx)) for s, pid, ctx in rows if _resolve_in_text(s, ctx) != pid]
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= 0.97, (accuracy, wrong)


def test_kmu2010_romanisation():
    assert kmu2010("Горналь") == "Hornal"
    assert kmu2010("Мала Локня") == "Mala Loknia"
    assert kmu2010("Руське Поріччя") == "Ruske Porichchia"
    assert kmu2010("Юнаківка") == "Yunakivka" and kmu2010("Згорани") == "Zghorany"


def test_generated_spellings_cover_the_schemes():
    s = english_spellings("Тёткино", "", "", ())
    assert {"Tetkino", "Tyotkino", "Tiotkino"} <= s
    s = english_spellings("Большое Солдатское", "", "", ())
    assert {"Bolshoye Soldatskoye", "Bolshoe Soldatskoe", "Bolshoe Soldatskoye"} <= s
    assert "Hoholivka" in english_spellings("Гоголевка", "", "", ())


def test_ordinary_words_do_not_match():
    gaz = load()
    text = "Pravda reported on Giri and the white (belaya) car. Kursk region officials spoke."
    assert finder_for(gaz).find("t", text) == []


def test_homonym_reason_is_kept():
    gaz = load()
    text = "Fighting near Lyubimovka in the Korenevsky district continued."
    m = resolve_mentions(gaz, text, finder_for(gaz).find("t", text))[0]
    assert len(m.candidates) >= 2 and gaz.places[m.place_id].raion == "Korenevsky" and "Korenevsky" in m.reason


def test_every_point_lies_in_its_oblast_and_raion():
    raions = json.loads((ROOT / "gazetteer" / "inputs" / "raions.geojson").read_text())["features"]
    oblasts = json.loads((ROOT / "gazetteer" / "inputs" / "oblasts.geojson").read_text())["features"]
    rpoly = {(f["properties"]["oblast"], f["properties"]["name_en"]): shape(f["geometry"]) for f in raions}
    opoly = {f["properties"]["name_en"]: shape(f["geometry"]).buffer(0.01) for f in oblasts}
    rows = list(csv.DictReader((ROOT / "gazetteer" / "settlements.csv").open(encoding="utf-8")))
    assert len(rows) > 1500
    for r in rows:
        assert r["precision"] in ("point", "approximate", "area"), r
        assert r["precision_source"], r["id"]
        p = Point(float(r["lon"]), float(r["lat"]))
        assert opoly[r["oblast"]].contains(p), r["id"]
        if r["precision"] == "point" and r["checked"] == "yes" and (r["oblast"], r["raion"]) in rpoly:
            city = [v for (o, n), v in rpoly.items() if o == r["oblast"] and n.endswith(" city")]
            assert rpoly[(r["oblast"], r["raion"])].buffer(0.005).contains(p) or any(c.contains(p) for c in city), r["id"]


def test_postal_placeholders_never_enter_as_points():
    dropped = {r["id"] for r in csv.DictReader((ROOT / "gazetteer" / "inputs" / "postal_low_accuracy_dropped.csv").open(encoding="utf-8"))}
    for r in csv.DictReader((ROOT / "gazetteer" / "settlements.csv").open(encoding="utf-8")):
        if r["id"] in dropped:
            assert r["precision"] in ("approximate", "area"), r


def test_geopy_interface_offline():
    from geopy.location import Location

    from geo.places.geocoder import OfflineGazetteer

    geocoder = OfflineGazetteer()
    loc = geocoder.geocode("Суджа")
    assert isinstance(loc, Location) and abs(loc.latitude - 51.19) < 0.05
    assert loc.raw["precision"] == "point"
    several = geocoder.geocode("Lyubimovka", exactly_one=False)
    assert len(several) >= 2
    assert geocoder.geocode("Nowhereovka") is None


def test_online_fallback_against_a_local_server(tmp_path):
    """The Nominatim fallback, against an HTTP server the test starts on loopback: rate-limited, written to local.csv."""
    import http.server
    import threading

    from geopy.geocoders import Nominatim

    from geo.places.geocoder import with_fallback

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            body = json.dumps([{"lat": "51.2901", "lon": "35.3005", "display_name": "Zyxovka, Sudzhansky District",
                                "place_id": 1, "osm_type": "node", "osm_id": 1, "boundingbox": ["51", "52", "35", "36"]}])
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        online = Nominatim(user_agent="geo-claims-test", domain=f"127.0.0.1:{server.server_port}", scheme="http")
        local = tmp_path / "local.csv"
        geocoder = with_fallback(local_csv=local, online=online, min_delay_seconds=0.0)
        assert geocoder.geocode("Sudzha").raw["precision"] == "point" and hits == []  # offline first
        loc = geocoder.geocode("Zyxovka")
        assert abs(loc.latitude - 51.2901) < 1e-6 and len(hits) == 1
        again = geocoder.geocode("Zyxovka")
        assert again.latitude == loc.latitude and len(hits) == 1  # answered from local.csv
        row = next(csv.DictReader(local.open(encoding="utf-8")))
        assert row["source"] == "nominatim" and row["precision"] == "approximate"
        assert row["oblast"] == "Kursk Oblast" and row["raion"] == "Sudzhansky"
    finally:
        server.shutdown()


def test_bad_local_gazetteer_rows_are_named_and_skipped(runner, articles, tmp_path, use_gazetteer):
    rows = [
        "local:good,Goodovka,,,,51.60000,35.90000,Kursk Oblast,,point,test,",        # line 2: loads
        "local:nolat,Nolatovka,,,,,35.90000,Kursk Oblast,,point,test,",               # 3: no latitude
        "local:nolon,Nolonovka,,,,51.60000,,Kursk Oblast,,point,test,",               # 4: no longitude
        "local:text,Textovka,,,,north,35.9,Kursk Oblast,,point,test,",                # 5: not a number
        "local:nan,Nanovka,,,,nan,inf,Kursk Oblast,,point,test,",                     # 6: not finite
        "local:moscow,Moskvovka,,,,55.75000,37.62000,Kursk Oblast,,point,test,",      # 7: outside the oblasts
        "local:far,Farovka,,,,10.00000,10.00000,Kursk Oblast,,point,test,",           # 8: far outside
        "local:swap,Swapovka,,,,35.90000,51.60000,Kursk Oblast,,point,test,",         # 9: lat and lon swapped
        "local:prec,Precovka,,,,51.60000,35.90000,Kursk Oblast,,exact,test,",         # 10: unknown precision
        "local:extra,Extrovka,,,,51.6,35.9,Kursk Oblast,,point,test, with, commas",   # 11: shifted columns
        ",Noidovka,,,,51.60000,35.90000,Kursk Oblast,,point,test,",                   # 12: no id
    ]
    gaz = gazetteer_with_local(tmp_path / "gazetteer", LOCAL_HEADER + "\n".join(rows) + "\n")
    use_gazetteer(gaz)
    names = ["Goodovka", "Nolatovka", "Nolonovka", "Textovka", "Nanovka", "Moskvovka", "Farovka", "Swapovka",
             "Precovka", "Extrovka", "Noidovka"]
    write_article(articles, "a", " ".join(f"Russian troops captured the village of {n}." for n in names))
    out = tmp_path / "out"
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.output.splitlines() if "local.csv" in ln]
    assert len(warnings) == 10, warnings
    local = str(gaz / "local.csv")
    for line_no, reason in [(3, "missing coordinate"), (4, "missing coordinate"), (5, "not a number"),
                            (6, "not a number"), (7, "outside the theatre"), (8, "outside the theatre"),
                            (9, "swapped"), (10, "unknown precision"), (11, "more than the header"), (12, "no id")]:
        line = output_line(result.output, f"{local} line {line_no}", reason)
        assert line.startswith("warning ") and line.endswith("row skipped"), line
    recs = [json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output.splitlines()]
    by_name = {r["settlement"]: r for r in recs}
    assert by_name["Goodovka"]["lat"] == 51.6  # the good row loaded
    # The skipped rows' names are not the user's places: their claims are kept, unlocated.
    assert all(by_name[n]["lat"] is None for n in names[1:] if n in by_name)


def test_local_gazetteer_with_a_bom_or_in_windows_1251_loads(tmp_path):
    from geo.places.gazetteer import Gazetteer

    row = "local:bom,Bomovka,Бомовка,,,51.60000,35.90000,Kursk Oblast,,point,test,\n"
    g = Gazetteer(gazetteer_with_local(tmp_path / "g1", b"\xef\xbb\xbf" + (LOCAL_HEADER + row).encode("utf-8")))
    assert "local:bom" in g.places and not g.warnings
    g = Gazetteer(gazetteer_with_local(tmp_path / "g2", (LOCAL_HEADER + row).encode("cp1251")))
    assert g.places["local:bom"].name_ru == "Бомовка" and not g.warnings
    g = Gazetteer(gazetteer_with_local(tmp_path / "g3", b"\x00\x01\x02binary\x98"))
    assert len(g.warnings) == 1 and "local.csv" in g.warnings[0] and "unreadable" in g.warnings[0]
