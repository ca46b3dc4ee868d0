"""The folium map of a map frame (``records.MAP_COLUMNS``), renderable with no network at all:
``build_map`` puts the basemap, the choropleth, the markers, the map key and the view together.

Only Leaflet is loaded (from Streamlit's static folder, inlined, or - on request - a CDN):
folium's default jQuery/Bootstrap/awesome-markers/Font Awesome links are dropped, and popups
and tooltips are bound by our own script (markers.js) because folium's use jQuery. The page's
style sheet is map.css, a file of this package."""
from __future__ import annotations

import functools
import html
from importlib import resources
from typing import Any, Callable, Mapping, Optional

import folium
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from geo.parties import load_parties
from geo.records import KINDS
from geo.render.areas import area_layer
from geo.render.assets import inline_assets
from geo.render.assets import static_urls as static_urls_of_leaflet
from geo.render.basemap import add_basemap, as_basemap
from geo.render.escaping import RawHtml, js_string
from geo.render.mapitems import (MapItem, coarse_flags, frame_rows, map_items, may_cluster,
                                 spread, view_bounds)
from geo.render.legend import LegendControl, TitleBox, legend_html
from geo.render.markers import MarkersStart, add_markers, event_type_of
from geo.render.playback import PlaybackControl, default_step, row_day
from geo.render.popups import LARGE_MAP_POPUP_ITEMS, LARGE_MAP_ROWS, MAX_AGGREGATE_ITEMS
from geo.report import PartyNames, clean

ASSET_MODES = ("static", "inline", "cdn")
WORLD_CENTER, WORLD_ZOOM = (25.0, 10.0), 2
MAX_FIT_ZOOM = 10
_CDN = {"leaflet_js": "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "leaflet_css": "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"}
TILE_HOSTS = "https://tile.openstreetmap.org https://*.tile.openstreetmap.org"
BOUNDARIES_CREDIT = "Boundaries: Natural Earth"
NEAR_LABELS_MAX_ITEMS = 300  # markers up to which town labels favour the markers' surroundings


def content_security_policy(asset_mode: str, online_tiles: bool = False) -> str:
    """The page's Content-Security-Policy: scripts and styles only inline (and, in the
    dashboard, from its own server): never a remote script; no request anywhere but the
    dashboard's own server (basemap, popups) and, when turned on, the OpenStreetMap tiles."""
    own = {"inline": "", "static": " 'self'", "cdn": " https://cdn.jsdelivr.net"}[asset_mode]
    tiles = f" {TILE_HOSTS}" if online_tiles else ""
    connect = "'self'" if asset_mode == "static" else "'none'"
    return (f"default-src 'none'; script-src 'unsafe-inline'{own}; "
            f"style-src 'unsafe-inline'{own}; img-src data: blob:{own}{tiles}; "
            f"font-src data:{own}; connect-src {connect}; base-uri 'none'; "
            "form-action 'none'; object-src 'none'")


class Snapshot(MacroElement):
    """Marks the map a snapshot (``geo-snapshot`` on its container; map.css): no zoom or
    layer buttons, the whole map key unfolded, for a figure (the PNG export)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().classList.add("geo-snapshot");
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "Snapshot"


class Credit(MacroElement):
    """A line in the map's attribution (bottom right), as text."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_js }});
        {% endmacro %}
    """)

    def __init__(self, text: str):
        super().__init__()
        self._name = "Credit"
        self.text_js = js_string(html.escape(text))


class FitView(MacroElement):
    """fitBounds without animation: a snapshot taken right after load must not catch the SVG
    mid-zoom (folium's FitBounds animates from the initial world view)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
            {paddingTopLeft: [45, 45], paddingBottomRight: [290, 45],  // legend, layers: right
             maxZoom: {{ this.max_zoom|tojson }}, animate: false});
        {% endmacro %}
    """)

    def __init__(self, bounds: list, max_zoom: int = 10):
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds
        self.max_zoom = max_zoom

    def _get_self_bounds(self):
        return self.bounds


@functools.cache
def map_css() -> str:
    """The page's style sheet (map.css, a file of this package)."""
    return resources.files(__package__).joinpath("map.css").read_text(encoding="utf-8")


def set_assets(fmap: folium.Map, asset_mode: str, static_urls: Optional[Mapping]) -> None:
    """Replace folium's CDN links (Leaflet, jQuery, Bootstrap, awesome-markers, Font Awesome)
    by Leaflet alone. Instance attributes: folium's class-level lists stay untouched."""
    if asset_mode == "inline":
        fmap.default_js, fmap.default_css = [], []
        js, css = inline_assets()
        fmap.get_root().header.add_child(
            RawHtml(f"<style>{css}</style>\n<script>{js}</script>"), name="geo_leaflet_inline",
            index=0)
        return
    urls = dict(_CDN if asset_mode == "cdn" else (static_urls or static_urls_of_leaflet()))
    fmap.default_js = [("leaflet", urls["leaflet_js"])]
    fmap.default_css = [("leaflet_css", urls["leaflet_css"])]


def build_map(frame: Optional[pd.DataFrame], parties=None, basemap: Any = None,
              online_tiles: bool = False, asset_mode: str = "static",
              static_urls: Optional[Mapping[str, str]] = None, regions=None,
              group_places: bool = True, width: Any = "100%", height: Any = "100%",
              title: Optional[str] = None, subtitle: str = "", areas=None,
              areas_title: str = "Casualties per province", areas_note: str = "",
              store_popups: Optional[Callable[[list[str]], str]] = None,
              period: str = "", exported: str = "", snapshot: bool = False,
              playback: bool = True) -> folium.Map:
    """The folium map of ``frame`` (columns ``records.MAP_COLUMNS``).

    parties: a PartyTable (names, colours); ``default_parties()`` when None.
    basemap: a Basemap, a countries FeatureCollection, ``{"countries":..., "admin1":...}``,
        False for none, or None to load outlines from ``regions`` (or the bundled boundaries).
    online_tiles: add OpenStreetMap tiles (the only network access the page then makes).
    asset_mode: where Leaflet comes from - "static" (Streamlit's /app/static/, see
        ``assets.ensure_static_assets``; pass its result as ``static_urls``), "inline"
        (standalone file; does not work inside st_folium) or "cdn".
    group_places: one marker per distinct place instead of one per mention.
    title, subtitle: a title box over the map (exports: the filter summary), with ``period``
        (the dates shown) and ``exported`` (the export's date) under them.
    snapshot: a figure (the PNG): no zoom or layer buttons, no playback, the key unfolded whole.
    playback: a time playback control (playback.py) when some item has a date.
    areas: casualties per province or region (``geo.report.area_totals``): a choropleth layer.
    store_popups: keeps the popups out of the page (``write_static_popups``: the dashboard,
        where they are fetched after the first paint); exports carry them inline.
    """
    if asset_mode not in ASSET_MODES:
        raise ValueError(f"asset_mode: expected one of {ASSET_MODES}, got {asset_mode!r}")
    # a colour per party that none of the others shown shares (the table's repeat)
    names = PartyNames(default_parties() if parties is None else parties).shown(frame)
    rows = frame_rows(frame)
    items, unmapped = map_items(rows, group_places=group_places)
    for item in items:
        # a claim by a source the party table does not know ('activists', 'a military
        # source': the popup names it) goes with the unattributed ones, not into a layer and
        # a legend entry of its own: real news has hundreds of such sources
        if item.kind == "claim" and not names.knows(item.party):
            item.party = None
    spread(items)

    fmap = folium.Map(location=list(WORLD_CENTER), zoom_start=WORLD_ZOOM, tiles=None,
                      width=width, height=height, control_scale=True, world_copy_jump=True,
                      zoom_snap=0.25)  # fractional zoom: fit the items snugly
    fmap.get_root().header.add_child(RawHtml(f"<style>\n{map_css()}</style>"), name="geo_map_css")
    set_assets(fmap, asset_mode, static_urls)
    if online_tiles:  # brings its own attribution (OpenStreetMap contributors)
        folium.TileLayer("OpenStreetMap", control=False).add_to(fmap)
    if basemap is not False:
        Credit(BOUNDARIES_CREDIT).add_to(fmap)
    codes = {r.get("country_code") for r in rows if r.get("kind") in KINDS}
    region_names = {r.get("place") for r in rows if r.get("precision") == "region"}
    # In the dashboard the world's outlines are a static file the page fetches (see
    # ensure_static_basemap); exports carry them inline.
    countries_url = ((static_urls or {}).get("countries_geojson")
                     if asset_mode == "static" and basemap is None else None)
    # on a small map the town labels' budget goes to the towns near the markers first (on a
    # big one that costs a second per filter change: the most populous towns then)
    near = [(item.lat, item.lon) for item in items] if len(items) <= NEAR_LABELS_MAX_ITEMS \
        else None
    add_basemap(fmap, as_basemap(basemap, regions, codes, region_names,
                                 with_countries=not countries_url, points=near),
                countries_url)

    layer, area_key = area_layer(areas, areas_title, areas_note)
    cap = MAX_AGGREGATE_ITEMS if len(rows) <= LARGE_MAP_ROWS else LARGE_MAP_POPUP_ITEMS
    layers = add_markers(fmap, items, names, layer, cap, store_popups)

    present = parties_present(items, names)
    outcomes = {clean(it.row.get("outcome")) for it in items if it.kind == "casualty"}
    LegendControl(legend_html(present, {it.kind for it in items}, unmapped,
                              offset=any(it.offset_of > 1 for it in items),
                              aggregated=any(it.kind != "place" and len(it.rows) > 1
                                             for it in items),
                              outcomes_present=outcomes, coarse=any(coarse_flags(items)),
                              areas=area_key, clusters=may_cluster(items),
                              event_types_present=event_types_present(items)),
                  ).add_to(fmap)  # starts unfolded; its body scrolls when long (map.css)
    if title:
        TitleBox(title, subtitle, period, exported).add_to(fmap)
    if snapshot:
        Snapshot().add_to(fmap)
    bounds = view_bounds(items)
    if bounds:
        FitView(bounds, MAX_FIT_ZOOM).add_to(fmap)
    if layers:
        MarkersStart().add_to(fmap)
        days = [row_day(r) for it in items for r in it.rows]
        if playback and not snapshot and any(d is not None for d in days):
            PlaybackControl(step=default_step(days)).add_to(fmap)
    # first in the head: it governs every script after it
    csp = content_security_policy(asset_mode, online_tiles)
    fmap.get_root().header.add_child(RawHtml(
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">'),
        name="geo_csp", index=0)
    return fmap


def default_parties():
    """The project's party table, or None when it cannot be read (names then fall back to
    ids, colours to a stable hash)."""
    try:
        return load_parties()
    except (OSError, ValueError):
        return None


def event_types_present(items: list[MapItem]) -> set[str]:
    """The event types of the casualty figures drawn (their badges, in the map key)."""
    return {t for it in items if it.kind == "casualty" for t in map(event_type_of, it.rows) if t}


def parties_present(items: list[MapItem], names: PartyNames) -> list[tuple[str, str]]:
    """(name, colour) of each party with a marker, by name, "Unattributed" last."""
    seen: dict[Any, tuple[str, str]] = {}
    for item in items:
        if item.kind != "place" and item.party not in seen:
            seen[item.party] = (names.name(item.party), names.color(item.party))
    return sorted(seen.values(), key=lambda nc: (nc[0] == "Unattributed", nc[0].lower()))

