"""Numbered names and translated (calque) names of settlements.

Numbered: "1-й Княжий" is written Первый Княжий, Первого Княжьего, 1-го Княжьего, First Knyazhy, 1st Knyazhy,
Pervy Knyazhy and Knyazhy 1; "10-й Октябрь" is Десятый Октябрь, 10-го Октября and 10th October
(`data/ordinals.tsv`).

Calques: English news translates the words of a name (Зелёный Шлях "Green Way", Внезапное "Sudden", Малая
Локня "Little Loknya", Старая Сорочина "Old Sorochina"). From a small dictionary of the words names are made of
(`data/toponym_words.tsv`), a multiword name gets each mix of translated and romanised words. A calque that
is all translation ("Sudden", "Green Way", "10th October") reads as ordinary English, so it counts only in a
settlement slot (flag `slot`); one that keeps a romanised word ("Little Loknya") counts anywhere.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import iuliia

from . import morph

SLOT = "slot"  # the flag of a spelling that counts only in a settlement slot
_NUMBERED = re.compile(r"^(\d+)-(?:[а-яіїє]{1,3})\s+(.+)$")


class Ordinal(NamedTuple):
    n: int
    ru: str
    uk: str
    en_word: str
    en_figure: str


def _rows(name: str) -> list[list[str]]:
    text = resources.files("geo.places").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def ordinals() -> dict[int, Ordinal]:
    return {int(r[0]): Ordinal(int(r[0]), r[1], r[2], r[3], r[4]) for r in _rows("ordinals.tsv")}


@lru_cache(maxsize=1)
def words() -> dict[str, tuple[str, ...]]:
    """Lemma (Russian or Ukrainian, ё as е) → its English translations."""
    out: dict[str, tuple[str, ...]] = {}
    for ru, uks, en in _rows("toponym_words.tsv"):
        for lemma in [ru, *uks.split("|")]:
            out.setdefault(lemma.replace("ё", "е"), tuple(en.split("|")))
    return out


def _romanised(word: str, lang: str) -> str:
    from .spellings import kmu2010

    return kmu2010(word) if lang == "uk" else iuliia.WIKIPEDIA.translate(word.replace("ё", "е").replace("Ё", "Е"))


def _lemma(word: str, lang: str) -> str:
    ps = morph._nominative_parses(word.lower(), lang, None)
    return (ps[0].normal_form if ps else word.lower()).replace("ё", "е")


def _numeric_suffix(form: str) -> str:
    """The ending a figure takes for an ordinal's form: первого → го, первым → м, первая → я."""
    return form[-2:] if len(form) > 2 and form[-3] in "аеёиоуыэюяіїє" else form[-1:]


class Spellings(NamedTuple):
    cyrillic: dict[str, set[str]]  # language → Cyrillic nominative forms (inflected by the caller)
    latin: set[str]
    latin_slot: set[str]
    cyrillic_inflected: set[str]  # forms already in every case (numbered names with figures)


def numbered(name: str, lang: str, name_en: str = "") -> Spellings | None:
    """The spellings of a numbered name ("1-й Княжий"), or None when the name has no leading number."""
    m = _NUMBERED.match(name.strip())
    if not m or int(m.group(1)) not in ordinals():
        return None
    n, rest = int(m.group(1)), m.group(2)
    o = ordinals()[n]
    head = rest.split()[-1]
    gender = morph.gender_of(head, lang) if not morph._is_adjective(head, lang) else \
        morph._nominative_parses(head.lower(), lang, True)[0].tag.gender
    word = o.ru if lang == "ru" else o.uk
    forms = morph.word_case_forms(word, lang, True, gender or "masc")
    nominative = sorted(forms["nomn"])[0]
    word_name = nominative.capitalize() + " " + rest
    cyr: set[str] = set()
    for form in morph.name_forms(word_name, lang):
        first, _, tail = form.partition(" ")
        cyr.add(f"{n}-{_numeric_suffix(first.lower())} {tail}")
    cyr |= {f"{rest} {n}", f"{rest}-{n}"}
    rest_en = re.sub(r"^\s*\d+\w*\.?\s+", "", name_en) if name_en and re.match(r"^\s*\d", name_en) else _romanised(rest, lang)
    latin = {f"{o.en_word} {rest_en}", f"{o.en_figure} {rest_en}", f"{rest_en} {n}", f"{rest_en}-{n}",
             f"{n}-y {rest_en}", f"{n} {rest_en}"}
    slot: set[str] = set()
    for cal in calques(rest, lang)[0] | calques(rest, lang)[1]:
        slot |= {f"{o.en_word} {cal}", f"{o.en_figure} {cal}"}
    return Spellings({lang: {word_name}}, latin, slot, cyr)


def calques(name: str, lang: str) -> tuple[set[str], set[str]]:
    """(calques that keep a romanised word, calques all translated) of a Russian or Ukrainian name."""
    parts = re.split(r"([\s\-]+)", name.strip())
    options: list[list[tuple[str, bool]]] = []
    for i, part in enumerate(parts):
        if i % 2:
            options.append([(part, False)])
            continue
        tr = words().get(_lemma(part, lang), ()) if not part[:1].isdigit() else ()
        options.append([(_romanised(part, lang), False)] + [(t, True) for t in tr])
    combos: list[tuple[str, int, int]] = [("", 0, 0)]  # (text, translated words, words)
    for i, opts in enumerate(options):
        word_slot = i % 2 == 0
        combos = [(c + text, k + translated, w + word_slot) for c, k, w in combos for text, translated in opts][:32]
    keep = {c for c, k, w in combos if 0 < k < w}
    full = {c for c, k, w in combos if k == w and k > 0}
    return keep, full


@lru_cache(maxsize=1)
def _ru_to_uk_words() -> dict[str, str]:
    out: dict[str, str] = {}
    for ru, uks, _en in _rows("toponym_words.tsv"):
        out.setdefault(ru.replace("ё", "е"), uks.split("|")[0])
    return out


def translated_words(name: str) -> str | None:
    """The Ukrainian form of a Russian name whose words have Ukrainian dictionary equivalents (Большое
    Солдатское → Велике Солдатське, Зелёный Шлях → Зелений Шлях); None when no word has one. The other
    words are left for `crossforms` to map."""
    from .crossforms import ru_to_uk

    parts = re.split(r"([\s\-]+)", name.strip())
    changed = False
    for i in range(0, len(parts), 2):
        ps = morph._nominative_parses(parts[i].lower(), "ru", None)
        uk = _ru_to_uk_words().get(_lemma(parts[i], "ru"))
        if not ps or not uk:
            parts[i] = ru_to_uk(parts[i])
            continue
        p = ps[0]
        form = uk
        if p.tag.POS == "ADJF":
            want = {"nomn"} | ({p.tag.number} if p.tag.number == "plur" else {p.tag.gender} if p.tag.gender else set())
            uk_parse = next((q for q in morph.analyzer("uk").parse(uk) if q.tag.POS == "ADJF"), None)
            inflected = uk_parse.inflect(want) if uk_parse is not None else None
            form = inflected.word if inflected is not None else uk
        parts[i] = form[:1].upper() + form[1:] if parts[i][:1].isupper() else form
        changed = True
    return "".join(parts) if changed else None
