"""The sidebar: the filters, and the form that adds articles."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import streamlit as st

from geo.read import read_upload
from geo.records import OUTCOMES, PRECISIONS
from geo.report import DATE_PRESETS, ITEM_KINDS, PartyNames

from dashboard.state import Bounds, apply_preset
from dashboard.text import as_text

PRECISION_OPTIONS = ["any"] + list(PRECISIONS[:-1])


@dataclass
class Upload:
    """What the user asked to ingest (None when the Ingest button was not pressed)."""
    items: list
    round: int


def filters(bounds: Bounds, names: PartyNames) -> bool:
    """Draw the filter widgets (their state is the session's); return the OSM tiles toggle."""
    st.header("Filters")
    if bounds.lo < bounds.hi:
        st.slider("Dates", min_value=bounds.lo, max_value=bounds.hi, key="dates",
                  format="YYYY-MM-DD")
    st.pills("Quick range", list(DATE_PRESETS), key="preset",
             on_change=partial(apply_preset, bounds), label_visibility="collapsed")
    st.checkbox("Include undated items", key="undated",
                help="Articles with no known date have no place in a date range")
    st.multiselect("Parties", options=bounds.parties, format_func=names.name, key="parties",
                   help="Figures and claims whose victims, reporter, claimant or target is one "
                        "of these parties, and the places of the articles they come from")
    st.multiselect("Show", options=list(ITEM_KINDS), key="kinds")
    st.multiselect("Outcome", options=list(OUTCOMES), key="outcomes",
                   help="Casualty figures with these outcomes (claims and places stay)")
    st.selectbox("Located at least to", PRECISION_OPTIONS, key="precision",
                 help="Hide items placed only at a coarser level (a whole country, a region)")
    st.text_input("Search", key="search", placeholder="title, quote or place")
    return st.toggle("OpenStreetMap tiles (needs internet)", value=False, key="online")


def upload_form(db: str) -> Upload | None:
    """Files or pasted text to ingest, read into articles when the user presses Ingest."""
    st.header("Add articles")
    # a new key after each ingest empties the uploader
    upload_round = st.session_state.setdefault("upload_round", 0)
    limit_mb = st.get_option("server.maxUploadSize")
    uploads = st.file_uploader("Text, Markdown, HTML, JSON or JSONL files",
                               accept_multiple_files=True, key=f"uploads_{upload_round}",
                               help=f"Up to {limit_mb} MB per file; one article per text, "
                                    "Markdown or HTML file, many per JSON or JSONL file. "
                                    "File names are labels only, never paths.")
    pasted = st.text_area("...or paste an article (first line: title)",
                          key=f"paste_{upload_round}", height=100)
    upload_date = st.date_input("Date for articles that carry none", value=None,
                                key="upload_date")
    upload_source = st.text_input("Source for articles that carry none", key="upload_source")
    pressed = (uploads or pasted.strip()) and st.button("Ingest", key="ingest")
    st.caption("Store: " + as_text(db))
    if not pressed:
        return None
    when = upload_date.isoformat() if upload_date else None
    source = upload_source.strip() or None
    items = [item for up in uploads or [] for item in read_upload(
        up.name, up.getvalue(), date=when, source=source)]
    if pasted.strip():
        items += list(read_upload("pasted.txt", pasted.encode("utf-8"), date=when, source=source))
    return Upload(items, upload_round)
