"""Claims: reported speech by parties, with stance, claimant, target and content."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.events import extract_events
from geo.parties import load_parties
from tests.events_support import claims, nlp, seed_article

FIXTURES = Path(__file__).parent / "fixtures"


def one(text):
    found = claims(text)
    assert len(found) == 1, found
    c = found[0]
    return c.claimant, c.stance, c.target


@pytest.mark.parametrize("text,expected", [
    # statements, with capitals and ministries as metonyms
    ("Moscow said the talks would resume next week.", ("russia", "statement", None)),
    ("Ukraine says one soldier killed, three wounded in Donbas", ("ukraine", "statement", None)),
    # a relayed event is a claim (the gold's convention), a plan or a feeling a statement
    ("Russia's Foreign Ministry said Kyiv had violated the truce.",
     ("russia", "claim", "ukraine")),
    # claims
    ("Armenia claimed that a Turkish F-16 jet shot down an Armenian warplane.",
     ("armenia", "claim", "turkey")),
    ("Baku alleges that Armenian forces shelled Ganja overnight.",
     ("azerbaijan", "claim", "armenia")),
    # denials
    ("The Kremlin denied that Russian troops were in eastern Ukraine.",
     ("russia", "denial", None)),
    # accusations
    ("Ukraine accused Russia of sending tanks across the border.",
     ("ukraine", "accusation", "russia")),
    ("EU blames Russia for death of 5 in eastern Ukraine", ("eu", "accusation", "russia")),
    ("Kiev accuses Ukraine rebels of shelling", ("ukraine", "accusation", None)),
    # demands
    ("The president of Azerbaijan demands that Armenia withdraw from the region.",
     ("azerbaijan", "demand", "armenia")),
    # calls
    ("Biden urges Ukraine gov't to show restraint", ("united-states", "call", "ukraine")),
    ("NATO called on Russia to pull back its forces.", ("nato", "call", "russia")),
    ("The UN called for an immediate ceasefire.", ("un", "call", None)),
])
def test_stances(text, expected):
    assert one(text) == expected


def test_denial_of_it_targets_the_previous_claimant():
    found = claims("Armenia claimed that a Turkish jet shot down its plane. Turkey has denied it.")
    assert [(c.claimant, c.stance, c.target) for c in found] == [
        ("armenia", "claim", "turkey"), ("turkey", "denial", "armenia")]


def test_quote_then_speaker():
    c, = claims("“We will not allow this,” a statement from Moscow said on Wednesday.")
    assert (c.claimant, c.stance) == ("russia", "statement")
    assert "We will not allow this" in c.text
    assert c.date == "2020-09-30"


def test_anger_is_an_accusation():
    assert one("Armenia is furious at Turkey's involvement in the conflict.") == \
        ("armenia", "accusation", "turkey")


@pytest.mark.parametrize("text", [
    "The Nagorno-Karabakh enclave is internationally recognized as part of Azerbaijan.",
    "Intense fighting continued on Wednesday, writes the AP news agency.",
    "Analysts say the conflict could spread.",
    "The OSCE has tried to mediate the conflict for decades.",
    "Russia has military bases in Armenia.",
])
def test_background_sentences_are_no_claims(text):
    assert claims(text) == []


def test_negated_speech_is_no_statement():
    assert claims("Moscow did not say when the talks would resume.") == []


def test_one_claim_per_speaker_per_sentence_with_the_stronger_stance():
    c, = claims("Armenia is furious at Turkey's involvement, saying that Ankara's actions "
                "prevent attempts to end the hostility.")
    assert (c.claimant, c.stance, c.target) == ("armenia", "accusation", "turkey")


def test_claim_span_and_text():
    text = "Russia claims that rebels from Syria were sent to fight alongside Azerbaijani forces."
    c, = claims(text)
    assert text[c.start:c.end].startswith("Russia claims that rebels from Syria")
    assert c.text.startswith("that rebels from Syria")
    assert c.sentence == text and c.sentence_start == 0
    assert c.target == "syria"


# --- a line break ends a sentence ---------------------------------------------------------
def test_claim_on_the_line_after_a_title():
    found = claims("Five civilians were killed in Horlivka\nRussia accused Ukraine of the "
                   "shelling on Monday.")
    assert [(c.claimant, c.stance, c.target, c.sentence) for c in found] == [
        ("russia", "accusation", "ukraine", "Russia accused Ukraine of the shelling on Monday.")]


def test_title_claim_takes_no_target_from_the_next_paragraph():
    found = claims("Ukraine says 14 soldiers killed in Donbas\n\nThe Kremlin denied that "
                   "Russian troops were involved.")
    assert [(c.claimant, c.stance, c.target) for c in found] == [
        ("ukraine", "claim", None), ("russia", "denial", None)]
    assert found[0].sentence == "Ukraine says 14 soldiers killed in Donbas"


# --- the seed against its gold -------------------------------------------------------------
def test_seed_claims_match_gold():
    gold = json.loads((FIXTURES / "000_6b9e2fcaa4d74d82.gold.json").read_text("utf-8"))
    parties = load_parties()
    text = (FIXTURES / "000_6b9e2fcaa4d74d82.txt").read_text(encoding="utf-8")
    _, found = extract_events(nlp()(text), seed_article(text), [], parties=parties)

    def ids(names):
        return {parties.match(n) if n else None for n in names}

    required = [g for g in gold["claims"] if not g.get("optional")]
    matched = [g for g in required if any(
        c.claimant in ids(g["claimant_any_of"]) and c.stance in g["stance_any_of"]
        and c.target in ids(g["target_any_of"]) for c in found)]
    assert len(matched) >= 5, [g["quote"] for g in required if g not in matched]
    assert len(matched) == 6
    # the reporter's background is no claim
    assert not any("internationally recognized" in c.sentence for c in found)
    assert not any(text[c.start:c.end].startswith("[ad_") for c in found)


# --- the target from the predicate's grammar, not the first party named -------------------
@pytest.mark.parametrize("text,expected", [
    # accusations: the accused / blamed object, not the occasion before the predicate
    ("After talks in Ankara with Turkey's foreign minister, Lavrov accused Kyiv of sabotaging "
     "the peace deal.", ("russia", "accusation", "ukraine")),
    ("Moscow blamed Kyiv for the shelling of Donetsk.", ("russia", "accusation", "ukraine")),
    ("The DPR accused Ukrainian forces of violating the ceasefire.",
     ("dpr", "accusation", "ukraine")),
    ("Ukraine blamed the shelling on Russian-backed separatists.",
     ("ukraine", "accusation", "pro-russian-separatists")),
    ("Russia condemned the United States' decision to send weapons to Ukraine.",
     ("russia", "accusation", "united-states")),
    # denials: whose claim is denied
    ("Ukraine denied Russia's claims that its troops had shelled Horlivka.",
     ("ukraine", "denial", "russia")),
    ("Kiev rejected accusations by Moscow that it had shelled a kindergarten.",
     ("ukraine", "denial", "russia")),
    ("Turkey rejected Armenian allegations that its jets were involved.",
     ("turkey", "denial", "armenia")),
    ("Russia denies Ukraine shelling claims", ("russia", "denial", "ukraine")),
    # calls and demands: the one urged / called on / told to act
    ("Speaking alongside Merkel in Berlin, Poroshenko urged Russia to withdraw its troops.",
     ("ukraine", "call", "russia")),
    ("The EU called on Moscow to use its influence on the separatists.",
     ("eu", "call", "russia")),
    ("Zelensky demanded that Russia return the Ukrainian sailors.",
     ("ukraine", "demand", "russia")),
    # statements and claims: the subject of the reported clause
    ("In a phone call with Macron, Putin said Kyiv must stop shelling Donbas.",
     ("russia", "statement", "ukraine")),
    ("Russia claims that rebels from Syria and Libya were sent to Nagorno-Karabakh to fight "
     "alongside Azerbaijani forces.", ("russia", "claim", "syria")),
])
def test_target_by_grammatical_role(text, expected):
    assert one(text) == expected


@pytest.mark.parametrize("text", [
    "Two Ukrainian soldiers reported killed in Donbas",
    "One Ukraine soldier reported wounded in Donbas",
])
def test_victims_reported_killed_make_no_claim(text):
    assert claims(text) == []


# --- claimants that are no party: an outlet, an institution, a person by name or role --------
@pytest.mark.parametrize("text,claimant", [
    ("Activists said government warplanes bombed the town overnight.", "Activists"),
    ("A military source told the agency that army units destroyed two vehicles.",
     "military source"),
    ("Local officials said hospitals in the city had been swamped with casualties.",
     "Local officials"),
])
def test_actors_that_are_no_party_claim(text, claimant):
    c, = claims(text)
    assert (c.claimant, c.stance) == (claimant, "claim")


def test_commentators_and_authors_claim_nothing():
    assert claims("Experts said the war had entered a new phase.") == []
    assert claims("Heavy fighting raged on Monday, writes the AP news agency.") == []


# --- a relayed event is a claim, a plan or a feeling a statement --------------------------------
@pytest.mark.parametrize("text,stance", [
    ("The Observatory said 22 civilians were killed in air strikes.", "claim"),
    ("Five civilians were killed in shelling, the Observatory said.", "claim"),
    ("Activists reported heavy air raids on the town.", "claim"),
    ("Moscow said the talks would resume next week.", "statement"),
    ("The Observatory said it was unclear who carried out the strike.", "statement"),
    ("Russia announced the withdrawal of its forces.", "statement"),
])
def test_relayed_fact_is_a_claim(text, stance):
    c, = claims(text)
    assert c.stance == stance


@pytest.mark.parametrize("text", [
    "No group has claimed responsibility for the attack so far.",
    "Reporting by Ghossoun /M. al-Frieh/H. Said",
])
def test_nobody_and_bylines_claim_nothing(text):
    assert claims(text) == []


def test_title_case_headline_still_speaks():
    c, = claims("Russia Says Ukrainian Forces Shelled Donetsk Overnight")
    assert c.claimant == "russia"


# --- sources at the end of the sentence, commas lost; "according to" ------------------------
@pytest.mark.parametrize("text,expected", [
    ("Russian air strikes had killed at least 14 civilians as they were crossing the river "
     "the Syrian Observatory for Human Rights said on Friday.", ("sohr", "claim", "russia")),
    ("Syrian government forces have taken control of villages in southern Syria state media said "
     "on Saturday.", ("state media", "claim", "syria")),
    ("According to the Syrian Observatory for Human Rights, Russian air strikes killed 14 "
     "civilians.", ("sohr", "claim", "russia")),
])
def test_trailing_and_according_to_sources_claim(text, expected):
    assert one(text) == expected


def test_the_group_said_points_back_to_the_group_named_before():
    found = claims("The Islamic State group claimed the attack in a statement. The group said "
                   "three of its fighters were involved in the attack.")
    assert [c.claimant for c in found] == ["isis", "isis"]
    found = claims("A military source said army units destroyed two vehicles. The source added "
                   "that the army established control over the town.")
    assert [c.claimant for c in found] == ["military source", "military source"]


@pytest.mark.parametrize("text", [
    "Hammoud pointed out that the centre came under intense airstrikes by Russian forces.",
    "Carter noted that the coalition has killed key Daesh ministers.",
])
def test_noting_and_pointing_out_relay_a_claim(text):
    c, = claims(text)
    assert c.stance == "claim"


def test_the_object_of_a_dismissal_is_no_source():
    found = claims("Russia has not acknowledged any civilian deaths from its strikes since it "
                   "intervened in Syrias war in 2015 and dismisses the observatorys reporting "
                   "as biased.")
    assert not any("observator" in (c.claimant or "").lower() for c in found)


def test_a_claimant_is_words_never_markup():
    found = claims('Officials in </script><script>alert("XSS")</script> said five people were '
                   'killed.')
    assert not any("<" in (c.claimant or "") for c in found)
