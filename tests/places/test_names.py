"""Names in text: folding, hostile characters inside names, many names in one article, spellings the gazetteer
lacks, unknown names kept (unlocated, or at their raion), ordinary words that are also names."""
from __future__ import annotations

import itertools
import json
import random
import time

from hypothesis import strategies as st
from hypothesis import given

from geo.cli import main
from geo.normalize import INVISIBLE, fold, fold_name, fold_names, skeleton, skeletons

from conftest import property_settings, write_article, build_with, settlements, gazetteer_with_local, LOCAL_HEADER, CLAIM, extract_text, one_claim


_NAMEISH = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


def test_an_article_naming_5000_places(runner, articles, tmp_path, use_gazetteer):
    """5,000 settlements (the user's local.csv rows, all located) in one article: every one is found and mapped."""
    syllables = ["ka", "lo", "mi", "ne", "ro", "sa", "tu", "vo", "zy", "che"]
    names = ["".join(t).capitalize() + "ovka" for t in itertools.product(syllables, repeat=4)][:5000]
    rng = random.Random(5000)
    rows = "".join(f"local:t{i},{n},,,,{rng.uniform(51.5, 52.0):.5f},{rng.uniform(35.5, 36.5):.5f},Kursk Oblast,,point,test,\n"
                   for i, n in enumerate(names))
    use_gazetteer(gazetteer_with_local(tmp_path / "gazetteer", LOCAL_HEADER + rows))
    write_article(articles, "many", " ".join(f"Russian troops captured the village of {n}." for n in names))
    out = tmp_path / "out"
    started = time.monotonic()
    result = build_with(runner, articles, out)
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "settlements with claims: 5000" in result.output and "not yet located" not in result.output
    html = (out / "index.html").read_text(encoding="utf-8")
    assert names[0] in html and names[-1] in html
    assert elapsed < 120, f"{elapsed:.1f} s"


def test_regex_and_html_metacharacters_in_names(runner, articles, tmp_path, use_gazetteer):
    odd = "Nova [Test] (Ville)*+?"
    html_name = "Bolota <b>&amp; Co"
    local = (LOCAL_HEADER + f'local:odd,"{odd}",,,,51.60000,35.90000,Kursk Oblast,,point,test,\n'
             f'local:html,"{html_name}",,,,51.70000,35.80000,Kursk Oblast,,point,test,\n')
    use_gazetteer(gazetteer_with_local(tmp_path / "gazetteer", local))
    write_article(articles, "a(b)[c]*+?{2}|^$\\", f"Russian troops captured {odd}, the Russian Defence Ministry said on Saturday.")
    write_article(articles, "<b>&amp;'\"", f"Russian troops captured {html_name}, the Russian Defence Ministry said on Friday.")
    write_article(articles, ".*", CLAIM)
    out = tmp_path / "out"
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    assert settlements(runner, out) == {odd, html_name, "Plekhovo"}
    db = str(out / "claims.sqlite")
    for name in (odd, html_name):
        shown = runner.invoke(main, ["claims", name, "--db", db])
        assert shown.exit_code == 0 and name in shown.output, shown.output
    for query in ("(", "[", ".*", "*", "\\", "<script>alert(1)</script>", "%s%n", "' OR 1=1 --"):
        for command in (["claims", query, "--db", db], ["resolve", query]):
            r = runner.invoke(main, command)
            assert r.exit_code in (0, 1), (command, r.output)
            assert r.exception is None or isinstance(r.exception, SystemExit), (command, r.exception)


def test_right_to_left_and_zero_width_characters_inside_place_names(runner, articles, tmp_path, use_gazetteer):
    # In the gazetteer (the user's row) and in the text: marks, isolates, embeddings, a soft hyphen, a BOM.
    use_gazetteer(gazetteer_with_local(
        tmp_path / "gazetteer", LOCAL_HEADER + "local:zw,Zo\u200bri\u2067ne\u2069vka,,,,51.60000,35.90000,Kursk Oblast,,point,test,\n"))
    write_article(articles, "rtl", "קרב. Russian troops captured Ple\u200fkho\u00advo and \u202bСуд\u2060жа\u202c, "
                                   "the Russian Defence Ministry said on Saturday. الجيش")
    write_article(articles, "zw", "Russian troops captured Zorinevka on Friday, the Russian Defence Ministry said.")
    out = tmp_path / "out"
    result = build_with(runner, articles, out)
    assert result.exit_code == 0, result.output
    text = runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format", "jsonl"]).output
    recs = [json.loads(line) for line in text.splitlines()]
    assert {r["settlement"] for r in recs} == {"Plekhovo", "Sudzha", "Zorinevka"}
    assert {r["mention"] for r in recs} >= {"Plekhovo", "Суджа", "Zorinevka"}
    for r in recs:  # nothing invisible or direction-changing reaches the evidence shown on the map
        assert not any(c in r["evidence"] for c in INVISIBLE), r["evidence"]


@property_settings(300)
@given(_NAMEISH)
def test_name_folding_is_idempotent(name):
    once = fold(name)
    assert len(once) == len(name)  # offsets in folded text are offsets in the article
    assert fold(once) == once
    folded = fold_name(name)
    assert fold_name(folded) == folded
    assert fold_name(once) == folded


@property_settings(200)
@given(st.lists(_NAMEISH, max_size=12))
def test_names_folded_together_fold_as_one_by_one(names):
    assert fold_names(names) == [fold_name(n) for n in names]
    assert skeletons(names) == [skeleton(n) for n in names]


def test_skeletons_of_many_names_match_each_name_alone():
    # Ends of names are where the batch could go wrong: `$` rules, look-aheads at a line's end.
    names = ["Nikolayevo-Darino", "Mykolaieve Daryne", "Oleshnia", "Oleshnya", "Hornal", "Gornal", "Sudzha", "Суджа",
             "Kazachya Loknya", "Kazachia Loknia", "Korenevo", "Koreneve", "Pogrebki", "Pohrebky", "Tetkino",
             "Vnezapnoye", "Vnezapnoe", "Zeleny Shlyakh", "Sverdlikovo", "c", "ic", "sch", "Bilovody", "x\x01y", ""]
    assert skeletons(names) == [skeleton(n) for n in names]
    assert len(set(skeletons(["Oleshnia", "Oleshnya"]))) == len(set(skeletons(["Hornal", "Gornal"]))) == 1


def test_ukrainian_and_garbled_spellings_resolve():
    assert one_claim("Ukraine's General Staff said its troops still hold Hornal.")[0] == "Gornal"
    assert one_claim("Russian troops captured Hoholivka, the Russian Defence Ministry said.")[0] == "Gogolevka"


def test_unknown_name_in_a_settlement_slot_is_kept():
    claims, ex = extract_text("Russian troops captured the village of Zyxovka, the Russian Defence Ministry said.")
    assert claims == [("Zyxovka", "russia", "Russian Defense Ministry", "russia", "2025-03-08")]
    assert ex.places["unlocated:zyxovka"].precision == "unlocated"


def test_named_raion_places_an_unknown_name_at_area_precision():
    claims, ex = extract_text("Russian troops captured the village of Zyxovka in the Sudzha district, the Russian Defence Ministry said.")
    place = ex.places["unlocated:zyxovka"]
    assert place.precision == "area" and place.raion == "Sudzhansky" and place.lat is not None


def test_common_word_needs_a_settlement_slot():
    claims, _ = extract_text("Pravda reported that Russian troops captured nothing, Pravda said.")
    assert claims == []
    claim = one_claim("Russian troops liberated the village of Pravda, the Russian Defence Ministry said.")
    assert claim[0] == "Pravda" and claim[1] == "russia"


def test_a_list_ending_in_districts_names_districts_not_towns():
    from conftest import extract_text

    _, ex = extract_text("Residents were evacuated from the Glushkovsky, Rylsky and Korenevsky districts.")
    assert [m.text for m in ex.mentions if m.place is not None and m.place.in_theatre] == []
