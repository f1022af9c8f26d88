"""The map page: one self-contained, offline, deterministic HTML file.

    render_map(data, out_path, base_layers)

``data`` is the plain dict built by the pipeline (see the contract in the module docs below);
``base_layers`` holds the simplified oblast / raion outlines drawn as always-on layers.

Design
------
* folium builds the page (``OfflineMap`` + one ``MacroElement`` per control, see
  ``geo/map_controls.py``) but none of folium's CDN links are emitted: Leaflet 1.9.4 is
  vendored in ``geo/vendor/leaflet`` and inlined, so the page makes no request at all unless
  the reader ticks "OpenStreetMap tiles (online)".
* Everything is precomputed here once: for every place and side, the sorted list of claim days
  and the status holding from each (a status holds until the next dated claim of that side for
  that place).  The browser binary-searches those lists on each slider step and restyles only
  the markers whose state changed.
* Dates travel as ``YYYY-MM-DD`` strings and integer day indexes (days since ``first``); the
  page never builds a ``Date`` object, so the shown date cannot shift with the time zone.
* All text is untrusted: the data sits in ``<script type="application/json">`` with ``<``,
  ``>``, ``&``, U+2028 and U+2029 escaped, is read with ``JSON.parse`` and reaches the DOM
  through ``textContent`` only.  URLs other than http(s) are dropped here and again in the page.
* Output is byte-identical for identical input: fixed element ids, sorted JSON keys, no
  timestamps.

Payload layout (compact arrays; indexes are documented in ``templates/map_core.js``)::

    first, n (days on the slider), stale, s (string table: claimants, publishers, cues),
    p: [name_en, name_ru, name_uk, lat, lon, precision(0 point|1 approximate|2 area),
        precision_note, oblast, raion, slug]
    iv: per place [days_side0, statuses_side0, days_side1, statuses_side1, days_side2, statuses_side2]
    c: [place|null, day|null, status, side, claimant(s), publisher(s), article, url|null,
        evidence, [hl0, hl1] (UTF-16 offsets)|null, citations, cue(s)]
    u: [name, [claim indexes]]
    q: [normalised spelling, place, spelling] sorted (search index)
    b: {oblasts, raions} GeoJSON
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable

import folium

from geo import map_controls as mc

SIDES = ("russia", "ukraine", "third_party")
STATUSES = ("russia", "ukraine", "contested")
PRECISIONS = ("point", "approximate", "area")
CONTESTED = STATUSES.index("contested")

__all__ = ["render_map", "build_payload", "payload_json", "slugify", "normalise_spelling"]


# ---------------------------------------------------------------- helpers
def slugify(text: str) -> str:
    """ASCII slug of ``text`` ('Sudzha' -> 'sudzha'); '' if nothing ASCII is left."""
    t = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-")


_COMBINING = re.compile("[\u0300-\u036f]")
_APOS = re.compile("['\u2019\u02bc`\u2018]")
_SEP = re.compile(r"[\s\-\u2010-\u2015_.,]+")


def normalise_spelling(text: str) -> str:
    """Search key; mirrors ``GeoClaims.norm`` in map_core.js exactly."""
    t = _COMBINING.sub("", unicodedata.normalize("NFKD", str(text))).lower()
    return _SEP.sub(" ", _APOS.sub("", t)).strip()


def _day(value: Any) -> _dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return _dt.date.fromisoformat(value.strip()[:10]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()) else None
    except ValueError:
        return None


_URL_OK = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


def safe_url(url: Any) -> str | None:
    """Only absolute http(s) URLs survive; javascript:, data:, relative, whitespace tricks -> None."""
    if not isinstance(url, str):
        return None
    u = url.strip()
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


def _utf16_offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def _hl(evidence: str, hl: Any) -> list[int] | None:
    try:
        a, b = int(hl[0]), int(hl[1])
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    if not (0 <= a < b <= len(evidence)):
        return None
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
    def __init__(self) -> None:
        self.index: dict[str, int] = {"": 0}
        self.table: list[str] = [""]

    def __call__(self, s: Any) -> int:
        s = _str(s)
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.table)
            self.table.append(s)
        return i


def _unique_slugs(places: list[dict]) -> list[str]:
    slugs: list[str] = []
    used: set[str] = set()
    for i, pl in enumerate(places):
        base = slugify(pl.get("name_en") or pl.get("name_ru") or pl.get("name_uk") or "")
        if not base:
            base = "place-" + (slugify(_str(pl.get("id"))) or str(i))
        cand = base
        if cand in used:
            cand = f"{base}-{slugify(_str(pl.get('raion')))}".strip("-")
        n = 2
        while cand in used:
            cand = f"{base}-{n}"
            n += 1
        used.add(cand)
        slugs.append(cand)
    return slugs


# ---------------------------------------------------------------- payload
def build_payload(data: dict, base_layers: dict | None = None) -> dict:
    """Turn the pipeline's ``data`` dict into the compact, precomputed page payload."""
    places_in = list(data.get("places") or [])
    claims_in = list(data.get("claims") or [])
    first = _day(data.get("first"))
    last = _day(data.get("last"))
    dated = sorted(d for d in (_day(c.get("date")) for c in claims_in) if d is not None)
    if first is None:
        first = dated[0] if dated else _dt.date(1970, 1, 1)
    if last is None or last < first:
        last = max(first, dated[-1]) if dated else first
    n_days = (last - first).days + 1
    stale = int(data.get("stale_days") or 30)

    S = _Interner()
    slugs = _unique_slugs(places_in)
    P = []
    for i, pl in enumerate(places_in):
        prec = pl.get("precision") or "point"
        P.append([
            _str(pl.get("name_en")), _str(pl.get("name_ru")), _str(pl.get("name_uk")),
            _num(pl.get("lat")), _num(pl.get("lon")),
            PRECISIONS.index(prec) if prec in PRECISIONS else 1,
            _str(pl.get("precision_note")), _str(pl.get("oblast")), _str(pl.get("raion")),
            slugs[i],
        ])

    C = []
    # per place, per side: {day: set(status)}
    per: list[list[dict[int, set[int]]]] = [[{}, {}, {}] for _ in P]
    for ci, c in enumerate(claims_in):
        place = c.get("place")
        if not (isinstance(place, int) and not isinstance(place, bool) and 0 <= place < len(P)):
            place = None
        d = _day(c.get("date"))
        day = (d - first).days if d is not None else None
        status = STATUSES.index(c["status"]) if c.get("status") in STATUSES else CONTESTED
        side = SIDES.index(c["side"]) if c.get("side") in SIDES else SIDES.index("third_party")
        evidence = _str(c.get("evidence"))
        try:
            citations = max(0, int(c.get("citations") or 0))
        except (TypeError, ValueError):
            citations = 0
        C.append([
            place, day, status, side, S(c.get("claimant")), S(c.get("publisher")),
            _str(c.get("article")), safe_url(c.get("url")), evidence,
            _hl(evidence, c.get("hl")), citations, S(c.get("cue")),
        ])
        if place is not None and day is not None:
            per[place][side].setdefault(day, set()).add(status)

    IV = []
    for sides in per:
        row: list[list[int]] = []
        for by_day in sides:
            days = sorted(by_day)
            # one side saying two different things on one day: contested that day
            sts = [next(iter(by_day[d])) if len(by_day[d]) == 1 else CONTESTED for d in days]
            row += [days, sts]
        IV.append(row)

    U = []
    for u in data.get("unlocated") or []:
        idx = sorted({i for i in (u.get("claims") or []) if isinstance(i, int) and 0 <= i < len(C)})
        U.append([_str(u.get("name")), idx])

    Q: dict[tuple[str, int], str] = {}
    for i, pl in enumerate(places_in):
        names: Iterable[Any] = [pl.get("name_en"), pl.get("name_ru"), pl.get("name_uk"), *(pl.get("spellings") or [])]
        for s in names:
            if not s:
                continue
            key = normalise_spelling(s)
            if key and (key, i) not in Q:
                Q[(key, i)] = _str(s)
    q = sorted([k[0], k[1], v] for k, v in Q.items())

    base_layers = base_layers or {}
    B = {k: base_layers.get(k) or {"type": "FeatureCollection", "features": []} for k in ("oblasts", "raions")}

    return {
        "v": 1, "first": first.isoformat(), "last": last.isoformat(), "n": n_days, "stale": stale,
        "s": S.table, "p": P, "iv": IV, "c": C, "u": U, "q": q, "b": B,
    }


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def payload_json(payload: dict) -> str:
    """Deterministic JSON, safe inside <script type="application/json">."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


# ---------------------------------------------------------------- page
def build_figure(data: dict, base_layers: dict | None = None) -> folium.Figure:
    payload = build_payload(data, base_layers)
    fig = folium.Figure(title="Reported control: dated, sourced claims")
    fig._id = "gc_figure"
    m = mc.OfflineMap(location=[49.0, 33.0], zoom_start=6, control_scale=True, prefer_canvas=False)
    m.add_to(fig)
    mc.InlineAssets().add_to(m)
    app = mc.ClaimsApp(payload_json(payload)).add_to(m)
    for ctl in (
        mc.TimeSlider(app),
        mc.Counts(app),
        mc.SearchBox(app),
        mc.SideToggles(app),
        mc.UnlocatedPanel(app),
        mc.Legend(app, stale_days=payload["stale"]),
        mc.LedgerPanel(app),
        mc.Boot(app),
    ):
        ctl.add_to(m)
    return fig


def render_html(data: dict, base_layers: dict | None = None) -> str:
    return build_figure(data, base_layers).render()


def render_map(data: dict, out_path: Path, base_layers: dict) -> None:
    """Write the self-contained map page for ``data`` to ``out_path``."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(render_html(data, base_layers).encode("utf-8"))
