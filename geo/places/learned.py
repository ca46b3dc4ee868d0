"""Learned candidates: an opted-in online geocoder's cached answers joining the gazetteer
('Pisky' -> a point), so later articles resolve the name offline; and ``default_gazetteer()``,
the gazetteer the CLI and the dashboard use (the configured index plus those answers)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

from geo.config import gazetteer_path, geocode_cache_path, geocoder_service
from geo.places.cache import GeocodeCache
from geo.places.gazetteer import Candidate, Gazetteer, load_gazetteer
from geo.places.names import normalize

# Nominatim's 'addresstype' (and similar fields of other services) -> gazetteer feature.
_FEATURE_OF = {"country": "country", "state": "admin1", "province": "admin1", "region": "admin1",
               "county": "admin2", "district": "admin2", "municipality": "admin2"}


def learned_candidates(cache: GeocodeCache) -> dict[str, list]:
    """The cache's answers as gazetteer candidates, by normalised query: an opted-in online
    answer ('Pisky' -> a point) joins the local gazetteer, so later articles resolve the name
    offline and rank it with the rest (``geo.places.gazetteer.load_gazetteer(learned=...)``)."""
    out: dict[str, list] = {}
    for service, query, loc in cache.answers():
        raw = loc.raw if isinstance(loc.raw, dict) else {}
        kind = str(raw.get("addresstype") or raw.get("type") or "")
        address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
        cc = str(address.get("country_code") or "").upper() or None
        ident = raw.get("osm_id") or raw.get("place_id") or raw.get("id") or query
        key = normalize(query)
        if not key:
            continue
        out.setdefault(key, []).append(Candidate(
            gazetteer_id=f"online:{service}:{ident}", name=(loc.address or query).split(",")[0],
            lat=float(loc.latitude), lon=float(loc.longitude),
            feature=_FEATURE_OF.get(kind, "city"), country_code=cc,
            source=f"geopy {service}, cached answer for {query!r}"))
    return out


def learned_from_env(env: Optional[Mapping[str, str]] = None) -> dict[str, list[Candidate]]:
    """The learned candidates of a user who opted in (``GEO_GEOCODER`` names a service), read
    from the cache at ``geo.config.geocode_cache_path()``; empty for offline users (and the
    evaluations, which never see them)."""
    if geocoder_service(env) is None:
        return {}
    path = Path(geocode_cache_path(env))
    if not path.exists():
        return {}
    cache = GeocodeCache(path)
    try:
        return learned_candidates(cache)
    finally:
        cache.close()


def default_gazetteer() -> Gazetteer:
    """``load_gazetteer()`` at ``geo.config.gazetteer_path()`` with ``learned_from_env()``:
    once per process and index file."""
    return _default_gazetteer(str(gazetteer_path().resolve()))


@lru_cache(maxsize=None)
def _default_gazetteer(path: str) -> Gazetteer:
    return load_gazetteer(path, learned=learned_from_env())
