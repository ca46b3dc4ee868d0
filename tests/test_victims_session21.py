"""Victims' category and party (session 21): unnamed victims of an attack on where civilians
are count as civilians; a fighters' alias names one of them and its other number."""
from __future__ import annotations

import pytest

from geo.parties import alias_variants, load_parties
from geo.records import Article


@pytest.fixture(scope="module")
def extractor():
    from geo.pipeline import default_extractor

    return default_extractor()


def killed(extractor, text: str):
    found = [c for c in extractor.extract(Article(id="t", text=text, date="2015-02-01"))
             .casualties if c.outcome in ("killed", "wounded")]
    assert found, text
    return found[0]


@pytest.mark.parametrize("text", [
    # a civilian object hit
    "Shell hits bus station in Donetsk, at least one killed.",
    "Passenger bus hits landmine in east Ukraine, four dead: officials.",
    "One dead as hospital hit in central Donetsk shelling.",
    "Ukrainian military fire on bus at checkpoint, killing one.",
    # an inhabited place as the target of shelling or strikes
    "Shelling of east Ukrainian city of Donetsk kills at least one.",
    "Poroshenko says 16 killed in shelling of government-controlled town.",
    "Ukraine's Gorlovka shelling kills one, wounds four.",
    # civilians as the target
    "Troops opened fire on demonstrators, killing 12.",
    # a civilian noun the parse left as an adjective after the count
    "Kiev's military are shelling Gorlovka, one civilian killed - mayor.",
    # prisoners of a jail hit
    "One convict killed, 106 flee as shells hit east Ukraine jail.",
])
def test_unnamed_victims_of_civilian_targets(extractor, text):
    assert killed(extractor, text).victim == "civilian"


@pytest.mark.parametrize("text", [
    # a country or a whole land shelled, a fighters' place, a ground attack: not said
    "3 killed in eastern Ukraine shelling.",
    "Four killed in Ukrainian shelling of Donetsk republic over past week.",
    "Two killed in shelling of Donetsk airport.",
    "Air strikes on rebel positions near Aleppo kill 12.",
    "At least one killed as Kiev troops launch attack on Slavyansk.",
    "Gunmen attack police station, two killed.",
    "Five dead in fighting near Donetsk.",
])
def test_unnamed_victims_not_made_civilian(extractor, text):
    assert killed(extractor, text).victim != "civilian"


def test_named_victims_keep_their_noun(extractor):
    c = killed(extractor, "Two militias killed as Kiev troops shell motor ambulance in DPR.")
    assert c.victim == "military"


@pytest.mark.parametrize("alias,expected", [
    ("Donetsk militia", {"Donetsk militiaman", "Donetsk militiamen", "Donetsk militia members"}),
    ("Luhansk rebels", {"Luhansk rebel"}),
    ("pro-Russian separatist", {"pro-Russian separatists"}),
])
def test_alias_variants(alias, expected):
    assert expected <= set(alias_variants(alias))
    assert alias_variants(alias)[0] == alias


@pytest.mark.parametrize("alias", ["=US", "~monitor", "DPR", "Ukrainian army"])
def test_alias_variants_left_alone(alias):
    assert alias_variants(alias) == [alias]


@pytest.mark.parametrize("phrase,party", [
    ("Donetsk militiaman", "dpr"), ("two DPR militiamen", "dpr"), ("a Luhansk rebel", "lpr"),
    ("Lugansk militiamen", "lpr"), ("pro-Russia rebels", "pro-russian-separatists"),
    ("pro-Russian militiamen", "pro-russian-separatists"),
])
def test_fighters_named_one_by_one(phrase, party):
    assert load_parties().match(phrase) == party


def test_militiaman_killed_by_named_attacker(extractor):
    c = killed(extractor, "Donetsk militiaman killed in shelling by Ukrainian troops.")
    assert c.victim == "military" and c.party == "dpr"


@pytest.mark.parametrize("party,land", [
    ("dpr", "ukraine"), ("lpr", "ukraine"),
    # a state, a party no city names, a party fighting for no state: none
    ("russia", None), ("pro-russian-separatists", None), ("un", None), ("hezbollah", None),
])
def test_land_of(party, land):
    from geo.events.victims import land_of

    assert land_of(load_parties(), party) == land
