"""The Map tab: the map page, the timeline, and the exports of what the filters show."""
from __future__ import annotations

from functools import partial

import streamlit as st

from geo.render import EXPORT_MIME, export_bytes, mappable

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
    # Exports are generated only when their button is pressed (deferred download data). The
    # map's title states the period: the dates chosen, else the first and last date shown.
    filters = view.filters
    period = (filters.date_from, filters.date_to) if filters.date_from or filters.date_to else None
    map_options = dict(parties=view.parties, regions=data.regions(), online_tiles=False,
                       title=": ".join(filter(None, ("Conflict map", filters.conflicts_text()))),
                       period=period,
                       subtitle=filters.with_dates(None, None).summary(view.parties, False),
                       areas=areas, areas_note=AREA_NOTE)
    buttons = [("Map as HTML", "html", map_frame, map_options),
               ("Map as PNG", "png", map_frame, map_options),
               ("Data as CSV", "csv", view.frame, {}),
               ("Data as GeoJSON", "geojson", view.frame, {}),
               ("Data as GeoPackage", "gpkg", view.frame, {})]
    # an empty selection exports nothing (a blank map would look like a result): say so
    has_map, has_data = mappable(map_frame) > 0, len(view.frame) > 0
    if not has_data:
        st.info("Nothing matches the filters: there is nothing to export.")
        return
    if not has_map:
        st.info("No item with a place matches the filters: no map to export, only the data.")
    buttons = [b for b in buttons if b[1] not in ("html", "png") or has_map]
    for col, (label, fmt, frame, options) in zip(st.columns(5), buttons):
        col.download_button(label, lambda d=frame, f=fmt, o=options: export_bytes(d, f, **o),
                            file_name=f"conflict-map.{fmt}", mime=EXPORT_MIME[fmt],
                            key=f"dl_{fmt}", on_click="ignore")
