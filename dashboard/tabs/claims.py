"""The Claims tab: what each party says, kept apart from the figures."""
from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.data import View


def show(view: View) -> None:
    st.caption("Claims are what a party says, kept apart from the figures; a denial is shown "
               "beside the claim it answers.")
    claims = data.tables(view.db, view.version, view.filters)["claims"]
    if claims.empty:
        st.info("No claims match the filters.")
    else:
        st.dataframe(claims, width="stretch", hide_index=True)
