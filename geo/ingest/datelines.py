"""The publication date an article prints itself: a dateline ("KYIV, Aug 6 (Reuters) -") or a "Published" line."""
from __future__ import annotations

import re

from ..months import MON, MONTHS, calendar_day

_DATELINE = [
    re.compile(r"\b(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s+(?P<m>\d\d)/(?P<d>\d\d)/(?P<y>20\d\d)\b", re.I),
    re.compile(rf"^[A-Z][A-Z ,.]+,\s+{MON}\s+(?P<d>\d{{1,2}})(?:,\s+(?P<y>20\d\d))?", re.I | re.M),
    re.compile(rf"(?:published|updated|posted)(?:\s+on)?:?\s+{MON}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>20\d\d)", re.I),
    re.compile(rf"(?:published|updated|posted)(?:\s+on)?:?\s+(?P<d>\d{{1,2}})\s+{MON}\s+(?P<y>20\d\d)", re.I),
]


def dateline(text: str) -> str | None:
    """A publication date printed in the article itself (a dateline or a "Published" line)."""
    for rx in _DATELINE:
        m = rx.search(text)
        if not m:
            continue
        g = m.groupdict()
        if not g.get("y"):
            continue
        month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower().rstrip(".")]
        d = calendar_day(int(g["y"]), month, int(g["d"]))
        if d:
            return d.isoformat()
    return None
