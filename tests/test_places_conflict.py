"""Places on conflict news (issue 11): one test per rule. The sentences are made up."""
from __future__ import annotations

import pytest

from geo.parties import Party, PartyTable
from geo.places import find_places
from geo.places.variants import skeleton, variant_candidates
from geo.records import Article


def _places(nlp, gazetteer, text, parties="default"):
    return find_places(nlp(text), Article("t", text), gazetteer=gazetteer, join_regions=False,
                       parties=parties)


def _placed(places):
    return {p.name: p for p in places if p.resolved}


@pytest.mark.parametrize("a, b", [("Raqa", "Ar Raqqah"), ("Deir Ezzor", "Deir ez-Zor"),
                                  ("Maaret al-Numan", "Ma‘arrat an Nu‘mān"),
                                  ("Maaret Alnouman", "Maarat al-Numan"),
                                  ("Kfar Zeita", "Kafr Zaytā"), ("Hassakeh", "Al Ḩasakah"),
                                  ("Khan Sheikhun", "Khān Shaykhūn")])
def test_transliteration_variants_share_a_key(a, b):
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize("a, b", [("Jobar", "Yabrud"), ("Qaboun", "Kobane"),
                                  ("Midan", "Mayadin")])
def test_short_names_keep_their_vowels_apart(a, b):
    assert skeleton(a) != skeleton(b)


def test_variants_only_in_the_articles_countries(gazetteer):
    assert {c.name for c in variant_candidates(gazetteer, "Raqa", ["SY"])} >= {"Ar Raqqah"}
    assert all(c.country_code == "US" for c in variant_candidates(gazetteer, "Raqa", ["US"]))
    assert variant_candidates(gazetteer, "Waer", ["SY", "IR"]) == []  # key too short


def test_a_variant_resolves_with_the_articles_country(nlp, gazetteer):
    places = _placed(_places(nlp, gazetteer, "Fighting in Syria reached Deir Ezzor on Monday."))
    assert places["Deir Ezzor"].country_code == "SY"


def test_a_town_the_ner_misses_is_found_after_a_place_cue(nlp, gazetteer):
    text = "Syrian jets bombed Kafr Zayta in Hama province of Syria, activists said."
    place = _placed(_places(nlp, gazetteer, text)).get("Kafr Zayta")  # the NER: PERSON
    assert place is not None and place.country_code == "SY"


def test_a_cued_name_is_not_read_from_inside_a_longer_name(nlp, gazetteer):
    text = "Shells hit the Bab al-Maqam neighbourhood of Aleppo in Syria."
    assert "Bab" not in _placed(_places(nlp, gazetteer, text))


def test_a_place_inside_a_party_name_is_no_place(nlp, gazetteer):
    table = PartyTable([Party("fsa", "Free Syrian Army", "#000000")])
    text = "Fighters of the Free Syrian Army clashed with troops in Syria."
    places = _places(nlp, gazetteer, text, parties=table)
    assert "Free" not in {p.name for p in places}
    assert "Syria" in _placed(places)


@pytest.mark.parametrize("text, name", [
    ("Air strikes by the US-led coalition killed 21 people in Syria.", "US"),
    ("A New York-based group said the town was mined.", "New York"),
])
def test_led_backed_based_adjectives_are_no_places(nlp, gazetteer, text, name):
    assert name not in {p.name for p in _places(nlp, gazetteer, text)}


def test_a_capital_beats_its_small_namesakes_on_country_context_alone(nlp, gazetteer):
    text = ("In Paris, the French minister said the United States would act. Damascus "
            "denied any attack.")
    places = _placed(_places(nlp, gazetteer, text))
    assert places["Paris"].country_code == "FR"
    assert places["Damascus"].country_code == "SY"


def test_the_text_can_still_say_paris_texas(nlp, gazetteer):
    places = _placed(_places(nlp, gazetteer, "The fair opened in Paris, Texas, on Friday."))
    assert places["Paris"].country_code == "US"


def test_a_small_foreign_namesake_is_left_unplaced(nlp, gazetteer):
    text = "Syrian troops took Harbiyat village in Syria's Raqqa province."
    place = next((p for p in _places(nlp, gazetteer, text) if p.name == "Harbiyat"), None)
    assert place is None or not place.resolved or place.country_code == "SY"


def test_abbreviated_weekdays_are_no_places(nlp, gazetteer):
    assert "Mon" not in {p.name for p in _places(nlp, gazetteer, "Mon Jul 18 2016\nTen killed.")}


def test_cued_names_are_bare_foreign_names():
    from geo.places.context import english_speaking

    # The model knows English-speaking countries' names; words like 'King' are US towns.
    assert {"US", "GB", "AU"} <= english_speaking() and "SY" not in english_speaking()


def test_a_cued_word_after_the_is_no_town(nlp, gazetteer):
    text = "Delegates met at the Congress in Syria and in the Commerce hall of Damascus."
    assert not {"Congress", "Commerce"} & set(_placed(_places(nlp, gazetteer, text)))


def test_a_cued_name_the_ner_calls_a_product_is_found(nlp, gazetteer):
    text = ("At least 15 civilians were killed in raids in a northern district of Manbij in "
            "Syria.")  # the small model: 'Manbij' PRODUCT
    place = _placed(_places(nlp, gazetteer, text)).get("Manbij")
    assert place is not None and place.country_code == "SY"


@pytest.mark.parametrize("text,name,resolved", [
    # a lower-case direction word belongs to the name when the whole is a place of its own
    ("Government forces shelled eastern Ghouta near Damascus, Syria.", "eastern Ghouta",
     "Eastern Ghouta"),
    ("Rebels held the Qalamoun mountains in Syria.", "Qalamoun mountains", "Qalamoun"),
    # and not when it is not
    ("Shelling hit eastern Aleppo in Syria.", "Aleppo", "Aleppo"),
])
def test_curated_conflict_regions_and_direction_words(nlp, gazetteer, text, name, resolved):
    place = _placed(_places(nlp, gazetteer, text)).get(name)
    assert place is not None and place.resolved_name == resolved
