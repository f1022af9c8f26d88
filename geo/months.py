"""Month names as English news writes them ("6 Aug.", "Sept. 30", "September"): shared by the datelines that
articles print (`geo.ingest.datelines`) and the days that claims are about (`geo.claims.dates`)."""
from __future__ import annotations

from datetime import date

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
MONTH_NAMES = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
MON = rf"(?P<mon>{MONTH_NAMES})\.?"  # a month name as a named group, with its abbreviation point


def calendar_day(y: int, m: int, d: int) -> date | None:
    """The day, or None when there is no such day (30 February)."""
    try:
        return date(y, m, d)
    except ValueError:
        return None
