"""Conflict map dashboard. UI only: every piece of logic lives in ``geo/``.

Run: ``streamlit run app.py`` (store: ``-- --db PATH``, else $GEO_DB, else data/geo.sqlite).
On an empty store the bundled sample articles in ``data/samples/`` are ingested first.
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import DATA_DIR
from geo.articles import read_upload
from geo.assets import ensure_static_assets
from geo.export import export_bytes
from geo.mapview import PartyNames, build_map, ensure_static_basemap
from geo.parties import load_parties
from geo.pipeline import default_extractor, ingest, ingest_if_empty
from geo.regions import load_regions
from geo.store import open_store, resolve_db
from geo.views import (casualty_table, claims_table, date_bounds, figures_by_reporter,
                       figures_per_party, highlight_article, ingest_report, parties_table)

SAMPLES_DIR = DATA_DIR / "samples"

st.set_page_config(page_title="Conflict map", layout="wide")


def _db_argument() -> str | None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    return parser.parse_known_args(sys.argv[1:])[0].db


DB = resolve_db(_db_argument())


# --- shared, loaded once per server process -------------------------------------------------
@st.cache_resource(show_spinner="Loading the language model and gazetteer...")
def extractor():
    return default_extractor()


@st.cache_resource
def static_assets():
    # Leaflet and the world's outlines, served by Streamlit from ./static (no CDN)
    return {**ensure_static_assets(), **ensure_static_basemap(regions())}


@st.cache_resource
def parties():
    return load_parties()


@st.cache_resource
def regions():
    return load_regions()


# --- cached queries: keyed by the store's version so new ingests show at once ---------------
def store_version() -> int:
    with open_store(DB) as store:
        return store.version()


@st.cache_data(show_spinner=False)
def query(db: str, version: int, date_from, date_to, party_ids: tuple, kinds: tuple,
          include_undated: bool):
    with open_store(db) as store:
        return store.query(date_from=date_from, date_to=date_to,
                           parties=set(party_ids) or None, kinds=set(kinds) or None,
                           include_undated=include_undated)


@st.cache_data(show_spinner=False)
def articles_table(db: str, version: int) -> pd.DataFrame:
    with open_store(db) as store:
        return store.articles()


@st.cache_data(show_spinner=False)
def store_summary(db: str, version: int) -> tuple:
    """(first date, last date, party ids in use) over articles and items."""
    with open_store(db) as store:
        return (*store.date_range(), sorted(store.parties_in_use()))


@st.cache_data(show_spinner=False)
def article_detail(db: str, version: int, article_id: str) -> dict:
    with open_store(db) as store:
        return store.article(article_id)


def run_ingest(items) -> list:
    with open_store(DB) as store:
        return list(ingest(items, store, extractor()))


# --- first run: the bundled sample ----------------------------------------------------------
version = store_version()
if articles_table(DB, version).empty:
    with st.spinner("First run: ingesting the bundled sample articles..."):
        with open_store(DB) as store:
            ingest_if_empty(store, SAMPLES_DIR, extractor)
    version = store_version()

all_articles = articles_table(DB, version)
party_table = parties()
names = PartyNames(party_table)
first, last, in_use = store_summary(DB, version)

# --- sidebar: filters and upload ------------------------------------------------------------
with st.sidebar:
    st.header("Filters")
    lo, hi = date_bounds(first, last)
    picked = st.date_input("Date range", value=(lo, hi))  # no key: a new range resets it
    date_from, date_to = (picked if isinstance(picked, tuple) and len(picked) == 2
                          else (lo, hi))
    undated = st.checkbox("Include undated items", value=True, key="undated",
                          help="Articles with no known date have no place in a date range")
    in_use = [pid for pid in in_use if pid in party_table]  # party ids, not free-text sources
    chosen = st.multiselect("Parties", options=in_use, format_func=names.name, key="parties",
                            help="Figures and claims whose victims, reporter, claimant or "
                                 "target is one of these parties, and the places of the "
                                 "articles they come from")
    kinds = st.multiselect("Show", options=["casualty", "claim", "place"],
                           default=["casualty", "claim", "place"], key="kinds")
    online = st.toggle("OpenStreetMap tiles (needs internet)", value=False, key="online")

    st.header("Add articles")
    # a new key after each ingest empties the uploader
    upload_round = st.session_state.setdefault("upload_round", 0)
    uploads = st.file_uploader("Text, Markdown, HTML, JSON or JSONL files",
                               accept_multiple_files=True, key=f"uploads_{upload_round}")
    upload_date = st.date_input("Date for files that carry none", value=None,
                                key="upload_date")
    upload_source = st.text_input("Source for files that carry none", key="upload_source")
    if uploads and st.button("Ingest uploaded files", key="ingest"):
        items = [item for up in uploads for item in read_upload(
            up.name, up.getvalue(), date=upload_date.isoformat() if upload_date else None,
            source=upload_source.strip() or None)]
        st.session_state["upload_results"] = ingest_report(run_ingest(items))
        st.session_state["upload_round"] = upload_round + 1
        st.rerun()  # the store changed: every view reads it anew
    st.caption(f"Store: `{DB}`")

frame = query(DB, version, date_from.isoformat(), date_to.isoformat(), tuple(chosen),
              tuple(kinds), undated)

st.title("Conflict map")
if "upload_results" in st.session_state:
    report = st.session_state["upload_results"]
    with st.expander(f"Last upload: {report['status'].value_counts().to_dict()}", expanded=True):
        # file names and reasons are untrusted text: a table, never markdown
        st.dataframe(report, width="stretch", hide_index=True)
n_by_kind = frame["kind"].value_counts()
cols = st.columns(4)
cols[0].metric("Articles shown", frame["article_id"].nunique(),
               help=f"{len(all_articles)} in the store")
cols[1].metric("Place mentions on the map", int(n_by_kind.get("place", 0)))
cols[2].metric("Casualty figures", int(n_by_kind.get("casualty", 0)))
cols[3].metric("Claims", int(n_by_kind.get("claim", 0)))

tab_map, tab_figures, tab_claims, tab_articles, tab_parties = st.tabs(
    ["Map", "Figures per party", "Claims", "Articles", "Parties"])

with tab_map:
    assets = static_assets()
    fmap = build_map(frame, parties=party_table, regions=regions(), online_tiles=online,
                     asset_mode="static", static_urls=assets)
    st_folium(fmap, height=620, use_container_width=True, returned_objects=[], key="map")
    # Exports are generated only when their button is pressed (deferred download data).
    map_options = dict(parties=party_table, regions=regions(), online_tiles=False)
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button("Map as HTML", lambda: export_bytes(frame, "html", **map_options),
                       file_name="conflict-map.html", mime="text/html", key="dl_html",
                       on_click="ignore")
    c2.download_button("Map as PNG", lambda: export_bytes(frame, "png", **map_options),
                       file_name="conflict-map.png", mime="image/png", key="dl_png",
                       on_click="ignore")
    c3.download_button("Data as CSV", lambda: export_bytes(frame, "csv"),
                       file_name="conflict-items.csv", mime="text/csv", key="dl_csv",
                       on_click="ignore")
    c4.download_button("Data as GeoJSON", lambda: export_bytes(frame, "geojson"),
                       file_name="conflict-items.geojson", mime="application/geo+json",
                       key="dl_geojson", on_click="ignore")

with tab_figures:
    st.subheader("Casualty figures per party")
    st.caption("One row per victims' party; 'reported by' is who gives the figures. Vague "
               "figures (several, dozens) are counted apart, by a conservative low bound. Sums "
               "add up reports: two articles on the same deaths count twice.")
    st.dataframe(figures_per_party(frame, party_table), width="stretch", hide_index=True)
    st.subheader("Who reports what", anchor=False)
    st.caption("Per day, victims' side and outcome, each reporter's figures side by side: one "
               "side's count of the other side's losses next to that side's own.")
    st.dataframe(figures_by_reporter(frame, party_table), width="stretch", hide_index=True)
    st.subheader("Every figure", anchor=False)
    st.dataframe(casualty_table(frame, party_table), width="stretch", hide_index=True)

with tab_claims:
    st.caption("Claims are what a party says, kept apart from the figures; a denial is shown "
               "beside the claim it answers.")
    table = claims_table(frame, party_table)
    if table.empty:
        st.info("No claims match the filters.")
    else:
        st.dataframe(table, width="stretch", hide_index=True)

with tab_articles:
    st.dataframe(all_articles, width="stretch", hide_index=True)
    if not all_articles.empty:
        titles = dict(zip(all_articles["id"], all_articles["title"]))
        pick = st.selectbox("Read an article", all_articles["id"], key="article",
                            format_func=lambda i: str(titles.get(i) or i))
        detail = article_detail(DB, version, pick)
        # article fields are untrusted: plain text only (st.text renders no markdown or HTML)
        st.text(detail["title"] or pick)
        st.text(" · ".join(str(v) for v in (detail["source"], detail["date"], detail["url"]) if v))
        # highlight_article escapes the article text; only its own <mark> tags are HTML
        st.html(highlight_article(detail, party_table))

with tab_parties:
    st.caption("Edit data/parties.csv to add actors, aliases or colours.")
    st.dataframe(parties_table(party_table), width="stretch", hide_index=True)
