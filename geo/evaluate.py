"""`geo eval`: score extraction against a hand-annotated truth file.

Levels, each with precision, recall and F1:
- mentions: (article, settlement) pairs of the claims found vs. the truth's; `gazetteer recall` also counts a
  truth settlement found as any resolved mention, claim or not (the gazetteer's coverage);
- claims: (article, settlement, status, claimant side);
- dates: of the truth claims matched, the share whose date was found (null = null counts).
Settlements match by gazetteer identity (any spelling of the same place, within the truth's oblast), not by
string; a name the gazetteer lacks matches by its romanisation skeleton.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .ingest.articles import read_articles
from .normalize import fold_name, skeleton
from .text import decode
from .pipeline import extract
from .places.gazetteer import Gazetteer, load
from .places.resolve import UNLOCATED


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def line(self, name: str) -> str:
        return f"{name:10} P {self.p:.3f}  R {self.r:.3f}  F1 {self.f1:.3f}  (tp {self.tp}, fp {self.fp}, fn {self.fn})"


@dataclass
class EvalReport:
    mentions: Score
    claims: Score
    gazetteer_recall: float
    dates_correct: int
    dates_total: int
    precision_shares: dict[str, int]
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    date_errors: list[str] = field(default_factory=list)

    @property
    def date_accuracy(self) -> float:
        return self.dates_correct / self.dates_total if self.dates_total else 0.0

    def lines(self, verbose: bool = False) -> list[str]:
        out = [self.mentions.line("mentions"), self.claims.line("claims"),
               f"dates      accuracy {self.date_accuracy:.3f}  ({self.dates_correct}/{self.dates_total} matched claims)",
               f"gazetteer  mention recall {self.gazetteer_recall:.3f} (truth settlements found as any mention)",
               "truth settlements by location precision: " + ", ".join(f"{k} {v}" for k, v in sorted(self.precision_shares.items()))]
        if verbose:
            out += ["", "MISSED CLAIMS:"] + self.misses + ["", "FALSE CLAIMS:"] + self.false + ["", "WRONG DATES:"] + self.date_errors
        return out


def _acceptable(gaz: Gazetteer, row: dict) -> tuple[set[str], set[str]]:
    """Place ids and name skeletons that count as the truth row's settlement."""
    ids: set[str] = set()
    for name in (row["settlement"], row["mention"]):
        for p in gaz.lookup(name):
            if not row.get("region") or p.oblast == row["region"]:
                ids.add(p.id)
    keys = {skeleton(row["settlement"]), skeleton(row["mention"])} - {""}
    return ids, keys


class TruthError(ValueError):
    """A truth file that cannot be used: one line naming the file, the line and the problem."""


TRUTH_KEYS = ("article", "settlement", "mention", "status", "claimant", "claimant_side", "date", "evidence")


def read_truth(path: Path) -> list[dict]:
    """The rows of a truth file (JSON lines), checked: each a JSON object with the keys scoring reads."""
    try:
        text = decode(path.read_bytes())
    except (OSError, UnicodeDecodeError) as exc:
        raise TruthError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise TruthError(f"{path} line {n}: not JSON ({str(exc)[:80]}); each line is one JSON object") from None
        if not isinstance(row, dict):
            raise TruthError(f"{path} line {n}: not a JSON object")
        missing = [k for k in TRUTH_KEYS if k not in row]
        if missing:
            raise TruthError(f"{path} line {n}: no {', '.join(missing)} (a truth row has {', '.join(TRUTH_KEYS)})")
        wrong = [k for k in TRUTH_KEYS if k != "date" and not isinstance(row[k], str)]
        if wrong or not (row["date"] is None or isinstance(row["date"], str)):
            raise TruthError(f"{path} line {n}: {', '.join(wrong) or 'date'} should be text")
        rows.append(row)
    if not rows:
        raise TruthError(f"{path}: no truth rows")
    return rows


def evaluate(articles_dir: Path, truth_path: Path, gaz: Gazetteer | None = None) -> EvalReport:
    gaz = gaz or load()
    articles, _ = read_articles(articles_dir)
    ex = extract(articles, gaz)
    truth = read_truth(truth_path)

    def matches(row: dict, place_id: str, mention: str) -> bool:
        ids, keys = row["_ids"], row["_keys"]
        if place_id in ids:
            return True
        if not place_id.startswith(UNLOCATED):
            return False
        # A name the gazetteer lacks matches by its romanisation skeleton, or (Cyrillic has none) as written.
        return skeleton(mention) in keys or fold_name(mention) in row["_surface"]

    for row in truth:
        row["_ids"], row["_keys"] = _acceptable(gaz, row)
        row["_surface"] = {fold_name(row[k]) for k in ("mention", "settlement_native") if row.get(k)}

    # Mentions: (article, settlement).
    truth_pairs: dict[tuple[str, str], dict] = {}
    for row in truth:
        truth_pairs.setdefault((row["article"], row["settlement"]), row)
    pred_pairs: dict[tuple[str, str], str] = {}
    for c in ex.claims:
        pred_pairs.setdefault((c.article, c.place_id), c.mention)
    m_score = Score()
    matched_pred: set[tuple[str, str]] = set()
    for (art, _), row in truth_pairs.items():
        hit = next((k for k, mention in pred_pairs.items() if k[0] == art and k not in matched_pred and matches(row, k[1], mention)), None)
        if hit:
            m_score.tp += 1
            matched_pred.add(hit)
        else:
            m_score.fn += 1
    m_score.fp = len(pred_pairs) - len(matched_pred)
    mentions_by_article: dict[str, list] = defaultdict(list)
    for m in ex.mentions:
        mentions_by_article[m.article].append(m)
    found_any = sum(
        1 for (art, _), row in truth_pairs.items()
        if any(matches(row, m.place_id or UNLOCATED, m.text) or (m.place_id is None and skeleton(m.text) in row["_keys"])
               for m in mentions_by_article[art]))

    # Claims: (article, settlement, status, side).
    truth_claims: dict[tuple, list[dict]] = defaultdict(list)
    for row in truth:
        truth_claims[(row["article"], row["settlement"], row["status"], row["claimant_side"])].append(row)
    pred: dict[tuple, list] = defaultdict(list)
    for c in ex.claims:
        pred[(c.article, c.place_id, c.status, c.claimant_side)].append(c)
    c_score = Score()
    used: set[tuple] = set()
    report = EvalReport(m_score, c_score, found_any / len(truth_pairs) if truth_pairs else 0.0, 0, 0, {})
    for key, rows in sorted(truth_claims.items()):
        art, _, status, side = key
        hit = next((k for k, cs in pred.items() if k not in used and k[0] == art and k[2] == status and k[3] == side
                    and matches(rows[0], k[1], cs[0].mention)), None)
        if hit is None:
            c_score.fn += 1
            report.misses.append(f"  {art} {rows[0]['settlement']} {status} ({side}, {rows[0]['claimant']}): {rows[0]['evidence'][:160]}")
            continue
        c_score.tp += 1
        used.add(hit)
        dates_found = {c.date for c in pred[hit]}
        for row in rows:
            report.dates_total += 1
            if row["date"] in dates_found:
                report.dates_correct += 1
            else:
                report.date_errors.append(f"  {art} {row['settlement']}: truth {row['date']}, found {sorted(dates_found, key=str)}")
    for key, cs in sorted(pred.items(), key=lambda kv: str(kv[0])):
        if key not in used:
            c_score.fp += 1
            c = cs[0]
            name = ex.places[c.place_id].name_en if c.place_id in ex.places else c.mention
            report.false.append(f"  {c.article} {name} {c.status} ({c.claimant_side}, {c.claimant}) [{c.cue}]: {c.evidence[:160]}")
    distinct = {(row["settlement"], row.get("region")): row for row in truth}
    for _, row in sorted(distinct.items(), key=str):
        precs = [gaz.places[i].precision for i in row["_ids"]]
        best = min(precs, key=["point", "approximate", "area", "unlocated"].index) if precs else "unlocated"
        report.precision_shares[best] = report.precision_shares.get(best, 0) + 1
    return report
