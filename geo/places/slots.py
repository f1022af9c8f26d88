"""Where a name stands in the text, as news writing marks it: a settlement slot ("the village of X", "near X",
"село X", a list of settlements), a facility (ГИС «Суджа»), a river ("на реке Снагость"), a person (a title
before the name), the start of a sentence, or a region centre named for its region ("Kursk" alone).

The word lists are data (`data/settlement_nouns.txt`, `facility_words.txt`, `river_words.txt`,
`titles.txt`); the patterns around them are the grammar of the three languages' news.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ..folded import compile_folded


def _lines(name: str) -> list[str]:
    text = resources.files("geo.places").joinpath("data", name).read_text(encoding="utf-8")
    return [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("#")]


def _alternation(name: str) -> str:
    return "(?:" + "|".join(_lines(name)) + ")"


@lru_cache(maxsize=1)
def nouns() -> str:
    """The settlement nouns as one alternation (lower case: as news writes them mid-sentence)."""
    return _alternation("settlement_nouns.txt")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        # "the villages of", "settlements such as", "село", "в населённых пунктах", "н.п."; a cue verb or
        # a preposition of place in English ("liberated", "near", "outskirts of").
        "before": compile_folded(
            rf"(?:(?<![\w-]){nouns()}(?:\s+(?:of|as:?|called|such\s+as))?[\s:]+[«\"“]?|"
            r"\b(?:liberat\w*|captur\w*|recaptur\w*|retook|retaken|seized|freed|freeing|entered|cleared|near|"
            r"around|outskirts\s+of|(?:areas?|places?|localit(?:y|ies))\s+(?:like|such\s+as))\s+(?:the\s+)?)$",
            re.IGNORECASE),
        # "the Green Way area", "X, a village south of …" (an apposition names the kind of place).
        "after": compile_folded(r"(?:\s+(?:area|vicinity)\b|,?\s+(?:a|the)\s+(?:\w+\s+)?(?:village|settlement|town|"
                            r"hamlet|khutor)\b)", re.IGNORECASE),
        "facility": compile_folded(rf"(?<!\w){_alternation('facility_words.txt')}\s*[«\"“„]$", re.IGNORECASE),
        "river": compile_folded(rf"(?<![\w.]){_alternation('river_words.txt')}\s+$", re.IGNORECASE),
        "title": compile_folded(rf"(?<![\w.]){_alternation('titles.txt')}\.?\s+$", re.IGNORECASE),
        # A list of names: a capitalised word and a comma or a conjunction before, or after.
        "list_before": re.compile(r"[A-ZА-ЯЁІЇЄҐ][\w'’-]+[»\"”]?\s*(?:,|\s(?:and|or|и|или|та|і|й|або))\s*[«\"“]?$"),
        "list_after": re.compile(r"^[»\"”]?\s*(?:,|(?:and|or|и|или|та|і|й|або)\s)\s*[«\"“]?[A-ZА-ЯЁІЇЄҐ0-9]"),
        "city_before": compile_folded(r"\b(?:city|town)\s+of\s+$|(?<!\w)(?:город\w*|г\.|міст\w*|м\.)\s+$", re.IGNORECASE),
        "city_after": compile_folded(r"\s+city\b|['’]s\s+(?:mayor|city|residents|centre|center|airport)", re.IGNORECASE),
    }


# A row of a control table: "Giri 1,465 Belovsky Contested".
TABLE_ROW = re.compile(r"^(?P<name>[A-ZА-ЯЁІЇЄҐ][\w'’]+(?:[ \-][A-ZА-ЯЁІЇЄҐ0-9][\w'’]+){0,2})\s+[\d,.]+\s+[A-Z][\w-]+\s+"
                       r"(?:Russia|Ukraine|Contested)\b", re.M)


def in_slot(text: str, start: int, end: int) -> bool:
    """A settlement slot: a table row's first cell, after a settlement noun or a cue verb, before "area", or
    inside a list of names."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start == start and TABLE_ROW.match(text, line_start):
        return True
    p = _patterns()
    before = text[max(0, start - 48):start]
    if p["before"].search(before) or p["after"].match(text, end):
        return True
    return bool(p["list_before"].search(before[-40:]) or p["list_after"].match(text[end:end + 12]))


def in_list(text: str, start: int, end: int) -> bool:
    p = _patterns()
    return bool(p["list_before"].search(text[max(0, start - 40):start]) or p["list_after"].match(text[end:end + 12]))


def is_facility(text: str, start: int) -> bool:
    """A quoted name after a facility word: ГИС «Суджа», пункт пропуска «Суджа»."""
    return bool(_patterns()["facility"].search(text[max(0, start - 48):start]))


def is_river(text: str, start: int) -> bool:
    return bool(_patterns()["river"].search(text[max(0, start - 16):start]))


def after_title(text: str, start: int) -> bool:
    return bool(_patterns()["title"].search(text[max(0, start - 24):start]))


def named_as_city(text: str, start: int, end: int) -> bool:
    """The text means the town itself: "the city of Kursk", "Kursk city", "Kursk's mayor", "город Курск"."""
    p = _patterns()
    return bool(p["city_before"].search(text[max(0, start - 16):start]) or p["city_after"].match(text, end))


_SENTENCE_END = re.compile(r"(?:^|[.!?…:;]|\n)[\s«\"“„(—–-]*$")


def sentence_initial(text: str, start: int) -> bool:
    """The name opens a sentence (or a line, a quotation): its capital says nothing about it being a name."""
    return bool(_SENTENCE_END.search(text[max(0, start - 8):start]))


def quoted(text: str, start: int, end: int) -> bool:
    return text[start - 1:start] in "«\"“„" and start > 0 and text[end:end + 1] in "»\"”“"
