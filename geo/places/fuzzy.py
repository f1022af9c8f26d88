"""Garbled Latin names within reach of a gazetteer name ("Koronevo", "Sudsha", "Southzha", "Snagosk").

Bounded, so that a near-miss English word or a surname never becomes a village: the token's romanisation
skeleton (`normalize.skeleton`) must be within a weighted edit distance of a theatre name's skeleton of at
most a quarter of its length, the nearest name must be unique, and the token must not be an English word
(the public-domain Webster's Second list of `english-words`, loaded only when a candidate comes up).
Vowels, h, and voiced/voiceless consonant pairs cost half an edit: romanisations and garbles differ there
most. Candidates come from a deletion-neighbourhood index over the skeletons (one deletion on either side),
so a token is compared with a handful of names, not all of them; each token is looked up once per process.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import NamedTuple

from ..normalize import skeleton

_VOWELS = set("aeiouy")
_SOFT = {frozenset(p) for p in ("td", "sz", "kg", "kh", "gh", "bp", "vf", "vw", "fw", "sc", "zc", "ck", "ie", "ao",
                                 "ou", "eo", "ei", "ai")}
RELATIVE_BOUND = 0.25


class FuzzyHit(NamedTuple):
    ids: frozenset[str]
    key: str  # the gazetteer skeleton matched
    cost: float


def _indel(c: str) -> float:
    return 0.5 if c in _VOWELS or c == "h" else 1.0


def _sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    return 0.5 if frozenset((a, b)) in _SOFT or (a in _VOWELS and b in _VOWELS) else 1.0


def distance(a: str, b: str) -> float:
    """Weighted Levenshtein distance between two skeletons."""
    prev = [0.0]
    for c in b:
        prev.append(prev[-1] + _indel(c))
    for ca in a:
        cur = [prev[0] + _indel(ca)]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + _indel(ca), cur[j - 1] + _indel(cb), prev[j - 1] + _sub(ca, cb)))
        prev = cur
    return prev[-1]


def _deletions(key: str) -> set[str]:
    out = {key}
    for i in range(len(key)):
        out.add(key[:i] + key[i + 1:])
    return out


def _consonants(key: str) -> str:
    """The index key: the skeleton without vowels and h after its first letter (where garbles differ most)."""
    return key[:1] + "".join(c for c in key[1:] if c not in _VOWELS and c != "h")


@lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=True, alpha=True))


def is_english_word(token: str) -> bool:
    return token.lower() in _english()


class FuzzyIndex:
    """Skeletons of the theatre's Latin spellings → place ids, with a deletion index for candidates."""

    def __init__(self, skeletons: dict[str, set[str]], in_theatre: set[str]) -> None:
        self.keys: dict[str, frozenset[str]] = {}
        for key, ids in skeletons.items():
            inside = frozenset(i for i in ids if i in in_theatre)
            if inside and len(key) >= 4 and key.isascii():
                self.keys[key] = inside
        self.index: dict[str, set[str]] = defaultdict(set)
        for key in self.keys:
            for d in _deletions(_consonants(key)):
                self.index[d].add(key)
        self._cache: dict[str, FuzzyHit | None] = {}

    def lookup(self, token: str) -> FuzzyHit | None:
        """The one theatre name within reach of `token`, or None (none, or two equally near)."""
        if token in self._cache:
            return self._cache[token]
        hit = self._lookup(token)
        self._cache[token] = hit
        return hit

    def _lookup(self, token: str) -> FuzzyHit | None:
        key = skeleton(token)
        if len(key) < 4 or not key.isascii():
            return None
        cands: set[str] = set()
        for d in _deletions(_consonants(key)):
            cands |= self.index.get(d, set())
        # Garbles keep the first letter (Koronevo, Sudsha); a different first letter is another word.
        scored = sorted((distance(key, c), c) for c in cands if c[0] == key[0])
        if not scored:
            return None
        best_cost, best = scored[0]
        if best_cost == 0 or best_cost > RELATIVE_BOUND * max(len(key), len(best)):
            return None
        if len(scored) > 1 and scored[1][0] == best_cost and self.keys[scored[1][1]] != self.keys[best]:
            return None  # two different places equally near: no guess
        if is_english_word(token):
            return None
        return FuzzyHit(self.keys[best], best, best_cost)
