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
    """(place_id, side, status, date) tuples → intervals. Several claims of one side on one day: the
    last-listed wins, except that a disagreement on the same day makes the day contested."""
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


def state_on(ivs: list[Interval], day: str) -> dict[tuple[str, str], str]:
    """(place_id, side) → status claimed as of `day`."""
    return {(iv.place_id, iv.side): iv.status for iv in ivs if iv.start <= day and (iv.end is None or day < iv.end)}


def disputed(state: dict[tuple[str, str], str]) -> set[str]:
    """Places whose Russian and Ukrainian claims disagree on that day."""
    by_place: dict[str, set[str]] = defaultdict(set)
    for (place_id, side), status in state.items():
        if side in ("russia", "ukraine"):
            by_place[place_id].add(status)
    return {p for p, s in by_place.items() if len(s) > 1}
