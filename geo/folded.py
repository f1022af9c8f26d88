"""Case-insensitive patterns run as case-sensitive ones over lower-cased text: the same matches, faster.

Python's `re` cannot scan ahead for the first letters of an IGNORECASE alternation ("said|says|told|…"),
so it tries the whole pattern at every position; the same pattern lower-cased and without the flag, over
the text lower-cased once, is 3-5 times faster. `compile_folded` does that when it is exact: the pattern's
letters lower-case one to one (escapes and group names kept; the few letters IGNORECASE equates beyond
lower case, such as ſ and s, mapped alike), no inline flags, and the text keeps its length
(otherwise the ordinary IGNORECASE pattern runs). Matches are read back from the original text, so a
group keeps the text's own case ("Kyiv", not "kyiv").
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import Any, Iterator

import re._parser as sre_parse  # type: ignore[import-not-found]
from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]
from re._constants import IN, LITERAL, NOT_LITERAL, RANGE  # type: ignore[import-not-found]

from .prefilter import required_of

# Letters IGNORECASE takes as equal that lower() keeps apart (ſ and s, ς and σ, ı and i, the old Cyrillic
# forms): each goes to the one letter its upper case lower-cases to, in the text and in the pattern alike.
_SAME_LETTER = {c: ord(t) for k, vs in _EXTRA_CASES.items() for c in (k, *vs)
                for t in (chr(c).upper().lower(),) if len(t) == 1 and t != chr(c)}
_SAME_LETTER_RX = re.compile("[" + "".join(map(chr, sorted(_SAME_LETTER))) + "]")  # translate only texts that hold one

# Recent short texts by id, each with its lower-cased form (None when lower-casing changes its length), as one
# tuple so that threads sharing them read a consistent pair; the text is held, so its id is not reused meanwhile.
# A sentence, its clauses and noun phrases take turns through the rules, so one slot would miss most of them.
_recent: dict[int, tuple[str, str | None]] = {}
_RECENT = 64
_last_long: tuple[str, str | None] = ("", "")
_LONG = 2000  # characters: longer than any sentence the claims stage reads (sentences are cut at 600)


def _lowered(text: str) -> str | None:
    """The text lower-cased, or None if its length changes. Recent short texts (a sentence meets many
    patterns) and the last long one (an article searched at many positions) are kept apart, so that
    sentences in between never make a whole article be lower-cased again."""
    global _last_long
    if len(text) < _LONG:
        entry = _recent.get(id(text))
        if entry is not None and entry[0] is text:
            return entry[1]
    elif text is _last_long[0]:
        return _last_long[1]
    low = text.lower()
    if not low.isascii() and _SAME_LETTER_RX.search(low):
        low = low.translate(_SAME_LETTER)
    folded = low if len(low) == len(text) else None
    if len(text) < _LONG:
        if len(_recent) >= _RECENT:
            _recent.clear()
        _recent[id(text)] = (text, folded)
    else:
        _last_long = (text, folded)
    return folded


def _lower_pattern(pattern: str) -> str:
    """The pattern with its letters lower-cased, escapes (\\S, \\B, \\u0410) and group names kept as written."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if pattern.startswith(("(?P<", "(?P="), i):
            close = pattern.find(">" if pattern[i + 3] == "<" else ")", i)
            close = n - 1 if close < 0 else close
            out.append(pattern[i:close + 1])
            i = close + 1
            continue
        low = c.lower()
        out.append(low.translate(_SAME_LETTER) if len(low) == 1 else c)
        i += 1
    return "".join(out)


_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]*[i-]")  # inline flags: not worth reasoning about


def _caseless_tree(parsed: Any) -> bool:
    """True when the parsed pattern spells no upper-case letter (so without IGNORECASE it matches lower-cased text
    the same). Inline flags are refused before (`_INLINE_FLAGS`, in `compile_folded`)."""

    def ok_char(code: int) -> bool:
        c = chr(code)
        return c.lower() == c

    def walk(items: Any) -> bool:
        for op, av in items:
            if op in (LITERAL, NOT_LITERAL):
                if not ok_char(av):
                    return False
            elif op is IN:
                for sop, sav in av:
                    if sop is LITERAL and not ok_char(sav):
                        return False
                    if sop is RANGE:
                        lo, hi = sav
                        if hi - lo > 5000 or any(not ok_char(c) for c in range(lo, hi + 1)):
                            return False
            elif isinstance(av, (list, tuple)):
                for sub in av:
                    if isinstance(sub, sre_parse.SubPattern) and not walk(sub):
                        return False
                    if isinstance(sub, (list, tuple)):
                        for s2 in sub:
                            if isinstance(s2, sre_parse.SubPattern) and not walk(s2):
                                return False
            elif isinstance(av, sre_parse.SubPattern) and not walk(av):
                return False
        return True

    return walk(parsed)


class FoldedMatch:
    """A match over the lower-cased text, read from the original one."""

    __slots__ = ("_m", "string", "re")

    def __init__(self, m: re.Match[str], string: str, rx: "FoldedPattern") -> None:
        self._m, self.string, self.re = m, string, rx

    def _get(self, g: int | str) -> str | None:
        s, e = self._m.span(g)
        return None if s < 0 else self.string[s:e]

    def group(self, *groups: int | str) -> Any:
        if len(groups) <= 1:
            return self._get(groups[0] if groups else 0)
        return tuple(self._get(g) for g in groups)

    __getitem__ = _get

    def groups(self, default: Any = None) -> tuple[Any, ...]:
        return tuple(default if v is None else v for v in (self._get(i) for i in range(1, self._m.re.groups + 1)))

    def groupdict(self, default: Any = None) -> dict[str, Any]:
        return {k: (default if v is None else v) for k in self._m.re.groupindex for v in (self._get(k),)}

    def start(self, g: int | str = 0) -> int:
        return self._m.start(g)

    def end(self, g: int | str = 0) -> int:
        return self._m.end(g)

    def span(self, g: int | str = 0) -> tuple[int, int]:
        return self._m.span(g)

    @property
    def lastgroup(self) -> str | None:
        return self._m.lastgroup

    @property
    def lastindex(self) -> int | None:
        return self._m.lastindex

    @property
    def pos(self) -> int:
        return self._m.pos

    @property
    def endpos(self) -> int:
        return self._m.endpos

    def __repr__(self) -> str:
        return f"<FoldedMatch span={self.span()} match={self.group()!r}>"


_UNSET: Any = object()


class FoldedPattern:
    """An IGNORECASE pattern run as its case-sensitive twin over lower-cased text (see the module's docstring).

    Compiled at its first use: a lexicon holds hundreds of patterns, and a build of one short article meets
    a few of them (compiling them all took half a second of every such build)."""

    __slots__ = ("_cs", "_ci", "_need", "_lowered", "pattern", "_flags")

    def __init__(self, pattern: str, lowered: str, flags: int) -> None:
        self.pattern, self._lowered, self._flags = pattern, lowered, flags
        self._ci: re.Pattern[str] | None = None
        self._need: re.Pattern[str] | None = None
        self._cs: Any = _UNSET  # the folded twin; None when the pattern cannot be folded exactly

    def _twin(self) -> re.Pattern[str] | None:
        """The folded twin, compiled (and the pattern checked) at the first call. Threads racing here
        compile it twice at worst; the prefilter is set before the twin, so neither is seen half made."""
        cs = self._cs
        if cs is not _UNSET:
            return cs
        flags = self._flags & ~re.IGNORECASE
        try:
            tree = sre_parse.parse(self._lowered, flags)  # read once for both checks below
            cs = re.compile(self._lowered, flags) if _caseless_tree(tree) else None
        except re.error:
            cs = None
        if cs is None:
            self._plain()  # a bad pattern raises here, as re.compile would
        else:
            # The literal pieces one of which every match holds, as one plain alternation: a text without any
            # of them is passed over at the speed of a substring search.
            need = required_of(tree)
            self._need = re.compile("|".join(re.escape(n) for n in sorted(need))) if need else None
        self._cs = cs
        return cs

    def _plain(self) -> re.Pattern[str]:
        ci = self._ci
        if ci is None:
            ci = self._ci = re.compile(self.pattern, self._flags)
        return ci

    @property
    def flags(self) -> int:
        return self._plain().flags

    @property
    def groups(self) -> int:
        return self._plain().groups

    @property
    def groupindex(self) -> Any:
        return self._plain().groupindex

    def _one(self, run: Any, string: str, pos: int, endpos: int) -> Any:
        """`run` (re.Pattern.search, .match or .fullmatch) over the lower-cased text, read from the original."""
        cs = self._cs if self._cs is not _UNSET else self._twin()
        low = _lowered(string) if cs is not None else None
        if low is None:
            return run(self._plain(), string, pos, endpos)
        if self._need is not None and not self._need.search(low, pos, endpos):
            return None
        m = run(cs, low, pos, endpos)
        return None if m is None else FoldedMatch(m, string, self)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        return self._one(re.Pattern.search, string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        return self._one(re.Pattern.match, string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        return self._one(re.Pattern.fullmatch, string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[Any]:
        cs = self._cs if self._cs is not _UNSET else self._twin()
        low = _lowered(string) if cs is not None else None
        if cs is None or low is None:
            yield from self._plain().finditer(string, pos, endpos)
            return
        if self._need is not None and not self._need.search(low, pos, endpos):
            return
        for m in cs.finditer(low, pos, endpos):
            yield FoldedMatch(m, string, self)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        out = []
        for m in self.finditer(string, pos, endpos):
            out.append(m.group() if self.groups == 0 else m.group(1) if self.groups == 1 else m.groups(""))
        return out

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return self._plain().sub(repl, string, count)  # rare: the plain pattern, so a template reads the original text

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return self._plain().split(string, maxsplit)

    def __repr__(self) -> str:
        return f"folded({self.pattern!r})"


@lru_cache(maxsize=1024)  # like re.compile's own cache: patterns built per article are compiled once
def compile_folded(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """`re.compile`, run over lower-cased text when the pattern is case-insensitive and that is exact.

    Typed as a pattern: the folded one answers the same calls with match objects that read the same."""
    if flags & re.IGNORECASE and "\\N{" not in pattern and not _INLINE_FLAGS.search(pattern):
        # Whether it folds exactly is found at its first use (`FoldedPattern._twin`).
        return FoldedPattern(pattern, _lower_pattern(pattern), flags)  # type: ignore[return-value]
    return re.compile(pattern, flags)


# The module-level calls of `re`, over the same folded patterns: `fre.search(r"…", text, re.I)` where a
# pattern is written at its one point of use. A plain dict of compiled patterns answers faster than
# `re`'s own cache, and a case-insensitive pattern runs folded.
_compiled: dict[tuple[str, int], re.Pattern[str]] = {}


def _get(pattern: str, flags: int) -> re.Pattern[str]:
    rx = _compiled.get((pattern, flags))
    if rx is None:
        if len(_compiled) > 4096:
            _compiled.clear()
        rx = _compiled[(pattern, flags)] = compile_folded(pattern, flags) if flags & re.IGNORECASE else re.compile(pattern, flags)
    return rx


def search(pattern: str, string: str, flags: int = 0) -> Any:
    return _get(pattern, flags).search(string)


def match(pattern: str, string: str, flags: int = 0) -> Any:
    return _get(pattern, flags).match(string)


def fullmatch(pattern: str, string: str, flags: int = 0) -> Any:
    return _get(pattern, flags).fullmatch(string)


def finditer(pattern: str, string: str, flags: int = 0) -> Iterator[Any]:
    return _get(pattern, flags).finditer(string)


def findall(pattern: str, string: str, flags: int = 0) -> list[Any]:
    return _get(pattern, flags).findall(string)


def sub(pattern: str, repl: Any, string: str, count: int = 0, flags: int = 0) -> str:
    return _get(pattern, flags).sub(repl, string, count)


def split(pattern: str, string: str, maxsplit: int = 0, flags: int = 0) -> list[str]:
    return _get(pattern, flags).split(string, maxsplit)
