"""A cheap test before a costly regular expression: the literal pieces every match must contain.

`required(pattern)` reads the parsed pattern and returns a set of lower-case strings such that any match
contains at least one of them (or None when no such set exists, e.g. a pattern of only \\w+). A text that
contains none of them (a substring test, at C speed) cannot match, so the pattern is not run on it. With
dozens of claimant and cue patterns per sentence this keeps the claims stage linear and fast.
"""
from __future__ import annotations

import re
from functools import lru_cache

# The standard library's own parser of patterns (Python >= 3.11 names it re._parser).
import re._parser as sre_parse  # type: ignore[import-not-found]
from re._constants import (  # type: ignore[import-not-found]
    AT, BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, NOT_LITERAL, SUBPATTERN,
)

_MIN = 3  # shorter pieces are too common to filter anything


def _seq(items) -> frozenset[str] | None:
    """The best requirement of a sequence: its longest literal run, or the strongest item's own set."""
    best: frozenset[str] | None = None
    run = ""

    def better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
        if a is None:
            return b
        if b is None:
            return a
        return a if min(map(len, a)) >= min(map(len, b)) else b

    for op, av in items:
        if op == LITERAL:
            run += chr(av).lower()
            continue
        if len(run) >= _MIN:
            best = better(best, frozenset([run]))
        run = ""
        if op == AT:
            continue
        best = better(best, _item(op, av))
    if len(run) >= _MIN:
        best = better(best, frozenset([run]))
    return best


def _item(op, av) -> frozenset[str] | None:
    if op == SUBPATTERN:
        return _seq(av[-1])
    if op == BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            req = _seq(alt)
            if req is None:
                return None
            out |= req
        return frozenset(out)
    if op in (MAX_REPEAT, MIN_REPEAT):
        lo, _, sub = av
        return _seq(sub) if lo >= 1 else None
    if op in (IN, NOT_LITERAL):
        return None
    return None


@lru_cache(maxsize=None)
def required(pattern: str) -> frozenset[str] | None:
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    return required_of(parsed)


def required_of(parsed) -> frozenset[str] | None:
    """`required` of a pattern already parsed (`re._parser.parse`)."""
    req = _seq(list(parsed))
    return req if req and all(len(r) >= _MIN for r in req) else None


def may_match(req: frozenset[str] | None, lowered: str) -> bool:
    return req is None or any(r in lowered for r in req)


class Prefilter:
    """Which of many patterns may match a text, in one Aho-Corasick pass over it."""

    def __init__(self, needs: list[frozenset[str] | None]) -> None:
        import ahocorasick

        self.always = frozenset(i for i, n in enumerate(needs) if n is None)
        self.automaton = ahocorasick.Automaton()
        by_key: dict[str, set[int]] = {}
        for i, need in enumerate(needs):
            for key in need or ():
                by_key.setdefault(key, set()).add(i)
        for key, ids in by_key.items():
            self.automaton.add_word(key, frozenset(ids))
        self.empty = not by_key
        if not self.empty:
            self.automaton.make_automaton()

    def candidates(self, lowered: str) -> set[int]:
        out = set(self.always)
        if not self.empty:
            for _, ids in self.automaton.iter(lowered):
                out |= ids
        return out
