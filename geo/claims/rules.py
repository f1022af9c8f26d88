"""The sentence rules: in one sentence, the cue that governs a settlement's mention and the side that acts, so
the status it claims; descriptors in the outlet's voice ("Ukrainian-held Sudzha"); what is not a claim (a
distance reference, a hypothesis, a negation). Every rule is a function of the sentence (and its speaker's
side); the walk over an article is `extractor.py`.

The cue lexicon lives in `data/cues.csv`.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..records import Mention
from .sentences import Sentence
from .speakers import Attribution, Claimant, publisher_claimant

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
DESCRIPTOR_BEFORE = re.compile(
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


Found = list[tuple[int, int, Cue]]  # (start, end, cue) of each cue in a sentence


def find_cues(sent: str) -> Found:
    found: Found = []
    for cue in cues():
        for m in cue.rx.finditer(sent):
            if m.end() == m.start():
                continue
            found.append((m.start(), m.end(), cue))
    return found


_PARTIAL_IDS = {"partial", "surrounded"}
_AUX_VERB = re.compile(r"\b(?:is|are|was|were|been|being|have|has|had|remain\w*|now)\b|\bits\s+(?:\w+\s+)?$", re.I)
_LIST_SEP = re.compile(r"^(?:\s*(?:,|and|or|&|,\s*and|,\s*or)\s*(?:the\s+)?|-)$", re.I)
COUNT_NOUN = re.compile(r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|dozens?\s+of)\s+"
                         r"(?:more\s+)?(?:settlements|villages|communities|localities|towns|hamlets)\b", re.I)
LIST_INTRO = re.compile(r"(?:\b(?:named|listed|identified|are|were|include[sd]?|including)\b[^.:]{0,40}:|\bas:|"
                         r"^(?:This|These|They|It|Among\s+them)\s+(?:also\s+)?(?:includes?|included|are|were|is)\b)", re.I)


def _governing_cue(sent: str, gs: int, ge: int, found: Found) -> tuple[int, int, Cue] | None:
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


Span = tuple[int, int, Mention]  # a mention's start and end in its sentence


def groups(sent: str, spans: list[Span]) -> list[list[Span]]:
    """Mentions listed together ("A, B and C", "Berdin-Bolshoe Soldatskoe") share one role."""
    out: list[list[Span]] = []
    for span in spans:
        if out and _LIST_SEP.match(sent[out[-1][-1][1]:span[0]]):
            out[-1].append(span)
        else:
            out.append([span])
    return out


@dataclass(frozen=True)
class Role:
    """What a sentence says of a mention: the status, the rule and cue behind it, and (for descriptors and
    inherited counts) whose voice it is."""

    status: str
    rule: str
    cue: str
    cue_pos: int
    voice: Attribution | None = None


def role(s_text: str, gs: int, ge: int, found: Found, speaker_side: str, country: str) -> Role | None:
    """The role of the names spanning gs..ge (`country`: of the first one's place, for a cue with no actor)."""
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
        side = next((sd for _, _, am in _agents(window) if (sd := _side_of(am, speaker_side))), None)
        status = "contested" if re.search(r"\b(?:partly|partially|most\s+of|part\s+of)\b", window, re.I) else side
        actor = "holder"
    else:
        side, actor = _acting_side(s_text, cs, ce, speaker_side, kind)
        if side is None and kind in ("capture", "hold"):
            side, actor = _default_agent(cue, speaker_side, country), "default"
        status = _status(kind, side)
    if status is None:
        return None
    return Role(status, f"{cue.kind} cue, actor: {actor}", s_text[cs:ce], cs)


def count_role(s_text: str, speaker: Attribution) -> Role | None:
    """ "liberated 12 settlements": the status a following list of names inherits."""
    for cs, ce, cue in find_cues(s_text):
        if cue.kind not in ("capture", "lose") or not COUNT_NOUN.search(s_text[ce:ce + 40]):
            continue
        side, actor = _acting_side(s_text, cs, ce, speaker.claimant.side, cue.kind)
        if side is None:
            side, actor = _default_agent(cue, speaker.claimant.side, "RU"), "default"
        status = _status(cue.kind, side)
        if status:
            return Role(status, f"{cue.kind} cue of the previous sentence's count, actor: {actor}", s_text[cs:ce], 0, speaker)
    return None


def descriptor(s_text: str, ms: int, me: int, speaker: Attribution, publisher: Claimant) -> Role | None:
    """A role the words around the name give it: "Ukrainian-held X", "X, which is under Russian control"
    (the outlet's voice), "X is no longer on the map", a control table's row."""
    before, after = s_text[:ms], s_text[me:]
    d = DESCRIPTOR_BEFORE.search(before) or _DESCRIPTOR_AFTER.search(after)
    if d is not None:
        g = {k for k, v in d.groupdict().items() if v}
        status = "ukraine" if any(k.startswith("ua") for k in g) else "russia"
        # A descriptor is the outlet's own wording, not the quoted speaker's.
        relay = speaker.relayed_by
        voice = Attribution(publisher_claimant(relay) if relay else publisher, "", "outlet voice")
        return Role(status, "descriptor in the outlet's voice", d.group(0).strip(" ,"), ms, voice)
    if _NO_LONGER.match(after) and speaker.claimant.side in OTHER:
        return Role(OTHER[speaker.claimant.side], "no longer on the claimant's control map", "no longer there", me)
    t = _TABLE_ROW.match(after)
    if t and not before.strip():
        side = t.group("side").lower()
        return Role("contested" if side == "contested" else side, "control table row", t.group(0).strip(), ms)
    return None


_PRONOUN_SUBJECT = re.compile(
    r"^(?:(?:By|On|In|Since|Later|Then|However|But|Eventually)\b[^,]{0,40},\s*)?(?P<pron>[Ii]t|[Tt]he\s+(?:town|village|settlement|city))\s+"
    r"(?:was|were|had|has|is|fell|came|remained|remains)\b")


def antecedent(sent: Sentence, previous: list[Mention]) -> Mention | None:
    """ "Sudzha was the largest town held… By 12 March, it had been retaken": a sentence whose subject is
    "it" / "the town" stands for the one place the previous sentence named."""
    m = _PRONOUN_SUBJECT.match(sent.text)
    places = {p.place_id: p.place for p in previous if p.place_id and p.place is not None and p.place.in_theatre}
    if m is None or len(places) != 1:
        return None
    (place_id, place), = places.items()
    start, end = sent.start + m.start("pron"), sent.start + m.end("pron")
    return Mention(previous[0].article, start, end, m.group("pron"), (place_id,), place_id,
                   reason=f"'{m.group('pron')}' = the place the previous sentence names", place=place)
