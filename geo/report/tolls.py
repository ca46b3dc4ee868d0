"""From many articles' figures to one figure per report, and each party's reported toll.

A war is reported by articles that repeat, update and contradict each other; summing their
figures counts the same deaths many times. Two steps undo that:

1. **Reports** (``to_reports``): casualty figures with the same value from the same reporter
   about the same victims (party, category) and outcome, dated within ``WINDOW_DAYS`` of each
   other, are one report (an incident's figure: at the same place, within a day). A report keeps every source (article, outlet, date, quote, span);
   ``n_sources`` counts the independent ones: articles of one outlet count once, and so do
   rewrites of one text (``geo.fingerprints``) whichever outlet posts them. Like UCDP's
   number_of_sources.
2. **Tolls** (``tolls``): per (victims' party, reporter, victim category, outcome), the reports
   in date order make a series of the reported cumulative toll:

   - a cumulative figure ("so far", "the toll rose to") is the toll as stated; a later one lower
     than the toll before it is kept and flagged, never dropped;
   - an incident ("killed in the shelling of X") or an increment ("two more") dated after the
     last cumulative figure is added to it; one dated on or before it is already in it, unless
     it is larger than that total (then it is the day's newer total, worded without "so far");
   - an incident figure that a rewrite of its article changes (14 in the morning's version, 19
     in the afternoon's) replaces the earlier figure instead of adding to it;
   - a historical figure ("in the 1990s war") is never part of a current toll;
   - repeats are one report, so they never add up.

Example (one army's figures for its own soldiers): day 1 "twelve were killed" (incident, toll
12); day 2 "bringing the toll to 21" (cumulative, 21); day 3 "47 have been killed so far", then
"61 soldiers have been killed" (61); days 4-5, five rewrites repeating "61" (one report, toll
61). The sum of those figures would be 12 + 21 + 47 + 61 x 6 = 446.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Iterable, Optional

import pandas as pd

from geo.fingerprints import is_rewrite, rewrite_neighbours

WINDOW_DAYS = 3  # the same running total repeated within this many days is one report
TOLL_KEY = ("party", "reported_by", "victim", "outcome")
# A toll never mixes two wars: the conflict of a figure's article (``geo.report.conflicts``)
# is part of every report's and toll's key, when the frame has one.
CONFLICT = "conflict"


@dataclass
class Source:
    """One article that gives a report's figure, with the quote behind it."""
    article_id: str
    outlet: Optional[str]
    date: Optional[str]
    title: Optional[str]
    url: Optional[str]
    sentence: str
    start: int  # the figure's span in the article text
    end: int
    item_id: Optional[int] = None


@dataclass
class Report:
    """One figure as reported, with all the articles that repeat it."""
    report_id: str
    party: Optional[str]
    reported_by: Optional[str]
    victim: Optional[str]
    outcome: str
    value: int  # the count used in tolls: count_best, else the conservative low bound
    count_low: Optional[int]
    count_high: Optional[int]
    qualifier: Optional[str]
    vague_word: Optional[str]
    figure_kind: str
    date: Optional[str]  # first date reported
    last_date: Optional[str]
    place: Optional[str]
    sources: list[Source] = field(default_factory=list)
    n_sources: int = 0  # independent sources: outlets, with rewrites of one text counted once
    rows: list = field(default_factory=list)  # index labels of the frame rows behind it
    conflict: Optional[str] = None  # its articles' conflict

    @property
    def key(self) -> tuple:
        return (self.party, self.reported_by, self.victim, self.outcome, self.conflict)

    @property
    def n_articles(self) -> int:
        return len({s.article_id for s in self.sources})


@dataclass
class TollPoint:
    date: str
    toll: int
    report_id: str
    figure_kind: str
    value: int
    how: str  # "stated" | "added" | "replaced" | "raised" | "included" (already counted) |
    # "kept" (a vague or zero total below the toll leaves it as it was)
    n_sources: int
    flag: Optional[str] = None  # e.g. "lower than the 61 reported on 2020-09-29"


@dataclass
class Toll:
    party: Optional[str]
    reported_by: Optional[str]
    victim: Optional[str]
    outcome: str
    toll: int  # the latest reported toll (as of the date asked)
    date: str  # when it was last reported (the last source of the report that set it)
    n_sources: int  # independent sources of the report that set or last changed it
    n_reports: int
    series: list[TollPoint] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    in_toll: list[str] = field(default_factory=list)  # ids of the reports the toll is made of
    conflict: Optional[str] = None  # the conflict of its figures' articles

    def to_json(self) -> dict:
        return asdict(self)


def _day(value) -> Optional[date]:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _none(value):
    return None if value is None or (isinstance(value, float) and pd.isna(value)) \
        or value is pd.NA else value


def _outlet(value) -> Optional[str]:
    """An outlet's name for comparison: lower case, single spaces (None when unknown)."""
    value = _none(value)
    return " ".join(str(value).lower().split()) or None if value else None


def independent_sources(article_ids: Iterable[str], outlets: dict, signatures: dict) -> int:
    """How many independent sources: articles joined when they share an outlet or one is a
    rewrite of the other (union-find), each group counted once."""
    ids = list(dict.fromkeys(article_ids))
    parent = {a: a for a in ids}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            same_outlet = outlets.get(a) and outlets.get(a) == outlets.get(b)
            if same_outlet or is_rewrite(signatures.get(a), signatures.get(b)):
                parent[find(a)] = find(b)
    return len({find(a) for a in ids})


def _report_id(key: tuple, value: int, first_date, first_source: Source) -> str:
    raw = "|".join(map(str, (*key, value, first_date, first_source.article_id,
                             first_source.start)))
    return hashlib.blake2b(raw.encode(), digest_size=6).hexdigest()


def _iso(value) -> Optional[str]:
    day = _day(_none(value))
    return day.isoformat() if day else None


def _same_report(report: Report, kind: str, day: Optional[date], article_id: str,
                 signatures: dict, window_days: int) -> bool:
    """Whether a figure equal to ``report``'s (same key, value, place for incidents) repeats
    it. A running total repeats within ``window_days``; an incident or increment only on the
    same day, or within the window in a rewrite of an article that gave it: "one soldier
    killed" on two days in a daily war is two incidents."""
    first, last = _day(report.date), _day(report.last_date)
    if day is None or last is None:
        return day is None and last is None
    if kind == "cumulative" or report.figure_kind == "cumulative":
        return (day - last).days <= window_days
    if day == first:
        return True
    return (day - last).days <= window_days and any(
        is_rewrite(signatures.get(article_id), signatures.get(s.article_id))
        for s in report.sources)


def to_reports(frame: pd.DataFrame, signatures: Optional[dict] = None,
                window_days: int = WINDOW_DAYS) -> list[Report]:
    """The casualty rows of ``frame`` (``MAP_COLUMNS``) consolidated into reports, by first date.
    ``Report.rows`` holds the frame's index labels (make them unique first)."""
    signatures = signatures or {}
    if frame.empty:
        return []
    figures = frame[frame["kind"] == "casualty"]
    if figures.empty:
        return []
    figures = figures.assign(_value=figures["count_best"].fillna(figures["count_low"]))
    figures = figures[figures["_value"].notna()]
    dates = figures["date"].where(figures["date"].notna(), figures["article_date"])
    conflicts = (figures[CONFLICT] if CONFLICT in figures.columns
                 else pd.Series(None, index=figures.index, dtype=object))
    figures = figures.assign(_conflict=conflicts.astype(object),
                             _date=[_iso(d) for d in dates],
                             _article=figures["article_id"].fillna("").astype(str),
                             _start=pd.to_numeric(figures["start"]).fillna(0).astype(int))
    figures = figures.sort_values(["_date", "_article", "_start"], na_position="last",
                                  kind="stable")
    open_reports: dict[tuple, Report] = {}
    reports: list[Report] = []
    outlets: dict[str, Optional[str]] = {}
    # plain dicts: a pandas row lookup per field would cost seconds on 10,000 figures
    needed = [*TOLL_KEY, "_value", "_date", "_article", "_start", "figure_kind", "vague_word",
              "place", "source", "title", "url", "sentence", "end", "item_id", "count_low",
              "count_high", "qualifier", "_conflict"]
    for label, row in zip(figures.index, figures[needed].to_dict("records")):
        key = tuple(_none(row[c]) for c in TOLL_KEY)
        conflict = _none(row["_conflict"])
        value = int(row["_value"])
        kind = _none(row["figure_kind"]) or "incident"
        when = row["_date"]
        # a historical figure and a current one, an increment and an incident, are different
        # reports even when equal; an incident's place is part of what it is
        match_key = (*key, conflict, value, kind if kind in ("historical", "incremental") else None,
                     _none(row["vague_word"]),
                     None if kind == "cumulative" else _none(row["place"]))
        end = _none(row["end"])
        source = Source(article_id=row["_article"], outlet=_none(row["source"]),
                        date=when, title=_none(row["title"]), url=_none(row["url"]),
                        sentence=_none(row["sentence"]) or "", start=row["_start"],
                        end=int(end) if end is not None else row["_start"],
                        item_id=_none(row["item_id"]))
        outlets[source.article_id] = _outlet(source.outlet)
        report = open_reports.get(match_key)
        if report is not None and _same_report(report, kind, _day(when), source.article_id,
                                               signatures, window_days):
            report.sources.append(source)
            report.rows.append(label)
            report.last_date = when or report.last_date
            if kind == "cumulative" and report.figure_kind != "cumulative":
                report.figure_kind = kind  # "so far" in one source says what the figure is
            continue
        report = Report(
            report_id=_report_id(key, value, when, source), party=key[0],
            reported_by=key[1], victim=key[2], outcome=key[3], value=value,
            count_low=_none(row["count_low"]), count_high=_none(row["count_high"]),
            qualifier=_none(row["qualifier"]), vague_word=_none(row["vague_word"]),
            figure_kind=kind, date=when, last_date=when, place=_none(row["place"]),
            sources=[source], rows=[label], conflict=conflict)
        open_reports[match_key] = report
        reports.append(report)
    for report in reports:
        report.n_sources = independent_sources((s.article_id for s in report.sources),
                                               outlets, signatures)
    return reports


def _rewritten_by(report: Report, earlier: list[Report],
                  neighbours: dict[str, frozenset[str]]) -> Optional[Report]:
    """The earlier (non-cumulative) report whose figure ``report``'s article rewrites: one
    report from a rewrite of this article that this article does not repeat. ``neighbours``:
    each article's rewrites (``geo.fingerprints.rewrite_neighbours``)."""
    mine = {s.article_id for s in report.sources}
    rewrites = set().union(*(neighbours.get(a, ()) for a in mine))
    if not rewrites:
        return None  # the common case, decided without looking at the earlier reports
    candidates = []
    for other in earlier:
        if other.figure_kind == "cumulative":
            continue
        theirs = {s.article_id for s in other.sources}
        if theirs & mine:
            continue  # this article repeats that figure too: a different incident
        if theirs & rewrites:
            candidates.append(other)
    if len(candidates) > 1:
        same_place = [c for c in candidates if c.place == report.place]
        candidates = same_place if len(same_place) == 1 else candidates
    if len(candidates) > 1:
        candidates = [min(candidates, key=lambda c: abs(c.value - report.value))]
    return candidates[0] if candidates else None


def _figure_words(report: Report) -> str:
    if report.vague_word:
        return f"'{report.vague_word}' (at least {report.value})"
    return f"{'at least ' if report.qualifier == 'at_least' else ''}{report.value}"


def _day_order(report: Report) -> tuple:
    """Reports of one day: running totals first, smallest first (a total rises through the
    day; the order articles were stored in says nothing), then incidents and increments."""
    cumulative = report.figure_kind == "cumulative"
    return (report.date, 0 if cumulative else 1, report.value if cumulative else 0,
            report.sources[0].article_id, report.sources[0].start)


def _series(reports: list[Report], signatures: dict
            ) -> tuple[list[TollPoint], list[str], list[str]]:
    """The toll after each report, the flags raised, and the reports the last toll is made of."""
    neighbours = rewrite_neighbours((s.article_id for r in reports for s in r.sources),
                                    signatures)
    points: list[TollPoint] = []
    flags: list[str] = []
    base: Optional[int] = None  # the last cumulative figure
    base_report: Optional[Report] = None
    base_day: Optional[date] = None
    added: list[Report] = []  # incidents and increments since it
    for report in reports:
        day = _day(report.date)
        toll_before = (base or 0) + sum(r.value for r in added) if points else None
        how, flag = "added", None
        floor = report.vague_word is not None or report.qualifier in ("vague", "at_least") \
            or report.value == 0
        if report.figure_kind == "cumulative" and floor and toll_before is not None \
                and report.value < toll_before:
            # "dozens have been killed", "no soldier has died so far" after a precise 40: a
            # vague or zero total says less than the toll, not that it fell
            how = "kept"
            flag = f"{_figure_words(report)} is below the {toll_before} reported on " \
                   f"{points[-1].date}"
            flags.append(f"{report.date}: {flag}")
        elif report.figure_kind == "cumulative":
            if toll_before is not None and report.value < toll_before:
                flag = (f"lower than the {toll_before} reported on {points[-1].date}")
                flags.append(f"{report.date}: {report.value} {flag}")
            base, base_day, added, how = report.value, day, [], "stated"
            base_report = report
        elif base_day is not None and day is not None and day <= base_day:
            if report.value > base + sum(r.value for r in added):
                # more than the running total of its day: it cannot be part of it, so it is
                # that day's newer total, worded without "so far"
                base, added, how = report.value, [], "raised"
                base_report = report
            else:
                how = "included"  # dated on or before a running total that came after it
        else:
            replaced = (_rewritten_by(report, added, neighbours)
                        if report.figure_kind == "incident" else None)
            if replaced is not None:
                added = [r for r in added if r is not replaced]
                how = "replaced"
            added.append(report)
        toll = (base or 0) + sum(r.value for r in added)
        points.append(TollPoint(date=report.date, toll=toll, report_id=report.report_id,
                                figure_kind=report.figure_kind, value=report.value, how=how,
                                n_sources=report.n_sources, flag=flag))
    parts = ([base_report] if base_report is not None else []) + added
    return points, flags, [r.report_id for r in parts]


def known_by(frame: pd.DataFrame, as_of: Optional[str]) -> pd.DataFrame:
    """The rows of ``frame`` known on ``as_of``: dated (or published) no later, and from
    articles published by then: a later article is no source of an earlier figure yet."""
    if not as_of:
        return frame
    dates = frame["date"].where(frame["date"].notna(), frame["article_date"])
    published = frame["article_date"]
    keep = (dates.isna() | (dates.astype(str).str[:10] <= as_of)) & \
        (published.isna() | (published.astype(str).str[:10] <= as_of))
    return frame[keep]


def tolls(reports: list[Report], as_of: Optional[str] = None,
          signatures: Optional[dict] = None) -> list[Toll]:
    """Per (party, reporter, victim category, outcome, conflict), the reported toll as of ``as_of``
    (default: all dates) and its series. Undated and historical reports stay out."""
    signatures = signatures or {}
    limit = _day(as_of) if as_of else None
    groups: dict[tuple, list[Report]] = {}
    for report in reports:
        day = _day(report.date)
        if day is None or report.figure_kind == "historical" or (limit and day > limit):
            continue
        groups.setdefault(report.key, []).append(report)
    out = []
    for key, group in groups.items():
        group.sort(key=_day_order)
        points, flags, parts = _series(group, signatures)
        last_change = next((p for p in reversed(points) if p.how != "included"), points[-1])
        # the toll's date: when the report that set or last changed it was last seen
        setter = next(r for r in group if r.report_id == last_change.report_id)
        seen = [s.date for s in setter.sources if s.date and (not limit or _day(s.date) <= limit)]
        out.append(Toll(party=key[0], reported_by=key[1], victim=key[2], outcome=key[3],
                        toll=points[-1].toll, date=max(seen, default=points[-1].date),
                        n_sources=last_change.n_sources, n_reports=len(group),
                        series=points, flags=flags, in_toll=parts, conflict=key[4]))
    out.sort(key=lambda t: (str(t.conflict or ""), str(t.party), str(t.reported_by),
                            str(t.victim), t.outcome))
    return out


def tolls_frame(result: list[Toll]) -> pd.DataFrame:
    """One row per toll (the latest value), for tables and CSV."""
    rows = [{"conflict": t.conflict, "party": t.party, "reported_by": t.reported_by,
             "victim": t.victim, "outcome": t.outcome, "toll": t.toll, "date": t.date,
             "n_sources": t.n_sources, "n_reports": t.n_reports,
             "flags": "; ".join(t.flags) or None,
             "series": " ".join(f"{p.date}:{p.toll}" for p in t.series)} for t in result]
    columns = ["conflict", "party", "reported_by", "victim", "outcome", "toll", "date",
               "n_sources", "n_reports", "flags", "series"]
    return pd.DataFrame(rows, columns=columns)


def chart_frame(result: list[Toll], name=lambda party_id: party_id) -> pd.DataFrame:
    """The series for a chart of tolls side by side per party: one row per point, labelled
    "<reporter> reports" and "<victims' party>: <victims> <outcome>"; ``name`` turns party ids
    into display names."""
    rows = []
    for t in result:
        reporter = name(t.reported_by) if t.reported_by else "unattributed"
        victims = name(t.party) if t.party else "unattributed"
        for p in t.series:
            rows.append({"date": pd.Timestamp(p.date), "toll": p.toll,
                         "reporter": f"{reporter} reports", "victims": victims,
                         "series": f"{victims}: {t.victim} {t.outcome}", "kind": p.figure_kind,
                         "how": p.how, "sources": p.n_sources, "flag": p.flag or ""})
    columns = ["date", "toll", "reporter", "victims", "series", "kind", "how", "sources", "flag"]
    return pd.DataFrame(rows, columns=columns)


def consolidated_items(frame: pd.DataFrame, signatures: Optional[dict] = None) -> pd.DataFrame:
    """``frame`` with its casualty rows collapsed to one row per report (the first source's
    row, so its quote and span stay), plus ``report_id``, ``n_sources`` (independent
    sources), ``n_articles`` and ``in_toll``: whether the report is part of its group's
    current toll (a running total overtaken by a later one, or an incident already in a later
    total, is not), so that summing one reporter's ``in_toll`` rows per region counts each
    death it reports once. Two reporters' tolls of the same victims are alternatives, not
    parts: compare them, never add them.
    Other rows pass through with those columns empty."""
    labels = frame.index
    out = frame.reset_index(drop=True)  # positions: the caller's labels may repeat
    out["report_id"] = None
    out["n_sources"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["n_articles"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["in_toll"] = pd.array([pd.NA] * len(out), dtype="boolean")
    if out.empty:
        return out.set_axis(labels)
    reports = to_reports(out, signatures)
    counted = {rid for t in tolls(reports, signatures=signatures) for rid in t.in_toll}
    firsts = {r.rows[0]: r for r in reports}
    drop = [label for r in reports for label in r.rows[1:]]
    first = out.index.to_series().map(firsts)  # the report each first row stands for
    has = first.notna()
    out.loc[has, "report_id"] = [r.report_id for r in first[has]]
    out.loc[has, "n_sources"] = [r.n_sources for r in first[has]]
    out.loc[has, "n_articles"] = [r.n_articles for r in first[has]]
    out.loc[has, "in_toll"] = [r.report_id in counted for r in first[has]]
    out = out.set_axis(labels).iloc[sorted(set(range(len(out))) - set(drop))]
    return out
