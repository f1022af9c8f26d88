"""Claims from an article: for each settlement mention, the cue that governs it, the side that acts,
the claimant who asserts it, and the date it is about. Rules only; every claim records its cue and rule.

The cue lexicon lives in `data/cues.csv`, claimants in `data/claimants.csv`.
"""
from __future__ import annotations

import csv
import re
from datetime import date
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from . import dates
from .speakers import Attribution, Claimant, attribute, entities, publisher_claimant, speakers
from ..places.gazetteer import Gazetteer
from ..records import Article, Claim, Mention
from .sentences import Sentence, split

OTHER = {"russia": "ukraine", "ukraine": "russia"}

_RU = r"(?:Russian|Russia'?s|Russia|Moscow'?s|Moscow|Kremlin|North\s+Korean|Russians|Chechen|Akhmat|Sever|pro-Russian)"
_UA = r"(?:Ukrainian|Ukraine'?s|Ukraine|Kyiv'?s|Kyiv|Kiev'?s|Kiev|Ukrainians|AFU|ZSU|VSU)"
_FORCE = (r"(?:(?:armed|defen[cs]e)\s+forces|troops|forces|army|military|units?|soldiers|servicemen|marines|"
          r"paratroopers|infantry|brigades?|battalions?|assault\s+groups?|fighters|defenders|formations|groups?|side|garrison|"
          r"grouping|command|naval\s+infantry)")
_AGENT = re.compile(
    rf"\b(?P<ru>{_RU})(?:\s+[\w-]+){{0,2}}?\s+{_FORCE}\b|\b(?P<ua>{_UA})(?:\s+[\w-]+){{0,2}}?\s+{_FORCE}\b|"
    rf"\b(?P<ru2>Russia|Moscow|Russians|the\s+Kremlin)\b|\b(?P<ua2>Ukraine|Kyiv|Kiev|Ukrainians|AFU|ZSU)\b|"
    rf"\b(?P<our>our|we|us)\b|\b(?P<enemy>(?:the\s+)?enemy|adversary|occupiers?)\b",
    re.I,
)
_PLACE_ADJ = re.compile(r"^\s*(?:territory|town|village|soil|border|region|oblast|settlement|city|land|side\s+of\s+the\s+border)", re.I)
_HYPOTHETICAL = re.compile(
    r"\b(?:will|would|could|might|may|can|cannot|can't|plan\w*|intend\w*|aim\w*|expected\s+to|preparing|prepare|trying|tried|"
    r"attempt\w*|seek\w*|hop(?:e|es|ed|ing)|want\w*|unlikely|goal|threaten\w*|try|order\w*\s+to|tasked|vowed|promised|if|whether)\b"
    r"(?:\s+[\w'-]+){0,7}\s*$",
    re.I,
)
_NEGATION = re.compile(r"\b(?:not|never|no|didn't|did\s+not|hasn't|haven't|failed\s+to|without|yet\s+to)\b(?:\s+[\w'-]+){0,2}\s*$", re.I)
_SETTLEMENT_NOUN = (r"(?:towns?|villages?|cit(?:y|ies)|settlements?|hamlets?|localit(?:y|ies)|communit(?:y|ies)|khutors?|"
                    r"regional\s+(?:hub|centre|center)|(?:district[’']?s?\s+)?administrative\s+cent(?:er|re)|main\s+\w+\s+stronghold)")
_REFERENCE = re.compile(
    r"(?:\b(?:km|kilomet(?:er|re)s?|miles?|metres|meters)\b(?:\s*\([^)]*\))?\s+(?:\w+\s+){0,1}(?:of|from)\s+|"
    r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern|ward)?\s+(?:outskirts\s+)?of\s+|"
    r"\b(?:towards?|toward|directions?(?:\s+of)?|in\s+the\s+directions?\s+of|from|(?:road|route|highway|way|return)\s+to|via|through|past|beyond|across|bypass\w*)\s+|"
    r"\b(?:missile|drone|air|artillery|rocket|bomb\w*|glide\s+bombs?)\s+(?:attacks?|strikes?|raids?)\s+(?:on|against|in)\s+|"
    r"\b(?:residents?|people|head|mayor|governor|evacuat\w*|shell\w*|strik\w*|drone\s+attacks?\s+on|visit\w*|hospital|"
    r"district|checkpoint|gas)\s+(?:of|in|on|from)\s+)"
    rf"(?:(?:the|a)\s+)?(?:(?:[\w-]+\s+){{0,3}}?{_SETTLEMENT_NOUN}\s+(?:of\s+)?)?$",
    re.I,
)
_IMAGE = re.compile(r"\b(?:photo|video|footage|image|picture|screenshot|clip)s?\b[^.]{0,40}$", re.I)
_DESCRIPTOR_BEFORE = re.compile(
    rf"\b(?:(?P<ua>{_UA})|(?P<ru>{_RU}))[\s-]+(?:held|controlled|occupied|captured|seized)\s+(?:(?:[\w-]+\s+){{0,2}}(?:town|village|city|settlement|hamlet)\s+of\s+)?(?:the\s+)?$|"
    rf"\b(?:main|last|key)\s+(?:(?P<ua3>{_UA})|(?P<ru3>{_RU}))\s+(?:stronghold|foothold|bastion|position)s?\s+(?:of|in)\s+(?:the\s+\w+\s+of\s+)?$",
    re.I,
)
_DESCRIPTOR_AFTER = re.compile(
    rf"^(?:'s)?,?\s+(?:which|that|who)\s+(?:is|was|has\s+been|had\s+been|remains)\s+(?:still\s+|now\s+|currently\s+|firmly\s+)?"
    rf"(?:under\s+(?:the\s+)?(?:(?P<ua>{_UA})|(?P<ru>{_RU}))\s+control|occupied\s+by\s+(?:(?P<ua2>{_UA})|(?P<ru2>{_RU}))|"
    rf"(?:held|controlled)\s+by\s+(?:(?P<ua3>{_UA})|(?P<ru3>{_RU})))|"
    rf"^,?\s+(?:populated\s+by[^,]*,\s*)?(?:was|were|has\s+been|had\s+been)\s+under\s+(?:(?P<ua4>{_UA})|(?P<ru4>{_RU}))\s*(?:'s)?\s+control|"
    rf"^,\s+(?:the|a|an)\s+[^,;]{{0,80}}?\s+(?:under|in)\s+(?:(?P<ua5>{_UA})|(?P<ru5>{_RU}))\s+(?:control|hands)",
    re.I,
)
_NO_LONGER = re.compile(r"^\s+(?:is|are)\s+no\s+longer\s+(?:there|on\s+the\s+map|marked|under)", re.I)
_TABLE_ROW = re.compile(r"^\s*(?:[\d,.]+\s+)?(?:[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?\s+)?(?P<side>Russia|Ukraine|Contested)\s*(?:\[\d+\])?\s*$")


@dataclass(frozen=True)
class Cue:
    id: str
    kind: str
    rx: re.Pattern[str]


@lru_cache(maxsize=1)
def cues() -> tuple[Cue, ...]:
    text = resources.files("geo.claims").joinpath("data", "cues.csv").read_text(encoding="utf-8")
    return tuple(Cue(r["id"], r["kind"], re.compile(r["pattern"], re.I)) for r in csv.DictReader(text.splitlines()))


def _side_of(m: re.Match[str], claimant_side: str) -> str | None:
    g = m.groupdict()
    if g.get("ru") or g.get("ru2"):
        return "russia"
    if g.get("ua") or g.get("ua2"):
        return "ukraine"
    if g.get("our"):
        return claimant_side if claimant_side in OTHER else None
    if g.get("enemy"):
        return OTHER.get(claimant_side)
    return None


def _agents(text: str) -> list[tuple[int, int, re.Match[str]]]:
    out = []
    for m in _AGENT.finditer(text):
        # "Russian territory", "the Russian town of": a place adjective, not an actor.
        if (m.group("ru2") or m.group("ua2")) is None and _PLACE_ADJ.match(text[m.end():]):
            continue
        out.append((m.start(), m.end(), m))
    return out


def _acting_side(sent: str, cue_start: int, cue_end: int, claimant_side: str, kind: str) -> tuple[str | None, str]:
    """(side, role) of the actor of the cue: the subject before it, `by X` after it, or a patient `from X`."""
    agents = _agents(sent)
    after = sent[cue_end:cue_end + 80]
    by = re.match(r"^(?:\s+[\w-]+){0,3}?\s+by\s+", after)
    passive = re.search(r"\b(?:is|are|was|were|been|being)\s+(?:\w+\s+)?$", sent[max(0, cue_start - 25):cue_start], re.I)
    if by and (passive or kind != "hold"):  # "repelled an attack by X": X is the attacker, not the actor
        for s, e, m in agents:
            if s == cue_end + by.end() or (cue_end + by.end() <= s <= cue_end + by.end() + 12):
                return _side_of(m, claimant_side), "agent (by)"
    frm = re.match(r"^(?:\s+[\w'-]+){0,6}?\s+(?:from|of)\s+(?:the\s+)?(?:hands\s+of\s+(?:the\s+)?)?", after)
    if frm and kind == "capture":
        for s, e, m in agents:
            if cue_end + frm.end() <= s <= cue_end + frm.end() + 4:
                side = _side_of(m, claimant_side)
                return (OTHER.get(side) if side else None), "patient (from)"
    before = [(s, e, m) for s, e, m in agents if e <= cue_start and cue_start - e <= 160]
    if kind == "lose_patient":
        inside = [(s, e, m) for s, e, m in agents if cue_start <= s < cue_end]
        if inside:
            return _side_of(inside[0][2], claimant_side), "patient"
    if before:
        # Skip patients such as "from Ukrainian forces" standing before the cue.
        for s, e, m in reversed(before):
            if re.search(r"\b(?:from|against|of)\s+(?:the\s+)?$", sent[max(0, s - 12):s], re.I):
                continue
            return _side_of(m, claimant_side), "subject"
    return None, "none"


def _default_agent(cue: Cue, claimant_side: str, country: str) -> str | None:
    if claimant_side in OTHER:
        return claimant_side
    owner = "ukraine" if country == "UA" else "russia"
    if cue.id in ("liberated", "retook"):
        return owner  # one retakes one's own land
    if cue.id in ("captured", "took_control", "occupied_by"):
        return OTHER[owner]
    return None


def _status(kind: str, side: str | None) -> str | None:
    """The status a cue of this kind claims, given the side that acts."""
    if kind == "contested":
        return "contested"
    if side is None:
        return None
    if kind in ("lose", "lose_patient"):
        return OTHER[side]
    return side


def _find_cues(sent: str) -> list[tuple[int, int, Cue]]:
    found: list[tuple[int, int, Cue]] = []
    for cue in cues():
        for m in cue.rx.finditer(sent):
            if m.end() == m.start():
                continue
            found.append((m.start(), m.end(), cue))
    return found


_PARTIAL_IDS = {"partial", "surrounded"}
_AUX_VERB = re.compile(r"\b(?:is|are|was|were|been|being|have|has|had|remain\w*|now)\b|\bits\s+(?:\w+\s+)?$", re.I)
_LIST_SEP = re.compile(r"^(?:\s*(?:,|and|or|&|,\s*and|,\s*or)\s*(?:the\s+)?|-)$", re.I)
_COUNT_NOUN = re.compile(r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|dozens?\s+of)\s+"
                         r"(?:more\s+)?(?:settlements|villages|communities|localities|towns|hamlets)\b", re.I)
_LIST_INTRO = re.compile(r"(?:\b(?:named|listed|identified|are|were|include[sd]?|including)\b[^.:]{0,40}:|\bas:|"
                         r"^(?:This|These|They|It|Among\s+them)\s+(?:also\s+)?(?:includes?|included|are|were|is)\b)", re.I)


def _governing_cue(sent: str, gs: int, ge: int, found: list[tuple[int, int, Cue]]) -> tuple[int, int, Cue] | None:
    """The cue that governs the names spanning gs..ge: the nearest one before them in the same clause, or a
    passive/state one just after them ("X and Y were liberated")."""
    best, best_d = None, 10 ** 9
    for s, e, cue in found:
        if e <= gs:
            gap = sent[e:gs]
            d = len(gap)
            colon = gap.find(":")
            if colon >= 40 or gap.count(":") > 1:
                continue  # a colon far from the cue starts a new statement; near it, it opens a list
            if d > 170 or re.search(r";|\bbut\b|\bwhile\b|\bwhereas\b|,\s+(?:which|that|where|located|situated|lying|some|about|just)\b", gap):
                continue
        elif s >= ge:
            gap = sent[ge:s]
            d = int(len(gap) * 1.6) + 5
            if len(gap) > 45 or re.search(r"[;:]|\bbut\b|\bwhile\b|\bthat\b|\bwhich\b|\bwhere\b", gap):
                continue
            if not _AUX_VERB.search(gap):
                continue  # after the name, only passives and states govern it ("X was liberated")
        else:
            continue
        if cue.id in _PARTIAL_IDS:
            d -= 15  # partial-control and encirclement words sharpen a capture cue near the same name
        if d < best_d:
            best, best_d = (s, e, cue), d
    if best is not None and best[2].kind == "contested":
        # "repelled an attack on X": the attack is framed by the repulse, which says who holds X.
        holds = [(s, e, c) for s, e, c in found if c.kind == "hold" and e <= best[0] and gs - e <= 170
                 and not re.search(r"[;:]|\bbut\b", sent[e:best[0]])]
        if holds:
            return holds[-1]
    return best


def _groups(sent: str, spans: list[tuple[int, int, Mention]]) -> list[list[tuple[int, int, Mention]]]:
    """Mentions listed together ("A, B and C", "Berdin-Bolshoe Soldatskoe") share one role."""
    groups: list[list[tuple[int, int, Mention]]] = []
    for span in spans:
        if groups and _LIST_SEP.match(sent[groups[-1][-1][1]:span[0]]):
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


@dataclass
class _DateContext:
    narrative: str | None = None  # set by a sentence that opens "On August 6, …"
    previous_day: str | None = None  # the last explicit day named, for "on the same day"
    anchor: str | None = None  # with no publication date: the latest full date the article prints


@dataclass(frozen=True)
class _Role:
    status: str
    rule: str
    cue: str
    cue_pos: int
    voice: Attribution | None = None


class Extractor:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer

    def claims(self, article: Article, mentions: list[Mention]) -> list[Claim]:
        text = article.text
        publisher = publisher_claimant(article.publisher)
        sentences = split(text)
        lead = self._lead_date(sentences, article.published)
        by_sentence: dict[int, list[Mention]] = {}
        si = 0
        for m in mentions:
            while si < len(sentences) and sentences[si].end <= m.start:
                si += 1
            if si < len(sentences) and sentences[si].start <= m.start:
                by_sentence.setdefault(si, []).append(m)
        history: list[Attribution] = []
        relay: Attribution | None = None
        pending_list: _Role | None = None  # "liberated 12 settlements." followed by the list of them
        ctx = _DateContext(anchor=None if article.published else _latest_full_date(text))
        out: list[Claim] = []
        seen: set[tuple] = set()
        closing = _quote_speakers(sentences)
        for i, sent in enumerate(sentences):
            attr = attribute(sent.text, history, publisher, relay)
            if attr.how == "publisher voice" and i in closing:
                attr = closing[i]
            ctx.narrative = dates.narrative_date(sent.text, article.published) or ctx.narrative
            if attr.how in ("speech verb", "according to", "speech verb (inverted)", "relay", "headline quote"):
                history.append(attr)
            else:
                # A claimant who is the subject of a sentence ("Gerasimov visited…") is who a following "he said" means.
                subject = next(((s, c) for s, _, c in entities(sent.text) if s < 25), None)
                if subject is not None:
                    history.append(Attribution(subject[1], "", "subject of an earlier sentence", subject[0]))
            relay = attr if sent.text.rstrip().endswith(":") and attr.claimant is not publisher else None
            if i not in by_sentence and i - 1 in by_sentence:
                antecedent = self._antecedent(sent, by_sentence[i - 1])
                if antecedent is not None:
                    by_sentence[i] = [antecedent]
            if i in by_sentence:
                inherited = pending_list if pending_list and _LIST_INTRO.search(sent.text) else None
                for claim in self._sentence_claims(article, sent, by_sentence[i], attr, publisher, lead, inherited, ctx):
                    key = (claim.place_id, claim.status, claim.claimant, claim.date)
                    if key not in seen:
                        seen.add(key)
                        out.append(claim)
            pending_list = self._count_claim(sent.text, attr) if _COUNT_NOUN.search(sent.text) else None
            named = dates.explicit_dates(sent.text, date.fromisoformat(article.published) if article.published else None)
            if named:
                ctx.previous_day = max(named, key=lambda t: t[0])[1].isoformat()
        return out

    def _antecedent(self, sent: Sentence, previous: list[Mention]) -> Mention | None:
        """ "Sudzha was the largest town held… By 12 March, it had been retaken": a sentence whose subject is
        "it" / "the town" stands for the one place the previous sentence named."""
        m = _PRONOUN_SUBJECT.match(sent.text)
        places = {p.place_id for p in previous if p.place_id and self.gaz.places[p.place_id].in_theatre}
        if m is None or len(places) != 1:
            return None
        start, end = sent.start + m.start("pron"), sent.start + m.end("pron")
        return Mention(previous[0].article, start, end, m.group("pron"), (next(iter(places)),), next(iter(places)),
                       reason=f"'{m.group('pron')}' = the place the previous sentence names")

    @staticmethod
    def _lead_date(sentences: list[Sentence], published: str | None) -> dates.Resolved | None:
        """A weekday or "yesterday" in the article's lead ("confirmed Thursday"): the day of its news."""
        if not published:
            return None
        for s in sentences[:3]:
            r = dates.resolve(s.text, published)
            if r.date and (r.how.startswith("weekday") or r.how.startswith("'")):
                from datetime import date as _d
                if 0 <= (_d.fromisoformat(published) - _d.fromisoformat(r.date)).days <= 3:
                    return r
        return None

    def _count_claim(self, s_text: str, attr: Attribution) -> _Role | None:
        """ "liberated 12 settlements": the status a following list of names inherits."""
        for cs, ce, cue in _find_cues(s_text):
            if cue.kind not in ("capture", "lose") or not _COUNT_NOUN.search(s_text[ce:ce + 40]):
                continue
            side, role = _acting_side(s_text, cs, ce, attr.claimant.side, cue.kind)
            if side is None:
                side, role = _default_agent(cue, attr.claimant.side, "RU"), "default"
            status = _status(cue.kind, side)
            if status:
                return _Role(status, f"{cue.kind} cue of the previous sentence's count, actor: {role}", s_text[cs:ce], 0, attr)
        return None

    def _role(self, s_text: str, gs: int, ge: int, found, attr: Attribution, country: str) -> _Role | None:
        before = s_text[:gs]
        ref = _REFERENCE.search(before)
        if ref and ref.group(0).strip().lower().startswith("from") and any(
                c.id in ("dislodged", "pushed_out", "withdrew") and e <= gs and gs - e < 80 for _, e, c in found):
            ref = None  # "dislodged Ukrainian forces from the town of X": X is the object, not a starting point
        if ref:
            return None  # a distance reference, a direction, a starting point, a facility
        gov = _governing_cue(s_text, gs, ge, found)
        if gov is None:
            return None
        cs, ce, cue = gov
        pre = s_text[max(0, cs - 70):cs]
        if _HYPOTHETICAL.search(pre) or _NEGATION.search(pre):
            return None
        if cue.id == "captured" and _IMAGE.search(s_text[:cs]):
            return None  # "a video taken on Wednesday"
        kind = cue.kind
        if cue.id == "pushed_out":
            passive = re.search(r"\b(?:being|been|were|was|are|is|get|got)\s+$", s_text[max(0, cs - 12):cs], re.I)
            kind = "lose" if passive else "lose_patient"
        if kind == "state":
            window = s_text[max(0, cs - 60):min(len(s_text), ce + 60)]
            side = next((sd for _, _, am in _agents(window) if (sd := _side_of(am, attr.claimant.side))), None)
            status = "contested" if re.search(r"\b(?:partly|partially|most\s+of|part\s+of)\b", window, re.I) else side
            role = "holder"
        else:
            side, role = _acting_side(s_text, cs, ce, attr.claimant.side, kind)
            if side is None and kind in ("capture", "hold"):
                side, role = _default_agent(cue, attr.claimant.side, country), "default"
            status = _status(kind, side)
        if status is None:
            return None
        return _Role(status, f"{cue.kind} cue, actor: {role}", s_text[cs:ce], cs)

    def _sentence_claims(self, article: Article, sent: Sentence, mentions: list[Mention], attr: Attribution,
                         publisher: Claimant, lead: dates.Resolved | None, inherited: _Role | None,
                         ctx: "_DateContext") -> list[Claim]:
        s_text = sent.text
        found = _find_cues(s_text)
        spans = []
        for m in mentions:
            place = self.gaz.places.get(m.place_id) if m.place_id else None
            if (place is not None and not place.in_theatre) or m.reason.startswith("outside the theatre"):
                continue
            spans.append((m.start - sent.start, m.end - sent.start, m))
        out: list[Claim] = []
        for group in _groups(s_text, spans):
            gs, ge = group[0][0], group[-1][1]
            place0 = self.gaz.places.get(group[0][2].place_id or "")
            group_role = self._role(s_text, gs, ge, found, attr, place0.country if place0 else "RU")
            if group_role is None and inherited is not None and (len(group) >= 2 or re.match(r"^(?:This|These|It|They|Among)", s_text)):
                group_role = inherited
            for ms, me, m in group:
                desc = self._descriptor(s_text, ms, me, attr, publisher)
                # "Ukrainian-held X": X is described, and usually a reference point for something else.
                described_before = desc is not None and desc.rule.startswith("descriptor") and _DESCRIPTOR_BEFORE.search(s_text[:ms])
                roles = [r for r in (desc, None if described_before else group_role) if r is not None]
                for role in roles:
                    out += self._emit(article, sent, m, role, attr, lead, ctx)
        return out

    def _emit(self, article: Article, sent: Sentence, m: Mention, role: _Role, attr: Attribution,
              lead: dates.Resolved | None, ctx: "_DateContext") -> list[Claim]:
        """One claim per speaker: the role's own voice (descriptors), or the sentence's speaker and co-speakers."""
        voices = [role.voice] if role.voice else [attr] + [Attribution(c, attr.relayed_by, "co-speaker") for c in attr.co]
        r = dates.resolve(sent.text, article.published, role.cue_pos, lead, ctx.narrative, ctx.previous_day, ctx.anchor)
        return [Claim(
            article=article.stem, place_id=m.place_id or f"unlocated:{_slug(m.text)}", mention=m.text,
            status=role.status, claimant=v.claimant.name, claimant_side=v.claimant.side, date=r.date,
            date_precision=r.precision, evidence=sent.text, evidence_start=sent.start, evidence_end=sent.end,
            mention_start=m.start, mention_end=m.end, cue=role.cue,
            rule=f"{role.rule}; claimant: {v.how}; date: {r.how}", relayed_by=v.relayed_by,
        ) for v in voices]

    @staticmethod
    def _descriptor(s_text: str, ms: int, me: int, attr: Attribution, publisher: Claimant) -> _Role | None:
        before, after = s_text[:ms], s_text[me:]
        d = _DESCRIPTOR_BEFORE.search(before) or _DESCRIPTOR_AFTER.search(after)
        if d is not None:
            g = {k for k, v in d.groupdict().items() if v}
            status = "ukraine" if any(k.startswith("ua") for k in g) else "russia"
            # A descriptor is the outlet's own wording, not the quoted speaker's.
            relay = attr.relayed_by
            voice = Attribution(publisher_claimant(relay) if relay else publisher, "", "outlet voice")
            return _Role(status, "descriptor in the outlet's voice", d.group(0).strip(" ,"), ms, voice)
        if _NO_LONGER.match(after) and attr.claimant.side in OTHER:
            return _Role(OTHER[attr.claimant.side], "no longer on the claimant's control map", "no longer there", me)
        t = _TABLE_ROW.match(after)
        if t and not before.strip():
            side = t.group("side").lower()
            return _Role("contested" if side == "contested" else side, "control table row", t.group(0).strip(), ms)
        return None


_PRONOUN_SUBJECT = re.compile(
    r"^(?:(?:By|On|In|Since|Later|Then|However|But|Eventually)\b[^,]{0,40},\s*)?(?P<pron>[Ii]t|[Tt]he\s+(?:town|village|settlement|city))\s+"
    r"(?:was|were|had|has|is|fell|came|remained|remains)\b")
_OPEN_QUOTE = re.compile(r"^[“\"«]")
_CLOSE_THEN_SPEAKER = re.compile(r"[”\"»]\s*[,—–-]?\s*(?P<rest>.*)$")


def _quote_speakers(sentences: list[Sentence]) -> dict[int, Attribution]:
    """A quotation that runs over several sentences is the speaker's who is named where it closes:
    “… . … ,” the ministry said."""
    out: dict[int, Attribution] = {}
    for i, sent in enumerate(sentences):
        if not _OPEN_QUOTE.match(sent.text) or re.search(r"[”»]", sent.text[1:]):
            continue
        for j in range(i + 1, min(i + 5, len(sentences))):
            m = _CLOSE_THEN_SPEAKER.search(sentences[j].text)
            if not m:
                continue
            found = [f for f in speakers(m.group("rest")) if f[2].startswith("speech verb")]
            if found:
                out[i] = Attribution(found[0][1], "", "speaker named where the quotation closes")
                for k in range(i + 1, j):
                    out[k] = out[i]
            break
    return out


def _latest_full_date(text: str) -> str | None:
    """The latest day-month-year date printed in an article: with no publication date, weekdays resolve against it."""
    found = [d for _, d in dates.explicit_dates(text, None)]
    return max(found).isoformat() if found else None


def _slug(text: str) -> str:
    from ..normalize import fold_name

    return re.sub(r"[^\w]+", "-", fold_name(text)).strip("-")
