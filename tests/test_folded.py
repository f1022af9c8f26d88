"""Folded patterns (geo/folded.py) find exactly what the IGNORECASE pattern finds, read from the original text."""
from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from geo import folded as fre
from geo.folded import FoldedPattern, compile_folded
from geo.claims.lexicon import lexicon

PATTERNS = [
    r"\b(?:said|Says|TOLD)\b",
    r"\b(?P<Side>Russian|Ukrainian)\s+(?:forces|troops)\b",
    r"(?<!north of )(?<!X)X{3,},?\s+near\b",
    r"[A-Z][a-z]+\s+\S+\B",
    r"\d{1,2}\s+(?:Jan|Feb)\w*",
    r"(?:Суджа|Курск)\w*",
]
TEXTS = [
    "The Russian Defence Ministry SAID on Monday its troops took Sudzha.",
    "Ukrainian FORCES held XXXXX near Sumy, north of XXXX near the border.",
    "İstanbul said something; RUSSIAN troops said 12 Feb 2025.",  # İ lower-cases to two characters
    "Минобороны: СУДЖА и Курская область, курск.",
    "Long s: ſaid and ſays; dotless ı; Greek ς.",
    "",
]


def _same(a, b) -> None:
    if a is None or b is None:
        assert a is None and b is None
        return
    assert a.span() == b.span()
    assert a.group(0) == b.group(0)
    assert a.groups() == b.groups()
    assert a.groupdict() == b.groupdict()


def test_patterns_with_capitals_escapes_and_group_names_are_folded() -> None:
    for p in PATTERNS:
        assert isinstance(compile_folded(p, re.I), FoldedPattern), p
    # Inline flags are left to `re`: reasoning about them is not worth it.
    assert not isinstance(compile_folded(r"(?-i:Kyiv)\s+said", re.I), FoldedPattern)
    # Without IGNORECASE nothing changes.
    assert isinstance(compile_folded(r"said", 0), re.Pattern)


def test_every_call_answers_as_the_plain_pattern() -> None:
    for p in PATTERNS:
        plain, folded = re.compile(p, re.I), compile_folded(p, re.I)
        for t in TEXTS:
            _same(plain.search(t), folded.search(t))
            _same(plain.match(t), folded.match(t))
            _same(plain.fullmatch(t), folded.fullmatch(t))
            _same(plain.search(t, 5, 40), folded.search(t, 5, 40))
            a, b = list(plain.finditer(t)), list(folded.finditer(t))
            assert len(a) == len(b)
            for x, y in zip(a, b):
                _same(x, y)
            assert plain.findall(t) == folded.findall(t)
            assert plain.sub("<\\g<0>>", t) == folded.sub("<\\g<0>>", t)


def test_groups_keep_the_text_case() -> None:
    m = compile_folded(r"\b(?P<Side>russian|ukrainian)\s+forces", re.I).search("Then UKRAINIAN Forces withdrew")
    assert m.group("Side") == "UKRAINIAN" and m.group(0) == "UKRAINIAN Forces" and m["Side"] == "UKRAINIAN"


def test_module_calls() -> None:
    assert fre.search(r"kyiv", "in KYIV today", re.I).group(0) == "KYIV"
    assert fre.split(r"\s*;\s*", "a ; b;c") == ["a", "b", "c"]
    assert fre.sub(r"x+", "-", "aXXb", flags=re.I) == "a-b"


_words = st.sampled_from(["said", "SAID", "Russian", "forces", "Troops", "near", "XXXX", "north of", "Jan", "12",
                          "Суджа", "курск", "İ", "ſ", "ς", "ı", "ᲀ", ",", " ", "  ", "ß", "К", "s", "i"])


_PAIRS = [(re.compile(rx.pattern, rx.flags), rx) for lang in ("en", "ru") for lx in (lexicon(lang),)
          for rx in [*lx.speech.values(), *lx.pattern.values(), *lx.actor.values(), lx.agent, *(c.rx for c in lx.cues)]
          if isinstance(rx, FoldedPattern)]


@settings(max_examples=300, deadline=None)
@given(st.lists(_words, max_size=30).map("".join))
def test_lexicon_patterns_match_the_same_on_any_text(text: str) -> None:
    assert len(_PAIRS) > 100  # the lexicons' patterns are folded
    for plain, rx in _PAIRS:
        _same(plain.search(text), rx.search(text))


def test_an_article_searched_between_sentences_is_lower_cased_once() -> None:
    import geo.folded as F

    article = "The Russian Defence Ministry said it took Sudzha. " * 100
    rx = compile_folded(r"\bsaid\b", re.I)
    first = rx.search(article, 500)
    rx.search("a sentence in between said")  # a short text does not push the article out
    assert F._last_long[0] is article
    assert rx.search(article, 500).span() == first.span()
