"""Region boundaries and the point-in-region join.

``data/boundaries.gpkg`` (built by ``scripts/build_boundaries.py`` from Natural Earth 10m, see
``data/README.md``) holds three EPSG:4326 layers: ``countries``, ``admin1`` and
``named_regions`` (curated unions of admin-1 units, e.g. Nagorno-Karabakh, Donbas).

``load_regions()`` reads it once per process; ``Regions.join()`` tags points with
``country_code`` / ``admin1`` / ``region``: the project's one point-in-region join
(``tag_places`` applies it to resolved places). Country codes follow ISO 3166 (internationally
recognised sovereignty): Crimea is UA, Nagorno-Karabakh AZ, Northern Cyprus CY.
"""
from __future__ import annotations

import functools
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from geo.config import DATA_DIR
from geo.places.geodesy import haversine_km_array
from geo.records import Place

logger = logging.getLogger(__name__)

BOUNDARIES_PATH = DATA_DIR / "boundaries.gpkg"
LAYERS = ("countries", "admin1", "named_regions")
JOIN_COLUMNS = ("country_code", "admin1", "region")
BASEMAP_LEVELS = ("countries", "admin1")

# Points up to this far off the coast (city centroids in the sea after simplification, ports,
# islands dropped by the 1:10m data) still get the nearest admin-1 unit / country.
NEAREST_MAX_KM = 25.0
# Display simplification (degrees) when basemap_geojson() gets no tolerance: ~5 km / ~1 km.
BASEMAP_TOLERANCE = {"countries": 0.05, "admin1": 0.01}
# Coordinates in the GeoJSON are snapped to a grid of tolerance / BASEMAP_GRID_DIVISOR
# degrees: shorter numbers, still valid polygons, no visible change at that simplification.
BASEMAP_GRID_DIVISOR = 5

_KM_PER_DEG_LAT = 111.32
_WGS84 = CRS.from_epsg(4326)

# Letters NFKD does not decompose (Azerbaijani schwa, dotless i, Nordic/Slavic letters).
_ASCII_MAP = str.maketrans({
    "ə": "a", "Ə": "A", "ı": "i", "ħ": "h", "Ħ": "H", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L",
    "ß": "ss", "þ": "th", "Þ": "Th", "–": "-", "—": "-", "’": "'", "‘": "'", "ʼ": "'",
})
_APOSTROPHES = re.compile(r"['`ʻʼ’‘]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def ascii_fold(text: str) -> str:
    """``'Xocavənd'`` -> ``'Xocavand'``: the ASCII form used for admin-1 names."""
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_MAP))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


def name_key(text: str) -> str:
    """Matching key: ASCII, case-folded, apostrophes dropped, punctuation/space collapsed, so
    'Nagorno Karabakh' == 'nagorno-karabakh' and "Donets'k" == 'Donetsk'."""
    text = _APOSTROPHES.sub("", ascii_fold(text).casefold())
    return _NON_ALNUM.sub(" ", text).strip()


def split_names(value) -> list[str]:
    """'a|b|c' -> ['a', 'b', 'c'] (None/NaN/'' -> [])."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [v.strip() for v in str(value).split("|") if v.strip()]


def match_admin1(admin1: pd.DataFrame, member: str, country_code: Optional[str] = None) -> pd.Index:
    """Index labels of the admin-1 rows a named-region member refers to: an ``adm1_code`` or a
    name / alternate name (``name_key`` equality), within ``country_code`` when given.
    Several rows may match (e.g. NE splits Susa into rayon and city): all are returned."""
    if not isinstance(member, str) or not member.strip():
        raise ValueError(f"member must be a non-empty string, got {member!r}")
    rows = admin1 if country_code is None else admin1[admin1["iso_a2"] == country_code]
    by_code = rows["adm1_code"].astype(str).str.casefold() == member.strip().casefold()
    if by_code.any():
        return rows.index[by_code.to_numpy()]
    key = name_key(member)
    names = rows["name"].fillna("") + "|" + rows["name_alt"].fillna("")
    keys = names.map(lambda v: {name_key(n) for n in split_names(v)})
    return rows.index[keys.map(lambda ks: key in ks).to_numpy(dtype=bool)]


@dataclass
class Regions:
    """The three boundary layers, with their spatial indexes built once at load."""
    countries: gpd.GeoDataFrame
    admin1: gpd.GeoDataFrame
    named_regions: gpd.GeoDataFrame
    path: Optional[Path] = None
    _alias_index: dict = field(default_factory=dict, repr=False)
    _geojson_cache: dict = field(default_factory=dict, repr=False)
    _columns: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        # positional index == sjoin's index_right; STRtrees built now, not on the first join
        self.countries = self.countries.reset_index(drop=True)
        self.admin1 = self.admin1.reset_index(drop=True)
        self.named_regions = self.named_regions.reset_index(drop=True)
        for frame in (self.countries, self.admin1, self.named_regions):
            _ = frame.sindex
        self._alias_index = _alias_index(self.named_regions)
        # the joined columns as object arrays, converted once rather than per join
        self._columns = {"iso_a2": self.admin1["iso_a2"].to_numpy(dtype=object),
                         "admin1": self.admin1["name"].to_numpy(dtype=object),
                         "region": self.named_regions["name"].to_numpy(dtype=object)}

    # -- joins -------------------------------------------------------------------------------

    def join(self, points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Copy of ``points`` with ``country_code``, ``admin1`` and ``region`` columns added
        (same index and order; rows without a geometry kept, with None values)."""
        _validate_points(points)
        out = points.copy()
        for col, found in self._join_geometries(points.geometry.values).items():
            # object dtype keeps None (pandas 3 would infer 'str' and turn None into NaN)
            out[col] = pd.Series(found, index=out.index, dtype=object)
        return out

    def join_latlon(self, lats: Sequence[float], lons: Sequence[float]) -> pd.DataFrame:
        """``join()`` for plain coordinate lists; NaN/None coordinates give None values.

        The same join without a GeoDataFrame around the points: an article's handful of
        points cost 17 ms through the frame (copies, CRS checks, column casts), 1 ms so."""
        lat = _as_coords(lats, "lats", 90.0)
        lon = _as_coords(lons, "lons", 180.0)
        if len(lat) != len(lon):
            raise ValueError(f"lats and lons differ in length: {len(lat)} != {len(lon)}")
        index = lats.index if isinstance(lats, pd.Series) else pd.RangeIndex(len(lat))
        geometry = shapely.points(lon, lat)
        geometry[np.isnan(lat) | np.isnan(lon)] = None
        return pd.DataFrame(self._join_geometries(geometry), index=index,
                            columns=list(JOIN_COLUMNS), dtype=object)

    def _join_geometries(self, geoms) -> dict[str, np.ndarray]:
        """The join columns (object arrays, None where nothing) for an array of WGS84 points."""
        geoms = np.asarray(geoms, dtype=object)
        valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        pts = geoms[valid]
        admin_pos = _locate(pts, self.admin1)
        lost = admin_pos < 0
        if lost.any():
            admin_pos[lost] = _locate_nearest(pts[lost], self.admin1, NEAREST_MAX_KM)
        region_pos = _locate(pts, self.named_regions)
        return {"country_code": _scatter(valid, _take(self._columns["iso_a2"], admin_pos)),
                "admin1": _scatter(valid, _take(self._columns["admin1"], admin_pos)),
                "region": _scatter(valid, _take(self._columns["region"], region_pos))}

    # -- named regions -------------------------------------------------------------------------

    def named_region(self, name_or_alias: str):
        """Geometry of the named region with this id, name or alias (case-insensitive), or None."""
        if not isinstance(name_or_alias, str):
            raise TypeError(f"name_or_alias must be a str, got {type(name_or_alias).__name__}")
        pos = self._alias_index.get(name_key(name_or_alias))
        return None if pos is None else self.named_regions.geometry.iloc[pos]

    def named_regions_frame(self) -> gpd.GeoDataFrame:
        return self.named_regions[["id", "name", "aliases", "country_code", "lat", "lon",
                                   "geometry"]].copy()

    # -- gazetteer frames ------------------------------------------------------------------------

    def admin1_frame(self) -> gpd.GeoDataFrame:
        return self.admin1[["adm1_code", "name", "name_alt", "iso_a2", "country", "type_en",
                            "lat", "lon", "geometry"]].copy()

    def countries_frame(self) -> gpd.GeoDataFrame:
        return self.countries[["iso_a2", "iso_a3", "name", "name_long", "lat", "lon",
                               "geometry"]].copy()

    # -- offline basemap -------------------------------------------------------------------------

    def basemap_geojson(self, level: str = "countries", country_codes: Optional[Iterable[str]] = None,
                        tolerance: Optional[float] = None) -> dict:
        """GeoJSON FeatureCollection (properties ``name``, ``iso_a2``) for an offline basemap,
        simplified for display. ``admin1`` is restricted to ``country_codes`` when given."""
        if level not in BASEMAP_LEVELS:
            raise ValueError(f"level must be one of {BASEMAP_LEVELS}, got {level!r}")
        codes = _as_country_codes(country_codes)
        tol = BASEMAP_TOLERANCE[level] if tolerance is None else float(tolerance)
        if not tol >= 0:
            raise ValueError(f"tolerance must be >= 0 degrees, got {tolerance!r}")
        key = (level, codes, tol)
        if key not in self._geojson_cache:
            self._geojson_cache[key] = _basemap(self.countries if level == "countries" else self.admin1,
                                                codes, tol)
        return self._geojson_cache[key]


@functools.lru_cache(maxsize=4)
def load_regions(path=None) -> Regions:
    """The boundary layers, read once per process (per path)."""
    path = Path(path) if path is not None else BOUNDARIES_PATH
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run scripts/build_boundaries.py "
                                f"(see data/README.md)")
    frames = {layer: _read_layer(path, layer) for layer in LAYERS}
    return Regions(frames["countries"], frames["admin1"], frames["named_regions"], path=path)


@functools.lru_cache(maxsize=1)
def bundled_regions() -> Optional[Regions]:
    """``load_regions()``, or None (with a warning) while data/boundaries.gpkg cannot be read:
    places then get no admin-1 unit or named region, and the gazetteer no admin-1 entries."""
    try:
        return load_regions()
    except OSError as err:  # FileNotFoundError included
        logger.warning("working without boundaries: %s", err)
        return None


def tag_places(places: Sequence[Place], regions: Regions) -> None:
    """Country code, admin-1 unit and named region of each resolved place from the boundaries,
    in place, one vectorised join for all. A country-level place keeps its own code (its
    centroid says nothing finer); below city precision the gazetteer's admin-1 unit stays."""
    resolved = [p for p in places if p.resolved]
    if not resolved:
        return
    frame = regions.join_latlon([p.lat for p in resolved], [p.lon for p in resolved])
    for p, row in zip(resolved, frame.itertuples(index=False)):
        cc = row.country_code if isinstance(row.country_code, str) and row.country_code else None
        if p.precision == "country":
            continue  # a centroid says nothing finer about a whole country
        if p.precision in ("city", "point") and cc:
            p.country_code = cc
        elif not p.country_code:
            p.country_code = cc
        if p.precision in ("city", "point") and isinstance(row.admin1, str):
            p.admin1 = row.admin1
        if isinstance(row.region, str) and row.region:
            p.region = row.region


# -- private helpers ---------------------------------------------------------------------------

def _read_layer(path: Path, layer: str) -> gpd.GeoDataFrame:
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, use_arrow=True)
    except Exception:  # pyarrow missing or too old: the plain reader is only a bit slower
        frame = pyogrio.read_dataframe(path, layer=layer)
    if frame.crs is None or not _is_wgs84(frame.crs):
        raise ValueError(f"{path}:{layer}: got CRS {frame.crs}, expected EPSG:4326")
    # Text columns as object with None (not NaN) so joins hand back plain None values.
    for col in frame.columns.drop("geometry"):
        if not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def _is_wgs84(crs) -> bool:
    return CRS.from_user_input(crs).equals(_WGS84, ignore_axis_order=True)


def _validate_points(points) -> None:
    if not isinstance(points, gpd.GeoDataFrame):
        raise TypeError(f"points must be a geopandas.GeoDataFrame, got {type(points).__name__}")
    if points.crs is None or not _is_wgs84(points.crs):
        name = None if points.crs is None else points.crs.to_string()
        raise ValueError(f"got CRS {name}, expected EPSG:4326")
    geoms = points.geometry.values
    present = ~(geoms.isna() | geoms.is_empty)
    kinds = pd.unique(np.asarray(geoms.geom_type)[present])
    bad = sorted(str(k) for k in kinds if k != "Point")
    if bad:
        raise ValueError(f"points must have Point geometries (or None), got {', '.join(bad)}")


def _locate(pts: np.ndarray, polygons: gpd.GeoDataFrame) -> np.ndarray:
    """Position in ``polygons`` of the polygon each point lies in (-1: none). Points on shared
    borders or in overlap slivers hit several: the lowest position wins (deterministic)."""
    found = np.full(len(pts), -1, dtype=np.int64)
    if len(pts) == 0 or len(polygons) == 0:
        return found
    # 'intersects' queries the polygons' cached STRtree ('within' would index the points) and
    # counts points exactly on a border as inside.
    # The spatial index's bulk query, as sjoin does inside but without building frames (3x
    # faster for the handful of points of one article: bench/README.md "Ingest speed").
    left, right = polygons.sindex.query(pts, predicate="intersects")
    order = np.lexsort((right, left))
    left, right = left[order], right[order]
    first = np.r_[True, left[1:] != left[:-1]] if len(left) else np.zeros(0, dtype=bool)
    found[left[first]] = right[first]
    return found


def _locate_nearest(pts: np.ndarray, polygons: gpd.GeoDataFrame, max_km: float) -> np.ndarray:
    """Position of the nearest polygon within ``max_km`` (great-circle) of each point, else -1.

    Candidates come from the polygons' spatial index (what sjoin_nearest asks, without its
    frames) in degrees with a radius that covers ``max_km`` at the highest latitude involved
    (capped at 80°); the great-circle distance to the nearest point of that candidate then
    decides. Nearest-in-degrees can differ from nearest-in-km at high latitudes, which only
    matters between two polygons both within a few km of the point."""
    found = np.full(len(pts), -1, dtype=np.int64)
    if len(pts) == 0:
        return found
    max_lat = min(float(np.abs(shapely.get_y(pts)).max()), 80.0)
    search_deg = max_km / (_KM_PER_DEG_LAT * np.cos(np.radians(max_lat)))
    left, right = polygons.sindex.nearest(pts, return_all=True, max_distance=search_deg)
    first = np.r_[True, left[1:] != left[:-1]] if len(left) else np.zeros(0, dtype=bool)
    left, right = left[first], right[first]  # equidistant ties: keep the first
    if len(left) == 0:
        return found
    lines = shapely.shortest_line(pts[left], polygons.geometry.values[right])
    ends = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    km = haversine_km_array(ends[:, 0, 1], ends[:, 0, 0], ends[:, 1, 1], ends[:, 1, 0])
    keep = km <= max_km
    found[left[keep]] = right[keep]
    return found


def _take(arr: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``arr[positions]`` as an object array, None where position is -1."""
    out = np.full(len(positions), None, dtype=object)
    ok = positions >= 0
    out[ok] = arr[positions[ok]]
    return out


def _scatter(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Spread values computed for the masked rows back over all rows (None elsewhere)."""
    out = np.full(len(mask), None, dtype=object)
    out[mask] = values
    return out


def _as_coords(values, label: str, limit: float) -> np.ndarray:
    try:
        arr = np.asarray(pd.to_numeric(pd.Series(list(values), dtype=object), errors="raise"),
                         dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{label} must be numbers (or None): {exc}") from None
    if np.any(np.abs(arr[~np.isnan(arr)]) > limit):
        raise ValueError(f"{label} out of range [-{limit:g}, {limit:g}]")
    return arr


def _as_country_codes(codes) -> Optional[tuple]:
    if codes is None:
        return None
    if isinstance(codes, str):
        codes = [codes]
    codes = tuple(sorted({str(c).strip().upper() for c in codes}))
    bad = [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
    if bad:
        raise ValueError(f"country codes must be ISO 3166-1 alpha-2, got {bad}")
    return codes


def _alias_index(named: gpd.GeoDataFrame) -> dict:
    """name_key(id / name / alias) -> row position; earlier rows win on a clash."""
    index: dict = {}
    for pos, row in enumerate(named[["id", "name", "aliases"]].itertuples(index=False)):
        for label in [row.id, row.name, *split_names(row.aliases)]:
            if label:
                index.setdefault(name_key(str(label)), pos)
    return index


def _basemap(frame: gpd.GeoDataFrame, codes: Optional[tuple], tolerance: float) -> dict:
    if codes is not None:
        frame = frame[frame["iso_a2"].isin(codes)]
    geoms = frame.geometry.values
    if tolerance > 0:
        geoms = geoms.simplify(tolerance, preserve_topology=True)
    geoms = np.asarray(geoms)
    snapped = shapely.set_precision(geoms, tolerance / BASEMAP_GRID_DIVISOR)
    geoms = np.where(shapely.is_empty(snapped), geoms, snapped)  # keep islets / microstates
    small = gpd.GeoDataFrame({"name": frame["name"].to_numpy(), "iso_a2": frame["iso_a2"].to_numpy()},
                             geometry=geoms, crs=_WGS84)
    small = small[~(small.geometry.isna() | small.geometry.is_empty)]
    return json.loads(small.to_json(drop_id=True))
