"""Geospatial conflict map: news articles -> places, casualty figures and claims -> store -> map.

The flow, one package per stage (``docs/ARCHITECTURE.md`` draws it)::

    read -> places, events -> pipeline -> store -> report -> render -> cli, app.py

The names below are the public API; they load on first use, so ``import geo`` stays cheap.
"""
from __future__ import annotations

from geo.lazy import lazy_exports

__version__ = "0.2.0"

_API = {
    # records
    "Article": "geo.records", "Place": "geo.records", "Casualty": "geo.records",
    "Claim": "geo.records", "Extraction": "geo.records",
    # read
    "read_articles": "geo.read", "ArticleError": "geo.read",
    # places
    "OfflineGeocoder": "geo.places", "load_gazetteer": "geo.places", "load_regions": "geo.places",
    # pipeline
    "extract": "geo.pipeline", "ingest": "geo.pipeline",
    # store
    "open_store": "geo.store", "Store": "geo.store",
    # report
    "Filters": "geo.report", "filter_frame": "geo.report", "read_items": "geo.report",
    "map_view": "geo.report", "tolls_as_of": "geo.report",
    # render
    "build_map": "geo.render", "export": "geo.render",
}
__all__ = ["__version__", *_API]

__getattr__, __dir__ = lazy_exports(__name__, _API, globals())
