"""Hard-wrapped text (e-mail, wire feeds, text saved at 72 columns) joined back into sentences.

A line break ends a sentence (`geo.claims.sentences`), so a sentence wrapped before "Defence Ministry said"
would lose its speaker. Within a paragraph (a block between blank lines) whose widest line is 30 to 100
characters, a run of full lines (each as long as the column allows) is hard-wrapped when its breaks fall inside
sentences (before a lower-case word, after a comma or a word like "the", "of", "что"); then each break in it
that does not follow a sentence's end becomes a space. The text keeps its length, so offsets do not move.
Headlines, captions, lists and tables (short or uneven lines, column gaps, breaks between whole phrases) keep
their lines; blank lines stay paragraph breaks.
"""
from __future__ import annotations

import re

MIN_WIDTH, MAX_WIDTH = 30, 100
FULL = 0.6  # a wrapped line is at least this share of the paragraph's widest …
SLACK = 15  # … and at most this much shorter (the next word would not have fitted)
# Words that do not end a sentence or a headline: a break after one is inside a sentence.
_FUNCTION_WORDS = frozenset("""a an the of to in on at by for with from into as and or but that which who
whose than its their his her our this these those was were is are has have had be been said says near
и в во на по с со к ко от из за для что как о об у а но или его ее её их это этот эта были был была
і й та у в на по з зі до від для що як про його її їх це цей ця був була були""".split())
_SENTENCE_END = re.compile(r"[.!?…:;]['\"”’»)\]]*$")
_CONTINUES = re.compile(r"[,–—-]$")
_LIST_OR_TABLE = re.compile(r"^\s*(?:[-*•–—#>|]|\d{1,3}[.)]\s)")
_PARAGRAPHS = re.compile(r"(?:[^\n]|\n(?![ \t]*\n))+")


def unwrap(text: str) -> str:
    """`text` with the line breaks inside the sentences of hard-wrapped paragraphs made spaces."""
    if "\n" not in text:
        return text
    chars: list[str] | None = None
    for para in _PARAGRAPHS.finditer(text):
        block = para.group(0)
        if "\n" not in block:
            continue
        lines = block.split("\n")
        width = max(len(line.rstrip()) for line in lines)
        if not MIN_WIDTH <= width <= MAX_WIDTH:
            continue
        # Runs of full lines (each as long as the column allows: the next word would not have fitted), each
        # judged alone: a short headline above a wrapped paragraph is its own run.
        runs: list[list[tuple[int, bool, bool]]] = [[]]  # (break position, inside a sentence, ends one)
        offset = para.start()
        for cur, nxt in zip(lines, lines[1:]):
            here = offset + len(cur)  # the position of the break after `cur`
            offset = here + 1
            line, following = cur.rstrip(), nxt.lstrip()
            if (len(line) < max(width - SLACK, FULL * width) or len(line.split()) < 4 or not following
                    or _LIST_OR_TABLE.match(following) or _LIST_OR_TABLE.match(line) or "  " in line.strip()
                    or following.startswith(("http://", "https://", "www."))):
                runs.append([])  # a short or last line, a list item, a table row, a link: not inside a sentence
                continue
            if _SENTENCE_END.search(line):
                runs[-1].append((here, False, True))  # wrapped at a sentence's end: the break stays, a boundary
                continue
            last = line.rsplit(None, 1)[-1].lower()
            inside = following[0].islower() or _CONTINUES.search(line) is not None or last in _FUNCTION_WORDS
            runs[-1].append((here, inside, False))
        for run in runs:
            # Two breaks inside sentences (one when it is the run's only break and the next line goes on in lower
            # case) and a quarter of the run's: a table row or a headline ending in "of" is not enough.
            evidence = sum(inside for _, inside, _ in run)
            lower = len(run) == 1 and evidence == 1 and text[run[0][0] + 1:run[0][0] + 80].lstrip()[:1].islower()
            if (evidence >= 2 or lower) and evidence >= 0.25 * len(run):
                if chars is None:
                    chars = list(text)
                for pos, _, ends in run:
                    if not ends:
                        chars[pos] = " "
    return text if chars is None else "".join(chars)
