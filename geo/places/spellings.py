"""Generate the spellings English-language news uses for a settlement.

Russian names go through the transliteration schemes of `iuliia` (Wikipedia, BGN/PCGN, GOST, scholarly,
ICAO passport, Yandex…); Ukrainian names through the official KMU 2010 romanisation (not in iuliia, so
implemented here from the Cabinet of Ministers resolution No. 55 of 27 January 2010). Where a Russian
village has no recorded Ukrainian name, the Ukrainian press form is derived by the regular
Russian→Ukrainian correspondences (Гоголевка → Гоголівка → Hoholivka).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import iuliia

from ..normalize import fold_name

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


_RU_TO_UK_ENDINGS = [
    (r"еевка$", "іївка"), (r"(?<=[аоуя])евка$", "ївка"), (r"овка$", "івка"), (r"евка$", "івка"), (r"ёвка$", "ївка"), (r"ово$", "ове"), (r"ево$", "еве"),
    (r"ское$", "ське"), (r"цкое$", "цьке"), (r"ое$", "е"), (r"ый$", "ий"), (r"ий$", "ий"),
    (r"ая$", "а"), (r"яя$", "я"), (r"ье$", "я"), (r"ьи$", "ї"),
]
_RU_TO_UK_LETTERS = str.maketrans({"и": "і", "ы": "и", "э": "е", "ё": "ьо", "ъ": "'"})
_RU_TO_UK_LETTERS_KEEP_I = str.maketrans({"ы": "и", "э": "е", "ё": "ьо", "ъ": "'"})


def ru_to_uk(name: str, i_for_i: bool = True) -> str:
    """Best-effort Ukrainian form of a Russian place name, word by word (for press spellings only).

    Russian и is Ukrainian і in many roots and и in many endings: `i_for_i` picks one of the two readings.
    """
    name = re.sub(r"^Никола", "Микола", name)  # Nikolay- names are Mykola- in Ukrainian
    words = []
    for word in re.split(r"([\s\-]+)", name):
        if not word or not word.strip(" -"):
            words.append(word)
            continue
        low = word.lower()
        for pat, rep in _RU_TO_UK_ENDINGS:
            new = re.sub(pat, rep, low)
            if new != low:
                low = new
                break
        # After the ending rules, map letters; protect the ending's own і/ий.
        core = low.translate(_RU_TO_UK_LETTERS if i_for_i else _RU_TO_UK_LETTERS_KEEP_I)
        core = core.replace("іі", "ії")
        # Russian е after a vowel or at the start is Ukrainian є.
        core = re.sub(r"(?<=[аоуіїєюя])е", "є", core)
        words.append(core[:1].upper() + core[1:] if word[:1].isupper() else core)
    return "".join(words)


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


def english_spellings(name_ru: str = "", name_uk: str = "", name_en: str = "", alt: tuple[str, ...] = ()) -> set[str]:
    """All spellings (original case) by which English news may write the place."""
    spellings: set[str] = set()
    for n in (name_en, *alt):
        if n:
            spellings.add(n)
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
    latin: set[str] = set()
    for s in spellings:
        if not re.search(r"[А-Яа-яІіЇїЄєҐґЁё]", s):
            latin |= _variants(s)
    spellings |= latin
    return {s for s in spellings if s and len(fold_name(s)) >= 3}


_TRAILING_PLACE_WORDS = re.compile(r"\s*\((?:[^)]*)\)\s*$")


@lru_cache(maxsize=None)
def cleaned(name: str) -> str:
    """Drop disambiguators such as "Lyubimovka (Korenevsky)" from a recorded name."""
    return _TRAILING_PLACE_WORDS.sub("", name).strip()
