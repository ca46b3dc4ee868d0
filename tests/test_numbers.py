"""Count phrases: digits, words, ranges, bounds, approximations, vague words, zeros."""
from __future__ import annotations

import pytest

from geo.events.numbers import find_counts, number_value
from tests.events_support import casualties, nlp


def counts(text):
    doc = nlp()(text)
    return [(c.span(doc).text, c.best, c.qualifier, c.low, c.high, c.vague_word)
            for c in find_counts(doc)]


@pytest.mark.parametrize("text,best", [
    ("14 civilians were killed", 14),
    ("Fourteen soldiers died", 14),
    ("Twenty-one killed in eastern Ukraine as ceasefire falters", 21),
    ("two hundred and fifty people fled", 250),
    ("1,000 people were displaced", 1000),
    ("Seven Ukrainian soldiers killed in rebel attack", 7),
])
def test_numbers_in_digits_and_words(text, best):
    first = counts(text)[0]
    assert first[1] == best and first[2] == "exact"


@pytest.mark.parametrize("text,low,high", [
    ("10 to 15 people were killed", 10, 15),
    ("10-15 people were killed", 10, 15),
    ("10–15 people were killed", 10, 15),
    ("between 20 and 30 fighters died", 20, 30),
    ("two or three soldiers were wounded", 2, 3),
])
def test_ranges(text, low, high):
    (_, best, qualifier, lo, hi, _), = counts(text)
    assert (best, qualifier, lo, hi) == (None, "range", low, high)


@pytest.mark.parametrize("text,best,qualifier", [
    ("At least 67 killed in this week's Kiev clashes", 67, "at_least"),
    ("more than 30 people were wounded", 30, "at_least"),
    ("Over 200 people killed in DPR in shelling", 200, "at_least"),
    ("no fewer than 12 soldiers died", 12, "at_least"),
    ("'Up to five' killed in Ukraine assault on rebel-held towns", 5, "at_most"),
    ("as many as 40 civilians may have died", 40, "at_most"),
    ("around 100 officials have been killed", 100, "approximate"),
    ("nearly 50 soldiers were killed", 50, "approximate"),
    ("some 200 families fled", 200, "approximate"),
    ("a dozen fighters were captured", 12, "approximate"),
    ("two dozen people were injured", 24, "approximate"),
])
def test_bounds_and_approximations(text, best, qualifier):
    first = counts(text)[0]
    assert (first[1], first[2]) == (best, qualifier)


@pytest.mark.parametrize("text,word,low", [
    ("several civilians on their side have been killed", "several", 3),
    ("Dozens dead on Ukraine's deadliest day", "dozens", 12),
    ("hundreds of people fled the shelling", "hundreds", 100),
    ("a number of fighters were captured", "a number of", None),  # no floor beyond "some"
    ("many civilians were wounded", "many", None),
    ("tens of thousands displaced by the fighting", "tens of thousands", 10_000),
])
def test_vague_words_keep_the_word_and_a_conservative_low(text, word, low):
    (_, best, qualifier, lo, _, vague), = counts(text)
    assert (best, qualifier, vague, lo) == (None, "vague", word, low)


def test_zero_and_increments():
    assert counts("no one was hurt")[0][1:3] == (0, "exact")
    doc = nlp()("Two more soldiers died and another three were wounded")
    found = find_counts(doc)
    assert [(c.best, c.increment) for c in found] == [(2, True), (3, True)]


@pytest.mark.parametrize("text", [
    "a Turkish F-16 jet shot down a SU-25 jet",
    "in the past 24 hours",
    "since 2014",
    "on Sept 11, 2021",
    "a 13-year-old boy",
])
def test_non_counts(text):
    assert all(c[1] is None or c[2] == "vague" for c in counts(text)) or counts(text) == []
    assert not any(c[1] in (16, 25, 24, 2014, 11, 2021, 13) for c in counts(text))


def test_number_value():
    assert number_value(["two", "hundred", "and", "fifty"]) == 250
    assert number_value(["1.5", "million"]) == 1_500_000
    assert number_value(["half", "a", "dozen"]) == 6


# --- issue 12: fractions of scales, digits apart, words that are no numbers ------------------
@pytest.mark.parametrize("text,best", [
    ("more than a quarter of a million people have been killed", 250_000),
    ("half a million people fled", 500_000),
    ("2.5 million people displaced", 2_500_000),
])
def test_fractions_and_scales(text, best):
    assert counts(text)[0][1] == best


def test_digit_tokens_are_separate_numbers():
    # "190703 35 Dead": a time stamp and a count, not 190738
    assert [c[1] for c in counts("Sat Feb 28 2015 190703 35 Dead")] == [190703, 35]


@pytest.mark.parametrize("text", ["Infinity soldiers were killed", "NaN soldiers were killed",
                                  "1e309 soldiers were killed", "-5 soldiers were killed",
                                  "10^30 killed", "1000000000000000000000 people died"])
def test_words_and_absurd_numbers_are_no_counts(text, caplog):
    assert counts(text) == []
    assert number_value(["Infinity"]) is None and number_value(["1e309"]) is None


# --- the NER's MONEY/QUANTITY exclude a number only with a currency or unit word ---------------
@pytest.mark.parametrize("text,expected", [
    ("The war left more than 10 million displaced.", [("displaced", 10_000_000)]),
    ("The US pledged 5 million dollars to 20 hospitals.", []),
    ("Aid worth $3 million reached 200 families.", []),
    ("They fired 10 tons of shells, killing 3.", [("killed", 3)]),
])
def test_money_and_quantity_need_a_unit(text, expected):
    assert [(c.outcome, c.count_best) for c in casualties(text)] == expected


@pytest.mark.parametrize("text,has_count", [
    ("The talks resumed in Geneva on Monday.", False),
    ("Residents said the shelling went on all night.", False),
    ("A few families fled.", True),
    ("No one was hurt.", True),
    ("Dozens were wounded and a dozen more are missing.", True),
    ("At least 12 were killed, between five and seven of them children.", True),
])
def test_the_prefilter_skips_only_sentences_without_a_count(text, has_count):
    """A sentence without a count's anchor word is skipped; the matcher itself would find
    nothing there either."""
    from geo.events.numbers import _matcher, may_hold_count

    doc = nlp()(text)
    assert may_hold_count(doc) is has_count
    assert bool(list(_matcher(doc.vocab)(doc))) is has_count
    assert bool(find_counts(doc)) is has_count


def test_count_anchors_are_selective():
    from geo.events.numbers import _ANCHORS

    assert _ANCHORS is not None and "" in _ANCHORS  # numbers, and words such as "dozens"
    assert not _ANCHORS & {"a", "the", "of", "in", "at"}
