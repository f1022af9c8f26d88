"""The day a claim is about: explicit dates, weekdays, the lead, narratives, never after publication."""
from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis import given
import pytest

from geo.claims import dates
from geo.claims.lexicon import lexicon
from geo.ingest.datelines import dateline

from conftest import property_settings, one_claim


_DAY = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))

_MONTH_WORDS = ["January", "Jan.", "February", "Feb", "March", "Mar.", "April", "May", "June", "July", "August",
                "Aug.", "September", "Sept.", "October", "November", "Dec."]

_PIECES = st.one_of(
    st.builds(lambda d, m, y: f"{d} {m}" + (f", {y}" if y else ""), st.integers(0, 35), st.sampled_from(_MONTH_WORDS),
              st.one_of(st.none(), st.integers(2000, 2099))),
    st.builds(lambda m, d, y: f"{m} {d}" + (f", {y}" if y else ""), st.sampled_from(_MONTH_WORDS), st.integers(0, 35),
              st.one_of(st.none(), st.integers(2000, 2099))),
    st.builds(lambda m, d, d2: f"{m} {d}-{d2}", st.sampled_from(_MONTH_WORDS), st.integers(1, 31), st.integers(1, 35)),
    st.builds(lambda m, d, y: f"{m}/{d}/{y}", st.integers(0, 13), st.integers(0, 32), st.integers(2000, 2099)),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(2000, 2099), st.integers(0, 13), st.integers(0, 32)),
    st.sampled_from(["on Monday", "Tuesday night", "last Sunday", "yesterday", "today", "overnight", "the day before",
                     "on the same day", "later that day", "earlier this month", "last week", "On", "By", ",", ".",
                     "captured", "liberated", "said", "Sudzha", "in March", "since August 2024"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
)

_SENTENCE = st.lists(_PIECES, max_size=8).map(" ".join)


@pytest.mark.parametrize("sentence,day", [
    ("On March 3, Russian troops captured Plekhovo, the Russian Defence Ministry said.", "2025-03-03"),
    ("Russian troops captured Plekhovo on 3 March, the Russian Defence Ministry said.", "2025-03-03"),
    ("Russian troops captured Plekhovo, the Russian Defence Ministry said on 03/04/2025.", "2025-03-04"),
    ("Russian troops captured Plekhovo on Saturday, the Russian Defence Ministry said.", "2025-03-08"),
    ("Russian troops captured Plekhovo on Tuesday, the Russian Defence Ministry said.", "2025-03-04"),
    ("Russian troops captured Plekhovo yesterday, the Russian Defence Ministry said.", "2025-03-07"),
    ("Russian troops captured Plekhovo between March 2 and 5, the Russian Defence Ministry said.", "2025-03-05"),
    ("Russian troops captured Plekhovo, the Russian Defence Ministry said.", "2025-03-08"),
    ("Russian troops captured Plekhovo last month, the Russian Defence Ministry said.", None),
])
def test_dates(sentence, day):
    assert one_claim(sentence)[4] == day


def test_dates_never_after_publication():
    # "December 20" in an article of March 2025 is last December, not next.
    assert one_claim("Russian troops captured Plekhovo on December 20, the Russian Defence Ministry said.")[4] == "2024-12-20"


@property_settings(300)
@given(_SENTENCE, _SENTENCE, st.one_of(st.none(), _DAY), st.integers(0, 200))
def test_date_resolution_never_moves_a_claim_after_publication(earlier, sentence, published, cue_pos):
    """A claim's date, however the sentence and the one before it name days, is never after publication: the
    extractor's own per-article context is fed both sentences (so the lead, the narrative day, the last day
    named and, with no publication date, the latest full date printed all come from them) and asked."""
    pub = published.isoformat() if published else None
    lex = lexicon("en")
    full = [d for _, d in dates.explicit_dates(dates.rules(lex), earlier + "\n" + sentence, None)] if not pub else []
    context = dates.DateContext(lex, pub, full)
    context.feed(earlier)
    context.feed(sentence)
    r = context.resolve(min(cue_pos, len(sentence)))
    if r.date is not None:
        day = date.fromisoformat(r.date)  # a real day
        assert published is None or day <= published, (r, earlier, sentence)
        assert r.precision == "day"
    assert context.lead is None or (published is not None and context.lead.date <= pub)
    dateline(earlier + "\n" + sentence)  # never raises
