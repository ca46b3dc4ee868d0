"""Conflict map dashboard: the page. UI only; the pieces are in ``dashboard/``, the logic in
``geo/``.

Run: ``streamlit run app.py`` (store: ``-- --db PATH``, else $GEO_DB, else data/geo.sqlite).
With no store named and none filled yet, the page shows the demo store (``data/demo.sqlite``,
built from the bundled sample on the first start), labelled as such; the sample is never
written into the user's own store, where the articles they add go (``-- --sample`` asks for
the sample in an empty named store). The filters live in the URL (``st.query_params``): a link
reopens the same view.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys

import streamlit as st

from geo.pipeline import ingest_if_empty
from geo.report import PartyNames, binned_rows, date_bounds
from geo.store import StoreError, open_store, resolve_db

from dashboard import data, sidebar, state
from dashboard.text import as_text, demo_note, store_problem
from dashboard.tabs import TABS

st.set_page_config(page_title="Conflict map", layout="wide")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    # the user asks for the bundled sample in the store they named, when it is empty
    parser.add_argument("--sample", action="store_true")
    return parser.parse_known_args(sys.argv[1:])[0]


def page(choice: data.StoreChoice, sample: bool = False) -> None:
    """The whole page, drawn from the store ``choice`` names."""
    db = choice.db
    # --- the bundled sample: only in the demo store, or where the user asked for it -----------
    version = data.store_version(db)
    if (choice.demo or sample) and data.articles_table(db, version).empty \
            and data.binned_table(db, version).empty:  # a sample the user binned stays there
        with st.spinner("First run: building the demo store from the bundled sample..."):
            with open_store(db) as store:
                ingest_if_empty(store, data.SAMPLES_DIR, data.extractor)
        version = data.store_version(db)

    all_articles = data.articles_table(db, version)
    party_table = data.parties()
    names = PartyNames(party_table)
    first, last, in_use = data.store_summary(db, version)
    lo, hi = date_bounds(first, last)
    bounds = state.Bounds(first, last, lo, hi,
                          [pid for pid in in_use if pid in party_table],  # party ids, not free text
                          data.conflicts_in_use(db, version))
    state.init_from_url(bounds)

    # --- sidebar: filters and upload -----------------------------------------------------------
    with st.sidebar:
        online = sidebar.filters(bounds, names)
        upload = sidebar.upload_form(choice.own)  # never into the demo store

    filters = state.current_filters(bounds)
    state.sync_url(filters)

    st.title("Conflict map" + (" \u2014 demo" if choice.demo else ""))
    if choice.demo:
        st.info(demo_note(db, choice.own), icon=":material/science:")
    elif all_articles.empty:
        st.info("This store holds no article yet: add some with the form in the sidebar, or "
                "`python -m geo ingest FOLDER --db " + as_text(db) + "`.")
    if upload is not None:
        progress = st.progress(0.0, text="Reading the articles...")
        with open_store(choice.own) as store:  # the user's store: then it is the one shown
            binned = set(store.binned()["id"])
            report = sidebar.ingest_upload(upload, store, data.extractor(), progress)
        # a text already in the bin is not stored again: the table says how to restore it
        report.rows = binned_rows(report.rows, binned)
        st.session_state["upload_results"] = report
        st.session_state["upload_round"] = upload.round + 1
        st.rerun()  # the store changed: every view reads it anew
    if "upload_results" in st.session_state:
        report = st.session_state["upload_results"]
        with st.expander(f"Last upload: {report.summary}", expanded=True):
            # file names and reasons are untrusted text: a table, never markdown
            st.dataframe(report.rows, width="stretch", hide_index=True)
            if report.cut:
                st.caption(report.cut)

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


ARGS = arguments()
DB = resolve_db(ARGS.db)
try:
    CHOICE = data.choose_store(ARGS.db)
    DB = CHOICE.db
    page(CHOICE, ARGS.sample)
except (StoreError, sqlite3.DatabaseError) as err:  # never a traceback: what is wrong, what to do
    store_problem(DB, err)
