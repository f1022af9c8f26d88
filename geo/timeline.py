"""Claimed state per settlement, per side, per day.

A side's claimed status for a place holds from the day of its claim until that side's next dated claim
about the place replaces it. Undated claims stay in the ledger but do not move the state.

When one side's sources disagree on a day, the strongest claim stands and the day is marked a conflict: a
claim of control beats "fighting continues" (a capture announced by the Russian General Staff is not hidden
by Russian bloggers saying the fighting goes on); control claimed for both sides by one side's sources is
"contested". The page (`geo/map/templates/map_core.js`) applies the same rule.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Interval:
    place_id: str
    side: str
    status: str
    start: str  # YYYY-MM-DD, inclusive
    end: str | None  # exclusive; None = still holds
    conflict: bool = False  # the side's sources disagreed on `start`


def day_status(statuses: set[str]) -> tuple[str, bool]:
    """One side's status on a day from the statuses its claims of that day give, and whether they disagree."""
    if len(statuses) == 1:
        return next(iter(statuses)), False
    control = statuses - {"contested"}
    return (next(iter(control)) if len(control) == 1 else "contested"), True


def intervals(claims: list[tuple[str, str, str, str | None]]) -> list[Interval]:
    """(place_id, side, status, date) tuples → intervals. Several claims of one side on one day: their
    status when they agree; when they disagree the strongest (`day_status`), marked as a conflict."""
    by_key: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for place_id, side, status, day in claims:
        if day:
            by_key[(place_id, side)][day].add(status)
    out: list[Interval] = []
    for (place_id, side), days in sorted(by_key.items()):
        ordered = sorted(days)
        for i, day in enumerate(ordered):
            status, conflict = day_status(days[day])
            out.append(Interval(place_id, side, status, day, ordered[i + 1] if i + 1 < len(ordered) else None, conflict))
    return out

