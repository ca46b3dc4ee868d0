"""Wording shared by the map, the tables and the exports: party names and colours, counts
as a reader says them ("at least 14", "dozens of"), "14 civilians killed", "Ukraine says"; and
the number a figure adds to a sum (``counted``, for one row and for a frame).

Plain text: whoever puts a phrase into HTML escapes it there.
"""
from __future__ import annotations

import colorsys
import functools
import re
from typing import Any, Mapping, Optional

import pandas as pd

from geo.parties import fallback_color

UNATTRIBUTED_COLOR = "#555555"
# ACLED's names of its event types (``geo.records.EVENT_TYPES``), as the legend and filters show them
EVENT_TYPE_LABELS = {
    "battles": "Battles",
    "explosions": "Explosions/Remote violence",
    "violence_against_civilians": "Violence against civilians",
    "protests": "Protests",
    "riots": "Riots",
    "strategic_developments": "Strategic developments",
}
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
    """Display names and colours, from a PartyTable when there is one; ``colors`` overrides
    the table's colour of some parties (``distinct``: the parties shown together)."""

    def __init__(self, table=None, colors: Optional[Mapping[str, str]] = None):
        self.table = table
        self.colors = dict(colors or {})

    def distinct(self, weights: Mapping[str, int]) -> "PartyNames":
        """These names, with a colour per party of ``weights`` that no other of them shares
        (``distinct_colors``)."""
        return PartyNames(self.table, distinct_colors(weights, self.table))

    def shown(self, frame: Optional[pd.DataFrame]) -> "PartyNames":
        """These names, coloured for the parties of ``frame`` drawn together (a map, a chart
        of it): no two alike. The same frame gives the same colours."""
        weights = party_weights(frame)  # only the table's parties get a colour of their own
        return self.distinct({p: n for p, n in weights.items() if self.knows(p)})

    def knows(self, pid: Any) -> bool:
        """``pid`` is a party of the table (with no table, every id counts as one)."""
        pid = clean(pid)
        if pid is None:
            return False
        return self.table is None or self.table.get(pid) is not None

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
        if pid in self.colors:
            return self.colors[pid]
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


# --- a colour per party, unique among the parties shown together --------------------------
# The table's colours repeat (the CSV gives Ukraine and Israel one blue; the countries it does
# not colour get one of 16 by a hash): drawn together, such parties would be one party.
# Distinct colours, most distinguishable first (Okabe-Ito, Tol bright/muted, Kelly), tried in
# this order when a party's own colour is taken.
DISTINCT_PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
    "#332288", "#88CCEE", "#117733", "#999933", "#882255", "#AA4499", "#44AA99", "#DDCC77",
    "#CC6677", "#E41A1C", "#A6761D", "#66A61E", "#7570B3", "#F781BF", "#8DD3C7", "#B15928",
    "#FB9A99", "#6A3D9A", "#FFD92F", "#B2DF8A", "#8C510A", "#C51B7D", "#01665E", "#FDBF6F",
    "#4D9221", "#BF812D", "#762A83", "#35978F", "#80CDC1")
# Two colours closer than this (CIE76 delta E in Lab) read as one on a map
MIN_COLOR_DISTANCE = 20.0


@functools.lru_cache(maxsize=4096)
def _lab(color: str) -> tuple[float, float, float]:
    """CIE Lab (D65) of a #rrggbb colour."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(int(color[k:k + 2], 16) / 255) for k in (1, 3, 5))
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
           0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def color_distance(a: str, b: str) -> float:
    """How different two #rrggbb colours look (CIE76 delta E: ~2 just noticeable)."""
    return sum((x - y) ** 2 for x, y in zip(_lab(a), _lab(b))) ** 0.5


@functools.cache
def _color_pool() -> tuple[str, ...]:
    """Candidates once the palette is spent: hues round the wheel, at several lightnesses
    and saturations."""
    pool = []
    for saturation in (0.75, 0.4):
        for lightness in (0.45, 0.3, 0.65, 0.55, 0.38):
            for step in range(36):
                r, g, b = colorsys.hls_to_rgb(step / 36, lightness, saturation)
                pool.append(f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}")
    return tuple(dict.fromkeys(DISTINCT_PALETTE + tuple(pool)))


def distinct_colors(weights: Mapping[str, int], table=None) -> dict[str, str]:
    """{party id: #rrggbb} for the parties of ``weights`` (id -> how many items it has), no
    two alike (``MIN_COLOR_DISTANCE``), none like the unattributed grey. Deterministic: the
    parties whose colour the table sets keep it first, then by weight, then by id; a party
    whose colour is taken gets the first palette colour far enough from those given, else
    the candidate farthest from them."""
    base = PartyNames(table)
    own = {pid: base.color(pid).upper() for pid in weights if clean(pid) is not None}

    def set_by_table(pid: str) -> bool:
        return own[pid] != fallback_color(str(pid)).upper()
    order = sorted(own, key=lambda p: (not set_by_table(p), -int(weights[p] or 0), str(p)))
    taken = {UNATTRIBUTED_COLOR.upper()}
    out: dict[str, str] = {}
    # first every party that can keep its own colour does (so a party moved aside never
    # takes the colour of one that comes later), then the others get new ones
    for pid in order:
        if own[pid] not in taken and all(color_distance(own[pid], t) >= MIN_COLOR_DISTANCE
                                          for t in taken):
            out[pid] = base.color(pid)  # the table's spelling
            taken.add(own[pid])
    pool = {c: min(color_distance(c, t) for t in taken) for c in _color_pool()}  # -> nearest
    for pid in order:
        if pid in out:
            continue
        free = [c for c in pool if c not in taken]
        color = next((c for c in free if pool[c] >= MIN_COLOR_DISTANCE), None)
        if color is None:  # hundreds of parties: the farthest left (the first on a tie)
            color = max(free, key=pool.__getitem__) if free else _unused(taken)
        out[pid] = color
        taken.add(color)
        for c in pool:
            pool[c] = min(pool[c], color_distance(c, color))
    return {pid: out[pid] for pid in order}


def _unused(taken: set[str]) -> str:
    """Some #rrggbb not in ``taken`` (only when the pool of candidates is spent)."""
    value = 0x101010
    while f"#{value:06X}" in taken:
        value = (value + 0x010203) % 0x1000000  # wraps round: never more than six digits
    return f"#{value:06X}"


def party_weights(frame: Optional[pd.DataFrame]) -> dict[str, int]:
    """{party id: number of casualty figures and claims it is the victims' side, the party or
    the claimant of} in a frame: the parties a map or chart of it colours."""
    if frame is None or len(frame) == 0 or "kind" not in frame.columns:
        return {}
    counts: dict[str, int] = {}
    rows = frame[frame["kind"].isin(["casualty", "claim"])]
    columns = [rows[c] for c in ("party",) if c in rows.columns]
    if "claimant" in rows.columns:
        columns.append(rows.loc[rows["kind"].eq("claim"), "claimant"])
    for column in columns:
        for pid, n in column.dropna().astype(str).value_counts(sort=False).items():
            counts[pid] = counts.get(pid, 0) + int(n)
    return counts


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


_OUTCOME_VERBS = {"killed": "killed", "wounded": "wounded", "missing": "left missing",
                  "captured": "captured", "displaced": "displaced"}


def actor_name(row: Mapping, names: PartyNames) -> Optional[str]:
    """Who acted, as the popup names it: the attacker's words as written ("Russian
    airstrikes"), else the acting party's name; None when the text names no actor."""
    text = clean(row.get("actor_text"))
    if text:
        return str(text)
    actor = clean(row.get("actor"))
    return names.name(actor) if actor else None


def figure_sentence(row: Mapping, names: PartyNames) -> str:
    """"Russian airstrikes killed 12 of Syria's civilians, according to activists" (plain
    text): the actor kept apart from the victims' side and the reporter; without an actor,
    "12 civilians killed" and the reporter."""
    count, plural = count_text(row)
    noun = _VICTIM_NOUNS.get(clean(row.get("victim")) or "unknown", _VICTIM_NOUNS["unknown"])
    party = clean(row.get("party"))
    victims = f"{count} of {names.name(party)}'s {noun[1]}" if party and plural else \
        f"{count} {noun[1] if plural else noun[0]}" + (
            f" of {names.name(party)}'s side" if party else "")
    outcome = clean(row.get("outcome")) or "affected"
    actor = actor_name(row, names)
    said = reporter_phrase(row, names)
    if said and said.endswith(" says"):
        said = f"according to {said[:-5]}"
    if actor:
        verb = _OUTCOME_VERBS.get(outcome, outcome)
        if outcome == "missing":
            text = f"{actor} left {victims} missing"
        else:
            text = f"{actor} {verb} {victims}"
    else:
        text = f"{victims} {outcome}"
    return f"{text}, {said}" if said else text


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


# A popup or an exported row quotes at most this many characters either side of its span: a
# sentence that lists 8,000 villages (109 KB) would otherwise be copied into each of its 8,000
# popups and rows. The store keeps the whole sentence (and the article it is cut from).
QUOTE_CONTEXT_CHARS = 300


def clip_text(text: str, a: int, b: int, context: int = QUOTE_CONTEXT_CHARS) -> str:
    """``text`` kept to ``context`` characters before ``a`` and after ``b``, cut at a space,
    with an ellipsis where something was left out."""
    lo, hi = max(0, a - context), min(len(text), b + context)
    if lo > 0:
        space = text.find(" ", lo, a)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", b, hi)
        hi = space if space != -1 else hi
    return ("… " if lo > 0 else "") + text[lo:hi] + (" …" if hi < len(text) else "")


def quote_of(sentence: Any, start: Any = None, end: Any = None,
             sentence_start: Any = None) -> Any:
    """The item's sentence kept to ``QUOTE_CONTEXT_CHARS`` either side of its span (``start``,
    ``end``: article offsets; ``sentence_start``: the sentence's), or to its first
    ``2 * QUOTE_CONTEXT_CHARS`` characters when the span is not known; short ones whole."""
    if not isinstance(sentence, str) or len(sentence) <= 2 * QUOTE_CONTEXT_CHARS:
        return sentence
    s0, s, e = as_int(sentence_start), as_int(start), as_int(end)
    if s0 is not None and s is not None and e is not None and 0 <= s - s0 < e - s0 <= len(sentence):
        return clip_text(sentence, s - s0, e - s0)
    return clip_text(sentence, 0, QUOTE_CONTEXT_CHARS)
