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
