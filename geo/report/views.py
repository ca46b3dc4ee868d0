"""Tables and the highlighted article view the dashboard shows (pure functions, no Streamlit).

Everything that comes from an article is untrusted: it is escaped here before it becomes HTML.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import date as _date, timedelta
from typing import Any, Mapping, Optional

import pandas as pd

from geo.report.labels import PartyNames, clean, count_text, figure_phrase, reporter_phrase
from geo.records import OUTCOMES, PRECISIONS

_FIGURE_COLUMNS = ["party", "outcome", "figures", "sum of figures", "vague figures",
                   "vague: at least", "reported by"]


def item_label(row, parties=None) -> str:
    """'Azerbaijan says: 14 civilians killed' (plain text; the reporter is kept apart)."""
    row = row._asdict() if hasattr(row, "_asdict") else dict(row)
    names = PartyNames(parties)
    victims = names.name(row.get("party"), default="unattributed")
    phrase = f"{figure_phrase(row)} ({victims} side)"
    says = reporter_phrase(row, names)
    return f"{says}: {phrase}" if says else phrase


def casualty_table(frame: pd.DataFrame, parties=None) -> pd.DataFrame:
    """One row per casualty figure: its label (reporter kept apart from the victims' side),
    date, place, the sentence it comes from and its article."""
    cas = frame[frame["kind"] == "casualty"]
    columns = ["figure", "date", "place", "sentence", "title", "source"]
    if cas.empty:
        return pd.DataFrame(columns=columns)
    return cas.assign(figure=[item_label(r, parties) for r in cas.itertuples()])[columns]


def figures_per_party(frame: pd.DataFrame, parties=None) -> pd.DataFrame:
    """One row per (victims' party, outcome): how many figures, their sums, who reported them.

    Sums are of figures as reported, across articles: the same deaths reported by two
    articles count twice, so read them as "reported", not as a death toll.
    """
    cas = frame[frame["kind"] == "casualty"]
    if cas.empty:
        return pd.DataFrame(columns=_FIGURE_COLUMNS)
    vague = cas["qualifier"].eq("vague")
    names = PartyNames(parties)  # once: it indexes the party table
    cas = cas.assign(
        party_name=[names.name(p, default="unattributed") for p in cas["party"]],
        reporter=[names.name(p, default="unattributed") if p is not None else "unknown"
                  for p in cas["reported_by"]],
        is_vague=vague,
        # a number as reported (best, else the bound of "at least 67"); vague words apart
        number=pd.to_numeric(cas["count_best"], errors="coerce")
        .fillna(pd.to_numeric(cas["count_low"], errors="coerce")).where(~vague),
        vague_low=pd.to_numeric(cas["count_low"], errors="coerce").where(vague),
    )
    grouped = cas.groupby(["party_name", "outcome"], dropna=False)
    table = grouped.agg(**{"figures": ("outcome", "size"), "sum of figures": ("number", "sum"),
                           "vague figures": ("is_vague", "sum"),
                           "vague: at least": ("vague_low", "sum"),
                           "reported by": ("reporter", lambda s: ", ".join(sorted(set(s))))})
    table = table.reset_index().rename(columns={"party_name": "party"})
    return table[_FIGURE_COLUMNS].astype({"sum of figures": "Int64", "vague: at least": "Int64"})


def _spans(detail: dict) -> list[tuple[int, int, str, str]]:
    spans = []
    for kind in ("casualties", "claims"):
        for item in detail.get(kind) or []:
            if item.get("start") is None or item.get("end") is None:
                continue
            who = item.get("party") if kind == "casualties" else item.get("claimant")
            spans.append((int(item["start"]), int(item["end"]), kind[:-1] if kind == "claims"
                          else "casualty", who))
    for item in detail.get("places") or []:
        spans.append((int(item["start"]), int(item["end"]), "place", None))
    for start, end in detail.get("boilerplate") or []:
        spans.append((int(start), int(end), "boilerplate", None))
    # longest first at the same start; overlapping later spans are dropped
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept, last_end = [], -1
    for span in spans:
        if span[0] >= last_end:
            kept.append(span)
            last_end = span[1]
    return kept


def highlight_article(detail: dict, parties=None) -> str:
    """The article text as escaped HTML with each figure, claim and place marked."""
    text = detail.get("text") or ""
    out, pos = [], 0
    names = PartyNames(parties)
    for start, end, kind, who in _spans(detail):
        out.append(html.escape(text[pos:start]))
        color = names.color(who)  # validated #rrggbb: it goes into a style
        style = {"place": "border-bottom:2px solid #888;background:none",
                 "boilerplate": "color:#999;background:none;text-decoration:line-through"
                 }.get(kind, f"background:{color}33;border-bottom:2px solid {color}")
        title = {"place": "place", "boilerplate": "boilerplate: nothing is extracted here"
                 }.get(kind, f"{kind}: {names.name(who, default='unattributed')}")
        out.append(f'<mark class="geo-{kind}" style="{style}" title="{html.escape(title)}">'
                   f"{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    body = "".join(out).replace("\n", "<br>")
    return f'<div class="geo-article" style="line-height:1.6">{body}</div>'


_CLAIM_COLUMNS = ["claimant", "stance", "target", "claim", "disputed by", "date", "place",
                  "article", "source"]


def claims_table(frame: pd.DataFrame, parties=None) -> pd.DataFrame:
    """Claims in reading order per article, with party names, and for each claim or
    accusation the denials answering it in the same article ("disputed by"), so conflicting
    claims stand side by side.

    A denial answers the nearest earlier claim/accusation whose claimant is the denial's
    target or whose target is the denier."""
    claims = frame[frame["kind"] == "claim"].sort_values(["article_date", "article_id", "start"],
                                                        na_position="last")
    if claims.empty:
        return pd.DataFrame(columns=_CLAIM_COLUMNS)
    names = PartyNames(parties)
    disputed: dict = {}
    for _, article in claims.groupby("article_id", sort=False):
        rows = list(article.itertuples())
        for i, row in enumerate(rows):
            if row.stance != "denial":
                continue
            for earlier in reversed(rows[:i]):
                if earlier.stance in ("claim", "accusation") and row.claimant is not None and (
                        earlier.claimant == row.target or earlier.target == row.claimant):
                    disputed.setdefault(earlier.Index, []).append(names.name(row.claimant))
                    break
    return pd.DataFrame({
        "claimant": [names.name(c, default="unattributed") for c in claims["claimant"]],
        "stance": claims["stance"].tolist(),
        "target": [names.name(t, default="") for t in claims["target"]],
        # a bare "it" ("Turkey has denied it") says nothing alone: show the sentence then
        "claim": [text if len(str(text or "").split()) >= 3 else (sentence or text)
                  for text, sentence in zip(claims["claim_text"], claims["sentence"])],
        "disputed by": [", ".join(disputed.get(i, [])) for i in claims.index],
        "date": claims["date"].tolist(),
        "place": claims["place"].tolist(),
        "article": claims["title"].tolist(),
        "source": claims["source"].tolist(),
    }, columns=_CLAIM_COLUMNS)


def date_bounds(first, last) -> tuple:
    """The date filter's default range: the store's first and last dates, or a wide span when
    nothing is dated yet."""
    from datetime import date

    lo = date.fromisoformat(first) if first else date(2000, 1, 1)
    hi = date.fromisoformat(last) if last else date.today()
    return lo, max(lo, hi)


def ingest_report(results) -> pd.DataFrame:
    """One row per ingested item: status, file, article id, counts, reason (plain text)."""
    return pd.DataFrame([{"status": r.status, "file": r.path, "article": r.article_id or "",
                          "places, figures, claims": ", ".join(map(str, r.counts))
                          if r.status == "ok" else "", "reason": r.reason}
                         for r in results],
                        columns=["status", "file", "article", "places, figures, claims",
                                 "reason"])


def parties_table(parties) -> pd.DataFrame:
    """The party table as the dashboard shows it."""
    return pd.DataFrame([{"id": p.id, "name": p.name, "color": p.color, "side": p.side,
                          "aliases": ", ".join(p.aliases)} for p in parties],
                        columns=["id", "name", "color", "side", "aliases"])


def figures_by_reporter(frame: pd.DataFrame, parties=None) -> pd.DataFrame:
    """Each reporter's figures side by side: one row per (date, victims' side, outcome), one
    column per reporter, so that one side's count of the other side's losses stands next to
    that side's own count. A cell lists the figures as written ("14", "about 100", "several")."""

    cas = frame[frame["kind"] == "casualty"]
    if cas.empty:
        return pd.DataFrame(columns=["date", "victims", "outcome"])
    names = PartyNames(parties)
    records = cas.to_dict("records")
    reporters, figures = [], []
    for r in records:
        figure, reporter = count_text(r)[0], clean(r.get("reported_by"))
        if reporter is None:
            reporters.append("no source")
        elif parties is not None and parties.get(reporter) is not None:
            reporters.append(names.name(reporter))
        else:  # free-text sources share one column, so the table stays narrow
            reporters.append("other sources")
            figure = f"{reporter}: {figure}"
        figures.append(figure)
    rows = pd.DataFrame({
        "date": cas["date"].fillna("undated").tolist(),
        "victims": [names.name(p, default="unattributed") for p in cas["party"]],
        "outcome": cas["outcome"].tolist(),
        "reporter": reporters,
        "figure": figures,
    })
    table = rows.pivot_table(index=["date", "victims", "outcome"], columns="reporter",
                             values="figure", aggfunc=lambda s: "; ".join(dict.fromkeys(s)))
    return table.reset_index().rename_axis(columns=None).fillna("")


# --- filters: one state for the dashboard, its URL and the CLI --------------------------------


KINDS = ("casualty", "claim", "place")  # records.KINDS in the order the sidebar offers them
# Presets count back from the store's last date: the corpora are historical, "last week" of
# 2015 news means the week before the newest item, not before today.
DATE_PRESETS = {"All dates": None, "Last 7 days": 7, "Last 30 days": 30, "Last 90 days": 90,
                "Last 365 days": 365}
SEARCH_COLUMNS = ("title", "sentence", "claim_text", "place")


@dataclass(frozen=True)
class Filters:
    """What the map, tables and exports show. Empty tuples mean "no filter"."""
    date_from: Optional[str] = None  # YYYY-MM-DD, inclusive
    date_to: Optional[str] = None
    parties: tuple = ()
    kinds: tuple = KINDS
    outcomes: tuple = ()  # casualty outcomes; claims and places are not affected
    min_precision: Optional[str] = None  # keep items located this precisely or better
    search: str = ""  # case-insensitive substring of title, sentence, claim or place
    include_undated: bool = True

    def __post_init__(self):
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value:
                object.__setattr__(self, name, _iso(value, name))
        for name, allowed in (("kinds", KINDS), ("outcomes", OUTCOMES)):
            values = _as_tuple(getattr(self, name))
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(f"{name}: got {bad}, expected a subset of {list(allowed)}")
            object.__setattr__(self, name, values)
        object.__setattr__(self, "parties", _as_tuple(self.parties))
        if self.min_precision is not None and self.min_precision not in PRECISIONS:
            raise ValueError(f"min_precision: got {self.min_precision!r}, expected one of "
                             f"{list(PRECISIONS)}")
        object.__setattr__(self, "search", str(self.search or "").strip())

    # -- the URL ------------------------------------------------------------------------------
    def to_params(self) -> dict:
        """Query parameters (only what differs from the defaults): lists for repeated keys."""
        out: dict = {}
        if self.date_from:
            out["from"] = self.date_from
        if self.date_to:
            out["to"] = self.date_to
        if self.parties:
            out["party"] = list(self.parties)
        if set(self.kinds) != set(KINDS):
            out["kind"] = list(self.kinds) or ["none"]
        if self.outcomes:
            out["outcome"] = list(self.outcomes)
        if self.min_precision:
            out["precision"] = self.min_precision
        if self.search:
            out["q"] = self.search
        if not self.include_undated:
            out["undated"] = "0"
        return out

    @classmethod
    def from_params(cls, params: Mapping) -> "Filters":
        """Filters from query parameters (``st.query_params`` or a plain dict); a value that
        is not valid (a shared link edited by hand) is dropped, never an error."""
        def many(key: str) -> list[str]:
            getter = getattr(params, "get_all", None)
            values = getter(key) if getter else params.get(key, [])
            values = [values] if isinstance(values, str) else list(values or [])
            return [v for part in values for v in str(part).split(",") if v]

        def one(key: str) -> Optional[str]:
            values = many(key)
            return values[-1] if values else None

        def date_or_none(key: str) -> Optional[str]:
            try:
                return _iso(one(key), key) if one(key) else None
            except ValueError:
                return None

        kinds = many("kind")
        return cls(date_from=date_or_none("from"), date_to=date_or_none("to"),
                   parties=tuple(dict.fromkeys(many("party"))),
                   kinds=tuple(k for k in kinds if k in KINDS) if kinds else KINDS,
                   outcomes=tuple(o for o in dict.fromkeys(many("outcome")) if o in OUTCOMES),
                   min_precision=one("precision") if one("precision") in PRECISIONS else None,
                   search=(one("q") or "")[:200],
                   include_undated=one("undated") not in ("0", "false", "no"))

    def summary(self, parties=None) -> str:
        """One line for titles and exports: 'Ukraine, Russia · 2014-07-01 to 2014-07-31 ...'."""
        names = PartyNames(parties)
        bits = []
        if self.date_from or self.date_to:
            bits.append(f"{self.date_from or '...'} to {self.date_to or '...'}")
        bits.append(", ".join(names.name(p) for p in self.parties) if self.parties
                    else "all parties")
        if set(self.kinds) != set(KINDS):
            bits.append(", ".join(self.kinds) or "nothing")
        if self.outcomes:
            bits.append(", ".join(self.outcomes))
        if self.min_precision:
            bits.append(f"located at {self.min_precision} level or better")
        if self.search:
            bits.append(f"matching \u201c{self.search}\u201d")
        return " \u00b7 ".join(bits)

    def with_dates(self, date_from, date_to) -> "Filters":
        return replace(self, date_from=date_from, date_to=date_to)


def _iso(value: Any, label: str) -> str:
    if isinstance(value, _date):
        return value.isoformat()
    try:
        return _date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise ValueError(f"{label}: got {value!r}, expected a date YYYY-MM-DD") from None


def _as_tuple(values: Any) -> tuple:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(dict.fromkeys(str(v) for v in values if v is not None and str(v)))


def preset_range(preset: str, first, last) -> tuple:
    """(from, to) dates of a preset, counted back from the store's ``last`` date."""
    lo, hi = date_bounds(first, last)
    if preset not in DATE_PRESETS:
        raise ValueError(f"preset: got {preset!r}, expected one of {list(DATE_PRESETS)}")
    days = DATE_PRESETS[preset]
    return (lo, hi) if days is None else (max(lo, hi - timedelta(days=days - 1)), hi)


def url_date_range(filters: "Filters", lo: _date, hi: _date) -> tuple:
    """The slider's (from, to) for a view opened from a link: the link's dates kept within the
    store's [lo, hi]; a link whose range misses the store altogether (made on another store)
    shows every date rather than an empty day at one end."""
    start = _date.fromisoformat(filters.date_from) if filters.date_from else lo
    end = _date.fromisoformat(filters.date_to) if filters.date_to else hi
    if end < lo or start > hi or start > end:
        return lo, hi
    return max(start, lo), min(end, hi)


def with_precision(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures and claims carry no precision of their own: they are placed at one of their
    article's place mentions. Each gets the precision of the place mention of its article at
    the same spot (coordinates to 4 decimals), else of any mention at that spot; figures with
    no coordinates are 'unresolved'. Place rows keep theirs."""
    if frame.empty or "precision" not in frame.columns:
        return frame
    lat = pd.to_numeric(frame["lat"], errors="coerce").round(4)
    lon = pd.to_numeric(frame["lon"], errors="coerce").round(4)
    spots = pd.DataFrame({"article_id": frame["article_id"], "lat4": lat, "lon4": lon,
                          "precision": frame["precision"]})
    places = spots[frame["kind"].eq("place") & spots["precision"].notna()]
    rank = {p: i for i, p in enumerate(PRECISIONS)}
    places = places.assign(rank=places["precision"].map(rank)).sort_values("rank")
    by_article = places.drop_duplicates(["article_id", "lat4", "lon4"]).set_index(
        ["article_id", "lat4", "lon4"])["precision"]
    by_spot = places.drop_duplicates(["lat4", "lon4"]).set_index(["lat4", "lon4"])["precision"]
    need = frame["kind"].ne("place") & frame["precision"].isna()
    if not need.any():
        return frame
    keys_a = pd.MultiIndex.from_arrays([frame["article_id"][need], lat[need], lon[need]])
    keys_s = pd.MultiIndex.from_arrays([lat[need], lon[need]])
    found = pd.Series(by_article.reindex(keys_a).to_numpy(), index=frame.index[need])
    found = found.fillna(pd.Series(by_spot.reindex(keys_s).to_numpy(), index=found.index))
    found[lat[need].isna() | lon[need].isna()] = "unresolved"
    out = frame.copy()
    out.loc[need, "precision"] = found.astype(object).where(found.notna(), None)
    return out


def filter_frame(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of ``frame`` (all of a store's items, ``Store.query()``) that ``filters`` keep.
    Dates and parties as ``Store.query`` reads them: an item's own date, undated items kept
    on request; a figure counts for its victims' party and its reporter, a claim for its
    claimant and target, a place for the parties of its article's figures and claims. Then
    kinds, outcomes, precision and search. Vectorised: a filter change on 10,000s of items
    costs milliseconds, with no new query."""
    if frame.empty:
        return frame
    keep = frame["kind"].isin(filters.kinds)
    if filters.date_from or filters.date_to:
        day = frame["date"].astype("string").str[:10]
        dated = pd.Series(True, index=frame.index)
        if filters.date_from:
            dated &= day.ge(filters.date_from).fillna(False).astype(bool)
        if filters.date_to:
            dated &= day.le(filters.date_to).fillna(False).astype(bool)
        keep &= dated | (day.isna() if filters.include_undated else False)
    if filters.parties:
        wanted = set(filters.parties)
        cas, claim = frame["kind"].eq("casualty"), frame["kind"].eq("claim")
        involved = ((cas & (frame["party"].isin(wanted) | frame["reported_by"].isin(wanted)))
                    | (claim & (frame["claimant"].isin(wanted) | frame["target"].isin(wanted))))
        articles = set(frame.loc[involved, "article_id"])
        keep &= involved | (frame["kind"].eq("place") & frame["article_id"].isin(articles))
    if filters.outcomes:
        keep &= frame["kind"].ne("casualty") | frame["outcome"].isin(filters.outcomes)
    if filters.min_precision:
        allowed = PRECISIONS[:PRECISIONS.index(filters.min_precision) + 1]
        keep &= frame["precision"].isin(allowed)
    if filters.search:
        hit = pd.Series(False, index=frame.index)
        for col in SEARCH_COLUMNS:
            if col in frame.columns:
                hit |= frame[col].astype("string").str.contains(
                    filters.search, case=False, regex=False, na=False).astype(bool)
        keep &= hit
    return frame[keep]


def load_items(store) -> pd.DataFrame:
    """Every item of the store, with figures and claims given their precision."""
    return with_precision(store.query())


def figure_counts(frame: pd.DataFrame) -> pd.Series:
    """Vectorised ``mapview.figure_count``: the number a casualty row adds to a sum (its low
    bound when vague or a range, else its best figure; NaN when there is none)."""
    qualifier = frame["qualifier"].fillna("exact")
    best = pd.to_numeric(frame["count_best"], errors="coerce").astype(float)
    low = pd.to_numeric(frame["count_low"], errors="coerce").astype(float)
    out = best.fillna(low)
    out[qualifier.eq("vague")] = low[qualifier.eq("vague")]
    out[qualifier.eq("range")] = low.fillna(best)[qualifier.eq("range")]
    return out.clip(lower=0)


def consolidate(frame: pd.DataFrame, signatures: Optional[dict] = None) -> pd.DataFrame:
    """Casualty rows collapsed into reports by ``geo.report.tolls.consolidated_items`` (the same
    figure from several articles is one row, with ``n_sources``, ``n_articles`` and
    ``in_toll``); ``signatures`` (``Store.signatures()``) tell rewrites apart."""
    from geo.report.tolls import consolidated_items

    if not frame["kind"].eq("casualty").any():
        return frame
    return consolidated_items(frame, signatures)


def reported_tolls(frame: pd.DataFrame, signatures: Optional[dict] = None,
                   as_of: Optional[str] = None) -> list:
    """``geo.report.tolls.Toll`` per (victims' party, reporter, victims, outcome) from the casualty
    rows of ``frame`` (give it every date: a toll needs its earlier totals) known by
    ``as_of``, as ``python -m geo tolls --as-of`` counts them."""
    from geo.report.tolls import consolidate as to_reports, known_by, tolls

    return tolls(to_reports(known_by(frame, as_of), signatures), as_of=as_of,
                 signatures=signatures)


def tolls_table(result: list, parties=None) -> pd.DataFrame:
    """One row per toll, party names spelled out, the biggest first within each victims'
    side: what each side reports, side by side."""
    names = PartyNames(parties)
    rows = [{"victims' side": names.name(t.party, default="unattributed"),
             "reported by": names.name(t.reported_by, default="no source given")
             if t.reported_by else "no source given",
             "victims": t.victim, "outcome": t.outcome, "toll": t.toll, "as of": t.date,
             "independent sources": t.n_sources, "reports": t.n_reports,
             "flags": "; ".join(t.flags)} for t in result]
    table = pd.DataFrame(rows, columns=["victims' side", "reported by", "victims", "outcome",
                                        "toll", "as of", "independent sources", "reports",
                                        "flags"])
    return table.sort_values(["victims' side", "outcome", "toll"],
                             ascending=[True, True, False], kind="stable")


def tolls_charts(result: list, parties=None, outcome: str = "killed", height: int = 180,
                 most: int = 8) -> list[tuple[str, Any]]:
    """(victims' side, chart) for the ``most`` sides with the biggest tolls: each side's
    reported toll over time, one line per reporter ("Armenia reports" beside "Azerbaijan
    reports"), as steps since a toll holds until the next report changes it."""
    import altair as alt

    from geo.report.tolls import chart_frame

    names = PartyNames(parties)
    data = chart_frame([t for t in result if t.outcome == outcome],
                       name=lambda pid: names.name(pid))
    if data.empty:
        return []
    victims = data["series"].str.split(": ").str[-1].str.rsplit(" ", n=1).str[0]
    data["line"] = data["reporter"] + ": " + victims  # "Armenia reports: military"
    biggest = data.groupby("victims")["toll"].max().sort_values(ascending=False)
    days = alt.Scale(domain=[data["date"].min().isoformat(), data["date"].max().isoformat()],
                     padding=12)
    charts = []
    for side in biggest.index[:most]:
        rows = data[data["victims"].eq(side)]
        chart = (alt.Chart(rows).mark_line(interpolate="step-after", point=True).encode(
            x=alt.X("date:T", title=None, scale=days,
                    axis=alt.Axis(format="%d %b %Y", tickMinStep=24 * 3600 * 1000)),
            y=alt.Y("toll:Q", title=f"reported {outcome}"),
            color=alt.Color("line:N", title="Who reports", legend=alt.Legend(labelLimit=280)),
            tooltip=[alt.Tooltip("date:T"), "line:N", "toll:Q", "kind:N", "how:N",
                     alt.Tooltip("sources:Q", title="independent sources"), "flag:N"])
            .properties(height=height, width="container"))  # a title would eat the height
        charts.append((side, chart))
    return charts


FINE_FOR_ADMIN1 = ("point", "city", "admin2", "admin1")
FINE_FOR_REGION = FINE_FOR_ADMIN1 + ("region",)


def with_areas(frame: pd.DataFrame, regions) -> pd.DataFrame:
    """Adds ``area_admin1`` ("Donets'k, UA"), ``adm1_code`` and ``area_region`` (named region)
    to each row by one sjoin of its point. A row located only at country level gets no
    province, one located at a region gets no province but its region: a country's label
    point would otherwise count for whatever province it happens to fall in."""
    import geopandas as gpd

    out = frame.copy()
    for col in ("area_admin1", "adm1_code", "area_region"):
        out[col] = None
    lat = pd.to_numeric(out["lat"], errors="coerce")
    lon = pd.to_numeric(out["lon"], errors="coerce")
    ok = lat.notna() & lon.notna()
    if not ok.any():
        return out
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon[ok], lat[ok]),
                              index=out.index[ok], crs="EPSG:4326")
    admin1 = regions.admin1[["adm1_code", "name", "iso_a2", "geometry"]]
    hits = gpd.sjoin(points, admin1, how="inner", predicate="intersects")
    hits = hits[~hits.index.duplicated(keep="first")]
    fine = out.loc[hits.index, "precision"].isin(FINE_FOR_ADMIN1)
    hits = hits[fine.to_numpy()]
    out.loc[hits.index, "adm1_code"] = hits["adm1_code"].to_numpy()
    out.loc[hits.index, "area_admin1"] = (hits["name"].fillna("?") + ", "
                                          + hits["iso_a2"].fillna("?")).to_numpy()
    named = regions.named_regions[["name", "geometry"]]
    hits = gpd.sjoin(points, named, how="inner", predicate="intersects")
    hits = hits[~hits.index.duplicated(keep="first")]
    fine = out.loc[hits.index, "precision"].isin(FINE_FOR_REGION)
    hits = hits[fine.to_numpy()]
    out.loc[hits.index, "area_region"] = hits["name"].to_numpy()
    return out


def area_totals(frame: pd.DataFrame, regions, level: str = "admin1", parties=None):
    """Casualties per province (``level`` "admin1") or named region ("region"): a GeoDataFrame
    with ``label``, ``total`` (figures added up - only the reports in a current toll when the
    frame is ``consolidate``d -, vague ones at their low bound; per victims' side the highest
    reporter's sum, as two reporters' counts of the same victims are alternatives),
    ``n_figures``, ``detail`` (per victims' party, plain text) and the unit's geometry. Rows
    need ``with_areas``."""
    import geopandas as gpd

    key = {"admin1": "adm1_code", "region": "area_region"}.get(level)
    if key is None:
        raise ValueError(f"level: got {level!r}, expected 'admin1' or 'region'")
    cas = frame[frame["kind"].eq("casualty") & frame[key].notna()]
    if "in_toll" in cas.columns:  # consolidated reports: a total counts each death once
        cas = cas[cas["in_toll"].fillna(False).astype(bool)]
    columns = ["label", "total", "n_figures", "detail", "geometry"]
    if cas.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs="EPSG:4326")
    names = PartyNames(parties)
    cas = cas.assign(n=figure_counts(cas).fillna(0),
                     side=[names.name(p, default="unattributed") for p in cas["party"]],
                     reporter=cas["reported_by"].fillna("").astype(str))
    # Two reporters' counts of the same victims are alternatives ("Armenia says 61, Azerbaijan
    # says 2,300"), never parts of one total: per victims' side, the highest reporter's sum.
    per_reporter = cas.groupby([key, "side", "reporter"])["n"].sum().reset_index()
    per_party = (per_reporter.groupby([key, "side"])
                 .agg(n=("n", "max"), reporters=("reporter", "size")).reset_index()
                 .sort_values([key, "n"], ascending=[True, False]))
    detail = per_party.groupby(key).apply(
        lambda g: "; ".join(f"{s}: {int(n):,}" + (f" (highest of {r} reporters)" if r > 1 else "")
                            for s, n, r in zip(g["side"], g["n"], g["reporters"])),
        include_groups=False)
    totals = per_party.groupby(key).agg(total=("n", "sum"))
    totals["n_figures"] = cas.groupby(key).size()
    totals["detail"] = detail
    if level == "admin1":
        units = regions.admin1.set_index("adm1_code")
        labels = units["name"].fillna("?") + ", " + units["iso_a2"].fillna("?")
    else:
        units = regions.named_regions.set_index("name")
        labels = pd.Series(units.index, index=units.index)
    totals = totals[totals.index.isin(units.index)]
    return gpd.GeoDataFrame({"label": labels.reindex(totals.index).to_numpy(),
                             "total": totals["total"].to_numpy(),
                             "n_figures": totals["n_figures"].to_numpy(),
                             "detail": totals["detail"].to_numpy()},
                            geometry=units.geometry.reindex(totals.index).to_numpy(),
                            crs="EPSG:4326")


def timeline_data(frame: pd.DataFrame, parties=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(casualties per day per victims' party, claims per day per claimant), dated rows only,
    cumulative tolls left out: columns ``date`` (datetime), ``party`` (name), ``color``, ``value``."""
    names = PartyNames(parties)
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
    import altair as alt

    casualties, claims = timeline_data(frame, parties)
    legend = pd.concat([casualties, claims])[["party", "color"]].drop_duplicates("party")
    color = alt.Color("party:N", title="Party",
                      scale=alt.Scale(domain=legend["party"].tolist(),
                                      range=legend["color"].tolist()))
    span = alt.selection_interval(encodings=["x"], name="span")
    x = alt.X("date:T", title=None)

    def bars(data, title):
        return (alt.Chart(data).mark_bar().encode(
            x=x, y=alt.Y("sum(value):Q", title=title, stack="zero"), color=color,
            tooltip=[alt.Tooltip("date:T"), "party:N", alt.Tooltip("sum(value):Q", title=title)])
            .properties(height=height, width="container"))

    return alt.vconcat(bars(casualties, "casualties reported").add_params(span),
                       bars(claims, "claims")).resolve_scale(x="shared")


def selected_span(selection) -> Optional[tuple]:
    """(from, to) dates of an altair interval selection as Streamlit reports it
    (``{"selection": {"span": {"date": [ms, ms]}}}``), else None."""
    from datetime import datetime, timezone

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
        return _date.fromisoformat(str(v)[:10])
    lo, hi = sorted(day(v) for v in values)
    return lo, hi


def side_by_side(frame: pd.DataFrame, parties=None, area: Optional[str] = None,
                 level: str = "admin1") -> pd.DataFrame:
    """For one place (an ``area_admin1`` label or a named region; None: everywhere) and the
    filtered period: one row per (victims' side, outcome), one column per reporter, each cell
    the figures as written and their sum - so one side's figure stands next to the other's."""

    col = {"admin1": "area_admin1", "region": "area_region"}[level]
    cas = frame[frame["kind"].eq("casualty")]
    if area is not None:
        cas = cas[cas[col].eq(area)]
    if cas.empty:
        return pd.DataFrame(columns=["victims", "outcome"])
    names = PartyNames(parties)
    reporters = []
    for r in cas["reported_by"]:
        if r is None or pd.isna(r):
            reporters.append("no source given")
        elif parties is not None and parties.get(r) is not None:
            reporters.append(f"{names.name(r)} says")
        else:
            reporters.append("other sources")
    rows = pd.DataFrame({"victims": [names.name(p, default="unattributed") for p in cas["party"]],
                         "outcome": cas["outcome"].to_numpy(), "reporter": reporters,
                         "figure": [count_text(r)[0] for r in cas.to_dict("records")],
                         "n": figure_counts(cas).to_numpy()})

    def cell(group):
        figures = "; ".join(dict.fromkeys(group["figure"]))
        total = group["n"].sum()
        return f"{figures} (sum {int(total):,})" if len(group) > 1 else figures

    table = rows.groupby(["victims", "outcome", "reporter"]).apply(cell, include_groups=False)
    return table.unstack("reporter").fillna("").reset_index().rename_axis(columns=None)


def place_candidates(name: str, geocoder=None, limit: int = 8) -> list[dict]:
    """Coordinates the offline gazetteer proposes for a typed place name, as keyword arguments
    for ``Store.correct_place`` plus a ``label`` to show."""
    if not str(name or "").strip():
        return []
    if geocoder is None:
        from geo.places.gazetteer import OfflineGeocoder
        geocoder = OfflineGeocoder()
    found = geocoder.geocode(str(name).strip(), exactly_one=False) or []
    out = []
    for loc in list(found)[:limit]:
        raw = getattr(loc, "raw", {}) or {}
        feature = raw.get("feature")
        precision = feature if feature in PRECISIONS[:-1] else "city"
        out.append({"label": f"{loc.address} ({precision}, {loc.latitude:.3f}, "
                             f"{loc.longitude:.3f})",
                    "lat": float(loc.latitude), "lon": float(loc.longitude),
                    "resolved_name": raw.get("name") or str(loc.address).split(",")[0],
                    "precision": precision, "country_code": raw.get("country_code"),
                    "admin1": raw.get("admin1")})
    return out
