"""The basemap under the markers: country outlines over an ocean-coloured background (map.css),
admin-1 outlines of the countries present and the named regions mentioned, and place labels
(labels.py: the world's big names, the towns of the countries present), drawn inline or - in
the dashboard - the world's outlines and labels fetched from static files written once."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

import folium
from branca.element import MacroElement
from folium.template import Template
from shapely.geometry import mapping

from geo.places import BOUNDARIES_PATH, load_regions
from geo.render.assets import STATIC_DIR, STATIC_URL_PREFIX
from geo.render.escaping import css_class
from geo.render.labels import (LABELS_FILE, MapLabels, add_labels, label_gazetteer,
                               load_map_labels, write_static_labels)

logger = logging.getLogger(__name__)

LAND = "#f5f2ea"
COUNTRY_LINE = "#9c978c"
ADMIN1_LINE = "#c9c3b6"
NAMED_REGION_LINE = "#7a5c99"  # named regions (Nagorno-Karabakh, Donbas...) mentioned by items


@dataclass
class Basemap:
    """GeoJSON FeatureCollections of outlines to draw under the markers."""
    countries: Optional[dict] = None
    admin1: Optional[dict] = None
    named: Optional[dict] = None  # outlines of the named regions the items mention
    labels: Optional[MapLabels] = None  # place names (None: no labels)


def named_region_outlines(regions, names: Iterable[str], tolerance: float = 0.01) -> Optional[dict]:
    """FeatureCollection of the named regions (e.g. Nagorno-Karabakh) that ``names`` refer to.

    Properties hold only the region's id: the article's wording never reaches the page here."""
    features, seen = [], set()
    for name in sorted({n for n in names if isinstance(n, str) and n}):
        geom = regions.named_region(name)
        key = None if geom is None else geom.wkb
        if geom is None or key in seen:
            continue
        seen.add(key)
        features.append({"type": "Feature", "properties": {},
                         "geometry": mapping(geom.simplify(tolerance, preserve_topology=True))})
    return {"type": "FeatureCollection", "features": features} if features else None


def load_basemap(regions, country_codes: Iterable[str] = (),
                 region_names: Iterable[str] = (), with_countries: bool = True,
                 points: Optional[Sequence[tuple[float, float]]] = None) -> Basemap:
    """Country outlines, plus admin-1 outlines of ``country_codes`` and the named regions of
    ``region_names``, from ``regions`` (``geo.places``' Regions); an outline it cannot give is
    left out (the map still renders). Place labels from the gazetteer: the world's with the
    country outlines (``with_countries``: else the page fetches both), the towns of
    ``country_codes`` (those near the items' ``points`` first, when given)."""
    codes = sorted({c for c in country_codes if c})
    try:
        countries = regions.basemap_geojson(level="countries") if with_countries else None
    except (OSError, ValueError, KeyError):
        countries = None
    admin1 = None
    if codes:
        try:
            admin1 = regions.basemap_geojson(level="admin1", country_codes=codes)
        except (OSError, ValueError, KeyError):
            admin1 = None
    try:
        named = named_region_outlines(regions, region_names)
    except (AttributeError, TypeError, ValueError):
        named = None
    return Basemap(countries, admin1, named,
                   load_map_labels(codes, world=with_countries, near=points))


def round_coords(coords: Any, ndigits: int) -> Any:
    """GeoJSON coordinates (nested lists) rounded to ``ndigits`` decimals."""
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(c), ndigits) for c in coords]
        return [round_coords(c, ndigits) for c in coords]
    return coords


def slim_geojson(fc: Optional[dict], ndigits: int = 3) -> Optional[dict]:
    """The collection with coordinates rounded (~100 m: smaller page) and only the ISO code
    kept in properties (outlines are not interactive: names would only add bytes)."""
    if not fc or not fc.get("features"):
        return None
    features = []
    for feat in fc["features"]:
        geom = feat.get("geometry")
        if not geom:
            continue
        props = feat.get("properties") or {}
        features.append({"type": "Feature",
                         "properties": {"iso_a2": css_class(props.get("iso_a2"))},
                         "geometry": {"type": geom["type"],
                                      "coordinates": round_coords(geom.get("coordinates"), ndigits)}})
    return {"type": "FeatureCollection", "features": features} if features else None


def as_basemap(basemap: Any, regions: Any, country_codes: Iterable[str],
               region_names: Iterable[str] = (), with_countries: bool = True,
               points: Optional[Sequence[tuple[float, float]]] = None) -> Basemap:
    """The Basemap ``build_map``'s ``basemap`` argument stands for: None loads the outlines
    from ``regions``, or from the bundled boundaries when no regions are given (none at all
    when those are missing: the map still renders)."""
    if basemap is False:
        return Basemap()
    if isinstance(basemap, Basemap):
        return basemap
    if isinstance(basemap, Mapping) and basemap.get("type") == "FeatureCollection":
        return Basemap(countries=dict(basemap))
    if isinstance(basemap, Mapping):
        return Basemap(basemap.get("countries"), basemap.get("admin1"))
    if basemap is None:
        if regions is None:
            try:
                regions = load_regions()
            except (OSError, ValueError):
                return Basemap()
        return load_basemap(regions, country_codes, region_names, with_countries, points)
    raise TypeError(f"basemap: expected Basemap, FeatureCollection dict, False or None, "
                    f"got {type(basemap).__name__}")


BASEMAP_FILE = Path("basemap") / "countries.json"
BASEMAP_PANE = "geo-basemap"
COUNTRY_STYLE = {"color": COUNTRY_LINE, "weight": 0.8, "fillColor": LAND, "fillOpacity": 1.0}


def ensure_static_basemap(regions=None, static_dir: Path | str = STATIC_DIR,
                          gazetteer: Any = None) -> dict:
    """Write the world's country outlines once as static/basemap/countries.json, so the
    dashboard's page fetches them from Streamlit's static route instead of carrying ~1 MB of
    GeoJSON in every rerun. Rewritten when the boundaries file changes, from ``regions`` (the
    bundled boundaries are loaded only then, when none are given). Beside it the world's
    place labels (labels.json, see ``labels_url``), from ``gazetteer`` (default: the
    project's). Returns ``{"countries_geojson": URL}``, or {} when the boundaries are not
    available."""
    try:
        write_static_labels(Path(static_dir) / LABELS_FILE,
                            gazetteer if gazetteer is not None else label_gazetteer())
    except (OSError, ValueError) as err:  # the map works without labels
        logger.warning("no static place labels: %s", err)
    path = Path(static_dir) / BASEMAP_FILE
    stamp_path = path.with_suffix(".stamp")
    try:
        source = BOUNDARIES_PATH.stat()
    except OSError:
        return {}
    stamp = f"{source.st_size}-{int(source.st_mtime)}"
    if not (path.exists() and stamp_path.exists() and stamp_path.read_text() == stamp):
        countries = slim_geojson((regions or load_regions()).basemap_geojson(level="countries"))
        if not countries:
            return {}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(countries, separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)  # readers never see a half-written file
        stamp_path.write_text(stamp)
    return {"countries_geojson": STATIC_URL_PREFIX + BASEMAP_FILE.as_posix()}


class FetchedGeoJson(MacroElement):
    """A non-interactive GeoJSON layer the page fetches from a (same-origin) URL, drawn in its
    own pane under the markers. Only trusted values (our URL and style) reach the template."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var pane = map.getPane('geo-basemap') || map.createPane('geo-basemap');
            pane.style.zIndex = 250;
            pane.style.pointerEvents = 'none';
            fetch({{ this.url|tojson }}).then(function (r) { return r.json(); })
                .then(function (data) {
                    // under the province outlines drawn while it loaded (same pane)
                    L.geoJSON(data, {pane: 'geo-basemap', interactive: false,
                                     style: {{ this.style|tojson }}}).addTo(map).bringToBack();
                });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, url: str, style: dict):
        super().__init__()
        self._name = "FetchedGeoJson"
        self.url, self.style = url, style


def labels_url(countries_url: Optional[str]) -> Optional[str]:
    """The world labels' URL, beside the countries' (both written by ensure_static_basemap)."""
    if not countries_url or not countries_url.endswith(BASEMAP_FILE.as_posix()):
        return None
    return countries_url[:-len(BASEMAP_FILE.as_posix())] + LABELS_FILE.as_posix()


def add_basemap(fmap: folium.Map, basemap: Basemap, countries_url: Optional[str] = None
                 ) -> None:
    """Adds the outlines and labels to ``fmap``; the countries (and the world's labels)
    fetched from ``countries_url`` (and the file beside it) if given."""
    countries = None if countries_url else slim_geojson(basemap.countries)
    # every outline in one pane under the province shading and the markers
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=False).add_to(fmap)
    if countries_url:
        FetchedGeoJson(countries_url, COUNTRY_STYLE).add_to(fmap)
    if countries:
        folium.GeoJson(countries, name="Countries", control=False, interactive=False,
                       pane=BASEMAP_PANE,
                       style_function=lambda _: COUNTRY_STYLE).add_to(fmap)
    admin1 = slim_geojson(basemap.admin1)
    if admin1:
        folium.GeoJson(admin1, name="Provinces", control=False, interactive=False,
                       pane=BASEMAP_PANE,
                       style_function=lambda _: {"color": ADMIN1_LINE, "weight": 0.6,
                                                 "dashArray": "2 3", "fill": False}
                       ).add_to(fmap)
    named = slim_geojson(basemap.named)
    if named:
        folium.GeoJson(named, name="Named regions", control=False, interactive=False,
                       pane=BASEMAP_PANE,
                       style_function=lambda _: {"color": NAMED_REGION_LINE, "weight": 1.5,
                                                 "fillColor": NAMED_REGION_LINE,
                                                 "fillOpacity": 0.08, "dashArray": "6 4"}
                       ).add_to(fmap)
    # over the outlines and the province shading, under the markers; never clickable
    add_labels(fmap, basemap.labels, labels_url(countries_url))
