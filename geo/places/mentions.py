"""Find settlement names in article text: one Aho-Corasick pass over the folded text, word-bounded.

A spelling that is also an ordinary word ("Pravda", "Giri") counts only in a settlement slot. A name
followed by "region", "district", "gas hub"… names something else. Capitalised names in a settlement
slot that the gazetteer lacks come back as unlocated mentions (no candidates), so their claims survive.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from importlib import resources

import ahocorasick

from .gazetteer import Gazetteer
from ..normalize import fold, fold_name, skeleton
from ..records import Mention


def _word_list(name: str) -> frozenset[str]:
    text = resources.files("geo.places").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(l.strip() for l in text.splitlines() if l.strip() and not l.startswith("#"))


AMBIGUOUS = _word_list("ambiguous_names.txt")
REGION_WORDS = _word_list("region_words.txt")
# Words that introduce settlement names (before a name or a list of names).
SLOT_BEFORE = re.compile(
    r"(?:\b(?:villages?|settlements?|hamlets?|towns?|khutors?|localit(?:y|ies)|communit(?:y|ies)|city)\s+(?:of\s+|as:?\s+|called\s+)?|"
    r"\b(?:liberat\w*|captur\w*|recaptur\w*|retook|retaken|seized|freed|freeing|entered|cleared|near|around|outskirts\s+of)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
_CAP_NAME = r"[A-ZА-ЯІЇЄ][\w'’]+(?:[ \-][A-ZА-ЯІЇЄ0-9][\w'’]+){0,2}"
_SLOT_LIST = re.compile(
    r"\b(?:villages?|settlements?|hamlets?|localit(?:y|ies)|communit(?:y|ies)|khutors?|towns?|city)(?:\s+of\s+|\s+as:?\s+|\s+called\s+|:\s*|\s+)"
    rf"((?:{_CAP_NAME})(?:\s*(?:,|and|,\s*and)\s*(?:the\s+)?(?:{_CAP_NAME}))*)"
)
_NOT_NAMES = _word_list("not_place_words.txt")
# A row of a control table: "Giri 1,465 Belovsky Contested".
_TABLE_ROW = re.compile(rf"^(?P<name>{_CAP_NAME})\s+[\d,.]+\s+[A-Z][\w-]+\s+(?:Russia|Ukraine|Contested)\b", re.M)
_WORD = re.compile(r"\w", re.UNICODE)


class MentionFinder:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.automaton = ahocorasick.Automaton()
        for spelling, ids in gazetteer.names.items():
            if len(spelling) >= 3:
                self.automaton.add_word(spelling, (spelling, tuple(sorted(ids))))
        self.automaton.make_automaton()

    def find(self, article: str, text: str) -> list[Mention]:
        folded = fold(text)
        hits: list[tuple[int, int, tuple[str, ...]]] = []
        for end, (spelling, ids) in self.automaton.iter(folded):
            start = end - len(spelling) + 1
            if not _bounded(folded, start, end + 1):
                continue
            hits.append((start, end + 1, ids))
        # Leftmost-longest: a longer name wins over the shorter one inside it (Bolshoye Soldatskoye > Soldatskoye).
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        mentions: list[Mention] = []
        last_end = -1
        covered: list[tuple[int, int]] = []
        for start, end, ids in hits:
            if start < last_end:
                continue
            surface = text[start:end]
            if not self._accept(text, folded, start, end, surface):
                continue
            mentions.append(Mention(article, start, end, surface, ids))
            covered.append((start, end))
            last_end = end
        extra, replaced = self._fuzzy_and_unlocated(article, text, folded, covered)
        mentions = [m for m in mentions if (m.start, m.end) not in replaced] + extra
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _accept(self, text: str, folded: str, start: int, end: int, surface: str) -> bool:
        if not surface[:1].isupper():
            return False  # place names are capitalised; "pravda" in running text is a word
        nxt = folded[end:end + 1]
        if nxt == "." and _WORD.match(folded[end + 1:end + 2] or " "):
            return False  # a domain name: Pravda.ru
        if _next_word(folded, end) in REGION_WORDS:
            return False
        key = fold_name(surface)
        if key in AMBIGUOUS and not _in_slot(text, start, end):
            return False
        return True

    def _fuzzy_and_unlocated(self, article: str, text: str, folded: str,
                             covered: list[tuple[int, int]]) -> tuple[list[Mention], set[tuple[int, int]]]:
        """Capitalised tokens no exact spelling covered: try the romanisation skeleton, then the slot rule.
        A longer name found this way replaces an exact match inside it ("Mykolayevo-Daryino" > "Daryino")."""
        out: list[Mention] = []
        replaced: set[tuple[int, int]] = set()
        spans = _Spans(covered)

        def free(s: int, e: int, may_contain: bool = False) -> bool:
            return all(may_contain and s <= cs and ce <= e and (cs, ce) != (s, e) for cs, ce in spans.overlapping(s, e))

        for m in re.finditer(r"(?<![\w'’])[A-Z][a-z'’]+(?:[- ][A-Z][a-z'’]+){0,2}", text):
            # Try the longest run of capitalised words first ("Stara Sorochyna"), then shorter ones.
            words = m.group(0).split(" ")
            for n in range(len(words), 0, -1):
                token = " ".join(words[:n]).rstrip("'’")
                s = m.start()
                e = s + len(token)
                if len(token) < 5 or not free(s, e, may_contain=True) or fold_name(token) in _NOT_NAMES:
                    continue
                ids = self.gaz.skeletons.get(skeleton(token))
                if ids and _next_word(folded, e) not in REGION_WORDS:
                    break
            else:
                continue
            if fold_name(token) in AMBIGUOUS and not _in_slot(text, s, e):
                continue
            inside = set(spans.overlapping(s, e))
            replaced |= inside
            for span in inside:
                spans.remove(span)
            spans.add((s, e))
            out = [o for o in out if (o.start, o.end) not in inside]
            out.append(Mention(article, s, e, text[s:e], tuple(sorted(ids)), reason="romanisation variant"))
        slots = [(m.start(1), nm) for m in _SLOT_LIST.finditer(text) for nm in re.finditer(_CAP_NAME, m.group(1))]
        for m in _TABLE_ROW.finditer(text):
            nm = re.match(_CAP_NAME, m.group("name"))
            assert nm is not None  # the row's pattern starts with the same name pattern
            slots.append((m.start("name"), nm))
        for base, nm in slots:
            s, e = base + nm.start(), base + nm.end()
            name = nm.group(0)
            if not free(s, e) or fold_name(name) in _NOT_NAMES or fold_name(name.split()[0]) in _NOT_NAMES:
                continue
            if _next_word(folded, e) in REGION_WORDS:
                continue
            # A known spelling that was held back as an ordinary word ("Belaya") is a place in this slot.
            known = tuple(sorted(self.gaz.names.get(fold_name(name), ())))
            out.append(Mention(article, s, e, name, known, reason="capitalised name in a settlement slot"))
            spans.add((s, e))
        return out, replaced


class _Spans:
    """Non-overlapping (start, end) spans, sorted, with overlap queries in O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.items = sorted(spans)

    def overlapping(self, s: int, e: int) -> list[tuple[int, int]]:
        i = bisect.bisect_left(self.items, (s, -1))
        if i > 0 and self.items[i - 1][1] > s:
            i -= 1
        out = []
        while i < len(self.items) and self.items[i][0] < e:
            if self.items[i][1] > s:
                out.append(self.items[i])
            i += 1
        return out

    def add(self, span: tuple[int, int]) -> None:
        bisect.insort(self.items, span)

    def remove(self, span: tuple[int, int]) -> None:
        self.items.remove(span)


def _in_slot(text: str, start: int, end: int) -> bool:
    """Is the name at start..end in a settlement slot (a table row, after "village of", inside a list)?"""
    line_start = text.rfind("\n", 0, start) + 1
    if _TABLE_ROW.match(text, line_start) and line_start == start:
        return True
    before = text[max(0, start - 40):start]
    if SLOT_BEFORE.search(before):
        return True
    # Inside a list of names: ", Pravda and" / "Pravda, Yuzhny".
    return bool(re.match(r"\s*(?:,|and\b)\s*[A-Z]", text[end:end + 8])) and bool(re.search(r"[A-Z]\w+,\s*$", before))


def _bounded(folded: str, start: int, end: int) -> bool:
    before = folded[start - 1] if start > 0 else " "
    after = folded[end] if end < len(folded) else " "
    return not (before.isalnum() or before == "\x00") and not (after.isalnum() or after == "\x00")


def _next_word(folded: str, end: int) -> str:
    m = re.match(r"(?:'s)?[\s,]*([\w']+)", folded[end:end + 40])
    return m.group(1) if m else ""


@lru_cache(maxsize=4)
def finder_for(gazetteer: Gazetteer) -> MentionFinder:
    return MentionFinder(gazetteer)
