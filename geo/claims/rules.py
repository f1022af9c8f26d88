"""The rules of one sentence: for each place (or list of places) the cue that governs it, the side that
acts, and the status that follows.

- A cue governs the places of its clause: the nearest one before them ("captured A, B and C"), or a
  passive or state one just after them ("A and B were liberated"). A capture counted over a list
  ("liberated 12 settlements: A, B, …") governs the whole list, whatever cue stands nearer.
- The actor is the clause's subject ("Russian troops captured"), the agent of a passive ("were captured by
  Russian troops"), or the one driven out ("dislodged Ukrainian forces from"); "our" and "the enemy" are read
  from the claimant's side; a side that qualifies an attack noun is the attacker ("repelled Ukrainian
  attacks"), so the other side holds the place. With no actor, the claimant's own side acts.
- Not a claim: a place named as a distance, a direction, a target of fire, a facility; a cue under a plan
  or a negation; a photo caption's "taken".
- Descriptors in the outlet's voice ("Ukrainian-held Sudzha", "Sudzha, which is under Russian control").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from .. import folded as fre
from .lexicon import Cue, Lexicon

T = TypeVar("T")
OTHER = {"russia": "ukraine", "ukraine": "russia"}


@dataclass(frozen=True)
class Role:
    status: str
    rule: str
    cue: str  # as written
    gloss: str  # in English
    cue_pos: int
    outlet_voice: bool = False  # a descriptor: the outlet's own wording, not the speaker's
    denied: bool = False  # called false by the speaker: the claim is the reported claimant's
    cue_id: str = ""
    voice: object = None  # a Speaker, for a role inherited from an earlier sentence ("liberated 12 settlements: …")


Found = tuple[int, int, Cue]


class Rules:
    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        p = lex.pattern
        self.reference = p["reference"]
        self.fire = p["fire"]
        self.hypothetical = p["hypothetical"]
        self.negation = p["negation"]
        self.image = p["image"]
        self.clause_break = p["clause_break"]
        self.list_sep = p["list_sep"]
        self.aux = p["aux_verb"]
        self.count_noun = p["count_noun"]
        self.attack_noun = lex.actor["attack_noun"]
        self.place_noun = lex.actor["place_noun"]
        self._agents: dict[str, list[tuple[int, int, str | None, str]]] = {}

    # -- cues ------------------------------------------------------------------------------------------
    def cues(self, text: str) -> list[Found]:
        found: list[Found] = []
        cues = self.lex.cues
        for i in sorted(self.lex.cue_filter.candidates(text.lower())):
            cue = cues[i]
            for m in cue.rx.finditer(text):
                if m.end() == m.start():
                    continue
                if cue.kind == "contested" and cue.id == "near" and self.fire.search(text[max(0, m.start() - 30):m.start()]):
                    continue  # "drone attacks near X": fire, not fighting
                if cue.kind == "contested" and self.lex.p("fire_subject").search(text[max(0, m.start() - 40):m.start()]):
                    continue  # "the strike has cut off the area": a weapon, not troops
                found.append((m.start(), m.end(), cue))
        return sorted(found, key=lambda f: (f[0], -f[1]))

    def governing(self, text: str, gs: int, ge: int, found: list[Found]) -> Found | None:
        """The cue that governs the names spanning gs..ge."""
        head = self._count_head(text, gs, found)
        if head is not None:
            return head
        best, best_d = None, 10 ** 9
        for s, e, cue in found:
            if e <= gs:
                gap = text[e:gs]
                d = len(gap)
                colon = gap.find(":")
                if colon >= 40 or gap.count(":") > 1:
                    continue  # a colon far from the cue starts a new statement; near it, it opens a list
                if d > 170 or self.clause_break.search(gap):
                    continue
            elif s >= ge and cue.kind in ("capture", "lose", "state") and self.lex.p("relative_object").match(text[ge:s]) \
                    and not self.aux.search(text[ge:s]) and not fre.search(r"X{3,}", text[ge:s]):
                d = len(text[ge:s]) + 10  # "Sudzha, which Moscow claimed back control of": the place is the verb's object
            elif s >= ge:
                gap = text[ge:s]
                d = int(len(gap) * 1.6) + 5
                if len(gap) > 45 or fre.search(r"[;:]", gap) or self.clause_break.search(gap):
                    continue
                follows = cue.follows and self.lex.p("follows_gap").match(gap) and \
                    not (gap == " " and text[s:s + 1].isupper())  # "Giri 1,465 Belovsky Contested": a table's cells
                if not self.aux.search(gap) and not follows:
                    continue  # after the name, only passives and states govern it ("X was liberated")
            else:
                continue
            if cue.id == "partial_of" and (e > gs or (len(text[e:gs].strip()) > 4 and not self.lex.p("list_head").search(text[e:gs]))):
                continue  # "part of X" is about X alone, not the names after it
            if cue.id in ("partial", "partial_of", "surrounded"):
                d -= 15  # partial control and encirclement sharpen a capture cue near the same name
            if d < best_d:
                best, best_d = (s, e, cue), d
        if best is not None and best[2].kind == "contested":
            # "repelled an attack on X": the attack is framed by the repulse, which says who holds X.
            holds = [(s, e, c) for s, e, c in found if c.kind == "hold" and e <= best[0] and gs - e <= 170
                     and not fre.search(r"[;:]", text[e:best[0]]) and not self.clause_break.search(text[e:best[0]])]
            if holds:
                return holds[-1]
        return best

    def _count_head(self, text: str, gs: int, found: list[Found]) -> Found | None:
        """ "liberated 12 settlements: A, B, C": the counted capture governs every name after the colon."""
        for s, e, cue in found:
            if e > gs or cue.kind not in ("capture", "lose", "state"):
                continue
            tail = text[e:gs]
            colon = tail.find(":")
            if colon < 0 or colon > 80 or not self.count_noun.search(tail[:colon + 1]) and not self.count_noun.search(text[max(0, s - 40):s]):
                continue
            if fre.search(r"[;.]", tail[:colon]):
                continue
            return (s, e, cue)
        return None

    # -- who acts ---------------------------------------------------------------------------------------
    def agents(self, text: str) -> list[tuple[int, int, str | None, str]]:
        """(start, end, side or our/enemy/own marker, role) of every actor phrase in `text` (cached: a
        sentence is asked once per place it names)."""
        cached = self._agents.get(text)
        if cached is not None:
            return cached
        if len(self._agents) > 256:
            self._agents.clear()
        out = self._agents[text] = self._find_agents(text)
        return out

    def _find_agents(self, text: str) -> list[tuple[int, int, str | None, str]]:
        out: list[tuple[int, int, str | None, str]] = []
        for m in self.lex.agent.finditer(text):
            g = m.groupdict()
            if (g.get("ru2") or g.get("ua2")) is None and self.place_noun.match(text[m.end():]):
                continue  # "Russian territory", "the Russian town of": a place adjective, not an actor
            kind = ("ru" if g.get("ru") or g.get("ru2") else "ua" if g.get("ua") or g.get("ua2")
                    else "our" if g.get("our") else "enemy" if g.get("enemy") else "own")
            role = "attacker" if self.attack_noun.match(text[m.end():]) else "actor"
            out.append((m.start(), m.end(), kind, role))
        return out

    @staticmethod
    def side_of(kind: str | None, claimant_side: str) -> str | None:
        if kind == "ru":
            return "russia"
        if kind == "ua":
            return "ukraine"
        if kind in ("our", "own"):
            return claimant_side if claimant_side in OTHER else None
        if kind == "enemy":
            return OTHER.get(claimant_side)
        return None

    def acting_side(self, text: str, cs: int, ce: int, claimant_side: str, kind: str) -> tuple[str | None, str]:
        """(side, role) of the actor of the cue at cs..ce."""
        agents = self.agents(text)
        after = text[ce:ce + 90]
        if kind == "capture" and text[cs:ce].lower().rstrip().endswith(("to", "of")):
            # "fell to Russian troops", "fell into the hands of the enemy": the side named next takes it.
            for s, e, k, _ in agents:
                if ce <= s <= ce + 8:
                    return self.side_of(k, claimant_side), "taker (fell to)"
        by = self.lex.p("by_agent").match(after)
        passive = self.lex.p("passive_aux").search(text[max(0, cs - 25):cs])
        if by and (passive or kind != "hold"):
            for s, e, k, _ in agents:
                if ce + by.end() <= s <= ce + by.end() + 12:
                    side = self.side_of(k, claimant_side)
                    if kind == "hold" and not passive:
                        return (OTHER.get(side) if side else None), "attacker (by)"
                    return side, "agent (by)"
        frm = self.lex.p("from_patient").match(after)
        if frm and kind == "capture":
            for s, e, k, _ in agents:
                if ce + frm.end() <= s <= ce + frm.end() + 4:
                    side = self.side_of(k, claimant_side)
                    return (OTHER.get(side) if side else None), "patient (from)"
        if kind == "lose_patient":
            inside = [(s, e, k) for s, e, k, _ in agents if cs <= s < ce]
            if inside:
                return self.side_of(inside[0][2], claimant_side), "patient"
        before = [(s, e, k, r) for s, e, k, r in agents if e <= cs and cs - e <= 160 and not self.clause_break.search(text[e:cs])]
        for s, e, k, r in reversed(before):
            if self.lex.p("patient_before").search(text[max(0, s - 12):s]):
                continue  # "from Ukrainian forces" before the cue is a patient
            if r == "attacker":
                continue  # "enemy counterattacks" is what was repelled, not who repelled
            return self.side_of(k, claimant_side), "subject"
        if self.lex.p("participle_lead").search(text[:cs]):
            # "After capturing X, Russian troops began …": the main clause's subject acts.
            comma = text.find(",", ce)
            for s, e, k, r in agents:
                if comma >= 0 and comma < s <= comma + 40 and r == "actor":
                    return self.side_of(k, claimant_side), "subject of the main clause"
        if kind == "hold":
            # "repelled Ukrainian attacks on X", "stopped attempts by the enemy to attack X": the other side holds.
            for s, e, k, r in agents:
                if ce <= s <= ce + 60 and (r == "attacker" or fre.match(r"\s*(?:attempts?\s+)?by\s+$", text[ce:s])):
                    side = self.side_of(k, claimant_side)
                    return (OTHER.get(side) if side else None), "attacker"
        return None, "none"

    @staticmethod
    def default_side(cue: Cue, kind: str, claimant_side: str, country: str) -> str | None:
        """No actor named: the claimant's own forces act; a third party's "liberated" is the owner's."""
        if claimant_side in OTHER:
            return claimant_side
        owner = "ukraine" if country == "UA" else "russia"
        if cue.id in ("liberated", "retook"):
            return owner  # one retakes one's own land
        if cue.id in ("captured", "took_control", "occupied_by"):
            return OTHER[owner]
        return None

    @staticmethod
    def status(kind: str, side: str | None) -> str | None:
        if kind == "contested":
            return "contested"
        if side is None:
            return None
        if kind in ("lose", "lose_patient"):
            return OTHER[side]
        return side

    # -- the role of a group of names ----------------------------------------------------------------------
    def find(self, text: str, gs: int, ge: int, found: list[Found]) -> Found | None:
        """The cue that governs the names at gs..ge, or None when they are only a reference point."""
        before = text[max(0, gs - 160):gs]  # a reference phrase is short: no need to scan the whole sentence
        ref = self.reference.search(before)
        if ref and self.lex.p("from_word").match(ref.group(0).strip().split()[0] if ref.group(0).strip() else "") and any(
                c.id in ("dislodged", "pushed_out", "withdrew") and e <= gs and gs - e < 80 for _, e, c in found):
            ref = None  # "dislodged Ukrainian forces from the town of X": X is the object, not a starting point
        if ref:
            # "west of the town of Sudzha, which Moscow claimed back control of": a reference point that a
            # relative clause then says something about.
            return self._relative_after(text, ge, found)
        return self.governing(text, gs, ge, found)

    def _relative_after(self, text: str, ge: int, found: list[Found]) -> Found | None:
        for s, e, cue in found:
            if s >= ge and cue.kind in ("capture", "lose", "state") and \
                    self.lex.p("relative_object").match(text[ge:s]) and not fre.search(r"X{3,}", text[ge:s]) \
                    and not self.aux.search(text[ge:s]):
                return (s, e, cue)  # (a passive "which is occupied by" is a descriptor, read as one)
        return None

    def role(self, text: str, gs: int, ge: int, gov: Found, claimant_side: str, country: str) -> Role | None:
        """The status the governing cue gives the names at gs..ge, read with the claimant's side."""
        cs, ce, cue = gov
        pre = text[max(0, cs - 70):cs]
        if self.hypothetical.search(pre):
            return None
        denied = bool(self.lex.p("denial_before").search(text[max(0, cs - 60):cs]) or
                      self.lex.p("denial_after").search(text[ge:ge + 160]))
        negated = bool(self.negation.search(pre)) and not denied
        if cue.id == "captured" and self.image.search(text[:cs]):
            return None  # "a video taken on Wednesday"
        kind = cue.kind
        if negated:
            return self._negated(text, cs, ce, cue, kind, claimant_side, country)
        if kind == "capture" and text[cs:ce].lower().endswith("ing") and self.lex.p("progressive").search(text[max(0, cs - 30):cs]):
            # "Russian forces are clearing X": still under way.
            return Role("contested", "capture cue in the progressive: still under way", text[cs:ce], cue.gloss, cs, cue_id=cue.id)
        if cue.id == "pushed_out":
            passive = fre.search(r"\b(?:being|been|were|was|are|is|get|got)\s+$", text[max(0, cs - 12):cs], re.I)
            kind = "lose" if passive else "lose_patient"
        if kind in ("capture", "lose", "lose_patient") and ce <= gs and self.lex.p("near_slot").search(text[ce:gs]) \
                and not fre.search(r"X{3,}", text[ce:gs]):
            # "took positions near X", "retreated near X": fighting around X, not X taken.
            return Role("contested", f"{cue.kind} cue near the place, not of it", text[cs:ce], cue.gloss, cs)
        if cue.id == "marked_as":
            status = self._map_status(text[ce:ce + 80], claimant_side, country)
            who = "the map's wording"
        elif cue.id == "flag":
            m = cue.rx.match(text, cs)
            status = "russia" if m and m.group("flag").lower().startswith("russia") else "ukraine"
            who = "the flag's side"
        elif kind == "state":
            status, who = self._holder(text, cs, ce, claimant_side), "holder"
        else:
            side, who = self.acting_side(text, cs, ce, claimant_side, kind)
            if side is None and kind in ("capture", "hold"):
                side, who = self.default_side(cue, kind, claimant_side, country), "default"
            status = self.status(kind, side)
        if status is None:
            return None
        return Role(status, f"{cue.kind} cue, actor: {who}", text[cs:ce], cue.gloss, cs, denied=denied, cue_id=cue.id)

    def _holder(self, text: str, cs: int, ce: int, claimant_side: str) -> str | None:
        """Who a state phrase says holds the place: "under Russian control", "Ukrainian troops remain in"."""
        window = text[max(0, cs - 60):min(len(text), ce + 60)]
        if self.lex.p("partial_words").search(window):
            return "contested"
        h = self.lex.p("holder").search(text[max(0, cs - 10):min(len(text), ce + 50)])
        if h:
            g = {k for k, v in h.groupdict().items() if v}
            kind = "ru" if g & {"ru", "ru2"} else "ua" if g & {"ua", "ua2"} else "enemy" if "enemy" in g else "our"
            return self.side_of(kind, claimant_side)
        near = self.agents(text[max(0, cs - 40):cs]) if text[cs:ce].lower().split()[0] in ("are", "is", "remain", "remains", "remained", "were", "stay", "stays", "stayed") else self.agents(window)
        return next((sd for _, _, k, _ in near if (sd := self.side_of(k, claimant_side))), None)

    def _map_status(self, tail: str, claimant_side: str, country: str) -> str | None:
        """ "… as occupied": the enemy of the map's maker (or of the place's own country) holds it."""
        t = tail.lower()
        if fre.search(r"gr[ae]y|contested", t):
            return "contested"
        if fre.search(r"russian", t):
            return "russia"
        if fre.search(r"ukrainian", t):
            return "ukraine"
        owner = "ukraine" if country == "UA" else "russia"
        if "occupied" in t:
            return OTHER.get(claimant_side) or OTHER[owner]
        if "liberated" in t:
            return claimant_side if claimant_side in OTHER else owner
        return None

    def _negated(self, text: str, cs: int, ce: int, cue: Cue, kind: str, claimant_side: str, country: str) -> Role | None:
        """ "X is not under Ukrainian control": the other side holds it; "X has not been captured": its holder
        keeps it (the claimant's side, or the country's own). A denied fight or a denied repulse says nothing."""
        if fre.search(r"\b(?:all|the\s+whole|the\s+entire|entire|fully|completely|full)\b", text[ce:ce + 25], re.I):
            # "have not gained control of all of X": part of it.
            return Role("contested", f"negated {kind} cue over the whole place: part of it", text[cs:ce], f"not fully {cue.gloss}", cs, cue_id=cue.id)
        if kind == "state":
            side = self._holder(text, cs, ce, claimant_side)
            status = OTHER.get(side or "")
        elif kind == "capture":
            side, _ = self.acting_side(text, cs, ce, claimant_side, kind)
            if side is None and cue.id in ("liberated", "retook"):
                # "not yet liberated": the side that would retake it has not: the other side holds it.
                side = self.default_side(cue, kind, claimant_side, country)
            status = OTHER.get(side or "") or (claimant_side if claimant_side in OTHER else None)
        else:
            return None
        if status is None:
            return None
        return Role(status, f"negated {kind} cue: the other side holds it", text[cs:ce], f"not {cue.gloss}", cs, cue_id=cue.id)

    def groups(self, text: str, spans: list[tuple[int, int, T]]) -> list[list[tuple[int, int, T]]]:
        """Names listed together ("A, B and C", "A–B") share one role."""
        out: list[list[tuple[int, int, T]]] = []
        for span in spans:
            if out and self.list_sep.match(text[out[-1][-1][1]:span[0]]):
                out[-1].append(span)
            else:
                out.append([span])
        return out

    # -- descriptors -----------------------------------------------------------------------------------
    def descriptor(self, text: str, ms: int, me: int, claimant_side: str) -> Role | None:
        p = self.lex.pattern
        before, after = text[max(0, ms - 120):ms], text[me:]
        d = p["descriptor_before"].search(before) or p["descriptor_after"].search(after)
        if d is not None:
            keys = {k for k, v in d.groupdict().items() if v}
            status = "ukraine" if any(k.startswith("ua") for k in keys) else "russia"
            # Dated where the descriptor stands: "Sudzha, the town Ukraine captured soon after its incursion".
            pos = ms - len(before) + d.start() if d.re is p["descriptor_before"] else me + d.end()
            return Role(status, "descriptor in the outlet's voice", d.group(0).strip(" ,"), "held by", pos, outlet_voice=True)
        if p["no_longer"].match(after) and claimant_side in OTHER:
            return Role(OTHER[claimant_side], "no longer on the claimant's control map", "no longer there", "no longer held", me)
        t = p["table_row_cs"].match(after)
        if t and not text[:ms].strip():
            side = t.group("side").lower()
            return Role("contested" if side == "contested" else side, "control table row", t.group(0).strip(), "table: held by", ms)
        return None

    def described_before(self, text: str, ms: int) -> bool:
        """ "Ukrainian-held X": X is described, and usually a reference point for something else."""
        return self.lex.pattern["descriptor_before"].search(text[max(0, ms - 120):ms]) is not None

    def state_role(self, text: str, claimant_side: str, voice: object = None) -> Role | None:
        """A sentence that says an area is held, naming no place: a list that follows inherits its status."""
        for cs, ce, cue in self.cues(text):
            if cue.kind not in ("state", "capture"):
                continue
            if cue.kind == "state":
                window = text[max(0, cs - 60):min(len(text), ce + 60)]
                side = next((sd for _, _, k, _ in self.agents(window) if (sd := self.side_of(k, claimant_side))), None)
            else:
                side, _ = self.acting_side(text, cs, ce, claimant_side, cue.kind)
            if side is not None:
                return Role(side, f"{cue.kind} cue of the previous sentence, which the list names", text[cs:ce], cue.gloss, 0, voice=voice)
        return None

    def count_role(self, text: str, claimant_side: str, voice: object = None) -> Role | None:
        """ "liberated 12 settlements.": the status a list in the following sentence inherits."""
        for cs, ce, cue in self.cues(text):
            if cue.kind not in ("capture", "lose", "state") or not self.count_noun.search(text[max(0, cs - 40):ce + 40]):
                continue
            side, who = self.acting_side(text, cs, ce, claimant_side, cue.kind)
            if side is None:
                side, who = self.default_side(cue, cue.kind, claimant_side, "RU"), "default"
            status = self.status(cue.kind, side)
            if status:
                return Role(status, f"{cue.kind} cue of the previous sentence's count, actor: {who}", text[cs:ce], cue.gloss, 0,
                            voice=voice)
        return None
