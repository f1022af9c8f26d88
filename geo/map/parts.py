"""The claims of the payload (``c``, ``a``, the string table, ``u``) put together from one part per place.

A part holds what the page needs of one place's claims, in ledger order, with its own small tables of strings
and articles, so it depends on nothing but that place's claims: a build keeps each place's part in the store
(`store.map_parts`) and works out again only the parts of the places whose claims it changed. Putting the parts
together is a few array operations over all claims (numpy), not a pass of Python per claim, and gives the bytes
`payload.build_payload` always gave: the same columns, strings interned in the same order (first use, claim by
claim: claimant, publisher, the article's URL host when the article is first cited, cue, then English cue and
language on a map with a quote not in English), articles and repeated sentences numbered by first use.

A part (JSON, as the store keeps it)::

    s  its strings (claimants, publishers, cues, English cues, languages), first used first; "" is 0
    a  its articles [name, url or null, title, published, local file name], first cited first
    t  day of each claim (`date.toordinal`), -1 undated     x  status * 4 + side
    w  claimant (s)   b  publisher (s)   q  cue (s)   g  English cue when it differs, else "" (s)   l  language (s)
    i  article (a)    e  evidence sentence    h  highlight pairs [start, length] in UTF-16 units, [-1, 0] when none
    r  citations
"""
from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .data import MapClaim
from .payload import CONTESTED, SIDES, STATUSES, _day, _hl, _split_url, _str, safe_url

VERSION = "1"  # of the part's layout: a store's parts of another version are made again
_STATUS = {st: i for i, st in enumerate(STATUSES)}
_SIDE = {sd: i for i, sd in enumerate(SIDES)}


def _ordinal(value: Any) -> int:
    d = _day(value)  # the payload's reading of a date: YYYY-MM-DD or nothing
    return -1 if d is None else d.toordinal()


def _order(days: list[int]) -> list[int]:
    return sorted(range(len(days)), key=lambda k: (days[k] < 0, days[k], k))


def ledger_order(claims: Sequence[MapClaim]) -> list[int]:
    """The order the page lists one place's claims in (given in input order): dated first, by day, then as given."""
    return _order([_ordinal(c.date) for c in claims])


def part_of(claims: Sequence[MapClaim], order: Sequence[int] | None = None) -> dict:
    """The part of these claims in this order: a place's in its `ledger_order`; None: as given (the unlocated
    claims, which the page lists in input order)."""
    rows = list(claims) if order is None else [claims[k] for k in order]
    days = [_ordinal(c.date) for c in rows]
    # The part's own string table, column by column: its order is the part's alone (the payload numbers strings
    # by first use over all parts).
    index: dict[str, int] = {"": 0}

    def intern(values: list) -> list[int]:
        return [index.setdefault(v if type(v) is str else _str(v), len(index)) for v in values]

    third = _SIDE["third_party"]
    articles: dict[tuple[str, str | None], int] = {}
    arts: list[list] = []
    col_i = []
    for c in rows:
        ai = articles.get((c.article, c.url))
        if ai is None:
            ai = articles[(c.article, c.url)] = len(arts)
            arts.append([c.article, c.url, _str(c.title), _str(c.published), _str(c.file)])
        col_i.append(ai)
    h: list[int] = []
    for c in rows:
        hl = _hl(c.evidence, c.hl)
        h.extend((hl[0], hl[1] - hl[0]) if hl else (-1, 0))
    return {
        "t": days, "x": [_STATUS.get(c.status, CONTESTED) * 4 + _SIDE.get(c.side, third) for c in rows],
        "w": intern([c.claimant for c in rows]), "b": intern([c.publisher for c in rows]),
        "q": intern([c.cue for c in rows]), "g": intern([c.cue_en if c.cue_en and c.cue_en != c.cue else "" for c in rows]),
        "l": intern([c.language for c in rows]), "i": col_i, "e": [c.evidence for c in rows], "h": h,
        "r": [max(0, c.citations) for c in rows], "a": arts, "s": list(index),
    }


def part_json(part: dict) -> str:
    return json.dumps(part, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Assembled(NamedTuple):
    """The claim columns (``c`` without ``k``), the article rows (``a``) and the string table as far as the claims
    fill it (the places' and towns' strings are interned after)."""

    columns: dict[str, list]
    articles: list[list]
    strings: list[str]


def day_range(parts: Sequence[dict]) -> tuple[_dt.date, _dt.date] | None:
    """The earliest and latest day of the parts' dated claims, or None when none is dated."""
    lo, hi = None, None
    for p in parts:
        dated = [d for d in p["t"] if d >= 0]
        if dated:
            lo = min(dated) if lo is None else min(lo, min(dated))
            hi = max(dated) if hi is None else max(hi, max(dated))
    return None if lo is None or hi is None else (_dt.date.fromordinal(lo), _dt.date.fromordinal(hi))


def assemble(located: Sequence[dict], unlocated: dict, first: _dt.date) -> Assembled:
    """The payload's claims from the located places' parts (in place order) and the unlocated claims' part."""
    parts = [*located, unlocated]
    sizes = np.array([len(p["x"]) for p in parts], dtype=np.int64)
    n = int(sizes.sum())
    # One table of the distinct strings and articles of all parts; each part's own indexes mapped into it.
    union: dict[str, int] = {"": 0}
    art_union: dict[tuple[str, str | None], int] = {}
    art_rows: list[list] = []
    s_maps, a_maps = [], []
    for p in parts:
        s_maps.append(np.array([union.setdefault(v, len(union)) for v in p["s"]], dtype=np.int64))
        amap = []
        for row in p["a"]:
            key = (row[0], row[1])
            j = art_union.get(key)
            if j is None:
                j = art_union[key] = len(art_rows)
                art_rows.append(row)
            amap.append(j)
        a_maps.append(np.array(amap, dtype=np.int64))

    def cat(col: str, maps: list | None = None) -> np.ndarray:
        arrays = [np.asarray(p[col], dtype=np.int64) for p in parts]
        if maps is not None:
            arrays = [m[a] if len(a) else a for m, a in zip(maps, arrays)]
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)

    w, b, q, g, lang = (cat(k, s_maps) for k in "wbqgl")
    art = cat("i", a_maps)
    foreign = bool(n) and bool(np.any(lang != union.get("en", -1)))

    # Articles numbered by first citation; the first claim citing one brings in its URL's host.
    uniq, first_at = np.unique(art, return_index=True)
    order = np.argsort(first_at, kind="stable")
    art_rank = np.empty(len(art_rows), dtype=np.int64)
    art_rank[uniq[order]] = np.arange(len(uniq))
    hosts = np.full(len(art_rows), 0, dtype=np.int64)
    rests: dict[int, str] = {}
    for j in uniq.tolist():
        host, rest = _split_url(safe_url(art_rows[j][1]))
        hosts[j] = union.setdefault(host, len(union))
        rests[j] = rest
    host_col = np.full(n, -1, dtype=np.int64)
    host_col[first_at] = hosts[uniq]

    # Strings numbered by first use, in the order the claim loop interned them.
    grid = [w, b, host_col, q] + ([g, lang] if foreign else [])
    flat = np.stack(grid, axis=1).reshape(-1) if n else np.zeros(0, dtype=np.int64)
    flat = flat[flat > 0]  # "" (0) is always 0; -1: no host to intern
    used, used_at = np.unique(flat, return_index=True)
    used = used[np.argsort(used_at, kind="stable")]
    rank = np.zeros(len(union), dtype=np.int64)
    rank[used] = np.arange(1, len(used) + 1)
    by_id = list(union)
    strings = [""] + [by_id[i] for i in used.tolist()]

    # Days: a delta to the previous dated claim of the same place; absolute for the unlocated ones.
    t = cat("t")
    day = np.where(t >= 0, t - first.toordinal(), -1)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    prev = np.concatenate([[0], day[:-1]]) if n else day
    prev[starts[sizes > 0]] = 0
    located_n = n - len(unlocated["x"])
    delta = np.where(t < 0, -1, day - prev)
    delta[located_n:] = day[located_n:]

    evid: list = []
    seen: dict[str, int] = {}
    for k, e in enumerate(e for p in parts for e in p["e"]):
        j = seen.setdefault(e, k)
        evid.append(e if j == k else j)
    rows: list[list] = []
    for j in uniq[order].tolist():
        name, url, title, published, file = art_rows[j]
        art_row: list = [name, int(rank[hosts[j]]), rests[j], title, published if _day(published) else "", file]
        while len(art_row) > 3 and art_row[-1] == "":
            art_row.pop()
        rows.append(art_row)
    columns: dict[str, list] = {
        "d": delta.tolist(), "x": cat("x").tolist(), "w": rank[w].tolist(), "b": rank[b].tolist(),
        "a": art_rank[art].tolist(), "e": evid, "h": [v for p in parts for v in p["h"]], "r": cat("r").tolist(),
        "q": rank[q].tolist(),
    }
    if foreign:
        columns["g"], columns["l"] = rank[g].tolist(), rank[lang].tolist()
    return Assembled(columns, rows, strings)
