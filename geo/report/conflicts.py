"""The conflict (theatre) of each article and item: Syria, Iraq, Nagorno-Karabakh, ...

Derived from what the store holds, never from extraction: an article belongs to the conflict
of ``data/conflicts.csv`` whose countries, named regions and parties it names most
(``assign_conflict``: the rule, in one function); every item is in its article's conflict; a
user's correction (``Store.correct_conflict``) moves an article to another one. Tolls never
mix two conflicts (``geo.report.tolls``)."""
from __future__ import annotations

import csv
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Optional, Union

import pandas as pd

from geo.config import DATA_DIR

log = logging.getLogger(__name__)
CONFLICTS_CSV = DATA_DIR / "conflicts.csv"
OTHER = "other"  # no conflict named, or two named as much as each other
OTHER_NAME = "Other / unassigned"
# The columns whose party ids an article names, per item kind: a figure's victims and reporter,
# a claim's claimant and target.
PARTY_COLUMNS = {"casualty": ("party", "reported_by"), "claim": ("claimant", "target")}


@dataclass(frozen=True)
class Conflict:
    """One row of ``data/conflicts.csv``."""
    id: str
    name: str
    countries: frozenset = frozenset()  # ISO 3166-1 alpha-2, upper case
    regions: frozenset = frozenset()  # named regions and admin-1 units, lower case
    parties: frozenset = frozenset()  # party ids of data/parties.csv
    start: Optional[str] = None  # YYYY-MM-DD; an article dated outside is not counted
    end: Optional[str] = None

    def covers(self, day: Optional[str]) -> bool:
        """Whether an article of ``day`` (undated: yes) can be about this conflict."""
        if not day:
            return True
        day = str(day)[:10]
        return (not self.start or day >= self.start) and (not self.end or day <= self.end)


def _split(value: Optional[str]) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _day(value: Optional[str], label: str) -> Optional[str]:
    if not (value or "").strip():
        return None
    return date.fromisoformat(value.strip()).isoformat()  # ValueError names a bad row


@lru_cache(maxsize=4)
def load_conflicts(path: Union[str, Path, None] = None) -> tuple[Conflict, ...]:
    """The conflicts of ``path`` (default ``data/conflicts.csv``), in file order; lines whose
    id starts with ``#`` are comments."""
    out = []
    if path is None and not CONFLICTS_CSV.exists():  # an install without it: all "other"
        log.warning("no %s: every article is in conflict %r", CONFLICTS_CSV, OTHER)
        return ()
    with open(path or CONFLICTS_CSV, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            cid = (row.get("id") or "").strip()
            if not cid or cid.startswith("#"):
                continue
            if cid == OTHER:
                raise ValueError(f"{path or CONFLICTS_CSV}: {OTHER!r} is reserved")
            out.append(Conflict(
                id=cid, name=(row.get("name") or cid).strip(),
                countries=frozenset(c.upper() for c in _split(row.get("countries"))),
                regions=frozenset(r.lower() for r in _split(row.get("regions"))),
                parties=frozenset(_split(row.get("parties"))),
                start=_day(row.get("start"), "start"), end=_day(row.get("end"), "end")))
    return tuple(out)


def conflict_names(conflicts: Optional[Iterable[Conflict]] = None) -> dict[str, str]:
    """Conflict id -> name, "other" included."""
    names = {c.id: c.name for c in (load_conflicts() if conflicts is None else conflicts)}
    names[OTHER] = OTHER_NAME
    return names


def conflict_name(conflict_id: Optional[str], conflicts=None) -> str:
    names = conflict_names(conflicts)
    return names.get(conflict_id or OTHER, str(conflict_id))


def checked_conflict_id(value: str) -> str:
    """``value`` if it is a conflict id (or "other"), else ValueError listing the ids."""
    names = conflict_names()
    if value not in names:
        raise ValueError(f"unknown conflict {value!r}: expected one of {', '.join(names)}")
    return value


def assign_conflict(places: Iterable[tuple], parties: Mapping[str, int],
                    day: Optional[str] = None,
                    conflicts: Optional[Iterable[Conflict]] = None) -> str:
    """The conflict an article is about, from its place mentions (``places``: one
    (ISO country code, names) per mention, the names being the place's own and its admin-1
    unit's) and how often its figures and claims name each party (``parties``). A conflict
    scores one point per mention of a place in one of its countries or regions, and one per
    mention of one of its parties; a conflict whose dates exclude the article's ``day`` scores
    nothing. The highest score wins; none, or a tie at the top, is ``OTHER``. So a mediator or
    neighbour named in passing (Russia and France in a Karabakh article, Turkey in a Syria
    one) does not move an article that names its war's places and parties more often."""
    places = [(str(country or "").upper(), {str(n).lower() for n in names if n})
              for country, names in places]
    scores = {}
    for conflict in (load_conflicts() if conflicts is None else conflicts):
        if not conflict.covers(day):
            continue
        score = (sum(1 for country, names in places
                     if country in conflict.countries or names & conflict.regions)
                 + sum(n for p, n in parties.items() if p in conflict.parties))
        if score > 0:
            scores[conflict.id] = score
    if not scores:
        return OTHER
    best = max(scores.values())
    winners = [cid for cid, score in scores.items() if score == best]
    return winners[0] if len(winners) == 1 else OTHER


def article_conflicts(frame: pd.DataFrame, fixes: Optional[Mapping[str, str]] = None,
                      conflicts: Optional[Iterable[Conflict]] = None) -> pd.Series:
    """Article id -> conflict id for the articles of ``frame`` (a store's items,
    ``MAP_COLUMNS``): ``assign_conflict`` over each article's place rows and the parties of
    its figures and claims; ``fixes`` (``Store.conflict_fixes()``) win."""
    conflicts = load_conflicts() if conflicts is None else tuple(conflicts)
    if frame.empty:
        return pd.Series(dtype=object)
    places: dict[str, list] = {}
    rows = frame[frame["kind"].eq("place")]
    for article_id, country, place, admin1 in zip(rows["article_id"], rows["country_code"],
                                                  rows["place"], rows["admin1"]):
        places.setdefault(article_id, []).append((_value(country), (_value(place),
                                                                    _value(admin1))))
    parties: dict[str, Counter] = {}
    for kind, columns in PARTY_COLUMNS.items():
        rows = frame[frame["kind"].eq(kind)]
        for col in columns:
            for article_id, party in zip(rows["article_id"], rows[col]):
                if _value(party):
                    parties.setdefault(article_id, Counter())[party] += 1
    days = frame.groupby("article_id", sort=False)["article_date"].first()
    result = pd.Series({article_id: assign_conflict(
        places.get(article_id, ()), parties.get(article_id, {}), _value(day), conflicts)
        for article_id, day in days.items()}, dtype=object)
    for article_id, conflict in (fixes or {}).items():
        if article_id in result.index:
            result[article_id] = conflict
    return result


def _value(value) -> Optional[str]:
    """A frame cell as text, None for a missing value."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) \
        else str(value)


def with_conflicts(frame: pd.DataFrame, fixes: Optional[Mapping[str, str]] = None,
                   conflicts: Optional[Iterable[Conflict]] = None) -> pd.DataFrame:
    """``frame`` with a ``conflict`` column: each item in its article's conflict."""
    by_article = article_conflicts(frame, fixes, conflicts)
    conflict = frame["article_id"].map(by_article) if len(frame) else frame["article_id"]
    return frame.assign(conflict=conflict.fillna(OTHER).astype(object))


__all__ = ["CONFLICTS_CSV", "OTHER", "Conflict", "load_conflicts", "conflict_names",
           "conflict_name", "checked_conflict_id", "assign_conflict", "article_conflicts",
           "with_conflicts"]
