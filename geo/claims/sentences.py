"""Split article text into sentences with character offsets.

News text breaks on line ends (paragraphs, table rows) and on . ! ? followed by a capital or a quote;
abbreviations common in news (Gen., Feb., U.S., Maj.) do not end a sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import folded as fre

_ABBREV = {
    "gen", "lt", "col", "maj", "capt", "sgt", "mr", "mrs", "ms", "dr", "st", "no", "vs", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "e.g", "i.e", "approx",
    "km", "gov", "sen", "rep", "prof", "jr", "sr", "inc", "corp", "co", "mt", "ft",
}
# A sentence ends at . ! ? before a capital; scraped text also glues sentences ("in a statement.Battlegroup").
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-ZА-ЯІЇЄ0-9])|(?<=[a-zа-яіїє]{3}[.!?])(?=[A-ZА-ЯІЇЄ][a-zа-яіїє])")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def split(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for para in fre.finditer(r"[^\n]+", text):
        p_start, chunk = para.start(), para.group(0)
        pos = 0
        for m in _END.finditer(chunk):
            word = _last_word(chunk, pos, m.start() + 1)
            if word and m.group(0).startswith(".") and word.lower().rstrip(".") in _ABBREV:
                continue
            if word and fre.fullmatch(r"[A-Z]", word.rstrip(".")):
                continue  # an initial: "Valery V. Gerasimov"
            _emit(out, text, p_start + pos, p_start + m.end())
            pos = m.end()
        _emit(out, text, p_start + pos, p_start + len(chunk))
    return out


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_" or c == "."


def _last_word(text: str, lo: int, hi: int) -> str | None:
    r"""What `([\w.]+)[.!?…]*$` captures in text[lo:hi], read backwards from the end (a regex search would try
    every position of the sentence)."""
    i = hi
    while i > lo and text[i - 1] in ".!?…":
        i -= 1
    j = i
    while j > lo and _is_word_char(text[j - 1]):
        j -= 1
    if j == i:
        # No word before the closing marks: the capture is the first run of dots among them.
        dot = text.find(".", i, hi)
        if dot < 0:
            return None
        j = dot
    k = j
    while k < hi and _is_word_char(text[k]):
        k += 1
    return text[j:k]


MAX_SENTENCE = 600  # longer runs without a sentence end (tables, scraped junk) are cut, keeping work linear


def _emit(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        # Cut at the last clause break (or space) before the limit, never inside a word.
        window = text[start:start + MAX_SENTENCE]
        cut = max(window.rfind("; "), window.rfind(", "), window.rfind(" "))
        cut = cut + 1 if cut > MAX_SENTENCE // 2 else MAX_SENTENCE
        _emit(out, text, start, start + cut)
        start += cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Sentence(start, end, text[start:end]))
