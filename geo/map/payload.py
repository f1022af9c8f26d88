"""The map page's payload: the map data turned into compact, column-oriented, deterministic JSON.

    payload_json(build_payload(data, base_layers))   # data: a `geo.map.data.MapData`

* Claims are sorted here by (place, day, input order) and shipped column-wise; the browser
  decodes them once at load into, for every place and side, the sorted list of claim days and
  the status holding from each (a status holds until the next dated claim of that side for
  that place; one side saying two things on one day is "contested" that day).  Each slider
  step binary-searches those lists and restyles only the markers whose state changed.
* Dates travel as ``YYYY-MM-DD`` strings and integer day indexes (days since ``first``); the
  page never builds a ``Date`` object, so the shown date cannot shift with the time zone.
* All text is untrusted: the data sits in ``<script type="application/json">`` with ``<``,
  ``>``, ``&``, U+2028 and U+2029 escaped, is read with ``JSON.parse`` and reaches the DOM
  through ``textContent`` only.  URLs other than http(s) are dropped here and again in the page.
* Output is byte-identical for identical input: sorted JSON keys, no timestamps.

Payload layout (``v`` 3; column-oriented so a claim costs its text plus a few small integers;
decoded by ``GeoClaims.App`` in ``templates/map_core.js``)::

    first, last, n (days on the slider), stale
    s: string table (claimants, publishers, cues, oblasts, raions, precision notes); "" is 0
    p: per place [name_en, name_ru, name_uk, lat, lon, precision(0 point|1 approximate|2 area),
        note(s), oblast(s), raion(s), slug, [extra spellings for search]]
    c: claims sorted by (place, day, input order); unlocated claims last, in input order:
        k  claims per place (place i owns the next k[i] claims; what is left is unlocated)
        d  day: delta to the previous dated claim of the same place (absolute for unlocated), -1 undated
        x  status * 4 + side (SIDES)  w  claimant (s)     b  publisher (s)    q  cue (s)
        a  article (index into a)     r  citations (outlets repeating it)
        e  evidence sentence, or the index of an earlier claim with the same sentence
        h  highlight pairs [start, length] in UTF-16 units, [-1, 0] when none
    a: articles [name, url scheme://host (s; 0 = no URL), rest of the URL, title, published, local file name]
        (trailing empty fields left out)
    u: [name, [claim indexes]] (named but not located)
    t: gazetteer places with no claim, largest first [name_en, name_ru, name_uk, lat, lon, population, raion(s),
        oblast(s)] (labels by size, search "no claims yet")
    b: {oblasts, raions} GeoJSON; border, rivers: MultiLineString coordinates (gazetteer/orientation.json)
    r: reference layers, only when one is registered (layout in geo/map/reference.py)
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import math
import re
import unicodedata
from typing import Any

from ..normalize import place_slug
from .data import MapClaim, MapData, MapPlace, Unlocated

SIDES = ("russia", "ukraine", "third_party", "unknown")  # the page shows the last two under one toggle
STATUSES = ("russia", "ukraine", "contested")
PRECISIONS = ("point", "approximate", "area")
CONTESTED = STATUSES.index("contested")

__all__ = ["build_payload", "payload_json", "normalise_spelling"]


# ---------------------------------------------------------------- helpers
_COMBINING = re.compile("[\u0300-\u036f]")
_APOS = re.compile("['\u2019\u02bc`\u2018]")
_SEP = re.compile(r"[\s\-\u2010-\u2015_.,]+")


def normalise_spelling(text: str) -> str:
    """Search key; mirrors ``GeoClaims.norm`` in map_core.js exactly."""
    t = _COMBINING.sub("", unicodedata.normalize("NFKD", str(text))).lower()
    return _SEP.sub(" ", _APOS.sub("", t)).strip()


def _day(value: Any) -> _dt.date | None:
    return _parse_day(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=4096)
def _parse_day(value: str) -> _dt.date | None:
    value = value.strip()
    try:
        return _dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


_URL_OK = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


def safe_url(url: Any) -> str | None:
    return _safe_url(url) if isinstance(url, str) else None


_PLAIN_URL = re.compile(r"https?://[!$%&'()*+,\-.0-9:;=A-Z_a-z~]+(?:[/?#][\x21-\x7e]*)?", re.IGNORECASE)


@functools.lru_cache(maxsize=65536)
def _safe_url(url: str) -> str | None:
    """Only absolute http(s) URLs survive; relative paths, javascript:, data:, whitespace tricks -> None."""
    u = url.strip()
    if _PLAIN_URL.fullmatch(u):
        # Printable ASCII with a plain host: what urlsplit would accept (the slow check below, once per article,
        # was a tenth of a 100,000-article map).
        return u
    if not _URL_OK.fullmatch(u):
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(u)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return u


def _split_url(url: str | None) -> tuple[str, str]:
    """'https://host/path?q' -> ('https://host', '/path?q'); None -> ('', '')."""
    if not url:
        return "", ""
    cut = url.find("/", url.index("//") + 2)
    return (url, "") if cut < 0 else (url[:cut], url[cut:])


def _utf16_offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def _hl(evidence: str, hl: Any) -> list[int] | None:
    try:
        a, b = int(hl[0]), int(hl[1])
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    if not (0 <= a < b <= len(evidence)):
        return None
    if evidence.isascii():
        return [a, b]
    return [_utf16_offset(evidence, a), _utf16_offset(evidence, b)]


def _num(x: Any, default: float = 0.0) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return default
    return round(v, 6) if math.isfinite(v) else default


def _str(x: Any) -> str:
    return "" if x is None else str(x)


class _Interner:
    def __init__(self, table: list[str] | None = None) -> None:
        self.table: list[str] = list(table or [""])
        self.index: dict[str, int] = {s: i for i, s in enumerate(self.table)}

    def __call__(self, s: Any) -> int:
        i = self.index.get(s) if type(s) is str else None
        if i is not None:
            return i
        s = _str(s)
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.table)
            self.table.append(s)
        return i


def _unique_slugs(places: list[MapPlace]) -> list[str]:
    """The URL-hash slug of each place (`#2025-03-13/sudzha`): its name's `place_slug`, told apart from a
    namesake by its raion, then by a number."""
    slugs: list[str] = []
    used: set[str] = set()
    for i, pl in enumerate(places):
        base = place_slug(pl.name_en or pl.name_ru or pl.name_uk or "")
        if not base:
            base = "place-" + (place_slug(pl.id) or str(i))
        cand = base
        if cand in used:
            cand = f"{base}-{place_slug(pl.raion)}".strip("-")
        n = 2
        while cand in used:
            cand = f"{base}-{n}"
            n += 1
        used.add(cand)
        slugs.append(cand)
    return slugs


# ---------------------------------------------------------------- payload
def build_payload(data: MapData, base_layers: dict | None = None) -> dict:
    """Turn the map data into the compact page payload (layout: module docstring)."""
    from .parts import assemble

    first, last = _day_range(data)
    places = _places(data.places)
    located, unplaced, position = _claims(data, len(places))
    claims = assemble(located, unplaced, first)
    strings = _Interner(claims.strings)
    # place strings go in after the claims' so the per-claim indexes stay short
    for row in places:
        row[6:9] = [strings(row[6]), strings(row[7]), strings(row[8])]
    towns = [[t.name_en, t.name_ru, t.name_uk, _num(t.lat), _num(t.lon), max(0, int(t.population or 0)),
              strings(t.raion), strings(t.oblast)] for t in data.towns]
    base_layers = base_layers or {}
    outlines = {k: base_layers.get(k) or {"type": "FeatureCollection", "features": []} for k in ("oblasts", "raions")}
    for k in ("border", "rivers"):  # the orientation lines, when the gazetteer has them
        if base_layers.get(k):
            outlines[k] = base_layers[k]
    out = {
        "v": 3, "first": first.isoformat(), "last": last.isoformat(), "n": (last - first).days + 1,
        "stale": int(data.stale_days or 30), "s": strings.table, "p": places,
        "c": {"k": [len(p["x"]) for p in located], **claims.columns}, "a": claims.articles,
        "u": _unlocated(data.unlocated, position), "b": outlines, "t": towns,
    }
    if data.references:  # only a registered layer changes the page (geo/map/reference.py)
        out["r"] = [ref.payload for ref in data.references]
    return out


def _day_range(data: MapData) -> tuple[_dt.date, _dt.date]:
    """The slider's first and last day: the data's own (the pipeline gives both), else the claims' range."""
    first, last = _day(data.first), _day(data.last)
    if first is None or last is None or last < first:
        dated = {d for d in map(_day, {c.date for c in data.claims}) if d is not None}
        if data.parts is not None:
            from .parts import day_range

            dated |= set(day_range(data.parts) or ())
        if first is None:
            first = min(dated) if dated else _dt.date(1970, 1, 1)
        if last is None or last < first:
            last = max(first, max(dated)) if dated else first
    return first, last


def _places(places: list[MapPlace]) -> list[list]:
    """One row per place (``p`` in the layout), with its note, oblast and raion still as text."""
    slugs = _unique_slugs(places)
    rows: list[list] = []
    for i, pl in enumerate(places):
        prec = pl.precision or "point"
        names = [pl.name_en, pl.name_ru, pl.name_uk]
        # search index: the browser normalises names + extra spellings with GeoClaims.norm (which
        # mirrors normalise_spelling); spellings adding no new key for this place are left out
        keys = {normalise_spelling(n) for n in names if n}
        extra = []
        for sp in pl.spellings:
            if not sp:
                continue
            k = normalise_spelling(sp)
            if k and k not in keys:
                keys.add(k)
                extra.append(sp)
        rows.append([
            *names, _num(pl.lat), _num(pl.lon),
            PRECISIONS.index(prec) if prec in PRECISIONS else 1,
            pl.precision_note, pl.oblast, pl.raion, slugs[i], extra,
        ])
    return rows


def _claims(data: MapData, n_places: int) -> tuple[list[dict], dict, list[int]]:
    """The located places' parts (`geo.map.parts`, in place order), the unlocated claims' part, and for each claim
    of `data.claims` its index in the payload's claim order."""
    from .parts import ledger_order, part_of

    claims = data.claims
    if data.parts is not None:  # a store's parts, with only the unlocated claims in `claims`
        located = list(data.parts)
        at = sum(len(p["x"]) for p in located)
        return located, part_of(claims), list(range(at, at + len(claims)))
    groups: list[list[int]] = [[] for _ in range(n_places)]
    unplaced: list[int] = []
    for i, c in enumerate(claims):
        (groups[c.place] if c.place is not None and 0 <= c.place < n_places else unplaced).append(i)
    located, position, at = [], [0] * len(claims), 0
    for group in groups:
        mine = [claims[i] for i in group]
        order = ledger_order(mine)
        for k in order:
            position[group[k]] = at
            at += 1
        located.append(part_of(mine, order))
    for i in unplaced:
        position[i] = at
        at += 1
    return located, part_of([claims[i] for i in unplaced]), position


def _unlocated(unlocated: list[Unlocated], position: list[int]) -> list[list]:
    """``u``: each unlocated name with its claims' indexes in the payload's claim order."""
    return [[u.name, sorted({position[i] for i in u.claims if 0 <= i < len(position)})] for u in unlocated]


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def payload_json(payload: dict) -> str:
    """Deterministic JSON, safe inside <script type="application/json">."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


