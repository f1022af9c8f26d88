"""Claims from one article: a per-article object that reads the article sentence by sentence.

    article_claims(article, mentions, country_of) -> (claims, the places they are about)

`mentions` come from the place stage, each with its Place; `country_of(name)` answers "RU", "UA" or None for a
place a speaker's title names ("Sumy Governor"), so the claims stage needs no gazetteer of its own.

Three passes over the sentences: who speaks in each (and the speakers a later sentence names for an earlier
one: "This was reported by TASS"); then, per sentence, the claims its places carry, each with its cue, its
claimant rule and its date rule.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import folded as fre
from ..records import Article, Claim, Mention, Place
from ..text import detect_language
from .dates import DateContext, explicit_dates, rules as date_rules
from .lexicon import LANGUAGES, Lexicon, lexicon
from .rules import OTHER, Role, Rules
from .sentences import Sentence, split
from .speakers import Frame, Speaker, SpeakerState, publisher_speaker, publisher_sides


@dataclass
class _SentenceInfo:
    sent: Sentence
    frames: list[Frame]
    voice: Frame  # who speaks where no frame does
    mentions: list[Mention] = field(default_factory=list)


class ArticleClaims:
    def __init__(self, article: Article, country_of: Callable[[str], str | None] | None = None,
                 lang: str | None = None) -> None:
        lang = lang or article.language or detect_language(article.text)
        self.country_of = country_of or (lambda name: None)
        self.article = article
        self.lang = lang
        self.lex: Lexicon = lexicon(lang)
        self.carry = self.lex.carry_speaker
        self.rules = Rules(self.lex)
        self.publisher = publisher_speaker(article.publisher, publisher_sides(), article.url)
        self.speakers = SpeakerState(self.lex, self.publisher, self._country_of_name)
        dl = self.lex.p("dateline_city_cs").search(article.text[:300]) if "dateline_city_cs" in self.lex.pattern else None
        if dl:
            self.speakers.context_side = "russia" if dl.group("ru") else "ukraine"
        full = [d for _, d in explicit_dates(date_rules(self.lex), article.text, None)] if not article.published else []
        self.dates = DateContext(self.lex, article.published, full)

    # -- helpers ---------------------------------------------------------------------------------------
    def _country_of_name(self, name: str) -> str | None:
        """The country of a place a title names ("Sumy Governor"): a place the article names, or the place stage's answer."""
        return self.country_of(name)

    @staticmethod
    def _place_country(m: Mention) -> str:
        return m.place.country if m.place is not None and m.place.country else "RU"

    @staticmethod
    def _in_theatre(m: Mention) -> bool:
        return m.place is not None and m.place.in_theatre

    # -- pass 1: speakers --------------------------------------------------------------------------------
    def _speakers(self, sentences: list[Sentence]) -> list[_SentenceInfo]:
        st = self.speakers
        quoted: dict[int, Speaker] = {}
        infos: list[_SentenceInfo] = []
        for i, sent in enumerate(sentences):
            st.notice(sent.text)
            if i not in quoted:
                quoted.update(self._quote_speaker(sentences, i))
            # The subject of a sentence ("Gerasimov visited the front", "Russian bloggers disagree — some said …")
            # is whom a "he said" or a "some said" means, in this sentence or a later one.
            subject = st.subject_of(sent.text)
            if subject is not None and (not st.history or st.history[-1] != subject):
                st.remember(subject)
            frames = st.frames(sent.text)
            for f in frames:
                st.remember(f.speaker)
            if i in quoted and not frames:
                voice = Frame(0, len(sent.text), quoted[i], "speaker named where the quotation closes")
            elif self.lex.speech["hedge"].search(sent.text) and st.history and not frames:
                voice = Frame(0, len(sent.text), st.history[-1], "hedged: the last speaker's report")
            else:
                voice = Frame(0, len(sent.text), self.publisher, "publisher voice")
            if voice.speaker is self.publisher and infos and infos[-1].sent.text.rstrip().endswith(":"):
                # "According to AFP:" — the sentence after is AFP's text.
                intro = self._last_speaker(infos[-1])
                if intro is not None:
                    voice = Frame(0, len(sent.text), intro, "quote introduced by the sentence before")
            if not frames and voice.speaker is self.publisher and infos:
                prev = infos[-1]
                same_para = not fre.search(r"\n\s*\n", self.article.text[prev.sent.end:sent.start])
                last = self._last_speaker(prev)
                # "DeepState published updated data on Sumy Oblast. 62 sq km … are under Russian control.": the
                # sentence after an announced report is the report.
                if same_para and last is not None and self.lex.speech["announces"].search(prev.sent.text):
                    voice = Frame(0, len(sent.text), last, "the report the sentence before announced")
                elif self.carry and last is not None and not self.lex.speech["hedge"].search(sent.text):
                    # Russian and Ukrainian rewrites of a statement go on in its voice after naming it once.
                    voice = Frame(0, len(sent.text), last, "the statement the sentences before named, continued")
                elif same_para and any(f.how.startswith("passive report") for f in prev.frames):
                    # "Отмечается, что враг продвинулся. Армия РФ заняла …": the report goes on.
                    voice = Frame(0, len(sent.text), next(f for f in prev.frames if f.how.startswith("passive report")).speaker,
                                  "the report the sentence before relayed goes on")
            infos.append(_SentenceInfo(sent, frames, voice))
            # "This was reported by TASS": the last real sentence before was TASS's.
            sp = st.retro(sent.text) if i else None
            if sp is not None:
                before = self._previous_statement(infos, i)
                if before is not None and before.voice.speaker is self.publisher and not before.frames:
                    before.voice = Frame(0, len(before.sent.text), sp, "named by the next sentence ('this was reported by')")
                st.remember(sp)
                infos[-1].voice = Frame(0, len(sent.text), sp, "named as the source of the sentence before")
        return infos

    def _last_speaker(self, info: _SentenceInfo) -> Speaker | None:
        """Who speaks at the end of a sentence: its last forward frame, or its carried voice."""
        forward = [f for f in info.frames if f.end >= len(info.sent.text) - 2]
        if forward:
            return forward[-1].speaker
        if not info.frames and info.voice.speaker is not self.publisher:
            return info.voice.speaker
        return None

    @staticmethod
    def _previous_statement(infos: list[_SentenceInfo], i: int) -> _SentenceInfo | None:
        """The sentence a "This was reported by" points back to: datelines and bylines between are skipped."""
        for j in range(i - 1, max(-1, i - 5), -1):
            t = infos[j].sent.text
            if len(t.split()) >= 3 and fre.search(r"[.!?”\"»]\s*$", t):
                return infos[j]
        return None

    def _quote_speaker(self, sentences: list[Sentence], i: int) -> dict[int, Speaker]:
        """A quotation over several sentences is the speaker's who is named where it closes."""
        sent = sentences[i]
        opening, closing = self.lex.speech["quote_open"], self.lex.speech["quote_close"]
        if not opening.match(sent.text) or closing.search(sent.text[1:]):
            return {}
        for j in range(i + 1, min(i + 6, len(sentences))):
            m = closing.search(sentences[j].text)
            if not m:
                continue
            rest = m.group("rest")
            frames = self.speakers.frames("X X X X X X, " + rest) if rest else []
            found = next((f.speaker for f in frames if f.how.startswith("speech verb")), None)
            return {k: found for k in range(i, j)} if found is not None else {}
        return {}

    # -- pass 2: claims ----------------------------------------------------------------------------------
    def claims(self, mentions: list[Mention]) -> list[Claim]:
        text = self.article.text
        sentences = split(text)
        infos = self._speakers(sentences)
        si = 0
        for m in mentions:
            while si < len(sentences) and sentences[si].end <= m.start:
                si += 1
            if si < len(sentences) and sentences[si].start <= m.start:
                infos[si].mentions.append(m)
        out: list[Claim] = []
        seen: set[tuple] = set()
        pending: Role | None = None
        for i, info in enumerate(infos):
            masked = self._masked(info)
            self.dates.feed(masked)
            if not info.mentions and i > 0:
                info.mentions = self._antecedents(info, infos[i - 1])
            if info.mentions:
                inherited = pending if pending and self.lex.p("list_intro").search(info.sent.text) else None
                for claim in self._sentence_claims(info, masked, inherited):
                    key = (claim.place_id, claim.status, claim.claimant, claim.date)
                    if key not in seen:
                        seen.add(key)
                        out.append(claim)
            for claim in self._denied_before(info, i, infos, out):
                key = (claim.place_id, claim.status, claim.claimant, claim.date)
                if key not in seen:
                    seen.add(key)
                    out.append(claim)
            pending = self._pending(info)
        return out

    def _denied_before(self, info: _SentenceInfo, i: int, infos: list[_SentenceInfo], so_far: list[Claim]) -> list[Claim]:
        """ "These claims were denied by Colonel X of Ukraine's border guard": the claims of the sentence
        before, contradicted: X says the places are held by X's side."""
        m = self.lex.speech["retro_denial"].match(info.sent.text)
        if m is None or i == 0:
            return []
        span = self.speakers.np_after(info.sent.text, m.end())
        sp = self.speakers.resolve(info.sent.text[span[0]:span[1]])[0] if span else None
        prev = self._previous_statement(infos, i)
        if sp is None or sp.side not in OTHER or prev is None:
            return []
        self.speakers.remember(sp)
        r = self.dates.resolve(0)
        text = self.article.text
        out = []
        for c in so_far:
            if c.evidence_start != prev.sent.start or c.status == sp.side:
                continue
            start, end = prev.sent.start, info.sent.end
            out.append(Claim(
                article=c.article, place_id=c.place_id, mention=c.mention, status=sp.side, claimant=sp.name,
                claimant_side=sp.side, date=r.date, date_precision=r.precision, evidence=text[start:end],
                evidence_start=start, evidence_end=end, mention_start=c.mention_start, mention_end=c.mention_end,
                cue=m.group(0).strip(), rule=f"denial of the sentence before; claimant: denies it ({sp.how}); date: {r.how}",
                cue_en="denied", language=self.lang))
        return out

    def _masked(self, info: _SentenceInfo) -> str:
        """The sentence with its place names blanked (same length): a name is never a date or an actor."""
        t = info.sent.text
        for m in info.mentions:
            s, e = m.start - info.sent.start, m.end - info.sent.start
            if 0 <= s < e <= len(t):
                t = t[:s] + "X" * (e - s) + t[e:]
        return t

    def _pending(self, info: _SentenceInfo) -> Role | None:
        """A sentence that counts or states captures without naming the places: the next list inherits it."""
        text = info.sent.text
        voice = info.frames[0].speaker if info.frames else info.voice.speaker
        if self.rules.count_noun.search(text):
            return self.rules.count_role(text, voice.side, voice)
        if not info.mentions:
            # "62.6 sq km of the border area is under the control of Russian troops. These are …"
            return self.rules.state_role(text, voice.side, voice)
        return None

    def _antecedents(self, info: _SentenceInfo, prev: _SentenceInfo) -> list[Mention]:
        """ "It was retaken", "the village", "these settlements": the places of the sentence before."""
        m = self.lex.p("place_anaphor_cs").match(info.sent.text)
        noun = None
        if m is None:
            noun = fre.search(r"\b(?:in|near|for|of|around|on\s+the\s+outskirts\s+of)\s+(?P<pron>the\s+(?:village|town|settlement|city|hamlet))\b(?!\s+of)", info.sent.text)
        places = [p for p in prev.mentions if self._in_theatre(p) and p.place_id]
        ids = {p.place_id for p in places}
        if m is None and noun is None:
            return []
        pron = (m or noun).group("pron")  # type: ignore[union-attr]
        plural = fre.match(r"(?i)these|they|both", pron) is not None
        if not ids or (not plural and len(ids) != 1) or (plural and len(ids) < 2):
            return []
        start = info.sent.start + (m or noun).start("pron")  # type: ignore[union-attr]
        end = info.sent.start + (m or noun).end("pron")  # type: ignore[union-attr]
        out, done = [], set()
        for p in places:
            if p.place_id in done:
                continue
            done.add(p.place_id)
            out.append(Mention(p.article, start, end, pron, (p.place_id,), p.place_id,  # type: ignore[arg-type]
                               reason=f"'{pron}' = the place the previous sentence names", place=p.place))
        return out

    def _same_sentence_anaphors(self, info: _SentenceInfo, spans: list) -> list:
        """ "… fighting in the southern part of Hrabovske, but DeepState said the village had been captured":
        "the village" stands for the place named just before it in the same sentence."""
        text = info.sent.text
        out = []
        for m in fre.finditer(r"\b(?:the|this|that)\s+(?:village|town|settlement|city|hamlet)\b(?!\s+(?:of|council|administration|head|centre|center))", text, re.I):
            before = [sp for sp in spans if sp[1] <= m.start()]
            if not before or fre.search(r",\s*$", text[before[-1][1]:m.start()]):
                continue  # nothing before it, or an appositive ("Sudzha, the town that …")
            s0, e0, prev = before[-1]
            if m.start() - e0 > 200:
                continue
            start, end = info.sent.start + m.start(), info.sent.start + m.end()
            out.append((m.start(), m.end(), Mention(prev.article, start, end, m.group(0), prev.candidates, prev.place_id,
                                                    reason=f"'{m.group(0)}' = {prev.text}, named before it in the sentence",
                                                    place=prev.place)))
        return out

    def _frame_for(self, info: _SentenceInfo, pos: int) -> Frame:
        inside = [f for f in info.frames if f.start <= pos < f.end]
        return min(inside, key=lambda f: f.size) if inside else info.voice

    def _relay(self, info: _SentenceInfo, frame: Frame, pos: int) -> str:
        if frame.relayed_by:
            return frame.relayed_by
        outer = [f for f in info.frames if f.start <= pos < f.end and f.size > frame.size and f.speaker != frame.speaker]
        if outer:
            return min(outer, key=lambda f: f.size).speaker.name
        if frame is not info.voice and info.voice.speaker is not self.publisher:
            return info.voice.speaker.name
        return ""

    def _sentence_claims(self, info: _SentenceInfo, masked: str, inherited: Role | None) -> list[Claim]:
        text = info.sent.text
        found = self.rules.cues(masked)
        spans = []
        for m in info.mentions:
            if not self._in_theatre(m):
                continue
            spans.append((m.start - info.sent.start, m.end - info.sent.start, m))
        spans += self._same_sentence_anaphors(info, spans)
        spans.sort(key=lambda t: t[0])
        out: list[Claim] = []
        groups = self.rules.groups(text, spans)
        while groups:
            group = groups.pop(0)
            out += self._group_claims(info, masked, inherited, found, group, groups)
        return out

    def _group_claims(self, info: _SentenceInfo, masked: str, inherited: Role | None, found, group, rest) -> list[Claim]:
        text = info.sent.text
        gs, ge = group[0][0], group[-1][1]
        gov = self.rules.find(masked, gs, ge, found)
        # The claimant is who asserts the cue: "Sudzha, which Moscow claimed back control of".
        frame = self._frame_for(info, gov[0] if gov else gs)
        m0: Mention = group[0][2]
        role = self.rules.role(masked, gs, ge, gov, frame.speaker.side, self._place_country(m0)) if gov else None
        if role is not None and role.cue_id == "partial_of" and len(group) > 1:
            rest.insert(0, group[1:])  # "part of A, as well as B": B is read on its own
            group = group[:1]
        if role is None and inherited is not None and (len(group) >= 2 or fre.match(r"^(?:This|These|It|They|Among)", text)
                                                       or self.lex.p("list_intro").search(text)):
            role = inherited
        if role is not None and role is inherited and role.voice is not None and frame.speaker is self.publisher:
            frame = Frame(0, len(text), role.voice, "speaker of the sentence that counted the places")  # type: ignore[arg-type]
        out: list[Claim] = []
        for ms, me, mention in group:
            desc = self.rules.descriptor(masked, ms, me, frame.speaker.side)
            roles = [r for r in (desc, None if (desc and self.rules.described_before(masked, ms)) else role) if r is not None]
            for r in roles:
                out += self._emit(info, mention, r, frame, gs)
        return out

    def _emit(self, info: _SentenceInfo, m: Mention, role: Role, frame: Frame, pos: int) -> list[Claim]:
        sent = info.sent
        if role.outlet_voice:
            # A descriptor is the wording of the outlet whose text this is: the publisher, or the agency it relays.
            outlet = info.voice.speaker if info.voice.speaker.kind in ("media", "publisher") else self.publisher
            voices = [(outlet, "outlet voice", "")]
        elif role.denied:
            voices = self._denial_voices(info, frame, role, pos)
        else:
            relay = self._relay(info, frame, pos)
            voices = [(frame.speaker, frame.how, relay)] + [(c, "co-speaker", relay) for c in frame.co]
        # A claim is dated by its own clause first, then by when it was said ("said on Friday").
        r = self.dates.resolve(role.cue_pos)
        if role.outlet_voice:
            # A descriptor framed as the past ("Sudzha, the town Ukraine captured soon after its incursion") is undated.
            after = sent.text[m.end - sent.start:]
            own = self.dates.resolve(0, text=fre.split(r"[.;]", after, maxsplit=1)[0] or role.cue)
            if own.date is None and own.precision != "none" or own.how == "past-framed statement":
                r = own
        out = []
        for speaker, how, relay in voices:
            status = role.status
            if role.denied and speaker is frame.speaker and frame.speaker.side in OTHER:
                status = frame.speaker.side  # the denier holds it
            out.append(Claim(
                article=self.article.stem, place_id=m.place.id if m.place is not None else "", mention=m.text,
                status=status, claimant=speaker.name, claimant_side=speaker.side, date=r.date,
                date_precision=r.precision, evidence=sent.text, evidence_start=sent.start, evidence_end=sent.end,
                mention_start=m.start, mention_end=m.end, cue=role.cue,
                rule=f"{role.rule}; claimant: {how} ({speaker.how}); date: {r.how}", relayed_by=relay,
                cue_en=role.gloss, language=self.lang,
            ))
        return out

    def _denial_voices(self, info: _SentenceInfo, frame: Frame, role: Role, pos: int) -> list[tuple[Speaker, str, str]]:
        """A claim called false: the original claimant (named by "disseminated by X", "X's claims") made it, and
        the one who calls it false says the opposite."""
        text = info.sent.text
        voices: list[tuple[Speaker, str, str]] = []
        src = fre.search(r"\b(?:disseminated|spread|circulated|claimed|published|reported|made)\s+by\s+(?P<np>[^,.;]{3,80})", text, re.I)
        if src:
            sp, _ = self.speakers.resolve(src.group("np"))
            if sp is not None:
                voices.append((sp, "the claim called false was theirs", ""))
        if frame.speaker.side in OTHER:
            voices.append((frame.speaker, f"{frame.how}; calls the claim false", ""))
        return voices


def article_claims(article: Article, mentions: list[Mention],
                   country_of: Callable[[str], str | None] | None = None) -> tuple[list[Claim], dict[str, Place]]:
    """The claims of `article` (its `mentions` resolved by the place stage), and the place each claim is about."""
    claims = ArticleClaims(article, country_of).claims(mentions)
    by_id = {m.place.id: m.place for m in mentions if m.place is not None}
    return claims, {c.place_id: by_id[c.place_id] for c in claims if c.place_id in by_id}


def prepare() -> None:
    """Make every language's lexicon and rules now (they are cached), so that worker processes forked after this
    share them. Their patterns compile at first use, in each worker at once (compiled here, one after another,
    they held every worker back half a second)."""
    for lang in LANGUAGES:
        ArticleClaims(Article(stem="", path="", text="", published="2025-01-01", language=lang)).claims([])
