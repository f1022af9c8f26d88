"""Generate the spellings news in English, Russian and Ukrainian uses for a settlement.

Latin: Russian names go through the transliteration schemes of `iuliia` (Wikipedia, BGN/PCGN, GOST,
scholarly, ICAO passport, Yandex…); Ukrainian names through the official KMU 2010 romanisation (not in
iuliia, so implemented here from the Cabinet of Ministers resolution No. 55 of 27 January 2010). Where a
row has no recorded name in the other language, the other language's press form is derived
(`crossforms`: Гоголевка → Гоголівка → Hoholivka; Костянтинівка → Константиновка → Konstantinovka).
Numbered and translated names come from `calques`. No Latin spelling ever carries a Cyrillic letter:
a recorded name that mixes scripts ("Bіlovodi" with a Cyrillic і) is repaired letter by letter.

Cyrillic: every Russian and Ukrainian form in every case (`morph`), so Суджи, Судже, Суджей all match.
A single-word form that is also an ordinary word (Мирный, Победа) is flagged `word`: it counts where the
text treats it as a name (capitalised inside a sentence, or in a settlement slot).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import iuliia

from ..normalize import fold_name
from . import calques as _calques
from . import morph
from .crossforms import ru_forms_of_uk, ru_to_uk, uk_forms_of_ru

__all__ = ["english_spellings", "kmu2010", "place_spellings", "ru_to_uk", "cleaned", "latin_repaired"]

_RU_SCHEMES = (
    iuliia.WIKIPEDIA,
    iuliia.BGN_PCGN,
    iuliia.GOST_779,
    iuliia.SCIENTIFIC,
    iuliia.ICAO_DOC_9303,
    iuliia.YANDEX_MAPS,
    iuliia.MOSMETRO,
    iuliia.TELEGRAM,
    iuliia.ALA_LC,
    iuliia.MVD_782,
)

# KMU 2010: (initial form, elsewhere form).
_KMU = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": ("ye", "ie"), "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": ("yi", "i"), "й": ("y", "i"), "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": ("yu", "iu"), "я": ("ya", "ia"),
    "'": "", "’": "", "ʼ": "",
}


def kmu2010(text: str) -> str:
    """Romanise Ukrainian text by KMU 2010 (зг → zgh; word-initial є ї й ю я → ye yi y yu ya)."""
    out: list[str] = []
    prev_letter = False
    for i, ch in enumerate(text):
        low = ch.lower()
        if low == "г" and i > 0 and text[i - 1].lower() == "з":
            rom = "gh"
        else:
            rule = _KMU.get(low)
            if rule is None:
                out.append(ch)
                prev_letter = ch.isalpha()
                continue
            rom = rule if isinstance(rule, str) else rule[0 if not prev_letter else 1]
        if ch.isupper() and rom:
            rom = rom[0].upper() + rom[1:]
        out.append(rom)
        prev_letter = ch.isalpha() or ch in "'’ʼ"
    return "".join(out)


def _ascii(s: str) -> str:
    s = s.replace("ʹ", "'").replace("·", "").replace("ı", "i")
    decomposed = unicodedata.normalize("NFKD", s)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_VARIANT_RULES = [
    # (pattern, replacement): each applied on its own to make one more spelling.
    (r"'", ""),
    (r"yo", "e"), (r"yo", "io"), (r"ye", "e"), (r"ya", "ia"), (r"yu", "iu"), (r"iy\b", "y"), (r"yy\b", "y"),
    (r"iy\b", "i"), (r"yy\b", "i"), (r"oye\b", "oe"), (r"oye\b", "oi"), (r"aya\b", "aia"), (r"kiy\b", "ky"),
    (r"skiy\b", "ski"), (r"skiy\b", "skii"), (r"ev\b", "yev"), (r"dzh", "dj"), (r"shch", "sch"),
    (r"yi\b", "y"), (r"yi\b", "i"), (r"ii\b", "y"), (r"iye\b", "ie"), (r"iye\b", "ye"),
]
_VARIANT_RES = [(re.compile(p), r) for p, r in _VARIANT_RULES]


def _word_variants(word: str) -> set[str]:
    out = {word}
    for rx, rep in _VARIANT_RES:
        for s in list(out):
            v = rx.sub(rep, s)
            if v != s:
                out.add(v)
        if len(out) > 24:
            break
    return out


def _variants(spelling: str) -> set[str]:
    """Spelling variants, word by word (news mixes schemes: "Bolshoe Soldatskoye"): soft-sign apostrophes,
    yo/e, -oye/-oe/-oi, -iy/-y, ya/ia…"""
    words = spelling.split(" ")
    out = {""}
    for i, word in enumerate(words):
        out = {(o + " " if i else "") + v for o in out for v in sorted(_word_variants(word))}
        if len(out) > 96:
            out = set(sorted(out)[:96])
    return out | {spelling}


CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z]")
# Cyrillic letters that look like Latin ones: a Latin name typed with one of them ("Bіlovodi") is repaired.
_CYR_LOOKS, _LAT_LOOKS = "аеіјорсухһАВЕІЈКМНОРСТХїё", "aeijopcyxhABEIJKMHOPCTXie"
_TO_LATIN = str.maketrans(_CYR_LOOKS, _LAT_LOOKS)
_TO_CYRILLIC = str.maketrans(_LAT_LOOKS[:-2], _CYR_LOOKS[:-2])


def latin_repaired(name: str) -> str:
    """A name typed in one script with look-alike letters of the other among them ("Bіlovodi" with a Cyrillic
    і, "Гиpи" with a Latin p), in the script of most of its letters; a name in one script unchanged."""
    if not (LATIN.search(name) and CYRILLIC.search(name)):
        return name
    if len(LATIN.findall(name)) >= len(CYRILLIC.findall(name)):
        return name.translate(_TO_LATIN)
    return name.translate(_TO_CYRILLIC)


def english_spellings(name_ru: str = "", name_uk: str = "", name_en: str = "", alt: tuple[str, ...] = ()) -> set[str]:
    """All Latin spellings (original case) by which English news may write the place, and its Cyrillic
    nominatives (name_ru, name_uk and the derived forms)."""
    spellings: set[str] = set()
    for n in (name_en, *alt):
        if n:
            spellings.add(latin_repaired(n))
    if name_ru:
        spellings.add(name_ru)
        for ru in {name_ru, name_ru.replace("ё", "е"), name_ru.replace("Ё", "Е")}:
            for scheme in _RU_SCHEMES:
                spellings.add(_ascii(scheme.translate(ru)))
    uk_forms = {name_uk} if name_uk else set()
    if name_ru:
        uk_forms |= {ru_to_uk(name_ru), ru_to_uk(name_ru, i_for_i=False)}
    for uk in uk_forms:
        spellings.add(uk)
        spellings.add(kmu2010(uk))
    if name_uk and not name_ru:
        # The Russian forms of a Ukrainian name, as the press romanises them (Konstantinovka, Belovody, Vodolagi).
        for ru in ru_forms_of_uk(name_uk, _adjective_words(name_uk)):
            spellings |= {_ascii(iuliia.WIKIPEDIA.translate(ru)), _ascii(iuliia.BGN_PCGN.translate(ru))}
    latin: set[str] = set()
    for s in spellings:
        if not CYRILLIC.search(s):
            latin |= _variants(s)
    spellings |= latin
    return {s for s in spellings if s and len(fold_name(s)) >= 3 and not (CYRILLIC.search(s) and LATIN.search(s))}


def _adjective_words(name: str) -> frozenset[str]:
    return frozenset(w for w in name.split() if morph._is_adjective(w, "uk"))


_NUMBERED_START = re.compile(r"^\d")


class PlaceSpellings(NamedTuple):
    names: dict[str, str]  # spelling → flag ("", "slot" or "word")
    calques: dict[str, str]  # translated spellings → flag: dropped by the build where another place has them


def _lang(name: str) -> str:
    return "uk" if re.search(r"[іїєґІЇЄҐ'ʼ’]", name) else "ru"


def place_spellings(name_ru: str = "", name_uk: str = "", name_en: str = "", alt: tuple[str, ...] = ()) -> PlaceSpellings:
    """Every spelling of a place in English, Russian and Ukrainian news, with its flag."""
    names: dict[str, str] = {}
    calq: dict[str, str] = {}

    def add(target: dict[str, str], spelling: str, flag: str = "") -> None:
        if spelling and len(fold_name(spelling)) >= 3 and not (CYRILLIC.search(spelling) and LATIN.search(spelling)):
            old = target.get(spelling)
            target[spelling] = flag if old is None else min(old, flag, key=_FLAG_ORDER.index)

    for s in english_spellings(name_ru, name_uk, name_en, alt):
        if not CYRILLIC.search(s):  # the Cyrillic ones come below, inflected and flagged
            add(names, s)
    bases: dict[str, set[str]] = {"ru": set(), "uk": set()}
    if name_ru:
        bases["ru"].add(name_ru)
        bases["uk"] |= uk_forms_of_ru(name_ru)
        uk_words = _calques.translated_words(name_ru)
        if uk_words:
            bases["uk"].add(uk_words)
    if name_uk:
        bases["uk"].add(name_uk)
        if not name_ru:
            bases["ru"] |= ru_forms_of_uk(name_uk, _adjective_words(name_uk))
    for a in alt:
        if CYRILLIC.search(a) and not LATIN.search(a):
            bases[_lang(a)].add(a)
    for uk in bases["uk"]:  # the Ukrainian press forms, romanised as Ukrainian papers in English do (Bila)
        if not _NUMBERED_START.match(uk):
            add(names, kmu2010(uk))
    for lang in ("ru", "uk"):
        for base in sorted(bases[lang]):
            num = _calques.numbered(base, lang, name_en)
            if num is not None:
                for s in num.cyrillic_inflected:
                    add(names, s)
                for s in num.latin:
                    add(names, s)
                for s in num.latin_slot:
                    add(calq, s, _calques.SLOT)
                for word_name in num.cyrillic[lang]:
                    _inflected(add, names, word_name, lang)
                    for s in english_spellings(word_name if lang == "ru" else "", word_name if lang == "uk" else ""):
                        if not CYRILLIC.search(s):
                            add(names, s)
                continue
            _inflected(add, names, base, lang)
            keep, full = _calques.calques(base, lang)
            for s in keep:
                add(calq, s)
            for s in full:
                add(calq, s, _calques.SLOT)
    for s in list(calq):
        if s in names:
            del calq[s]
    return PlaceSpellings(names, calq)


_FLAG_ORDER = ("", WORD := "word", _calques.SLOT)


def _inflected(add, names: dict[str, str], base: str, lang: str) -> None:
    single = len(base.split()) == 1
    for form in morph.name_forms(base, lang):
        add(names, form, WORD if single and morph.is_common_word(form, lang) else "")


_TRAILING_PLACE_WORDS = re.compile(r"\s*\((?:[^)]*)(?:\)\s*$|$)")


@lru_cache(maxsize=None)
def cleaned(name: str) -> str:
    """Drop disambiguators such as "Lyubimovka (Korenevsky)" from a recorded name."""
    return _TRAILING_PLACE_WORDS.sub("", name).strip()
