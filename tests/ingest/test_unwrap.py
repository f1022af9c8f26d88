"""Hard-wrapped text (lines broken at 40 to 72 columns, as in e-mail and wire feeds) gives the claims the same
text gives on one line per paragraph; headlines, captions, lists and tables keep their lines; blank lines stay
paragraph breaks."""
from __future__ import annotations

import json
import textwrap

import pytest

from geo.cli import main
from geo.ingest.unwrap import unwrap

from conftest import build_with

PARAGRAPHS = [
    "Russian troops captured the village of Plekhovo on Friday after days of heavy fighting, the Russian Defence "
    "Ministry said in its daily briefing on the situation in the Kursk region.",
    "Ukrainian forces retook Guyevo on Monday and pushed on towards the border, Ukraine's General Staff said in a "
    "statement on its Telegram channel, adding that fighting continued near the town.",
    "The Institute for the Study of War said on Sunday that Russian forces had recaptured Sudzha, citing "
    "geolocated footage published by Russian military bloggers.",
]


def _claims(runner, articles, out) -> list[tuple]:
    assert build_with(runner, articles, out).exit_code == 0
    recs = [json.loads(x) for x in runner.invoke(main, ["export", "--db", str(out / "claims.sqlite"), "--format",
                                                        "jsonl"]).output.splitlines()]
    return sorted((r["settlement"], r["status"], r["claimant_side"], r["claimant"], r["date"], r["evidence"]) for r in recs)


def _write(folder, text: str) -> None:
    folder.mkdir(parents=True)
    (folder / "story.txt").write_text(text)
    (folder / "story.meta.json").write_text(json.dumps({"publisher": "Test Wire", "published": "2025-03-10"}))


@pytest.mark.parametrize("width", [40, 48, 55, 64, 72])
def test_hard_wrapped_text_gives_the_claims_of_the_same_text_on_one_line(runner, tmp_path, width):
    one_line = "\n\n".join(PARAGRAPHS) + "\n"
    wrapped = "\n\n".join(textwrap.fill(p, width) for p in PARAGRAPHS) + "\n"
    assert wrapped.count("\n") > 3 * len(PARAGRAPHS)
    _write(tmp_path / "flat", one_line)
    _write(tmp_path / "wrapped", wrapped)
    flat = _claims(runner, tmp_path / "flat", tmp_path / "out_flat")
    assert {c[:3] for c in flat} >= {("Plekhovo", "russia", "russia"), ("Guyevo", "ukraine", "ukraine")}
    assert _claims(runner, tmp_path / "wrapped", tmp_path / "out_wrapped") == flat


def test_unwrapping_keeps_the_length_paragraphs_and_short_lines():
    wrapped = "\n\n".join(textwrap.fill(p, 60) for p in PARAGRAPHS)
    joined = unwrap(wrapped)
    assert len(joined) == len(wrapped) and joined.count("\n\n") == len(PARAGRAPHS) - 1
    assert joined.split("\n\n") == PARAGRAPHS
    kept = [
        "Military blogger: Russian forces have liberated Sudzha\nPhoto: Pavel Sagaidak",  # headline, caption
        "Name Population Raion Held by\nBolshoe Soldatskoye 2,681 Bolshesoldatsky Russia\nGeneralovka 12 Sudzhansky Russia",
        "NamePopulation (as of 2010)Raion (District)Held ByAs of\nBolshoe Soldatskoye 2,681  Bolshesoldatsky Russia\n"
        "Generalovka 12 Sudzhansky Russia",
        "Villages named in the report of the general staff:\n- Plekhovo, taken by the Russian army\n- Guyevo, which",
        "ylliX - Online Advertising Network of the\nhttps://example.org/4/8794355\nnews",
        "One sentence per line, each of them ending as a sentence should.\nAnd a second one that is about as long too.",
        "A line of text that runs very long, longer than any hard-wrapped column would be, far past a hundred "
        "characters in all,\nand then the rest of it",
    ]
    for text in kept:
        assert unwrap(text) == text, text
