"""Find settlement names in article text (English, Russian, Ukrainian): one Aho-Corasick pass over the folded
text, word-bounded, leftmost-longest, then the capitalised runs no spelling covered.

Every case form of a gazetteer name is a shipped spelling (`spellings`), so Russian and Ukrainian text needs
no morphology here. Where a name stands decides whether it counts (`slots`): a spelling that is also an
ordinary word ("Pravda", "Sudden", Мирный) counts only where the text treats it as a name; a name followed
by "region", "district", "gas hub"… or before one (ГИС «Суджа», на реке Снагость) names something else; a
town that names its oblast (Kursk, Sumy) is the town only when the text says so.

Capitalised runs no spelling covered: a romanisation variant (same skeleton), a garble within reach
(`fuzzy`), and in a settlement slot a name the gazetteer lacks (an unlocated mention, so its claims
survive). A longer run that is a place wins over a shorter name inside it ("Mykolayevo-Daryino" over
"Daryino"), and a multiword name in a settlement slot that the gazetteer lacks is not cut into known pieces
("Zeleny Shlyakh" is not Zelene and Shlyakh).
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from importlib import resources

import ahocorasick

from . import morph, slots
from .fuzzy import FuzzyHit
from .gazetteer import Gazetteer
from .. import folded as fre
from ..normalize import fold, fold_name, skeleton
from ..records import Mention


def _word_list(name: str) -> frozenset[str]:
    text = resources.files("geo.places").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(l.strip() for l in text.splitlines() if l.strip() and not l.startswith("#"))


AMBIGUOUS = _word_list("ambiguous_names.txt")
REGION_WORDS = _word_list("region_words.txt")
_NOT_NAMES = _word_list("not_place_words.txt")
_UPPER = "A-ZА-ЯЁІЇЄҐ"
_CAP_NAME = rf"[{_UPPER}][\w'’]+(?:[ \-][{_UPPER}0-9][\w'’]+){{0,2}}"
# A numbered name as Russian and Ukrainian write it: "10-го Октября", "1-й Княжий".
_SLOT_NAME = rf"(?:\d{{1,2}}-[а-яёіїє]{{1,3}}\s+)?{_CAP_NAME}"
_LIST_JOIN = r"\s*(?:,|and|и|та|і|й|,\s*and)\s*(?:the\s+)?"
# A list after a settlement noun (settlement_nouns.txt, as written mid-sentence): "the villages of A and B",
# "населённые пункты A, B и C", "сёл: A, B", "у передмісті - A та B"; the noun may take a place phrase before
# a colon ("десяти населённых пунктов в Курской области: A, B", "сіл Сумської громади: A, B").
_SLOT_LIST = re.compile(
    rf"(?<![\w-]){slots.nouns()}(?:\s+of\s+|\s+as:?\s+|\s+called\s+|"
    r"(?:\s+(?:in|near|around|в|во|у|на|под|біля|поблизу)(?:\s+[\w'’-]+){1,3}|(?:\s+[\w'’-]+){0,2}\s+"
    r"(?:област\w*|район\w*|громад\w*|region|oblast|district))?\s*:\s*|\s+[-–—]\s+|\s+)"
    rf"((?:{_SLOT_NAME})(?:{_LIST_JOIN}(?:{_SLOT_NAME}))*)"
)
_TABLE_ROW = slots.TABLE_ROW
_LATIN_RUN = re.compile(r"(?<![\w'’])[A-Z][a-z'’]+(?:[- ][A-Z][a-z'’]+){0,2}")
_WORD = re.compile(r"\w", re.UNICODE)
_NON_SPACE = re.compile(r"\S+")
_LETTER = re.compile(r"[^\W\d_]")  # a letter of any script
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Surname endings (Kovalenko, Volobuev, Syrskyi, Hnatyuk): English renderings of villages rarely end so.
_SURNAME = re.compile(r"(?:enko|chuk|[^aeiou]uk|[eo]v|yev|[iy]n|sk[iy]i?|ski|ich|vych|vich)$")
FUZZY = "fuzzy"  # the reason of a garble matched by fuzzy reach (checked against the article's geography)
SLOT_REASON = "capitalised name in a settlement slot"
# A list after a slot word ("near A, B and C", "liberated A, B"): its items are one kind of thing.
_CUE_LIST = re.compile(
    r"\b(?:near|around|liberat\w*|captur\w*|recaptur\w*|retook|seized|freed|entered|cleared|outskirts\s+of|"
    r"area\s+of|vicinity\s+of|у|под|возле|около|вблизи|в\s+районе|біля|поблизу|в\s+районі|освободил\w*|"
    r"заня\w+|звільнил\w*|захопил\w*)\s+"
    rf"((?:{_SLOT_NAME})(?:{_LIST_JOIN}(?:{_SLOT_NAME}))+)"
)


class MentionFinder:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.automaton = ahocorasick.Automaton()
        for spelling, ids in gazetteer.names.items():
            if len(spelling) >= 3:
                self.automaton.add_word(spelling, (spelling, tuple(sorted(ids))))
        self.automaton.make_automaton()
        self.centres = gazetteer.region_centres
        self._candidates: dict[tuple[str, bool], tuple[tuple[str, ...], FuzzyHit | None] | None] = {}

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
        for start, end, ids in hits:
            if start < last_end:
                continue
            surface = text[start:end]
            if not self._accept(text, folded, start, end, surface):
                continue
            mentions.append(Mention(article, start, end, surface, ids))
            last_end = end
        extra, replaced = self._runs_and_slots(article, text, folded, [(m.start, m.end) for m in mentions])
        mentions = [m for m in mentions if (m.start, m.end) not in replaced] + extra
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _accept(self, text: str, folded: str, start: int, end: int, surface: str) -> bool:
        word = next((w for w in surface.split() if _LETTER.match(w)), "")  # "10-го Октября": the word, not "го"
        if not word[:1].isupper():
            return False  # place names are capitalised; "pravda" in running text is a word
        nxt = folded[end:end + 1]
        if nxt == "." and _WORD.match(folded[end + 1:end + 2] or " "):
            return False  # a domain name: Pravda.ru
        if _before_region(folded, end):
            return False
        if slots.is_river(text, start):
            return False  # на реке Снагость, the river Seym
        if slots.quoted(text, start, end) and (slots.is_facility(text, start) or not slots.in_slot(text, start, end)):
            return False  # ГИС «Суджа», МАПП «Суджа», группировка «Север»: a facility or a unit named after it
        key = fold_name(surface)
        if key in self.centres:
            return self._town_meant(text, start, end, surface)
        flag = self.gaz.flags.get(key)
        if (key in AMBIGUOUS or flag == "slot") and not slots.in_slot(text, start, end):
            return False
        if flag == "word" and slots.sentence_initial(text, start) and not slots.in_slot(text, start, end):
            return False  # "Мирный" opening a sentence may be the word, not the village
        return True

    @staticmethod
    def _town_meant(text: str, start: int, end: int, surface: str) -> bool:
        """Kursk, Sumy, Belgorod, Bryansk: in English "Kursk" alone, "the Kursk direction", "in Kursk" are as
        often the region; only "the city of Kursk", "Kursk city", "Kursk's mayor" are the town. In Russian and
        Ukrainian the region has its own words (Курская область, Курщина), so Курск is the town, except "под
        Курском", which is the region's battles."""
        if _CYRILLIC.search(surface):
            return not fre.search(r"(?<!\w)(?:под|під)\s+$", text[max(0, start - 8):start], re.IGNORECASE)
        return slots.named_as_city(text, start, end)

    def _runs_and_slots(self, article: str, text: str, folded: str,
                        covered: list[tuple[int, int]]) -> tuple[list[Mention], set[tuple[int, int]]]:
        """Capitalised runs no exact spelling covered: a romanisation variant (same skeleton), a garble within
        fuzzy reach, a multiword name in a slot that the gazetteer lacks; then names in settlement slots.
        A longer name found this way replaces the exact matches inside it."""
        made: dict[tuple[int, int], Mention] = {}  # by span: a longer name replaces the ones inside it
        replaced: set[tuple[int, int]] = set()
        spans = _Spans(covered)

        def free(s: int, e: int, may_contain: bool = False) -> bool:
            return all(may_contain and s <= cs and ce <= e and (cs, ce) != (s, e) for cs, ce in spans.overlapping(s, e))

        def take(s: int, e: int, ids: tuple[str, ...], reason: str) -> None:
            inside = set(spans.overlapping(s, e))
            replaced.update(inside)
            for span in inside:
                spans.remove(span)
                made.pop(span, None)
            spans.add((s, e))
            made[(s, e)] = Mention(article, s, e, text[s:e], ids, reason=reason)

        for m in _LATIN_RUN.finditer(text):
            run = m.group(0)
            if " " not in run:  # one word, most runs: its context matters only if its words could be a place
                e0 = _end(text, m.end())
                if self._candidate(text[m.start():e0], True) is None:
                    continue
                words = [(m.start(), m.end())]
            else:
                words = [(w.start() + m.start(), w.end() + m.start()) for w in _NON_SPACE.finditer(run)]
            i = 0
            while i < len(words):
                found = self._sub_run(text, folded, words, i, free)
                if found is None:
                    i += 1
                    continue
                j, ids, reason = found
                take(words[i][0], _end(text, words[j - 1][1]), ids, reason)
                i = j
            self._unknown_run(text, folded, words, spans, take)
        slot_names: list[tuple[int, re.Match[str] | None]] = [
            (m.start(1), nm) for m in _SLOT_LIST.finditer(text) for nm in fre.finditer(_SLOT_NAME, m.group(1))]
        slot_names += [(m.start("name"), fre.match(_CAP_NAME, m.group("name"))) for m in _TABLE_ROW.finditer(text)]
        # Items of a cue list ("repelled attacks near A, B and C") that are not known: settlements too, when
        # the list names at least one known settlement.
        for m in _CUE_LIST.finditer(text):
            items = list(fre.finditer(_SLOT_NAME, m.group(1)))
            known = [nm for nm in items if spans.overlapping(m.start(1) + nm.start(), m.start(1) + nm.end())]
            joined = len(items) >= 3 or fre.search(r"\s(?:and|и|та|і)\s", m.group(1))  # "A, B and C", not "A, X said"
            if known and len(items) > len(known) and joined:
                slot_names += [(m.start(1), nm) for nm in items]
        for base, nm in slot_names:
            if nm is None:
                continue
            s, e = base + nm.start(), base + nm.end()
            name = nm.group(0)
            if not free(s, e) or fold_name(name) in _NOT_NAMES or _has_not_name(name) or _function_word(name):
                continue
            if _before_region(folded, e):
                continue
            # A known spelling that was held back as an ordinary word ("Belaya") is a place in this slot.
            ids = tuple(sorted(self.gaz.names.get(fold_name(name), ())))
            made[(s, e)] = Mention(article, s, e, name, ids, reason=SLOT_REASON)
            spans.add((s, e))
        return list(made.values()), replaced

    def _sub_run(self, text: str, folded: str, words: list[tuple[int, int]], i: int,
                 free) -> tuple[int, tuple[str, ...], str] | None:
        """The longest run of words from `i` that is a place by its skeleton or, failing that, by fuzzy reach:
        (end word index, ids, reason)."""
        for j in range(len(words), i, -1):
            s, e = words[i][0], _end(text, words[j - 1][1])
            token = text[s:e]
            cand = self._candidate(token, len(words) == 1)
            if cand is None or not free(s, e, may_contain=True) or _before_region(folded, e):
                continue
            ids, hit = cand
            if hit is None:
                if fold_name(token) in AMBIGUOUS and not slots.in_slot(text, s, e):
                    continue
                return j, ids, "romanisation variant"
            if not self._fuzzy_here(text, s, e, hit):
                continue
            where = "; in a settlement slot" if slots.in_slot(text, s, e) else ""
            return j, ids, f"{FUZZY}: {token} ~ {hit.key} (cost {hit.cost:g}){where}"
        return None

    def _candidate(self, token: str, alone: bool) -> tuple[tuple[str, ...], FuzzyHit | None] | None:
        """What the words of a capitalised run could be, whatever their context (cached by the words: news
        repeats them): (ids, None) by the romanisation skeleton, (ids, hit) by fuzzy reach, or None."""
        cache_key = (token, alone)
        if cache_key in self._candidates:
            return self._candidates[cache_key]
        out: tuple[tuple[str, ...], FuzzyHit | None] | None = None
        key = fold_name(token)
        if len(token) >= 5 and key not in _NOT_NAMES and fold_name(token.split()[0]) not in _NOT_NAMES \
                and key not in self.centres:
            ids = self.gaz.skeletons.get(skeleton(token))
            if ids:
                out = (tuple(sorted(ids)), None)
            elif alone and not _SURNAME.search(token) and len(skeleton(token)) >= 6:
                # One capitalised word standing alone (in "Oleksandr Syrskyi" or "Andriy Kovalenko" the words
                # are a person's), not shaped like a surname, long enough that one slip is not another name.
                hit = self.gaz.fuzzy.lookup(token)
                if hit is not None:
                    out = (tuple(sorted(hit.ids)), hit)
        self._candidates[cache_key] = out
        return out

    @staticmethod
    def _fuzzy_here(text: str, s: int, e: int, hit: FuzzyHit) -> bool:
        """A garble counts never after a title (General Koronev), a near miss (one vowel) anywhere but at a
        sentence's start, a farther one only in a settlement slot."""
        if slots.after_title(text, s):
            return False
        if slots.in_slot(text, s, e):
            return True
        return hit.cost <= 0.5 and not slots.sentence_initial(text, s)

    def _unknown_run(self, text: str, folded: str, words: list[tuple[int, int]], spans: "_Spans", take) -> None:
        """A run of two or three capitalised words in a settlement slot that the gazetteer does not know as a
        whole, and of which it knows only pieces ("near Zeleny Shlyakh, …": Zelene and Shlyakh are other
        villages): one unlocated mention, not two wrong ones."""
        if len(words) < 2:
            return
        s, e = words[0][0], _end(text, words[-1][1])
        inside = spans.overlapping(s, e)
        if not inside or any((cs, ce) == (s, e) or cs < s or ce > e for cs, ce in inside):
            return
        if any(fold_name(text[a:b]) in _NOT_NAMES | REGION_WORDS for a, b in words) or _before_region(folded, e):
            return
        if slots.sentence_initial(text, s) or not slots.in_slot(text, s, e):
            return
        take(s, e, (), SLOT_REASON)


def _has_not_name(name: str) -> bool:
    """A word of the name is never part of a settlement's name ("Ukraine's General Staff", "Kursk Governor")."""
    return any(fre.sub(r"['’]s$", "", w) in _NOT_NAMES for w in fold_name(name).split())


def _function_word(name: str) -> bool:
    """A Cyrillic name opening with a preposition, a conjunction, a pronoun ("…пунктов:По последним данным"):
    the next sentence, not a list item (the dictionary is asked only about such unknown slot names)."""
    first = name.split()[0]
    return bool(_CYRILLIC.match(first)) and morph.is_function_word(first)


def _end(text: str, e: int) -> int:
    """A word's end without trailing punctuation or a possessive ("Mirny," → "Mirny", "Sudzha's" → "Sudzha")."""
    while e > 0 and not (text[e - 1].isalnum()):
        e -= 1
    if e > 2 and text[e - 1] == "s" and text[e - 2] in "'’":
        e -= 2
    return e


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
        del self.items[bisect.bisect_left(self.items, span)]


def _bounded(folded: str, start: int, end: int) -> bool:
    before = folded[start - 1] if start > 0 else " "
    after = folded[end] if end < len(folded) else " "
    return not (before.isalnum() or before == "\x00") and not (after.isalnum() or after == "\x00")


# A list that ends in a plural region word names regions: "the Glushkovsky, Rylsky and Korenevsky districts".
_LIST_OF_REGIONS = re.compile(r"(?:\s*(?:,|and|и|і|та)\s*[\w'-]+){1,5}\s+(districts|raions|regions|oblasts|районов|районы|"
                              r"районах|районів|районах|области|областей|областях|областях)\b")


def _next_word(folded: str, end: int) -> str:
    m = fre.match(r"(?:'s)?[\s,]*([\w']+)", folded[end:end + 40])
    if m and m.group(1) not in REGION_WORDS:
        listed = _LIST_OF_REGIONS.match(folded, end)
        if listed:
            return listed.group(1)
    return m.group(1) if m else ""


# The Russian and Ukrainian words for an oblast, a raion, a hromada, whatever their ending, abbreviated ("Курской
# обл.") or cut short at the end of a page ("Курской облас").
_REGION_STEMS = ("облас", "район", "округ", "громад")


def _before_region(folded: str, end: int) -> bool:
    """The name is followed by a region word: it is a region's adjective or a region named after a town."""
    word = _next_word(folded, end)
    return word in REGION_WORDS or word == "обл" or word.startswith(_REGION_STEMS)


@lru_cache(maxsize=4)
def finder_for(gazetteer: Gazetteer) -> MentionFinder:
    return MentionFinder(gazetteer)
