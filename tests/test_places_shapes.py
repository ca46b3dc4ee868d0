"""The edges of a place mention on conflict news (issue 11, ``geo.places.shapes``): names cut
too short, longer names that are no place of their first word, runs of names with the commas
lost, and variants far from every other town. The sentences are made up."""
from __future__ import annotations

import pytest

from geo.places import find_places
from geo.places.focus import far_variant_towns
from geo.places.gazetteer import Candidate
from geo.places.shapes import possessive_place
from geo.records import Article


def _placed(nlp, gazetteer, text):
    places = find_places(nlp(text), Article("t", text), gazetteer=gazetteer, join_regions=False)
    return {p.name: p for p in places if p.resolved}


@pytest.mark.parametrize("text, name", [
    # a building of worship takes a person's name, not the town's
    ("The explosion in Salem Mosque in Ariha in Syria killed 25 fighters.", "Salem"),
    # the first word of a longer Arabic name the gazetteer does not know
    ("Rebels positioned in Bustan al-Qassr in Aleppo, Syria, fired shells.", "Bustan"),
    # a place opening an armed group's name
    ("Fighters of the Levant Liberation Committee attacked Idlib in Syria.", "Levant"),
    # a generic unit name that describes the place after it
    ("Jets struck Khan Touman in the Northern Province of Aleppo in Syria.",
     "Northern Province"),
    # a capital standing for its government
    ("Russia backs the Damascus regime in its war in Syria.", "Damascus"),
])
def test_a_name_inside_a_longer_name_is_no_place(nlp, gazetteer, text, name):
    assert name not in _placed(nlp, gazetteer, text)


def test_an_arabic_article_written_onto_the_name_stays_with_it(nlp, gazetteer):
    text = "Ten civilians were killed in shelling of al-Sheikh Maqsoud in Aleppo, Syria."
    place = _placed(nlp, gazetteer, text).get("al-Sheikh Maqsoud")
    assert place is not None and place.resolved_name == "Sheikh Maqsoud"


def test_an_air_base_is_by_the_town_it_is_named_after(nlp, gazetteer):
    text = "Islamic State fighters surrounded the Deir Ezzor air base in Syria on Monday."
    place = _placed(nlp, gazetteer, text).get("Deir Ezzor air base")
    assert place is not None and place.country_code == "SY" and place.precision == "city"


def test_a_lower_case_direction_joins_a_phrase_match_too(nlp, gazetteer):
    text = "Activists called on the Army of Islam to rid eastern Ghouta of the group in Syria."
    places = _placed(nlp, gazetteer, text)
    assert "eastern Ghouta" in places and "Ghouta" not in places


def test_names_run_together_without_commas_are_split(nlp, gazetteer):
    text = ("The town links the three provinces of Homs Idlib and Lattakia in Syria, the army "
            "said.")
    places = _placed(nlp, gazetteer, text)
    assert {"Homs", "Idlib"} <= set(places)
    assert places["Idlib"].precision == "admin1"  # 'the provinces of': units


def test_a_feature_named_after_a_town_is_not_split(nlp, gazetteer):
    text = "The army destroyed several boats in al-Rastan Lake in Homs province of Syria."
    assert "al-Rastan" not in _placed(nlp, gazetteer, text)


def test_a_lost_apostrophe_leaves_the_town(nlp, gazetteer):
    text = "Car bomb in Syrias Homs kills 10. Ten people were killed in Homs on Sunday."
    place = _placed(nlp, gazetteer, text).get("Homs")
    assert place is not None and place.country_code == "SY"


@pytest.mark.parametrize("word, expected", [("Syrias", True), ("Aleppos", True),
                                            ("Turkeys", True), ("Jones", False),
                                            ("Homs", False), ("syrias", False)])
def test_possessives_without_apostrophe(word, expected):
    assert possessive_place(word) is expected


def _town(gid, lat, lon, population=0):
    return Candidate(gazetteer_id=gid, name=gid, lat=lat, lon=lon, feature="city",
                     country_code="SY", admin1_code=None, population=population)


def test_a_small_variant_town_far_from_every_other_town_is_dropped():
    damascus, madan = _town("damascus", 33.51, 36.29, 1_500_000), _town("madan", 35.74, 39.58)
    chosen = {"damascus": (damascus, 0.9), "midan": (madan, 0.5)}
    assert far_variant_towns(chosen, {"midan"}) == {"midan"}
    near = _town("near", 33.6, 36.4)
    assert far_variant_towns(dict(chosen, midan=(near, 0.5)), {"midan"}) == set()
    # nothing to be far from: kept
    assert far_variant_towns({"midan": (madan, 0.5)}, {"midan"}) == set()
    # a big town found by a variant stays
    big = _town("big", 35.74, 39.58, 200_000)
    assert far_variant_towns(dict(chosen, midan=(big, 0.5)), {"midan"}) == set()
