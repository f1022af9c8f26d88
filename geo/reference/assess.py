"""Claims against a reference layer: for each located, dated claim, the reference state at the settlement's point
on the claim's day (the last snapshot on or before it) and the first day on or after it that the reference
agreed; then, per side and per claimant, how often and how far ahead the reference confirmed the claims.

A claim is compared when a snapshot is in force on its day and gives a state at its point (a polygon covers it,
or the layer's default for the point's country). Its lead is the days from the claim to the reference's first
agreement when the reference did not yet agree on the day (the claim ran ahead of the assessed map).
"""
from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import json
import sqlite3
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import store
from ..records import SIDES
from .formats import CONTROLLERS
from .index import NONE, Layer, Loaded, States, countries, load_layer, point_states

WITHIN = (7, 30)  # the windows `geo assess` counts agreement within, in days
STATE_WORDS = {"russia": "Russian-held", "ukraine": "Ukrainian-held", "contested": "contested"}
SIDE_WORDS = {"russia": "Russian side", "ukraine": "Ukrainian side", "third_party": "third party",
              "unknown": "side not stated"}


def layers_of(db: sqlite3.Connection) -> list[Layer]:
    """The store's registered reference layers, by name."""
    return [Layer(r["name"], r["folder"], r["format"], json.loads(r["defaults"] or "{}")) for r in store.references(db)]


@dataclass(frozen=True)
class Verdict:
    """The reference on a claim: its state at the place on the claim's day and when it first agreed."""

    state: str | None  # the reference's controller there that day; None: not compared
    snapshot: str | None  # the day of the snapshot in force (None: no snapshot yet)
    agreed: str | None  # the first day on or after the claim's that the reference agreed; None: never
    lead: int | None  # days from the claim to that agreement (0: it agreed on the day)


NO_VERDICT = Verdict(None, None, None, None)


class PlaceStates:
    """A layer's state at every located place of a store, per snapshot."""

    def __init__(self, loaded: Loaded, places: list[sqlite3.Row] | list[dict], gazetteer_dir: Path) -> None:
        located = [p for p in places if p["lat"] is not None and p["lon"] is not None]
        self.loaded = loaded
        self.column = {p["id"]: k for k, p in enumerate(located)}
        points = [(float(p["lat"]), float(p["lon"])) for p in located]
        self.states: States = point_states(loaded, points, countries(gazetteer_dir, points, [p["country"] or "" for p in located]))
        self.days = self.states.days

    def at(self, place_id: str, day: str) -> tuple[str | None, str | None]:
        """(the state, the snapshot's day) at a place on a day."""
        col = self.column.get(place_id)
        i = bisect.bisect_right(self.days, day) - 1
        if col is None or i < 0:
            return None, None
        code = int(self.states.codes[i, col])
        return (CONTROLLERS[code] if code != NONE else None), self.days[i]

    def verdict(self, place_id: str, day: str | None, status: str) -> Verdict:
        col = self.column.get(place_id)
        if col is None or day is None or status not in CONTROLLERS:
            return NO_VERDICT
        i = bisect.bisect_right(self.days, day) - 1
        if i < 0:
            return NO_VERDICT
        column = self.states.codes[:, col]
        code = int(column[i])
        if code == NONE:
            return Verdict(None, self.days[i], None, None)
        want = CONTROLLERS.index(status)
        if code == want:
            return Verdict(CONTROLLERS[code], self.days[i], day, 0)
        later = (column[i + 1:] == want).nonzero()[0]
        if not len(later):
            return Verdict(CONTROLLERS[code], self.days[i], None, None)
        agreed = self.days[i + 1 + int(later[0])]
        return Verdict(CONTROLLERS[code], self.days[i], agreed, (dt.date.fromisoformat(agreed) - dt.date.fromisoformat(day)).days)


def load_states(db: sqlite3.Connection, layers: list[Layer], gazetteer_dir: Path,
                cache_dir: Path | None, place_ids: list[str] | None = None) -> list[PlaceStates]:
    """Each layer's states at the store's places (or only at `place_ids`)."""
    places = store.all_places(db) if place_ids is None else store.places_by_id(db, place_ids)
    return [PlaceStates(load_layer(layer, cache_dir), places, gazetteer_dir) for layer in layers]


def claim_verdicts(db: sqlite3.Connection, states: PlaceStates, place_ids: list[str] | None = None) -> dict[int, Verdict]:
    """Store claim id → the layer's verdict, for every grouped claim (or those about `place_ids`; undated, week and
    month ones: NO_VERDICT)."""
    rows = store.all_claims(db) if place_ids is None else store.claims_for(db, place_ids)
    return {r["id"]: states.verdict(r["place_id"], r["date"] if r["date_precision"] == "day" else None, r["status"])
            for r in rows}


def export_columns(db: sqlite3.Connection, gazetteer_dir: Path, cache_dir: Path | None,
                   place_ids: list[str] | None = None) -> tuple[dict[int, dict[str, Any]], list[str], list[str]]:
    """The exports' (and `geo claims`') reference columns: store claim id → {ref_NAME: state, ref_NAME_snapshot,
    ref_NAME_agreed, ref_NAME_lead}, the column names (none without a registered layer), and the unusable files;
    for every claim, or those about `place_ids`."""
    out: dict[int, dict[str, Any]] = {}
    columns: list[str] = []
    problems: list[str] = []
    layers = layers_of(db)
    if not layers:
        return out, columns, problems
    for st in load_states(db, layers, gazetteer_dir, cache_dir, place_ids):
        name = f"ref_{st.loaded.layer.name}"
        columns += [name, f"{name}_snapshot", f"{name}_agreed", f"{name}_lead"]
        problems += st.loaded.problems
        for cid, v in claim_verdicts(db, st, place_ids).items():
            out.setdefault(cid, {}).update({name: v.state, f"{name}_snapshot": v.snapshot, f"{name}_agreed": v.agreed,
                                            f"{name}_lead": v.lead})
    return out, columns, problems


def verdict_words(layer: str, state: str | None, snapshot: str | None, agreed: str | None, lead: int | None) -> str:
    """'deepstate on this day: Ukrainian-held (snapshot of 2024-09-01); agreed 2024-09-05, 4 days later'."""
    if snapshot is None:
        return f"{layer} on this day: no snapshot yet"
    if state is None:
        return f"{layer} on this day: not drawn here (snapshot of {snapshot})"
    then = ("agrees" if lead == 0 else f"agreed {agreed}, {lead} day{'s' if lead != 1 else ''} later" if agreed
            else "never agreed")
    return f"{layer} on this day: {STATE_WORDS[state]} (snapshot of {snapshot}); {then}"


@dataclass
class Row:
    """Agreement figures of one side or one claimant with one reference layer."""

    reference: str
    group: str  # side | claimant
    name: str
    side: str
    compared: int = 0
    agree_on_day: int = 0
    agree_within_7: int = 0
    agree_within_30: int = 0
    agreed_later: int = 0  # agreed only after the claim's day
    median_lead: float | None = None  # days, of the claims agreed later
    never_confirmed: int = 0


@dataclass
class Assessment:
    rows: list[Row]
    not_compared: dict[str, int]  # layer → claims with no reference state on their day
    problems: list[str]
    snapshots: dict[str, tuple[int, str | None, str | None]]  # layer → (count, first, last)


def assess(db: sqlite3.Connection, layers: list[Layer], gazetteer_dir: Path, cache_dir: Path | None = None) -> Assessment:
    claims = store.all_claims(db)
    out = Assessment([], {}, [], {})
    for st in load_states(db, layers, gazetteer_dir, cache_dir):
        name = st.loaded.layer.name
        out.problems += st.loaded.problems
        out.snapshots[name] = (len(st.days), st.days[0] if st.days else None, st.days[-1] if st.days else None)
        by: dict[tuple[str, str, str], list[Verdict]] = {}
        skipped = 0
        for r in claims:
            v = st.verdict(r["place_id"], r["date"] if r["date_precision"] == "day" else None, r["status"])
            if v.state is None:
                skipped += r["date"] is not None and r["lat"] is not None
                continue
            by.setdefault(("side", r["claimant_side"], r["claimant_side"]), []).append(v)
            by.setdefault(("claimant", r["claimant"], r["claimant_side"]), []).append(v)
        out.not_compared[name] = skipped
        rows = [_row(name, group, who, side, vs) for (group, who, side), vs in by.items()]
        side_order = {s: k for k, s in enumerate(SIDES)}
        rows.sort(key=lambda r: (r.group != "side", side_order.get(r.name, 9) if r.group == "side" else 0,
                                 -r.compared, r.name.casefold(), r.name))
        out.rows += rows
    return out


def _row(reference: str, group: str, name: str, side: str, vs: list[Verdict]) -> Row:
    leads = [v.lead for v in vs if v.lead is not None and v.lead > 0]
    return Row(reference, group, name, side, compared=len(vs),
               agree_on_day=sum(v.lead == 0 for v in vs),
               agree_within_7=sum(v.lead is not None and v.lead <= WITHIN[0] for v in vs),
               agree_within_30=sum(v.lead is not None and v.lead <= WITHIN[1] for v in vs),
               agreed_later=len(leads), median_lead=float(statistics.median(leads)) if leads else None,
               never_confirmed=sum(v.agreed is None for v in vs))


# -- output --------------------------------------------------------------------------------------------------
FIELDS = tuple(Row.__dataclass_fields__)


def to_json(a: Assessment) -> str:
    return json.dumps([asdict(r) for r in a.rows], ensure_ascii=False, indent=1) + "\n"


def to_csv(a: Assessment) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FIELDS)
    for r in a.rows:
        # a claimant's name is article text: never let it start a spreadsheet formula
        w.writerow(["" if v is None else (f"'{v}" if isinstance(v, str) and v[:1] in "=+-@\t\r" else v)
                    for v in asdict(r).values()])
    return buf.getvalue()


def _share(n: int, of: int) -> str:
    return f"{n} ({round(100 * n / of)}%)" if of else "0"


def print_table(a: Assessment, console: Any) -> None:
    """One rich table per layer: its sides, then its claimants."""
    from rich.markup import escape
    from rich.table import Table

    from ..terminal import visible

    for name, (count, first, last) in a.snapshots.items():
        rows = [r for r in a.rows if r.reference == name]
        table = Table(title=f"{name}: {count} snapshot(s){f', {first} to {last}' if first else ''}",
                      title_justify="left")
        for col, just in (("side / claimant", "left"), ("compared", "right"), ("agree on the day", "right"),
                          ("within 7 d", "right"), ("within 30 d", "right"), ("median lead (d)", "right"),
                          ("never confirmed", "right")):
            table.add_column(col, justify=just)  # type: ignore[arg-type]
        for k, r in enumerate(rows):
            if k and r.group == "claimant" and rows[k - 1].group == "side":
                table.add_section()
            # a claimant's name is article text: no markup, and no control character reaches the terminal
            label = (SIDE_WORDS.get(r.name, r.name) if r.group == "side"
                     else f"{escape(visible(r.name))} ({SIDE_WORDS.get(r.side, r.side)})")
            table.add_row(label, str(r.compared), _share(r.agree_on_day, r.compared), _share(r.agree_within_7, r.compared),
                          _share(r.agree_within_30, r.compared),
                          "—" if r.median_lead is None else f"{r.median_lead:g} ({r.agreed_later})",
                          _share(r.never_confirmed, r.compared))
        console.print(table)
        if not rows:
            console.print("no claim could be compared: no snapshot on or before a claim's day at a located place")
        if a.not_compared.get(name):
            console.print(f"{a.not_compared[name]} dated claim(s) not compared: no snapshot in force on their day, "
                          "or a point no polygon covers and no --default names")
