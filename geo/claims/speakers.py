"""Who makes a claim: claimant names normalised through `data/claimants.csv` (sides and kinds), publishers'
sides (`data/publishers.csv`), and the speaker of each sentence.

A sentence's speaker is the claimant a speech or report verb attaches to ("X said", "according to X",
"X, citing Y" → Y relayed by X); a pronoun or "the ministry" carries the previous speaker; with no speaker the
publisher speaks in its own voice. `ArticleSpeakers` keeps what one article's earlier sentences said about
speakers: its history, a quote the previous sentence introduced, quotations credited where they close.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SPEECH = (r"(?:said|says|say|saying|announcing|confirming|reported|reports|reporting|claimed|claims|claiming|announced|announces|told|tells|"
          r"wrote|writes|stated|states|confirmed|confirms|added|adds|noted|notes|indicated|indicates|showed|shows|"
          r"published|named|mentioned|explained|insisted|asserted|declared|posted|informed|emphasi[sz]ed|"
          r"acknowledged|admitted|boasted|hailed|denied|updated|assessed|assesses|reckoned|estimated|"
          r"(?:also\s+)?(?:has|have|had)\s+(?:also\s+)?(?:said|reported|claimed|announced|confirmed|stated|named))")
_DESCRIBED = (r"(?:\s*[-–]\s*[A-Z][\w ]{0,25}[\"”]?|[\"”]|\s+of\s+[A-Z]\w+|"
              r"\s+(?:Telegram|news|channel|project|outlet|agency|think\s+tank|press\s+service|website|account|"
              r"correspondent|spokes\w+|analysts?|map|mapping\s+project)){0,4}")
_AUX = r"(?:(?:also|further|earlier|later|then|has|had|have|previously|reportedly|officially)\s+){0,3}"
_AFTER_SPEECH = re.compile(
    rf"^{_DESCRIBED}[\s,]*(?:\([^)]*\)\s*)?(?:,\s*[^,]{{0,90}},\s*)?(?:,\s*(?:who|which)\s+)?{_AUX}{SPEECH}\b", re.I)
_BEFORE_SOURCE = re.compile(r"(?:according\s+to|reports?\s+(?:from|by)|citing|cited\s+by|quoting|quoted\s+by|\bper|reported\s+by|relayed\s+by|as\s+reported\s+by|statement\s+(?:from|by)|sources?\s+(?:in|at))\s+(?:a\s+statement\s+from\s+|an?\s+update\s+from\s+|the\s+)?(?:[\w-]+\s+){0,3}$", re.I)
_INVERTED = re.compile(rf"[,”\"’]\s*{SPEECH}\s+(?:the\s+)?$", re.I)
PRONOUN_SPEECH = re.compile(
    rf"\bit\s+(?:was|has\s+been)\s+(?:noted|reported|said|stated|claimed|added)\b|"
    rf"\b(?:it|he|she|they|the\s+(?:ministry|channel|outlet|agency|department|military|general\s+staff|army|think\s+tank|project|governor|blogger|commander|statement|report|update|map))\s+(?:also\s+|further\s+|then\s+|later\s+)?{SPEECH}\b|"
    rf"\baccording\s+to\s+(?:the\s+)?(?:ministry|channel|outlet|agency|him|her|them|the\s+updated\s+map|the\s+map)\b|"
    rf"\b(?:the\s+)?(?:ministry|channel|outlet|agency|General\s+Staff)\s+(?:also\s+)?{SPEECH}",
    re.I,
)


# "the channel said" carries the last speaker of these kinds.
_NOUN_KINDS = [
    ("channel", ("media", "blogger")), ("outlet", ("media",)), ("agency", ("media",)), ("project", ("blogger", "analyst")),
    ("think tank", ("analyst",)), ("blogger", ("blogger",)), ("ministry", ("military",)), ("general staff", ("military",)),
    ("military", ("military",)), ("army", ("military",)), ("governor", ("political",)), ("he ", ("political", "military", "blogger")),
    ("she ", ("political", "military", "blogger")),
]


@dataclass(frozen=True)
class Claimant:
    name: str
    side: str
    kind: str  # military | political | media | blogger | analyst | publisher


@lru_cache(maxsize=1)
def table() -> list[tuple[re.Pattern[str], Claimant]]:
    text = resources.files("geo.claims").joinpath("data", "claimants.csv").read_text(encoding="utf-8")
    return [(re.compile(r["pattern"], re.I), Claimant(r["canonical"], r["side"], r["kind"]))
            for r in csv.DictReader(text.splitlines())]


@lru_cache(maxsize=1)
def _publisher_sides() -> list[tuple[re.Pattern[str], str]]:
    text = resources.files("geo.claims").joinpath("data", "publishers.csv").read_text(encoding="utf-8")
    return [(re.compile(r["pattern"]), r["side"]) for r in csv.DictReader(text.splitlines())]


@lru_cache(maxsize=4096)
def normalise(name: str) -> Claimant | None:
    """The canonical claimant for a name as written ("MoD", "Russia's Defence Ministry" → Russian Defense Ministry)."""
    for rx, c in table():
        m = rx.search(name)
        if m and m.end() - m.start() >= max(2, len(name.strip()) // 3):
            return c
    return None


def publisher_claimant(publisher: str | None) -> Claimant:
    name = publisher or "unknown publisher"
    for rx, side in _publisher_sides():
        if rx.search(name):
            return Claimant(name, side, "publisher")
    c = normalise(name)
    if c is not None:
        return Claimant(name, c.side, "publisher")
    return Claimant(name, "third_party", "publisher")


@dataclass(frozen=True)
class Attribution:
    claimant: Claimant
    relayed_by: str
    how: str  # speech verb | according to | pronoun | publisher voice
    pos: int = -1
    co: tuple[Claimant, ...] = ()  # coordinated speakers ("X and Y reported"), each a claimant of its own


@lru_cache(maxsize=1024)
def entities(sentence: str) -> tuple[tuple[int, int, Claimant], ...]:
    """Claimant names in a sentence (cached: a sentence is asked about once per place it names)."""
    found: list[tuple[int, int, Claimant]] = []
    for rx, c in table():
        for m in rx.finditer(sentence):
            if any(s <= m.start() < e or m.start() <= s < m.end() for s, e, _ in found):
                continue
            found.append((m.start(), m.end(), c))
    return tuple(sorted(found, key=lambda t: t[0]))


def speakers(sentence: str) -> list[tuple[int, Claimant, str]]:
    """Claimants a speech/report verb or a source phrase attaches to in this sentence."""
    out: list[tuple[int, Claimant, str]] = []
    ents = entities(sentence)
    for s, e, c in ents:
        if s == 0 and re.match(r"^\s*:", sentence[e:e + 3]):
            out.append((s, c, "headline quote"))
        elif _AFTER_SPEECH.match(sentence[e:e + 160]):
            out.append((s, c, "speech verb"))
        elif _BEFORE_SOURCE.search(sentence[max(0, s - 60):s]):
            out.append((s, c, "according to"))
        elif _INVERTED.search(sentence[max(0, s - 40):s]):
            out.append((s, c, "speech verb (inverted)"))
        elif re.match(r"^[\s,]*(?:citing|quoting)\b", sentence[e:e + 20], re.I):
            out.append((s, c, "relay"))
        elif re.match(r"^\W{0,3}(?:s\s+)?(?:\w+\s+){0,6}?(?:map|maps|update|report|statement|data|figures)\b", sentence[e:e + 60], re.I) and \
                re.search(r"\b(?:according\s+to|per|on|in)\s+(?:the\s+)?(?:\w+\s+){0,3}$", sentence[max(0, s - 40):s], re.I):
            out.append((s, c, "according to"))
    # "X and Y reported": both speak.
    for s, e, c in ents:
        if any(o[1] is c for o in out):
            continue
        for s2, e2, c2 in ents:
            if any(o[1] is c2 and o[0] == s2 for o in out) and (
                    re.fullmatch(r"\s+and\s+(?:the\s+)?(?:[\w.-]+\s+){0,2}", sentence[e:s2]) or
                    re.fullmatch(r"\s+and\s+(?:the\s+)?(?:[\w.-]+\s+){0,2}", sentence[e2:s])):
                out.append((s, c, "co-speaker"))
                break
    return sorted(out, key=lambda t: t[0])


def _coordinated(sentence: str, found: list[tuple[int, Claimant, str]], pos: int) -> bool:
    """Is the speaker at `pos` joined by "and" to another speaker of the sentence?"""
    for other, _, _ in found:
        lo, hi = sorted((other, pos))
        if lo != hi and re.search(r"\band\s+(?:the\s+)?(?:[\w.()-]+\s+){0,4}$", sentence[lo:hi]) and hi - lo < 120:
            return True
    return False


def attribute(sentence: str, history: list[Attribution], publisher: Claimant, relay: Attribution | None) -> Attribution:
    """The claimant of `sentence`.

    `history`: earlier speakers of the article, most recent last. `relay`: set when the previous sentence
    introduced a quote ("According to the AFP:"), whose text this sentence is.
    """
    found = speakers(sentence)
    relay_name = relay.claimant.name if relay is not None else ""
    if found:
        primary = [f for f in found if f[1].kind != "media"] or found
        # A relay ("Reuters, citing the ministry", "relayed by TASS") credits the original speaker.
        pos, claimant, how = primary[0] if len(primary) == 1 else max(primary, key=lambda f: (f[2] != "relay", -f[0]))
        relays = [f[1].name for f in found if f[1] is not claimant and f[1].kind == "media"]
        co = tuple(dict.fromkeys(f[1] for f in found if f[1] is not claimant and f[1].kind != "media"
                                 and _coordinated(sentence, found, f[0])))
        return Attribution(claimant, relays[0] if relays else relay_name, how, pos, co)
    pron = PRONOUN_SPEECH.search(sentence)
    if pron and history:
        noun = pron.group(0).lower()
        personal = re.match(r"(?:he|she)\b", noun) is not None
        # Subjects of earlier sentences stand for "he"/"she" only; "it said" needs an earlier speaker.
        recent = [a for a in history if personal or not a.how.startswith("subject")][-6:]
        if not recent:
            recent = history[-1:]
        wanted = next((kinds for word, kinds in _NOUN_KINDS if word in noun), None)
        if wanted:
            pool = [a for a in recent if a.claimant.kind in wanted] or recent
        else:
            pool = [a for a in recent if a.claimant.kind != "media"] or recent
            # Battlefield statements come from military bodies: a bare "it said" prefers the last one of those.
            if re.match(r"it\b", noun):
                pool = [a for a in pool if a.claimant.kind == "military"] or pool
        chosen = pool[-1]
        return Attribution(chosen.claimant, relay_name or chosen.relayed_by, "pronoun: carried from an earlier speaker")
    if relay is not None:
        return Attribution(relay.claimant, "", "quote introduced by the previous sentence")
    return Attribution(publisher, "", "publisher voice")


# A speaker named by one of these becomes someone a later pronoun ("it said") can mean.
_NAMED = ("speech verb", "according to", "speech verb (inverted)", "relay", "headline quote")
_OPEN_QUOTE = re.compile(r"^[“\"«]")
_CLOSE_THEN_SPEAKER = re.compile(r"[”\"»]\s*[,—–-]?\s*(?P<rest>.*)$")


def quote_speakers(sentences: list[str]) -> dict[int, Attribution]:
    """A quotation that runs over several sentences is the speaker's who is named where it closes:
    “… . … ,” the ministry said. (Sentence index → that speaker.)"""
    out: dict[int, Attribution] = {}
    for i, text in enumerate(sentences):
        if not _OPEN_QUOTE.match(text) or re.search(r"[”»]", text[1:]):
            continue
        for j in range(i + 1, min(i + 5, len(sentences))):
            m = _CLOSE_THEN_SPEAKER.search(sentences[j])
            if not m:
                continue
            found = [f for f in speakers(m.group("rest")) if f[2].startswith("speech verb")]
            if found:
                out[i] = Attribution(found[0][1], "", "speaker named where the quotation closes")
                for k in range(i + 1, j):
                    out[k] = out[i]
            break
    return out


class ArticleSpeakers:
    """The speaker state of one article, fed its sentences once, in order (`read`)."""

    def __init__(self, publisher: Claimant, sentences: list[str]) -> None:
        self.publisher = publisher
        self.history: list[Attribution] = []  # earlier speakers, most recent last
        self.relay: Attribution | None = None  # the previous sentence introduced a quote ("According to the AFP:")
        self.closing = quote_speakers(sentences)  # sentences of a quotation credited where it closes
        self._next = 0

    def read(self, sentence: str) -> Attribution:
        """The speaker of the next sentence of the article."""
        attr = attribute(sentence, self.history, self.publisher, self.relay)
        if attr.how == "publisher voice" and self._next in self.closing:
            attr = self.closing[self._next]
        self._next += 1
        if attr.how in _NAMED:
            self.history.append(attr)
        else:
            # A claimant who is the subject of a sentence ("Gerasimov visited…") is who a following "he said" means.
            subject = next(((s, c) for s, _, c in entities(sentence) if s < 25), None)
            if subject is not None:
                self.history.append(Attribution(subject[1], "", "subject of an earlier sentence", subject[0]))
        self.relay = attr if sentence.rstrip().endswith(":") and attr.claimant is not self.publisher else None
        return attr
