"""The Map tab: the map page, the timeline, and the exports of what the filters show."""
from __future__ import annotations

from functools import partial

import streamlit as st

from geo.render import EXPORT_MIME, export_bytes

from dashboard import data
from dashboard.data import AREA_NOTE, View
from dashboard.state import Bounds, apply_timeline_span


def show(view: View, bounds: Bounds, online: bool) -> None:
    map_frame, areas = data.map_items(view.db, view.version, view.filters)
    # our own page: every article string in it is escaped by geo.render
    st.iframe(data.map_page(view.db, view.version, view.filters, online), height=620)

    st.subheader("Timeline", anchor=False)
    st.caption("Casualties reported per day per victims' side (each report once, however "
               "many articles repeat it; running totals left out), and claims per day per "
               "claimant. Drag across either chart to narrow the date filter to that span.")
    if view.frame["date"].notna().any():
        st.altair_chart(data.timeline(view.db, view.version, view.filters), key="timeline",
                        on_select=partial(apply_timeline_span, bounds), selection_mode="span",
                        width="stretch")
    else:
        st.info("No dated items to draw.")

    st.subheader("Export this view", anchor=False)
    # Exports are generated only when their button is pressed (deferred download data).
    map_options = dict(parties=view.parties, regions=data.regions(), online_tiles=False,
                       title="Conflict map", subtitle=view.filters.summary(view.parties),
                       areas=areas, areas_note=AREA_NOTE)
    buttons = [("Map as HTML", "html", map_frame, map_options),
               ("Map as PNG", "png", map_frame, map_options),
               ("Data as CSV", "csv", view.frame, {}),
               ("Data as GeoJSON", "geojson", view.frame, {}),
               ("Data as GeoPackage", "gpkg", view.frame, {})]
    for col, (label, fmt, frame, options) in zip(st.columns(len(buttons)), buttons):
        col.download_button(label, lambda d=frame, f=fmt, o=options: export_bytes(d, f, **o),
                            file_name=f"conflict-map.{fmt}", mime=EXPORT_MIME[fmt],
                            key=f"dl_{fmt}", on_click="ignore")
