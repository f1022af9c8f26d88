"""Each extraction rule on sentences written for these tests (not taken from any corpus)."""
from __future__ import annotations

import pytest

from geo.claims.speakers import normalise
from geo.places.gazetteer import load
from geo.pipeline import extract
from geo.records import Article


def run(text: str, publisher: str = "Test Wire", published: str | None = "2025-03-08"):
    """Claims as (settlement, status, claimant, side, date)."""
    art = Article(stem="t", path="t.txt", text=text, publisher=publisher, published=published)
    ex = extract([art], load())
    return [(ex.places[c.place_id].name_en, c.status, c.claimant, c.claimant_side, c.date) for c in ex.claims], ex


def one(text: str, **kw):
    claims, _ = run(text, **kw)
    assert len(claims) == 1, claims
    return claims[0]


# --- status cues and the acting side ------------------------------------------------------------------
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
    assert one(text)[1] == status


def test_our_and_the_enemy_read_from_the_claimants_side():
    assert one("“Our units have liberated Plekhovo,” Ukraine's General Staff said.")[1] == "ukraine"
    assert one("“The enemy has captured Plekhovo,” Ukraine's General Staff said.")[1] == "russia"


def test_descriptors_are_the_outlets_own_claims():
    claims, _ = run("Russian drones struck a road north of Ukrainian-held Sudzha on Friday.", publisher="Reuters")
    assert ("Sudzha", "ukraine", "Reuters", "third_party", "2025-03-07") in claims
    claim = one("The convoy moved towards Plekhovo, west of Sudzha, which is under Russian control.", publisher="Kyiv Post")
    assert claim[:4] == ("Sudzha", "russia", "Kyiv Post", "ukraine")


# --- what is not a claim -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "The strike hit a depot 20 km from Sudzha, the Russian Defence Ministry said.",
    "Russian troops are attacking towards Plekhovo, the Russian Defence Ministry said.",
    "Ukrainian units advanced from Plekhovo into the fields, the General Staff of the Armed Forces of Ukraine said.",
    "Russian troops may soon capture Plekhovo, a blogger wrote.",
    "Russia plans to retake Plekhovo next month, the Kremlin said.",
    "Russian forces did not capture Plekhovo, Ukraine's General Staff said.",
    "The Sudzha gas metering station stopped working.",
    "Residents of Plekhovo were evacuated on Friday.",
    "A missile attack on the town of Rylsk killed two people, the governor said.",
    "Russian forces captured the village of Pokrovka in Ukraine's Donetsk region, the Russian Defence Ministry said.",
])
def test_not_claims(text):
    claims, _ = run(text)
    assert claims == []


def test_region_is_not_the_city():
    claims, ex = run("Russian forces retook territory in the Kursk region, the Russian Defence Ministry said.")
    assert claims == [] and all(ex.places.get(m.place_id) is None or ex.places[m.place_id].name_en != "Kursk" for m in ex.mentions)


# --- who claims -----------------------------------------------------------------------------------------
def test_claimant_normalisation_table():
    for written in ("the Russian Defence Ministry", "Russia's Ministry of Defense", "Russian MoD"):
        assert normalise(written).name == "Russian Defense Ministry"
    assert normalise("Zelenskiy").name == "Volodymyr Zelensky"
    assert normalise("the Institute for the Study of War").side == "third_party"


def test_attribution_forms():
    assert one("According to the Russian Defence Ministry, Russian troops captured Plekhovo.")[2] == "Russian Defense Ministry"
    claim = one("Reuters, citing the Russian Defence Ministry, reported that Russian troops captured Plekhovo.")
    assert claim[2] == "Russian Defense Ministry" and claim[3] == "russia"
    claims, ex = run("Valery Gerasimov visited the front on Friday. He said Russian troops had taken Plekhovo.")
    assert claims[0][2].startswith("Valery Gerasimov")
    claims, _ = run("The Russian Defence Ministry released a statement. It said its troops had captured Plekhovo.")
    assert claims[0][2] == "Russian Defense Ministry"


def test_publisher_speaks_when_no_one_else_does():
    claim = one("Ukrainian troops captured the village of Plekhovo on Friday.", publisher="Kyiv Independent")
    assert claim[2] == "Kyiv Independent" and claim[3] == "ukraine" and claim[4] == "2025-03-07"


def test_coordinated_speakers_each_claim():
    claims, _ = run("Russian military bloggers and the Institute for the Study of War said fighting continued near Plekhovo.")
    assert {(c[2], c[3]) for c in claims} == {("Russian military bloggers", "russia"), ("ISW", "third_party")}


# --- dates ----------------------------------------------------------------------------------------------
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
    assert one(sentence)[4] == day


def test_dates_never_after_publication():
    # "December 20" in an article of March 2025 is last December, not next.
    assert one("Russian troops captured Plekhovo on December 20, the Russian Defence Ministry said.")[4] == "2024-12-20"


# --- names ----------------------------------------------------------------------------------------------
def test_ukrainian_and_garbled_spellings_resolve():
    assert one("Ukraine's General Staff said its troops still hold Hornal.")[0] == "Gornal"
    assert one("Russian troops captured Hoholivka, the Russian Defence Ministry said.")[0] == "Gogolevka"


def test_unknown_name_in_a_settlement_slot_is_kept():
    claims, ex = run("Russian troops captured the village of Zyxovka, the Russian Defence Ministry said.")
    assert claims == [("Zyxovka", "russia", "Russian Defense Ministry", "russia", "2025-03-08")]
    assert ex.places["unlocated:zyxovka"].precision == "unlocated"


def test_named_raion_places_an_unknown_name_at_area_precision():
    claims, ex = run("Russian troops captured the village of Zyxovka in the Sudzha district, the Russian Defence Ministry said.")
    place = ex.places["unlocated:zyxovka"]
    assert place.precision == "area" and place.raion == "Sudzhansky" and place.lat is not None


def test_common_word_needs_a_settlement_slot():
    claims, _ = run("Pravda reported that Russian troops captured nothing, Pravda said.")
    assert claims == []
    claim = one("Russian troops liberated the village of Pravda, the Russian Defence Ministry said.")
    assert claim[0] == "Pravda" and claim[1] == "russia"


def test_every_claim_records_cue_and_rule():
    _, ex = run("Russian troops captured the village of Plekhovo, the Russian Defence Ministry said.")
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
    claims, _ = run("“Our units have liberated Plekhovo. The enemy is retreating,” the Russian Defence Ministry said.")
    assert claims == [("Plekhovo", "russia", "Russian Defense Ministry", "russia", "2025-03-08")]


def test_it_as_subject_stands_for_the_place_of_the_previous_sentence():
    claims, _ = run("Plekhovo was the last village held by Ukrainian troops in the area. "
                    "By March 2, it had been retaken by Russian forces.")
    assert ("Plekhovo", "russia", "Test Wire", "third_party", "2025-03-02") in claims
    claims, _ = run("Plekhovo and Guyevo were shelled. It was retaken by Russian forces.")
    assert claims == []  # two places named: "it" is not resolved
