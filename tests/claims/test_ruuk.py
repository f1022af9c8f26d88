"""Russian- and Ukrainian-language claims, on sentences written for these tests (not from any corpus): each cue
family, the ways the two languages name a speaker, and their date words."""
from __future__ import annotations

import pytest

from geo.places.gazetteer import load
from geo.pipeline import extract
from geo.records import Article


def run(text: str, publisher: str = "Тестовое агентство", published: str | None = "2025-03-13"):
    art = Article(stem="t", path="t.txt", text=text, publisher=publisher, published=published)
    ex = extract([art], load())
    return [(ex.places[c.place_id].name_en, c.status, c.claimant, c.claimant_side, c.date) for c in ex.claims]


def by_place(text: str, **kw) -> dict[str, tuple]:
    return {c[0]: c[1:] for c in run(text, **kw)}


# --- cue families, Russian ------------------------------------------------------------------------------
@pytest.mark.parametrize("text,place,status", [
    ("Российские военные освободили Плехово, сообщило Минобороны России.", "Plekhovo", "russia"),
    ("Подразделения ВСУ заняли Плехово, заявили в Генштабе ВСУ.", "Plekhovo", "ukraine"),
    ("ВС РФ взяли под контроль Гуево, сообщило Минобороны России.", "Guyevo", "russia"),
    ("Украинские подразделения отступили из Плехово, сообщило Минобороны России.", "Plekhovo", "russia"),
    ("Российские войска отразили атаку на Плехово, сообщило Минобороны России.", "Plekhovo", "russia"),
    ("Бои идут на окраинах Плехово, сообщил военкор Иван Петров.", "Plekhovo", "contested"),
    ("Плехово находится в серой зоне, пишет Рыбарь.", "Plekhovo", "contested"),
    ("Суджа пока не занята противником, написал Юрий Подоляка.", "Sudzha", "russia"),
    ("Суджа находится под контролем российских войск, сообщил Рыбарь.", "Sudzha", "russia"),
])
def test_russian_cue_families(text, place, status):
    assert by_place(text)[place][0] == status


# --- cue families, Ukrainian ----------------------------------------------------------------------------
@pytest.mark.parametrize("text,place,status", [
    ("Сили оборони України звільнили Басівка, повідомив Генштаб ЗСУ.", "Basivka", "ukraine"),
    ("Російські війська захопили Басівка, повідомили в Генштабі ЗСУ.", "Basivka", "russia"),
    ("Українські військові відбили атаку на Басівка, заявили в Генштабі ЗСУ.", "Basivka", "ukraine"),
    ("Бойові дії тривають на околицях села Басівка, повідомив Олег Григоров.", "Basivka", "contested"),
    ("Басівка перебуває під контролем противника, зазначив Олег Григоров.", "Basivka", "russia"),
    ("Басівка у сірій зоні, пише DeepState.", "Basivka", "contested"),
    ("ЗСУ вийшли з Басівка, повідомив DeepState.", "Basivka", "russia"),
])
def test_ukrainian_cue_families(text, place, status):
    assert by_place(text, publisher="Тестове видання")[place][0] == status


# --- who speaks -----------------------------------------------------------------------------------------
def test_a_quotation_then_a_dash_and_its_source():
    got = by_place("«Подразделения группировки войск «Север» освободили Плехово», — говорится в сообщении Минобороны России.")
    assert got["Plekhovo"][:3] == ("russia", "Russian Defense Ministry", "russia")


def test_about_this_reported_names_the_speaker_of_the_sentence_before():
    got = by_place("Украинские войска оставили Плехово. Об этом сообщил военкор Юрий Котенок в своем Telegram-канале.")
    assert got["Plekhovo"][:2] == ("russia", "Yuri Kotenok")


def test_an_institution_reports_impersonally():
    got = by_place("В Минобороны России сообщили, что Гуево освобождено.")
    assert got["Guyevo"][:2] == ("russia", "Russian Defense Ministry")


def test_according_to_and_in_his_words():
    got = run("Об этом сообщил военкор Юрий Котенок. По его словам, противник вошел в Плехово.")
    assert ("Plekhovo", "contested", "Yuri Kotenok", "russia") == got[0][:4]
    got = by_place("За даними DeepState, бої тривають на околицях Басівка.", publisher="Тестове видання")
    assert got["Basivka"][:3] == ("contested", "DeepState", "ukraine")


def test_a_head_of_a_ukrainian_oblast_speaks_for_ukraine():
    got = by_place("Начальник Сумської ОВА Іван Петренко заявив, що Басівка перебуває під контролем противника.")
    assert got["Basivka"][0] == "russia" and got["Basivka"][2] == "ukraine"


def test_our_and_the_enemy_in_russian():
    got = by_place("«Наши подразделения освободили Плехово, противник отступает», — заявили в Минобороны России.")
    assert got["Plekhovo"][:3] == ("russia", "Russian Defense Ministry", "russia")
    got = by_place("«Враг захватил Басівка», — повідомили в Генштабі ЗСУ.")
    assert got["Basivka"][0] == "russia" and got["Basivka"][2] == "ukraine"


def test_a_claim_called_untrue():
    got = run("Сообщения о захвате Плехово украинскими войсками не соответствуют действительности, заявили в Минобороны России.")
    assert ("Plekhovo", "russia", "Russian Defense Ministry", "russia") in [c[:4] for c in got]


def test_a_publisher_on_a_national_domain_speaks_for_its_side():
    got = by_place("Російські війська захопили Басівка.", publisher="Новини (novyny.ua)")
    assert got["Basivka"][2] == "ukraine"


def test_a_facility_named_after_a_town_is_not_the_town():
    assert run("Противник взял под контроль ГИС «Суджа», от которой до города девять километров.") == []


# --- dates ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,day", [
    ("9 марта российские военные освободили Плехово, сообщило Минобороны России.", "2025-03-09"),
    ("8-9 марта российские военные освободили Плехово, сообщило Минобороны России.", "2025-03-09"),
    ("Вчера российские военные освободили Плехово, сообщило Минобороны России.", "2025-03-12"),
    ("Накануне российские военные освободили Плехово, сообщило Минобороны России.", "2025-03-12"),
    ("Во вторник российские военные освободили Плехово, сообщило Минобороны России.", "2025-03-11"),
    ("За минувшие сутки российские военные освободили Плехово, сообщило Минобороны России.", "2025-03-13"),
    ("Ранее российские военные освободили Плехово, сообщило Минобороны России.", None),
    ("10 березня російські війська захопили Басівка, повідомив Генштаб ЗСУ.", "2025-03-10"),
    ("Сьогодні російські війська захопили Басівка, повідомив Генштаб ЗСУ.", "2025-03-13"),
    ("Вчора російські війська захопили Басівка, повідомив Генштаб ЗСУ.", "2025-03-12"),
    ("У вівторок російські війська захопили Басівка, повідомив Генштаб ЗСУ.", "2025-03-11"),
])
def test_russian_and_ukrainian_date_words(text, day):
    got = run(text)
    assert got and got[0][4] == day


def test_each_claim_records_its_language_and_its_cue_in_english():
    art = Article(stem="t", path="t.txt", text="Российские военные освободили Плехово, сообщило Минобороны России.",
                  publisher="Тест", published="2025-03-13")
    c = extract([art], load()).claims[0]
    assert (c.language, c.cue, c.cue_en) == ("ru", "освободили", "liberated")
    art = Article(stem="u", path="u.txt", text="Російські війська захопили Басівка, повідомив Генштаб ЗСУ.",
                  publisher="Тест", published="2025-03-13")
    assert extract([art], load()).claims[0].language == "uk"


def test_a_rewritten_statement_goes_on_in_its_speakers_voice():
    got = run("Российские военные освободили Гуево. Об этом сообщили в Минобороны России.\n\n"
              "Бои продолжаются на окраинах Плехово.")
    assert ("Plekhovo", "contested", "Russian Defense Ministry", "russia") in [c[:4] for c in got]
    # English news speaks in its own voice again unless a sentence names someone.
    art = Article(stem="e", path="e.txt", text="Russian troops took Guyevo, the Russian Defence Ministry said.\n\n"
                  "Fighting continues near Plekhovo.", publisher="Test Wire", published="2025-03-13")
    assert [c.claimant for c in extract([art], load()).claims if c.mention == "Plekhovo"] == ["Test Wire"]


def test_a_direction_is_not_a_claim_in_russian():
    got = run("Противник закрепляется в Басовке, пробуя двигаться в сторону Юнаковки, сообщает DeepState.")
    assert [c[0] for c in got] == ["Basivka"]
