"""Great-circle distance on the mean Earth sphere: the one haversine of the project."""
from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return EARTH_RADIUS_KM * 2 * math.asin(min(1.0, math.sqrt(a)))


def haversine_km_array(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle km between points given in degrees, element-wise over (broadcast) arrays;
    ``haversine_km`` is the same for two single points."""
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def pairs_within_km(lat: np.ndarray, lon: np.ndarray, max_km: float
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, km) of the pairs of points at most ``max_km`` apart (no point with
    itself), computed a block of rows at a time: memory stays linear in the points, not
    quadratic (an article naming 8,000 towns has 100 million pairs, few of them near)."""
    n = len(lat)
    block = max(1, 2_000_000 // max(n, 1))
    rows, cols, kms = [np.zeros(0, dtype=np.intp)], [np.zeros(0, dtype=np.intp)], [np.zeros(0)]
    for lo in range(0, n, block):
        km = haversine_km_array(lat[lo:lo + block, None], lon[lo:lo + block, None],
                                lat[None, :], lon[None, :])
        r, c = np.nonzero(km <= max_km)
        rows.append(r + lo)
        cols.append(c)
        kms.append(km[r, c])
    r, c, km = (np.concatenate(x) for x in (rows, cols, kms))
    other = r != c
    return r[other], c[other], km[other]
