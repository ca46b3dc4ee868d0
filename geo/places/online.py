"""Opt-in online geocoders (``GEO_GEOCODER=nominatim``, or any name geopy knows), composed the
geopy way: ``RateLimiter`` (at least one second between calls, as Nominatim's usage policy
asks) around the service, and a persistent ``GeocodeCache`` around that, so a query is sent
once ever, failures excepted. The default stays the offline gazetteer.
"""
from __future__ import annotations

import json
import os
from typing import Callable, Mapping, Optional

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service

from geo.config import geocode_cache_path, geocoder_service, user_agent as configured_user_agent
from geo.places.cache import GeocodeCache
from geo.places.offline import OfflineGeocoder

DEFAULT_USER_AGENT = "geo-conflict-map/0.1 (news geoparser; set GEO_USER_AGENT to add a contact)"
MIN_DELAY_SECONDS = 1.0
DEFAULT_TIMEOUT = 10


class CachedGeocoder:
    """A geocode function with a persistent cache in front; looks like a geopy geocoder."""

    def __init__(self, geocode: Callable, cache: GeocodeCache, service: str):
        self._geocode = geocode
        self.cache = cache
        self.service = service

    def geocode(self, query: str, exactly_one: bool = True, **kwargs):
        if not isinstance(query, str) or not query.strip():
            raise ValueError(f"got query {query!r}, expected a non-empty string")
        key = json.dumps([" ".join(query.split()).casefold(), exactly_one, kwargs],
                         sort_keys=True, default=str)
        hit, answer = self.cache.get(self.service, key)
        if hit:
            return answer
        # A failure (timeout, refusal, rate limit) raises and is NOT cached: only real answers,
        # misses included, are remembered.
        answer = self._geocode(query, exactly_one=exactly_one, **kwargs)
        self.cache.put(self.service, key, answer)
        return answer

    __call__ = geocode


def online_geocoder(service: str, *, user_agent: Optional[str] = None,
                    timeout: float = DEFAULT_TIMEOUT, min_delay_seconds: float = MIN_DELAY_SECONDS,
                    cache: Optional[GeocodeCache | os.PathLike | str] = None, geocoder=None,
                    **options) -> CachedGeocoder:
    """A geopy service (by name, e.g. 'nominatim') rate-limited and cached.

    ``geocoder`` passes a ready object instead of constructing the service (tests use a fake).
    """
    if min_delay_seconds < MIN_DELAY_SECONDS:
        raise ValueError(f"got min_delay_seconds={min_delay_seconds}, expected >= "
                         f"{MIN_DELAY_SECONDS}: public services ban faster clients")
    if geocoder is None:
        cls = get_geocoder_for_service(service)
        geocoder = cls(user_agent=user_agent or configured_user_agent() or DEFAULT_USER_AGENT,
                       timeout=timeout, **options)
    limited = RateLimiter(geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=2,
                          error_wait_seconds=5.0, swallow_exceptions=False)
    if not isinstance(cache, GeocodeCache):
        cache = GeocodeCache(cache or geocode_cache_path())
    return CachedGeocoder(limited, cache, service)


def geocoder_from_env(env: Optional[Mapping[str, str]] = None, **kwargs):
    """The configured geocoder: the offline gazetteer unless ``GEO_GEOCODER`` names a service."""
    service = geocoder_service(env)
    if service is None:
        return OfflineGeocoder()
    return online_geocoder(service, user_agent=configured_user_agent(env), **kwargs)
