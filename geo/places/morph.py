"""Case forms of Cyrillic place names, from pymorphy3 and its Russian and Ukrainian dictionaries.

Russian and Ukrainian news inflect names: Суджи, в Судже, под Суджей; Малой Локни; Козачої Локні. The
gazetteer's names are inflected here into every case (both numbers for a plural-looking name), at
gazetteer build time for the shipped rows, so the run-time matcher stays one Aho-Corasick pass. Names the
dictionaries lack (most villages) get the paradigm pymorphy3 predicts from the word's ending, which is
what a reader does too. Each word form is analysed once per process (cached).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_POS_KEPT = {"NOUN", "ADJF"}
_PROPER = {"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"}
_ADJ_ENDING = re.compile(r"(?:ый|ий|ой|ая|яя|ое|ее|ые|ие|ья|ье|ьи|а|е|і|ій)$")
_NUMERIC = re.compile(r"^\d+(?:-\w+)?$")


@lru_cache(maxsize=2)
def analyzer(lang: str) -> Any:
    """The pymorphy3 analyser for `lang` ("ru" or "uk"), loaded once (imported here: only the gazetteer
    build and the user's local.csv rows need it)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def _tags(p: Any) -> set[str]:
    return set(str(p.tag).replace(" ", ",").split(","))


def _nominative_parses(word: str, lang: str, adjective: bool | None) -> list[Any]:
    """The parses to inflect a name word by, best first: a dictionary place name, then a noun or full adjective
    in the nominative (an adjective when the word's ending and position say so), dictionary before
    prediction. For a word the dictionary lacks, the best parse of each other gender follows (Горналь:
    the press writes it both ways, в Горнале and в Горнали)."""
    parses = [p for p in analyzer(lang).parse(word) if p.tag.POS in _POS_KEPT and "nomn" in _tags(p)]
    if not parses:
        return []
    want_adj = adjective if adjective is not None else bool(_ADJ_ENDING.search(word))

    def rank(p: Any) -> tuple:
        t = _tags(p)
        return ("Geox" not in t, (p.tag.POS == "ADJF") != want_adj, "anim" in t, -p.score)

    parses.sort(key=rank)
    best = parses[0]
    if analyzer(lang).word_is_known(word) or best.tag.POS != "NOUN":
        return [best]
    others = [p for p in parses[1:] if p.tag.POS == "NOUN" and p.tag.gender != best.tag.gender
              and p.tag.number == best.tag.number]
    return [best] + others[:1]


@lru_cache(maxsize=65536)
def word_case_forms(word: str, lang: str, adjective: bool | None = None,
                    gender: str | None = None) -> dict[str, tuple[str, ...]]:
    """Lower-case forms of one name word by case (`{"nomn": ("суджа",), "gent": ("суджи",), …}`), in the
    number of its nominative (a plural name keeps the plural: Біловоди → Біловодів). An adjective takes
    `gender` when given (it agrees with the name's noun). A word the analyser cannot inflect is invariant."""
    low = word.lower()
    if _NUMERIC.match(low) or len(low) < 3:
        return {c: (low,) for c in CASES}
    out: dict[str, set[str]] = {c: {low} if c == "nomn" else set() for c in CASES}
    parses = _nominative_parses(low, lang, adjective)
    if not parses:
        return _by_model(low, lang)
    for p in parses:
        number = p.tag.number  # None in the Ukrainian dictionary's singular nouns
        gend = (gender or p.tag.gender) if p.tag.POS == "ADJF" and number != "plur" else None
        for case in CASES[1:]:
            want = {case} | ({number} if number else set()) | ({gend} if gend else set())
            if p.tag.POS == "ADJF" and case == "accs" and number != "plur" and gend != "femn" and lang == "ru":
                want.add("inan")  # a place's accusative is the inanimate one (Первый, not Первого)
            f = p.inflect(want)
            if f is not None:
                out[case].add(f.word.replace("ʼ", "'"))
    return {c: tuple(sorted(v)) if v else (low,) for c, v in out.items()}


@lru_cache(maxsize=1)
def _models() -> dict[str, list[tuple[str, str]]]:
    from importlib import resources

    text = resources.files("geo.places").joinpath("data", "morph_models.tsv").read_text(encoding="utf-8")
    out: dict[str, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            lang, ending, model = line.split("\t")
            out.setdefault(lang, []).append((ending, model))
    for rows in out.values():
        rows.sort(key=lambda r: -len(r[0]))
    return out


def _by_model(low: str, lang: str) -> dict[str, tuple[str, ...]]:
    """Case forms of a word the analyser cannot read as a nominative, after a model word with its ending."""
    same: dict[str, tuple[str, ...]] = {c: (low,) for c in CASES}
    for ending, model in _models().get(lang, []):
        if not low.endswith(ending) or model == low:
            continue
        forms = word_case_forms(model, lang, False)
        stem = model[:-len(ending)]
        if any(not f.startswith(stem) for fs in forms.values() for f in fs):
            return same
        base = low[:-len(ending)]
        return {c: tuple(sorted(base + f[len(stem):] for f in fs)) for c, fs in forms.items()}
    return same


def _is_adjective(word: str, lang: str) -> bool:
    ps = _nominative_parses(word.lower(), lang, None)
    return bool(ps) and ps[0].tag.POS == "ADJF"


def gender_of(word: str, lang: str) -> str | None:
    ps = _nominative_parses(word.lower(), lang, adjective=False)
    return ps[0].tag.gender if ps else None


_SPLIT = re.compile(r"([\s\-]+)")


@lru_cache(maxsize=16384)
def name_forms(name: str, lang: str) -> frozenset[str]:
    """Every case form of a (multiword) Cyrillic name, its words agreeing: Малая Локня → Малой Локни, …
    Capitals stay where the name has them."""
    parts = _SPLIT.split(name.strip())
    words = [p for i, p in enumerate(parts) if i % 2 == 0]
    if not words or not all(words):
        return frozenset({name})
    # Adjectives agree with the name's head noun (the last word that is not an adjective) in gender.
    is_adj = [_is_adjective(w, lang) if len(words) > 1 else None for w in words]
    nouns = [w for w, adj in zip(words, is_adj) if not adj]
    head_gender = gender_of(nouns[-1], lang) if nouns and len(words) > 1 else None
    per_word = [word_case_forms(w, lang, adj, head_gender if adj else None) for w, adj in zip(words, is_adj)]
    out: set[str] = {name}
    for case in CASES:
        combos = [""]
        for i, forms in enumerate(per_word):
            sep = parts[2 * i - 1] if i else ""
            combos = [c + sep + _like(f, words[i]) for c in combos for f in forms[case]][:8]
        out.update(combos)
    return frozenset(out)


def _like(form: str, model: str) -> str:
    """`form` capitalised as `model` is (Малая → Малой, not малой)."""
    return form[:1].upper() + form[1:] if model[:1].isupper() else form


@lru_cache(maxsize=65536)
def is_common_word(word: str, lang: str) -> bool:
    """True for a form the dictionary knows as an ordinary word (Мирный, Внезапное, Победа), not only as a
    place or a person's name: such a spelling is a place only where the text treats it as one."""
    low = word.lower()
    a = analyzer(lang)
    if not a.word_is_known(low):
        return False
    # The Ukrainian dictionary lists place names as plain nouns (no Geox mark): only its adjectives and other
    # non-noun readings tell an ordinary word there (Мирне, Веселе), not Біловоди or Костянтинівка.
    kinds = ("NOUN", None) if lang == "uk" else (None,)
    return any(not (_PROPER & _tags(p)) and p.tag.POS not in kinds
               for p in a.parse(low) if type(p.methods_stack[0][0]).__name__ == "DictionaryAnalyzer"
               and len(p.methods_stack) == 1)


_FUNCTION_POS = {"PREP", "CONJ", "PRCL", "NPRO", "INTJ"}


def _langs_of(word: str) -> tuple[str, ...]:
    """The languages a Cyrillic word can be written in, by its letters (і ї є ґ are Ukrainian, ы э ъ ё Russian)."""
    low = word.lower()
    if re.search(r"[іїєґ]", low):
        return ("uk",)
    if re.search(r"[ыэъё]", low):
        return ("ru",)
    return ("ru", "uk")


@lru_cache(maxsize=4096)
def is_function_word(word: str) -> bool:
    """A preposition, conjunction, particle or pronoun in the Russian or Ukrainian dictionary (По, Однако,
    Также, Вони), or a known word with no reading as a noun or an adjective (Ранее, Вчера): never a place's
    name, though a sentence may open with it right after a list's colon."""
    low = word.lower()
    for lang in _langs_of(low):
        a = analyzer(lang)
        if not a.word_is_known(low):
            continue  # the other language's dictionary may know it (Також)
        pos = {p.tag.POS for p in a.parse(low) if type(p.methods_stack[0][0]).__name__ == "DictionaryAnalyzer"}
        return bool(pos & _FUNCTION_POS or not pos & {"NOUN", "ADJF"})
    return False


_NUMBERED_FORM = re.compile(r"^(\d{1,2})-[а-яёіїє]{1,3}\s+(.+)$")


def _own_nominative(word: str, lang: str) -> bool:
    """The word reads as a name's nominative as written (Бяхово, Забрама, Кулбаки), not only as another
    word's form (Вишневки is Вишнёвка's genitive or its plural)."""
    low = word.lower()
    return any(p.tag.POS in _POS_KEPT and "nomn" in _tags(p) and p.normal_form.replace("ё", "е") == low.replace("ё", "е")
               for p in analyzer(lang).parse(low))


def _head_readings(word: str, lang: str) -> list[Any]:
    """The noun or adjective readings of a name's last word in any case, best first: singular (most names
    are), inanimate (a place, not a person), a dictionary place name, then by score."""
    ps = [p for p in analyzer(lang).parse(word.lower()) if p.tag.POS in _POS_KEPT and p.tag.case]
    # An adjective standing for the name is neuter where its case cannot tell (Краснооктябрьского: most such
    # names are a село's, Краснооктябрьское, Черкаське Порічне).
    return sorted(ps, key=lambda p: (p.tag.number == "plur" and "Pltm" not in _tags(p), "anim" in _tags(p),
                                     "Geox" not in _tags(p), p.tag.POS == "ADJF" and p.tag.gender != "neut",
                                     -p.score))


def _nominative_of(p: Any, gender: str | None, number: str | None) -> str | None:
    want = {"nomn"} | ({"plur"} if number == "plur" else {gender} if gender and p.tag.POS == "ADJF" else set())
    if p.tag.POS == "NOUN" and number != "plur":
        return str(p.normal_form)
    f = p.inflect(want)
    return str(f.word) if f is not None else None


@lru_cache(maxsize=4096)
def nominative(name: str, lang: str) -> str:
    """The nominative of a Cyrillic name as the text inflects it (Вишневки → Вишневка, Снагости → Снагость,
    Малой Локни → Малая Локня, 10-го Октября → 10-й Октябрь), for a name the gazetteer lacks. The name as
    written when it already reads as a nominative, or when no reading inflects back to it (a guess that
    does not would be a wrong name)."""
    numbered = _NUMBERED_FORM.match(name.strip())
    if numbered:
        return _numbered_nominative(name, numbered.group(1), numbered.group(2), lang)
    parts = _SPLIT.split(name.strip())
    words = parts[::2]
    if not words or not all(words) or all(_own_nominative(w, lang) for w in words):
        return name
    target = name.lower().replace("ё", "е")
    for head in _head_readings(words[-1], lang)[:6]:
        number = "plur" if head.tag.number == "plur" else "sing"
        gender = head.tag.gender
        out = []
        for w in words[:-1]:
            same_case = [p for p in analyzer(lang).parse(w.lower()) if p.tag.POS in _POS_KEPT and p.tag.case == head.tag.case]
            form = _nominative_of(same_case[0], gender, number) if same_case else None
            if form is None:
                break
            out.append(form)
        else:
            last = _nominative_of(head, gender, number)
            if last is None:
                continue
            out.append(last)
            joined = "".join(_like(f, w) + (parts[2 * i + 1] if 2 * i + 1 < len(parts) else "")
                             for i, (f, w) in enumerate(zip(out, words)))
            if "ё" not in name.lower():
                joined = joined.replace("ё", "е").replace("Ё", "Е")
            if target in {f.lower().replace("ё", "е") for f in name_forms(joined, lang)}:
                return joined
    return name


def _numbered_nominative(name: str, figure: str, rest: str, lang: str) -> str:
    """10-го Октября → 10-й Октябрь: the words after the figure in the nominative, the figure's ending agreeing."""
    from .calques import numbered, ordinals

    words = nominative(rest, lang)
    n = int(figure)
    if n not in ordinals():
        return name
    head = _SPLIT.split(words)[-1]
    ps = _nominative_parses(head.lower(), lang, None)
    gender = (ps[0].tag.gender if ps else None) or "masc"
    o = ordinals()[n]
    word = o.ru if lang == "ru" else o.uk
    adj = next((p for p in analyzer(lang).parse(word) if p.tag.POS == "ADJF"), None)
    agreeing = adj.inflect({"nomn", gender}) if adj is not None else None
    ordinal = agreeing.word if agreeing is not None else word
    ending = ordinal[-2:] if len(ordinal) > 2 and ordinal[-3] in "аеёиоуыэюяіїє" else ordinal[-1:]
    candidate = f"{n}-{ending} {words}"
    spelled = numbered(candidate, lang)
    if spelled is not None and name.lower() in {f.lower() for f in spelled.cyrillic_inflected}:
        return candidate
    return name
