"""Queries behind `geo claims` and `geo resolve`.

`geo claims` reads only the store (which keeps every spelling of the places it has claims about), so a
cold query does not load the gazetteer unless the name is unknown to the store.
"""
from __future__ import annotations

import difflib
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import fold_name, skeleton
from . import store
from .store import claims_for, connect


@dataclass
class ClaimsResult:
    rows: list[dict] = field(default_factory=list)
    error: str = ""

    def table(self, explain: bool = False) -> list[str]:
        if not self.rows:
            return ["no claims"]
        head = self.rows[0]
        lines = [f"{head['settlement']} ({head['place_id']}; {head['raion'] or '-'}, {head['oblast'] or '-'}; "
                 f"location: {head['precision']}) — {len(self.rows)} claim(s)"]
        for r in self.rows:
            relay = f" via {r['relayed_by']}" if r["relayed_by"] else ""
            lines.append(f"{r['date'] or 'undated':10}  {r['status']:9}  {r['claimant']} ({r['claimant_side']}){relay}"
                         f"  — {r['publisher'] or '?'}, {r['article']}" + (f" (+{r['citations'] - 1} repeats)" if r["citations"] > 1 else ""))
            lines += textwrap.wrap(f"“{r['evidence']}”", 100, initial_indent="            ", subsequent_indent="             ")
            if explain:
                gloss = f" ({r['cue_en']})" if r["cue_en"] and r["cue_en"] != r["cue"] else ""
                lines.append(f"            cue: {r['cue']!r}{gloss}; rule: {r['rule']}")
        return lines


def _ids_for(db, name: str) -> list[str]:
    ids = store.place_ids_named(db, fold_name(name))
    if ids:
        return ids
    key = skeleton(name)
    if key:
        ids = sorted({pid for n, pid in store.place_names(db) if skeleton(n) == key})
    return ids


def claims_for_name(name: str, db_path: Path) -> ClaimsResult:
    db = connect(db_path)
    try:
        ids = _ids_for(db, name)
        if len(ids) > 1:
            cands = store.places_by_id(db, ids)
            listing = "; ".join(f"{r['name_en']} ({r['raion'] or '?'}, {r['oblast'] or '?'}) [{r['id']}]" for r in cands)
            rows = [dict(r) for r in claims_for(db, ids)]
            if len({r["place_id"] for r in rows}) > 1:
                return ClaimsResult(error=f"'{name}' is ambiguous: {listing}. Ask for one by its id, e.g. `geo claims {ids[0]}`.")
            ids = sorted({r["place_id"] for r in rows}) or ids[:1]
        if not ids:
            ids = [p["id"] for p in store.places_by_id(db, [name])]
        if not ids:
            return ClaimsResult(error=_unknown(db, name))
        rows = [dict(r) for r in claims_for(db, ids)]
        if not rows:
            return ClaimsResult(error=f"no claims about '{name}' in {db_path}")
        return ClaimsResult(rows=rows)
    finally:
        db.close()


def _unknown(db, name: str) -> str:
    from .places.gazetteer import load

    gaz = load()
    places = gaz.lookup(name)
    if places:
        labels = ", ".join(f"{p.name_en} ({p.raion or p.oblast})" for p in places[:5])
        return f"no claims about '{name}' ({labels}) in the store"
    store_names = store.distinct_place_names(db)
    close = difflib.get_close_matches(fold_name(name), store_names, n=5, cutoff=0.6)
    suggestions = close or gaz.suggest(name)
    hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
    return f"unknown settlement '{name}'{hint}"


def describe_places(name: str, explain: bool = False) -> tuple[list[str], bool]:
    from .places.gazetteer import load

    gaz = load()
    places = gaz.lookup(name)
    if not places:
        sug = gaz.suggest(name)
        return [f"unknown settlement '{name}'" + (f"; did you mean: {', '.join(sug)}?" if sug else "")], False
    exact = bool(gaz.names.get(fold_name(name)))
    lines = []
    for p in places:
        coord = f"{p.lat:.5f}, {p.lon:.5f}" if p.lat is not None else "no coordinate"
        lines.append(f"{p.name_en} / {p.name_ru or '-'} / {p.name_uk or '-'}  [{p.id}]  {coord}  "
                     f"{p.raion or '-'} raion, {p.oblast or '-'}  precision: {p.precision}"
                     + ("" if p.in_theatre else "  (outside the theatre)"))
        if explain:
            lines.append(f"    matched by {'spelling' if exact else 'romanisation skeleton ' + skeleton(name)!r}; "
                         f"precision source: {p.precision_source or p.coord_source or '-'}")
    if explain and len(places) > 1:
        lines.append("    several places share this name: in an article the choice is made by the raion or oblast named "
                     "nearby, then distance to the other places named, then the core raions of the incursion, then population")
    return lines, True
