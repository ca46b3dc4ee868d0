"""The dashboard's charts: casualties and claims per day (with the span a drag selects), and
each side's reported toll over time."""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from typing import Any, Optional

import pandas as pd

from geo.report.labels import PartyNames, figure_counts
from geo.report.tolls import chart_frame


# Time axes: (longest span in days, tick interval, step, label format): every label carries
# the year, and ticks are never closer than their labels' unit (no "12 Oct" twice)
TIME_TICKS = ((10, "day", 1, "%-d %b %Y"), (21, "day", 2, "%-d %b %Y"),
              (70, "week", 1, "%-d %b %Y"), (140, "week", 2, "%-d %b %Y"),
              (400, "month", 1, "%b %Y"), (800, "month", 3, "%b %Y"),
              (1600, "month", 6, "%b %Y"))
HEADROOM = 1.12  # the top of a value axis is this much above the highest value


def time_axis(first: Any, last: Any) -> dict:
    """Scale and axis of a time axis from ``first`` to ``last`` (dates, at least one day
    apart on the axis): ``{"scale": {...}, "axis": {...}}`` as altair/vega-lite options.
    Ticks at whole days, weeks, months or years, labels with the year."""
    lo, hi = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    if hi <= lo:  # one day: a day either side, or the axis has no width
        lo, hi = lo - timedelta(days=1), hi + timedelta(days=1)
    days = (hi - lo).days
    interval, step, fmt = next(((i, st, f) for span, i, st, f in TIME_TICKS if days <= span),
                               ("year", max(1, math.ceil(days / 365 / 8)), "%Y"))
    return {"scale": {"domain": [lo.isoformat(), hi.isoformat()], "padding": 14},
            "axis": {"format": fmt, "tickCount": {"interval": interval, "step": step},
                     "labelOverlap": True, "labelSeparation": 6,
                     "labelAngle": 0, "grid": True}}


def value_scale(highest: Any) -> dict:
    """A value axis from 0 with room above the highest value: no point on its top edge or
    drawn above the axis."""
    top = float(highest) if highest is not None and pd.notna(highest) else 0.0
    return {"domain": [0, max(top * HEADROOM, 1.0)], "nice": True, "zero": True}


def tolls_charts(result: list, parties=None, outcome: str = "killed", height: int = 180,
                 most: int = 8) -> list[tuple[str, Any]]:
    """(victims' side, chart) for the ``most`` sides with the biggest tolls: each side's
    reported toll over time, one line per reporter ("Armenia reports" beside "Azerbaijan
    reports"), as steps since a toll holds until the next report changes it."""
    import altair as alt  # heavy: only the dashboard draws charts

    names = PartyNames(parties)
    data = chart_frame([t for t in result if t.outcome == outcome],
                       name=lambda pid: names.name(pid))
    if data.empty:
        return []
    victims = data["series"].str.split(": ").str[-1].str.rsplit(" ", n=1).str[0]
    data["line"] = data["reporter"] + ": " + victims  # "Armenia reports: military"
    biggest = data.groupby("victims")["toll"].max().sort_values(ascending=False)
    time = time_axis(data["date"].min(), data["date"].max())
    charts = []
    for side in biggest.index[:most]:
        rows = data[data["victims"].eq(side)]
        chart = (alt.Chart(rows).mark_line(interpolate="step-after", point=True).encode(
            x=alt.X("date:T", title=None, scale=alt.Scale(**time["scale"]),
                    axis=alt.Axis(**time["axis"])),
            y=alt.Y("toll:Q", title=f"reported {outcome}",
                    scale=alt.Scale(**value_scale(rows["toll"].max()))),
            color=alt.Color("line:N", title="Who reports", legend=alt.Legend(labelLimit=280)),
            tooltip=[alt.Tooltip("date:T"), "line:N", "toll:Q", "kind:N", "how:N",
                     alt.Tooltip("sources:Q", title="independent sources"), "flag:N"])
            .properties(height=height, width="container"))  # a title would eat the height
        charts.append((side, chart))
    return charts


def timeline_data(frame: pd.DataFrame, parties=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(casualties per day per victims' party, claims per day per claimant), dated rows only,
    cumulative tolls left out: columns ``date`` (datetime), ``party`` (name), ``color``, ``value``.
    Colours as the map of ``frame`` gives them (one per party, none shared)."""
    names = PartyNames(parties).shown(frame)
    dated = frame[frame["date"].notna()]
    if "figure_kind" in dated.columns:  # a toll since the war began is not that day's count
        dated = dated[dated["figure_kind"].ne("cumulative") | dated["kind"].ne("casualty")]
    out = []
    for kind, values in (("casualty", lambda f: figure_counts(f).fillna(0)),
                         ("claim", lambda f: pd.Series(1, index=f.index))):
        rows = dated[dated["kind"].eq(kind)]
        if rows.empty:
            out.append(pd.DataFrame(columns=["date", "party", "color", "value"]))
            continue
        who = rows["party"] if kind == "casualty" else rows["claimant"].fillna(rows["party"])
        day = pd.to_datetime(rows["date"].str[:10], errors="coerce")
        table = (pd.DataFrame({"date": day, "pid": who.astype(object).where(who.notna(), None),
                               "value": values(rows)})
                 .dropna(subset=["date"])
                 .groupby(["date", "pid"], dropna=False)["value"].sum().reset_index())
        table["party"] = [names.name(p, default="unattributed") for p in table["pid"]]
        table["color"] = [names.color(p) for p in table["pid"]]
        out.append(table.drop(columns="pid"))
    return out[0], out[1]


def timeline_chart(frame: pd.DataFrame, parties=None, height: int = 150):
    """Two stacked-bar charts over one shared time axis: casualties per day per victims' party
    and claims per day per claimant. Dragging on either selects a span (the interval
    selection ``span``: the dashboard narrows its date filter to it)."""
    import altair as alt  # heavy: only the dashboard draws charts

    casualties, claims = timeline_data(frame, parties)
    legend = pd.concat([casualties, claims])[["party", "color"]].drop_duplicates("party")
    color = alt.Color("party:N", title="Party",
                      scale=alt.Scale(domain=legend["party"].tolist(),
                                      range=legend["color"].tolist()))
    span = alt.selection_interval(encodings=["x"], name="span")
    days = pd.concat([casualties["date"], claims["date"]]).dropna()
    time = time_axis(days.min(), days.max()) if len(days) else {"scale": {}, "axis": {}}
    x = alt.X("date:T", title=None, scale=alt.Scale(**time["scale"]),
              axis=alt.Axis(**time["axis"]))

    def bars(data, title):
        highest = data.groupby("date")["value"].sum().max() if len(data) else 0
        return (alt.Chart(data).mark_bar().encode(
            x=x, y=alt.Y("sum(value):Q", title=title, stack="zero",
                         scale=alt.Scale(**value_scale(highest))), color=color,
            tooltip=[alt.Tooltip("date:T"), "party:N", alt.Tooltip("sum(value):Q", title=title)])
            .properties(height=height, width="container"))

    return alt.vconcat(bars(casualties, "casualties reported").add_params(span),
                       bars(claims, "claims")).resolve_scale(x="shared")


def selected_span(selection) -> Optional[tuple]:
    """(from, to) dates of an altair interval selection as Streamlit reports it
    (``{"selection": {"span": {"date": [ms, ms]}}}``), else None."""
    try:
        span = selection["selection"]["span"]
    except (KeyError, TypeError):
        return None
    values = next(iter(span.values()), None) if span else None
    if not values or len(values) != 2:
        return None

    def day(v):
        if isinstance(v, (int, float)):
            return datetime.fromtimestamp(v / 1000, tz=timezone.utc).date()
        return date.fromisoformat(str(v)[:10])
    lo, hi = sorted(day(v) for v in values)
    return lo, hi
