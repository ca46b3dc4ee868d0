"""Conflict map dashboard. UI only: every piece of logic lives in ``geo/``.

Run: ``streamlit run app.py`` (store: ``-- --db PATH``, else $GEO_DB, else data/geo.sqlite).
On an empty store the bundled sample articles in ``data/samples/`` are ingested first.
The filters live in the URL (``st.query_params``): a link reopens the same view.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date

import pandas as pd
import streamlit as st

from geo.config import DATA_DIR
from geo.read.articles import read_upload
from geo.render.assets import ensure_static_assets, write_static
from geo.render.export import EXPORT_MIME, export_bytes
from geo.render.mapview import PartyNames, build_map, ensure_static_basemap, write_static_popups
from geo.parties import load_parties
from geo.pipeline import default_extractor, ingest, ingest_if_empty
from geo.records import OUTCOMES, PRECISIONS
from geo.places.regions import load_regions
from geo.store import open_store, resolve_db
from geo.report.views import (DATE_PRESETS, KINDS, Filters, area_totals, casualty_table, claims_table,
                       consolidate, date_bounds, figures_by_reporter, figures_per_party,
                       filter_frame, highlight_article, ingest_report, item_label, load_items,
                       parties_table, place_candidates, preset_range, reported_tolls,
                       selected_span, side_by_side, timeline_chart, tolls_charts, tolls_table,
                       url_date_range, with_areas)

SAMPLES_DIR = DATA_DIR / "samples"
AREA_NOTE = ("figures placed at a town or province; country- and region-level ones are not "
             "counted in a province")

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


# The whole store, read once per version and kept as is (no copy per call): every filter is
# then a pandas mask over it (geo.report.views.filter_frame), milliseconds on 10,000s of items.
@st.cache_resource(max_entries=2)
def all_items(db: str, version: int) -> pd.DataFrame:
    with open_store(db) as store:
        return with_areas(load_items(store), regions())


@st.cache_resource(max_entries=2)
def signatures(db: str, version: int) -> dict:
    """Each article's rewrite signature (geo.fingerprints), to count sources independently."""
    with open_store(db) as store:
        return store.signatures()


@st.cache_resource(max_entries=2)
def all_reports(db: str, version: int) -> pd.DataFrame:
    """All items with the casualty figures consolidated into reports (geo.report.tolls)."""
    return consolidate(all_items(db, version), signatures(db, version))


@st.cache_data(show_spinner=False, max_entries=32)
def tolls(db: str, version: int, filters: Filters) -> list:
    """The reported tolls as of the filter's end date: every earlier figure counts, since a
    toll builds on the running totals before the period shown."""
    upto = filter_frame(all_items(db, version), filters.with_dates(None, filters.date_to))
    return reported_tolls(upto, signatures(db, version), as_of=filters.date_to)


@st.cache_data(show_spinner=False, max_entries=32)
def view(db: str, version: int, filters: Filters) -> pd.DataFrame:
    """The filtered items, each with its province and named region."""
    return filter_frame(all_items(db, version), filters)


@st.cache_data(show_spinner=False, max_entries=32)
def map_view(db: str, version: int, filters: Filters):
    """(items the map draws - figures consolidated into reports when geo.report.tolls exists -,
    casualties per province)."""
    frame = filter_frame(all_reports(db, version), filters)
    return frame, area_totals(frame, regions(), "admin1", parties())


@st.cache_data(show_spinner=False, max_entries=32)
def map_page(db: str, version: int, filters: Filters, online: bool) -> str:
    """The URL of the map as one HTML page (Leaflet, the world's outlines and the popups from
    Streamlit's static route too), built once per view."""
    frame, areas = map_view(db, version, filters)
    fmap = build_map(frame, parties=parties(), regions=regions(), online_tiles=online,
                     asset_mode="static", static_urls=static_assets(), areas=areas,
                     areas_note=AREA_NOTE, store_popups=write_static_popups)
    # served by Streamlit as a file: the browser loads it over HTTP, not through the session
    return write_static("maps", fmap.get_root().render().encode("utf-8"), ".html")


@st.cache_data(show_spinner=False, max_entries=32)
def timeline(db: str, version: int, filters: Filters):
    return timeline_chart(map_view(db, version, filters)[0], parties())


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
in_use = [pid for pid in in_use if pid in party_table]  # party ids, not free-text sources
LO, HI = date_bounds(first, last)
PRECISION_OPTIONS = ["any"] + list(PRECISIONS[:-1])


# --- filter state: from the URL on a session's first run, then from the widgets -------------
def _clamp(day: date) -> date:
    return min(max(day, LO), HI)


def _init_from_url() -> None:
    url = Filters.from_params(st.query_params)
    state = st.session_state
    state["dates"] = url_date_range(url, LO, HI)
    state["undated"] = url.include_undated
    state["parties"] = [p for p in url.parties if p in in_use]
    state["kinds"] = list(url.kinds)
    state["outcomes"] = list(url.outcomes)
    state["precision"] = url.min_precision or "any"
    state["search"] = url.search
    state["filters_ready"] = True


if not st.session_state.get("filters_ready"):
    _init_from_url()


def _apply_preset() -> None:
    preset = st.session_state.get("preset")
    if preset:
        st.session_state["dates"] = preset_range(preset, first, last)
    st.session_state["preset"] = None


def _apply_timeline_span() -> None:
    span = selected_span(st.session_state.get("timeline"))
    if span:
        st.session_state["dates"] = (_clamp(span[0]), _clamp(span[1]))


def current_filters() -> Filters:
    state = st.session_state
    lo, hi = state["dates"]
    whole = (lo, hi) == (LO, HI)
    return Filters(date_from=None if whole else lo.isoformat(),
                   date_to=None if whole else hi.isoformat(),
                   parties=tuple(state["parties"]), kinds=tuple(state["kinds"]),
                   outcomes=tuple(state["outcomes"]),
                   min_precision=None if state["precision"] == "any" else state["precision"],
                   search=state["search"], include_undated=state["undated"])


# --- sidebar: filters and upload ------------------------------------------------------------
with st.sidebar:
    st.header("Filters")
    if LO < HI:
        st.slider("Dates", min_value=LO, max_value=HI, key="dates", format="YYYY-MM-DD")
    # a preset sets the slider, then lets go (the slider is the state)
    st.pills("Quick range", list(DATE_PRESETS), key="preset", on_change=_apply_preset,
             label_visibility="collapsed")
    st.checkbox("Include undated items", key="undated",
                help="Articles with no known date have no place in a date range")
    st.multiselect("Parties", options=in_use, format_func=names.name, key="parties",
                   help="Figures and claims whose victims, reporter, claimant or target is one "
                        "of these parties, and the places of the articles they come from")
    st.multiselect("Show", options=list(KINDS), key="kinds")
    st.multiselect("Outcome", options=list(OUTCOMES), key="outcomes",
                   help="Casualty figures with these outcomes (claims and places stay)")
    st.selectbox("Located at least to", PRECISION_OPTIONS, key="precision",
                 help="Hide items placed only at a coarser level (a whole country, a region)")
    st.text_input("Search", key="search", placeholder="title, quote or place")
    online = st.toggle("OpenStreetMap tiles (needs internet)", value=False, key="online")

    st.header("Add articles")
    # a new key after each ingest empties the uploader
    upload_round = st.session_state.setdefault("upload_round", 0)
    uploads = st.file_uploader("Text, Markdown, HTML, JSON or JSONL files",
                               accept_multiple_files=True, key=f"uploads_{upload_round}")
    pasted = st.text_area("...or paste an article (first line: title)", key=f"paste_{upload_round}",
                          height=100)
    upload_date = st.date_input("Date for articles that carry none", value=None,
                                key="upload_date")
    upload_source = st.text_input("Source for articles that carry none", key="upload_source")
    ingest_now = (uploads or pasted.strip()) and st.button("Ingest", key="ingest")
    st.caption(f"Store: `{DB}`")

filters = current_filters()
# the URL always says what is shown (setting it does not rerun the script)
if Filters.from_params(st.query_params) != filters:
    st.query_params.from_dict(filters.to_params())

st.title("Conflict map")
if ingest_now:
    when = upload_date.isoformat() if upload_date else None
    source = upload_source.strip() or None
    items = [item for up in uploads or [] for item in read_upload(
        up.name, up.getvalue(), date=when, source=source)]
    if pasted.strip():
        items += list(read_upload("pasted.txt", pasted.encode("utf-8"), date=when, source=source))
    progress = st.progress(0.0, text=f"Reading {len(items)} article(s)...")
    results = []
    with open_store(DB) as store:
        for k, result in enumerate(ingest(items, store, extractor()), start=1):
            results.append(result)
            # no file name here: progress text is markdown, names are untrusted
            progress.progress(k / max(len(items), 1), text=f"{k} of {len(items)} articles")
    st.session_state["upload_results"] = ingest_report(results)
    st.session_state["upload_round"] = upload_round + 1
    st.rerun()  # the store changed: every view reads it anew
if "upload_results" in st.session_state:
    report = st.session_state["upload_results"]
    with st.expander(f"Last upload: {report['status'].value_counts().to_dict()}", expanded=True):
        # file names and reasons are untrusted text: a table, never markdown
        st.dataframe(report, width="stretch", hide_index=True)

frame = view(DB, version, filters)
n_by_kind = frame["kind"].value_counts()
cols = st.columns(4)
cols[0].metric("Articles shown", frame["article_id"].nunique(),
               help=f"{len(all_articles)} in the store")
cols[1].metric("Place mentions on the map", int(n_by_kind.get("place", 0)))
cols[2].metric("Casualty figures", int(n_by_kind.get("casualty", 0)))
cols[3].metric("Claims", int(n_by_kind.get("claim", 0)))
st.caption(f"Showing: {filters.summary(party_table)}")

# --- the tabs: only the open one runs, so a filter change recomputes what is on screen ------

def map_tab() -> None:
    map_frame, areas = map_view(DB, version, filters)
    # our own page: every article string in it is escaped by geo.render.mapview
    st.iframe(map_page(DB, version, filters, online), height=620)

    st.subheader("Timeline", anchor=False)
    st.caption("Casualties reported per day per victims' side (each report once, however "
               "many articles repeat it; running totals left out), and claims per day per "
               "claimant. Drag across either chart to narrow the date filter to that span.")
    if frame["date"].notna().any():
        st.altair_chart(timeline(DB, version, filters), key="timeline",
                        on_select=_apply_timeline_span, selection_mode="span",
                        width="stretch")
    else:
        st.info("No dated items to draw.")

    st.subheader("Export this view", anchor=False)
    # Exports are generated only when their button is pressed (deferred download data).
    map_options = dict(parties=party_table, regions=regions(), online_tiles=False,
                       title="Conflict map", subtitle=filters.summary(party_table),
                       areas=areas, areas_note=AREA_NOTE)
    buttons = [("Map as HTML", "html", map_frame, map_options),
               ("Map as PNG", "png", map_frame, map_options),
               ("Data as CSV", "csv", frame, {}),
               ("Data as GeoJSON", "geojson", frame, {}),
               ("Data as GeoPackage", "gpkg", frame, {})]
    for col, (label, fmt, data, options) in zip(st.columns(len(buttons)), buttons):
        col.download_button(label, lambda d=data, f=fmt, o=options: export_bytes(d, f, **o),
                            file_name=f"conflict-map.{fmt}", mime=EXPORT_MIME[fmt],
                            key=f"dl_{fmt}", on_click="ignore")


def side_tab() -> None:
    st.caption("For one province or named region and the filtered period: each side's "
               "figures next to each other, by who reports them. Figures as written; sums add "
               "up reports, which may overlap.")
    level_name = st.radio("Place", ["Province", "Named region"], horizontal=True,
                          key="side_level")
    level = "admin1" if level_name == "Province" else "region"
    column = "area_admin1" if level == "admin1" else "area_region"
    counts = frame.loc[frame["kind"].eq("casualty"), column].value_counts()
    if counts.empty:
        st.info("No casualty figure placed in a province or region matches the filters.")
        return
    area = st.selectbox("Where", counts.index.tolist(), key=f"side_{level}",
                        format_func=lambda a: f"{a} ({counts[a]} figures)")
    st.dataframe(side_by_side(frame, party_table, area, level), width="stretch",
                 hide_index=True)


def tolls_tab() -> None:
    st.caption("Each side's reported toll over time, one line per reporter: what one side "
               "says of its own losses next to what the other side says of them. A toll is "
               "not a sum of articles: running totals ('so far', 'the toll rose to') set it, "
               "later incidents add to it, repeats and rewrites count once. As of the end "
               "of the date filter; parties and other filters apply.")
    result = tolls(DB, version, filters)
    if not result:
        st.info("No dated casualty figure matches the filters.")
        return
    outcomes = sorted({t.outcome for t in result}, key=list(OUTCOMES).index)
    outcome = st.radio("Outcome", outcomes, horizontal=True, key="toll_outcome")
    for side, chart in tolls_charts(result, party_table, outcome):
        st.text(f"{side}: {outcome}")  # party names come from an editable table: plain text
        st.altair_chart(chart, width="stretch")
    st.dataframe(tolls_table([t for t in result if t.outcome == outcome], party_table),
                 width="stretch", hide_index=True)


def figures_tab() -> None:
    views = tables(DB, version, filters)
    st.subheader("Casualty figures per party", anchor=False)
    st.caption("One row per victims' party; 'reported by' is who gives the figures. Vague "
               "figures (several, dozens) are counted apart, by a conservative low bound. These "
               "sums add up every figure as written (two articles on the same deaths count "
               "twice): the Tolls tab has the consolidated view.")
    st.dataframe(views["per_party"], width="stretch", hide_index=True)
    st.subheader("Who reports what", anchor=False)
    st.caption("Per day, victims' side and outcome, each reporter's figures side by side: one "
               "side's count of the other side's losses next to that side's own.")
    st.dataframe(views["by_reporter"], width="stretch", hide_index=True)
    st.subheader("Every figure", anchor=False)
    st.dataframe(views["figures"], width="stretch", hide_index=True)


def claims_tab() -> None:
    st.caption("Claims are what a party says, kept apart from the figures; a denial is shown "
               "beside the claim it answers.")
    claims = tables(DB, version, filters)["claims"]
    if claims.empty:
        st.info("No claims match the filters.")
    else:
        st.dataframe(claims, width="stretch", hide_index=True)


def articles_tab() -> None:
    st.dataframe(all_articles, width="stretch", hide_index=True, height=240)
    if all_articles.empty:
        return
    titles = dict(zip(all_articles["id"], all_articles["title"]))
    pick = st.selectbox("Read an article", all_articles["id"], key="article",
                        format_func=lambda i: str(titles.get(i) or i))
    detail = article_detail(DB, version, pick)
    # article fields are untrusted: plain text only (st.text renders no markdown or HTML)
    st.text(detail["title"] or pick)
    st.text(" · ".join(str(v) for v in (detail["source"], detail["date"], detail["url"]) if v))
    # highlight_article escapes the article text; only its own <mark> tags are HTML
    st.html(highlight_article(detail, party_table))
    with st.expander("Correct a place or a party"):
        corrections_form(pick, detail)


def corrections_form(pick: str, detail: dict) -> None:
    st.markdown("**Place**")
    place_names = sorted({p["name"] for p in detail["places"]})
    wrong = st.selectbox("Place in this article", place_names, key="fix_place")
    lookup = st.text_input("Look up", value=wrong or "", key="fix_lookup")
    options = candidates(lookup)
    if lookup and not options:
        st.caption("The gazetteer has no such place.")
    if wrong and options:
        chosen = st.selectbox("Put it at", range(len(options)), key="fix_target",
                              format_func=lambda k: options[k]["label"])
        everywhere = st.checkbox("Everywhere this name occurs", value=True,
                                 key="fix_everywhere")
        if st.button("Correct the place", key="fix_place_go"):
            target = {k: v for k, v in options[chosen].items() if k != "label"}
            with open_store(DB) as store:
                store.correct_place(wrong, **target, article_id=None if everywhere else pick)
            st.rerun()
    st.markdown("**Party**")
    everything = all_items(DB, version)  # the whole store, not a filtered copy
    mine = everything[everything["article_id"].eq(pick)
                      & everything["kind"].isin(["casualty", "claim"])]
    if mine.empty:
        st.caption("No figure or claim in this article.")
    else:
        rows = mine.to_dict("records")

        def label(k: int) -> str:
            row = rows[k]
            if row["kind"] == "casualty":
                return item_label(row, party_table)
            return f"claim by {names.name(row['claimant'])}: {str(row['claim_text'])[:80]}"
        which = st.selectbox("Figure or claim", range(len(rows)), key="fix_item",
                             format_func=label)
        new_party = st.selectbox("Party (victims' side for a figure, claimant for a claim)",
                                 [p.id for p in party_table], format_func=names.name,
                                 key="fix_party")
        if st.button("Correct the party", key="fix_party_go"):
            row = rows[which]
            with open_store(DB) as store:
                store.correct_party(row["kind"], int(row["item_id"]), new_party)
            st.rerun()
    done = corrections(DB, version)
    if not done.empty:
        st.markdown("**Corrections made**")
        st.dataframe(done, width="stretch", hide_index=True)
        undo = st.selectbox("Undo correction", done["id"].tolist(), key="fix_undo")
        if st.button("Remove it", key="fix_undo_go"):
            with open_store(DB) as store:
                store.remove_correction(undo)
            st.rerun()


def parties_tab() -> None:
    st.caption("Edit data/parties.csv to add actors, aliases or colours.")
    st.dataframe(parties_table(party_table), width="stretch", hide_index=True)


tabs = st.tabs(["Map", "Tolls", "Side by side", "Figures per party", "Claims", "Articles",
                "Parties"], key="tab", on_change="rerun")
for tab, show in zip(tabs, [map_tab, tolls_tab, side_tab, figures_tab, claims_tab,
                            articles_tab, parties_tab]):
    if tab.open:
        with tab:
            show()
