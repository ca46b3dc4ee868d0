"""The map page and the exports: ``build_map`` makes the folium map of a map frame (markers,
popups, basemap, choropleth, map key; Leaflet, markers.js and map.css carried along, so it
renders with no network), ``export``/``export_bytes`` write it or the frame's data as HTML,
PNG, CSV, GeoJSON or GeoPackage, and the ``ensure_static_*``/``write_static*`` functions put
what the dashboard's page fetches under Streamlit's static folder.

The names load on first use: folium is imported only when a map is made, so a CSV export or
``from geo.render import find_chromium`` stays light.
"""
from __future__ import annotations

from geo.lazy import lazy_exports

from typing import TYPE_CHECKING

_API = {
    "build_map": "geo.render.page",
    "export": "geo.render.exports", "export_bytes": "geo.render.exports",
    "EXPORT_MIME": "geo.render.exports", "FORMATS": "geo.render.exports",
    "BrowserNotFound": "geo.render.exports", "find_chromium": "geo.render.exports",
    "CHROMIUM_ARGS": "geo.render.exports", "NothingToExport": "geo.render.exports",
    "mappable": "geo.render.exports",
    "ensure_static_assets": "geo.render.assets", "write_static": "geo.render.assets",
    "ensure_static_basemap": "geo.render.basemap",
    "write_static_popups": "geo.render.markers",
}
__all__ = ["BrowserNotFound", "CHROMIUM_ARGS", "EXPORT_MIME", "FORMATS", "NothingToExport",
           "build_map", "ensure_static_assets", "ensure_static_basemap", "export",
           "export_bytes", "find_chromium", "mappable", "write_static", "write_static_popups"]

if TYPE_CHECKING:  # the same names, for type checkers and editors
    from geo.render.assets import ensure_static_assets, write_static
    from geo.render.basemap import ensure_static_basemap
    from geo.render.exports import (CHROMIUM_ARGS, EXPORT_MIME, FORMATS, BrowserNotFound,
                                    NothingToExport, export, export_bytes, find_chromium,
                                    mappable)
    from geo.render.markers import write_static_popups
    from geo.render.page import build_map

__getattr__, __dir__ = lazy_exports(__name__, _API, globals())
