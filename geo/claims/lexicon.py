"""The language data of the claims stage: cues, actors, speech, dates, as compiled patterns.

One TOML file per language in `data/` (en, ru, uk) holds every pattern the rules use, so a rule is
code once and its wording is data per language.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..folded import compile_folded
from ..prefilter import Prefilter, required

LANGUAGES = ("en", "ru", "uk")
KINDS = ("capture", "lose", "lose_patient", "hold", "state", "contested")


@dataclass(frozen=True)
class Cue:
    id: str
    kind: str  # one of KINDS
    gloss: str  # the cue in English, shown beside a quote in another language
    rx: re.Pattern[str]
    need: frozenset[str] | None = None  # literal pieces one of which any match holds (prefilter)
    follows: bool = False  # may stand right after its place with no auxiliary ("Суджа освобождена")


def _joined(pattern: str) -> str:
    """A pattern written over several lines: the line breaks and the indentation after them go."""
    return re.sub(r"\n\s*", "", pattern.strip())


def _compile(key: str, pattern: str, subst: dict[str, str]) -> re.Pattern[str]:
    text = _joined(pattern)
    for name, value in subst.items():
        text = text.replace(name, value)
    flags = 0 if key.endswith("_cs") else re.IGNORECASE
    return compile_folded(text, flags)


@dataclass(frozen=True)
class FrameTemplate:
    """A speech pattern of a language with a named group `np` (the speaker) and what it covers:
    `after` (the rest of the sentence), `before` (what came before it), `sentence` (all of it), or
    `previous` (the sentence before: "Об этом сообщили в Минобороны")."""

    rx: re.Pattern[str]
    scope: str
    how: str


@dataclass(frozen=True, eq=False)  # hashed by identity: one per language, cached
class Lexicon:
    lang: str
    cues: tuple[Cue, ...]
    cue_filter: Prefilter  # which cues may match a sentence
    actor: dict[str, re.Pattern[str]]
    speech: dict[str, re.Pattern[str]]
    speaker: dict[str, re.Pattern[str]]
    pattern: dict[str, re.Pattern[str]]
    date: dict[str, str]  # raw alternations, assembled by the date rules
    agent: re.Pattern[str]  # every actor phrase, with named groups ru, ua, ru2, ua2, our, enemy
    frames: tuple[FrameTemplate, ...] = ()  # speech patterns given as templates (languages without the English scan)
    carry_speaker: bool = False  # an unattributed sentence goes on in the voice of the last one named (see ru.toml)

    def p(self, key: str) -> re.Pattern[str]:
        return self.pattern[key]

    @property
    def p_np_noise(self) -> re.Pattern[str]:
        return self.pattern["np_noise"]


@lru_cache(maxsize=None)
def lexicon(lang: str = "en") -> Lexicon:
    # Russian and Ukrainian share one file (see its header).
    name = {"uk": "ru"}.get(lang, lang)
    raw = tomllib.loads(resources.files("geo.claims.data").joinpath(f"{name}.toml").read_text(encoding="utf-8"))
    actor_raw = {k: _joined(v) for k, v in raw["actor"].items()}
    subst = {
        "SETTLEMENT_NOUN": _joined(raw["pattern"]["settlement_noun"]),
        "RU_ACTOR": _joined(raw["pattern"].get("descriptor_actor_ru", actor_raw["russia"])),
        "UA_ACTOR": _joined(raw["pattern"].get("descriptor_actor_ua", actor_raw["ukraine"])),
        "RU_ADJ": _joined(raw["pattern"].get("descriptor_adj_ru", actor_raw["russia"])),
        "UA_ADJ": _joined(raw["pattern"].get("descriptor_adj_ua", actor_raw["ukraine"])),
        "MONTHS": _joined(raw["date"]["months"]),
    }
    cues = []
    for c in raw["cue"]:
        rx = _compile(c["id"], c["pattern"], subst)
        cues.append(Cue(c["id"], c["kind"], c["gloss"], rx, required(rx.pattern), bool(c.get("follows", False))))
    force, ru, ua = actor_raw["force"], actor_raw["russia"], actor_raw["ukraine"]
    gap = r"(?:\s+[\w'’-]+){0,2}?"
    agent = compile_folded(
        rf"\b(?P<ru>{ru}){gap}\s+(?:{force})\b|\b(?P<ua>{ua}){gap}\s+(?:{force})\b|{actor_raw['country_cs']}|"
        rf"(?P<our>{actor_raw['our']})|(?P<enemy>{actor_raw['enemy']})|(?P<own>{actor_raw['own']})",
        re.IGNORECASE)
    return Lexicon(
        lang=lang,
        cues=tuple(cues),
        cue_filter=Prefilter([c.need for c in cues]),
        actor={k: _compile(k, v, subst) for k, v in raw["actor"].items()},
        speech={**{k: _compile(k, v, subst) for k, v in raw["speech"].items()},
                # English finds speakers by its verbs' structure; other languages by their frame templates.
                **({"verb_word": compile_folded(rf"\b(?:{_joined(raw['speech']['verb'])})\b")} if "verb" in raw["speech"] else {})},
        speaker={k: _compile(k, v, subst) for k, v in raw["speaker"].items()},
        pattern={k: _compile(k, v, subst) for k, v in raw["pattern"].items()},
        date={k: _joined(v) for k, v in raw["date"].items()},
        agent=agent,
        carry_speaker=bool(raw.get("carry_speaker", False)),
        frames=tuple(FrameTemplate(_compile(f.get("how", "frame"), f["pattern"], subst), f["scope"], f.get("how", "speech pattern"))
                     for f in raw.get("frame", [])),
    )
