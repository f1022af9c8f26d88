"""The Ukrainian forms of Russian place names and the Russian forms of Ukrainian ones.

Ukrainian news writes Russian villages in Ukrainian (Черкасское Поречное → Черкаське Порічне, Коренево →
Коренєво, Казачья Локня → Козача Локня); Russian news writes Sumy villages in Russian (Басівка → Басовка,
Новеньке → Новенькое, Костянтинівка → Константиновка), and the English press often romanises those Russian
forms (Konstantinovka, Belovody, Vodolagi). Where a row carries no recorded form in the other language, the
likely ones are derived here by the regular correspondences of the two orthographies: endings (-овка/-івка,
-ое/-е, -ский/-ський, -ая/-а), letters (и/і, ы/и, э/е, ё/ьо, ъ/'), Russian е as Ukrainian і in roots where old ѣ
or a closed syllable made it so (Поречное/Порічне, Белая/Біла: tried one position at a time, since only
etymology knows which), and the name roots listed in `data/name_roots.tsv`. These are press spellings for
matching, never shown as names.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_CYR_VOWELS = "аеёиоуыэюяіїє"


@lru_cache(maxsize=1)
def _roots() -> tuple[tuple[str, str], ...]:
    text = resources.files("geo.places").joinpath("data", "name_roots.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    # Longest first: "николай" before "никола".
    return tuple(sorted(((r[0], r[1]) for r in rows), key=lambda r: -len(r[0])))


def _split_root(word: str, to_uk: bool) -> tuple[str, str]:
    """(the root in the other language, the rest of the word), lower case; ("", word) when no root applies."""
    low = word.lower()
    for ru, uk in _roots():
        src, dst = (ru, uk) if to_uk else (uk, ru)
        if low.startswith(src):
            return dst, low[len(src):]
    return "", low


def _cap(form: str, model: str) -> str:
    return form[:1].upper() + form[1:] if model[:1].isupper() else form


_RU_TO_UK_ENDINGS = [
    (r"еевка$", "іївка"), (r"(?<=[аоуя])евка$", "ївка"), (r"овка$", "івка"), (r"евка$", "івка"), (r"ёвка$", "ївка"),
    (r"ово$", "ове"), (r"ево$", "еве"), (r"ское$", "ське"), (r"цкое$", "цьке"), (r"ое$", "е"), (r"ый$", "ий"),
    (r"ий$", "ий"), (r"ая$", "а"), (r"яя$", "я"), (r"ье$", "я"), (r"ьи$", "ї"), (r"ские$", "ські"), (r"ые$", "і"), (r"ья$", "а"),
]
_RU_TO_UK_LETTERS = str.maketrans({"и": "і", "ы": "и", "э": "е", "ё": "ьо", "ъ": "'"})
_RU_TO_UK_LETTERS_KEEP_I = str.maketrans({"ы": "и", "э": "е", "ё": "ьо", "ъ": "'"})


def ru_to_uk(name: str, i_for_i: bool = True) -> str:
    """Best-effort Ukrainian form of a Russian place name, word by word (for press spellings only).

    Russian и is Ukrainian і in many roots and и in many endings: `i_for_i` picks one of the two readings.
    """
    words = []
    for word in re.split(r"([\s\-]+)", name):
        if not word or not word.strip(" -"):
            words.append(word)
            continue
        root, low = _split_root(word, to_uk=True)
        whole = root + low
        for pat, rep in _RU_TO_UK_ENDINGS:
            m = re.search(pat, whole)
            if m and m.start() >= len(root):
                low = low[:m.start() - len(root)] + "\x00" + rep
                break
        rest, _, ending = low.partition("\x00")
        # Before a soft-sign vowel a labial or р takes the apostrophe (Дарьино → Дар'їно).
        rest = re.sub(r"(?<=[бпвмфр])ь(?=[яюеиё])", "'", rest)
        rest = rest.translate(_RU_TO_UK_LETTERS if i_for_i else _RU_TO_UK_LETTERS_KEEP_I)
        rest = re.sub(r"'і", "'ї", rest)
        out = (root + rest + ending).replace("іі", "ії").replace("сськ", "ськ")
        # Russian е after a vowel or at the start is Ukrainian є.
        out = re.sub(r"(?<=[аоуіїєюя])е", "є", out)
        words.append(_cap(out, word))
    return "".join(words)


def uk_forms_of_ru(name: str) -> set[str]:
    """Ukrainian spellings of a Russian place name: both и/і readings, each root е read as і in turn, and
    the -єво ending Ukrainian papers use to keep a Russian soft consonant (Коренево → Коренєво)."""
    out: set[str] = set()
    for base in {ru_to_uk(name), ru_to_uk(name, i_for_i=False)}:
        out.add(base)
        out.add(re.sub(r"(?<=[бвгджзклмнпрстфхцчшщ])еве\b", "єво", re.sub(r"(?<=[бвгджзклмнпрстфхцчшщ])ево\b", "єво", base)))
        # One root е (not the last letter of a word, not word-initial, not after a vowel) read as і.
        for m in re.finditer(r"(?i)(?<=[бвгджзклмнпрстфхцчшщ])е", base):
            if m.end() < len(base) and base[m.end()] not in " -" and _word_tail(base, m.end()) > 1:
                out.add(base[:m.start()] + "і" + base[m.end():])
    return {s for s in out if s}


def _word_tail(text: str, i: int) -> int:
    """Letters left in the word after position i."""
    n = 0
    while i < len(text) and text[i] not in " -":
        n, i = n + 1, i + 1
    return n


_UK_TO_RU_ENDINGS = [
    (r"іївка$", "еевка"), (r"ївка$", "евка"), (r"івка$", "овка|евка"), (r"ове$", "ово"), (r"еве$", "ево"),
    (r"ське$", "ское"), (r"цьке$", "цкое"), (r"ський$", "ский"), (r"цький$", "цкий"), (r"ська$", "ская"),
    (r"цька$", "цкая"), (r"ські$", "ские"), (r"(?<=[бвдзлмнпрстф])и$", "ы"),
]
_ADJ_UK_TO_RU = [(r"(?<=[кгхжшчщ])ий$", "ий"), (r"ій$", "ий"), (r"ий$", "ый"), (r"е$", "ое"), (r"а$", "ая"),
                 (r"я$", "яя"), (r"і$", "ые")]
_UK_TO_RU_LETTERS = str.maketrans({"є": "е", "ї": "и", "ґ": "г", "'": "ь", "’": "ь", "ʼ": "ь"})


def ru_forms_of_uk(name: str, adjective_words: frozenset[str] = frozenset()) -> set[str]:
    """Russian spellings of a Ukrainian place name (Басівка → Басовка, Біловоди → Беловоды, Костянтинівка →
    Константиновка, Кіндратівка → Кондратовка). `adjective_words`: the words that are adjectives (their
    Ukrainian endings become Russian adjective endings: Новеньке → Новенькое). Ukrainian і stands for Russian
    и, е or о: each root і is tried as each (at most two of them), so a few forms come out per name."""
    per_word: list[set[str]] = []
    parts = re.split(r"([\s\-]+)", name)
    for word in parts:
        if not word or not word.strip(" -"):
            per_word.append({word})
            continue
        root, low = _split_root(word, to_uk=False)
        ending = ""
        for pat, rep in _UK_TO_RU_ENDINGS + (_ADJ_UK_TO_RU if word in adjective_words else []):
            m = re.search(pat, low)
            if m:
                low, ending = low[:m.start()], rep
                break
        low = low.translate(_UK_TO_RU_LETTERS)
        stems = {low}
        for i in [i for i, c in enumerate(low) if c == "і"][:2]:
            stems = {st[:i] + v + st[i + 1:] for st in stems for v in "иео"}
        forms = set()
        for st in stems:
            st = (root + st).replace("і", "и")
            for end in ending.split("|"):
                forms.add(_cap(st + end, word))
        per_word.append(forms)
    out = {""}
    for forms in per_word:
        out = {o + f for o in out for f in sorted(forms)}
        if len(out) > 24:
            out = set(sorted(out)[:24])
    return {s for s in out if s and not re.search("[іїєґ]", s.lower())}
