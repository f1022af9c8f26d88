"""Extraction and gazetteer benchmarks (one core, this machine).

    .venv/bin/python bench/extract_bench.py [--articles 300]

Measures: gazetteer load time (cold, in a fresh process), name matching throughput (MB of article text
per second through the Aho-Corasick matcher), and whole extraction (articles per second for synthetic
~3,000-character articles with realistic sentence shapes, random theatre places, claimants and dates).
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.places.gazetteer import load  # noqa: E402
from geo.places.mentions import finder_for  # noqa: E402
from geo.pipeline import extract, extract_many  # noqa: E402
from geo.records import Article  # noqa: E402

SHAPES = [
    "{claimant} said on {weekday} that its troops had captured the village of {p1}.",
    "Fighting continued near {p1} and {p2}, {claimant} reported.",
    "According to {claimant}, Ukrainian forces withdrew from {p1} on {date}.",
    "{claimant} said its units repelled an attack on {p1}, about 12 km from {p2}.",
    "The settlements of {p1}, {p2} and {p3} were liberated, {claimant} said.",
    "Russian forces are advancing towards {p1}, west of Ukrainian-held {p2}.",
    "Residents of {p1} were evacuated as shelling hit the area on {weekday}.",
    "Analysts said the front line had barely moved in the past week, with both sides short of infantry.",
    "The governor said power had been restored in several districts after overnight drone attacks.",
    "Officials in Kyiv declined to comment on the reports, which could not be independently verified.",
]
CLAIMANTS = ["The Russian Defence Ministry", "Ukraine's General Staff", "The Institute for the Study of War",
             "DeepState", "Russian military bloggers", "TASS", "Reuters"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def synthetic_articles(n: int, seed: int = 7) -> list[Article]:
    rnd = random.Random(seed)
    gaz = load()
    names = sorted(p.name_en for p in gaz.places.values() if p.in_theatre and p.oblast == "Kursk Oblast")
    out = []
    for i in range(n):
        parts = []
        while sum(len(p) for p in parts) < 3000:
            shape = rnd.choice(SHAPES)
            parts.append(shape.format(claimant=rnd.choice(CLAIMANTS), weekday=rnd.choice(WEEKDAYS),
                                      date=f"March {rnd.randint(1, 28)}", p1=rnd.choice(names), p2=rnd.choice(names),
                                      p3=rnd.choice(names)))
        text = " ".join(parts)
        out.append(Article(stem=f"s{i:05d}", path="", text=text, publisher="Bench Wire", published="2025-03-29"))
    return out


SHAPES_RU = [
    "{claimant} сообщило, что подразделения освободили населённый пункт {p1}.",
    "Бои продолжаются в районе {p1} и у {p2}, сообщает {claimant}.",
    "По данным {claimant}, ВСУ отступили из {p1} {date}.",
    "Военные отразили атаку на {p1}, в 12 км от {p2}.",
    "Освобождены населённые пункты {p1}, {p2} и {p3}.",
    "Аналитики отмечают, что линия фронта за неделю почти не сдвинулась.",
    "Губернатор сообщил, что электроснабжение восстановлено после ночной атаки беспилотников.",
]
SHAPES_UK = [
    "{claimant} повідомив, що російські війська захопили село {p1}.",
    "Тривають бої біля {p1} та {p2}, повідомляє {claimant}.",
    "За даними {claimant}, окупанти вийшли з {p1} {date}.",
    "Сили оборони відбили атаку на {p1}, за 12 км від {p2}.",
    "Мешканців {p1} евакуювали через обстріли у {weekday}.",
    "Аналітики зазначають, що лінія фронту за тиждень майже не змінилася.",
]
CLAIMANTS_RU = ["Минобороны России", "Генштаб ВСУ", "DeepState", "Рыбарь", "ТАСС"]
CLAIMANTS_UK = ["Генштаб ЗСУ", "Сумська ОВА", "DeepState", "Суспільне"]


def mixed_articles(n: int, seed: int = 11) -> list[Article]:
    """A third English (as `synthetic_articles`), a third Russian, a third Ukrainian: names in random case forms."""
    from geo.places.morph import name_forms

    rnd = random.Random(seed)
    gaz = load()
    places = sorted((p for p in gaz.places.values() if p.in_theatre and p.oblast in ("Kursk Oblast", "Sumy Oblast")),
                    key=lambda p: p.id)
    english = synthetic_articles(n - 2 * (n // 3), seed)
    out = list(english)
    for lang, shapes, claimants in (("ru", SHAPES_RU, CLAIMANTS_RU), ("uk", SHAPES_UK, CLAIMANTS_UK)):
        named = [p.name_ru or p.name_uk for p in places] if lang == "ru" else [p.name_uk or p.name_ru for p in places]
        for i in range(n // 3):
            parts: list[str] = []
            while sum(len(p) for p in parts) < 3000:
                pick = [rnd.choice(sorted(name_forms(rnd.choice(named), lang))) for _ in range(3)]
                parts.append(rnd.choice(shapes).format(claimant=rnd.choice(claimants), date=f"{rnd.randint(1, 28)} марта",
                                                       weekday="вівторок", p1=pick[0], p2=pick[1], p3=pick[2]))
            out.append(Article(stem=f"{lang}{i:05d}", path="", text=" ".join(parts), publisher="Bench Wire",
                               published="2025-03-29"))
    return out


def cold_load_seconds() -> float:
    code = ("import time,sys; sys.path.insert(0, %r); t=time.perf_counter(); from geo.places.gazetteer import Gazetteer; "
            "Gazetteer(%r); print(time.perf_counter()-t)") % (str(ROOT), str(ROOT / "gazetteer"))
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(5)]
    return sorted(runs)[len(runs) // 2]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--pool-only", action="store_true", help="only the build's two-process extraction figure")
    args = ap.parse_args()
    if args.pool_only:
        pool_rate(load(), args.articles)
        return
    print(f"gazetteer load (cold process, median of 5, includes imports): {cold_load_seconds():.3f} s")
    gaz = load()
    finder = finder_for(gaz)
    arts = synthetic_articles(args.articles)
    text = "\n".join(a.text for a in arts)
    while len(text) < 5_000_000:
        text += "\n" + text
    finder.find("warm-up", arts[0].text)  # builds the skeleton index once
    t = time.perf_counter()
    finder.find("bench", text)
    dt = time.perf_counter() - t
    print(f"matching, synthetic (a place name in nearly every sentence): {len(text) / 1e6:.1f} MB in {dt:.2f} s = "
          f"{len(text) / 1e6 / dt:.1f} MB/s")
    dev = ROOT.parent / "shared" / "corpus" / "dev" / "articles"
    if dev.is_dir():  # real news text, read in place (never copied into the repository)
        news = "\n".join(p.read_text(encoding="utf-8") for p in sorted(dev.glob("*.txt")))
        big = news
        while len(big) < 5_000_000:
            big += "\n" + news
        t = time.perf_counter()
        finder.find("bench", big)
        dt = time.perf_counter() - t
        print(f"matching, real news text (../shared dev corpus, repeated): {len(big) / 1e6:.1f} MB in {dt:.2f} s = "
              f"{len(big) / 1e6 / dt:.1f} MB/s")
    t = time.perf_counter()
    ex = extract(arts, gaz)
    dt = time.perf_counter() - t
    mean_len = sum(len(a.text) for a in arts) / len(arts)
    print(f"extraction: {len(arts)} articles of ~{mean_len:.0f} chars in {dt:.2f} s = {len(arts) / dt:.0f} articles/s "
          f"({len(ex.claims)} claims)")
    mixed = mixed_articles(args.articles)
    text = "\n".join(a.text for a in mixed)
    while len(text) < 5_000_000:
        text += "\n" + text
    t = time.perf_counter()
    finder.find("bench", text)
    dt = time.perf_counter() - t
    print(f"matching, mixed EN/RU/UK synthetic: {len(text) / 1e6:.1f} MB in {dt:.2f} s = {len(text) / 1e6 / dt:.1f} MB/s")
    t = time.perf_counter()
    ex = extract(mixed, gaz)
    dt = time.perf_counter() - t
    mean_len = sum(len(a.text) for a in mixed) / len(mixed)
    print(f"extraction, mixed EN/RU/UK: {len(mixed)} articles of ~{mean_len:.0f} chars in {dt:.2f} s = "
          f"{len(mixed) / dt:.0f} articles/s ({len(ex.mentions)} mentions, {len(ex.claims)} claims)")

    pool_rate(gaz, args.articles)


def pool_rate(gaz, n: int) -> None:
    """The build's own extraction: worker processes (two on this machine), from the first article sent to the
    last result back, for the English set and for the mixed set (a third each English, Russian, Ukrainian)."""
    for name, arts in (("English", synthetic_articles(max(n, 800))), ("mixed EN/RU/UK", mixed_articles(max(n, 800)))):
        t = time.perf_counter()
        done = sum(1 for _ in extract_many(arts, gaz, workers=2))
        dt = time.perf_counter() - t
        print(f"extraction, 2 worker processes (as geo build runs it), {name}: {done} articles in {dt:.2f} s = "
              f"{done / dt:.0f} articles/s")


if __name__ == "__main__":
    main()
