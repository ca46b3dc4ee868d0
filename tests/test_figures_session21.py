"""Session 21: one statement, one figure across sentences, and the sources of full-length war
reporting ("with a monitor saying ...", "The source added ...", the next sentence's source).
Made-up sentences in the wording of real reports."""
from __future__ import annotations

import pytest

from geo.events.figure_kinds import reconcile
from geo.records import Casualty
from tests.events_support import casualties


def sources(text):
    return [(c.outcome, c.count_best, c.reported_by) for c in casualties(text)]


# --- one statement restated in a later sentence is one figure --------------------------------
def test_lede_and_body_restatement_is_one_figure_with_the_body_source():
    text = ("Air raids on a market in the town killed at least 21 civilians on Sunday. "
            "Residents fled the area. The Syrian Observatory for Human Rights said 21 "
            "civilians were killed in the raids.")
    found = casualties(text)
    assert [(c.outcome, c.count_best) for c in found] == [("killed", 21)]
    assert found[0].reported_by == "sohr"


def test_two_sources_giving_the_same_number_stay_two_figures():
    text = ("The Syrian Observatory for Human Rights said 30 people were killed in the town. "
            "State media said 30 civilians were killed in the town.")
    assert len(casualties(text)) == 2


def _fig(count, victim="unknown", reporter=None, place=None, start=0):
    return Casualty(outcome="killed", count_best=count, qualifier="exact", victim=victim,
                    party=None, reported_by=reporter, start=start, end=start + 5,
                    count_low=count, sentence_start=start, place=place)


def test_restatement_takes_the_victims_it_left_open():
    out = reconcile([_fig(17, start=0), _fig(17, "civilian", "sohr", start=100)])
    assert len(out) == 1 and (out[0].victim, out[0].reported_by) == ("civilian", "sohr")


@pytest.mark.parametrize("first,second", [
    (_fig(2, start=0), _fig(2, "civilian", start=100)),  # one or two victims recur
    (_fig(9, place="Aleppo", start=0), _fig(9, place="Homs", start=100)),  # two towns
    (_fig(9, "civilian", start=0), _fig(9, "military", start=100)),  # other victims
])
def test_distinct_figures_are_not_merged(first, second):
    assert len(reconcile([first, second])) == 2


# --- sources ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("A double suicide bomb attack hit a police station on Monday state media said with a "
     "monitor saying at least 17 people were killed.", ("killed", 17, "monitor")),
    ("Opposition-based social media websites had conflicting casualty figures with some "
     "saying more than 40 people were dead.",
     ("killed", 40, "Opposition-based social media websites")),
])
def test_with_x_saying_names_the_source(text, expected):
    assert sources(text)[0] == expected


def test_claiming_the_lives_is_no_source():
    text = ("Local sources said that coalition aircraft targeted a plant in the village "
            "claiming the lives of three workers.")
    assert sources(text)[0][2] == "Local sources"


def test_the_source_is_the_source_named_before():
    text = ("A source at Aleppo Police Command told SANA that terrorists fired rocket shells "
            "on the neighborhood killing one child. The source added that 9 persons were "
            "injured in the attack.")
    assert [r for _, _, r in sources(text)] == ["source at Aleppo Police Command"] * 2


def test_a_report_names_no_one_and_the_next_sentence_names_the_source():
    text = ("At least 15 civilians have been killed in northern Syria in US airstrikes a "
            "report says. The Syrian Observatory for Human Rights said Wednesday that the "
            "attacks had occurred in the city of Manbij.")
    assert sources(text)[0] == ("killed", 15, "sohr")


def test_the_next_sentence_on_another_matter_lends_no_source():
    text = ("At least 19 civilians were killed in an air raid on a village on Wednesday. "
            "The Syrian Observatory for Human Rights said peace talks had stalled.")
    assert sources(text)[0] == ("killed", 19, None)
