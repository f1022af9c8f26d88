"""Text normalisation for name matching.

`fold` maps text to a same-length form (one char in, one char out) so that offsets found in the folded
text are offsets in the original article. `skeleton` is a lossy key that brings together the many
romanisations of one Cyrillic name (Hornal/Gornal, Oleshnia/Oleshnya, Fanaseevka/Fanaseyevka).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = "'’‘ʼʹ`´′ʻ"
_DASHES = "-‐‑‒–—−"
# Characters that are invisible or direction marks; they must not split or hide a name.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad"


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character folded, to a fixed point: a compatibility form can fold to something that folds further
    (İ → I → i, ʹ → ʹ → ', ⁻ → − → space), and folding folded text must change nothing."""
    out = _fold_step(ch)
    for _ in range(4):
        nxt = _fold_step(out)
        if nxt == out:
            break
        out = nxt
    return out


def _fold_step(ch: str) -> str:
    if ch in _APOSTROPHES:
        return "'"
    if ch in _DASHES or ch in "\u00a0\t\n\r\u2009\u202f":
        return " "
    if ch in INVISIBLE:
        return "\x00"  # kept as a placeholder so offsets stay put; stripped by `strip_invisible`
    low = ch.lower()
    if len(low) != 1:
        low = ch
    if low == "ё":
        return "е"
    decomposed = unicodedata.normalize("NFKD", low)
    base = decomposed[0] if decomposed else low
    # Keep Cyrillic й and ї distinct from и/і (NFKD would strip their marks).
    if low in "йї":
        return low
    return base if len(base) == 1 else low


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes; hyphens and dashes become spaces. Same length."""
    # One table for the characters this text uses, applied by str.translate at C speed.
    return text.translate({ord(c): _fold_char(c) for c in set(text)})


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=131072)
def fold_name(name: str) -> str:
    """Fold a name for use as a pattern: like `fold`, with white space collapsed and invisibles removed."""
    return _SPACES.sub(" ", fold(name).replace("\x00", "")).strip()


_SEP = "\x01"  # folds to itself, is not white space, and no name holds it


def fold_names(names: list[str]) -> list[str]:
    """`fold_name` of each name, as one pass over all of them: a gazetteer's tens of thousands of spellings
    cost one translate table instead of one each."""
    joined = _SEP.join(names)
    if joined.count(_SEP) != max(len(names) - 1, 0):
        return [fold_name(n) for n in names]
    folded = _SPACES.sub(" ", fold(joined).replace("\x00", ""))
    return [n.strip() for n in folded.split(_SEP)] if names else []


def place_slug(name: str) -> str:
    """The slug of a place name, for ids (`local:`, `unlocated:`, the shipped gazetteer's) and the map's URL
    hash: folded (`fold_name`), every run of non-word characters one hyphen. Letters of any script stay, so
    Суджа and Гуево keep distinct slugs."""
    return _NON_WORD.sub("-", fold_name(name)).strip("-")


_NON_WORD = re.compile(r"[^\w]+")


def strip_invisible(text: str) -> str:
    return "".join(c for c in text if c not in INVISIBLE)


_SKELETON_RULES = [
    (r"[oe](?=[ \-])", "e"),  # the linking vowel of compound names: Nikolayevo-/Mykolaieve-
    (r"[' \-]", ""),
    (r"shch|sch|shtsh", "sc"),
    (r"kh|h|g", "h"),
    (r"zh|dj|j(?=[aeiou])", "z"),
    (r"ts|tz|c(?!h)", "c"),
    (r"ch|tch", "c"),
    (r"sh", "s"),
    (r"y|j", "i"),
    (r"i([aeou])", r"\1"),
    (r"(o|e|i)vk(a|i|e)$", "vka"),
    (r"(o|e|i)v(o|e)$", "v"),
    (r"(skoe|skoie|ske|skie|skii|ski|sky|skiy)$", "sk"),
    (r"(oe|e|ii|i|ie)$", ""),
    (r"ii+", "i"),
    (r"(.)\1", r"\1"),
]
_SKELETON_RES = [(re.compile(p), r) for p, r in _SKELETON_RULES]


# The rules over many names at once, one per line: `$` is each line's end; no rule reaches across a line break
# (`.` and the character classes never match one, and a look-ahead at a line's end sees the break, not a letter).
_SKELETON_LINES = [(re.compile(p, re.M), r) for p, r in _SKELETON_RULES]
_CYRILLIC = re.compile("[а-яіїєґ]")


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """A lossy key shared by variant romanisations of the same Cyrillic name."""
    s = fold_name(name)
    if _CYRILLIC.search(s):
        return ""  # skeletons are for Latin spellings only
    for rx, rep in _SKELETON_RES:
        s = rx.sub(rep, s)
    return s


def skeletons(names: list[str]) -> list[str]:
    """`skeleton` of each name, each rule run once over all of them (a gazetteer's index in a tenth of the time)."""
    folded = fold_names(names)
    latin = [i for i, s in enumerate(folded) if not _CYRILLIC.search(s) and "\n" not in s]
    text = "\n".join(folded[i] for i in latin)
    for rx, rep in _SKELETON_LINES:
        text = rx.sub(rep, text)
    out = [""] * len(names)
    for i, key in zip(latin, text.split("\n") if latin else []):
        out[i] = key
    for i, s in enumerate(folded):
        if "\n" in s:  # cannot be: folding makes every line break a space; kept exact all the same
            out[i] = skeleton(s)
    return out
