"""What the correction form proposes: the gazetteer's coordinates for a typed place name."""
from __future__ import annotations

from functools import lru_cache

from geo.records import PRECISIONS


@lru_cache(maxsize=1)
def offline_geocoder():
    """The default geocoder of ``place_candidates``: the offline gazetteer, loaded once."""
    from geo.places import OfflineGeocoder  # the gazetteer pulls in geopandas: only on demand

    return OfflineGeocoder()


def place_candidates(name: str, geocoder=None, limit: int = 8) -> list[dict]:
    """Coordinates ``geocoder`` (default: ``offline_geocoder()``) proposes for a typed place
    name, as keyword arguments for ``Store.correct_place`` plus a ``label`` to show."""
    if not str(name or "").strip():
        return []
    geocoder = geocoder if geocoder is not None else offline_geocoder()
    found = geocoder.geocode(str(name).strip(), exactly_one=False) or []
    out = []
    for loc in list(found)[:limit]:
        raw = getattr(loc, "raw", {}) or {}
        feature = raw.get("feature")
        precision = feature if feature in PRECISIONS[:-1] else "city"
        out.append({"label": f"{loc.address} ({precision}, {loc.latitude:.3f}, "
                             f"{loc.longitude:.3f})",
                    "lat": float(loc.latitude), "lon": float(loc.longitude),
                    "resolved_name": raw.get("name") or str(loc.address).split(",")[0],
                    "precision": precision, "country_code": raw.get("country_code"),
                    "admin1": raw.get("admin1")})
    return out
