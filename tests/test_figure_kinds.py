"""What a figure counts, one group per rule of ``geo.events.figure_kinds``: wordings from wire
headlines (UCDP GED source headline shapes) and made-up news sentences, none from one article."""
from __future__ import annotations

import pytest

from tests.events_support import casualties


def kinds(text, date="2020-09-30"):
    return [(c.count_best, c.figure_kind) for c in casualties(text, date=date)]


@pytest.mark.parametrize("text,count", [
    # cumulative:so_far / to date / all told
    ("The ministry said 47 soldiers have been killed so far.", 47),
    ("Thus far 23 civilians have died in the region, officials said.", 23),
    ("To date, 310 people have been killed in the fighting.", 310),
    # cumulative:in_total / total / overall
    ("A total of 104 civilians have been killed, the prosecutor said.", 104),
    ("In total, 19 journalists were wounded covering the war.", 19),
    ("Overall, 56 servicemen were killed during the truce, the army said.", 56),
    # cumulative:toll (a toll family figure and "bringing the toll to")
    ("The death toll has risen to 48.", 48),
    ("WRAPUP 9-Ukraine truce shattered, death toll hits 67", 67),
    ("Nine more soldiers were killed, bringing the toll to 21.", 21),
    # cumulative:since
    ("Around 70 soldiers have been killed since the fighting began, officials said.", 70),
    ("Since 2014, more than 13,000 people have died in the conflict in eastern Ukraine.", 13000),
    ("Five servicemen killed, 15 wounded in Donbas since truce announcement", 5),
    # cumulative:as_of
    ("As of Monday, 212 people had been wounded, the health ministry said.", 212),
    # present perfect with no incident named
    ("Armenia's defence ministry said 61 soldiers have been killed.", 61),
    ("The army says 12 of its soldiers have died.", 12),
])
def test_cumulative(text, count):
    assert (count, "cumulative") in kinds(text)


@pytest.mark.parametrize("text,count", [
    ("Another two soldiers were killed on Wednesday.", 2),
    ("Fifteen more civilians were wounded overnight.", 15),
    ("Three more Ukrainian troops killed in east: Kiev", 3),
    ("One more Ukrainian serviceman killed in rebel attacks - Ukraine military", 1),
])
def test_incremental(text, count):
    assert (count, "incremental") in kinds(text)


@pytest.mark.parametrize("text,count", [
    # incident:event (in/during/after + an event noun)
    ("Five civilians were killed in the shelling of Stepanakert.", 5),
    ("Seven people died in a rocket attack on the market.", 7),
    ("Two soldiers were wounded during clashes near the airport.", 2),
    # incident:subject
    ("An airstrike killed 11 civilians in the village.", 11),
    ("Mine kills three children in Donetsk region", 3),
    # incident:when
    ("Three soldiers died when a shell hit their position.", 3),
    # incident:day (a day named, no running-total cue)
    ("Six civilians have been killed on Tuesday, the governor said.", 6),
    ("Four people were killed overnight in Gorlovka.", 4),
    # "since" a time of the same day is that day's count, not a running total
    ("One Ukrainian soldier killed in Donbas amid 4 enemy attacks since early morning", 1),
    ("Two civilians have been wounded since dawn, the mayor said.", 2),
    # no cue at all, past tense: an event
    ("Azerbaijan says 8 civilians died.", 8),
    ("Three Ukrainian soldiers killed in separatist east", 3),
])
def test_incident(text, count):
    assert (count, "incident") in kinds(text)


@pytest.mark.parametrize("text,count,date", [
    ("About 30,000 people were killed in the war in the early 1990s.", 30000, "2020-09-30"),
    ("In 2016, some 200 soldiers were killed in four days of fighting.", 200, "2020-10-02"),
    ("During the 2008 war, 170 servicemen were killed.", 170, "2022-03-01"),
])
def test_historical(text, count, date):
    assert (count, "historical") in kinds(text, date=date)


def test_a_year_of_the_articles_own_is_not_historical():
    assert kinds("In 2020, 90 soldiers were killed in the fighting.", date="2020-12-30") == \
        [(90, "incident")]


def test_since_a_past_year_is_a_running_total_not_history():
    assert kinds("Since 2014, 13,000 people have died.", date="2020-09-30") == \
        [(13000, "cumulative")]


def test_a_cue_of_another_clause_does_not_count():
    # "so far" belongs to the talks, not to the strike's victims
    assert kinds("Talks have failed so far, and an airstrike killed 11 civilians on Monday.") \
        == [(11, "incident")]


def test_the_date_a_period_began_is_not_the_figures_date():
    figure, = casualties("Around 100 soldiers have been killed since the conflict broke out "
                         "on Sunday.", date="2020-09-30")
    assert (figure.figure_kind, figure.date) == ("cumulative", "2020-09-30")
    figure, = casualties("Four people were killed on Sunday.", date="2020-09-30")
    assert figure.date == "2020-09-27"


@pytest.mark.parametrize("text,expected", [
    # a running-total word of another clause, or not about a total at all
    ("Four soldiers were killed overnight, taking the total to 40.", (4, "incident")),
    ("Three soldiers were killed in a combined drone and artillery attack.", (3, "incident")),
    ("The total destruction of the village left 14 civilians dead.", (14, "incident")),
    ("Armenia said 12 soldiers were killed, while Azerbaijan said it had lost 5 servicemen "
     "so far.", (12, "incident")),
    # a weak total word loses to a named incident
    ("A total of 13 people were killed in the missile strike on Ganja.", (13, "incident")),
    ("In all, nine people died in the attack on the bus.", (9, "incident")),
    ("A total of 104 civilians have been killed, the prosecutor said.", (104, "cumulative")),
    # one incident's own toll
    ("The ministry said the toll of the attack on Ganja rose to 13.", (13, "incident")),
    ("Death toll from Odessa violence rises to 3: police", (3, "incident")),
    # a period's count
    ("14 soldiers have been killed this week, the army said.", (14, "incident")),
    ("Eleven servicemen have died over the past 24 hours.", (11, "incident")),
    # a past war or year with no year written
    ("Last year, 20 soldiers died in border skirmishes.", (20, "historical")),
    ("About 30,000 people died in the first Karabakh war.", (30000, "historical")),
    ("During the previous war, some 25,000 people were killed.", (25000, "historical")),
])
def test_review_wordings(text, expected):
    assert expected in kinds(text)


# --- issue 12: events more than about a month before the article are historical --------------
@pytest.mark.parametrize("text,expected", [
    ("Suspected government strikes killed at least 37 civilians in Maaret Al Numan in April.",
     (37, "historical")),
    ("In September 2014 an explosion at its headquarters killed nearly 50 people.",
     (50, "historical")),
    ("The year before 49 children were killed in the Houla massacre.", (49, "historical")),
    ("Strikes killed 12 people on August 2.", (12, "incident")),  # nine days before
])
def test_past_dates_are_historical(text, expected):
    assert expected in kinds(text, date="2016-08-11")
