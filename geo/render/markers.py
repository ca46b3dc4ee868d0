"""The markers on the page: one ``MarkerLayer`` per party (and one for the places) whose
markers travel as one JSON array, drawn in the page by markers.js (a file of this package),
which also clusters them at each zoom; popups inline or stored apart (``write_static_popups``).

Hooks for tests and the browser: each marker carries the classes
``geo-marker geo-<kind> party-<id>`` (+ ``outcome-<o>``, ``geo-coarse``) and a ``data-items``
attribute: how many items (figures, claims, place mentions) it stands for. A cluster is not a
``geo-marker``: it carries ``geo-cluster geo-cluster-<kind> party-<id>``, ``data-items`` and
``data-markers`` (how many markers it groups); its number is a ``geo-cluster-label``. A
casualty marker whose figures have an event type carries a badge (``geo-glyph
geo-glyph-<type>``, not a ``geo-marker``). During time playback (playback.py) ``data-items``
counts the marker's items in the period shown."""
from __future__ import annotations

import functools
import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Optional

import folium
from branca.element import MacroElement
from folium.template import Template

from geo.render.assets import STATIC_DIR, write_static
from geo.records import EVENT_TYPES
from geo.render.escaping import RawHtml, css_class, html_label, js_string
from geo.render.mapitems import CLUSTER_KINDS, MapItem, coarse_flags, spot_key
from geo.render.legend import MAX_EXPANDED_PARTIES, event_glyph_html
from geo.render.playback import row_day
from geo.render.popups import (MAX_AGGREGATE_ITEMS, aggregate_tooltip, casualty_aggregate_popup,
                               claim_aggregate_popup, coarse_level, coarse_note, place_popup)
from geo.render.styles import (COARSE_PLACE_STYLE, MIXED_OUTLINE, PLACE_COLOR, PLACE_STYLE,
                               aggregate_casualty_style, bubble_html, leaflet_style)
from geo.report import PartyNames, clean, figure_count, is_vague

# Clusters (drawn by markers.js): a party's markers of one kind within this many screen pixels
# of each other are drawn as one
CLUSTER_PX = 36
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@functools.cache
def markers_js() -> str:
    """The page's marker code (markers.js), with the constants it shares with Python filled
    in. Added to the page as raw text, never compiled as a template."""
    source = resources.files(__package__).joinpath("markers.js").read_text(encoding="utf-8")
    return (source.replace("__CLUSTER_PX__", str(CLUSTER_PX))
            .replace("__MIXED_OUTLINE__", MIXED_OUTLINE)
            .replace("__CLUSTER_KINDS__", json.dumps(list(CLUSTER_KINDS))))


@functools.cache
def event_glyphs_js() -> str:
    """``window.geoEventGlyphs``: EVENT_TYPES and each one's badge (constant SVG), for
    markers.js; set before it runs."""
    data = {"types": list(EVENT_TYPES), "glyphs": {t: event_glyph_html(t) for t in EVENT_TYPES}}
    return f"window.geoEventGlyphs = JSON.parse({js_string(json.dumps(data))});"


def event_type_of(row) -> Optional[str]:
    """A row's event type when it is one of EVENT_TYPES (the column may be missing)."""
    value = clean(row.get("event_type"))
    return value if value in EVENT_TYPES else None


def playback_keys(item: MapItem) -> dict:
    """What markers.js needs to play the marker's rows one period at a time and to draw its
    event type's badge, row by row in ``item.rows``' order: ``d`` the days (``row_day``;
    left out when none is dated), and for casualties ``e`` the event types (index into
    EVENT_TYPES, when one is known), ``k`` the counts and ``v`` the vague flags (when it
    holds several figures, which playback may sum apart)."""
    keys: dict[str, list] = {}
    days = [row_day(r) for r in item.rows]
    if any(d is not None for d in days):
        keys["d"] = days
    if item.kind != "casualty":
        return keys
    types = [event_type_of(r) for r in item.rows]
    if any(types):
        keys["e"] = [EVENT_TYPES.index(t) if t else None for t in types]
    if len(item.rows) > 1:
        keys["k"] = [figure_count(r) for r in item.rows]
        keys["v"] = [int(is_vague(r)) for r in item.rows]
    return keys


def marker_record(item: MapItem, names: PartyNames, coarse: bool = False,
                  cap: int = MAX_AGGREGATE_ITEMS) -> dict:
    """What the page needs to draw one marker: position, screen offset, classes, style,
    radius (circles) or bubble HTML (claims), how many items, popup and tooltip HTML (escaped
    here)."""
    n = len(item.rows)
    outcome = css_class(item.row.get("outcome"))
    classes = (f"geo-marker geo-{item.kind} party-{css_class(item.party)}"
               + (f" outcome-{outcome}" if item.kind == "casualty" else "")
               + (" geo-coarse" if coarse else ""))
    dx, dy = item.offset_px
    record = {"lat": round(item.lat, 5), "lon": round(item.lon, 5), "dx": dx, "dy": dy,
              "className": classes, "n": n,
              "tooltip": aggregate_tooltip(item.kind, item.rows, names)}
    if item.kind == "place":
        style = COARSE_PLACE_STYLE if coarse else PLACE_STYLE
        record.update(radius=style["radius"], style=leaflet_style(style),
                      popup=place_popup(item.rows))
    elif item.kind == "casualty":
        style = aggregate_casualty_style(item.rows, names.color(item.party), coarse)
        record.update(radius=style["radius"], style=leaflet_style(style),
                      popup=casualty_aggregate_popup(item.rows, names, cap))
        # what a cluster adds up (markers.js): the figures' sum, per outcome
        counts = [c for c in (figure_count(r) for r in item.rows) if c is not None]
        record.update(c=sum(max(c, 0) for c in counts) if counts else None,
                      o=str(clean(item.row.get("outcome")) or "affected"))
    else:
        record.update(bubble=bubble_html(names.color(item.party), n),
                      popup=claim_aggregate_popup(item.rows, names, cap))
    record.update(playback_keys(item))
    if coarse:
        record["fixed"] = 1  # a country or region: never clustered with towns
        # say so first: the spot is the country's centre, not where it happened
        record["popup"] = coarse_note(item.rows) + record["popup"]
        record["tooltip"] += f" ({coarse_level(item.rows)}-level)"
    return record


class MarkerLayer(folium.map.Layer):
    """One layer-control entry (a party, or the places) holding its markers as one compact
    JSON array that the page's code (markers.js) turns into CircleMarkers and DivIcon bubbles:
    with 10,000 items a folium element per marker made a 20 MB page that took seconds to
    render.

    At each zoom, markers of the layer of one kind within ``CLUSTER_PX`` screen pixels of
    each other are drawn as one cluster (``geo-cluster``) in the layer's colour; clicking it
    zooms in. Popups are built when opened (``bindPopup`` with a function); circles sharing a
    spot are drawn ``dx, dy`` screen pixels off their coordinates at every zoom; each marker
    element is tagged ``data-items`` (how many items it stands for). The data travels as a
    ``js_string`` (inert in <script> and in Jinja) and holds only HTML escaped in Python; the
    layer's name reaches the page as text (``textContent``), its colour only as #rrggbb."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        geoMarkerLayer({{ this._parent.get_name() }}, {{ this.get_name() }},
                       {{ this.data_key|tojson }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, name: str, records: list[dict], show: bool = True,
                 color: str = PLACE_COLOR, party_class: str = "", places: bool = False):
        super().__init__(name=html_label(name), overlay=True, control=True, show=show)
        self._name = "MarkerLayer"
        # biggest circles first: smaller ones are drawn over them within the layer
        self.records = sorted(records, key=lambda r: -(r.get("radius") or 0))
        # each distinct style once (a few dozen for thousands of markers)
        styles: dict[str, int] = {}
        markers = []
        for record in self.records:
            record = dict(record)
            if "style" in record:
                key = json.dumps(record["style"], sort_keys=True)
                record["style"] = styles.setdefault(key, len(styles))
            markers.append(record)
        if not _HEX.match(color):
            raise ValueError(f"MarkerLayer colour: expected #rrggbb, got {color!r}")
        # plain text: the page sets the name with textContent, never as HTML; "slug" is the
        # party's CSS class (markers.js gives it to the layer's clusters)
        layer = {"name": name, "color": color,
                 "slug": css_class(party_class) if party_class else "", "places": bool(places)}
        data = {"layer": layer, "styles": [json.loads(k) for k in styles], "markers": markers}
        self.data_js = js_string(json.dumps(data, separators=(",", ":")))
        self.data_key = hashlib.sha1(self.data_js.encode()).hexdigest()[:16]

    def render(self, **kwargs):
        # The data goes into the page's header as raw text: an element's script output is
        # compiled again as a Jinja template by branca, which took seconds on 10 MB of data.
        self.get_root().header.add_child(RawHtml(f"<script>{event_glyphs_js()}</script>"),
                                         name="geo_event_glyphs")
        self.get_root().header.add_child(RawHtml(f"<script>{markers_js()}</script>"),
                                         name="geo_markers_js")
        self.get_root().header.add_child(RawHtml(
            "<script>window.geoMarkerData = window.geoMarkerData || {};"
            f"window.geoMarkerData[{json.dumps(self.data_key)}] = {self.data_js};</script>"),
            name=f"geo_markers_{self.data_key}")
        super().render(**kwargs)


def write_static_popups(popups: list[str], static_dir: Path | str = STATIC_DIR) -> str:
    """Store a map's popups (escaped HTML) as static/popups/<hash>.json for Streamlit to
    serve; returns the URL path (``assets.write_static``)."""
    data = json.dumps(popups, separators=(",", ":")).encode("utf-8")
    return write_static("popups", data, ".json", static_dir=static_dir)


class ExternalPopups(MacroElement):
    """Starts fetching the popups stored apart (``write_static_popups``): the page paints its
    markers without them and a popup opened before they arrive fills in when they do."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.geoPopups = fetch({{ this.url|tojson }}).then(function (r) {
            if (!r.ok) { throw new Error(r.status); }
            return r.json();
        });
        {% endmacro %}
    """)

    def __init__(self, url: str):
        super().__init__()
        self._name = "ExternalPopups"
        self.url = url


class MarkersStart(MacroElement):
    """Once every MarkerLayer is made and the view is fitted: draws their markers (clustered
    for the zoom, circles stacked largest first across layers, so a big figure never hides a
    small one of another party), and again after every zoom (markers.js)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        geoMarkersStart({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MarkersStart"


def add_markers(fmap: folium.Map, items: list[MapItem], names: PartyNames,
                areas_layer=None, cap: int = MAX_AGGREGATE_ITEMS,
                store_popups: Optional[Callable[[list[str]], str]] = None) -> list[MarkerLayer]:
    """Adds one MarkerLayer per party (places in their own, first, so they sit under the
    figures; ``areas_layer``, the choropleth, before them all) and the layer control; returns
    the layers. With ``store_popups`` the popups are
    handed to it and fetched from the URL it returns instead of travelling in the page."""
    records: dict[Any, list[dict]] = {}
    popups: list[str] = []
    spots: dict[tuple[float, float], int] = {}
    for item, coarse in zip(items, coarse_flags(items)):
        key = "__places__" if item.kind == "place" else item.party
        record = marker_record(item, names, coarse, cap)
        if item.offset_of > 1:  # markers sharing a spot are clustered together or not at all
            record["spot"] = spots.setdefault(spot_key(item.lat, item.lon), len(spots))
        if store_popups is not None:
            record["popupIndex"] = len(popups)
            popups.append(record.pop("popup"))
        records.setdefault(key, []).append(record)
    if popups:
        ExternalPopups(store_popups(popups)).add_to(fmap)

    def order(key: Any) -> tuple:
        return (key != "__places__", key is None, names.name(key).lower() if key else "")
    if areas_layer is not None:
        areas_layer.add_to(fmap)
    layers = []
    for key in sorted(records, key=order):
        if key == "__places__":
            layer = MarkerLayer("Places", records[key], color=PLACE_COLOR, places=True)
        else:
            layer = MarkerLayer(names.name(key), records[key], color=names.color(key),
                                party_class=css_class(key))
        layers.append(layer.add_to(fmap))
    if layers or areas_layer is not None:
        n_parties = sum(1 for key in records if key != "__places__")
        folium.LayerControl(collapsed=n_parties > MAX_EXPANDED_PARTIES).add_to(fmap)
    return layers
