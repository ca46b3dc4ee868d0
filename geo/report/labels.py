"""Wording shared by the map, the tables and the exports: party names and colours, counts
as a reader says them ("at least 14", "dozens of"), "14 civilians killed", "Ukraine says"; and
the number a figure adds to a sum (``counted``, for one row and for a frame).

Plain text: whoever puts a phrase into HTML escapes it there.
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Optional

import pandas as pd

from geo.parties import fallback_color

UNATTRIBUTED_COLOR = "#555555"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def clean(value: Any) -> Any:
    """None for every flavour of missing (None, NaN, pd.NA, NaT), else the value."""
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):  # lists, arrays: not a scalar "missing"
        return value


def as_int(value: Any) -> Optional[int]:
    value = clean(value)
    try:
        return None if value is None else int(float(value))
    except (TypeError, ValueError):
        return None


class PartyNames:
    """Display names and colours, from a PartyTable when there is one."""

    def __init__(self, table=None):
        self.table = table

    def name(self, pid: Any, default: str = "Unattributed") -> str:
        pid = clean(pid)
        if pid is None:
            return default
        party = self.table.get(pid) if self.table is not None else None
        return getattr(party, "name", None) or str(pid)

    def color(self, pid: Any) -> str:
        pid = clean(pid)
        if pid is None:
            return UNATTRIBUTED_COLOR
        color = None
        if self.table is not None:
            try:
                color = self.table.color(pid)
            except (KeyError, AttributeError):
                color = None
        # a colour goes into style attributes: accept only #rrggbb. The fallback is the
        # PartyTable's own, so a party gets the same colour on the map and in the tables.
        return (color if isinstance(color, str) and _HEX.match(color)
                else fallback_color(str(pid)))


_VICTIM_NOUNS = {"civilian": ("civilian", "civilians"), "military": ("soldier", "soldiers"),
                 "official": ("official", "officials"), "unknown": ("person", "people")}
_NUMBER_WORDS = {"dozens", "hundreds", "thousands", "scores", "tens", "millions"}


def count_text(row: Mapping) -> tuple[str, bool]:
    """('at least 14', plural?) for a casualty row, as plain (unescaped) text."""
    qualifier = clean(row.get("qualifier")) or "exact"
    best, low, high = (as_int(row.get(k)) for k in ("count_best", "count_low", "count_high"))
    if qualifier == "range" and low is not None and high is not None:
        return f"{low}\u2013{high}", True
    if best is None or qualifier == "vague":
        word = str(clean(row.get("vague_word")) or "an unknown number of")
        if word.lower() in _NUMBER_WORDS:
            word += " of"
        return word, True
    prefix = {"approximate": "about ", "at_least": "at least ", "at_most": "up to "}.get(qualifier, "")
    return f"{prefix}{best}", best != 1


def figure_phrase(row: Mapping) -> str:
    """'14 civilians killed' (plain text)."""
    count, plural = count_text(row)
    noun = _VICTIM_NOUNS.get(clean(row.get("victim")) or "unknown", _VICTIM_NOUNS["unknown"])
    outcome = clean(row.get("outcome")) or "affected"
    return f"{count} {noun[1] if plural else noun[0]} {outcome}"


def reporter_phrase(row: Mapping, names: PartyNames) -> Optional[str]:
    """'Ukraine says' for a party, 'according to activists' for another source, None when no
    reporter is known (plain text)."""
    reporter = clean(row.get("reported_by"))
    if reporter is None:
        return None
    table = names.table
    if table is not None and table.get(reporter) is not None:
        return f"{names.name(reporter)} says"
    return f"according to {reporter}"


def counted(qualifier: str, best: Optional[int], low: Optional[int]) -> Optional[int]:
    """The rule behind ``figure_count`` and ``figure_counts``: the low bound of a vague figure
    or a range, else the best figure, else the low bound; None when there is no number, never
    below 0."""
    if qualifier == "vague":
        count = low
    elif qualifier == "range":
        count = low if low is not None else best
    else:
        count = best if best is not None else low
    return None if count is None else max(count, 0)


def figure_count(row: Mapping) -> Optional[int]:
    """The number a casualty row contributes to a sum (``counted``)."""
    return counted(clean(row.get("qualifier")) or "exact", as_int(row.get("count_best")),
                   as_int(row.get("count_low")))


def figure_counts(frame: pd.DataFrame) -> pd.Series:
    """``figure_count`` of each row of ``frame``, as floats (NaN: no number), for sums."""
    qualifier = frame["qualifier"].astype(object)
    qualifier = qualifier.where(qualifier.notna(), "exact").tolist()
    # plain floats (NaN for missing) instead of a cleaning call per cell: 10,000s of rows
    best, low = (pd.to_numeric(frame[col], errors="coerce").astype("float64").tolist()
                 for col in ("count_best", "count_low"))
    values = [counted(q, None if b != b else int(b), None if lo != lo else int(lo))
              for q, b, lo in zip(qualifier, best, low)]
    return pd.Series(values, index=frame.index, dtype="float64")


def is_vague(row: Mapping) -> bool:
    return clean(row.get("qualifier")) == "vague" or figure_count(row) is None
