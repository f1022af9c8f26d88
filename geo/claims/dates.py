"""Resolve the day a claim is about.

Explicit dates first ("6 August", "Aug. 6, 2024", "08/14/2024", "on Feb. 6"); then weekdays, "yesterday",
"today" against the publication date (a bare weekday is the latest such day on or before publication:
"on Saturday" in a Saturday article is that Saturday); otherwise the publication date for news-of-the-day
statements, and null (with precision month/none) for past-framed ones ("earlier in March", "last month").
A resolved date is never after the publication date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..months import MON, MONTH_NAMES, MONTHS, calendar_day

WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_EXPLICIT = [
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MON}(?:,?\s+(?P<year>20\d\d))?\b", re.I),
    re.compile(rf"\b{MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>20\d\d))?(?!\s*(?:km|kilomet|mile))", re.I),
    re.compile(r"\b(?P<m>\d{1,2})/(?P<day>\d{1,2})/(?P<year>20\d\d)\b"),
    re.compile(r"\b(?P<year>20\d\d)-(?P<m>\d\d)-(?P<day>\d\d)\b"),
]
_RANGE_TAIL = re.compile(rf"^\s*(?:-|–|—|to|through|until|and)\s*(?:(?P<mon2>{MONTH_NAMES})\.?\s+)?(?P<day2>\d{{1,2}})\b", re.I)
_WEEKDAY = re.compile(r"\b(?:on\s+|last\s+|this\s+|late\s+|early\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:night|morning|evening|afternoon))?\b", re.I)
_RELATIVE = re.compile(r"\b(yesterday|today|tonight|this morning|overnight|last night|the day before)\b", re.I)
_VAGUE = re.compile(
    r"\b(?:earlier (?:in|this) (?:the )?(?:month|week|year|jan\w*|feb\w*|march|april|may|june|july|aug\w*|sept\w*|oct\w*|nov\w*|dec\w*)|"
    r"last (?:month|week|year|summer|autumn|fall|winter|spring)|(?:in|since|by) (?:jan\w*|feb\w*|march|april|may|june|july|aug\w*|sept\w*|oct\w*|nov\w*|dec\w*)(?:\s+20\d\d)?\b(?!\s+\d)|"
    r"later|previously|in recent (?:days|weeks)|the first reports|last year|months ago|weeks ago|at the (?:start|beginning) of|"
    r"over the past|since the (?:start|beginning)|until (?:jan\w*|feb\w*|march|april|may|june|july|aug\w*|sept\w*|oct\w*|nov\w*|dec\w*)|"
    r"historic|had been|had held|was under|were under|once)\b",
    re.I,
)


@dataclass(frozen=True)
class Resolved:
    date: str | None
    precision: str  # day | week | month | none
    how: str


def explicit_dates(text: str, published: date | None) -> list[tuple[int, date]]:
    """(offset, date) of every explicit calendar date in `text`; ranges give their last day."""
    out: list[tuple[int, date]] = []
    for rx in _EXPLICIT:
        for m in rx.finditer(text):
            g = m.groupdict()
            month = MONTHS[g["mon"].lower().rstrip(".")] if g.get("mon") else int(g["m"])
            day = int(g["day"])
            tail = _RANGE_TAIL.match(text[m.end():m.end() + 20])
            if tail and not g.get("m"):
                day = int(tail.group("day2"))
                if tail.group("mon2"):
                    month = MONTHS.get(tail.group("mon2").lower().rstrip("."), month)
            if g.get("year"):
                year = int(g["year"])
            elif published:
                year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
            else:
                continue  # a day and month with nothing to fix the year
            d = calendar_day(year, month, day)
            if d and (published is None or d <= published):
                out.append((m.start(), d))
    return out


def weekday_date(weekday: str, published: date) -> date:
    """The latest `weekday` on or before the publication date."""
    delta = (published.weekday() - WEEKDAYS[weekday.lower()]) % 7
    return published - timedelta(days=delta)


_SAME_DAY = re.compile(r"\b(?:(?:on\s+)?the\s+same\s+day|that\s+(?:same\s+)?day|later\s+that\s+day)\b", re.I)
_NARRATIVE = re.compile(rf"^(?:On|By|As\s+of)?\s*(?:(?:{MONTH_NAMES})\.?\s+\d{{1,2}}|\d{{1,2}}\s+(?:{MONTH_NAMES})\.?)(?:st|nd|rd|th)?(?:,?\s+20\d\d)?\s*,", re.I)


def narrative_date(sentence: str, published: date) -> str | None:
    """A sentence that opens with a date ("On August 6, …") sets the day of the narrative that follows."""
    if not _NARRATIVE.match(sentence):
        return None
    found = explicit_dates(sentence[:40], published)  # the opening's own date, not one later in the sentence
    # Only the news of the last days frames what follows; an older date opens a look back.
    if found and (published - found[0][1]).days <= 2:
        return found[0][1].isoformat()
    return None


def clause_around(sentence: str, pos: int) -> str:
    """The clause holding `pos`: past-framing words elsewhere in the sentence do not date this clause."""
    bounds = [0] + [m.end() for m in re.finditer(r",\s+(?:which|who|where|when|while|but|and\s+had)\b|;|\s[—–]\s", sentence)] + [len(sentence)]
    start = max(b for b in bounds if b <= pos) if any(b <= pos for b in bounds) else 0
    end = min((b for b in bounds if b > pos), default=len(sentence))
    return sentence[start:end]


def latest_full_date(text: str) -> str | None:
    """The latest day-month-year date printed in a text: with no publication date, weekdays resolve against it."""
    found = [d for _, d in explicit_dates(text, None)]
    return max(found).isoformat() if found else None


def _relative(sentence: str, published: date) -> Resolved | None:
    """ "yesterday", "today", "overnight"… counted from the publication date."""
    rel = _RELATIVE.search(sentence)
    if rel is None:
        return None
    word = rel.group(1).lower()
    if word in ("yesterday", "last night", "the day before"):
        return Resolved((published - timedelta(days=1)).isoformat(), "day", f"'{word}' before publication")
    return Resolved(published.isoformat(), "day", f"'{word}' = publication date")


def _weekday(sentence: str, published: date | None, anchor: str | None) -> Resolved | None:
    """A weekday: the latest such day on or before publication (with none, the day the article prints)."""
    wd = _WEEKDAY.search(sentence)
    if wd is None:
        return None
    if published:
        return Resolved(weekday_date(wd.group(1), published).isoformat(), "day", f"weekday {wd.group(1)} before publication")
    if anchor:
        d = weekday_date(wd.group(1), date.fromisoformat(anchor))
        if d.isoformat() == anchor:
            # The article prints the very day this weekday names ("a map from October 15, 2024" … "Tuesday").
            return Resolved(anchor, "day", f"weekday {wd.group(1)} = the full date the article prints")
    return Resolved(None, "week", "weekday without a publication date")


class ArticleDates:
    """The date context of one article, fed each of its sentences once, in order (`read`); `claim_date` then
    resolves the day a claim of the current sentence is about.

    The context: the publication date; the day the lead's news is of ("confirmed Thursday", from the first
    three sentences); the day an earlier "On August 6, …" sentence opened the narrative with; the last explicit
    day named before this sentence (for "on the same day"); with no publication date, the latest full date
    the article prints (weekdays resolve against it).
    """

    def __init__(self, published: str | None, text: str, sentences: list[str]) -> None:
        self.published = date.fromisoformat(published) if published else None
        self.anchor = None if published else latest_full_date(text)
        self.narrative: str | None = None
        self.previous_day: str | None = None
        self._sentence = ""
        self._found: list[tuple[int, date]] = []  # the explicit dates of the current sentence
        self._lead_scans: dict[str, list[tuple[int, date]]] = {}  # the lead's, scanned for it and kept for `read`
        self.lead = self._lead(sentences[:3])

    def _scan(self, sentence: str) -> list[tuple[int, date]]:
        found = self._lead_scans.get(sentence)
        return found if found is not None else explicit_dates(sentence, self.published)

    def _lead(self, lead: list[str]) -> Resolved | None:
        """A weekday or "yesterday" in the article's lead ("confirmed Thursday"): the day of its news."""
        if self.published is None:
            return None
        for sentence in lead:
            found = self._lead_scans[sentence] = self._scan(sentence)
            if found:
                continue  # an explicit date dates its own sentence, not the article's news
            r = _relative(sentence, self.published) or _weekday(sentence, self.published, None)
            if r is not None and r.date and 0 <= (self.published - date.fromisoformat(r.date)).days <= 3:
                return r
        return None

    def read(self, sentence: str) -> None:
        """Move on to the next sentence: scan its explicit dates (once) and see whether it opens a narrative."""
        if self._found:
            self.previous_day = max(self._found, key=lambda t: t[0])[1].isoformat()
        self._sentence = sentence
        self._found = self._scan(sentence)
        if self.published is not None:
            self.narrative = narrative_date(sentence, self.published) or self.narrative

    def claim_date(self, cue_pos: int) -> Resolved:
        """The day of a claim in the current sentence whose cue is at `cue_pos`; never after publication."""
        sentence, published = self._sentence, self.published
        if self._found:
            _, d = min(self._found, key=lambda t: abs(t[0] - cue_pos))
            return Resolved(d.isoformat(), "day", "explicit date")
        rel = _relative(sentence, published) if published else None
        if rel is not None:
            return rel
        if self.previous_day and _SAME_DAY.search(sentence):
            return Resolved(self.previous_day, "day", "'the same day' as the last date named")
        wd = _weekday(sentence, published, self.anchor)
        if wd is not None:
            return wd
        clause = clause_around(sentence, cue_pos)
        if _VAGUE.search(clause):
            month = re.search(r"month|jan|feb|march|april|may|june|july|aug|sept|oct|nov|dec", clause, re.I)
            return Resolved(None, "month" if month else "none", "past-framed statement")
        if self.narrative:
            return Resolved(self.narrative, "day", "day of the narrative (an earlier sentence opened with it)")
        if self.lead is not None and self.lead.date:
            return self.lead
        if published:
            return Resolved(published.isoformat(), "day", "publication date (statement of the day)")
        return Resolved(None, "none", "no date and no publication date")
