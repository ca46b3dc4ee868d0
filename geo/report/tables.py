"""The dashboard's tables (plain text cells, no Streamlit): figures, claims, who reports what,
one place side by side, tolls, the party table and the last upload."""
from __future__ import annotations

from typing import Optional

import pandas as pd

from geo.report.conflicts import OTHER, conflict_names
from geo.report.labels import (EVENT_TYPE_LABELS, PartyNames, actor_name, clean, count_text,
                               figure_counts, figure_phrase, reporter_phrase)

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
    who acted and the event's type when the text says, date, place, the sentence it comes
    from and its article."""
    cas = frame[frame["kind"] == "casualty"]
    columns = ["figure", "actor", "event type", "date", "place", "sentence", "title", "source"]
    if cas.empty:
        return pd.DataFrame(columns=columns)
    names = PartyNames(parties)
    rows = cas.to_dict("records")
    return cas.assign(figure=[item_label(r, parties) for r in cas.itertuples()],
                      actor=[actor_name(r, names) for r in rows],
                      **{"event type": [EVENT_TYPE_LABELS.get(clean(r.get("event_type")) or "")
                                        for r in rows]})[columns]


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


def ingest_report(results) -> pd.DataFrame:
    """One row per ingested item: status, file, article id, counts, reason (plain text)."""
    return pd.DataFrame([{"status": r.status, "file": r.path, "article": r.article_id or "",
                          "places, figures, claims": ", ".join(map(str, r.counts))
                          if r.status == "ok" else "", "reason": r.reason}
                         for r in results],
                        columns=["status", "file", "article", "places, figures, claims",
                                 "reason"])


def binned_note(result, binned_ids):
    """An ingest result (``geo.pipeline.IngestResult``) as the user reads it: a duplicate of
    an article in the bin (``binned_ids``) says so, and how to bring it back (its text is not
    stored again); any other result as it is."""
    from dataclasses import replace

    from geo.store import same_text_reason

    if result.status != "duplicate" or result.article_id not in binned_ids:
        return result
    return replace(result, reason=same_text_reason(result.article_id, binned=True))


def binned_rows(rows: pd.DataFrame, binned_ids) -> pd.DataFrame:
    """``ingest_report`` rows, each duplicate of an article in the bin (``binned_ids``) saying
    so, as ``binned_note`` does for one result."""
    from geo.store import same_text_reason

    if rows.empty:
        return rows
    hit = rows["status"].eq("duplicate") & rows["article"].isin(set(binned_ids))
    if not hit.any():
        return rows
    rows = rows.copy()
    rows.loc[hit, "reason"] = [same_text_reason(a, binned=True) for a in rows.loc[hit, "article"]]
    return rows


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


def tolls_table(result: list, parties=None) -> pd.DataFrame:
    """One row per toll, party names spelled out, the biggest first within each victims'
    side: what each side reports, side by side."""
    names, wars = PartyNames(parties), conflict_names()
    rows = [{"conflict": wars.get(t.conflict or OTHER, t.conflict),
             "victims' side": names.name(t.party, default="unattributed"),
             "reported by": names.name(t.reported_by, default="no source given")
             if t.reported_by else "no source given",
             "victims": t.victim, "outcome": t.outcome, "toll": t.toll, "as of": t.date,
             "independent sources": t.n_sources, "reports": t.n_reports,
             "flags": "; ".join(t.flags)} for t in result]
    table = pd.DataFrame(rows, columns=["conflict", "victims' side", "reported by", "victims",
                                        "outcome", "toll", "as of", "independent sources",
                                        "reports", "flags"])
    return table.sort_values(["conflict", "victims' side", "outcome", "toll"],
                             ascending=[True, True, True, False], kind="stable")


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
