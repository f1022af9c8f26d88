"""Each extraction rule on sentences written for these tests (not taken from any corpus)."""
from __future__ import annotations

from hypothesis import strategies as st
from hypothesis import given
import pytest

from geo.claims.speakers import normalise
from geo.pipeline import extract
from geo.places.gazetteer import load
from geo.records import Article

from conftest import property_settings, extract_text, one_claim


@pytest.mark.parametrize("text,status", [
    ("Russian troops captured the village of Plekhovo, the Russian Defence Ministry said.", "russia"),
    ("Ukrainian forces seized Plekhovo, the General Staff of the Armed Forces of Ukraine said.", "ukraine"),
    ("Russia's Defence Ministry said its forces had retaken Plekhovo.", "russia"),
    ("Ukrainian units withdrew from Plekhovo, the General Staff of the Armed Forces of Ukraine said.", "russia"),
    ("Russian troops retreated from Plekhovo, Ukraine's General Staff said.", "ukraine"),
    ("Russian units repelled an attack on Plekhovo, the Russian Defence Ministry said.", "russia"),
    ("Fierce fighting continues near Plekhovo, the Russian Defence Ministry said.", "contested"),
    ("Ukrainian troops have been encircled in Plekhovo, the Russian Defence Ministry said.", "contested"),
    ("Plekhovo was liberated by Russian troops, the Russian Defence Ministry said.", "russia"),
    ("The Russian Defence Ministry said Ukrainian forces had been pushed out of Plekhovo.", "russia"),
])
def test_status_cues(text, status):
    assert one_claim(text)[1] == status


def test_our_and_the_enemy_read_from_the_claimants_side():
    assert one_claim("“Our units have liberated Plekhovo,” Ukraine's General Staff said.")[1] == "ukraine"
    assert one_claim("“The enemy has captured Plekhovo,” Ukraine's General Staff said.")[1] == "russia"


def test_descriptors_are_the_outlets_own_claims():
    claims, _ = extract_text("Russian drones struck a road north of Ukrainian-held Sudzha on Friday.", publisher="Reuters")
    assert ("Sudzha", "ukraine", "Reuters", "third_party", "2025-03-07") in claims
    claim = one_claim("The convoy moved towards Plekhovo, west of Sudzha, which is under Russian control.", publisher="Kyiv Post")
    assert claim[:4] == ("Sudzha", "russia", "Kyiv Post", "ukraine")


@pytest.mark.parametrize("text", [
    "The strike hit a depot 20 km from Sudzha, the Russian Defence Ministry said.",
    "Russian troops are attacking towards Plekhovo, the Russian Defence Ministry said.",
    "Ukrainian units advanced from Plekhovo into the fields, the General Staff of the Armed Forces of Ukraine said.",
    "Russian troops may soon capture Plekhovo, a blogger wrote.",
    "Russia plans to retake Plekhovo next month, the Kremlin said.",
    "The Sudzha gas metering station stopped working.",
    "Residents of Plekhovo were evacuated on Friday.",
    "A missile attack on the town of Rylsk killed two people, the governor said.",
    "Russian forces captured the village of Pokrovka in Ukraine's Donetsk region, the Russian Defence Ministry said.",
])
def test_not_claims(text):
    claims, _ = extract_text(text)
    assert claims == []


def test_region_is_not_the_city():
    """ "the Kursk region" names no settlement: no claim, and no mention of the city of Kursk; nor does "near
    Kursk" (in English news as often the region); the same sentence naming the city does find it."""
    def kursk_mentions(ex) -> list:
        return [m for m in ex.mentions if m.place is not None and m.place.name_en == "Kursk"]

    claims, ex = extract_text("Russian forces retook territory in the Kursk region, the Russian Defence Ministry said.")
    assert claims == [] and kursk_mentions(ex) == []
    claims, ex = extract_text("Russian forces retook territory near Kursk, the Russian Defence Ministry said.")
    assert kursk_mentions(ex) == []
    claims, ex = extract_text("Russian forces retook territory near the city of Kursk, the Russian Defence Ministry said.")
    assert len(kursk_mentions(ex)) == 1


def test_claimant_normalisation_table():
    for written in ("the Russian Defence Ministry", "Russia's Ministry of Defense", "Russian MoD"):
        assert normalise(written).name == "Russian Defense Ministry"
    assert normalise("Zelenskiy").name == "Volodymyr Zelensky"
    assert normalise("the Institute for the Study of War").side == "third_party"


def test_attribution_forms():
    assert one_claim("According to the Russian Defence Ministry, Russian troops captured Plekhovo.")[2] == "Russian Defense Ministry"
    claim = one_claim("Reuters, citing the Russian Defence Ministry, reported that Russian troops captured Plekhovo.")
    assert claim[2] == "Russian Defense Ministry" and claim[3] == "russia"
    claims, ex = extract_text("Valery Gerasimov visited the front on Friday. He said Russian troops had taken Plekhovo.")
    assert claims[0][2].startswith("Valery Gerasimov")
    claims, _ = extract_text("The Russian Defence Ministry released a statement. It said its troops had captured Plekhovo.")
    assert claims[0][2] == "Russian Defense Ministry"


def test_publisher_speaks_when_no_one_else_does():
    claim = one_claim("Ukrainian troops captured the village of Plekhovo on Friday.", publisher="Kyiv Independent")
    assert claim[2] == "Kyiv Independent" and claim[3] == "ukraine" and claim[4] == "2025-03-07"


def test_coordinated_speakers_each_claim():
    claims, _ = extract_text("Russian military bloggers and the Institute for the Study of War said fighting continued near Plekhovo.")
    assert {(c[2], c[3]) for c in claims} == {("Russian military bloggers", "russia"), ("ISW", "third_party")}


def test_every_claim_records_cue_and_rule():
    _, ex = extract_text("Russian troops captured the village of Plekhovo, the Russian Defence Ministry said.")
    c = ex.claims[0]
    assert c.cue == "captured" and "capture cue" in c.rule and "claimant: speech verb" in c.rule
    assert c.evidence == ex.articles[0].text[c.evidence_start:c.evidence_end]
    assert ex.articles[0].text[c.mention_start:c.mention_end] == "Plekhovo"


def test_runaway_sentences_are_cut_so_work_stays_linear():
    from geo.claims.sentences import MAX_SENTENCE, split

    text = ("Russian troops captured Plekhovo near Sudzha and " * 4000).strip()
    parts = split(text)
    assert all(len(s.text) <= MAX_SENTENCE for s in parts)
    assert all(text[s.start:s.end] == s.text for s in parts)
    assert "".join(s.text for s in parts).replace(" ", "") == text.replace(" ", "")


def test_a_quotation_over_several_sentences_belongs_to_who_is_named_where_it_closes():
    claims, _ = extract_text("“Our units have liberated Plekhovo. The enemy is retreating,” the Russian Defence Ministry said.")
    assert claims == [("Plekhovo", "russia", "Russian Defense Ministry", "russia", "2025-03-08")]


def test_it_as_subject_stands_for_the_place_of_the_previous_sentence():
    claims, _ = extract_text("Plekhovo was the last village held by Ukrainian troops in the area. "
                    "By March 2, it had been retaken by Russian forces.")
    assert ("Plekhovo", "russia", "Test Wire", "third_party", "2025-03-02") in claims
    claims, _ = extract_text("Plekhovo and Guyevo were shelled. It was retaken by Russian forces.")
    assert claims == []  # two places named: "it" is not resolved


@property_settings(300)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400),
       st.sampled_from(["Sudzha", "Plekhovo", "Гуево", "Hornal", "Pravda", "<b>Kursk</b>"]))
def test_extractor_never_raises_and_keeps_offsets_inside(text, name):
    article_text = f"{text} Russian troops captured {name}. {text}"
    art = Article(stem="p", path="p.txt", text=article_text, publisher="Test", published="2025-03-08")
    ex = extract([art], load())
    for c in ex.claims:
        assert 0 <= c.evidence_start <= c.mention_start < c.mention_end <= c.evidence_end <= len(article_text)
        assert article_text[c.mention_start:c.mention_end] in c.evidence
        assert article_text[c.evidence_start:c.evidence_end] == c.evidence  # the sentence, where it stands
        assert c.date is None or c.date <= "2025-03-08"
