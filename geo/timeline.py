"""Claimed state per settlement, per side, per day.

A side's claimed status for a place holds from the day of its claim until that side's next dated claim
about the place replaces it. Undated claims stay in the ledger but do not move the state.
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


def intervals(claims: list[tuple[str, str, str, str | None]]) -> list[Interval]:
    """(place_id, side, status, date) tuples → intervals. Several claims of one side on one day: their
    status when they agree, "contested" that day when they disagree."""
    by_key: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for place_id, side, status, day in claims:
        if day:
            by_key[(place_id, side)][day].add(status)
    out: list[Interval] = []
    for (place_id, side), days in sorted(by_key.items()):
        ordered = sorted(days)
        for i, day in enumerate(ordered):
            statuses = days[day]
            status = next(iter(statuses)) if len(statuses) == 1 else "contested"
            out.append(Interval(place_id, side, status, day, ordered[i + 1] if i + 1 < len(ordered) else None))
    return out

