"""The clause rules of the claims stage, each on sentences written for these tests (not from any corpus):
speakers found by structure, sides read from what the text says, actors, lists, negation, dates."""
from __future__ import annotations

import pytest

from geo.places.gazetteer import load
from geo.pipeline import extract
from geo.records import Article


def run(text: str, publisher: str = "Test Wire", published: str | None = "2025-03-08"):
    """Claims as (settlement, status, claimant, side, date)."""
    art = Article(stem="t", path="t.txt", text=text, publisher=publisher, published=published)
    ex = extract([art], load())
    return [(ex.places[c.place_id].name_en, c.status, c.claimant, c.claimant_side, c.date) for c in ex.claims]


def by_place(text: str, **kw) -> dict[str, tuple]:
    return {c[0]: c[1:] for c in run(text, **kw)}


# --- speakers the table does not know -------------------------------------------------------------------
def test_a_governor_of_a_ukrainian_oblast_speaks_for_ukraine():
    got = by_place("Sumy Governor Ivan Petrenko said in a post on Facebook late Monday that the villages of "
                   "Basivka and Yunakivka had been captured by Russian troops.", publisher="Some Wire")
    assert got["Basivka"][0] == "russia" and got["Basivka"][2] == "ukraine"
    assert got["Yunakivka"][:1] == ("russia",) and got["Yunakivka"][1].startswith("Sumy Governor")


def test_a_governor_of_a_russian_region_speaks_for_russia():
    got = by_place("The acting governor of the Kursk region, Pavel Orlov, said fighting continued near Guyevo.")
    assert got["Guyevo"][0] == "contested" and got["Guyevo"][2] == "russia"


def test_a_nationality_gives_the_side():
    claim = by_place("Estonian analyst Mart Kask wrote that Russian forces had entered Plekhovo.")["Plekhovo"]
    assert claim[0] == "contested" and claim[2] == "third_party"


def test_a_speaker_the_text_says_nothing_about_is_unknown():
    claim = by_place("Blogger Petro Ivanenko wrote that Ukrainian troops had left Plekhovo.")["Plekhovo"]
    assert claim[0] == "russia" and claim[2] == "unknown"


def test_a_surname_is_the_person_introduced_earlier():
    got = run("Sumy Governor Ivan Petrenko visited the border on Friday. Petrenko said Russian troops had seized Basivka.")
    assert [(c[1], c[3]) for c in got if c[0] == "Basivka"] == [("russia", "ukraine")]


def test_according_to_at_the_end_covers_what_came_before():
    claim = by_place("Fighting continues near Gornal, according to the General Staff of the Armed Forces of Ukraine.")["Gornal"]
    assert claim[:3] == ("contested", "General Staff of the Armed Forces of Ukraine", "ukraine")


def test_a_trailing_speaker_with_more_after_its_verb():
    claim = by_place("“Units of the Northern group have liberated Plekhovo,” the Russian Defence Ministry said in a "
                     "statement published on Telegram.")["Plekhovo"]
    assert claim[:2] == ("russia", "Russian Defense Ministry")
    claim = by_place("Ukrainian troops took Guyevo, President Volodymyr Zelensky said Thursday, in what would be "
                     "a new gain.")["Guyevo"]
    assert claim[:3] == ("ukraine", "Volodymyr Zelensky", "ukraine") and claim[3] == "2025-03-06"


def test_an_appositive_between_speaker_and_verb():
    claim = by_place("Ukrainian units withdrew from Plekhovo, DeepState, a monitoring project close to Ukraine's "
                     "army, reported on Tuesday.")["Plekhovo"]
    assert claim[:3] == ("russia", "DeepState", "ukraine")


def test_the_owner_of_footage_or_a_map_is_the_claimant():
    claim = by_place("Russian Defence Ministry footage, set to loud music, shows their recapture of Guyevo.")["Guyevo"]
    assert claim[:3] == ("russia", "Russian Defense Ministry", "russia")


def test_an_institution_named_without_a_country_is_the_articles():
    got = run("Russia said on Thursday its forces had retaken Guyevo. “Units liberated Gornal,” the Defence Ministry said.")
    assert ("Gornal", "russia", "Russian Defense Ministry", "russia", "2025-03-06") in got


def test_x_claimed_control_of_y_is_xs_claim():
    claim = by_place("The Russian Defence Ministry had earlier claimed control of Gornal on March 6.",
                     publisher="Kyiv Post")["Gornal"]
    assert claim == ("russia", "Russian Defense Ministry", "russia", "2025-03-06")


def test_unnamed_reports_speak_for_the_outlet_and_experts_are_independent():
    assert by_place("Reports said Ukrainian troops had entered Plekhovo.", publisher="Kyiv Independent")["Plekhovo"][2] == "ukraine"
    assert by_place("Military experts said Ukrainian forces had seized Guyevo.", publisher="Reuters")["Guyevo"][2] == "third_party"


def test_the_author_speaking_as_i_is_the_outlet():
    assert by_place("As I wrote last time, Russian troops hold Gornal.", publisher="Kyiv Post")["Gornal"][1] == "Kyiv Post"


# --- across sentences -----------------------------------------------------------------------------------
def test_this_was_reported_by_names_the_speaker_of_the_sentence_before():
    claim = by_place("Ukrainian soldiers abandoned Plekhovo after heavy shelling.\nSDA\n"
                     "This was reported by the Russian state news agency TASS, citing military sources.")["Plekhovo"]
    assert claim[0] == "russia" and claim[2] == "russia"


def test_pronouns_and_generic_nouns_carry_the_speaker():
    got = run("Sumy Governor Ivan Petrenko spoke on Monday. He also said that clashes continue near Basivka.")
    assert ("Basivka", "contested") == got[0][:2] and got[0][3] == "ukraine"
    got = run("The Institute for the Study of War published its assessment. The think tank said Russian forces had "
              "captured Plekhovo.")
    assert got[0][:4] == ("Plekhovo", "russia", "ISW", "third_party")


def test_it_is_noted_and_reportedly_carry_the_last_speaker():
    got = run("Russia's counteroffensive has begun, said Finnish analyst Mart Kask. It is noted that fighting goes on "
              "in Snagost.")
    assert got[0][:2] == ("Snagost", "contested") and got[0][3] == "third_party"
    got = run("Russian military bloggers described the battle. Russian units have reportedly taken Guyevo.",
              publisher="Test Wire")
    assert got[0][3] == "russia"


def test_a_claim_called_false_is_its_makers_and_the_opposite_is_the_deniers():
    got = run("The Russian Defence Ministry said its forces had captured Yunakivka. These claims were denied by a "
              "spokesman for Ukraine's State Border Guard Service.")
    assert {(c[1], c[3]) for c in got if c[0] == "Yunakivka"} == {("russia", "russia"), ("ukraine", "ukraine")}
    got = run("Reports about the alleged capture of Yunakivka by Russian troops, spread by Russian propaganda "
              "channels, are not true.", publisher="Kyiv Independent")
    assert {(c[1], c[3]) for c in got} == {("russia", "russia"), ("ukraine", "ukraine")}


def test_a_report_announced_in_one_sentence_is_given_in_the_next():
    got = run("DeepState published updated data on the border area. About 40 square kilometres are under the "
              "control of Russian troops.\n\nThese are such settlements as Basivka and Yunakivka.",
              publisher="Some Portal")
    assert {(c[0], c[1], c[3]) for c in got} == {("Basivka", "russia", "ukraine"), ("Yunakivka", "russia", "ukraine")}


def test_the_village_stands_for_the_place_named_before_it():
    got = run("Clashes went on in Guyevo, but DeepState said later that the village had been captured by Russian forces.")
    assert ("Guyevo", "russia", "DeepState", "ukraine", "2025-03-08") in got


# --- who acts -------------------------------------------------------------------------------------------
def test_a_side_that_qualifies_an_attack_is_the_attacker():
    got = by_place("The battlegroup repelled four enemy counterattacks near Plekhovo and Guyevo, as well as thwarted "
                   "an attempt to break through near Gornal, the Russian Defence Ministry said.")
    assert {k: v[0] for k, v in got.items()} == {"Plekhovo": "russia", "Guyevo": "russia", "Gornal": "russia"}
    assert by_place("Russian forces stopped attempts to attack the settlements of Plekhovo and Guyevo, the ministry "
                    "said.")["Guyevo"][0] == "russia"


def test_the_passive_agent_acts():
    got = by_place("Basivka and Yunakivka were captured by Russian troops, the General Staff of the Armed Forces of "
                   "Ukraine said.")
    assert got["Basivka"][0] == got["Yunakivka"][0] == "russia"


def test_a_participle_phrase_takes_the_main_clauses_subject():
    claim = by_place("After capturing Guyevo, Russian troops began pushing Ukrainian units towards the border.",
                     publisher="Kyiv Post")["Guyevo"]
    assert claim[0] == "russia"


def test_taking_positions_near_a_place_is_fighting_around_it():
    assert by_place("Ukrainian units retreated from positions near Plekhovo, the Russian Defence Ministry said.")["Plekhovo"][0] == "contested"


def test_part_of_governs_only_the_name_after_it():
    got = by_place("Russian troops control the area. These are such settlements as Basivka, part of Yunakivka, "
                   "as well as Snagost.", publisher="Some Portal")
    assert got["Yunakivka"][0] == "contested" and got["Basivka"][0] == got["Snagost"][0] == "russia"


# --- cues of control maps, flags, negation ----------------------------------------------------------------
@pytest.mark.parametrize("text,place,status", [
    ("DeepState marked Basivka as occupied on Sunday.", "Basivka", "russia"),
    ("The DeepState map shows Guyevo under Russian control.", "Guyevo", "russia"),
    ("The map shows Plekhovo in the grey zone, DeepState said.", "Plekhovo", "contested"),
    ("Guyevo fell to Russian troops on Friday, the Russian Defence Ministry said.", "Guyevo", "russia"),
    ("Ukrainian soldiers raised the Ukrainian flag over Plekhovo.", "Plekhovo", "ukraine"),
    ("Russian forces are clearing Guyevo, the ministry said.", "Guyevo", "contested"),
    ("Ukrainian troops remain in Guyevo, DeepState said.", "Guyevo", "ukraine"),
    ("Russian forces did not capture Plekhovo, Ukraine's General Staff said.", "Plekhovo", "ukraine"),
    ("Plekhovo has not been captured, Ukraine's General Staff said.", "Plekhovo", "ukraine"),
    ("Sudzha is not under the control of Ukrainian troops, the town's mayor said.", "Sudzha", "russia"),
    ("It is said that Ukrainian troops have not gained control of all of Plekhovo.", "Plekhovo", "contested"),
])
def test_map_flag_and_negation_cues(text, place, status):
    assert by_place(text)[place][0] == status


def test_claims_to_have_taken_are_the_claimants():
    claim = by_place("Russia claims to have captured Plekhovo.", publisher="Kyiv Post")["Plekhovo"]
    assert claim[:3] == ("russia", "Russia", "russia")
    claim = by_place("ISW did not confirm Russian claims that its forces had captured Gornal.")["Gornal"]
    assert claim[0] == "russia" and claim[2] == "russia"


# --- lists ----------------------------------------------------------------------------------------------
def test_a_counted_list_after_a_colon_inherits_the_capture():
    got = by_place("Units of the Sever group liberated three settlements during the offensive: Plekhovo, Guyevo "
                   "and Gornal, the Russian Defence Ministry said.")
    assert {k: v[:2] for k, v in got.items()} == {p: ("russia", "Russian Defense Ministry") for p in ("Plekhovo", "Guyevo", "Gornal")}


def test_a_list_in_the_next_sentence_inherits_the_count_and_its_speaker():
    got = run("Russian troops liberated three more settlements, the Russian Defence Ministry said. They include "
              "Plekhovo, Guyevo and Gornal.")
    assert {(c[0], c[1], c[2]) for c in got} == {(p, "russia", "Russian Defense Ministry") for p in ("Plekhovo", "Guyevo", "Gornal")}


def test_neighbouring_joins_a_list():
    got = by_place("Moscow had cleared Plekhovo and neighbouring Guyevo, the channel reported.")
    assert set(got) == {"Plekhovo", "Guyevo"} and got["Guyevo"][0] == "russia"


def test_a_relative_clause_after_a_reference_point_is_about_it():
    got = by_place("Russian troops took Guyevo, west of the town of Sudzha, which Moscow claimed back control of "
                   "earlier in March.")
    assert got["Sudzha"][:3] == ("russia", "Moscow", "russia") and got["Sudzha"][3] is None


def test_an_appositive_descriptor_is_the_outlets():
    got = by_place("Drones hit a bridge north of Sudzha, the town that had been captured by Ukrainian forces in "
                   "August.", publisher="Reuters")
    assert got["Sudzha"] == ("ukraine", "Reuters", "third_party", None)


# --- not claims -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "The strike has cut off the border villages of Plekhovo and Guyevo from supplies, Russian bloggers said.",
    "Drone attacks were recorded near Plekhovo and Guyevo, the governor said.",
    "Residents were taken to Sudzha by bus, Russian officials said.",
    "Shelling killed two civilians near Plekhovo, the Russian Defence Ministry said.",
    "The Russian claim of holding the square was not confirmed.",
])
def test_not_claims(text):
    assert run(text) == []


# --- dates ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence,day", [
    ("Over the past 24 hours, Russian units repelled attacks near Plekhovo, the ministry said.", "2025-03-08"),
    ("Russian troops captured Plekhovo earlier this week, the ministry said.", None),
    ("Units liberated Plekhovo during the offensive, the Russian Defence Ministry said.", "2025-03-08"),
    ("Russian troops took Plekhovo late Monday, the Russian Defence Ministry said.", "2025-03-03"),
])
def test_day_words(sentence, day):
    got = run(sentence)
    assert got and got[0][4] == day


def test_the_following_day_and_that_day_follow_the_last_date_named():
    got = run("On March 2, Russian units entered Plekhovo, ISW said. The following day, Russian forces took Guyevo, "
              "ISW said. The think tank's update that day also said Ukrainian forces had left Gornal.")
    days = {c[0]: c[4] for c in got}
    assert days == {"Plekhovo": "2025-03-02", "Guyevo": "2025-03-03", "Gornal": "2025-03-03"}


def test_the_lead_day_dates_a_statement_quoted_later():
    got = run("Russia said on Thursday its forces had made gains in the Kursk region.\n\n"
              "“Units of the Sever group liberated Guyevo,” the Defence Ministry said.")
    assert got[0][4] == "2025-03-06"


def test_a_yearless_date_takes_the_year_of_a_nearby_full_date_when_there_is_no_publication_date():
    got = run("As of December 10, 2024, the front had barely moved. On December 7, an ISW map showed Russian troops "
              "had captured Guyevo.", published=None)
    assert got[0][4] == "2024-12-07"


def test_a_list_after_a_dash_inherits_the_counted_capture():
    got = by_place("Russian forces liberated three settlements — Plekhovo, Guyevo and Gornal, the Russian Defence "
                   "Ministry said.")
    assert {k: v[0] for k, v in got.items()} == {"Plekhovo": "russia", "Guyevo": "russia", "Gornal": "russia"}


def test_an_unverified_claim_stands_as_its_makers():
    got = run("Russian troops captured Plekhovo, the Russian Defence Ministry said. Reuters could not independently "
              "verify the claim.", publisher="Reuters")
    assert got == [("Plekhovo", "russia", "Russian Defense Ministry", "russia", "2025-03-08")]


def test_assessments_and_footage_are_the_analysts_claims():
    assert by_place("ISW assessed that Russian forces likely seized Guyevo.")["Guyevo"][:3] == ("russia", "ISW", "third_party")
    claim = by_place("Geolocated footage published on March 3 indicates that Russian forces advanced into Plekhovo, "
                     "ISW said.")["Plekhovo"]
    assert claim == ("contested", "ISW", "third_party", "2025-03-03")


def test_a_bare_ministry_reports_its_own_sides_forces():
    claim = by_place("Russian forces took Guyevo overnight, the ministry said.")["Guyevo"]
    assert claim[:3] == ("russia", "Russian Defense Ministry", "russia") and claim[3] == "2025-03-07"


def test_a_capitalised_verb_inside_a_name_is_not_speech():
    claim = by_place("Russian forces entered Guyevo, according to reports from the Ukrainian military-analytical "
                     "portal Deep State.")["Guyevo"]
    assert claim[:3] == ("contested", "DeepState", "ukraine")


def test_a_past_framed_clause_stays_undated_beside_that_day():
    got = run("On March 2, Russian units entered Plekhovo, ISW said. The think tank's update that day also said "
              "Ukrainian forces had left Gornal, near Sudzha, the town Ukraine captured soon after its incursion.")
    days = {c[0]: c[4] for c in got}
    assert days["Gornal"] == "2025-03-02" and days["Sudzha"] is None


def test_a_place_near_another_locates_it():
    got = by_place("Russian troops captured Guyevo, near Sudzha, the ministry said.")
    assert set(got) == {"Guyevo"}
    got = by_place("Russian forces are attacking south of Sudzha near Plekhovo and Guyevo, ISW said.")
    assert {k: v[0] for k, v in got.items()} == {"Plekhovo": "contested", "Guyevo": "contested"}


def test_sentence_ends_after_abbreviations_initials_and_marks() -> None:
    from geo.claims.sentences import split

    text = ("Gen. Valery V. Gerasimov spoke on Monday. The U.S. said nothing!? Troops left Sudzha... "
            "Then they came back. Approx. 12 km away, fighting went on.")
    assert [s.text for s in split(text)] == [
        "Gen. Valery V. Gerasimov spoke on Monday.", "The U.S. said nothing!?", "Troops left Sudzha...",
        "Then they came back.", "Approx. 12 km away, fighting went on."]


def test_last_word_reads_as_the_regex_it_replaces() -> None:
    import random
    import re

    from geo.claims.sentences import _last_word

    rx = re.compile(r"([\w.]+)[.!?…]*$")
    r = random.Random(5)
    for _ in range(20000):
        t = "".join(r.choice("ab.!?… xY1_,é") for _ in range(r.randint(0, 12)))
        m = rx.search(t)
        assert _last_word(t, 0, len(t)) == (m.group(1) if m else None), t
