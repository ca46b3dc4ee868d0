"""The Tolls tab: each side's reported toll over time, one line per reporter."""
from __future__ import annotations

import streamlit as st

from geo.records import OUTCOMES
from geo.report import conflict_names, tolls_charts, tolls_table

from dashboard import data
from dashboard.data import View


def show(view: View) -> None:
    st.caption("Each side's reported toll over time, one line per reporter: what one side "
               "says of its own losses next to what the other side says of them. A toll is "
               "not a sum of articles: running totals ('so far', 'the toll rose to') set it, "
               "later incidents add to it, repeats and rewrites count once. As of the end "
               "of the date filter; parties and other filters apply.")
    result = data.tolls(view.db, view.version, view.filters)
    if not result:
        st.info("No dated casualty figure matches the filters.")
        return
    # a toll never mixes two wars: one conflict's tolls at a time
    names = conflict_names()
    shown = [c for c in names if any(t.conflict == c for t in result)]
    if len(shown) > 1:
        conflict = st.radio("Conflict", shown, horizontal=True, key="toll_conflict",
                            format_func=lambda c: names[c])
        result = [t for t in result if t.conflict == conflict]
    outcomes = sorted({t.outcome for t in result}, key=list(OUTCOMES).index)
    outcome = st.radio("Outcome", outcomes, horizontal=True, key="toll_outcome")
    for side, chart in tolls_charts(result, view.parties, outcome):
        st.text(f"{side}: {outcome}")  # party names come from an editable table: plain text
        st.altair_chart(chart, width="stretch")
    st.dataframe(tolls_table([t for t in result if t.outcome == outcome], view.parties),
                 width="stretch", hide_index=True)
