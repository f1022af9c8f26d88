"""The claims of one article: its sentences read in order, each once.

Each sentence goes to the article's speaker state (`speakers.ArticleSpeakers`: who says it) and date context
(`dates.ArticleDates`: which day it is about); the sentence rules (`rules`) say what it claims about each
settlement it names. One claim per (place, status, claimant, day) per article.
"""
from __future__ import annotations

import re

from ..records import Article, Claim, Mention, Place
from . import rules
from .dates import ArticleDates
from .rules import Role
from .sentences import Sentence, split
from .speakers import ArticleSpeakers, Attribution, publisher_claimant


def article_claims(article: Article, mentions: list[Mention]) -> tuple[list[Claim], dict[str, Place]]:
    """The claims of `article` (its `mentions` resolved by the place stage), and the place each claim is about."""
    reader = ArticleClaims(article, mentions)
    reader.read()
    return reader.claims, reader.places


def _place(m: Mention) -> Place:
    if m.place is None:
        raise ValueError(f"{m.article}: mention {m.text!r} at {m.start} has no place (resolve mentions first)")
    return m.place


def _by_sentence(sentences: list[Sentence], mentions: list[Mention]) -> dict[int, list[Mention]]:
    """Sentence index → the mentions that start in it (mentions and sentences both in text order)."""
    out: dict[int, list[Mention]] = {}
    si = 0
    for m in mentions:
        while si < len(sentences) and sentences[si].end <= m.start:
            si += 1
        if si < len(sentences) and sentences[si].start <= m.start:
            out.setdefault(si, []).append(m)
    return out


class ArticleClaims:
    """The reading of one article: `read()` walks its sentences and fills `claims` and `places`."""

    def __init__(self, article: Article, mentions: list[Mention]) -> None:
        self.article = article
        self.sentences = split(article.text)
        texts = [s.text for s in self.sentences]
        self.publisher = publisher_claimant(article.publisher)
        self.speakers = ArticleSpeakers(self.publisher, texts)
        self.dates = ArticleDates(article.published, article.text, texts)
        self.mentions = _by_sentence(self.sentences, mentions)
        self.claims: list[Claim] = []
        self.places: dict[str, Place] = {}  # place id → place, for the places the claims are about
        self._seen: set[tuple[str, str, str, str | None]] = set()
        self._count: Role | None = None  # "liberated 12 settlements." followed by the list of them

    def read(self) -> None:
        for i, sent in enumerate(self.sentences):
            self._read(i, sent)

    def _read(self, i: int, sent: Sentence) -> None:
        speaker = self.speakers.read(sent.text)
        self.dates.read(sent.text)
        if i not in self.mentions and i - 1 in self.mentions:
            pronoun = rules.antecedent(sent, self.mentions[i - 1])
            if pronoun is not None:
                self.mentions[i] = [pronoun]
        if i in self.mentions:
            inherited = self._count if self._count and rules.LIST_INTRO.search(sent.text) else None
            for claim, place in self._sentence_claims(sent, self.mentions[i], speaker, inherited):
                key = (claim.place_id, claim.status, claim.claimant, claim.date)
                if key not in self._seen:
                    self._seen.add(key)
                    self.claims.append(claim)
                    self.places.setdefault(claim.place_id, place)
        self._count = rules.count_role(sent.text, speaker) if rules.COUNT_NOUN.search(sent.text) else None

    def _sentence_claims(self, sent: Sentence, mentions: list[Mention], speaker: Attribution,
                         inherited: Role | None) -> list[tuple[Claim, Place]]:
        """The claims of one sentence (`inherited`: the role a list of names takes from the count before it)."""
        s_text = sent.text
        found = rules.find_cues(s_text)
        spans = [(m.start - sent.start, m.end - sent.start, m) for m in mentions if _place(m).in_theatre]
        out: list[tuple[Claim, Place]] = []
        for group in rules.groups(s_text, spans):
            gs, ge = group[0][0], group[-1][1]
            first = group[0][2]
            country = _place(first).country if first.place_id else "RU"
            group_role = rules.role(s_text, gs, ge, found, speaker.claimant.side, country)
            if group_role is None and inherited is not None and (len(group) >= 2 or re.match(r"^(?:This|These|It|They|Among)", s_text)):
                group_role = inherited
            for ms, me, m in group:
                desc = rules.descriptor(s_text, ms, me, speaker, self.publisher)
                # "Ukrainian-held X": X is described, and usually a reference point for something else.
                described_before = desc is not None and desc.rule.startswith("descriptor") and rules.DESCRIPTOR_BEFORE.search(s_text[:ms])
                roles = [r for r in (desc, None if described_before else group_role) if r is not None]
                for role in roles:
                    out += [(claim, _place(m)) for claim in self._emit(sent, m, role, speaker)]
        return out

    def _emit(self, sent: Sentence, m: Mention, role: Role, speaker: Attribution) -> list[Claim]:
        """One claim per speaker: the role's own voice (descriptors), or the sentence's speaker and co-speakers."""
        voices = [role.voice] if role.voice else [speaker] + [Attribution(c, speaker.relayed_by, "co-speaker") for c in speaker.co]
        r = self.dates.claim_date(role.cue_pos)
        return [Claim(
            article=self.article.stem, place_id=_place(m).id, mention=m.text,
            status=role.status, claimant=v.claimant.name, claimant_side=v.claimant.side, date=r.date,
            date_precision=r.precision, evidence=sent.text, evidence_start=sent.start, evidence_end=sent.end,
            mention_start=m.start, mention_end=m.end, cue=role.cue,
            rule=f"{role.rule}; claimant: {v.how}; date: {r.how}", relayed_by=v.relayed_by,
        ) for v in voices]
