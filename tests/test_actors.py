"""Who inflicted a figure's outcome (``geo.events.actors``) and ACLED's event type of the event
(``geo.events.event_types``), one case per rule, through the whole extractor."""
from __future__ import annotations

import pytest

from geo.records import EVENT_TYPES, Article


@pytest.fixture(scope="module")
def extractor():
    from geo.pipeline import default_extractor

    return default_extractor()


def figures(extractor, text: str):
    return extractor.extract(Article(id="t", text=text, date="2020-10-01")).casualties


def first(extractor, text: str):
    found = figures(extractor, text)
    assert found, text
    return found[0]


@pytest.mark.parametrize("text,actor,actor_text", [
    # the subject of an active outcome verb
    ("Russian airstrikes killed 12 civilians in Idlib, activists said.", "russia",
     "Russian airstrikes"),
    # the attack the outcome happened in, with who made it
    ("Thirteen civilians were killed in Syrian regime missile attacks on Eastern Ghouta.", "syria",
     "Syrian regime missile attacks"),
    # the agent of a passive verb
    ("Two children were killed by Syrian regime bombs in a rebel-held area of Aleppo.", "syria",
     "Syrian regime bombs"),
    # the subject of the clause a bare participle hangs off
    ("The Syrian army clashed with the militants near Palmyra, killing 16 of them.", "syria",
     "Syrian army"),
    # the subject of the clause that says when
    ("Eight civilians were killed when Syrian warplanes struck the village of Daret Izza.",
     "syria", "Syrian warplanes"),
    # the victims of a later conjunct share the verb's subject
    ("US air strikes killed 50 militants and eight civilians in Raqqa.", "united-states",
     "US air strikes"),
    # a headline's attack parsed as a gerund
    ("Donetsk militiaman killed in shelling by Kiev forces - official", "ukraine",
     "shelling by Kiev forces"),
    # a pronoun subject is the reporter
    ("The Syrian army said it killed 20 militants near Palmyra.", "syria", "Syrian army"),
    # an attacker named by a common noun: text but no party
    ("Gunmen killed five civilians in Daraa on Monday.", None, "Gunmen"),
])
def test_actor(extractor, text, actor, actor_text):
    c = first(extractor, text)
    assert (c.actor, c.actor_text) == (actor, actor_text)


@pytest.mark.parametrize("text", [
    # the loser is the victims' side, not an actor
    "Ukraine lost three soldiers on Monday.",
    # a war, an attack or a place is no actor, whatever names precede it
    "Syria's civil war has killed at least 400,000 people.",
    "At least 22 people were killed in an attack on a wedding party in Hassakeh.",
    "Jet strikes hit the opposition-held cities, killing more than 40 people.",
    # a dateline run into the sentence is not part of the attacker
    "A car bomb killed 12 people in Azaz on Friday.",
    # "shelling of X": X is the target, not the attacker
    "Five people were killed in the shelling of the Donetsk People's Republic.",
    # an "as" clause that is no attack names no attacker
    "Two soldiers were killed as Ukraine warned of escalating violence in the east.",
])
def test_no_actor(extractor, text):
    c = first(extractor, text)
    assert c.actor is None
    assert c.actor_text is None or not c.actor_text.isupper()


def test_the_victims_side_follows_from_an_attacker_named_in_an_attack_clause(extractor):
    # a state's troops shelling: the militiamen are the one non-state side on its soil
    c = first(extractor, "Two militiamen killed as Kiev troops shell Donetsk")
    assert (c.actor, c.party) == ("ukraine", "pro-russian-separatists")


def test_rebels_listed_beside_a_states_soldiers_are_its_opponents(extractor):
    found = figures(extractor, "Five Ukrainian soldiers, two rebels killed in separatist east")
    assert [(c.count_best, c.party) for c in found] == [(5, "ukraine"),
                                                         (2, "pro-russian-separatists")]


def test_dateline_is_not_the_actor(extractor):
    c = first(extractor, "BEIRUT Russian air strikes on a market in Idlib killed at least 21 "
                         "civilians on Sunday.")
    assert c.actor == "russia" and not c.actor_text.startswith("BEIRUT")


@pytest.mark.parametrize("text,event_type", [
    ("A car bomb exploded in Azaz, killing 12 people.", "explosions"),
    ("Five civilians were killed in Russian shelling of Idlib.", "explosions"),
    ("Some 100 civilians were killed in a chemical attack on Khan Sheikhoun.", "explosions"),
    ("Security forces opened fire on protesters in Daraa, killing three.", "protests"),
    ("Three people were killed when rioters stormed the market in Homs.", "riots"),
    ("The group has executed at least 70 of its own members in Raqqa.",
     "violence_against_civilians"),
    ("Gunmen killed five civilians in Daraa on Monday.", "violence_against_civilians"),
    ("Thirty regime soldiers were killed in clashes with rebels around Aleppo.", "battles"),
    # the outcome's own means before the sentence's other cues
    ("Another 11 were killed in clashes after the bombings in Kobani.", "battles"),
    # an armed attacker and armed victims with no other cue: a battle
    ("Rebel fighters killed 15 soldiers near Hama on Tuesday.", "battles"),
    ("Five people were arrested by the police in Homs.", None),  # no figure kind of ours
    # riot police are no riot
    ("Two riot police officers were killed in an ambush near Lviv.", "battles"),
])
def test_event_type(extractor, text, event_type):
    found = figures(extractor, text)
    if event_type is None:
        assert all(c.event_type in (None, "strategic_developments") for c in found)
        return
    assert found, text
    assert found[0].event_type == event_type
    assert found[0].event_type in EVENT_TYPES


@pytest.mark.parametrize("text", [
    # no cue: the type stays unspecified rather than guessed
    "Five people were killed in Homs on Monday, a monitor said.",
    # a war's toll is no one event, whatever else its sentence says
    "The war, which began with the repression of demonstrations, has killed 280,000 people.",
    # displacement is no event ACLED codes
    "The fighting has displaced 11 million people.",
])
def test_event_type_unspecified(extractor, text):
    found = figures(extractor, text)
    assert found and found[0].event_type is None
