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
    ("Russia's Foreign Ministry said Kyiv had violated the truce.",
     ("russia", "statement", "ukraine")),
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
        ("ukraine", "statement", None), ("russia", "denial", None)]
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
