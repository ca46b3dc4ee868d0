"""The Parties tab: the party table the extraction and the colours come from."""
from __future__ import annotations

import streamlit as st

from geo.report import parties_table

from dashboard.data import View


def show(view: View) -> None:
    st.caption("Edit data/parties.csv to add actors, aliases or colours.")
    st.dataframe(parties_table(view.parties), width="stretch", hide_index=True)
