"""geo.evaluate.figures: the scorer behind the FA-KES numbers, on hand-made cases."""
from __future__ import annotations

import pytest

from geo.evaluate.figures import Result, score_article, score_places
from geo.evaluate.gold_match import GoldParties, count_agrees, norm, place_key
from geo.parties import load_parties

TEXT = ("Air strikes kill 12 civilians in Douma. Air strikes killed 12 civilians in Douma on "
        "Monday the Syrian Observatory for Human Rights said. In 2012 some 30 people died in "
        "Houla. Three soldiers were wounded.")


def span(quote: str) -> dict:
    start = TEXT.index(quote)
    return {"start": start, "end": start + len(quote), "sentence": quote, "sentence_start": start}


GOLD = {
    "casualties": [
        {"outcome": "killed", "count_best": 12, "qualifier": "exact", "victim_any_of": ["civilian"],
         "party_any_of": [None], "reported_by_any_of": ["SOHR", "Syrian Observatory for Human Rights"],
         "quote": "Air strikes killed 12 civilians in Douma", "also_quotes": ["Air strikes kill 12 civilians"],
         "place_any_of": ["Douma"]},
        {"outcome": "wounded", "count_best": 3, "qualifier": "exact", "victim_any_of": ["military"],
         "party_any_of": [None], "reported_by_any_of": [None], "quote": "Three soldiers were wounded",
         "optional": True},
    ],
    "historical": [{"outcome": "killed", "count": 30, "quote": "some 30 people died in Houla"}],
    "places": [{"name": "Douma", "precision": "city", "country_code": "SY", "lat": 33.57,
                "lon": 36.40, "tolerance_km": 10},
               {"name": "Houla", "precision": "city", "country_code": "SY", "lat": 34.88,
                "lon": 36.52, "tolerance_km": 10}],
}


def figure(quote, count, victim="civilian", reporter=None, text=None, outcome="killed",
           place=None, lat=None, lon=None):
    return {**span(quote), "outcome": outcome, "count_best": count, "count_low": count,
            "qualifier": "exact", "victim": victim, "party": None, "reported_by": reporter,
            "reported_by_text": text, "figure_kind": "incident", "place": place,
            "lat": lat, "lon": lon}


@pytest.fixture(scope="module")
def names():
    return GoldParties(load_parties())


def score(pred, names) -> Result:
    result = Result()
    score_article(TEXT, pred, GOLD, names, result)
    return result


def test_one_statement_repeated_is_one_figure_and_its_repeat_a_false_positive(names):
    body = figure("Air strikes killed 12 civilians in Douma", 12,
                  text="the Syrian Observatory for Human Rights", reporter="x")
    headline = figure("Air strikes kill 12 civilians in Douma.", 12)
    result = score({"casualties": [body, headline]}, names)
    assert (result.detect.tp, result.detect.fp, result.detect.fn) == (1, 1, 0)


def test_a_blank_or_wrong_field_is_a_miss_for_all_fields(names):
    right = figure("Air strikes killed 12 civilians in Douma", 12, reporter="SOHR", text="SOHR")
    assert score({"casualties": [right]}, names).all_fields.tp == 1
    blank = figure("Air strikes killed 12 civilians in Douma", 12)  # no reporter where gold has one
    result = score({"casualties": [blank]}, names)
    assert result.detect.tp == 1 and result.all_fields.tp == 0 and result.all_fields.fn == 1
    assert result.field_right["reporter"] == 0 and result.field_right["victim"] == 1


def test_a_missed_required_figure_is_a_false_negative_an_optional_one_is_not(names):
    result = score({"casualties": []}, names)
    assert (result.detect.tp, result.detect.fn) == (0, 1)
    found_optional = figure("Three soldiers were wounded", 3, victim="military", outcome="wounded")
    result = score({"casualties": [found_optional]}, names)
    assert result.detect.fp == 0


def test_a_past_war_figure_taken_as_current_is_counted(names):
    past = figure("In 2012 some 30 people died in Houla", 30, victim="unknown")
    result = score({"casualties": [past]}, names)
    assert result.historical_as_current == 1 and result.detect.fp == 1
    past["figure_kind"] = "historical"  # marked historical: no error
    result = score({"casualties": [past]}, names)
    assert result.historical_as_current == 0 and result.detect.fp == 0


def test_vague_counts_agree_on_the_word_or_the_low_bound():
    gold = {"qualifier": "vague", "count_best": None, "count_low": 12, "vague_word": "dozens"}
    assert count_agrees({"qualifier": "vague", "count_low": 12}, gold)
    assert count_agrees({"qualifier": "vague", "vague_word": "Dozens"}, gold)
    assert not count_agrees({"qualifier": "vague", "count_low": 3, "vague_word": "several"}, gold)


def test_places_wrong_namesake_and_city_or_province():
    result = Result()
    score_places([{"name": "Douma", "lat": 33.57, "lon": 36.40, "country_code": "SY"},
                  {"name": "Houla", "lat": 40.0, "lon": -75.0, "country_code": "US"},
                  {"name": "Minsk", "lat": 53.9, "lon": 27.56, "country_code": "BY"}],
                 GOLD, result)
    assert (result.places.tp, result.places.fp) == (1, 2)
    assert result.sub_country.tp == 1 and result.sub_country.fn == 1
    assert place_key("Idlib province") == place_key("the city of Idlib") == "idlib"


def test_party_names_compare_through_the_party_table_and_loosely(names):
    assert names.agrees("isis", None, ["Islamic State"])
    assert names.agrees(None, None, [None])
    assert not names.agrees(None, None, ["SOHR"])
    assert names.agrees("x", "the Syrian Observatory for Human Rights",
                        ["Syrian Observatory for Human Rights"])
    assert norm("The  Observatory!") == "observatory"
