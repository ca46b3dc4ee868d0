"""Tables and the highlighted article view the dashboard shows (pure functions, no Streamlit).

Everything that comes from an article is untrusted: it is escaped here before it becomes HTML.
"""
from __future__ import annotations

import html

import pandas as pd

from geo.mapview import PartyNames, figure_phrase, reporter_phrase

_FIGURE_COLUMNS = ["party", "outcome", "figures", "sum of figures", "vague figures",
                   "vague: at least", "reported by"]


def _party_name(parties, pid) -> str:
    return PartyNames(parties).name(pid, default="unattributed")


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
    cas = cas.assign(
        party_name=[_party_name(parties, p) for p in cas["party"]],
        reporter=[_party_name(parties, p) if p is not None else "unknown"
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
    for start, end, kind, who in _spans(detail):
        out.append(html.escape(text[pos:start]))
        color = PartyNames(parties).color(who)  # validated #rrggbb: it goes into a style
        style = {"place": "border-bottom:2px solid #888;background:none",
                 "boilerplate": "color:#999;background:none;text-decoration:line-through"
                 }.get(kind, f"background:{color}33;border-bottom:2px solid {color}")
        title = {"place": "place", "boilerplate": "boilerplate: nothing is extracted here"
                 }.get(kind, f"{kind}: {_party_name(parties, who)}")
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
    from geo.mapview import clean, count_text

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
