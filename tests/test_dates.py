"""Date expressions resolved against the article date."""
from __future__ import annotations

import pytest

from geo.events.dates import resolve_date


@pytest.mark.parametrize("text,expected", [
    ("Sunday", "2020-09-27"), ("on Tuesday", "2020-09-29"), ("Wednesday night", "2020-09-30"),
    ("yesterday", "2020-09-29"), ("last night", "2020-09-29"), ("today", "2020-09-30"),
    ("last week", "2020-09-23"), ("three days ago", "2020-09-27"),
    ("28 July 2018", "2018-07-28"), ("July 28, 2018", "2018-07-28"), ("Sept 11", "2020-09-11"),
    ("December 30", "2019-12-30"),
    ("past 24 hours", None), ("since 2014", None), ("the early 1990s", None),
])
def test_resolve(text, expected):
    assert resolve_date(text, "2020-09-30") == expected


def test_without_article_date_only_absolute_dates_resolve():
    assert resolve_date("Sunday", None) is None
    assert resolve_date("1 October 2018", None) == "2018-10-01"


# --- issue 12: the last day a date can mean, to tell history from news ----------------------
@pytest.mark.parametrize("text,day", [
    ("in April", "2016-04-30"), ("May 2014", "2014-05-31"), ("on June 19", "2016-06-19"),
    ("December", "2015-12-31"), ("the past 24 hours", None),
])
def test_latest_day(text, day):
    from geo.events.dates import latest_day

    got = latest_day(text, "2016-08-11")
    assert (got.isoformat() if got else None) == day


def test_latest_day_of_an_impossible_year_is_none():
    from geo.events.dates import latest_day

    assert latest_day("May 0000", "2016-08-11") is None
