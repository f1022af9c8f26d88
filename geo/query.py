"""Queries behind `geo claims` and `geo resolve`: one look-up of a name for both.

A name is looked up, in this order: as an id (`gn:486816`); as a spelling of the gazetteer or of the store (which
keeps the places the articles named that the gazetteer lacks); as `NAME (Raion)` or `NAME (Oblast)`, which picks a
homonym; through its romanisation skeleton (Hornal, Gornal). A name found nowhere gets suggestions, one per
place ("Sudzha (Sudzhansky, Kursk)"). `geo claims` reads the store first, so a cold query does not load the
gazetteer unless the store does not know the name.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
import sqlite3
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from . import store
from .normalize import fold_name, skeleton
from .store import claims_for, connect

WIDTH = 100  # the claims table fits a 100-column terminal
SIDE_WORDS = {"russia": "Russian side", "ukraine": "Ukrainian side", "third_party": "third party",
              "unknown": "side not stated"}
STATUS_WORDS = {"russia": "Russian control", "ukraine": "Ukrainian control", "contested": "contested"}
_QUALIFIED = re.compile(r"^(?P<name>.+?)\s*\((?P<where>[^()]+)\)\s*$")
_AREA_WORDS = re.compile(r"\b(?:raion|rayon|district|oblast|region|okrug|area|municipal)\b")


@dataclass(frozen=True)
class PlaceRef:
    """A place a name can mean, from the gazetteer or the store."""

    id: str
    name_en: str
    name_ru: str = ""
    name_uk: str = ""
    lat: float | None = None
    lon: float | None = None
    raion: str = ""
    oblast: str = ""
    precision: str = "point"
    in_theatre: bool = True
    in_gazetteer: bool = True
    precision_source: str = ""

    def label(self, with_coordinate: bool = False) -> str:
        """'Sudzha (Sudzhansky, Kursk)'; with the coordinate when homonyms share raion and oblast."""
        where = ", ".join(x for x in (self.raion, self.oblast.removesuffix(" Oblast")) if x)
        if not self.in_gazetteer and self.lat is None:
            where = where or "not located"
        coord = f"{self.lat:.3f} N {self.lon:.3f} E" if with_coordinate and self.lat is not None and self.lon is not None else ""
        inside = "; ".join(x for x in (where, coord) if x)
        return f"{self.name_en} ({inside})" if inside else self.name_en


def labels(places: list[PlaceRef], ids: bool = False) -> list[str]:
    """One label per place, told apart by their coordinate when two would read alike."""
    plain = [p.label() for p in places]
    out = [p.label(with_coordinate=plain.count(plain[i]) > 1) for i, p in enumerate(places)]
    return [f"{label} [{p.id}]" for label, p in zip(out, places)] if ids else out


@dataclass
class Found:
    places: list[PlaceRef] = field(default_factory=list)
    how: str = ""  # id | spelling | qualified | skeleton
    suggestions: list[str] = field(default_factory=list)


def _from_gazetteer(p) -> PlaceRef:
    return PlaceRef(p.id, p.name_en, p.name_ru, p.name_uk, p.lat, p.lon, p.raion, p.oblast, p.precision, p.in_theatre,
                    True, p.precision_source or p.coord_source)


def _from_store(r: sqlite3.Row) -> PlaceRef:
    return PlaceRef(r["id"], r["name_en"], r["name_ru"] or "", r["name_uk"] or "", r["lat"], r["lon"], r["raion"] or "",
                    r["oblast"] or "", r["precision"], True, not r["id"].startswith(("unlocated:", "local:")),
                    r["precision_source"] or "")


def _matches_area(place: PlaceRef, where: str) -> bool:
    """Whether `where` ('Korenevsky', 'Korenevo', 'Sumy', 'Korenevsky raion') names the place's raion or oblast."""
    q = _AREA_WORDS.sub(" ", fold_name(where)).strip()
    if not q:
        return False
    for area in (place.raion, place.oblast.removesuffix(" Oblast")):
        a = fold_name(area)
        if a and (a.startswith(q) or q.startswith(a[:max(4, len(a) - 3)])):
            return True
    return False


class Lookup:
    """Name look-up over the gazetteer (loaded only when needed) and, when given, a store."""

    def __init__(self, db: sqlite3.Connection | None = None, gazetteer: bool = True) -> None:
        self.db = db
        self.use_gazetteer = gazetteer
        self._gaz = None

    @property
    def gaz(self):
        if self._gaz is None:
            from .places.gazetteer import load

            self._gaz = load()
        return self._gaz

    def _by_ids(self, ids: set[str]) -> list[PlaceRef]:
        out: dict[str, PlaceRef] = {}
        if self.db is not None and ids:
            out.update({r["id"]: _from_store(r) for r in store.places_by_id(self.db, sorted(ids))})
        if self.use_gazetteer:
            out.update({i: _from_gazetteer(self.gaz.places[i]) for i in ids if i in self.gaz.places})
        return sorted(out.values(), key=lambda p: (not p.in_theatre, p.id))

    def _spelled(self, name: str) -> set[str]:
        folded = fold_name(name)
        ids = set(store.place_ids_named(self.db, folded)) if self.db is not None else set()
        if self.use_gazetteer:
            ids |= self.gaz.names.get(folded, set())
        return ids

    def _skeleton(self, name: str) -> set[str]:
        key = skeleton(name)
        if len(key) < 3:
            return set()
        ids: set[str] = set()
        if self.db is not None:
            ids = {pid for n, pid in store.place_names(self.db) if skeleton(n) == key}
        if self.use_gazetteer:
            ids |= self.gaz.skeletons.get(key, set())
        return ids

    def find(self, name: str) -> Found:
        name = name.strip()
        ids = self._by_ids({name})
        if ids:
            return Found(ids, "id")
        spelled = self._spelled(name)
        if spelled:
            return Found(self._by_ids(spelled), "spelling")
        m = _QUALIFIED.match(name)
        if m:
            inner = self.find(m.group("name"))
            picked = [p for p in inner.places if _matches_area(p, m.group("where"))]
            if picked:
                return Found(picked, "qualified")
            if inner.places:
                return Found([], "qualified", labels(inner.places))
        key_ids = self._skeleton(name)
        if key_ids:
            return Found(self._by_ids(key_ids), "skeleton")
        return Found([], "", self.suggest(name))

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """Close spellings (difflib ratio >= 0.75), one label per place."""
        folded = fold_name(name)
        names: dict[str, set[str]] = {}
        if self.db is not None:
            for spelling, pid in store.place_names(self.db):
                names.setdefault(spelling, set()).add(pid)
        if self.use_gazetteer:
            for spelling, pids in self.gaz.names.items():
                names.setdefault(spelling, set()).update(pids)
        ids: list[str] = []
        for close in difflib.get_close_matches(folded, list(names), n=n * 4, cutoff=0.75):
            ids += [i for i in sorted(names[close]) if i not in ids]
        places = {p.id: p for p in self._by_ids(set(ids))}
        return labels([places[i] for i in ids if i in places][:n])


def period_start(precision: str, evidence: str, published: str | None, language: str = "en") -> str | None:
    """The first day of the period a week- or month-precision claim is about, or None when the text and the
    publication date do not fix it: a week is the publication date's week (Monday; the week before for "last
    week"), a month the month the sentence names (latest on or before publication) or the publication's month
    ("last month": the one before)."""
    from datetime import date, timedelta

    from .claims.lexicon import lexicon
    from .months import MONTHS

    if precision not in ("week", "month"):
        return None
    text = evidence.lower()
    try:
        pub = date.fromisoformat(published or "")
    except ValueError:
        pub = None
    if pub is None:  # only a month named with its year fixes the period then
        named_year = re.search(r"\b(20\d\d)\b", text)
        if precision == "week" or named_year is None:
            return None
        pub = date(int(named_year.group(1)), 12, 31)
    if precision == "week":
        monday = pub - timedelta(days=pub.weekday())
        if re.search(r"last\s+week|прошлой\s+неделе|минулого\s+тижня", text):
            monday -= timedelta(days=7)
        return monday.isoformat()
    months = dict(MONTHS)
    for pair in lexicon("ru").date.get("month_numbers", "").split("|"):
        k, _, v = pair.strip().partition("=")
        if k and v.strip().isdigit():
            months[k.lower()] = int(v)
    words = re.findall(r"[^\W\d_]+\.?", text)
    year_m = re.search(r"\b(20\d\d)\b", text)
    for word in words:
        month = months.get(word.rstrip("."))
        if month:
            year = int(year_m.group(1)) if year_m else (pub.year if month <= pub.month else pub.year - 1)
            return date(year, month, 1).isoformat()
    first = pub.replace(day=1)
    if re.search(r"last\s+month|прошлом\s+месяце|минулого\s+місяця", text):
        first = (first - timedelta(days=1)).replace(day=1)
    return first.isoformat()


@dataclass
class ClaimsResult:
    rows: list[dict] = field(default_factory=list)
    error: str = ""
    place: PlaceRef | None = None
    references: list[str] = field(default_factory=list)  # registered reference layers: each claim's row has ref_NAME…
    problems: list[str] = field(default_factory=list)  # their snapshot files that could not be used

    def _when(self, r: dict) -> str:
        if r["date"]:
            return r["date"]
        start = period_start(r["date_precision"], r["evidence"], r["published"], r.get("language") or "en")
        if start and r["date_precision"] == "month":
            return start[:7] + " (mo)"
        if start:
            return "wk " + start[5:]
        return "undated"

    def table(self, explain: bool = False) -> list[str]:
        """A header, then per claim one line of date, status, side and claimant (cut to fit 100 columns), the
        quoted sentence wrapped, and its source."""
        if not self.rows:
            return ["no claims"]
        p = self.place
        head = self.rows[0]
        title = p.label() if p else head["settlement"]
        lines = textwrap.wrap(f"{title} [{head['place_id']}], location: {head['precision']}; {len(self.rows)} "
                              f"claim{'s' if len(self.rows) != 1 else ''}, oldest first", WIDTH) + [""]
        fmt = "{:<11} {:<17} {:<15} {}"
        lines.append(fmt.format("DATE", "CLAIMED STATUS", "CLAIMANT SIDE", "CLAIMED BY"))
        indent = " " * 12
        for r in self.rows:
            claimant = r["claimant"] + (f" via {r['relayed_by']}" if r["relayed_by"] else "")
            row = fmt.format(self._when(r), STATUS_WORDS.get(r["status"], r["status"]),
                             SIDE_WORDS.get(r["claimant_side"], r["claimant_side"]), claimant)
            lines.append(row if len(row) <= WIDTH else row[:WIDTH - 1] + "…")
            lines += textwrap.wrap(f"“{r['evidence']}”", WIDTH, initial_indent=indent, subsequent_indent=indent + " ")
            outlets = f" · {r['citations']} outlets" if r["citations"] > 1 else ""
            lines += textwrap.wrap(f"source: {r['publisher'] or 'unknown publisher'} · {r['article']}{outlets}", WIDTH,
                                   initial_indent=indent, subsequent_indent=indent + "  ")
            for name in self.references:
                from .reference.assess import verdict_words

                k = f"ref_{name}"
                lines += textwrap.wrap(verdict_words(name, r.get(k), r.get(f"{k}_snapshot"), r.get(f"{k}_agreed"),
                                                     r.get(f"{k}_lead")), WIDTH, initial_indent=indent,
                                       subsequent_indent=indent + "  ")
            if explain:
                gloss = f" ({r['cue_en']})" if r.get("cue_en") and r["cue_en"] != r["cue"] else ""
                lines += textwrap.wrap(f"cue: {r['cue']!r}{gloss}; rule: {r['rule']}; date: {r['date_precision']}",
                                       WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")
        return lines

    CSV_COLUMNS = ("date", "date_precision", "period_start", "status", "claimant", "claimant_side", "relayed_by",
                   "publisher", "published", "article", "url", "citations", "settlement", "place_id", "evidence")

    def csv(self) -> str:
        from .export import csv_cell

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        columns = self.CSV_COLUMNS + tuple(f"ref_{n}{part}" for n in self.references
                                           for part in ("", "_snapshot", "_agreed", "_lead"))
        w.writerow(columns)
        for r in self.rows:
            row = dict(r, period_start=r["date"] or period_start(r["date_precision"], r["evidence"], r["published"]))
            w.writerow(["" if row.get(k) is None else csv_cell(row.get(k)) for k in columns])
        return buf.getvalue()


def _ambiguous(name: str, places: list[PlaceRef]) -> str:
    listing = "; ".join(labels(places, ids=True))
    first = places[0]
    pick = f'"{name} ({first.raion})"' if first.raion else first.id
    return (f"'{name}' is ambiguous: {listing}. Choose one by its raion or id, e.g. `geo claims {pick}` "
            f"or `geo claims {first.id}`.")


def claims_for_name(name: str, db_path: Path, wait: float = store.READ_WAIT, notify=None) -> ClaimsResult:
    """The claims about the place `name` means, from the store at `db_path` (`store.connect`: a lock another
    process holds is waited for up to `wait` seconds)."""
    db = connect(db_path, wait, notify)
    try:
        found = Lookup(db, gazetteer=False).find(name)  # the store first: no gazetteer load for a known name
        if not found.places:
            found = Lookup(db).find(name)
        if not found.places:
            hint = f"; did you mean: {', '.join(found.suggestions)}?" if found.suggestions else ""
            return ClaimsResult(error=f"unknown settlement '{name}'{hint}")
        rows = [dict(r) for r in claims_for(db, [p.id for p in found.places])]
        with_claims = [p for p in found.places if any(r["place_id"] == p.id for r in rows)]
        if len(with_claims) > 1:
            return ClaimsResult(error=_ambiguous(name, with_claims))
        if not rows:
            return ClaimsResult(error=f"no claims yet about {', '.join(labels(found.places))} in {db_path}")
        result = ClaimsResult(rows=rows, place=with_claims[0])
        result.references, result.problems = _reference_columns(db, Path(db_path), rows, with_claims[0].id)
        return result
    finally:
        db.close()


def _reference_columns(db: sqlite3.Connection, db_path: Path, rows: list[dict], place_id: str) -> tuple[list[str], list[str]]:
    """Each registered reference layer's verdict on each claim, added to its row (ref_NAME…); the layers' names
    and the snapshot files that could not be used."""
    from .places import gazetteer as gz
    from .reference.assess import export_columns

    by_claim, columns, problems = export_columns(db, gz.DEFAULT_DIR, db_path.parent / ".cache", [place_id])
    for r in rows:
        r.update(by_claim.get(r["id"], {}))
    return [c[len("ref_"):] for c in columns[::4]], problems


def describe_places(name: str, explain: bool = False, db_path: Path | None = None,
                    notify=None) -> tuple[list[str], bool]:
    """The places `name` can mean (the gazetteer's, and the store's names the gazetteer lacks), as lines. A store
    that cannot be read is left out (`notify` is told why): the gazetteer still answers."""
    db = None
    if db_path is not None:
        try:
            db = connect(db_path, notify=notify)
        except (FileNotFoundError, RuntimeError) as exc:
            if notify is not None and Path(db_path).exists():
                notify(f"{exc} (answering from the gazetteer alone)")
            db = None
    try:
        try:
            found = Lookup(db).find(name)
        except sqlite3.DatabaseError as exc:  # a store damaged past its first pages
            if notify is not None:
                notify(f"{db_path}: is damaged ({exc}) (answering from the gazetteer alone)")
            found = Lookup(None).find(name)
    finally:
        if db is not None:
            db.close()
    if not found.places:
        sug = found.suggestions
        return [f"unknown settlement '{name}'" + (f"; did you mean: {', '.join(sug)}?" if sug else "")], False
    lines = []
    for p in found.places:
        coord = f"{p.lat:.5f}, {p.lon:.5f}" if p.lat is not None and p.lon is not None else "no coordinate"
        where = f"{p.raion or '-'} raion, {p.oblast or '-'}"
        if not p.in_gazetteer and p.lat is None:
            where = "named in the articles, not in the gazetteer (place it with `geo gazetteer add`)"
        lines.append(f"{p.name_en} / {p.name_ru or '-'} / {p.name_uk or '-'}  [{p.id}]  {coord}  {where}  "
                     f"precision: {p.precision}" + ("" if p.in_theatre else "  (outside the theatre)"))
        if explain:
            how = {"id": "id", "spelling": "spelling", "qualified": "spelling and the raion or oblast in brackets",
                   "skeleton": f"romanisation skeleton {skeleton(name)!r}"}[found.how]
            lines.append(f"    matched by {how}; precision source: {p.precision_source or '-'}")
    if len(found.places) > 1:
        lines.append(f"    several places share this name: choose one with \"NAME (Raion)\" or its id, e.g. "
                     f"`geo claims {found.places[0].id}`")
        if explain:
            lines.append("    in an article the choice is made by the raion or oblast named nearby, then distance to "
                         "the other places named, then the core raions of the incursion, then population")
    return lines, True
