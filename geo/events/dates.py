"""Relative and absolute date expressions resolved against the article date.

"on Sunday" -> the last Sunday on or before the article date; "yesterday", "last night",
"last week", "three days ago"; "28 July 2018", "July 28" (year from the article). Durations
("past 24 hours", "over the past month", "since 2014") name no single day and resolve to None,
so the caller falls back to the article date.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Optional

from geo.events.numbers import number_value

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
DAY_OFFSETS = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
               "this evening": 0, "yesterday": 1, "last night": 1, "overnight": 0,
               "the day before yesterday": 2, "last week": 7, "last month": 30,
               "earlier this week": 2}
DURATION_WORDS = ("past", "last 24", "over the", "during the", "within", "since 19",
                  "since 20", "each", "every", "per ")


def parse_iso(value: Optional[str]) -> Optional[date]:
    if not value:
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


def resolve_date(text: str, article_date: Optional[str]) -> Optional[str]:
    """YYYY-MM-DD for a date expression, or None when it names no single day."""
    base = parse_iso(article_date)
    t = " ".join(text.lower().replace(",", " ").split())
    if any(w in t for w in DURATION_WORDS) and not any(d in t for d in WEEKDAYS):
        return None
    absolute = _absolute(t, base)
    if absolute:
        return absolute.isoformat()
    if base is None:
        return None
    for phrase, days in sorted(DAY_OFFSETS.items(), key=lambda kv: -len(kv[0])):
        if phrase in t:
            return (base - timedelta(days=days)).isoformat()
    for i, name in enumerate(WEEKDAYS):
        if name in t:
            # The last such weekday on or before the article date; "last Sunday" likewise
            # (news use "last Sunday" for the most recent one).
            back = (base.weekday() - i) % 7
            return (base - timedelta(days=back)).isoformat()
    m = re.search(r"(\w+) days? ago", t)
    if m:
        n = number_value([m.group(1)])
        if n is not None:
            return (base - timedelta(days=n)).isoformat()
    return None


def latest_day(text: str, article_date: Optional[str]) -> Optional[date]:
    """The last day a date expression can mean, to tell a past event from the news: the day
    itself ("on June 19", "yesterday"), else the end of a month named alone ("in April" -> the
    last April 30 on or before the article date; "in May 2014"); None for durations and
    anything else."""
    day = parse_iso(resolve_date(text, article_date))
    if day is not None:
        return day
    base = parse_iso(article_date)
    t = " ".join(text.lower().replace(",", " ").split())
    if base is None or any(w in t for w in DURATION_WORDS):
        return None
    words = t.split()
    for i, w in enumerate(words):
        stem = w.rstrip(".")
        month = next((k + 1 for k, m in enumerate(MONTHS) if len(stem) >= 3
                      and m.startswith(stem)), None)
        if month is None or (stem == "may" and len(words) == 1 and text[:1].islower()):
            continue
        year = next((int(c) for c in words[i + 1:i + 3] if c.isdigit() and len(c) == 4), None)
        if year is None:
            year = base.year - (1 if month > base.month else 0)
        try:
            following = date(year + (month == 12), month % 12 + 1, 1)
        except ValueError:  # "May 0000", "December 9999"
            return None
        return following - timedelta(days=1)
    return None


def _absolute(t: str, base: Optional[date]) -> Optional[date]:
    words = t.split()
    for i, w in enumerate(words):
        stem = w.rstrip(".")
        # Full names and 3+ letter abbreviations ("Sept."); a day number must stand beside it.
        month = next((k + 1 for k, m in enumerate(MONTHS)
                      if len(stem) >= 3 and m.startswith(stem)), None)
        if month is None:
            continue
        day = year = None
        for cand in (words[i - 1] if i > 0 else "", words[i + 1] if i + 1 < len(words) else ""):
            c = re.sub(r"(st|nd|rd|th)$", "", cand)
            if c.isdigit() and 1 <= int(c) <= 31 and day is None:
                day = int(c)
        for cand in words[i + 1:i + 3]:
            if cand.isdigit() and len(cand) == 4:
                year = int(cand)
        if day is None:
            return None
        if year is None:
            if base is None:
                return None
            year = base.year
            if (month, day) > (base.month, base.day):  # "December 30" in a January article
                year -= 1
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None
