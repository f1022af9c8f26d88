"""The day a claim is about, from one per-article date context fed each sentence once.

Explicit dates first ("6 August", "Aug. 6, 2024", "08/14/2024"; a range gives its last day); then words
relative to the publication date ("yesterday", "over the past 24 hours", "late Monday": a weekday is the
latest such day on or before publication); "the same day" / "the following day" against the last day the
article named; the day an earlier "On August 6, …" sentence set; the statement day (the publication date)
for news of the day; null (week, month or none) for past-framed statements ("earlier in March", "last
month", "since August"). A date is never after the publication date, and never read out of a place name
("10th October" the village): the sentence arrives with its place names masked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .. import folded as fre
from ..folded import compile_folded
from .lexicon import Lexicon

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}


@dataclass(frozen=True)
class Resolved:
    date: str | None
    precision: str  # day | week | month | none
    how: str


@dataclass(frozen=True)
class _Rules:
    explicit: tuple[re.Pattern[str], ...]
    range_tail: re.Pattern[str]
    weekday: re.Pattern[str]
    day_before: re.Pattern[str]
    same_day: re.Pattern[str]
    vague: re.Pattern[str]
    pluperfect: re.Pattern[str]
    backshift: re.Pattern[str]
    same_as_last: re.Pattern[str]
    next_day: re.Pattern[str]
    week: re.Pattern[str]
    narrative: re.Pattern[str]
    months: dict[str, int]
    weekdays: dict[str, int]


@lru_cache(maxsize=None)
def rules(lex: Lexicon) -> _Rules:
    d = lex.date
    mon = rf"(?P<mon>{d['months']})\.?"
    months = dict(MONTHS)
    weekdays = dict(WEEKDAYS)
    # Languages other than English list their own month and weekday forms as "form=number" pairs.
    for pair in d.get("month_numbers", "").split("|"):
        if "=" in pair:
            k, v = pair.split("=")
            months[k] = int(v)
    for pair in d.get("weekday_numbers", "").split("|"):
        if "=" in pair:
            k, v = pair.split("=")
            weekdays[k] = int(v)
    day = r"(?P<day>\d{1,2})(?:st|nd|rd|th|-?(?:го|е|я|го|ого))?"
    explicit = (
        compile_folded(rf"\b{day}\s+(?:of\s+)?{mon}(?:,?\s+(?P<year>20\d\d))?\b", re.I),
        compile_folded(rf"\b{mon}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>20\d\d))?(?!\s*(?:km|kilomet|mile))", re.I),
        re.compile(r"\b(?P<m>\d{1,2})/(?P<day>\d{1,2})/(?P<year>20\d\d)\b"),
        re.compile(r"\b(?P<day>\d{1,2})\.(?P<m>\d{1,2})\.(?P<year>20\d\d)\b"),
        re.compile(r"\b(?P<year>20\d\d)-(?P<m>\d\d)-(?P<day>\d\d)\b"),
    )
    return _Rules(
        explicit=explicit,
        range_tail=compile_folded(rf"^\s*(?:-|–|—|to|through|until|and|по|и|і|та)\s*(?:(?P<mon2>{d['months']})\.?\s+)?(?P<day2>\d{{1,2}})\b(?!\s*(?:km|kilomet|mile))", re.I),
        weekday=compile_folded(rf"\b(?:on\s+|last\s+|this\s+|late\s+|early\s+)?(?P<wd>{d['weekdays']})\b", re.I),
        day_before=compile_folded(rf"\b(?:{d['day_before']})\b", re.I),
        same_day=compile_folded(rf"\b(?:{d['same_day']})\b", re.I),
        vague=compile_folded(d["vague"].replace("MONTHS", d["months"]), re.I),
        pluperfect=compile_folded(d["pluperfect"], re.I),
        backshift=compile_folded(d["backshift"], re.I),
        same_as_last=compile_folded(d["same_as_last"], re.I),
        next_day=compile_folded(d["next_day"], re.I),
        week=compile_folded(d["week"], re.I),
        narrative=compile_folded(rf"^(?:On|By|As\s+of|В|На|Станом\s+на|По\s+состоянию\s+на)?\s*(?:(?:{d['months']})\.?\s+\d{{1,2}}|\d{{1,2}}(?:-?го)?\s+(?:{d['months']})\.?)"
                             r"(?:st|nd|rd|th)?(?:,?\s+20\d\d)?\s*(?:года|року|р\.|г\.)?\s*,", re.I),
        months=months,
        weekdays=weekdays,
    )


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


_DIGIT = re.compile(r"\d")


def explicit_dates(r: _Rules, text: str, published: date | None, anchor: date | None = None) -> list[tuple[int, date]]:
    """(offset, date) of every explicit calendar date in `text`; ranges give their last day. A day and month
    without a year take the year that puts them on or before the publication date (or, with none, before
    `anchor`, the latest full date the article prints)."""
    out: list[tuple[int, date]] = []
    if not _DIGIT.search(text):
        return out  # every explicit date has a day number
    taken: list[tuple[int, int]] = []
    for rx in r.explicit:
        for m in rx.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            g = m.groupdict()
            if g.get("mon"):
                month = r.months.get(g["mon"].lower().rstrip("."))
                if month is None:
                    continue
            else:
                month = int(g["m"])
            day = int(g["day"])
            tail = r.range_tail.match(text[m.end():m.end() + 24])
            if tail and not g.get("m") and int(tail.group("day2")) > day:
                day = int(tail.group("day2"))
                if tail.group("mon2"):
                    month = r.months.get(tail.group("mon2").lower().rstrip("."), month)
            elif tail and not g.get("m") and tail.group("mon2"):
                day = int(tail.group("day2"))
                month = r.months.get(tail.group("mon2").lower().rstrip("."), month)
            if g.get("year"):
                year = int(g["year"])
            elif published:
                year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
            elif anchor:
                # Without a publication date, only a day close before the latest full date can take its year.
                year = anchor.year if (month, day) <= (anchor.month, anchor.day) else anchor.year - 1
                near = _mk(year, month, day)
                if near is None or (anchor - near).days > 60:
                    continue
            else:
                continue  # a day and a month with nothing to fix the year
            d = _mk(year, month, day)
            if d and (published is None or d <= published):
                out.append((m.start(), d))
                taken.append((m.start(), m.end()))
    return sorted(out)


def weekday_date(weekday: int, published: date) -> date:
    """The latest such weekday on or before the publication date."""
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def clause_around(sentence: str, pos: int) -> str:
    """The clause holding `pos`: past-framing words elsewhere in the sentence do not date this clause."""
    bounds = [0] + [m.end() for m in fre.finditer(r",\s+(?:which|who|where|when|while|but|and\s+had)\b|;|\s[—–]\s", sentence)] + [len(sentence)]
    start = max(b for b in bounds if b <= pos) if any(b <= pos for b in bounds) else 0
    end = min((b for b in bounds if b > pos), default=len(sentence))
    return sentence[start:end]


@dataclass
class _Sentence:
    text: str
    explicit: list[tuple[int, date]]
    day: str | None = None  # the day the sentence names last, explicitly or as "the following day"
    memo: dict | None = None  # answers that depend only on the sentence, worked out once


class DateContext:
    """The dates of one article, fed its sentences in order (`feed`), asked for a claim's day (`resolve`)."""

    def __init__(self, lex: Lexicon, published: str | None, full_text_dates: list[date] | None = None) -> None:
        self.r = rules(lex)
        self.published = published
        self.pub = date.fromisoformat(published) if published else None
        # With no publication date, a weekday resolves only against a full date the article prints.
        self.anchor = max(full_text_dates).isoformat() if (not published and full_text_dates) else None
        self._anchor_date = date.fromisoformat(self.anchor) if self.anchor else None
        self.narrative: str | None = None
        self.previous_day: str | None = None
        self.lead: Resolved | None = None
        self.n = 0
        self.current = _Sentence("", [])

    def feed(self, masked: str) -> None:
        """The next sentence (place names masked); its explicit dates are scanned once."""
        if self.current.day:
            self.previous_day = self.current.day
        found = explicit_dates(self.r, masked, self.pub, self._anchor_date)
        day = max(found, key=lambda t: t[0])[1].isoformat() if found else None
        if day is None and self.previous_day and self.r.next_day.search(masked):
            nxt = date.fromisoformat(self.previous_day) + timedelta(days=1)
            day = nxt.isoformat() if self.pub is None or nxt <= self.pub else None
        self.current = _Sentence(masked, found, day)
        narrative = self._narrative(masked, found)
        if narrative:
            self.narrative = narrative
        if len(masked.split()) >= 8:
            self.n += 1
        if self.n <= 3 and self.lead is None and self.pub:
            r = self._relative(masked)
            if r and r.date and (r.how.startswith("weekday") or r.how.startswith("'")):
                if 0 <= (self.pub - date.fromisoformat(r.date)).days <= 3:
                    self.lead = r

    def _narrative(self, masked: str, found: list[tuple[int, date]]) -> str | None:
        """A sentence that opens with a recent date ("On August 6, …") sets the day of what follows."""
        if not self.pub:
            return None
        if not self.r.narrative.match(masked):
            return None
        first = [d for pos, d in found if pos < 40]
        if first and (self.pub - first[0]).days <= 2:
            return first[0].isoformat()
        return None

    def _relative(self, text: str) -> Resolved | None:
        pub = self.pub
        if pub:
            m = self.r.day_before.search(text)
            if m:
                return Resolved((pub - timedelta(days=1)).isoformat(), "day", f"'{m.group(0)}' = the day before publication")
            m = self.r.same_day.search(text)
            if m:
                return Resolved(pub.isoformat(), "day", f"'{m.group(0)}' = the publication date")
        wd = self.r.weekday.search(text)
        if wd:
            n = self.r.weekdays[wd.group("wd").lower()]
            if pub:
                return Resolved(weekday_date(n, pub).isoformat(), "day", f"weekday {wd.group('wd')} before publication")
            if self.anchor:
                d = weekday_date(n, date.fromisoformat(self.anchor))
                if d.isoformat() == self.anchor:
                    return Resolved(self.anchor, "day", f"weekday {wd.group('wd')} = the full date the article prints")
            return Resolved(None, "week", "weekday without a publication date")
        return None

    def resolve(self, cue_pos: int, text: str | None = None) -> Resolved:
        """The day of a claim whose cue stands at `cue_pos` of the current sentence (or of `text`, a part of it)."""
        if text is None:
            memo = self.current.memo = self.current.memo or {}
            key = clause_around(self.current.text, cue_pos)
            if key not in memo:
                memo[key] = self._resolve(cue_pos, None)
            return memo[key]
        return self._resolve(cue_pos, text)

    def _resolve(self, cue_pos: int, text: str | None) -> Resolved:
        s = self.current
        found = s.explicit if text is None else explicit_dates(self.r, text, self.pub, self._anchor_date)
        text = s.text if text is None else text
        if found:
            _, d = min(found, key=lambda t: abs(t[0] - cue_pos))
            return Resolved(d.isoformat(), "day", "explicit date")
        clause = clause_around(text, cue_pos)
        # A past-framed clause is undated even when another clause of the sentence names "that day"
        # ("… said that day that Ukraine took A, near B, the town Ukraine captured soon after its incursion").
        past = self.r.vague.search(clause) and not self.r.same_as_last.search(clause) and not self.r.next_day.search(clause)
        if self.previous_day and self.r.next_day.search(text) and not past:
            d = date.fromisoformat(self.previous_day) + timedelta(days=1)
            if self.pub is None or d <= self.pub:
                return Resolved(d.isoformat(), "day", "'the following day' after the last date named")
        if self.previous_day and self.r.same_as_last.search(text) and not past:
            return Resolved(self.previous_day, "day", "'the same day' as the last date named")
        rel = self._relative(text)
        if rel is not None and not (rel.precision == "week" and self.r.vague.search(clause)):
            return rel
        if self.r.week.search(clause):
            return Resolved(None, "week", "within a week named, no day")
        if self.r.vague.search(clause) or (self.r.pluperfect.search(clause) and not self.r.backshift.search(text)):
            month = fre.search(rf"month|{self.r.months and '|'.join(k for k in self.r.months if len(k) > 3)}", clause, re.I)
            return Resolved(None, "month" if month else "none", "past-framed statement")
        if self.narrative:
            return Resolved(self.narrative, "day", "day of the narrative (an earlier sentence opened with it)")
        if self.lead is not None and self.lead.date:
            return Resolved(self.lead.date, "day", f"the day the lead names ({self.lead.how})")
        if self.pub:
            return Resolved(self.published, "day", "publication date (statement of the day)")
        return Resolved(None, "none", "no date and no publication date")
