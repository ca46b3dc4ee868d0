"""What the dashboard loads once per server process and the queries it caches.

Models, gazetteer, parties and boundaries are resources (``st.cache_resource``); every query is
keyed by the store's version, so a new ingest shows at once and nothing is read twice.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pathlib import Path

from geo import config
from geo.parties import PartyTable, load_parties
from geo.pipeline import default_extractor
from geo.places import load_regions
from geo.render import (build_map, ensure_static_assets, ensure_static_basemap, write_static,
                        write_static_popups)
from geo.report import (Filters, MapView, PartyNames, StoreItems, casualty_table, claims_table,
                        conflict_names, figures_by_reporter, figures_per_party, filter_frame,
                        map_view, place_candidates, read_items, timeline_chart, tolls_as_of)
from geo.store import open_store, resolve_db

AREA_NOTE = ("figures placed at a town or province; country- and region-level ones are not "
             "counted in a province")


# The bundled sample's own store, beside the user's (never written into it): built from
# ``data/samples`` on the first start with no store given.
DEMO_DB_NAME = "demo.sqlite"
SAMPLES_DIR = config.DATA_DIR / "samples"


@dataclass(frozen=True)
class StoreChoice:
    """Which store the page shows, and where the articles a user adds go."""
    db: str  # the store shown
    own: str  # the user's store: uploads go there (the demo store is never written by them)
    demo: bool = False  # ``db`` is the demo store of the bundled sample


def choose_store(asked: str | None) -> StoreChoice:
    """The store to show: the one the user named (``--db``, else ``$GEO_DB``), even empty;
    with neither, their default store when it holds articles, else the demo store."""
    own = resolve_db(asked)
    default = str(config.state_dir() / config.DEFAULT_DB_NAME)
    named = asked not in (None, "") or config.db_location(None) != default
    if named or has_articles(own):
        return StoreChoice(own, own)
    return StoreChoice(str(config.state_dir() / DEMO_DB_NAME), own, demo=True)


def has_articles(db: str) -> bool:
    """Whether the store at ``db`` exists and holds an article (nothing is created)."""
    if "://" not in db and db != ":memory:" and not Path(db).exists():
        return False
    with open_store(db) as store:
        return len(store) > 0


@dataclass(frozen=True)
class View:
    """What every tab shows: the store at one version, under one set of filters."""
    db: str
    version: int
    filters: Filters
    parties: PartyTable
    names: PartyNames
    frame: pd.DataFrame  # the filtered items


# --- loaded once per server process ----------------------------------------------------------
@st.cache_resource(show_spinner="Loading the language model and gazetteer...")
def extractor():
    return default_extractor()


@st.cache_resource
def parties() -> PartyTable:
    return load_parties()


@st.cache_resource
def regions():
    return load_regions()


@st.cache_resource
def static_assets() -> dict:
    # Leaflet and the world's outlines, served by Streamlit from ./static (no CDN)
    return {**ensure_static_assets(), **ensure_static_basemap(regions())}


# --- the store, read once per version ----------------------------------------------------------
def store_version(db: str) -> int:
    with open_store(db) as store:
        return store.version()


# The whole store, read once per version and kept as is (no copy per call): every filter is
# then a pandas mask over it (geo.report.filter_frame), milliseconds on 10,000s of items.
@st.cache_resource(max_entries=2)
def store_items(db: str, version: int) -> StoreItems:
    with open_store(db) as store:
        return read_items(store, regions())


def all_items(db: str, version: int) -> pd.DataFrame:
    return store_items(db, version).items


def conflicts_in_use(db: str, version: int) -> tuple:
    """The conflicts of the stored items, in ``data/conflicts.csv``'s order, "other" last."""
    used = set(all_items(db, version).get("conflict", pd.Series(dtype=object)).dropna())
    return tuple(c for c in conflict_names() if c in used)


def article_conflicts_of(db: str, version: int) -> dict:
    """Article id -> its conflict (as assigned or corrected), for the Articles tab."""
    items = all_items(db, version)
    if items.empty:
        return {}
    return items.groupby("article_id", sort=False)["conflict"].first().to_dict()


@st.cache_data(show_spinner=False, max_entries=32)
def tolls(db: str, version: int, filters: Filters) -> list:
    """The reported tolls as of the filter's end date (geo.report.tolls_as_of)."""
    return tolls_as_of(store_items(db, version), filters.date_to, filters)


@st.cache_data(show_spinner=False, max_entries=32)
def view(db: str, version: int, filters: Filters) -> pd.DataFrame:
    """The filtered items, each with its province and named region."""
    return filter_frame(all_items(db, version), filters)


@st.cache_data(show_spinner=False, max_entries=32)
def map_items(db: str, version: int, filters: Filters) -> MapView:
    """(the items the map draws, figures consolidated into reports; casualties per province)."""
    return map_view(store_items(db, version), filters, regions(), parties())


@st.cache_data(show_spinner=False, max_entries=32)
def map_page(db: str, version: int, filters: Filters, online: bool) -> str:
    """The URL of the map as one HTML page (Leaflet, the world's outlines and the popups from
    Streamlit's static route too), built once per view."""
    frame, areas = map_items(db, version, filters)
    fmap = build_map(frame, parties=parties(), regions=regions(), online_tiles=online,
                     asset_mode="static", static_urls=static_assets(), areas=areas,
                     areas_note=AREA_NOTE, store_popups=write_static_popups)
    # served by Streamlit as a file: the browser loads it over HTTP, not through the session
    return write_static("maps", fmap.get_root().render().encode("utf-8"), ".html")


@st.cache_data(show_spinner=False, max_entries=32)
def timeline(db: str, version: int, filters: Filters):
    return timeline_chart(map_items(db, version, filters).items, parties())


@st.cache_data(show_spinner=False, max_entries=32)
def tables(db: str, version: int, filters: Filters) -> dict:
    frame, table = view(db, version, filters), parties()
    return {"per_party": figures_per_party(frame, table),
            "by_reporter": figures_by_reporter(frame, table),
            "figures": casualty_table(frame, table), "claims": claims_table(frame, table)}


@st.cache_data(show_spinner=False)
def articles_table(db: str, version: int) -> pd.DataFrame:
    with open_store(db) as store:
        return store.articles()


@st.cache_data(show_spinner=False)
def binned_table(db: str, version: int) -> pd.DataFrame:
    with open_store(db) as store:
        return store.binned()


@st.cache_data(show_spinner=False)
def store_summary(db: str, version: int) -> tuple:
    """(first date, last date, party ids in use) over articles and items."""
    with open_store(db) as store:
        return (*store.date_range(), sorted(store.parties_in_use()))


@st.cache_data(show_spinner=False)
def article_detail(db: str, version: int, article_id: str) -> dict:
    with open_store(db) as store:
        return store.article(article_id)


@st.cache_data(show_spinner=False)
def corrections(db: str, version: int) -> pd.DataFrame:
    with open_store(db) as store:
        return store.corrections()


@st.cache_data(show_spinner=False)
def candidates(name: str) -> list[dict]:
    return place_candidates(name)
