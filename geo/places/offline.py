"""``OfflineGeocoder``: the offline gazetteer behind geopy's interface, so it drops in wherever
a geopy geocoder does (``RateLimiter``, ``geopandas.tools.geocode``...)."""
from __future__ import annotations

from typing import Iterable, Optional

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.places.gazetteer import Candidate, Context, Gazetteer, confidence, rank
from geo.places.learned import default_gazetteer


class OfflineGeocoder(Geocoder):
    """A geopy geocoder answered from the offline gazetteer (no network, no rate limit needed).

    ``Location.raw`` holds the entry (gazetteer_id, feature, country_code, population, ...) and
    the ranking ``score``/``confidence``.
    """

    def __init__(self, gazetteer: Optional[Gazetteer] = None, *, context: Optional[Context] = None,
                 timeout=None, user_agent: Optional[str] = None):
        super().__init__(timeout=timeout, user_agent=user_agent or "geo-offline-gazetteer")
        self._gazetteer = gazetteer
        self.context = context

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:  # geopy style: OfflineGeocoder() works as it stands
            self._gazetteer = default_gazetteer()
        return self._gazetteer

    def geocode(self, query: str, *, exactly_one: bool = True,
                country_codes: Optional[Iterable[str] | str] = None, timeout=None,
                context: Optional[Context] = None):
        if not isinstance(query, str) or not query.strip():
            raise ValueError(f"got query {query!r}, expected a non-empty string")
        if isinstance(country_codes, str):
            country_codes = [country_codes]
        ranked = rank(self.gazetteer.candidates(query), context or self.context, country_codes)
        if not ranked:
            return None
        conf = confidence(ranked)
        locations = [self._location(c, s, conf if i == 0 else None)
                     for i, (s, c) in enumerate(ranked)]
        return locations[0] if exactly_one else locations

    def _location(self, c: Candidate, s: float, conf: Optional[float]) -> Location:
        country = self.gazetteer.country(c.country_code) if c.country_code else None
        parts = [c.name]
        if c.admin1 and c.feature == "city":
            parts.append(c.admin1)
        if country is not None and c.feature != "country":
            parts.append(country.name)
        raw = c.raw() | {"score": round(s, 3), "confidence": conf}
        return Location(", ".join(parts), (c.lat, c.lon, 0.0), raw)

    def reverse(self, query, *, exactly_one=True, timeout=None):
        raise NotImplementedError("OfflineGeocoder does not reverse-geocode; use geo.places.regions")
