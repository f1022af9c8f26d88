"""The record types that flow through the pipeline: Article → Mention → Place → Claim."""
from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("russia", "ukraine", "contested")
SIDES = ("russia", "ukraine", "third_party", "unknown")  # unknown: a speaker whose side the text does not reveal
# ACLED-style geo precision codes: 1 point, 2 approximate, 3 area; unlocated places carry none.
PRECISION_CODES = {"point": 1, "approximate": 2, "area": 3, "unlocated": None}


@dataclass(frozen=True)
class Article:
    """One article as read from disk, with its metadata."""

    stem: str
    path: str
    text: str
    publisher: str | None = None
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None
    title: str | None = None
    content_hash: str = ""
    published_source: str = "meta"  # meta | dateline | none
    signature: tuple[int, int, int] = (0, 0, 0)  # (size, mtime_ns, metadata mtime_ns) when read: a cheap "unchanged?"
    language: str = ""  # en | ru | uk: from the metadata, else detected when read; "" not known (the claims stage guesses)


@dataclass(frozen=True)
class Place:
    """A gazetteer entry (or an unlocated name found in text)."""

    id: str
    name_en: str
    name_ru: str = ""
    name_uk: str = ""
    lat: float | None = None
    lon: float | None = None
    country: str = ""
    oblast: str = ""
    raion: str = ""
    kind: str = ""
    population: int | None = None
    precision: str = "point"  # point | approximate | area | unlocated
    precision_source: str = ""
    coord_source: str = ""
    in_theatre: bool = True


@dataclass(frozen=True)
class Mention:
    """A gazetteer name (or a capitalised name in a settlement slot) found in an article."""

    article: str
    start: int
    end: int
    text: str  # as written
    candidates: tuple[str, ...]  # place ids the spelling can mean
    place_id: str | None = None  # the chosen candidate; None when the gazetteer has none
    reason: str = ""  # why that candidate was chosen
    # The place the mention leaves the place stage with (None before it): the chosen gazetteer entry, or for
    # a name the gazetteer lacks a stand-in under an `unlocated:` id (drawn at its raion when the text names
    # one nearby; out of the theatre when the text places it elsewhere).
    place: Place | None = None

    def placed(self, place: Place) -> "Mention":
        """The mention leaving the place stage with its place (dataclasses.replace, without its cost per mention)."""
        return Mention(self.article, self.start, self.end, self.text, self.candidates, self.place_id, self.reason, place)

    def chosen(self, place_id: str | None, reason: str) -> "Mention":
        return Mention(self.article, self.start, self.end, self.text, self.candidates, place_id, reason, self.place)


@dataclass(frozen=True)
class Claim:
    """By `date`, `claimant` (on `claimant_side`) asserts that `place_id` is held by `status`."""

    article: str
    place_id: str
    mention: str
    status: str
    claimant: str
    claimant_side: str
    date: str | None
    date_precision: str  # day | week | month | none
    evidence: str
    evidence_start: int
    evidence_end: int
    mention_start: int
    mention_end: int
    cue: str
    rule: str
    relayed_by: str = ""
    citations: tuple[str, ...] = field(default_factory=tuple)
    cue_en: str = ""  # the cue in English ("liberated" for "освобождены"), for a reader who does not read the quote
    language: str = "en"  # of the evidence: en | ru | uk
