"""Rules for full-length war reporting (issue 12): made-up sentences in the shapes seen in wire
and state-media articles (comma-less text, inverted quotatives, attackers that give the
victims' side, dates carried to a figure, attackers that are no victims)."""
from __future__ import annotations

import re

import pytest

from geo.records import Place
from tests.events_support import casualties, claims

# (lat, lon, precision, country code) of the places the sentences below name
PLACES = {"Aleppo": (36.20, 37.16, "city", "SY"), "Homs": (34.73, 36.72, "city", "SY"),
          "Idlib": (35.93, 36.63, "city", "SY"), "Syria": (35.0, 38.0, "country", "SY"),
          "Donetsk": (48.02, 37.80, "city", "UA"), "Ukraine": (49.0, 31.4, "country", "UA")}


def placed(text):
    places = []
    for name, (lat, lon, precision, cc) in PLACES.items():
        for m in re.finditer(rf"\b{name}\b", text):
            places.append(Place(name, m.start(), m.end(), lat, lon, precision, cc))
    return sorted(places, key=lambda p: p.start)


def figures(text, date="2016-08-10"):
    return [(c.outcome, c.count_best, c.victim, c.party, c.reported_by, c.figure_kind)
            for c in casualties(text, date=date, places=placed(text))]


# --- who reports: comma-less and inverted source clauses ----------------------------------
@pytest.mark.parametrize("text,reporter", [
    # "told <outlet> reporter": the outlet's name may be tagged as an adjective
    ("Army units killed 15 terrorists near Aleppo during the last hours a field source told "
     "SANA reporter.", "field source"),
    # the parse ran the figure into the subject of the final speech verb
    ("Clashes erupted near Idlib claiming at least 10 killed and 15 injured Al-Manar "
     "correspondent reported.", "Al-Manar correspondent"),
    # an inverted subject after the speech verb speaks, not the quote's last noun
    ('"Ten people were killed in a car bomb attack in Homs" a district inhabited by the sect '
     "of President Bashar al-Assad said Talal al-Barazi.", "Talal al-Barazi"),
    # "told AFP by telephone": the way it was told closes the source clause
    ('"Twelve people were killed in Homs" and dozens more were wounded Shadi al-Jundi told '
     "AFP by telephone.", "Shadi al-Jundi"),
    # the figure run into the subject of "told"
    ("Two raids on the town of Idlib left another 30 injured Ahmed Mustafa told Anadolu "
     "Agency.", "Ahmed Mustafa"),
    # "citing ..." opens another clause after the speech verb
    ("A total of 24 terrorists were killed in Aleppo province on Sunday the army reported on "
     "Monday citing field commanders.", "army"),
    # "X quoted Y as saying": Y speaks; "Y was quoted by AFP as saying" too
    ("SANA reporter quoted a source at the Police Command as saying that two women were "
     "killed in Aleppo.", "source at the Police Command"),
    ('"Twenty-five fighters died in an explosion inside a mosque in Idlib" Ahmed Mustafa was '
     "quoted by AFP as saying.", "Ahmed Mustafa"),
    # a date before the source is no part of it
    ("Dozens of militants were killed in military operations near Aleppo on Friday FNA "
     "dispatches said.", "FNA dispatches"),
    # the counted victims before the speech verb are no speaker: the name after it is
    ("A barrage of air strikes near a hospital in Idlib killed at least 10 civilians said the "
     "Syrian Observatory for Human Rights.", "sohr"),
    # an unresolved pronoun speaks for the speaker of the clause above it
    ("The United States accused Damascus of that attack which it estimates killed 1429 "
     "people.", "united-states"),
])
def test_reporter_of_comma_less_source_clauses(text, reporter):
    assert {f[4] for f in figures(text)} == {reporter}


def test_a_claim_with_an_object_reports_nothing():
    """"has claimed 21 lives and wounded dozens": a toll, no speaker and no claim."""
    text = ("Cross-border fire from Syria has claimed 21 lives and wounded dozens of others in "
            "the border town of Kilis this year.")
    assert all(f[4] is None for f in figures(text))
    assert claims(text, date="2016-08-10") == []


# --- the victims' side from their attacker ------------------------------------------------
@pytest.mark.parametrize("text,party", [
    ("In Aleppo the opposition killed at least 20 army troops when they blew up a tunnel.",
     "syria"),
    ("Opposition forces killed a pilot they captured near Idlib.", "syria"),
    ("Two soldiers were killed by rebels near Donetsk in eastern Ukraine.", "ukraine"),
    # the state's forces kill the one non-state side on its soil
    ("Ukrainian troops killed five rebels near Donetsk, Ukraine.", "pro-russian-separatists"),
    # no attacker, nothing inferred from it
    ("Two civilians were killed near Aleppo.", None),
    # the attack the outcome happened in names the attacker
    ("Donetsk militiaman killed in Ukrainian attack", "dpr"),  # the republic his name gives
    ("Two militias killed in pro-Kiev troops' offensive", "pro-russian-separatists"),
    # a foreign air force's targets may be any group
    ("US air strikes killed 50 militants in northern Syria on Tuesday.", None),
])
def test_victims_side_from_attacker(text, party):
    assert [f[3] for f in figures(text)] == [party]


@pytest.mark.parametrize("text,party", [
    # rebel fighters killed in a non-state party's territory are that party's
    ("One militia killed in Donetsk Republic - spokesman", "dpr"),
    # not the enemy they fought
    ("Two rebels killed near Idlib in fighting with Nusra Front.", None),
    # a singular victim's modifiers that the parse gave to another noun
    ("Ukrainian military's attack kills DPR military serviceman - agency", "dpr"),
    # unnamed soldiers killed in a country are its own; an attack is no place
    ("Two soldiers killed in east Ukraine blast", "ukraine"),
    ("Four border guards killed in Russian helicopter attack - military", None),
    ("The Turkish military has saaid four of its soldiers have been killed and four others "
     "have been injured in an attack by the Daesh group in northern Syria.", None),
])
def test_victims_side_from_place_and_modifiers(text, party):
    assert [f[3] for f in figures(text)][:1] == [party]


def test_opposition_fighters_are_the_home_states_opposition():
    assert [f[3] for f in figures("In 24 hours of fighting near Aleppo at least 38 opposition "
                                  "fighters were killed.")] == ["syrian-opposition"]
    # no such party for Ukraine: nothing
    assert [f[3] for f in figures("Two opposition activists were wounded in Donetsk, "
                                  "Ukraine.")] == [None]


def test_a_common_word_names_no_city():
    """"Republic of Artsakh" is no party named after a US town ("Republic", Missouri)."""
    from geo.events.victims import nonstate_opponent
    from geo.parties import load_parties

    parties = load_parties()
    assert nonstate_opponent(parties, "united-states", "fighter") is None
    assert nonstate_opponent(parties, "ukraine", "rebel") == "pro-russian-separatists"


# --- comma-less lists: "X killed Y injured" -----------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Three people killed five injured in terrorist rocket attack in Aleppo.",
     [("killed", 3), ("wounded", 5)]),
    ("Child Killed 20 People Injured in Terrorist Attacks in Homs.",
     [("killed", 1), ("wounded", 20)]),
    ("At least 57 Civilians killed More than 150 Injured in attacks on Aleppo.",
     [("killed", 57), ("wounded", 150)]),
    # an adjective before its noun stays the victims' description
    ("Gunmen killed five wounded soldiers in a hospital in Homs.", [("killed", 5)]),
])
def test_comma_less_outcome_lists(text, expected):
    assert [(f[0], f[1]) for f in figures(text)] == expected


# --- the attackers of an active outcome verb are no victims -------------------------------
def test_counted_attackers_are_no_victims():
    text = "On Wednesday three suicide bombers killed at least two people in Homs."
    assert [(f[0], f[1]) for f in figures(text)] == [("killed", 2)]
    # a passive verb's counted subject is its victims
    assert [(f[0], f[1]) for f in figures("Three soldiers were killed in Homs.")] == [
        ("killed", 3)]


def test_police_officers_are_officials():
    assert [f[2] for f in figures("Gunmen killed three police officers in Homs.")] == [
        "official"]


# --- dates that reach a figure from outside its clause ------------------------------------
@pytest.mark.parametrize("text,kind", [
    # the verb the count hangs from ("along with 119") dates it
    ("Reporters Without Borders counted 66 journalists killed in 2014 along with 119 were "
     "kidnapped.", {"historical"}),
    # a "when" clause after a date: "on June 19 when six were killed" (article of August)
    ("The district has been targeted more than once before including on June 19 when at "
     "least six people were killed in a car bomb attack.", {"historical"}),
    ("On Monday, when five soldiers were killed near Idlib, the army retreated.",
     {"incident"}),
])
def test_dates_carried_to_a_figure(text, kind):
    assert {f[5] for f in figures(text)} == kind


def test_the_wire_description_of_the_observatory_names_it():
    """"the Britain-based monitor" is the wire services' name for SOHR, even in an article
    that does not spell it out."""
    text = ("At least 11 civilians were killed in air raids on the Al-Boulil region the "
            "Britain-based monitor said.")
    assert [f[4] for f in figures(text)] == ["sohr"]
