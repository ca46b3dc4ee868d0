"""Places: toponyms in an article found (spaCy NER + gazetteer phrase matcher), resolved to
gazetteer entries with the article's context, and tagged with country, admin-1 unit and named
region from the boundaries. Offline by default (a SQLite gazetteer built from GeoNames, Natural
Earth and curated rows); an online geopy service is opt-in, rate-limited and cached.

Inside, one module per concern: geodesy (haversine), names (lookup keys), index (building the
gazetteer) and gazetteer (lookups and ranking), regions (boundaries: the one spatial join),
offline / online / cache (geocoders with geopy's interface), words, component (the spaCy
component), mentions (finding), shapes (a mention's edges: 'eastern Ghouta', 'al-Sheikh
Maqsoud', 'Homs Idlib' apart, no 'Salem' of 'Salem Mosque'), context (names found through
the article's countries), variants (transliteration variants, matched only in those
countries), lists (names listed with placed towns, in their country), capitals (a capital,
country or region over a small namesake the text does not support), focus (the countries an
article is about), resolve (choosing a sense). The names below load on first use, so
importing one of them does not pull in spaCy or geopandas.
"""
from __future__ import annotations

from geo.lazy import lazy_exports

_API = {
    # finding and resolving
    "find_places": "resolve", "resolve_mentions": "resolve",
    "find_mentions": "mentions", "gold_mentions": "mentions", "Mention": "mentions",
    "load_place_pipeline": "component", "add_place_component": "component",
    "GazetteerPlaceMatcher": "component", "SPANS_KEY": "component",
    # gazetteer
    "load_gazetteer": "gazetteer", "Gazetteer": "gazetteer", "Candidate": "gazetteer",
    "Context": "gazetteer", "rank": "gazetteer", "confidence": "gazetteer",
    "normalize": "names", "build_gazetteer": "index",
    # geocoders
    "OfflineGeocoder": "offline", "online_geocoder": "online", "geocoder_from_env": "online",
    "CachedGeocoder": "online", "learned_candidates": "learned", "learned_from_env": "learned",
    "default_gazetteer": "learned",
    "GeocodeCache": "cache",
    # boundaries and distances
    "load_regions": "regions", "bundled_regions": "regions", "Regions": "regions",
    "tag_places": "regions", "BOUNDARIES_PATH": "regions", "name_key": "regions",
    "split_names": "regions", "ascii_fold": "regions", "match_admin1": "regions",
    "haversine_km": "geodesy", "haversine_km_array": "geodesy",
}
__all__ = list(_API)

__getattr__, __dir__ = lazy_exports(__name__, _API, globals())
