"""The Side by side tab: one province's or named region's figures, each reporter's next to
each other."""
from __future__ import annotations

import streamlit as st

from geo.report import side_by_side

from dashboard.data import View


def show(view: View) -> None:
    st.caption("For one province or named region and the filtered period: each side's "
               "figures next to each other, by who reports them. Figures as written; sums add "
               "up reports, which may overlap.")
    level_name = st.radio("Place", ["Province", "Named region"], horizontal=True,
                          key="side_level")
    level = "admin1" if level_name == "Province" else "region"
    column = "area_admin1" if level == "admin1" else "area_region"
    frame = view.frame
    counts = frame.loc[frame["kind"].eq("casualty"), column].value_counts()
    if counts.empty:
        st.info("No casualty figure placed in a province or region matches the filters.")
        return
    area = st.selectbox("Where", counts.index.tolist(), key=f"side_{level}",
                        format_func=lambda a: f"{a} ({counts[a]} figures)")
    st.dataframe(side_by_side(frame, view.parties, area, level), width="stretch",
                 hide_index=True)
