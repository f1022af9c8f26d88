"""Choose one place for each mention (homonyms: Lyubimovka, Viktorovka, Martynovka, Popovka…).

Evidence, in order: a raion named near the mention ("in the Sudzha district"), an oblast named near it
("Belgorod region"), the distance to the other places the article names unambiguously, the theatre's core
raions as the prior, population last. The candidates and the reason stay on the mention.

Every mention leaves this stage with its `Place`: the chosen gazetteer entry, or for a name the gazetteer
lacks a stand-in under an `unlocated:` id, kept so that its claims survive, and drawn at its raion's
representative point when the text names the raion nearby.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import replace
from functools import lru_cache
from importlib import resources

from .. import folded as fre
from ..folded import compile_folded
from ..normalize import place_slug
from ..normalize import fold_name
from ..records import Mention, Place
from ..text import detect_language
from .morph import nominative
from .gazetteer import THEATRE_OBLASTS, Gazetteer

CORE_RAIONS = {"Sudzhansky": 3, "Korenevsky": 3, "Glushkovsky": 2, "Belovsky": 2, "Bolshesoldatsky": 2,
               "Lgovsky": 1, "Rylsky": 1, "Krasnoyaruzhsky": 1, "Graivoronsky": 1, "Sumy": 1}
CONTEXT_WINDOW = 250
UNLOCATED = "unlocated:"  # the id prefix of a settlement the gazetteer lacks
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@lru_cache(maxsize=1)
def _aliases() -> tuple[tuple[re.Pattern[str], dict[str, str]], tuple[re.Pattern[str], dict[str, str]]]:
    """One alternation regex per kind (raion, oblast) and the folded alias → name table behind it."""
    def load(name: str, key: str) -> tuple[re.Pattern[str], dict[str, str]]:
        text = resources.files("geo.places").joinpath("data", name).read_text(encoding="utf-8")
        names: dict[str, str] = {}
        for row in csv.DictReader(text.splitlines()):
            for alias in row["aliases"].split("|"):
                names.setdefault(alias.lower(), row[key])
        ordered = sorted(names, key=len, reverse=True)  # longest alias first
        return compile_folded(r"\b(?:" + "|".join(re.escape(a) for a in ordered) + r")\b", re.IGNORECASE), names

    return load("raion_aliases.csv", "raion"), load("oblast_aliases.csv", "oblast")


def named_raions(text: str) -> list[tuple[int, str]]:
    rx, names = _aliases()[0]
    return [(m.start(), names[m.group(0).lower()]) for m in rx.finditer(text)]


_LOCATIVE = compile_folded(r"(?:\b(?:in|into|of|from|across|near)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}|,\s*)$", re.I)


def named_oblasts(text: str) -> list[tuple[int, str]]:
    """Oblasts named as the location of something ("in Russia's Kursk region", "X, Sumy region"), not as a neighbour."""
    rx, names = _aliases()[1]
    return [(m.start(), names[m.group(0).lower()]) for m in rx.finditer(text)
            if _LOCATIVE.search(text[max(0, m.start() - 40):m.start()])]


def near(items: list[tuple[int, str]], pos: int, text: str | None = None) -> list[str]:
    """Values named within the window around `pos`, nearest first; with `text`, only in the same sentence."""
    close = []
    for p, v in items:
        if abs(p - pos) > CONTEXT_WINDOW:
            continue
        lo, hi = sorted((p, pos))
        if text is not None and fre.search(r"[.!?][\s\n]+[A-Z\"“]", text[lo:hi]):
            continue
        close.append((abs(p - pos), v))
    return [v for _, v in sorted(close)]


def _prior(p: Place) -> tuple:
    return (not p.in_theatre, -CORE_RAIONS.get(p.raion, 0), -(p.population or 0),
            {"point": 0, "approximate": 1, "area": 2}.get(p.precision, 3), p.id)


FUZZY_REACH_KM = 40  # a garble's place lies this close to another place its article names


def resolve_mentions(gaz: Gazetteer, text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions of `text`, each with its place."""
    raions, oblasts = named_raions(text), named_oblasts(text)
    out = []
    chosen = _chosen(gaz, mentions, oblasts, text, raions)
    lang = ""
    for m in _fitting(gaz, chosen):
        if m.place_id is not None:
            out.append(m.placed(gaz.places[m.place_id]))
        else:
            if not lang and _CYRILLIC.search(m.text):
                lang = detect_language(text)  # once per article, and only for a Cyrillic name to inflect
            out.append(m.placed(unlocated_place(gaz, m, raions, lang)))
    return out


_UA_OBLASTS = {"Sumy Oblast", "Kharkiv Oblast", "Donetsk Oblast", "Chernihiv Oblast"}


def country_of_name(gaz: Gazetteer, name: str) -> str | None:
    """ "RU" or "UA" for a place a title names ("Sumy Governor", "the Kursk region's governor"): an oblast by
    the first word of one of its names, else a town the gazetteer places in one country only."""
    key = name.lower().strip("'’s")
    for alias, oblast in _aliases()[1][1].items():
        if alias.split()[0] == key:
            return "UA" if oblast in _UA_OBLASTS else "RU"
    countries = {gaz.places[i].country for i in gaz.names.get(fold_name(name), ()) if gaz.places[i].in_theatre}
    return next(iter(countries)) if len(countries) == 1 else None


def unlocated_place(gaz: Gazetteer, m: Mention, raions: list[tuple[int, str]], lang: str = "") -> Place:
    """The stand-in for a name the gazetteer lacks (`raions`: the raions the text names, with their offsets):
    out of the theatre when the text places it elsewhere, at its raion when one is named nearby. A Cyrillic
    name is named in the nominative (`lang`: the article's language), so "освобождении Вишневки" and
    "бои за Вишневку" are one place, and `geo claims Вишневка` finds it."""
    name, name_ru, name_uk = m.text, "", ""
    if _CYRILLIC.search(name):
        tongue = lang if lang in ("ru", "uk") else ("uk" if fre.search(r"[іїєґІЇЄҐ]", name) else "ru")
        name = nominative(name, tongue)
        name_ru, name_uk = (name, "") if tongue == "ru" else ("", name)
    pid = UNLOCATED + place_slug(name)
    if m.reason.startswith("outside the theatre"):
        return Place(id=pid, name_en=name, precision="unlocated", precision_source=m.reason, in_theatre=False,
                     name_ru=name_ru, name_uk=name_uk)
    for raion in near(raions, m.start):
        if raion in gaz.area_points:
            oblast, lat, lon = gaz.area_points[raion]
            return Place(id=pid, name_en=name, lat=lat, lon=lon, oblast=oblast, raion=raion, precision="area",
                         precision_source=f"{raion} raion named near it in {m.article}; not in the gazetteer",
                         name_ru=name_ru, name_uk=name_uk)
    return Place(id=pid, name_en=name, precision="unlocated", precision_source="named in the text; not in the gazetteer",
                 name_ru=name_ru, name_uk=name_uk)


def _chosen(gaz: Gazetteer, mentions: list[Mention], oblasts: list[tuple[int, str]], text: str,
            raions: list[tuple[int, str]]) -> list[Mention]:
    """The mentions with their chosen candidate (none for a name the gazetteer lacks or one out of the theatre)."""
    # Anchors: places the article names with only one in-theatre candidate.
    anchors: list[Place] = []
    for m in mentions:
        cands = [gaz.places[c] for c in m.candidates if gaz.places[c].in_theatre]
        if len(cands) == 1 and cands[0].lat is not None and cands[0].precision != "area":
            anchors.append(cands[0])
    out = []
    for m in mentions:
        named = near(oblasts, m.start, text)  # oblasts named in the mention's sentence, nearest first
        if not m.candidates:
            if named and named[0] not in THEATRE_OBLASTS:
                m = replace(m, reason=f"outside the theatre: {named[0]} named nearby")
            out.append(m)
            continue
        cands = [gaz.places[c] for c in m.candidates]
        if named and named[0] not in THEATRE_OBLASTS and not any(c.oblast == named[0] for c in cands):
            # "captured Novodmytrivka in eastern Ukraine's Donetsk region": a homonym outside the theatre.
            out.append(replace(m, candidates=(), place_id=None, reason=f"outside the theatre: {named[0]} named nearby"))
            continue
        where = _oblast_after(oblasts, m, text)
        if where in THEATRE_OBLASTS and not any(c.oblast == where for c in cands):
            # "Vorozhba … in Russia's Kursk Oblast" when the gazetteer's only Vorozhba is in Sumy: another one.
            out.append(replace(m, candidates=(), place_id=None,
                               reason=f"a namesake in {where}, which the gazetteer lacks"))
            continue
        if len(cands) == 1:
            out.append(m.chosen(cands[0].id, m.reason or "only candidate"))
            continue
        chosen, reason = _choose(cands, m, raions, named, anchors)
        out.append(m.chosen(chosen.id, (m.reason + "; " if m.reason else "") + reason))
    return out


def _fitting(gaz: Gazetteer, mentions: list[Mention]) -> list[Mention]:
    """A fuzzy guess must fit its article's geography: its place within FUZZY_REACH_KM of a place the article
    names by an exact spelling. One that does not is a name the gazetteer lacks (in a settlement slot: an
    unlocated mention; elsewhere no mention)."""
    sure = [gaz.places[m.place_id] for m in mentions if m.place_id and not m.reason.startswith("fuzzy")]
    sure = [p for p in sure if p.in_theatre and p.lat is not None and p.precision != "area"]
    out = []
    for m in mentions:
        if m.reason.startswith("fuzzy") and m.place_id and (sure or _fuzzy_cost(m.reason) > 0.5):
            # With nothing else named, only a one-vowel slip is taken on its own word ("Koronevo").
            p = gaz.places[m.place_id]
            if p.lat is None or not sure or min(_km(p.lat, p.lon, a.lat, a.lon) for a in sure) > FUZZY_REACH_KM:
                if "settlement slot" in m.reason:
                    out.append(replace(m, candidates=(), place_id=None,
                                       reason="capitalised name in a settlement slot (no gazetteer name near it)"))
                continue
        out.append(m)
    return out


def _fuzzy_cost(reason: str) -> float:
    m = fre.search(r"\(cost ([\d.]+)\)", reason)
    return float(m.group(1)) if m else 0.0


_IN_OBLAST_AFTER = compile_folded(r"^[^.!?\n]{0,80}?(?:\bin|\bof|,)\s+(?:the\s+|Russia['’]s\s+|Ukraine['’]s\s+)?$", re.I)


def _oblast_after(oblasts: list[tuple[int, str]], m: Mention, text: str) -> str | None:
    """An oblast named as where the place is, right after it in its sentence ("Vorozhba … in Russia's Kursk
    Oblast", "Поповка Белгородской области")."""
    for pos, oblast in oblasts:
        if m.end <= pos <= m.end + 100 and _IN_OBLAST_AFTER.match(text[m.end:pos]) or m.end <= pos <= m.end + 2:
            return oblast
    return None


def _km(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float:
    """Great-circle km: geopy's `great_circle` formula and Earth radius, written out (its Point objects cost more
    than the arithmetic, once per pair of candidate and place named). Callers pass located places only."""
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        raise ValueError("a distance needs two located points")
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2) - math.radians(lon1)
    s1, c1, s2, c2 = math.sin(p1), math.cos(p1), math.sin(p2), math.cos(p2)
    cd, sd = math.cos(dl), math.sin(dl)
    d = math.atan2(math.sqrt((c2 * sd) ** 2 + (c1 * s2 - s1 * c2 * cd) ** 2), s1 * s2 + c1 * c2 * cd)
    return _EARTH_RADIUS_KM * d


_EARTH_RADIUS_KM = 6371.009  # geopy.distance.EARTH_RADIUS


def _choose(cands: list[Place], m: Mention, raions, named_oblasts: list[str], anchors) -> tuple[Place, str]:
    for raion in near(raions, m.start):
        hit = [c for c in cands if c.raion == raion]
        if hit:
            return min(hit, key=_prior), f"{raion} raion named nearby"
    for oblast in named_oblasts:
        hit = [c for c in cands if c.oblast == oblast]
        if hit and len(hit) < len(cands):
            return min(hit, key=_prior), f"{oblast} named nearby"
    ids = {c.id for c in cands}
    # The other places the article names (at most 12 distinct ones; great-circle distance is plenty to rank by).
    others = list({a.id: a for a in anchors if a.id not in ids}.values())[:12]
    located = [c for c in cands if c.lat is not None]
    if others and located:
        mean_km = {c.id: sum(_km(c.lat, c.lon, a.lat, a.lon) for a in others) / len(others) for c in located}
        best = min(located, key=lambda c: (round(mean_km[c.id]), _prior(c)))
        return best, f"nearest to the other places named ({mean_km[best.id]:.0f} km on average)"
    best = min(cands, key=_prior)
    return best, "theatre prior (core raions first, then population)"
