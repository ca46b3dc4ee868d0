"""Geocoders behind one interface: ``geocode(query, exactly_one=True, ...) -> Location | list | None``.

The default is the offline gazetteer (``geo.places.gazetteer.OfflineGeocoder``): no network at all.
Online services are opt-in (``GEO_GEOCODER=nominatim``, or any name geopy knows) and are plain
geopy geocoders composed the geopy way: ``RateLimiter`` (at least one second between calls, as
Nominatim's usage policy asks) around the service, and a persistent SQLite cache around that, so
a query is sent once ever, failures included.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

from geo.config import DATA_DIR

ENV_SERVICE = "GEO_GEOCODER"  # unset / 'offline' = the gazetteer
ENV_USER_AGENT = "GEO_USER_AGENT"  # services like Nominatim want a contact in it
ENV_CACHE = "GEO_GEOCODE_CACHE"
DEFAULT_USER_AGENT = "geo-conflict-map/0.1 (news geoparser; set GEO_USER_AGENT to add a contact)"
DEFAULT_CACHE = DATA_DIR / "geocode-cache.sqlite"
MIN_DELAY_SECONDS = 1.0
DEFAULT_TIMEOUT = 10


class GeocodeCache:
    """Answers of geocoders by (service, query, options), in one SQLite file; thread-safe."""

    def __init__(self, path: os.PathLike | str = DEFAULT_CACHE):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS geocode (service TEXT, key TEXT, "
                         "answer TEXT, PRIMARY KEY (service, key))")
        self._db.commit()

    def get(self, service: str, key: str) -> tuple[bool, Any]:
        with self._lock:
            row = self._db.execute("SELECT answer FROM geocode WHERE service = ? AND key = ?",
                                   (service, key)).fetchone()
        return (False, None) if row is None else (True, _decode(json.loads(row[0])))

    def put(self, service: str, key: str, answer) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO geocode VALUES (?, ?, ?)",
                             (service, key, json.dumps(_encode(answer), ensure_ascii=False)))
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM geocode").fetchone()[0]

    def answers(self) -> list[tuple[str, str, Location]]:
        """(service, query, best location) of every cached hit; misses are left out."""
        with self._lock:
            rows = self._db.execute("SELECT service, key, answer FROM geocode").fetchall()
        out = []
        for service, key, answer in rows:
            try:
                query = json.loads(key)[0]
            except (ValueError, IndexError, TypeError):
                continue
            loc = _decode(json.loads(answer))
            if isinstance(loc, list):
                loc = loc[0] if loc else None
            if loc is not None:
                out.append((service, query, loc))
        return out

    def close(self) -> None:
        self._db.close()


def _encode(answer):
    if answer is None:
        return None  # a miss is cached too: it would miss again
    if isinstance(answer, Location):
        return {"address": answer.address, "lat": answer.latitude, "lon": answer.longitude,
                "raw": answer.raw}
    return [_encode(a) for a in answer]


def _decode(value):
    if value is None:
        return None
    if isinstance(value, dict):
        return Location(value["address"], (value["lat"], value["lon"]), value["raw"])
    return [_decode(v) for v in value]


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
        from geopy.geocoders import get_geocoder_for_service

        cls = get_geocoder_for_service(service)
        geocoder = cls(user_agent=user_agent or os.environ.get(ENV_USER_AGENT)
                       or DEFAULT_USER_AGENT, timeout=timeout, **options)
    limited = RateLimiter(geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=2,
                          error_wait_seconds=5.0, swallow_exceptions=False)
    if not isinstance(cache, GeocodeCache):
        cache = GeocodeCache(cache or os.environ.get(ENV_CACHE) or DEFAULT_CACHE)
    return CachedGeocoder(limited, cache, service)


def configured_service(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The online service ``GEO_GEOCODER`` opts into (lower case), or None for the offline
    gazetteer (unset, empty, 'offline' or 'gazetteer')."""
    env = os.environ if env is None else env
    service = (env.get(ENV_SERVICE) or "").strip().lower()
    return None if service in ("offline", "gazetteer", "") else service


def geocoder_from_env(env: Optional[Mapping[str, str]] = None, **kwargs):
    """The configured geocoder: the offline gazetteer unless ``GEO_GEOCODER`` names a service."""
    env = os.environ if env is None else env
    service = configured_service(env)
    if service is None:
        from geo.places.gazetteer import OfflineGeocoder

        return OfflineGeocoder()
    return online_geocoder(service, user_agent=env.get(ENV_USER_AGENT), **kwargs)


# Nominatim's 'addresstype' (and similar fields of other services) -> gazetteer feature.
_FEATURE_OF = {"country": "country", "state": "admin1", "province": "admin1", "region": "admin1",
               "county": "admin2", "district": "admin2", "municipality": "admin2"}


def learned_candidates(cache: GeocodeCache) -> dict[str, list]:
    """The cache's answers as gazetteer candidates, by normalised query: an opted-in online
    answer ('Pisky' -> a point) joins the local gazetteer, so later articles resolve the name
    offline and rank it with the rest (``geo.places.gazetteer.Gazetteer(learned=...)``)."""
    from geo.places.gazetteer import Candidate, normalize

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
