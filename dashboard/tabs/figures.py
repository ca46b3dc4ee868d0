"""The Figures per party tab: sums per victims' party, who reports what, every figure."""
from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.data import View


def show(view: View) -> None:
    tables = data.tables(view.db, view.version, view.filters)
    st.subheader("Casualty figures per party", anchor=False)
    st.caption("One row per victims' party; 'reported by' is who gives the figures. Vague "
               "figures (several, dozens) are counted apart, by a conservative low bound. These "
               "sums add up every figure as written (two articles on the same deaths count "
               "twice): the Tolls tab has the consolidated view.")
    st.dataframe(tables["per_party"], width="stretch", hide_index=True)
    st.subheader("Who reports what", anchor=False)
    st.caption("Per day, victims' side and outcome, each reporter's figures side by side: one "
               "side's count of the other side's losses next to that side's own.")
    st.dataframe(tables["by_reporter"], width="stretch", hide_index=True)
    st.subheader("Every figure", anchor=False)
    st.dataframe(tables["figures"], width="stretch", hide_index=True)
