"""Spellings of the gazetteer in English, Russian and Ukrainian news: national romanisations, no mixed
scripts, Russian forms of Ukrainian names and back, every case form, numbered names and calques."""
from __future__ import annotations

import csv
import re

from geo.places.calques import SLOT, calques, numbered
from geo.places.crossforms import ru_forms_of_uk, uk_forms_of_ru
from geo.places.morph import name_forms
from geo.places.spellings import english_spellings, kmu2010, latin_repaired, place_spellings

from conftest import ROOT

CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def test_no_latin_spelling_carries_a_cyrillic_letter():
    bad = []
    for line in (ROOT / "gazetteer" / "spellings.tsv").read_text(encoding="utf-8").splitlines():
        spelling = line.split("\t")[1]
        if re.search(r"[A-Za-z]", spelling) and CYRILLIC.search(spelling):
            bad.append(line)
    assert bad == []
    with (ROOT / "gazetteer" / "settlements.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows if CYRILLIC.search(r["name_en"])] == []
    assert [r["id"] for r in rows for a in r["alt_names"].split("|")
            if re.search(r"[A-Za-z]", a) and CYRILLIC.search(a)] == []


def test_a_latin_name_typed_with_cyrillic_look_alikes_is_repaired():
    assert latin_repaired("Bіlovodi") == "Bilovodi"  # a Cyrillic і inside
    assert latin_repaired("Veselіvka") == "Veselivka"
    assert latin_repaired("Суджа") == "Суджа"  # a Cyrillic name stays Cyrillic
    assert not any(CYRILLIC.search(s) and re.search("[a-z]", s) for s in english_spellings(name_en="Kostyantinіvka"))


def test_ukrainian_places_are_named_by_kmu_2010():
    assert [kmu2010(n) for n in ("Водолаги", "Володимирівка", "Біловоди", "Костянтинівка", "Кіндратівка", "Локня")] \
        == ["Vodolahy", "Volodymyrivka", "Bilovody", "Kostiantynivka", "Kindrativka", "Loknia"]
    with (ROOT / "gazetteer" / "settlements.csv").open(encoding="utf-8") as fh:
        ua = [r for r in csv.DictReader(fh) if r["country"] == "UA" and r["name_uk"] and r["id"].startswith(("pc:", "gn:"))]
    assert ua and all(r["name_en"] == kmu2010(r["name_uk"]) for r in ua)


def test_russian_forms_of_ukrainian_names():
    assert "Константиновка" in ru_forms_of_uk("Костянтинівка")
    assert "Беловоды" in ru_forms_of_uk("Біловоди")
    assert "Басовка" in ru_forms_of_uk("Басівка")
    assert "Новенькое" in ru_forms_of_uk("Новеньке", frozenset({"Новеньке"}))
    assert "Владимировка" in ru_forms_of_uk("Володимирівка")
    assert "Алексеевка" in ru_forms_of_uk("Олексіївка")
    # An invented village: the regular endings and letters, no list of names.
    assert "Дубовка" in ru_forms_of_uk("Дубівка")


def test_english_press_romanises_the_russian_forms_of_ukrainian_names():
    assert "Konstantinovka" in english_spellings(name_uk="Костянтинівка")
    assert "Vladimirovka" in english_spellings(name_uk="Володимирівка")
    assert "Belovody" in english_spellings(name_uk="Біловоди")
    assert "Vodolagi" in english_spellings(name_uk="Водолаги")
    assert "Kondratovka" in english_spellings(name_uk="Кіндратівка")


def test_ukrainian_forms_of_russian_names():
    assert "Черкаське Порічне" in uk_forms_of_ru("Черкасское Поречное")
    assert "Коренєво" in uk_forms_of_ru("Коренево")
    assert "Біла Дубрава" in uk_forms_of_ru("Белая Дубрава")  # invented


def test_every_case_form():
    assert {"Суджи", "Судже", "Суджей"} <= name_forms("Суджа", "ru")
    assert "Горнали" in name_forms("Горналь", "ru")
    assert {"Малой Локни", "Малую Локню"} <= name_forms("Малая Локня", "ru")
    assert "Снагости" in name_forms("Снагость", "ru")
    assert "Внезапного" in name_forms("Внезапное", "ru")
    assert "Черкасской Конопельки" in name_forms("Черкасская Конопелька", "ru")
    assert {"Козачої Локні", "Козачій Локні"} <= name_forms("Козача Локня", "uk")
    assert "Біловодів" in name_forms("Біловоди", "uk")  # a plural name keeps the plural
    assert "Верхней Дубравки" in name_forms("Верхняя Дубравка", "ru")  # invented


def test_cyrillic_forms_are_shipped_and_ordinary_words_flagged():
    ps = place_spellings("Мирный", "", "Mirny")
    assert ps.names["Мирного"] == "word" and ps.names["Мирный"] == "word" and ps.names["Mirny"] == ""
    assert place_spellings("Суджа", "Суджа", "Sudzha").names["Суджей"] == ""


def test_numbered_names():
    ps = place_spellings("1-й Княжий", "", "1st Knyazhy")
    for s in ("First Knyazhy", "1st Knyazhy", "Knyazhy 1", "Pervy Knyazhy", "Первый Княжий", "Первого Княжьего",
              "1-го Княжьего"):
        assert ps.names.get(s) == "", s
    ps = place_spellings("10-й Октябрь", "", "")
    for s in ("10-го Октября", "Десятого Октября", "Desyaty Oktyabr", "10-y Oktyabr"):
        assert ps.names.get(s) == "", s
    assert ps.calques["10th October"] == SLOT  # reads as a date: a place only in a settlement slot
    assert numbered("Суджа", "ru") is None


def test_calques_from_the_word_dictionary():
    keep, full = calques("Зелёный Шлях", "ru")
    assert "Green Way" in full and "Green Shlyakh" in keep
    assert "Little Loknya" in calques("Малая Локня", "ru")[0]
    assert "Old Sorochina" in calques("Старая Сорочина", "ru")[0]
    assert "Cossack Loknya" in calques("Казачья Локня", "ru")[0]
    assert calques("Внезапное", "ru") == (set(), {"Sudden"})
    assert calques("Суджа", "ru") == (set(), set())
    assert "Upper Dubrava" in calques("Верхняя Дубрава", "ru")[0]  # invented
    ps = place_spellings("Внезапное", "", "Vnezapnoye")
    assert ps.calques["Sudden"] == SLOT
