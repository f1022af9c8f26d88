"""Who asserts what: the speakers of a sentence and the part of it each one asserts.

A speaker comes from the sentence's structure — the subject of a speech or report verb ("X said", "X told
TASS", "…, X said"), a source phrase ("according to X", "citing X"), a headline colon ("X: …"), the owner of
a map or statement ("X's map shows") — not from a list: the claimant table only names the ones it knows.
The side of a speaker the table does not know is read from what the text says about it: a nationality
("Finnish analyst"), an institution, a title tied to a place ("Sumy Governor" is Ukrainian, "the Kursk
governor" Russian), an earlier sentence that introduced the same person. A speaker the text says nothing
about has side "unknown".

Per article, `SpeakerState` remembers who spoke (for "he said", "the ministry added"), the people it has
met, and quotations that run over several sentences.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .. import folded as fre
from ..folded import compile_folded
from .lexicon import Lexicon
from ..prefilter import Prefilter, required

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Speaker:
    name: str
    side: str  # russia | ukraine | third_party | unknown
    kind: str  # military | political | media | blogger | analyst | publisher | person | unknown
    how: str = ""  # how its side was read

    def key(self) -> tuple[str, str]:
        return (self.name, self.side)


@dataclass(frozen=True)
class Frame:
    """`speaker` asserts what the sentence says between `start` and `end` (offsets in the sentence)."""

    start: int
    end: int
    speaker: Speaker
    how: str
    relayed_by: str = ""
    co: tuple[Speaker, ...] = ()
    anchor: int = -1  # where the speech verb stands: "said on Friday" dates what is said

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class _Known:
    rx: re.Pattern[str]
    need: frozenset[str] | None  # a text holding none of these cannot match (see prefilter)
    speaker: Speaker


@lru_cache(maxsize=1)
def known_claimants() -> tuple[_Known, ...]:
    text = resources.files("geo.claims.data").joinpath("claimants.csv").read_text(encoding="utf-8")
    return tuple(_Known(compile_folded(r["pattern"], re.I), required(r["pattern"]),
                        Speaker(r["canonical"], r["side"], r["kind"], "claimant table"))
                 for r in csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def _known_filter() -> Prefilter:
    return Prefilter([k.need for k in known_claimants()])


@lru_cache(maxsize=8192)  # a sentence and its noun phrases are asked about several times
def known_in(text: str) -> tuple[tuple[int, int, Speaker], ...]:
    """Known claimants named in `text`, left to right, without overlaps (earlier table rows first)."""
    table = known_claimants()
    found: list[tuple[int, int, Speaker]] = []
    for i in sorted(_known_filter().candidates(text.lower())):
        k = table[i]
        for m in k.rx.finditer(text):
            if m.end() - m.start() < 2 or any(s < m.end() and m.start() < e for s, e, _ in found):
                continue
            found.append((m.start(), m.end(), k.speaker))
    return tuple(sorted(found, key=lambda t: t[0]))


_NATIONAL_DOMAIN = compile_folded(r"(?:^|[\s(/.])[\w-]+(?:\.[\w-]+)*\.(?P<tld>ru|su|рф|ua|укр)(?=$|[\s)/:,;])", re.I)


def normalise(name: str) -> Speaker | None:
    """The known claimant a name as written stands for ("Russia's Ministry of Defense" → Russian Defense Ministry)."""
    hits = known_in(name)
    return hits[0][2] if hits else None


def publisher_speaker(publisher: str | None, sides: list[tuple[re.Pattern[str], str]], url: str | None = None) -> Speaker:
    name = publisher or "unknown publisher"
    for rx, side in sides:
        if rx.search(name):
            return Speaker(name, side, "publisher", "publisher table")
    hits = known_in(name)
    if hits:
        return Speaker(name, hits[0][2].side, "publisher", "publisher named in the claimant table")
    # An outlet on a Russian or Ukrainian national domain speaks, in its own voice, for that side.
    for where in (name, fre.sub(r"^https?://", "", url or "").split("/")[0]):
        d = _NATIONAL_DOMAIN.search(" " + where)
        if d:
            side = "russia" if d.group("tld").lower() in ("ru", "su", "рф") else "ukraine"
            return Speaker(name, side, "publisher", f"an outlet on a .{d.group('tld').lower()} domain")
    return Speaker(name, "third_party", "publisher", "publisher not known to take a side")


@lru_cache(maxsize=1)
def publisher_sides() -> list[tuple[re.Pattern[str], str]]:
    text = resources.files("geo.claims.data").joinpath("publishers.csv").read_text(encoding="utf-8")
    return [(re.compile(r["pattern"]), r["side"]) for r in csv.DictReader(text.splitlines())]


# Words a speaker's noun phrase may hold between its words: these are skipped at the phrase's end
# ("X also said", "X on Friday said") before the phrase is read.
_ADVERBIAL_TAIL = compile_folded(
    r"(?:[\s,]+(?:also|further|earlier|later|then|previously|reportedly|officially|separately|again|already|first|"
    r"has|have|had|was|were|is|been|late|early|subsequently|recently|now|too|itself|himself|herself|themselves|"
    r"on\s+(?:\w+day|\w+\.?\s+\d{1,2}(?:,?\s+\d{4})?|\d{1,2}\s+\w+(?:\s+\d{4})?|Telegram|Facebook|X|Twitter|social\s+media|its\s+\w+(?:\s+\w+)?|his\s+\w+(?:\s+\w+)?|her\s+\w+(?:\s+\w+)?|their\s+\w+(?:\s+\w+)?)|"
    r"in\s+(?:a|an|its|his|her|their|the)\s+(?:\w+\s+){0,3}(?:statement|post|update|report|interview|message|address|briefing|video|summary|bulletin)|"
    r"\w+day|(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d{1,2}(?:,?\s+\d{4})?|"
    r"(?:late|early)\s+\w+day|\w+day\s+(?:night|morning|evening|afternoon)|that\s+day|on\s+the\s+same\s+day|"
    r"in\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)(?:\s+\d{4})?|"
    r"(?:this|last)\s+(?:week|month)|yesterday|today|overnight|"
    r"\([^)]{0,40}\)))+[\s,]*$", re.I)
# The same adverbials at the start of what follows a verb ("said on Friday, …").
_ADVERBIAL_LEAD = compile_folded("^" + _ADVERBIAL_TAIL.pattern[:-len(r"[\s,]*$")], re.I)
_TOKEN = re.compile(r"\([^()]{0,80}\)|[\w.'’-]+|[,\"“”«»]")
# Words that open a sentence or a phrase but never a speaker's name ("As reported", "But the ministry").
_LEADING_FUNCTION_WORDS = {"and", "of", "'s", "’s", ",", "on", "in", "at", "to", "for", "from", "near", "as", "but", "however",
                           "meanwhile", "earlier", "later", "also", "then", "so", "thus", "yet", "while", "with", "after",
                           "before", "since", "when", "according", "by", "today", "yesterday", "now", "here", "there"}
_NOT_SPEAKERS = {"this", "that", "these", "those", "there", "here", "what", "which", "who", "one", "some", "all", "none",
                 "nothing", "everything", "everyone", "no one", "nobody", "the situation", "the information",
                 # Russian and Ukrainian: question words and pronouns that open a clause, captions' labels
                 "що", "что", "как", "як", "это", "це", "так", "там", "тут", "где", "де", "кто", "хто", "все", "всё",
                 "усі", "фото", "видео", "відео", "photo", "video", "источник", "джерело", "source", "теги", "tags"}
_CAP = re.compile(r"^[A-ZА-ЯІЇЄҐ0-9]")
_TITLE_HEAD = compile_folded(r"^(?:the|a|an)\s", re.I)


class SpeakerState:
    """Speakers of one article, sentence by sentence."""

    def __init__(self, lex: Lexicon, publisher: Speaker, place_country) -> None:
        self.lex = lex
        self.publisher = publisher
        self.place_country = place_country  # name -> "RU" | "UA" | None: for titles tied to a place
        self.history: list[Speaker] = []
        self.context_side: str | None = None  # the side of the article's dateline city ("MOSCOW —")
        self.sentence = ""  # the sentence being read
        self.persons: dict[str, Speaker] = {}
        self.words = lex.speaker["np_words"]
        self.anaphora = compile_folded(rf"^(?:{lex.speaker['anaphora'].pattern})$", re.I)
        # A title or a nationality, then a person's name: "Sumy Governor Ivan Petrenko", "Finnish analyst Mart Kask".
        titles = "|".join(lex.speaker[k].pattern for k in ("title", "kind_blogger", "kind_analyst", "kind_political", "kind_military"))
        person = r"[A-ZА-ЯІЇЄ][a-zа-яіїєґ'’-]+\s+[A-ZА-ЯІЇЄ][a-zа-яіїєґ'’-]{2,}\b"
        self.described_person = re.compile(
            rf"(?:\b[A-ZА-ЯІЇЄ][\w'’-]+\s+){{0,2}}(?i:{titles})"
            r"(?:\s+of\s+(?:the\s+)?[A-ZА-ЯІЇЄ][\w'’-]+(?:\s+(?:region|Oblast|oblast|district))?)?,?\s+"
            rf"(?P<name>{person})")
        # Both pieces alone, cheap to look for first: most sentences hold no title or no full name.
        self._has_title = compile_folded(titles)
        self._has_person = re.compile(person)

    # -- remembering ---------------------------------------------------------------------------------
    def remember(self, sp: Speaker) -> None:
        if sp.kind == "publisher":
            return
        self.history.append(sp)
        if len(self.history) > 40:
            del self.history[:10]

    def _register_person(self, np: str, sp: Speaker) -> None:
        """Remember "Oleh Hryhorov" and "Hryhorov" for a later bare surname."""
        names = fre.findall(r"\b[A-ZА-ЯІЇЄ][a-zа-яіїєґ'’-]{2,}\b", np)
        if len(names) >= 1 and sp.side != UNKNOWN:
            self.persons.setdefault(names[-1].lower(), sp)

    def notice(self, sentence: str) -> None:
        """People a sentence introduces ("Sumy Governor Ivan Petrenko", a full name the table knows): a later
        bare "Petrenko" is the same person, and a subject at the start is whom a following "he said" means."""
        for _, _, sp in known_in(sentence):
            if sp.kind in ("political", "military", "blogger", "person") and " " in sp.name:
                surname = fre.sub(r"\s*\(.*\)$", "", sp.name).split()[-1].lower()
                self.persons.setdefault(surname, sp)
        if not (self._has_person.search(sentence) and self._has_title.search(sentence)):
            return
        for m in self.described_person.finditer(sentence):
            if m.group("name").split()[-1].lower() in self.persons:
                continue
            person = self._one(m.group(0))
            if person is not None and person.side != UNKNOWN:
                self._register_person(m.group(0), person)
                if m.start() < 25:
                    self.remember(person)

    def subject_of(self, sentence: str) -> Speaker | None:
        """A known claimant opening a sentence (its subject): a named one before a class of speakers."""
        hits = [h for h in known_in(sentence) if h[0] < 40]
        if not hits:
            return None
        named = [h for h in hits if h[2].kind != "media" and sentence[h[0]:h[0] + 1].isupper()]
        return (named or hits)[0][2]

    # -- reading a speaker's noun phrase --------------------------------------------------------------
    def institution(self, noun: str) -> Speaker | None:
        """ "the Defense Ministry" with no nationality: the one of the side the article's speakers are on."""
        sided = [s.side for s in reversed(self.history) if s.side in ("russia", "ukraine")]
        side = sided[0] if sided else self.context_side or (self.publisher.side if self.publisher.side in ("russia", "ukraine") else None)
        if side is None:
            # "Russian forces took X, the ministry said": a ministry reports its own side's forces.
            found = sorted((m.start(), sd) for sd in ("russia", "ukraine") if (m := self.lex.speaker[sd].search(self.sentence)))
            side = found[0][1] if found else None
        if side is None:
            return None
        if fre.search(r"defen[cs]e\s+ministry|ministry\s+of\s+defen[cs]e|\bmod\b|\bministry\b|military\s+service|"
                     r"минобороны|міноборони|министерств|міністерств|ведомств|відомств", noun, re.I):
            name = "Russian Defense Ministry" if side == "russia" else "Ukrainian Defense Ministry"
        elif fre.search(r"general\s+staff|генштаб|генеральн\w+\s+штаб", noun, re.I):
            name = "Russian General Staff" if side == "russia" else "General Staff of the Armed Forces of Ukraine"
        else:
            return None
        return Speaker(name, side, "military", "institution named without a country: the side of the article's speakers")

    def carried(self, noun: str) -> Speaker | None:
        """The earlier speaker an anaphoric noun ("he", "the ministry", "the channel") stands for."""
        noun = noun.lower()
        recent = self.history[-8:]
        kinds = self._kinds(noun)
        office = fre.search(r"ministry|general\s+staff|министерств|минобороны|міністерств|міноборони|генштаб|ведомств|відомств", noun, re.I)
        if office:
            # "the ministry said": the last ministry named, or the ministry of the article's side.
            same = [s for s in recent if fre.search(office.group(0)[:6], s.name, re.I) or
                    (office.group(0).lower().startswith(("ведомств", "відомств")) and s.kind == "military")]
            return same[-1] if same else self.institution(noun)
        if "military" in kinds and not any(s.kind == "military" for s in recent):
            return self.institution(noun)
        if not recent:
            return None
        if fre.match(r"(?:he|she)$", noun):
            pool = [s for s in recent if s.kind in ("person", "political", "military", "blogger", "analyst")] or recent
        elif kinds:
            pool = [s for s in recent if s.kind in kinds] or [s for s in recent if s.kind not in ("media", "person")] or recent
        else:
            pool = [s for s in recent if s.kind != "media"] or recent
            if noun == "it":
                # Battlefield statements come from military bodies: a bare "it said" prefers the last one.
                pool = [s for s in pool if s.kind == "military"] or pool
        return pool[-1]

    def _kinds(self, text: str) -> set[str]:
        out = set()
        for kind in ("military", "media", "blogger", "analyst", "political"):
            if self.lex.speaker[f"kind_{kind}"].search(text):
                out.add(kind)
        return out

    def resolve(self, np: str, sentence: str = "") -> tuple[Speaker | None, tuple[Speaker, ...]]:
        """The speaker a noun phrase names (and co-speakers joined by "and"), or None if it names none."""
        np = np.strip(" ,\"“”«»")
        if not np:
            return None, ()
        parts = [p for p in fre.split(r",?\s+and\s+(?=(?:the\s+)?[A-ZА-Я]|(?:pro-)?Russian|Ukrainian)", np) if p.strip()]
        if len(parts) > 1:
            found = [self._one(p) for p in parts]
            if all(found):
                return found[0], tuple(f for f in found[1:] if f is not None and f != found[0])
        return self._one(np), ()

    def _one(self, np: str) -> Speaker | None:
        np = fre.sub(r"\s{2,}", " ", self.lex.p_np_noise.sub(" ", np)).strip(" ,")
        clean = _TITLE_HEAD.sub("", np).strip()
        if not clean or clean.lower() in _NOT_SPEAKERS or clean.lower() in ("a", "an", "the"):
            return None
        if clean.lower() in ("i", "we"):
            return self.publisher  # the author: the outlet's own voice
        if self.anaphora.match(np) or self.anaphora.match(clean) or self.anaphora.match("the " + clean):
            carried = self.carried(clean)
            if carried is None and not fre.fullmatch(r"(?i)he|she|they|it|we", clean):
                # "the governor said", with no governor named before: a speaker whose side is not stated.
                return self.institution(clean) or Speaker(clean, UNKNOWN, self._kind(clean), "named only by its role")
            return carried
        # A statement, report or map: whose it is.
        owner = fre.match(rf"^(?P<owner>.+?)['’]s?\s+(?:\w+\s+){{0,2}}(?:{self.lex.speech['evidence_noun'].pattern})$", clean, re.I) or \
            fre.match(rf"^(?:\w+\s+){{0,3}}(?:{self.lex.speech['evidence_noun'].pattern})\s+(?:by|from|of)\s+(?P<owner>.+)$", clean, re.I)
        if owner is None:
            owner = fre.match(rf"^(?P<owner>.*[A-ZА-Я].*?)\s+(?:{self.lex.speech['evidence_noun'].pattern})$", clean)
            if owner and not known_in(owner.group("owner")) and not self._side(owner.group("owner"))[0]:
                owner = None
        if owner:
            return self._one(owner.group("owner"))
        if fre.match(rf"^(?:\w+[\s-]+){{0,3}}(?:{self.lex.speech['evidence_noun'].pattern})$", clean, re.I):
            # "the statement said", "говорится в сообщении": the last speaker's; footage alone speaks for no one.
            return None if fre.search(r"(?i)footage|video|images?|photos?|pictures?|кадр|відео|видео|фото", clean) else self.carried(clean)
        head = np.split(", ", 1)[0]
        hits = known_in(head) or known_in(np)
        if hits:
            # "Analysts from the DeepState project", "the head of Russia's Defence Ministry": the named body;
            # "DeepState, affiliated with the Defence Ministry of Ukraine": the head, not its appositive.
            # A named person or body beats a class of speakers ("военкор Юрий Котенок" is Kotenok).
            named = [h for h in hits if h[2].kind != "media" and np[h[0]:h[0] + 1].isupper()] if len(hits) > 1 else []
            sp = named[-1][2] if named else next((h[2] for h in hits if h[2].kind != "media"), hits[0][2])
            self._register_person(np, sp)
            return sp
        side, how = self._side(np)
        kind = self._kind(np)
        if side is not None and self.lex.speaker[side if side != "third_party" else "third_party"].fullmatch(clean):
            # "Russian claims that …": a nationality alone stands for that side's sources.
            name = f"{clean} sources" if clean.lower().endswith("n") else clean
            return Speaker(name, side, "media" if name != clean else "political", how)
        if side is None and self.lex.speaker["unnamed"].match(clean):
            return Speaker(clean.split(",")[0], self.publisher.side, "media", "an unnamed source: the side of the outlet that relays it")
        if side is None and self.lex.speaker["experts"].match(clean):
            carried = next((s for s in reversed(self.history[-8:]) if s.kind == "analyst"), None)
            if carried is not None:
                return carried
            side = self.publisher.side if self.publisher.side in ("russia", "ukraine") else "third_party"
            return Speaker(clean, side, "analyst", "unnamed experts: independent unless the outlet takes a side")
        if side is None:
            person = self._person(np)
            if person is not None:
                return person
            kinds = self._kinds(clean)
            if kinds and len(clean.split()) <= 5:
                carried = self.carried(clean)
                if carried is not None:
                    return carried
            if not fre.search(r"[A-ZА-ЯІЇЄ]", clean) and not kinds:
                return None  # "the situation said"? not a speaker
            sp = Speaker(clean, UNKNOWN, kind, "side not stated")
        else:
            sp = Speaker(clean, side, kind, how)
        self._register_person(np, sp)
        return sp

    def _person(self, np: str) -> Speaker | None:
        names = fre.findall(r"\b[A-ZА-ЯІЇЄ][a-zа-яіїєґ'’-]{2,}\b", np)
        if names and names[-1].lower() in self.persons:
            return self.persons[names[-1].lower()]
        return None

    def _kind(self, np: str) -> str:
        kinds = self._kinds(np)
        for k in ("blogger", "analyst", "military", "political", "media"):
            if k in kinds:
                return k
        return "person" if fre.search(r"\b[A-ZА-Я][a-zа-я]+\s+[A-ZА-Я][a-zа-я]+$", np) else UNKNOWN

    def _side(self, np: str) -> tuple[str | None, str]:
        sp = self.lex.speaker
        t = sp["third_party"].search(np)
        r = sp["russia"].search(np)
        u = sp["ukraine"].search(np)
        # The leftmost nationality qualifies the head ("Ukrainian analysts cited by Russian bloggers" is cut earlier).
        found = sorted((m.start(), side, m.group(0)) for side, m in (("third_party", t), ("russia", r), ("ukraine", u)) if m)
        # "Finnish analyst", "U.S.-based think tank": a foreign qualifier wins over a place it studies.
        if found:
            if t and any(w in np for w in ("analyst", "think tank", "institute", "Institute", "expert", "journalist", "based")):
                return "third_party", f"described as {t.group(0)}"
            pos, side, word = found[0]
            title = sp["title"].search(np)
            if title is None or side != "ukraine" or word.lower() not in ("sumy", "kharkiv", "zaporizhzhia"):
                return side, f"described as {word}"
        title = sp["title"].search(np)
        if title and "place_russia" in sp:
            if sp["place_ukraine"].search(np):
                return "ukraine", f"{title.group(0)} of a place in Ukraine"
            if sp["place_russia"].search(np):
                return "russia", f"{title.group(0)} of a place in Russia"
        if title:
            for name in fre.findall(r"\b[A-ZА-ЯІЇЄ][\w'’-]+", np):
                country = self.place_country(name)
                if country:
                    side = "ukraine" if country == "UA" else "russia"
                    return side, f"{title.group(0)} of a place in {'Ukraine' if country == 'UA' else 'Russia'} ({name})"
        if found:
            return found[0][1], f"described as {found[0][2]}"
        return None, ""

    # -- finding speakers in a sentence ---------------------------------------------------------------
    def np_before(self, text: str, end: int) -> tuple[int, int] | None:
        """(start, end) of the noun phrase that ends just before `end` (a verb), skipping adverbials; an
        appositive between a name and its verb stays with it ("Alexei Smirnov, the interim governor, said")."""
        pre = text[:end]
        tail = _ADVERBIAL_TAIL.search(pre)
        stop = tail.start() if tail else len(pre.rstrip())
        seg = pre[:stop].rstrip()
        if seg.endswith(","):
            app = fre.search(r",\s+(?:the|a|an|[\w-]+ed|based|close|known|one|part|head|chief|deputy|acting|former|"
                            r"set|shot|made|taken|seen|shown|written|given|held|led|run|built|cut|sent|told|found)\b[^,]{2,100},$", seg)
            # "The acting governor of the region, Pavel Orlov, said": a title, then the name.
            app = app or fre.search(r",\s+[A-ZА-ЯІЇЄ][\w'’-]+(?:\s+[A-ZА-ЯІЇЄ][\w'’-]+){0,2},$", seg)
            if app:
                head = self._np_start(seg, app.start())
                if head is not None:
                    return head, len(seg) - 1
        stop = len(seg.rstrip(" ,"))
        start = self._np_start(pre, stop)
        return (start, stop) if start is not None else None

    def _np_start(self, text: str, stop: int) -> int | None:
        tokens = list(_TOKEN.finditer(text[:stop]))
        j = len(tokens)
        while j > 0:
            tok = tokens[j - 1].group(0)
            if j >= 2 and tokens[j - 2].group(0).lower() in ("the", "a", "an", "its", "their", "his", "her") and \
                    self.lex.speech["verb"].fullmatch(tok) and j == len(tokens):
                return None  # "the reported attack", "the updated map": an adjective, not a verb's subject
            if tok.startswith("(") or _CAP.match(tok) or self.words.fullmatch(tok.lower().strip("'’")) or \
                    fre.fullmatch(r"\d+(?:st|nd|rd|th)?|[\w.-]+['’]s|[^\W\d_]+(?:-[^\W\d_]+)+", tok, re.I):
                j -= 1
                continue
            break
        while j < len(tokens) and (tokens[j].group(0).lower() in _LEADING_FUNCTION_WORDS or
                                   tokens[j].group(0) in ('"', "“", "”", "«", "»")):
            j += 1
        if j >= len(tokens):
            return None
        start = tokens[j].start()
        return start if stop > start else None

    def np_after(self, text: str, start: int) -> tuple[int, int] | None:
        """(start, end) of the noun phrase that starts at `start` ("according to the Russian Defence Ministry")."""
        m = fre.match(r"\s*", text[start:])
        i = start + (m.end() if m else 0)
        tokens = list(_TOKEN.finditer(text, i))
        end = i
        for n, t in enumerate(tokens):
            tok = t.group(0)
            if t.start() > end + 2:
                break
            if tok.startswith("(") or _CAP.match(tok) or self.words.fullmatch(tok.lower().strip("'’")) or \
                    fre.fullmatch(r"\d+(?:st|nd|rd|th)?|[\w.-]+['’]s|[^\W\d_]+(?:-[^\W\d_]+)+", tok, re.I):
                if tok.lower() in ("and",) and not (n + 1 < len(tokens) and (_CAP.match(tokens[n + 1].group(0)) or
                                                                             tokens[n + 1].group(0).lower() in ("the", "pro-russian", "russian", "ukrainian"))):
                    break
                if tok.lower() in ("on", "in", "at", "to", "from", "near") and n + 1 < len(tokens) and \
                        fre.match(r"\w+day$|Telegram|Facebook|the\s", tokens[n + 1].group(0)):
                    break
                end = t.end()
                continue
            break
        while end > i and text[end - 1] in " ,.":
            end -= 1
        words = text[i:end].split()
        while words and words[-1].lower() in ("and", "of", "the", "on", "in", "at", "to", "for", "from", "near", "a", "an"):
            words.pop()
        if not words:
            return None
        end = i + len(" ".join(words)) if text[i:].startswith(" ".join(words)) else end
        return (i, end) if end > i else None

    def frames(self, text: str) -> list[Frame]:
        """The explicit speakers of a sentence, each with the part of the sentence it asserts."""
        lex = self.lex
        self.sentence = text
        out: list[Frame] = []
        head = lex.speech["headline_cs"].match(text)
        if head:
            sp, co = self.resolve(head.group("np"), text)
            if sp is not None and (sp.side != UNKNOWN or known_in(head.group("np"))):
                out.append(Frame(head.end("np") + 1, len(text), sp, "headline colon", co=co, anchor=head.end("np")))
        for m in lex.speech["source_before"].finditer(text):
            span = self.np_after(text, m.end())
            if span is None:
                continue
            sp, co = self.resolve(text[span[0]:span[1]], text)
            if sp is None:
                continue
            # "According to X, …" covers the rest; "…, according to X." covers what came before.
            before = text[:m.start()].rstrip()
            if m.start() < 3 or not before or before.endswith((":",)):
                scope = (span[1], len(text))
            elif fre.match(r"^\s*[,.;:]?\s*$", text[span[1]:]) or fre.match(r"^\s*[,;.]", text[span[1]:]) and len(before) > 25:
                scope = (0, m.start())
            else:
                scope = (span[1], len(text))
            how = "citing" if m.group(0).lower().startswith(("citing", "quoting")) else "according to"
            out.append(Frame(scope[0], scope[1], sp, how, co=co, anchor=m.start()))
        for t in lex.frames:
            for m in t.rx.finditer(text):
                np = next(v for k, v in m.groupdict().items() if k.startswith("np") and v)
                sp, co = self.resolve(np, text)
                if sp is None:
                    continue
                if t.scope == "before":
                    scope = (0, m.start())
                elif t.scope == "after":
                    scope = (m.start(), len(text))
                elif t.scope == "sentence":
                    scope = (0, len(text))
                else:
                    continue  # "previous": read by `retro`
                out.append(Frame(scope[0], scope[1], sp, t.how, co=co, anchor=m.start()))
        passive = lex.speech["passive_report"].match(text) if "passive_report" in lex.speech else None
        if passive and self.history:
            out.append(Frame(passive.end(), len(text), self.history[-1], "passive report: the last speaker named", anchor=passive.start()))
        for m in (lex.speech["verb_word"].finditer(text) if "verb_word" in lex.speech else ()):
            if lex.speech["not_speech_after"].match(text[m.end():]):
                continue
            if m.start() > 0 and m.group(0)[:1].isupper():
                continue  # "Deep State", "Reports": a name or a noun, not a verb
            frame = self._verb_frame(text, m)
            if frame is not None:
                out.append(frame)
        # "X's claim that …", "claims by X that …"
        for m in fre.finditer(r"['’]s\s+(?:\w+\s+)?(?:claims?|assertions?|statements?|reports?|announcements?)\s+(?:that|of|about)\b", text, re.I):
            span = self.np_before(text, m.start() + 0)
            if span:
                sp, co = self.resolve(text[span[0]:m.start()], text)
                if sp is not None:
                    out.append(Frame(m.end(), len(text), sp, "claim of", co=co, anchor=m.start()))
        return _dedupe(out)

    def _verb_frame(self, text: str, m: re.Match[str]) -> Frame | None:
        vs, ve = m.start(), m.end()
        pre = text[:vs]
        after = text[ve:]
        # Inverted: "…, said the ministry." / "…,” said X."
        if fre.search(r"[,”\"’»]\s*$", pre) and len(pre.strip()) > 15:
            span = self.np_after(text, ve)
            if span is not None and _ADVERBIAL_TAIL.fullmatch(" " + text[span[0]:span[1]]):
                span = None  # "…, reported on Tuesday": no speaker after the verb
            if span is not None and (span[1] >= len(text.rstrip(" .")) - 2 or fre.match(r"^\s*[,.;(]", text[span[1]:])):
                sp, co = self.resolve(text[span[0]:span[1]], text)
                if sp is not None:
                    return Frame(0, vs, sp, "speech verb (inverted)", co=co, anchor=vs)
        # "X, who said …": the relative pronoun stands for X.
        rel = fre.search(r",\s+(?:who|which)\s+(?:also\s+|later\s+|had\s+|has\s+|have\s+)*$", pre, re.I)
        end_np = rel.start() if rel else vs
        span = self.np_before(text, end_np)
        if span is None:
            return None
        np_text = text[span[0]:span[1]]
        if fre.search(r"(?i)\b(?:it|this)\s+(?:is|was|has\s+been|had\s+been)$", np_text):
            return None  # "it is said that": a passive report (see passive_report)
        if fre.fullmatch(r"(?:claim|report|note|state|statement|update|write|add|confirm|assert|allege)", m.group(0), re.I) and \
                fre.match(r"(?i)(?:the|a|an|this|that|its|their)\s", np_text) and not fre.search(r"(?:s|media|police|people)$", np_text):
            return None  # "The Russian claim of …": a noun, not a verb
        relay = ""
        cite = fre.search(r",?\s+(?:citing|quoting)\s+(?P<src>.+?),?$", np_text, re.I)
        if cite:
            relay_sp, _ = self.resolve(np_text[:cite.start()], text)
            relay = relay_sp.name if relay_sp else ""
            np_text = cite.group("src")
        sp, co = self.resolve(np_text, text)
        if sp is None:
            return None
        # "X told TASS": the outlet relays.
        told = fre.match(r"^\s+(?P<to>(?:the\s+)?[A-ZА-Я][\w.-]+(?:\s+[A-Z][\w.-]+){0,3})\b", after) if m.group(0).lower() in ("told", "tells") else None
        if told:
            hits = known_in(told.group("to"))
            if hits:
                relay = relay or hits[0][2].name
                if sp.side == UNKNOWN:
                    sp = Speaker(sp.name, hits[0][2].side, sp.kind, f"spoke to {hits[0][2].name}")
        # Trailing: "Russian troops captured X, the ministry said (on Friday)[, adding …]."
        lead = _ADVERBIAL_LEAD.match(after)
        rest = after[lead.end():] if lead else after
        short = len(rest.split()) <= 10 and not fre.search(r"\bthat\b|[:“\"«]", rest)
        trailing = span[0] > 15 and fre.search(r"[,”\"’»—–-]\s*$", text[:span[0]]) is not None and \
            (fre.match(r"^\s*(?:[,.;(—–]|$)", rest) is not None or short)
        if trailing:
            return Frame(0, span[0], sp, "speech verb", relayed_by=relay, co=co, anchor=vs)
        # The speaker's words end where the outlet comments on them: "…, coming just weeks after …".
        comment = fre.search(r",\s+(?:coming|marking|amid|despite|as\s+the|weeks\s+after|days\s+after|months\s+after|shortly\s+after|which\s+(?:came|comes))\b", text[ve:])
        end = ve + comment.start() if comment else len(text)
        # The scope starts at the verb: "X claimed control of Y" is X's claim, its verb a cue.
        return Frame(vs, end, sp, "speech verb", relayed_by=relay, co=co, anchor=vs)

    def retro(self, text: str) -> Speaker | None:
        """ "This was reported by X": X spoke the sentence before."""
        for t in self.lex.frames:
            if t.scope == "previous":
                m = t.rx.search(text)
                if m:
                    sp, _ = self.resolve(m.group("np"), text)
                    if sp is not None:
                        return sp
        if "retro" not in self.lex.speech:
            return None
        m = self.lex.speech["retro"].match(text)
        if m:
            span = self.np_after(text, m.end())
            if span:
                np_text = text[span[0]:span[1]]
                cite = fre.search(r",?\s+(?:citing|quoting)\s+(?P<src>.+?),?$", np_text, re.I)
                sp, _ = self.resolve(cite.group("src") if cite else np_text, text)
                return sp
        m = self.lex.speech["retro_after"].match(text)
        if m and len(text) < 160:
            sp, _ = self.resolve(m.group("np"), text)
            return sp
        return None


def _dedupe(frames: list[Frame]) -> list[Frame]:
    out: list[Frame] = []
    for f in sorted(frames, key=lambda f: (f.anchor, -f.size)):
        if any(o.anchor == f.anchor and o.speaker == f.speaker for o in out):
            continue
        out.append(f)
    return out


@dataclass
class Voice:
    """The default speaker of a sentence: the publisher, or a speaker carried from earlier sentences."""

    speaker: Speaker
    how: str
    relayed_by: str = ""
    co: tuple[Speaker, ...] = field(default_factory=tuple)
