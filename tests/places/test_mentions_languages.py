"""Names as the English, Russian and Ukrainian press writes them, found and resolved: every sentence here is
written for the test (none is from a corpus)."""
from __future__ import annotations

import pytest

from geo.places.gazetteer import Gazetteer, load
from geo.places.mentions import finder_for
from geo.places.resolve import resolve_mentions

from conftest import ROOT


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load()


def found(gaz: Gazetteer, text: str) -> list[tuple[str, str | None]]:
    """(surface, chosen place's English name or None) of each mention."""
    ms = resolve_mentions(gaz, text, finder_for(gaz).find("t", text))
    return [(m.text, gaz.places[m.place_id].name_en if m.place_id else None) for m in ms]


def names(gaz: Gazetteer, text: str) -> list[str | None]:
    return [n for _, n in found(gaz, text)]


def test_ukrainian_villages_by_kmu_2010(gaz):
    out = found(gaz, "The governor said Russian units had entered Vodolahy and were shelling Kindrativka.")
    assert [s for s, _ in out] == ["Vodolahy", "Kindrativka"]
    assert all(gaz.lookup(s)[0].oblast == "Sumy Oblast" for s, _ in out)


def test_russian_style_romanisations_of_ukrainian_villages(gaz):
    assert names(gaz, "Fighting was reported near Konstantinovka and Belovody on Tuesday.") \
        == ["Kostiantynivka", "Bilovody"]


def test_a_multiword_name_is_one_mention(gaz):
    assert found(gaz, "Assault groups pushed into Malaya Loknya overnight.") == [("Malaya Loknya", "Malaya Loknya")]


def test_an_unknown_multiword_name_is_not_cut_into_known_pieces(gaz):
    # "Nizhnyaya Sudzha" is invented: it must not become Sudzha.
    out = found(gaz, "The battlegroup repelled attacks near Nizhnyaya Sudzha, Goncharovka and Oleshnya.")
    assert out[0] == ("Nizhnyaya Sudzha", None)
    assert [n for _, n in out[1:]] == ["Goncharovka", "Oleshnya"]


def test_numbered_names(gaz):
    assert names(gaz, "The villages of First Knyazhy and 2nd Knyazhy were retaken.") == ["1st Knyazhy", "2nd Knyazhy"]
    assert names(gaz, "Troops advanced on Pervy Knyazhy, north of Sudzha.") == ["1st Knyazhy", "Sudzha"]


def test_single_word_calques_only_in_a_settlement_slot(gaz):
    assert names(gaz, "Fighting flared in the village of Sudden on Monday.") == ["Vnezapnoye"]
    assert names(gaz, "A sudden attack came from the north. Sudden gusts of wind followed.") == []


def test_multiword_calques_that_keep_a_name(gaz):
    assert names(gaz, "Drones struck Little Loknya and Russian Porechnoye.") == ["Malaya Loknya", "Russkoye Porechnoye"]


def test_garbles_within_fuzzy_reach(gaz):
    ms = resolve_mentions(gaz, t := "Ukrainian troops entered Koronevo on Friday, the ministry said.",
                          finder_for(gaz).find("t", t))
    assert [(m.text, gaz.places[m.place_id].name_en) for m in ms] == [("Koronevo", "Korenevo")]
    assert ms[0].reason.startswith("fuzzy")


def test_fuzzy_reach_spares_people_and_english_words(gaz):
    assert names(gaz, "Andriy Kovalenko said Sudan and Korea were discussed; General Koronev declined to comment.") == []


def test_kursk_alone_is_the_region(gaz):
    for text in ("Ukraine's troops are still fighting in Kursk.", "Fighting in the Kursk region continued.",
                 "Units on the Kursk direction were rotated.", "He visited Kursk Oblast."):
        assert names(gaz, text) == [], text
    assert names(gaz, "A drone hit a block of flats in the city of Kursk.") == ["Kursk"]


def test_russian_case_forms(gaz):
    assert names(gaz, "Бои идут под Суджей, в Судже и к северу от Суджи.") == ["Sudzha"] * 3
    assert names(gaz, "Минобороны сообщило об освобождении Снагости, Внезапного и Малой Локни.") \
        == ["Snagost", "Vnezapnoye", "Malaya Loknya"]
    assert names(gaz, "Штурмовики закрепились на окраине Горнали.") == ["Gornal"]


def test_ukrainian_forms_of_russian_places(gaz):
    assert names(gaz, "Бої тривають у Козачій Локні та біля Черкаського Порічного.") \
        == ["Kazachya Loknya", "Cherkasskoye Porechnoye"]
    assert names(gaz, "Українські підрозділи відійшли з Коренєва.") == ["Korenevo"]


def test_russian_forms_of_ukrainian_places(gaz):
    assert names(gaz, "Российские войска продвинулись в Басовке и у Юнаковки.") == ["Basivka", "Yunakivka"]


def test_river_facility_and_region_are_not_settlements(gaz):
    assert names(gaz, "Переправа на реке Снагость разрушена.") == []
    assert names(gaz, "Обстрел ГИС «Суджа» и МАПП «Суджа» продолжился.") == []
    assert names(gaz, "В Курской области и на Курщине объявлен режим ЧС.") == []
    assert names(gaz, "Беспилотник атаковал жилой дом в Курске.") == ["Kursk"]
    assert names(gaz, "Бои под Курском не утихают.") == []


def test_an_ordinary_word_opening_a_sentence_is_not_a_village(gaz):
    assert names(gaz, "Внезапное наступление началось утром.") == []
    assert names(gaz, "ВСУ выбиты из Апанасовки и Внезапного.") == ["Apanasovka", "Vnezapnoye"]


def test_local_rows_are_inflected_at_load(tmp_path):
    folder = tmp_path / "gaz"
    folder.mkdir()
    for name in ("settlements.csv", "spellings.tsv", "area_points.csv"):
        (folder / name).write_bytes((ROOT / "gazetteer" / name).read_bytes())
    (folder / "inputs").mkdir()
    for name in ("raions.geojson", "oblasts.geojson"):
        (folder / "inputs" / name).write_bytes((ROOT / "gazetteer" / "inputs" / name).read_bytes())
    (folder / "local.csv").write_text(
        "id,name_en,name_ru,lat,lon,oblast,raion,source\n"
        "local:desyaty-oktyabr,Desyaty Oktyabr,10-й Октябрь,51.36,34.95,Kursk Oblast,Korenevsky,test\n",
        encoding="utf-8")
    g = Gazetteer(folder)
    assert not g.warnings
    assert names(g, "Минобороны сообщило об освобождении 10-го Октября и Снагости.") == ["Desyaty Oktyabr", "Snagost"]
    assert names(g, "The settlements of Apanasovka and 10th October were retaken.") == ["Apanasovka", "Desyaty Oktyabr"]
    assert names(g, "On 10th October the ministry said little.") == []
