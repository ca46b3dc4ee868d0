"""Tables and the highlighted article view the dashboard shows (pure functions, no Streamlit).

Everything that comes from an article is untrusted: it is escaped here before it becomes HTML.
"""
from __future__ import annotations

import html

import pandas as pd

from geo.mapview import PartyNames, figure_phrase

_FIGURE_COLUMNS = ["party", "outcome", "figures", "count_best_sum", "count_low_sum",
                   "vague", "reported_by"]


def _party_name(parties, pid) -> str:
    return PartyNames(parties).name(pid, default="unattributed")


def item_label(row, parties=None) -> str:
    """'Azerbaijan says: 14 civilians killed' (plain text; the reporter is kept apart)."""
    row = row._asdict() if hasattr(row, "_asdict") else dict(row)
    names = PartyNames(parties)
    reporter = row.get("reported_by")
    who = names.name(reporter, default="") if reporter is not None else ""
    victims = names.name(row.get("party"), default="unattributed")
    phrase = f"{figure_phrase(row)} ({victims} side)"
    return f"{who} says: {phrase}" if who else phrase


def figures_per_party(frame: pd.DataFrame, parties=None) -> pd.DataFrame:
    """One row per (victims' party, outcome): how many figures, their sums, who reported them.

    Sums are of figures as reported, across articles: the same deaths reported by two
    articles count twice, so read them as "reported", not as a death toll.
    """
    cas = frame[frame["kind"] == "casualty"]
    if cas.empty:
        return pd.DataFrame(columns=_FIGURE_COLUMNS)
    cas = cas.assign(
        party_name=[_party_name(parties, p) for p in cas["party"]],
        reporter=[_party_name(parties, p) if p is not None else "unknown"
                  for p in cas["reported_by"]],
        is_vague=cas["qualifier"].eq("vague"),
        best=pd.to_numeric(cas["count_best"], errors="coerce"),
        low=pd.to_numeric(cas["count_low"], errors="coerce"),
    )
    grouped = cas.groupby(["party_name", "outcome"], dropna=False)
    table = grouped.agg(figures=("outcome", "size"), count_best_sum=("best", "sum"),
                        count_low_sum=("low", "sum"), vague=("is_vague", "sum"),
                        reported_by=("reporter", lambda s: ", ".join(sorted(set(s)))))
    table = table.reset_index().rename(columns={"party_name": "party"})
    return table[_FIGURE_COLUMNS].astype({"count_best_sum": "Int64", "count_low_sum": "Int64"})


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
    for start, end, kind, who in _spans(detail):
        out.append(html.escape(text[pos:start]))
        color = PartyNames(parties).color(who)  # validated #rrggbb: it goes into a style
        style = ("border-bottom:2px solid #888;background:none" if kind == "place"
                 else f"background:{color}33;border-bottom:2px solid {color}")
        title = f"{kind}: {_party_name(parties, who)}" if kind != "place" else "place"
        out.append(f'<mark class="geo-{kind}" style="{style}" title="{html.escape(title)}">'
                   f"{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    body = "".join(out).replace("\n", "<br>")
    return f'<div class="geo-article" style="line-height:1.6">{body}</div>'
