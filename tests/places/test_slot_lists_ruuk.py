"""Lists of settlements in Russian and Ukrainian news: the names a list gives that the gazetteer lacks are
settlements too (named in the nominative), and what stands where a list's name would is not always a name.
Every sentence here is written for the test (none is from a corpus); Ступаковка, Лесничее, Кривцово and
Горобцово are invented names the gazetteer lacks."""
from __future__ import annotations

import pytest

from geo.cli import main
from geo.places import morph
from geo.places.gazetteer import Gazetteer, load
from geo.places.mentions import finder_for
from geo.places.resolve import resolve_mentions

from conftest import write_article


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load()


def found(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    """(surface, the place's name) of each mention: the gazetteer's English name, or an unlocated one's."""
    return [(m.text, m.place.name_en) for m in resolve_mentions(gaz, text, finder_for(gaz).find("t", text))
            if m.place is not None]


def test_a_genitive_list_after_a_place_phrase_and_a_colon(gaz):
    text = ("Военное ведомство сообщило об освобождении четырёх населённых пунктов в Курской области: "
            "Плехово, Ступаковки, Кривцово и 5-го Ноября.")
    assert found(gaz, text) == [("Плехово", "Plekhovo"), ("Ступаковки", "Ступаковка"), ("Кривцово", "Кривцово"),
                                ("5-го Ноября", "5-й Ноябрь")]
    text = "Генштаб назвав звільнені населені пункти Сумської громади: Басівку, Горобцово та Лесничого."
    assert [n for _, n in found(gaz, text)] == ["Basivka", "Горобцово", "Лесниче"]


def test_a_name_after_a_settlement_noun_in_any_case(gaz):
    assert found(gaz, "Противник пытался прорваться к посёлку Ступаковка, но был отброшен.") \
        == [("Ступаковка", "Ступаковка")]
    assert found(gaz, "Колонна вышла из деревни Кривцово утром.") == [("Кривцово", "Кривцово")]


def test_suburbs_named_after_a_dash_or_as_a_list(gaz):
    assert [n for _, n in found(gaz, "Бої тривають у передмісті - Ступаківці та Гончарівці.")] \
        == ["Ступаківка", "Goncharovka"]
    assert [n for _, n in found(gaz, "Не зачищены пока пригороды Гончаровка и Ступаковка.")] \
        == ["Goncharovka", "Ступаковка"]


def test_a_sentence_after_a_colon_is_not_a_list(gaz):
    # No space after the colon: the next sentence's preposition, pronoun or adverb is no village.
    for opener in ("По", "Однако", "Они", "Ранее", "Також"):
        text = f"Ведомство объявило об освобождении нескольких сёл:{opener} данным штаба, бои продолжаются."
        assert found(gaz, text) == [], opener


def test_a_region_adjective_is_not_a_settlement(gaz):
    assert found(gaz, "Войска освободили семь населённых пунктов Курской обл. за неделю.") == []
    # A page cut in the middle of the region's word.
    assert found(gaz, "Войска уже освободили семь населённых пунктов Белгородской облас") == []


@pytest.mark.parametrize("form,lang,nominative", [
    ("Вишнёвки", "ru", "Вишнёвка"), ("Снагости", "ru", "Снагость"), ("Краснооктябрьского", "ru", "Краснооктябрьское"),
    ("Черкасского Поречного", "ru", "Черкасское Поречное"), ("10-го Октября", "ru", "10-й Октябрь"),
    ("2-й Ивановки", "ru", "2-я Ивановка"), ("Бяхово", "ru", "Бяхово"), ("Кулбаки", "ru", "Кулбаки"),
    ("Біловодів", "uk", "Біловоди"), ("Козачої Локні", "uk", "Козача Локня"), ("Юнаківки", "uk", "Юнаківка"),
])
def test_nominative_of_an_inflected_name(form, lang, nominative):
    assert morph.nominative(form, lang) == nominative


def test_claims_find_an_unlocated_name_by_its_nominative(runner, tmp_path):
    articles = tmp_path / "articles"
    write_article(articles, "ru1", "Минобороны России сообщило об освобождении населённых пунктов Плехово и "
                  "Ступаковки.", publisher="Тестовое агентство", published="2025-03-13")
    result = runner.invoke(main, ["build", "--articles", str(articles), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Ступаковка" in result.output  # named, not yet located
    result = runner.invoke(main, ["claims", "Ступаковка", "--db", str(tmp_path / "out" / "claims.sqlite")])
    assert result.exit_code == 0, result.output
    assert "Russian control" in result.output and "Russian Defense Ministry" in result.output
