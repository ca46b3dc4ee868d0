"""Conflict map dashboard: the page. UI only; the pieces are in ``dashboard/``, the logic in
``geo/``.

Run: ``streamlit run app.py`` (store: ``-- --db PATH``, else $GEO_DB, else data/geo.sqlite).
On an empty store the bundled sample articles are ingested first. The filters live in the URL
(``st.query_params``): a link reopens the same view.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys

import streamlit as st

from geo.config import DATA_DIR
from geo.pipeline import ingest, ingest_if_empty
from geo.report import PartyNames, date_bounds, ingest_report
from geo.store import StoreError, open_store, resolve_db

from dashboard import data, sidebar, state
from dashboard.text import as_text, store_problem, upload_summary
from dashboard.tabs import TABS

SAMPLES_DIR = DATA_DIR / "samples"

st.set_page_config(page_title="Conflict map", layout="wide")


def db_argument() -> str | None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    return parser.parse_known_args(sys.argv[1:])[0].db

def page(db: str) -> None:
    """The whole page, drawn from the store at ``db``."""
    # --- first run: the bundled sample --------------------------------------------------------
    version = data.store_version(db)
    if data.articles_table(db, version).empty:
        with st.spinner("First run: ingesting the bundled sample articles..."):
            with open_store(db) as store:
                ingest_if_empty(store, SAMPLES_DIR, data.extractor)
        version = data.store_version(db)

    all_articles = data.articles_table(db, version)
    party_table = data.parties()
    names = PartyNames(party_table)
    first, last, in_use = data.store_summary(db, version)
    lo, hi = date_bounds(first, last)
    bounds = state.Bounds(first, last, lo, hi,
                          [pid for pid in in_use if pid in party_table])  # party ids, not free text
    state.init_from_url(bounds)

    # --- sidebar: filters and upload -----------------------------------------------------------
    with st.sidebar:
        online = sidebar.filters(bounds, names)
        upload = sidebar.upload_form(db)

    filters = state.current_filters(bounds)
    state.sync_url(filters)

    st.title("Conflict map")
    if upload is not None:
        progress = st.progress(0.0, text=f"Reading {len(upload.items)} article(s)...")
        results = []
        with open_store(db) as store:
            for k, result in enumerate(ingest(upload.items, store, data.extractor()), start=1):
                results.append(result)
                # no file name here: progress text is markdown, names are untrusted
                progress.progress(k / max(len(upload.items), 1),
                                  text=f"{k} of {len(upload.items)} articles")
        st.session_state["upload_results"] = ingest_report(results)
        st.session_state["upload_round"] = upload.round + 1
        st.rerun()  # the store changed: every view reads it anew
    if "upload_results" in st.session_state:
        report = st.session_state["upload_results"]
        with st.expander(f"Last upload: {upload_summary(report['status'])}", expanded=True):
            # file names and reasons are untrusted text: a table, never markdown
            st.dataframe(report, width="stretch", hide_index=True)

    view = data.View(db, version, filters, party_table, names, data.view(db, version, filters))
    n_by_kind = view.frame["kind"].value_counts()
    cols = st.columns(4)
    cols[0].metric("Articles shown", view.frame["article_id"].nunique(),
                   help=f"{len(all_articles)} in the store")
    cols[1].metric("Place mentions on the map", int(n_by_kind.get("place", 0)))
    cols[2].metric("Casualty figures", int(n_by_kind.get("casualty", 0)))
    cols[3].metric("Claims", int(n_by_kind.get("claim", 0)))
    # the summary holds the search text from the URL: shown as text, never as Markdown
    st.caption("Showing: " + as_text(filters.summary(party_table)))

    # --- the tabs: only the open one runs, so a filter change recomputes what is on screen
    extra = {"Map": {"bounds": bounds, "online": online}, "Articles": {"articles": all_articles}}
    tabs = st.tabs([label for label, _ in TABS], key="tab", on_change="rerun")
    for tab, (label, module) in zip(tabs, TABS):
        if tab.open:
            with tab:
                module.show(view, **extra.get(label, {}))


DB = resolve_db(db_argument())
try:
    page(DB)
except (StoreError, sqlite3.DatabaseError) as err:  # never a traceback: what is wrong, what to do
    store_problem(DB, err)
